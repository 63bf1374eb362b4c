//! Routes between roles over `transition` edges: the shared vocabulary ([`Route`],
//! [`RouteError`]) and [`fewest_moves`].

use std::collections::{HashSet, VecDeque};

use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::Direction;

use super::constraints::{Constraints, MoveRule, MoveRules};
use super::interrupt::{Interrupt, Interrupted};
use super::scratch::{node_map, Pooled};
use super::skills::{is_kind, node, node_bound, order_choice, requirements, sort_by_name};
use crate::graph::Graph;
use crate::model::{EdgeKind, NodeKind};
use crate::overlay::Links;

/// How many reachable roles [`RouteError::Unreachable`] suggests at most.
pub const CLOSEST_SUGGESTIONS: usize = 5;

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
#[derive(Debug, Clone, PartialEq)]
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
        /// Routes exist, but each takes a move a source calls a career trap on the way
        /// (set by [`best_route`](super::best_route), which never takes one).
        only_through_traps: bool,
    },
    /// Routes exist, but every one takes more than `max` moves.
    HopLimit { max: usize },
    /// `keep pay` compares with the start role's `salary.avg`, and the start has none (or is a
    /// profile).
    NoPayToKeep,
    /// Routes from `from` to `to` exist without the user's rules on moves, none with them:
    /// `by` names each rule that blocks every route alone (empty: only together).
    Blocked {
        from: NodeIndex,
        to: NodeIndex,
        by: Vec<MoveRule>,
    },
    /// The cheapest answer takes `total` hours, more than [`Constraints::max_hours`].
    OverHours { total: f64, max: f64 },
    /// [`Constraints::interrupt`] was set before the search finished.
    Interrupted,
}

impl From<Interrupted> for RouteError {
    fn from(_: Interrupted) -> RouteError {
        RouteError::Interrupted
    }
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
                ..
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
            RouteError::NoPayToKeep => {
                "`keep pay` compares with the start role's salary.avg, and the start has none"
                    .to_string()
            }
            RouteError::Blocked { from, to, by } => {
                let rule = |r: &MoveRule| match r {
                    MoveRule::KeepPay => "`keep pay`",
                    MoveRule::ZoneWithin => "`job zone within`",
                };
                let which = if by.is_empty() {
                    "`keep pay` and `job zone within` together".to_string()
                } else {
                    by.iter().map(rule).collect::<Vec<_>>().join(" and ")
                };
                format!(
                    "no route from {} to {} satisfies {which}; routes exist without it",
                    name(*from),
                    name(*to)
                )
            }
            RouteError::OverHours { total, max } => format!(
                "the cheapest answer takes {} hours, more than `max hours {}`",
                crate::format_number(*total),
                crate::format_number(*max)
            ),
            RouteError::Interrupted => Interrupted.to_string(),
        }
    }
}

/// The route's fixed stops: `[from, via…, to]`, after checking they are roles and not avoided.
pub(crate) fn stops(
    graph: &Graph,
    from: NodeIndex,
    to: NodeIndex,
    options: &Constraints,
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

/// The roles a search must never enter (`avoid`).
pub(crate) struct Blocked(Vec<NodeIndex>);

impl Blocked {
    pub(crate) fn has(&self, ix: NodeIndex) -> bool {
        self.0.binary_search(&ix).is_ok()
    }
}

pub(crate) fn blocked_set(avoid: &[NodeIndex]) -> Blocked {
    let mut list = avoid.to_vec();
    list.sort_unstable();
    list.dedup();
    Blocked(list)
}

/// "Not reached" in distance arrays.
pub(crate) const FAR: u32 = u32::MAX;

/// The transitions into (`Incoming`) or out of (`Outgoing`) a role.
fn moves(graph: &Graph, ix: NodeIndex, direction: Direction) -> Links<'_> {
    graph.links(ix, direction, EdgeKind::Transition)
}

