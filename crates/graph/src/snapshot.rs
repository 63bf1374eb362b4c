//! A graph as snapshot bytes ([`Graph::write_snapshot`]): the head (sources and profiles), the
//! body, and the body's tail of label index and derived sections (`frozen.rs`, `derived.rs`)
//! with the roles' vectors (`role_vectors.rs`), which are computed over the graph and so here
//! rather than in `frozen.rs`; and `check`'s reading of what in a body cannot be decoded.

use crate::algo::similarity;
use crate::frozen::{self, Checks, Frozen};
use crate::graph::{Graph, SnapshotTail};
use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use std::sync::Arc;

impl Graph {
    /// The graph as snapshot bytes: the compact node and edge arrays described in `frozen.rs`,
    /// then the sources and profiles (postcard). The overlay is folded in; a graph without
    /// changes since its base was read writes the base's arrays back as they were read.
    pub fn to_snapshot(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        self.write_snapshot(&mut bytes)
            .expect("writing to memory does not fail");
        bytes
    }

    /// Writes [`Graph::to_snapshot`]'s bytes to `out` part by part: the sources and profiles,
    /// the body (as read when the graph has no changes) and the body's tail when it was built
    /// without one (an import's), section by section. A snapshot is never held whole: for an
    /// import the tail alone is as large as the body.
    pub fn write_snapshot(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        let head = postcard::to_allocvec(&SnapshotTail {
            sources: self.sources().to_vec(),
            profiles: self.profiles().clone(),
        })
        .expect("sources and profiles always encode");
        out.write_all(&(head.len() as u32).to_le_bytes())?;
        out.write_all(&head)?;
        if !self.overlay().is_empty() {
            // The changes folded into a body of their own, whose tail is then computed as an
            // import's is.
            let folded = Graph::from_frozen(
                Frozen::parse(Arc::new(self.encode_body()), 0, Checks::Whole)
                    .expect("a body just written reads back"),
                Vec::new(),
                Default::default(),
            );
            return folded.write_body(out);
        }
        self.write_body(out)
    }

    /// The body of a graph without changes, then its tail when it was read without one.
    fn write_body(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        let base = self.base();
        out.write_all(base.body())?;
        if !base.is_bare() {
            return Ok(());
        }
        let role_vectors = similarity::encode(self);
        base.write_missing_tail(out, Some(&role_vectors))
    }

    /// The base and the overlay as one body, slot by slot, holes kept, without a tail.
    fn encode_body(&self) -> Vec<u8> {
        let mut w = frozen::BodyWriter::with_capacity(self.node_bound(), self.edge_bound());
        for i in 0..self.node_bound() {
            w.node(self.get_node(NodeIndex::new(i)));
        }
        for i in 0..self.edge_bound() {
            let e = EdgeIndex::new(i);
            w.edge(
                self.get_edge(e)
                    .zip(self.get_edge_endpoints(e))
                    .map(|(edge, (a, b))| (a, b, edge)),
            );
        }
        w.finish_bare()
    }

    /// The base's nodes and edges whose stored rare parts (a node's aliases, category and
    /// fields; an edge's extras) cannot be decoded, in words (they are decoded when read, and
    /// read as none if they cannot be). Those the overlay has replaced or removed are not
    /// reported: their stored parts are no longer read.
    pub fn undecodable_parts(&self) -> Vec<String> {
        let nodes = self
            .base()
            .undecodable_rests()
            .into_iter()
            .filter(|(n, _)| !self.overlay().nodes.contains_key(n))
            .map(|(n, why)| {
                format!(
                    "the fields of node #{} cannot be decoded ({why})",
                    n.index()
                )
            });
        let edges = self
            .base()
            .undecodable_extras()
            .into_iter()
            .filter(|(e, _)| !self.overlay().edges.contains_key(e))
            .map(|(e, why)| {
                format!(
                    "the fields of edge #{} cannot be decoded ({why})",
                    e.index()
                )
            });
        let derived = self.base().derived_damage();
        // The stored vectors describe the base alone, so they are checked against the base.
        let base = self.base_alone();
        let role_vectors = (self.base().role_vectors())
            .filter(|table| table.stored() != similarity::encode(&base))
            .map(|_| "the roles' vectors do not match the roles".to_string());
        nodes
            .chain(edges)
            .chain(derived)
            .chain(role_vectors)
            .collect()
    }
}
