//! GraphML for Gephi, yEd and networkx.

use std::io::{self, Write};

use skillgraph_graph::{EdgeIndex, EdgeKind, Graph, NodeIndex, NodeKind};

use super::{attributions, edge_rows, edges_of, node_rows, nodes_of, Columns, Prop, PropType};

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 admits tab, newline and carriage return among the control characters.
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn graphml_type(ty: PropType) -> &'static str {
    match ty {
        PropType::Text | PropType::TextList => "string",
        PropType::Int => "long",
        PropType::Float => "double",
        PropType::Bool => "boolean",
    }
}

fn graphml_value(prop: &Prop) -> String {
    match prop {
        Prop::Text(s) => s.clone(),
        Prop::Int(i) => i.to_string(),
        Prop::Float(f) => format!("{f:?}"),
        Prop::Bool(b) => b.to_string(),
        // GraphML has no list type: JSON text, which reads back with json.loads.
        Prop::TextList(items) => serde_json::to_string(items).unwrap_or_default(),
    }
}

/// A key id from an attribute name: letters, digits and `_` only.
fn key_id(prefix: &str, name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("{prefix}_{clean}")
}

/// The graph as GraphML with typed `<key>`s: node attributes `kind`, `label` (the name, which
/// Gephi and yEd show) and every property; edge attributes `kind` and every property. Lists
/// are JSON text. Parallel edges (the same fact from different sources) are kept.
pub fn write_graphml<W: Write + ?Sized>(graph: &Graph, out: &mut W) -> io::Result<()> {
    let nodes: Vec<NodeIndex> = NodeKind::ALL
        .into_iter()
        .flat_map(|kind| nodes_of(graph, kind))
        .collect();
    let edges: Vec<EdgeIndex> = EdgeKind::ALL
        .into_iter()
        .flat_map(|kind| edges_of(graph, kind))
        .collect();
    let node_columns = Columns::of(node_rows(graph, &nodes));
    let edge_columns = Columns::of(edge_rows(graph, &edges));
    out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")?;
    out.write_all(
        b"<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
         http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    )?;
    out.write_all(b"  <desc>skillgraph export. Sources:")?;
    for line in attributions(graph) {
        write!(out, "\n    {}", xml_escape(&line))?;
    }
    out.write_all(b"\n  </desc>\n")?;
    let node_keys: Vec<(String, PropType)> = [
        ("kind".to_string(), PropType::Text),
        ("label".to_string(), PropType::Text),
    ]
    .into_iter()
    .chain(node_columns.0.iter().filter(|(n, _)| n != "id").cloned())
    .collect();
    let edge_keys: Vec<(String, PropType)> = std::iter::once(("kind".to_string(), PropType::Text))
        .chain(edge_columns.0.iter().cloned())
        .collect();
    for (scope, prefix, keys) in [("node", "n", &node_keys), ("edge", "e", &edge_keys)] {
        for (name, ty) in keys {
            writeln!(
                out,
                "  <key id=\"{}\" for=\"{scope}\" attr.name=\"{}\" attr.type=\"{}\"/>",
                key_id(prefix, name),
                xml_escape(name),
                graphml_type(*ty)
            )?;
        }
    }
    out.write_all(b"  <graph id=\"skillgraph\" edgedefault=\"directed\">\n")?;
    for (&ix, row) in nodes.iter().zip(node_rows(graph, &nodes)) {
        let row = node_columns.row(row);
        let node = graph.node_afresh(ix);
        writeln!(out, "    <node id=\"{}\">", xml_escape(&node.id))?;
        let mut data = vec![
            ("kind".to_string(), node.kind.as_str().to_string()),
            ("label".to_string(), node.name.clone()),
        ];
        data.extend(
            node_columns
                .0
                .iter()
                .filter(|(n, _)| n != "id")
                .filter_map(|(n, _)| row.get(n).map(|p| (n.clone(), graphml_value(p)))),
        );
        for (name, value) in data {
            writeln!(
                out,
                "      <data key=\"{}\">{}</data>",
                key_id("n", &name),
                xml_escape(&value)
            )?;
        }
        out.write_all(b"    </node>\n")?;
    }
    for (i, (&e, row)) in edges.iter().zip(edge_rows(graph, &edges)).enumerate() {
        let row = edge_columns.row(row);
        let (a, b) = graph.edge_endpoints(e);
        writeln!(
            out,
            "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\">",
            xml_escape(graph.id_of(a)),
            xml_escape(graph.id_of(b))
        )?;
        writeln!(
            out,
            "      <data key=\"e_kind\">{}</data>",
            graph
                .edge_kind_of(e)
                .expect("an edge of the graph")
                .as_str()
        )?;
        for (name, _) in &edge_columns.0 {
            if let Some(p) = row.get(name) {
                writeln!(
                    out,
                    "      <data key=\"{}\">{}</data>",
                    key_id("e", name),
                    xml_escape(&graphml_value(p))
                )?;
            }
        }
        out.write_all(b"    </edge>\n")?;
    }
    out.write_all(b"  </graph>\n</graphml>\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Graph {
        crate::curated_graph().expect("curated graph loads")
    }

    #[test]
    fn graphml_keys_are_typed_and_every_edge_is_kept() {
        let graph = small();
        let text = crate::export::in_memory(|out| write_graphml(&graph, out)).unwrap();
        assert!(text.contains(
            "<key id=\"e_importance\" for=\"edge\" attr.name=\"importance\" attr.type=\"long\"/>"
        ));
        assert!(text
            .contains("<key id=\"n_effort_hours\" for=\"node\" attr.name=\"effort_hours\" attr.type=\"double\"/>"));
        assert_eq!(text.matches("<edge id=").count(), graph.edge_count());
        assert_eq!(text.matches("<node id=").count(), graph.node_count());
    }
}
