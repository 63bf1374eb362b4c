//! The base's edges: reads of an edge's columns and extras, scans of a node's edges, the
//! per-kind adjacency lists, and the branch-free checks of the edge columns on open.

use petgraph::stable_graph::{EdgeIndex, NodeIndex};

use super::{edge_kind_of, read_f64, read_u32, Checks, EncodedString, Frozen};
use super::{EDGE_CHUNK, EDGE_EFFORT, EDGE_EXTRA, EDGE_IMPORTANCE, HOLE};
use crate::adjacency::Adjacency;
use crate::derived::{BaseKeys, Levels};
use crate::model::{Edge, EdgeExtra, EdgeKind, SourceId};
use crate::name_order::NameOrder;
use crate::role_vectors::RoleVectorTable;

impl Frozen {
    /// Per 64 edge slots: the efforts stored before them, and which of them have one; built on
    /// the first read of an effort (a pass over two bytes per edge slot).
    fn effort_rank(&self) -> &[(u32, u64)] {
        self.effort_rank.get_or_init(|| {
            let kinds = &self.b()[self.edge_kind..self.edge_kind + self.edge_bound];
            let flags = &self.b()[self.edge_flags..self.edge_flags + self.edge_bound];
            effort_rank(kinds, flags)
        })
    }

    pub(crate) fn contains_edge(&self, e: EdgeIndex) -> bool {
        e.index() < self.edge_bound && self.b()[self.edge_kind + e.index()] != HOLE
    }

    pub(crate) fn endpoints(&self, e: EdgeIndex) -> Option<(NodeIndex, NodeIndex)> {
        if !self.contains_edge(e) {
            return None;
        }
        let i = e.index();
        Some((
            NodeIndex::new(read_u32(self.b(), self.edge_from + 4 * i) as usize),
            NodeIndex::new(read_u32(self.b(), self.edge_to + 4 * i) as usize),
        ))
    }

    pub(crate) fn edge_kind(&self, e: EdgeIndex) -> Option<EdgeKind> {
        if e.index() >= self.edge_bound {
            return None;
        }
        edge_kind_of(self.b()[self.edge_kind + e.index()])
    }

    pub(crate) fn importance(&self, e: EdgeIndex) -> Option<u8> {
        let i = e.index();
        if !self.contains_edge(e) || self.b()[self.edge_flags + i] & EDGE_IMPORTANCE == 0 {
            return None;
        }
        Some(self.b()[self.edge_importance + i])
    }

    pub(crate) fn edge_effort(&self, e: EdgeIndex) -> Option<f64> {
        let i = e.index();
        if !self.contains_edge(e) || self.b()[self.edge_flags + i] & EDGE_EFFORT == 0 {
            return None;
        }
        let (before, bits) = self.effort_rank()[i / 64];
        let bit = 1u64 << (i % 64);
        let rank = before as usize + (bits & (bit - 1)).count_ones() as usize;
        Some(read_f64(self.b(), self.efforts + 8 * rank))
    }

