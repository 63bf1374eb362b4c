//! `least_effort_route` against a brute-force oracle on small random graphs: every simple route
//! from the start (from a profile: after qualifying for any first role) is walked with what is
//! held growing along it, and the search's answer must cost no more than the best of them and
//! than learning straight; each move lists only what is still missing; the total is the sum of
//! the moves; no route passes through a role without requirement data at no cost.
//!
//! Levels are multiples of a quarter and rates multiples of four, so no hours are rounded: the
//! search's bound is exact there (docs: it may be off by the rounding of estimates elsewhere).
//! A quarter below a need meets it when rated (less than the threshold), not when learnt.

mod common;

use common::{config, Rng};
use proptest::prelude::*;
use skillgraph_graph::algo::effort::HOURS_PER_LEVEL;
use skillgraph_graph::algo::{
    held_skills, learning_plan, least_effort_route, Constraints, EffortAnswer, EffortFrom, Held,
    Reason, RouteError, Searched, Start,
};
use skillgraph_graph::{
    Edge, EdgeIndex, EdgeKind, Graph, Node, NodeIndex, NodeKind, StatedMoves, Value,
};

struct World {
    graph: Graph,
    roles: Vec<NodeIndex>,
    skills: Vec<NodeIndex>,
}

/// Roles that require skills at quarter levels (a few with no requirements at all), skills
/// with rates of their own, moves between roles; with `stated`, some moves state their effort.
fn world(seed: u64, stated: bool) -> World {
    let mut rng = Rng::new(seed);
    let mut graph = Graph::new();
    let skills: Vec<NodeIndex> = (0..2 + rng.below(5))
        .map(|i| {
            let mut s = Node::new(format!("s{i}"), NodeKind::Skill, format!("S{i}"));
            let rate = 4.0 * (1 + rng.below(10)) as f64;
            s.fields.insert(HOURS_PER_LEVEL.into(), Value::Number(rate));
            graph.add_node(s)
        })
        .collect();
    let roles: Vec<NodeIndex> = (0..2 + rng.below(6))
        .map(|i| graph.add_node(Node::new(format!("r{i}"), NodeKind::Role, format!("R{i}"))))
        .collect();
    for &r in &roles {
        if rng.chance(15) {
            continue; // no requirement data
        }
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
    }
    for &a in &roles {
        for &b in &roles {
            if a != b && rng.chance(40) {
                let mut e = Edge::new(EdgeKind::Transition);
                if stated && rng.chance(40) {
                    e.effort_hours = Some(rng.below(300) as f64);
                }
                if rng.chance(50) {
                    e.extra_mut()
                        .fields
                        .insert("rank".into(), Value::Number((1 + rng.below(20)) as f64));
                }
                graph.add_edge(a, b, e);
            }
        }
    }
    World {
        graph,
        roles,
        skills,
    }
}

fn has_data(g: &Graph, role: NodeIndex) -> bool {
    g.out_edges(role, EdgeKind::Requires).next().is_some()
}

/// The moves a route may take: into the goal, or a role with data, or stating their effort.
fn usable_moves(g: &Graph, from: NodeIndex, to: NodeIndex) -> Vec<(EdgeIndex, NodeIndex)> {
    g.out_edges(from, EdgeKind::Transition)
        .filter(|&(e, b)| g.edge_effort_of(e).is_some() || b == to || has_data(g, b))
        .collect()
}

/// Every simple route (edges) from `from` to `to` of at most `max` moves.
fn simple_routes(g: &Graph, from: NodeIndex, to: NodeIndex, max: usize) -> Vec<Vec<EdgeIndex>> {
    fn go(
        g: &Graph,
        at: NodeIndex,
        to: NodeIndex,
        max: usize,
        seen: &mut Vec<NodeIndex>,
        edges: &mut Vec<EdgeIndex>,
        out: &mut Vec<Vec<EdgeIndex>>,
    ) {
        if at == to {
            out.push(edges.clone());
            return;
        }
        if edges.len() == max {
            return;
        }
        for (e, b) in usable_moves(g, at, to) {
            if !seen.contains(&b) {
                seen.push(b);
                edges.push(e);
                go(g, b, to, max, seen, edges, out);
                edges.pop();
                seen.pop();
            }
        }
    }
    let mut out = Vec::new();
    go(g, from, to, max, &mut vec![from], &mut Vec::new(), &mut out);
    out
}

