//! Skill plans: [`gap`], [`learning_plan`], [`closest_roles`] and [`move_cost`].

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, HashSet};

use petgraph::stable_graph::{EdgeIndex, NodeIndex};

use super::skills::{
    dependents, effort, held_skills, is_kind, is_skill, node_bound, prerequisite_closure,
    prerequisites, requirements, sort_by_name, sum_hours, Marks, Start,
};
use crate::graph::Graph;
use crate::model::{EdgeKind, NodeKind};

/// The priority a skill named in `extra_required` gets when the target does not require it.
pub const NAMED_PRIORITY: u8 = 5;

/// One skill a role needs that someone lacks.
#[derive(Debug, Clone, PartialEq)]
pub struct GapItem {
    pub skill: NodeIndex,
    /// The highest importance (1–5) the target's `requires` edges give the skill.
    pub importance: u8,
    /// The skill's `effort_hours`, 0 when unknown.
    pub effort_hours: f64,
    /// Whether the skill states its effort.
    pub effort_known: bool,
    /// Every transitive prerequisite of the skill that is not held, sorted by name.
    pub missing_prerequisites: Vec<NodeIndex>,
}

/// The skills `target` requires with importance ≥ `min_importance` that are not in `have`.
///
/// A skill required through several `requires` edges (several sources) counts once with the
/// highest importance; a `requires` edge without importance counts as importance 1. Sorted by
/// importance (highest first), then effort (least first, unknown = 0), then name. Empty when
/// `target` does not exist or requires nothing.
pub fn gap(
    graph: &Graph,
    have: &HashSet<NodeIndex>,
    target: NodeIndex,
    min_importance: u8,
) -> Vec<GapItem> {
    let mut marks = Marks::new(node_bound(graph));
    let mut items: Vec<GapItem> = requirements(graph, target, min_importance)
        .into_iter()
        .filter(|(s, _)| !have.contains(s))
        .map(|(skill, importance)| {
            marks.clear();
            let mut closure = Vec::new();
            prerequisite_closure(graph, [skill], &mut marks, &mut closure);
            let mut missing: Vec<NodeIndex> = closure
                .into_iter()
                .skip(1)
                .filter(|s| !have.contains(s))
                .collect();
            sort_by_name(graph, &mut missing);
            let (effort_hours, effort_known) = effort(graph, skill);
            GapItem {
                skill,
                importance,
                effort_hours,
                effort_known,
                missing_prerequisites: missing,
            }
        })
        .collect();
    items.sort_by(|a, b| graph.order_by_name(a.skill, b.skill));
    items.sort_by(|a, b| {
        b.importance
            .cmp(&a.importance)
            .then(a.effort_hours.total_cmp(&b.effort_hours))
    });
    items
}

/// Why a skill is in a learning plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The target requires it with this importance (≥ the plan's minimum).
    Required { importance: u8 },
    /// The caller named it (`extra_required`), and the target does not require it with
    /// importance ≥ the minimum.
    Named,
    /// Only needed before these skills (its direct dependents among the plan's skills and
    /// their prerequisites), sorted by name.
    PrerequisiteOf(Vec<NodeIndex>),
}

/// One skill to learn.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanStep {
    pub skill: NodeIndex,
    /// The skill's `effort_hours`, 0 when unknown.
    pub effort_hours: f64,
    pub effort_known: bool,
    /// Hours of this step and every earlier one.
    pub cumulative_hours: f64,
    pub reason: Reason,
    /// The priority the plan ordered the skill by (see [`learning_plan`]).
    pub priority: u8,
    /// Tools that `cover` the skill, sorted by name.
    pub covered_by: Vec<NodeIndex>,
}

/// An ordered list of skills to learn.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LearningPlan {
    pub steps: Vec<PlanStep>,
    /// The sum of the steps' `effort_hours` (added smallest first, so it equals the `hours`
    /// [`closest_roles`] and [`move_cost`] report for the same plan exactly).
    pub total_hours: f64,
}

