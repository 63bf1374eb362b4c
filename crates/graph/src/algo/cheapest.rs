//! [`cheapest_route`]: the route of least total cost, for any per-move cost.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::Direction;

use super::constraints::{Constraints, MoveRules};
use super::interrupt::Interrupt;
use super::routes::{blocked_set, distances_to, stops, unreachable, Blocked, Route, RouteError};
use super::scratch::{node_map, Pooled};
use super::skills::{node_bound, order_choice};
use crate::fxhash::FxBuildHasher;
use crate::graph::Graph;
use crate::model::EdgeKind;

/// A route with what each move costs.
#[derive(Debug, Clone, PartialEq)]
pub struct CostedRoute {
    pub route: Route,
    /// `move_costs[i]` is the cost of `route.edges[i]`.
    pub move_costs: Vec<f64>,
    /// The sum of `move_costs`, added in route order.
    pub total: f64,
}

/// The route from role `from` to role `to` whose moves cost least in total, where `cost(edge)`
/// gives the cost of one `transition` edge (for example [`move_cost`](super::move_cost), or a
/// constant for fewest moves).
///
/// - **Costs.** `cost` is called at most once per edge. A negative cost counts as 0; a NaN or
///   infinite cost makes the move unusable.
/// - **Which route.** The cheapest; among equally cheap routes (equal floating-point totals),
///   the one with the fewest moves; among those, the one whose sequence of role names is
///   smallest (compared role by role, names ignoring case, then ids); between parallel
///   transitions, the cheaper one, then the lowest edge index. The route never visits a role
///   twice (unless via forces it, see below).
/// - **`via`.** The route visits the via roles in order; it is the concatenation of one
///   simple route per leg (start → first via → … → goal), so it may pass a role more than once.
///   Without `max_hops` each leg is the cheapest for that leg, as above.
/// - **`avoid`.** Avoided roles are never entered; the start, the goal or a via role being
///   avoided is [`RouteError::Avoided`].
/// - **`keep_pay`, `zone_within`.** A move these forbid is unusable, whatever its cost
///   ([`Constraints`]); `keep_pay` from a start without pay: [`RouteError::NoPayToKeep`].
/// - **`max_hops`** bounds the total moves exactly: the result is the cheapest route with at
///   most `max_hops` moves, even when a cheaper longer one exists. With `via`, the moves are
///   shared out between legs to make the total cheapest (then fewest moves). If routes exist
///   but all are longer: [`RouteError::HopLimit`].
/// - No route with usable moves: [`RouteError::Unreachable`] (its suggestions consider every
///   transition, whatever its cost). Not a role: [`RouteError::NotARole`].
///
/// Cost: a Dijkstra search per leg backwards from the leg's goal (over (cost, moves) pairs when
/// `max_hops` is given), stopping once the leg's start is settled. Without `max_hops`, a
/// Dijkstra search from both ends first bounds the cost, and the backward search skips the
/// roles that cannot be on a route within that bound: on a large graph it visits the roles near
/// either end instead of every role cheaper to reach than the start.
pub fn cheapest_route(
    graph: &Graph,
    from: NodeIndex,
    to: NodeIndex,
    options: &Constraints,
    cost: impl FnMut(EdgeIndex) -> f64,
) -> Result<CostedRoute, RouteError> {
    let rules = MoveRules::new(graph, Some(from), options)?;
    let stops = stops(graph, from, to, options)?;
    let blocked = blocked_set(&options.avoid);
    let mut costs = Costs {
        cost,
        graph,
        rules,
        known: HashMap::default(),
        interrupt: &options.interrupt,
        interrupted: false,
    };
    let legs: Vec<(NodeIndex, NodeIndex)> = stops
        .windows(2)
        .map(|w| (w[0], w[1]))
        .filter(|(a, b)| a != b)
        .collect();
    let share_moves = options.max_hops.is_some() && legs.len() > 1;

    let mut fronts = Vec::with_capacity(legs.len());
    let mut too_long = false;
    for &(a, b) in &legs {
        let until = if share_moves {
            let fewest = distances_to(graph, b, &blocked, &rules, Some(a))[a.index()];
            Until::Fewest(fewest)
        } else {
            Until::First
        };
        let front = match (options.max_hops, until) {
            (None, Until::First) => match probe(graph, a, b, &blocked, &mut costs) {
                Probe::Unreachable if costs.interrupted => return Err(RouteError::Interrupted),
                Probe::Unreachable => return Err(unreachable(graph, a, b, &blocked)),
                Probe::Bound(bound) => {
                    settle(graph, a, b, &blocked, &mut costs, None, until, Some(&bound))
                }
            },
            _ => settle(
                graph,
                a,
                b,
                &blocked,
                &mut costs,
                options.max_hops,
                until,
                None,
            ),
        };
        if costs.interrupted {
            return Err(RouteError::Interrupted);
        }
        if front.is_empty(a) {
            // Too long, or no route at all? Every leg is checked: no route beats too long.
            let longer = options.max_hops.is_some()
                && !settle(graph, a, b, &blocked, &mut costs, None, Until::First, None).is_empty(a);
            if costs.interrupted {
                return Err(RouteError::Interrupted);
            }
            if !longer {
                return Err(unreachable(graph, a, b, &blocked));
            }
            too_long = true;
        }
        fronts.push(front);
    }
    if let (true, Some(max)) = (too_long, options.max_hops) {
        return Err(RouteError::HopLimit { max });
    }

    // The moves each leg may take.
    let budgets: Vec<Option<u32>> = match options.max_hops {
        None => vec![None; legs.len()],
        Some(max) if !share_moves => vec![Some(clamp_u32(max)); legs.len()],
        Some(max) => {
            let starts: Vec<Vec<(f64, u32)>> = legs
                .iter()
                .zip(&fronts)
                .map(|(&(a, _), f)| f.of(a).collect())
                .collect();
            match share_out(&starts, max) {
                Some(b) => b.into_iter().map(Some).collect(),
                None => return Err(RouteError::HopLimit { max }),
            }
        }
    };

    let mut result = CostedRoute {
        route: Route::stay(from),
        move_costs: Vec::new(),
        total: 0.0,
    };
    for ((&(a, b), front), budget) in legs.iter().zip(&fronts).zip(budgets) {
        let walked = walk(graph, a, b, front, budget, &blocked, &mut costs);
        if costs.interrupted {
            return Err(RouteError::Interrupted);
        }
        let (leg, leg_costs) = walked.ok_or_else(|| unreachable(graph, a, b, &blocked))?;
        result.route.append(leg);
        result.move_costs.extend(leg_costs);
    }
    result.total = result.move_costs.iter().fold(0.0, |acc, c| acc + c);
    Ok(result)
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Edge costs, asked once each; `None` for an unusable move.
struct Costs<'a, F> {
    cost: F,
    graph: &'a Graph,
    /// A move the rules forbid is unusable, and its cost is never asked.
    rules: MoveRules,
    /// By edge index: [`UNUSABLE`], or the cost (≥ 0). A map rather than an array over every
    /// edge index, because a search asks for a small part of a large graph's edges.
    known: HashMap<u32, f64, FxBuildHasher>,
    /// Looked at for every cost asked: a cost may be a learning plan, the slow step of a
    /// search by effort.
    interrupt: &'a Interrupt,
    /// Once set, every move is unusable, the searches stop at their next step, and
    /// [`cheapest_route`] answers [`RouteError::Interrupted`] instead of what they found.
    interrupted: bool,
}

