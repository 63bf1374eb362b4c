//! Skill plans: [`gap`], [`learning_plan`], [`closest_roles`] and [`move_cost`]. Every need is
//! compared at its level ([`Held::standing`]) and costed by [`skill_effort`].

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, HashSet};

use petgraph::stable_graph::{EdgeIndex, NodeIndex};

use super::effort::{skill_effort, Effort};
use super::interrupt::{Interrupt, Interrupted};
use super::similarity::RoleIndex;
use super::skills::{
    dependents, held_skills, is_kind, is_skill, node_bound, prerequisite_closure, prerequisites,
    requirements, sort_by_name, sum_hours, Held, Marks, Standing, Start,
};
use crate::graph::Graph;
use crate::model::{EdgeKind, NodeKind};

/// The importance a need must have to count when a statement names none: 3, O*NET's own line
/// for an important element; 1–2 are nice to have (ESCO's optional skills, O*NET's low
/// ratings, a few curated ones), which answers count and offer with `min importance 1`.
pub const DEFAULT_MIN_IMPORTANCE: u8 = 3;

/// The priority a skill named in `extra_required` gets when the target does not require it.
pub const NAMED_PRIORITY: u8 = 5;

/// One skill a role needs that someone lacks, or holds below the level needed.
#[derive(Debug, Clone, PartialEq)]
pub struct GapItem {
    pub skill: NodeIndex,
    /// The highest importance (1–5) the target's `requires` edges give the skill.
    pub importance: u8,
    /// The level held now (0–7), `None` when the skill is not held at all.
    pub from_level: Option<f64>,
    /// The level the target needs (0–7), `None` when it states none.
    pub needed_level: Option<f64>,
    /// The hours to close this gap and where they come from.
    pub effort: Effort,
    /// Every transitive prerequisite of the skill that is not held, sorted by name.
    pub missing_prerequisites: Vec<NodeIndex>,
}

