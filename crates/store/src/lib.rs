//! The persistent home of a skillgraph graph: a sled database holding a short log of changes,
//! and beside it a compact snapshot of the graph in a file of its own, named by the database.
//! Every write is atomic; a crash mid-way leaves the previous state. Not for queries: callers
//! read the in-memory [`Graph`] it hands out.
//!
//! Start at [`Store::open`].
//!
//! ## Layout (schema version 4)
//! | where | what |
//! |---|---|
//! | sled `meta:schema` | schema version, u32 big-endian |
//! | sled `meta:snapshot` | [`Manifest`]: generation, byte length, CRC-32 of the snapshot |
//! | sled `log:{seq:016x}` | one atomic operation: CRC-32 (4 bytes, big-endian) + postcard-encoded `Vec<Change>` |
//! | file `graph-{generation:016x}.snapshot` | the snapshot ([`Graph::to_snapshot`]), never changed once written |
//!
//! One key per edge would not scale (sled's memory grows per key). The snapshot is the graph's
//! compact form (flat arrays of node and edge fields, see `skillgraph_graph::Graph::to_snapshot`),
//! which a graph answers from in place: the file is memory-mapped, so opening a database of a
//! million edges costs a checksum over its pages rather than reading, copying and decoding them
//! (sled would read a large value into fresh memory and check its own checksum first, ~40 ms
//! of the ~60 ms a whole `skillgraph query` process took at a million edges).
//!
//! A new snapshot is written by imports, and when the log grows past [`COMPACT_AFTER`] entries:
//! the file first (under a temporary name, synced, then renamed, then its directory synced), then
//! one sled batch that names it in the manifest and clears the log, made durable (below). Until
//! that batch is durable the manifest names the old file, which is deleted only afterwards;
//! files the manifest does not name are left-overs of an interrupted write and are removed on
//! open.
//!
//! ## Durability
//! sled's `flush` ends in `sync_file_range` on Linux, which writes the data pages but neither the
//! file's metadata (its size, as the log grows) nor the drive's write cache (spacejam/sled#1452),
//! so a flushed write can still be lost in a power cut. A write is durable here once sled has
//! flushed it *and* the store has fsynced sled's data file ([`Store::sync`]); with
//! [`Commit::EachWrite`] that happens before [`Store::apply`] returns, with [`Commit::AtSync`]
//! (scripts) once, when the caller asks. sled stays the home of the manifest and the log: after
//! that fsync its recovery finds every flushed write, so nothing needs a second copy.
//!
//! sled also writes a snapshot of its own while it opens, as `snap.{lsn}.generating` renamed to
//! `snap.{lsn}`, and when it opens it reads whichever `snap.*` name sorts last, finished or not
//! (spacejam/sled#1387, #1533): a process killed while sled wrote one left a database that no
//! longer opened. The store holds a lock file of its own ([`LOCK_FILE`]), so no sled runs in the
//! directory while it removes such left-overs before opening sled.
//!
//! Schemas 3 (the same snapshot in `snap:{generation:016x}:{chunk:08x}` sled values) and 2 (those
//! values postcard-encoded `GraphData`) are still read; the next snapshot written upgrades them.

use std::fmt;
use std::fs::File;
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use skillgraph_graph::{Change, ChangeError, Graph, GraphData, SnapshotBytes};
use std::sync::Arc;

pub const SCHEMA_VERSION: u32 = 4;
/// The snapshot in sled values, in the compact form.
const SCHEMA_CHUNKS: u32 = 3;
/// The snapshot in sled values, postcard-encoded [`GraphData`].
const SCHEMA_POSTCARD: u32 = 2;
pub const COMPACT_AFTER: u64 = 256;
/// A graph read from a snapshot answers from its compact form until its first change, and a
/// log to replay makes every later open rebuild it in full (half a second at a million edges).
/// From this many nodes and edges, a change to such a graph writes a new snapshot at once.
pub const REWRITE_SNAPSHOT_AT: usize = 50_000;

/// Held (`flock`) for as long as a [`Store`] is open. sled's lock on its `db` file is taken
/// inside sled's open, too late to protect the clean-up that must come before it.
pub const LOCK_FILE: &str = "skillgraph.lock";

/// Present, durably, from before sled creates its files until the new database is durable.
const CREATING_FILE: &str = "skillgraph.creating";