const UNUSABLE: f64 = f64::INFINITY;

impl<F: FnMut(EdgeIndex) -> f64> Costs<'_, F> {
    fn get(&mut self, e: EdgeIndex) -> Option<f64> {
        self.interrupted |= self.interrupt.is_set();
        if self.interrupted {
            return None;
        }
        let (cost, graph, rules) = (&mut self.cost, self.graph, &self.rules);
        let slot = *self.known.entry(e.index() as u32).or_insert_with(|| {
            if !rules.allows(graph, e) {
                return UNUSABLE;
            }
            let c = cost(e);
            if c.is_nan() || c == f64::INFINITY {
                UNUSABLE
            } else {
                c.max(0.0)
            }
        });
        (slot != UNUSABLE).then_some(slot)
    }
}

/// When [`settle`] may stop.
#[derive(Clone, Copy)]
enum Until {
    /// Once the start has its cheapest (then shortest) route within the bound.
    First,
    /// Once the start has a route of this many moves (the fewest possible), so that every
    /// cheapest-for-its-length route from the start is known.
    Fewest(u32),
}

/// For each role, the (cost, moves) of its settled routes to the leg's goal: cost ascending,
/// moves strictly descending (each entry is the cheapest route with at most that many moves).
/// Without a move bound, only the first (cheapest, then fewest moves) entry is kept. The lists
/// live in one arena, linked per role, so that settling a role allocates nothing.
struct Fronts {
    /// Per node index: its first and last entry (absent: none yet).
    first: Pooled,
    last: Pooled,
    /// (cost, moves, next entry of the same role or [`NONE`]).
    entries: Vec<(f64, u32, u32)>,
}

