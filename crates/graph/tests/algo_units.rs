//! Unit tests for `skillgraph_graph::algo` on small hand-made graphs: tie-breaks, via/avoid,
//! limits, errors, and plans whose answers are worked out by hand.
//! Over 800 lines: many short hand-worked cases, one per rule, read as one list.

use std::collections::HashSet;

use skillgraph_graph::algo::{
    all_routes, cheapest_route, closest_roles, fewest_moves, gap, held_skills, learning_plan,
    move_cost, Constraints, Held, Interrupt, Limit, Reason, RouteError, Start,
};
use skillgraph_graph::{Edge, EdgeIndex, EdgeKind, Graph, Node, NodeIndex, NodeKind};

#[derive(Default)]
struct B {
    g: Graph,
}

impl B {
    fn node(&mut self, id: &str, kind: NodeKind, name: &str) -> NodeIndex {
        self.g.add_node(Node::new(id, kind, name))
    }

    fn role(&mut self, id: &str, name: &str) -> NodeIndex {
        self.node(id, NodeKind::Role, name)
    }

    fn roles<const N: usize>(&mut self, names: [&str; N]) -> [NodeIndex; N] {
        names.map(|n| self.role(&n.to_lowercase(), n))
    }

    fn skill(&mut self, id: &str, hours: Option<f64>) -> NodeIndex {
        let mut node = Node::new(id, NodeKind::Skill, id);
        node.effort_hours = hours;
        self.g.add_node(node)
    }

    fn req(&mut self, role: NodeIndex, skill: NodeIndex, importance: u8) {
        let mut e = Edge::new(EdgeKind::Requires);
        e.importance = Some(importance);
        self.g.add_edge(role, skill, e);
    }

    fn pre(&mut self, first: NodeIndex, then: NodeIndex) {
        self.g
            .add_edge(first, then, Edge::new(EdgeKind::Prerequisite));
    }

    fn covers(&mut self, tool: NodeIndex, skill: NodeIndex) {
        self.g.add_edge(tool, skill, Edge::new(EdgeKind::Covers));
    }

    fn mv(&mut self, from: NodeIndex, to: NodeIndex, hours: Option<f64>) -> EdgeIndex {
        let mut e = Edge::new(EdgeKind::Transition);
        e.effort_hours = hours;
        self.g.add_edge(from, to, e)
    }

    fn chain(&mut self, nodes: &[NodeIndex], hours: f64) {
        for w in nodes.windows(2) {
            self.mv(w[0], w[1], Some(hours));
        }
    }
}

fn opts() -> Constraints {
    Constraints::default()
}

fn hours(g: &Graph, e: EdgeIndex) -> f64 {
    g.edge(e).effort_hours.unwrap_or(f64::NAN)
}

// ---- fewest_moves ---------------------------------------------------------------------------

#[test]
fn shortest_route_ties_break_by_name_then_id() {
    let mut b = B::default();
    let [a, zed, beta, d] = b.roles(["A", "Zed", "beta", "D"]);
    b.chain(&[a, zed, d], 1.0);
    b.chain(&[a, beta, d], 1.0);
    let r = fewest_moves(&b.g, a, d, &opts()).unwrap();
    assert_eq!(
        r.nodes,
        vec![a, beta, d],
        "beta sorts before Zed ignoring case"
    );

    // Same name but for case: the id decides.
    let mut b = B::default();
    let a = b.role("a", "A");
    let m2 = b.role("m2", "Mid");
    let m1 = b.role("m1", "mid");
    let d = b.role("d", "D");
    b.chain(&[a, m2, d], 1.0);
    b.chain(&[a, m1, d], 1.0);
    assert_eq!(
        fewest_moves(&b.g, a, d, &opts()).unwrap().nodes,
        vec![a, m1, d]
    );
    let all = all_routes(&b.g, a, d, &opts(), 10, 1000).unwrap();
    let nodes: Vec<_> = all.routes.iter().map(|r| r.nodes.clone()).collect();
    assert_eq!(nodes, vec![vec![a, m1, d], vec![a, m2, d]]);
    assert_eq!(all.stopped_by, None);
}

