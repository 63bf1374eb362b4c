//! The persistent home of a skillgraph graph: a sled database holding a short log of changes,
//! and beside it a compact snapshot of the graph in a file of its own, named by the database.
//! Every write is atomic; a crash mid-way leaves the previous state. Not for queries: callers
//! read the in-memory [`Graph`] it hands out. Any number of processes read the database at
//! once, from the read view (`view.rs`) without opening sled, while one at a time writes
//! (ARCHITECTURE.md, Many readers, one writer).
//!
//! Start at [`Store::open`].
//!
//! ## Layout (schema version 5; 4 is read too: its snapshot has no label index)
//! | where | what |
//! |---|---|
//! | sled `meta:schema` | schema version, u32 big-endian |
//! | sled `meta:snapshot` | [`Manifest`]: generation, byte length, CRC-32 of the snapshot |
//! | sled `log:{seq:016x}` | one atomic operation: CRC-32 (4 bytes, big-endian) + postcard-encoded `Vec<Change>` |
//! | file `graph-{generation:016x}.snapshot` | the snapshot ([`Graph::to_snapshot`]), never changed once written |
//! | file `skillgraph.view` | the read view: the manifest's snapshot and the log since it, for readers |
//! | file `skillgraph.lock` | the writer's lock, and who holds it |
//!
//! One key per edge would not scale (sled's memory grows per key). The snapshot is the graph's
//! compact form (flat arrays of node and edge fields, see `skillgraph_graph::Graph::to_snapshot`),
//! which a graph answers from in place: the file is memory-mapped, so opening a database of a
//! million edges costs a checksum over its pages rather than reading, copying and decoding them
//! (sled would read a large value into fresh memory and check its own checksum first, ~40 ms
//! of the ~60 ms a whole `skillgraph query` process took at a million edges).
//!
//! A new snapshot is written by imports, and when the log grows past [`COMPACT_AFTER`] entries
//! (or [`FOLD_AT_CHANGED`] changed nodes and edges): the file first (under a temporary name,
//! synced, then renamed, then its directory synced), then one sled batch that names it in the
//! manifest and clears the log, made durable (below), then a new read view naming it. Until
//! then the manifest and the view name the old file, which is deleted only afterwards; files
//! the manifest does not name are left-overs of an interrupted write and are removed by the
//! next writer.
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

#[cfg(feature = "query")]
mod database;
mod view;

use std::fmt;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use skillgraph_graph::{Change, ChangeError, Graph, GraphData, SnapshotBytes};
use std::sync::Arc;
pub use view::VIEW_FILE;
use view::{Entry, ViewHeader};

pub const SCHEMA_VERSION: u32 = 7;
/// The snapshot in a file, without the roles' vectors that schema 7 adds to the derived
/// sections (still read as it is: they are built on first use when absent).
const SCHEMA_FILE_WITHOUT_ROLE_VECTORS: u32 = 6;
/// The snapshot in a file, without the level column and concept keys that schema 6 adds after
/// the label index (still read as it is: they are built on first use when absent).
const SCHEMA_FILE_WITHOUT_DERIVED: u32 = 5;
/// The snapshot in a file, without the label index that schema 5 adds after the body (still
/// read as it is: the index is optional).
const SCHEMA_FILE_WITHOUT_INDEX: u32 = 4;
/// The snapshot in sled values, in the compact form.
const SCHEMA_CHUNKS: u32 = 3;
/// The snapshot in sled values, postcard-encoded [`GraphData`].
const SCHEMA_POSTCARD: u32 = 2;
pub const COMPACT_AFTER: u64 = 256;
/// The log is also folded into a new snapshot once this many nodes and edges have changed since
/// the snapshot: every process that opens the database holds them in its overlay (in memory,
/// hashed) and replays their log entries.
pub const FOLD_AT_CHANGED: usize = 20_000;

/// The writer's lock (`flock`), held for as long as a process has sled open, which is while it
/// writes. sled's own lock on its `db` file is taken inside sled's open, too late to protect
/// the clean-up that must come before it, and fails at once where a writer should wait.
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

/// A database and the graph it holds, as one process sees it.
///
/// Reading needs no lock: the graph comes from the read view (`view.rs`) and the snapshot it
/// names, and [`Store::refresh`] brings it up to what other processes have committed since.
/// Writing takes the writer's lock (waiting for another writer, up to [`Store::set_write_wait`])
/// and opens sled for as long as the write lasts: one statement, or a script until
/// [`Store::sync`].
pub struct Store {
    path: PathBuf,
    graph: Graph,
    /// How far `graph` has followed the read view.
    follow: Follow,
    read_only: bool,
    commit: Commit,
    write_wait: Duration,
    /// While this process writes: sled and the writer's lock.
    writer: Option<Writer>,
}

