//! [`Overlay`]: what has changed since a graph's base was written — the nodes and edges added,
//! changed or removed — kept beside the immutable base (`frozen.rs`) so that a change costs the
//! size of the change, not of the graph. Every read of a [`Graph`](crate::Graph) asks the
//! overlay first and the base second; the overlay keeps, for everything it shadows, the answer
//! the merged graph gives (an id's node, a label's nodes, a node's links), so that a read never
//! has to look at the base and the overlay together except to merge two sorted lists.
//!
//! Invariants, for every key the overlay holds:
//! - `nodes[ix]` / `edges[e]` is the node or edge at that index (`None`: removed); a key it
//!   lacks reads from the base.
//! - `ids[id]` is the node with that id (`None`: none); a key it lacks reads from the base.
//! - `labels[l]` are the overlay's nodes carrying label `l` (lower-cased), in index order; the
//!   merged answer is these and the base's nodes with that label less those the overlay
//!   shadows (changed or removed), so a change never builds the base's label table.
//! - `links[(n, d, k)]` are the links of node `n` in direction `d` of kind `k` whose edges are
//!   in the overlay (added, or changed to kind `k`), in ascending edge index; a node's whole
//!   list is these merged with its base list less the base edges in `hidden` (removed, or now
//!   of another kind).
//!
//! New nodes and edges take the next index past every one in use (never a freed slot), so that
//! replaying the same changes on the same base gives the same indices in every process.

use std::collections::{HashMap, HashSet};

use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::Direction;

use crate::adjacency::Link;
use crate::fxhash::FxBuildHasher;
use crate::model::{Edge, EdgeKind, Node};

/// An edge of the overlay, with its ends.
#[derive(Debug, Clone)]
pub(crate) struct OverlayEdge {
    pub(crate) from: NodeIndex,
    pub(crate) to: NodeIndex,
    pub(crate) edge: Edge,
}

/// The key of one list of links: node, direction (0 out, 1 in), kind.
pub(crate) type ListKey = (NodeIndex, u8, EdgeKind);

pub(crate) fn list_key(node: NodeIndex, direction: Direction, kind: EdgeKind) -> ListKey {
    let d = match direction {
        Direction::Outgoing => 0,
        Direction::Incoming => 1,
    };
    (node, d, kind)
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Overlay {
    pub(crate) nodes: HashMap<NodeIndex, Option<Node>, FxBuildHasher>,
    pub(crate) edges: HashMap<EdgeIndex, Option<OverlayEdge>, FxBuildHasher>,
    pub(crate) ids: HashMap<String, Option<NodeIndex>>,
    pub(crate) labels: HashMap<String, Vec<NodeIndex>>,
    pub(crate) links: HashMap<ListKey, Vec<Link>, FxBuildHasher>,
    pub(crate) hidden: HashSet<EdgeIndex, FxBuildHasher>,
    /// At least one more than every index the overlay has given out (0 before the first).
    pub(crate) node_bound: usize,
    pub(crate) edge_bound: usize,
    /// Per edge kind: edges of that kind now less edges of that kind in the base.
    pub(crate) kind_delta: [isize; EdgeKind::ALL.len()],
}

impl Overlay {
    pub(crate) fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.edges.is_empty()
    }

    /// How many nodes and edges it holds: what folding it into a new base would save.
    pub(crate) fn size(&self) -> usize {
        self.nodes.len() + self.edges.len()
    }

    /// Adds `link` to the overlay list at `key`, keeping it in ascending edge order (a new
    /// edge has the highest index, so this is a push but for an edge whose kind changed).
    pub(crate) fn insert_link(&mut self, key: ListKey, link: Link) {
        let list = self.links.entry(key).or_default();
        match list.last() {
            Some(last) if last.edge > link.edge => {
                let at = list.partition_point(|l| l.edge < link.edge);
                list.insert(at, link);
            }
            _ => list.push(link),
        }
    }

    /// Takes the link of `edge` out of the overlay list at `key`, if it is there.
    pub(crate) fn remove_link(&mut self, key: ListKey, edge: EdgeIndex) {
        if let Some(list) = self.links.get_mut(&key) {
            list.retain(|l| l.edge != edge);
            if list.is_empty() {
                self.links.remove(&key);
            }
        }
    }
}

/// One list of links: the base's (less hidden edges) merged with the overlay's, in descending
/// edge index — the order of [`Graph::links`](crate::Graph::links).
pub struct Links<'g> {
    base: BaseLinks<'g>,
    hidden: Option<&'g HashSet<EdgeIndex, FxBuildHasher>>,
    added: std::iter::Rev<std::slice::Iter<'g, Link>>,
    next_base: Option<Link>,
    next_added: Option<Link>,
}

pub(crate) enum BaseLinks<'g> {
    Indexed(crate::adjacency::MappedLinks<'g>),
    Scanned(std::vec::IntoIter<Link>),
}

impl Iterator for BaseLinks<'_> {
    type Item = Link;

    fn next(&mut self) -> Option<Link> {
        match self {
            BaseLinks::Indexed(list) => list.next(),
            BaseLinks::Scanned(list) => list.next(),
        }
    }
}

impl<'g> Links<'g> {
    /// `base` in descending edge order; `added` ascending; `hidden` (when the overlay hides
    /// base edges) filters `base`.
    pub(crate) fn new(
        base: BaseLinks<'g>,
        hidden: Option<&'g HashSet<EdgeIndex, FxBuildHasher>>,
        added: &'g [Link],
    ) -> Links<'g> {
        let mut links = Links {
            base,
            hidden,
            added: added.iter().rev(),
            next_base: None,
            next_added: None,
        };
        links.next_base = links.pull_base();
        links.next_added = links.added.next().copied();
        links
    }

    fn pull_base(&mut self) -> Option<Link> {
        match self.hidden {
            None => self.base.next(),
            Some(hidden) => self.base.find(|l| !hidden.contains(&l.edge)),
        }
    }
}

impl Iterator for Links<'_> {
    type Item = Link;

    fn next(&mut self) -> Option<Link> {
        match (self.next_base, self.next_added) {
            (Some(b), Some(a)) if a.edge > b.edge => {
                self.next_added = self.added.next().copied();
                Some(a)
            }
            (Some(b), _) => {
                self.next_base = self.pull_base();
                Some(b)
            }
            (None, Some(a)) => {
                self.next_added = self.added.next().copied();
                Some(a)
            }
            (None, None) => None,
        }
    }
}
