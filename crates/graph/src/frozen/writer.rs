//! Writing a body: [`BodyWriter`] lays out the columns of the layout in `frozen.rs`, one node
//! and edge slot at a time. Apart from the reads: only an import or a snapshot writes a body.

use std::collections::HashMap;
use std::mem::take;
use std::sync::Arc;

use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeIndexable, NodeIndexable};

use super::{
    kind_code, Checks, Frozen, NodeRest, EDGE_EFFORT, EDGE_EXTRA, EDGE_IMPORTANCE, HOLE, MAGIC,
    NODE_EFFORT, NODE_REST, NO_NODE,
};
use crate::fxhash::FxBuildHasher;
use crate::model::{Edge, Node, SourceId};

/// Builds a body one node slot and one edge slot at a time, in index order.
#[derive(Default)]
pub(crate) struct BodyWriter {
    node_kind: Vec<u8>,
    node_flags: Vec<u8>,
    node_sources: Vec<u32>,
    node_effort: Vec<f64>,
    id_end: Vec<u32>,
    ids: Vec<u8>,
    name_end: Vec<u32>,
    names: Vec<u8>,
    rests: Vec<(u32, Vec<u8>)>,
    lists: Vec<Vec<SourceId>>,
    list_ids: HashMap<Vec<SourceId>, u32, FxBuildHasher>,
    /// The list interned last, which the next node or edge usually repeats.
    last_list: Option<(Vec<SourceId>, u32)>,
    edge_from: Vec<u32>,
    edge_to: Vec<u32>,
    edge_kind: Vec<u8>,
    edge_flags: Vec<u8>,
    edge_importance: Vec<u8>,
    efforts: Vec<f64>,
    edge_sources: Vec<u32>,
    extras: Vec<(u32, Vec<u8>)>,
}

impl BodyWriter {
    pub(crate) fn with_capacity(nodes: usize, edges: usize) -> BodyWriter {
        BodyWriter {
            node_kind: Vec::with_capacity(nodes),
            node_flags: Vec::with_capacity(nodes),
            node_sources: Vec::with_capacity(nodes),
            node_effort: Vec::with_capacity(nodes),
            id_end: Vec::with_capacity(nodes),
            name_end: Vec::with_capacity(nodes),
            edge_from: Vec::with_capacity(edges),
            edge_to: Vec::with_capacity(edges),
            edge_kind: Vec::with_capacity(edges),
            edge_flags: Vec::with_capacity(edges),
            edge_importance: Vec::with_capacity(edges),
            edge_sources: Vec::with_capacity(edges),
            ..BodyWriter::default()
        }
    }

    fn intern(&mut self, list: &[SourceId]) -> u32 {
        if let Some((last, id)) = &self.last_list {
            if last.as_slice() == list {
                return *id;
            }
        }
        let id = match self.list_ids.get(list) {
            Some(&id) => id,
            None => {
                let id = self.lists.len() as u32;
                self.lists.push(list.to_vec());
                self.list_ids.insert(list.to_vec(), id);
                id
            }
        };
        self.last_list = Some((list.to_vec(), id));
        id
    }

    /// The next node slot: a node, or a hole.
    pub(crate) fn node(&mut self, node: Option<&Node>) {
        let i = self.node_kind.len() as u32;
        match node {
            None => {
                self.node_kind.push(HOLE);
                self.node_flags.push(0);
                self.node_sources.push(0);
                self.node_effort.push(0.0);
            }
            Some(n) => {
                let list = self.intern(&n.sources);
                self.node_kind.push(kind_code(n.kind));
                let mut flags = 0;
                if n.effort_hours.is_some() {
                    flags |= NODE_EFFORT;
                }
                if !n.aliases.is_empty() || n.category.is_some() || !n.fields.is_empty() {
                    flags |= NODE_REST;
                    let rest = NodeRest {
                        aliases: n.aliases.clone(),
                        category: n.category.clone(),
                        fields: n.fields.clone(),
                    };
                    let bytes = postcard::to_allocvec(&rest).expect("node fields always encode");
                    self.rests.push((i, bytes));
                }
                self.node_flags.push(flags);
                self.node_sources.push(list);
                self.node_effort.push(n.effort_hours.unwrap_or(0.0));
                self.ids.extend_from_slice(n.id.as_bytes());
                self.names.extend_from_slice(n.name.as_bytes());
            }
        }
        self.id_end.push(self.ids.len() as u32);
        self.name_end.push(self.names.len() as u32);
    }

    /// The next edge slot: (from, to, edge), or a hole.
    pub(crate) fn edge(&mut self, edge: Option<(NodeIndex, NodeIndex, &Edge)>) {
        let i = self.edge_from.len() as u32;
        match edge {
            None => {
                self.edge_from.push(NO_NODE);
                self.edge_to.push(NO_NODE);
                self.edge_kind.push(HOLE);
                self.edge_flags.push(0);
                self.edge_importance.push(0);
                self.edge_sources.push(0);
            }
            Some((a, b, e)) => {
                let list = self.intern(&e.sources);
                self.edge_from.push(a.index() as u32);
                self.edge_to.push(b.index() as u32);
                self.edge_kind.push(e.kind as u8);
                let mut flags = 0;
                if let Some(imp) = e.importance {
                    flags |= EDGE_IMPORTANCE;
                    self.edge_importance.push(imp);
                } else {
                    self.edge_importance.push(0);
                }
                if let Some(h) = e.effort_hours {
                    flags |= EDGE_EFFORT;
                    self.efforts.push(h);
                }
                if let Some(extra) = &e.extra {
                    flags |= EDGE_EXTRA;
                    let bytes =
                        postcard::to_allocvec(extra.as_ref()).expect("edge extras always encode");
                    self.extras.push((i, bytes));
                }
                self.edge_flags.push(flags);
                self.edge_sources.push(list);
            }
        }
    }

