//! [`Graph`]: the nodes and edges in a petgraph `StableDiGraph` (or, read from a snapshot and
//! not yet changed, in the snapshot's compact form, `frozen.rs`), plus the lookup tables every
//! query needs (ids, names and aliases, sources, edges by kind).

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeIndexable, EdgeRef, NodeIndexable};
use petgraph::Direction;
use serde::{Deserialize, Serialize};

use crate::adjacency::{Adjacency, Link};
use crate::frozen::{self, Frozen, SnapshotBytes};
use crate::model::{
    Edge, EdgeExtra, EdgeKind, Node, NodeKind, Source, SourceId, Value, MOVE_TYPE, TRAP,
};
use crate::profile::Profile;

/// The whole knowledge graph in memory.
///
/// Node indices are stable across removals (a `StableDiGraph`), so an index held by a caller stays
/// valid until that node is removed. Ids are unique across kinds; names and aliases need not be.
///
/// A graph read from a snapshot ([`Graph::from_snapshot`]) stays in the snapshot's compact form
/// (see `frozen.rs`) and answers reads from it; the first change turns it into petgraph nodes
/// and edges with the same indices. Which form a graph is in changes nothing a caller can see
/// but time and memory.
#[derive(Debug, Clone)]
pub struct Graph {
    /// The nodes and edges, once the graph has been changed or was built in memory.
    inner: StableDiGraph<Node, Edge>,
    /// The nodes and edges as read from a snapshot, until the first change; `inner` is then
    /// empty.
    frozen: Option<Box<Frozen>>,
    sources: Vec<Source>,
    /// With `inner`: id → node.
    by_id: HashMap<String, NodeIndex>,
    /// With `inner`: lower-cased name or alias → nodes carrying it.
    by_label: HashMap<String, Vec<NodeIndex>>,
    /// Saved personal profiles by name.
    profiles: BTreeMap<String, Profile>,
    /// Per edge kind: edges by node and direction; built on first use, dropped by every change
    /// to edges.
    adjacency: [OnceLock<Adjacency>; EdgeKind::ALL.len()],
    /// The career moves a source calls a trap ([`Graph::trap_moves`]); found on first use,
    /// dropped by every change to edges.
    trap_moves: OnceLock<Vec<EdgeIndex>>,
    /// Skills and tools of different datasets linked as one concept ([`Graph::linked`]); built
    /// on first use, dropped by every change to nodes.
    pub(crate) concepts: OnceLock<crate::concept::Concepts>,
    /// How many career moves state their effort ([`Graph::stated_moves`]); counted on first
    /// use, dropped by every change to edges.
    stated_moves: OnceLock<StatedMoves>,
    /// Whether every petgraph adjacency list is in descending edge index, which it is until an
    /// edge reuses the slot of a removed one (see [`Adjacency::build`]).
    lists_in_index_order: bool,
}

/// How many career moves state their effort: [`Graph::stated_moves`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatedMoves {
    /// None (or there are no moves).
    None,
    Some,
    Every,
}

impl Default for Graph {
    fn default() -> Graph {
        Graph {
            inner: StableDiGraph::default(),
            frozen: None,
            sources: Vec::new(),
            by_id: HashMap::new(),
            by_label: HashMap::new(),
            profiles: BTreeMap::new(),
            adjacency: Default::default(),
            trap_moves: OnceLock::new(),
            concepts: OnceLock::new(),
            stated_moves: OnceLock::new(),
            lists_in_index_order: true,
        }
    }
}

/// The persisted form of a [`Graph`] in schema version 2 (postcard): still read, no longer
/// written (see [`Graph::to_snapshot`]).
#[derive(Serialize, Deserialize)]
pub struct GraphData {
    pub sources: Vec<Source>,
    pub graph: StableDiGraph<Node, Edge>,
    pub profiles: BTreeMap<String, Profile>,
}

/// The parts of a snapshot outside the node and edge arrays.
#[derive(Serialize, Deserialize)]
struct SnapshotTail {
    sources: Vec<Source>,
    profiles: BTreeMap<String, Profile>,
}

/// Lookups of a frozen graph's edges by scanning its arrays before an adjacency index is built:
/// a few single lookups (`skills of X` right after opening) are cheaper as scans.
const SCANS_BEFORE_INDEX: usize = 4;