/// Where a graph stands in the read view it was read from.
struct Follow {
    /// The view file as opened: a fold replaces the file under its name, and an open file
    /// keeps its inode, so a different (device, inode) at the name means a new view.
    file: File,
    id: (u64, u64),
    /// The end of the records applied.
    offset: u64,
    /// Whether the file held more than its whole records when read: a writer appending right
    /// then, or one killed while it appended.
    cut_short: bool,
    /// The sequence number of the next log entry.
    next_seq: u64,
    /// Entries applied on top of the snapshot.
    entries: u64,
}

/// sled and the writer's lock, held while this process writes.
struct Writer {
    db: sled::Db,
    /// sled's data file, opened a second time to fsync it (see the crate docs, Durability).
    data_file: File,
    manifest: Manifest,
    /// The schema version sled holds (a fold writes the current one).
    schema: u32,
    next_seq: u64,
    /// Entries in sled that are not in the view yet: committed, not yet durable
    /// ([`Commit::AtSync`]).
    pending: Vec<Entry>,
    /// sled's blob files already synced by this process.
    synced_blobs: std::collections::HashSet<std::ffi::OsString>,
    /// Released when the writer is dropped, after sled (fields drop in order).
    _lock: File,
}

/// How long a writer waits for another to finish, unless told otherwise.
pub const DEFAULT_WRITE_WAIT: Duration = Duration::from_secs(10);

/// Attempts at reading a view whose snapshot a fold replaced meanwhile.
const VIEW_ATTEMPTS: usize = 20;