#[test]
fn parallel_moves_use_the_lowest_edge_index() {
    let mut b = B::default();
    let [a, c] = b.roles(["A", "C"]);
    let first = b.mv(a, c, Some(5.0));
    let second = b.mv(a, c, Some(5.0));
    assert_eq!(
        fewest_moves(&b.g, a, c, &opts()).unwrap().edges,
        vec![first]
    );
    let cheap = cheapest_route(&b.g, a, c, &opts(), |e| hours(&b.g, e)).unwrap();
    assert_eq!(cheap.route.edges, vec![first]);
    let _ = second;
    let all = all_routes(&b.g, a, c, &opts(), 10, 1000).unwrap();
    assert_eq!(all.routes.len(), 1, "parallel moves are one route");
}

#[test]
fn zero_moves_when_start_is_goal() {
    let mut b = B::default();
    let [a, c] = b.roles(["A", "C"]);
    b.chain(&[a, c, a], 1.0);
    let r = fewest_moves(&b.g, a, a, &opts()).unwrap();
    assert_eq!((r.nodes.clone(), r.moves()), (vec![a], 0));
    let cheap = cheapest_route(&b.g, a, a, &opts(), |_| 1.0).unwrap();
    assert_eq!((cheap.route, cheap.total), (r.clone(), 0.0));
    let all = all_routes(&b.g, a, a, &opts(), 10, 1000).unwrap();
    assert_eq!((all.routes, all.stopped_by), (vec![r], None));
}

#[test]
fn via_and_avoid() {
    let mut b = B::default();
    let [a, bb, c, d] = b.roles(["A", "B", "C", "D"]);
    b.chain(&[a, bb, d], 1.0);
    b.chain(&[a, c, d], 1.0);
    b.mv(bb, a, Some(1.0));

    let avoid_b = Constraints {
        avoid: vec![bb],
        ..opts()
    };
    assert_eq!(
        fewest_moves(&b.g, a, d, &avoid_b).unwrap().nodes,
        vec![a, c, d]
    );
    let via_c = Constraints {
        via: vec![c],
        ..opts()
    };
    assert_eq!(
        fewest_moves(&b.g, a, d, &via_c).unwrap().nodes,
        vec![a, c, d]
    );

    // Legs are joined as they are: A → B, then B → A → C → D revisits A.
    let via_b_c = Constraints {
        via: vec![bb, c],
        ..opts()
    };
    let r = fewest_moves(&b.g, a, d, &via_b_c).unwrap();
    assert_eq!(r.nodes, vec![a, bb, a, c, d]);
    let cheap = cheapest_route(&b.g, a, d, &via_b_c, |_| 1.0).unwrap();
    assert_eq!(cheap.route, r);
    // …but all_routes lists simple routes only.
    let all = all_routes(&b.g, a, d, &via_b_c, 10, 1000).unwrap();
    assert_eq!((all.routes.len(), all.stopped_by), (0, None));

    // An avoided stop is an error, whichever stop it is.
    let avoid_c = Constraints {
        via: vec![c],
        avoid: vec![c],
        ..opts()
    };
    assert_eq!(
        fewest_moves(&b.g, a, d, &avoid_c),
        Err(RouteError::Avoided(c))
    );
    assert_eq!(
        all_routes(&b.g, a, d, &avoid_c, 10, 100),
        Err(RouteError::Avoided(c))
    );
    assert_eq!(
        cheapest_route(&b.g, a, d, &avoid_c, |_| 1.0),
        Err(RouteError::Avoided(c))
    );
}

#[test]
fn not_a_role_and_removed_nodes() {
    let mut b = B::default();
    let [a, c] = b.roles(["A", "C"]);
    let s = b.skill("rust", Some(10.0));
    let gone = b.role("gone", "Gone");
    b.mv(a, gone, None);
    b.mv(gone, c, None);
    b.g.remove_node(gone);
    assert_eq!(
        fewest_moves(&b.g, a, s, &opts()),
        Err(RouteError::NotARole(s))
    );
    assert_eq!(
        fewest_moves(&b.g, gone, c, &opts()),
        Err(RouteError::NotARole(gone))
    );
    let via_gone = Constraints {
        via: vec![gone],
        ..opts()
    };
    assert_eq!(
        cheapest_route(&b.g, a, c, &via_gone, |_| 1.0),
        Err(RouteError::NotARole(gone))
    );
    // Avoiding a node that does not exist (even beyond the graph) is harmless.
    let avoid_far = Constraints {
        avoid: vec![NodeIndex::new(10_000)],
        ..opts()
    };
    assert!(matches!(
        fewest_moves(&b.g, a, c, &avoid_far),
        Err(RouteError::Unreachable { .. })
    ));
    // Plans and gaps about missing nodes are empty, not panics.
    let have = Held::from_iter([NodeIndex::new(9_999)]);
    assert!(gap(&b.g, &have, gone, 1).is_empty());
    assert!(
        learning_plan(&b.g, &have, NodeIndex::new(9_999), 1, &[gone])
            .steps
            .is_empty()
    );
    assert!(held_skills(&b.g, &Start::Role(gone)).is_empty());
}

