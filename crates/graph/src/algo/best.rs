//! The routes the language's statements answer with: [`best_route`] (`path`) and
//! [`listed_routes`] (`paths`), the searches of [`fewest_moves`], [`cheapest_route`] and
//! [`all_routes`] under the user's [`Constraints`] and the data's rule on career traps.

use petgraph::stable_graph::NodeIndex;

use super::cheapest::cheapest_route;
use super::constraints::{blocked, Constraints, MoveRules};
use super::enumerate::{all_routes, Limit};
use super::routes::{fewest_moves, Route, RouteError};
use crate::graph::Graph;

/// The route of fewest moves from role `from` to role `to` under `constraints`, taking no move
/// a source calls a career trap except into `to`.
///
/// The route is [`fewest_moves`]'s (the smallest sequence of role names among the shortest),
/// counted over the moves the rules allow. Errors as [`fewest_moves`]'s, and:
/// - routes exist without the user's rules on moves but none with them:
///   [`RouteError::Blocked`], naming the rules that block every route alone;
/// - [`RouteError::Unreachable`] says `only_through_traps` when routes exist only through a
///   trap on the way.
pub fn best_route(
    graph: &Graph,
    from: NodeIndex,
    to: NodeIndex,
    constraints: &Constraints,
) -> Result<Route, RouteError> {
    let traps = MoveRules::traps_only(graph, to);
    let found = if traps.any() || constraints.rules_moves() {
        // Fewest moves among the moves the rules allow: every allowed move costs 1.
        let unit = |e| {
            if traps.allows(graph, e) {
                1.0
            } else {
                f64::INFINITY
            }
        };
        cheapest_route(graph, from, to, constraints, unit).map(|c| c.route)
    } else {
        fewest_moves(graph, from, to, constraints)
    };
    match found {
        Err(e @ RouteError::Unreachable { .. }) if constraints.rules_moves() => {
            Err(blocked(graph, from, to, constraints).unwrap_or(e))
        }
        Err(RouteError::Unreachable {
            from: a,
            to: b,
            reachable_closest,
            ..
        }) if traps.any() => Err(RouteError::Unreachable {
            from: a,
            to: b,
            reachable_closest,
            only_through_traps: fewest_moves(graph, from, to, constraints).is_ok(),
        }),
        found => found,
    }
}

/// What [`listed_routes`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedRoutes {
    /// The routes, shortest first (as [`all_routes`] orders them), none through a trap.
    pub routes: Vec<Route>,
    /// What cut the enumeration short, as [`all_routes`] says.
    pub stopped_by: Option<Limit>,
    /// How many of the routes enumerated were left out for passing through a trap.
    pub through_traps: usize,
}

/// [`all_routes`] under `constraints`, less the routes that take a move a source calls a career
/// trap anywhere but into the goal. The trap rule is applied to the first `limit` routes
/// enumerated, so the answer can say how many it left out.
pub fn listed_routes(
    graph: &Graph,
    from: NodeIndex,
    to: NodeIndex,
    constraints: &Constraints,
    limit: usize,
    work_budget: usize,
) -> Result<ListedRoutes, RouteError> {
    let mut found = all_routes(graph, from, to, constraints, limit, work_budget)?;
    let enumerated = found.routes.len();
    found.routes.retain(|r| no_trap_on_the_way(graph, r));
    Ok(ListedRoutes {
        through_traps: enumerated - found.routes.len(),
        routes: found.routes,
        stopped_by: found.stopped_by,
    })
}

/// Whether `route` takes a move a source calls a career trap anywhere but into its goal.
fn no_trap_on_the_way(graph: &Graph, route: &Route) -> bool {
    let n = route.edges.len();
    route.edges[..n.saturating_sub(1)]
        .iter()
        .all(|&e| !graph.is_trap_move(e))
}
