//! [`all_routes`]: every simple route between two roles, shortest first, within limits.

use std::collections::HashMap;

use petgraph::stable_graph::{EdgeIndex, NodeIndex};

use super::constraints::{Constraints, MoveRules};
use super::interrupt::{Interrupt, Poll};
use super::routes::{
    blocked_set, distances_to, stops, unreachable, Blocked, Route, RouteError, FAR,
};
use super::skills::node_bound;
use crate::graph::Graph;
use crate::model::{EdgeKind, NodeKind};

/// The `max_hops` [`all_routes`] uses when the options give none.
pub const DEFAULT_MAX_HOPS: usize = 6;

/// The limit that cut an enumeration short.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    /// Every route with at most this many moves is listed, and longer routes exist.
    Hops(usize),
    /// More routes than this exist; the first this many are listed.
    Results(usize),
    /// The work budget (this many node visits) ran out.
    Work(usize),
}

/// What [`all_routes`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutesResult {
    pub routes: Vec<Route>,
    /// `None` when `routes` is every route there is.
    pub stopped_by: Option<Limit>,
}

/// Every simple route (no role visited twice) from role `from` to role `to` over transitions,
/// shortest first, then by the sequence of role names (compared role by role, names ignoring
/// case, then ids).
///
/// - Routes are sequences of roles: parallel transitions joining the same two roles give one
///   route, which uses the lowest edge index.
/// - **`via`**: the routes pass through the via roles in the given order (consecutive repeats
///   of a stop are merged, so `via` may name the start or the goal). If the stops repeat a role
///   otherwise, no simple route exists and the list is empty.
/// - **`avoid`**: avoided roles are never entered.
/// - **`keep_pay`, `zone_within`**: only moves these allow are taken ([`Constraints`]).
/// - **`max_hops`** (default [`DEFAULT_MAX_HOPS`]): only routes of at most this many moves are
///   listed.
/// - `from == to` (no via): the one route of zero moves.
///
/// `stopped_by` says what cut the list short:
/// - [`Limit::Results`]`(limit)`: more than `limit` routes within `max_hops` exist; `routes`
///   holds the first `limit`.
/// - [`Limit::Work`]`(work_budget)`: the search visited `work_budget` roles (each step of the
///   search onto a role counts one) before finishing. `routes` is then still the beginning of
///   the full ordered list, but may miss later routes; the budget can also run out after every
///   route within `max_hops` was listed, while checking whether longer routes exist.
/// - [`Limit::Hops`]`(max_hops)`: every route within `max_hops` is listed and a longer simple
///   route exists (this may be the case with an empty list).
/// - `None`: `routes` is complete, and no longer simple route exists.
///
/// Errors: [`RouteError::NotARole`], [`RouteError::Avoided`] as for
/// [`fewest_moves`](super::fewest_moves), and [`RouteError::Unreachable`] when some leg between
/// consecutive stops has no route at all.
///
/// Cost: one breadth-first search per stop, then a depth-first search, deepened one move at a
/// time, that only extends a partial route while its goal stays reachable within the bound.
pub fn all_routes(
    graph: &Graph,
    from: NodeIndex,
    to: NodeIndex,
    options: &Constraints,
    limit: usize,
    work_budget: usize,
) -> Result<RoutesResult, RouteError> {
    let rules = MoveRules::new(graph, Some(from), options)?;
    let mut stops = stops(graph, from, to, options)?;
    let blocked = blocked_set(&options.avoid);
    let max = options.max_hops.unwrap_or(DEFAULT_MAX_HOPS);
    stops.dedup();

    // dist[k]: moves to stops[k] (k ≥ 1); tail[k]: the fewest moves from stops[k] to the goal
    // through the later stops.
    let mut dist: Vec<Vec<u32>> = vec![Vec::new()];
    for k in 1..stops.len() {
        let d = distances_to(graph, stops[k], &blocked, &rules, None);
        if d[stops[k - 1].index()] == FAR {
            return Err(unreachable(graph, stops[k - 1], stops[k], &blocked));
        }
        dist.push(d);
    }
    let mut tail = vec![0u64; stops.len()];
    for k in (1..stops.len().saturating_sub(1)).rev() {
        tail[k] = tail[k + 1] + u64::from(dist[k + 1][stops[k].index()]);
    }

    let mut stop_index = HashMap::new();
    for (k, &s) in stops.iter().enumerate() {
        if stop_index.insert(s, k).is_some() {
            // A repeated stop: no simple route can visit it twice.
            return Ok(RoutesResult {
                routes: Vec::new(),
                stopped_by: None,
            });
        }
    }
    if stops.len() == 1 {
        return Ok(if limit == 0 {
            RoutesResult {
                routes: Vec::new(),
                stopped_by: Some(Limit::Results(0)),
            }
        } else {
            RoutesResult {
                routes: vec![Route::stay(from)],
                stopped_by: None,
            }
        });
    }

    let mut search = Search {
        graph,
        stops: &stops,
        stop_index,
        dist,
        tail,
        blocked,
        rules,
        on_path: vec![false; node_bound(graph)],
        lists: Vec::new(),
        sorted_list: vec![NO_LIST; node_bound(graph)],
        raw_list: vec![NO_LIST; node_bound(graph)],
        by_name: true,
        cut_by_length: false,
        work: 0,
        budget: work_budget,
        interrupt: &options.interrupt,
    };
    let want = limit.saturating_add(1);
    let mut routes = Vec::new();
    let shortest = u64::from(search.dist[1][from.index()]) + search.tail[1];
    let first = usize::try_from(shortest).unwrap_or(usize::MAX);
    // A simple route has fewer moves than there are roles.
    // By kind alone: `petgraph()` would build the whole graph out of a snapshot first (most of
    // a second at a million edges, and no interrupt reaches it).
    let roles = graph
        .node_indices()
        .filter(|&ix| graph.kind_of(ix) == Some(NodeKind::Role))
        .count();
    let longest = roles.saturating_sub(1);
    for len in first..=max.min(longest) {
        search.cut_by_length = false;
        let found = search.run(len, len, want - routes.len(), &mut routes);
        if routes.len() > limit {
            routes.truncate(limit);
            return Ok(RoutesResult {
                routes,
                stopped_by: Some(Limit::Results(limit)),
            });
        }
        if found == Err(Stopped::Interrupted) {
            return Err(RouteError::Interrupted);
        }
        if found.is_err() {
            return Ok(RoutesResult {
                routes,
                stopped_by: Some(Limit::Work(work_budget)),
            });
        }
        if !search.cut_by_length {
            // Nothing was longer than `len`: every route is listed.
            return Ok(RoutesResult {
                routes,
                stopped_by: None,
            });
        }
    }
    if max >= longest {
        return Ok(RoutesResult {
            routes,
            stopped_by: None,
        });
    }
    // Whether a longer route exists: any one will do, so skip the ordering by name.
    search.by_name = false;
    let mut longer = Vec::new();
    let stopped_by = match search.run(max.saturating_add(1), usize::MAX, 1, &mut longer) {
        Err(Stopped::Interrupted) => return Err(RouteError::Interrupted),
        Err(Stopped::OutOfWork) => Some(Limit::Work(work_budget)),
        Ok(()) if !longer.is_empty() => Some(Limit::Hops(max)),
        Ok(()) => None,
    };
    Ok(RoutesResult { routes, stopped_by })
}

