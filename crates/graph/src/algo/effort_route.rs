//! [`least_effort_route`]: the route of career moves that takes the fewest hours when what
//! someone holds grows along it.
//!
//! A move's hours depend on what is held when it is made: a move that costs its learning plan
//! teaches only what is still missing on arrival, and what it teaches is held from then on. So
//! the search is over *states* (a role, what is held there, the moves made), not roles: an A*
//! search whose states are pruned by dominance (a state is dropped when another at the same
//! role holds at least as much for no more hours) and, where learning straight for the goal is
//! an alternative, by that plan's hours.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::rc::Rc;

use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::Direction;

use super::cheapest::cheapest_route;
use super::effort::skill_effort;
use super::interrupt::{Interrupt, Interrupted};
use super::plan::{learning_plan, plan_outcome, LearningPlan};
use super::routes::{stops, Route, RouteError, RouteOptions};
use super::skills::{node_bound, requirements, Held, Marks, Need, Standing};
use crate::fxhash::FxBuildHasher;
use crate::graph::{Graph, StatedMoves};
use crate::model::{EdgeKind, NodeKind};

/// How many moves a search costs by default before it answers with the best route found.
pub const EFFORT_SEARCH_BUDGET: usize = 20_000;

/// Where a least-effort route starts.
#[derive(Debug, Clone, Copy)]
pub enum EffortFrom<'a> {
    /// Someone working as this role: they hold what it requires ([`super::held_skills`]).
    Role(NodeIndex),
    /// Someone who holds this: the route first qualifies for a role (its learning plan), then
    /// moves.
    Profile(&'a Held),
}

/// One move of an [`EffortRoute`].
#[derive(Debug, Clone, PartialEq)]
pub struct EffortMove {
    pub edge: EdgeIndex,
    /// The move's stated effort, or its plan's total.
    pub hours: f64,
    /// What the move teaches, from what is held on arrival at its source: `None` for a move
    /// whose effort a source states (it teaches nothing the data names).
    pub plan: Option<LearningPlan>,
}

/// A route with what each move costs and teaches.
#[derive(Debug, Clone, PartialEq)]
pub struct EffortRoute {
    /// From a profile: the role qualified for first, and the plan that qualifies for it.
    pub qualify: Option<(NodeIndex, LearningPlan)>,
    pub route: Route,
    /// `moves[i]` is `route.edges[i]`.
    pub moves: Vec<EffortMove>,
    /// The qualifying plan's hours plus every move's, added in route order.
    pub total: f64,
}

impl EffortRoute {
    /// The steps of every plan on the route.
    fn steps(&self) -> usize {
        self.qualify.as_ref().map_or(0, |(_, p)| p.steps.len())
            + self
                .moves
                .iter()
                .map(|m| m.plan.as_ref().map_or(0, |p| p.steps.len()))
                .sum::<usize>()
    }
}

/// How far the search went.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Searched {
    /// Every route that could beat the answer was looked at.
    Complete,
    /// The search stopped at its budget: no route costs less than `at_least` hours.
    Stopped { at_least: f64 },
}

/// What [`least_effort_route`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct EffortAnswer {
    /// The least-effort route found; `None` when none costs less than learning straight (see
    /// [`least_effort_route`]) or the search stopped before finding one.
    pub route: Option<EffortRoute>,
    /// When learning straight wins: the least-effort route the search found all the same. Where
    /// every move costs learning the search drops routes no cheaper than learning straight, and
    /// this is `None`.
    pub no_better: Option<EffortRoute>,
    /// The plan that learns straight for the goal from the start, when that is an alternative
    /// (no `via`).
    pub straight: Option<LearningPlan>,
    pub searched: Searched,
}