impl Graph {
    pub fn new() -> Graph {
        Graph::default()
    }

    /// A graph from its schema-2 persisted form.
    pub fn from_data(data: GraphData) -> Graph {
        let mut graph = Graph {
            inner: data.graph,
            sources: data.sources,
            profiles: data.profiles,
            ..Graph::default()
        };
        graph.rebuild_lookups();
        graph
    }

    /// The graph as snapshot bytes: the compact node and edge arrays described in `frozen.rs`,
    /// then the sources and profiles (postcard). A graph read from a snapshot and not changed
    /// since writes its arrays back as they were read.
    pub fn to_snapshot(&self) -> Vec<u8> {
        let tail = postcard::to_allocvec(&SnapshotTail {
            sources: self.sources.clone(),
            profiles: self.profiles.clone(),
        })
        .expect("sources and profiles always encode");
        let encoded;
        let body = match &self.frozen {
            Some(f) => f.body(),
            None => {
                encoded = frozen::encode_petgraph(&self.inner);
                &encoded
            }
        };
        let mut out = Vec::with_capacity(4 + tail.len() + body.len());
        out.extend_from_slice(&(tail.len() as u32).to_le_bytes());
        out.extend_from_slice(&tail);
        out.extend_from_slice(body);
        out
    }

    /// Reads [`Graph::to_snapshot`]'s bytes. Damaged bytes give an error, never a panic.
    pub fn from_snapshot(bytes: Vec<u8>) -> Result<Graph, String> {
        Graph::from_shared_snapshot(Arc::new(bytes))
    }

