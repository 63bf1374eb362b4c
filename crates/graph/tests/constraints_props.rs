//! Every constraint of [`Constraints`] holds on every route and plan the algorithms return,
//! checked against a brute-force oracle on small random graphs: the oracle lists every simple
//! route, keeps those whose every move the constraints allow (keep pay, job zone, avoid, max
//! moves, and the data's rule that a career trap leads only into the goal), and the answer must
//! be one of them and the best of them; an error must mean the oracle has none.

mod common;

use common::{config, Rng};
use proptest::prelude::*;
use skillgraph_graph::algo::effort::HOURS_PER_LEVEL;
use skillgraph_graph::algo::{
    all_routes, best_route, fewest_moves, held_skills, learning_plan, least_effort_route,
    listed_routes, missing_tools, plan_through, Broken, Constraints, EffortFrom, Held, Learnt,
    MoveRule, Route, RouteError, Start, ToolScope,
};
use skillgraph_graph::{Edge, EdgeIndex, EdgeKind, Graph, Node, NodeIndex, NodeKind, Value};

struct World {
    graph: Graph,
    roles: Vec<NodeIndex>,
    skills: Vec<NodeIndex>,
    tools: Vec<NodeIndex>,
}

/// Roles with a pay and a job zone (each sometimes unknown) that require skills at quarter
/// levels and use tools (which cover skills); moves between them, a few of them career traps.
fn world(seed: u64) -> World {
    let mut rng = Rng::new(seed);
    let mut graph = Graph::new();
    let skills: Vec<NodeIndex> = (0..2 + rng.below(4))
        .map(|i| {
            let mut s = Node::new(format!("s{i}"), NodeKind::Skill, format!("S{i}"));
            let rate = 4.0 * (1 + rng.below(10)) as f64;
            s.fields.insert(HOURS_PER_LEVEL.into(), Value::Number(rate));
            graph.add_node(s)
        })
        .collect();
    let tools: Vec<NodeIndex> = (0..rng.below(3))
        .map(|i| {
            let mut t = Node::new(format!("t{i}"), NodeKind::Tool, format!("T{i}"));
            t.effort_hours = Some((1 + rng.below(40)) as f64);
            graph.add_node(t)
        })
        .collect();
    for &t in &tools {
        for &s in &skills {
            if rng.chance(30) {
                graph.add_edge(t, s, Edge::new(EdgeKind::Covers));
            }
        }
    }
    let roles: Vec<NodeIndex> = (0..2 + rng.below(6))
        .map(|i| {
            let mut r = Node::new(format!("r{i}"), NodeKind::Role, format!("R{i}"));
            if rng.chance(80) {
                let pay = Value::Number((40 + 10 * rng.below(10)) as f64);
                let salary = [("avg".to_string(), pay)].into_iter().collect();
                r.fields.insert("salary".into(), Value::Record(salary));
            }
            if rng.chance(80) {
                r.fields
                    .insert("job_zone".into(), Value::Number((1 + rng.below(5)) as f64));
            }
            graph.add_node(r)
        })
        .collect();
    for &r in &roles {
        for &s in &skills {
            if rng.chance(55) {
                let mut e = Edge::new(EdgeKind::Requires);
                e.importance = Some(1 + rng.below(5) as u8);
                let level = 0.25 * (4 + rng.below(20)) as f64;
                e.extra_mut()
                    .fields
                    .insert("level".into(), Value::Number(level));
                graph.add_edge(r, s, e);
            }
        }
        for &t in &tools {
            if rng.chance(40) {
                graph.add_edge(r, t, Edge::new(EdgeKind::Uses));
            }
        }
    }
    // Near misses of a trap, drawn apart so that the moves and their traps stay what each seed
    // gave: the text `trap` elsewhere in a move's extras is no trap (`trap_moves` looks only at
    // the extras whose bytes hold it).
    let mut decoys = Rng::new(seed ^ 0x7a4b);
    for &a in &roles {
        for &b in &roles {
            if a != b && rng.chance(45) {
                let mut e = Edge::new(EdgeKind::Transition);
                if rng.chance(25) {
                    e.extra_mut()
                        .fields
                        .insert("move_type".into(), Value::Text("trap".into()));
                } else if decoys.chance(40) {
                    let extra = e.extra_mut();
                    match decoys.below(4) {
                        0 => extra.note = Some("trap".into()),
                        n => {
                            let near = [
                                ("tier", "trap"),
                                ("move_type", "traps"),
                                ("move_type", "lateral"),
                            ];
                            let (field, text) = near[n - 1];
                            extra.fields.insert(field.into(), Value::Text(text.into()));
                        }
                    }
                }
                graph.add_edge(a, b, e);
            }
        }
    }
    World {
        graph,
        roles,
        skills,
        tools,
    }
}