/// The route from `from` to `to` over `transition` edges that takes the fewest hours in all,
/// with what is held growing along it.
///
/// - **Held.** From a role, what it requires; from a profile, what the profile holds. A move
///   whose effort a source states costs those hours and teaches nothing; any other move costs
///   the hours of [`learning_plan`] for its target role from what is held on arrival (with the
///   skills the move names), and its plan's skills are held from then on, at the levels they
///   reach. The total is the sum of the moves (from a profile, plus the plan that qualifies
///   for the first role).
/// - **Usable moves.** Those `allows` accepts, into roles not in `options.avoid`, and never
///   into a role (other than the goal or a `via` stop) whose requirements the data does not
///   state, unless the move states its effort: such a role would be free for want of data.
///   A route visits no role twice (with `via`, within each leg).
/// - **Learning straight.** Without `via`, learning straight for the goal is the alternative
///   to a route whose moves all cost learning: such a route is returned only when it costs less
///   than that plan ([`EffortAnswer::straight`]) by more than the rounding of the estimates on
///   both sides (half an hour a step), or as much and is one move straight into the goal (a
///   known move, and no detour); so an answer never costs more than `learn`. A move whose
///   effort a source states is not study hours to set against a plan: a route with one is the
///   cheapest route, and where every move states its effort there is no `straight` at all.
/// - **Ties.** Among equally cheap routes, the fewest moves; then the strongest links (the
///   lowest sum of the moves' `rank`, O*NET's order of relatedness; a move without one counts
///   0); then the route found first, edges in index order.
/// - **Budget.** The search costs at most `budget` moves; past that it answers with the best
///   route found and [`Searched::Stopped`] with a lower bound on any better one.
///
/// Errors: the ends or a `via` stop are not roles, or are avoided; no usable route leads
/// there ([`RouteError::Unreachable`], [`RouteError::HopLimit`]).
///
/// Cost: where every move states its effort, what is held never changes a cost, and this is
/// [`cheapest_route`]. Otherwise an A* search over states, whose bound where every move costs
/// learning is the goal's unmet needs: whatever the route, each must be learnt to its level
/// ([`Held`]: a learnt level meets a need only at it), at the skill's own rate per level
/// (O*NET's rates are per skill, not per role learnt for). Learning straight for the goal
/// then bounds the search from above, so it visits only moves that teach little beyond it.
pub fn least_effort_route(
    graph: &Graph,
    from: EffortFrom<'_>,
    to: NodeIndex,
    options: &RouteOptions,
    min_importance: u8,
    budget: usize,
    allows: impl Fn(EdgeIndex) -> bool,
) -> Result<EffortAnswer, RouteError> {
    let start_role = match from {
        EffortFrom::Role(r) => Some(r),
        // From a profile, the route may qualify for its first stop straight away.
        EffortFrom::Profile(_) => options.via.first().copied(),
    };
    let stated = graph.stated_moves();
    // Whether a move may be on some route (the search's own rule is per leg).
    let usable = |e: EdgeIndex| {
        if !allows(e) {
            return false;
        }
        let (_, b) = graph.edge_endpoints(e);
        graph.edge_effort_of(e).is_some()
            || b == to
            || options.via.contains(&b)
            || has_data(graph, b)
    };
    // Where every move states its effort, what is held never changes a cost.
    if let (StatedMoves::Every, EffortFrom::Role(a)) = (stated, from) {
        let found = cheapest_route(graph, a, to, options, |e| {
            if usable(e) {
                graph.edge_effort_of(e).unwrap_or(f64::INFINITY)
            } else {
                f64::INFINITY
            }
        })?;
        let moves = found
            .route
            .edges
            .iter()
            .zip(&found.move_costs)
            .map(|(&edge, &hours)| EffortMove {
                edge,
                hours,
                plan: None,
            })
            .collect();
        return Ok(EffortAnswer {
            no_better: None,
            route: Some(EffortRoute {
                qualify: None,
                route: found.route,
                moves,
                total: found.total,
            }),
            straight: None,
            searched: Searched::Complete,
        });
    }
    if let Some(a) = start_role {
        let rest = RouteOptions {
            via: options.via.iter().copied().filter(|&v| v != a).collect(),
            ..options.clone()
        };
        let unit = |e| if usable(e) { 1.0 } else { f64::INFINITY };
        cheapest_route(graph, a, to, &rest, unit)?;
    } else {
        stops(graph, to, to, options)?;
    }

    let held = match from {
        EffortFrom::Role(r) => super::held_skills(graph, &super::Start::Role(r)),
        EffortFrom::Profile(h) => h.clone(),
    };
    let straight = options
        .via
        .is_empty()
        .then(|| learning_plan(graph, &held, to, min_importance, &[]));
    // Learning straight bounds the search only where every move costs learning.
    let bound_by_straight = stated == StatedMoves::None;
    let mut search = Search {
        graph,
        to,
        via: &options.via,
        avoid: &options.avoid,
        max_hops: options.max_hops,
        min_importance,
        allows: &allows,
        estimate: bound_by_straight,
        ahead: if bound_by_straight {
            needs_ahead(graph, &options.via, to, min_importance)
        } else {
            Vec::new()
        },
        upper: straight
            .as_ref()
            .filter(|_| bound_by_straight)
            .map(|p| p.total_hours - rounding(p.steps.len())),
        states: Vec::new(),
        open: BinaryHeap::new(),
        seen: HashMap::default(),
        marks: Marks::new(node_bound(graph)),
        costed: 0,
        budget,
        interrupt: &options.interrupt,
    };
    match from {
        EffortFrom::Role(r) => {
            let leg = search.leg_after(0, r);
            search.offer(State {
                role: r,
                parent: NO_PARENT,
                edge: None,
                held: Rc::new(held.clone()),
                g: 0.0,
                moves: 0,
                weakness: 0.0,
                leg,
            });
        }
        EffortFrom::Profile(h) => {
            // Every route spends at least the goal's unmet needs: when that is no less than
            // learning straight, no role is worth qualifying for first.
            let hopeless = search.estimate
                && options.via.is_empty()
                && search
                    .upper
                    .is_some_and(|u| search.unmet_hours(h, 0) >= u - tolerance(u));
            if !hopeless {
                search.qualify_first(h)?;
            }
        }
    }
    let (found, searched) = search.run()?;
    if found.is_none() && straight.is_none() && searched == Searched::Complete {
        // With `via`, the coarse check above let pass a route that no leg-by-leg route keeps.
        let a = start_role.unwrap_or(to);
        return Err(RouteError::Unreachable {
            from: a,
            to,
            reachable_closest: Vec::new(),
        });
    }
    let route = found.map(|i| search.walk(&held, i, from));
    // A route that is all learning is offered only when it is cheaper than learning straight
    // by more than the rounding of the estimates on either side.
    let (mut route, no_better) = match (route, &straight) {
        (Some(r), Some(plan)) if r.moves.iter().all(|m| m.plan.is_some()) => {
            let steps = plan.steps.len() + r.steps();
            if r.total < plan.total_hours - rounding(steps) - tolerance(plan.total_hours) {
                (Some(r), None)
            } else {
                (None, Some(r))
            }
        }
        (r, _) => (r, None),
    };
    // Else one move straight into the goal that costs what learning straight does is the
    // answer: a known move, and no detour.
    if let (None, Some(plan), EffortFrom::Role(a)) = (&route, &straight, from) {
        route = search.direct_move(&held, a, plan.total_hours);
    }
    Ok(EffortAnswer {
        route,
        no_better,
        straight,
        searched,
    })
}

