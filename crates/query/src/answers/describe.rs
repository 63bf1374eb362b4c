//! Answers that describe nodes: `show`, lists, `skills of`, `tools of`, `compare`.

use std::collections::{BTreeMap, BTreeSet};

use skillgraph_graph::{EdgeIndex, EdgeKind, Graph, NodeIndex, NodeKind, Value};

use crate::result::{Cell, ResultTable};

/// The keys of the sources an edge or node cites, in table order.
pub fn source_keys(graph: &Graph, ids: &[skillgraph_graph::SourceId]) -> Vec<String> {
    graph
        .source_keys(ids)
        .into_iter()
        .map(String::from)
        .collect()
}

/// `show X`: every field, the sources, and a summary of the edges around the node.
pub fn show(graph: &Graph, ix: NodeIndex) -> ResultTable {
    let node = graph.node(ix);
    let mut table = ResultTable::new(["field", "value"])
        .with_title(format!("{} {} ({})", node.kind, node.name, node.id));
    let mut row = |field: &str, value: Cell| table.push(vec![Cell::text(field), value]);
    row("id", Cell::text(&node.id));
    row("kind", Cell::text(node.kind.as_str()));
    row("name", Cell::text(&node.name));
    if !node.aliases.is_empty() {
        row("aliases", Cell::List(node.aliases.clone()));
    }
    if let Some(c) = &node.category {
        row("category", Cell::text(c));
    }
    if let Some(h) = node.effort_hours {
        row("effort_hours", Cell::Number(h));
    }
    for (name, value) in &node.fields {
        flatten_field(name, value, &mut row);
    }
    let sources: Vec<String> = node
        .sources
        .iter()
        .map(|&s| describe_source(graph, s))
        .collect();
    row("sources", Cell::List(sources));
    for (label, kind, outgoing) in edge_sections(node.kind) {
        let mut items: Vec<(String, String)> = Vec::new();
        let edges: Vec<(EdgeIndex, NodeIndex)> = if outgoing {
            graph.out_edges(ix, kind).collect()
        } else {
            graph.in_edges(ix, kind).collect()
        };
        for (e, other) in edges {
            let edge = graph.edge(e);
            let mut text = graph.node(other).name.clone();
            let mut details = Vec::new();
            if let Some(i) = edge.importance {
                details.push(format!("importance {i}"));
            }
            if let Some(h) = edge.effort_hours {
                details.push(format!("{} h", skillgraph_graph::format_number(h)));
            }
            details.push(source_keys(graph, &edge.sources).join("+"));
            text.push_str(&format!(" ({})", details.join(", ")));
            items.push((graph.node(other).name.to_lowercase(), text));
        }
        if !items.is_empty() {
            items.sort();
            row(
                &format!("{label} ({})", items.len()),
                Cell::List(items.into_iter().map(|(_, t)| t).collect()),
            );
        }
    }
    table.picture = Some(super::pictures::around(graph, ix));
    table
}

/// Records and lists of records become one row per leaf (`salary.avg`, `job_openings[1].count`).
fn flatten_field(name: &str, value: &Value, row: &mut impl FnMut(&str, Cell)) {
    match value {
        Value::Record(map) => {
            for (k, v) in map {
                flatten_field(&format!("{name}.{k}"), v, row);
            }
        }
        Value::List(items) if items.iter().any(|v| matches!(v, Value::Record(_))) => {
            for (i, item) in items.iter().enumerate() {
                flatten_field(&format!("{name}[{}]", i + 1), item, row);
            }
        }
        other => row(name, Cell::from(other)),
    }
}

pub fn describe_source(graph: &Graph, id: skillgraph_graph::SourceId) -> String {
    let s = graph.source(id);
    let mut text = format!("{}: {}", s.key, s.title);
    if let Some(p) = &s.publisher {
        text.push_str(&format!(", {p}"));
    }
    if let Some(d) = &s.date {
        text.push_str(&format!(", {d}"));
    }
    if let Some(u) = &s.url {
        text.push_str(&format!(" <{u}>"));
    }
    if let Some(l) = &s.licence {
        text.push_str(&format!(" [{l}]"));
    }
    text
}

