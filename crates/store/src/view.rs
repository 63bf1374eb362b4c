//! The read view: `skillgraph.view`, what every process reads the database from without
//! opening sled (which one process at a time may hold). It names the snapshot the manifest
//! names and repeats the change log since it, appended to as the writer commits:
//!
//! ```text
//! header:  "SGV2" generation:u64 snapshot_bytes:u64 snapshot_crc:u32 first_seq:u64
//!          stamp: dev:u64 ino:u64 mtime:i64 mtime_nsec:i64 ctime:i64 ctime_nsec:i64 crc:u32
//! record:  len:u32 seq:u64 entry:len bytes crc:u32      (crc over seq and entry)
//! ```
//!
//! (integers little-endian; an entry is the log entry exactly as sled holds it; a stamp of
//! zeros is none; "SGV1", without the stamp, is read too).
//!
//! The stamp is the snapshot file's `stat` as its writer left it: written, synced, renamed. A
//! file that still has it has not been written to, renamed or replaced since, so its bytes are
//! those the writer checksummed, and a reader maps it without reading it all
//! ([`skillgraph_graph::Checks::AsWritten`]); any other file is checked in full. A record is
//! appended and synced only after sled holds its entry durably, so the records are always a
//! prefix of sled's log: a reader sees every acknowledged write and never one sled lacks. A
//! record cut short (a writer killed while appending) ends the readable part; the next writer
//! truncates it. A fold writes a new file for the new snapshot and renames it over the old one.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

/// The read view's file in the database directory: a new inode or a longer file means that
/// another process committed (what a reader that keeps a copy of the graph watches).
pub const VIEW_FILE: &str = "skillgraph.view";
const MAGIC: &[u8; 4] = b"SGV2";
const MAGIC_WITHOUT_STAMP: &[u8; 4] = b"SGV1";
const HEADER_LEN_WITHOUT_STAMP: usize = 4 + 8 + 8 + 4 + 8 + 4;
const STAMP_LEN: usize = 6 * 8;

/// What the view's header says: the snapshot, and the sequence number of the first entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ViewHeader {
    pub(crate) generation: u64,
    pub(crate) snapshot_bytes: u64,
    pub(crate) snapshot_crc: u32,
    pub(crate) first_seq: u64,
    /// The snapshot file as its writer left it, when known.
    pub(crate) snapshot_stamp: Option<FileStamp>,
}

/// A file's identity and times as `stat` gives them: device, inode, and the modification and
/// change times to the nanosecond. Writing to a file, renaming or linking it, or changing its
/// mode moves its change time, which no program can set back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileStamp([u64; 6]);

impl FileStamp {
    pub(crate) fn of(meta: &std::fs::Metadata) -> FileStamp {
        use std::os::unix::fs::MetadataExt;
        let times = [
            meta.mtime(),
            meta.mtime_nsec(),
            meta.ctime(),
            meta.ctime_nsec(),
        ];
        let [a, b, c, d] = times.map(|t| t as u64);
        FileStamp([meta.dev(), meta.ino(), a, b, c, d])
    }
}

/// A log entry as sled holds it, with its sequence number.
pub(crate) type Entry = (u64, Vec<u8>);

impl ViewHeader {
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_LEN_WITHOUT_STAMP + STAMP_LEN);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.generation.to_le_bytes());
        out.extend_from_slice(&self.snapshot_bytes.to_le_bytes());
        out.extend_from_slice(&self.snapshot_crc.to_le_bytes());
        out.extend_from_slice(&self.first_seq.to_le_bytes());
        let stamp = self.snapshot_stamp.map_or([0; 6], |s| s.0);
        for word in stamp {
            out.extend_from_slice(&word.to_le_bytes());
        }
        let crc = crc32fast::hash(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        out
    }

    /// The header at the start of `bytes`, and its length.
    pub(crate) fn decode(bytes: &[u8]) -> Option<(ViewHeader, usize)> {
        let len = match bytes.get(..4)? {
            m if m == MAGIC => HEADER_LEN_WITHOUT_STAMP + STAMP_LEN,
            m if m == MAGIC_WITHOUT_STAMP => HEADER_LEN_WITHOUT_STAMP,
            _ => return None,
        };
        let h = bytes.get(..len)?;
        if crc32fast::hash(&h[..len - 4]) != u32_at(h, len - 4) {
            return None;
        }
        let stamp = (len > HEADER_LEN_WITHOUT_STAMP)
            .then(|| FileStamp(std::array::from_fn(|i| u64_at(h, 32 + 8 * i))))
            .filter(|s| s.0 != [0; 6]);
        let header = ViewHeader {
            generation: u64_at(h, 4),
            snapshot_bytes: u64_at(h, 12),
            snapshot_crc: u32_at(h, 20),
            first_seq: u64_at(h, 24),
            snapshot_stamp: stamp,
        };
        Some((header, len))
    }
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("four bytes"))
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("eight bytes"))
}