/// For each leg (0 to `via.len()`), the needs of the stops from there on: each skill once, at
/// the highest level any of them needs (without a level where one needs it so).
fn needs_ahead(graph: &Graph, via: &[NodeIndex], to: NodeIndex, min: u8) -> Vec<Vec<Need>> {
    (0..=via.len())
        .map(|leg| {
            let mut all: Vec<Need> = via[leg..]
                .iter()
                .chain(std::iter::once(&to))
                .flat_map(|&stop| requirements(graph, stop, min))
                .collect();
            all.sort_by_key(|n| n.skill);
            let mut folded: Vec<Need> = Vec::with_capacity(all.len());
            for need in all {
                match folded.last_mut() {
                    Some(last) if last.skill == need.skill => {
                        last.level = match (last.level, need.level) {
                            (Some(a), Some(b)) => Some(a.max(b)),
                            _ => None,
                        };
                    }
                    _ => folded.push(need),
                }
            }
            folded
        })
        .collect()
}

/// Whether `skill` is a prerequisite of another.
fn has_dependents(graph: &Graph, skill: NodeIndex) -> bool {
    graph
        .links(skill, Direction::Outgoing, EdgeKind::Prerequisite)
        .next()
        .is_some()
}

/// Whether the data states any requirement for `role`.
fn has_data(graph: &Graph, role: NodeIndex) -> bool {
    graph.out_edges(role, EdgeKind::Requires).next().is_some()
}

