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

mod bulk;
mod cypher;
mod graphml;

pub use bulk::{to_kuzu_files, to_neo4j_csv_files};
pub use cypher::{cypher_string, to_cypher};
pub use graphml::to_graphml;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_whose_rows_disagree_fall_back_to_text() {
        let table = Table::new(vec![
            vec![("x".to_string(), Prop::Float(1.5))],
            vec![("x".to_string(), Prop::Text("one".into()))],
        ]);
        assert_eq!(table.columns, vec![("x".to_string(), PropType::Text)]);
        assert_eq!(table.rows[0]["x"], Prop::Text("1.5".into()));
    }
}
