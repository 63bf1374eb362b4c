//! What a route or a plan must respect: [`Constraints`], the one description of the clauses
//! of `path`, `paths` and `learn` that every route and planning algorithm takes; and the rules
//! on single moves they imply ([`MoveRules`]: keep pay, job zone, and the data's own rule that
//! a move a source calls a career trap is taken only into the goal).

use petgraph::stable_graph::{EdgeIndex, NodeIndex};

use super::cheapest::cheapest_route;
use super::interrupt::Interrupt;
use super::routes::RouteError;
use crate::graph::Graph;
use crate::model::Value;

/// Constraints on a route between two roles, or on a learning plan.
///
/// Every route algorithm ([`fewest_moves`](super::fewest_moves),
/// [`cheapest_route`](super::cheapest_route), [`all_routes`](super::all_routes),
/// [`least_effort_route`](super::least_effort_route), [`best_route`](super::best_route))
/// honours `via`, `avoid`, `max_hops`, `keep_pay` and `zone_within`; the hours an answer takes
/// (`max_hours`) bound the answers measured in hours ([`least_effort_route`](super::least_effort_route)
/// and [`plan_through`](super::plan_through)); a plan reads `avoid` as skills and tools.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    /// Roles the route must pass through, in this order.
    pub via: Vec<NodeIndex>,
    /// Nodes the answer must never hold: roles a route never enters, skills and tools a plan
    /// never needs.
    pub avoid: Vec<NodeIndex>,
    /// The most moves (transitions) the whole route may take.
    pub max_hops: Option<usize>,
    /// The most hours the whole route or plan may take.
    pub max_hours: Option<f64>,
    /// Every role moved into pays at least this share (0–1) of the start role's `salary.avg`
    /// (a role whose pay is unknown passes).
    pub keep_pay: Option<f64>,
    /// Every move changes the O*NET `job_zone` by at most this much (a role without one passes).
    pub zone_within: Option<u8>,
    /// Once set, the search stops with [`RouteError::Interrupted`].
    pub interrupt: Interrupt,
}

/// A rule a user sets on every move of a route: the clause that can block it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MoveRule {
    /// `keep pay P%`.
    KeepPay,
    /// `job zone within N`.
    ZoneWithin,
}

impl Constraints {
    /// Whether a user's rule on moves is set (`keep pay`, `job zone within`).
    pub fn rules_moves(&self) -> bool {
        self.keep_pay.is_some() || self.zone_within.is_some()
    }

    /// Checks what the constraints need of a route's start (`None`: a profile): `keep pay`
    /// compares with the start role's `salary.avg`, which must exist
    /// ([`RouteError::NoPayToKeep`]).
    pub fn check_start(&self, graph: &Graph, start: Option<NodeIndex>) -> Result<(), RouteError> {
        MoveRules::new(graph, start, self).map(|_| ())
    }
}

/// The rules one move must follow, from [`Constraints`] and a route's start.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct MoveRules {
    /// The least pay (`salary.avg`) of a role moved into.
    min_pay: Option<f64>,
    zone_within: Option<u8>,
    /// With traps in the graph: the route's goal, the one role a trap may lead into.
    trap_target: Option<NodeIndex>,
}

/// A number field of a node (`salary.avg`, `job_zone`).
fn number_field(graph: &Graph, ix: NodeIndex, path: &str) -> Option<f64> {
    match graph.get_node(ix)?.field(path)? {
        Value::Number(n) => Some(n),
        _ => None,
    }
}

impl MoveRules {
    /// The user's rules for a route from `start` (`None`: a profile, which has no pay).
    pub(crate) fn new(
        graph: &Graph,
        start: Option<NodeIndex>,
        c: &Constraints,
    ) -> Result<MoveRules, RouteError> {
        let min_pay = match c.keep_pay {
            None => None,
            Some(share) => {
                let pay = start.and_then(|r| number_field(graph, r, "salary.avg"));
                Some(pay.ok_or(RouteError::NoPayToKeep)? * share)
            }
        };
        Ok(MoveRules {
            min_pay,
            zone_within: c.zone_within,
            trap_target: None,
        })
    }

    /// The same rules, and the data's: a trap is taken only into `goal`.
    pub(crate) fn with_traps(self, graph: &Graph, goal: NodeIndex) -> MoveRules {
        MoveRules {
            trap_target: (!graph.trap_moves().is_empty()).then_some(goal),
            ..self
        }
    }

    /// The data's rule on traps alone.
    pub(crate) fn traps_only(graph: &Graph, goal: NodeIndex) -> MoveRules {
        MoveRules::default().with_traps(graph, goal)
    }

    /// Whether any rule is set.
    pub(crate) fn any(&self) -> bool {
        self.min_pay.is_some() || self.zone_within.is_some() || self.trap_target.is_some()
    }

    pub(crate) fn allows(&self, graph: &Graph, edge: EdgeIndex) -> bool {
        if !self.any() {
            // Without rules every move is allowed: skip the field lookups (this runs per edge).
            return true;
        }
        let Some((a, b)) = graph.get_edge_endpoints(edge) else {
            return false;
        };
        if self.trap_target.is_some_and(|t| t != b) && graph.is_trap_move(edge) {
            return false;
        }
        if let (Some(min), Some(pay)) = (self.min_pay, number_field(graph, b, "salary.avg")) {
            if pay < min {
                return false;
            }
        }
        if let (Some(n), Some(za), Some(zb)) = (
            self.zone_within,
            number_field(graph, a, "job_zone"),
            number_field(graph, b, "job_zone"),
        ) {
            if (za - zb).abs() > f64::from(n) {
                return false;
            }
        }
        true
    }
}

/// When a route under the user's rules on moves is unreachable: [`RouteError::Blocked`]
/// naming the rules that block it, if a route exists without them (with the data's rule on
/// traps, `via`, `avoid` and `max_hops` still kept). Each rule is tried alone to name the
/// culprit; an empty list means only the rules together block it.
pub(crate) fn blocked(
    graph: &Graph,
    from: NodeIndex,
    to: NodeIndex,
    c: &Constraints,
) -> Option<RouteError> {
    let traps = MoveRules::traps_only(graph, to);
    let reachable = |keep_pay: Option<f64>, zone_within: Option<u8>| {
        let only = Constraints {
            keep_pay,
            zone_within,
            ..c.clone()
        };
        let unit = |e| {
            if traps.allows(graph, e) {
                1.0
            } else {
                f64::INFINITY
            }
        };
        cheapest_route(graph, from, to, &only, unit).is_ok()
    };
    if !reachable(None, None) {
        return None;
    }
    let mut by = Vec::new();
    if c.keep_pay.is_some() && !reachable(c.keep_pay, None) {
        by.push(MoveRule::KeepPay);
    }
    if c.zone_within.is_some() && !reachable(None, c.zone_within) {
        by.push(MoveRule::ZoneWithin);
    }
    Some(RouteError::Blocked { from, to, by })
}
