//! Property tests for the compact snapshot form of a graph (`Graph::to_snapshot` /
//! `Graph::from_snapshot`) and the indexes that make queries fast on large graphs.
//!
//! A graph is read in three forms — built in memory (all overlay over an empty base), read back
//! from a snapshot (all base), and a snapshot with later changes (a base with an overlay) —
//! through different code; every read must agree exactly across them, including iteration
//! orders, and a change must give the same indices afterwards. The old persisted form
//! (`GraphData`, postcard, petgraph's deserialisation) must read the same too.
//! Route searches are checked against a plain one-sided breadth-first search on graphs too large
//! to enumerate every path.

mod common;

use common::Rng;
use std::collections::{BTreeMap, HashMap, VecDeque};

use petgraph::stable_graph::StableDiGraph;
use proptest::prelude::*;
use skillgraph_graph::algo::{
    cheapest_route, fewest_moves, gap, held_skills, learning_plan, move_cost, Constraints, Start,
};
use skillgraph_graph::{
    Checks, Direction, Edge, EdgeIndex, EdgeKind, Graph, GraphData, Node, NodeIndex, NodeKind,
    Source, SourceId, Value,
};

const NAMES: &[&str] = &[
    "Git",
    "git",
    "Linux",
    "SRE",
    "Ops",
    "Σίσυφος",
    "ΣΊΣΥΦΟΣ",
    "Straße",
    "Data",
];

fn source(key: &str) -> Source {
    Source {
        key: key.into(),
        title: format!("title of {key}"),
        url: None,
        author: None,
        publisher: None,
        date: None,
        licence: None,
    }
}

/// A random graph with every kind of node and edge field, parallel edges, and (when `holes`)
/// removed nodes and edges, and renamed nodes. Built in memory: every node and edge is in the
/// overlay over an empty base.
fn random_graph(seed: u64, size: usize, holes: bool) -> Graph {
    random_graph_folded(seed, size, holes, usize::MAX)
}

/// [`random_graph`], but folded into a new base (through a snapshot) when `fold_at` edges have
/// been added: what comes after is an overlay over that base. The same changes as
/// `random_graph`'s, so the same graph, indices included.
fn random_graph_folded(seed: u64, size: usize, holes: bool, fold_at: usize) -> Graph {
    let mut rng = Rng::new(seed);
    let mut g = Graph::new();
    let sources: Vec<SourceId> = (0..3)
        .map(|i| g.add_source(source(&format!("s{i}"))))
        .collect();
    let mut by_kind: HashMap<NodeKind, Vec<NodeIndex>> = HashMap::new();
    // Drawn apart, so that the rest of the graph stays what each seed (and each regression)
    // gave before nodes had records and edges had fields.
    let mut extras = Rng::new(seed ^ 0xe7a5);
    for i in 0..size {
        let kind = NodeKind::ALL[rng.below(3)];
        // Three datasets, so that equal names link across them (`concept.rs`).
        let id = ["", "onet:", "esco:"][rng.below(3)];
        let mut node = Node::new(format!("{id}n{i}"), kind, rng.pick(NAMES));
        if rng.chance(20) {
            node.aliases.push(rng.pick(NAMES).to_string());
        }
        if rng.chance(10) {
            node.category = Some("cat".into());
        }
        if rng.chance(60) {
            node.effort_hours = Some(rng.below(50) as f64 / 4.0);
        }
        if rng.chance(10) {
            node.fields
                .insert("job_zone".into(), Value::Number(rng.below(5) as f64));
        }
        if extras.chance(10) {
            let avg = Value::Number(extras.below(100) as f64);
            let salary = [("avg".to_string(), avg)].into_iter().collect();
            node.fields.insert("salary".into(), Value::Record(salary));
        }
        node.sources = vec![rng.pick(&sources)];
        if rng.chance(15) {
            node.sources.push(rng.pick(&sources));
        }
        let ix = g.add_node(node);
        by_kind.entry(kind).or_default().push(ix);
    }
    let edges = size * 4;
    for step in 0..edges {
        if step == fold_at {
            g = through_snapshot(&g);
        }
        let kind = EdgeKind::ALL[rng.below(5)];
        let (fk, tk) = kind.endpoints();
        let (Some(from), Some(to)) = (by_kind.get(&fk), by_kind.get(&tk)) else {
            continue;
        };
        if from.is_empty() || to.is_empty() {
            continue;
        }
        let (a, b) = (rng.pick(from), rng.pick(to));
        let mut e = Edge::new(kind);
        e.sources = vec![rng.pick(&sources)];
        if kind == EdgeKind::Requires || rng.chance(5) {
            e.importance = Some(1 + rng.below(5) as u8);
        }
        if kind == EdgeKind::Transition && rng.chance(80) {
            e.effort_hours = Some(rng.below(40) as f64 / 10.0);
        }
        if rng.chance(5) {
            e.extra_mut().note = Some("a note".into());
        }
        add_extra_fields(&mut extras, &mut e, &g, &by_kind);
        g.add_edge(a, b, e);
        if holes && rng.chance(8) {
            let ix = NodeIndex::new(rng.below(g.node_bound().max(1)));
            g.remove_node(ix);
            for list in by_kind.values_mut() {
                list.retain(|&n| n != ix);
            }
        }
        if holes && rng.chance(8) {
            g.remove_edge(EdgeIndex::new(rng.below(g.edge_bound().max(1))));
        }
        if holes && rng.chance(10) {
            let ix = NodeIndex::new(rng.below(g.node_bound().max(1)));
            let (name, alias) = (rng.pick(NAMES), rng.pick(NAMES));
            if g.get_node(ix).is_some() {
                g.node_mut(ix).edit(|n| {
                    n.name = name.into();
                    n.aliases = vec![alias.into()];
                });
            }
        }
        if holes && rng.chance(10) {
            let e = EdgeIndex::new(rng.below(g.edge_bound().max(1)));
            let importance = 1 + rng.below(5) as u8;
            if g.get_edge(e).is_some() {
                g.edge_mut(e)
                    .edit(|edge| edge.importance = Some(importance));
            }
        }
    }
    g
}

