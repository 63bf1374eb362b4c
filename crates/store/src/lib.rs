//! The persistent home of a skillgraph graph: a sled database holding a compact snapshot of the
//! graph plus a short log of later changes. Every write is atomic; a crash mid-way leaves the
//! previous state. Not for queries: callers read the in-memory [`Graph`] it hands out.
//!
//! Start at [`Store::open`].
//!
//! ## Key layout (schema version 3)
//! | key | value |
//! |---|---|
//! | `meta:schema` | schema version, u32 big-endian |
//! | `meta:snapshot` | [`Manifest`]: generation, chunk count, byte length, CRC-32 of the snapshot |
//! | `snap:{generation:016x}:{chunk:08x}` | a slice (≤ [`CHUNK_BYTES`]) of the snapshot ([`Graph::to_snapshot`]) |
//! | `log:{seq:016x}` | one atomic operation: CRC-32 (4 bytes, big-endian) + postcard-encoded `Vec<Change>` |
//!
//! One key per edge would not scale (sled's memory grows per key); a few large values do.
//! A new snapshot is written, and the log cleared, in one sled batch: by imports, and when the log
//! grows past [`COMPACT_AFTER`] entries.
//!
//! The snapshot of schema 3 is the graph's compact form (flat arrays of node and edge fields,
//! see `skillgraph_graph::Graph::to_snapshot`), which a graph is read back into without building
//! a petgraph graph: opening a database of a million edges costs little more than reading its
//! bytes. Schema 2 (the same keys, the snapshot postcard-encoded `GraphData`) is still read; the
//! next snapshot written upgrades it.

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use skillgraph_graph::{Change, ChangeError, Graph, GraphData, SnapshotBytes};
use std::sync::Arc;

pub const SCHEMA_VERSION: u32 = 3;
/// The previous schema: the same keys, the snapshot postcard-encoded [`GraphData`].
const SCHEMA_POSTCARD: u32 = 2;
/// The largest sled value of a snapshot. A snapshot of one chunk is read in place (no copy); a
/// million-edge graph takes ~20 MiB.
pub const CHUNK_BYTES: usize = 64 << 20;
pub const COMPACT_AFTER: u64 = 256;
/// A graph read from a snapshot answers from its compact form until its first change, and a
/// log to replay makes every later open rebuild it in full (half a second at a million edges).
/// From this many nodes and edges, a change to such a graph writes a new snapshot at once.
pub const REWRITE_SNAPSHOT_AT: usize = 50_000;

const KEY_SCHEMA: &[u8] = b"meta:schema";
const KEY_MANIFEST: &[u8] = b"meta:snapshot";
const LOG_PREFIX: &[u8] = b"log:";
const SNAP_PREFIX: &[u8] = b"snap:";

/// Describes the current snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub generation: u64,
    pub chunks: u32,
    pub bytes: u64,
    pub crc: u32,
}