/// How far a sum of `steps` estimates may be from the same learning split otherwise: each
/// estimate is rounded to whole hours, half an hour either way.
fn rounding(steps: usize) -> f64 {
    0.5 * steps as f64
}

/// Sums of hours that differ by less than this are equal (they differ by rounding alone).
fn tolerance(hours: f64) -> f64 {
    1e-9 * hours.abs().max(1.0)
}

const NO_PARENT: u32 = u32::MAX;

#[derive(Debug)]
struct State {
    role: NodeIndex,
    parent: u32,
    edge: Option<EdgeIndex>,
    /// Shared with the parent when the move taught nothing.
    held: Rc<Held>,
    g: f64,
    moves: u32,
    /// The sum of the moves' ranks: lower is a route of stronger links.
    weakness: f64,
    /// How many `via` stops the route has passed.
    leg: u32,
}

/// An entry of the open list: the least `f`, then fewest moves, then strongest links, then
/// first found.
#[derive(Clone, Copy)]
struct Open {
    f: f64,
    moves: u32,
    weakness: f64,
    state: u32,
}

impl PartialEq for Open {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Open {}

impl PartialOrd for Open {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Open {
    /// Reversed: `BinaryHeap` pops the greatest.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .f
            .total_cmp(&self.f)
            .then(other.moves.cmp(&self.moves))
            .then(other.weakness.total_cmp(&self.weakness))
            .then(other.state.cmp(&self.state))
    }
}

struct Search<'g, 'o, U> {
    graph: &'g Graph,
    to: NodeIndex,
    via: &'o [NodeIndex],
    avoid: &'o [NodeIndex],
    max_hops: Option<usize>,
    min_importance: u8,
    /// The caller's rule on moves (traps, constraints).
    allows: &'o U,
    /// Whether the unmet needs of the stops ahead bound the hours still to come (every move
    /// costs learning).
    estimate: bool,
    /// By leg: the needs of every stop still ahead (the `via` stops from that leg on, and the
    /// goal), each skill once at the highest level any of them needs.
    ahead: Vec<Vec<Need>>,
    /// No route dearer than this is of use (learning straight costs this).
    upper: Option<f64>,
    states: Vec<State>,
    open: BinaryHeap<Open>,
    /// By (role, leg): the states kept there, for dominance.
    seen: HashMap<(NodeIndex, u32), Vec<u32>, FxBuildHasher>,
    marks: Marks,
    costed: usize,
    budget: usize,
    interrupt: &'o Interrupt,
}

impl<U: Fn(EdgeIndex) -> bool> Search<'_, '_, U> {
    /// The leg after arriving at `role` on leg `leg`: past every `via` stop it is.
    fn leg_after(&self, mut leg: u32, role: NodeIndex) -> u32 {
        while self.via.get(leg as usize) == Some(&role) {
            leg += 1;
        }
        leg
    }