const NONE: u32 = u32::MAX;

impl Fronts {
    fn new(bound: usize) -> Fronts {
        Fronts {
            first: node_map(bound),
            last: node_map(bound),
            entries: Vec::new(),
        }
    }

    fn is_empty(&self, ix: NodeIndex) -> bool {
        !self.first.contains(ix)
    }

    fn last(&self, ix: NodeIndex) -> Option<(f64, u32)> {
        let i = self.last.get(ix)?;
        self.entries.get(i as usize).map(|e| (e.0, e.1))
    }

    fn push(&mut self, ix: NodeIndex, cost: f64, moves: u32) {
        let new = u32::try_from(self.entries.len()).unwrap_or(NONE);
        self.entries.push((cost, moves, NONE));
        match self.last.get(ix) {
            None => self.first.insert(ix, new),
            Some(prev) => self.entries[prev as usize].2 = new,
        }
        self.last.insert(ix, new);
    }

    fn of(&self, ix: NodeIndex) -> impl Iterator<Item = (f64, u32)> + '_ {
        let mut at = self.first.get(ix).unwrap_or(NONE);
        std::iter::from_fn(move || {
            let e = self.entries.get(at as usize)?;
            at = e.2;
            Some((e.0, e.1))
        })
    }

    /// The cheapest route of at most `budget` moves from `ix`, if settled.
    fn best(&self, ix: NodeIndex, budget: Option<u32>) -> Option<(f64, u32)> {
        let mut list = self.of(ix);
        match budget {
            None => list.next(),
            Some(b) => list.find(|e| e.1 <= b),
        }
    }
}

#[derive(Clone, Copy)]
struct State {
    cost: f64,
    moves: u32,
    node: NodeIndex,
}

impl PartialEq for State {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for State {}

impl PartialOrd for State {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for State {
    /// Reversed, so that `BinaryHeap` pops the cheapest, then fewest moves, first.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .cost
            .total_cmp(&self.cost)
            .then(other.moves.cmp(&self.moves))
            .then(other.node.index().cmp(&self.node.index()))
    }
}

/// What [`probe`] learnt about a leg without a move bound.
enum Probe {
    /// No route leads from the start to the goal.
    Unreachable,
    Bound(Bound),
}

/// Bounds that let the backward search of [`settle`] skip roles that cannot be on a cheapest
/// route: a role `u` whose cost to the goal plus a lower bound on its cost from the start exceeds
/// the cost of a known route is on no cheapest route, nor on any route as cheap in
/// floating-point terms (see `limit`).
struct Bound {
    /// The roles the forward search settled: their index in `from_start`.
    settled: Pooled,
    /// The cheapest cost from the start of each settled role.
    from_start: Vec<f64>,
    /// Every role the forward search did not settle costs at least this much from the start.
    radius: f64,
    /// The cost of a route from the start to the goal, plus a margin far above any rounding
    /// error of a sum of route costs, so that routes that tie with the cheapest when summed in
    /// another order are never cut.
    limit: f64,
}

impl Bound {
    /// A lower bound on the cost from the start to `ix`.
    fn least_from_start(&self, ix: NodeIndex) -> f64 {
        match self.settled.get(ix) {
            Some(i) => self.from_start[i as usize],
            None => self.radius,
        }
    }
}

/// An entry of a plain Dijkstra heap: cheapest first.
#[derive(Clone, Copy)]
struct Reached {
    cost: f64,
    node: NodeIndex,
}

impl PartialEq for Reached {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Reached {}

impl PartialOrd for Reached {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Reached {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .cost
            .total_cmp(&self.cost)
            .then(other.node.index().cmp(&self.node.index()))
    }
}

/// One side of [`probe`]: tentative costs, which of them are final, and the heap.
struct Search {
    /// Node → index in `cost`.
    label: Pooled,
    cost: Vec<f64>,
    /// Nodes whose cost is final: index in `cost`.
    settled: Pooled,
    heap: BinaryHeap<Reached>,
    direction: Direction,
}

impl Search {
    fn new(bound: usize, root: NodeIndex, direction: Direction) -> Search {
        let mut label = node_map(bound);
        label.insert(root, 0);
        Search {
            label,
            cost: vec![0.0],
            settled: node_map(bound),
            heap: BinaryHeap::from([Reached {
                cost: 0.0,
                node: root,
            }]),
            direction,
        }
    }

