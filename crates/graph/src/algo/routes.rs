//! Routes between roles over `transition` edges: the shared vocabulary ([`RouteOptions`],
//! [`Route`], [`RouteError`]) and [`fewest_moves`].

use std::collections::{HashSet, VecDeque};

use petgraph::stable_graph::{EdgeIndex, NodeIndex};

use super::skills::{is_kind, node, node_bound, order_choice, requirements, sort_by_name};
use crate::graph::Graph;
use crate::model::{EdgeKind, NodeKind};

/// How many reachable roles [`RouteError::Unreachable`] suggests at most.
pub const CLOSEST_SUGGESTIONS: usize = 5;

/// Constraints on a route between two roles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouteOptions {
    /// Roles the route must pass through, in this order.
    pub via: Vec<NodeIndex>,
    /// Roles the route must never enter.
    pub avoid: Vec<NodeIndex>,
    /// The most moves (transitions) the whole route may take.
    pub max_hops: Option<usize>,
}

/// A route: `nodes[0]` is the start, `nodes.last()` the goal, and `edges[i]` the `transition`
/// edge from `nodes[i]` to `nodes[i + 1]`. A route of zero moves has one node and no edges.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Route {
    pub nodes: Vec<NodeIndex>,
    pub edges: Vec<EdgeIndex>,
}

impl Route {
    /// The route that stays at `start`.
    pub fn stay(start: NodeIndex) -> Route {
        Route {
            nodes: vec![start],
            edges: Vec::new(),
        }
    }

    /// The number of moves (transitions).
    pub fn moves(&self) -> usize {
        self.edges.len()
    }

    /// Appends `next`, which must start where `self` ends.
    pub(crate) fn append(&mut self, next: Route) {
        self.nodes.extend(next.nodes.into_iter().skip(1));
        self.edges.extend(next.edges);
    }
}

/// Why no route was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteError {
    /// The start, the goal or a `via` entry is not a role (or not in the graph).
    NotARole(NodeIndex),
    /// The start, the goal or a `via` role is also in `avoid`.
    Avoided(NodeIndex),
    /// No route at all (whatever its length) leads from `from` to `to` without entering an avoided
    /// role. With `via`, `from` and `to` are the ends of the first leg that fails (the start or a
    /// via role, and the next via role or the goal).
    Unreachable {
        from: NodeIndex,
        to: NodeIndex,
        /// Up to [`CLOSEST_SUGGESTIONS`] roles reachable from `from` (without entering an avoided
        /// role) that share at least one required skill with `to` (any importance), most shared
        /// skills first, then by name. Neither `from` nor `to` is listed.
        reachable_closest: Vec<NodeIndex>,
    },
    /// Routes exist, but every one takes more than `max` moves.
    HopLimit { max: usize },
}

impl RouteError {
    /// A one-line English explanation naming the nodes.
    pub fn describe(&self, graph: &Graph) -> String {
        let name = |ix: NodeIndex| {
            node(graph, ix).map_or_else(|| format!("#{}", ix.index()), |n| n.name.clone())
        };
        match self {
            RouteError::NotARole(ix) => match node(graph, *ix) {
                Some(n) => format!("{} is a {}, not a role", n.name, n.kind),
                None => format!("node #{} does not exist", ix.index()),
            },
            RouteError::Avoided(ix) => {
                format!("{} is both on the route and avoided", name(*ix))
            }
            RouteError::Unreachable {
                from,
                to,
                reachable_closest,
            } => {
                let mut text = format!("no known moves lead from {} to {}", name(*from), name(*to));
                if !reachable_closest.is_empty() {
                    let list: Vec<String> = reachable_closest.iter().map(|&ix| name(ix)).collect();
                    text.push_str(&format!(
                        "; reachable roles closest to {}: {}",
                        name(*to),
                        list.join(", ")
                    ));
                }
                text
            }
            RouteError::HopLimit { max } => {
                let plural = if *max == 1 { "" } else { "s" };
                format!("every route takes more than {max} move{plural}")
            }
        }
    }
}

