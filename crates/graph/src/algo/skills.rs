//! What a person holds: [`Start`], [`held_skills`], and the small skill helpers the other
//! algorithms share (requirements, efforts, prerequisite closures, name ordering).

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use petgraph::stable_graph::NodeIndex;
use petgraph::Direction;

use super::effort::{profile_level, LEVEL_THRESHOLD};
use crate::fxhash::FxBuildHasher;
use crate::graph::Graph;
use crate::model::{EdgeKind, Node, NodeKind};
use crate::text::cmp_ignoring_case;

/// Where a person starts from, for [`held_skills`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// Someone working as this role.
    Role(NodeIndex),
    /// Someone who lists these nodes, each with the profile level (1–5) they give it, if any:
    /// skills (held as such), tools (held, and held as the skills they `cover`) and roles (held
    /// as the skills they `require`, at the role's levels, and the tools they `use`).
    Profile(Vec<(NodeIndex, Option<u8>)>),
}

/// What someone holds: skills, each at a level on O*NET's 0–7 scale or without one (held in
/// full: the curated graph and ESCO state no levels), and tools.
///
/// A skill is held either as rated (what someone starts with: a role's levels, a profile's)
/// or as learnt on the way ([`Held::learn`]). The two meet a need differently: a rated level
/// less than [`LEVEL_THRESHOLD`] below the need meets it, because two ratings that close differ
/// by their noise; a learnt level is the level aimed at, and meets a need only when it reaches
/// it. Otherwise a route could pass through roles rated just below the goal's levels and
/// count the rest as noise, which learning straight for the goal never can.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Held {
    skills: HashMap<NodeIndex, Option<f64>, FxBuildHasher>,
    learnt: HashSet<NodeIndex, FxBuildHasher>,
    tools: HashSet<NodeIndex, FxBuildHasher>,
    /// Nodes held only because a node linked with them is ([`Graph::linked`]): which one.
    through_link: HashMap<NodeIndex, NodeIndex, FxBuildHasher>,
}

impl Held {
    /// Whether `skill` is held at any level.
    pub fn contains(&self, skill: &NodeIndex) -> bool {
        self.skills.contains_key(skill)
    }

    /// The level `skill` is held at: `None` when not held, `Some(None)` when held in full.
    pub fn level(&self, skill: NodeIndex) -> Option<Option<f64>> {
        self.skills.get(&skill).copied()
    }

    /// Holds `skill` at `level` (`None`: in full), keeping the higher of this and what is held.
    pub fn hold(&mut self, skill: NodeIndex, level: Option<f64>) {
        let slot = self.skills.entry(skill).or_insert(level);
        *slot = match (*slot, level) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
    }

    /// Holds `skill` at `level` as learnt on the way (see [`Held`]): from now on it meets a
    /// need only at or above the need's level.
    pub fn learn(&mut self, skill: NodeIndex, level: Option<f64>) {
        self.hold(skill, level);
        self.learnt.insert(skill);
    }

    /// How `skill` stands against a need at level `needed` (`None`: the skill as such). Held
    /// in full, or needed without a level, or held as rated less than [`LEVEL_THRESHOLD`]
    /// below the level needed, or learnt to it: [`Standing::Met`].
    pub fn standing(&self, skill: NodeIndex, needed: Option<f64>) -> Standing {
        match (self.skills.get(&skill), needed) {
            (None, _) => Standing::Missing,
            (Some(None), _) | (Some(Some(_)), None) => Standing::Met,
            (Some(Some(have)), Some(need)) => {
                let short = if self.learnt.contains(&skill) {
                    // Learnt levels are the levels of the data, aimed at exactly: compare
                    // them exactly, short of floating-point noise.
                    1e-9
                } else {
                    LEVEL_THRESHOLD
                };
                if need - have >= short {
                    Standing::Below(*have)
                } else {
                    Standing::Met
                }
            }
        }
    }

