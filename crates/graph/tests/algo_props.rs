//! Property tests for `skillgraph_graph::algo`: random small graphs, each answer checked against
//! a brute-force oracle written here independently (enumerating every simple path, plain set
//! arithmetic over prerequisite closures).
//! Over 800 lines: each algorithm's oracle sits beside its property, so each reads whole.

mod common;

use common::{config, Rng};
use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use proptest::prelude::*;
use skillgraph_graph::algo::{
    all_routes, cheapest_route, closest_roles, fewest_moves, gap, held_skills, learning_plan,
    move_cost, next_skills, Constraints, Held, Interrupt, Limit, Reason, Route, RouteError, Start,
    CLOSEST_SUGGESTIONS, DEFAULT_MAX_HOPS, NAMED_PRIORITY,
};
use skillgraph_graph::{Edge, EdgeIndex, EdgeKind, Graph, Node, NodeIndex, NodeKind};

// ---- random graphs -------------------------------------------------------------------------

struct World {
    graph: Graph,
    roles: Vec<NodeIndex>,
    skills: Vec<NodeIndex>,
    tools: Vec<NodeIndex>,
}

const SKILL_NAMES: &[&str] = &[
    "git", "Git", "Linux", "docker", "SQL", "go", "Go", "Rust", "aws",
];
const ROLE_NAMES: &[&str] = &["Dev", "dev", "Ops", "SRE", "Data", "lead", "Lead"];

fn world(seed: u64) -> World {
    let mut rng = Rng::new(seed);
    let mut g = Graph::new();
    let mut skills = Vec::new();
    let mut roles = Vec::new();
    let mut tools = Vec::new();

    // A removed node leaves a hole in the indices.
    if rng.chance(30) {
        let ghost = g.add_node(Node::new("ghost", NodeKind::Skill, "Ghost"));
        g.remove_node(ghost);
    }
    for i in 0..rng.range(8, 12) {
        let mut node = Node::new(format!("s{i}"), NodeKind::Skill, rng.pick(SKILL_NAMES));
        if rng.chance(80) {
            let half = if rng.chance(20) { 0.5 } else { 0.0 };
            node.effort_hours = Some(rng.below(40) as f64 + half);
        }
        skills.push(g.add_node(node));
    }
    // Prerequisites only from a lower to a higher index: acyclic.
    for i in 0..skills.len() {
        for j in i + 1..skills.len() {
            if rng.chance(20) {
                g.add_edge(skills[i], skills[j], Edge::new(EdgeKind::Prerequisite));
                if rng.chance(10) {
                    g.add_edge(skills[i], skills[j], Edge::new(EdgeKind::Prerequisite));
                }
            }
        }
    }
    for i in 0..rng.range(4, 7) {
        roles.push(g.add_node(Node::new(
            format!("r{i}"),
            NodeKind::Role,
            rng.pick(ROLE_NAMES),
        )));
    }
    if rng.chance(30) {
        let ghost = g.add_node(Node::new("ghost-role", NodeKind::Role, "Ghost"));
        g.add_edge(roles[0], ghost, Edge::new(EdgeKind::Transition));
        g.remove_node(ghost);
    }
    for i in 0..rng.range(2, 3) {
        tools.push(g.add_node(Node::new(
            format!("t{i}"),
            NodeKind::Tool,
            rng.pick(&["kubectl", "Vim", "vim"]),
        )));
    }
    for &r in &roles {
        for &s in &skills {
            if rng.chance(30) {
                let mut e = Edge::new(EdgeKind::Requires);
                e.importance = Some(rng.range(1, 5) as u8);
                g.add_edge(r, s, e);
                if rng.chance(15) {
                    let mut e = Edge::new(EdgeKind::Requires);
                    e.importance = Some(rng.range(1, 5) as u8);
                    g.add_edge(r, s, e);
                }
            }
        }
        for &t in &tools {
            if rng.chance(30) {
                g.add_edge(r, t, Edge::new(EdgeKind::Uses));
            }
        }
    }
    for &t in &tools {
        for &s in &skills {
            if rng.chance(25) {
                g.add_edge(t, s, Edge::new(EdgeKind::Covers));
            }
        }
    }
    let density = rng.range(20, 55);
    for &a in &roles {
        for &b in &roles {
            if a == b || !rng.chance(density) {
                continue;
            }
            let copies = if rng.chance(15) { 2 } else { 1 };
            for _ in 0..copies {
                let mut e = Edge::new(EdgeKind::Transition);
                if rng.chance(75) {
                    e.effort_hours = Some(rng.below(6) as f64);
                }
                if rng.chance(30) {
                    for _ in 0..rng.range(1, 2) {
                        let s = rng.pick(&skills);
                        let id = g.node(s).id.clone();
                        e.extra_mut().skills.push(id);
                    }
                }
                g.add_edge(a, b, e);
            }
        }
    }
    World {
        graph: g,
        roles,
        skills,
        tools,
    }
}