const KEY_SCHEMA: &[u8] = b"meta:schema";
const KEY_MANIFEST: &[u8] = b"meta:snapshot";
const LOG_PREFIX: &[u8] = b"log:";
const SNAP_PREFIX: &[u8] = b"snap:";

/// Describes the current snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub generation: u64,
    /// The number of sled values holding the snapshot (schemas 2 and 3); 0 for a file.
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

/// How a database was found when opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    Existing,
    /// It did not exist and was created with the seed graph.
    Created,
}

/// When a write reaches stable storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commit {
    /// Each [`Store::apply`] is durable before it returns (the shell, `query`).
    EachWrite,
    /// Writes are committed in order but made durable together by [`Store::sync`] (scripts,
    /// where an fsync per statement would cost more than the statements): a kill or a power cut
    /// before the sync keeps a prefix of them, whatever sled had flushed by then.
    AtSync,
}

/// An open database and the graph it holds. Holding a `Store` holds its lock file and sled's
/// file lock.
pub struct Store {
    db: sled::Db,
    path: PathBuf,
    graph: Graph,
    manifest: Manifest,
    next_seq: u64,
    log_entries: u64,
    /// sled's data file, opened a second time to fsync it (see the crate docs, Durability).
    data_file: File,
    commit: Commit,
    /// Writes since the last [`Store::sync`].
    unsynced: bool,
    /// sled's blob files already synced by this process.
    synced_blobs: std::collections::HashSet<std::ffi::OsString>,
    /// Released when the store is dropped, after sled (fields drop in order).
    _lock: File,
}

impl Store {
    /// Opens the database at `path`, creating it from `seed` when there is none.
    pub fn open(path: &Path, seed: impl FnOnce() -> Graph) -> Result<(Store, Opened), StoreError> {
        // sled treats a `db` file it cannot read from the start as a new, empty database; only
        // a path without sled's files, or with those of a creation cut short (told from damage
        // by the marker, see `open_sled_once`), may be created and seeded, or lost data would
        // be silently replaced by the seed.
        inspect_path(path)?;
        let (lock, db, creating) = open_sled(path)?;
        let data_file =
            File::open(path.join("db")).map_err(|e| io_error(path, "open sled's data file", e))?;
        let schema = db.get(KEY_SCHEMA).map_err(|e| sled_error(path, e))?;
        let parts = OpenParts {
            db,
            data_file,
            lock,
        };
        match schema {
            None if parts.db.is_empty() && !creating => Err(StoreError::Damaged {
                path: path.to_path_buf(),
                detail: "its files hold no data: they were truncated or overwritten, or creating \
                         the database was interrupted"
                    .into(),
            }),
            None if parts.db.is_empty() => {
                let mut store = parts.into_store(
                    path,
                    Graph::new(),
                    Manifest {
                        generation: 0,
                        chunks: 0,
                        bytes: 0,
                        crc: 0,
                    },
                    0,
                    0,
                );
                let graph = seed();
                store.write_snapshot(&graph)?;
                store.graph = graph;
                // sled wrote `conf` without syncing it, and the files' names and the database
                // directory's own name are durable only once their directories are synced.
                let sync =
                    |p: &Path| sync_path(p).map_err(|e| io_error(path, "sync a new database", e));
                sync(&path.join("conf"))?;
                sync(path)?;
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    sync(parent)?;
                }
                std::fs::remove_file(path.join(CREATING_FILE))
                    .and_then(|_| sync_path(path))
                    .map_err(|e| io_error(path, &format!("remove {CREATING_FILE}"), e))?;
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
                if ![SCHEMA_VERSION, SCHEMA_CHUNKS, SCHEMA_POSTCARD].contains(&found) {
                    return Err(StoreError::SchemaMismatch {
                        path: path.to_path_buf(),
                        found,
                    });
                }
                let loaded = Loaded::read(&parts.db, path)?;
                let generation = loaded.manifest.generation;
                let store = parts.into_store(
                    path,
                    loaded.graph,
                    loaded.manifest,
                    loaded.next_seq,
                    loaded.log_entries,
                );
                if found == SCHEMA_VERSION {
                    // What sled read is durable: its data file was synced before it opened.
                    remove_stale_snapshot_files(path, generation);
                }
                Ok((store, Opened::Existing))
            }
        }
    }
}