impl Store {
    /// Opens the database at `path`, creating it from `seed` when there is none.
    pub fn open(path: &Path, seed: impl FnOnce() -> Graph) -> Result<(Store, Opened), StoreError> {
        // sled treats a `db` file it cannot read from the start as a new, empty database; only
        // a path without sled's files, or with those of a creation cut short (told from damage
        // by the marker), may be created and seeded, or lost data would be silently replaced
        // by the seed.
        inspect_path(path)?;
        let mut opened = Opened::Existing;
        if !has_sled_files(path) || path.join(CREATING_FILE).exists() {
            let lock = take_writer_lock(path, DEFAULT_WRITE_WAIT)?;
            if create_database(path, lock, seed)? {
                opened = Opened::Created;
            }
        }
        let (graph, follow) = match load_view(path)? {
            Some((graph, follow)) if !follow.cut_short || !writer_lock_is_free(path) => {
                (graph, follow)
            }
            _ => {
                // No view, or a damaged one: a database of an older skillgraph, or a crash
                // while the view was first written. The writer rebuilds it from sled.
                Writer::begin(path, DEFAULT_WRITE_WAIT)?;
                load_view(path)?.ok_or_else(|| StoreError::Damaged {
                    path: path.to_path_buf(),
                    detail: "its read view cannot be rebuilt".into(),
                })?
            }
        };
        let store = Store {
            path: path.to_path_buf(),
            graph,
            follow,
            read_only: false,
            commit: Commit::EachWrite,
            write_wait: DEFAULT_WRITE_WAIT,
            writer: None,
        };
        Ok((store, opened))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// Entries in the change log since the last snapshot.
    pub fn log_entries(&self) -> u64 {
        self.follow.entries + self.writer.as_ref().map_or(0, |w| w.pending.len() as u64)
    }

    /// Chooses when writes become durable; [`Commit::EachWrite`] until told otherwise.
    pub fn set_commit(&mut self, commit: Commit) {
        self.commit = commit;
    }

    /// Refuses every write from now on ([`StoreError::ReadOnly`]).
    pub fn set_read_only(&mut self) {
        self.read_only = true;
    }

    /// How long a write waits for another process's write to finish before it fails.
    pub fn set_write_wait(&mut self, wait: Duration) {
        self.write_wait = wait;
    }

    /// Checks what readers never look at: that sled opens and holds the manifest and log the
    /// view was made from (the view is brought into step with it if a writer was cut short).
    /// Takes the writer's lock for a moment, even with [`Store::set_read_only`]: it changes no
    /// data. Answers the schema version the database holds (an older one is read as it is
    /// until the next fold writes the current one).
    pub fn verify(&mut self) -> Result<u32, StoreError> {
        if let Some(writer) = &self.writer {
            return Ok(writer.schema);
        }
        let schema = Writer::begin(&self.path, self.write_wait)?.schema;
        self.refresh()?;
        Ok(schema)
    }

    /// Brings the graph up to everything other processes have committed: the records
    /// appended to the view since it was last read (applied one by one), or, after a fold, the
    /// new view. Costs one `stat` when nothing changed. A no-op while this process writes (no
    /// one else can).
    pub fn refresh(&mut self) -> Result<(), StoreError> {
        if self.writer.is_some() {
            return Ok(());
        }
        let meta = match std::fs::metadata(self.path.join(VIEW_FILE)) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::Damaged {
                    path: self.path.clone(),
                    detail: format!("its read view {VIEW_FILE} is missing"),
                })
            }
            Err(e) => return Err(io_error(&self.path, &format!("read {VIEW_FILE}"), e)),
        };
        if file_id(&meta) != self.follow.id {
            return self.reload();
        }
        if meta.len() <= self.follow.offset {
            return Ok(());
        }
        let mut tail = Vec::new();
        let read = (&self.follow.file)
            .seek(SeekFrom::Start(self.follow.offset))
            .and_then(|_| (&self.follow.file).read_to_end(&mut tail));
        read.map_err(|e| io_error(&self.path, &format!("read {VIEW_FILE}"), e))?;
        let (entries, len) = view::decode_records(&tail);
        for (seq, entry) in entries {
            if seq != self.follow.next_seq {
                return self.reload();
            }
            apply_entry(&mut self.graph, &self.path, seq, &entry)?;
            self.follow.next_seq += 1;
            self.follow.entries += 1;
        }
        self.follow.offset += len as u64;
        Ok(())
    }

    /// Reads the view afresh: only the new records when it still names this graph's snapshot
    /// and holds what the graph has applied, else the snapshot and every record.
    fn reload(&mut self) -> Result<(), StoreError> {
        let (graph, follow) = load_view(&self.path)?.ok_or_else(|| StoreError::Damaged {
            path: self.path.clone(),
            detail: format!("its read view {VIEW_FILE} is damaged"),
        })?;
        self.graph = graph;
        self.follow = follow;
        Ok(())
    }

    /// Makes every write so far durable and visible to other processes, and lets another
    /// writer in. With [`Commit::AtSync`] this is the moment they are acknowledged.
    pub fn sync(&mut self) -> Result<(), StoreError> {
        let result = self.publish();
        self.writer = None;
        result
    }

    /// sled durable first, then the view: the view never holds an entry sled could lose.
    fn publish(&mut self) -> Result<(), StoreError> {
        let Some(w) = self.writer.as_mut() else {
            return Ok(());
        };
        if w.pending.is_empty() {
            return Ok(());
        }
        w.make_durable(&self.path)?;
        let records: Vec<(u64, &[u8])> =
            w.pending.iter().map(|(s, e)| (*s, e.as_slice())).collect();
        let end = view::append(&self.path, self.follow.offset, &records)
            .map_err(|e| io_error(&self.path, &format!("append to {VIEW_FILE}"), e))?;
        self.follow.offset = end;
        self.follow.next_seq = w.next_seq;
        self.follow.entries += w.pending.len() as u64;
        w.pending.clear();
        Ok(())
    }

    /// Takes the writer's role: waits for the lock, opens sled, makes the view agree with it
    /// and brings the graph up to it.
    fn begin_write(&mut self) -> Result<(), StoreError> {
        if self.read_only {
            return Err(StoreError::ReadOnly {
                path: self.path.clone(),
            });
        }
        if self.writer.is_none() {
            self.writer = Some(Writer::begin(&self.path, self.write_wait)?);
            if let Err(e) = self.reload_if_behind() {
                self.writer = None;
                return Err(e);
            }
        }
        Ok(())
    }

    fn reload_if_behind(&mut self) -> Result<(), StoreError> {
        let w = self.writer.take();
        let result = self.refresh();
        self.writer = w;
        result
    }

    /// Ends a write of [`Commit::EachWrite`]: durable, published, the lock released.
    fn end_write(&mut self) -> Result<(), StoreError> {
        match self.commit {
            Commit::EachWrite => self.sync(),
            Commit::AtSync => Ok(()),
        }
    }

    /// Applies `changes` as one atomic operation: all are validated and applied, then written
    /// (durably before this returns with [`Commit::EachWrite`], see [`Commit::AtSync`]); if any
    /// is rejected, nothing changes, in memory or on disk. Returns a summary line per change.
    pub fn apply(&mut self, changes: Vec<Change>) -> Result<Vec<String>, StoreError> {
        self.begin_write()?;
        let result = self.apply_as_writer(changes);
        let ended = self.end_write();
        let summaries = result?;
        ended?;
        Ok(summaries)
    }

    fn apply_as_writer(&mut self, changes: Vec<Change>) -> Result<Vec<String>, StoreError> {
        let entry = encode_log_entry(&changes);
        // Costs the changes since the snapshot, never the graph (see `Graph::checkpoint`).
        let before = self.graph.checkpoint();
        let mut summaries = Vec::new();
        for change in changes {
            match self.graph.apply(change) {
                Ok(summary) => summaries.push(summary),
                Err(e) => {
                    self.graph.restore(before);
                    return Err(StoreError::Change(e));
                }
            }
        }
        let w = self.writer.as_mut().expect("a write holds the writer");
        let seq = w.next_seq;
        if let Err(e) = w.db.insert(log_key(seq), entry.as_slice()) {
            self.graph.restore(before);
            return Err(sled_error(&self.path, e));
        }
        w.next_seq += 1;
        w.pending.push((seq, entry));
        if self.commit == Commit::EachWrite {
            if let Err(e) = self.publish() {
                // Not acknowledged: take the entry back, so that memory and disk agree on the
                // state before it (a crash may still keep it, as it may any unacknowledged
                // write).
                let w = self.writer.as_mut().expect("a write holds the writer");
                let _ = w.db.remove(log_key(seq));
                w.pending.clear();
                w.next_seq = seq;
                self.graph.restore(before);
                return Err(e);
            }
        }
        if self.log_entries() >= COMPACT_AFTER || self.graph.changed_since_base() >= FOLD_AT_CHANGED
        {
            self.publish()?;
            let graph = std::mem::take(&mut self.graph);
            let written = self.write_folded(&graph);
            self.graph = graph;
            written?;
            self.follow_new_view()?;
        }
        Ok(summaries)
    }

    /// Makes `graph` the whole content of the database, atomically.
    pub fn replace(&mut self, graph: Graph) -> Result<(), StoreError> {
        self.begin_write()?;
        let result = self.publish().and_then(|_| self.fold(graph));
        let ended = self.end_write();
        result?;
        ended
    }

    /// Adds `other` to the graph, atomically; fails without writing if an id clashes.
    pub fn merge(&mut self, other: Graph) -> Result<(), StoreError> {
        self.begin_write()?;
        let mut merged = self.graph.clone();
        let result = match merged.merge(other) {
            Ok(()) => self.publish().and_then(|_| self.fold(merged)),
            Err(clashes) => Err(StoreError::Clashes(clashes)),
        };
        let ended = self.end_write();
        result?;
        ended
    }

    /// Writes `graph` as the new snapshot, then a new view naming it, then deletes the old
    /// snapshot; this process then reads the new snapshot, with no overlay. `graph` is dropped
    /// before the new snapshot is read: an import's graph is most of the process's memory.
    fn fold(&mut self, graph: Graph) -> Result<(), StoreError> {
        self.write_folded(&graph)?;
        drop(graph);
        let (folded, follow) = self.read_view()?;
        self.graph = folded;
        self.follow = follow;
        Ok(())
    }

    /// Writes `graph` as the new snapshot, then a new view naming it, then deletes the old
    /// snapshot.
    fn write_folded(&mut self, graph: &Graph) -> Result<(), StoreError> {
        let w = self.writer.as_mut().expect("a fold holds the writer");
        let manifest = write_snapshot(w, &self.path, graph)?;
        remove_stale_snapshot_files(&self.path, manifest.generation);
        Ok(())
    }

    /// Follows the view [`Store::write_folded`] wrote, keeping the graph in memory (its
    /// content is the snapshot's).
    fn follow_new_view(&mut self) -> Result<(), StoreError> {
        self.follow = self.read_view()?.1;
        Ok(())
    }

    fn read_view(&self) -> Result<(Graph, Follow), StoreError> {
        load_view(&self.path)?.ok_or_else(|| StoreError::Damaged {
            path: self.path.clone(),
            detail: "the view just written cannot be read back".into(),
        })
    }
}