    fn is_goal(&self, role: NodeIndex, leg: u32) -> bool {
        role == self.to && leg as usize == self.via.len()
    }

    /// A lower bound on the hours from `held` at `role` (on leg `leg`) to the goal.
    fn remaining(&self, held: &Held, role: NodeIndex, leg: u32) -> f64 {
        if !self.estimate || self.is_goal(role, leg) {
            return 0.0;
        }
        self.unmet_hours(held, leg)
    }

    /// The hours any route from `held` on leg `leg` spends at least on the needs of the stops
    /// still ahead (the `via` stops not passed, and the goal) that `held` does not meet.
    fn unmet_hours(&self, held: &Held, leg: u32) -> f64 {
        let Some(needs) = self.ahead.get(leg as usize) else {
            return 0.0;
        };
        needs
            .iter()
            .map(
                |need| match (held.standing(need.skill, need.level), need.level) {
                    (Standing::Met, _) => 0.0,
                    // Without a level or hours of its own, a skill's hours depend on the role it is
                    // learnt for (ESCO's groups), and a route may learn it for a cheaper one.
                    (_, None) if self.graph.effort_of(need.skill).is_none() => 0.0,
                    // Not met: whatever the route, the skill is learnt, and a learnt level meets
                    // the need only at its level ([`Held`]), at the skill's own rate per level. A
                    // prerequisite may be learnt in full on the way, for its own hours.
                    (_, Some(_)) if has_dependents(self.graph, need.skill) => 0.0,
                    (standing, level) => {
                        skill_effort(
                            self.graph,
                            need.skill,
                            Some(self.to),
                            standing.from_level(),
                            level,
                        )
                        .hours
                    }
                },
            )
            .sum()
    }

    /// Adds `state` unless a kept state at its role holds as much for no more.
    fn offer(&mut self, state: State) {
        let eps = tolerance(state.g);
        let bounded = self.max_hops.is_some();
        let key = (state.role, state.leg);
        let dominated = self.seen.get(&key).is_some_and(|kept| {
            kept.iter().any(|&k| {
                let k = &self.states[k as usize];
                let no_worse = if k.g + eps < state.g {
                    !bounded || k.moves <= state.moves
                } else {
                    k.g <= state.g + eps && k.moves <= state.moves && k.weakness <= state.weakness
                };
                no_worse && (Rc::ptr_eq(&k.held, &state.held) || k.held.covers(&state.held))
            })
        });
        if dominated {
            return;
        }
        let f = state.g + self.remaining(&state.held, state.role, state.leg);
        // Only a route cheaper than learning straight is of use (a route as cheap is a tie
        // that `direct_move` settles).
        if self.upper.is_some_and(|u| f >= u - tolerance(u)) {
            return;
        }
        let index = self.states.len() as u32;
        self.seen.entry(key).or_default().push(index);
        self.open.push(Open {
            f,
            moves: state.moves,
            weakness: state.weakness,
            state: index,
        });
        self.states.push(state);
    }

    /// From a profile: one starting state per role the route can move on from, holding what
    /// the plan that qualifies for it teaches.
    fn qualify_first(&mut self, held: &Held) -> Result<(), Interrupted> {
        let graph = self.graph;
        let start = Rc::new(held.clone());
        let mut roles: Vec<NodeIndex> = graph
            .node_indices()
            .filter(|&r| graph.kind_of(r) == Some(NodeKind::Role))
            .filter(|&r| r != self.to && !self.avoid.contains(&r))
            .filter(|&r| {
                (has_data(graph, r) || self.via.contains(&r))
                    && graph
                        .links(r, Direction::Outgoing, EdgeKind::Transition)
                        .any(|l| (self.allows)(l.edge))
            })
            .collect();
        roles.sort();
        for r in roles {
            // Each role costs a learning plan: look at the flag for every one.
            self.interrupt.check()?;
            let (hours, taught) =
                plan_outcome(graph, held, r, self.min_importance, &[], &mut self.marks);
            self.costed += 1;
            let leg = self.leg_after(0, r);
            self.offer(State {
                role: r,
                parent: NO_PARENT,
                edge: None,
                held: grown(&start, taught),
                g: hours,
                moves: 0,
                weakness: 0.0,
                leg,
            });
        }
        Ok(())
    }