/// Sometimes the fields and named skills of real data's edges: O*NET's `in_demand` and
/// `rank`, a move's type and the skills it names (by id, and an id of none).
fn add_extra_fields(
    rng: &mut Rng,
    e: &mut Edge,
    g: &Graph,
    by_kind: &HashMap<NodeKind, Vec<NodeIndex>>,
) {
    if !rng.chance(30) {
        return;
    }
    let fields = &mut e.extra_mut().fields;
    match rng.below(3) {
        0 => fields.insert("in_demand".into(), Value::Bool(rng.chance(50))),
        1 => fields.insert("rank".into(), Value::Number(rng.below(20) as f64)),
        _ => fields.insert(
            "move_type".into(),
            Value::Text(rng.pick(&["trap", "lateral"]).to_string()),
        ),
    };
    if e.kind == EdgeKind::Transition && rng.chance(50) {
        let skills = by_kind.get(&NodeKind::Skill).map_or(&[][..], Vec::as_slice);
        let mut ids: Vec<String> = (0..rng.below(3))
            .filter_map(|_| skills.get(rng.below(skills.len().max(1))))
            .map(|&s| g.id_of(s).to_string())
            .collect();
        if rng.chance(20) {
            ids.push("no such skill".into());
        }
        e.extra_mut().skills = ids;
    }
}

/// The graph as the previous schema stored and read it.
fn through_postcard(g: &Graph) -> Graph {
    let data = GraphData {
        sources: g.sources().to_vec(),
        graph: as_petgraph(g),
        profiles: g.profiles().clone(),
    };
    let bytes = postcard::to_allocvec(&data).unwrap();
    Graph::from_data(postcard::from_bytes(&bytes).unwrap())
}

/// The graph as a petgraph graph with the same indices: every slot added in index order (holes
/// as placeholders), then the placeholders removed.
fn as_petgraph(g: &Graph) -> StableDiGraph<Node, Edge> {
    let mut p = StableDiGraph::with_capacity(g.node_bound(), g.edge_bound());
    for i in 0..g.node_bound() {
        let node = g.get_node(NodeIndex::new(i)).cloned();
        p.add_node(node.unwrap_or_else(|| Node::new("", NodeKind::Role, "")));
    }
    let bound = if g.node_bound() == 0 {
        0
    } else {
        g.edge_bound()
    };
    for i in 0..bound {
        let e = EdgeIndex::new(i);
        match (g.get_edge(e), g.get_edge_endpoints(e)) {
            (Some(edge), Some((a, b))) => p.add_edge(a, b, edge.clone()),
            _ => p.add_edge(
                NodeIndex::new(0),
                NodeIndex::new(0),
                Edge::new(EdgeKind::Requires),
            ),
        };
    }
    for i in 0..bound {
        if g.get_edge(EdgeIndex::new(i)).is_none() {
            p.remove_edge(EdgeIndex::new(i));
        }
    }
    for i in 0..g.node_bound() {
        if g.get_node(NodeIndex::new(i)).is_none() {
            p.remove_node(NodeIndex::new(i));
        }
    }
    p
}