    /// Whether everything `other` holds is held here at least as well (tools aside), so that
    /// every need `other` meets is met here: then no plan costs more from here.
    pub fn covers(&self, other: &Held) -> bool {
        other.skills.len() <= self.skills.len()
            && other
                .skills
                .iter()
                .all(|(s, level)| match (self.skills.get(s), level) {
                    (None, _) => false,
                    (Some(None), _) => true,
                    (Some(Some(_)), None) => false,
                    (Some(Some(mine)), Some(theirs)) => {
                        // A learnt level meets less than the same level as rated.
                        let margin = if self.learnt.contains(s) && !other.learnt.contains(s) {
                            LEVEL_THRESHOLD
                        } else {
                            0.0
                        };
                        *mine >= theirs + margin
                    }
                })
    }

    /// Whether `skill` is held well enough for `needed`.
    pub fn meets(&self, skill: NodeIndex, needed: Option<f64>) -> bool {
        self.standing(skill, needed) == Standing::Met
    }

    /// The held skills, in no particular order.
    pub fn skills(&self) -> impl Iterator<Item = NodeIndex> + '_ {
        self.skills.keys().copied()
    }

    /// How many skills are held.
    pub fn len(&self) -> usize {
        self.skills.len()
    }

    pub fn is_empty(&self) -> bool {
        self.skills.is_empty()
    }

    pub fn has_tool(&self, tool: NodeIndex) -> bool {
        self.tools.contains(&tool)
    }

    pub fn hold_tool(&mut self, tool: NodeIndex) {
        self.tools.insert(tool);
    }

    /// For a skill or tool held only through a link with another dataset's node: that node.
    pub fn held_through(&self, ix: NodeIndex) -> Option<NodeIndex> {
        self.through_link.get(&ix).copied()
    }
}

/// Skills held in full, and no tools.
impl FromIterator<NodeIndex> for Held {
    fn from_iter<I: IntoIterator<Item = NodeIndex>>(skills: I) -> Held {
        let mut held = Held::default();
        for s in skills {
            held.hold(s, None);
        }
        held
    }
}

/// How a held skill stands against a need: [`Held::standing`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Standing {
    Met,
    /// Not held at all.
    Missing,
    /// Held at this level, too far below the need.
    Below(f64),
}

impl Standing {
    /// The level learning starts from: none when the skill is missing.
    pub fn from_level(self) -> Option<f64> {
        match self {
            Standing::Below(level) => Some(level),
            _ => None,
        }
    }
}

/// The skills and tools someone starting from `start` holds.
///
/// The seed skills are:
///
/// - for [`Start::Role`]: every skill the role `requires`, whatever the importance, at the
///   highest level its edges state (in full where one states none);
/// - for [`Start::Profile`]: every skill listed (at its profile level on the 0–7 scale,
///   [`profile_level`], or in full without one), every skill a listed tool `covers` (likewise),
///   and every skill a listed role `requires` (at the role's levels).
///
/// All transitive prerequisites of a seed are held in full too (someone who holds a skill
/// learnt its prerequisites first). Tools: those a role `uses` (the start role, or a role a
/// profile lists), those a profile lists. Indices
/// of nodes that do not exist are ignored, as are entries whose edges lead to non-skills.
pub fn held_skills(graph: &Graph, start: &Start) -> Held {
    let mut held = Held::default();
    let role_skills = |held: &mut Held, role: NodeIndex| {
        for need in requirements(graph, role, 0) {
            held.hold(need.skill, need.level);
        }
    };
    match start {
        Start::Role(role) => {
            if is_kind(graph, *role, NodeKind::Role) {
                role_skills(&mut held, *role);
                for (_, tool) in graph.out_edges(*role, EdgeKind::Uses) {
                    held.hold_tool(tool);
                }
            }
        }
        Start::Profile(list) => {
            for &(ix, level) in list {
                let level = level.map(profile_level);
                match graph.kind_of(ix) {
                    Some(NodeKind::Skill) => held.hold(ix, level),
                    Some(NodeKind::Tool) => {
                        held.hold_tool(ix);
                        for (_, s) in graph.out_edges(ix, EdgeKind::Covers) {
                            if is_skill(graph, s) {
                                held.hold(s, level);
                            }
                        }
                    }
                    // Someone who worked as the role: its skills, and its tools, as from the role.
                    Some(NodeKind::Role) => {
                        role_skills(&mut held, ix);
                        for (_, tool) in graph.out_edges(ix, EdgeKind::Uses) {
                            held.hold_tool(tool);
                        }
                    }
                    None => {}
                }
            }
        }
    }
    // Marks, not the map, tell what is new.
    let mut marks = Marks::new(node_bound(graph));
    let mut closure = Vec::new();
    let seeds: Vec<NodeIndex> = held.skills().collect();
    prerequisite_closure(graph, seeds.iter().copied(), &mut marks, &mut closure);
    for pre in closure.into_iter().skip(seeds.len()) {
        held.hold(pre, None);
    }
    hold_linked(graph, &mut held);
    held
}