/// Moves from each role to `goal` over transitions the rules allow, never entering a blocked
/// role (breadth-first, backwards from `goal`); [`FAR`] where `goal` cannot be reached. With
/// `stop`, the search ends as soon as `stop` is reached: every distance smaller than `stop`'s
/// is then final.
pub(crate) fn distances_to(
    graph: &Graph,
    goal: NodeIndex,
    blocked: &Blocked,
    rules: &MoveRules,
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
        for link in moves(graph, v, Direction::Incoming) {
            let u = link.node;
            let i = u.index();
            if dist[i] == FAR && !blocked.has(u) && rules.allows(graph, link.edge) {
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
pub(crate) fn reachable_from(graph: &Graph, from: NodeIndex, blocked: &Blocked) -> Vec<NodeIndex> {
    let mut seen = node_map(node_bound(graph));
    let mut order = Vec::new();
    if from.index() >= node_bound(graph) {
        return order;
    }
    seen.insert(from, 0);
    order.push(from);
    let mut i = 0;
    while i < order.len() {
        let u = order[i];
        i += 1;
        for link in moves(graph, u, Direction::Outgoing) {
            let v = link.node;
            if !blocked.has(v) && seen.insert_new(v, 0) {
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
    blocked: &Blocked,
) -> RouteError {
    let wanted: HashSet<NodeIndex> = requirements(graph, to, 0)
        .into_iter()
        .map(|need| need.skill)
        .collect();
    let mut scored: Vec<(usize, NodeIndex)> = reachable_from(graph, from, blocked)
        .into_iter()
        .filter(|&r| r != from && r != to && is_kind(graph, r, NodeKind::Role))
        .map(|r| {
            let shared = requirements(graph, r, 0)
                .iter()
                .filter(|need| wanted.contains(&need.skill))
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
        only_through_traps: false,
    }
}

/// One side of [`shortest_leg`]'s search: moves from its root to every node it reached, and the
/// nodes layer by layer (`order[layers[k]..layers[k + 1]]` are the nodes `k` moves away).
struct Side {
    dist: Pooled,
    order: Vec<NodeIndex>,
    layers: Vec<usize>,
    direction: Direction,
}

impl Side {
    fn new(graph: &Graph, root: NodeIndex, direction: Direction) -> Side {
        let mut dist = node_map(node_bound(graph));
        dist.insert(root, 0);
        Side {
            dist,
            order: vec![root],
            layers: vec![0, 1],
            direction,
        }
    }

    fn depth(&self) -> u32 {
        (self.layers.len() - 2) as u32
    }

    fn frontier(&self) -> &[NodeIndex] {
        &self.order[self.layers[self.layers.len() - 2]..]
    }

    /// Adds the next layer whole; true when a node of it was reached by `other`.
    fn expand(
        &mut self,
        graph: &Graph,
        blocked: &Blocked,
        rules: &MoveRules,
        other: &Side,
    ) -> bool {
        let depth = self.depth() + 1;
        let (from, to) = (self.layers[self.layers.len() - 2], self.order.len());
        let mut met = false;
        for i in from..to {
            for link in moves(graph, self.order[i], self.direction) {
                let v = link.node;
                if !blocked.has(v)
                    && rules.allows(graph, link.edge)
                    && self.dist.insert_new(v, depth)
                {
                    self.order.push(v);
                    met |= other.dist.contains(v);
                }
            }
        }
        self.layers.push(self.order.len());
        met
    }
}

/// The lexicographically smallest (by role names) of the shortest routes `from` → `to` that
/// never enter a blocked role and take only moves the rules allow; `None` when there is none.
///
/// A breadth-first search from both ends, a whole layer at a time on the side with the smaller
/// frontier, until the two meet: with forward layers complete to depth `f` and backward layers
/// to depth `b`, the route has `f + b` moves, and a role on it is either in a forward layer (and
/// on the route if it leads to a role on the route in the next layer) or in a backward layer
/// (and then every role one layer nearer the goal continues it). The walk from `from` takes at
/// each step the smallest role by name among those continuations, as a search from the goal
/// alone would.
fn shortest_leg(
    graph: &Graph,
    from: NodeIndex,
    to: NodeIndex,
    blocked: &Blocked,
    rules: &MoveRules,
    interrupt: &Interrupt,
) -> Result<Option<Route>, Interrupted> {
    if from == to {
        return Ok(Some(Route::stay(from)));
    }
    let mut forward = Side::new(graph, from, Direction::Outgoing);
    let mut backward = Side::new(graph, to, Direction::Incoming);
    loop {
        // A layer at a time: a whole layer of a million-edge graph takes milliseconds.
        interrupt.check()?;
        let (f, b) = (forward.frontier().len(), backward.frontier().len());
        if f == 0 || b == 0 {
            return Ok(None);
        }
        let met = if f <= b {
            forward.expand(graph, blocked, rules, &backward)
        } else {
            backward.expand(graph, blocked, rules, &forward)
        };
        if met {
            break;
        }
    }
    let (f, b) = (forward.depth(), backward.depth());
    let total = f + b;

    // on_route: the forward-side roles that lead to the goal in the fewest moves.
    let mut on_route = node_map(node_bound(graph));
    let last = &forward.order[forward.layers[f as usize]..forward.layers[f as usize + 1]];
    for &v in last {
        if backward.dist.get(v) == Some(b) {
            on_route.insert(v, 0);
        }
    }
    for k in (0..f as usize).rev() {
        for &u in &forward.order[forward.layers[k]..forward.layers[k + 1]] {
            let next = k as u32 + 1;
            let continues = moves(graph, u, Direction::Outgoing).any(|l| {
                forward.dist.get(l.node) == Some(next)
                    && on_route.contains(l.node)
                    && rules.allows(graph, l.edge)
            });
            if continues {
                on_route.insert(u, 0);
            }
        }
    }

    let mut route = Route::stay(from);
    let mut cur = from;
    for step in 0..total {
        let next_is_forward = step < f;
        let mut best: Option<(NodeIndex, EdgeIndex)> = None;
        for link in moves(graph, cur, Direction::Outgoing) {
            let v = link.node;
            let fits = if next_is_forward {
                forward.dist.get(v) == Some(step + 1) && on_route.contains(v)
            } else {
                backward.dist.get(v) == Some(total - step - 1)
            } && rules.allows(graph, link.edge);
            if fits && best.is_none_or(|bst| order_choice(graph, (v, link.edge), bst).is_lt()) {
                best = Some((v, link.edge));
            }
        }
        let Some((v, e)) = best else {
            return Ok(None);
        };
        route.nodes.push(v);
        route.edges.push(e);
        cur = v;
    }
    Ok(Some(route))
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
/// - **`keep_pay`, `zone_within`.** Only moves these allow are taken
///   ([`Constraints`]); `keep_pay` from a start without pay: [`RouteError::NoPayToKeep`].
/// - **`max_hops`.** If the route needs more moves: [`RouteError::HopLimit`] (the limit never
///   changes which route is returned).
/// - `from == to` (no via): the route of zero moves.
/// - Not a role: [`RouteError::NotARole`]; no route at all: [`RouteError::Unreachable`].
///
/// Cost: per leg, a breadth-first search from both ends that stops where they meet; memory is a
/// few reusable maps over node indices.
pub fn fewest_moves(
    graph: &Graph,
    from: NodeIndex,
    to: NodeIndex,
    options: &Constraints,
) -> Result<Route, RouteError> {
    let rules = MoveRules::new(graph, Some(from), options)?;
    let stops = stops(graph, from, to, options)?;
    let blocked = blocked_set(&options.avoid);
    let mut route = Route::stay(from);
    for leg in stops.windows(2) {
        let (a, b) = (leg[0], leg[1]);
        match shortest_leg(graph, a, b, &blocked, &rules, &options.interrupt)? {
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