/// The route's fixed stops: `[from, via…, to]`, after checking they are roles and not avoided.
pub(crate) fn stops(
    graph: &Graph,
    from: NodeIndex,
    to: NodeIndex,
    options: &RouteOptions,
) -> Result<Vec<NodeIndex>, RouteError> {
    let mut stops = Vec::with_capacity(options.via.len() + 2);
    stops.push(from);
    stops.extend(options.via.iter().copied());
    stops.push(to);
    if let Some(&bad) = stops
        .iter()
        .find(|&&ix| !is_kind(graph, ix, NodeKind::Role))
    {
        return Err(RouteError::NotARole(bad));
    }
    if let Some(&bad) = stops.iter().find(|ix| options.avoid.contains(ix)) {
        return Err(RouteError::Avoided(bad));
    }
    Ok(stops)
}

/// `avoid` as a flag per node index (indices beyond the graph are ignored).
pub(crate) fn blocked_set(graph: &Graph, avoid: &[NodeIndex]) -> Vec<bool> {
    let mut blocked = vec![false; node_bound(graph)];
    for ix in avoid {
        if let Some(flag) = blocked.get_mut(ix.index()) {
            *flag = true;
        }
    }
    blocked
}

/// "Not reached" in distance arrays.
pub(crate) const FAR: u32 = u32::MAX;

/// Moves from each role to `goal` over transitions, never entering a blocked role (breadth-first,
/// backwards from `goal`); [`FAR`] where `goal` cannot be reached. With `stop`, the search ends
/// as soon as `stop` is reached: every distance smaller than `stop`'s is then final.
pub(crate) fn distances_to(
    graph: &Graph,
    goal: NodeIndex,
    blocked: &[bool],
    stop: Option<NodeIndex>,
) -> Vec<u32> {
    let mut dist = vec![FAR; node_bound(graph)];
    if goal.index() >= dist.len() {
        return dist;
    }
    dist[goal.index()] = 0;
    if stop == Some(goal) {
        return dist;
    }
    let mut queue = VecDeque::from([goal]);
    while let Some(v) = queue.pop_front() {
        let next = dist[v.index()] + 1;
        for (_, u) in graph.in_edges(v, EdgeKind::Transition) {
            let i = u.index();
            if dist[i] == FAR && !blocked[i] {
                dist[i] = next;
                if Some(u) == stop {
                    return dist;
                }
                queue.push_back(u);
            }
        }
    }
    dist
}

/// Every role reachable from `from` over transitions without entering a blocked role, `from`
/// included.
pub(crate) fn reachable_from(graph: &Graph, from: NodeIndex, blocked: &[bool]) -> Vec<NodeIndex> {
    let mut seen = vec![false; node_bound(graph)];
    let mut order = Vec::new();
    if from.index() >= seen.len() {
        return order;
    }
    seen[from.index()] = true;
    order.push(from);
    let mut i = 0;
    while i < order.len() {
        let u = order[i];
        i += 1;
        for (_, v) in graph.out_edges(u, EdgeKind::Transition) {
            if !seen[v.index()] && !blocked[v.index()] {
                seen[v.index()] = true;
                order.push(v);
            }
        }
    }
    order
}