impl ViewHeader {
    /// The header of a view of the snapshot `manifest` names, whose first entry is `first_seq`.
    fn of(manifest: &Manifest, first_seq: u64) -> ViewHeader {
        ViewHeader {
            generation: manifest.generation,
            snapshot_bytes: manifest.bytes,
            snapshot_crc: manifest.crc,
            first_seq,
        }
    }
}

impl Writer {
    /// Waits for the writer's lock, opens sled, and makes the view say what sled says (a
    /// writer killed between committing to sled and appending to the view left it behind; a
    /// database of an older skillgraph has none).
    fn begin(path: &Path, wait: Duration) -> Result<Writer, StoreError> {
        let lock = take_writer_lock(path, wait)?;
        let db = open_sled(path)?;
        let data_file =
            File::open(path.join("db")).map_err(|e| io_error(path, "open sled's data file", e))?;
        let schema = db.get(KEY_SCHEMA).map_err(|e| sled_error(path, e))?;
        let found = match schema {
            None if db.is_empty() => {
                return Err(StoreError::Damaged {
                    path: path.to_path_buf(),
                    detail: "its files hold no data: they were truncated or overwritten, or \
                             creating the database was interrupted"
                        .into(),
                })
            }
            None => {
                return Err(StoreError::Damaged {
                    path: path.to_path_buf(),
                    detail: "it holds data but no schema version".into(),
                })
            }
            Some(bytes) => schema_version(&bytes).ok_or_else(|| StoreError::Damaged {
                path: path.to_path_buf(),
                detail: "the schema version is unreadable".into(),
            })?,
        };
        if ![
            SCHEMA_VERSION,
            SCHEMA_FILE_WITHOUT_ROLE_VECTORS,
            SCHEMA_FILE_WITHOUT_DERIVED,
            SCHEMA_FILE_WITHOUT_INDEX,
            SCHEMA_CHUNKS,
            SCHEMA_POSTCARD,
        ]
        .contains(&found)
        {
            return Err(StoreError::SchemaMismatch {
                path: path.to_path_buf(),
                found,
            });
        }
        let sled_log = SledLog::read(&db, path)?;
        let mut writer = Writer {
            db,
            data_file,
            manifest: sled_log.manifest,
            schema: found,
            next_seq: sled_log.next_seq,
            pending: Vec::new(),
            synced_blobs: Default::default(),
            _lock: lock,
        };
        if found < SCHEMA_FILE_WITHOUT_INDEX {
            // An older schema keeps the snapshot in sled values: write it as a file (the
            // current schema).
            let graph = sled_log.graph(&writer.db, path, found)?;
            write_snapshot(&mut writer, path, &graph)?;
        } else {
            reconcile_view(path, &sled_log)?;
        }
        // What sled read is durable (its data file was synced before it opened), and the view
        // names the manifest's snapshot: any other snapshot file is a left-over.
        remove_stale_snapshot_files(path, writer.manifest.generation);
        Ok(writer)
    }