#[test]
fn hop_limit_versus_unreachable() {
    let mut b = B::default();
    let [a, bb, c, d, lone] = b.roles(["A", "B", "C", "D", "Lone"]);
    b.chain(&[a, bb, c, d], 1.0);
    let max2 = Constraints {
        max_hops: Some(2),
        ..opts()
    };
    assert_eq!(
        fewest_moves(&b.g, a, d, &max2),
        Err(RouteError::HopLimit { max: 2 })
    );
    assert_eq!(
        cheapest_route(&b.g, a, d, &max2, |_| 1.0),
        Err(RouteError::HopLimit { max: 2 })
    );
    let all = all_routes(&b.g, a, d, &max2, 10, 1000).unwrap();
    assert_eq!(
        (all.routes.len(), all.stopped_by),
        (0, Some(Limit::Hops(2)))
    );
    assert!(matches!(
        fewest_moves(&b.g, a, lone, &max2),
        Err(RouteError::Unreachable { .. })
    ));
    // With via: an unreachable later leg wins over a too-long earlier one.
    let via = Constraints {
        via: vec![d],
        max_hops: Some(2),
        ..opts()
    };
    for result in [
        fewest_moves(&b.g, a, lone, &via),
        cheapest_route(&b.g, a, lone, &via, |_| 1.0).map(|c| c.route),
    ] {
        assert!(
            matches!(result, Err(RouteError::Unreachable { from, to, .. }) if from == d && to == lone)
        );
    }
}

#[test]
fn unreachable_suggests_reachable_roles_sharing_skills() {
    let mut b = B::default();
    let [a, near, nearer, none, target, far] =
        b.roles(["A", "Near", "Nearer", "None", "Target", "Far"]);
    let skills: Vec<NodeIndex> = (0..3).map(|i| b.skill(&format!("s{i}"), None)).collect();
    for &s in &skills {
        b.req(target, s, 3);
        b.req(far, s, 3);
    }
    b.req(near, skills[0], 1);
    b.req(nearer, skills[0], 5);
    b.req(nearer, skills[1], 5);
    b.chain(&[a, near, nearer, none], 1.0);
    b.mv(far, target, None);
    let err = fewest_moves(&b.g, a, target, &opts()).unwrap_err();
    assert_eq!(
        err,
        RouteError::Unreachable {
            from: a,
            to: target,
            reachable_closest: vec![nearer, near],
            only_through_traps: false,
        }
    );
    assert!(err.describe(&b.g).contains("Nearer, Near"));
    // Avoided roles are not reachable.
    let avoid = Constraints {
        avoid: vec![near],
        ..opts()
    };
    assert!(matches!(
        fewest_moves(&b.g, a, target, &avoid),
        Err(RouteError::Unreachable { reachable_closest, .. }) if reachable_closest.is_empty()
    ));
}

// ---- all_routes ---------------------------------------------------------------------------

/// A ladder: from S, two parallel ways into each of several rungs, so routes multiply.
fn ladder(b: &mut B, rungs: usize) -> (NodeIndex, NodeIndex) {
    let s = b.role("s", "S");
    let mut prev = s;
    for i in 0..rungs {
        let x = b.role(&format!("x{i}"), &format!("X{i}"));
        let y = b.role(&format!("y{i}"), &format!("Y{i}"));
        let join = b.role(&format!("j{i}"), &format!("J{i}"));
        b.chain(&[prev, x, join], 1.0);
        b.chain(&[prev, y, join], 1.0);
        prev = join;
    }
    (s, prev)
}

