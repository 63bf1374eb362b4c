//! Writers for other graph tools, for when one machine or one user is no longer enough:
//! Cypher statements for Neo4j, Memgraph and FalkorDB ([`to_cypher`]), GraphML for Gephi, yEd
//! and networkx ([`to_graphml`]), and CSV directories for the bulk loaders of Kùzu and its fork
//! LadybugDB (`COPY FROM`, [`to_kuzu_files`]) and Neo4j (`neo4j-admin database import`,
//! [`to_neo4j_csv_files`]).
//!
//! All of them say the same thing: nodes labelled `Role`, `Skill`, `Tool` keyed by `id`;
//! relationships `REQUIRES`, `USES`, `COVERS`, `PREREQUISITE`, `TRANSITION`; every property.
//! Records are flattened with `_` (`salary.avg` becomes `salary_avg`), lists of text stay
//! lists, lists of records become JSON text. A property whose type differs between nodes (or
//! edges) of one kind is written as text throughout, so every column has one type.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use skillgraph_graph::{EdgeIndex, EdgeKind, Graph, NodeIndex, NodeKind, Value};

/// One property value as the target tools type it.
#[derive(Debug, Clone, PartialEq)]
pub enum Prop {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    TextList(Vec<String>),
}

/// The type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropType {
    Text,
    Int,
    Float,
    Bool,
    TextList,
}

impl Prop {
    pub fn prop_type(&self) -> PropType {
        match self {
            Prop::Text(_) => PropType::Text,
            Prop::Int(_) => PropType::Int,
            Prop::Float(_) => PropType::Float,
            Prop::Bool(_) => PropType::Bool,
            Prop::TextList(_) => PropType::TextList,
        }
    }

    /// The value as text, for a column that had to fall back to text.
    fn into_text(self) -> Prop {
        match self {
            Prop::Text(s) => Prop::Text(s),
            Prop::Int(i) => Prop::Text(i.to_string()),
            Prop::Float(f) => Prop::Text(skillgraph_graph::format_number(f)),
            Prop::Bool(b) => Prop::Text(b.to_string()),
            Prop::TextList(items) => Prop::Text(serde_json::to_string(&items).unwrap_or_default()),
        }
    }
}

/// The label of a node kind in the target databases.
pub fn label(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Role => "Role",
        NodeKind::Skill => "Skill",
        NodeKind::Tool => "Tool",
    }
}

/// The relationship type of an edge kind in the target databases.
pub fn rel_type(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Requires => "REQUIRES",
        EdgeKind::Uses => "USES",
        EdgeKind::Covers => "COVERS",
        EdgeKind::Prerequisite => "PREREQUISITE",
        EdgeKind::Transition => "TRANSITION",
    }
}

fn value_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Text(s) => serde_json::Value::String(s.clone()),
        Value::Number(n) => serde_json::Number::from_f64(*n)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::List(items) => serde_json::Value::Array(items.iter().map(value_json).collect()),
        Value::Record(r) => {
            serde_json::Value::Object(r.iter().map(|(k, v)| (k.clone(), value_json(v))).collect())
        }
    }
}

/// A field as properties: records flattened with `_`, lists of text kept, other lists as JSON.
fn flatten(name: &str, value: &Value, out: &mut Vec<(String, Prop)>) {
    match value {
        Value::Text(s) => out.push((name.to_string(), Prop::Text(s.clone()))),
        Value::Number(n) => out.push((name.to_string(), Prop::Float(*n))),
        Value::Bool(b) => out.push((name.to_string(), Prop::Bool(*b))),
        Value::Record(r) => {
            for (k, v) in r {
                flatten(&format!("{name}_{k}"), v, out);
            }
        }
        Value::List(items) if items.iter().all(|v| matches!(v, Value::Text(_))) => {
            let list = items.iter().map(|v| v.to_string()).collect();
            out.push((name.to_string(), Prop::TextList(list)));
        }
        Value::List(_) => out.push((name.to_string(), Prop::Text(value_json(value).to_string()))),
    }
}