    /// Every edge of `kind` whose stored extras hold the string `text` (as postcard writes a
    /// string: its length, then its bytes), with those extras decoded for it alone and kept
    /// nowhere, in edge order. A search for a rare value (the career traps) then costs a scan
    /// of the bytes instead of decoding every extra of the kind: decoding O*NET's related
    /// occupations was a fifth of a `path` on O*NET + ESCO.
    pub(crate) fn extras_of_kind_holding(
        &self,
        kind: EdgeKind,
        text: &str,
    ) -> impl Iterator<Item = (EdgeIndex, EdgeExtra)> + '_ {
        let needle = EncodedString::new(text);
        self.extra_at
            .iter()
            .filter(move |&&(e, _, _)| self.edge_kind(EdgeIndex::new(e as usize)) == Some(kind))
            .map(|&(e, at, len)| (e, &self.b()[at as usize..at as usize + len as usize]))
            .filter(move |(_, bytes)| needle.is_in(bytes))
            .filter_map(|(e, bytes)| {
                Some((
                    EdgeIndex::new(e as usize),
                    postcard::from_bytes(bytes).ok()?,
                ))
            })
    }

    /// The rare parts of the edge at `e`, decoded on first use with those of the edges near
    /// it (no edge is built). Extras that cannot be decoded read as none; `check` reports them
    /// ([`Frozen::undecodable_extras`]).
    pub(crate) fn edge_extra(&self, e: EdgeIndex) -> Option<&EdgeExtra> {
        let i = e.index();
        if i >= self.edge_bound {
            return None;
        }
        let chunk = self.extra_chunks[i / EDGE_CHUNK].get_or_init(|| {
            self.extras_between(
                i / EDGE_CHUNK * EDGE_CHUNK,
                (i / EDGE_CHUNK + 1) * EDGE_CHUNK,
            )
            .filter_map(|(e, bytes)| Some((e, postcard::from_bytes(bytes).ok()?)))
            .collect()
        });
        let at = chunk.binary_search_by_key(&(i as u32), |(e, _)| *e).ok()?;
        Some(&chunk[at].1)
    }

    /// The skills the move at `e` names (its extras' `skills`), decoding its extras only when
    /// it names some: a least-effort search asks every move it explores, and O*NET's related
    /// occupations name none.
    pub(crate) fn move_skills(&self, e: EdgeIndex) -> &[String] {
        // `skills` is the first part of a stored `EdgeExtra`, a list, which postcard writes as
        // its length first: a list of none is the one byte 0.
        let i = e.index();
        match self.extras_between(i, i + 1).next() {
            Some((_, [0, ..])) | None => &[],
            Some(_) => self.edge_extra(e).map_or(&[], |x| x.skills.as_slice()),
        }
    }

    /// The field `name` of the edge at `e`'s extras when it is a number, decoding this edge's
    /// extras alone unless its chunk is decoded already: a least-effort search asks each move
    /// it explores for its `rank`, every O*NET move has one, and decoding the 256 extras around
    /// each (mostly `requires` edges' levels) was a sixth of a `path … by effort` process on
    /// O*NET + ESCO.
    pub(crate) fn edge_number(&self, e: EdgeIndex, name: &str) -> Option<f64> {
        let i = e.index();
        if let Some(chunk) = self.extra_chunks.get(i / EDGE_CHUNK)?.get() {
            let at = chunk.binary_search_by_key(&(i as u32), |(e, _)| *e).ok()?;
            return chunk[at].1.fields.get(name)?.as_number();
        }
        let (_, bytes) = self.extras_between(i, i + 1).next()?;
        let extra: EdgeExtra = postcard::from_bytes(bytes).ok()?;
        extra.fields.get(name)?.as_number()
    }

    /// The level the edge at `e` states (its extras' `level` field), read from the level
    /// column without decoding the extras.
    pub(crate) fn edge_level(&self, e: EdgeIndex) -> Option<f64> {
        if !self.contains_edge(e) {
            return None;
        }
        self.levels.get_or_init(|| Levels::build(self)).get(e)
    }

    /// The roles' vectors the body holds, if any.
    pub(crate) fn role_vectors(&self) -> Option<&RoleVectorTable> {
        self.role_vectors.as_ref()
    }

    /// Each node's rank in name order: the stored ranks when they give each node its own rank,
    /// else built (a damaged column then orders as the names do; `check` names it).
    pub(crate) fn name_order(&self) -> &NameOrder {
        self.name_order.get_or_init(|| {
            (self.stored_name_order.clone())
                .filter(|stored| self.checks == Checks::AsWritten || stored.ranks_each_node(self))
                .unwrap_or_else(|| NameOrder::build(self))
        })
    }

    /// The ranks the body stores, if any (for `check`).
    pub(crate) fn stored_name_order(&self) -> Option<&NameOrder> {
        self.stored_name_order.as_ref()
    }

    /// Whether the body was read without its tail (an import's), so that writing it computes
    /// the tail.
    pub(crate) fn is_bare(&self) -> bool {
        self.bare
    }

    pub(crate) fn concept_keys(&self) -> &BaseKeys {
        self.concept_keys.get_or_init(|| BaseKeys::build(self))
    }

    /// The stored extras of the edges `from..to`: (edge, bytes).
    fn extras_between(&self, from: usize, to: usize) -> impl Iterator<Item = (u32, &[u8])> + '_ {
        let first = self
            .extra_at
            .partition_point(|&(e, _, _)| (e as usize) < from);
        self.extra_at[first..]
            .iter()
            .take_while(move |&&(e, _, _)| (e as usize) < to)
            .map(|&(e, at, len)| (e, &self.b()[at as usize..at as usize + len as usize]))
    }

    /// Every edge's stored extras, decoded afresh and kept nowhere, in edge order (or why they
    /// cannot be decoded): for passes over all of them (`check`), which through
    /// [`Frozen::edge_extra`] would keep every edge's.
    pub(crate) fn extras_afresh(
        &self,
    ) -> impl Iterator<Item = (EdgeIndex, postcard::Result<EdgeExtra>)> + '_ {
        self.extras_between(0, self.edge_bound)
            .map(|(e, bytes)| (EdgeIndex::new(e as usize), postcard::from_bytes(bytes)))
    }

    /// The edges whose stored extras cannot be decoded, with why.
    pub(crate) fn undecodable_extras(&self) -> Vec<(EdgeIndex, String)> {
        self.extras_afresh()
            .filter_map(|(e, extra)| Some((e, extra.err()?.to_string())))
            .collect()
    }

    pub(crate) fn edge(&self, e: EdgeIndex) -> Option<&Edge> {
        let i = e.index();
        if i >= self.edge_bound {
            return None;
        }
        let chunk = self.edges[i / EDGE_CHUNK].get_or_init(|| {
            let start = i / EDGE_CHUNK * EDGE_CHUNK;
            (start..self.edge_bound.min(start + EDGE_CHUNK))
                .map(|j| self.decode_edge(EdgeIndex::new(j)))
                .collect()
        });
        chunk[i % EDGE_CHUNK].as_ref()
    }

    /// The sources of an existing edge, read in place (no edge is built).
    pub(crate) fn edge_sources(&self, e: EdgeIndex) -> &[SourceId] {
        let list = read_width(self.b(), self.edge_sources, self.source_width, e.index()) as usize;
        &self.lists[list]
    }

    fn decode_edge(&self, e: EdgeIndex) -> Option<Edge> {
        self.build_edge(e, self.edge_extra(e).cloned())
    }

    /// The edge at `e` built afresh, its extras decoded for it alone, and kept nowhere: for a
    /// pass that reads every edge once (an export), as [`Frozen::node_afresh`].
    pub(crate) fn edge_afresh(&self, e: EdgeIndex) -> Option<Edge> {
        let i = e.index();
        let extra = (self.extras_between(i, i + 1).next())
            .and_then(|(_, bytes)| postcard::from_bytes(bytes).ok());
        self.build_edge(e, extra)
    }

    fn build_edge(&self, e: EdgeIndex, extra: Option<EdgeExtra>) -> Option<Edge> {
        let kind = self.edge_kind(e)?;
        Some(Edge {
            kind,
            importance: self.importance(e),
            effort_hours: self.edge_effort(e),
            sources: self.edge_sources(e).to_vec(),
            extra: extra.map(Box::new),
        })
    }

    pub(crate) fn edge_indices(&self) -> impl Iterator<Item = EdgeIndex> + '_ {
        (0..self.edge_bound)
            .filter(|&i| self.b()[self.edge_kind + i] != HOLE)
            .map(EdgeIndex::new)
    }

    /// The edges of one kind in descending index (petgraph's order for every node's list), as
    /// (edge, from, to).
    pub(crate) fn edges_descending(
        &self,
        kind: EdgeKind,
    ) -> impl Iterator<Item = (EdgeIndex, NodeIndex, NodeIndex)> + Clone + '_ {
        let code = kind as u8;
        let kinds = &self.b()[self.edge_kind..self.edge_kind + self.edge_bound];
        (0..self.edge_bound)
            .rev()
            .filter(move |&i| kinds[i] == code)
            .map(|i| {
                (
                    EdgeIndex::new(i),
                    NodeIndex::new(read_u32(self.b(), self.edge_from + 4 * i) as usize),
                    NodeIndex::new(read_u32(self.b(), self.edge_to + 4 * i) as usize),
                )
            })
    }

    /// The edges of `ix` in one direction (and of one kind, if given), in petgraph's order,
    /// by a scan over every edge: for the odd lookup, before an adjacency index pays off.
    pub(crate) fn scan(
        &self,
        ix: NodeIndex,
        outgoing: bool,
        kind: Option<EdgeKind>,
    ) -> Vec<(EdgeIndex, NodeIndex)> {
        let (mine, other) = if outgoing {
            (self.edge_from, self.edge_to)
        } else {
            (self.edge_to, self.edge_from)
        };
        let target = ix.index() as u32;
        let mut out = Vec::new();
        for i in (0..self.edge_bound).rev() {
            if read_u32(self.b(), mine + 4 * i) != target {
                continue;
            }
            let code = self.b()[self.edge_kind + i];
            if code == HOLE || kind.is_some_and(|k| k as u8 != code) {
                continue;
            }
            out.push((
                EdgeIndex::new(i),
                NodeIndex::new(read_u32(self.b(), other + 4 * i) as usize),
            ));
        }
        out
    }

    pub(crate) fn count_edges(&self, kind: EdgeKind) -> usize {
        let code = kind as u8;
        self.b()[self.edge_kind..self.edge_kind + self.edge_bound]
            .iter()
            .filter(|&&k| k == code)
            .count()
    }

    /// The edges of `kind` by node and direction, built on first use.
    pub(crate) fn adjacency(&self, kind: EdgeKind) -> &Adjacency {
        self.adjacency[kind as usize].get_or_init(|| {
            let edges = self.edges_descending(kind);
            Adjacency::from_edges(self.node_bound, self.edge_bound, edges)
        })
    }

    /// Whether the adjacency of `kind` is built.
    pub(crate) fn has_adjacency(&self, kind: EdgeKind) -> bool {
        self.adjacency[kind as usize].get().is_some()
    }
}

