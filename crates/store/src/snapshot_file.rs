//! The snapshot files beside sled: written durably under their final name, mapped once their
//! checksum matches, left-overs removed; and the older schemas' snapshots in sled values.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;

use skillgraph_graph::{Checks, Graph, SnapshotBytes};

use crate::error::{sled_error, StoreError};
use crate::sled_log::snap_key;
use crate::view::FileStamp;
use crate::Manifest;

fn snapshot_file_name(generation: u64) -> String {
    format!("graph-{generation:016x}.snapshot")
}

/// A snapshot file as its writer left it: its length and CRC, taken as it was written (the
/// snapshot is never held whole), and its stamp once durable under its final name.
pub(crate) struct WrittenSnapshot {
    pub(crate) bytes: u64,
    pub(crate) crc: u32,
    pub(crate) stamp: FileStamp,
}

/// Writes the snapshot of `graph` as the file of `generation`, durably under its final name: a
/// crash leaves either no file of that name or the whole file, never part of one.
pub(crate) fn write_snapshot_file(
    dir: &Path,
    generation: u64,
    graph: &Graph,
) -> Result<WrittenSnapshot, StoreError> {
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
    // Stamped after the rename, which moves the file's change time.
    let stamp = FileStamp::of(&std::fs::metadata(dir.join(&name)).map_err(io)?);
    Ok(WrittenSnapshot {
        bytes: len,
        crc: crc.finalize(),
        stamp,
    })
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

/// Maps the snapshot file of `generation` into memory, once its length and CRC are `expected`,
/// and says how much of it the graph must check as it reads it. A file that still has the
/// `stamp` its writer left is mapped as it is, without reading it (opening a database then
/// costs the same at any size): its bytes are those the writer checksummed. Any other file's
/// CRC is taken, and the graph checks it whole.
///
/// The CRC is taken by reading the file through one small buffer, not through the mapping:
/// every page read through the mapping would stay in the process (a 30 MB snapshot was most of
/// a statement's memory), where a statement touches only the pages it reads.
pub(crate) fn map_snapshot_file(
    dir: &Path,
    generation: u64,
    expected: (u64, u32),
    stamp: Option<FileStamp>,
) -> Result<(SnapshotBytes, Checks), StoreError> {
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
    let meta = file.metadata().map_err(io)?;
    let len = meta.len();
    if len == 0 || len != expected.0 {
        return Err(mismatch());
    }
    let checks = if stamp == Some(FileStamp::of(&meta)) {
        Checks::AsWritten
    } else {
        if !crc_matches(&mut file, expected.1).map_err(io)? {
            return Err(mismatch());
        }
        Checks::Whole
    };
    // SAFETY: a snapshot file is never written after the rename that gives it its name, and
    // skillgraph only deletes it (which leaves an existing mapping intact). Another program
    // truncating it while it is mapped could still fault, as with any memory-mapped database.
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(io)?;
    Ok((Arc::new(map), checks))
}

/// Whether `file`'s CRC, read from where it stands to its end, is `expected`.
fn crc_matches(file: &mut File, expected: u32) -> std::io::Result<bool> {
    let mut crc = crc32fast::Hasher::new();
    let mut buffer = vec![0u8; 1 << 18];
    loop {
        match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => crc.update(&buffer[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(crc.finalize() == expected)
}

/// Reads the snapshot that schemas 2 and 3 keep in sled values.
pub(crate) fn read_snapshot_chunks(
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

/// Sized by what is there, not by what the manifest or view says, which may be damaged.
pub(crate) fn check_snapshot(
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

/// Removes snapshot files other than that of `generation`: the previous snapshot, and files of
/// an interrupted write. Best effort: a file left now is removed on a later open.
pub(crate) fn remove_stale_snapshot_files(dir: &Path, generation: u64) {
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

#[cfg(test)]
mod tests {
    use skillgraph_graph::{Graph, Node, NodeKind};

    use crate::view::{self, FileStamp, VIEW_FILE};
    use crate::{Store, StoreError};

    fn seed() -> Graph {
        let mut g = Graph::new();
        g.add_node(Node::new(
            "sre",
            NodeKind::Role,
            "Site Reliability Engineer",
        ));
        g
    }

    fn snapshot_file(dir: &std::path::Path) -> std::path::PathBuf {
        let name = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .find(|n| n.ends_with(".snapshot"))
            .expect("a snapshot file");
        dir.join(name)
    }

    /// Damages a name in the snapshot in place (still UTF-8, same length): only the CRC can
    /// tell.
    fn damage_a_name(file: &std::path::Path) {
        let mut bytes = std::fs::read(file).unwrap();
        let at = (bytes.windows(4)).position(|w| w == b"Site").unwrap();
        bytes[at] = b's';
        std::fs::write(file, bytes).unwrap();
    }

    /// A new database whose snapshot file then had a name damaged in place.
    fn database_with_a_damaged_snapshot() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.sgdb");
        drop(Store::open(&path, seed).unwrap());
        damage_a_name(&snapshot_file(&path));
        (dir, path)
    }

    /// The view's stamp set to what the snapshot file's `stat` says now, as if its writer had
    /// left it so.
    fn vouch_for_the_file_as_it_is(dir: &std::path::Path) {
        let mut file = std::fs::File::open(dir.join(VIEW_FILE)).unwrap();
        let contents = view::read(&mut file).unwrap().expect("a view");
        let mut header = contents.header;
        let stamp = FileStamp::of(&std::fs::metadata(snapshot_file(dir)).unwrap());
        assert_ne!(
            header.snapshot_stamp,
            Some(stamp),
            "the damage moved the stamp"
        );
        header.snapshot_stamp = Some(stamp);
        view::write_whole(dir, &header, &contents.entries).unwrap();
    }

    #[test]
    fn a_snapshot_file_changed_since_written_is_checked_whole_on_open() {
        let (_dir, path) = database_with_a_damaged_snapshot();
        let opened = Store::open(&path, || panic!("exists"));
        assert!(
            matches!(&opened, Err(StoreError::Damaged { detail, .. }) if detail.contains("checksum")),
            "{:?}",
            opened.err()
        );
    }

    #[test]
    fn a_file_the_view_vouches_for_is_not_read_on_open_but_check_reads_it_whole() {
        let (_dir, path) = database_with_a_damaged_snapshot();
        vouch_for_the_file_as_it_is(&path);
        // Opening reads no more of the file than its answers need: the damage goes unseen.
        let (mut store, _) = Store::open(&path, || panic!("exists")).unwrap();
        let sre = store.graph().by_id("sre").unwrap();
        assert_eq!(store.graph().node(sre).name, "site Reliability Engineer");
        // `check` reads it all.
        let verified = store.verify();
        assert!(
            matches!(&verified, Err(StoreError::Damaged { detail, .. }) if detail.contains("checksum")),
            "{verified:?}"
        );
    }
}