struct Query {
    from: NodeIndex,
    to: NodeIndex,
    options: Constraints,
}

fn query(w: &World, seed: u64) -> Query {
    let mut rng = Rng::new(seed);
    let mut options = Constraints::default();
    if rng.chance(30) {
        for _ in 0..rng.range(1, 2) {
            options.via.push(rng.pick(&w.roles));
        }
    }
    if rng.chance(35) {
        options.avoid.push(rng.pick(&w.roles));
    }
    if rng.chance(50) {
        options.max_hops = Some(rng.below(5));
    }
    let from = rng.pick(&w.roles);
    let mut to = rng.pick(&w.roles);
    while to == from && rng.chance(90) {
        to = rng.pick(&w.roles);
    }
    Query { from, to, options }
}

// ---- oracles -------------------------------------------------------------------------------

fn transitions_from(g: &Graph, u: NodeIndex) -> Vec<(EdgeIndex, NodeIndex)> {
    let mut list: Vec<(EdgeIndex, NodeIndex)> = g
        .edge_indices()
        .filter(|&e| g.edge(e).kind == EdgeKind::Transition && g.edge_endpoints(e).0 == u)
        .map(|e| (e, g.edge_endpoints(e).1))
        .collect();
    list.sort_by_key(|m| m.0.index());
    list
}

/// Every simple path `from` → `to` (as edge lists; parallel edges give separate paths) that
/// never enters an avoided node.
fn simple_paths(
    g: &Graph,
    from: NodeIndex,
    to: NodeIndex,
    avoid: &[NodeIndex],
) -> Vec<Vec<EdgeIndex>> {
    fn go(
        g: &Graph,
        u: NodeIndex,
        to: NodeIndex,
        avoid: &[NodeIndex],
        seen: &mut Vec<NodeIndex>,
        path: &mut Vec<EdgeIndex>,
        out: &mut Vec<Vec<EdgeIndex>>,
    ) {
        if u == to {
            out.push(path.clone());
            return;
        }
        for (e, v) in transitions_from(g, u) {
            if seen.contains(&v) || avoid.contains(&v) {
                continue;
            }
            seen.push(v);
            path.push(e);
            go(g, v, to, avoid, seen, path, out);
            path.pop();
            seen.pop();
        }
    }
    let mut out = Vec::new();
    go(
        g,
        from,
        to,
        avoid,
        &mut vec![from],
        &mut Vec::new(),
        &mut out,
    );
    out
}

fn nodes_of(g: &Graph, start: NodeIndex, edges: &[EdgeIndex]) -> Vec<NodeIndex> {
    let mut nodes = vec![start];
    nodes.extend(edges.iter().map(|&e| g.edge_endpoints(e).1));
    nodes
}

fn cmp_names(g: &Graph, a: &[NodeIndex], b: &[NodeIndex]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return g.order_by_name(*x, *y);
        }
    }
    a.len().cmp(&b.len())
}

/// Moves from `from` to `to` by a textbook queue BFS, never entering avoided roles.
fn bfs_len(g: &Graph, from: NodeIndex, to: NodeIndex, avoid: &[NodeIndex]) -> Option<usize> {
    let mut dist = HashMap::from([(from, 0usize)]);
    let mut queue = VecDeque::from([from]);
    while let Some(u) = queue.pop_front() {
        if u == to {
            return Some(dist[&u]);
        }
        for (_, v) in transitions_from(g, u) {
            if !avoid.contains(&v) && !dist.contains_key(&v) {
                dist.insert(v, dist[&u] + 1);
                queue.push_back(v);
            }
        }
    }
    None
}

fn stops_of(q: &Query) -> Vec<NodeIndex> {
    let mut stops = vec![q.from];
    stops.extend(&q.options.via);
    stops.push(q.to);
    stops
}

fn first_avoided(q: &Query) -> Option<NodeIndex> {
    stops_of(q)
        .into_iter()
        .find(|s| q.options.avoid.contains(s))
}

fn required(g: &Graph, role: NodeIndex, min: u8) -> HashMap<NodeIndex, u8> {
    let mut map: HashMap<NodeIndex, u8> = HashMap::new();
    for e in g.edge_indices() {
        let (a, s) = g.edge_endpoints(e);
        if a == role && g.edge(e).kind == EdgeKind::Requires {
            let imp = g.edge(e).importance.unwrap();
            let slot = map.entry(s).or_insert(imp);
            *slot = (*slot).max(imp);
        }
    }
    map.retain(|_, imp| *imp >= min);
    map
}

