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

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeIndexable, NodeIndexable};
use serde::{Deserialize, Serialize};

use crate::adjacency::Adjacency;
use crate::derived::{
    BaseKeys, Derived, Levels, RecordTables, ADJACENCY_MAGIC, KEYS_MAGIC, LEVELS_MAGIC,
    RECORDS_MAGIC, ROLES_MAGIC, TRAILER_MAGIC,
};
use crate::fxhash::{hash_lowercase, hash_str, FxBuildHasher};
use crate::model::{Edge, EdgeExtra, EdgeKind, Node, NodeKind, SourceId, Value};
use crate::role_vectors::RoleVectorTable;
use crate::text::cmp_ignoring_case;

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

// ---- writing -------------------------------------------------------------------------------

/// Builds a body one node slot and one edge slot at a time, in index order.
#[derive(Default)]
pub(crate) struct BodyWriter {
    node_kind: Vec<u8>,
    node_flags: Vec<u8>,
    node_sources: Vec<u32>,
    node_effort: Vec<f64>,
    id_end: Vec<u32>,
    ids: Vec<u8>,
    name_end: Vec<u32>,
    names: Vec<u8>,
    rests: Vec<(u32, Vec<u8>)>,
    lists: Vec<Vec<SourceId>>,
    list_ids: HashMap<Vec<SourceId>, u32, FxBuildHasher>,
    /// The list interned last, which the next node or edge usually repeats.
    last_list: Option<(Vec<SourceId>, u32)>,
    edge_from: Vec<u32>,
    edge_to: Vec<u32>,
    edge_kind: Vec<u8>,
    edge_flags: Vec<u8>,
    edge_importance: Vec<u8>,
    efforts: Vec<f64>,
    edge_sources: Vec<u32>,
    extras: Vec<(u32, Vec<u8>)>,
}

impl BodyWriter {
    pub(crate) fn with_capacity(nodes: usize, edges: usize) -> BodyWriter {
        BodyWriter {
            node_kind: Vec::with_capacity(nodes),
            node_flags: Vec::with_capacity(nodes),
            node_sources: Vec::with_capacity(nodes),
            node_effort: Vec::with_capacity(nodes),
            id_end: Vec::with_capacity(nodes),
            name_end: Vec::with_capacity(nodes),
            edge_from: Vec::with_capacity(edges),
            edge_to: Vec::with_capacity(edges),
            edge_kind: Vec::with_capacity(edges),
            edge_flags: Vec::with_capacity(edges),
            edge_importance: Vec::with_capacity(edges),
            edge_sources: Vec::with_capacity(edges),
            ..BodyWriter::default()
        }
    }

    fn intern(&mut self, list: &[SourceId]) -> u32 {
        if let Some((last, id)) = &self.last_list {
            if last.as_slice() == list {
                return *id;
            }
        }
        let id = match self.list_ids.get(list) {
            Some(&id) => id,
            None => {
                let id = self.lists.len() as u32;
                self.lists.push(list.to_vec());
                self.list_ids.insert(list.to_vec(), id);
                id
            }
        };
        self.last_list = Some((list.to_vec(), id));
        id
    }

    /// The next node slot: a node, or a hole.
    pub(crate) fn node(&mut self, node: Option<&Node>) {
        let i = self.node_kind.len() as u32;
        match node {
            None => {
                self.node_kind.push(HOLE);
                self.node_flags.push(0);
                self.node_sources.push(0);
                self.node_effort.push(0.0);
            }
            Some(n) => {
                let list = self.intern(&n.sources);
                self.node_kind.push(kind_code(n.kind));
                let mut flags = 0;
                if n.effort_hours.is_some() {
                    flags |= NODE_EFFORT;
                }
                if !n.aliases.is_empty() || n.category.is_some() || !n.fields.is_empty() {
                    flags |= NODE_REST;
                    let rest = NodeRest {
                        aliases: n.aliases.clone(),
                        category: n.category.clone(),
                        fields: n.fields.clone(),
                    };
                    let bytes = postcard::to_allocvec(&rest).expect("node fields always encode");
                    self.rests.push((i, bytes));
                }
                self.node_flags.push(flags);
                self.node_sources.push(list);
                self.node_effort.push(n.effort_hours.unwrap_or(0.0));
                self.ids.extend_from_slice(n.id.as_bytes());
                self.names.extend_from_slice(n.name.as_bytes());
            }
        }
        self.id_end.push(self.ids.len() as u32);
        self.name_end.push(self.names.len() as u32);
    }

    /// The next edge slot: (from, to, edge), or a hole.
    pub(crate) fn edge(&mut self, edge: Option<(NodeIndex, NodeIndex, &Edge)>) {
        let i = self.edge_from.len() as u32;
        match edge {
            None => {
                self.edge_from.push(NO_NODE);
                self.edge_to.push(NO_NODE);
                self.edge_kind.push(HOLE);
                self.edge_flags.push(0);
                self.edge_importance.push(0);
                self.edge_sources.push(0);
            }
            Some((a, b, e)) => {
                let list = self.intern(&e.sources);
                self.edge_from.push(a.index() as u32);
                self.edge_to.push(b.index() as u32);
                self.edge_kind.push(e.kind as u8);
                let mut flags = 0;
                if let Some(imp) = e.importance {
                    flags |= EDGE_IMPORTANCE;
                    self.edge_importance.push(imp);
                } else {
                    self.edge_importance.push(0);
                }
                if let Some(h) = e.effort_hours {
                    flags |= EDGE_EFFORT;
                    self.efforts.push(h);
                }
                if let Some(extra) = &e.extra {
                    flags |= EDGE_EXTRA;
                    let bytes =
                        postcard::to_allocvec(extra.as_ref()).expect("edge extras always encode");
                    self.extras.push((i, bytes));
                }
                self.edge_flags.push(flags);
                self.edge_sources.push(list);
            }
        }
    }

    /// The body, with its label index and derived sections (see the layout above).
    pub(crate) fn finish(self) -> Vec<u8> {
        // The tail is computed from the body as read back, which shares it rather than a copy.
        let body = Arc::new(self.finish_bare());
        let tail = Frozen::parse(body.clone(), 0)
            .expect("a body just written reads back")
            .missing_tail();
        let mut body = Arc::try_unwrap(body).expect("the reader of the body is gone");
        body.extend_from_slice(&tail);
        body
    }