fn through_snapshot(g: &Graph) -> Graph {
    Graph::from_snapshot(g.to_snapshot()).expect("a snapshot reads back")
}

/// The snapshot read as the store reads a file its writer left as it was: no whole check.
fn as_written(g: &Graph) -> Graph {
    let bytes = std::sync::Arc::new(g.to_snapshot());
    Graph::from_shared_snapshot(bytes, Checks::AsWritten).expect("a snapshot reads back")
}

fn sorted(mut list: Vec<NodeIndex>) -> Vec<NodeIndex> {
    list.sort();
    list
}

/// Field paths of every kind ([`Node::field`]): the built-in fields, a stored one, a path into
/// a record, and paths to nothing.
const PATHS: [&str; 11] = [
    "id",
    "kind",
    "name",
    "aliases",
    "category",
    "effort_hours",
    "job_zone",
    "salary.avg",
    "name.first",
    "no such field",
    "",
];

/// Every read of `a` and `b` agrees.
fn assert_same_reads(a: &Graph, b: &Graph) {
    for e in a.edge_indices() {
        let edge = a.edge(e);
        assert_eq!(&*b.edge_afresh(e), edge);
        assert_eq!(b.edge_sources_of(e), edge.sources.as_slice());
        assert_eq!(b.move_skills_of(e), edge.move_skills());
        let fields = edge.extra.as_ref().map(|x| &x.fields);
        // Numbers first, while the extras are not yet decoded and kept, then again after.
        for (name, value) in fields.into_iter().flatten() {
            assert_eq!(b.edge_number_of(e, name), value.as_number());
        }
        for (name, value) in fields.into_iter().flatten() {
            assert_eq!(b.edge_field_of(e, name), Some(value));
            assert_eq!(b.edge_number_of(e, name), value.as_number());
        }
        assert_eq!(b.edge_number_of(e, "no such field"), None);
        assert_eq!(b.edge_field_of(e, "no such field"), None);
    }
    // Fields first, before other reads decode the stored nodes' parts: a base looks for a
    // field's name in a node's stored bytes before it decodes them.
    for ix in a.node_indices() {
        let node = a.node(ix);
        for (name, value) in &node.fields {
            assert_eq!(b.field_of(ix, name), Some(value));
        }
        assert_eq!(b.field_of(ix, "no such field"), None);
        for path in PATHS {
            assert_eq!(b.field_path_of(ix, path), node.field(path), "{path}");
        }
    }
    assert_eq!(a.node_count(), b.node_count());
    assert_eq!(a.edge_count(), b.edge_count());
    assert_eq!(a.node_bound(), b.node_bound());
    assert_eq!(a.edge_bound(), b.edge_bound());
    assert_eq!(a.sources(), b.sources());
    assert_eq!(a.profiles(), b.profiles());
    let nodes: Vec<NodeIndex> = a.node_indices().collect();
    assert_eq!(nodes, b.node_indices().collect::<Vec<_>>());
    for &ix in &nodes {
        // What is read in place, or built afresh and kept nowhere, is what a built node holds.
        let node = a.node(ix);
        assert_eq!(&*b.node_afresh(ix), node);
        assert_eq!(b.aliases_of(ix), node.aliases.as_slice());
        assert_eq!(b.category_of(ix), node.category.as_deref());
        assert_eq!(b.sources_of(ix), node.sources.as_slice());
        assert_eq!(a.node(ix), b.node(ix));
        assert_eq!(a.by_id(&a.node(ix).id), b.by_id(&a.node(ix).id));
        for label in std::iter::once(&a.node(ix).name).chain(&a.node(ix).aliases) {
            assert_eq!(
                sorted(a.by_label(label).to_vec()),
                sorted(b.by_label(label).to_vec()),
                "label {label}"
            );
            let upper = label.to_uppercase();
            assert_eq!(
                sorted(a.by_label(&upper).to_vec()),
                sorted(b.by_label(&upper).to_vec())
            );
        }
        for kind in EdgeKind::ALL {
            let out: Vec<_> = a.out_edges(ix, kind).collect();
            assert_eq!(out, b.out_edges(ix, kind).collect::<Vec<_>>());
            let inc: Vec<_> = a.in_edges(ix, kind).collect();
            assert_eq!(inc, b.in_edges(ix, kind).collect::<Vec<_>>());
            for direction in [Direction::Outgoing, Direction::Incoming] {
                let links: Vec<_> = b
                    .links(ix, direction, kind)
                    .map(|l| (l.edge, l.node))
                    .collect();
                let expected = if direction == Direction::Outgoing {
                    &out
                } else {
                    &inc
                };
                assert_eq!(&links, expected);
            }
            for &(_, t) in &out {
                assert_eq!(a.edges_between(ix, t, kind), b.edges_between(ix, t, kind));
            }
        }
        assert_eq!(
            a.neighbours(ix).collect::<Vec<_>>(),
            b.neighbours(ix).collect::<Vec<_>>()
        );
    }
    for missing in ["", "nope", "N0", "n999999"] {
        assert_eq!(a.by_id(missing), b.by_id(missing));
        assert_eq!(a.by_label(missing), b.by_label(missing));
    }
    let labels = |g: &Graph| -> BTreeMap<String, Vec<NodeIndex>> {
        g.labels()
            .map(|(k, v)| (k.to_string(), sorted(v.to_vec())))
            .collect()
    };
    assert_eq!(labels(a), labels(b));
    assert_eq!(a.datasets(), b.datasets());
    for &ix in &nodes {
        assert_eq!(a.linked(ix), b.linked(ix), "linked with {}", a.node(ix).id);
    }
    for kind in NodeKind::ALL {
        assert_eq!(a.nodes_of_kind(kind), b.nodes_of_kind(kind));
    }
    let edges: Vec<EdgeIndex> = a.edge_indices().collect();
    assert_eq!(edges, b.edge_indices().collect::<Vec<_>>());
    for &e in &edges {
        assert_eq!(a.edge(e), b.edge(e));
        assert_eq!(a.edge_endpoints(e), b.edge_endpoints(e));
    }
    for kind in EdgeKind::ALL {
        assert_eq!(a.count_edges(kind), b.count_edges(kind));
    }
}

