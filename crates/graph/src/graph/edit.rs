//! The writes of a [`Graph`]: nodes and edges put into its overlay with the id, label and link
//! lookups kept in step, and the editors that go through them. Apart from the reads, which
//! never change the overlay.

use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::Direction;

use super::Graph;
use crate::adjacency::Link;
use crate::model::{Edge, EdgeKind, Node, NodeKind};
use crate::overlay::{list_key, OverlayEdge};

impl Graph {
    pub fn node_mut(&mut self, ix: NodeIndex) -> NodeEditor<'_> {
        NodeEditor { graph: self, ix }
    }

    pub fn edge_mut(&mut self, ix: EdgeIndex) -> EdgeEditor<'_> {
        EdgeEditor { graph: self, ix }
    }

    /// The lower-cased labels (name and aliases) of a node, each once.
    fn labels_of(node: &Node) -> Vec<String> {
        let mut labels: Vec<String> = std::iter::once(&node.name)
            .chain(&node.aliases)
            .map(|l| l.to_lowercase())
            .collect();
        labels.sort();
        labels.dedup();
        labels
    }

    /// Puts `node` (or nothing) at `ix`, keeping the id and label lookups in step.
    fn set_node_slot(&mut self, ix: NodeIndex, node: Option<Node>) {
        if let Some(Some(old)) = self.overlay.nodes.get(&ix) {
            // The overlay's own version is replaced: its labels go with it.
            for label in Graph::labels_of(old) {
                if let Some(list) = self.overlay.labels.get_mut(&label) {
                    list.retain(|&i| i != ix);
                    if list.is_empty() {
                        self.overlay.labels.remove(&label);
                    }
                }
            }
        }
        let old_id = self.get_node(ix).map(|n| n.id.clone());
        if let Some(id) = old_id {
            if node.as_ref().is_none_or(|n| n.id != id) {
                self.overlay.ids.insert(id, None);
            }
        }
        if let Some(n) = &node {
            self.overlay.ids.insert(n.id.clone(), Some(ix));
            for label in Graph::labels_of(n) {
                let list = self.overlay.labels.entry(label).or_default();
                let at = list.partition_point(|&i| i < ix);
                list.insert(at, ix);
            }
        }
        self.overlay.nodes.insert(ix, node);
        self.nodes_changed();
    }

    /// Adds a node without checks; callers validate first (see [`crate::change`]).
    pub fn add_node(&mut self, node: Node) -> NodeIndex {
        let ix = NodeIndex::new(self.node_bound());
        self.overlay.node_bound = ix.index() + 1;
        self.set_node_slot(ix, Some(node));
        ix
    }

    /// Removes a node, its edges, and its mentions in transitions' skill lists.
    pub fn remove_node(&mut self, ix: NodeIndex) -> Option<Node> {
        let node = self.get_node(ix)?.clone();
        let mut edges: Vec<EdgeIndex> = Vec::new();
        for kind in EdgeKind::ALL {
            for direction in [Direction::Outgoing, Direction::Incoming] {
                edges.extend(self.edges_of_kind(ix, direction, kind).map(|(e, _)| e));
            }
        }
        edges.sort();
        edges.dedup();
        for e in edges {
            self.remove_edge(e);
        }
        self.set_node_slot(ix, None);
        for profile in self.profiles.values_mut() {
            profile.entries.remove(&node.id);
        }
        if node.kind == NodeKind::Skill {
            let mentioning: Vec<EdgeIndex> = self
                .edge_indices()
                .filter(|&e| {
                    self.edge_kind_of(e) == Some(EdgeKind::Transition)
                        && self.get_edge(e).is_some_and(|edge| {
                            edge.extra
                                .as_deref()
                                .is_some_and(|x| x.skills.contains(&node.id))
                        })
                })
                .collect();
            for e in mentioning {
                self.edge_mut(e).edit(|edge| {
                    if let Some(extra) = edge.extra.as_mut() {
                        extra.skills.retain(|s| *s != node.id);
                    }
                });
            }
        }
        Some(node)
    }

    /// Puts `edge` (or nothing) at `ix`, keeping the lists of links and the counts in step.
    fn set_edge_slot(&mut self, ix: EdgeIndex, slot: Option<OverlayEdge>) {
        let old = self
            .get_edge_endpoints(ix)
            .zip(self.edge_kind_of(ix))
            .map(|((a, b), kind)| (a, b, kind));
        let new = slot.as_ref().map(|o| (o.from, o.to, o.edge.kind));
        if old != new {
            let in_base = self.base.endpoints(ix).is_some();
            if let Some((a, b, kind)) = old {
                self.overlay
                    .remove_link(list_key(a, Direction::Outgoing, kind), ix);
                self.overlay
                    .remove_link(list_key(b, Direction::Incoming, kind), ix);
                self.overlay.kind_delta[kind as usize] -= 1;
            }
            if in_base {
                // The base's lists keep it; hidden there, it appears in the overlay's lists
                // only under what it is now.
                self.overlay.hidden.insert(ix);
            }
            if let Some((a, b, kind)) = new {
                self.overlay.insert_link(
                    list_key(a, Direction::Outgoing, kind),
                    Link { node: b, edge: ix },
                );
                self.overlay.insert_link(
                    list_key(b, Direction::Incoming, kind),
                    Link { node: a, edge: ix },
                );
                self.overlay.kind_delta[kind as usize] += 1;
            }
        }
        self.overlay.edges.insert(ix, slot);
        self.edges_changed();
    }

    /// Adds an edge without checks; callers validate first (see [`crate::change`]).
    pub fn add_edge(&mut self, from: NodeIndex, to: NodeIndex, edge: Edge) -> EdgeIndex {
        let ix = EdgeIndex::new(self.edge_bound());
        self.overlay.edge_bound = ix.index() + 1;
        self.set_edge_slot(ix, Some(OverlayEdge { from, to, edge }));
        ix
    }

    pub fn remove_edge(&mut self, ix: EdgeIndex) -> Option<Edge> {
        let edge = self.get_edge(ix)?.clone();
        self.set_edge_slot(ix, None);
        Some(edge)
    }
}

/// Edits a node while keeping the id, name and alias lookups in step.
pub struct NodeEditor<'g> {
    graph: &'g mut Graph,
    ix: NodeIndex,
}

impl NodeEditor<'_> {
    pub fn edit<R>(self, f: impl FnOnce(&mut Node) -> R) -> R {
        let mut node = self.graph.node(self.ix).clone();
        let out = f(&mut node);
        self.graph.set_node_slot(self.ix, Some(node));
        out
    }
}

/// Edits an edge while keeping the lists of links in step (its kind may change).
pub struct EdgeEditor<'g> {
    graph: &'g mut Graph,
    ix: EdgeIndex,
}

impl EdgeEditor<'_> {
    pub fn edit<R>(self, f: impl FnOnce(&mut Edge) -> R) -> R {
        let (from, to) = self.graph.edge_endpoints(self.ix);
        let mut edge = self.graph.edge(self.ix).clone();
        let out = f(&mut edge);
        self.graph
            .set_edge_slot(self.ix, Some(OverlayEdge { from, to, edge }));
        out
    }
}