    /// The smallest cost in the heap: no role left unsettled costs less.
    fn radius(&self) -> f64 {
        self.heap.peek().map_or(f64::INFINITY, |r| r.cost)
    }

    fn cost_of(&self, ix: NodeIndex) -> Option<f64> {
        self.label.get(ix).map(|i| self.cost[i as usize])
    }

    /// Settles the next role and relaxes its moves; returns the cheapest route found through
    /// them to a role the `other` side has reached.
    fn step<F: FnMut(EdgeIndex) -> f64>(
        &mut self,
        graph: &Graph,
        blocked: &Blocked,
        costs: &mut Costs<'_, F>,
        other: &Search,
    ) -> f64 {
        let mut best = f64::INFINITY;
        let Some(r) = self.heap.pop() else {
            return best;
        };
        let Some(i) = self.label.get(r.node) else {
            return best;
        };
        if self.settled.contains(r.node) || r.cost > self.cost[i as usize] {
            return best;
        }
        self.settled.insert(r.node, i);
        for link in graph.links(r.node, self.direction, EdgeKind::Transition) {
            let v = link.node;
            if blocked.has(v) || self.settled.contains(v) {
                continue;
            }
            let Some(c) = costs.get(link.edge) else {
                continue;
            };
            let cost = r.cost + c;
            if !cost.is_finite() {
                continue;
            }
            match self.label.get(v) {
                Some(j) if self.cost[j as usize] <= cost => {}
                Some(j) => {
                    self.cost[j as usize] = cost;
                    self.heap.push(Reached { cost, node: v });
                }
                None => {
                    self.label.insert(v, self.cost.len() as u32);
                    self.cost.push(cost);
                    self.heap.push(Reached { cost, node: v });
                }
            }
            if let Some(rest) = other.cost_of(v) {
                best = best.min(cost + rest);
            }
        }
        best
    }
}

/// A Dijkstra search from both ends of a leg, which settles far fewer roles than one from the
/// goal alone, to bound the exact search of [`settle`] (see [`Bound`]). It stops as soon as no
/// cheaper route can be found (the two radii add up to the cheapest route found), or knows that
/// there is none when one side runs out of roles first.
fn probe<F: FnMut(EdgeIndex) -> f64>(
    graph: &Graph,
    start: NodeIndex,
    goal: NodeIndex,
    blocked: &Blocked,
    costs: &mut Costs<'_, F>,
) -> Probe {
    let bound = node_bound(graph);
    let mut forward = Search::new(bound, start, Direction::Outgoing);
    let mut backward = Search::new(bound, goal, Direction::Incoming);
    let mut best = if start == goal { 0.0 } else { f64::INFINITY };
    loop {
        let (f, b) = (forward.radius(), backward.radius());
        if costs.interrupted {
            return Probe::Unreachable;
        }
        if f == f64::INFINITY || b == f64::INFINITY || f + b >= best {
            break;
        }
        let found = if f <= b {
            forward.step(graph, blocked, costs, &backward)
        } else {
            backward.step(graph, blocked, costs, &forward)
        };
        best = best.min(found);
    }
    if best == f64::INFINITY {
        return Probe::Unreachable;
    }
    Probe::Bound(Bound {
        radius: forward.radius(),
        settled: forward.settled,
        from_start: forward.cost,
        limit: best + best.abs() * 1e-9 + 1e-9,
    })
}

/// Dijkstra backwards from `goal` over (cost, moves), never entering blocked roles nor passing
/// through `start`, with at most `max` moves. With a [`Bound`] (only without `max`), roles that
/// cannot be on a cheapest route are not entered; the entries of every other role are the same.
#[allow(clippy::too_many_arguments)]
fn settle<F: FnMut(EdgeIndex) -> f64>(
    graph: &Graph,
    start: NodeIndex,
    goal: NodeIndex,
    blocked: &Blocked,
    costs: &mut Costs<'_, F>,
    max: Option<usize>,
    until: Until,
    bound: Option<&Bound>,
) -> Fronts {
    let mut fronts = Fronts::new(node_bound(graph));
    let max = max.map(clamp_u32);
    let mut heap = BinaryHeap::from([State {
        cost: 0.0,
        moves: 0,
        node: goal,
    }]);
    while let Some(s) = heap.pop() {
        if costs.interrupted {
            break;
        }
        let dominated = match (max, fronts.last(s.node)) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(_), Some((_, m))) => m <= s.moves,
        };
        if dominated {
            continue;
        }
        fronts.push(s.node, s.cost, s.moves);
        if s.node == start {
            match until {
                Until::First => break,
                Until::Fewest(fewest) if s.moves <= fewest => break,
                Until::Fewest(_) => continue,
            }
        }
        let moves = s.moves + 1;
        if max.is_some_and(|m| moves > m) {
            continue;
        }
        for link in graph.links(s.node, Direction::Incoming, EdgeKind::Transition) {
            let (e, u) = (link.edge, link.node);
            if blocked.has(u) {
                continue;
            }
            let done = match (max, fronts.last(u)) {
                (_, None) => false,
                (None, Some(_)) => true,
                (Some(_), Some((_, m))) => m <= moves,
            };
            if done {
                continue;
            }
            let Some(c) = costs.get(e) else { continue };
            let cost = s.cost + c;
            if bound.is_some_and(|b| cost + b.least_from_start(u) > b.limit) {
                continue;
            }
            if cost.is_finite() {
                heap.push(State {
                    cost,
                    moves,
                    node: u,
                });
            }
        }
    }
    fronts
}

