//! Pictures of answers: the nodes and edges a route, a plan or a subgraph is made of, with hours
//! or importance on the edges and the route highlighted. A picture rides along with its table in
//! [`ResultTable::picture`](crate::result::ResultTable::picture); the table never depends on it.

use std::collections::{BTreeMap, HashMap, HashSet};

use skillgraph_graph::algo::Route;
use skillgraph_graph::{format_number, EdgeIndex, EdgeKind, Graph, NodeIndex, NodeKind};

use crate::result::{Picture, PictureEdge, PictureKind, PictureNode};

/// A node of the graph as drawn: its name, kind, nothing highlighted.
pub fn graph_node(graph: &Graph, ix: NodeIndex) -> PictureNode {
    PictureNode {
        id: graph.id_of(ix).to_string(),
        label: graph.name_of(ix).to_string(),
        detail: None,
        kind: graph
            .kind_of(ix)
            .expect("node index from this graph")
            .into(),
        highlighted: false,
        column: None,
    }
}

fn placed(graph: &Graph, ix: NodeIndex, column: usize) -> PictureNode {
    PictureNode {
        highlighted: true,
        column: Some(column),
        ..graph_node(graph, ix)
    }
}

/// What a label adds when its hours are the project's estimate.
fn estimate_mark(estimate: bool) -> &'static str {
    if estimate {
        " (estimate)"
    } else {
        ""
    }
}

fn hours(h: f64) -> String {
    format!("{} h", format_number(h))
}

/// What an edge says in a few words: a requirement's importance, a move's stated hours.
pub fn edge_label(graph: &Graph, e: EdgeIndex) -> Option<String> {
    match (graph.importance_of(e), graph.edge_effort_of(e)) {
        (Some(i), _) => Some(format!("importance {i}")),
        (_, Some(h)) => Some(hours(h)),
        _ => None,
    }
}

/// The kind of an edge of `graph`, read in place.
fn edge_kind(graph: &Graph, e: EdgeIndex) -> EdgeKind {
    graph.edge_kind_of(e).expect("edge index from this graph")
}

/// A graph edge as drawn. Where sources state the same fact separately, the caller adds each
/// and [`Picture::edge`] keeps one.
fn graph_edge(graph: &Graph, e: EdgeIndex, highlighted: bool) -> PictureEdge {
    let (a, b) = graph.edge_endpoints(e);
    PictureEdge {
        from: graph.id_of(a).to_string(),
        to: graph.id_of(b).to_string(),
        kind: graph.edge_kind_of(e),
        label: edge_label(graph, e),
        highlighted,
    }
}

/// A route left to right, its moves highlighted and labelled `move N` plus `hours[i]` when
/// known; with `named_skills`, the skills each move names point at the role the move leads to.
/// A profile start (`path $me -> X by effort`) comes first, with the hours of its plan.
pub fn route(
    graph: &Graph,
    route: &Route,
    hours_of_move: &[Option<f64>],
    named_skills: bool,
    profile_start: Option<(&str, f64)>,
) -> Picture {
    let mut picture = Picture::default();
    let shift = usize::from(profile_start.is_some());
    if let (Some((label, plan_hours)), Some(&first)) = (profile_start, route.nodes.first()) {
        picture.node(profile_node(label, 0));
        picture.edge(PictureEdge {
            from: PROFILE_ID.to_string(),
            to: graph.node(first).id.clone(),
            kind: None,
            label: Some(format!("learning plan · {}", hours(plan_hours))),
            highlighted: true,
        });
    }
    for (i, &ix) in route.nodes.iter().enumerate() {
        picture.node(placed(graph, ix, i + shift));
    }
    for (i, &e) in route.edges.iter().enumerate() {
        let mut edge = graph_edge(graph, e, true);
        edge.label = Some(match hours_of_move.get(i).copied().flatten() {
            Some(h) => format!("move {} · {}", i + 1, hours(h)),
            None => format!("move {}", i + 1),
        });
        let to = edge.to.clone();
        picture.edge(edge);
        if named_skills {
            for skill in graph.move_skills_of(e) {
                let Some(ix) = graph.by_id(skill) else {
                    continue;
                };
                picture.node(graph_node(graph, ix));
                picture.edge(PictureEdge {
                    from: skill.clone(),
                    to: to.clone(),
                    kind: None,
                    label: None,
                    highlighted: false,
                });
            }
        }
    }
    picture
}

