//! What goes wrong with a database ([`StoreError`], worded for the person at the terminal), and
//! the errors of std and sled turned into it. Apart so that the store's logic reads without them.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use skillgraph_graph::ChangeError;

use crate::SCHEMA_VERSION;

#[derive(Debug)]
pub enum StoreError {
    /// Another process kept writing for longer than this one would wait.
    Locked {
        path: PathBuf,
        /// Who holds the lock, as it wrote itself into the lock file ("pid 1234: skillgraph
        /// run big.sgq"); empty if unknown.
        holder: String,
        waited: Duration,
    },
    /// A write to a store opened read-only.
    ReadOnly {
        path: PathBuf,
    },
    /// The files are there but cannot be read back as a graph.
    Damaged {
        path: PathBuf,
        detail: String,
    },
    /// Written by another version of skillgraph.
    SchemaMismatch {
        path: PathBuf,
        found: u32,
    },
    Io {
        path: PathBuf,
        detail: String,
    },
    /// The change was rejected; nothing was written.
    Change(ChangeError),
    /// Imports that clash with the graph (duplicate ids); nothing was written.
    Clashes(Vec<ChangeError>),
    /// The path holds something other than a skillgraph database; nothing was written there.
    NotADatabase {
        path: PathBuf,
        /// What was found, in words.
        found: String,
    },
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Locked {
                path,
                holder,
                waited,
            } => {
                let who = if holder.is_empty() {
                    "another skillgraph process".to_string()
                } else {
                    format!("another skillgraph process ({holder})")
                };
                write!(
                    f,
                    "the database at {} is being changed by {who}, which still held it after {:.1} s; \
                     try again when it has finished, or wait longer with --lock-timeout SECONDS",
                    path.display(),
                    waited.as_secs_f64()
                )
            }
            StoreError::ReadOnly { path } => write!(
                f,
                "the database at {} was opened read-only (--read-only): nothing was changed",
                path.display()
            ),
            StoreError::Damaged { path, detail } => write!(
                f,
                "the database at {} is damaged: {detail}\nway out: move it aside and re-import your data (`skillgraph import …`), or restore an export",
                path.display()
            ),
            StoreError::SchemaMismatch { path, found } => write!(
                f,
                "the database at {} has schema version {found}, but this skillgraph reads version {SCHEMA_VERSION}; export it with the skillgraph that wrote it, then import it here",
                path.display()
            ),
            StoreError::Io { path, detail } => {
                write!(f, "cannot use the database at {}: {detail}", path.display())
            }
            StoreError::NotADatabase { path, found } => write!(
                f,
                "{} is not a skillgraph database: {found}; nothing was changed there. Give --db a \
                 new or empty directory, or the directory of a skillgraph database",
                path.display()
            ),
            StoreError::Change(e) => write!(f, "{e}"),
            StoreError::Clashes(list) => {
                let shown: Vec<String> = list.iter().take(10).map(|e| e.to_string()).collect();
                write!(f, "{}", shown.join("\n"))?;
                if list.len() > 10 {
                    write!(f, "\n… and {} more", list.len() - 10)?;
                }
                write!(f, "\nnothing was imported (use --replace to start from an empty graph)")
            }
        }
    }
}

impl std::error::Error for StoreError {}

pub(crate) fn io_error(path: &Path, doing: &str, e: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.to_path_buf(),
        detail: format!("cannot {doing}: {e}"),
    }
}

pub(crate) fn sled_error(path: &Path, e: sled::Error) -> StoreError {
    let path = path.to_path_buf();
    match e {
        sled::Error::Io(io) => StoreError::Io {
            path,
            detail: io.to_string(),
        },
        sled::Error::Corruption { .. } => StoreError::Damaged {
            path,
            detail: "the storage engine found corrupted data".into(),
        },
        other => StoreError::Damaged {
            path,
            detail: other.to_string(),
        },
    }
}

pub(crate) fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown failure".into())
}
