//! The persistent home of a skillgraph graph: a sled database holding a short log of changes,
//! and beside it a compact snapshot of the graph in a file of its own, named by the database.
//! Every write is atomic; a crash mid-way leaves the previous state. Not for queries: callers
//! read the in-memory [`Graph`] it hands out. Any number of processes read the database at
//! once, from the read view (`view.rs`) without opening sled, while one at a time writes
//! (ARCHITECTURE.md, Many readers, one writer).
//!
//! Start at [`Store::open`]. Beside it: the writer's lock and sled (`writer.rs`), the manifest
//! and the log in sled (`sled_log.rs`), the snapshot files (`snapshot_file.rs`), creating a
//! database (`create.rs`), the errors (`error.rs`).
//!
//! ## Layout (schema version 9; 4 to 8 are read too: their snapshots lack some of the derived
//! sections, built on first use when absent)
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
//! which a graph answers from in place: the file is memory-mapped, so opening a database costs
//! neither reading, copying nor decoding it (sled would read a large value into fresh memory and
//! check its own checksum first, ~40 ms of the ~60 ms a whole `skillgraph query` process took at
//! a million edges). Nor a checksum over it, while the file has the stamp the read view records
//! (`view.rs`): its writer checksummed it, and nothing has written to it since. [`Store::verify`]
//! reads it whole.
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

mod create;
#[cfg(feature = "query")]
mod database;
mod error;
mod sled_log;
mod snapshot_file;
mod view;
mod writer;

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use skillgraph_graph::{Change, Checks, Graph};

use create::{create_database, has_sled_files, inspect_path};
use error::{io_error, sled_error};
use sled_log::{apply_entry, encode_log_entry, log_key};
use snapshot_file::{map_snapshot_file, remove_stale_snapshot_files};
use view::{Entry, FileStamp, ViewHeader};
use writer::{take_writer_lock, write_snapshot, writer_lock_is_free};

pub use error::StoreError;
pub use view::VIEW_FILE;

pub const SCHEMA_VERSION: u32 = 9;
/// The snapshot in a file, without the id table that schema 9 adds to the derived sections
/// (still read as it is: the table is built on first use when absent).
const SCHEMA_FILE_WITHOUT_ID_TABLE: u32 = 8;
/// The snapshot in a file, without the name order that schema 8 adds to the derived sections
/// (still read as it is: the ranks are built on first use when absent).
const SCHEMA_FILE_WITHOUT_NAME_ORDER: u32 = 7;
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
        let (graph, follow) = match load_view(path, Checks::AsWritten)? {
            Some((graph, follow)) if !follow.cut_short || !writer_lock_is_free(path) => {
                (graph, follow)
            }
            _ => {
                // No view, or a damaged one: a database of an older skillgraph, or a crash
                // while the view was first written. The writer rebuilds it from sled.
                Writer::begin(path, DEFAULT_WRITE_WAIT)?;
                load_view(path, Checks::AsWritten)?.ok_or_else(|| StoreError::Damaged {
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
    /// view was made from (the view is brought into step with it if a writer was cut short),
    /// and the whole snapshot, against its CRC and column against column, which readers skip
    /// while the file is as its writer left it. Takes the writer's lock for a moment, even with
    /// [`Store::set_read_only`]: it changes no data. Answers the schema version the database
    /// holds (an older one is read as it is until the next fold writes the current one). A
    /// process that is writing has nothing to check: it wrote what it holds.
    pub fn verify(&mut self) -> Result<u32, StoreError> {
        if let Some(writer) = &self.writer {
            return Ok(writer.schema);
        }
        let schema = Writer::begin(&self.path, self.write_wait)?.schema;
        self.reload_checked(Checks::Whole)?;
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
        self.reload_checked(Checks::AsWritten)
    }

    /// [`Store::reload`], checking the snapshot as `checks` allows (see [`load_view`]).
    fn reload_checked(&mut self, checks: Checks) -> Result<(), StoreError> {
        let (graph, follow) =
            load_view(&self.path, checks)?.ok_or_else(|| StoreError::Damaged {
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
        load_view(&self.path, Checks::AsWritten)?.ok_or_else(|| StoreError::Damaged {
            path: self.path.clone(),
            detail: "the view just written cannot be read back".into(),
        })
    }
}

impl ViewHeader {
    /// The header of a view of the snapshot `manifest` names, whose first entry is `first_seq`.
    fn of(manifest: &Manifest, first_seq: u64, stamp: Option<FileStamp>) -> ViewHeader {
        ViewHeader {
            generation: manifest.generation,
            snapshot_bytes: manifest.bytes,
            snapshot_crc: manifest.crc,
            first_seq,
            snapshot_stamp: stamp,
        }
    }
}

/// The graph the view at `path` describes, and where it stands; `None` when there is no view
/// or it is damaged. Retries when a fold deletes the snapshot between reading the view and
/// opening its file. With [`Checks::AsWritten`], a snapshot file that still has the stamp the
/// view gives is read as written; with [`Checks::Whole`], every file is checked whole.
fn load_view(path: &Path, checks: Checks) -> Result<Option<(Graph, Follow)>, StoreError> {
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
        let stamp = header
            .snapshot_stamp
            .filter(|_| checks == Checks::AsWritten);
        let (bytes, checks) = match map_snapshot_file(path, header.generation, snapshot, stamp) {
            Err(StoreError::Damaged { .. }) if renamed_since(path, id) => continue,
            other => other?,
        };
        let graph = Graph::from_shared_snapshot(bytes, checks);
        let mut graph = graph.map_err(|e| StoreError::Damaged {
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

impl Drop for Store {
    /// A caller that returns early without [`Store::sync`] still gets its writes synced and
    /// published; one that wants to know whether that worked calls `sync` itself.
    fn drop(&mut self) {
        let _ = self.sync();
    }
}