/// The oracle's walk: the hours of each move, from `held`, holding what each plan teaches.
fn walk(g: &Graph, held: Held, edges: &[EdgeIndex], min: u8) -> Vec<f64> {
    walk_steps(g, held, edges, min).0
}

/// [`walk`], and how many plan steps the moves have in all.
fn walk_steps(g: &Graph, mut held: Held, edges: &[EdgeIndex], min: u8) -> (Vec<f64>, usize) {
    let mut steps = 0;
    let hours = edges
        .iter()
        .map(|&e| match g.edge_effort_of(e) {
            Some(h) => h,
            None => {
                let (_, b) = g.edge_endpoints(e);
                let plan = learning_plan(g, &held, b, min, &[]);
                for s in &plan.steps {
                    held.learn(s.skill, s.to_level);
                }
                steps += plan.steps.len();
                plan.total_hours
            }
        })
        .collect();
    (hours, steps)
}

/// The cheapest route of the oracle: (hours, whether all its moves cost learning, the steps
/// of its plans).
fn oracle_best(
    g: &Graph,
    starts: &[(NodeIndex, Held, f64, usize)],
    to: NodeIndex,
    max: usize,
    min: u8,
) -> Option<(f64, bool, usize)> {
    let mut best: Option<(f64, bool, usize)> = None;
    for (from, held, first, first_steps) in starts {
        for route in simple_routes(g, *from, to, max) {
            let (hours, steps) = walk_steps(g, held.clone(), &route, min);
            let total = first + hours.iter().sum::<f64>();
            let learning = route.iter().all(|&e| g.edge_effort_of(e).is_none());
            if best.is_none_or(|(b, _, _)| total < b - 1e-9) {
                best = Some((total, learning, first_steps + steps));
            }
        }
    }
    best
}