/// Holds every skill and tool linked as one concept with one held ([`Graph::linked`]): the
/// curated `Kubernetes` is O*NET's and ESCO's too. A skill keeps its level; a skill linked with
/// a held tool is held in full (tools have no levels).
fn hold_linked(graph: &Graph, held: &mut Held) {
    let skills: Vec<(NodeIndex, Option<f64>)> =
        held.skills.iter().map(|(&s, &level)| (s, level)).collect();
    let tools: Vec<NodeIndex> = held.tools.iter().copied().collect();
    let seeds = skills
        .into_iter()
        .chain(tools.into_iter().map(|t| (t, None)));
    for (ix, level) in seeds {
        for &other in graph.linked(ix) {
            let new = !held.contains(&other) && !held.has_tool(other);
            match graph.kind_of(other) {
                Some(NodeKind::Skill) => held.hold(other, level),
                Some(NodeKind::Tool) => held.hold_tool(other),
                _ => continue,
            }
            if new {
                held.through_link.insert(other, ix);
            }
        }
    }
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

/// One skill a role requires: the highest importance and the highest level its `requires`
/// edges state (a missing importance counts as 1; the level is `None` when no edge states one).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Need {
    pub skill: NodeIndex,
    pub importance: u8,
    /// On O*NET's 0–7 scale.
    pub level: Option<f64>,
}

/// The skills `role` requires with importance ≥ `min_importance`, each once ([`Need`]). Sorted
/// by node index.
pub fn requirements(graph: &Graph, role: NodeIndex, min_importance: u8) -> Vec<Need> {
    if graph.kind_of(role).is_none() {
        return Vec::new();
    }
    let mut list: Vec<Need> = graph
        .out_edges(role, EdgeKind::Requires)
        .filter(|&(_, s)| is_skill(graph, s))
        .map(|(e, skill)| Need {
            skill,
            importance: graph.importance_of(e).unwrap_or(1),
            level: graph.level_of(e),
        })
        .collect();
    list.sort_by_key(|need| need.skill);
    // Parallel edges (several sources) fold into one need, with the highest of each figure.
    let mut folded: Vec<Need> = Vec::with_capacity(list.len());
    for need in list {
        match folded.last_mut() {
            Some(last) if last.skill == need.skill => {
                last.importance = last.importance.max(need.importance);
                last.level = match (last.level, need.level) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                };
            }
            _ => folded.push(need),
        }
    }
    folded.retain(|r| r.importance >= min_importance);
    folded
}

/// The direct prerequisites of `skill` (the skills that must be learnt before it).
pub(crate) fn prerequisites(
    graph: &Graph,
    skill: NodeIndex,
) -> impl Iterator<Item = NodeIndex> + '_ {
    graph
        .links(skill, Direction::Incoming, EdgeKind::Prerequisite)
        .map(|l| l.node)
}

/// The skills that directly need `skill` (it is their prerequisite).
pub(crate) fn dependents(graph: &Graph, skill: NodeIndex) -> impl Iterator<Item = NodeIndex> + '_ {
    graph
        .links(skill, Direction::Outgoing, EdgeKind::Prerequisite)
        .map(|l| l.node)
}

/// Sorts existing nodes by name (ignoring case), then id: [`Graph::order_by_name`].
pub(crate) fn sort_by_name(graph: &Graph, list: &mut [NodeIndex]) {
    if list.len() < 2 {
        return;
    }
    let ranked: Option<Vec<(u32, NodeIndex)>> = list
        .iter()
        .map(|&ix| Some((graph.name_rank(ix)?, ix)))
        .collect();
    if let Some(mut ranked) = ranked {
        // Ranks are distinct, so no order among equals is lost.
        ranked.sort_unstable_by_key(|r| r.0);
        for (slot, (_, ix)) in list.iter_mut().zip(ranked) {
            *slot = ix;
        }
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