    /// The body without its tail (label index and derived sections), as an import holds it
    /// until it is written: the tail is computed when the snapshot is ([`Frozen::missing_tail`]),
    /// so no process holds a copy of the body while the tail is appended to it.
    pub(crate) fn finish_bare(self) -> Vec<u8> {
        let nb = self.node_kind.len();
        let eb = self.edge_from.len();
        let node_count = self.node_kind.iter().filter(|&&k| k != HOLE).count();
        let edge_count = self.edge_kind.iter().filter(|&&k| k != HOLE).count();
        let mut out = Vec::with_capacity(
            64 + nb * 22 + self.ids.len() + self.names.len() + eb * 16 + self.efforts.len() * 8,
        );
        out.extend_from_slice(MAGIC);
        for n in [nb, eb, node_count, edge_count] {
            put_u32(&mut out, n as u32);
        }
        put_u32(&mut out, self.lists.len() as u32);
        for list in &self.lists {
            put_u32(&mut out, list.len() as u32);
            for s in list {
                out.extend_from_slice(&s.0.to_le_bytes());
            }
        }
        out.extend_from_slice(&self.node_kind);
        out.extend_from_slice(&self.node_flags);
        put_u32s(&mut out, &self.node_sources);
        for h in &self.node_effort {
            out.extend_from_slice(&h.to_le_bytes());
        }
        put_u32s(&mut out, &self.id_end);
        put_u32(&mut out, self.ids.len() as u32);
        out.extend_from_slice(&self.ids);
        put_u32s(&mut out, &self.name_end);
        put_u32(&mut out, self.names.len() as u32);
        out.extend_from_slice(&self.names);
        put_records(&mut out, &self.rests);
        put_u32s(&mut out, &self.edge_from);
        put_u32s(&mut out, &self.edge_to);
        out.extend_from_slice(&self.edge_kind);
        out.extend_from_slice(&self.edge_flags);
        out.extend_from_slice(&self.edge_importance);
        put_u32(&mut out, self.efforts.len() as u32);
        for h in &self.efforts {
            out.extend_from_slice(&h.to_le_bytes());
        }
        let width: u8 = match self.lists.len() {
            0..=0x100 => 1,
            0x101..=0x1_0000 => 2,
            _ => 4,
        };
        out.push(width);
        for &l in &self.edge_sources {
            out.extend_from_slice(&l.to_le_bytes()[..width as usize]);
        }
        put_records(&mut out, &self.extras);
        out
    }
}

fn put_u32(out: &mut Vec<u8>, n: u32) {
    out.extend_from_slice(&n.to_le_bytes());
}

fn put_u32s(out: &mut Vec<u8>, list: &[u32]) {
    for &n in list {
        put_u32(out, n);
    }
}

fn put_records(out: &mut Vec<u8>, records: &[(u32, Vec<u8>)]) {
    put_u32(out, records.len() as u32);
    for (i, bytes) in records {
        put_u32(out, *i);
        put_u32(out, bytes.len() as u32);
        out.extend_from_slice(bytes);
    }
}

/// The body of a petgraph graph (schema 2's form, read by [`crate::Graph::from_data`]).
pub(crate) fn encode_petgraph(graph: &StableDiGraph<Node, Edge>) -> Vec<u8> {
    let mut w = BodyWriter::with_capacity(graph.node_bound(), graph.edge_bound());
    for i in 0..graph.node_bound() {
        w.node(graph.node_weight(NodeIndex::new(i)));
    }
    for i in 0..graph.edge_bound() {
        let e = EdgeIndex::new(i);
        w.edge(
            graph
                .edge_weight(e)
                .zip(graph.edge_endpoints(e))
                .map(|(w, (a, b))| (a, b, w)),
        );
    }
    w.finish()
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

/// Where a probe for `hash` starts in a table of `64 - shift` bits.
fn slot_start(hash: u64, shift: u32) -> usize {
    // The high bits of a multiplicative hash are the well-mixed ones.
    (hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift) as usize
}

/// An open-addressing table of node indices (no keys stored: a slot's key is read from its
/// node), for the id and label lookups.
#[derive(Debug, Clone)]
struct NodeTable {
    slots: Vec<u32>,
    shift: u32,
}

impl NodeTable {
    fn with_entries(n: usize) -> NodeTable {
        let size = (n.max(4) * 2).next_power_of_two();
        NodeTable {
            slots: vec![NO_NODE; size],
            shift: 64 - size.trailing_zeros(),
        }
    }

    fn start(&self, hash: u64) -> usize {
        slot_start(hash, self.shift)
    }

    /// The slots to look at for `hash`, in probe order, until an empty one.
    fn probe(&self, hash: u64) -> impl Iterator<Item = u32> + '_ {
        let mask = self.slots.len() - 1;
        let start = self.start(hash);
        (0..self.slots.len())
            .map(move |i| self.slots[(start + i) & mask])
            .take_while(|&s| s != NO_NODE)
    }

    fn insert(&mut self, hash: u64, value: u32) {
        let mask = self.slots.len() - 1;
        let mut i = self.start(hash);
        while self.slots[i] != NO_NODE {
            i = (i + 1) & mask;
        }
        self.slots[i] = value;
    }
}

/// Lower-cased names and aliases → nodes, as contiguous runs so that a lookup is a slice.
/// Written at the end of a body (`Frozen::build_labels`); its slots and groups are read in
/// place, since copying them out was a fifth of what a statement cost a process.
#[derive(Clone)]
struct LabelTable {
    bytes: SnapshotBytes,
    /// Slots hold group numbers.
    slots_at: usize,
    slot_count: usize,
    shift: u32,
    /// Per group: a (node, label number) carrying the label, and where its run starts.
    groups_at: usize,
    group_count: usize,
    nodes: Vec<NodeIndex>,
}

impl LabelTable {
    /// The index written after the extras, if there is one and it was written under this
    /// Unicode version. Only its shape is checked here: checking every entry touched every
    /// page of it on each open. A lookup checks the entries it reads and finds nothing
    /// through a damaged one (never a panic), and [`LabelTable::damage`] checks them all for
    /// `check`.
    fn read(bytes: &SnapshotBytes, c: &mut Cursor<'_>) -> Result<Option<LabelTable>, String> {
        if c.at == c.buf.len() {
            return Ok(None);
        }
        let at = c.take(8, "the label index")?;
        if &c.buf[at..at + 4] != INDEX_MAGIC {
            return Err("the snapshot has bytes after its end".into());
        }
        let (major, minor, update) = std::char::UNICODE_VERSION;
        let current = c.buf[at + 4..at + 7] == [major, minor, update];
        let what = "the label index";
        let slot_count = c.u32(what)? as usize;
        let slots_at = c.array(slot_count, 4, what)?;
        let group_count = c.u32(what)? as usize;
        let groups_at = c.array(group_count, 12, what)?;
        let node_count = c.u32(what)? as usize;
        let nodes_at = c.array(node_count, 4, what)?;
        if !current {
            return Ok(None);
        }
        if slot_count < 4 || !slot_count.is_power_of_two() {
            return Err("the label index is damaged".into());
        }
        let nodes: Vec<NodeIndex> = (0..node_count)
            .map(|i| NodeIndex::new(read_u32(c.buf, nodes_at + 4 * i) as usize))
            .collect();
        Ok(Some(LabelTable {
            bytes: bytes.clone(),
            slots_at,
            slot_count,
            shift: 64 - slot_count.trailing_zeros(),
            groups_at,
            group_count,
            nodes,
        }))
    }

    fn buf(&self) -> &[u8] {
        (*self.bytes).as_ref()
    }

