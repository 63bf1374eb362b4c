//! [`Adjacency`]: the edges of one kind, grouped by node and direction in flat arrays
//! (compressed sparse rows), so that "the `transition` edges into this role" is one slice
//! instead of a walk over petgraph's linked list of all the node's edges (a hub skill has
//! thousands of incoming `requires` edges and a handful of prerequisites).
//!
//! Derived from a graph's base when its body is written, one kind at a time, and read in
//! place: the base never changes, and the overlay keeps the links of its own edges
//! (`overlay.rs`). Each list is in descending edge index.

use std::sync::Arc;

use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::Direction;

use crate::frozen::{read_u32, SnapshotBytes};

/// One edge seen from one of its ends: the node at the other end, and the edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    pub node: NodeIndex,
    pub edge: EdgeIndex,
}

/// The lists of one edge kind: `start: (2 × node_bound + 1) × u32` (the links of node `n` in
/// direction `d`, 0 out and 1 in, are `links[start[2n + d]..start[2n + d + 1]]`), then
/// `links: n × (node:u32, edge:u32)`. Written with the body (`derived.rs`) and read in place, or
/// built in memory into the same bytes for a body written without them.
#[derive(Clone)]
pub(crate) struct Adjacency {
    bytes: SnapshotBytes,
    start_at: usize,
    slots: usize,
    links_at: usize,
    link_count: usize,
    node_bound: usize,
    edge_bound: usize,
}

fn slot(node: NodeIndex, direction: Direction) -> usize {
    node.index() * 2
        + match direction {
            Direction::Outgoing => 0,
            Direction::Incoming => 1,
        }
}

impl Adjacency {
    /// The length of [`Adjacency::encode`]'s bytes for `edges` edges (each is two links).
    pub(crate) fn encoded_len(node_bound: usize, edges: usize) -> usize {
        4 * (node_bound * 2 + 1) + 16 * edges
    }

    /// The bytes of the lists of the edges given as (edge, from, to), in the order each node's
    /// lists should have.
    pub(crate) fn encode(
        node_bound: usize,
        edges: impl Iterator<Item = (EdgeIndex, NodeIndex, NodeIndex)> + Clone,
    ) -> Vec<u8> {
        let slots = node_bound * 2;
        let mut start = vec![0u32; slots + 1];
        for (_, a, b) in edges.clone() {
            start[slot(a, Direction::Outgoing) + 1] += 1;
            start[slot(b, Direction::Incoming) + 1] += 1;
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        let total = start[slots] as usize;
        let mut out = vec![0u8; 4 * (slots + 1) + 8 * total];
        for (i, s) in start.iter().enumerate() {
            out[4 * i..4 * i + 4].copy_from_slice(&s.to_le_bytes());
        }
        let links_at = 4 * (slots + 1);
        let mut next = start;
        for (e, a, b) in edges {
            for (s, node) in [
                (slot(a, Direction::Outgoing), b),
                (slot(b, Direction::Incoming), a),
            ] {
                let at = links_at + 8 * next[s] as usize;
                out[at..at + 4].copy_from_slice(&(node.index() as u32).to_le_bytes());
                out[at + 4..at + 8].copy_from_slice(&(e.index() as u32).to_le_bytes());
                next[s] += 1;
            }
        }
        out
    }

    /// The lists at `at..at + len` of `bytes`, for a body of `node_bound` nodes and
    /// `edge_bound` edges. Only the shape is checked here (so opening costs nothing per edge);
    /// a lookup checks what it reads.
    pub(crate) fn read(
        bytes: SnapshotBytes,
        at: usize,
        len: usize,
        node_bound: usize,
        edge_bound: usize,
    ) -> Result<Adjacency, String> {
        let slots = node_bound * 2;
        let links_at = at + 4 * (slots + 1);
        let buf = (*bytes).as_ref();
        if len < 4 * (slots + 1) || at + len > buf.len() {
            return Err("the adjacency lists are damaged".into());
        }
        let link_count = read_u32(buf, at + 4 * slots) as usize;
        if len != 4 * (slots + 1) + 8 * link_count {
            return Err("the adjacency lists are damaged".into());
        }
        Ok(Adjacency {
            bytes,
            start_at: at,
            slots,
            links_at,
            link_count,
            node_bound,
            edge_bound,
        })
    }

    /// Built in memory, for a body written without the lists.
    pub(crate) fn from_edges(
        node_bound: usize,
        edge_bound: usize,
        edges: impl Iterator<Item = (EdgeIndex, NodeIndex, NodeIndex)> + Clone,
    ) -> Adjacency {
        let bytes = Adjacency::encode(node_bound, edges);
        let len = bytes.len();
        Adjacency::read(Arc::new(bytes), 0, len, node_bound, edge_bound)
            .expect("lists just built read back")
    }

    fn buf(&self) -> &[u8] {
        (*self.bytes).as_ref()
    }

    /// The stored bytes, to compare with what the body gives (`check`).
    pub(crate) fn stored(&self) -> &[u8] {
        &self.buf()[self.start_at..self.links_at + 8 * self.link_count]
    }

    /// The links of `node` in one direction; empty for a node not in the graph. A run or link
    /// out of bounds (damage that `check` names) reads as none.
    pub(crate) fn links(&self, node: NodeIndex, direction: Direction) -> MappedLinks<'_> {
        let s = slot(node, direction);
        let (mut from, mut to) = (0, 0);
        if s < self.slots {
            let start = |i: usize| read_u32(self.buf(), self.start_at + 4 * i) as usize;
            (from, to) = (start(s), start(s + 1));
            if from > to || to > self.link_count {
                (from, to) = (0, 0);
            }
        }
        MappedLinks {
            lists: self,
            buf: self.buf(),
            next: from,
            end: to,
        }
    }
}

/// The links of one list, read from the bytes.
#[derive(Clone)]
pub(crate) struct MappedLinks<'a> {
    lists: &'a Adjacency,
    /// The bytes, looked up once (each look-up is a call through the `dyn` buffer).
    buf: &'a [u8],
    next: usize,
    end: usize,
}

impl Iterator for MappedLinks<'_> {
    type Item = Link;

    fn next(&mut self) -> Option<Link> {
        while self.next < self.end {
            let at = self.lists.links_at + 8 * self.next;
            self.next += 1;
            let (node, edge) = (
                read_u32(self.buf, at) as usize,
                read_u32(self.buf, at + 4) as usize,
            );
            if node < self.lists.node_bound && edge < self.lists.edge_bound {
                return Some(Link {
                    node: NodeIndex::new(node),
                    edge: EdgeIndex::new(edge),
                });
            }
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.end - self.next))
    }
}