    /// sled's flush, then what it leaves out (see the crate docs, Durability): its blob files
    /// (which sled never syncs) before the data file that points at them, then the data file.
    fn make_durable(&mut self, path: &Path) -> Result<(), StoreError> {
        self.db.flush().map_err(|e| sled_error(path, e))?;
        self.sync_new_blobs(path)?;
        self.data_file
            .sync_all()
            .map_err(|e| io_error(path, "sync sled's data file", e))
    }

    /// sled keeps a value too large for a quarter of its 512 KiB segments in a file of its own
    /// under `blobs/`. The log's entries are small, so this is almost always an empty listing.
    fn sync_new_blobs(&mut self, path: &Path) -> Result<(), StoreError> {
        let dir = path.join("blobs");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Ok(());
        };
        let mut new = false;
        for entry in entries.flatten() {
            let name = entry.file_name();
            if !self.synced_blobs.contains(&name) {
                sync_path(&entry.path()).map_err(|e| io_error(path, "sync a blob", e))?;
                self.synced_blobs.insert(name);
                new = true;
            }
        }
        if new {
            sync_path(&dir).map_err(|e| io_error(path, "sync blobs/", e))?;
        }
        Ok(())
    }
}

/// Writes `graph` as the new snapshot and drops the log: the file, durably, then one sled
/// batch that names it, made durable whatever [`Commit`] says, then a new read view naming it.
/// The old snapshot file stays for the caller to delete once readers can find the new one.
fn write_snapshot(w: &mut Writer, path: &Path, graph: &Graph) -> Result<Manifest, StoreError> {
    let generation = w.manifest.generation + 1;
    let (bytes, crc) = write_snapshot_file(path, generation, graph)?;
    let manifest = Manifest {
        generation,
        chunks: 0,
        bytes,
        crc,
    };
    let mut batch = sled::Batch::default();
    let manifest_bytes = postcard::to_allocvec(&manifest).expect("a manifest always encodes");
    batch.insert(KEY_MANIFEST, manifest_bytes);
    batch.insert(KEY_SCHEMA, &SCHEMA_VERSION.to_be_bytes());
    // Values of an older schema's snapshot, and the log the new snapshot includes.
    for prefix in [SNAP_PREFIX, LOG_PREFIX] {
        for item in w.db.scan_prefix(prefix).keys() {
            batch.remove(item.map_err(|e| sled_error(path, e))?);
        }
    }
    w.db.apply_batch(batch).map_err(|e| sled_error(path, e))?;
    w.make_durable(path)?;
    w.manifest = manifest;
    w.schema = SCHEMA_VERSION;
    w.pending.clear();
    // The log starts again from 0 with each snapshot, as a process that opens sled then reads
    // it (an empty log).
    w.next_seq = 0;
    view::write_whole(path, &ViewHeader::of(&manifest, 0), &[])
        .map_err(|e| io_error(path, &format!("write {VIEW_FILE}"), e))?;
    Ok(manifest)
}