/// The skills to learn: the target's required skills (importance ≥ minimum) and the named
/// ones, minus held ones; with the priority each brings and why.
fn plan_roots(
    graph: &Graph,
    held: &dyn Fn(NodeIndex) -> bool,
    target: NodeIndex,
    min_importance: u8,
    extra_required: &[NodeIndex],
) -> Vec<(NodeIndex, u8, Reason)> {
    let mut roots: Vec<(NodeIndex, u8, Reason)> = requirements(graph, target, min_importance)
        .into_iter()
        .filter(|&(s, _)| !held(s))
        .map(|(s, importance)| (s, importance, Reason::Required { importance }))
        .collect();
    for &s in extra_required {
        if is_skill(graph, s) && !held(s) && !roots.iter().any(|r| r.0 == s) {
            roots.push((s, NAMED_PRIORITY, Reason::Named));
        }
    }
    roots
}

/// The total hours of the plan [`learning_plan`] would make, without ordering it.
fn plan_hours(
    graph: &Graph,
    held: &dyn Fn(NodeIndex) -> bool,
    target: NodeIndex,
    min_importance: u8,
    extra_required: &[NodeIndex],
    marks: &mut Marks,
) -> f64 {
    let roots = plan_roots(graph, held, target, min_importance, extra_required);
    marks.clear();
    let mut closure = Vec::new();
    prerequisite_closure(graph, roots.iter().map(|r| r.0), marks, &mut closure);
    sum_hours(
        closure
            .into_iter()
            .filter(|&s| !held(s))
            .map(|s| effort(graph, s).0)
            .collect(),
    )
}

/// What orders the ready skills in [`learning_plan`]: held skills (no step) first, then higher
/// priority, less effort, name.
#[derive(Clone, Copy, PartialEq)]
struct Ready {
    held: bool,
    priority: u8,
    effort: f64,
    rank: usize,
    pos: usize,
}

impl Eq for Ready {}

