//! Creating a database, and telling a database (or one whose creation was cut short) from a
//! directory that is not one, before anything is written there.

use std::fs::File;
use std::path::Path;

use skillgraph_graph::Graph;

use crate::error::{io_error, StoreError};
use crate::writer::{open_sled, sync_path, write_snapshot};
use crate::{Manifest, Writer, CREATING_FILE, LOCK_FILE, SCHEMA_VERSION};

/// Creates the database under the writer's `lock`, unless another process did while this one
/// waited for it. Returns whether it created one.
pub(crate) fn create_database(
    path: &Path,
    lock: File,
    seed: impl FnOnce() -> Graph,
) -> Result<bool, StoreError> {
    let marker = path.join(CREATING_FILE);
    if has_sled_files(path) {
        if !marker.exists() {
            return Ok(false);
        }
        clear_unfinished_creation(path)?;
    }
    if !marker.exists() {
        File::create(&marker)
            .and_then(|f| f.sync_all())
            .and_then(|_| sync_path(path))
            .map_err(|e| io_error(path, &format!("create {CREATING_FILE}"), e))?;
    }
    let db = open_sled(path)?;
    if !db.is_empty() {
        return Err(StoreError::Damaged {
            path: path.to_path_buf(),
            detail: "its files hold data, though its creation never finished".into(),
        });
    }
    let data_file =
        File::open(path.join("db")).map_err(|e| io_error(path, "open sled's data file", e))?;
    let mut writer = Writer {
        db,
        data_file,
        manifest: Manifest {
            generation: 0,
            chunks: 0,
            bytes: 0,
            crc: 0,
        },
        schema: SCHEMA_VERSION,
        next_seq: 0,
        pending: Vec::new(),
        synced_blobs: Default::default(),
        _lock: lock,
    };
    write_snapshot(&mut writer, path, &seed())?;
    // sled wrote `conf` without syncing it, and the files' names and the database directory's
    // own name are durable only once their directories are synced.
    let sync = |p: &Path| sync_path(p).map_err(|e| io_error(path, "sync a new database", e));
    sync(&path.join("conf"))?;
    sync(path)?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        sync(parent)?;
    }
    std::fs::remove_file(&marker)
        .and_then(|_| sync_path(path))
        .map_err(|e| io_error(path, &format!("remove {CREATING_FILE}"), e))?;
    Ok(true)
}

/// Whether sled has made its files here (a database, or a creation cut short).
pub(crate) fn has_sled_files(path: &Path) -> bool {
    path.join("conf").exists() || path.join("db").exists()
}

/// Looks at `path` before anything is written there: refuses a file, or a directory holding
/// anything that a database or an interrupted creation of one would not, so that `--db`
/// pointed at the wrong directory changes nothing in it.
pub(crate) fn inspect_path(path: &Path) -> Result<(), StoreError> {
    let not_a_database = |found: String| StoreError::NotADatabase {
        path: path.to_path_buf(),
        found,
    };
    let entries = match std::fs::read_dir(path) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(_) if path.exists() && !path.is_dir() => {
            return Err(not_a_database("it is a file, not a directory".into()))
        }
        Err(e) => return Err(io_error(path, "read it", e)),
    };
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    if names.iter().any(|n| n == "conf" || n == "db") {
        return Ok(());
    }
    let foreign: Vec<&String> = names.iter().filter(|n| !is_database_file(n)).collect();
    if foreign.is_empty() {
        return Ok(());
    }
    let mut shown: Vec<String> = foreign.iter().take(5).map(|n| format!("`{n}`")).collect();
    if foreign.len() > 5 {
        shown.push(format!("and {} more", foreign.len() - 5));
    }
    Err(not_a_database(format!(
        "it is a directory holding {} and none of a database's files",
        shown.join(", ")
    )))
}

/// Names a database directory holds, or one whose creation was interrupted.
fn is_database_file(name: &str) -> bool {
    name == LOCK_FILE
        || name == CREATING_FILE
        || name == "blobs"
        || name.starts_with("snap.")
        || (name.starts_with("graph-") && name.contains(".snapshot"))
}

/// The marker is removed (durably) before the first write is acknowledged, so while it is
/// there the files hold nothing anyone was told is stored, and sled may have been cut off
/// anywhere in writing them (its `conf` unsynced, its first segment half written), which it
/// would report as damage. Starting again from nothing is the creation finished.
fn clear_unfinished_creation(path: &Path) -> Result<(), StoreError> {
    let entries = std::fs::read_dir(path).map_err(|e| io_error(path, "read it", e))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let removed = match &*name {
            "blobs" => std::fs::remove_dir_all(entry.path()),
            "conf" | "db" => std::fs::remove_file(entry.path()),
            _ if name != CREATING_FILE && name != LOCK_FILE && is_database_file(&name) => {
                std::fs::remove_file(entry.path())
            }
            _ => Ok(()),
        };
        removed
            .map_err(|e| io_error(path, &format!("remove {name} of a creation cut short"), e))?;
    }
    Ok(())
}