#[test]
fn all_routes_reports_the_limit_that_cut() {
    let mut b = B::default();
    let (s, end) = ladder(&mut b, 3); // 8 routes of 6 moves
    let max6 = Constraints {
        max_hops: Some(6),
        ..opts()
    };
    let all = all_routes(&b.g, s, end, &max6, 100, 100_000).unwrap();
    assert_eq!((all.routes.len(), all.stopped_by), (8, None));
    // Ordered by names: X before Y at the first rung, then the second…
    let names = |r: &skillgraph_graph::algo::Route| -> String {
        r.nodes
            .iter()
            .map(|&n| b.g.node(n).name.clone())
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(names(&all.routes[0]), "S X0 J0 X1 J1 X2 J2");
    assert_eq!(names(&all.routes[1]), "S X0 J0 X1 J1 Y2 J2");
    assert_eq!(names(&all.routes[7]), "S Y0 J0 Y1 J1 Y2 J2");

    let three = all_routes(&b.g, s, end, &max6, 3, 100_000).unwrap();
    assert_eq!(three.routes, all.routes[..3].to_vec());
    assert_eq!(three.stopped_by, Some(Limit::Results(3)));
    let exactly = all_routes(&b.g, s, end, &max6, 8, 100_000).unwrap();
    assert_eq!(exactly.stopped_by, None, "8 routes with limit 8 is not cut");

    let little = all_routes(&b.g, s, end, &max6, 100, 20).unwrap();
    assert_eq!(little.stopped_by, Some(Limit::Work(20)));
    assert!(all.routes.starts_with(&little.routes));
    assert!(little.routes.len() < 8);

    let short = Constraints {
        max_hops: Some(5),
        ..opts()
    };
    let none = all_routes(&b.g, s, end, &short, 100, 100_000).unwrap();
    assert_eq!(
        (none.routes.len(), none.stopped_by),
        (0, Some(Limit::Hops(5)))
    );

    // A shortcut plus a longer way: Hops when the longer one is beyond the bound.
    let mut b = B::default();
    let [a, m1, m2, z] = b.roles(["A", "M1", "M2", "Z"]);
    b.mv(a, z, None);
    b.chain(&[a, m1, m2, z], 1.0);
    let max2 = Constraints {
        max_hops: Some(2),
        ..opts()
    };
    let r = all_routes(&b.g, a, z, &max2, 10, 1000).unwrap();
    assert_eq!((r.routes.len(), r.stopped_by), (1, Some(Limit::Hops(2))));
    let r = all_routes(&b.g, a, z, &opts(), 10, 1000).unwrap();
    assert_eq!((r.routes.len(), r.stopped_by), (2, None));
    assert_eq!(r.routes[0].nodes, vec![a, z], "shortest first");
}

#[test]
fn all_routes_on_a_dense_graph_stays_within_budget() {
    // A complete graph of 40 roles has astronomically many simple routes.
    let mut b = B::default();
    let roles: Vec<NodeIndex> = (0..40)
        .map(|i| b.role(&format!("r{i}"), &format!("R{i:02}")))
        .collect();
    for &x in &roles {
        for &y in &roles {
            if x != y {
                b.mv(x, y, None);
            }
        }
    }
    let r = all_routes(&b.g, roles[0], roles[1], &opts(), usize::MAX, 50_000).unwrap();
    assert_eq!(r.stopped_by, Some(Limit::Work(50_000)));
    assert_eq!(r.routes[0].nodes, vec![roles[0], roles[1]]);
    assert_eq!(r.routes[1].nodes, vec![roles[0], roles[2], roles[1]]);
}

// ---- cheapest_route ---------------------------------------------------------------------------

#[test]
fn cheapest_route_and_the_hop_bound() {
    let mut b = B::default();
    let [a, bb, c, d] = b.roles(["A", "B", "C", "D"]);
    b.mv(a, d, Some(10.0));
    b.chain(&[a, bb, c, d], 1.0);
    let cost = |e| hours(&b.g, e);
    let r = cheapest_route(&b.g, a, d, &opts(), cost).unwrap();
    assert_eq!(
        (r.route.nodes.clone(), r.move_costs.clone(), r.total),
        (vec![a, bb, c, d], vec![1.0; 3], 3.0)
    );
    let bounded = Constraints {
        max_hops: Some(2),
        ..opts()
    };
    let r = cheapest_route(&b.g, a, d, &bounded, cost).unwrap();
    assert_eq!((r.route.nodes, r.total), (vec![a, d], 10.0));
    let zero = Constraints {
        max_hops: Some(0),
        ..opts()
    };
    assert_eq!(
        cheapest_route(&b.g, a, d, &zero, cost),
        Err(RouteError::HopLimit { max: 0 })
    );
}

#[test]
fn cheapest_route_shares_moves_between_legs() {
    let mut b = B::default();
    let [a, x, v, y, z] = b.roles(["A", "X", "V", "Y", "Z"]);
    b.mv(a, v, Some(10.0));
    b.chain(&[a, x, v], 1.0); // leg 1: 1 move for 10 or 2 for 2
    b.mv(v, z, Some(10.0));
    b.mv(v, y, Some(1.0));
    b.mv(y, z, Some(2.0)); // leg 2: 1 move for 10 or 2 for 3
    let cost = |e| hours(&b.g, e);
    let via = |max| Constraints {
        via: vec![v],
        max_hops: max,
        ..opts()
    };
    let free = cheapest_route(&b.g, a, z, &via(None), cost).unwrap();
    assert_eq!((free.route.nodes, free.total), (vec![a, x, v, y, z], 5.0));
    let three = cheapest_route(&b.g, a, z, &via(Some(3)), cost).unwrap();
    assert_eq!((three.route.nodes, three.total), (vec![a, x, v, z], 12.0));
    let two = cheapest_route(&b.g, a, z, &via(Some(2)), cost).unwrap();
    assert_eq!((two.route.nodes, two.total), (vec![a, v, z], 20.0));
    assert_eq!(
        cheapest_route(&b.g, a, z, &via(Some(1)), cost),
        Err(RouteError::HopLimit { max: 1 })
    );
}

#[test]
fn cheapest_route_ties_and_odd_costs() {
    let mut b = B::default();
    let [a, p, q, r, z] = b.roles(["A", "P", "Q", "R", "Z"]);
    // Equal cost 2: A→Q→Z (2 moves) and A→P→R→Z (3 moves, with a free move): fewer moves win.
    b.mv(a, q, Some(1.0));
    b.mv(q, z, Some(1.0));
    b.mv(a, p, Some(1.0));
    b.mv(p, r, Some(0.0));
    b.mv(r, z, Some(1.0));
    // A free cycle must not trap the search.
    b.mv(r, p, Some(0.0));
    let r1 = cheapest_route(&b.g, a, z, &opts(), |e| hours(&b.g, e)).unwrap();
    assert_eq!(r1.route.nodes, vec![a, q, z]);
    // Negative costs count as 0; NaN and infinite ones make a move unusable.
    let r2 = cheapest_route(&b.g, a, z, &opts(), |e| {
        if b.g.edge_endpoints(e) == (a, q) {
            f64::NAN
        } else {
            -hours(&b.g, e)
        }
    })
    .unwrap();
    assert_eq!((r2.route.nodes, r2.total), (vec![a, p, r, z], 0.0));
    let r3 = cheapest_route(&b.g, a, z, &opts(), |_| f64::INFINITY);
    assert!(matches!(r3, Err(RouteError::Unreachable { .. })));
}

// ---- skills and plans ---------------------------------------------------------------------------

#[test]
fn held_skills_from_role_and_profile() {
    let mut b = B::default();
    let role = b.role("dev", "Dev");
    let [basics, linux, docker, k8s, go] =
        ["basics", "linux", "docker", "k8s", "go"].map(|s| b.skill(s, Some(1.0)));
    b.pre(basics, linux);
    b.pre(linux, docker);
    b.pre(docker, k8s);
    b.req(role, docker, 1);
    let tool = b.node("kubectl", NodeKind::Tool, "kubectl");
    b.covers(tool, k8s);
    b.g.add_edge(role, tool, Edge::new(EdgeKind::Uses));
    let from_role = held_skills(&b.g, &Start::Role(role));
    assert_eq!(
        skill_set(&from_role),
        HashSet::from([docker, linux, basics]),
        "required skills and their prerequisites; used tools are held as tools"
    );
    assert!(from_role.has_tool(tool));
    let from_profile = held_skills(&b.g, &Start::Profile(vec![(tool, None), (go, None)]));
    assert_eq!(
        skill_set(&from_profile),
        HashSet::from([k8s, docker, linux, basics, go])
    );
    assert!(from_profile.has_tool(tool));
}

#[test]
fn gap_uses_the_highest_importance_and_sorts() {
    let mut b = B::default();
    let role = b.role("sre", "SRE");
    let [a, bb, c, d] =
        [("a", 10.0), ("b", 5.0), ("c", 1.0), ("d", 1.0)].map(|(s, h)| b.skill(s, Some(h)));
    let pre = b.skill("pre", None);
    b.pre(pre, a);
    b.req(role, a, 2);
    b.req(role, a, 4); // a second source
    b.req(role, bb, 4);
    b.req(role, c, 1);
    b.req(role, d, 4);
    let items = gap(&b.g, &Held::default(), role, 2);
    let got: Vec<(NodeIndex, u8)> = items.iter().map(|i| (i.skill, i.importance)).collect();
    assert_eq!(
        got,
        vec![(d, 4), (bb, 4), (a, 4)],
        "importance, then effort; c is below 2"
    );
    assert_eq!(items[2].missing_prerequisites, vec![pre]);
    assert!(b.g.node(pre).effort_hours.is_none());
    let items = gap(&b.g, &Held::from_iter([d, pre]), role, 1);
    let got: Vec<NodeIndex> = items.iter().map(|i| i.skill).collect();
    assert_eq!(got, vec![bb, a, c]);
    assert!(items[1].missing_prerequisites.is_empty());
}

#[test]
fn learning_plan_by_hand() {
    let mut b = B::default();
    let role = b.role("platform", "Platform Engineer");
    let [linux, net, docker, k8s, sql, yaml] = [
        ("linux", Some(40.0)),
        ("networking", Some(30.0)),
        ("docker", Some(20.0)),
        ("kubernetes", Some(60.0)),
        ("sql", Some(25.0)),
        ("yaml", None),
    ]
    .map(|(s, h)| b.skill(s, h));
    b.pre(linux, docker);
    b.pre(net, k8s);
    b.pre(docker, k8s);
    b.pre(yaml, k8s);
    b.req(role, k8s, 5);
    b.req(role, sql, 3);
    b.req(role, linux, 1);
    let kubectl = b.node("kubectl", NodeKind::Tool, "kubectl");
    let helm = b.node("helm", NodeKind::Tool, "Helm");
    b.covers(kubectl, k8s);
    b.covers(helm, k8s);

    let plan = learning_plan(&b.g, &Held::default(), role, 1, &[]);
    let order: Vec<NodeIndex> = plan.steps.iter().map(|s| s.skill).collect();
    // Priority 5 for k8s and everything it needs (linux too, although required at 1); among
    // those ready: yaml (0 h), networking (30), linux (40); then docker, k8s; then sql (3).
    assert_eq!(order, vec![yaml, net, linux, docker, k8s, sql]);
    let cumulative: Vec<f64> = plan.steps.iter().map(|s| s.cumulative_hours).collect();
    assert_eq!(cumulative, vec![0.0, 30.0, 70.0, 90.0, 150.0, 175.0]);
    assert_eq!(plan.total_hours, 175.0);
    assert!(!plan.steps[0].effort.is_known());
    assert_eq!(plan.steps[0].reason, Reason::PrerequisiteOf(vec![k8s]));
    assert_eq!(plan.steps[2].reason, Reason::Required { importance: 1 });
    assert_eq!(plan.steps[2].priority, 5);
    assert_eq!(plan.steps[4].covered_by, vec![helm, kubectl]);
    assert_eq!(plan.steps[5].priority, 3);

    // With min importance 3, linux is only a prerequisite of docker.
    let plan = learning_plan(&b.g, &Held::default(), role, 3, &[]);
    let linux_step = plan.steps.iter().find(|s| s.skill == linux).unwrap();
    assert_eq!(linux_step.reason, Reason::PrerequisiteOf(vec![docker]));

    // Someone holding docker holds linux; extra skills are named.
    let have = held_skills(&b.g, &Start::Profile(vec![(docker, None)]));
    let extra_skill = b.skill("go", Some(50.0));
    let plan = learning_plan(&b.g, &have, role, 3, &[extra_skill, docker, role]);
    let order: Vec<NodeIndex> = plan.steps.iter().map(|s| s.skill).collect();
    // go (named: priority 5, 50 h) is ready with k8s (5, 60 h): the lesser effort first.
    assert_eq!(order, vec![yaml, net, extra_skill, k8s, sql]);
    assert_eq!(plan.steps[2].reason, Reason::Named);
    assert_eq!(plan.steps[2].priority, 5);
}

#[test]
fn plan_is_empty_when_have_covers_the_target() {
    let mut b = B::default();
    let [from, to] = b.roles(["Junior", "Senior"]);
    let [s1, s2] = ["s1", "s2"].map(|s| b.skill(s, Some(10.0)));
    b.pre(s1, s2);
    b.req(from, s2, 3);
    b.req(to, s1, 5);
    let have = held_skills(&b.g, &Start::Role(from));
    let plan = learning_plan(&b.g, &have, to, 1, &[]);
    assert!(plan.steps.is_empty());
    assert_eq!(plan.total_hours, 0.0);
    assert!(gap(&b.g, &have, to, 1).is_empty());
    let e = b.mv(from, to, None);
    assert_eq!(move_cost(&b.g, e, 1), 0.0);
    let closest = closest_roles(&b.g, &have, 1, Some(from), &Interrupt::never()).unwrap();
    assert_eq!(closest.len(), 1);
    assert_eq!(
        (
            closest[0].role,
            closest[0].hours,
            closest[0].match_pct,
            closest[0].missing
        ),
        (to, 0.0, 100.0, 0)
    );
}

#[test]
fn closest_roles_ranking() {
    let mut b = B::default();
    let [empty, half, far, close] = b.roles(["Empty", "Half", "Far", "Close"]);
    let [s1, s2, s3] = ["s1", "s2", "s3"].map(|s| b.skill(s, Some(10.0)));
    b.req(half, s1, 3);
    b.req(half, s2, 1);
    b.req(far, s3, 5);
    b.req(far, s2, 5);
    b.req(close, s1, 1);
    b.req(close, s2, 3);
    let have = Held::from_iter([s1]);
    let list = closest_roles(&b.g, &have, 1, None, &Interrupt::never()).unwrap();
    assert!(list.iter().all(|c| c.role != empty), "no evidence, no rank");
    let got: Vec<(NodeIndex, f64, f64, usize)> = list
        .iter()
        .map(|c| (c.role, c.hours, c.match_pct, c.missing))
        .collect();
    assert_eq!(
        got,
        vec![
            // `empty` requires nothing: no evidence to compare, so it is left out.
            (half, 10.0, 75.0, 1),
            (close, 10.0, 25.0, 1),
            (far, 20.0, 0.0, 2),
        ]
    );
}

#[test]
fn move_cost_prefers_stated_effort() {
    let mut b = B::default();
    let [from, to] = b.roles(["Dev", "SRE"]);
    let [s1, s2, s3] = ["s1", "s2", "s3"].map(|s| b.skill(s, Some(10.0)));
    b.pre(s1, s2);
    b.req(to, s2, 4);
    b.req(to, s1, 1);
    let stated = b.mv(from, to, Some(7.0));
    let mut e = Edge::new(EdgeKind::Transition);
    e.extra_mut().skills.push("s3".into());
    let named = b.g.add_edge(from, to, e);
    assert_eq!(move_cost(&b.g, stated, 3), 7.0);
    assert_eq!(
        move_cost(&b.g, named, 3),
        30.0,
        "s2, its prerequisite s1, and the named s3"
    );
    let _ = s3;
    let requires = b.g.edges_between(to, s2, EdgeKind::Requires)[0];
    assert_eq!(move_cost(&b.g, requires, 3), f64::INFINITY);
    let r = cheapest_route(&b.g, from, to, &opts(), |e| move_cost(&b.g, e, 3)).unwrap();
    assert_eq!((r.route.edges, r.total), (vec![stated], 7.0));
}

// ---- scale ---------------------------------------------------------------------------

/// `cargo test --release -p skillgraph-graph --test algo_units -- --ignored --nocapture`
#[test]
#[ignore = "large graph; run in release"]
fn big_graph_routes_are_fast() {
    let mut g = Graph::new();
    let n = 100_000;
    let roles: Vec<NodeIndex> = (0..n)
        .map(|i| {
            g.add_node(Node::new(
                format!("r{i}"),
                NodeKind::Role,
                format!("Role {i}"),
            ))
        })
        .collect();
    let mut x: u64 = 12345;
    for _ in 0..600_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let a = roles[(x % n as u64) as usize];
        let c = roles[((x >> 20) % n as u64) as usize];
        if a != c {
            let mut e = Edge::new(EdgeKind::Transition);
            e.effort_hours = Some((x >> 40) as f64 % 100.0);
            g.add_edge(a, c, e);
        }
    }
    for (from, to) in [(0, 1), (17, 99_999), (500, 42)] {
        let t = std::time::Instant::now();
        let r = fewest_moves(&g, roles[from], roles[to], &Constraints::default()).unwrap();
        let bfs = t.elapsed();
        let t = std::time::Instant::now();
        let c = cheapest_route(&g, roles[from], roles[to], &Constraints::default(), |e| {
            g.edge(e).effort_hours.unwrap_or(1.0)
        })
        .unwrap();
        let dijkstra = t.elapsed();
        let t = std::time::Instant::now();
        let bounded = Constraints {
            max_hops: Some(r.moves() + 1),
            ..Constraints::default()
        };
        let cb = cheapest_route(&g, roles[from], roles[to], &bounded, |e| {
            g.edge(e).effort_hours.unwrap_or(1.0)
        })
        .unwrap();
        let bounded_time = t.elapsed();
        let t = std::time::Instant::now();
        let all = all_routes(
            &g,
            roles[from],
            roles[to],
            &Constraints::default(),
            20,
            1_000_000,
        )
        .unwrap();
        let enumerate = t.elapsed();
        println!(
            "{from}->{to}: fewest {} moves in {bfs:?}; cheapest {} ({} moves) in {dijkstra:?}; \
             bounded {} in {bounded_time:?}; all_routes {} ({:?}) in {enumerate:?}",
            r.moves(),
            c.total,
            c.route.moves(),
            cb.total,
            all.routes.len(),
            all.stopped_by
        );
        assert!(bfs.as_millis() < 500);
    }
}