/// Which edge lists `show` prints for a kind: (label, edge kind, outgoing?).
fn edge_sections(kind: NodeKind) -> Vec<(&'static str, EdgeKind, bool)> {
    match kind {
        NodeKind::Role => vec![
            ("requires", EdgeKind::Requires, true),
            ("uses", EdgeKind::Uses, true),
            ("moves to", EdgeKind::Transition, true),
            ("moves from", EdgeKind::Transition, false),
        ],
        NodeKind::Skill => vec![
            ("required by", EdgeKind::Requires, false),
            ("covered by", EdgeKind::Covers, false),
            ("needs first", EdgeKind::Prerequisite, false),
            ("leads to", EdgeKind::Prerequisite, true),
        ],
        NodeKind::Tool => vec![
            ("covers", EdgeKind::Covers, true),
            ("used by", EdgeKind::Uses, false),
        ],
    }
}

/// Skills a role requires, one row per skill: if sources state it separately, the row shows the
/// highest importance and every source, and a note lists where they differ.
pub fn skills_of(graph: &Graph, role: NodeIndex) -> ResultTable {
    let mut table = ResultTable::new([
        "skill",
        "importance",
        "effort_hours",
        "category",
        "sources",
        "note",
    ])
    .with_title(format!("skills {} requires", graph.node(role).name));
    for (skill, edges) in grouped_out_edges(graph, role, EdgeKind::Requires) {
        let node = graph.node(skill);
        let importances: BTreeSet<u8> = edges
            .iter()
            .filter_map(|&e| graph.edge(e).importance)
            .collect();
        let (sources, notes) = edge_sources_and_notes(graph, &edges);
        if importances.len() > 1 {
            let stated: Vec<String> = edges
                .iter()
                .map(|&e| {
                    format!(
                        "{} says {}",
                        source_keys(graph, &graph.edge(e).sources).join("+"),
                        graph.edge(e).importance.unwrap_or(0)
                    )
                })
                .collect();
            table.note(format!(
                "sources differ on the importance of {}: {}",
                node.name,
                stated.join(", ")
            ));
        }
        table.push(vec![
            Cell::text(&node.name),
            Cell::opt_number(importances.last().map(|&i| f64::from(i))),
            Cell::opt_number(node.effort_hours),
            node.category.as_deref().map_or(Cell::Null, Cell::text),
            Cell::List(sources),
            notes,
        ]);
    }
    sort_rows_by(&mut table, |row| {
        (-(num(&row[1]) as i64), row[0].display("").to_lowercase())
    });
    table
}

/// Tools a role uses.
pub fn tools_of(graph: &Graph, role: NodeIndex) -> ResultTable {
    let mut table = ResultTable::new(["tool", "category", "covers", "sources", "note"])
        .with_title(format!("tools {} uses", graph.node(role).name));
    for (tool, edges) in grouped_out_edges(graph, role, EdgeKind::Uses) {
        let node = graph.node(tool);
        let (sources, notes) = edge_sources_and_notes(graph, &edges);
        table.push(vec![
            Cell::text(&node.name),
            node.category.as_deref().map_or(Cell::Null, Cell::text),
            Cell::List(names(graph, covered_skills(graph, tool))),
            Cell::List(sources),
            notes,
        ]);
    }
    sort_rows_by(&mut table, |row| row[0].display("").to_lowercase());
    table
}

fn num(cell: &Cell) -> f64 {
    match cell {
        Cell::Number(n) => *n,
        _ => 0.0,
    }
}

