//! [`least_effort_route`]: the route of career moves that takes the fewest hours when what
//! someone holds grows along it.
//!
//! A move's hours depend on what is held when it is made: a move that costs its learning plan
//! teaches only what is still missing on arrival, and what it teaches is held from then on. So
//! the search is over *states* (a role, what is held there, the moves made), not roles: an A*
//! search whose states are pruned by dominance (a state is dropped when another at the same
//! role holds at least as much for no more hours) and, where learning straight for the goal is
//! an alternative, by that plan's hours.

use petgraph::stable_graph::{EdgeIndex, NodeIndex};

use super::cheapest::cheapest_route;
use super::constraints::{blocked, Constraints, MoveRules};
use super::effort_search::{has_data, rounding, tolerance, Search};
use super::plan::{learning_plan, LearningPlan};
use super::routes::{stops, Route, RouteError};
use super::skills::Held;
use crate::graph::{Graph, StatedMoves};

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
/// - **Usable moves.** Those the constraints allow (`keep_pay`, `zone_within`; never a move a
///   source calls a career trap but into the goal), into roles not in `options.avoid`, and
///   never into a role (other than the goal or a `via` stop) whose requirements the data does
///   not state, unless the move states its effort: such a role would be free for want of data.
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
/// - **`max_hours`.** An answer (the route, or learning straight) of more hours is
///   [`RouteError::OverHours`].
///
/// Errors: the ends or a `via` stop are not roles, or are avoided; no usable route leads
/// there ([`RouteError::Unreachable`], [`RouteError::HopLimit`]); from a role, routes exist
/// but none keeps the user's rules on moves ([`RouteError::Blocked`]); `keep_pay` from a
/// profile or a role without pay ([`RouteError::NoPayToKeep`]).
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
    options: &Constraints,
    min_importance: u8,
    budget: usize,
) -> Result<EffortAnswer, RouteError> {
    let origin = match from {
        EffortFrom::Role(r) => Some(r),
        EffortFrom::Profile(_) => None,
    };
    let rules = MoveRules::new(graph, origin, options)?.with_traps(graph, to);
    if let (true, Some(a)) = (options.rules_moves(), origin) {
        // Which of the user's rules blocks every route, when one does: said before the search.
        let unit = |e| {
            if rules.allows(graph, e) {
                1.0
            } else {
                f64::INFINITY
            }
        };
        if let Err(RouteError::Unreachable { .. }) = cheapest_route(graph, a, to, options, unit) {
            if let Some(e) = blocked(graph, a, to, options) {
                return Err(e);
            }
        }
    }
    let answer = effort_answer(graph, from, to, options, min_importance, budget, &rules)?;
    let total = match (&answer.route, &answer.straight) {
        (Some(r), _) => Some(r.total),
        (None, Some(plan)) => Some(plan.total_hours),
        (None, None) => None,
    };
    if let (Some(total), Some(max)) = (total, options.max_hours) {
        if total > max {
            return Err(RouteError::OverHours { total, max });
        }
    }
    Ok(answer)
}

/// [`least_effort_route`] once the rules are known: the search and its answer.
fn effort_answer(
    graph: &Graph,
    from: EffortFrom<'_>,
    to: NodeIndex,
    options: &Constraints,
    min_importance: u8,
    budget: usize,
    rules: &MoveRules,
) -> Result<EffortAnswer, RouteError> {
    let allows = |e| rules.allows(graph, e);
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
        if graph.edge_effort_of(e).is_some() {
            return true;
        }
        let (_, b) = graph.edge_endpoints(e);
        b == to || options.via.contains(&b) || has_data(graph, b)
    };
    // Where every move states its effort, what is held never changes a cost.
    if let (StatedMoves::Every, EffortFrom::Role(a)) = (stated, from) {
        return stated_answer(graph, a, to, options, allows);
    }
    if let Some(a) = start_role {
        let rest = Constraints {
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
    let mut search = Search::new(
        graph,
        to,
        options,
        min_importance,
        &allows,
        straight.as_ref(),
        budget,
    );
    search.start(from, &held)?;
    let (found, searched) = search.run()?;
    if found.is_none() && straight.is_none() && searched == Searched::Complete {
        // With `via`, the coarse check above let pass a route that no leg-by-leg route keeps.
        let a = start_role.unwrap_or(to);
        return Err(RouteError::Unreachable {
            from: a,
            to,
            reachable_closest: Vec::new(),
            only_through_traps: false,
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

/// The answer where every move states its effort: [`cheapest_route`] over the stated hours of
/// the moves the rules allow.
fn stated_answer(
    graph: &Graph,
    from: NodeIndex,
    to: NodeIndex,
    options: &Constraints,
    allows: impl Fn(EdgeIndex) -> bool,
) -> Result<EffortAnswer, RouteError> {
    // A move that states its effort is usable when the rules allow it (what `usable` says, with
    // one look-up of the effort and none of the ends).
    let found = cheapest_route(graph, from, to, options, |e| {
        match graph.edge_effort_of(e) {
            Some(hours) if allows(e) => hours,
            _ => f64::INFINITY,
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
    Ok(EffortAnswer {
        no_better: None,
        route: Some(EffortRoute {
            qualify: None,
            route: found.route,
            moves,
            total: found.total,
        }),
        straight: None,
        searched: Searched::Complete,
    })
}