    /// [`Graph::from_snapshot`] over bytes the graph shares with their owner instead of a copy
    /// (the graph reads from them for as long as it stays compact).
    pub fn from_shared_snapshot(bytes: SnapshotBytes) -> Result<Graph, String> {
        let b: &[u8] = (*bytes).as_ref();
        let tail_len = b
            .get(..4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
            .ok_or("the snapshot is empty")?;
        let tail = b
            .get(4..4 + tail_len)
            .ok_or("the snapshot ends inside its sources")?;
        let tail: SnapshotTail = postcard::from_bytes(tail)
            .map_err(|e| format!("the sources and profiles cannot be decoded ({e})"))?;
        let frozen = Frozen::parse(bytes, 4 + tail_len)?;
        Ok(Graph::from_frozen(frozen, tail.sources, tail.profiles))
    }

    fn from_frozen(
        frozen: Frozen,
        sources: Vec<Source>,
        profiles: BTreeMap<String, Profile>,
    ) -> Graph {
        Graph {
            frozen: Some(Box::new(frozen)),
            sources,
            profiles,
            ..Graph::default()
        }
    }

    /// Builds a graph from nodes and edges given in index order, all at once: for bulk
    /// imports, which would otherwise pay for petgraph's per-edge bookkeeping and the lookup
    /// tables of a graph that is about to be written out. The graph comes out in the compact
    /// form (see [`Graph`]). `edges` are (from, to, edge) with indices into `nodes`; the caller
    /// has checked them (a bad index is an error).
    pub fn bulk(
        sources: Vec<Source>,
        nodes: &[Node],
        edges: impl ExactSizeIterator<Item = (NodeIndex, NodeIndex, Edge)>,
    ) -> Result<Graph, String> {
        let mut w = frozen::BodyWriter::with_capacity(nodes.len(), edges.len());
        for n in nodes {
            w.node(Some(n));
        }
        for (a, b, e) in edges {
            w.edge(Some((a, b, &e)));
        }
        let frozen = Frozen::parse(Arc::new(w.finish()), 0)?;
        Ok(Graph::from_frozen(frozen, sources, BTreeMap::new()))
    }

    /// Whether [`Graph::merge`] of `other` into this graph would make `other` itself (with this
    /// graph's profiles): this graph holds no node, edge or source, and `other` has no free
    /// slots (merge renumbers around them) and no two sources with one key (merge folds them).
    pub(crate) fn merge_is_whole(&self, other: &Graph) -> bool {
        let blank = self.node_bound() == 0 && self.edge_bound() == 0 && self.sources.is_empty();
        let compact =
            other.node_count() == other.node_bound() && other.edge_count() == other.edge_bound();
        let mut keys: Vec<&str> = other.sources.iter().map(|s| s.key.as_str()).collect();
        keys.sort_unstable();
        blank && compact && keys.windows(2).all(|w| w[0] != w[1])
    }

    /// Becomes `other`, keeping its own profiles (see [`Graph::merge_is_whole`]).
    pub(crate) fn become_whole(&mut self, other: Graph) {
        let profiles = std::mem::take(&mut self.profiles);
        *self = other;
        self.profiles = profiles;
    }

    /// Whether the graph is still in the compact form it was read from (see [`Graph`]): true
    /// from [`Graph::from_snapshot`] or [`Graph::bulk`] until the first change to a node or edge.
    pub fn is_compact(&self) -> bool {
        self.frozen.is_some()
    }

    /// Turns a frozen graph into petgraph form before a change.
    fn thaw(&mut self) {
        if let Some(frozen) = self.frozen.take() {
            self.inner = frozen.into_petgraph();
            self.lists_in_index_order = true;
            self.rebuild_lookups();
        }
    }

    fn rebuild_lookups(&mut self) {
        self.by_id.clear();
        self.by_label.clear();
        let indices: Vec<NodeIndex> = self.inner.node_indices().collect();
        for ix in indices {
            self.index_node(ix);
        }
    }

    fn index_node(&mut self, ix: NodeIndex) {
        let node = &self.inner[ix];
        self.by_id.insert(node.id.clone(), ix);
        let mut labels: Vec<String> = std::iter::once(&node.name)
            .chain(&node.aliases)
            .map(|l| l.to_lowercase())
            .collect();
        labels.sort();
        labels.dedup();
        for label in labels {
            self.by_label.entry(label).or_default().push(ix);
        }
    }

    fn unindex_node(&mut self, ix: NodeIndex) {
        let node = &self.inner[ix];
        self.by_id.remove(&node.id);
        for label in std::iter::once(&node.name).chain(&node.aliases) {
            let key = label.to_lowercase();
            if let Some(list) = self.by_label.get_mut(&key) {
                list.retain(|&i| i != ix);
                if list.is_empty() {
                    self.by_label.remove(&key);
                }
            }
        }
    }

    /// The petgraph graph, for algorithms. A frozen graph builds it once (a copy of the
    /// whole graph): prefer the accessors of [`Graph`].
    pub fn petgraph(&self) -> &StableDiGraph<Node, Edge> {
        match &self.frozen {
            Some(f) => f.petgraph(),
            None => &self.inner,
        }
    }

    /// One more than the highest node index in use: the length of arrays indexed by node.
    pub fn node_bound(&self) -> usize {
        match &self.frozen {
            Some(f) => f.node_bound(),
            None => self.inner.node_bound(),
        }
    }

    /// One more than the highest edge index in use: the length of arrays indexed by edge.
    pub fn edge_bound(&self) -> usize {
        match &self.frozen {
            Some(f) => f.edge_bound(),
            None => self.inner.edge_bound(),
        }
    }

    /// The node at `ix`, if there is one.
    pub fn get_node(&self, ix: NodeIndex) -> Option<&Node> {
        match &self.frozen {
            Some(f) => f.node(ix),
            None => self.inner.node_weight(ix),
        }
    }

    /// The edge at `ix`, if there is one.
    pub fn get_edge(&self, ix: EdgeIndex) -> Option<&Edge> {
        match &self.frozen {
            Some(f) => f.edge(ix),
            None => self.inner.edge_weight(ix),
        }
    }

    /// The kind of the node at `ix`, if there is one (without building a frozen graph's node).
    pub fn kind_of(&self, ix: NodeIndex) -> Option<NodeKind> {
        match &self.frozen {
            Some(f) => f.kind(ix),
            None => self.inner.node_weight(ix).map(|n| n.kind),
        }
    }

    /// The `effort_hours` of the node at `ix` (without building a frozen graph's node).
    pub fn effort_of(&self, ix: NodeIndex) -> Option<f64> {
        match &self.frozen {
            Some(f) => f.effort(ix),
            None => self.inner.node_weight(ix).and_then(|n| n.effort_hours),
        }
    }

    /// The sources of the node at `ix` (empty when there is none), without building a frozen
    /// graph's node.
    pub fn sources_of(&self, ix: NodeIndex) -> &[SourceId] {
        match &self.frozen {
            Some(f) if f.contains_node(ix) => f.node_sources(ix),
            _ => self.inner.node_weight(ix).map_or(&[], |n| &n.sources),
        }
    }

    /// The name of the node at `ix` (which must exist), without building a frozen graph's node.
    pub fn name_of(&self, ix: NodeIndex) -> &str {
        match &self.frozen {
            Some(f) if f.contains_node(ix) => f.name(ix),
            _ => &self.node(ix).name,
        }
    }

    /// The id of the node at `ix` (which must exist), without building a frozen graph's node.
    pub fn id_of(&self, ix: NodeIndex) -> &str {
        match &self.frozen {
            Some(f) if f.contains_node(ix) => f.id(ix),
            _ => &self.node(ix).id,
        }
    }

    /// The kind of the edge at `ix`, if there is one.
    pub fn edge_kind_of(&self, ix: EdgeIndex) -> Option<EdgeKind> {
        match &self.frozen {
            Some(f) => f.edge_kind(ix),
            None => self.inner.edge_weight(ix).map(|e| e.kind),
        }
    }

    /// The importance of the edge at `ix`, if it has one.
    pub fn importance_of(&self, ix: EdgeIndex) -> Option<u8> {
        match &self.frozen {
            Some(f) => f.importance(ix),
            None => self.inner.edge_weight(ix).and_then(|e| e.importance),
        }
    }

    /// The level a `requires` edge at `ix` states ([`Edge::level`]), if it has one.
    pub fn level_of(&self, ix: EdgeIndex) -> Option<f64> {
        match &self.frozen {
            Some(f) => f.edge_extra(ix).and_then(EdgeExtra::level),
            None => self.inner.edge_weight(ix)?.extra.as_deref()?.level(),
        }
    }

    /// The edges whose stored extra parts cannot be decoded, with why (a graph read from a
    /// snapshot decodes them when they are read, and reads them as none if it cannot).
    pub fn undecodable_parts(&self) -> Vec<(EdgeIndex, String)> {
        match &self.frozen {
            Some(f) => f.undecodable_extras(),
            None => Vec::new(),
        }
    }

    /// The `effort_hours` of the edge at `ix`, if it has them.
    pub fn edge_effort_of(&self, ix: EdgeIndex) -> Option<f64> {
        match &self.frozen {
            Some(f) => f.edge_effort(ix),
            None => self.inner.edge_weight(ix).and_then(|e| e.effort_hours),
        }
    }

    fn adjacency(&self, kind: EdgeKind) -> &Adjacency {
        self.adjacency[kind as usize].get_or_init(|| match &self.frozen {
            Some(f) => Adjacency::from_edges(f.node_bound(), f.edges_descending(kind)),
            None => Adjacency::build(&self.inner, kind, self.lists_in_index_order),
        })
    }

    /// Forgets the adjacency lists after a change to the edges (adding or removing a node
    /// changes them too), and the linked concepts.
    fn edges_changed(&mut self) {
        for a in &mut self.adjacency {
            a.take();
        }
        self.trap_moves.take();
        self.concepts.take();
        self.stated_moves.take();
    }

    /// Whether the `transition` edges state their `effort_hours`: none of them (a move then
    /// costs its learning plan, and what is held decides it), every one, or some.
    pub fn stated_moves(&self) -> StatedMoves {
        *self.stated_moves.get_or_init(|| {
            // Over the moves' adjacency, which route searches build anyway: a graph's other
            // edges (requirements, most of them) are never looked at.
            let (mut stated, mut not) = (false, false);
            for n in self.node_indices() {
                for link in self.links(n, Direction::Outgoing, EdgeKind::Transition) {
                    match self.edge_effort_of(link.edge) {
                        Some(h) if h.is_finite() && h >= 0.0 => stated = true,
                        _ => not = true,
                    }
                }
            }
            match (stated, not) {
                (true, false) => StatedMoves::Every,
                (false, _) => StatedMoves::None,
                (true, true) => StatedMoves::Some,
            }
        })
    }

    /// The `transition` edges whose field `move_type` is `trap`: moves a source describes as a
    /// career trap, which routes never recommend. Sorted by index; only edges with extra fields
    /// are looked at, so a graph without any costs nothing.
    pub fn trap_moves(&self) -> &[EdgeIndex] {
        self.trap_moves.get_or_init(|| {
            let is_trap = |kind: EdgeKind, extra: &EdgeExtra| {
                kind == EdgeKind::Transition
                    && matches!(extra.fields.get(MOVE_TYPE), Some(Value::Text(t)) if t == TRAP)
            };
            let mut traps: Vec<EdgeIndex> = match &self.frozen {
                Some(f) => f
                    .extras_of_kind(EdgeKind::Transition)
                    .filter(|&(_, extra)| is_trap(EdgeKind::Transition, extra))
                    .map(|(e, _)| e)
                    .collect(),
                None => self
                    .inner
                    .edge_indices()
                    .filter(|&e| {
                        let edge = &self.inner[e];
                        edge.extra.as_deref().is_some_and(|x| is_trap(edge.kind, x))
                    })
                    .collect(),
            };
            traps.sort();
            traps
        })
    }

    /// Whether the edge at `ix` is a move a source calls a trap.
    pub fn is_trap_move(&self, ix: EdgeIndex) -> bool {
        self.trap_moves().binary_search(&ix).is_ok()
    }

    /// The edges of one kind leaving `from` (`Outgoing`) or arriving at it (`Incoming`), as
    /// links to the node at the other end, in the order of [`Graph::out_edges`] and
    /// [`Graph::in_edges`]. The first call after a change builds an index of every node's edges
    /// (linear in the size of the graph); later calls cost nothing. For algorithms that visit
    /// many nodes.
    pub fn links(&self, from: NodeIndex, direction: Direction, kind: EdgeKind) -> &[Link] {
        self.adjacency(kind).links(from, direction)
    }

    // ---- sources -------------------------------------------------------------------------------

    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    pub fn source(&self, id: SourceId) -> &Source {
        &self.sources[id.0 as usize]
    }

    pub fn source_id(&self, key: &str) -> Option<SourceId> {
        self.sources
            .iter()
            .position(|s| s.key == key)
            .map(|i| SourceId(i as u16))
    }

    /// Adds a source, or returns the id of the one with the same key.
    pub fn add_source(&mut self, source: Source) -> SourceId {
        if let Some(id) = self.source_id(&source.key) {
            return id;
        }
        self.sources.push(source);
        SourceId((self.sources.len() - 1) as u16)
    }

    pub fn source_keys(&self, ids: &[SourceId]) -> Vec<&str> {
        ids.iter().map(|&id| self.source(id).key.as_str()).collect()
    }

    // ---- profiles ------------------------------------------------------------------------------

    pub fn profiles(&self) -> &BTreeMap<String, Profile> {
        &self.profiles
    }

    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.get(name)
    }

