//! [`Adjacency`]: the edges of one kind, grouped by node and direction in flat arrays
//! (compressed sparse rows), so that "the `transition` edges into this role" is one slice
//! instead of a walk over petgraph's linked list of all the node's edges (a hub skill has
//! thousands of incoming `requires` edges and a handful of prerequisites).
//!
//! Derived from a graph's base, one kind at a time (a route search needs only transitions),
//! once: the base never changes, and the overlay keeps the links of its own edges
//! (`overlay.rs`). Each list is in descending edge index.

use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::Direction;

/// One edge seen from one of its ends: the node at the other end, and the edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    pub node: NodeIndex,
    pub edge: EdgeIndex,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Adjacency {
    /// The links of node `n` in direction `d` (0 out, 1 in) are
    /// `links[start[n * 2 + d]..start[n * 2 + d + 1]]`.
    start: Vec<u32>,
    links: Vec<Link>,
}

fn slot(node: NodeIndex, direction: Direction) -> usize {
    node.index() * 2
        + match direction {
            Direction::Outgoing => 0,
            Direction::Incoming => 1,
        }
}

impl Adjacency {
    /// The lists of the edges given as (edge, from, to), in the order each node's lists
    /// should have.
    pub(crate) fn from_edges(
        node_bound: usize,
        edges: impl Iterator<Item = (EdgeIndex, NodeIndex, NodeIndex)> + Clone,
    ) -> Adjacency {
        let mut lists = Lists::new(node_bound, edges.clone().map(|(_, a, b)| (a, b)));
        for (e, a, b) in edges {
            lists.place(slot(a, Direction::Outgoing), Link { node: b, edge: e });
            lists.place(slot(b, Direction::Incoming), Link { node: a, edge: e });
        }
        lists.finish()
    }

    /// The links of `node` in one direction; empty for a node not in the graph.
    pub(crate) fn links(&self, node: NodeIndex, direction: Direction) -> &[Link] {
        let s = slot(node, direction);
        match (self.start.get(s), self.start.get(s + 1)) {
            (Some(&a), Some(&b)) => &self.links[a as usize..b as usize],
            _ => &[],
        }
    }
}

/// The arrays being filled: slots sized by a first pass over the edges, then links placed.
struct Lists {
    start: Vec<u32>,
    next: Vec<u32>,
    links: Vec<Link>,
}

impl Lists {
    fn new(node_bound: usize, edges: impl Iterator<Item = (NodeIndex, NodeIndex)>) -> Lists {
        let slots = node_bound * 2;
        let mut start = vec![0u32; slots + 1];
        for (a, b) in edges {
            start[slot(a, Direction::Outgoing) + 1] += 1;
            start[slot(b, Direction::Incoming) + 1] += 1;
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        let total = start[slots] as usize;
        Lists {
            next: start[..slots].to_vec(),
            start,
            links: vec![
                Link {
                    node: NodeIndex::end(),
                    edge: EdgeIndex::end(),
                };
                total
            ],
        }
    }

    fn place(&mut self, s: usize, link: Link) {
        self.links[self.next[s] as usize] = link;
        self.next[s] += 1;
    }

    fn finish(self) -> Adjacency {
        Adjacency {
            start: self.start,
            links: self.links,
        }
    }
}
