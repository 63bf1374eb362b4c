//! Every node's place in name order ([`Graph::order_by_name`](crate::Graph::order_by_name):
//! names ignoring case, then ids), as a column of ranks read in place: written with the
//! snapshot (its `SGO1` section, `derived.rs`) so that sorting by name compares two numbers.
//! Comparing names ignoring case was 40 % of `gap` (each gap's missing prerequisites, the plan's
//! steps and tools are sorted by name).
//!
//! # Layout (little-endian)
//!
//! ```text
//! "SGO1" unicode:3 × u8 (char::UNICODE_VERSION) 0:u8 len:u32, then node_bound × rank:u32
//!        (u32::MAX for a hole)
//! ```
//!
//! Ranks follow the lower-casing of the Unicode version they were written under; under another
//! they are ignored and built anew. A body without the section builds the same bytes in memory
//! on first use, so every read goes through one form. Ranks are ordered as the names are only
//! for the base's nodes as they are in the body; the graph compares by rank only nodes its
//! overlay has not changed.

use std::cmp::Ordering;
use std::sync::Arc;

use petgraph::stable_graph::NodeIndex;

use crate::frozen::{read_u32, Frozen, SnapshotBytes};
use crate::text::cmp_ignoring_case;

pub(crate) const NAME_ORDER_MAGIC: &[u8; 4] = b"SGO1";

const NO_RANK: u32 = u32::MAX;

/// The order of two base nodes by name, ignoring case, then by id: what the ranks encode.
pub(crate) fn cmp_base_by_name(base: &Frozen, a: NodeIndex, b: NodeIndex) -> Ordering {
    cmp_ignoring_case(base.name(a), base.name(b)).then_with(|| base.id(a).cmp(base.id(b)))
}

/// Each node's rank in name order: see the [module docs](self).
#[derive(Clone)]
pub(crate) struct NameOrder {
    bytes: SnapshotBytes,
    at: usize,
    node_bound: usize,
}

impl NameOrder {
    /// The section's ranks (without its head) for `base`.
    pub(crate) fn encode(base: &Frozen) -> Vec<u8> {
        let mut nodes: Vec<NodeIndex> = Vec::with_capacity(base.node_count());
        nodes.extend(base.node_indices());
        nodes.sort_unstable_by(|&a, &b| cmp_base_by_name(base, a, b));
        let mut ranks = NO_RANK.to_le_bytes().repeat(base.node_bound());
        for (rank, ix) in nodes.into_iter().enumerate() {
            let at = 4 * ix.index();
            ranks[at..at + 4].copy_from_slice(&(rank as u32).to_le_bytes());
        }
        ranks
    }

    /// The section's head: its magic, the Unicode version and the length of `ranks`.
    pub(crate) fn head(ranks_len: usize) -> Vec<u8> {
        let (major, minor, update) = std::char::UNICODE_VERSION;
        let mut head = NAME_ORDER_MAGIC.to_vec();
        head.extend_from_slice(&[major, minor, update, 0]);
        head.extend_from_slice(&(ranks_len as u32).to_le_bytes());
        head
    }

    /// The ranks at `at..at + len` of `bytes`, for a body of `node_bound` nodes.
    pub(crate) fn read(
        bytes: SnapshotBytes,
        at: usize,
        len: usize,
        node_bound: usize,
    ) -> Result<NameOrder, String> {
        if Some(len) != node_bound.checked_mul(4) {
            return Err("the name order is damaged".into());
        }
        Ok(NameOrder {
            bytes,
            at,
            node_bound,
        })
    }

    /// Built in memory, for a body written without the section (or under another Unicode).
    pub(crate) fn build(base: &Frozen) -> NameOrder {
        let bytes = NameOrder::encode(base);
        let len = bytes.len();
        NameOrder::read(Arc::new(bytes), 0, len, base.node_bound())
            .expect("ranks just built read back")
    }

    /// The stored ranks, to compare with what the body gives (`check`).
    pub(crate) fn stored(&self) -> &[u8] {
        &(*self.bytes).as_ref()[self.at..self.at + 4 * self.node_bound]
    }

    /// Whether every node of `base` has its own rank below the node count, and no hole has
    /// one: then ranks order nodes totally, as a sort needs, even when damage put them out of
    /// name order. O(node bound), once per process, on first use.
    pub(crate) fn ranks_each_node(&self, base: &Frozen) -> bool {
        let count = base.node_count();
        let mut seen = vec![false; count];
        (0..self.node_bound).all(|i| {
            let ix = NodeIndex::new(i);
            match (base.contains_node(ix), self.rank(ix)) {
                (true, Some(r)) => match seen.get_mut(r as usize) {
                    Some(slot) if !*slot => {
                        *slot = true;
                        true
                    }
                    _ => false,
                },
                (false, None) => true,
                _ => false,
            }
        })
    }

    /// The rank of base node `ix`; `None` for a hole or an index past the body.
    pub(crate) fn rank(&self, ix: NodeIndex) -> Option<u32> {
        let i = ix.index();
        if i >= self.node_bound {
            return None;
        }
        let rank = read_u32((*self.bytes).as_ref(), self.at + 4 * i);
        (rank != NO_RANK).then_some(rank)
    }
}