/// Shares `max` moves out between legs: picks one entry per leg (from each leg start's
/// settled list) so that the moves add up to at most `max` and the cost is least, then the
/// moves fewest. Returns each leg's moves.
fn share_out(starts: &[Vec<(f64, u32)>], max: usize) -> Option<Vec<u32>> {
    let max = max.min(
        starts
            .iter()
            .map(|s| s.first().map_or(0, |e| e.1 as usize))
            .sum(),
    );
    // best[m]: the cheapest choice for the legs so far using exactly m moves.
    let mut best: Vec<Option<(f64, Vec<u32>)>> = vec![None; max + 1];
    best[0] = Some((0.0, Vec::new()));
    for list in starts {
        let mut next: Vec<Option<(f64, Vec<u32>)>> = vec![None; max + 1];
        for (m, slot) in best.iter().enumerate() {
            let Some((cost, picks)) = slot else { continue };
            for &(c, moves) in list.iter() {
                let total = m + moves as usize;
                if total > max {
                    continue;
                }
                let cost = cost + c;
                if next[total].as_ref().is_none_or(|(b, _)| cost < *b) {
                    let mut picks = picks.clone();
                    picks.push(moves);
                    next[total] = Some((cost, picks));
                }
            }
        }
        best = next;
    }
    let mut chosen: Option<(f64, Vec<u32>)> = None;
    for slot in best.into_iter().flatten() {
        if chosen.as_ref().is_none_or(|(b, _)| slot.0 < *b) {
            chosen = Some(slot);
        }
    }
    chosen.map(|c| c.1)
}

/// Follows the settled entries forward from `start`: at each role, the next role by name among
/// the moves that keep to a cheapest route.
fn walk<F: FnMut(EdgeIndex) -> f64>(
    graph: &Graph,
    start: NodeIndex,
    goal: NodeIndex,
    fronts: &Fronts,
    budget: Option<u32>,
    blocked: &Blocked,
    costs: &mut Costs<'_, F>,
) -> Option<(Route, Vec<f64>)> {
    let (mut cost, mut moves) = fronts.best(start, budget)?;
    let bounded = budget.is_some();
    let mut route = Route::stay(start);
    let mut move_costs = Vec::new();
    let mut cur = start;
    while cur != goal {
        let rest = moves.checked_sub(1)?;
        let mut best: Option<(NodeIndex, EdgeIndex, f64, f64)> = None;
        for link in graph.links(cur, Direction::Outgoing, EdgeKind::Transition) {
            let (e, v) = (link.edge, link.node);
            if blocked.has(v) || v == start {
                continue;
            }
            let Some((v_cost, v_moves)) = fronts.best(v, bounded.then_some(rest)) else {
                continue;
            };
            if v_moves != rest {
                continue;
            }
            let Some(c) = costs.get(e) else { continue };
            if c + v_cost != cost {
                continue;
            }
            let better = match best {
                None => true,
                Some((bv, be, bc, _)) => {
                    let by_name = if v == bv {
                        c.total_cmp(&bc)
                    } else {
                        Ordering::Equal
                    };
                    by_name
                        .then_with(|| order_choice(graph, (v, e), (bv, be)))
                        .is_lt()
                }
            };
            if better {
                best = Some((v, e, c, v_cost));
            }
        }
        let (v, e, c, v_cost) = best?;
        route.nodes.push(v);
        route.edges.push(e);
        move_costs.push(c);
        cost = v_cost;
        moves = rest;
        cur = v;
    }
    Some((route, move_costs))
}