    /// The groups to look at for `hash`, in probe order, until an empty slot.
    fn probe(&self, hash: u64) -> impl Iterator<Item = u32> + '_ {
        let mask = self.slot_count - 1;
        let start = slot_start(hash, self.shift);
        (0..self.slot_count)
            .map(move |i| read_u32(self.buf(), self.slots_at + 4 * ((start + i) & mask)))
            .take_while(|&s| s != NO_NODE)
    }

    /// A group's (node, label number) and its run of nodes, if the entries are whole:
    /// the group exists, its node is `present` and so is every node of its run.
    fn group(
        &self,
        g: usize,
        present: impl Fn(NodeIndex) -> bool,
    ) -> Option<(NodeIndex, u32, &[NodeIndex])> {
        if g >= self.group_count {
            return None;
        }
        let entry = |g: usize, field: usize| read_u32(self.buf(), self.groups_at + 12 * g + field);
        let start = entry(g, 8) as usize;
        let end = match g + 1 < self.group_count {
            true => entry(g + 1, 8) as usize,
            false => self.nodes.len(),
        };
        let node = NodeIndex::new(entry(g, 0) as usize);
        let run = self.nodes.get(start..end)?;
        (present(node) && run.iter().all(|&n| present(n))).then_some((node, entry(g, 4), run))
    }

    /// What is wrong with the index, if anything: every group and slot checked.
    fn damage(&self, present: impl Fn(NodeIndex) -> bool) -> Option<String> {
        let whole = (0..self.group_count).all(|g| self.group(g, &present).is_some())
            && (0..self.slot_count).all(|i| {
                let s = read_u32(self.buf(), self.slots_at + 4 * i);
                s == NO_NODE || (s as usize) < self.group_count
            });
        (!whole).then(|| "the label index is damaged".to_string())
    }
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
    id_end: usize,
    ids: usize,
    name_end: usize,
    names: usize,
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
    effort_rank: Vec<(u32, u64)>,
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
    ids_table: OnceLock<NodeTable>,
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
    /// Lookups of a node's edges answered by scanning the edge arrays; past a few, the caller
    /// builds an adjacency index instead.
    pub(crate) scans: ScanCount,
    /// Lookups by id answered by scanning, before the id table is built.
    id_scans: ScanCount,
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
    /// Reads and checks a body. Any inconsistency is an error, never a panic later.
    /// Reads and checks the body that starts at `start` in `buf` (which the graph keeps).
    pub(crate) fn parse(shared: SnapshotBytes, start: usize) -> Result<Frozen, String> {
        let buf: &[u8] = (*shared).as_ref();
        let mut c = Cursor { buf, at: start };
        let at = c.take(4, "the header")?;
        if &buf[at..at + 4] != MAGIC {
            return Err("the snapshot is not in the expected format".into());
        }
        let nb = c.u32("the header")? as usize;
        let eb = c.u32("the header")? as usize;
        let node_count = c.u32("the header")? as usize;
        let edge_count = c.u32("the header")? as usize;
        if nb >= NO_NODE as usize || eb >= NO_NODE as usize {
            return Err("the snapshot's counts are out of range".into());
        }
        let list_count = c.u32("the source lists")? as usize;
        let mut lists = Vec::with_capacity(list_count.min(1 << 16));
        for _ in 0..list_count {
            let len = c.u32("the source lists")? as usize;
            let at = c.array(len, 2, "the source lists")?;
            lists.push(
                (0..len)
                    .map(|i| SourceId(u16::from_le_bytes([buf[at + 2 * i], buf[at + 2 * i + 1]])))
                    .collect(),
            );
        }
        let node_kind = c.array(nb, 1, "the node kinds")?;
        let node_flags = c.array(nb, 1, "the node flags")?;
        let node_sources = c.array(nb, 4, "the node sources")?;
        let node_effort = c.array(nb, 8, "the node efforts")?;
        let id_end = c.array(nb, 4, "the ids")?;
        let ids_len = c.u32("the ids")? as usize;
        let ids = c.array(ids_len, 1, "the ids")?;
        let name_end = c.array(nb, 4, "the names")?;
        let names_len = c.u32("the names")? as usize;
        let names = c.array(names_len, 1, "the names")?;
        // A body written with its record tables ends with where its tail starts: the tail is
        // read first, and the records are located from the tables without walking them (a
        // walk touched every page of them, most of the snapshot of an import).
        let tail_at = match buf.len().checked_sub(12) {
            Some(at) if at >= c.at && &buf[at + 8..] == TRAILER_MAGIC => {
                let rel = u64::from_le_bytes(buf[at..at + 8].try_into().expect("8 bytes"));
                let tail = usize::try_from(rel).ok().and_then(|r| r.checked_add(start));
                Some(
                    tail.filter(|&t| t >= c.at && t <= at)
                        .ok_or("the trailer is damaged")?,
                )
            }
            _ => None,
        };
        let is_node = |n: usize| n < nb && buf[node_kind + n] != HOLE;
        let (label_table, derived) = match tail_at {
            Some(at) => {
                let mut tail = Cursor { buf, at };
                let labels = LabelTable::read(&shared, &mut tail)?;
                (
                    labels,
                    Some(Derived::read(&shared, &mut tail, is_node, nb, eb)?),
                )
            }
            None => (None, None),
        };
        let tables = derived.as_ref().and_then(|d| d.records.as_ref());
        let rests_begin = c.at;
        let rest_records = match tables {
            Some(t) => {
                c.at = start + t.edges_at as usize;
                located(&t.rests, start, rests_begin, c.at, "the node fields")?
            }
            None => records(&mut c, "the node fields")?,
        };
        let edge_from = c.array(eb, 4, "the edge ends")?;
        let edge_to = c.array(eb, 4, "the edge ends")?;
        let edge_kind = c.array(eb, 1, "the edge kinds")?;
        let edge_flags = c.array(eb, 1, "the edge flags")?;
        let edge_importance = c.array(eb, 1, "the importances")?;
        let effort_count = c.u32("the efforts")? as usize;
        let efforts = c.array(effort_count, 8, "the efforts")?;
        let width_at = c.take(1, "the edge sources")?;
        let source_width = buf[width_at] as usize;
        if !matches!(source_width, 1 | 2 | 4) {
            return Err("the edge sources are damaged".into());
        }
        let edge_sources = c.array(eb, source_width, "the edge sources")?;
        let (extra_records, derived_tail) = match (tables, tail_at) {
            (Some(t), Some(at)) => (
                located(&t.extras, start, c.at, at, "the edge extras")?,
                Some((label_table, derived.expect("tables come with the tail"))),
            ),
            _ => (records(&mut c, "the edge extras")?, None),
        };
        let index_at = c.at;

        // Nodes: kinds, source lists, strings.
        let strings_ok = |end: usize, blob: usize, len: usize| -> Result<(), String> {
            let text = std::str::from_utf8(&buf[blob..blob + len])
                .map_err(|_| "a node's text is not UTF-8".to_string())?;
            let mut prev = 0usize;
            for i in 0..nb {
                let e = read_u32(buf, end + 4 * i) as usize;
                if e < prev || e > len || !text.is_char_boundary(e) {
                    return Err("the node texts are damaged".into());
                }
                prev = e;
            }
            Ok(())
        };
        strings_ok(id_end, ids, ids_len)?;
        strings_ok(name_end, names, names_len)?;
        let mut present = 0;
        for i in 0..nb {
            let k = buf[node_kind + i];
            if k == HOLE {
                continue;
            }
            if node_kind_of(k).is_none() {
                return Err(format!("node {i} has an unknown kind"));
            }
            if read_u32(buf, node_sources + 4 * i) as usize >= lists.len() {
                return Err(format!("node {i} names a missing source list"));
            }
            present += 1;
        }
        if present != node_count {
            return Err("the node count does not match the nodes".into());
        }
        // The rare parts are only located here; they are decoded when read (`rest`), and
        // `undecodable_parts` lets `check` decode them all.
        let rest_at = rest_records;
        for (k, &(i, _, _)) in rest_at.iter().enumerate() {
            let n = i as usize;
            if n >= nb || buf[node_kind + n] == HOLE || buf[node_flags + n] & NODE_REST == 0 {
                return Err(format!("fields for node {n}, which has none"));
            }
            if k > 0 && rest_at[k - 1].0 >= i {
                return Err("the node fields are out of order".into());
            }
        }
        let with_rest = (0..nb)
            .filter(|&i| buf[node_kind + i] != HOLE && buf[node_flags + i] & NODE_REST != 0)
            .count();
        if with_rest != rest_at.len() {
            return Err("nodes lack their fields".into());
        }
        let (label_table, derived) = match derived_tail {
            Some(read) => read,
            None => {
                let mut tail = Cursor { buf, at: index_at };
                let labels = LabelTable::read(&shared, &mut tail)?;
                (labels, Derived::read(&shared, &mut tail, is_node, nb, eb)?)
            }
        };

        // Edges: ends, kinds, flags, source lists. Most of the time it takes to open a large
        // graph is here, so the first pass only notes whether any edge is bad (branch-free, it
        // vectorises), and a second pass finds which one for the message.
        let node_kinds = &buf[node_kind..node_kind + nb];
        let edges = EdgeColumns {
            froms: &buf[edge_from..edge_from + 4 * eb],
            tos: &buf[edge_to..edge_to + 4 * eb],
            kinds: &buf[edge_kind..edge_kind + eb],
            flags: &buf[edge_flags..edge_flags + eb],
            sources: &buf[edge_sources..edge_sources + source_width * eb],
            source_width,
        };
        let summary = edges.summarise(nb, lists.len());
        // With node holes, an end below the bound may still be a hole.
        if summary.bad || node_count != nb && edges.end_in_a_hole(node_kinds) {
            return Err(edges
                .first_bad(node_kinds, lists.len())
                .expect("the slow check finds what the fast one saw"));
        }
        let EdgeSummary {
            present,
            with_extra,
            effort_rank,
            efforts: seen_efforts,
            ..
        } = summary;
        if present != edge_count || seen_efforts as usize != effort_count {
            return Err("the edge counts do not match the edges".into());
        }
        // The extras are only located here; they are decoded when read (`edge_extra`), and
        // `undecodable_extras` lets `check` decode them all.
        let extra_at = extra_records;
        for (k, &(i, _, _)) in extra_at.iter().enumerate() {
            let e = i as usize;
            if e >= eb || buf[edge_kind + e] == HOLE || buf[edge_flags + e] & EDGE_EXTRA == 0 {
                return Err(format!("extras for edge {e}, which has none"));
            }
            if k > 0 && extra_at[k - 1].0 >= i {
                return Err("the edge extras are out of order".into());
            }
        }
        if with_extra != extra_at.len() {
            return Err("edges lack their extras".into());
        }

        Ok(Frozen {
            node_bound: nb,
            edge_bound: eb,
            node_count,
            edge_count,
            lists,
            node_kind,
            node_flags,
            node_sources,
            node_effort,
            id_end,
            ids,
            name_end,
            names,
            rest_at,
            rest_chunks: (0..nb.div_ceil(NODE_CHUNK))
                .map(|_| OnceLock::new())
                .collect(),
            edge_from,
            edge_to,
            edge_kind,
            edge_flags,
            edge_importance,
            efforts,
            effort_rank,
            edge_sources,
            source_width,
            extra_at,
            extra_chunks: (0..eb.div_ceil(EDGE_CHUNK))
                .map(|_| OnceLock::new())
                .collect(),
            nodes: (0..nb.div_ceil(NODE_CHUNK))
                .map(|_| OnceLock::new())
                .collect(),
            edges: (0..eb.div_ceil(EDGE_CHUNK))
                .map(|_| OnceLock::new())
                .collect(),
            ids_table: OnceLock::new(),
            labels_table: label_table.map_or_else(OnceLock::new, OnceLock::from),
            labels_map: OnceLock::new(),
            adjacency: match derived.adjacency {
                Some(lists) => lists.map(OnceLock::from),
                None => Default::default(),
            },
            bare: index_at == buf.len(),
            levels: derived.levels.map_or_else(OnceLock::new, OnceLock::from),
            concept_keys: derived.keys.map_or_else(OnceLock::new, OnceLock::from),
            role_vectors: derived.role_vectors,
            scans: ScanCount::default(),
            id_scans: ScanCount::default(),
            start,
            buf: shared,
        })
    }

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

    fn text(&self, end: usize, blob: usize, i: usize) -> &str {
        let start = if i == 0 {
            0
        } else {
            read_u32(self.b(), end + 4 * (i - 1)) as usize
        };
        let stop = read_u32(self.b(), end + 4 * i) as usize;
        let bytes = &self.b()[blob + start..blob + stop];
        debug_assert!(std::str::from_utf8(bytes).is_ok());
        // SAFETY: `parse` checked that the whole blob is UTF-8 and that every end offset falls
        // on a character boundary, so the bytes between two ends are UTF-8; the buffer is shared
        // read-only and never changes. (Checking again on every name comparison was a fifth of
        // the time of `skills of`.)
        unsafe { std::str::from_utf8_unchecked(bytes) }
    }

    /// The id of an existing node.
    pub(crate) fn id(&self, ix: NodeIndex) -> &str {
        self.text(self.id_end, self.ids, ix.index())
    }

    /// The name of an existing node.
    pub(crate) fn name(&self, ix: NodeIndex) -> &str {
        self.text(self.name_end, self.names, ix.index())
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
        let kind = self.kind(ix)?;
        let rest = self.rest(ix).cloned().unwrap_or_default();
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

    /// The node with this id; with several (only in a damaged graph), the last, as a map
    /// filled in index order would give.
    pub(crate) fn by_id(&self, id: &str) -> Option<NodeIndex> {
        if self.ids_table.get().is_none() && self.id_scans.bump() <= SCANS_BEFORE_TABLE {
            // The first few lookups (a one-shot `query` makes one or two) scan the ids: cheaper
            // than hashing every id into a table.
            return self.scan_ids(id);
        }
        let table = self.ids_table.get_or_init(|| {
            let mut t = NodeTable::with_entries(self.node_count);
            for ix in self.node_indices() {
                t.insert(hash_str(self.id(ix)), ix.index() as u32);
            }
            t
        });
        table
            .probe(hash_str(id))
            .filter(|&n| self.id(NodeIndex::new(n as usize)) == id)
            .max()
            .map(|n| NodeIndex::new(n as usize))
    }

    /// [`Frozen::by_id`] by a pass over the id ends (a length check first, then the bytes).
    fn scan_ids(&self, id: &str) -> Option<NodeIndex> {
        let b = self.b();
        let ends = &b[self.id_end..self.id_end + 4 * self.node_bound];
        let ids = &b[self.ids..];
        let mut start = 0usize;
        let mut found = None;
        for (i, end) in ends.chunks_exact(4).enumerate() {
            let end = u32::from_le_bytes([end[0], end[1], end[2], end[3]]) as usize;
            if end - start == id.len()
                && &ids[start..end] == id.as_bytes()
                && b[self.node_kind + i] != HOLE
            {
                found = Some(NodeIndex::new(i));
            }
            start = end;
        }
        found
    }

    /// The labels of a node: its name (number 0), then its aliases (1…).
    /// Label 0 is the name; a number past the aliases (a damaged index) reads as empty.
    fn label(&self, ix: NodeIndex, number: u32) -> &str {
        match number {
            0 => self.name(ix),
            k => self
                .aliases(ix)
                .get(k as usize - 1)
                .map_or("", String::as_str),
        }
    }

    /// A node's labels, each lower-cased form once (the first label that has it).
    fn distinct_labels(&self, ix: NodeIndex) -> Vec<u32> {
        let count = 1 + self.aliases(ix).len() as u32;
        if count == 1 {
            return vec![0];
        }
        // By hash first: an ESCO skill has dozens of alternative labels, and comparing each
        // with every earlier one was most of the time of building the label table.
        let mut seen: HashMap<u64, Vec<u32>, FxBuildHasher> = HashMap::default();
        let mut out: Vec<u32> = Vec::with_capacity(count as usize);
        for k in 0..count {
            let label = self.label(ix, k);
            let same_hash = seen.entry(hash_lowercase(label)).or_default();
            if !same_hash
                .iter()
                .any(|&j| cmp_ignoring_case(self.label(ix, j), label).is_eq())
            {
                same_hash.push(k);
                out.push(k);
            }
        }
        out
    }

    pub(crate) fn by_label(&self, label: &str) -> &[NodeIndex] {
        let t = self.labels_table.get_or_init(|| {
            let bytes: SnapshotBytes = Arc::new(self.build_labels());
            let mut c = Cursor {
                buf: (*bytes).as_ref(),
                at: 0,
            };
            LabelTable::read(&bytes, &mut c)
                .expect("an index just built reads back")
                .expect("an index just built is of this Unicode version")
        });
        let present = |n| self.contains_node(n);
        t.probe(hash_lowercase(label))
            .filter_map(|g| t.group(g as usize, present))
            .find(|&(node, number, _)| cmp_ignoring_case(self.label(node, number), label).is_eq())
            .map_or(&[], |(_, _, run)| run)
    }

    /// The tail a snapshot of this body appends to it: its label index and derived sections,
    /// computed from the body, for a body read without any (see the layout above); nothing for
    /// a body that has its tail, or the label index of an older schema (written as it is).
    pub(crate) fn missing_tail(&self) -> Vec<u8> {
        let mut tail = Vec::new();
        self.write_missing_tail(&mut tail, None)
            .expect("writing to memory does not fail");
        tail
    }

    /// [`Frozen::missing_tail`] written to `out` section by section, so that no more than one
    /// section is held at a time: an import's tail is as large as its body. `role_vectors`,
    /// the table of this body's roles (built over the graph, so by the caller), goes last.
    pub(crate) fn write_missing_tail(
        &self,
        out: &mut impl Write,
        role_vectors: Option<&[u8]>,
    ) -> std::io::Result<()> {
        if !self.bare {
            return Ok(());
        }
        let tail_at = self.body().len() as u64;
        let mut written = self.build_labels();
        let levels = Levels::encode(self);
        written.extend_from_slice(LEVELS_MAGIC);
        put_u32(&mut written, levels.len() as u32);
        out.write_all(&written)?;
        out.write_all(&levels)?;
        drop(levels);
        let keys = BaseKeys::encode(self);
        let (major, minor, update) = std::char::UNICODE_VERSION;
        let mut head = KEYS_MAGIC.to_vec();
        head.extend_from_slice(&[major, minor, update, 0]);
        put_u32(&mut head, keys.len() as u32);
        out.write_all(&head)?;
        out.write_all(&keys)?;
        drop(keys);
        // The section's length comes first, so each kind's list length is counted before any
        // list is built.
        let lengths = EdgeKind::ALL.map(|kind| {
            Adjacency::encoded_len(self.node_bound, self.edges_descending(kind).count())
        });
        let mut head = ADJACENCY_MAGIC.to_vec();
        put_u32(
            &mut head,
            lengths.iter().map(|l| 4 + l).sum::<usize>() as u32,
        );
        out.write_all(&head)?;
        for (kind, length) in EdgeKind::ALL.into_iter().zip(lengths) {
            let list = Adjacency::encode(self.node_bound, self.edges_descending(kind));
            debug_assert_eq!(list.len(), length);
            out.write_all(&(list.len() as u32).to_le_bytes())?;
            out.write_all(&list)?;
        }
        let start = self.start as u32;
        let mut head = RECORDS_MAGIC.to_vec();
        put_u32(
            &mut head,
            RecordTables::encoded_len(self.rest_at.len(), self.extra_at.len()) as u32,
        );
        out.write_all(&head)?;
        RecordTables::write(
            out,
            (self.edge_from - self.start) as u32,
            [&self.rest_at, &self.extra_at],
            start,
        )?;
        if let Some(table) = role_vectors {
            out.write_all(ROLES_MAGIC)?;
            out.write_all(&(table.len() as u32).to_le_bytes())?;
            out.write_all(table)?;
        }
        out.write_all(&tail_at.to_le_bytes())?;
        out.write_all(TRAILER_MAGIC)
    }

    /// What is wrong with the label index read from the body, if anything (`check`).
    pub(crate) fn label_index_damage(&self) -> Option<String> {
        self.labels_table.get()?.damage(|n| self.contains_node(n))
    }

    /// What is wrong with the sections derived from the body (`check`): the label index
    /// checked entry by entry, and each of the others compared with what the body gives.
    pub(crate) fn derived_damage(&self) -> Vec<String> {
        let mut damage: Vec<String> = self.label_index_damage().into_iter().collect();
        if self
            .levels
            .get()
            .is_some_and(|l| l.stored() != Levels::encode(self))
        {
            damage.push("the level column does not match the edges".into());
        }
        if (self.concept_keys.get()).is_some_and(|k| k.stored() != BaseKeys::encode(self)) {
            damage.push("the concept keys do not match the nodes".into());
        }
        let b = self.b();
        let rests_begin = self.names + read_u32(b, self.names - 4) as usize;
        let extras_begin = self.edge_sources + self.source_width * self.edge_bound;
        for (begin, located, what) in [
            (rests_begin, &self.rest_at, "node fields"),
            (extras_begin, &self.extra_at, "edge extras"),
        ] {
            let mut c = Cursor { buf: b, at: begin };
            if records(&mut c, what).ok().as_ref() != Some(located) {
                damage.push(format!("the table of the {what} does not match them"));
            }
        }
        for kind in EdgeKind::ALL {
            let Some(lists) = self.adjacency[kind as usize].get() else {
                continue;
            };
            if lists.stored() != Adjacency::encode(self.node_bound, self.edges_descending(kind)) {
                damage.push(format!(
                    "the adjacency lists of `{}` edges do not match the edges",
                    kind.as_str()
                ));
            }
        }
        damage
    }

    /// The label index of this body, as written after it (see the layout above).
    fn build_labels(&self) -> Vec<u8> {
        // Pass 1: the group of every (node, label), groups numbered by first appearance.
        let aliases: usize = self.node_indices().map(|ix| self.aliases(ix).len()).sum();
        let mut table = NodeTable::with_entries(self.node_count + aliases);
        let mut groups: Vec<(u32, u32, u32)> = Vec::new();
        let mut entries: Vec<(u32, u32)> = Vec::with_capacity(self.node_count);
        for ix in self.node_indices() {
            for number in self.distinct_labels(ix) {
                let label = self.label(ix, number);
                let hash = hash_lowercase(label);
                let group = table.probe(hash).find(|&g| {
                    let (n, k, _) = groups[g as usize];
                    cmp_ignoring_case(self.label(NodeIndex::new(n as usize), k), label).is_eq()
                });
                let group = match group {
                    Some(g) => g,
                    None => {
                        let g = groups.len() as u32;
                        groups.push((ix.index() as u32, number, 0));
                        table.insert(hash, g);
                        g
                    }
                };
                groups[group as usize].2 += 1;
                entries.push((group, ix.index() as u32));
            }
        }
        // Pass 2: runs of nodes per group, in node order.
        let mut next = 0u32;
        for g in &mut groups {
            let count = g.2;
            g.2 = next;
            next += count;
        }
        let mut fill: Vec<u32> = groups.iter().map(|g| g.2).collect();
        let mut nodes = vec![0u32; entries.len()];
        for (group, node) in entries {
            nodes[fill[group as usize] as usize] = node;
            fill[group as usize] += 1;
        }
        let mut out = Vec::new();
        out.extend_from_slice(INDEX_MAGIC);
        let (major, minor, update) = std::char::UNICODE_VERSION;
        out.extend_from_slice(&[major, minor, update, 0]);
        put_u32(&mut out, table.slots.len() as u32);
        put_u32s(&mut out, &table.slots);
        put_u32(&mut out, groups.len() as u32);
        for &(node, number, start) in &groups {
            put_u32s(&mut out, &[node, number, start]);
        }
        put_u32(&mut out, nodes.len() as u32);
        put_u32s(&mut out, &nodes);
        out
    }

    /// Every lower-cased label with its nodes (built on first use: only "did you mean" and the
    /// integrity check go through every label).
    pub(crate) fn labels(&self) -> &HashMap<String, Vec<NodeIndex>> {
        self.labels_map.get_or_init(|| {
            let mut map: HashMap<String, Vec<NodeIndex>> = HashMap::new();
            for ix in self.node_indices() {
                for number in self.distinct_labels(ix) {
                    map.entry(self.label(ix, number).to_lowercase())
                        .or_default()
                        .push(ix);
                }
            }
            map
        })
    }

    // ---- edges ---------------------------------------------------------------------------------

    pub(crate) fn contains_edge(&self, e: EdgeIndex) -> bool {
        e.index() < self.edge_bound && self.b()[self.edge_kind + e.index()] != HOLE
    }

    pub(crate) fn endpoints(&self, e: EdgeIndex) -> Option<(NodeIndex, NodeIndex)> {
        if !self.contains_edge(e) {
            return None;
        }
        let i = e.index();
        Some((
            NodeIndex::new(read_u32(self.b(), self.edge_from + 4 * i) as usize),
            NodeIndex::new(read_u32(self.b(), self.edge_to + 4 * i) as usize),
        ))
    }

    pub(crate) fn edge_kind(&self, e: EdgeIndex) -> Option<EdgeKind> {
        if e.index() >= self.edge_bound {
            return None;
        }
        edge_kind_of(self.b()[self.edge_kind + e.index()])
    }

    pub(crate) fn importance(&self, e: EdgeIndex) -> Option<u8> {
        let i = e.index();
        if !self.contains_edge(e) || self.b()[self.edge_flags + i] & EDGE_IMPORTANCE == 0 {
            return None;
        }
        Some(self.b()[self.edge_importance + i])
    }

    pub(crate) fn edge_effort(&self, e: EdgeIndex) -> Option<f64> {
        let i = e.index();
        if !self.contains_edge(e) {
            return None;
        }
        let (before, bits) = self.effort_rank[i / 64];
        let bit = 1u64 << (i % 64);
        if bits & bit == 0 {
            return None;
        }
        let rank = before as usize + (bits & (bit - 1)).count_ones() as usize;
        Some(read_f64(self.b(), self.efforts + 8 * rank))
    }

    /// Every edge of `kind` that has extra parts, with them, in edge order. Only those edges'
    /// extras are decoded.
    pub(crate) fn extras_of_kind(
        &self,
        kind: EdgeKind,
    ) -> impl Iterator<Item = (EdgeIndex, &EdgeExtra)> + '_ {
        self.extra_at
            .iter()
            .map(|&(i, _, _)| EdgeIndex::new(i as usize))
            .filter(move |&e| self.edge_kind(e) == Some(kind))
            .filter_map(|e| Some((e, self.edge_extra(e)?)))
    }

    /// The rare parts of the edge at `e`, decoded on first use with those of the edges near
    /// it (no edge is built). Extras that cannot be decoded read as none; `check` reports them
    /// ([`Frozen::undecodable_extras`]).
    pub(crate) fn edge_extra(&self, e: EdgeIndex) -> Option<&EdgeExtra> {
        let i = e.index();
        if i >= self.edge_bound {
            return None;
        }
        let chunk = self.extra_chunks[i / EDGE_CHUNK].get_or_init(|| {
            self.extras_between(
                i / EDGE_CHUNK * EDGE_CHUNK,
                (i / EDGE_CHUNK + 1) * EDGE_CHUNK,
            )
            .filter_map(|(e, bytes)| Some((e, postcard::from_bytes(bytes).ok()?)))
            .collect()
        });
        let at = chunk.binary_search_by_key(&(i as u32), |(e, _)| *e).ok()?;
        Some(&chunk[at].1)
    }

    /// The level the edge at `e` states (its extras' `level` field), read from the level
    /// column without decoding the extras.
    pub(crate) fn edge_level(&self, e: EdgeIndex) -> Option<f64> {
        if !self.contains_edge(e) {
            return None;
        }
        self.levels.get_or_init(|| Levels::build(self)).get(e)
    }

    /// The base's skills and tools by the keys that link them across datasets.
    /// The roles' vectors the body holds, if any.
    pub(crate) fn role_vectors(&self) -> Option<&RoleVectorTable> {
        self.role_vectors.as_ref()
    }

    /// Whether the body was read without its tail (an import's), so that writing it computes
    /// the tail.
    pub(crate) fn is_bare(&self) -> bool {
        self.bare
    }

    pub(crate) fn concept_keys(&self) -> &BaseKeys {
        self.concept_keys.get_or_init(|| BaseKeys::build(self))
    }

    /// The stored extras of the edges `from..to`: (edge, bytes).
    fn extras_between(&self, from: usize, to: usize) -> impl Iterator<Item = (u32, &[u8])> + '_ {
        let first = self
            .extra_at
            .partition_point(|&(e, _, _)| (e as usize) < from);
        self.extra_at[first..]
            .iter()
            .take_while(move |&&(e, _, _)| (e as usize) < to)
            .map(|&(e, at, len)| (e, &self.b()[at as usize..at as usize + len as usize]))
    }

    /// The edges whose stored extras cannot be decoded, with why.
    pub(crate) fn undecodable_extras(&self) -> Vec<(EdgeIndex, String)> {
        self.extras_between(0, self.edge_bound)
            .filter_map(|(e, bytes)| {
                let error = postcard::from_bytes::<EdgeExtra>(bytes).err()?;
                Some((EdgeIndex::new(e as usize), error.to_string()))
            })
            .collect()
    }

    pub(crate) fn edge(&self, e: EdgeIndex) -> Option<&Edge> {
        let i = e.index();
        if i >= self.edge_bound {
            return None;
        }
        let chunk = self.edges[i / EDGE_CHUNK].get_or_init(|| {
            let start = i / EDGE_CHUNK * EDGE_CHUNK;
            (start..self.edge_bound.min(start + EDGE_CHUNK))
                .map(|j| self.decode_edge(EdgeIndex::new(j)))
                .collect()
        });
        chunk[i % EDGE_CHUNK].as_ref()
    }

    fn decode_edge(&self, e: EdgeIndex) -> Option<Edge> {
        let kind = self.edge_kind(e)?;
        let i = e.index();
        let list = read_width(self.b(), self.edge_sources, self.source_width, i) as usize;
        Some(Edge {
            kind,
            importance: self.importance(e),
            effort_hours: self.edge_effort(e),
            sources: self.lists[list].clone(),
            extra: self.edge_extra(e).cloned().map(Box::new),
        })
    }

    pub(crate) fn edge_indices(&self) -> impl Iterator<Item = EdgeIndex> + '_ {
        (0..self.edge_bound)
            .filter(|&i| self.b()[self.edge_kind + i] != HOLE)
            .map(EdgeIndex::new)
    }

    /// The edges of one kind in descending index (petgraph's order for every node's list), as
    /// (edge, from, to).
    pub(crate) fn edges_descending(
        &self,
        kind: EdgeKind,
    ) -> impl Iterator<Item = (EdgeIndex, NodeIndex, NodeIndex)> + Clone + '_ {
        let code = kind as u8;
        let kinds = &self.b()[self.edge_kind..self.edge_kind + self.edge_bound];
        (0..self.edge_bound)
            .rev()
            .filter(move |&i| kinds[i] == code)
            .map(|i| {
                (
                    EdgeIndex::new(i),
                    NodeIndex::new(read_u32(self.b(), self.edge_from + 4 * i) as usize),
                    NodeIndex::new(read_u32(self.b(), self.edge_to + 4 * i) as usize),
                )
            })
    }

    /// The edges of `ix` in one direction (and of one kind, if given), in petgraph's order,
    /// by a scan over every edge: for the odd lookup, before an adjacency index pays off.
    pub(crate) fn scan(
        &self,
        ix: NodeIndex,
        outgoing: bool,
        kind: Option<EdgeKind>,
    ) -> Vec<(EdgeIndex, NodeIndex)> {
        let (mine, other) = if outgoing {
            (self.edge_from, self.edge_to)
        } else {
            (self.edge_to, self.edge_from)
        };
        let target = ix.index() as u32;
        let mut out = Vec::new();
        for i in (0..self.edge_bound).rev() {
            if read_u32(self.b(), mine + 4 * i) != target {
                continue;
            }
            let code = self.b()[self.edge_kind + i];
            if code == HOLE || kind.is_some_and(|k| k as u8 != code) {
                continue;
            }
            out.push((
                EdgeIndex::new(i),
                NodeIndex::new(read_u32(self.b(), other + 4 * i) as usize),
            ));
        }
        out
    }

    pub(crate) fn count_edges(&self, kind: EdgeKind) -> usize {
        let code = kind as u8;
        self.b()[self.edge_kind..self.edge_kind + self.edge_bound]
            .iter()
            .filter(|&&k| k == code)
            .count()
    }

    /// The edges of `kind` by node and direction, built on first use.
    pub(crate) fn adjacency(&self, kind: EdgeKind) -> &Adjacency {
        self.adjacency[kind as usize].get_or_init(|| {
            let edges = self.edges_descending(kind);
            Adjacency::from_edges(self.node_bound, self.edge_bound, edges)
        })
    }

    /// Whether the adjacency of `kind` is built.
    pub(crate) fn has_adjacency(&self, kind: EdgeKind) -> bool {
        self.adjacency[kind as usize].get().is_some()
    }
}