fn read_width(buf: &[u8], base: usize, width: usize, i: usize) -> u32 {
    let at = base + width * i;
    match width {
        1 => u32::from(buf[at]),
        2 => u32::from(u16::from_le_bytes([buf[at], buf[at + 1]])),
        _ => read_u32(buf, at),
    }
}

/// The per-edge columns of a body, for the checks on open.
pub(super) struct EdgeColumns<'a> {
    pub(super) froms: &'a [u8],
    pub(super) tos: &'a [u8],
    pub(super) kinds: &'a [u8],
    pub(super) flags: &'a [u8],
    pub(super) sources: &'a [u8],
    pub(super) source_width: usize,
}

pub(super) struct EdgeSummary {
    /// Some live edge has an unknown kind, an end at or past the node bound, or a source list
    /// past the last.
    pub(super) bad: bool,
    pub(super) present: usize,
    pub(super) with_extra: usize,
    pub(super) efforts: u32,
}

/// Per 64 edge slots of these kind and flag columns: the live edges with an effort before
/// them, and which of them have one.
fn effort_rank(kinds: &[u8], flags: &[u8]) -> Vec<(u32, u64)> {
    let mut before = 0u32;
    let blocks = kinds.chunks(64).zip(flags.chunks(64));
    blocks
        .map(|(kinds, flags)| {
            let bits = (kinds.iter().zip(flags).enumerate()).fold(0u64, |bits, (j, (&k, &f))| {
                bits | (((k != HOLE) & (f & EDGE_EFFORT != 0)) as u64) << j
            });
            let rank = (before, bits);
            before += bits.count_ones();
            rank
        })
        .collect()
}