fn expected_unreachable(
    g: &Graph,
    from: NodeIndex,
    to: NodeIndex,
    avoid: &[NodeIndex],
) -> RouteError {
    let wanted: HashSet<NodeIndex> = required(g, to, 0).into_keys().collect();
    let mut scored: Vec<(usize, NodeIndex)> = g
        .nodes_of_kind(NodeKind::Role)
        .into_iter()
        .filter(|&r| {
            r != from && r != to && bfs_len(g, from, r, avoid).is_some() && !avoid.contains(&r)
        })
        .map(|r| {
            (
                required(g, r, 0)
                    .keys()
                    .filter(|s| wanted.contains(s))
                    .count(),
                r,
            )
        })
        .filter(|&(n, _)| n > 0)
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(g.order_by_name(a.1, b.1)));
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

/// Checks that `route` is a walk over transitions from `from` to `to` avoiding `avoid`.
fn check_walk(g: &Graph, route: &Route, from: NodeIndex, to: NodeIndex, avoid: &[NodeIndex]) {
    assert_eq!(route.nodes.len(), route.edges.len() + 1);
    assert_eq!(route.nodes[0], from);
    assert_eq!(*route.nodes.last().unwrap(), to);
    for (i, &e) in route.edges.iter().enumerate() {
        assert_eq!(g.edge(e).kind, EdgeKind::Transition);
        assert_eq!(g.edge_endpoints(e), (route.nodes[i], route.nodes[i + 1]));
    }
    for n in &route.nodes {
        assert!(!avoid.contains(n), "route enters an avoided role");
    }
}

fn prereq_closure(g: &Graph, roots: impl IntoIterator<Item = NodeIndex>) -> BTreeSet<NodeIndex> {
    let mut set = BTreeSet::new();
    let mut todo: Vec<NodeIndex> = roots.into_iter().collect();
    while let Some(s) = todo.pop() {
        if set.insert(s) {
            for e in g.edge_indices() {
                let (a, b) = g.edge_endpoints(e);
                if b == s && g.edge(e).kind == EdgeKind::Prerequisite {
                    todo.push(a);
                }
            }
        }
    }
    set
}

/// Skills `s` must come after: its transitive prerequisites (not itself).
fn ancestors(g: &Graph, s: NodeIndex) -> BTreeSet<NodeIndex> {
    let mut set = prereq_closure(g, [s]);
    set.remove(&s);
    set
}

fn hours(g: &Graph, s: NodeIndex) -> f64 {
    g.node(s).effort_hours.unwrap_or(0.0)
}

/// A few `have` sets: from a role, from a profile, and an arbitrary (not closed) subset.
fn haves(w: &World, seed: u64) -> Vec<Held> {
    let mut rng = Rng::new(seed);
    let g = &w.graph;
    let role = rng.pick(&w.roles);
    let mut profile = Vec::new();
    for _ in 0..rng.range(0, 3) {
        profile.push(rng.pick(&w.skills));
    }
    if rng.chance(50) {
        profile.push(rng.pick(&w.tools));
    }
    let mut arbitrary = Held::default();
    for &s in &w.skills {
        if rng.chance(30) {
            arbitrary.hold(s, None);
        }
    }
    let profile = profile.into_iter().map(|ix| (ix, None)).collect();
    vec![
        held_skills(g, &Start::Role(role)),
        held_skills(g, &Start::Profile(profile)),
        arbitrary,
        Held::default(),
    ]
}

fn edge_cost(g: &Graph, e: EdgeIndex) -> f64 {
    g.edge(e).effort_hours.unwrap_or(3.0)
}