fn read_width(buf: &[u8], base: usize, width: usize, i: usize) -> u32 {
    let at = base + width * i;
    match width {
        1 => u32::from(buf[at]),
        2 => u32::from(u16::from_le_bytes([buf[at], buf[at + 1]])),
        _ => read_u32(buf, at),
    }
}

/// The per-edge columns of a body, for the checks on open.
struct EdgeColumns<'a> {
    froms: &'a [u8],
    tos: &'a [u8],
    kinds: &'a [u8],
    flags: &'a [u8],
    sources: &'a [u8],
    source_width: usize,
}

struct EdgeSummary {
    /// Some live edge has an unknown kind, an end at or past the node bound, or a source list
    /// past the last.
    bad: bool,
    present: usize,
    with_extra: usize,
    /// Per 64 edge slots: the efforts stored before them, and which of them have one.
    effort_rank: Vec<(u32, u64)>,
    efforts: u32,
}

impl EdgeColumns<'_> {
    fn from(&self, i: usize) -> u32 {
        read_u32(self.froms, 4 * i)
    }

    fn to(&self, i: usize) -> u32 {
        read_u32(self.tos, 4 * i)
    }

    fn list(&self, i: usize) -> u32 {
        let mut l = [0u8; 4];
        let w = self.source_width;
        l[..w].copy_from_slice(&self.sources[i * w..(i + 1) * w]);
        u32::from_le_bytes(l)
    }

    /// Counts and effort bits over every edge slot, and whether any live edge is bad as far as
    /// the node bound tells (see [`EdgeColumns::end_in_a_hole`] for the rest).
    fn summarise(&self, node_bound: usize, lists: usize) -> EdgeSummary {
        match self.source_width {
            1 => self.summarise_width::<1>(node_bound, lists),
            2 => self.summarise_width::<2>(node_bound, lists),
            _ => self.summarise_width::<4>(node_bound, lists),
        }
    }

    /// One pass without branches on the data (it vectorises); `W` is the source width.
    fn summarise_width<const W: usize>(&self, node_bound: usize, lists: usize) -> EdgeSummary {
        let mut summary = EdgeSummary {
            bad: false,
            present: 0,
            with_extra: 0,
            effort_rank: Vec::with_capacity(self.kinds.len().div_ceil(64)),
            efforts: 0,
        };
        let blocks = self
            .froms
            .chunks(4 * 64)
            .zip(self.tos.chunks(4 * 64))
            .zip(self.kinds.chunks(64).zip(self.flags.chunks(64)))
            .zip(self.sources.chunks(W * 64));
        for (((froms, tos), (kinds, flags)), sources) in blocks {
            let mut bits = 0u64;
            let mut bad = false;
            let rows = froms
                .chunks_exact(4)
                .zip(tos.chunks_exact(4))
                .zip(kinds.iter().zip(flags))
                .zip(sources.chunks_exact(W));
            for (j, (((a, b), (&k, &f)), list)) in rows.enumerate() {
                let a = u32::from_le_bytes([a[0], a[1], a[2], a[3]]) as usize;
                let b = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
                let mut l = [0u8; 4];
                l[..W].copy_from_slice(list);
                let live = k != HOLE;
                let ok = (k as usize) < EdgeKind::ALL.len()
                    && a < node_bound
                    && b < node_bound
                    && (u32::from_le_bytes(l) as usize) < lists;
                bad |= live & !ok;
                summary.present += live as usize;
                summary.with_extra += (live & (f & EDGE_EXTRA != 0)) as usize;
                bits |= ((live & (f & EDGE_EFFORT != 0)) as u64) << j;
            }
            summary.bad |= bad;
            summary.effort_rank.push((summary.efforts, bits));
            summary.efforts += bits.count_ones();
        }
        summary
    }

    /// Whether a live edge whose ends are below the node bound ends in a node hole.
    fn end_in_a_hole(&self, node_kinds: &[u8]) -> bool {
        let hole = |n: u32| node_kinds.get(n as usize).is_some_and(|&k| k == HOLE);
        (0..self.kinds.len())
            .any(|i| self.kinds[i] != HOLE && (hole(self.from(i)) || hole(self.to(i))))
    }

    /// The message for the first bad edge, if any: the slow, plain twin of the two checks above.
    fn first_bad(&self, node_kinds: &[u8], lists: usize) -> Option<String> {
        let node_ok = |n: u32| node_kinds.get(n as usize).is_some_and(|&k| k != HOLE);
        for (i, &k) in self.kinds.iter().enumerate() {
            if k == HOLE {
                continue;
            }
            if edge_kind_of(k).is_none() || !node_ok(self.from(i)) || !node_ok(self.to(i)) {
                return Some(format!("edge {i} is damaged"));
            }
            if self.list(i) as usize >= lists {
                return Some(format!("edge {i} names a missing source list"));
            }
        }
        None
    }
}