/// Several routes over each other; the first (the best) is highlighted.
pub fn routes(graph: &Graph, routes: &[Route]) -> Picture {
    let mut picture = Picture::default();
    for (rank, route) in routes.iter().enumerate() {
        let best = rank == 0;
        for (i, &ix) in route.nodes.iter().enumerate() {
            let mut node = placed(graph, ix, i);
            node.highlighted = best;
            node.column = best.then_some(i);
            picture.node(node);
        }
        for &e in &route.edges {
            picture.edge(graph_edge(graph, e, best));
        }
    }
    picture
}

/// The id the start of a plan from a profile gets; graph ids are slugs, so it cannot clash.
pub const PROFILE_ID: &str = "(profile)";

fn profile_node(label: &str, column: usize) -> PictureNode {
    PictureNode {
        id: PROFILE_ID.to_string(),
        label: label.to_string(),
        detail: None,
        kind: PictureKind::Profile,
        highlighted: true,
        column: Some(column),
    }
}

/// One step of a learning plan, as the picture needs it.
pub struct PlanStep<'a> {
    pub skill: NodeIndex,
    /// The role this step is learnt for (the target, or a `via` role).
    pub stop: NodeIndex,
    pub hours: f64,
    /// The hours are the project's estimate, not the data's: the label says so.
    pub estimate: bool,
    /// Why it is in the plan, in a few words: `importance 5`, `prerequisite`.
    pub reason: &'a str,
    pub covered_by: &'a [NodeIndex],
    /// The profile marks the skill as being learnt.
    pub in_progress: bool,
}

/// The part of a plan step learnt in one week (cut by the graph's `algo::week_slices`).
pub use skillgraph_graph::algo::WeekSlice;

/// A plan laid out week by week: the slices, and the pace they were cut at.
pub struct Weeks<'a> {
    pub slices: &'a [WeekSlice],
    pub per_week: f64,
}

/// ` · in progress` for a skill the profile is learning.
fn progress_mark(in_progress: bool) -> &'static str {
    if in_progress {
        " · in progress"
    } else {
        ""
    }
}

/// Where a plan starts: a role, or a profile shown by its label (`$me`, `[Linux, Python]`).
pub enum PlanStart<'a> {
    Role(NodeIndex),
    Profile(&'a str),
}