    /// Runs the search: the goal state found, and how far it went.
    fn run(&mut self) -> Result<(Option<u32>, Searched), Interrupted> {
        while let Some(top) = self.open.pop() {
            // An expansion costs a learning plan per move out of the role.
            self.interrupt.check()?;
            let at = top.state as usize;
            let (role, leg) = (self.states[at].role, self.states[at].leg);
            if self.is_goal(role, leg) {
                return Ok((Some(top.state), Searched::Complete));
            }
            if self.costed >= self.budget {
                return Ok((self.best_goal(), Searched::Stopped { at_least: top.f }));
            }
            self.expand(at);
        }
        Ok((None, Searched::Complete))
    }

    /// The cheapest goal state reached so far (when the search stops early).
    fn best_goal(&self) -> Option<u32> {
        let goal = self.seen.get(&(self.to, self.via.len() as u32))?;
        goal.iter().copied().min_by(|&a, &b| {
            self.states[a as usize]
                .g
                .total_cmp(&self.states[b as usize].g)
        })
    }

    fn on_leg(&self, mut at: u32, role: NodeIndex, leg: u32) -> bool {
        while at != NO_PARENT {
            let s = &self.states[at as usize];
            if s.leg != leg {
                return false;
            }
            if s.role == role {
                return true;
            }
            at = s.parent;
        }
        false
    }

    fn expand(&mut self, at: usize) {
        let graph = self.graph;
        let (role, leg, moves) = {
            let s = &self.states[at];
            (s.role, s.leg, s.moves)
        };
        if self.max_hops.is_some_and(|m| moves as usize >= m) {
            return;
        }
        for link in graph.links(role, Direction::Outgoing, EdgeKind::Transition) {
            let (e, b) = (link.edge, link.node);
            if self.avoid.contains(&b) || !(self.allows)(e) || self.on_leg(at as u32, b, leg) {
                continue;
            }
            // A role without requirement data is no free stepping stone: it is entered only
            // as the end of this leg, or by a move that states its effort.
            let leg_end = self.via.get(leg as usize).copied().unwrap_or(self.to);
            if b != leg_end && !has_data(graph, b) && graph.edge_effort_of(e).is_none() {
                continue;
            }
            let s = &self.states[at];
            let (hours, held) = match graph.edge_effort_of(e) {
                Some(h) if h.is_finite() && h >= 0.0 => (h, Rc::clone(&s.held)),
                _ => {
                    let named = move_skills(graph, e);
                    let (hours, taught) = plan_outcome(
                        graph,
                        &s.held,
                        b,
                        self.min_importance,
                        &named,
                        &mut self.marks,
                    );
                    self.costed += 1;
                    (hours, grown(&s.held, taught))
                }
            };
            let s = &self.states[at];
            let next = State {
                role: b,
                parent: at as u32,
                edge: Some(e),
                held,
                g: s.g + hours,
                moves: moves + 1,
                weakness: s.weakness + rank(graph, e),
                leg: self.leg_after(leg, b),
            };
            self.offer(next);
        }
    }