/// What [`Store::open`] has in hand before it knows the graph.
struct OpenParts {
    db: sled::Db,
    data_file: File,
    lock: File,
}

impl OpenParts {
    fn into_store(
        self,
        path: &Path,
        graph: Graph,
        manifest: Manifest,
        next_seq: u64,
        log_entries: u64,
    ) -> Store {
        Store {
            db: self.db,
            path: path.to_path_buf(),
            graph,
            manifest,
            next_seq,
            log_entries,
            data_file: self.data_file,
            commit: Commit::EachWrite,
            unsynced: false,
            synced_blobs: Default::default(),
            _lock: self.lock,
        }
    }
}

/// The graph as sled and the snapshot file hold it.
struct Loaded {
    graph: Graph,
    manifest: Manifest,
    next_seq: u64,
    log_entries: u64,
}

impl Loaded {
    fn read(db: &sled::Db, path: &Path) -> Result<Loaded, StoreError> {
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
        let schema = db
            .get(KEY_SCHEMA)
            .map_err(|e| sled_error(path, e))?
            .and_then(|v| schema_version(&v));
        let bytes = match schema {
            Some(SCHEMA_VERSION) => map_snapshot_file(path, manifest.generation)?,
            _ => read_snapshot_chunks(db, path, &manifest)?,
        };
        // Sized by what is there, not by the manifest, which may be damaged.
        if (*bytes).as_ref().len() as u64 != manifest.bytes
            || crc32fast::hash((*bytes).as_ref()) != manifest.crc
        {
            return Err(damaged("the snapshot does not match its checksum".into()));
        }
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
        Ok(Loaded {
            graph,
            manifest,
            next_seq,
            log_entries,
        })
    }
}

impl Store {
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

    /// Chooses when writes become durable; [`Commit::EachWrite`] until told otherwise.
    pub fn set_commit(&mut self, commit: Commit) {
        self.commit = commit;
    }

    /// Makes every write so far durable (a no-op if they are). With [`Commit::AtSync`] this is
    /// the moment they are acknowledged.
    pub fn sync(&mut self) -> Result<(), StoreError> {
        if self.unsynced {
            self.make_durable()?;
        }
        Ok(())
    }

    /// Applies `changes` as one atomic operation: all are validated and applied, then written
    /// (durably before this returns with [`Commit::EachWrite`], see [`Commit::AtSync`]); if any
    /// is rejected, nothing changes, in memory or on disk. Returns a summary line per change.
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
            .map_err(|e| sled_error(&self.path, e))
            .and_then(|_| {
                self.unsynced = true;
                match self.commit {
                    Commit::EachWrite => self.make_durable(),
                    Commit::AtSync => Ok(()),
                }
            });
        if let Err(e) = written {
            self.restore_from_disk()?;
            return Err(e);
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
        let fresh = Loaded::read(&self.db, &self.path)?;
        self.graph = fresh.graph;
        Ok(())
    }

    /// sled's flush, then what it leaves out (see the crate docs, Durability): its blob files
    /// (which sled never syncs) before the data file that points at them, then the data file.
    fn make_durable(&mut self) -> Result<(), StoreError> {
        self.db.flush().map_err(|e| sled_error(&self.path, e))?;
        self.sync_new_blobs()?;
        self.data_file
            .sync_all()
            .map_err(|e| io_error(&self.path, "sync sled's data file", e))?;
        self.unsynced = false;
        Ok(())
    }

    /// sled keeps a value too large for a quarter of its 512 KiB segments in a file of its own
    /// under `blobs/`. The log's entries are small, so this is almost always an empty listing.
    fn sync_new_blobs(&mut self) -> Result<(), StoreError> {
        let dir = self.path.join("blobs");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Ok(());
        };
        let mut new = false;
        for entry in entries.flatten() {
            let name = entry.file_name();
            if !self.synced_blobs.contains(&name) {
                sync_path(&entry.path()).map_err(|e| io_error(&self.path, "sync a blob", e))?;
                self.synced_blobs.insert(name);
                new = true;
            }
        }
        if new {
            sync_path(&dir).map_err(|e| io_error(&self.path, "sync blobs/", e))?;
        }
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

