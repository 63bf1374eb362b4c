//! The state search behind [`least_effort_route`](super::least_effort_route): states (a role,
//! what is held there, the moves made) in an A* search, pruned by dominance and by the hours of
//! learning straight; and the walk that costs the route found.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::rc::Rc;

use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::Direction;

use super::constraints::Constraints;
use super::effort::skill_effort;
use super::effort_route::{EffortFrom, EffortMove, EffortRoute, Searched};
use super::interrupt::{Interrupt, Interrupted};
use super::plan::{learning_plan, plan_outcome, LearningPlan};
use super::routes::Route;
use super::skills::{node_bound, requirements, Held, Marks, Need, Standing};
use crate::fxhash::FxBuildHasher;
use crate::graph::{Graph, StatedMoves};
use crate::model::{EdgeKind, NodeKind};

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
pub(super) fn has_data(graph: &Graph, role: NodeIndex) -> bool {
    graph.out_edges(role, EdgeKind::Requires).next().is_some()
}

/// How far a sum of `steps` estimates may be from the same learning split otherwise: each
/// estimate is rounded to whole hours, half an hour either way.
pub(super) fn rounding(steps: usize) -> f64 {
    0.5 * steps as f64
}

/// Sums of hours that differ by less than this are equal (they differ by rounding alone).
pub(super) fn tolerance(hours: f64) -> f64 {
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

pub(super) struct Search<'g, 'o, U> {
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

impl<'g, 'o, U: Fn(EdgeIndex) -> bool> Search<'g, 'o, U> {
    /// A search to `to` under `options` (`via`, `avoid`, `max_hops`, the interrupt), taking
    /// the moves `allows` accepts. Where every move costs learning, the unmet needs ahead
    /// bound the hours to come, and learning `straight` those of any useful route.
    pub(super) fn new(
        graph: &'g Graph,
        to: NodeIndex,
        options: &'o Constraints,
        min_importance: u8,
        allows: &'o U,
        straight: Option<&LearningPlan>,
        budget: usize,
    ) -> Self {
        let bound_by_straight = graph.stated_moves() == StatedMoves::None;
        Search {
            graph,
            to,
            via: &options.via,
            avoid: &options.avoid,
            max_hops: options.max_hops,
            min_importance,
            allows,
            estimate: bound_by_straight,
            ahead: if bound_by_straight {
                needs_ahead(graph, &options.via, to, min_importance)
            } else {
                Vec::new()
            },
            upper: straight
                .filter(|_| bound_by_straight)
                .map(|p| p.total_hours - rounding(p.steps.len())),
            states: Vec::new(),
            open: BinaryHeap::new(),
            seen: HashMap::default(),
            marks: Marks::new(node_bound(graph)),
            costed: 0,
            budget,
            interrupt: &options.interrupt,
        }
    }

    /// The first states: the start role holding `held`, or from a profile each role the route
    /// can qualify for first.
    pub(super) fn start(&mut self, from: EffortFrom<'_>, held: &Held) -> Result<(), Interrupted> {
        match from {
            EffortFrom::Role(r) => {
                let leg = self.leg_after(0, r);
                self.offer(State {
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
                // Every route spends at least the goal's unmet needs: when that is no less
                // than learning straight, no role is worth qualifying for first.
                let hopeless = self.estimate
                    && self.via.is_empty()
                    && self
                        .upper
                        .is_some_and(|u| self.unmet_hours(h, 0) >= u - tolerance(u));
                if !hopeless {
                    self.qualify_first(h)?;
                }
            }
        }
        Ok(())
    }

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
    pub(super) fn run(&mut self) -> Result<(Option<u32>, Searched), Interrupted> {
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
    pub(super) fn direct_move(
        &self,
        held: &Held,
        from: NodeIndex,
        straight: f64,
    ) -> Option<EffortRoute> {
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
    pub(super) fn walk(&self, held: &Held, goal: u32, from: EffortFrom<'_>) -> EffortRoute {
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

/// The skills a move names ([`Graph::move_skills_of`]) that exist.
fn move_skills(graph: &Graph, e: EdgeIndex) -> Vec<NodeIndex> {
    graph
        .move_skills_of(e)
        .iter()
        .filter_map(|id| graph.by_id(id))
        .collect()
}

/// A move's `rank` among O*NET's related occupations (1 = closest); 0 without one.
fn rank(graph: &Graph, e: EdgeIndex) -> f64 {
    graph
        .edge_number_of(e, "rank")
        .filter(|r| r.is_finite())
        .unwrap_or(0.0)
}
