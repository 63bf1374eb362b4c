//! [`Graph`]: an immutable base in the snapshot's compact form (`frozen.rs`) and an overlay of
//! what has changed since (`overlay.rs`), behind one read API, plus the lookup tables every
//! query needs (ids, names and aliases, sources, edges by kind). Its writes are in `graph/edit.rs`.
//! Long because it is the one read API: each read chooses between overlay and base here, once.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::Direction;
use serde::{Deserialize, Serialize};

use crate::adjacency::Link;
use crate::frozen::{self, Checks, Frozen, SnapshotBytes};
use crate::fxhash::FxBuildHasher;
use crate::model::{
    Edge, EdgeExtra, EdgeKind, Node, NodeKind, Source, SourceId, Value, MOVE_TYPE, TRAP,
};
use crate::overlay::{list_key, BaseLinks, Links, Overlay};
use crate::profile::Profile;
use crate::text::cmp_ignoring_case;

mod edit;

pub use edit::{EdgeEditor, NodeEditor};

/// The whole knowledge graph in memory.
///
/// Nodes and edges live in an immutable *base* — a snapshot's compact arrays, read in place
/// from a memory-mapped file — and an *overlay* of the changes made since (see `overlay.rs`).
/// Every read asks the overlay, then the base, so a change costs the size of the change, and a
/// graph built in memory is an overlay over an empty base. [`Graph::to_snapshot`] folds the two
/// into a new base.
///
/// Node and edge indices are stable: removing one leaves a hole, and new ones are numbered past
/// every index in use, so an index held by a caller stays valid until that node is removed, and
/// the same changes on the same base give the same indices. Ids are unique across kinds; names
/// and aliases need not be.
#[derive(Debug, Clone)]
pub struct Graph {
    /// Shared by clones: it never changes.
    base: Arc<Frozen>,
    overlay: Overlay,
    sources: Vec<Source>,
    /// Saved personal profiles by name.
    profiles: BTreeMap<String, Profile>,
    /// The career moves a source calls a trap ([`Graph::trap_moves`]); found on first use,
    /// dropped by every change to edges.
    trap_moves: OnceLock<Vec<EdgeIndex>>,
    /// Skills and tools of different datasets linked as one concept ([`Graph::linked`]); built
    /// on first use, dropped by every change to nodes.
    pub(crate) concepts: OnceLock<crate::concept::Concepts>,
    /// How many career moves state their effort ([`Graph::stated_moves`]); counted on first
    /// use, dropped by every change to edges.
    stated_moves: OnceLock<StatedMoves>,
}

/// Whether `extra` calls its move a trap.
fn is_trap(extra: &EdgeExtra) -> bool {
    matches!(extra.fields.get(MOVE_TYPE), Some(Value::Text(t)) if t == TRAP)
}