fn source_list(graph: &Graph, ids: &[skillgraph_graph::SourceId]) -> Prop {
    Prop::TextList(
        graph
            .source_keys(ids)
            .into_iter()
            .map(String::from)
            .collect(),
    )
}

/// Every property of a node, `id` first. Absent values are left out.
pub fn node_properties(graph: &Graph, ix: NodeIndex) -> Vec<(String, Prop)> {
    let n = graph.node(ix);
    let mut props = vec![
        ("id".to_string(), Prop::Text(n.id.clone())),
        ("name".to_string(), Prop::Text(n.name.clone())),
    ];
    if !n.aliases.is_empty() {
        props.push(("aliases".into(), Prop::TextList(n.aliases.clone())));
    }
    if let Some(c) = &n.category {
        props.push(("category".into(), Prop::Text(c.clone())));
    }
    if let Some(h) = n.effort_hours {
        props.push(("effort_hours".into(), Prop::Float(h)));
    }
    props.push(("sources".into(), source_list(graph, &n.sources)));
    for (name, value) in &n.fields {
        flatten(name, value, &mut props);
    }
    props
}

/// Every property of an edge. Absent values are left out.
pub fn edge_properties(graph: &Graph, e: EdgeIndex) -> Vec<(String, Prop)> {
    let edge = graph.edge(e);
    let mut props = Vec::new();
    if let Some(i) = edge.importance {
        props.push(("importance".to_string(), Prop::Int(i64::from(i))));
    }
    if let Some(h) = edge.effort_hours {
        props.push(("effort_hours".to_string(), Prop::Float(h)));
    }
    if !edge.move_skills().is_empty() {
        props.push((
            "skills".to_string(),
            Prop::TextList(edge.move_skills().to_vec()),
        ));
    }
    if let Some(note) = edge.note() {
        props.push(("note".to_string(), Prop::Text(note.to_string())));
    }
    props.push(("sources".to_string(), source_list(graph, &edge.sources)));
    if let Some(extra) = &edge.extra {
        for (name, value) in &extra.fields {
            flatten(name, value, &mut props);
        }
    }
    props
}

/// Columns that lead, in this order; the rest follow by name.
const LEADING: [&str; 9] = [
    "id",
    "name",
    "aliases",
    "category",
    "importance",
    "effort_hours",
    "skills",
    "note",
    "sources",
];

/// Rows of properties with one type per column: the columns (see [`LEADING`]), each with the
/// type all rows agree on, or text (and the values turned into text) where they do not.
struct Table {
    columns: Vec<(String, PropType)>,
    rows: Vec<BTreeMap<String, Prop>>,
}

impl Table {
    fn new(rows: Vec<Vec<(String, Prop)>>) -> Table {
        let mut columns: Vec<(String, PropType)> = Vec::new();
        for row in &rows {
            for (name, prop) in row {
                match columns.iter_mut().find(|(n, _)| n == name) {
                    Some((_, ty)) if *ty != prop.prop_type() => *ty = PropType::Text,
                    Some(_) => {}
                    None => columns.push((name.clone(), prop.prop_type())),
                }
            }
        }
        let rank = |name: &str| {
            LEADING
                .iter()
                .position(|l| *l == name)
                .unwrap_or(LEADING.len())
        };
        columns.sort_by(|a, b| (rank(&a.0), &a.0).cmp(&(rank(&b.0), &b.0)));
        let rows = rows
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .map(|(name, prop)| {
                        let text = columns
                            .iter()
                            .any(|(n, ty)| *n == name && *ty == PropType::Text);
                        let prop = if text { prop.into_text() } else { prop };
                        (name, prop)
                    })
                    .collect()
            })
            .collect();
        Table { columns, rows }
    }

    /// A row's properties in column order.
    fn ordered<'a>(&'a self, row: &'a BTreeMap<String, Prop>) -> Vec<(&'a String, &'a Prop)> {
        self.columns
            .iter()
            .filter_map(|(name, _)| row.get_key_value(name.as_str()))
            .collect()
    }

    /// Turns the list columns some element of which `fits` refuses into text columns (JSON).
    fn lists_as_text_unless(&mut self, fits: impl Fn(&str) -> bool) {
        for (name, ty) in &mut self.columns {
            let refused = self.rows.iter().any(|row| match row.get(name.as_str()) {
                Some(Prop::TextList(items)) => !items.iter().all(|s| fits(s)),
                _ => false,
            });
            if *ty == PropType::TextList && refused {
                *ty = PropType::Text;
                for row in &mut self.rows {
                    if let Some(p) = row.remove(name.as_str()) {
                        row.insert(name.clone(), p.into_text());
                    }
                }
            }
        }
    }
}