    /// The cheapest move from `from` straight into the goal that costs no more than
    /// `straight` hours by learning (then the strongest link, then the lowest edge index).
    fn direct_move(&self, held: &Held, from: NodeIndex, straight: f64) -> Option<EffortRoute> {
        let graph = self.graph;
        let mut best: Option<(f64, EffortMove)> = None;
        for link in graph.links(from, Direction::Outgoing, EdgeKind::Transition) {
            if link.node != self.to
                || !(self.allows)(link.edge)
                || graph.edge_effort_of(link.edge).is_some()
            {
                continue;
            }
            let named = move_skills(graph, link.edge);
            let plan = learning_plan(graph, held, self.to, self.min_importance, &named);
            let weakness = rank(graph, link.edge);
            let better = best.as_ref().is_none_or(|(weak, m)| {
                plan.total_hours < m.hours || (plan.total_hours == m.hours && weakness < *weak)
            });
            if plan.total_hours <= straight + tolerance(straight) && better {
                let step = EffortMove {
                    edge: link.edge,
                    hours: plan.total_hours,
                    plan: Some(plan),
                };
                best = Some((weakness, step));
            }
        }
        let (_, step) = best?;
        Some(EffortRoute {
            qualify: None,
            route: Route {
                nodes: vec![from, self.to],
                edges: vec![step.edge],
            },
            total: step.hours,
            moves: vec![step],
        })
    }

    /// The route to state `goal`, walked from `held` with every move's plan.
    fn walk(&self, held: &Held, goal: u32, from: EffortFrom<'_>) -> EffortRoute {
        let mut chain = Vec::new();
        let mut at = goal;
        while at != NO_PARENT {
            chain.push(at);
            at = self.states[at as usize].parent;
        }
        chain.reverse();
        let first = self.states[chain[0] as usize].role;
        let mut have = held.clone();
        let mut total = 0.0;
        let qualify = match from {
            EffortFrom::Profile(_) => {
                let plan = learning_plan(self.graph, &have, first, self.min_importance, &[]);
                for s in &plan.steps {
                    have.learn(s.skill, s.to_level);
                }
                total += plan.total_hours;
                Some((first, plan))
            }
            EffortFrom::Role(_) => None,
        };
        let mut route = Route::stay(first);
        let mut moves = Vec::new();
        for &i in &chain[1..] {
            let s = &self.states[i as usize];
            let Some(e) = s.edge else { continue };
            let (hours, plan) = match self.graph.edge_effort_of(e) {
                Some(h) if h.is_finite() && h >= 0.0 => (h, None),
                _ => {
                    let named = move_skills(self.graph, e);
                    let plan =
                        learning_plan(self.graph, &have, s.role, self.min_importance, &named);
                    for step in &plan.steps {
                        have.learn(step.skill, step.to_level);
                    }
                    (plan.total_hours, Some(plan))
                }
            };
            total += hours;
            route.nodes.push(s.role);
            route.edges.push(e);
            moves.push(EffortMove {
                edge: e,
                hours,
                plan,
            });
        }
        EffortRoute {
            qualify,
            route,
            moves,
            total,
        }
    }
}

/// `held` and what a plan taught, shared as it is when the plan taught nothing.
fn grown(held: &Rc<Held>, taught: Vec<(NodeIndex, Option<f64>)>) -> Rc<Held> {
    if taught.is_empty() {
        return Rc::clone(held);
    }
    let mut next = Held::clone(held);
    for (skill, level) in taught {
        next.learn(skill, level);
    }
    Rc::new(next)
}

/// The skills a move names (`Edge::move_skills`) that exist.
fn move_skills(graph: &Graph, e: EdgeIndex) -> Vec<NodeIndex> {
    graph
        .edge(e)
        .move_skills()
        .iter()
        .filter_map(|id| graph.by_id(id))
        .collect()
}

/// A move's `rank` among O*NET's related occupations (1 = closest); 0 without one.
fn rank(graph: &Graph, e: EdgeIndex) -> f64 {
    match graph
        .get_edge(e)
        .and_then(|edge| edge.extra.as_ref())
        .and_then(|x| x.fields.get("rank"))
    {
        Some(crate::model::Value::Number(r)) if r.is_finite() => *r,
        _ => 0.0,
    }
}