    /// Stores a profile without checks; callers validate first (see [`crate::change`]).
    pub fn put_profile(&mut self, profile: Profile) {
        self.profiles.insert(profile.name.clone(), profile);
    }

    pub fn remove_profile(&mut self, name: &str) -> Option<Profile> {
        self.profiles.remove(name)
    }

    // ---- nodes ---------------------------------------------------------------------------------

    pub fn node_count(&self) -> usize {
        match &self.frozen {
            Some(f) => f.node_count(),
            None => self.inner.node_count(),
        }
    }

    pub fn edge_count(&self) -> usize {
        match &self.frozen {
            Some(f) => f.edge_count(),
            None => self.inner.edge_count(),
        }
    }

    pub fn node(&self, ix: NodeIndex) -> &Node {
        match &self.frozen {
            Some(f) => f.node(ix).expect("node index from this graph"),
            None => &self.inner[ix],
        }
    }

    pub fn node_mut(&mut self, ix: NodeIndex) -> NodeEditor<'_> {
        self.thaw();
        NodeEditor { graph: self, ix }
    }

    pub fn by_id(&self, id: &str) -> Option<NodeIndex> {
        match &self.frozen {
            Some(f) => f.by_id(id),
            None => self.by_id.get(id).copied(),
        }
    }

    /// Nodes whose name or one of whose aliases equals `label`, ignoring case.
    pub fn by_label(&self, label: &str) -> &[NodeIndex] {
        match &self.frozen {
            Some(f) => f.by_label(label),
            None => self
                .by_label
                .get(&label.to_lowercase())
                .map_or(&[], |v| v.as_slice()),
        }
    }

    /// Every label (names and aliases, lower-cased) with its nodes, for fuzzy matching.
    pub fn labels(&self) -> impl Iterator<Item = (&str, &[NodeIndex])> {
        let map = match &self.frozen {
            Some(f) => f.labels(),
            None => &self.by_label,
        };
        map.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    pub fn node_indices(&self) -> impl Iterator<Item = NodeIndex> + '_ {
        let (frozen, live) = match &self.frozen {
            Some(f) => (Some(f.node_indices()), None),
            None => (None, Some(self.inner.node_indices())),
        };
        frozen
            .into_iter()
            .flatten()
            .chain(live.into_iter().flatten())
    }

    /// Nodes of one kind, sorted by name (then id) so every listing is deterministic.
    pub fn nodes_of_kind(&self, kind: NodeKind) -> Vec<NodeIndex> {
        let mut list: Vec<NodeIndex> = self
            .node_indices()
            .filter(|&ix| self.kind_of(ix) == Some(kind))
            .collect();
        list.sort_by(|&a, &b| self.order_by_name(a, b));
        list
    }

    pub fn order_by_name(&self, a: NodeIndex, b: NodeIndex) -> Ordering {
        cmp_ignoring_case(self.name_of(a), self.name_of(b))
            .then_with(|| self.id_of(a).cmp(self.id_of(b)))
    }

    /// Adds a node without checks; callers validate first (see [`crate::change`]).
    pub fn add_node(&mut self, node: Node) -> NodeIndex {
        self.thaw();
        let ix = self.inner.add_node(node);
        self.index_node(ix);
        self.edges_changed();
        ix
    }

    /// Removes a node, its edges, and its mentions in transitions' skill lists.
    pub fn remove_node(&mut self, ix: NodeIndex) -> Option<Node> {
        self.thaw();
        if !self.inner.contains_node(ix) {
            return None;
        }
        self.unindex_node(ix);
        self.edges_changed();
        let node = self.inner.remove_node(ix)?;
        for profile in self.profiles.values_mut() {
            profile.entries.remove(&node.id);
        }
        if node.kind == NodeKind::Skill {
            for edge in self.inner.edge_weights_mut() {
                if let Some(extra) = edge.extra.as_mut() {
                    extra.skills.retain(|s| *s != node.id);
                }
            }
        }
        Some(node)
    }

    // ---- edges ---------------------------------------------------------------------------------

    /// Adds an edge without checks; callers validate first (see [`crate::change`]).
    pub fn add_edge(&mut self, from: NodeIndex, to: NodeIndex, edge: Edge) -> EdgeIndex {
        self.thaw();
        if self.inner.edge_count() < self.inner.edge_bound() {
            // petgraph reuses a free slot, whose index says nothing of the edge's age.
            self.lists_in_index_order = false;
        }
        self.edges_changed();
        self.inner.add_edge(from, to, edge)
    }

    pub fn remove_edge(&mut self, ix: EdgeIndex) -> Option<Edge> {
        self.thaw();
        self.edges_changed();
        self.inner.remove_edge(ix)
    }

    pub fn edge(&self, ix: EdgeIndex) -> &Edge {
        match &self.frozen {
            Some(f) => f.edge(ix).expect("edge index from this graph"),
            None => &self.inner[ix],
        }
    }

    pub fn edge_mut(&mut self, ix: EdgeIndex) -> &mut Edge {
        self.thaw();
        // The caller may change the kind.
        self.edges_changed();
        &mut self.inner[ix]
    }

    pub fn edge_endpoints(&self, ix: EdgeIndex) -> (NodeIndex, NodeIndex) {
        match &self.frozen {
            Some(f) => f.endpoints(ix),
            None => self.inner.edge_endpoints(ix),
        }
        .expect("edge index from this graph")
    }

    /// The ends of the edge at `ix`, if there is one.
    pub fn get_edge_endpoints(&self, ix: EdgeIndex) -> Option<(NodeIndex, NodeIndex)> {
        match &self.frozen {
            Some(f) => f.endpoints(ix),
            None => self.inner.edge_endpoints(ix),
        }
    }

    pub fn edge_indices(&self) -> impl Iterator<Item = EdgeIndex> + '_ {
        let (frozen, live) = match &self.frozen {
            Some(f) => (Some(f.edge_indices()), None),
            None => (None, Some(self.inner.edge_indices())),
        };
        frozen
            .into_iter()
            .flatten()
            .chain(live.into_iter().flatten())
    }

    /// The edges of one kind leaving `from`, as (edge, target).
    pub fn out_edges(
        &self,
        from: NodeIndex,
        kind: EdgeKind,
    ) -> impl Iterator<Item = (EdgeIndex, NodeIndex)> + '_ {
        self.edges_of_kind(from, Direction::Outgoing, kind)
    }

    /// The edges of one kind arriving at `to`, as (edge, source node).
    pub fn in_edges(
        &self,
        to: NodeIndex,
        kind: EdgeKind,
    ) -> impl Iterator<Item = (EdgeIndex, NodeIndex)> + '_ {
        self.edges_of_kind(to, Direction::Incoming, kind)
    }

    /// From the adjacency index when it is built; otherwise by walking petgraph's list (or
    /// scanning a frozen graph's arrays), which gives the same edges in the same order, without
    /// paying for the index for one lookup.
    fn edges_of_kind(
        &self,
        ix: NodeIndex,
        direction: Direction,
        kind: EdgeKind,
    ) -> EdgesOfKind<'_> {
        if let Some(adjacency) = self.adjacency[kind as usize].get() {
            return EdgesOfKind::Indexed(adjacency.links(ix, direction).iter());
        }
        match &self.frozen {
            Some(f) if f.scans.bump() > SCANS_BEFORE_INDEX => {
                EdgesOfKind::Indexed(self.links(ix, direction, kind).iter())
            }
            Some(f) => EdgesOfKind::Scanned(
                f.scan(ix, direction == Direction::Outgoing, Some(kind))
                    .into_iter(),
            ),
            None => EdgesOfKind::Walk {
                edges: self.inner.edges_directed(ix, direction),
                direction,
                kind,
            },
        }
    }

    /// Every node joined to `ix` by an edge of any kind, in either direction.
    pub fn neighbours(&self, ix: NodeIndex) -> impl Iterator<Item = NodeIndex> + '_ {
        let list: Vec<NodeIndex> = match &self.frozen {
            // A walk over many nodes (`neighbourhood … depth 3`) would scan every edge per node:
            // past a few lookups, the per-kind indexes answer instead.
            Some(f) if f.scans.bump() > SCANS_BEFORE_INDEX => {
                // In the order of the scan (and of petgraph): outgoing, then incoming, each by
                // edge index, highest first.
                let mut list = Vec::new();
                for direction in [Direction::Outgoing, Direction::Incoming] {
                    let mut links: Vec<&crate::adjacency::Link> = EdgeKind::ALL
                        .iter()
                        .flat_map(|&kind| self.links(ix, direction, kind))
                        .collect();
                    links.sort_by_key(|l| std::cmp::Reverse(l.edge));
                    list.extend(links.into_iter().map(|l| l.node));
                }
                list
            }
            Some(f) => f
                .scan(ix, true, None)
                .into_iter()
                .chain(f.scan(ix, false, None))
                .map(|(_, n)| n)
                .collect(),
            None => self
                .inner
                .neighbors_directed(ix, Direction::Outgoing)
                .chain(self.inner.neighbors_directed(ix, Direction::Incoming))
                .collect(),
        };
        list.into_iter()
    }

    /// The edges `from -kind-> to` (several when sources state the same fact separately).
    pub fn edges_between(&self, from: NodeIndex, to: NodeIndex, kind: EdgeKind) -> Vec<EdgeIndex> {
        self.out_edges(from, kind)
            .filter(|&(_, t)| t == to)
            .map(|(e, _)| e)
            .collect()
    }

    pub fn count_edges(&self, kind: EdgeKind) -> usize {
        match &self.frozen {
            Some(f) => f.count_edges(kind),
            None => self.inner.edge_weights().filter(|e| e.kind == kind).count(),
        }
    }
}