/// The skills `target` requires with importance ≥ `min_importance` that `have` does not meet
/// ([`Held::standing`]: missing, or held too far below the level needed).
///
/// A skill required through several `requires` edges (several sources) counts once with the
/// highest importance and level; a `requires` edge without importance counts as importance 1.
/// Sorted by importance (highest first), then effort (least first), then name. Empty when
/// `target` does not exist or requires nothing.
pub fn gap(graph: &Graph, have: &Held, target: NodeIndex, min_importance: u8) -> Vec<GapItem> {
    let mut marks = Marks::new(node_bound(graph));
    let mut items: Vec<GapItem> = requirements(graph, target, min_importance)
        .into_iter()
        .filter_map(|need| {
            let standing = have.standing(need.skill, need.level);
            if standing == Standing::Met {
                return None;
            }
            marks.clear();
            let mut closure = Vec::new();
            prerequisite_closure(graph, [need.skill], &mut marks, &mut closure);
            let mut missing: Vec<NodeIndex> = closure
                .into_iter()
                .skip(1)
                .filter(|s| !have.contains(s))
                .collect();
            sort_by_name(graph, &mut missing);
            let from_level = standing.from_level();
            Some(GapItem {
                skill: need.skill,
                importance: need.importance,
                from_level,
                needed_level: need.level,
                effort: skill_effort(graph, need.skill, Some(target), from_level, need.level),
                missing_prerequisites: missing,
            })
        })
        .collect();
    items.sort_by(|a, b| graph.order_by_name(a.skill, b.skill));
    items.sort_by(|a, b| {
        b.importance
            .cmp(&a.importance)
            .then(a.effort.hours.total_cmp(&b.effort.hours))
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
    /// The level held now (0–7), `None` when the skill is not held at all.
    pub from_level: Option<f64>,
    /// The level to reach (0–7), `None` for the skill as such.
    pub to_level: Option<f64>,
    /// The hours of this step and where they come from.
    pub effort: Effort,
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
    /// The sum of the steps' hours (added smallest first, so it equals the `hours`
    /// [`closest_roles`] and [`move_cost`] report for the same plan exactly).
    pub total_hours: f64,
}

/// A skill a plan must teach because of the target itself: required (and not met) or named.
struct Root {
    skill: NodeIndex,
    priority: u8,
    reason: Reason,
    from_level: Option<f64>,
    to_level: Option<f64>,
}

/// The skills to learn: the target's required skills (importance ≥ minimum) that `have` does
/// not meet, and the named ones it does not hold; with the priority each brings and why.
fn plan_roots(
    graph: &Graph,
    have: &Held,
    target: NodeIndex,
    min_importance: u8,
    extra_required: &[NodeIndex],
) -> Vec<Root> {
    let mut roots: Vec<Root> = requirements(graph, target, min_importance)
        .into_iter()
        .filter_map(|need| {
            let standing = have.standing(need.skill, need.level);
            (standing != Standing::Met).then(|| Root {
                skill: need.skill,
                priority: need.importance,
                reason: Reason::Required {
                    importance: need.importance,
                },
                from_level: standing.from_level(),
                to_level: need.level,
            })
        })
        .collect();
    for &s in extra_required {
        if is_skill(graph, s) && !have.contains(&s) && !roots.iter().any(|r| r.skill == s) {
            roots.push(Root {
                skill: s,
                priority: NAMED_PRIORITY,
                reason: Reason::Named,
                from_level: None,
                to_level: None,
            });
        }
    }
    roots
}

/// The skills of a plan (roots, then their prerequisites not held) with their efforts.
fn plan_skills(
    graph: &Graph,
    have: &Held,
    target: NodeIndex,
    roots: &[Root],
    marks: &mut Marks,
) -> Vec<(NodeIndex, Effort)> {
    marks.clear();
    let mut closure = Vec::new();
    prerequisite_closure(graph, roots.iter().map(|r| r.skill), marks, &mut closure);
    closure
        .into_iter()
        .enumerate()
        .filter_map(|(i, s)| match roots.get(i) {
            Some(root) => Some((
                s,
                skill_effort(graph, s, Some(target), root.from_level, root.to_level),
            )),
            None => {
                (!have.contains(&s)).then(|| (s, skill_effort(graph, s, Some(target), None, None)))
            }
        })
        .collect()
}

/// The total hours of the plan [`learning_plan`] would make, without ordering it.
fn plan_hours(
    graph: &Graph,
    have: &Held,
    target: NodeIndex,
    min_importance: u8,
    extra_required: &[NodeIndex],
    marks: &mut Marks,
) -> f64 {
    plan_outcome(graph, have, target, min_importance, extra_required, marks).0
}

/// What the plan [`learning_plan`] would make teaches, without ordering it: its total hours,
/// and each skill it teaches with the level reached (`None`: in full). Holding these after the
/// plan is holding what the plan's steps teach.
pub(crate) fn plan_outcome(
    graph: &Graph,
    have: &Held,
    target: NodeIndex,
    min_importance: u8,
    extra_required: &[NodeIndex],
    marks: &mut Marks,
) -> (f64, Vec<(NodeIndex, Option<f64>)>) {
    let roots = plan_roots(graph, have, target, min_importance, extra_required);
    let skills = plan_skills(graph, have, target, &roots, marks);
    let hours = sum_hours(skills.iter().map(|(_, e)| e.hours).collect());
    let taught = skills
        .into_iter()
        .enumerate()
        .map(|(i, (s, _))| (s, roots.get(i).and_then(|r| r.to_level)))
        .collect();
    (hours, taught)
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
/// **Hours.** Each step's [`skill_effort`] for the target: a required skill from the level held
/// (0 when missing) to the level needed, a prerequisite or named skill in full. A skill with
/// nothing to estimate from counts 0 hours (`effort.is_known()` is false). `cumulative_hours`
/// is the running sum; `total_hours` the sum of every step. When `have` meets everything, the
/// plan has no steps and 0 hours.
pub fn learning_plan(
    graph: &Graph,
    have: &Held,
    target: NodeIndex,
    min_importance: u8,
    extra_required: &[NodeIndex],
) -> LearningPlan {
    let roots = plan_roots(graph, have, target, min_importance, extra_required);
    let mut marks = Marks::new(node_bound(graph));
    let mut closure = Vec::new();
    prerequisite_closure(
        graph,
        roots.iter().map(|r| r.skill),
        &mut marks,
        &mut closure,
    );
    let pos: HashMap<NodeIndex, usize> = closure.iter().enumerate().map(|(i, &s)| (s, i)).collect();
    // A root is taught even when held (below its level); any other skill only when not held.
    let skipped = |i: usize| i >= roots.len() && have.contains(&closure[i]);
    let efforts: Vec<Effort> = (0..closure.len())
        .map(|i| match roots.get(i) {
            Some(r) => skill_effort(graph, r.skill, Some(target), r.from_level, r.to_level),
            None => skill_effort(graph, closure[i], Some(target), None, None),
        })
        .collect();

    // Priorities: roots by their own priority, highest first, pass it to every prerequisite
    // not yet given a (necessarily higher or equal) one.
    let mut priority = vec![0u8; closure.len()];
    let mut given = vec![false; closure.len()];
    let mut by_priority: Vec<&Root> = roots.iter().collect();
    by_priority.sort_by_key(|r| std::cmp::Reverse(r.priority));
    for root in by_priority {
        let mut stack = vec![pos[&root.skill]];
        while let Some(i) = stack.pop() {
            if given[i] {
                continue;
            }
            given[i] = true;
            priority[i] = root.priority;
            for pre in prerequisites(graph, closure[i]) {
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
        held: skipped(i),
        priority: priority[i],
        effort: efforts[i].hours,
        rank: rank[i],
        pos: i,
    };
    let mut waiting: Vec<usize> = closure
        .iter()
        .map(|&s| prerequisites(graph, s).count())
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

    let mut steps = Vec::new();
    let mut cumulative = 0.0;
    let mut hours = Vec::new();
    for i in order {
        if skipped(i) {
            continue;
        }
        let skill = closure[i];
        let effort = efforts[i].clone();
        cumulative += effort.hours;
        hours.push(effort.hours);
        let (reason, from_level, to_level) = match roots.get(i) {
            Some(r) => (r.reason.clone(), r.from_level, r.to_level),
            None => {
                let mut needing: Vec<NodeIndex> = dependents(graph, skill)
                    .filter(|d| pos.contains_key(d))
                    .collect::<HashSet<_>>()
                    .into_iter()
                    .collect();
                sort_by_name(graph, &mut needing);
                (Reason::PrerequisiteOf(needing), None, None)
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
            from_level,
            to_level,
            effort,
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
    /// 0–100: the share of the role's required skills (importance ≥ minimum) that `have`
    /// meets, weighted by importance; a skill held below its level counts the share of the
    /// level held.
    pub match_pct: f64,
    /// How many of those required skills `have` does not meet (the length of [`gap`]).
    pub missing: usize,
    /// How many required skills the comparison rests on.
    pub evidence: usize,
    /// What the role asks for that `have` holds: its required skills (importance ≥ minimum)
    /// held at any level, plus the tools it uses that are held, counted by concept (nodes
    /// linked as one, [`Graph::linked`], count once). Zero: nothing in common.
    pub shared: usize,
    /// How much of the role's tool use the tools `have` holds make up
    /// ([`RoleIndex::held_tools_share`]): between roles sharing as many things, the one whose
    /// work those tools are more of. `bench/closest_profile_recall.py` measures it against
    /// ranking such ties by hours, which put roles that require little first.
    pub held_tools_share: f64,
}

/// Every role except `exclude` that requires something at `min_importance` (a role without
/// requirement data cannot be compared, and 0 hours to it would mean nothing), closest first:
/// by the hours of the learning plan from `have` (fewest first), then by `match_pct` (highest
/// first), then by name. (`closest $profile` ranks by [`Closeness::shared`] first: the query
/// crate sorts again.) [`Interrupted`] once `interrupt` is set.
pub fn closest_roles(
    graph: &Graph,
    have: &Held,
    min_importance: u8,
    exclude: Option<NodeIndex>,
    interrupt: &Interrupt,
) -> Result<Vec<Closeness>, Interrupted> {
    let mut list = roles_compared(graph, have, min_importance, exclude, interrupt)?;
    let mut marks = Marks::new(node_bound(graph));
    for c in &mut list {
        // Each role costs a learning plan: look at the flag for every one.
        interrupt.check()?;
        c.hours = plan_hours(graph, have, c.role, min_importance, &[], &mut marks);
    }
    list.sort_by(|a, b| {
        a.hours
            .total_cmp(&b.hours)
            .then(b.match_pct.total_cmp(&a.match_pct))
    });
    Ok(list)
}

/// [`closest_roles`] without the learning plans, which are most of its cost: every rated role
/// but `exclude`, by name, each with `hours` NaN (not made). For a caller that ranks by what
/// is shared first and makes plans only for the roles it shows.
pub fn roles_compared(
    graph: &Graph,
    have: &Held,
    min_importance: u8,
    exclude: Option<NodeIndex>,
    interrupt: &Interrupt,
) -> Result<Vec<Closeness>, Interrupted> {
    let index = RoleIndex::new(graph);
    let mut roles: Vec<NodeIndex> = graph
        .node_indices()
        .filter(|&r| Some(r) != exclude && graph.kind_of(r) == Some(NodeKind::Role))
        .collect();
    sort_by_name(graph, &mut roles);
    roles
        .into_iter()
        .filter_map(|role| {
            if let Err(stop) = interrupt.check() {
                return Some(Err(stop));
            }
            let needs = requirements(graph, role, min_importance);
            if needs.is_empty() {
                return None;
            }
            let mut total = 0.0;
            let mut got = 0.0;
            let mut missing = 0;
            // What is shared, by concept: O*NET's `Linux` and `UNIX` are one held curated skill.
            let mut shared: Vec<NodeIndex> = Vec::new();
            let concept = |ix: NodeIndex| graph.linked(ix).first().copied().unwrap_or(ix);
            for need in &needs {
                let weight = f64::from(need.importance);
                total += weight;
                match have.standing(need.skill, need.level) {
                    Standing::Met => {
                        got += weight;
                        shared.push(concept(need.skill));
                    }
                    Standing::Below(level) => {
                        missing += 1;
                        shared.push(concept(need.skill));
                        got += weight * need.level.map_or(0.0, |n| (level / n).clamp(0.0, 1.0));
                    }
                    Standing::Missing => missing += 1,
                }
            }
            shared.extend(
                graph
                    .out_edges(role, EdgeKind::Uses)
                    .map(|(_, t)| t)
                    .filter(|&t| have.has_tool(t))
                    .map(concept),
            );
            shared.sort_unstable();
            shared.dedup();
            Some(Ok(Closeness {
                role,
                hours: f64::NAN,
                match_pct: 100.0 * got / total,
                missing,
                evidence: needs.len(),
                shared: shared.len(),
                held_tools_share: index.held_tools_share(role, |t| have.has_tool(t)),
            }))
        })
        .collect()
}

/// What learning one skill next does to the learning plans of the roles: see [`next_skills`].
#[derive(Debug, Clone, PartialEq)]
pub struct NextSkill {
    pub skill: NodeIndex,
    /// The hours of the skill's step in the plans it is part of: the most any of them takes
    /// (from the level held to the highest level one of the roles needs), so learning this
    /// much serves every role counted; the skill's own hours where no plan has it (0 without
    /// an estimate).
    pub cost: f64,
    /// Roles whose learning plan has the skill: the gap, or a missing prerequisite of it.
    pub roles_helped: usize,
    /// The skill's hours in those plans, summed over the roles.
    pub hours_saved: f64,
    /// Roles for which the skill is all that is left to learn: their gap is this one need.
    pub roles_completed: usize,
}

/// Every skill that can be learnt next from `have` (not held in full, every prerequisite
/// held), with what learning it does to the learning plans of every role but `exclude`
/// ([`learning_plan`], so a need counts exactly when [`gap`] lists it: importance ≥
/// `min_importance`, not met at the level needed by [`Held::standing`]). In node order;
/// `have` must hold the prerequisites of what it holds ([`held_skills`]).
///
/// A skill held below the level a role needs can be learnt further, so it is a candidate
/// too. Learning such a skill (to the level each plan needs) takes exactly it out of every
/// plan that has it and changes no other plan, so one pass over the roles' plans gives every
/// candidate's effect. Recomputing every plan for every candidate instead took minutes at a
/// million edges. The counts never depend on hours, so they hold where the data has none.
/// [`Interrupted`] once `interrupt` is set.
pub fn next_skills(
    graph: &Graph,
    have: &Held,
    min_importance: u8,
    exclude: Option<NodeIndex>,
    interrupt: &Interrupt,
) -> Result<Vec<NextSkill>, Interrupted> {
    let learnable = |s: NodeIndex| {
        have.level(s) != Some(None) && prerequisites(graph, s).all(|p| have.contains(&p))
    };
    #[derive(Default, Clone, Copy)]
    struct Effect {
        helped: usize,
        hours: f64,
        most: f64,
        completed: usize,
    }
    let mut effects: HashMap<NodeIndex, Effect> = HashMap::new();
    let mut marks = Marks::new(node_bound(graph));
    for role in graph.node_indices() {
        if Some(role) == exclude || graph.kind_of(role) != Some(NodeKind::Role) {
            continue;
        }
        // Each role costs a learning plan: look at the flag for every one.
        interrupt.check()?;
        let roots = plan_roots(graph, have, role, min_importance, &[]);
        let plan = plan_skills(graph, have, role, &roots, &mut marks);
        for (skill, effort) in &plan {
            if !learnable(*skill) {
                continue;
            }
            let effect = effects.entry(*skill).or_default();
            effect.helped += 1;
            effect.hours += effort.hours;
            effect.most = effect.most.max(effort.hours);
            effect.completed += usize::from(plan.len() == 1);
        }
    }
    Ok(graph
        .node_indices()
        .filter(|&s| is_skill(graph, s) && learnable(s))
        .map(|skill| {
            let effect = effects.get(&skill).copied().unwrap_or_default();
            NextSkill {
                skill,
                cost: if effect.helped > 0 {
                    effect.most
                } else {
                    skill_effort(graph, skill, None, None, None).hours
                },
                roles_helped: effect.helped,
                hours_saved: effect.hours,
                roles_completed: effect.completed,
            }
        })
        .collect())
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
        .move_skills_of(edge)
        .iter()
        .filter_map(|id| graph.by_id(id))
        .collect();
    let mut marks = Marks::new(node_bound(graph));
    plan_hours(graph, &have, to, min_importance, &extra, &mut marks)
}

/// Which of the target's tools a plan lists ([`missing_tools`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ToolScope {
    /// None.
    Without,
    /// Of the tools the target marks In Demand (O*NET: employers ask for them in this role),
    /// or the hot technologies it uses when it marks none, one of each kind (O*NET's
    /// category: a database, a web framework, …) of which no tool the target uses is held.
    /// An employer asks for a language, not every one, and a hot technology of other roles
    /// (Figma, Marketo for Software Developers) is not what this one asks for: a plan listing
    /// every flagged tool (148 for Software Developers, 4,232 hours) was no plan.
    #[default]
    Flagged,
    /// Every tool the target uses.
    All,
}

/// A tool the target uses and the start does not.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolNeed {
    pub tool: NodeIndex,
    /// The target's `uses` edge is marked In Demand (O*NET: employers ask for it in this role).
    pub in_demand: bool,
    /// The tool is a hot technology (O*NET: often in job postings across roles).
    pub hot: bool,
    pub effort: Effort,
}

/// The tools `target` uses that `have` does not hold, within `scope`: In Demand first, then
/// hot technologies, then by name; and how many more flagged data (O*NET's) the target uses
/// outside `scope` (with [`ToolScope::Flagged`], those without a flag and those of a kind
/// already held or listed). Tools without O*NET's flags (the curated graph's, which plans already name
/// beside the skills they cover) are listed only with [`ToolScope::All`].
pub fn missing_tools(
    graph: &Graph,
    have: &Held,
    target: NodeIndex,
    scope: ToolScope,
) -> (Vec<ToolNeed>, usize) {
    let mut all: Vec<ToolNeed> = Vec::new();
    for (e, tool) in graph.out_edges(target, EdgeKind::Uses) {
        if have.has_tool(tool) || all.iter().any(|t| t.tool == tool) {
            continue;
        }
        // Read in place, as every field below: no edge or node is built.
        let is_true = |value: Option<&crate::model::Value>| {
            matches!(value, Some(crate::model::Value::Bool(true)))
        };
        let in_demand = is_true(graph.edge_field_of(e, "in_demand"));
        let hot_field = graph.field_of(tool, "hot_technology");
        if scope != ToolScope::All && hot_field.is_none() {
            continue;
        }
        let hot = is_true(hot_field);
        all.push(ToolNeed {
            tool,
            in_demand,
            hot,
            effort: super::effort::tool_effort(graph, tool),
        });
    }
    all.sort_by(|a, b| graph.order_by_name(a.tool, b.tool));
    all.sort_by_key(|t| (!t.in_demand, !t.hot));
    let total = all.len();
    // The kinds of tool the target uses that are held: one of a kind is what it asks for.
    let category = |tool: NodeIndex| graph.category_of(tool).map(str::to_string);
    let mut kinds_met: Vec<String> = graph
        .out_edges(target, EdgeKind::Uses)
        .filter(|&(_, tool)| have.has_tool(tool))
        .filter_map(|(_, tool)| category(tool))
        .collect();
    let any_in_demand = all.iter().any(|t| t.in_demand);
    all.retain(|t| match scope {
        ToolScope::Without => false,
        ToolScope::Flagged if !(t.in_demand || (t.hot && !any_in_demand)) => false,
        ToolScope::Flagged => match category(t.tool) {
            Some(kind) if kinds_met.contains(&kind) => false,
            Some(kind) => {
                kinds_met.push(kind);
                true
            }
            None => true,
        },
        ToolScope::All => true,
    });
    let left_out = total - all.len();
    (all, left_out)
}