/// Nodes of a kind, by id.
fn nodes_of(graph: &Graph, kind: NodeKind) -> Vec<NodeIndex> {
    let mut list: Vec<NodeIndex> = graph
        .node_indices()
        .filter(|&ix| graph.node(ix).kind == kind)
        .collect();
    list.sort_by(|&a, &b| graph.node(a).id.cmp(&graph.node(b).id));
    list
}

/// Edges of a kind, by (from id, to id, sources): the same order as the TOML export.
fn edges_of(graph: &Graph, kind: EdgeKind) -> Vec<EdgeIndex> {
    let mut list: Vec<EdgeIndex> = graph
        .edge_indices()
        .filter(|&e| graph.edge(e).kind == kind)
        .collect();
    list.sort_by_key(|&e| {
        let (a, b) = graph.edge_endpoints(e);
        (
            graph.node(a).id.clone(),
            graph.node(b).id.clone(),
            graph.edge(e).sources.clone(),
        )
    });
    list
}

fn node_table(graph: &Graph, nodes: &[NodeIndex]) -> Table {
    Table::new(nodes.iter().map(|&ix| node_properties(graph, ix)).collect())
}

fn edge_table(graph: &Graph, edges: &[EdgeIndex]) -> Table {
    Table::new(edges.iter().map(|&e| edge_properties(graph, e)).collect())
}

/// One line per source: key, title, publisher, date, URL, licence. O*NET and ESCO require the
/// attribution wherever their data goes.
fn attributions(graph: &Graph) -> Vec<String> {
    graph
        .sources()
        .iter()
        .map(|s| {
            let mut line = format!("{}: {}", s.key, s.title);
            for part in [&s.author, &s.publisher, &s.date].into_iter().flatten() {
                let _ = write!(line, ", {part}");
            }
            if let Some(u) = &s.url {
                let _ = write!(line, " <{u}>");
            }
            if let Some(l) = &s.licence {
                let _ = write!(line, " [{l}]");
            }
            line
        })
        .collect()
}

// ---- Cypher ------------------------------------------------------------------------------------

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
pub fn to_cypher(graph: &Graph) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// skillgraph export for Neo4j, Memgraph and FalkorDB: {} nodes, {} relationships.",
        graph.node_count(),
        graph.edge_count()
    );
    out.push_str(
        "// Neo4j: cypher-shell -f graph.cypher    Memgraph: mgconsole < graph.cypher\n\
         // FalkorDB: one statement a query, each line below (README: Moving to a graph database).\n\
         // Nodes merge on `id`, relationships on their ends, type and `sources`: re-running\n\
         // changes nothing. For a large graph, index the ids first:\n\
         //   Neo4j 5:  CREATE CONSTRAINT role_id IF NOT EXISTS FOR (n:Role) REQUIRE n.id IS UNIQUE;\n\
         //   Memgraph: CREATE INDEX ON :Role(id);\n\
         //   FalkorDB: CREATE INDEX FOR (n:Role) ON (n.id);\n\
         // (likewise Skill and Tool). The `sources` properties name these sources:\n",
    );
    for line in attributions(graph) {
        let _ = writeln!(out, "//   {}", line.replace(['\n', '\r'], " "));
    }
    for kind in NodeKind::ALL {
        let nodes = nodes_of(graph, kind);
        let table = node_table(graph, &nodes);
        for row in &table.rows {
            let id = row.get("id").map(cypher_value).unwrap_or_default();
            let rest = cypher_map(
                table
                    .ordered(row)
                    .into_iter()
                    .filter(|(k, _)| k.as_str() != "id"),
            );
            let _ = writeln!(
                out,
                "MERGE (n:{} {{id: {id}}}) SET n += {rest};",
                label(kind)
            );
        }
    }
    for kind in EdgeKind::ALL {
        let edges = edges_of(graph, kind);
        let table = edge_table(graph, &edges);
        let (from_kind, to_kind) = kind.endpoints();
        for (&e, row) in edges.iter().zip(&table.rows) {
            let (a, b) = graph.edge_endpoints(e);
            let key = cypher_map(row.iter().filter(|(k, _)| k.as_str() == "sources"));
            let rest: Vec<(&String, &Prop)> = table
                .ordered(row)
                .into_iter()
                .filter(|(k, _)| k.as_str() != "sources")
                .collect();
            let _ = write!(
                out,
                "MATCH (a:{} {{id: {}}}), (b:{} {{id: {}}}) MERGE (a)-[r:{} {key}]->(b)",
                label(from_kind),
                cypher_string(&graph.node(a).id),
                label(to_kind),
                cypher_string(&graph.node(b).id),
                rel_type(kind)
            );
            if !rest.is_empty() {
                let _ = write!(out, " SET r += {}", cypher_map(rest));
            }
            out.push_str(";\n");
        }
    }
    out
}