/// The [`RouteError::Unreachable`] for the leg `from` → `to`.
pub(crate) fn unreachable(
    graph: &Graph,
    from: NodeIndex,
    to: NodeIndex,
    blocked: &[bool],
) -> RouteError {
    let wanted: HashSet<NodeIndex> = requirements(graph, to, 0)
        .into_iter()
        .map(|r| r.0)
        .collect();
    let mut scored: Vec<(usize, NodeIndex)> = reachable_from(graph, from, blocked)
        .into_iter()
        .filter(|&r| r != from && r != to && is_kind(graph, r, NodeKind::Role))
        .map(|r| {
            let shared = requirements(graph, r, 0)
                .iter()
                .filter(|(s, _)| wanted.contains(s))
                .count();
            (shared, r)
        })
        .filter(|&(shared, _)| shared > 0)
        .collect();
    let mut roles: Vec<NodeIndex> = scored.iter().map(|s| s.1).collect();
    sort_by_name(graph, &mut roles);
    let rank: std::collections::HashMap<NodeIndex, usize> =
        roles.iter().enumerate().map(|(i, &r)| (r, i)).collect();
    scored.sort_by_key(|&(shared, r)| (std::cmp::Reverse(shared), rank[&r]));
    RouteError::Unreachable {
        from,
        to,
        reachable_closest: scored
            .into_iter()
            .take(CLOSEST_SUGGESTIONS)
            .map(|s| s.1)
            .collect(),
    }
}

/// The lexicographically smallest (by role names) of the shortest routes `from` → `to`, given
/// `dist` from [`distances_to`]`(to)`; `None` when `from` cannot reach `to`.
fn first_shortest(
    graph: &Graph,
    from: NodeIndex,
    to: NodeIndex,
    dist: &[u32],
    blocked: &[bool],
) -> Option<Route> {
    if dist.get(from.index()).is_none_or(|&d| d == FAR) {
        return None;
    }
    let mut route = Route::stay(from);
    let mut cur = from;
    while cur != to {
        let want = dist[cur.index()].checked_sub(1)?;
        let mut best: Option<(NodeIndex, EdgeIndex)> = None;
        for (e, v) in graph.out_edges(cur, EdgeKind::Transition) {
            if blocked[v.index()] || dist[v.index()] != want {
                continue;
            }
            if best.is_none_or(|b| order_choice(graph, (v, e), b).is_lt()) {
                best = Some((v, e));
            }
        }
        let (v, e) = best?;
        route.nodes.push(v);
        route.edges.push(e);
        cur = v;
    }
    Some(route)
}

/// The route with the fewest moves (transitions) from role `from` to role `to`.
///
/// - **Which route.** Among the shortest routes, the one whose sequence of role names is
///   smallest (compared role by role, names ignoring case, then ids); between parallel
///   transitions joining the same two roles, the lowest edge index.
/// - **`via`.** The route visits the via roles in the given order: it is the concatenation of
///   the shortest route from the start to the first via role, from there to the next, …, and
///   from the last via role to the goal (each leg chosen as above). Its length is the fewest
///   moves of any route through the via roles in that order, but the legs are found
///   independently, so the whole route may pass through a role more than once.
/// - **`avoid`.** Avoided roles are never entered. If the start, the goal or a via role is
///   avoided: [`RouteError::Avoided`].
/// - **`max_hops`.** If the route needs more moves: [`RouteError::HopLimit`] (the limit never
///   changes which route is returned).
/// - `from == to` (no via): the route of zero moves.
/// - Not a role: [`RouteError::NotARole`]; no route at all: [`RouteError::Unreachable`].
///
/// Cost: one breadth-first search per leg, backwards from the leg's goal, stopping as soon as
/// the leg's start is reached; memory is a few arrays indexed by node index.
pub fn fewest_moves(
    graph: &Graph,
    from: NodeIndex,
    to: NodeIndex,
    options: &RouteOptions,
) -> Result<Route, RouteError> {
    let stops = stops(graph, from, to, options)?;
    let blocked = blocked_set(graph, &options.avoid);
    let mut route = Route::stay(from);
    for leg in stops.windows(2) {
        let (a, b) = (leg[0], leg[1]);
        let dist = distances_to(graph, b, &blocked, Some(a));
        match first_shortest(graph, a, b, &dist, &blocked) {
            Some(part) => route.append(part),
            None => return Err(unreachable(graph, a, b, &blocked)),
        }
    }
    if let Some(max) = options.max_hops {
        if route.moves() > max {
            return Err(RouteError::HopLimit { max });
        }
    }
    Ok(route)
}
