//! Answers about the whole graph rather than a statement: its counts (`stats`) and its
//! sources with their attribution (`sources`), for the commands and dot commands that show
//! them.

use skillgraph_graph::{EdgeKind, Graph, NodeKind};

use crate::result::{Cell, ResultTable};

/// `skillgraph stats` and `.stats`: counts of nodes per kind, edges per kind, and sources.
pub fn stats(graph: &Graph) -> ResultTable {
    let mut table = ResultTable::new(["what", "count"]);
    for kind in NodeKind::ALL {
        let n = graph.nodes_of_kind(kind).len();
        table.push(vec![Cell::text(format!("{kind}s")), Cell::Number(n as f64)]);
    }
    for kind in EdgeKind::ALL {
        let n = graph.count_edges(kind);
        table.push(vec![
            Cell::text(format!("{kind} edges")),
            Cell::Number(n as f64),
        ]);
    }
    table.push(vec![
        Cell::text("sources"),
        Cell::Number(graph.sources().len() as f64),
    ]);
    // Per source: what it contributes, and whether routes can use it.
    let n = graph.sources().len();
    let (mut nodes, mut edges, mut roles, mut moves) =
        (vec![0; n], vec![0; n], vec![0; n], vec![0; n]);
    // A source id out of range is damage `check` reports; stats just skips it.
    // Read in place: building every node and edge to count them held them all (230 MB on
    // O*NET + ESCO).
    for ix in graph.node_indices() {
        let is_role = graph.kind_of(ix) == Some(NodeKind::Role);
        for i in graph
            .sources_of(ix)
            .iter()
            .map(|s| s.0 as usize)
            .filter(|&i| i < n)
        {
            nodes[i] += 1;
            if is_role {
                roles[i] += 1;
            }
        }
    }
    for e in graph.edge_indices() {
        let is_move = graph.edge_kind_of(e) == Some(EdgeKind::Transition);
        for i in graph
            .edge_sources_of(e)
            .iter()
            .map(|s| s.0 as usize)
            .filter(|&i| i < n)
        {
            edges[i] += 1;
            if is_move {
                moves[i] += 1;
            }
        }
    }
    for (i, source) in graph.sources().iter().enumerate() {
        let what = format!("from {}: nodes / edges", source.key);
        let counts = format!("{} / {}", nodes[i], edges[i]);
        table.push(vec![Cell::text(what), Cell::text(counts)]);
        if roles[i] > 0 && moves[i] == 0 {
            table.note(format!(
                "{} states {} roles but no career transitions: `path` cannot route between them",
                source.key, roles[i]
            ));
        }
    }
    table
}

/// `.sources`: every source with its attribution (the O*NET and ESCO licences require it wherever data shows).
pub fn sources(graph: &Graph) -> ResultTable {
    let mut table = ResultTable::new(["key", "title", "publisher", "date", "url", "licence"]);
    let opt = |s: &Option<String>| s.as_deref().map_or(Cell::Null, Cell::text);
    for s in graph.sources() {
        table.push(vec![
            Cell::text(&s.key),
            Cell::text(&s.title),
            opt(&s.publisher),
            opt(&s.date),
            opt(&s.url),
            opt(&s.licence),
        ]);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_count_each_kind_and_what_each_source_states() {
        let graph = skillgraph_import::curated_graph().expect("the built-in graph");
        let table = stats(&graph);
        let count = |what: &str| {
            let row = table.rows.iter().find(|r| r[0] == Cell::text(what));
            row.map(|r| r[1].display(""))
        };
        assert_eq!(
            count("roles"),
            Some(graph.nodes_of_kind(NodeKind::Role).len().to_string())
        );
        assert_eq!(
            count("requires edges"),
            Some(graph.count_edges(EdgeKind::Requires).to_string())
        );
        for source in graph.sources() {
            let counts = count(&format!("from {}: nodes / edges", source.key));
            assert!(counts.is_some_and(|c| c.contains(" / ")), "{}", source.key);
        }
        assert_eq!(sources(&graph).rows.len(), graph.sources().len());
    }
}