/// Why a [`Search`] ended before its routes were all listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stopped {
    /// The work budget ran out.
    OutOfWork,
    /// [`Constraints::interrupt`] was set.
    Interrupted,
}

const NO_LIST: usize = usize::MAX;

struct Search<'a> {
    graph: &'a Graph,
    stops: &'a [NodeIndex],
    stop_index: HashMap<NodeIndex, usize>,
    dist: Vec<Vec<u32>>,
    tail: Vec<u64>,
    blocked: Blocked,
    rules: MoveRules,
    on_path: Vec<bool>,
    /// Each role's moves (next role, edge), one per next role (the lowest edge index).
    lists: Vec<Vec<(NodeIndex, EdgeIndex)>>,
    /// Per node index: its list in `lists` sorted by name of the next role, or [`NO_LIST`].
    sorted_list: Vec<usize>,
    /// Per node index: its list in `lists` in any order, or [`NO_LIST`].
    raw_list: Vec<usize>,
    /// Whether to explore next roles by name (else in any order).
    by_name: bool,
    /// Set when a partial route was dropped only because it would exceed the length bound.
    cut_by_length: bool,
    work: usize,
    budget: usize,
    interrupt: &'a Interrupt,
}

struct Frame {
    node: NodeIndex,
    /// The index in `stops` of the next stop to reach.
    next_stop: usize,
    list: usize,
    pos: usize,
}