/// The manifest and the log as sled holds them.
struct SledLog {
    manifest: Manifest,
    entries: Vec<Entry>,
    next_seq: u64,
}

impl SledLog {
    fn read(db: &sled::Db, path: &Path) -> Result<SledLog, StoreError> {
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
        let mut entries = Vec::new();
        for item in db.scan_prefix(LOG_PREFIX) {
            let (key, value) = item.map_err(|e| sled_error(path, e))?;
            let seq = log_seq(&key).ok_or_else(|| damaged("a log key is malformed".into()))?;
            if decode_log_entry(&value).is_none() {
                return Err(damaged(format!("log entry {seq} is unreadable")));
            }
            if let Some((previous, _)) = entries.last() {
                if seq != previous + 1 {
                    return Err(damaged(format!(
                        "log entry {seq} follows entry {previous}: the log has a gap"
                    )));
                }
            }
            entries.push((seq, value.to_vec()));
        }
        let next_seq = entries.last().map_or(0, |(seq, _)| seq + 1);
        Ok(SledLog {
            manifest,
            entries,
            next_seq,
        })
    }

    /// The graph of a database of schema 2 or 3, whose snapshot is in sled values.
    fn graph(&self, db: &sled::Db, path: &Path, schema: u32) -> Result<Graph, StoreError> {
        let damaged = |detail: String| StoreError::Damaged {
            path: path.to_path_buf(),
            detail,
        };
        let bytes = read_snapshot_chunks(db, path, &self.manifest)?;
        check_snapshot(path, &bytes, self.manifest.bytes, self.manifest.crc)?;
        let decoded = if schema == SCHEMA_POSTCARD {
            postcard::from_bytes::<GraphData>((*bytes).as_ref())
                .map(Graph::from_data)
                .map_err(|e| e.to_string())
        } else {
            Graph::from_shared_snapshot(bytes)
        };
        let mut graph =
            decoded.map_err(|e| damaged(format!("the snapshot cannot be decoded ({e})")))?;
        for (seq, entry) in &self.entries {
            apply_entry(&mut graph, path, *seq, entry)?;
        }
        Ok(graph)
    }
}

/// Makes the view agree with sled: appends what it lacks, or, when it names another snapshot
/// or is damaged, writes it anew.
fn reconcile_view(path: &Path, sled_log: &SledLog) -> Result<(), StoreError> {
    let first_seq = sled_log
        .entries
        .first()
        .map_or(sled_log.next_seq, |(s, _)| *s);
    let header = ViewHeader::of(&sled_log.manifest, first_seq);
    let io = |e: std::io::Error| io_error(path, &format!("write {VIEW_FILE}"), e);
    let current = match File::open(path.join(VIEW_FILE)) {
        Ok(mut file) => view::read(&mut file).map_err(io)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(e)),
    };
    let Some(current) = current else {
        return view::write_whole(path, &header, &sled_log.entries).map_err(io);
    };
    let same_snapshot = current.header.generation == header.generation
        && current.header.snapshot_bytes == header.snapshot_bytes
        && current.header.snapshot_crc == header.snapshot_crc;
    let prefix = current.entries.len() <= sled_log.entries.len()
        && current
            .entries
            .iter()
            .zip(&sled_log.entries)
            .all(|(a, b)| a == b)
        && (current.entries.is_empty() || current.header.first_seq == header.first_seq);
    if !same_snapshot || !prefix {
        return view::write_whole(path, &header, &sled_log.entries).map_err(io);
    }
    let missing: Vec<(u64, &[u8])> = sled_log.entries[current.entries.len()..]
        .iter()
        .map(|(s, e)| (*s, e.as_slice()))
        .collect();
    let file_len = std::fs::metadata(path.join(VIEW_FILE)).map_err(io)?.len();
    if !missing.is_empty() || file_len != current.valid_len {
        view::append(path, current.valid_len, &missing).map_err(io)?;
    }
    Ok(())
}

