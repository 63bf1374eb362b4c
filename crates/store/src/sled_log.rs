//! The manifest and the change log as sled holds them: their keys, the log's entries and their
//! checksums, and the read view brought into step with them. Apart from the snapshot files.

use std::fs::File;
use std::path::Path;

use skillgraph_graph::{Change, Checks, Graph, GraphData};

use crate::error::{io_error, sled_error, StoreError};
use crate::snapshot_file::{check_snapshot, read_snapshot_chunks};
use crate::view::{Entry, ViewHeader, VIEW_FILE};
use crate::{view, Manifest, KEY_MANIFEST, LOG_PREFIX, SCHEMA_POSTCARD};

/// The manifest and the log as sled holds them.
pub(crate) struct SledLog {
    pub(crate) manifest: Manifest,
    entries: Vec<Entry>,
    pub(crate) next_seq: u64,
}

impl SledLog {
    pub(crate) fn read(db: &sled::Db, path: &Path) -> Result<SledLog, StoreError> {
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
    pub(crate) fn graph(
        &self,
        db: &sled::Db,
        path: &Path,
        schema: u32,
    ) -> Result<Graph, StoreError> {
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
            Graph::from_shared_snapshot(bytes, Checks::Whole)
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
pub(crate) fn reconcile_view(path: &Path, sled_log: &SledLog) -> Result<(), StoreError> {
    let first_seq = sled_log
        .entries
        .first()
        .map_or(sled_log.next_seq, |(s, _)| *s);
    let mut header = ViewHeader::of(&sled_log.manifest, first_seq, None);
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
    if same_snapshot {
        // The stamp is the file's, which the manifest still names. A view rebuilt without one
        // (after damage to it) has every reader check the snapshot whole, until the next fold.
        header.snapshot_stamp = current.header.snapshot_stamp;
    }
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

pub(crate) fn apply_entry(
    graph: &mut Graph,
    path: &Path,
    seq: u64,
    entry: &[u8],
) -> Result<(), StoreError> {
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

pub(crate) fn schema_version(bytes: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.try_into().ok()?))
}

pub(crate) fn snap_key(generation: u64, chunk: u32) -> Vec<u8> {
    format!("snap:{generation:016x}:{chunk:08x}").into_bytes()
}

pub(crate) fn log_key(seq: u64) -> Vec<u8> {
    format!("log:{seq:016x}").into_bytes()
}

fn log_seq(key: &[u8]) -> Option<u64> {
    let hex = std::str::from_utf8(key.strip_prefix(LOG_PREFIX)?).ok()?;
    u64::from_str_radix(hex, 16).ok()
}

pub(crate) fn encode_log_entry(changes: &Vec<Change>) -> Vec<u8> {
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
