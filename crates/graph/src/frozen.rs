//! The compact form of a graph: what a snapshot holds, and the base every
//! [`Graph`](crate::Graph) reads from in place.
//!
//! A graph with a million edges takes ~150 ms and ~200 MB to rebuild as petgraph nodes and edges
//! (a struct, a linked-list entry and a source list per edge), most of it for data the first
//! answer never looks at. Here the graph stays as it was stored: one byte buffer holding a few
//! flat arrays (struct of arrays, node and edge slots by index, holes included), the strings,
//! and the source lists interned. Reads index the arrays; `Node` and `Edge` values are built on
//! first access, a chunk at a time; the id and name lookups are hash tables over node indices,
//! built on first use, as are the per-kind adjacency lists. A body never changes: a graph's
//! changes live in its overlay (`overlay.rs`) until they are folded into a new body.
//!
//! # Body layout (all integers little-endian)
//!
//! ```text
//! "SGB1" node_bound:u32 edge_bound:u32 node_count:u32 edge_count:u32
//! lists: n:u32, n × (len:u32, len × source:u16)      interned source lists
//! node_kind: nb × u8        0 role, 1 skill, 2 tool, 255 hole
//! node_flags: nb × u8       1 effort_hours, 2 aliases/category/fields ("rest")
//! node_sources: nb × u32    list index
//! node_effort: nb × f64
//! id_end: nb × u32, ids: len:u32 + bytes      node i's id is ids[id_end[i-1]..id_end[i]]
//! name_end: nb × u32, names: len:u32 + bytes
//! rests: n:u32, n × (node:u32, len:u32, postcard NodeRest)   in node order
//! edge_from: eb × u32       u32::MAX for a hole
//! edge_to: eb × u32
//! edge_kind: eb × u8        EdgeKind as u8, 255 hole
//! edge_flags: eb × u8       1 importance, 2 effort_hours, 4 extra
//! edge_importance: eb × u8
//! efforts: n:u32, n × f64   effort of each edge with flag 2, in edge order
//! edge_sources: width:u8 (1, 2 or 4), eb × list index
//! extras: n:u32, n × (edge:u32, len:u32, postcard EdgeExtra)   in edge order
//! then, optionally, the label index, built when the body is written:
//! "SGI1" unicode:3 × u8 (char::UNICODE_VERSION) 0:u8
//! slots: n:u32, n × u32      open addressing by the hash of a lower-cased label → group
//! groups: n:u32, n × (node:u32, label number:u32, start:u32)
//! nodes: n:u32, n × u32      each group's nodes, a run from its start
//! then, with the label index, the level column and the concept keys (`derived.rs`)
//! ```
//!
//! The label index is what every process would otherwise build before its first lookup by
//! name (hashing every name and alias: most of a statement's time on O*NET + ESCO). It is
//! ignored when it was written under another Unicode version, whose lower-casing (and so
//! hashing) may differ.

mod edges;
mod lookup;
mod parse;
mod tail;
mod writer;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use petgraph::stable_graph::NodeIndex;
use serde::{Deserialize, Serialize};

use crate::adjacency::Adjacency;
use crate::derived::{BaseKeys, Levels};
use crate::model::{Edge, EdgeExtra, EdgeKind, Node, NodeKind, SourceId, Value};
use crate::name_order::NameOrder;
use crate::role_vectors::RoleVectorTable;

use lookup::LabelTable;
pub(crate) use lookup::{IdTable, IDS_MAGIC};
pub(crate) use writer::{encode_petgraph, BodyWriter};

const MAGIC: &[u8; 4] = b"SGB1";
const INDEX_MAGIC: &[u8; 4] = b"SGI1";
const HOLE: u8 = 0xff;
const NO_NODE: u32 = u32::MAX;
/// Nodes and edges are built as `Node` and `Edge` values this many at a time, on first access.
/// Small, because a query's nodes are scattered (the skills of one role lie all over the index).
const NODE_CHUNK: usize = 32;
const EDGE_CHUNK: usize = 256;