#[derive(Debug)]
pub enum StoreError {
    /// Another process holds the database.
    Locked {
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
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Locked { path } => write!(
                f,
                "the database at {} is in use by another skillgraph process; close it, or use another database with --db",
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

/// How a database was found when opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    Existing,
    /// It did not exist and was created with the seed graph.
    Created,
}

/// An open database and the graph it holds. Holding a `Store` holds sled's file lock.
pub struct Store {
    db: sled::Db,
    path: PathBuf,
    graph: Graph,
    manifest: Manifest,
    next_seq: u64,
    log_entries: u64,
}

impl Store {
    /// Opens the database at `path`, creating it from `seed` when there is none.
    pub fn open(path: &Path, seed: impl FnOnce() -> Graph) -> Result<(Store, Opened), StoreError> {
        // sled treats a `db` file it cannot read from the start as a new, empty database; only
        // a path without sled's files may be created and seeded, or lost data would be
        // silently replaced by the seed.
        let had_files = path.join("conf").exists() || path.join("db").exists();
        let db = open_sled(path)?;
        let schema = db.get(KEY_SCHEMA).map_err(|e| sled_error(path, e))?;
        match schema {
            None if db.is_empty() && had_files => Err(StoreError::Damaged {
                path: path.to_path_buf(),
                detail: "its files hold no data: they were truncated or overwritten, or creating \
                         the database was interrupted"
                    .into(),
            }),
            None if db.is_empty() => {
                let mut store = Store {
                    db,
                    path: path.to_path_buf(),
                    graph: Graph::new(),
                    manifest: Manifest {
                        generation: 0,
                        chunks: 0,
                        bytes: 0,
                        crc: 0,
                    },
                    next_seq: 0,
                    log_entries: 0,
                };
                let graph = seed();
                store.write_snapshot(&graph)?;
                store.graph = graph;
                Ok((store, Opened::Created))
            }
            None => Err(StoreError::Damaged {
                path: path.to_path_buf(),
                detail: "it holds data but no schema version".into(),
            }),
            Some(bytes) => {
                let found = schema_version(&bytes).ok_or_else(|| StoreError::Damaged {
                    path: path.to_path_buf(),
                    detail: "the schema version is unreadable".into(),
                })?;
                if found != SCHEMA_VERSION && found != SCHEMA_POSTCARD {
                    return Err(StoreError::SchemaMismatch {
                        path: path.to_path_buf(),
                        found,
                    });
                }
                Ok((Store::load(db, path)?, Opened::Existing))
            }
        }
    }

    fn load(db: sled::Db, path: &Path) -> Result<Store, StoreError> {
        let damaged = |detail: String| StoreError::Damaged {
            path: path.to_path_buf(),
            detail,
        };
        let manifest_bytes = db
            .get(KEY_MANIFEST)
            .map_err(|e| sled_error(path, e))?
            .ok_or_else(|| damaged("the snapshot manifest is missing".into()))?;
        let manifest: Manifest = postcard::from_bytes(&manifest_bytes)
            .map_err(|e| damaged(format!("the snapshot manifest is unreadable ({e})")))?;
        let mut chunks = Vec::new();
        for chunk in 0..manifest.chunks {
            let part = db
                .get(snap_key(manifest.generation, chunk))
                .map_err(|e| sled_error(path, e))?
                .ok_or_else(|| damaged(format!("snapshot chunk {chunk} is missing")))?;
            chunks.push(part);
        }
        // Sized by what is there, not by the manifest, which may be damaged.
        let total: usize = chunks.iter().map(|c| c.len()).sum();
        if total as u64 != manifest.bytes {
            return Err(damaged("the snapshot does not match its checksum".into()));
        }
        // One chunk (every graph below `CHUNK_BYTES`): read it where sled holds it, no copy.
        let bytes: SnapshotBytes = match chunks.len() {
            1 => Arc::new(chunks.pop().expect("one chunk")),
            _ => {
                let mut all = Vec::with_capacity(total);
                for part in chunks {
                    all.extend_from_slice(&part);
                }
                Arc::new(all)
            }
        };
        if crc32fast::hash((*bytes).as_ref()) != manifest.crc {
            return Err(damaged("the snapshot does not match its checksum".into()));
        }
        let schema = db
            .get(KEY_SCHEMA)
            .map_err(|e| sled_error(path, e))?
            .and_then(|v| schema_version(&v));
        let decoded = if schema == Some(SCHEMA_POSTCARD) {
            postcard::from_bytes::<GraphData>((*bytes).as_ref())
                .map(Graph::from_data)
                .map_err(|e| e.to_string())
        } else {
            Graph::from_shared_snapshot(bytes)
        };
        let mut graph =
            decoded.map_err(|e| damaged(format!("the snapshot cannot be decoded ({e})")))?;
        let mut next_seq = 0;
        let mut log_entries = 0;
        for item in db.scan_prefix(LOG_PREFIX) {
            let (key, value) = item.map_err(|e| sled_error(path, e))?;
            let seq = log_seq(&key).ok_or_else(|| damaged("a log key is malformed".into()))?;
            let changes = decode_log_entry(&value)
                .ok_or_else(|| damaged(format!("log entry {seq} is unreadable")))?;
            for change in changes {
                graph
                    .apply(change)
                    .map_err(|e| damaged(format!("log entry {seq} no longer applies: {e}")))?;
            }
            next_seq = seq + 1;
            log_entries += 1;
        }
        Ok(Store {
            db,
            path: path.to_path_buf(),
            graph,
            manifest,
            next_seq,
            log_entries,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// Entries in the change log since the last snapshot.
    pub fn log_entries(&self) -> u64 {
        self.log_entries
    }

    /// Applies `changes` as one atomic operation: all are validated and applied, then written
    /// durably before this returns; if any is rejected, nothing changes, in memory or on disk.
    /// Returns a summary line per change.
    pub fn apply(&mut self, changes: Vec<Change>) -> Result<Vec<String>, StoreError> {
        let entry = encode_log_entry(&changes);
        let single = changes.len() == 1;
        let rewrite = self.graph.is_compact()
            && self.graph.node_count() + self.graph.edge_count() >= REWRITE_SNAPSHOT_AT;
        let mut summaries = Vec::new();
        for change in changes {
            match self.graph.apply(change) {
                Ok(summary) => summaries.push(summary),
                Err(e) => {
                    // Earlier changes of this operation were applied in memory only: reread
                    // the last durable state rather than undo them one by one.
                    if !single || !summaries.is_empty() {
                        self.restore_from_disk()?;
                    }
                    return Err(StoreError::Change(e));
                }
            }
        }
        let written = self
            .db
            .insert(log_key(self.next_seq), entry)
            .and_then(|_| self.db.flush().map(drop));
        if let Err(e) = written {
            self.restore_from_disk()?;
            return Err(sled_error(&self.path, e));
        }
        self.next_seq += 1;
        self.log_entries += 1;
        if self.log_entries >= COMPACT_AFTER || rewrite {
            let graph = std::mem::take(&mut self.graph);
            let result = self.write_snapshot(&graph);
            self.graph = graph;
            result?;
        }
        Ok(summaries)
    }

    fn restore_from_disk(&mut self) -> Result<(), StoreError> {
        let fresh = Store::load(self.db.clone(), &self.path)?;
        self.graph = fresh.graph;
        Ok(())
    }

    /// Makes `graph` the whole content of the database, atomically.
    pub fn replace(&mut self, graph: Graph) -> Result<(), StoreError> {
        self.write_snapshot(&graph)?;
        self.graph = graph;
        Ok(())
    }

    /// Adds `other` to the graph, atomically; fails without writing if an id clashes.
    pub fn merge(&mut self, other: Graph) -> Result<(), StoreError> {
        let mut merged = self.graph.clone();
        merged.merge(other).map_err(StoreError::Clashes)?;
        self.replace(merged)
    }

    /// Writes `graph` as the new snapshot and drops the log, in one sled batch.
    fn write_snapshot(&mut self, graph: &Graph) -> Result<(), StoreError> {
        let bytes = graph.to_snapshot();
        let old = self.manifest;
        let manifest = Manifest {
            generation: old.generation + 1,
            chunks: bytes.chunks(CHUNK_BYTES).count() as u32,
            bytes: bytes.len() as u64,
            crc: crc32fast::hash(&bytes),
        };
        let mut batch = sled::Batch::default();
        for (i, chunk) in bytes.chunks(CHUNK_BYTES).enumerate() {
            batch.insert(snap_key(manifest.generation, i as u32), chunk);
        }
        let manifest_bytes = postcard::to_allocvec(&manifest).expect("a manifest always encodes");
        batch.insert(KEY_MANIFEST, manifest_bytes);
        batch.insert(KEY_SCHEMA, &SCHEMA_VERSION.to_be_bytes());
        for item in self.db.scan_prefix(SNAP_PREFIX).keys() {
            let key = item.map_err(|e| sled_error(&self.path, e))?;
            if !key.starts_with(&snap_prefix(manifest.generation)) {
                batch.remove(key);
            }
        }
        for item in self.db.scan_prefix(LOG_PREFIX).keys() {
            batch.remove(item.map_err(|e| sled_error(&self.path, e))?);
        }
        self.db
            .apply_batch(batch)
            .and_then(|_| self.db.flush().map(drop))
            .map_err(|e| sled_error(&self.path, e))?;
        self.manifest = manifest;
        self.log_entries = 0;
        Ok(())
    }
}

/// How long to wait for a lock that may be on its way out (see [`open_sled`]).
const LOCK_WAIT: Duration = Duration::from_millis(300);

/// Opens sled, turning its lock failure and its panics on damaged files into errors.
///
/// Dropping a `sled::Db` does not release its file lock at once: sled's I/O threads let go of
/// the file a moment later (spacejam/sled#1234, #1289). So a lock failure is retried for up to
/// [`LOCK_WAIT`] before it is reported, or closing and reopening a database in one process
/// would fail at random.
fn open_sled(path: &Path) -> Result<sled::Db, StoreError> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(5);
    loop {
        match open_sled_once(path) {
            Err(StoreError::Locked { .. }) if started.elapsed() < LOCK_WAIT => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(100));
            }
            result => return result,
        }
    }
}

fn open_sled_once(path: &Path) -> Result<sled::Db, StoreError> {
    let config = sled::Config::new()
        .path(path)
        .cache_capacity(64 << 20)
        .mode(sled::Mode::LowSpace);
    let result = catch_unwind(AssertUnwindSafe(|| config.open()));
    match result {
        Ok(Ok(db)) => Ok(db),
        Ok(Err(e)) => Err(sled_error(path, e)),
        Err(panic) => Err(StoreError::Damaged {
            path: path.to_path_buf(),
            detail: format!(
                "the storage engine could not read it ({})",
                panic_text(&panic)
            ),
        }),
    }
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown failure".into())
}

fn sled_error(path: &Path, e: sled::Error) -> StoreError {
    let path = path.to_path_buf();
    match e {
        sled::Error::Io(io) if is_lock_error(&io) => StoreError::Locked { path },
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

/// sled 0.34 reports a held lock as an `Other` error with this wording (config.rs); matching
/// just "lock" would also match any I/O error on a path such as `/home/me/blocks/db`.
fn is_lock_error(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::WouldBlock
        || e.to_string().starts_with("could not acquire lock")
}

fn schema_version(bytes: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.try_into().ok()?))
}

fn snap_prefix(generation: u64) -> Vec<u8> {
    format!("snap:{generation:016x}:").into_bytes()
}

fn snap_key(generation: u64, chunk: u32) -> Vec<u8> {
    format!("snap:{generation:016x}:{chunk:08x}").into_bytes()
}

fn log_key(seq: u64) -> Vec<u8> {
    format!("log:{seq:016x}").into_bytes()
}

fn log_seq(key: &[u8]) -> Option<u64> {
    let hex = std::str::from_utf8(key.strip_prefix(LOG_PREFIX)?).ok()?;
    u64::from_str_radix(hex, 16).ok()
}

fn encode_log_entry(changes: &Vec<Change>) -> Vec<u8> {
    let body = postcard::to_allocvec(changes).expect("changes always encode");
    let mut entry = crc32fast::hash(&body).to_be_bytes().to_vec();
    entry.extend_from_slice(&body);
    entry
}

fn decode_log_entry(entry: &[u8]) -> Option<Vec<Change>> {
    let (crc, body) = entry.split_at_checked(4)?;
    if u32::from_be_bytes(crc.try_into().ok()?) != crc32fast::hash(body) {
        return None;
    }
    postcard::from_bytes(body).ok()
}