/// The iterator behind [`Graph::out_edges`] and [`Graph::in_edges`].
enum EdgesOfKind<'g> {
    Indexed(std::slice::Iter<'g, Link>),
    Scanned(std::vec::IntoIter<(EdgeIndex, NodeIndex)>),
    Walk {
        edges: petgraph::stable_graph::Edges<'g, Edge, petgraph::Directed>,
        direction: Direction,
        kind: EdgeKind,
    },
}

impl Iterator for EdgesOfKind<'_> {
    type Item = (EdgeIndex, NodeIndex);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            EdgesOfKind::Indexed(links) => links.next().map(|l| (l.edge, l.node)),
            EdgesOfKind::Scanned(list) => list.next(),
            EdgesOfKind::Walk {
                edges,
                direction,
                kind,
            } => edges.find(|e| e.weight().kind == *kind).map(|e| {
                let other = match direction {
                    Direction::Outgoing => e.target(),
                    Direction::Incoming => e.source(),
                };
                (e.id(), other)
            }),
        }
    }
}

/// Compares as `a.to_lowercase().cmp(&b.to_lowercase())` does, without allocating when both
/// are ASCII (where lower-casing is byte by byte).
pub fn cmp_ignoring_case(a: &str, b: &str) -> Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    // First skip what both share byte for byte while it is ASCII, eight bytes at a time: names
    // often share long prefixes ("Cloud-native …"), and there lower-casing decides nothing.
    let mut same = 0;
    while let (Some(p), Some(q)) = (x.get(same..same + 8), y.get(same..same + 8)) {
        let p = u64::from_le_bytes(p.try_into().expect("eight bytes"));
        let q = u64::from_le_bytes(q.try_into().expect("eight bytes"));
        if p != q || p & 0x8080_8080_8080_8080 != 0 {
            break;
        }
        same += 8;
    }
    for (&p, &q) in x[same..].iter().zip(&y[same..]) {
        if p >= 0x80 || q >= 0x80 {
            // Past the common ASCII prefix: lower-casing may change lengths and (final sigma)
            // depends on context, so compare what `to_lowercase` gives.
            return a.to_lowercase().cmp(&b.to_lowercase());
        }
        match p.to_ascii_lowercase().cmp(&q.to_ascii_lowercase()) {
            Ordering::Equal => {}
            other => return other,
        }
    }
    // One is a prefix of the other (ignoring ASCII case); what follows in the longer one
    // decides, and if that is not ASCII its lower case may still compare differently.
    let rest = if x.len() > y.len() {
        &x[y.len()..]
    } else {
        &y[x.len()..]
    };
    if rest.is_ascii() {
        x.len().cmp(&y.len())
    } else {
        a.to_lowercase().cmp(&b.to_lowercase())
    }
}

