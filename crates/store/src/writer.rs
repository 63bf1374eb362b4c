//! The writer: the writer's lock, sled opened under it (its unfinished files cleared first) and
//! made durable, and a new snapshot written. Apart from `lib.rs`, which decides when to write.

use std::fs::File;
use std::io::{Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::{Duration, Instant};

use skillgraph_graph::Graph;

use crate::error::{io_error, panic_text, sled_error, StoreError};
use crate::sled_log::{reconcile_view, schema_version, SledLog};
use crate::snapshot_file::{remove_stale_snapshot_files, write_snapshot_file};
use crate::view::{ViewHeader, VIEW_FILE};
use crate::{
    view, Manifest, Writer, KEY_MANIFEST, KEY_SCHEMA, LOCK_FILE, LOG_PREFIX, SCHEMA_CHUNKS,
    SCHEMA_FILE_WITHOUT_DERIVED, SCHEMA_FILE_WITHOUT_ID_TABLE, SCHEMA_FILE_WITHOUT_INDEX,
    SCHEMA_FILE_WITHOUT_NAME_ORDER, SCHEMA_FILE_WITHOUT_ROLE_VECTORS, SCHEMA_POSTCARD,
    SCHEMA_VERSION, SNAP_PREFIX,
};

impl Writer {
    /// Waits for the writer's lock, opens sled, and makes the view say what sled says (a
    /// writer killed between committing to sled and appending to the view left it behind; a
    /// database of an older skillgraph has none).
    pub(crate) fn begin(path: &Path, wait: Duration) -> Result<Writer, StoreError> {
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
            SCHEMA_FILE_WITHOUT_ID_TABLE,
            SCHEMA_FILE_WITHOUT_NAME_ORDER,
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
    pub(crate) fn make_durable(&mut self, path: &Path) -> Result<(), StoreError> {
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
pub(crate) fn write_snapshot(
    w: &mut Writer,
    path: &Path,
    graph: &Graph,
) -> Result<Manifest, StoreError> {
    let generation = w.manifest.generation + 1;
    let written = write_snapshot_file(path, generation, graph)?;
    let manifest = Manifest {
        generation,
        chunks: 0,
        bytes: written.bytes,
        crc: written.crc,
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
    view::write_whole(
        path,
        &ViewHeader::of(&manifest, 0, Some(written.stamp)),
        &[],
    )
    .map_err(|e| io_error(path, &format!("write {VIEW_FILE}"), e))?;
    Ok(manifest)
}

/// Whether no process holds the writer's lock right now (it is taken and let go at once).
pub(crate) fn writer_lock_is_free(path: &Path) -> bool {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path.join(LOCK_FILE))
        .is_ok_and(|lock| lock.try_lock().is_ok())
}

/// Takes the writer's lock ([`LOCK_FILE`], held by whoever has sled open), waiting up to
/// `wait` for another writer to finish, and writes this process's id in it for the error
/// another process would show while waiting.
pub(crate) fn take_writer_lock(path: &Path, wait: Duration) -> Result<File, StoreError> {
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
pub(crate) fn open_sled(path: &Path) -> Result<sled::Db, StoreError> {
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

/// fsync of a file or a directory (which makes the names in it durable).
pub(crate) fn sync_path(path: &Path) -> std::io::Result<()> {
    File::open(path)?.sync_all()
}