impl EdgeColumns<'_> {
    fn from(&self, i: usize) -> u32 {
        read_u32(self.froms, 4 * i)
    }

    fn to(&self, i: usize) -> u32 {
        read_u32(self.tos, 4 * i)
    }

    fn list(&self, i: usize) -> u32 {
        let mut l = [0u8; 4];
        let w = self.source_width;
        l[..w].copy_from_slice(&self.sources[i * w..(i + 1) * w]);
        u32::from_le_bytes(l)
    }

    /// Counts and effort bits over every edge slot, and whether any live edge is bad as far as
    /// the node bound tells (see [`EdgeColumns::end_in_a_hole`] for the rest).
    pub(super) fn summarise(&self, node_bound: usize, lists: usize) -> EdgeSummary {
        match self.source_width {
            1 => self.summarise_width::<1>(node_bound, lists),
            2 => self.summarise_width::<2>(node_bound, lists),
            _ => self.summarise_width::<4>(node_bound, lists),
        }
    }

    /// One pass without branches on the data (it vectorises); `W` is the source width.
    fn summarise_width<const W: usize>(&self, node_bound: usize, lists: usize) -> EdgeSummary {
        let mut summary = EdgeSummary {
            bad: false,
            present: 0,
            with_extra: 0,
            efforts: 0,
        };
        let blocks = self
            .froms
            .chunks(4 * 64)
            .zip(self.tos.chunks(4 * 64))
            .zip(self.kinds.chunks(64).zip(self.flags.chunks(64)))
            .zip(self.sources.chunks(W * 64));
        for (((froms, tos), (kinds, flags)), sources) in blocks {
            let mut bits = 0u64;
            let mut bad = false;
            let rows = froms
                .chunks_exact(4)
                .zip(tos.chunks_exact(4))
                .zip(kinds.iter().zip(flags))
                .zip(sources.chunks_exact(W));
            for (j, (((a, b), (&k, &f)), list)) in rows.enumerate() {
                let a = u32::from_le_bytes([a[0], a[1], a[2], a[3]]) as usize;
                let b = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
                let mut l = [0u8; 4];
                l[..W].copy_from_slice(list);
                let live = k != HOLE;
                let ok = (k as usize) < EdgeKind::ALL.len()
                    && a < node_bound
                    && b < node_bound
                    && (u32::from_le_bytes(l) as usize) < lists;
                bad |= live & !ok;
                summary.present += live as usize;
                summary.with_extra += (live & (f & EDGE_EXTRA != 0)) as usize;
                bits |= ((live & (f & EDGE_EFFORT != 0)) as u64) << j;
            }
            summary.bad |= bad;
            summary.efforts += bits.count_ones();
        }
        summary
    }

    /// Whether a live edge whose ends are below the node bound ends in a node hole.
    pub(super) fn end_in_a_hole(&self, node_kinds: &[u8]) -> bool {
        let hole = |n: u32| node_kinds.get(n as usize).is_some_and(|&k| k == HOLE);
        (0..self.kinds.len())
            .any(|i| self.kinds[i] != HOLE && (hole(self.from(i)) || hole(self.to(i))))
    }

    /// The message for the first bad edge, if any: the slow, plain twin of the two checks above.
    pub(super) fn first_bad(&self, node_kinds: &[u8], lists: usize) -> Option<String> {
        let node_ok = |n: u32| node_kinds.get(n as usize).is_some_and(|&k| k != HOLE);
        for (i, &k) in self.kinds.iter().enumerate() {
            if k == HOLE {
                continue;
            }
            if edge_kind_of(k).is_none() || !node_ok(self.from(i)) || !node_ok(self.to(i)) {
                return Some(format!("edge {i} is damaged"));
            }
            if self.list(i) as usize >= lists {
                return Some(format!("edge {i} names a missing source list"));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frozen::NO_NODE;
    use proptest::prelude::*;

    /// Edge slots as (kind code, from, to, flags, source list); node slots as kind codes.
    fn columns(edges: &[(u8, u32, u32, u8, u32)], width: usize) -> [Vec<u8>; 5] {
        let mut cols: [Vec<u8>; 5] = Default::default();
        for &(kind, from, to, flags, list) in edges {
            cols[0].extend_from_slice(&from.to_le_bytes());
            cols[1].extend_from_slice(&to.to_le_bytes());
            cols[2].push(kind);
            cols[3].push(flags);
            cols[4].extend_from_slice(&list.to_le_bytes()[..width]);
        }
        cols
    }
    proptest! {
        /// The branch-free checks on open agree with the plain per-edge check, and the counts
        /// with plain counting.
        #[test]
        fn fast_edge_checks_agree_with_the_plain_check(
            (node_kinds, edges, width, lists) in (1usize..12, 1usize..6).prop_flat_map(|(nb, lists)| {
                // Mostly good slots, so that one bad field is often the only one.
                let end = prop_oneof![
                    20 => 0..nb as u32,
                    1 => Just(nb as u32),
                    1 => nb as u32..nb as u32 + 4,
                    1 => Just(NO_NODE),
                ];
                let kind = prop_oneof![30 => 0u8..5, 3 => Just(HOLE), 1 => 5u8..255];
                let list = prop_oneof![30 => 0..lists as u32, 1 => Just(lists as u32), 1 => any::<u32>()];
                (
                    prop::collection::vec(prop_oneof![20 => 0u8..3, 1 => Just(HOLE)], nb),
                    prop::collection::vec((kind, end.clone(), end, 0u8..8, list), 0..150),
                    prop::sample::select(vec![1usize, 2, 4]),
                    Just(lists),
                )
            }),
        ) {
            let [froms, tos, kinds, flags, sources] = columns(&edges, width);
            let cols = EdgeColumns {
                froms: &froms,
                tos: &tos,
                kinds: &kinds,
                flags: &flags,
                sources: &sources,
                source_width: width,
            };
            let nb = node_kinds.len();
            let dense = node_kinds.iter().all(|&k| k != HOLE);
            let summary = cols.summarise(nb, lists);
            let fast_bad = summary.bad || !dense && cols.end_in_a_hole(&node_kinds);
            prop_assert_eq!(fast_bad, cols.first_bad(&node_kinds, lists).is_some());
            if !fast_bad {
                let live: Vec<_> = edges.iter().enumerate().filter(|(_, e)| e.0 != HOLE).collect();
                prop_assert_eq!(summary.present, live.len());
                prop_assert_eq!(
                    summary.with_extra,
                    live.iter().filter(|(_, e)| e.3 & EDGE_EXTRA != 0).count()
                );
                let with_effort: Vec<usize> = live
                    .iter()
                    .filter(|(_, e)| e.3 & EDGE_EFFORT != 0)
                    .map(|(i, _)| *i)
                    .collect();
                prop_assert_eq!(summary.efforts as usize, with_effort.len());
                for (block, &(before, bits)) in effort_rank(&kinds, &flags).iter().enumerate() {
                    let in_block = |i: &&usize| **i / 64 == block;
                    prop_assert_eq!(before as usize, with_effort.iter().filter(|i| **i / 64 < block).count());
                    let expected = with_effort.iter().filter(in_block).fold(0u64, |b, i| b | 1 << (i % 64));
                    prop_assert_eq!(bits, expected);
                }
            }
        }
    }
}