fn number(g: &Graph, ix: NodeIndex, path: &str) -> Option<f64> {
    match g.node(ix).field(path)? {
        Value::Number(n) => Some(n),
        _ => None,
    }
}

fn is_trap(g: &Graph, e: EdgeIndex) -> bool {
    matches!(
        g.edge(e).extra.as_ref().and_then(|x| x.fields.get("move_type")),
        Some(Value::Text(t)) if t == "trap"
    )
}

/// The oracle's rules, written out from the constraints' definitions.
struct Rules {
    from: NodeIndex,
    to: NodeIndex,
    keep_pay: Option<f64>,
    zone_within: Option<u8>,
    avoid: Vec<NodeIndex>,
    /// Whether a trap may be taken only into `to` (else traps are moves like any other).
    traps: bool,
}

impl Rules {
    fn allows(&self, g: &Graph, e: EdgeIndex) -> bool {
        let (a, b) = g.edge_endpoints(e);
        if self.avoid.contains(&b) {
            return false;
        }
        if self.traps && b != self.to && is_trap(g, e) {
            return false;
        }
        if let (Some(share), Some(pay)) = (self.keep_pay, number(g, b, "salary.avg")) {
            let start = number(g, self.from, "salary.avg").expect("checked by the caller");
            if pay < start * share {
                return false;
            }
        }
        if let (Some(n), Some(za), Some(zb)) = (
            self.zone_within,
            number(g, a, "job_zone"),
            number(g, b, "job_zone"),
        ) {
            if (za - zb).abs() > f64::from(n) {
                return false;
            }
        }
        true
    }

    /// Whether every move of `route` is allowed and it runs from `from` to `to`.
    fn holds(&self, g: &Graph, route: &Route) -> bool {
        route.nodes.first() == Some(&self.from)
            && route.nodes.last() == Some(&self.to)
            && route.edges.iter().enumerate().all(|(i, &e)| {
                g.edge_endpoints(e) == (route.nodes[i], route.nodes[i + 1]) && self.allows(g, e)
            })
    }
}

/// Every simple route (its edges) from `from` to `to` whose moves `rules` allow, of any length.
fn oracle_routes(g: &Graph, rules: &Rules) -> Vec<Vec<EdgeIndex>> {
    fn go(
        g: &Graph,
        rules: &Rules,
        at: NodeIndex,
        seen: &mut Vec<NodeIndex>,
        edges: &mut Vec<EdgeIndex>,
        out: &mut Vec<Vec<EdgeIndex>>,
    ) {
        if at == rules.to {
            out.push(edges.clone());
            return;
        }
        for (e, b) in g.out_edges(at, EdgeKind::Transition) {
            if !seen.contains(&b) && rules.allows(g, e) {
                seen.push(b);
                edges.push(e);
                go(g, rules, b, seen, edges, out);
                edges.pop();
                seen.pop();
            }
        }
    }
    let mut out = Vec::new();
    go(
        g,
        rules,
        rules.from,
        &mut vec![rules.from],
        &mut Vec::new(),
        &mut out,
    );
    out
}

fn shortest(routes: &[Vec<EdgeIndex>], max: Option<usize>) -> Option<usize> {
    routes
        .iter()
        .map(Vec::len)
        .filter(|&n| max.is_none_or(|m| n <= m))
        .min()
}

/// A start, a goal and random constraints on a route between them.
fn pick(w: &World, pick: u64) -> (NodeIndex, NodeIndex, Constraints) {
    let mut rng = Rng::new(pick);
    let n = w.roles.len();
    let a = rng.below(n);
    let from = w.roles[a];
    let to = w.roles[(a + 1 + rng.below(n - 1)) % n];
    let avoid = w
        .roles
        .iter()
        .copied()
        .filter(|&r| r != from && r != to && rng.chance(20))
        .collect();
    let constraints = Constraints {
        avoid,
        max_hops: rng.chance(40).then(|| 1 + rng.below(3)),
        keep_pay: rng.chance(50).then(|| [0.8, 0.9, 1.0, 1.1][rng.below(4)]),
        zone_within: rng.chance(50).then(|| rng.below(3) as u8),
        ..Constraints::default()
    };
    (from, to, constraints)
}