    /// Writes `graph` as the new snapshot and drops the log: the file, durably, then one sled
    /// batch that names it, made durable whatever [`Commit`] says; the old file goes only then.
    fn write_snapshot(&mut self, graph: &Graph) -> Result<(), StoreError> {
        let bytes = graph.to_snapshot();
        let manifest = Manifest {
            generation: self.manifest.generation + 1,
            chunks: 0,
            bytes: bytes.len() as u64,
            crc: crc32fast::hash(&bytes),
        };
        write_snapshot_file(&self.path, manifest.generation, &bytes)?;
        let mut batch = sled::Batch::default();
        let manifest_bytes = postcard::to_allocvec(&manifest).expect("a manifest always encodes");
        batch.insert(KEY_MANIFEST, manifest_bytes);
        batch.insert(KEY_SCHEMA, &SCHEMA_VERSION.to_be_bytes());
        // Values of an older schema's snapshot, and the log the new snapshot includes.
        for prefix in [SNAP_PREFIX, LOG_PREFIX] {
            for item in self.db.scan_prefix(prefix).keys() {
                batch.remove(item.map_err(|e| sled_error(&self.path, e))?);
            }
        }
        self.db
            .apply_batch(batch)
            .map_err(|e| sled_error(&self.path, e))?;
        self.unsynced = true;
        self.make_durable()?;
        self.manifest = manifest;
        self.log_entries = 0;
        remove_stale_snapshot_files(&self.path, manifest.generation);
        Ok(())
    }
}

impl Drop for Store {
    /// A caller that returns early without [`Store::sync`] still gets its writes synced; one
    /// that wants to know whether that worked calls `sync` itself.
    fn drop(&mut self) {
        if self.unsynced {
            let _ = self.make_durable();
        }
    }
}

fn io_error(path: &Path, doing: &str, e: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.to_path_buf(),
        detail: format!("cannot {doing}: {e}"),
    }
}

/// fsync of a file or a directory (which makes the names in it durable).
fn sync_path(path: &Path) -> std::io::Result<()> {
    File::open(path)?.sync_all()
}

/// Looks at `path` before anything is written there: refuses a file, or a directory holding
/// anything that a database or an interrupted creation of one would not, so that `--db`
/// pointed at the wrong directory changes nothing in it.
fn inspect_path(path: &Path) -> Result<(), StoreError> {
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

fn snapshot_file_name(generation: u64) -> String {
    format!("graph-{generation:016x}.snapshot")
}

/// Writes the snapshot of `generation` durably under its final name: a crash leaves either no
/// file of that name or the whole file, never part of one.
fn write_snapshot_file(dir: &Path, generation: u64, bytes: &[u8]) -> Result<(), StoreError> {
    let name = snapshot_file_name(generation);
    let temporary = dir.join(format!("{name}.tmp"));
    let io = |e: std::io::Error| StoreError::Io {
        path: dir.to_path_buf(),
        detail: format!("cannot write {name}: {e}"),
    };
    let mut file = File::create(&temporary).map_err(io)?;
    file.write_all(bytes)
        .and_then(|_| file.sync_all())
        .map_err(io)?;
    drop(file);
    std::fs::rename(&temporary, dir.join(&name)).map_err(io)?;
    // The rename is durable once the directory is.
    File::open(dir).and_then(|d| d.sync_all()).map_err(io)
}

/// Maps the snapshot file of `generation` into memory.
fn map_snapshot_file(dir: &Path, generation: u64) -> Result<SnapshotBytes, StoreError> {
    let name = snapshot_file_name(generation);
    let file = File::open(dir.join(&name)).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => StoreError::Damaged {
            path: dir.to_path_buf(),
            detail: format!("its snapshot file {name} is missing"),
        },
        _ => StoreError::Io {
            path: dir.to_path_buf(),
            detail: format!("cannot read {name}: {e}"),
        },
    })?;
    let io = |e: std::io::Error| StoreError::Io {
        path: dir.to_path_buf(),
        detail: format!("cannot read {name}: {e}"),
    };
    if file.metadata().map_err(io)?.len() == 0 {
        // Mapping nothing is an error on some systems; an empty snapshot is damage anyway.
        return Err(StoreError::Damaged {
            path: dir.to_path_buf(),
            detail: "the snapshot does not match its checksum".into(),
        });
    }
    // SAFETY: a snapshot file is never written after the rename that gives it its name, and
    // skillgraph only deletes it (which leaves an existing mapping intact). Another program
    // truncating it while it is mapped could still fault, as with any memory-mapped database.
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(io)?;
    Ok(Arc::new(map))
}