/// The petgraph graphs hold the same slots, and add the next node and edge at the same index.
fn assert_same_after_change(mut a: Graph, mut b: Graph) {
    for g in [&mut a, &mut b] {
        let n = g.add_node(Node::new("fresh", NodeKind::Role, "Fresh"));
        let m = g.add_node(Node::new("fresh2", NodeKind::Role, "Fresh 2"));
        g.add_edge(n, m, Edge::new(EdgeKind::Transition));
        g.add_edge(m, n, Edge::new(EdgeKind::Transition));
    }
    assert_eq!(a.by_id("fresh"), b.by_id("fresh"));
    assert_eq!(a.by_id("fresh2"), b.by_id("fresh2"));
    assert_same_reads(&a, &b);
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(120);
    ProptestConfig::with_cases(cases)
}

/// A textbook route search: distances to the goal by a backward queue BFS, then from the start
/// the smallest role by name among those one move nearer, lowest edge index between parallels.
fn reference_route(g: &Graph, from: NodeIndex, to: NodeIndex) -> Option<Vec<EdgeIndex>> {
    let mut dist = HashMap::from([(to, 0usize)]);
    let mut queue = VecDeque::from([to]);
    while let Some(v) = queue.pop_front() {
        for e in g.edge_indices() {
            let (a, b) = g.edge_endpoints(e);
            if b == v && g.edge(e).kind == EdgeKind::Transition && !dist.contains_key(&a) {
                dist.insert(a, dist[&v] + 1);
                queue.push_back(a);
            }
        }
    }
    let mut cur = from;
    let mut route = Vec::new();
    while cur != to {
        let want = dist.get(&cur)?.checked_sub(1)?;
        let best = g
            .edge_indices()
            .filter(|&e| g.edge(e).kind == EdgeKind::Transition && g.edge_endpoints(e).0 == cur)
            .filter(|&e| dist.get(&g.edge_endpoints(e).1) == Some(&want))
            .min_by(|&x, &y| {
                let (vx, vy) = (g.edge_endpoints(x).1, g.edge_endpoints(y).1);
                g.order_by_name(vx, vy).then(x.index().cmp(&y.index()))
            })?;
        route.push(best);
        cur = g.edge_endpoints(best).1;
    }
    Some(route)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_snapshot_reads_back_as_the_graph(
        seed in any::<u64>(),
        holes in any::<bool>(),
        fold_at in 0usize..130,
    ) {
        // The same graph in three forms: all overlay, all base, and a base with an overlay;
        // the base read with and without the whole check.
        let g = random_graph(seed, 30, holes);
        let frozen = through_snapshot(&g);
        let mixed = random_graph_folded(seed, 30, holes, fold_at);
        assert_same_reads(&g, &frozen);
        assert_same_reads(&g, &mixed);
        assert_same_reads(&g, &as_written(&g));
        assert_same_after_change(g.clone(), as_written(&g));
        // Written again without a change: the same bytes, whichever the form.
        prop_assert_eq!(frozen.to_snapshot(), g.to_snapshot());
        prop_assert_eq!(mixed.to_snapshot(), g.to_snapshot());
        // And once more through a snapshot of the frozen graph.
        assert_same_reads(&g, &through_snapshot(&frozen));
        assert_same_after_change(g.clone(), frozen);
        assert_same_after_change(g, mixed);
    }

    #[test]
    fn a_larger_snapshot_read_as_written_reads_as_the_graph(seed in any::<u64>(), holes in any::<bool>()) {
        // Texts checked a chunk at a time and efforts ranked on first read: several of each.
        let g = random_graph(seed, 300, holes);
        assert_same_reads(&g, &as_written(&g));
    }

    #[test]
    fn the_schema_2_form_reads_as_the_graph(seed in any::<u64>()) {
        // Without holes: petgraph's bounds leave out trailing holes, which a snapshot keeps.
        let g = random_graph(seed, 20, false);
        assert_same_reads(&through_postcard(&g), &through_snapshot(&g));
    }

    #[test]
    fn a_checkpoint_restores_the_graph(seed in any::<u64>(), fold_at in 0usize..100) {
        let g = random_graph_folded(seed, 25, true, fold_at);
        let mut changed = g.clone();
        let checkpoint = changed.checkpoint();
        let mut rng = Rng::new(seed ^ 1);
        for _ in 0..10 {
            let ix = NodeIndex::new(rng.below(changed.node_bound().max(1)));
            if changed.get_node(ix).is_some() && rng.chance(50) {
                changed.remove_node(ix);
            } else {
                let n = changed.add_node(Node::new(format!("x{}", rng.below(9)), NodeKind::Role, "Git"));
                changed.add_edge(n, n, Edge::new(EdgeKind::Transition));
            }
        }
        changed.restore(checkpoint);
        assert_same_reads(&g, &changed);
        prop_assert_eq!(g.to_snapshot(), changed.to_snapshot());
    }

    #[test]
    fn answers_are_the_same_on_a_snapshot(seed in any::<u64>(), holes in any::<bool>()) {
        let g = random_graph(seed, 40, holes);
        let frozen = through_snapshot(&g);
        let old = g;
        let roles = old.nodes_of_kind(NodeKind::Role);
        let mut rng = Rng::new(seed);
        for _ in 0..6 {
            if roles.len() < 2 {
                break;
            }
            let (a, b) = (rng.pick(&roles), rng.pick(&roles));
            let options = Constraints::default();
            prop_assert_eq!(
                fewest_moves(&old, a, b, &options),
                fewest_moves(&frozen, a, b, &options)
            );
            prop_assert_eq!(
                cheapest_route(&old, a, b, &options, |e| move_cost(&old, e, 1)),
                cheapest_route(&frozen, a, b, &options, |e| move_cost(&frozen, e, 1))
            );
            let have_old = held_skills(&old, &Start::Role(a));
            let have_frozen = held_skills(&frozen, &Start::Role(a));
            prop_assert_eq!(&have_old, &have_frozen);
            prop_assert_eq!(gap(&old, &have_old, b, 1), gap(&frozen, &have_frozen, b, 1));
            prop_assert_eq!(
                learning_plan(&old, &have_old, b, 2, &[]),
                learning_plan(&frozen, &have_frozen, b, 2, &[])
            );
        }
    }

    #[test]
    fn fewest_moves_matches_a_one_sided_search_on_larger_graphs(seed in any::<u64>()) {
        // Sparse transitions among many roles: long routes, many ties, unreachable pairs.
        let mut rng = Rng::new(seed);
        let mut g = Graph::new();
        let roles: Vec<NodeIndex> = (0..60)
            .map(|i| g.add_node(Node::new(format!("r{i}"), NodeKind::Role, NAMES[i % 4])))
            .collect();
        for _ in 0..rng.below(150) + 40 {
            let (a, b) = (rng.pick(&roles), rng.pick(&roles));
            if a != b {
                g.add_edge(a, b, Edge::new(EdgeKind::Transition));
            }
        }
        for g in [through_snapshot(&g), g] {
            for _ in 0..10 {
                let (a, b) = (rng.pick(&roles), rng.pick(&roles));
                let got = fewest_moves(&g, a, b, &Constraints::default()).ok().map(|r| r.edges);
                prop_assert_eq!(got, reference_route(&g, a, b));
            }
        }
    }

    #[test]
    fn a_bulk_graph_is_the_graph_built_one_by_one(seed in any::<u64>()) {
        let g = random_graph(seed, 25, false);
        let nodes: Vec<Node> = g.node_indices().map(|ix| g.node(ix).clone()).collect();
        let edges: Vec<(NodeIndex, NodeIndex, Edge)> = g
            .edge_indices()
            .map(|e| {
                let (a, b) = g.edge_endpoints(e);
                (a, b, g.edge(e).clone())
            })
            .collect();
        let bulk = Graph::bulk(g.sources().to_vec(), nodes, edges.into_iter()).unwrap();
        assert_same_reads(&g, &bulk);
    }

    #[test]
    fn names_compare_as_their_lowercase_strings(
        a in "[aAzZ Σσςßİi1é]{0,6}",
        b in "[aAzZ Σσςßİi1é]{0,6}",
    ) {
        prop_assert_eq!(
            skillgraph_graph::cmp_ignoring_case(&a, &b),
            a.to_lowercase().cmp(&b.to_lowercase())
        );
    }

    #[test]
    fn a_damaged_snapshot_is_an_error_or_a_graph_never_a_panic(
        seed in any::<u64>(),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
        cut in any::<Option<usize>>(),
    ) {
        let g = random_graph(seed, 12, true);
        let mut bytes = g.to_snapshot();
        for (at, x) in flips {
            let n = bytes.len();
            bytes[at % n] ^= x | 1;
        }
        if let Some(cut) = cut {
            bytes.truncate(cut % (bytes.len() + 1));
        }
        if let Ok(damaged) = Graph::from_snapshot(bytes) {
            // Whatever it holds, reading all of it, and changing it, must not panic.
            for ix in damaged.node_indices().collect::<Vec<_>>() {
                let n = damaged.node(ix);
                damaged.by_id(&n.id);
                damaged.by_label(&n.name);
                for kind in EdgeKind::ALL {
                    damaged.out_edges(ix, kind).count();
                    damaged.links(ix, Direction::Incoming, kind);
                }
            }
            for e in damaged.edge_indices().collect::<Vec<_>>() {
                damaged.edge(e);
            }
            damaged.labels().count();
            let mut changed = damaged.clone();
            changed.add_node(Node::new("after", NodeKind::Skill, "After"));
        }
    }
}