fn sort_rows_by<K: Ord>(table: &mut ResultTable, key: impl Fn(&[Cell]) -> K) {
    // Keys allocate (lower-cased names): once per row, not once per comparison.
    table.rows.sort_by_cached_key(|row| key(row));
}

/// Out-edges of one kind grouped by target, targets in name order.
fn grouped_out_edges(
    graph: &Graph,
    from: NodeIndex,
    kind: EdgeKind,
) -> Vec<(NodeIndex, Vec<EdgeIndex>)> {
    let mut edges: Vec<(NodeIndex, EdgeIndex)> =
        graph.out_edges(from, kind).map(|(e, to)| (to, e)).collect();
    // Stable: each target's edges stay in the order `out_edges` gives them.
    edges.sort_by_key(|&(to, _)| to);
    let mut list: Vec<(NodeIndex, Vec<EdgeIndex>)> = Vec::new();
    for (to, e) in edges {
        match list.last_mut() {
            Some((last, group)) if *last == to => group.push(e),
            _ => list.push((to, vec![e])),
        }
    }
    for (_, edges) in &mut list {
        edges.sort_by_key(|&e| graph.edge(e).sources.clone());
    }
    list.sort_by(|a, b| graph.order_by_name(a.0, b.0));
    list
}

fn edge_sources_and_notes(graph: &Graph, edges: &[EdgeIndex]) -> (Vec<String>, Cell) {
    let mut sources: Vec<String> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    for &e in edges {
        for key in source_keys(graph, &graph.edge(e).sources) {
            if !sources.contains(&key) {
                sources.push(key);
            }
        }
        if let Some(n) = graph.edge(e).note() {
            notes.push(n.to_string());
        }
    }
    let notes = if notes.is_empty() {
        Cell::Null
    } else {
        Cell::text(notes.join("; "))
    };
    (sources, notes)
}

pub fn names(graph: &Graph, nodes: impl IntoIterator<Item = NodeIndex>) -> Vec<String> {
    let mut list: Vec<NodeIndex> = nodes.into_iter().collect();
    list.sort_by(|&a, &b| graph.order_by_name(a, b));
    list.dedup();
    list.into_iter()
        .map(|ix| graph.node(ix).name.clone())
        .collect()
}

pub fn covered_skills(graph: &Graph, tool: NodeIndex) -> Vec<NodeIndex> {
    graph
        .out_edges(tool, EdgeKind::Covers)
        .map(|(_, s)| s)
        .collect()
}

fn targets(graph: &Graph, from: NodeIndex, kind: EdgeKind) -> BTreeSet<NodeIndex> {
    graph.out_edges(from, kind).map(|(_, t)| t).collect()
}