/// The decoded rare parts of one chunk of nodes: (node, parts), in node order.
type RestChunk = Box<[(u32, NodeRest)]>;

/// The decoded extras of one chunk of edges: (edge, extras), in edge order.
type ExtraChunk = Box<[(u32, EdgeExtra)]>;

/// Id lookups answered by a scan before a hash table of the ids is built.
const SCANS_BEFORE_TABLE: usize = 4;

const NODE_EFFORT: u8 = 1;
const NODE_REST: u8 = 2;
const EDGE_IMPORTANCE: u8 = 1;
const EDGE_EFFORT: u8 = 2;
const EDGE_EXTRA: u8 = 4;

/// The parts of a node that few nodes of a bulk import have.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct NodeRest {
    aliases: Vec<String>,
    category: Option<String>,
    fields: BTreeMap<String, Value>,
}

fn kind_code(kind: NodeKind) -> u8 {
    match kind {
        NodeKind::Role => 0,
        NodeKind::Skill => 1,
        NodeKind::Tool => 2,
    }
}

fn node_kind_of(code: u8) -> Option<NodeKind> {
    match code {
        0 => Some(NodeKind::Role),
        1 => Some(NodeKind::Skill),
        2 => Some(NodeKind::Tool),
        _ => None,
    }
}

fn edge_kind_of(code: u8) -> Option<EdgeKind> {
    EdgeKind::ALL.get(code as usize).copied()
}
/// A string as postcard writes it (its length, a varint, then its bytes), to look for in stored
/// bytes before decoding them: a string not among the bytes was never encoded in them.
pub(crate) struct EncodedString(memchr::memmem::Finder<'static>);

impl EncodedString {
    pub(crate) fn new(text: &str) -> EncodedString {
        let bytes = postcard::to_allocvec(text).expect("a string encodes");
        EncodedString(memchr::memmem::Finder::new(&bytes).into_owned())
    }

    pub(crate) fn is_in(&self, bytes: &[u8]) -> bool {
        self.0.find(bytes).is_some()
    }
}

// ---- reading -------------------------------------------------------------------------------

/// Reads the body front to back; every read is checked, so damaged bytes give an error.
pub(crate) struct Cursor<'a> {
    pub(crate) buf: &'a [u8],
    pub(crate) at: usize,
}

impl Cursor<'_> {
    pub(crate) fn take(&mut self, n: usize, what: &str) -> Result<usize, String> {
        let start = self.at;
        match start.checked_add(n) {
            Some(end) if end <= self.buf.len() => {
                self.at = end;
                Ok(start)
            }
            _ => Err(format!("the snapshot ends inside {what}")),
        }
    }

    pub(crate) fn u32(&mut self, what: &str) -> Result<u32, String> {
        let at = self.take(4, what)?;
        Ok(read_u32(self.buf, at))
    }

    /// `count` items of `size` bytes; returns where they start.
    pub(crate) fn array(&mut self, count: usize, size: usize, what: &str) -> Result<usize, String> {
        let n = count
            .checked_mul(size)
            .ok_or_else(|| format!("{what} is too large"))?;
        self.take(n, what)
    }
}

pub(crate) fn read_u32(buf: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([buf[at], buf[at + 1], buf[at + 2], buf[at + 3]])
}

pub(crate) fn read_f64(buf: &[u8], at: usize) -> f64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&buf[at..at + 8]);
    f64::from_le_bytes(b)
}
/// How much of a snapshot a graph checks as it reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checks {
    /// Every column, record and section, against each other and the counts: bytes of unknown
    /// history (`check`, bytes from elsewhere, a snapshot file changed since it was written).
    /// Damaged bytes give an error, never a panic later.
    Whole,
    /// What locating the columns needs, and the texts, in time that does not grow with the
    /// graph but for the record tables: bytes known to be exactly what a writer wrote (the
    /// store's snapshot file, unchanged since the writer checksummed and synced it).
    AsWritten,
}

