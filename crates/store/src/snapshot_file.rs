//! The snapshot files beside sled: written durably under their final name, mapped once their
//! checksum matches, left-overs removed; and the older schemas' snapshots in sled values.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;

use skillgraph_graph::{Graph, SnapshotBytes};

use crate::error::{sled_error, StoreError};
use crate::sled_log::snap_key;
use crate::Manifest;

fn snapshot_file_name(generation: u64) -> String {
    format!("graph-{generation:016x}.snapshot")
}

/// Writes the snapshot of `graph` as the file of `generation`, durably under its final name: a
/// crash leaves either no file of that name or the whole file, never part of one. Returns the
/// file's length and CRC, taken as it is written (the snapshot is never held whole).
pub(crate) fn write_snapshot_file(
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
pub(crate) fn map_snapshot_file(
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