// ---- GraphML -----------------------------------------------------------------------------------

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
pub fn to_graphml(graph: &Graph) -> String {
    let mut nodes: Vec<NodeIndex> = Vec::new();
    for kind in NodeKind::ALL {
        nodes.extend(nodes_of(graph, kind));
    }
    let mut edges: Vec<EdgeIndex> = Vec::new();
    for kind in EdgeKind::ALL {
        edges.extend(edges_of(graph, kind));
    }
    let node_rows = node_table(graph, &nodes);
    let edge_rows = edge_table(graph, &edges);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
         http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    );
    out.push_str("  <desc>skillgraph export. Sources:");
    for line in attributions(graph) {
        let _ = write!(out, "\n    {}", xml_escape(&line));
    }
    out.push_str("\n  </desc>\n");
    let node_keys: Vec<(String, PropType)> = [
        ("kind".to_string(), PropType::Text),
        ("label".to_string(), PropType::Text),
    ]
    .into_iter()
    .chain(node_rows.columns.iter().filter(|(n, _)| n != "id").cloned())
    .collect();
    let edge_keys: Vec<(String, PropType)> = std::iter::once(("kind".to_string(), PropType::Text))
        .chain(edge_rows.columns.iter().cloned())
        .collect();
    for (scope, prefix, keys) in [("node", "n", &node_keys), ("edge", "e", &edge_keys)] {
        for (name, ty) in keys {
            let _ = writeln!(
                out,
                "  <key id=\"{}\" for=\"{scope}\" attr.name=\"{}\" attr.type=\"{}\"/>",
                key_id(prefix, name),
                xml_escape(name),
                graphml_type(*ty)
            );
        }
    }
    out.push_str("  <graph id=\"skillgraph\" edgedefault=\"directed\">\n");
    for (&ix, row) in nodes.iter().zip(&node_rows.rows) {
        let node = graph.node(ix);
        let _ = writeln!(out, "    <node id=\"{}\">", xml_escape(&node.id));
        let mut data = vec![
            ("kind".to_string(), node.kind.as_str().to_string()),
            ("label".to_string(), node.name.clone()),
        ];
        data.extend(
            node_rows
                .columns
                .iter()
                .filter(|(n, _)| n != "id")
                .filter_map(|(n, _)| row.get(n).map(|p| (n.clone(), graphml_value(p)))),
        );
        for (name, value) in data {
            let _ = writeln!(
                out,
                "      <data key=\"{}\">{}</data>",
                key_id("n", &name),
                xml_escape(&value)
            );
        }
        out.push_str("    </node>\n");
    }
    for (i, (&e, row)) in edges.iter().zip(&edge_rows.rows).enumerate() {
        let (a, b) = graph.edge_endpoints(e);
        let _ = writeln!(
            out,
            "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\">",
            xml_escape(&graph.node(a).id),
            xml_escape(&graph.node(b).id)
        );
        let _ = writeln!(
            out,
            "      <data key=\"e_kind\">{}</data>",
            graph.edge(e).kind.as_str()
        );
        for (name, _) in &edge_rows.columns {
            if let Some(p) = row.get(name) {
                let _ = writeln!(
                    out,
                    "      <data key=\"{}\">{}</data>",
                    key_id("e", name),
                    xml_escape(&graphml_value(p))
                );
            }
        }
        out.push_str("    </edge>\n");
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}