impl PartialOrd for Ready {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ready {
    /// Greater = learnt sooner (`BinaryHeap` pops the greatest).
    fn cmp(&self, other: &Self) -> Ordering {
        self.held
            .cmp(&other.held)
            .then(self.priority.cmp(&other.priority))
            .then(other.effort.total_cmp(&self.effort))
            .then(other.rank.cmp(&self.rank))
    }
}

/// The skills to learn to qualify for `target`, in the order to learn them.
///
/// **Which skills.** The roots are the *gap* (the skills `target` requires with importance ≥
/// `min_importance` that are not in `have`, as in [`gap`]) plus the skills in `extra_required`
/// that are not in `have` (non-skills are ignored; a caller adds e.g. the skills a career move
/// names). The plan holds the roots and all their transitive prerequisites that are not in
/// `have`, and nothing else. `have` is normally [`held_skills`]'s result, which already holds
/// the prerequisites of every held skill.
///
/// **Reasons.** A root the target requires is [`Reason::Required`] (with its highest
/// importance); a root only named in `extra_required` is [`Reason::Named`]; every other skill
/// is [`Reason::PrerequisiteOf`] the skills that directly need it.
///
/// **Order.** Every skill comes after all its prerequisites (transitively, even through held
/// skills). Among the skills whose prerequisites are all learnt, the plan takes the one with
/// the highest *priority*, then the least effort, then by name. A skill's priority is the
/// highest of: its own importance if the target requires it (≥ minimum), [`NAMED_PRIORITY`]
/// if only named, and the priorities of every plan root that needs it, directly or
/// transitively (so a prerequisite is as urgent as the most important skill waiting for it).
/// If the data held a prerequisite cycle (which [`crate::Change`] prevents), the best-ranked
/// skill of the cycle is taken first.
///
/// **Hours.** A skill without `effort_hours` counts as 0 hours (`effort_known` is false).
/// `cumulative_hours` is the running sum; `total_hours` the sum of every step. When `have`
/// covers everything, the plan has no steps and 0 hours.
pub fn learning_plan(
    graph: &Graph,
    have: &HashSet<NodeIndex>,
    target: NodeIndex,
    min_importance: u8,
    extra_required: &[NodeIndex],
) -> LearningPlan {
    let held = |s: NodeIndex| have.contains(&s);
    let roots = plan_roots(graph, &held, target, min_importance, extra_required);
    let mut marks = Marks::new(node_bound(graph));
    let mut closure = Vec::new();
    prerequisite_closure(graph, roots.iter().map(|r| r.0), &mut marks, &mut closure);
    let pos: HashMap<NodeIndex, usize> = closure.iter().enumerate().map(|(i, &s)| (s, i)).collect();

    // Priorities: roots by their own priority, highest first, pass it to every prerequisite
    // not yet given a (necessarily higher or equal) one.
    let mut priority = vec![0u8; closure.len()];
    let mut given = vec![false; closure.len()];
    let mut by_priority: Vec<&(NodeIndex, u8, Reason)> = roots.iter().collect();
    by_priority.sort_by_key(|r| std::cmp::Reverse(r.1));
    for &(root, own, _) in by_priority {
        let mut stack = vec![pos[&root]];
        while let Some(i) = stack.pop() {
            if given[i] {
                continue;
            }
            given[i] = true;
            priority[i] = own;
            for pre in super::skills::prerequisites(graph, closure[i]) {
                let j = pos[&pre];
                if !given[j] {
                    stack.push(j);
                }
            }
        }
    }

    // Order: Kahn's algorithm over the closure (held skills pass through without a step).
    let mut sorted = closure.clone();
    sort_by_name(graph, &mut sorted);
    let mut rank = vec![0usize; closure.len()];
    for (r, s) in sorted.iter().enumerate() {
        rank[pos[s]] = r;
    }
    let ready_key = |i: usize| Ready {
        held: held(closure[i]),
        priority: priority[i],
        effort: effort(graph, closure[i]).0,
        rank: rank[i],
        pos: i,
    };
    let mut waiting: Vec<usize> = closure
        .iter()
        .map(|&s| super::skills::prerequisites(graph, s).count())
        .collect();
    let mut heap: BinaryHeap<Ready> = (0..closure.len())
        .filter(|&i| waiting[i] == 0)
        .map(ready_key)
        .collect();
    let mut done = vec![false; closure.len()];
    let mut order = Vec::with_capacity(closure.len());
    while order.len() < closure.len() {
        let next = match heap.pop() {
            Some(r) => r.pos,
            // Only with a prerequisite cycle: take the best of what is left.
            None => match (0..closure.len())
                .filter(|&i| !done[i])
                .map(ready_key)
                .max()
            {
                Some(r) => r.pos,
                None => break,
            },
        };
        if done[next] {
            continue;
        }
        done[next] = true;
        order.push(next);
        for dep in dependents(graph, closure[next]) {
            if let Some(&j) = pos.get(&dep) {
                waiting[j] = waiting[j].saturating_sub(1);
                if waiting[j] == 0 && !done[j] {
                    heap.push(ready_key(j));
                }
            }
        }
    }

    let reasons: HashMap<NodeIndex, &Reason> = roots.iter().map(|r| (r.0, &r.2)).collect();
    let mut steps = Vec::new();
    let mut cumulative = 0.0;
    let mut hours = Vec::new();
    for i in order {
        let skill = closure[i];
        if held(skill) {
            continue;
        }
        let (effort_hours, effort_known) = effort(graph, skill);
        cumulative += effort_hours;
        hours.push(effort_hours);
        let reason = match reasons.get(&skill) {
            Some(&r) => r.clone(),
            None => {
                let mut needing: Vec<NodeIndex> = dependents(graph, skill)
                    .filter(|d| pos.contains_key(d))
                    .collect::<HashSet<_>>()
                    .into_iter()
                    .collect();
                sort_by_name(graph, &mut needing);
                Reason::PrerequisiteOf(needing)
            }
        };
        let mut covered_by: Vec<NodeIndex> = graph
            .in_edges(skill, EdgeKind::Covers)
            .map(|(_, t)| t)
            .filter(|&t| is_kind(graph, t, NodeKind::Tool))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        sort_by_name(graph, &mut covered_by);
        steps.push(PlanStep {
            skill,
            effort_hours,
            effort_known,
            cumulative_hours: cumulative,
            reason,
            priority: priority[i],
            covered_by,
        });
    }
    LearningPlan {
        steps,
        total_hours: sum_hours(hours),
    }
}

/// How close someone is to a role.
#[derive(Debug, Clone, PartialEq)]
pub struct Closeness {
    pub role: NodeIndex,
    /// The `total_hours` of [`learning_plan`]`(have, role, min_importance, &[])`.
    pub hours: f64,
    /// 0–100: the share of the role's required skills (importance ≥ minimum) in `have`,
    /// weighted by importance; 100 for a role that requires nothing (at that minimum).
    pub match_pct: f64,
    /// How many of those required skills are not in `have` (the length of [`gap`]).
    pub missing: usize,
}

/// Every role except `exclude`, closest first: by the hours of the learning plan from `have`
/// (fewest first), then by `match_pct` (highest first), then by name.
pub fn closest_roles(
    graph: &Graph,
    have: &HashSet<NodeIndex>,
    min_importance: u8,
    exclude: Option<NodeIndex>,
) -> Vec<Closeness> {
    let bound = node_bound(graph);
    let held_flags = flags_of(have, bound);
    let held = |s: NodeIndex| held_flags.get(s.index()).copied().unwrap_or(false);
    let mut marks = Marks::new(bound);
    let mut roles: Vec<NodeIndex> = graph
        .node_indices()
        .filter(|&r| Some(r) != exclude && graph.node(r).kind == NodeKind::Role)
        .collect();
    sort_by_name(graph, &mut roles);
    let mut list: Vec<Closeness> = roles
        .into_iter()
        .map(|role| {
            let needs = requirements(graph, role, min_importance);
            let total: u32 = needs.iter().map(|r| u32::from(r.1)).sum();
            let got: u32 = needs
                .iter()
                .filter(|r| held(r.0))
                .map(|r| u32::from(r.1))
                .sum();
            let match_pct = if total == 0 {
                100.0
            } else {
                100.0 * f64::from(got) / f64::from(total)
            };
            Closeness {
                role,
                hours: plan_hours(graph, &held, role, min_importance, &[], &mut marks),
                match_pct,
                missing: needs.iter().filter(|r| !held(r.0)).count(),
            }
        })
        .collect();
    list.sort_by(|a, b| {
        a.hours
            .total_cmp(&b.hours)
            .then(b.match_pct.total_cmp(&a.match_pct))
    });
    list
}

/// `set` as an array indexed by node (`bound` long): these passes ask "held?" for every skill
/// of every role's plan, where an array lookup beats hashing.
fn flags_of(set: &HashSet<NodeIndex>, bound: usize) -> Vec<bool> {
    let mut flags = vec![false; bound];
    for s in set {
        if let Some(f) = flags.get_mut(s.index()) {
            *f = true;
        }
    }
    flags
}

/// What learning one skill next does to the learning plans of the roles: see [`next_skills`].
#[derive(Debug, Clone, PartialEq)]
pub struct NextSkill {
    pub skill: NodeIndex,
    /// The skill's own hours (0 without an estimate).
    pub cost: f64,
    /// Roles whose learning-plan hours drop.
    pub roles_helped: usize,
    /// That drop, summed over those roles.
    pub hours_saved: f64,
    /// Roles whose learning-plan hours drop to 0.
    pub roles_completed: usize,
}

/// Every skill that can be learnt next from `have` (not held, every prerequisite held), with
/// what learning it does to the plan hours ([`Closeness::hours`]) of every role but `exclude`.
/// In node order; `have` must hold the prerequisites of what it holds ([`held_skills`]).
///
/// Learning such a skill takes exactly it out of every plan that holds it (its prerequisites are
/// held already) and changes no other plan, so one pass over the roles' plans gives every
/// candidate's effect. Recomputing every plan for every candidate instead took minutes at a
/// million edges.
pub fn next_skills(
    graph: &Graph,
    have: &HashSet<NodeIndex>,
    min_importance: u8,
    exclude: Option<NodeIndex>,
) -> Vec<NextSkill> {
    let bound = node_bound(graph);
    let held_flags = flags_of(have, bound);
    let held = |s: NodeIndex| held_flags.get(s.index()).copied().unwrap_or(false);
    let learnable = |s: NodeIndex| !held(s) && prerequisites(graph, s).all(held);
    // Per skill: roles helped, hours saved, roles completed.
    let mut effects: HashMap<NodeIndex, (usize, f64, usize)> = HashMap::new();
    let mut marks = Marks::new(bound);
    let mut plan = Vec::new();
    for role in graph.node_indices() {
        if Some(role) == exclude || graph.kind_of(role) != Some(NodeKind::Role) {
            continue;
        }
        let roots = plan_roots(graph, &held, role, min_importance, &[]);
        marks.clear();
        plan.clear();
        prerequisite_closure(graph, roots.iter().map(|r| r.0), &mut marks, &mut plan);
        plan.retain(|&s| !held(s));
        let hours: Vec<f64> = plan.iter().map(|&s| effort(graph, s).0).collect();
        let before = sum_hours(hours.clone());
        for (i, &skill) in plan.iter().enumerate() {
            if !learnable(skill) {
                continue;
            }
            let mut rest = hours.clone();
            rest.swap_remove(i);
            let after = sum_hours(rest);
            if after < before {
                let effect = effects.entry(skill).or_default();
                effect.0 += 1;
                effect.1 += before - after;
                effect.2 += usize::from(after == 0.0);
            }
        }
    }
    graph
        .node_indices()
        .filter(|&s| is_skill(graph, s) && learnable(s))
        .map(|skill| {
            let (roles_helped, hours_saved, roles_completed) =
                effects.get(&skill).copied().unwrap_or_default();
            NextSkill {
                skill,
                cost: effort(graph, skill).0,
                roles_helped,
                hours_saved,
                roles_completed,
            }
        })
        .collect()
}

/// The cost of one career move, in hours, for [`cheapest_route`](super::cheapest_route).
///
/// A `transition`'s stated `effort_hours` when it has one; otherwise the `total_hours` of
/// [`learning_plan`] from the move's source role ([`held_skills`]`(Start::Role(source))`) to its
/// target role with `min_importance`, with the skills the move names (`Edge::move_skills`) as
/// `extra_required`. An edge that does not exist or is not a transition costs `f64::INFINITY`
/// (unusable).
pub fn move_cost(graph: &Graph, edge: EdgeIndex, min_importance: u8) -> f64 {
    let (Some(kind), Some((from, to))) = (graph.edge_kind_of(edge), graph.get_edge_endpoints(edge))
    else {
        return f64::INFINITY;
    };
    if kind != EdgeKind::Transition {
        return f64::INFINITY;
    }
    if let Some(h) = graph.edge_effort_of(edge) {
        if h.is_finite() && h >= 0.0 {
            return h;
        }
    }
    let have = held_skills(graph, &Start::Role(from));
    let extra: Vec<NodeIndex> = graph
        .edge(edge)
        .move_skills()
        .iter()
        .filter_map(|id| graph.by_id(id))
        .collect();
    let held = |s: NodeIndex| have.contains(&s);
    let mut marks = Marks::new(node_bound(graph));
    plan_hours(graph, &held, to, min_importance, &extra, &mut marks)
}