fn rules_of(from: NodeIndex, to: NodeIndex, c: &Constraints, traps: bool) -> Rules {
    Rules {
        from,
        to,
        keep_pay: c.keep_pay,
        zone_within: c.zone_within,
        avoid: c.avoid.clone(),
        traps,
    }
}

/// Whether `from` has a pay to keep, as `keep pay` needs.
fn pay_ok(g: &Graph, from: NodeIndex, c: &Constraints) -> bool {
    c.keep_pay.is_none() || number(g, from, "salary.avg").is_some()
}

proptest! {
    #![proptest_config(config())]

    /// `is_trap_move` answers as the oracle does, read from each edge before the trap list is
    /// found and from the list after, on a snapshot's base and on an overlay.
    #[test]
    fn trap_moves_are_found_alike_edge_by_edge_and_by_the_list(seed in any::<u64>()) {
        let w = world(seed);
        let read = Graph::from_snapshot(w.graph.to_snapshot()).unwrap();
        for g in [&w.graph, &read] {
            let fresh = g.clone();
            let edges: Vec<EdgeIndex> = fresh.edge_indices().collect();
            for &e in &edges {
                prop_assert_eq!(fresh.is_trap_move(e), is_trap(g, e));
            }
            let listed: Vec<EdgeIndex> = edges.iter().copied().filter(|&e| is_trap(g, e)).collect();
            prop_assert_eq!(fresh.trap_moves(), &listed[..]);
            for &e in &edges {
                prop_assert_eq!(fresh.is_trap_move(e), is_trap(g, e));
            }
        }
    }

    /// `path`: the route keeps every constraint and has the fewest moves of any that does; an
    /// error means no route does, and names what blocks it.
    #[test]
    fn best_route_keeps_every_constraint(seed in any::<u64>(), choice in any::<u64>()) {
        let w = world(seed);
        let g = &w.graph;
        let (from, to, c) = pick(&w, choice);
        let found = best_route(g, from, to, &c);
        if !pay_ok(g, from, &c) {
            prop_assert_eq!(found, Err(RouteError::NoPayToKeep));
            return Ok(());
        }
        let rules = rules_of(from, to, &c, true);
        let allowed = oracle_routes(g, &rules);
        // fewest_moves keeps the user's constraints alone (traps are best_route's rule).
        let plain = rules_of(from, to, &c, false);
        let plain_allowed = oracle_routes(g, &plain);
        match fewest_moves(g, from, to, &c) {
            Ok(route) => {
                prop_assert!(plain.holds(g, &route), "{route:?} breaks a constraint");
                prop_assert_eq!(Some(route.moves()), shortest(&plain_allowed, c.max_hops));
            }
            Err(RouteError::HopLimit { .. }) => {
                prop_assert!(shortest(&plain_allowed, None).is_some());
                prop_assert!(shortest(&plain_allowed, c.max_hops).is_none());
            }
            Err(RouteError::Unreachable { .. }) => prop_assert!(plain_allowed.is_empty()),
            Err(e) => return Err(TestCaseError::fail(format!("{e:?}"))),
        }
        match found {
            Ok(route) => {
                prop_assert!(rules.holds(g, &route), "{route:?} breaks a constraint");
                prop_assert!(c.max_hops.is_none_or(|m| route.moves() <= m));
                prop_assert_eq!(Some(route.moves()), shortest(&allowed, c.max_hops));
            }
            Err(RouteError::HopLimit { max }) => {
                prop_assert_eq!(Some(max), c.max_hops);
                prop_assert!(shortest(&allowed, None).is_some());
                prop_assert!(shortest(&allowed, c.max_hops).is_none());
            }
            Err(RouteError::Unreachable { only_through_traps, .. }) => {
                prop_assert!(allowed.is_empty());
                // Said when the user's constraints alone would let a route through a trap.
                let through_traps = !c.rules_moves() && shortest(&plain_allowed, c.max_hops).is_some();
                prop_assert_eq!(only_through_traps, through_traps);
            }
            Err(RouteError::Blocked { by, .. }) => {
                prop_assert!(shortest(&allowed, c.max_hops).is_none());
                let free = Rules { keep_pay: None, zone_within: None, ..rules_of(from, to, &c, true) };
                prop_assert!(shortest(&oracle_routes(g, &free), c.max_hops).is_some());
                for rule in by {
                    let alone = match rule {
                        MoveRule::KeepPay => Rules { zone_within: None, ..rules_of(from, to, &c, true) },
                        MoveRule::ZoneWithin => Rules { keep_pay: None, ..rules_of(from, to, &c, true) },
                    };
                    prop_assert!(shortest(&oracle_routes(g, &alone), c.max_hops).is_none());
                }
            }
            Err(e) => return Err(TestCaseError::fail(format!("{e:?}"))),
        }
    }

    /// `paths`: every route listed keeps every constraint, none through a trap on the way, and
    /// together they are all the oracle's routes within the moves allowed.
    #[test]
    fn listed_routes_are_all_that_keep_the_constraints(seed in any::<u64>(), choice in any::<u64>()) {
        let w = world(seed);
        let g = &w.graph;
        let (from, to, c) = pick(&w, choice);
        let c = Constraints { max_hops: Some(c.max_hops.unwrap_or(6)), ..c };
        let listed = listed_routes(g, from, to, &c, 1000, 1_000_000);
        if !pay_ok(g, from, &c) {
            prop_assert_eq!(listed, Err(RouteError::NoPayToKeep));
            return Ok(());
        }
        // all_routes itself keeps the user's constraints; traps are listed_routes' to drop.
        let plain = all_routes(g, from, to, &c, 1000, 1_000_000);
        let mut expected: Vec<Vec<NodeIndex>> = oracle_routes(g, &rules_of(from, to, &c, false))
            .into_iter()
            .filter(|r| r.len() <= c.max_hops.unwrap_or(6))
            .map(|edges| {
                let mut nodes = vec![from];
                nodes.extend(edges.iter().map(|&e| g.edge_endpoints(e).1));
                nodes
            })
            .collect();
        expected.sort();
        expected.dedup();
        match (plain, listed) {
            (Ok(plain), Ok(listed)) => {
                let mut got: Vec<Vec<NodeIndex>> = plain.routes.iter().map(|r| r.nodes.clone()).collect();
                got.sort();
                prop_assert_eq!(got, expected);
                let trap_rules = rules_of(from, to, &c, true);
                for route in &listed.routes {
                    prop_assert!(trap_rules.holds(g, route), "{route:?} breaks a constraint");
                }
                prop_assert_eq!(listed.routes.len() + listed.through_traps, plain.routes.len());
            }
            (Err(RouteError::Unreachable { .. }), Err(RouteError::Unreachable { .. })) => {
                prop_assert!(oracle_routes(g, &rules_of(from, to, &c, false)).is_empty());
            }
            (plain, listed) => return Err(TestCaseError::fail(format!("{plain:?} / {listed:?}"))),
        }
    }

    /// `path … by effort`: the route keeps every constraint on moves, costs no more than
    /// `max hours`, and costs no more than any route the oracle allows; past `max hours` the
    /// answer is an error that states the hours the unbounded answer takes.
    #[test]
    fn least_effort_route_keeps_every_constraint(
        seed in any::<u64>(), choice in any::<u64>(), max_hours in proptest::option::of(0u32..400),
    ) {
        let w = world(seed);
        let g = &w.graph;
        let (from, to, c) = pick(&w, choice);
        let c = Constraints { max_hours: max_hours.map(f64::from), ..c };
        let found = least_effort_route(g, EffortFrom::Role(from), to, &c, 1, 1_000_000);
        if !pay_ok(g, from, &c) {
            prop_assert_eq!(found, Err(RouteError::NoPayToKeep));
            return Ok(());
        }
        let rules = rules_of(from, to, &c, true);
        let unbounded = least_effort_route(
            g, EffortFrom::Role(from), to, &Constraints { max_hours: None, ..c.clone() }, 1, 1_000_000,
        );
        match found {
            Ok(answer) => {
                let total = match (&answer.route, &answer.straight) {
                    (Some(r), _) => {
                        prop_assert!(rules.holds(g, &r.route), "{:?} breaks a constraint", r.route);
                        prop_assert!(c.max_hops.is_none_or(|m| r.route.moves() <= m));
                        prop_assert!(r.total <= oracle_least_hours(g, &rules, c.max_hops) + 1e-6);
                        r.total
                    }
                    (None, Some(plan)) => plan.total_hours,
                    (None, None) => return Ok(()),
                };
                prop_assert!(c.max_hours.is_none_or(|m| total <= m), "{total} hours");
            }
            Err(RouteError::OverHours { total, max }) => {
                prop_assert_eq!(Some(max), c.max_hours);
                prop_assert!(total > max);
                let unbounded = unbounded.expect("the same search without `max hours`");
                let hours = unbounded.route.as_ref().map(|r| r.total)
                    .or(unbounded.straight.as_ref().map(|p| p.total_hours));
                prop_assert_eq!(hours, Some(total));
            }
            Err(RouteError::Unreachable { .. } | RouteError::HopLimit { .. } | RouteError::Blocked { .. }) => {
                prop_assert_eq!(oracle_least_hours(g, &rules, c.max_hops), f64::INFINITY);
            }
            Err(e) => return Err(TestCaseError::fail(format!("{e:?}"))),
        }
    }

    /// `learn`: a plan never holds a skill or tool `avoid` names, and takes no more than
    /// `max hours`; a plan refused breaks the constraint it names; otherwise the plan is each
    /// stop's learning plan and tools in turn.
    #[test]
    fn plans_keep_every_constraint(
        seed in any::<u64>(), choice in any::<u64>(), max_hours in proptest::option::of(0u32..400),
    ) {
        let w = world(seed);
        let g = &w.graph;
        let mut rng = Rng::new(choice);
        let from = rng.pick(&w.roles);
        let to = rng.pick(&w.roles);
        let via: Vec<NodeIndex> = w.roles.iter().copied().filter(|_| rng.chance(20)).collect();
        let avoid: Vec<NodeIndex> = w.skills.iter().chain(&w.tools).copied().filter(|_| rng.chance(25)).collect();
        let c = Constraints { via, avoid, max_hours: max_hours.map(f64::from), ..Constraints::default() };
        let held = held_skills(g, &Start::Role(from));
        let tools = [ToolScope::All, ToolScope::Flagged, ToolScope::Without][rng.below(3)];
        let (plan, broken) = match plan_through(g, &held, to, 1, tools, &c) {
            Ok(plan) => (plan, None),
            Err(refused) => (refused.plan, Some(refused.broken)),
        };
        // The oracle: each stop's plan from what is held by then, then its tools, less those
        // avoided.
        let mut have: Held = held.clone();
        let mut expected = Vec::new();
        for &stop in c.via.iter().chain(std::iter::once(&to)) {
            for s in learning_plan(g, &have, stop, 1, &[]).steps {
                have.learn(s.skill, s.to_level);
                expected.push(s.skill);
            }
            for t in missing_tools(g, &have, stop, tools).0 {
                if !c.avoid.contains(&t.tool) {
                    have.hold_tool(t.tool);
                    expected.push(t.tool);
                }
            }
        }
        let got: Vec<NodeIndex> = plan.steps.iter().map(|s| s.node()).collect();
        prop_assert_eq!(&got, &expected);
        let total: f64 = plan.steps.iter().map(|s| s.effort().hours).sum();
        prop_assert!((plan.total_hours - total).abs() < 1e-9);
        for s in &plan.steps {
            if let Learnt::Skill(step) = &s.learnt {
                prop_assert!(step.covered_by.iter().all(|t| !c.avoid.contains(t)));
            }
        }
        let needs_avoided = got.iter().any(|ix| c.avoid.contains(ix));
        let over = c.max_hours.is_some_and(|m| total > m);
        match broken {
            None => prop_assert!(!needs_avoided && !over),
            Some(Broken::Avoided { step }) => {
                prop_assert!(c.avoid.contains(&got[step]));
                prop_assert!(w.skills.contains(&got[step]));
            }
            Some(Broken::OverHours { max }) => {
                prop_assert!(!needs_avoided);
                prop_assert_eq!(Some(max), c.max_hours);
                prop_assert!(total > max);
            }
        }
    }
}

/// The fewest hours of any route the rules allow (moves costing their learning plans from what
/// is held, growing along the route), or infinity without one.
fn oracle_least_hours(g: &Graph, rules: &Rules, max: Option<usize>) -> f64 {
    let held = held_skills(g, &Start::Role(rules.from));
    oracle_routes(g, rules)
        .into_iter()
        .filter(|r| max.is_none_or(|m| r.len() <= m))
        // A role without requirement data is no free stepping stone (least_effort_route's rule).
        .filter(|r| {
            r.iter().all(|&e| {
                let b = g.edge_endpoints(e).1;
                b == rules.to || g.out_edges(b, EdgeKind::Requires).next().is_some()
            })
        })
        .map(|edges| {
            let mut have = held.clone();
            edges
                .iter()
                .map(|&e| {
                    let plan = learning_plan(g, &have, g.edge_endpoints(e).1, 1, &[]);
                    for s in &plan.steps {
                        have.learn(s.skill, s.to_level);
                    }
                    plan.total_hours
                })
                .sum::<f64>()
        })
        .fold(f64::INFINITY, f64::min)
}