fn skill_set(held: &Held) -> HashSet<NodeIndex> {
    held.skills().collect()
}

/// A graph read from a snapshot decodes an edge's extra parts when they are read; parts that
/// cannot be decoded read as none, and `check` names the edge (rather than the open failing).
#[test]
fn undecodable_edge_extras_are_found_by_check_not_on_open() {
    use skillgraph_graph::integrity::{check, Rule};
    let mut g = Graph::new();
    let a = g.add_node(Node::new("a", NodeKind::Role, "A"));
    let b = g.add_node(Node::new("b", NodeKind::Role, "B"));
    let mut good = Edge::new(EdgeKind::Transition);
    good.extra_mut().note = Some("kept".into());
    let mut bad = Edge::new(EdgeKind::Transition);
    bad.extra_mut().note = Some("MARKER-0123456789".into());
    g.add_edge(a, b, good);
    let bad_ix = g.add_edge(b, a, bad);
    let mut bytes = g.to_snapshot();
    let marker = b"MARKER-0123456789";
    let at = bytes
        .windows(marker.len())
        .position(|w| w == marker)
        .expect("the note is stored as is");
    // The note's length, just before it: now longer than what is left of the record.
    bytes[at - 1] = 0x7f;
    let read = Graph::from_snapshot(bytes).expect("opens: extras are decoded when read");
    assert_eq!(read.edge(bad_ix).extra, None);
    let findings: Vec<_> = check(&read)
        .into_iter()
        .filter(|f| f.rule == Rule::Encoding)
        .collect();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(findings[0]
        .message
        .contains(&format!("#{}", bad_ix.index())));
    let good_ix = read
        .edge_indices()
        .find(|&e| e != bad_ix)
        .expect("the other edge");
    assert_eq!(
        read.edge(good_ix)
            .extra
            .as_ref()
            .and_then(|x| x.note.as_deref()),
        Some("kept")
    );
}