/// The bytes a frozen graph reads from: its own, or shared with whoever read them (the store
/// hands over sled's buffer of a one-chunk snapshot instead of a copy).
pub type SnapshotBytes = Arc<dyn AsRef<[u8]> + Send + Sync>;

#[derive(Clone)]
pub(crate) struct Frozen {
    buf: SnapshotBytes,
    /// Where the body starts in `buf`.
    start: usize,
    node_bound: usize,
    edge_bound: usize,
    node_count: usize,
    edge_count: usize,
    lists: Vec<Vec<SourceId>>,
    node_kind: usize,
    node_flags: usize,
    node_sources: usize,
    node_effort: usize,
    ids: TextColumn,
    names: TextColumn,
    /// Where each node's rare parts lie in the buffer: (node, start, length), in node order.
    pub(crate) rest_at: Vec<(u32, u32, u32)>,
    /// The rare parts, decoded on first use `NODE_CHUNK` nodes at a time, as the extras of
    /// edges are: an ESCO import's alternative labels decoded and freed by every process were
    /// a third of a statement's time.
    rest_chunks: Vec<OnceLock<RestChunk>>,
    pub(crate) edge_from: usize,
    edge_to: usize,
    edge_kind: usize,
    edge_flags: usize,
    edge_importance: usize,
    efforts: usize,
    /// Per block of 64 edges: the efforts before it, and which of its edges have one.
    effort_rank: OnceLock<Vec<(u32, u64)>>,
    /// What was checked when the body was read.
    checks: Checks,
    edge_sources: usize,
    source_width: usize,
    /// Where each edge's extras lie in the buffer: (edge, start, length), in edge order.
    pub(crate) extra_at: Vec<(u32, u32, u32)>,
    /// The extras, decoded on first use `EDGE_CHUNK` edges at a time: (edge, extras) in edge
    /// order. A statement reads the extras of few edges; decoding every one when the snapshot
    /// opens was most of the time an imported graph took to answer anything.
    extra_chunks: Vec<OnceLock<ExtraChunk>>,
    nodes: Vec<OnceLock<Box<[Option<Node>]>>>,
    edges: Vec<OnceLock<Box<[Option<Edge>]>>>,
    /// The ids' hash table, from the body or built on first use after a few scans.
    ids_table: OnceLock<IdTable>,
    labels_table: OnceLock<LabelTable>,
    labels_map: OnceLock<HashMap<String, Vec<NodeIndex>>>,
    /// Per edge kind: edges by node and direction, built on first use. The base never
    /// changes, so neither do these.
    adjacency: [OnceLock<Adjacency>; EdgeKind::ALL.len()],
    /// Whether the body was read without a tail (no label index, no derived sections): a
    /// body an import built, whose tail is computed when it is written.
    bare: bool,
    /// Each edge's level, from the body or built on first use.
    levels: OnceLock<Levels>,
    /// The base's nodes by the keys that link them across datasets (`concept.rs`), from the
    /// body or built on first use: a change to the graph then costs only its own nodes' keys.
    concept_keys: OnceLock<BaseKeys>,
    /// The roles' vectors for `closest`, when the body has them (`role_vectors.rs`).
    role_vectors: Option<RoleVectorTable>,
    /// Each node's rank in name order as the body stores it (for `check`), and as read: the
    /// stored ranks when they are a rank per node, else built on first use.
    stored_name_order: Option<NameOrder>,
    name_order: OnceLock<NameOrder>,
    /// Lookups of a node's edges answered by scanning the edge arrays; past a few, the caller
    /// builds an adjacency index instead.
    pub(crate) scans: ScanCount,
    /// Lookups by id answered by scanning, before the id table is built.
    id_scans: ScanCount,
}

/// Node texts (ids or names) are checked this many nodes at a time.
const TEXT_CHUNK: usize = 64;