// ---- CSV for bulk loaders ----------------------------------------------------------------------

fn write_csv(header: &[String], rows: &[Vec<String>]) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(|e| e.to_string())?;
    for row in rows {
        w.write_record(row).map_err(|e| e.to_string())?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

fn sources_csv(graph: &Graph) -> Result<String, String> {
    let header: Vec<String> = [
        "key",
        "title",
        "author",
        "publisher",
        "date",
        "url",
        "licence",
    ]
    .map(String::from)
    .to_vec();
    let rows: Vec<Vec<String>> = graph
        .sources()
        .iter()
        .map(|s| {
            let opt = |v: &Option<String>| v.clone().unwrap_or_default();
            vec![
                s.key.clone(),
                s.title.clone(),
                opt(&s.author),
                opt(&s.publisher),
                opt(&s.date),
                opt(&s.url),
                opt(&s.licence),
            ]
        })
        .collect();
    write_csv(&header, &rows)
}

fn csv_scalar(prop: &Prop) -> String {
    match prop {
        Prop::Text(s) => s.clone(),
        Prop::Int(i) => i.to_string(),
        Prop::Float(f) => format!("{f:?}"),
        Prop::Bool(b) => b.to_string(),
        Prop::TextList(items) => items.join(";"),
    }
}

/// A list for Kùzu's CSV reader: `[a,b]`. Its reader splits at commas and keeps quotes as part
/// of an element, so a list column with an element [`kuzu_list_safe`] refuses is written as
/// JSON text instead.
fn kuzu_list(items: &[String]) -> String {
    format!("[{}]", items.join(","))
}

fn kuzu_list_safe(item: &str) -> bool {
    !item.is_empty()
        && item.trim() == item
        && !item.contains([',', '"', '\'', '[', ']', '{', '}', '\\', '\n', '\r'])
}

fn kuzu_type(ty: PropType) -> &'static str {
    match ty {
        PropType::Text => "STRING",
        PropType::Int => "INT64",
        PropType::Float => "DOUBLE",
        PropType::Bool => "BOOLEAN",
        PropType::TextList => "STRING[]",
    }
}

fn kuzu_cell(prop: Option<&Prop>) -> String {
    match prop {
        None => String::new(),
        Some(Prop::TextList(items)) => kuzu_list(items),
        Some(p) => csv_scalar(p),
    }
}

/// The name of an edge kind's file in the bulk layouts: `requires.csv`.
fn edge_file(kind: EdgeKind) -> String {
    format!("{}.csv", kind.as_str())
}

fn node_file(kind: NodeKind) -> String {
    format!("{}.csv", kind.as_str())
}

/// The options of a `COPY … FROM` of `csv`: Kùzu's parallel CSV reader refuses a quoted cell
/// that holds a line break, so a file with one is read by the serial reader.
fn kuzu_copy_options(csv: &str) -> &'static str {
    let quoted_line_break = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .flatten()
        .any(|record| record.iter().any(|cell| cell.contains(['\n', '\r'])));
    if quoted_line_break {
        "(HEADER=true, PARALLEL=FALSE)"
    } else {
        "(HEADER=true)"
    }
}