impl Search<'_> {
    fn spend(&mut self) -> Result<(), Stopped> {
        if self.work >= self.budget {
            return Err(Stopped::OutOfWork);
        }
        self.work += 1;
        if self.work.is_multiple_of(Poll::EVERY as usize) && self.interrupt.is_set() {
            return Err(Stopped::Interrupted);
        }
        Ok(())
    }

    fn moves(&mut self, u: NodeIndex) -> usize {
        let by_name = self.by_name;
        let cache = if by_name {
            &self.sorted_list
        } else {
            &self.raw_list
        };
        if cache[u.index()] != NO_LIST {
            return cache[u.index()];
        }
        let graph = self.graph;
        let mut list: Vec<(NodeIndex, EdgeIndex)> = graph
            .out_edges(u, EdgeKind::Transition)
            .map(|(e, v)| (v, e))
            .filter(|&(v, e)| !self.blocked.has(v) && v != u && self.rules.allows(graph, e))
            .collect();
        if by_name {
            list.sort_by(|&(va, ea), &(vb, eb)| {
                graph
                    .order_by_name(va, vb)
                    .then(ea.index().cmp(&eb.index()))
            });
        } else {
            list.sort_by_key(|&(v, e)| (v.index(), e.index()));
        }
        list.dedup_by_key(|m| m.0);
        self.lists.push(list);
        let i = self.lists.len() - 1;
        if by_name {
            self.sorted_list[u.index()] = i;
        } else {
            self.raw_list[u.index()] = i;
        }
        i
    }

    /// Appends to `out`, in depth-first order (next roles by name), the simple routes through
    /// the stops with `min_len..=max_len` moves, until `want` routes were appended.
    fn run(
        &mut self,
        min_len: usize,
        max_len: usize,
        want: usize,
        out: &mut Vec<Route>,
    ) -> Result<(), Stopped> {
        let start = out.len();
        let mut path = Route::stay(self.stops[0]);
        let result = self.walk(min_len, max_len, want, start, &mut path, out);
        for ix in &path.nodes {
            self.on_path[ix.index()] = false;
        }
        result
    }

    fn walk(
        &mut self,
        min_len: usize,
        max_len: usize,
        want: usize,
        start: usize,
        path: &mut Route,
        out: &mut Vec<Route>,
    ) -> Result<(), Stopped> {
        if want == 0 {
            return Ok(());
        }
        let from = self.stops[0];
        self.spend()?;
        self.on_path[from.index()] = true;
        let list = self.moves(from);
        let mut stack = vec![Frame {
            node: from,
            next_stop: 1,
            list,
            pos: 0,
        }];
        while let Some(top) = stack.last_mut() {
            let Some(&(v, e)) = self.lists[top.list].get(top.pos) else {
                self.on_path[top.node.index()] = false;
                path.nodes.pop();
                path.edges.pop();
                stack.pop();
                continue;
            };
            top.pos += 1;
            let k = top.next_stop;
            if self.on_path[v.index()] {
                continue;
            }
            let next_stop = match self.stop_index.get(&v) {
                Some(&j) if j == k => k + 1,
                Some(_) => continue,
                None => k,
            };
            let len = path.edges.len() + 1;
            if next_stop == self.stops.len() {
                if len >= min_len && len <= max_len {
                    self.spend()?;
                    let mut route = path.clone();
                    route.nodes.push(v);
                    route.edges.push(e);
                    out.push(route);
                    if out.len() - start >= want {
                        return Ok(());
                    }
                }
                continue;
            }
            let d = self.dist[next_stop][v.index()];
            if d == FAR {
                continue;
            }
            if len as u64 + u64::from(d) + self.tail[next_stop] > max_len as u64 {
                self.cut_by_length = true;
                continue;
            }
            self.spend()?;
            self.on_path[v.index()] = true;
            path.nodes.push(v);
            path.edges.push(e);
            let list = self.moves(v);
            stack.push(Frame {
                node: v,
                next_stop,
                list,
                pos: 0,
            });
        }
        Ok(())
    }
}