fn check(
    w: &World,
    answer: &EffortAnswer,
    from: EffortFrom<'_>,
    to: NodeIndex,
    min: u8,
    max: usize,
) -> Result<(), TestCaseError> {
    let g = &w.graph;
    prop_assert_eq!(answer.searched, Searched::Complete);
    let start_held = match from {
        EffortFrom::Role(r) => held_skills(g, &Start::Role(r)),
        EffortFrom::Profile(h) => h.clone(),
    };
    // The oracle's starting points: the role, or after qualifying for any first role.
    let starts: Vec<(NodeIndex, Held, f64, usize)> = match from {
        EffortFrom::Role(r) => vec![(r, start_held.clone(), 0.0, 0)],
        EffortFrom::Profile(h) => w
            .roles
            .iter()
            .filter(|&&r| r != to && has_data(g, r))
            .map(|&r| {
                let plan = learning_plan(g, h, r, min, &[]);
                let mut held = h.clone();
                for s in &plan.steps {
                    held.learn(s.skill, s.to_level);
                }
                (r, held, plan.total_hours, plan.steps.len())
            })
            .collect(),
    };
    let best = oracle_best(g, &starts, to, max, min);
    let straight_steps = learning_plan(g, &start_held, to, min, &[]).steps.len();
    // Where every move states its effort, learning straight is no alternative to a route.
    let straight = match (g.stated_moves(), from) {
        (StatedMoves::Every, EffortFrom::Role(_)) => f64::INFINITY,
        _ => learning_plan(g, &start_held, to, min, &[]).total_hours,
    };
    prop_assert_eq!(
        answer.straight.as_ref().map(|p| p.total_hours),
        straight.is_finite().then_some(straight)
    );
    match &answer.route {
        Some(found) => {
            // The total is the sum of the moves, as walked by the oracle.
            let (first_role, mut held, first) = match (&found.qualify, from) {
                (Some((r, plan)), EffortFrom::Profile(h)) => {
                    let mut held = h.clone();
                    for s in &plan.steps {
                        held.learn(s.skill, s.to_level);
                    }
                    (*r, held, plan.total_hours)
                }
                (None, EffortFrom::Role(r)) => (r, start_held.clone(), 0.0),
                _ => return Err(TestCaseError::fail("a qualifying plan iff from a profile")),
            };
            prop_assert_eq!(found.route.nodes[0], first_role);
            let walked = walk(g, held.clone(), &found.route.edges, min);
            let sum = first + found.moves.iter().map(|m| m.hours).sum::<f64>();
            prop_assert!((found.total - sum).abs() < 1e-6);
            for (m, w) in found.moves.iter().zip(&walked) {
                prop_assert!(
                    (m.hours - w).abs() < 1e-6,
                    "move {} hours vs walked {}",
                    m.hours,
                    w
                );
            }
            // No role without data passed at no cost; no move teaches what is already met.
            for (i, m) in found.moves.iter().enumerate() {
                let b = found.route.nodes[i + 1];
                prop_assert!(b == to || has_data(g, b) || m.plan.is_none());
                if let Some(plan) = &m.plan {
                    for s in &plan.steps {
                        if let Reason::Required { .. } = s.reason {
                            prop_assert!(!held.meets(s.skill, s.to_level));
                        }
                    }
                    for s in &plan.steps {
                        held.learn(s.skill, s.to_level);
                    }
                }
            }
            // Cheapest: no route of the oracle's costs less.
            if let Some((b, _, _)) = best {
                prop_assert!(
                    found.total <= b + 1e-6,
                    "found {} > oracle {}",
                    found.total,
                    b
                );
            }
            // Never dearer than learning straight when every move costs learning; a tie only
            // for one move straight into the goal.
            if found.moves.iter().all(|m| m.plan.is_some()) {
                let steps = straight_steps
                    + found.qualify.as_ref().map_or(0, |(_, p)| p.steps.len())
                    + found
                        .moves
                        .iter()
                        .map(|m| m.plan.as_ref().map_or(0, |p| p.steps.len()))
                        .sum::<usize>();
                let cheaper = found.total < straight - 0.5 * steps as f64 - 1e-6;
                let direct = found.moves.len() == 1
                    && found.qualify.is_none()
                    && found.total <= straight + 1e-6;
                prop_assert!(
                    cheaper || direct,
                    "{} vs straight {}",
                    found.total,
                    straight
                );
            }
        }
        None => {
            // Learning straight won: no one move straight into the goal is as cheap.
            if let EffortFrom::Role(r) = from {
                for (e, b) in usable_moves(g, r, to) {
                    let hours = walk(g, start_held.clone(), &[e], min)[0];
                    prop_assert!(
                        b != to || hours > straight + 1e-6,
                        "a direct move of {} h",
                        hours
                    );
                }
            }
            // No route the oracle knows is cheaper beyond the rounding, unless it has stated
            // moves.
            if let Some((b, learning, steps)) = best {
                prop_assert!(
                    b >= straight - 0.5 * (straight_steps + steps) as f64 - 1e-6 || !learning,
                    "oracle route of {} < straight {}",
                    b,
                    straight
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn from_a_role_no_route_is_cheaper(
        seed in any::<u64>(), stated in any::<bool>(), pick in any::<u64>(), min in 1u8..4,
        hops in proptest::option::of(1usize..4),
    ) {
        let w = world(seed, stated);
        let n = w.roles.len();
        let a = (pick % n as u64) as usize;
        let from = w.roles[a];
        let to = w.roles[(a + 1 + ((pick >> 8) % (n as u64 - 1)) as usize) % n];
        let options = Constraints { max_hops: hops, ..Constraints::default() };
        let max = hops.unwrap_or(n);
        match least_effort_route(&w.graph, EffortFrom::Role(from), to, &options, min, 1_000_000) {
            Ok(answer) => check(&w, &answer, EffortFrom::Role(from), to, min, max)?,
            Err(RouteError::Unreachable { .. }) | Err(RouteError::HopLimit { .. }) => {
                prop_assert!(simple_routes(&w.graph, from, to, max).is_empty());
            }
            Err(e) => return Err(TestCaseError::fail(format!("{e:?}"))),
        }
    }

    #[test]
    fn from_a_profile_no_route_is_cheaper(
        seed in any::<u64>(), stated in any::<bool>(), pick in any::<u64>(), min in 1u8..4,
    ) {
        let w = world(seed, stated);
        let n = w.roles.len();
        let to = w.roles[(pick % n as u64) as usize];
        // A profile of rated skills at quarter levels (some held in full).
        let mut rng = Rng::new(pick);
        let mut held = Held::default();
        for &s in &w.skills {
            if rng.chance(50) {
                let level = if rng.chance(20) { None } else { Some(0.25 * rng.below(24) as f64) };
                held.hold(s, level);
            }
        }
        let answer = least_effort_route(
            &w.graph, EffortFrom::Profile(&held), to, &Constraints::default(), min, 1_000_000,
        );
        match answer {
            Ok(answer) => check(&w, &answer, EffortFrom::Profile(&held), to, min, n)?,
            Err(e) => return Err(TestCaseError::fail(format!("{e:?}"))),
        }
    }
}

/// A rated level a quarter below a need meets it; the same level learnt on the way does not.
#[test]
fn learnt_levels_meet_needs_only_at_their_level() {
    let mut graph = Graph::new();
    let s = graph.add_node(Node::new("s", NodeKind::Skill, "S"));
    let mut rated = Held::default();
    rated.hold(s, Some(3.75));
    let mut learnt = Held::default();
    learnt.learn(s, Some(3.75));
    assert!(rated.meets(s, Some(4.0)));
    assert!(!learnt.meets(s, Some(4.0)));
    assert!(learnt.meets(s, Some(3.75)));
    assert!(!learnt.covers(&rated));
    assert!(rated.covers(&learnt));
}

proptest! {
    #![proptest_config(config())]

    /// Through a role named with `via`: no route that passes it (each leg simple) costs less.
    #[test]
    fn through_a_via_role_no_route_is_cheaper(
        seed in any::<u64>(), stated in any::<bool>(), pick in any::<u64>(), min in 1u8..4,
    ) {
        let w = world(seed, stated);
        let n = w.roles.len();
        prop_assume!(n >= 3);
        let a = (pick % n as u64) as usize;
        let (from, via, to) = (w.roles[a], w.roles[(a + 1) % n], w.roles[(a + 2) % n]);
        let g = &w.graph;
        let held = held_skills(g, &Start::Role(from));
        let mut best: Option<f64> = None;
        for first in simple_routes(g, from, via, n) {
            for second in simple_routes(g, via, to, n) {
                let edges: Vec<EdgeIndex> = first.iter().chain(&second).copied().collect();
                let total: f64 = walk(g, held.clone(), &edges, min).iter().sum();
                best = Some(best.map_or(total, |b: f64| b.min(total)));
            }
        }
        let options = Constraints { via: vec![via], ..Constraints::default() };
        match least_effort_route(g, EffortFrom::Role(from), to, &options, min, 1_000_000) {
            Ok(answer) => {
                prop_assert!(answer.straight.is_none());
                let found = answer.route.expect("with `via`, a route or an error");
                prop_assert!(found.route.nodes.contains(&via));
                let walked: f64 = walk(g, held.clone(), &found.route.edges, min).iter().sum();
                prop_assert!((found.total - walked).abs() < 1e-6);
                let b = best.expect("the oracle finds a route where the search does");
                prop_assert!(found.total <= b + 1e-6, "found {} > oracle {}", found.total, b);
            }
            Err(RouteError::Unreachable { .. }) => prop_assert!(best.is_none()),
            Err(e) => return Err(TestCaseError::fail(format!("{e:?}"))),
        }
    }
}