/// A directory for Kùzu and LadybugDB: one CSV per node table (`role.csv`, …) and per
/// relationship table (`requires.csv`, …), `load.cypher` that drops the eight tables if they
/// exist, creates them and copies the files in (run it from inside the directory: the paths are
/// relative), and `sources.csv` for attribution.
///
/// Dropping first is what makes a second run safe: `COPY` refuses ids a table already holds,
/// and would add every relationship again, so `CREATE … IF NOT EXISTS` alone would still fail.
/// A run leaves the tables holding exactly this export, whatever an earlier one left.
pub fn to_kuzu_files(graph: &Graph) -> Result<Vec<(String, String)>, String> {
    let mut files = Vec::new();
    let mut schema = String::from(
        "// skillgraph export for Kùzu and LadybugDB. Run every statement from inside this\n\
         // directory, e.g.\n\
         // python3 -c 'import kuzu; kuzu.Connection(kuzu.Database(\"../graph.kuzu\")).execute(open(\"load.cypher\").read())'\n\
         // (LadybugDB: `import ladybug` and `ladybug.` in place of `kuzu`). Re-running is safe: the\n\
         // tables are dropped and loaded again, so they hold this export and nothing else.\n",
    );
    // Relationship tables first: a node table cannot be dropped while one refers to it.
    for kind in EdgeKind::ALL {
        let _ = writeln!(schema, "DROP TABLE IF EXISTS {};", rel_type(kind));
    }
    for kind in NodeKind::ALL {
        let _ = writeln!(schema, "DROP TABLE IF EXISTS {};", label(kind));
    }
    let mut copies = String::new();
    for kind in NodeKind::ALL {
        let nodes = nodes_of(graph, kind);
        let mut table = node_table(graph, &nodes);
        table.lists_as_text_unless(kuzu_list_safe);
        if table.columns.is_empty() {
            table.columns = vec![
                ("id".to_string(), PropType::Text),
                ("name".to_string(), PropType::Text),
            ];
        }
        let columns: Vec<String> = table
            .columns
            .iter()
            .map(|(n, ty)| format!("`{n}` {}", kuzu_type(*ty)))
            .collect();
        let _ = writeln!(
            schema,
            "CREATE NODE TABLE {}({}, PRIMARY KEY (`id`));",
            label(kind),
            columns.join(", ")
        );
        let header: Vec<String> = table.columns.iter().map(|(n, _)| n.clone()).collect();
        let rows: Vec<Vec<String>> = table
            .rows
            .iter()
            .map(|row| header.iter().map(|n| kuzu_cell(row.get(n))).collect())
            .collect();
        let file = node_file(kind);
        let csv = write_csv(&header, &rows)?;
        let options = kuzu_copy_options(&csv);
        let _ = writeln!(copies, "COPY {} FROM '{file}' {options};", label(kind));
        files.push((file, csv));
    }
    for kind in EdgeKind::ALL {
        let edges = edges_of(graph, kind);
        let mut table = edge_table(graph, &edges);
        table.lists_as_text_unless(kuzu_list_safe);
        let (from_kind, to_kind) = kind.endpoints();
        let mut columns = vec![format!("FROM {} TO {}", label(from_kind), label(to_kind))];
        columns.extend(
            table
                .columns
                .iter()
                .map(|(n, ty)| format!("`{n}` {}", kuzu_type(*ty))),
        );
        let _ = writeln!(
            schema,
            "CREATE REL TABLE {}({}, MANY_MANY);",
            rel_type(kind),
            columns.join(", ")
        );
        let mut header = vec!["from".to_string(), "to".to_string()];
        header.extend(table.columns.iter().map(|(n, _)| n.clone()));
        let rows: Vec<Vec<String>> = edges
            .iter()
            .zip(&table.rows)
            .map(|(&e, row)| {
                let (a, b) = graph.edge_endpoints(e);
                let mut cells = vec![graph.node(a).id.clone(), graph.node(b).id.clone()];
                cells.extend(table.columns.iter().map(|(n, _)| kuzu_cell(row.get(n))));
                cells
            })
            .collect();
        let file = edge_file(kind);
        let csv = write_csv(&header, &rows)?;
        let options = kuzu_copy_options(&csv);
        let _ = writeln!(copies, "COPY {} FROM '{file}' {options};", rel_type(kind));
        files.push((file, csv));
    }
    files.push(("load.cypher".to_string(), schema + &copies));
    files.push(("sources.csv".to_string(), sources_csv(graph)?));
    Ok(files)
}