/// The graph the view at `path` describes, and where it stands; `None` when there is no view
/// or it is damaged. Retries when a fold deletes the snapshot between reading the view and
/// opening its file.
fn load_view(path: &Path) -> Result<Option<(Graph, Follow)>, StoreError> {
    let io = |e: std::io::Error| io_error(path, &format!("read {VIEW_FILE}"), e);
    for _ in 0..VIEW_ATTEMPTS {
        let mut file = match File::open(path.join(VIEW_FILE)) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(e)),
        };
        let id = file_id(&file.metadata().map_err(io)?);
        let Some(contents) = view::read(&mut file).map_err(io)? else {
            return Ok(None);
        };
        let header = contents.header;
        let snapshot = (header.snapshot_bytes, header.snapshot_crc);
        let bytes = match map_snapshot_file(path, header.generation, snapshot) {
            Err(StoreError::Damaged { .. }) if renamed_since(path, id) => continue,
            other => other?,
        };
        let mut graph = Graph::from_shared_snapshot(bytes).map_err(|e| StoreError::Damaged {
            path: path.to_path_buf(),
            detail: format!("the snapshot cannot be decoded ({e})"),
        })?;
        let mut next_seq = header.first_seq;
        for (seq, entry) in &contents.entries {
            if *seq != next_seq {
                return Err(StoreError::Damaged {
                    path: path.to_path_buf(),
                    detail: format!("its read view skips from log entry {next_seq} to {seq}"),
                });
            }
            apply_entry(&mut graph, path, *seq, entry)?;
            next_seq += 1;
        }
        let file_len = file.metadata().map_err(io)?.len();
        let follow = Follow {
            file,
            id,
            cut_short: file_len > contents.valid_len,
            offset: contents.valid_len,
            next_seq,
            entries: contents.entries.len() as u64,
        };
        return Ok(Some((graph, follow)));
    }
    Err(StoreError::Damaged {
        path: path.to_path_buf(),
        detail: "its snapshot kept changing while it was read".into(),
    })
}

/// Whether the view at `path` is no longer the file whose id is `id`.
fn renamed_since(path: &Path, id: (u64, u64)) -> bool {
    std::fs::metadata(path.join(VIEW_FILE)).is_ok_and(|m| file_id(&m) != id)
}

fn file_id(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

/// Sized by what is there, not by what the manifest or view says, which may be damaged.
fn check_snapshot(
    path: &Path,
    bytes: &SnapshotBytes,
    expected_len: u64,
    expected_crc: u32,
) -> Result<(), StoreError> {
    let b: &[u8] = (**bytes).as_ref();
    if b.len() as u64 != expected_len || crc32fast::hash(b) != expected_crc {
        return Err(StoreError::Damaged {
            path: path.to_path_buf(),
            detail: "the snapshot does not match its checksum".into(),
        });
    }
    Ok(())
}

fn apply_entry(graph: &mut Graph, path: &Path, seq: u64, entry: &[u8]) -> Result<(), StoreError> {
    let damaged = |detail: String| StoreError::Damaged {
        path: path.to_path_buf(),
        detail,
    };
    let changes =
        decode_log_entry(entry).ok_or_else(|| damaged(format!("log entry {seq} is unreadable")))?;
    for change in changes {
        graph
            .apply_logged(change)
            .map_err(|e| damaged(format!("log entry {seq} no longer applies: {e}")))?;
    }
    Ok(())
}

/// Whether no process holds the writer's lock right now (it is taken and let go at once).
fn writer_lock_is_free(path: &Path) -> bool {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path.join(LOCK_FILE))
        .is_ok_and(|lock| lock.try_lock().is_ok())
}

/// Whether sled has made its files here (a database, or a creation cut short).
fn has_sled_files(path: &Path) -> bool {
    path.join("conf").exists() || path.join("db").exists()
}