/// The same for a node's rare parts (aliases, category, fields): decoded when read, read as
/// none when they cannot be, and named by `check`, while the node's neighbours keep theirs.
#[test]
fn undecodable_node_fields_are_found_by_check_not_on_open() {
    use skillgraph_graph::integrity::{check, Rule};
    let mut g = Graph::new();
    let mut good = Node::new("good", NodeKind::Skill, "Good");
    good.aliases = vec!["kept alias".into()];
    let mut bad = Node::new("bad", NodeKind::Skill, "Bad");
    bad.category = Some("MARKER-0123456789".into());
    g.add_node(good);
    let bad_ix = g.add_node(bad);
    let mut bytes = g.to_snapshot();
    let marker = b"MARKER-0123456789";
    let at = bytes
        .windows(marker.len())
        .position(|w| w == marker)
        .expect("the category is stored as is");
    // The category's length, just before it: now longer than what is left of the record.
    bytes[at - 1] = 0x7f;
    let read = Graph::from_snapshot(bytes).expect("opens: node fields are decoded when read");
    assert_eq!(read.node(bad_ix).category, None);
    assert_eq!(
        read.by_id("good").map(|ix| read.node(ix).aliases.clone()),
        Some(vec!["kept alias".to_string()])
    );
    let findings: Vec<_> = check(&read)
        .into_iter()
        .filter(|f| f.rule == Rule::Encoding)
        .collect();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(findings[0]
        .message
        .contains(&format!("node #{}", bad_ix.index())));
}