#[test]
fn an_empty_graph_and_a_graph_of_holes_read_back() {
    let empty = Graph::new();
    assert_same_reads(&empty, &through_snapshot(&empty));

    let mut g = Graph::new();
    let a = g.add_node(Node::new("a", NodeKind::Role, "A"));
    let b = g.add_node(Node::new("b", NodeKind::Role, "B"));
    g.add_edge(a, b, Edge::new(EdgeKind::Transition));
    g.remove_node(a);
    g.remove_node(b);
    assert_same_reads(&g, &through_snapshot(&g));
    assert_same_after_change(g.clone(), through_snapshot(&g));
}

#[test]
fn non_ascii_names_compare_as_lowercased_strings() {
    // `str::to_lowercase` lowers a final capital sigma to `ς`, `char::to_lowercase` to `σ`:
    // the order and the lookups follow the former.
    let mut g = Graph::new();
    let a = g.add_node(Node::new("a", NodeKind::Skill, "ΟΔΟΣ"));
    let b = g.add_node(Node::new("b", NodeKind::Skill, "οδοσ"));
    let c = g.add_node(Node::new("c", NodeKind::Skill, "οδος"));
    let frozen = through_snapshot(&g);
    for graph in [&g, &frozen] {
        assert_eq!(graph.by_label("οδος"), &[a, c][..]);
        assert_eq!(graph.by_label("ΟΔΟΣ"), &[a, c][..]);
        assert_eq!(graph.by_label("οδοσ"), &[b][..]);
        assert_eq!(
            graph.order_by_name(a, b),
            "ΟΔΟΣ".to_lowercase().cmp(&"οδοσ".to_lowercase())
        );
    }
}