pub(crate) fn encode_record(seq: u64, entry: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + entry.len());
    out.extend_from_slice(&(entry.len() as u32).to_le_bytes());
    out.extend_from_slice(&seq.to_le_bytes());
    out.extend_from_slice(entry);
    let crc = crc32fast::hash(&out[4..]);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// The whole records at the start of `bytes`, and how many bytes they take; a record cut short
/// or failing its checksum ends them.
pub(crate) fn decode_records(bytes: &[u8]) -> (Vec<Entry>, usize) {
    let mut at = 0;
    let mut entries = Vec::new();
    while let Some(len) = bytes.get(at..at + 4).map(|b| u32_at(b, 0) as usize) {
        let end = match (at + 16).checked_add(len) {
            Some(end) if end <= bytes.len() => end,
            _ => break,
        };
        let body = &bytes[at + 4..end - 4];
        if crc32fast::hash(body) != u32_at(bytes, end - 4) {
            break;
        }
        entries.push((u64_at(body, 0), body[8..].to_vec()));
        at = end;
    }
    (entries, at)
}

/// The view as read from its file: its header, its whole records, and where they end.
pub(crate) struct ViewContents {
    pub(crate) header: ViewHeader,
    pub(crate) entries: Vec<Entry>,
    pub(crate) valid_len: u64,
}

/// Reads the view of the database at `dir`: `Ok(None)` when there is none or its header is
/// unreadable (a view is rebuilt from sled, never trusted when damaged).
pub(crate) fn read(file: &mut File) -> std::io::Result<Option<ViewContents>> {
    let mut bytes = Vec::new();
    file.seek(SeekFrom::Start(0))?;
    file.read_to_end(&mut bytes)?;
    let Some((header, header_len)) = ViewHeader::decode(&bytes) else {
        return Ok(None);
    };
    let (entries, len) = decode_records(&bytes[header_len..]);
    Ok(Some(ViewContents {
        header,
        entries,
        valid_len: (header_len + len) as u64,
    }))
}

/// Writes a whole new view durably: under a temporary name, synced, renamed over the old one,
/// the directory synced. Readers have the old file or the new, never a mix.
pub(crate) fn write_whole(
    dir: &Path,
    header: &ViewHeader,
    entries: &[Entry],
) -> std::io::Result<()> {
    let temporary = dir.join(format!("{VIEW_FILE}.tmp"));
    let mut bytes = header.encode();
    for (seq, entry) in entries {
        bytes.extend_from_slice(&encode_record(*seq, entry));
    }
    let mut file = File::create(&temporary)?;
    file.write_all(&bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&temporary, dir.join(VIEW_FILE))?;
    File::open(dir)?.sync_all()
}

/// Appends records to the view at its readable end (dropping a torn tail first), durably.
pub(crate) fn append(dir: &Path, valid_len: u64, entries: &[(u64, &[u8])]) -> std::io::Result<u64> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(dir.join(VIEW_FILE))?;
    if file.metadata()?.len() != valid_len {
        file.set_len(valid_len)?;
    }
    file.seek(SeekFrom::Start(valid_len))?;
    let mut bytes = Vec::new();
    for (seq, entry) in entries {
        bytes.extend_from_slice(&encode_record(*seq, entry));
    }
    file.write_all(&bytes)?;
    file.sync_all()?;
    Ok(valid_len + bytes.len() as u64)
}
