//! A set [`Interrupt`] stops every search that may run long on a large graph, and one that is
//! never set changes no answer.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use skillgraph_graph::algo::similarity::similar_roles;
use skillgraph_graph::algo::{
    all_routes, cheapest_route, closest_roles, fewest_moves, held_skills, least_effort_route,
    move_cost, next_skills, Constraints, EffortFrom, Interrupt, Interrupted, RouteError, Start,
};
use skillgraph_graph::{Edge, EdgeKind, Graph, Node, NodeIndex, NodeKind};

const LAYERS: usize = 10;
const WIDTH: usize = 30;

/// Roles in `LAYERS` layers of `WIDTH`, each moving to every role of the next layer (30⁹
/// routes from one end to the other), each requiring three of 40 skills.
fn lattice() -> (Graph, NodeIndex, NodeIndex) {
    let mut g = Graph::default();
    let skills: Vec<NodeIndex> = (0..40)
        .map(|i| {
            let mut s = Node::new(format!("s{i}"), NodeKind::Skill, format!("Skill {i}"));
            s.effort_hours = Some(5.0 + i as f64);
            g.add_node(s)
        })
        .collect();
    let mut layers: Vec<Vec<NodeIndex>> = Vec::new();
    for l in 0..LAYERS {
        let layer = (0..WIDTH)
            .map(|w| {
                let role = g.add_node(Node::new(
                    format!("r{l}-{w}"),
                    NodeKind::Role,
                    format!("Role {l}-{w}"),
                ));
                for k in 0..3 {
                    let mut e = Edge::new(EdgeKind::Requires);
                    e.importance = Some(3);
                    g.add_edge(role, skills[(l * 7 + w * 3 + k) % skills.len()], e);
                }
                role
            })
            .collect();
        layers.push(layer);
    }
    for pair in layers.windows(2) {
        for &a in &pair[0] {
            for &b in &pair[1] {
                g.add_edge(a, b, Edge::new(EdgeKind::Transition));
            }
        }
    }
    (g, layers[0][0], layers[LAYERS - 1][0])
}

fn options(interrupt: Interrupt) -> Constraints {
    Constraints {
        max_hops: Some(LAYERS),
        interrupt,
        ..Constraints::default()
    }
}

fn set_flag() -> Interrupt {
    Interrupt::on(Arc::new(AtomicBool::new(true)))
}

#[test]
fn a_set_flag_stops_every_long_search() {
    let (g, from, to) = lattice();
    let stop = options(set_flag());
    let unbounded = Constraints {
        max_hops: None,
        ..stop.clone()
    };
    assert_eq!(
        fewest_moves(&g, from, to, &stop),
        Err(RouteError::Interrupted)
    );
    assert_eq!(
        all_routes(&g, from, to, &stop, 1000, 2_000_000),
        Err(RouteError::Interrupted)
    );
    for opts in [&stop, &unbounded] {
        assert_eq!(
            cheapest_route(&g, from, to, opts, |e| move_cost(&g, e, 1)),
            Err(RouteError::Interrupted)
        );
        let effort = least_effort_route(&g, EffortFrom::Role(from), to, opts, 1, 10_000);
        assert!(matches!(effort, Err(RouteError::Interrupted)), "{effort:?}");
    }
    let have = held_skills(&g, &Start::Role(from));
    let flag = set_flag();
    assert_eq!(
        closest_roles(&g, &have, 1, Some(from), &flag),
        Err(Interrupted)
    );
    assert_eq!(next_skills(&g, &have, 1, None, &flag), Err(Interrupted));
    assert_eq!(similar_roles(&g, from, 1, &flag), Err(Interrupted));
    assert_eq!(RouteError::Interrupted.describe(&g), "interrupted");
}

#[test]
fn a_flag_that_stays_clear_changes_no_answer() {
    let (g, from, to) = lattice();
    let clear = Arc::new(AtomicBool::new(false));
    let watched = options(Interrupt::on(clear.clone()));
    let plain = options(Interrupt::never());
    assert_eq!(
        fewest_moves(&g, from, to, &watched),
        fewest_moves(&g, from, to, &plain)
    );
    let listed = all_routes(&g, from, to, &watched, 50, 2_000_000).unwrap();
    assert_eq!(listed.routes.len(), 50);
    assert_eq!(Ok(listed), all_routes(&g, from, to, &plain, 50, 2_000_000));
    let cost = |e| move_cost(&g, e, 1);
    assert_eq!(
        cheapest_route(&g, from, to, &watched, cost),
        cheapest_route(&g, from, to, &plain, cost)
    );
    let have = held_skills(&g, &Start::Role(from));
    let watching = Interrupt::on(clear.clone());
    assert_eq!(
        closest_roles(&g, &have, 1, Some(from), &watching),
        closest_roles(&g, &have, 1, Some(from), &Interrupt::never())
    );
    assert_eq!(
        next_skills(&g, &have, 1, None, &watching),
        next_skills(&g, &have, 1, None, &Interrupt::never())
    );
    assert_eq!(
        similar_roles(&g, from, 1, &watching),
        similar_roles(&g, from, 1, &Interrupt::never())
    );
    // Setting the flag later stops the next search that looks at it.
    clear.store(true, Ordering::Relaxed);
    assert_eq!(
        closest_roles(&g, &have, 1, Some(from), &watching),
        Err(Interrupted)
    );
}