/// A column of node texts, ids or names: node `i`'s text is `blob[end[i-1]..end[i]]`.
pub(crate) struct TextColumn {
    /// Where the ends start in the buffer.
    end: usize,
    /// Where the texts start, and their length.
    blob: usize,
    len: usize,
    /// A bit per chunk of `TEXT_CHUNK` nodes whose texts were found UTF-8, each end in order
    /// and on a character boundary: all of them when the body was checked whole, else each
    /// chunk on its first read, so that opening a snapshot reads none of its texts.
    checked: Box<[AtomicU64]>,
}

impl TextColumn {
    fn new(end: usize, blob: usize, len: usize, node_bound: usize) -> TextColumn {
        let words = node_bound.div_ceil(TEXT_CHUNK).div_ceil(64);
        let checked = (0..words).map(|_| AtomicU64::new(0)).collect();
        TextColumn {
            end,
            blob,
            len,
            checked,
        }
    }

    /// Whether chunk `chunk`'s texts are whole, checking them on the first call.
    fn is_checked(&self, buf: &[u8], node_bound: usize, chunk: usize) -> bool {
        let Some(word) = self.checked.get(chunk / 64) else {
            return false;
        };
        let bit = 1u64 << (chunk % 64);
        if word.load(Ordering::Relaxed) & bit != 0 {
            return true;
        }
        let whole = self.chunk_is_whole(buf, node_bound, chunk);
        if whole {
            word.fetch_or(bit, Ordering::Relaxed);
        }
        whole
    }

    fn chunk_is_whole(&self, buf: &[u8], node_bound: usize, chunk: usize) -> bool {
        let first = chunk * TEXT_CHUNK;
        let last = (first + TEXT_CHUNK).min(node_bound);
        if first >= last {
            return false;
        }
        let end = |i: usize| read_u32(buf, self.end + 4 * i) as usize;
        let start = if first == 0 { 0 } else { end(first - 1) };
        let stop = end(last - 1);
        if start > stop || stop > self.len {
            return false;
        }
        let Ok(text) = std::str::from_utf8(&buf[self.blob + start..self.blob + stop]) else {
            return false;
        };
        let mut previous = start;
        (first..last).all(|i| {
            let e = end(i);
            let in_order = previous <= e && e <= stop && text.is_char_boundary(e - start);
            previous = e;
            in_order
        })
    }

    /// Checks every chunk now (a whole check), or says which node's text is damaged.
    fn check_all(&self, buf: &[u8], node_bound: usize) -> Result<(), String> {
        let chunks = node_bound.div_ceil(TEXT_CHUNK);
        match (0..chunks).find(|&c| !self.is_checked(buf, node_bound, c)) {
            Some(c) => Err(format!(
                "the node texts are damaged (nodes from {})",
                c * TEXT_CHUNK
            )),
            None => Ok(()),
        }
    }
}

impl Clone for TextColumn {
    fn clone(&self) -> Self {
        let checked = self.checked.iter();
        TextColumn {
            end: self.end,
            blob: self.blob,
            len: self.len,
            checked: checked
                .map(|w| AtomicU64::new(w.load(Ordering::Relaxed)))
                .collect(),
        }
    }
}

/// A counter that a clone starts afresh from.
#[derive(Default)]
pub(crate) struct ScanCount(AtomicUsize);

impl ScanCount {
    pub(crate) fn bump(&self) -> usize {
        self.0.fetch_add(1, Ordering::Relaxed) + 1
    }
}

impl Clone for ScanCount {
    fn clone(&self) -> Self {
        ScanCount(AtomicUsize::new(self.0.load(Ordering::Relaxed)))
    }
}

impl std::fmt::Debug for Frozen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Frozen")
            .field("nodes", &self.node_count)
            .field("edges", &self.edge_count)
            .field("bytes", &self.b().len())
            .finish_non_exhaustive()
    }
}

impl Frozen {
    fn b(&self) -> &[u8] {
        (*self.buf).as_ref()
    }

