//! [`Graph`]: the nodes and edges in a petgraph `StableDiGraph`, plus the lookup tables every
//! query needs (ids, names and aliases, sources).

use std::collections::{BTreeMap, HashMap};

use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use serde::{Deserialize, Serialize};

use crate::model::{Edge, EdgeKind, Node, NodeKind, Source, SourceId};
use crate::profile::Profile;

/// The whole knowledge graph in memory.
///
/// Node indices are stable across removals (a `StableDiGraph`), so an index held by a caller stays
/// valid until that node is removed. Ids are unique across kinds; names and aliases need not be.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    inner: StableDiGraph<Node, Edge>,
    sources: Vec<Source>,
    by_id: HashMap<String, NodeIndex>,
    /// Lower-cased name or alias → nodes carrying it.
    by_label: HashMap<String, Vec<NodeIndex>>,
    /// Saved personal profiles by name.
    profiles: BTreeMap<String, Profile>,
}

/// The persisted form of a [`Graph`]: the lookup tables are rebuilt on load.
#[derive(Serialize, Deserialize)]
pub struct GraphData {
    pub sources: Vec<Source>,
    pub graph: StableDiGraph<Node, Edge>,
    pub profiles: BTreeMap<String, Profile>,
}

/// [`GraphData`] borrowed from a [`Graph`], for writing.
#[derive(Serialize)]
pub struct GraphDataRef<'a> {
    pub sources: &'a Vec<Source>,
    pub graph: &'a StableDiGraph<Node, Edge>,
    pub profiles: &'a BTreeMap<String, Profile>,
}

impl Graph {
    pub fn new() -> Graph {
        Graph::default()
    }

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

    pub fn to_data(&self) -> GraphData {
        GraphData {
            sources: self.sources.clone(),
            graph: self.inner.clone(),
            profiles: self.profiles.clone(),
        }
    }

    /// The persisted form by reference: serialises exactly as [`GraphData`], without a clone.
    pub fn as_data(&self) -> GraphDataRef<'_> {
        GraphDataRef {
            sources: &self.sources,
            graph: &self.inner,
            profiles: &self.profiles,
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

    /// The petgraph graph, for algorithms.
    pub fn petgraph(&self) -> &StableDiGraph<Node, Edge> {
        &self.inner
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
        self.inner.node_count()
    }

    pub fn edge_count(&self) -> usize {
        self.inner.edge_count()
    }

    pub fn node(&self, ix: NodeIndex) -> &Node {
        &self.inner[ix]
    }

    pub fn node_mut(&mut self, ix: NodeIndex) -> NodeEditor<'_> {
        NodeEditor { graph: self, ix }
    }

    pub fn by_id(&self, id: &str) -> Option<NodeIndex> {
        self.by_id.get(id).copied()
    }

    /// Nodes whose name or one of whose aliases equals `label`, ignoring case.
    pub fn by_label(&self, label: &str) -> &[NodeIndex] {
        self.by_label
            .get(&label.to_lowercase())
            .map_or(&[], |v| v.as_slice())
    }

    /// Every label (names and aliases, lower-cased) with its nodes, for fuzzy matching.
    pub fn labels(&self) -> impl Iterator<Item = (&str, &[NodeIndex])> {
        self.by_label
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    pub fn node_indices(&self) -> impl Iterator<Item = NodeIndex> + '_ {
        self.inner.node_indices()
    }

    /// Nodes of one kind, sorted by name (then id) so every listing is deterministic.
    pub fn nodes_of_kind(&self, kind: NodeKind) -> Vec<NodeIndex> {
        let mut list: Vec<NodeIndex> = self
            .inner
            .node_indices()
            .filter(|&ix| self.inner[ix].kind == kind)
            .collect();
        list.sort_by(|&a, &b| self.order_by_name(a, b));
        list
    }

    pub fn order_by_name(&self, a: NodeIndex, b: NodeIndex) -> std::cmp::Ordering {
        let (na, nb) = (&self.inner[a], &self.inner[b]);
        na.name
            .to_lowercase()
            .cmp(&nb.name.to_lowercase())
            .then_with(|| na.id.cmp(&nb.id))
    }

    /// Adds a node without checks; callers validate first (see [`crate::change`]).
    pub fn add_node(&mut self, node: Node) -> NodeIndex {
        let ix = self.inner.add_node(node);
        self.index_node(ix);
        ix
    }

    /// Removes a node, its edges, and its mentions in transitions' skill lists.
    pub fn remove_node(&mut self, ix: NodeIndex) -> Option<Node> {
        if !self.inner.contains_node(ix) {
            return None;
        }
        self.unindex_node(ix);
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
        self.inner.add_edge(from, to, edge)
    }

    pub fn remove_edge(&mut self, ix: EdgeIndex) -> Option<Edge> {
        self.inner.remove_edge(ix)
    }

    pub fn edge(&self, ix: EdgeIndex) -> &Edge {
        &self.inner[ix]
    }

    pub fn edge_mut(&mut self, ix: EdgeIndex) -> &mut Edge {
        &mut self.inner[ix]
    }

    pub fn edge_endpoints(&self, ix: EdgeIndex) -> (NodeIndex, NodeIndex) {
        self.inner
            .edge_endpoints(ix)
            .expect("edge index from this graph")
    }

    pub fn edge_indices(&self) -> impl Iterator<Item = EdgeIndex> + '_ {
        self.inner.edge_indices()
    }

    /// The edges of one kind leaving `from`, as (edge, target).
    pub fn out_edges(
        &self,
        from: NodeIndex,
        kind: EdgeKind,
    ) -> impl Iterator<Item = (EdgeIndex, NodeIndex)> + '_ {
        self.inner
            .edges_directed(from, Direction::Outgoing)
            .filter(move |e| e.weight().kind == kind)
            .map(|e| (e.id(), e.target()))
    }

    /// The edges of one kind arriving at `to`, as (edge, source node).
    pub fn in_edges(
        &self,
        to: NodeIndex,
        kind: EdgeKind,
    ) -> impl Iterator<Item = (EdgeIndex, NodeIndex)> + '_ {
        self.inner
            .edges_directed(to, Direction::Incoming)
            .filter(move |e| e.weight().kind == kind)
            .map(|e| (e.id(), e.source()))
    }

    /// Every node joined to `ix` by an edge of any kind, in either direction.
    pub fn neighbours(&self, ix: NodeIndex) -> impl Iterator<Item = NodeIndex> + '_ {
        self.inner
            .neighbors_directed(ix, Direction::Outgoing)
            .chain(self.inner.neighbors_directed(ix, Direction::Incoming))
    }

    /// The edges `from -kind-> to` (several when sources state the same fact separately).
    pub fn edges_between(&self, from: NodeIndex, to: NodeIndex, kind: EdgeKind) -> Vec<EdgeIndex> {
        self.inner
            .edges_connecting(from, to)
            .filter(|e| e.weight().kind == kind)
            .map(|e| e.id())
            .collect()
    }

    pub fn count_edges(&self, kind: EdgeKind) -> usize {
        self.inner.edge_weights().filter(|e| e.kind == kind).count()
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
        let out = f(&mut self.graph.inner[self.ix]);
        self.graph.index_node(self.ix);
        out
    }
}