/// A learning plan left to right: the start, each step in order (edges labelled with the hours
/// the step adds), each stop role (labelled with the running total), all highlighted; the
/// prerequisite edges between plan skills and the tools that cover the steps beside them.
pub fn plan(
    graph: &Graph,
    start: PlanStart<'_>,
    stops: &[NodeIndex],
    steps: &[PlanStep<'_>],
    weeks: Option<&Weeks<'_>>,
) -> Picture {
    if let Some(weeks) = weeks {
        return weekly_plan(graph, start, stops, steps, weeks);
    }
    let mut picture = Picture::default();
    let mut previous = match start {
        PlanStart::Role(r) => {
            picture.node(placed(graph, r, 0));
            graph.node(r).id.clone()
        }
        PlanStart::Profile(label) => {
            picture.node(profile_node(label, 0));
            PROFILE_ID.to_string()
        }
    };
    let mut column = 0;
    let mut total = 0.0;
    let mut estimated = false;
    let mut step_number = 0;
    let mut chain = |picture: &mut Picture, next: PictureNode, label: String| {
        let id = next.id.clone();
        picture.node(next);
        picture.edge(PictureEdge {
            from: std::mem::replace(&mut previous, id.clone()),
            to: id,
            kind: None,
            label: Some(label),
            highlighted: true,
        });
    };
    for &stop in stops {
        for step in steps.iter().filter(|s| s.stop == stop) {
            column += 1;
            step_number += 1;
            total += step.hours;
            estimated |= step.estimate;
            let mut node = placed(graph, step.skill, column);
            node.detail = Some(format!(
                "step {step_number} · {}{}",
                step.reason,
                progress_mark(step.in_progress)
            ));
            chain(
                &mut picture,
                node,
                format!("+{}", hours(step.hours)).replace("+0 h", "0 h")
                    + estimate_mark(step.estimate),
            );
        }
        column += 1;
        chain(
            &mut picture,
            placed(graph, stop, column),
            format!("= {}", hours(total)) + estimate_mark(estimated),
        );
    }
    // Prerequisites between plan skills, except where the plan's order already draws them.
    let in_plan: HashSet<NodeIndex> = steps.iter().map(|s| s.skill).collect();
    for step in steps {
        for (e, before) in graph.in_edges(step.skill, EdgeKind::Prerequisite) {
            let edge = graph_edge(graph, e, false);
            let drawn = picture
                .edges
                .iter()
                .any(|d| d.highlighted && d.from == edge.from && d.to == edge.to);
            if in_plan.contains(&before) && !drawn {
                picture.edge(edge);
            }
        }
    }
    for step in steps {
        for &tool in step.covered_by {
            picture.node(graph_node(graph, tool));
            for e in graph.edges_between(tool, step.skill, EdgeKind::Covers) {
                picture.edge(graph_edge(graph, e, false));
            }
        }
    }
    picture
}

fn start_node(graph: &Graph, start: &PlanStart<'_>) -> (PictureNode, String) {
    match *start {
        PlanStart::Role(r) => (placed(graph, r, 0), graph.node(r).id.clone()),
        PlanStart::Profile(label) => (profile_node(label, 0), PROFILE_ID.to_string()),
    }
}

/// A plan at a weekly pace, in columns by week: each skill in the column of the week it starts
/// (skills starting the same week share one), with the weeks it takes (`weeks 3–6 · 40 h`),
/// chained in plan order from the start to the target, whose edge says when the plan is done.
/// A `via` role stands after the skills learnt for it and before those learnt after it, even
/// when the next starts in the week it is reached. The notes say when it is done, with the pace.
fn weekly_plan(
    graph: &Graph,
    start: PlanStart<'_>,
    stops: &[NodeIndex],
    steps: &[PlanStep<'_>],
    weeks: &Weeks<'_>,
) -> Picture {
    let mut picture = Picture::default();
    let (first, mut previous) = start_node(graph, &start);
    picture.node(first);
    let last_week = weeks
        .slices
        .iter()
        .filter(|s| s.hours > 1e-9)
        .map(|s| s.week)
        .max()
        .unwrap_or(0);
    let ready = format!(
        "ready after {last_week} week{} at {} hours/week",
        if last_week == 1 { "" } else { "s" },
        format_number(weeks.per_week)
    );
    // Columns: (which stop a step is learnt for, the week it starts), ranked; each stop after
    // its own steps.
    let first_week = |i: usize| weeks.slices.iter().find(|s| s.step == i).map(|s| s.week);
    let mut keys: Vec<(usize, u32)> = Vec::new();
    for (stop_number, &stop) in stops.iter().enumerate() {
        for (i, _) in steps.iter().enumerate().filter(|(_, s)| s.stop == stop) {
            keys.extend(first_week(i).map(|w| (stop_number, w)));
        }
        keys.push((stop_number, u32::MAX));
    }
    keys.sort_unstable();
    keys.dedup();
    let column_of = |key: (usize, u32)| keys.binary_search(&key).map_or(0, |k| k + 1);
    for (stop_number, &stop) in stops.iter().enumerate() {
        for (i, step) in steps.iter().enumerate().filter(|(_, s)| s.stop == stop) {
            let mut span = weeks.slices.iter().filter(|s| s.step == i).map(|s| s.week);
            let Some(from) = span.next() else { continue };
            let to = span.next_back().unwrap_or(from);
            let when = if to > from {
                format!("weeks {from}–{to}")
            } else {
                format!("week {from}")
            };
            let mut node = placed(graph, step.skill, column_of((stop_number, from)));
            node.detail = Some(format!(
                "{when} · {}{}",
                hours(step.hours),
                progress_mark(step.in_progress)
            ));
            let id = node.id.clone();
            picture.node(node);
            picture.edge(PictureEdge {
                from: std::mem::replace(&mut previous, id.clone()),
                to: id,
                kind: None,
                label: Some(format!("+{}", hours(step.hours)) + estimate_mark(step.estimate)),
                highlighted: true,
            });
        }
        // A `via` role sits after the week its last step ends; the target after the last week.
        let done = steps
            .iter()
            .enumerate()
            .filter(|(_, s)| s.stop == stop)
            .flat_map(|(i, _)| weeks.slices.iter().filter(move |s| s.step == i))
            .map(|s| s.week)
            .max()
            .unwrap_or(0);
        let is_target = Some(&stop) == stops.last();
        let node = placed(graph, stop, column_of((stop_number, u32::MAX)));
        let id = node.id.clone();
        picture.node(node);
        picture.edge(PictureEdge {
            from: std::mem::replace(&mut previous, id.clone()),
            to: id,
            kind: None,
            label: Some(if is_target {
                ready.clone()
            } else {
                format!("qualified after week {done}")
            }),
            highlighted: true,
        });
    }
    for step in steps {
        for &tool in step.covered_by {
            picture.node(graph_node(graph, tool));
            for e in graph.edges_between(tool, step.skill, EdgeKind::Covers) {
                picture.edge(graph_edge(graph, e, false));
            }
        }
    }
    picture.notes.push(ready);
    picture
}

/// Two roles side by side, in columns: what only the left role has, the left role, what both
/// have (highlighted), the right role, what only it has — so no edge crosses a column.
/// `requires` edges are labelled with their importance.
pub fn compare(graph: &Graph, left: NodeIndex, right: NodeIndex) -> Picture {
    let mut picture = Picture::default();
    let mut sides: BTreeMap<NodeIndex, (bool, bool)> = BTreeMap::new();
    for (side, role) in [(0, left), (1, right)] {
        for kind in [EdgeKind::Requires, EdgeKind::Uses] {
            for (_, other) in graph.out_edges(role, kind) {
                let slot = sides.entry(other).or_default();
                if side == 0 {
                    slot.0 = true;
                } else {
                    slot.1 = true;
                }
            }
        }
    }
    let mut items: Vec<(usize, NodeIndex)> = sides
        .into_iter()
        .map(|(ix, sides)| {
            let column = match sides {
                (true, false) => 0,
                (true, true) => 2,
                _ => 4,
            };
            (column, ix)
        })
        .collect();
    // Within a column, skills before tools, each by name.
    items.sort_by(|a, b| {
        (a.0, graph.node(a.1).kind)
            .cmp(&(b.0, graph.node(b.1).kind))
            .then(graph.order_by_name(a.1, b.1))
    });
    let mut role = placed(graph, left, 1);
    role.highlighted = false;
    picture.node(role);
    for &(column, ix) in &items {
        let mut node = graph_node(graph, ix);
        node.column = Some(column);
        node.highlighted = column == 2;
        picture.node(node);
    }
    let mut role = placed(graph, right, 3);
    role.highlighted = false;
    picture.node(role);
    for role in [left, right] {
        for kind in [EdgeKind::Requires, EdgeKind::Uses] {
            add_strongest(graph, &mut picture, graph.out_edges(role, kind), false);
        }
    }
    picture
}

/// Adds edges, keeping of parallel `requires` edges the one of highest importance (sources can
/// state the same requirement with different importance).
fn add_strongest(
    graph: &Graph,
    picture: &mut Picture,
    edges: impl Iterator<Item = (EdgeIndex, NodeIndex)>,
    highlighted: bool,
) {
    let mut list: Vec<EdgeIndex> = edges.map(|(e, _)| e).collect();
    list.sort_by_key(|&e| std::cmp::Reverse(graph.edge(e).importance));
    for e in list {
        picture.edge(graph_edge(graph, e, highlighted));
    }
}

/// The most edges a subgraph picture draws. Beyond it a picture is a hairball taller than a
/// screen (O*NET's Network and Computer Systems Administrators at depth 1: 323 nodes, 3,846
/// edges, 17,018 px), so it shows the strongest edges and counts the rest in its notes.
pub const MAX_DRAWN_EDGES: usize = 30;

/// How strongly an edge ties its ends, strongest first: importance, then level (O*NET's 0–7),
/// then a tool In Demand or a hot technology, then O*NET's rank of a related occupation (1 is
/// the closest).
fn strength(graph: &Graph, e: EdgeIndex) -> impl Ord {
    let field = |name: &str| graph.edge_field_of(e, name);
    let flag = |name: &str| matches!(field(name), Some(skillgraph_graph::Value::Bool(true)));
    let rank = match field("rank") {
        Some(skillgraph_graph::Value::Number(n)) if n.is_finite() => *n as i64,
        _ => i64::MAX,
    };
    // Levels to hundredths, so the key is a total order.
    let level = graph.level_of(e).map_or(-1, |l| (l * 100.0).round() as i64);
    (
        std::cmp::Reverse(graph.importance_of(e)),
        std::cmp::Reverse(level),
        std::cmp::Reverse(flag("in_demand")),
        std::cmp::Reverse(flag("hot_technology")),
        rank,
    )
}

/// The edges a picture of `edges` around `center` draws when they are too many: nearest the
/// center first (its own edges, then those one node out, …); within each distance the kinds
/// take turns, each giving its strongest edge next, so a role's few moves are not crowded out
/// by its many tools. Ties by the names at the ends.
fn strongest(graph: &Graph, center: NodeIndex, edges: &[EdgeIndex]) -> Vec<EdgeIndex> {
    let ends: Vec<(NodeIndex, NodeIndex)> =
        edges.iter().map(|&e| graph.edge_endpoints(e)).collect();
    // Moves from the centre over the edges, either way. Breadth-first over the edges' own
    // adjacency: scanning every edge per layer took seconds on a long chain of prerequisites.
    let mut around: HashMap<NodeIndex, Vec<NodeIndex>> = HashMap::new();
    for &(a, b) in &ends {
        around.entry(a).or_default().push(b);
        around.entry(b).or_default().push(a);
    }
    let mut distance: HashMap<NodeIndex, usize> = HashMap::from([(center, 0)]);
    let mut queue = std::collections::VecDeque::from([center]);
    while let Some(from) = queue.pop_front() {
        let next = distance[&from] + 1;
        for &to in around.get(&from).map_or(&[][..], Vec::as_slice) {
            if let std::collections::hash_map::Entry::Vacant(slot) = distance.entry(to) {
                slot.insert(next);
                queue.push_back(to);
            }
        }
    }
    let near = |e: usize| {
        let (a, b) = ends[e];
        let d = |n: NodeIndex| distance.get(&n).copied().unwrap_or(usize::MAX);
        d(a).min(d(b))
    };
    let mut order: Vec<usize> = (0..edges.len()).collect();
    let key = |i: &usize| {
        let (a, b) = ends[*i];
        (
            near(*i),
            edge_kind(graph, edges[*i]),
            strength(graph, edges[*i]),
            graph.name_of(a).to_lowercase(),
            graph.name_of(b).to_lowercase(),
        )
    };
    order.sort_by_cached_key(key);
    // The place of each edge among those of its distance and kind: the turn it is drawn in.
    let mut turn = vec![0usize; edges.len()];
    let mut seen: HashMap<(usize, EdgeKind), usize> = HashMap::new();
    for &i in &order {
        let slot = seen
            .entry((near(i), edge_kind(graph, edges[i])))
            .or_default();
        turn[i] = *slot;
        *slot += 1;
    }
    order.sort_by_key(|&i| (near(i), turn[i]));
    order
        .into_iter()
        .take(MAX_DRAWN_EDGES)
        .map(|i| edges[i])
        .collect()
}

/// A node, the nodes around it and the edges among them, the node highlighted. More than
/// [`MAX_DRAWN_EDGES`] edges are summarised: the strongest are drawn, with their ends, and the
/// notes count what is left out by kind.
pub fn subgraph(
    graph: &Graph,
    center: NodeIndex,
    nodes: impl IntoIterator<Item = NodeIndex>,
    edges: impl IntoIterator<Item = EdgeIndex>,
) -> Picture {
    let mut picture = Picture::default();
    let mut node = graph_node(graph, center);
    node.highlighted = true;
    picture.node(node);
    let mut edges: Vec<EdgeIndex> = edges.into_iter().collect();
    let mut rest: Vec<NodeIndex> = nodes.into_iter().filter(|&ix| ix != center).collect();
    rest.sort();
    rest.dedup();
    if edges.len() > MAX_DRAWN_EDGES {
        let all_nodes = rest.len() + 1;
        let drawn = strongest(graph, center, &edges);
        let ends: HashSet<NodeIndex> = drawn
            .iter()
            .flat_map(|&e| {
                let (a, b) = graph.edge_endpoints(e);
                [a, b]
            })
            .collect();
        rest.retain(|ix| ends.contains(ix));
        let mut left_out: BTreeMap<EdgeKind, usize> = BTreeMap::new();
        let drawn_set: HashSet<EdgeIndex> = drawn.iter().copied().collect();
        for &e in &edges {
            if !drawn_set.contains(&e) {
                *left_out.entry(edge_kind(graph, e)).or_default() += 1;
            }
        }
        let counts: Vec<String> = left_out
            .iter()
            .map(|(kind, n)| format!("{} {}", format_number(*n as f64), kind.as_str()))
            .collect();
        picture.notes.push(format!(
            "drawn: the {} strongest of {} edges (nearest first, then by importance, level, \
             in demand and O*NET rank, each kind in turn), joining {} of {} nodes",
            drawn.len(),
            format_number(edges.len() as f64),
            rest.len() + 1,
            format_number(all_nodes as f64)
        ));
        picture.notes.push(format!(
            "not drawn: {} — the table lists every edge",
            counts.join(", ")
        ));
        edges = drawn;
    }
    rest.sort_by(|&a, &b| {
        (graph.kind_of(a))
            .cmp(&graph.kind_of(b))
            .then(graph.order_by_name(a, b))
    });
    for ix in rest {
        picture.node(graph_node(graph, ix));
    }
    edges.sort_by_key(|&e| std::cmp::Reverse(graph.importance_of(e)));
    for e in edges {
        picture.edge(graph_edge(graph, e, false));
    }
    picture
}

/// `show X`: X and the nodes one edge away, with the edges that touch X. X stands in the
/// middle; what leads to it stands left, what it leads to right — except that a role's tools
/// and the roles it moves to also stand left, so its long list of skills has the right side
/// to itself.
pub fn around(graph: &Graph, center: NodeIndex) -> Picture {
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    let mut right: HashSet<NodeIndex> = HashSet::new();
    let role = graph.kind_of(center) == Some(NodeKind::Role);
    for kind in EdgeKind::ALL {
        for (e, other) in graph.out_edges(center, kind) {
            nodes.push(other);
            edges.push(e);
            if !role || kind == EdgeKind::Requires {
                right.insert(other);
            }
        }
        for (e, other) in graph.in_edges(center, kind) {
            nodes.push(other);
            edges.push(e);
        }
    }
    let mut picture = subgraph(graph, center, nodes, edges);
    // By id, as the picture names its nodes; ids are unique.
    let right: HashSet<&str> = right.iter().map(|&ix| graph.id_of(ix)).collect();
    for node in &mut picture.nodes {
        node.column = Some(match node.id.as_str() {
            id if id == graph.id_of(center) => 1,
            id if right.contains(id) => 2,
            _ => 0,
        });
    }
    picture
}