    /// The body this graph was read from: what a snapshot of it holds.
    pub(crate) fn body(&self) -> &[u8] {
        &self.b()[self.start..]
    }

    pub(crate) fn node_bound(&self) -> usize {
        self.node_bound
    }

    pub(crate) fn edge_bound(&self) -> usize {
        self.edge_bound
    }

    pub(crate) fn node_count(&self) -> usize {
        self.node_count
    }

    pub(crate) fn edge_count(&self) -> usize {
        self.edge_count
    }

    // ---- nodes ---------------------------------------------------------------------------------

    pub(crate) fn contains_node(&self, ix: NodeIndex) -> bool {
        ix.index() < self.node_bound && self.b()[self.node_kind + ix.index()] != HOLE
    }

    pub(crate) fn kind(&self, ix: NodeIndex) -> Option<NodeKind> {
        if ix.index() >= self.node_bound {
            return None;
        }
        node_kind_of(self.b()[self.node_kind + ix.index()])
    }

    /// Node `i`'s text in `column`; empty when its chunk of the column is damaged (which
    /// `check` reports), never a panic.
    fn text<'a>(&'a self, column: &TextColumn, i: usize) -> &'a str {
        let b = self.b();
        if !column.is_checked(b, self.node_bound, i / TEXT_CHUNK) {
            return "";
        }
        let start = if i == 0 {
            0
        } else {
            read_u32(b, column.end + 4 * (i - 1)) as usize
        };
        let stop = read_u32(b, column.end + 4 * i) as usize;
        let bytes = &b[column.blob + start..column.blob + stop];
        debug_assert!(std::str::from_utf8(bytes).is_ok());
        // SAFETY: `is_checked` found the chunk's bytes UTF-8 and every end in it, and the one
        // before it, on a character boundary, in order, so the bytes between two ends are
        // UTF-8; the buffer is shared read-only and never changes. (Checking again on every
        // name comparison was a fifth of the time of `skills of`.)
        unsafe { std::str::from_utf8_unchecked(bytes) }
    }

    /// The id of an existing node.
    pub(crate) fn id(&self, ix: NodeIndex) -> &str {
        self.text(&self.ids, ix.index())
    }

    /// The name of an existing node.
    pub(crate) fn name(&self, ix: NodeIndex) -> &str {
        self.text(&self.names, ix.index())
    }

    pub(crate) fn effort(&self, ix: NodeIndex) -> Option<f64> {
        let i = ix.index();
        if i >= self.node_bound || self.b()[self.node_flags + i] & NODE_EFFORT == 0 {
            return None;
        }
        Some(read_f64(self.b(), self.node_effort + 8 * i))
    }

    /// The sources of an existing node, read in place (no node is built).
    pub(crate) fn node_sources(&self, ix: NodeIndex) -> &[SourceId] {
        &self.lists[read_u32(self.b(), self.node_sources + 4 * ix.index()) as usize]
    }

    pub(crate) fn node(&self, ix: NodeIndex) -> Option<&Node> {
        let i = ix.index();
        if i >= self.node_bound {
            return None;
        }
        let chunk = self.nodes[i / NODE_CHUNK].get_or_init(|| {
            let start = i / NODE_CHUNK * NODE_CHUNK;
            (start..self.node_bound.min(start + NODE_CHUNK))
                .map(|j| self.decode_node(j))
                .collect()
        });
        chunk[i % NODE_CHUNK].as_ref()
    }

    fn decode_node(&self, i: usize) -> Option<Node> {
        let ix = NodeIndex::new(i);
        self.build_node(ix, self.rest(ix).cloned().unwrap_or_default())
    }

    /// The node at `ix` built afresh, its rare parts decoded for it alone, and kept nowhere:
    /// for a pass that reads every node once (an export), which keeping them would make hold
    /// the whole graph decoded.
    pub(crate) fn node_afresh(&self, ix: NodeIndex) -> Option<Node> {
        let i = ix.index();
        let rest = (self.rests_between(i, i + 1).next())
            .and_then(|(_, bytes)| postcard::from_bytes(bytes).ok())
            .unwrap_or_default();
        self.build_node(ix, rest)
    }

    fn build_node(&self, ix: NodeIndex, rest: NodeRest) -> Option<Node> {
        let i = ix.index();
        let kind = self.kind(ix)?;
        Some(Node {
            id: self.id(ix).to_string(),
            kind,
            name: self.name(ix).to_string(),
            aliases: rest.aliases,
            category: rest.category,
            effort_hours: self.effort(ix),
            sources: self.lists[read_u32(self.b(), self.node_sources + 4 * i) as usize].clone(),
            fields: rest.fields,
        })
    }

    pub(crate) fn aliases(&self, ix: NodeIndex) -> &[String] {
        self.rest(ix).map_or(&[], |r| r.aliases.as_slice())
    }

    pub(crate) fn category(&self, ix: NodeIndex) -> Option<&str> {
        self.rest(ix)?.category.as_deref()
    }

    /// The field `name` of the node at `ix`, without building the node. Rare parts not yet
    /// decoded are decoded only when their stored bytes hold `name`: a listing asks every role
    /// for fields few have (`salary`), and decoding the roles' hundreds of alternative titles to
    /// find none was a fifth of its time.
    pub(crate) fn field(&self, ix: NodeIndex, name: &str) -> Option<&Value> {
        let i = ix.index();
        let decoded = self.rest_chunks.get(i / NODE_CHUNK)?.get().is_some();
        if !decoded {
            let (_, stored) = self.rests_between(i, i + 1).next()?;
            if !EncodedString::new(name).is_in(stored) {
                return None;
            }
        }
        self.rest(ix)?.fields.get(name)
    }

    /// The rare parts of the node at `ix` (aliases, category, fields), decoded on first use
    /// with those of the nodes near it. Parts that cannot be decoded read as none; `check`
    /// reports them ([`Frozen::undecodable_rests`]).
    fn rest(&self, ix: NodeIndex) -> Option<&NodeRest> {
        let i = ix.index();
        if i >= self.node_bound {
            return None;
        }
        let chunk = self.rest_chunks[i / NODE_CHUNK].get_or_init(|| {
            self.rests_between(
                i / NODE_CHUNK * NODE_CHUNK,
                (i / NODE_CHUNK + 1) * NODE_CHUNK,
            )
            .filter_map(|(n, bytes)| Some((n, postcard::from_bytes(bytes).ok()?)))
            .collect()
        });
        let at = chunk.binary_search_by_key(&(i as u32), |(n, _)| *n).ok()?;
        Some(&chunk[at].1)
    }

    /// The stored rare parts of the nodes `from..to`: (node, bytes).
    fn rests_between(&self, from: usize, to: usize) -> impl Iterator<Item = (u32, &[u8])> + '_ {
        let first = self
            .rest_at
            .partition_point(|&(n, _, _)| (n as usize) < from);
        self.rest_at[first..]
            .iter()
            .take_while(move |&&(n, _, _)| (n as usize) < to)
            .map(|&(n, at, len)| (n, &self.b()[at as usize..at as usize + len as usize]))
    }

    /// The nodes whose stored rare parts cannot be decoded, with why.
    pub(crate) fn undecodable_rests(&self) -> Vec<(NodeIndex, String)> {
        self.rests_between(0, self.node_bound)
            .filter_map(|(n, bytes)| {
                let error = postcard::from_bytes::<NodeRest>(bytes).err()?;
                Some((NodeIndex::new(n as usize), error.to_string()))
            })
            .collect()
    }

    pub(crate) fn node_indices(&self) -> impl DoubleEndedIterator<Item = NodeIndex> + '_ {
        (0..self.node_bound)
            .filter(|&i| self.b()[self.node_kind + i] != HOLE)
            .map(NodeIndex::new)
    }
}