/// The records a table places, as (index, start in the buffer, length), each checked to lie in
/// `begin..end` of the buffer.
fn located(
    table: &[(u32, u32, u32)],
    start: usize,
    begin: usize,
    end: usize,
    what: &str,
) -> Result<Vec<(u32, u32, u32)>, String> {
    table
        .iter()
        .map(|&(i, at, len)| {
            let from = start + at as usize;
            let inside = from >= begin && from + len as usize <= end;
            let from = u32::try_from(from).ok().filter(|_| inside);
            from.map(|f| (i, f, len))
                .ok_or_else(|| format!("{what} are damaged"))
        })
        .collect()
}

/// Where each record lies: (index, start, length), located and not decoded.
fn records(c: &mut Cursor<'_>, what: &str) -> Result<Vec<(u32, u32, u32)>, String> {
    let n = c.u32(what)? as usize;
    // Each record takes at least 8 bytes, so a damaged count cannot ask for more.
    let mut out = Vec::with_capacity(n.min((c.buf.len() - c.at) / 8));
    for _ in 0..n {
        let i = c.u32(what)?;
        let len = c.u32(what)?;
        let at = c.array(len as usize, 1, what)?;
        let at = u32::try_from(at).map_err(|_| format!("{what} lie past 4 GB"))?;
        out.push((i, at, len));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Edge slots as (kind code, from, to, flags, source list); node slots as kind codes.
    fn columns(edges: &[(u8, u32, u32, u8, u32)], width: usize) -> [Vec<u8>; 5] {
        let mut cols: [Vec<u8>; 5] = Default::default();
        for &(kind, from, to, flags, list) in edges {
            cols[0].extend_from_slice(&from.to_le_bytes());
            cols[1].extend_from_slice(&to.to_le_bytes());
            cols[2].push(kind);
            cols[3].push(flags);
            cols[4].extend_from_slice(&list.to_le_bytes()[..width]);
        }
        cols
    }

    /// A body with names that share their lower case, and aliases.
    fn labelled_body() -> Vec<u8> {
        let mut w = BodyWriter::with_capacity(3, 0);
        let mut git = Node::new("git", NodeKind::Tool, "Git");
        git.aliases = vec!["GIT".into(), "Version control".into()];
        w.node(Some(&git));
        w.node(Some(&Node::new("git2", NodeKind::Skill, "git")));
        w.node(Some(&Node::new("vc", NodeKind::Skill, "version CONTROL")));
        w.finish()
    }

    #[test]
    fn a_body_carries_its_label_index_and_lookups_read_it() {
        let body = labelled_body();
        let frozen = Frozen::parse(Arc::new(body), 0).unwrap();
        // Read from the body, not built: the table is there before any lookup.
        assert!(frozen.labels_table.get().is_some());
        let (a, b, c) = (NodeIndex::new(0), NodeIndex::new(1), NodeIndex::new(2));
        assert_eq!(frozen.by_label("GIT"), &[a, b]);
        assert_eq!(frozen.by_label("Version Control"), &[a, c]);
        assert_eq!(frozen.by_label("svn"), &[] as &[NodeIndex]);
    }

    #[test]
    fn an_index_of_another_unicode_version_is_ignored_and_lookups_still_answer() {
        let mut body = labelled_body();
        let at = body
            .windows(4)
            .rposition(|w| w == INDEX_MAGIC)
            .expect("an index");
        body[at + 4] = body[at + 4].wrapping_add(1);
        let frozen = Frozen::parse(Arc::new(body), 0).unwrap();
        assert!(frozen.labels_table.get().is_none());
        assert_eq!(
            frozen.by_label("git"),
            &[NodeIndex::new(0), NodeIndex::new(1)]
        );
    }

    #[test]
    fn a_label_index_naming_a_node_that_is_not_there_is_damage() {
        let mut body = labelled_body();
        let at = body
            .windows(4)
            .rposition(|w| w == INDEX_MAGIC)
            .expect("an index");
        let slots = read_u32(&body, at + 8) as usize;
        // The first group's node: past the nodes.
        let node_at = at + 12 + 4 * slots + 4;
        body[node_at..node_at + 4].copy_from_slice(&9u32.to_le_bytes());
        // Opening checks only the index's shape; a lookup through the damaged group finds
        // nothing, and `check` names the damage.
        let frozen = Frozen::parse(Arc::new(body), 0).unwrap();
        for label in ["git", "GIT", "version control", "svn"] {
            assert!(frozen.by_label(label).iter().all(|&n| n.index() < 3));
        }
        let damage = frozen.label_index_damage().expect("the damage is found");
        assert!(damage.contains("label index"), "{damage}");
        let whole = Frozen::parse(Arc::new(labelled_body()), 0).unwrap();
        assert_eq!(whole.label_index_damage(), None);
    }

    proptest! {
        /// The branch-free checks on open agree with the plain per-edge check, and the counts
        /// with plain counting.
        #[test]
        fn fast_edge_checks_agree_with_the_plain_check(
            (node_kinds, edges, width, lists) in (1usize..12, 1usize..6).prop_flat_map(|(nb, lists)| {
                // Mostly good slots, so that one bad field is often the only one.
                let end = prop_oneof![
                    20 => 0..nb as u32,
                    1 => Just(nb as u32),
                    1 => nb as u32..nb as u32 + 4,
                    1 => Just(NO_NODE),
                ];
                let kind = prop_oneof![30 => 0u8..5, 3 => Just(HOLE), 1 => 5u8..255];
                let list = prop_oneof![30 => 0..lists as u32, 1 => Just(lists as u32), 1 => any::<u32>()];
                (
                    prop::collection::vec(prop_oneof![20 => 0u8..3, 1 => Just(HOLE)], nb),
                    prop::collection::vec((kind, end.clone(), end, 0u8..8, list), 0..150),
                    prop::sample::select(vec![1usize, 2, 4]),
                    Just(lists),
                )
            }),
        ) {
            let [froms, tos, kinds, flags, sources] = columns(&edges, width);
            let cols = EdgeColumns {
                froms: &froms,
                tos: &tos,
                kinds: &kinds,
                flags: &flags,
                sources: &sources,
                source_width: width,
            };
            let nb = node_kinds.len();
            let dense = node_kinds.iter().all(|&k| k != HOLE);
            let summary = cols.summarise(nb, lists);
            let fast_bad = summary.bad || !dense && cols.end_in_a_hole(&node_kinds);
            prop_assert_eq!(fast_bad, cols.first_bad(&node_kinds, lists).is_some());
            if !fast_bad {
                let live: Vec<_> = edges.iter().enumerate().filter(|(_, e)| e.0 != HOLE).collect();
                prop_assert_eq!(summary.present, live.len());
                prop_assert_eq!(
                    summary.with_extra,
                    live.iter().filter(|(_, e)| e.3 & EDGE_EXTRA != 0).count()
                );
                let with_effort: Vec<usize> = live
                    .iter()
                    .filter(|(_, e)| e.3 & EDGE_EFFORT != 0)
                    .map(|(i, _)| *i)
                    .collect();
                prop_assert_eq!(summary.efforts as usize, with_effort.len());
                for (block, &(before, bits)) in summary.effort_rank.iter().enumerate() {
                    let in_block = |i: &&usize| **i / 64 == block;
                    prop_assert_eq!(before as usize, with_effort.iter().filter(|i| **i / 64 < block).count());
                    let expected = with_effort.iter().filter(in_block).fold(0u64, |b, i| b | 1 << (i % 64));
                    prop_assert_eq!(bits, expected);
                }
            }
        }
    }
}