/// Edits a node while keeping the id, name and alias lookups in step.
pub struct NodeEditor<'g> {
    graph: &'g mut Graph,
    ix: NodeIndex,
}

impl NodeEditor<'_> {
    pub fn edit<R>(self, f: impl FnOnce(&mut Node) -> R) -> R {
        self.graph.unindex_node(self.ix);
        self.graph.concepts.take();
        let out = f(&mut self.graph.inner[self.ix]);
        self.graph.index_node(self.ix);
        out
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::cmp_ignoring_case;

    proptest! {
        /// Long shared prefixes, so that the eight-byte skip runs into every kind of byte.
        #[test]
        fn names_with_long_shared_prefixes_compare_as_their_lowercase_strings(
            prefix in "[aAzZ -]{0,20}",
            a in "[aAzZ Σσςßİi1é]{0,12}",
            b in "[aAzZ Σσςßİi1é]{0,12}",
            upper in any::<bool>(),
        ) {
            let (a, b) = (format!("{prefix}{a}"), format!("{prefix}{b}"));
            let b = if upper { b.to_uppercase() } else { b };
            prop_assert_eq!(cmp_ignoring_case(&a, &b), a.to_lowercase().cmp(&b.to_lowercase()));
            prop_assert_eq!(cmp_ignoring_case(&b, &a), b.to_lowercase().cmp(&a.to_lowercase()));
        }
    }
}
