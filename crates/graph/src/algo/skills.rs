//! What a person holds: [`Start`], [`held_skills`], and the small skill helpers the other
//! algorithms share (requirements, efforts, prerequisite closures, name ordering).

use std::cmp::Ordering;
use std::collections::HashSet;

use petgraph::stable_graph::NodeIndex;
use petgraph::Direction;

use crate::graph::{cmp_ignoring_case, Graph};
use crate::model::{EdgeKind, Node, NodeKind};

/// Where a person starts from, for [`held_skills`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// Someone working as this role.
    Role(NodeIndex),
    /// Someone who lists these nodes: skills (held as such), tools (held as the skills they
    /// `cover`) and roles (held as the skills they `require`).
    Profile(Vec<NodeIndex>),
}

/// The skills someone starting from `start` holds.
///
/// **have** = the seed skills plus all their transitive prerequisites (someone who holds a skill
/// learnt its prerequisites first), where the seed skills are:
///
/// - for [`Start::Role`]: every skill the role `requires`, whatever the importance;
/// - for [`Start::Profile`]: every skill listed, every skill a listed tool `covers`, and every
///   skill a listed role `requires` (whatever the importance).
///
/// Tools a role `uses` do not count. Indices of nodes that do not exist are ignored, as are
/// entries whose edges lead to non-skills.
pub fn held_skills(graph: &Graph, start: &Start) -> HashSet<NodeIndex> {
    let mut seeds = Vec::new();
    let entries: &[NodeIndex] = match start {
        Start::Role(role) => std::slice::from_ref(role),
        Start::Profile(list) => list,
    };
    for &ix in entries {
        match graph.kind_of(ix) {
            Some(NodeKind::Skill) => seeds.push(ix),
            // Whatever the importance, so not through `requirements`; repeats go below.
            Some(kind @ (NodeKind::Tool | NodeKind::Role)) => {
                let along = match kind {
                    NodeKind::Tool => EdgeKind::Covers,
                    _ => EdgeKind::Requires,
                };
                seeds.extend(
                    graph
                        .out_edges(ix, along)
                        .map(|(_, s)| s)
                        .filter(|&s| is_skill(graph, s)),
                )
            }
            None => {}
        }
    }
    // Marks, not the set, tell what is new: each held skill is hashed once, into a set made the
    // right size at once.
    let mut marks = Marks::new(node_bound(graph));
    let mut held = Vec::new();
    prerequisite_closure(graph, seeds, &mut marks, &mut held);
    held.into_iter().collect()
}

/// The node at `ix`, if there is one.
pub(crate) fn node(graph: &Graph, ix: NodeIndex) -> Option<&Node> {
    graph.get_node(ix)
}

pub(crate) fn is_kind(graph: &Graph, ix: NodeIndex, kind: NodeKind) -> bool {
    graph.kind_of(ix) == Some(kind)
}

pub(crate) fn is_skill(graph: &Graph, ix: NodeIndex) -> bool {
    is_kind(graph, ix, NodeKind::Skill)
}

/// A skill's hours to learn and whether they are known: `effort_hours`, or 0 when it is
/// missing, negative or not finite.
pub(crate) fn effort(graph: &Graph, ix: NodeIndex) -> (f64, bool) {
    match graph.effort_of(ix) {
        Some(h) if h.is_finite() && h >= 0.0 => (h, true),
        _ => (0.0, false),
    }
}

/// The skills `role` requires with importance ≥ `min_importance`, each once with the highest
/// importance any of its `requires` edges states (a missing importance counts as 1). Sorted by
/// node index.
pub(crate) fn requirements(
    graph: &Graph,
    role: NodeIndex,
    min_importance: u8,
) -> Vec<(NodeIndex, u8)> {
    if graph.kind_of(role).is_none() {
        return Vec::new();
    }
    let mut list: Vec<(NodeIndex, u8)> = graph
        .out_edges(role, EdgeKind::Requires)
        .filter(|&(_, s)| is_skill(graph, s))
        .map(|(e, s)| (s, graph.importance_of(e).unwrap_or(1)))
        .collect();
    // Highest importance first within each skill, so dedup keeps it.
    list.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    list.dedup_by_key(|r| r.0);
    list.retain(|r| r.1 >= min_importance);
    list
}

