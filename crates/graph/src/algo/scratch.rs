//! Per-node working memory that is cleared in O(1) and reused between queries.
//!
//! An answer on a large graph often touches a few hundred nodes; allocating and zeroing an array
//! over all 100k node indices for it would cost more than the search. A [`NodeMap`] keeps its
//! arrays between uses (in a per-thread pool) and forgets its contents by bumping an epoch.

use std::cell::RefCell;
use std::ops::{Deref, DerefMut};

use petgraph::stable_graph::NodeIndex;

/// A map from node index to `u32`, cleared in O(1).
pub(crate) struct NodeMap {
    stamp: Vec<u32>,
    value: Vec<u32>,
    epoch: u32,
}

impl NodeMap {
    fn new() -> NodeMap {
        NodeMap {
            stamp: Vec::new(),
            value: Vec::new(),
            epoch: 1,
        }
    }

    /// Forgets every entry and makes room for indices below `bound`.
    pub(crate) fn clear(&mut self, bound: usize) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.fill(0);
            self.epoch = 1;
        }
        if self.stamp.len() < bound {
            self.stamp.resize(bound, 0);
            self.value.resize(bound, 0);
        }
    }

    pub(crate) fn get(&self, ix: NodeIndex) -> Option<u32> {
        match self.stamp.get(ix.index()) {
            Some(&s) if s == self.epoch => Some(self.value[ix.index()]),
            _ => None,
        }
    }

    pub(crate) fn contains(&self, ix: NodeIndex) -> bool {
        self.get(ix).is_some()
    }

    /// Sets the entry of `ix` (ignored for an index beyond the bound given to `clear`).
    pub(crate) fn insert(&mut self, ix: NodeIndex, value: u32) {
        if let Some(s) = self.stamp.get_mut(ix.index()) {
            *s = self.epoch;
            self.value[ix.index()] = value;
        }
    }

    /// Inserts `value` unless `ix` has an entry; true when it was inserted.
    pub(crate) fn insert_new(&mut self, ix: NodeIndex, value: u32) -> bool {
        match self.stamp.get_mut(ix.index()) {
            Some(s) if *s != self.epoch => {
                *s = self.epoch;
                self.value[ix.index()] = value;
                true
            }
            _ => false,
        }
    }
}

thread_local! {
    static POOL: RefCell<Vec<NodeMap>> = const { RefCell::new(Vec::new()) };
}

/// A [`NodeMap`] borrowed from the pool, empty and sized for `bound`; it goes back on drop.
pub(crate) struct Pooled(Option<NodeMap>);

pub(crate) fn node_map(bound: usize) -> Pooled {
    let mut map = POOL
        .with(|pool| pool.borrow_mut().pop())
        .unwrap_or_else(NodeMap::new);
    map.clear(bound);
    Pooled(Some(map))
}

impl Deref for Pooled {
    type Target = NodeMap;

    fn deref(&self) -> &NodeMap {
        self.0.as_ref().expect("present until drop")
    }
}

impl DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut NodeMap {
        self.0.as_mut().expect("present until drop")
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        if let Some(map) = self.0.take() {
            // A thread that is shutting down has no pool left; the map is simply freed.
            let _ = POOL.try_with(|pool| pool.borrow_mut().push(map));
        }
    }
}