fn neo4j_type(ty: PropType) -> &'static str {
    match ty {
        PropType::Text => "",
        PropType::Int => ":long",
        PropType::Float => ":double",
        PropType::Bool => ":boolean",
        PropType::TextList => ":string[]",
    }
}

/// The array delimiter for neo4j-admin: `;` (its default) unless some list element holds one.
fn array_delimiter(graph: &Graph) -> char {
    let mut texts: Vec<String> = Vec::new();
    for ix in graph.node_indices() {
        for (_, p) in node_properties(graph, ix) {
            if let Prop::TextList(items) = p {
                texts.extend(items);
            }
        }
    }
    for e in graph.edge_indices() {
        for (_, p) in edge_properties(graph, e) {
            if let Prop::TextList(items) = p {
                texts.extend(items);
            }
        }
    }
    [';', '|', '¦', '\u{1f}']
        .into_iter()
        .find(|d| !texts.iter().any(|t| t.contains(*d)))
        .unwrap_or(';')
}

/// A directory for `neo4j-admin database import full` (Neo4j 5): `role.csv`, … with `id:ID`
/// and `:LABEL` columns, `requires.csv`, … with `:START_ID`, `:END_ID` and `:TYPE`, typed
/// headers (`importance:long`, `sources:string[]`), `import.sh` with the command, and
/// `sources.csv` for attribution.
pub fn to_neo4j_csv_files(graph: &Graph) -> Result<Vec<(String, String)>, String> {
    let delimiter = array_delimiter(graph);
    let cell = |prop: Option<&Prop>| match prop {
        None => String::new(),
        Some(Prop::TextList(items)) => items.join(&delimiter.to_string()),
        Some(p) => csv_scalar(p),
    };
    let mut files = Vec::new();
    let mut command = String::from(
        "#!/bin/sh\n\
         # Loads this directory into a new Neo4j 5 database (stop it first; it is overwritten).\n\
         # Usage: sh import.sh [DATABASE]   (default: neo4j)\n\
         set -e\n\
         cd \"$(dirname \"$0\")\"\n\
         neo4j-admin database import full --overwrite-destination --multiline-fields=true \\\n",
    );
    let _ = writeln!(command, "  --array-delimiter='{delimiter}' \\");
    for kind in NodeKind::ALL {
        let nodes = nodes_of(graph, kind);
        let table = node_table(graph, &nodes);
        let mut header: Vec<String> = table
            .columns
            .iter()
            .map(|(n, ty)| {
                if n == "id" {
                    "id:ID".to_string()
                } else {
                    format!("{n}{}", neo4j_type(*ty))
                }
            })
            .collect();
        if header.is_empty() {
            header = vec!["id:ID".to_string(), "name".to_string()];
        }
        header.push(":LABEL".to_string());
        let rows: Vec<Vec<String>> = table
            .rows
            .iter()
            .map(|row| {
                let mut cells: Vec<String> = table
                    .columns
                    .iter()
                    .map(|(n, _)| cell(row.get(n)))
                    .collect();
                cells.push(label(kind).to_string());
                cells
            })
            .collect();
        let file = node_file(kind);
        let _ = writeln!(command, "  --nodes={file} \\");
        files.push((file, write_csv(&header, &rows)?));
    }
    for kind in EdgeKind::ALL {
        let edges = edges_of(graph, kind);
        let table = edge_table(graph, &edges);
        let mut header = vec![":START_ID".to_string(), ":END_ID".to_string()];
        header.extend(
            table
                .columns
                .iter()
                .map(|(n, ty)| format!("{n}{}", neo4j_type(*ty))),
        );
        header.push(":TYPE".to_string());
        let rows: Vec<Vec<String>> = edges
            .iter()
            .zip(&table.rows)
            .map(|(&e, row)| {
                let (a, b) = graph.edge_endpoints(e);
                let mut cells = vec![graph.node(a).id.clone(), graph.node(b).id.clone()];
                cells.extend(table.columns.iter().map(|(n, _)| cell(row.get(n))));
                cells.push(rel_type(kind).to_string());
                cells
            })
            .collect();
        let file = edge_file(kind);
        let _ = writeln!(command, "  --relationships={file} \\");
        files.push((file, write_csv(&header, &rows)?));
    }
    command.push_str("  \"${1:-neo4j}\"\n");
    files.push(("import.sh".to_string(), command));
    files.push(("sources.csv".to_string(), sources_csv(graph)?));
    Ok(files)
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
        let text = to_cypher(&graph);
        let statements = text.lines().filter(|l| !l.starts_with("//")).count();
        assert_eq!(statements, graph.node_count() + graph.edge_count());
        assert!(text.contains("MERGE (n:Role {id: 'sre'}) SET n += {name: "));
        assert!(text.contains("-[r:REQUIRES {sources: ["));
        assert!(text.contains("salary_avg: "));
    }

    #[test]
    fn graphml_keys_are_typed_and_every_edge_is_kept() {
        let graph = small();
        let text = to_graphml(&graph);
        assert!(text.contains(
            "<key id=\"e_importance\" for=\"edge\" attr.name=\"importance\" attr.type=\"long\"/>"
        ));
        assert!(text
            .contains("<key id=\"n_effort_hours\" for=\"node\" attr.name=\"effort_hours\" attr.type=\"double\"/>"));
        assert_eq!(text.matches("<edge id=").count(), graph.edge_count());
        assert_eq!(text.matches("<node id=").count(), graph.node_count());
    }

    #[test]
    fn columns_whose_rows_disagree_fall_back_to_text() {
        let table = Table::new(vec![
            vec![("x".to_string(), Prop::Float(1.5))],
            vec![("x".to_string(), Prop::Text("one".into()))],
        ]);
        assert_eq!(table.columns, vec![("x".to_string(), PropType::Text)]);
        assert_eq!(table.rows[0]["x"], Prop::Text("1.5".into()));
    }

    #[test]
    fn bulk_layouts_have_the_headers_their_loaders_expect() {
        let graph = small();
        let neo4j = to_neo4j_csv_files(&graph).unwrap();
        let requires = &neo4j.iter().find(|(n, _)| n == "requires.csv").unwrap().1;
        assert!(
            requires.starts_with(":START_ID,:END_ID,importance:long,"),
            "{requires}"
        );
        assert!(requires.lines().next().unwrap().ends_with(",:TYPE"));
        let role = &neo4j.iter().find(|(n, _)| n == "role.csv").unwrap().1;
        assert!(role.starts_with("id:ID,name,"), "{role}");
        let kuzu = to_kuzu_files(&graph).unwrap();
        let load = &kuzu.iter().find(|(n, _)| n == "load.cypher").unwrap().1;
        assert!(load.contains("CREATE REL TABLE REQUIRES(FROM Role TO Skill, `importance` INT64"));
        assert!(load.contains("COPY Role FROM 'role.csv' (HEADER=true);"));
    }

    #[test]
    fn kuzu_load_drops_relationship_tables_before_node_tables_and_reads_line_breaks_serially() {
        let kuzu = to_kuzu_files(&small()).unwrap();
        let load = &kuzu.iter().find(|(n, _)| n == "load.cypher").unwrap().1;
        let at = |text: &str| {
            load.find(text)
                .unwrap_or_else(|| panic!("{text} in {load}"))
        };
        assert!(at("DROP TABLE IF EXISTS TRANSITION;") < at("DROP TABLE IF EXISTS Role;"));
        assert!(at("DROP TABLE IF EXISTS Role;") < at("CREATE NODE TABLE Role("));
        assert_eq!(kuzu_copy_options("id,name\na,b\n"), "(HEADER=true)");
        assert_eq!(
            kuzu_copy_options("id,name\na,\"two\nlines\"\n"),
            "(HEADER=true, PARALLEL=FALSE)"
        );
    }
}