    /// The body, with its label index and derived sections (see the layout above).
    pub(crate) fn finish(self) -> Vec<u8> {
        // The tail is computed from the body as read back, which shares it rather than a copy.
        let body = Arc::new(self.finish_bare());
        let tail = Frozen::parse(body.clone(), 0, Checks::Whole)
            .expect("a body just written reads back")
            .missing_tail();
        let mut body = Arc::try_unwrap(body).expect("the reader of the body is gone");
        body.extend_from_slice(&tail);
        body
    }

    /// The body without its tail (label index and derived sections), as an import holds it
    /// until it is written: the tail is computed when the snapshot is ([`Frozen::missing_tail`]),
    /// so no process holds a copy of the body while the tail is appended to it.
    pub(crate) fn finish_bare(mut self) -> Vec<u8> {
        // Each large column is let go once copied: an import holds the columns and the body.
        let nb = self.node_kind.len();
        let eb = self.edge_from.len();
        let node_count = self.node_kind.iter().filter(|&&k| k != HOLE).count();
        let edge_count = self.edge_kind.iter().filter(|&&k| k != HOLE).count();
        let mut out = Vec::with_capacity(
            64 + nb * 22 + self.ids.len() + self.names.len() + eb * 16 + self.efforts.len() * 8,
        );
        out.extend_from_slice(MAGIC);
        for n in [nb, eb, node_count, edge_count] {
            put_u32(&mut out, n as u32);
        }
        put_u32(&mut out, self.lists.len() as u32);
        for list in &self.lists {
            put_u32(&mut out, list.len() as u32);
            for s in list {
                out.extend_from_slice(&s.0.to_le_bytes());
            }
        }
        out.extend_from_slice(&self.node_kind);
        out.extend_from_slice(&self.node_flags);
        put_u32s(&mut out, &self.node_sources);
        for h in &self.node_effort {
            out.extend_from_slice(&h.to_le_bytes());
        }
        put_u32s(&mut out, &self.id_end);
        put_u32(&mut out, self.ids.len() as u32);
        out.extend_from_slice(&take(&mut self.ids));
        put_u32s(&mut out, &self.name_end);
        put_u32(&mut out, self.names.len() as u32);
        out.extend_from_slice(&take(&mut self.names));
        put_records(&mut out, &take(&mut self.rests));
        put_u32s(&mut out, &take(&mut self.edge_from));
        put_u32s(&mut out, &take(&mut self.edge_to));
        out.extend_from_slice(&take(&mut self.edge_kind));
        out.extend_from_slice(&take(&mut self.edge_flags));
        out.extend_from_slice(&take(&mut self.edge_importance));
        put_u32(&mut out, self.efforts.len() as u32);
        for h in &self.efforts {
            out.extend_from_slice(&h.to_le_bytes());
        }
        let width: u8 = match self.lists.len() {
            0..=0x100 => 1,
            0x101..=0x1_0000 => 2,
            _ => 4,
        };
        out.push(width);
        for &l in &take(&mut self.edge_sources) {
            out.extend_from_slice(&l.to_le_bytes()[..width as usize]);
        }
        put_records(&mut out, &take(&mut self.extras));
        out
    }
}

pub(super) fn put_u32(out: &mut Vec<u8>, n: u32) {
    out.extend_from_slice(&n.to_le_bytes());
}

pub(super) fn put_u32s(out: &mut Vec<u8>, list: &[u32]) {
    for &n in list {
        put_u32(out, n);
    }
}

fn put_records(out: &mut Vec<u8>, records: &[(u32, Vec<u8>)]) {
    put_u32(out, records.len() as u32);
    for (i, bytes) in records {
        put_u32(out, *i);
        put_u32(out, bytes.len() as u32);
        out.extend_from_slice(bytes);
    }
}

/// The body of a petgraph graph (schema 2's form, read by [`crate::Graph::from_data`]).
pub(crate) fn encode_petgraph(graph: &StableDiGraph<Node, Edge>) -> Vec<u8> {
    let mut w = BodyWriter::with_capacity(graph.node_bound(), graph.edge_bound());
    for i in 0..graph.node_bound() {
        w.node(graph.node_weight(NodeIndex::new(i)));
    }
    for i in 0..graph.edge_bound() {
        let e = EdgeIndex::new(i);
        w.edge(
            graph
                .edge_weight(e)
                .zip(graph.edge_endpoints(e))
                .map(|(w, (a, b))| (a, b, w)),
        );
    }
    w.finish()
}
