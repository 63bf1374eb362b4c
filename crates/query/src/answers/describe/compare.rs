//! `compare A, B`: two roles side by side.

use super::*;

/// `compare A, B`: skills and tools side by side, the overlap, and the role fields.
pub fn compare(graph: &Graph, left: NodeIndex, right: NodeIndex) -> ResultTable {
    let (l, r) = (graph.node(left), graph.node(right));
    let mut table = ResultTable::new([
        "aspect",
        l.name.as_str(),
        r.name.as_str(),
        "shared",
        "sources",
    ])
    .with_title(format!("compare {} and {}", l.name, r.name));
    let edge_sources = |kind: EdgeKind| {
        let mut keys: Vec<String> = [left, right]
            .iter()
            .flat_map(|&n| graph.out_edges(n, kind).collect::<Vec<_>>())
            .flat_map(|(e, _)| source_keys(graph, &graph.edge(e).sources))
            .collect();
        keys.sort();
        keys.dedup();
        Cell::list(keys)
    };
    // Every name the lists show, so that equal names (O*NET's skill and knowledge
    // "Mathematics") are told apart wherever they meet in this answer.
    let shown: Vec<NodeIndex> = [EdgeKind::Requires, EdgeKind::Uses]
        .iter()
        .flat_map(|&kind| [left, right].map(|n| targets(graph, n, kind)))
        .flatten()
        .collect();
    let labels = Labels::new(graph, shown);
    for (label, kind) in [("skills", EdgeKind::Requires), ("tools", EdgeKind::Uses)] {
        let (a, b) = (targets(graph, left, kind), targets(graph, right, kind));
        let shared: Vec<NodeIndex> = a.intersection(&b).copied().collect();
        let only_a: Vec<NodeIndex> = a.difference(&b).copied().collect();
        let only_b: Vec<NodeIndex> = b.difference(&a).copied().collect();
        let union = a.union(&b).count();
        table.push(vec![
            Cell::text(format!("{label} (only / shared)")),
            Cell::list(labels.of(graph, only_a)),
            Cell::list(labels.of(graph, only_b)),
            Cell::list(labels.of(graph, shared.iter().copied())),
            edge_sources(kind),
        ]);
        table.push(vec![
            Cell::text(format!("{label} (count)")),
            Cell::Number(a.len() as f64),
            Cell::Number(b.len() as f64),
            Cell::Number(shared.len() as f64),
            Cell::Null,
        ]);
        // A share of nothing is no figure: with one side empty the data says nothing of it,
        // which is not the same as the two roles having nothing in common.
        let overlap = if a.is_empty() || b.is_empty() {
            Cell::Null
        } else {
            Cell::Number((shared.len() as f64 * 1000.0 / union as f64).round() / 10.0)
        };
        table.push(vec![
            Cell::text(format!("{label} overlap % (shared ÷ either)")),
            Cell::Null,
            Cell::Null,
            overlap,
            Cell::Null,
        ]);
        for (side, set) in [(l, &a), (r, &b)] {
            if set.is_empty() {
                table.note(format!(
                    "{} lists no {label} in the data, so the {label} overlap is not computed",
                    side.name
                ));
            }
        }
    }
    let mut fields: Vec<String> = Vec::new();
    for node in [l, r] {
        // Per-city and per-platform tables do not line up side by side; `show` has them.
        let side_by_side = node
            .fields
            .iter()
            .filter(|(name, _)| name.as_str() != FIELD_SOURCES)
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
    let (sources_l, sources_r) = (field_sources(graph, l), field_sources(graph, r));
    for f in fields {
        let (a, b) = (leaf(l, &f), leaf(r, &f));
        let shared = if a == b { a.clone() } else { Cell::Null };
        let top = f.split(['.', '[']).next().unwrap_or(&f);
        let mut keys: Vec<String> = [&sources_l, &sources_r]
            .iter()
            .flat_map(|m| m.get(top).cloned().unwrap_or_default())
            .collect();
        keys.sort();
        keys.dedup();
        table.push(vec![Cell::text(f), a, b, shared, Cell::list(keys)]);
    }
    table.picture = Some(crate::answers::pictures::compare(graph, left, right));
    table
}