// ---- properties ----------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn fewest_moves_is_a_shortest_route(seed in any::<u64>(), qseed in any::<u64>()) {
        let w = world(seed);
        let g = &w.graph;
        let q = query(&w, qseed);
        let avoid = &q.options.avoid;
        let got = fewest_moves(g, q.from, q.to, &q.options);
        if let Some(bad) = first_avoided(&q) {
            prop_assert_eq!(got, Err(RouteError::Avoided(bad)));
            return Ok(());
        }
        let stops = stops_of(&q);
        let mut total = 0;
        let mut legs = Vec::new();
        for leg in stops.windows(2) {
            match bfs_len(g, leg[0], leg[1], avoid) {
                Some(n) => {
                    // The textbook BFS and the shortest simple path agree.
                    let shortest = simple_paths(g, leg[0], leg[1], avoid).iter().map(Vec::len).min();
                    prop_assert_eq!(shortest, Some(n));
                    legs.push(n);
                    total += n;
                }
                None => {
                    prop_assert_eq!(got, Err(expected_unreachable(g, leg[0], leg[1], avoid)));
                    return Ok(());
                }
            }
        }
        if let Some(max) = q.options.max_hops.filter(|&m| total > m) {
            prop_assert_eq!(got, Err(RouteError::HopLimit { max }));
            return Ok(());
        }
        let route = got.expect("a route");
        check_walk(g, &route, q.from, q.to, avoid);
        prop_assert_eq!(route.moves(), total);
        // Each leg is the smallest by names among the shortest, with the lowest parallel edge.
        let mut at = 0;
        for (leg, n) in stops.windows(2).zip(legs) {
            let mut best: Option<Vec<EdgeIndex>> = None;
            for p in simple_paths(g, leg[0], leg[1], avoid).into_iter().filter(|p| p.len() == n) {
                let better = match &best {
                    None => true,
                    Some(b) => cmp_names(g, &nodes_of(g, leg[0], &p), &nodes_of(g, leg[0], b))
                        .then_with(|| p.iter().map(|e| e.index()).cmp(b.iter().map(|e| e.index())))
                        .is_lt(),
                };
                if better {
                    best = Some(p);
                }
            }
            let best = best.unwrap();
            prop_assert_eq!(&route.edges[at..at + n], best.as_slice());
            at += n;
        }
    }

    #[test]
    fn cheapest_route_is_cheapest(seed in any::<u64>(), qseed in any::<u64>()) {
        let w = world(seed);
        let g = &w.graph;
        let q = query(&w, qseed);
        let avoid = &q.options.avoid;
        let mut calls: HashMap<EdgeIndex, usize> = HashMap::new();
        let got = cheapest_route(g, q.from, q.to, &q.options, |e| {
            *calls.entry(e).or_default() += 1;
            edge_cost(g, e)
        });
        prop_assert!(calls.values().all(|&n| n == 1), "cost asked more than once per edge");
        if let Some(bad) = first_avoided(&q) {
            prop_assert_eq!(got, Err(RouteError::Avoided(bad)));
            return Ok(());
        }
        let stops = stops_of(&q);
        // Per leg: the cheapest cost for each number of moves.
        let mut per_leg: Vec<Vec<Option<f64>>> = Vec::new();
        for leg in stops.windows(2) {
            let paths = simple_paths(g, leg[0], leg[1], avoid);
            if paths.is_empty() {
                prop_assert_eq!(got, Err(expected_unreachable(g, leg[0], leg[1], avoid)));
                return Ok(());
            }
            let mut by_len = vec![None; 10];
            for p in paths {
                let c: f64 = p.iter().map(|&e| edge_cost(g, e)).sum();
                let slot: &mut Option<f64> = &mut by_len[p.len()];
                if slot.is_none_or(|s| c < s) {
                    *slot = Some(c);
                }
            }
            per_leg.push(by_len);
        }
        // Combine legs: cheapest total with moves ≤ max.
        let max = q.options.max_hops.unwrap_or(usize::MAX);
        let mut combos: Vec<(f64, usize)> = vec![(0.0, 0)];
        for leg in &per_leg {
            let mut next = Vec::new();
            for &(c, n) in &combos {
                for (len, cost) in leg.iter().enumerate() {
                    if let Some(cost) = cost {
                        next.push((c + cost, n + len));
                    }
                }
            }
            combos = next;
        }
        let best = combos.iter().filter(|c| c.1 <= max).map(|c| c.0).min_by(f64::total_cmp);
        let Some(best) = best else {
            prop_assert_eq!(got, Err(RouteError::HopLimit { max }));
            return Ok(());
        };
        let got = got.expect("a route");
        check_walk(g, &got.route, q.from, q.to, avoid);
        prop_assert!(got.route.moves() <= max);
        prop_assert!((got.total - best).abs() < 1e-9, "total {} vs oracle {}", got.total, best);
        let costs: Vec<f64> = got.route.edges.iter().map(|&e| edge_cost(g, e)).collect();
        prop_assert_eq!(&got.move_costs, &costs);
        prop_assert!((got.total - costs.iter().sum::<f64>()).abs() < 1e-9);
        // Fewest moves among the cheapest.
        let fewest = combos
            .iter()
            .filter(|c| c.1 <= max && c.0 == best)
            .map(|c| c.1)
            .min()
            .unwrap();
        prop_assert_eq!(got.route.moves(), fewest);
        if stops.len() == 2 {
            // One leg: exactly the first by names among the cheapest, fewest-move routes.
            let mut chosen: Option<Vec<EdgeIndex>> = None;
            for p in simple_paths(g, q.from, q.to, avoid) {
                let c: f64 = p.iter().map(|&e| edge_cost(g, e)).sum();
                if c != best || p.len() != fewest {
                    continue;
                }
                let key = |p: &[EdgeIndex]| -> Vec<(f64, usize)> {
                    p.iter().map(|&e| (edge_cost(g, e), e.index())).collect()
                };
                let better = match &chosen {
                    None => true,
                    Some(b) => cmp_names(g, &nodes_of(g, q.from, &p), &nodes_of(g, q.from, b))
                        .then_with(|| {
                            key(&p)
                                .iter()
                                .zip(key(b))
                                .map(|(x, y)| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)))
                                .find(|o| o.is_ne())
                                .unwrap_or(Ordering::Equal)
                        })
                        .is_lt(),
                };
                if better {
                    chosen = Some(p);
                }
            }
            prop_assert_eq!(got.route.edges, chosen.unwrap());
        }
    }

    #[test]
    fn all_routes_lists_every_simple_route(
        seed in any::<u64>(),
        qseed in any::<u64>(),
        limit in 0usize..4,
        budget in 1usize..60,
    ) {
        let w = world(seed);
        let g = &w.graph;
        let q = query(&w, qseed);
        let avoid = &q.options.avoid;
        let got = all_routes(g, q.from, q.to, &q.options, 10_000, 10_000_000);
        if let Some(bad) = first_avoided(&q) {
            prop_assert_eq!(got, Err(RouteError::Avoided(bad)));
            return Ok(());
        }
        let mut stops = stops_of(&q);
        stops.dedup();
        for leg in stops.windows(2) {
            if bfs_len(g, leg[0], leg[1], avoid).is_none() {
                prop_assert_eq!(got, Err(expected_unreachable(g, leg[0], leg[1], avoid)));
                return Ok(());
            }
        }
        // Every simple route through the stops in order, as node lists (parallel edges merged).
        let mut every: Vec<Vec<NodeIndex>> = simple_paths(g, q.from, q.to, avoid)
            .into_iter()
            .map(|p| nodes_of(g, q.from, &p))
            .filter(|nodes| {
                let pos: Option<Vec<usize>> =
                    stops.iter().map(|s| nodes.iter().position(|n| n == s)).collect();
                pos.is_some_and(|p| p.windows(2).all(|w| w[0] < w[1]))
            })
            .collect();
        every.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| cmp_names(g, a, b)));
        every.dedup();
        let max = q.options.max_hops.unwrap_or(DEFAULT_MAX_HOPS);
        let within: Vec<Vec<NodeIndex>> = every.iter().filter(|n| n.len() <= max + 1).cloned().collect();
        let longer = every.len() > within.len();

        let got = got.expect("routes");
        for r in &got.routes {
            check_walk(g, r, q.from, q.to, avoid);
            for pair in r.nodes.windows(2).zip(&r.edges) {
                let lowest = g.edges_between(pair.0[0], pair.0[1], EdgeKind::Transition)
                    .into_iter().min_by_key(|e| e.index()).unwrap();
                prop_assert_eq!(*pair.1, lowest);
            }
        }
        let nodes: Vec<Vec<NodeIndex>> = got.routes.iter().map(|r| r.nodes.clone()).collect();
        prop_assert_eq!(&nodes, &within);
        prop_assert_eq!(got.stopped_by, longer.then_some(Limit::Hops(max)));

        // A small result limit: the first `limit`, and `Results` exactly when more exist.
        let small = all_routes(g, q.from, q.to, &q.options, limit, 10_000_000).unwrap();
        let nodes: Vec<Vec<NodeIndex>> = small.routes.iter().map(|r| r.nodes.clone()).collect();
        prop_assert_eq!(nodes.as_slice(), &within[..limit.min(within.len())]);
        let expected = if within.len() > limit {
            Some(Limit::Results(limit))
        } else {
            longer.then_some(Limit::Hops(max))
        };
        prop_assert_eq!(small.stopped_by, expected);

        // A small work budget: always the beginning of the full list.
        let cut = all_routes(g, q.from, q.to, &q.options, 10_000, budget).unwrap();
        let nodes: Vec<Vec<NodeIndex>> = cut.routes.iter().map(|r| r.nodes.clone()).collect();
        prop_assert!(within.starts_with(&nodes));
        if cut.stopped_by != Some(Limit::Work(budget)) {
            prop_assert_eq!(nodes, within);
            prop_assert_eq!(cut.stopped_by, longer.then_some(Limit::Hops(max)));
        }
    }

    #[test]
    fn held_skills_is_the_prerequisite_closure(seed in any::<u64>(), pick in any::<u64>()) {
        let w = world(seed);
        let g = &w.graph;
        let mut rng = Rng::new(pick);
        let role = rng.pick(&w.roles);
        let expected = prereq_closure(g, required(g, role, 0).into_keys());
        let got: BTreeSet<NodeIndex> = held_skills(g, &Start::Role(role)).skills().collect();
        prop_assert_eq!(got, expected);

        let mut profile: Vec<NodeIndex> = (0..3).map(|_| rng.pick(&w.skills)).collect();
        profile.push(rng.pick(&w.tools));
        let mut seeds: Vec<NodeIndex> = profile[..3].to_vec();
        for e in g.edge_indices() {
            let (t, s) = g.edge_endpoints(e);
            if t == profile[3] && g.edge(e).kind == EdgeKind::Covers {
                seeds.push(s);
            }
        }
        let profile = profile.into_iter().map(|ix| (ix, None)).collect();
        let got: BTreeSet<NodeIndex> = held_skills(g, &Start::Profile(profile)).skills().collect();
        prop_assert_eq!(got, prereq_closure(g, seeds));
    }

    #[test]
    fn gap_is_need_minus_have(seed in any::<u64>(), hseed in any::<u64>(), min in 0u8..6) {
        let w = world(seed);
        let g = &w.graph;
        for have in haves(&w, hseed) {
            for &target in &w.roles {
                let got = gap(g, &have, target, min);
                let need = required(g, target, min);
                let expected: BTreeSet<NodeIndex> = need.keys().copied().filter(|s| !have.contains(s)).collect();
                prop_assert_eq!(got.iter().map(|i| i.skill).collect::<BTreeSet<_>>(), expected);
                prop_assert_eq!(got.len(), need.len() - need.keys().filter(|s| have.contains(s)).count());
                for item in &got {
                    prop_assert_eq!(item.importance, need[&item.skill]);
                    prop_assert_eq!(item.effort.hours, hours(g, item.skill));
                    prop_assert_eq!(item.effort.is_known(), g.node(item.skill).effort_hours.is_some());
                    let mut missing: Vec<NodeIndex> = ancestors(g, item.skill).into_iter().filter(|s| !have.contains(s)).collect();
                    missing.sort_by(|a, b| g.order_by_name(*a, *b));
                    prop_assert_eq!(&item.missing_prerequisites, &missing);
                }
                for pair in got.windows(2) {
                    let (a, b) = (&pair[0], &pair[1]);
                    let order = b.importance.cmp(&a.importance)
                        .then(a.effort.hours.total_cmp(&b.effort.hours))
                        .then(g.order_by_name(a.skill, b.skill));
                    prop_assert_eq!(order, Ordering::Less);
                }
            }
        }
    }

    #[test]
    fn learning_plan_is_closure_in_order(seed in any::<u64>(), hseed in any::<u64>(), min in 0u8..6) {
        let w = world(seed);
        let g = &w.graph;
        let mut rng = Rng::new(hseed ^ 77);
        for have in haves(&w, hseed) {
            for &target in &w.roles {
                let extra: Vec<NodeIndex> = (0..rng.below(3)).map(|_| rng.pick(&w.skills)).collect();
                let plan = learning_plan(g, &have, target, min, &extra);

                // Which skills.
                let need = required(g, target, min);
                let gap_set: BTreeSet<NodeIndex> = need.keys().copied().filter(|s| !have.contains(s)).collect();
                let named: BTreeSet<NodeIndex> = extra.iter().copied().filter(|s| !have.contains(s) && !gap_set.contains(s)).collect();
                let roots: BTreeSet<NodeIndex> = gap_set.union(&named).copied().collect();
                let closure = prereq_closure(g, roots.iter().copied());
                let expected: BTreeSet<NodeIndex> = closure.iter().copied().filter(|s| !have.contains(s)).collect();
                let steps: Vec<NodeIndex> = plan.steps.iter().map(|s| s.skill).collect();
                prop_assert_eq!(steps.len(), expected.len(), "a skill twice");
                prop_assert_eq!(steps.iter().copied().collect::<BTreeSet<_>>(), expected.clone());

                // Hours.
                let mut running = 0.0;
                for step in &plan.steps {
                    prop_assert_eq!(step.effort.hours, hours(g, step.skill));
                    running += step.effort.hours;
                    prop_assert!((step.cumulative_hours - running).abs() < 1e-9);
                }
                let sum: f64 = expected.iter().map(|&s| hours(g, s)).sum();
                prop_assert!((plan.total_hours - sum).abs() < 1e-9);

                // Reasons, priorities, tools.
                let own = |s: NodeIndex| -> Option<u8> {
                    if gap_set.contains(&s) { Some(need[&s]) } else if named.contains(&s) { Some(NAMED_PRIORITY) } else { None }
                };
                let priority = |s: NodeIndex| -> u8 {
                    roots.iter().filter(|&&r| r == s || ancestors(g, r).contains(&s)).map(|&r| own(r).unwrap()).max().unwrap()
                };
                for step in &plan.steps {
                    let s = step.skill;
                    let reason = if gap_set.contains(&s) {
                        Reason::Required { importance: need[&s] }
                    } else if named.contains(&s) {
                        Reason::Named
                    } else {
                        let mut deps: Vec<NodeIndex> = closure.iter().copied()
                            .filter(|&d| !g.edges_between(s, d, EdgeKind::Prerequisite).is_empty())
                            .collect();
                        deps.sort_by(|a, b| g.order_by_name(*a, *b));
                        Reason::PrerequisiteOf(deps)
                    };
                    prop_assert_eq!(&step.reason, &reason);
                    prop_assert_eq!(step.priority, priority(s));
                    let mut tools: Vec<NodeIndex> = w.tools.iter().copied()
                        .filter(|&t| !g.edges_between(t, s, EdgeKind::Covers).is_empty())
                        .collect();
                    tools.sort_by(|a, b| g.order_by_name(*a, *b));
                    prop_assert_eq!(&step.covered_by, &tools);
                }

                // Order: after every prerequisite (transitively), and the best available first.
                for (i, &s) in steps.iter().enumerate() {
                    for a in ancestors(g, s) {
                        if let Some(j) = steps.iter().position(|&x| x == a) {
                            prop_assert!(j < i, "prerequisite after its skill");
                        }
                    }
                    let key = |x: NodeIndex| (std::cmp::Reverse(priority(x)), hours(g, x));
                    for &t in &steps[i + 1..] {
                        let available = ancestors(g, t).iter().all(|a| !expected.contains(a) || steps[..i].contains(a));
                        if available {
                            let order = key(s).0.cmp(&key(t).0)
                                .then(key(s).1.total_cmp(&key(t).1))
                                .then(g.order_by_name(s, t));
                            prop_assert_eq!(order, Ordering::Less, "a better skill was available");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn closest_roles_ranks_by_plan_hours(seed in any::<u64>(), hseed in any::<u64>(), min in 0u8..6, ex in any::<bool>()) {
        let w = world(seed);
        let g = &w.graph;
        for have in haves(&w, hseed) {
            let exclude = ex.then(|| w.roles[hseed as usize % w.roles.len()]);
            let got = closest_roles(g, &have, min, exclude, &Interrupt::never()).unwrap();
            let mut roles: Vec<NodeIndex> = got.iter().map(|c| c.role).collect();
            roles.sort();
            // A role with nothing required at `min` has no evidence to compare: left out.
            let mut expected: Vec<NodeIndex> = w.roles.iter().copied()
                .filter(|&r| Some(r) != exclude && !required(g, r, min).is_empty())
                .collect();
            expected.sort();
            prop_assert_eq!(roles, expected);
            for c in &got {
                prop_assert_eq!(c.hours, learning_plan(g, &have, c.role, min, &[]).total_hours);
                prop_assert_eq!(c.missing, gap(g, &have, c.role, min).len());
                let need = required(g, c.role, min);
                let total: u32 = need.values().map(|&i| u32::from(i)).sum();
                let got_w: u32 = need.iter().filter(|(s, _)| have.contains(s)).map(|(_, &i)| u32::from(i)).sum();
                let pct = 100.0 * f64::from(got_w) / f64::from(total);
                prop_assert_eq!(c.evidence, need.len());
                prop_assert!((c.match_pct - pct).abs() < 1e-9);
                prop_assert!((0.0..=100.0).contains(&c.match_pct));
            }
            for pair in got.windows(2) {
                let (a, b) = (&pair[0], &pair[1]);
                let order = a.hours.total_cmp(&b.hours)
                    .then(b.match_pct.total_cmp(&a.match_pct))
                    .then(g.order_by_name(a.role, b.role));
                prop_assert_eq!(order, Ordering::Less);
            }
        }
    }

    #[test]
    fn next_skills_is_learning_each_candidate_and_planning_again(seed in any::<u64>(), hseed in any::<u64>(), min in 0u8..6, ex in any::<bool>()) {
        let w = world(seed);
        let g = &w.graph;
        let roles: Vec<NodeIndex> = g.node_indices().filter(|&r| g.node(r).kind == NodeKind::Role).collect();
        for have in haves(&w, hseed) {
            // `next_skills` expects what `held_skills` gives: closed under prerequisites.
            let have: Held = prereq_closure(g, have.skills()).into_iter().collect();
            let exclude = ex.then(|| w.roles[hseed as usize % w.roles.len()]);
            let mut expected = Vec::new();
            for s in g.node_indices().filter(|&s| g.node(s).kind == NodeKind::Skill) {
                let learnable = have.level(s) != Some(None)
                    && g.in_edges(s, EdgeKind::Prerequisite).all(|(_, p)| have.contains(&p));
                if !learnable {
                    continue;
                }
                // A role is helped when its plan has the skill, completed when learning the
                // skill in full leaves its plan (and so its gap) empty; hours are the drop.
                let mut after = have.clone();
                after.hold(s, None);
                let (mut helped, mut saved, mut completed, mut most) = (0, 0.0, 0, 0.0f64);
                for &r in roles.iter().filter(|&&r| Some(r) != exclude) {
                    let before = learning_plan(g, &have, r, min, &[]);
                    let Some(step) = before.steps.iter().find(|st| st.skill == s) else {
                        continue;
                    };
                    let a = learning_plan(g, &after, r, min, &[]);
                    prop_assert_eq!(a.steps.len(), before.steps.len() - 1);
                    prop_assert_eq!(a.steps.is_empty(), gap(g, &after, r, min).is_empty());
                    helped += 1;
                    saved += before.total_hours - a.total_hours;
                    most = most.max(step.effort.hours);
                    completed += usize::from(a.steps.is_empty());
                }
                let cost = if helped > 0 { most } else { hours(g, s) };
                expected.push((s, cost, helped, saved, completed));
            }
            let got: Vec<_> = next_skills(g, &have, min, exclude, &Interrupt::never())
                .unwrap()
                .into_iter()
                .map(|n| (n.skill, n.cost, n.roles_helped, n.hours_saved, n.roles_completed))
                .collect();
            prop_assert_eq!(got.len(), expected.len());
            for (g, e) in got.iter().zip(&expected) {
                prop_assert_eq!((g.0, g.1, g.2, g.4), (e.0, e.1, e.2, e.4));
                prop_assert!((g.3 - e.3).abs() < 1e-6, "hours saved {} vs {}", g.3, e.3);
            }
        }
    }

    #[test]
    fn move_cost_is_stated_effort_or_plan_hours(seed in any::<u64>(), min in 0u8..6) {
        let w = world(seed);
        let g = &w.graph;
        for e in g.edge_indices() {
            let edge = g.edge(e);
            let got = move_cost(g, e, min);
            if edge.kind != EdgeKind::Transition {
                prop_assert_eq!(got, f64::INFINITY);
                continue;
            }
            let expected = match edge.effort_hours {
                Some(h) => h,
                None => {
                    let (from, to) = g.edge_endpoints(e);
                    let have = held_skills(g, &Start::Role(from));
                    let extra: Vec<NodeIndex> = edge.move_skills().iter().map(|id| g.by_id(id).unwrap()).collect();
                    learning_plan(g, &have, to, min, &extra).total_hours
                }
            };
            prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn cheapest_route_with_move_cost(seed in any::<u64>(), qseed in any::<u64>()) {
        let w = world(seed);
        let g = &w.graph;
        let q = query(&w, qseed);
        let options = Constraints { via: Vec::new(), ..q.options };
        if options.avoid.contains(&q.from) || options.avoid.contains(&q.to) {
            return Ok(());
        }
        let got = cheapest_route(g, q.from, q.to, &options, |e| move_cost(g, e, 3));
        let max = options.max_hops.unwrap_or(usize::MAX);
        let best = simple_paths(g, q.from, q.to, &options.avoid)
            .into_iter()
            .filter(|p| p.len() <= max)
            .map(|p| p.iter().map(|&e| move_cost(g, e, 3)).sum::<f64>())
            .min_by(f64::total_cmp);
        match (got, best) {
            (Ok(r), Some(b)) => prop_assert!((r.total - b).abs() < 1e-9),
            (Err(RouteError::Unreachable { .. } | RouteError::HopLimit { .. }), None) => {}
            (got, best) => prop_assert!(false, "{:?} vs {:?}", got, best),
        }
    }
}