/// The direct prerequisites of `skill` (the skills that must be learnt before it).
pub(crate) fn prerequisites(
    graph: &Graph,
    skill: NodeIndex,
) -> impl Iterator<Item = NodeIndex> + '_ {
    graph
        .links(skill, Direction::Incoming, EdgeKind::Prerequisite)
        .iter()
        .map(|l| l.node)
}

/// The skills that directly need `skill` (it is their prerequisite).
pub(crate) fn dependents(graph: &Graph, skill: NodeIndex) -> impl Iterator<Item = NodeIndex> + '_ {
    graph
        .links(skill, Direction::Outgoing, EdgeKind::Prerequisite)
        .iter()
        .map(|l| l.node)
}

/// Sorts existing nodes by name (ignoring case), then id: [`Graph::order_by_name`].
pub(crate) fn sort_by_name(graph: &Graph, list: &mut [NodeIndex]) {
    if list.len() < 2 {
        return;
    }
    // Each name looked up once, not twice per comparison.
    let mut named: Vec<(&str, NodeIndex)> =
        list.iter().map(|&ix| (graph.name_of(ix), ix)).collect();
    named.sort_by(|a, b| {
        cmp_ignoring_case(a.0, b.0).then_with(|| graph.id_of(a.1).cmp(graph.id_of(b.1)))
    });
    for (slot, (_, ix)) in list.iter_mut().zip(named) {
        *slot = ix;
    }
}

/// [`Graph::order_by_name`], then the edge index: the order in which parallel choices are made.
pub(crate) fn order_choice(
    graph: &Graph,
    a: (NodeIndex, petgraph::stable_graph::EdgeIndex),
    b: (NodeIndex, petgraph::stable_graph::EdgeIndex),
) -> Ordering {
    if a.0 == b.0 {
        a.1.index().cmp(&b.1.index())
    } else {
        graph.order_by_name(a.0, b.0)
    }
}

/// Reusable visited marks over node indices: clearing is O(1).
pub(crate) struct Marks {
    map: super::scratch::Pooled,
    bound: usize,
}

impl Marks {
    pub(crate) fn new(bound: usize) -> Marks {
        Marks {
            map: super::scratch::node_map(bound),
            bound,
        }
    }

    /// Forgets every mark.
    pub(crate) fn clear(&mut self) {
        self.map.clear(self.bound);
    }

    /// Marks `ix`; true when it was not marked yet.
    pub(crate) fn mark(&mut self, ix: NodeIndex) -> bool {
        self.map.insert_new(ix, 0)
    }
}

/// Adds `roots` and all their transitive prerequisites to `out` (each once, roots first),
/// using and updating `marks`.
pub(crate) fn prerequisite_closure(
    graph: &Graph,
    roots: impl IntoIterator<Item = NodeIndex>,
    marks: &mut Marks,
    out: &mut Vec<NodeIndex>,
) {
    let start = out.len();
    for root in roots {
        if marks.mark(root) {
            out.push(root);
        }
    }
    let mut i = start;
    while i < out.len() {
        let skill = out[i];
        i += 1;
        for pre in prerequisites(graph, skill) {
            if marks.mark(pre) {
                out.push(pre);
            }
        }
    }
}

/// Adds hours smallest first, so the same set of skills always sums to the same number.
pub(crate) fn sum_hours(mut hours: Vec<f64>) -> f64 {
    hours.sort_by(f64::total_cmp);
    hours.into_iter().fold(0.0, |acc, h| acc + h)
}

/// One more than the highest node index in use: the length of arrays indexed by node.
pub(crate) fn node_bound(graph: &Graph) -> usize {
    graph.node_bound()
}