/// `compare A, B`: skills and tools side by side, the overlap, and the role fields.
pub fn compare(graph: &Graph, left: NodeIndex, right: NodeIndex) -> ResultTable {
    let (l, r) = (graph.node(left), graph.node(right));
    let mut table = ResultTable::new(["aspect", l.name.as_str(), r.name.as_str(), "shared"])
        .with_title(format!("compare {} and {}", l.name, r.name));
    for (label, kind) in [("skills", EdgeKind::Requires), ("tools", EdgeKind::Uses)] {
        let (a, b) = (targets(graph, left, kind), targets(graph, right, kind));
        let shared: Vec<NodeIndex> = a.intersection(&b).copied().collect();
        let only_a: Vec<NodeIndex> = a.difference(&b).copied().collect();
        let only_b: Vec<NodeIndex> = b.difference(&a).copied().collect();
        let union = a.union(&b).count();
        table.push(vec![
            Cell::text(format!("{label} (only / shared)")),
            Cell::List(names(graph, only_a)),
            Cell::List(names(graph, only_b)),
            Cell::List(names(graph, shared.iter().copied())),
        ]);
        let overlap = if union == 0 {
            100.0
        } else {
            (shared.len() as f64 * 1000.0 / union as f64).round() / 10.0
        };
        table.push(vec![
            Cell::text(format!("{label} overlap %")),
            Cell::Number(a.len() as f64),
            Cell::Number(b.len() as f64),
            Cell::Number(overlap),
        ]);
    }
    let mut fields: Vec<String> = Vec::new();
    for node in [l, r] {
        // Per-city and per-platform tables do not line up side by side; `show` has them.
        let side_by_side = node
            .fields
            .iter()
            .filter(|(_, v)| !matches!(v, Value::List(items) if items.iter().any(|i| matches!(i, Value::Record(_)))));
        for (name, value) in side_by_side {
            let mut leaf_names = Vec::new();
            flatten_field(name, value, &mut |n: &str, _| {
                leaf_names.push(n.to_string())
            });
            for n in leaf_names {
                if !fields.contains(&n) {
                    fields.push(n);
                }
            }
        }
    }
    let leaf = |node: &skillgraph_graph::Node, wanted: &str| {
        let mut found = Cell::Null;
        for (name, value) in &node.fields {
            flatten_field(name, value, &mut |n: &str, c| {
                if n == wanted {
                    found = c;
                }
            });
        }
        found
    };
    for f in fields {
        let (a, b) = (leaf(l, &f), leaf(r, &f));
        let shared = if a == b { a.clone() } else { Cell::Null };
        table.push(vec![Cell::text(f), a, b, shared]);
    }
    table.picture = Some(super::pictures::compare(graph, left, right));
    table
}

/// `neighbourhood X depth N`: every node within N edges of X (either direction, any kind), and
/// the edges among them. One row per edge, so the table is also the picture's edge list.
pub fn neighbourhood(graph: &Graph, center: NodeIndex, depth: usize) -> ResultTable {
    let mut seen: BTreeMap<NodeIndex, usize> = BTreeMap::new();
    seen.insert(center, 0);
    let mut frontier = vec![center];
    for d in 1..=depth {
        let mut next = Vec::new();
        for &ix in &frontier {
            for other in graph.neighbours(ix) {
                if let std::collections::btree_map::Entry::Vacant(slot) = seen.entry(other) {
                    slot.insert(d);
                    next.push(other);
                }
            }
        }
        frontier = next;
    }
    let mut table =
        ResultTable::new(["from", "edge", "to", "detail", "sources"]).with_title(format!(
            "neighbourhood of {} (depth {depth}): {} nodes",
            graph.node(center).name,
            seen.len()
        ));
    let mut rows: Vec<(String, String, String, Vec<Cell>)> = Vec::new();
    let mut drawn = Vec::new();
    for e in graph.edge_indices() {
        let (a, b) = graph.edge_endpoints(e);
        if !(seen.contains_key(&a) && seen.contains_key(&b)) {
            continue;
        }
        drawn.push(e);
        let edge = graph.edge(e);
        let detail = match (edge.importance, edge.effort_hours) {
            (Some(i), _) => format!("importance {i}"),
            (_, Some(h)) => format!("{} h", skillgraph_graph::format_number(h)),
            _ => String::new(),
        };
        let (na, nb) = (&graph.node(a).name, &graph.node(b).name);
        rows.push((
            edge.kind.as_str().to_string(),
            na.to_lowercase(),
            nb.to_lowercase(),
            vec![
                Cell::text(na),
                Cell::text(edge.kind.as_str()),
                Cell::text(nb),
                if detail.is_empty() {
                    Cell::Null
                } else {
                    Cell::text(detail)
                },
                Cell::List(source_keys(graph, &edge.sources)),
            ],
        ));
    }
    rows.sort_by(|x, y| (&x.0, &x.1, &x.2).cmp(&(&y.0, &y.1, &y.2)));
    table.rows = rows.into_iter().map(|r| r.3).collect();
    table.picture = Some(super::pictures::subgraph(
        graph,
        center,
        seen.keys().copied(),
        drawn,
    ));
    table
}