/// Creates the database under the writer's `lock`, unless another process did while this one
/// waited for it. Returns whether it created one.
fn create_database(
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

impl Drop for Store {
    /// A caller that returns early without [`Store::sync`] still gets its writes synced and
    /// published; one that wants to know whether that worked calls `sync` itself.
    fn drop(&mut self) {
        let _ = self.sync();
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

/// Writes the snapshot of `graph` as the file of `generation`, durably under its final name: a
/// crash leaves either no file of that name or the whole file, never part of one. Returns the
/// file's length and CRC, taken as it is written (the snapshot is never held whole).
fn write_snapshot_file(
    dir: &Path,
    generation: u64,
    graph: &Graph,
) -> Result<(u64, u32), StoreError> {
    let name = snapshot_file_name(generation);
    let temporary = dir.join(format!("{name}.tmp"));
    let io = |e: std::io::Error| StoreError::Io {
        path: dir.to_path_buf(),
        detail: format!("cannot write {name}: {e}"),
    };
    let file = File::create(&temporary).map_err(io)?;
    let mut out = Checksummed {
        inner: std::io::BufWriter::with_capacity(256 * 1024, file),
        crc: crc32fast::Hasher::new(),
        len: 0,
    };
    graph.write_snapshot(&mut out).map_err(io)?;
    let Checksummed { inner, crc, len } = out;
    let file = inner.into_inner().map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)?;
    drop(file);
    std::fs::rename(&temporary, dir.join(&name)).map_err(io)?;
    // The rename is durable once the directory is.
    File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
    Ok((len, crc.finalize()))
}

/// A writer that keeps the CRC and length of what passes through it.
struct Checksummed<W> {
    inner: W,
    crc: crc32fast::Hasher,
    len: u64,
}

impl<W: Write> Write for Checksummed<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.crc.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Maps the snapshot file of `generation` into memory, once its length and CRC are `expected`.
/// The CRC is taken by reading the file through one small buffer, not through the mapping:
/// every page read through the mapping would stay in the process (a 30 MB snapshot was most of
/// a statement's memory), where a statement touches only the pages it reads.
fn map_snapshot_file(
    dir: &Path,
    generation: u64,
    expected: (u64, u32),
) -> Result<SnapshotBytes, StoreError> {
    let name = snapshot_file_name(generation);
    let mut file = File::open(dir.join(&name)).map_err(|e| match e.kind() {
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
    let mismatch = || StoreError::Damaged {
        path: dir.to_path_buf(),
        detail: "the snapshot does not match its checksum".into(),
    };
    // An empty snapshot is damage (and mapping nothing is an error on some systems).
    let len = file.metadata().map_err(io)?.len();
    if len == 0 || len != expected.0 {
        return Err(mismatch());
    }
    let mut crc = crc32fast::Hasher::new();
    let mut buffer = vec![0u8; 1 << 18];
    loop {
        match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => crc.update(&buffer[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io(e)),
        }
    }
    if crc.finalize() != expected.1 {
        return Err(mismatch());
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

/// How long to retry opening sled while its previous instance in this process lets go (see
/// [`open_sled`]).
const SLED_RELEASE_WAIT: Duration = Duration::from_millis(300);

/// Clears sled's unfinished files, then opens sled, turning its panics on damaged files into
/// errors. The caller holds the writer's lock.
///
/// Dropping a `sled::Db` does not release sled's own lock on its `db` file at once: sled's I/O
/// threads let go of the file a moment later (spacejam/sled#1234, #1289). Holding the writer's
/// lock, no other process has sled open, so an I/O error opening it is this process's
/// previous instance still letting go, retried for up to [`SLED_RELEASE_WAIT`].
fn open_sled(path: &Path) -> Result<sled::Db, StoreError> {
    prepare_sled_files(path)?;
    let started = Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        match open_sled_files(path) {
            Err(StoreError::Io { .. }) if started.elapsed() < SLED_RELEASE_WAIT => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            result => return result,
        }
    }
}

/// Takes the writer's lock ([`LOCK_FILE`], held by whoever has sled open), waiting up to
/// `wait` for another writer to finish, and writes this process's id in it for the error
/// another process would show while waiting.
fn take_writer_lock(path: &Path, wait: Duration) -> Result<File, StoreError> {
    std::fs::create_dir_all(path).map_err(|e| io_error(path, "create it", e))?;
    let mut lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path.join(LOCK_FILE))
        .map_err(|e| io_error(path, &format!("open {LOCK_FILE}"), e))?;
    let started = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        match lock.try_lock() {
            Ok(()) => break,
            Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < wait => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(20));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = (&lock).read_to_string(&mut holder);
                return Err(StoreError::Locked {
                    path: path.to_path_buf(),
                    holder: holder.trim().to_string(),
                    waited: wait,
                });
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(io_error(path, &format!("lock {LOCK_FILE}"), e))
            }
        }
    }
    // Who holds it, for the message of a writer that gives up waiting; not needed for
    // correctness, so not synced.
    let _ = lock
        .set_len(0)
        .and_then(|_| lock.write_all(holder_description().as_bytes()));
    Ok(lock)
}

/// "pid 1234: skillgraph run big.sgq", at most a line.
fn holder_description() -> String {
    let args: Vec<String> = std::env::args()
        .take(4)
        .map(|a| {
            Path::new(&a)
                .file_name()
                .filter(|_| a.contains('/'))
                .map_or(a.clone(), |n| n.to_string_lossy().into_owned())
        })
        .collect();
    let mut text = format!("pid {}: {}", std::process::id(), args.join(" "));
    if text.len() > 120 {
        let cut = (0..=117)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        text.truncate(cut);
        text.push('…');
    }
    text
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