/// Reads the snapshot that schemas 2 and 3 keep in sled values.
fn read_snapshot_chunks(
    db: &sled::Db,
    path: &Path,
    manifest: &Manifest,
) -> Result<SnapshotBytes, StoreError> {
    let mut chunks = Vec::new();
    for chunk in 0..manifest.chunks {
        let part = db
            .get(snap_key(manifest.generation, chunk))
            .map_err(|e| sled_error(path, e))?
            .ok_or_else(|| StoreError::Damaged {
                path: path.to_path_buf(),
                detail: format!("snapshot chunk {chunk} is missing"),
            })?;
        chunks.push(part);
    }
    if chunks.len() == 1 {
        return Ok(Arc::new(chunks.pop().expect("one chunk")));
    }
    Ok(Arc::new(chunks.concat()))
}

/// Removes snapshot files other than that of `generation`: the previous snapshot, and files of
/// an interrupted write. Best effort: a file left now is removed on a later open.
fn remove_stale_snapshot_files(dir: &Path, generation: u64) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let current = snapshot_file_name(generation);
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.starts_with("graph-") && name.contains(".snapshot") && name != current {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// How long to wait for a lock that may be on its way out (see [`open_sled`]).
const LOCK_WAIT: Duration = Duration::from_millis(300);

/// Takes the store's lock, clears sled's unfinished files, then opens sled, turning its lock
/// failure and its panics on damaged files into errors.
///
/// Dropping a `sled::Db` does not release its file lock at once: sled's I/O threads let go of
/// the file a moment later (spacejam/sled#1234, #1289). So a lock failure is retried for up to
/// [`LOCK_WAIT`] before it is reported, or closing and reopening a database in one process
/// would fail at random.
fn open_sled(path: &Path) -> Result<(File, sled::Db, bool), StoreError> {
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

/// Returns the lock, sled, and whether this is a creation (new, or resumed after a crash).
fn open_sled_once(path: &Path) -> Result<(File, sled::Db, bool), StoreError> {
    let lock = take_lock(path)?;
    let marker = path.join(CREATING_FILE);
    let creating = if path.join("conf").exists() || path.join("db").exists() {
        let cut_short = marker.exists();
        if cut_short {
            clear_unfinished_creation(path)?;
        }
        cut_short
    } else {
        File::create(&marker)
            .and_then(|f| f.sync_all())
            .and_then(|_| sync_path(path))
            .map_err(|e| io_error(path, &format!("create {CREATING_FILE}"), e))?;
        true
    };
    prepare_sled_files(path)?;
    Ok((lock, open_sled_files(path)?, creating))
}

fn take_lock(path: &Path) -> Result<File, StoreError> {
    use fs2::FileExt;
    std::fs::create_dir_all(path).map_err(|e| io_error(path, "create it", e))?;
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path.join(LOCK_FILE))
        .map_err(|e| io_error(path, &format!("open {LOCK_FILE}"), e))?;
    match lock.try_lock_exclusive() {
        Ok(()) => Ok(lock),
        Err(e) if e.kind() == fs2::lock_contended_error().kind() => Err(StoreError::Locked {
            path: path.to_path_buf(),
        }),
        Err(e) => Err(io_error(path, &format!("lock {LOCK_FILE}"), e)),
    }
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

/// Under the store's lock, before sled opens: no sled runs here, so a `snap.*.generating` file
/// is the left-over of a process killed while sled wrote its snapshot, which sled would read as
/// its newest snapshot (see the crate docs). And sled's data file may hold writes of a killed
/// process that are in the page cache only; sled is about to write a durable snapshot of its
/// own over them (and the store to delete files by what they say), so they are synced first.
fn prepare_sled_files(path: &Path) -> Result<(), StoreError> {
    if let Ok(entries) = std::fs::read_dir(path) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with("snap.") && name.ends_with(".generating") {
                std::fs::remove_file(entry.path())
                    .map_err(|e| io_error(path, &format!("remove sled's unfinished {name}"), e))?;
            }
        }
    }
    match sync_path(&path.join("db")) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(io_error(path, "sync sled's data file", e))
        }
        _ => Ok(()),
    }
}

fn open_sled_files(path: &Path) -> Result<sled::Db, StoreError> {
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