/// Whether `edge` is a move a source calls a trap.
fn is_trap_edge(edge: &Edge) -> bool {
    edge.kind == EdgeKind::Transition && edge.extra.as_deref().is_some_and(is_trap)
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
        let empty = frozen::BodyWriter::with_capacity(0, 0).finish();
        Graph::from_frozen(
            Frozen::parse(Arc::new(empty), 0, Checks::Whole).expect("an empty body reads back"),
            Vec::new(),
            BTreeMap::new(),
        )
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
pub(crate) struct SnapshotTail {
    pub(crate) sources: Vec<Source>,
    pub(crate) profiles: BTreeMap<String, Profile>,
}

/// Lookups of a base's edges by scanning its arrays before an adjacency index is built: a few
/// single lookups (`skills of X` right after opening) are cheaper as scans.
const SCANS_BEFORE_INDEX: usize = 4;

/// A copy of what [`Graph::restore`] needs to undo changes: the overlay, sources and profiles
/// (never the base, which changes never touch).
#[derive(Debug, Clone)]
pub struct Checkpoint {
    overlay: Overlay,
    sources: Vec<Source>,
    profiles: BTreeMap<String, Profile>,
}

impl Graph {
    pub fn new() -> Graph {
        Graph::default()
    }

    /// A graph from its schema-2 persisted form.
    pub fn from_data(data: GraphData) -> Graph {
        let body = frozen::encode_petgraph(&data.graph);
        let base = Frozen::parse(Arc::new(body), 0, Checks::Whole)
            .expect("a body just written reads back");
        Graph::from_frozen(base, data.sources, data.profiles)
    }

    /// Reads [`Graph::to_snapshot`]'s bytes. Damaged bytes give an error, never a panic.
    pub fn from_snapshot(bytes: Vec<u8>) -> Result<Graph, String> {
        Graph::from_shared_snapshot(Arc::new(bytes), Checks::Whole)
    }

    /// [`Graph::from_snapshot`] over bytes the graph shares with their owner instead of a copy
    /// (its base reads from them), checked as `checks` says.
    pub fn from_shared_snapshot(bytes: SnapshotBytes, checks: Checks) -> Result<Graph, String> {
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
        let frozen = Frozen::parse(bytes, 4 + tail_len, checks)?;
        Ok(Graph::from_frozen(frozen, tail.sources, tail.profiles))
    }

    pub(crate) fn from_frozen(
        frozen: Frozen,
        sources: Vec<Source>,
        profiles: BTreeMap<String, Profile>,
    ) -> Graph {
        Graph {
            base: Arc::new(frozen),
            overlay: Overlay::default(),
            sources,
            profiles,
            trap_moves: OnceLock::new(),
            concepts: OnceLock::new(),
            stated_moves: OnceLock::new(),
        }
    }

    /// The graph as its base was read, without the changes since (sharing the base).
    pub(crate) fn base_alone(&self) -> Graph {
        Graph {
            base: Arc::clone(&self.base),
            overlay: Overlay::default(),
            sources: self.sources.clone(),
            profiles: BTreeMap::new(),
            trap_moves: OnceLock::new(),
            concepts: OnceLock::new(),
            stated_moves: OnceLock::new(),
        }
    }

    /// Builds a graph from nodes and edges given in index order, all at once: for bulk
    /// imports, which would otherwise pay for the overlay's per-edge bookkeeping. The nodes and
    /// edges become the base. `edges` are (from, to, edge) with indices into `nodes`; the
    /// caller has checked them (a bad index is an error). Each node is dropped once written:
    /// an import's nodes as values were a third of its peak memory.
    pub fn bulk(
        sources: Vec<Source>,
        nodes: Vec<Node>,
        edges: impl ExactSizeIterator<Item = (NodeIndex, NodeIndex, Edge)>,
    ) -> Result<Graph, String> {
        let mut w = frozen::BodyWriter::with_capacity(nodes.len(), edges.len());
        for n in nodes {
            w.node(Some(&n));
        }
        for (a, b, e) in edges {
            w.edge(Some((a, b, &e)));
        }
        let frozen = Frozen::parse(Arc::new(w.finish_bare()), 0, Checks::Whole)?;
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

    /// The base the overlay lies over.
    pub(crate) fn base(&self) -> &Frozen {
        &self.base
    }

    /// The changes since the base was read.
    pub(crate) fn overlay(&self) -> &Overlay {
        &self.overlay
    }

    /// The overlay, to break as a bug could (tests of `check`).
    #[cfg(test)]
    pub(crate) fn overlay_mut(&mut self) -> &mut Overlay {
        &mut self.overlay
    }

    /// The roles' vectors the base holds, while the graph has not changed since it was read
    /// (they describe the base).
    pub(crate) fn stored_role_vectors(&self) -> Option<crate::role_vectors::RoleVectorTable> {
        match self.overlay.is_empty() {
            true => self.base.role_vectors().cloned(),
            false => None,
        }
    }

    /// The nodes the overlay holds: added or changed (`Some`), or base nodes removed (`None`).
    pub(crate) fn changed_nodes(&self) -> &HashMap<NodeIndex, Option<Node>, FxBuildHasher> {
        &self.overlay.nodes
    }

    /// How many nodes and edges have changed since the base was read: what folding them into
    /// a new base (writing a snapshot) would save each later read.
    pub fn changed_since_base(&self) -> usize {
        self.overlay.size()
    }

    /// What [`Graph::restore`] needs to undo every change made after this call. Costs the size
    /// of the overlay (the changes since the base), never of the graph.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            overlay: self.overlay.clone(),
            sources: self.sources.clone(),
            profiles: self.profiles.clone(),
        }
    }

    /// Undoes every change since `checkpoint` was taken of this graph.
    pub fn restore(&mut self, checkpoint: Checkpoint) {
        self.overlay = checkpoint.overlay;
        self.sources = checkpoint.sources;
        self.profiles = checkpoint.profiles;
        self.nodes_changed();
    }

    // ---- reads: the overlay first, then the base ------------------------------------------------

    /// One more than the highest node index in use: the length of arrays indexed by node.
    pub fn node_bound(&self) -> usize {
        self.overlay.node_bound.max(self.base.node_bound())
    }

    /// One more than the highest edge index in use: the length of arrays indexed by edge.
    pub fn edge_bound(&self) -> usize {
        self.overlay.edge_bound.max(self.base.edge_bound())
    }

    /// The node at `ix`, if there is one.
    pub fn get_node(&self, ix: NodeIndex) -> Option<&Node> {
        match self.overlay.nodes.get(&ix) {
            Some(slot) => slot.as_ref(),
            None => self.base.node(ix),
        }
    }

    /// The edge at `ix`, if there is one.
    pub fn get_edge(&self, ix: EdgeIndex) -> Option<&Edge> {
        match self.overlay.edges.get(&ix) {
            Some(slot) => slot.as_ref().map(|o| &o.edge),
            None => self.base.edge(ix),
        }
    }

    /// The node at `ix` (which must exist), built afresh rather than kept: for a pass that
    /// reads every node once (an export), where [`Graph::node`], which keeps what it builds,
    /// would hold the whole graph decoded by the end.
    pub fn node_afresh(&self, ix: NodeIndex) -> Cow<'_, Node> {
        match self.overlay.nodes.get(&ix) {
            Some(slot) => Cow::Borrowed(slot.as_ref().expect("node index from this graph")),
            None => Cow::Owned(
                self.base
                    .node_afresh(ix)
                    .expect("node index from this graph"),
            ),
        }
    }

    /// The edge at `ix` (which must exist), built afresh rather than kept, as
    /// [`Graph::node_afresh`].
    pub fn edge_afresh(&self, ix: EdgeIndex) -> Cow<'_, Edge> {
        match self.overlay.edges.get(&ix) {
            Some(slot) => Cow::Borrowed(&slot.as_ref().expect("edge index from this graph").edge),
            None => Cow::Owned(
                self.base
                    .edge_afresh(ix)
                    .expect("edge index from this graph"),
            ),
        }
    }

    /// The kind of the node at `ix`, if there is one (without building a base node).
    pub fn kind_of(&self, ix: NodeIndex) -> Option<NodeKind> {
        match self.overlay.nodes.get(&ix) {
            Some(slot) => slot.as_ref().map(|n| n.kind),
            None => self.base.kind(ix),
        }
    }

    /// The `effort_hours` of the node at `ix` (without building a base node).
    pub fn effort_of(&self, ix: NodeIndex) -> Option<f64> {
        match self.overlay.nodes.get(&ix) {
            Some(slot) => slot.as_ref().and_then(|n| n.effort_hours),
            None => self.base.effort(ix),
        }
    }

    /// The sources of the node at `ix` (empty when there is none), without building a base
    /// node.
    pub fn sources_of(&self, ix: NodeIndex) -> &[SourceId] {
        match self.overlay.nodes.get(&ix) {
            Some(slot) => slot.as_ref().map_or(&[], |n| &n.sources),
            None if self.base.contains_node(ix) => self.base.node_sources(ix),
            None => &[],
        }
    }

    /// The name of the node at `ix` (which must exist), without building a base node.
    pub fn name_of(&self, ix: NodeIndex) -> &str {
        match self.overlay.nodes.get(&ix) {
            Some(slot) => &slot.as_ref().expect("node index from this graph").name,
            None => self.base.name(ix),
        }
    }

    /// The id of the node at `ix` (which must exist), without building a base node.
    pub fn id_of(&self, ix: NodeIndex) -> &str {
        match self.overlay.nodes.get(&ix) {
            Some(slot) => &slot.as_ref().expect("node index from this graph").id,
            None => self.base.id(ix),
        }
    }

    /// The aliases of the node at `ix` (empty when there is none), without building a base
    /// node.
    pub fn aliases_of(&self, ix: NodeIndex) -> &[String] {
        match self.overlay.nodes.get(&ix) {
            Some(slot) => slot.as_ref().map_or(&[], |n| n.aliases.as_slice()),
            None => self.base.aliases(ix),
        }
    }

    /// The category of the node at `ix`, if it has one, without building a base node.
    pub fn category_of(&self, ix: NodeIndex) -> Option<&str> {
        match self.overlay.nodes.get(&ix) {
            Some(slot) => slot.as_ref()?.category.as_deref(),
            None => self.base.category(ix),
        }
    }

    /// The field `name` of the node at `ix`, without building a base node.
    pub fn field_of(&self, ix: NodeIndex, name: &str) -> Option<&Value> {
        match self.overlay.nodes.get(&ix) {
            Some(slot) => slot.as_ref()?.fields.get(name),
            None => self.base.field(ix, name),
        }
    }

    /// The field `name` of the edge at `ix`'s extra parts, without building a base edge.
    pub fn edge_field_of(&self, ix: EdgeIndex, name: &str) -> Option<&Value> {
        match self.overlay.edges.get(&ix) {
            Some(slot) => slot.as_ref()?.edge.extra.as_deref()?.fields.get(name),
            None => self.base.edge_extra(ix)?.fields.get(name),
        }
    }

    /// The note of the edge at `ix` ([`Edge::note`]), without building a base edge.
    pub fn edge_note_of(&self, ix: EdgeIndex) -> Option<&str> {
        match self.overlay.edges.get(&ix) {
            Some(slot) => slot.as_ref()?.edge.note(),
            None => self.base.edge_extra(ix)?.note.as_deref(),
        }
    }

    /// The field `name` of the edge at `ix` when it is a number, reading that edge's extras
    /// alone: for passes that ask many edges for one number (a move's `rank`), where
    /// [`Graph::edge_field_of`] would decode and keep the extras of the edges around each.
    pub fn edge_number_of(&self, ix: EdgeIndex, name: &str) -> Option<f64> {
        match self.overlay.edges.get(&ix) {
            Some(slot) => slot
                .as_ref()?
                .edge
                .extra
                .as_deref()?
                .fields
                .get(name)?
                .as_number(),
            None => self.base.edge_number(ix, name),
        }
    }

    /// The skills the move at `ix` names ([`Edge::move_skills`]; empty when it names none),
    /// without building a base edge.
    pub fn move_skills_of(&self, ix: EdgeIndex) -> &[String] {
        match self.overlay.edges.get(&ix) {
            Some(slot) => slot.as_ref().map_or(&[], |o| o.edge.move_skills()),
            None => self.base.move_skills(ix),
        }
    }

    /// The sources of the edge at `ix` (empty when there is none), without building a base
    /// edge.
    pub fn edge_sources_of(&self, ix: EdgeIndex) -> &[SourceId] {
        match self.overlay.edges.get(&ix) {
            Some(slot) => slot.as_ref().map_or(&[], |o| o.edge.sources.as_slice()),
            None if self.base.contains_edge(ix) => self.base.edge_sources(ix),
            None => &[],
        }
    }

    /// The kind of the edge at `ix`, if there is one.
    pub fn edge_kind_of(&self, ix: EdgeIndex) -> Option<EdgeKind> {
        match self.overlay.edges.get(&ix) {
            Some(slot) => slot.as_ref().map(|o| o.edge.kind),
            None => self.base.edge_kind(ix),
        }
    }

    /// The importance of the edge at `ix`, if it has one.
    pub fn importance_of(&self, ix: EdgeIndex) -> Option<u8> {
        match self.overlay.edges.get(&ix) {
            Some(slot) => slot.as_ref().and_then(|o| o.edge.importance),
            None => self.base.importance(ix),
        }
    }

    /// The level a `requires` edge at `ix` states ([`Edge::level`]), if it has one.
    pub fn level_of(&self, ix: EdgeIndex) -> Option<f64> {
        match self.overlay.edges.get(&ix) {
            Some(slot) => slot.as_ref()?.edge.extra.as_deref()?.level(),
            None => self.base.edge_level(ix),
        }
    }

    /// The `effort_hours` of the edge at `ix`, if it has them.
    pub fn edge_effort_of(&self, ix: EdgeIndex) -> Option<f64> {
        match self.overlay.edges.get(&ix) {
            Some(slot) => slot.as_ref().and_then(|o| o.edge.effort_hours),
            None => self.base.edge_effort(ix),
        }
    }

    /// Forgets what is derived from edges after a change to them.
    fn edges_changed(&mut self) {
        self.trap_moves.take();
        self.stated_moves.take();
    }

    /// Forgets what is derived from nodes (the linked concepts) and from edges (adding or
    /// removing a node changes them too).
    fn nodes_changed(&mut self) {
        self.concepts.take();
        self.edges_changed();
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
    /// career trap, which routes never recommend. Sorted by index; only the base's moves whose
    /// stored extras hold the text `trap` are decoded, so a graph of many moves and no trap
    /// costs a scan of their bytes.
    pub fn trap_moves(&self) -> &[EdgeIndex] {
        self.trap_moves.get_or_init(|| {
            let base = self
                .base
                .extras_of_kind_holding(EdgeKind::Transition, TRAP)
                .filter(|(e, extra)| !self.overlay.edges.contains_key(e) && is_trap(extra))
                .map(|(e, _)| e);
            let changed = self.overlay.edges.iter().filter_map(|(&e, slot)| {
                let edge = &slot.as_ref()?.edge;
                is_trap_edge(edge).then_some(e)
            });
            let mut traps: Vec<EdgeIndex> = base.chain(changed).collect();
            traps.sort();
            traps
        })
    }

    /// Whether the edge at `ix` is a move a source calls a trap: looked up in
    /// [`Graph::trap_moves`] once they are found, else read from the edge's fields in place (a
    /// statement asking about a few moves need not decode every move's fields).
    pub fn is_trap_move(&self, ix: EdgeIndex) -> bool {
        match self.trap_moves.get() {
            Some(traps) => traps.binary_search(&ix).is_ok(),
            None => {
                self.edge_kind_of(ix) == Some(EdgeKind::Transition)
                    && matches!(self.edge_field_of(ix, MOVE_TYPE), Some(Value::Text(t)) if t == TRAP)
            }
        }
    }

    /// The edges of one kind leaving `from` (`Outgoing`) or arriving at it (`Incoming`), as
    /// links to the node at the other end, in descending edge index (the order of
    /// [`Graph::out_edges`] and [`Graph::in_edges`]). The first call for a kind builds the
    /// base's index of every node's edges of that kind (linear in the size of the base; never
    /// rebuilt, as the base never changes); later calls cost the length of the list. For
    /// algorithms that visit many nodes.
    pub fn links(&self, from: NodeIndex, direction: Direction, kind: EdgeKind) -> Links<'_> {
        let base = BaseLinks::Indexed(self.base.adjacency(kind).links(from, direction));
        self.merge_links(base, from, direction, kind)
    }

    fn merge_links<'g>(
        &'g self,
        base: BaseLinks<'g>,
        from: NodeIndex,
        direction: Direction,
        kind: EdgeKind,
    ) -> Links<'g> {
        let added = self
            .overlay
            .links
            .get(&list_key(from, direction, kind))
            .map_or(&[][..], |v| v.as_slice());
        let hidden = (!self.overlay.hidden.is_empty()).then_some(&self.overlay.hidden);
        Links::new(base, hidden, added)
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
        let removed_or_added = self.overlay.nodes.iter().map(|(&ix, slot)| {
            let in_base = self.base.contains_node(ix) as isize;
            slot.is_some() as isize - in_base
        });
        (self.base.node_count() as isize + removed_or_added.sum::<isize>()) as usize
    }

    pub fn edge_count(&self) -> usize {
        let delta: isize = self.overlay.kind_delta.iter().sum();
        (self.base.edge_count() as isize + delta) as usize
    }

    pub fn node(&self, ix: NodeIndex) -> &Node {
        self.get_node(ix).expect("node index from this graph")
    }

    pub fn by_id(&self, id: &str) -> Option<NodeIndex> {
        match self.overlay.ids.get(id) {
            Some(found) => *found,
            None => self.base.by_id(id),
        }
    }

    /// Nodes whose name or one of whose aliases equals `label`, ignoring case, in index order.
    pub fn by_label(&self, label: &str) -> Cow<'_, [NodeIndex]> {
        let base = self.base.by_label(label);
        if self.overlay.nodes.is_empty() {
            return Cow::Owned(base);
        }
        let added = self.overlay.labels.get(&label.to_lowercase());
        Cow::Owned(self.merge_label(&base, added).into_owned())
    }

    /// The base's nodes of a label less those the overlay shadows, with the overlay's own.
    fn merge_label<'g>(
        &'g self,
        base: &'g [NodeIndex],
        added: Option<&Vec<NodeIndex>>,
    ) -> Cow<'g, [NodeIndex]> {
        let shadowed = |ix: &NodeIndex| self.overlay.nodes.contains_key(ix);
        if added.is_none_or(|a| a.is_empty()) && !base.iter().any(shadowed) {
            return Cow::Borrowed(base);
        }
        let mut nodes: Vec<NodeIndex> = base.iter().copied().filter(|ix| !shadowed(ix)).collect();
        nodes.extend(added.into_iter().flatten());
        nodes.sort_unstable();
        Cow::Owned(nodes)
    }

    /// Every label (names and aliases, lower-cased) with its nodes, for fuzzy matching.
    pub fn labels(&self) -> impl Iterator<Item = (&str, Cow<'_, [NodeIndex]>)> {
        let overlay = &self.overlay.labels;
        let base = self.base.labels().iter().map(move |(label, nodes)| {
            (label.as_str(), self.merge_label(nodes, overlay.get(label)))
        });
        let base_labels = self.base.labels();
        let only_overlay = overlay
            .iter()
            .filter(move |(label, _)| !base_labels.contains_key(*label))
            .map(|(label, nodes)| (label.as_str(), Cow::Borrowed(nodes.as_slice())));
        base.chain(only_overlay)
            .filter(|(_, nodes)| !nodes.is_empty())
    }

    pub fn node_indices(&self) -> impl Iterator<Item = NodeIndex> + '_ {
        live_indices(
            self.base.node_indices(),
            self.base.node_bound()..self.node_bound(),
            NodeIndex::new,
            &self.overlay.nodes,
        )
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

    /// Names ignoring case, then ids: the order of every list of nodes an answer shows.
    pub fn order_by_name(&self, a: NodeIndex, b: NodeIndex) -> Ordering {
        match (self.name_rank(a), self.name_rank(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => cmp_ignoring_case(self.name_of(a), self.name_of(b))
                .then_with(|| self.id_of(a).cmp(self.id_of(b))),
        }
    }

    /// The place of the node at `ix` in [`Graph::order_by_name`], read from the snapshot's
    /// column of ranks while the graph has no changed nodes; `None` once it has any (then
    /// every comparison reads names, so ranks and names never order one list together).
    pub(crate) fn name_rank(&self, ix: NodeIndex) -> Option<u32> {
        match self.overlay.nodes.is_empty() {
            true => self.base.name_order().rank(ix),
            false => None,
        }
    }

    // ---- edges ---------------------------------------------------------------------------------

    pub fn edge(&self, ix: EdgeIndex) -> &Edge {
        self.get_edge(ix).expect("edge index from this graph")
    }

    pub fn edge_endpoints(&self, ix: EdgeIndex) -> (NodeIndex, NodeIndex) {
        self.get_edge_endpoints(ix)
            .expect("edge index from this graph")
    }

    /// The ends of the edge at `ix`, if there is one.
    pub fn get_edge_endpoints(&self, ix: EdgeIndex) -> Option<(NodeIndex, NodeIndex)> {
        match self.overlay.edges.get(&ix) {
            Some(slot) => slot.as_ref().map(|o| (o.from, o.to)),
            None => self.base.endpoints(ix),
        }
    }

    pub fn edge_indices(&self) -> impl Iterator<Item = EdgeIndex> + '_ {
        live_indices(
            self.base.edge_indices(),
            self.base.edge_bound()..self.edge_bound(),
            EdgeIndex::new,
            &self.overlay.edges,
        )
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

    /// [`Graph::links`], but while the base's index of `kind` is not built, the first few
    /// lookups scan the base's arrays instead (same edges, same order): one lookup does not
    /// pay for the index.
    fn edges_of_kind(
        &self,
        ix: NodeIndex,
        direction: Direction,
        kind: EdgeKind,
    ) -> impl Iterator<Item = (EdgeIndex, NodeIndex)> + '_ {
        let links = if self.base.has_adjacency(kind) || self.base.scans.bump() > SCANS_BEFORE_INDEX
        {
            self.links(ix, direction, kind)
        } else {
            let scanned: Vec<Link> = self
                .base
                .scan(ix, direction == Direction::Outgoing, Some(kind))
                .into_iter()
                .map(|(edge, node)| Link { node, edge })
                .collect();
            self.merge_links(BaseLinks::Scanned(scanned.into_iter()), ix, direction, kind)
        };
        links.map(|l| (l.edge, l.node))
    }

    /// Every node joined to `ix` by an edge of any kind: the outgoing edges, then the incoming,
    /// each by edge index, highest first.
    pub fn neighbours(&self, ix: NodeIndex) -> impl Iterator<Item = NodeIndex> + '_ {
        let mut list = Vec::new();
        for direction in [Direction::Outgoing, Direction::Incoming] {
            let mut links: Vec<(EdgeIndex, NodeIndex)> = EdgeKind::ALL
                .iter()
                .flat_map(|&kind| self.edges_of_kind(ix, direction, kind))
                .collect();
            links.sort_by_key(|&(e, _)| std::cmp::Reverse(e));
            list.extend(links.into_iter().map(|(_, n)| n));
        }
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
        (self.base.count_edges(kind) as isize + self.overlay.kind_delta[kind as usize]) as usize
    }
}

/// The indices in use: the base's less those the overlay removed, then those the overlay
/// added past the base (`added`), in index order.
fn live_indices<'g, I, V>(
    base: impl Iterator<Item = I> + 'g,
    added: std::ops::Range<usize>,
    index: fn(usize) -> I,
    overlay: &'g HashMap<I, Option<V>, FxBuildHasher>,
) -> impl Iterator<Item = I> + 'g
where
    I: Copy + Eq + std::hash::Hash + 'g,
{
    let kept = base.filter(move |i| overlay.is_empty() || !matches!(overlay.get(i), Some(None)));
    let added = added
        .map(index)
        .filter(move |i| matches!(overlay.get(i), Some(Some(_))));
    kept.chain(added)
}
