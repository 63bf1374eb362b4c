//! Cypher statements for Neo4j, Memgraph and FalkorDB.

use std::io::{self, Write};

use skillgraph_graph::{EdgeKind, Graph, NodeKind};

use super::{
    attributions, edge_rows, edges_of, label, node_rows, nodes_of, rel_type, Columns, Prop,
};

/// A Cypher string literal as Neo4j, Memgraph and FalkorDB all read it: single quotes, `\\`
/// and `\'`, and `\n`, `\r`, `\t` so that a statement stays on one line. Every other character
/// is written as itself, control characters included: FalkorDB reads no `\uXXXX` escape (it
/// keeps the six characters) and takes a raw control character inside quotes, which the
/// openCypher grammar Neo4j and Memgraph follow admits (anything but a quote or a backslash). NUL
/// is the exception, as `\u0000`: FalkorDB ends the query at a raw one, so no literal gives it
/// a NUL.
pub fn cypher_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\u0000"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A property key, in backticks unless it is a plain identifier.
fn cypher_key(key: &str) -> String {
    let plain = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        key.to_string()
    } else {
        format!("`{}`", key.replace('`', "``"))
    }
}

/// A float literal that stays a float (`40.0`, not `40`).
fn cypher_float(f: f64) -> String {
    if !f.is_finite() {
        "null".to_string()
    } else if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.1}")
    } else {
        format!("{f:?}")
    }
}

fn cypher_value(prop: &Prop) -> String {
    match prop {
        Prop::Text(s) => cypher_string(s),
        Prop::Int(i) => i.to_string(),
        Prop::Float(f) => cypher_float(*f),
        Prop::Bool(b) => b.to_string(),
        Prop::TextList(items) => {
            let list: Vec<String> = items.iter().map(|s| cypher_string(s)).collect();
            format!("[{}]", list.join(", "))
        }
    }
}

fn cypher_map<'a>(props: impl IntoIterator<Item = (&'a String, &'a Prop)>) -> String {
    let parts: Vec<String> = props
        .into_iter()
        .map(|(k, v)| format!("{}: {}", cypher_key(k), cypher_value(v)))
        .collect();
    format!("{{{}}}", parts.join(", "))
}

/// The graph as Cypher that Neo4j (`cypher-shell -f`), Memgraph (`mgconsole <`) and FalkorDB
/// (a query a line) all run: one `MERGE` per node (on `id`) and per relationship (on its
/// endpoints, type and sources), each on one line, so running it twice changes nothing.
pub fn write_cypher<W: Write + ?Sized>(graph: &Graph, out: &mut W) -> io::Result<()> {
    writeln!(
        out,
        "// skillgraph export for Neo4j, Memgraph and FalkorDB: {} nodes, {} relationships.",
        graph.node_count(),
        graph.edge_count()
    )?;
    out.write_all(
        b"// Neo4j: cypher-shell -f graph.cypher    Memgraph: mgconsole < graph.cypher\n\
         // FalkorDB: one statement a query, each line below (README: Moving to a graph database).\n\
         // Nodes merge on `id`, relationships on their ends, type and `sources`: re-running\n\
         // changes nothing. For a large graph, index the ids first:\n\
         //   Neo4j 5:  CREATE CONSTRAINT role_id IF NOT EXISTS FOR (n:Role) REQUIRE n.id IS UNIQUE;\n\
         //   Memgraph: CREATE INDEX ON :Role(id);\n\
         //   FalkorDB: CREATE INDEX FOR (n:Role) ON (n.id);\n\
         // (likewise Skill and Tool). The `sources` properties name these sources:\n",
    )?;
    for line in attributions(graph) {
        writeln!(out, "//   {}", line.replace(['\n', '\r'], " "))?;
    }
    for kind in NodeKind::ALL {
        let nodes = nodes_of(graph, kind);
        let columns = Columns::of(node_rows(graph, &nodes));
        for row in node_rows(graph, &nodes) {
            let row = columns.row(row);
            let id = row.get("id").map(cypher_value).unwrap_or_default();
            let rest = cypher_map(
                columns
                    .ordered(&row)
                    .into_iter()
                    .filter(|(k, _)| k.as_str() != "id"),
            );
            writeln!(
                out,
                "MERGE (n:{} {{id: {id}}}) SET n += {rest};",
                label(kind)
            )?;
        }
    }
    for kind in EdgeKind::ALL {
        let edges = edges_of(graph, kind);
        let columns = Columns::of(edge_rows(graph, &edges));
        let (from_kind, to_kind) = kind.endpoints();
        for (&e, row) in edges.iter().zip(edge_rows(graph, &edges)) {
            let row = columns.row(row);
            let (a, b) = graph.edge_endpoints(e);
            let key = cypher_map(row.iter().filter(|(k, _)| k.as_str() == "sources"));
            let rest: Vec<(&String, &Prop)> = columns
                .ordered(&row)
                .into_iter()
                .filter(|(k, _)| k.as_str() != "sources")
                .collect();
            write!(
                out,
                "MATCH (a:{} {{id: {}}}), (b:{} {{id: {}}}) MERGE (a)-[r:{} {key}]->(b)",
                label(from_kind),
                cypher_string(graph.id_of(a)),
                label(to_kind),
                cypher_string(graph.id_of(b)),
                rel_type(kind)
            )?;
            if !rest.is_empty() {
                write!(out, " SET r += {}", cypher_map(rest))?;
            }
            out.write_all(b";\n")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Graph {
        crate::curated_graph().expect("curated graph loads")
    }

    #[test]
    fn cypher_strings_escape_quotes_backslashes_and_newlines() {
        assert_eq!(cypher_string("it's"), r"'it\'s'");
        assert_eq!(cypher_string(r"C:\tmp"), r"'C:\\tmp'");
        assert_eq!(cypher_string("a\nb"), r"'a\nb'");
        // FalkorDB reads no `\uXXXX`: other control characters go in as themselves.
        assert_eq!(cypher_string("a\u{7}b\r\t"), "'a\u{7}b\\r\\t'");
        assert_eq!(cypher_string("nul\0"), r"'nul\u0000'");
        assert_eq!(cypher_key("salary_avg"), "salary_avg");
        assert_eq!(cypher_key("a.b"), "`a.b`");
        assert_eq!(cypher_float(40.0), "40.0");
    }

    #[test]
    fn cypher_has_one_statement_per_node_and_edge() {
        let graph = small();
        let text = crate::export::in_memory(|out| write_cypher(&graph, out)).unwrap();
        let statements = text.lines().filter(|l| !l.starts_with("//")).count();
        assert_eq!(statements, graph.node_count() + graph.edge_count());
        assert!(text.contains("MERGE (n:Role {id: 'sre'}) SET n += {name: "));
        assert!(text.contains("-[r:REQUIRES {sources: ["));
        assert!(text.contains("salary_avg: "));
    }
}
