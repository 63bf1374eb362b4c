//! Writers for other graph tools, for when one machine or one user is no longer enough:
//! Cypher statements for Neo4j, Memgraph and FalkorDB ([`write_cypher`]), GraphML for Gephi,
//! yEd and networkx ([`write_graphml`]), and CSV directories for the bulk loaders of Kùzu and its
//! fork LadybugDB (`COPY FROM`, [`write_kuzu_files`]) and Neo4j (`neo4j-admin database import`,
//! [`write_neo4j_csv_files`]).
//!
//! All of them say the same thing: nodes labelled `Role`, `Skill`, `Tool` keyed by `id`;
//! relationships `REQUIRES`, `USES`, `COVERS`, `PREREQUISITE`, `TRANSITION`; every property.
//! Records are flattened with `_` (`salary.avg` becomes `salary_avg`), lists of text stay
//! lists, lists of records become JSON text. A property whose type differs between nodes (or
//! edges) of one kind is written as text throughout, so every column has one type.
//!
//! Each writer streams, as the TOML export does (`crate::export`): a first pass over a table's
//! rows finds its columns ([`Columns`]), a second makes each row again and writes it.

mod bulk;
mod cypher;
mod graphml;

pub use bulk::{write_kuzu_files, write_neo4j_csv_files};
pub use cypher::{cypher_string, write_cypher};
pub use graphml::write_graphml;

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
    let n = graph.node_afresh(ix);
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
    let edge = graph.edge_afresh(e);
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

/// The columns of an export table (the nodes, or edges, of one kind), found in a first pass
/// over its rows: each with the type all rows agree on, or text where they do not, in the order
/// of [`LEADING`] and then by name. The rows themselves are made again, one at a time, as they
/// are written ([`Columns::row`]), so no table is ever held whole.
struct Columns(Vec<(String, PropType)>);

impl Columns {
    fn of(rows: impl Iterator<Item = Vec<(String, Prop)>>) -> Columns {
        Columns::of_lists_fitting(rows, |_| true)
    }

    /// The columns, with each list column some element of which `fits` refuses as text (JSON).
    fn of_lists_fitting(
        rows: impl Iterator<Item = Vec<(String, Prop)>>,
        fits: impl Fn(&str) -> bool,
    ) -> Columns {
        let mut columns: Vec<(String, PropType)> = Vec::new();
        let mut refused: Vec<String> = Vec::new();
        for row in rows {
            for (name, prop) in &row {
                match columns.iter_mut().find(|(n, _)| n == name) {
                    Some((_, ty)) if *ty != prop.prop_type() => *ty = PropType::Text,
                    Some(_) => {}
                    None => columns.push((name.clone(), prop.prop_type())),
                }
            }
            // A row holds the last of two properties of one name, as a map keeps it.
            let row: BTreeMap<String, Prop> = row.into_iter().collect();
            for (name, prop) in row {
                if let Prop::TextList(items) = prop {
                    if !items.iter().all(|s| fits(s)) && !refused.contains(&name) {
                        refused.push(name);
                    }
                }
            }
        }
        for (name, ty) in &mut columns {
            if *ty == PropType::TextList && refused.contains(name) {
                *ty = PropType::Text;
            }
        }
        let rank = |name: &str| {
            LEADING
                .iter()
                .position(|l| *l == name)
                .unwrap_or(LEADING.len())
        };
        columns.sort_by(|a, b| (rank(&a.0), &a.0).cmp(&(rank(&b.0), &b.0)));
        Columns(columns)
    }

    /// A row's properties by name, each in its column's type.
    fn row(&self, props: Vec<(String, Prop)>) -> BTreeMap<String, Prop> {
        props
            .into_iter()
            .map(|(name, prop)| {
                let text = self
                    .0
                    .iter()
                    .any(|(n, ty)| *n == name && *ty == PropType::Text);
                let prop = if text { prop.into_text() } else { prop };
                (name, prop)
            })
            .collect()
    }

    /// A row's properties in column order.
    fn ordered<'a>(&'a self, row: &'a BTreeMap<String, Prop>) -> Vec<(&'a String, &'a Prop)> {
        self.0
            .iter()
            .filter_map(|(name, _)| row.get_key_value(name.as_str()))
            .collect()
    }
}

/// Nodes of a kind, by id.
pub(crate) fn nodes_of(graph: &Graph, kind: NodeKind) -> Vec<NodeIndex> {
    let mut list: Vec<NodeIndex> = graph
        .node_indices()
        .filter(|&ix| graph.kind_of(ix) == Some(kind))
        .collect();
    list.sort_by(|&a, &b| graph.id_of(a).cmp(graph.id_of(b)));
    list
}

/// Edges of a kind, by (from id, to id, sources): the same order as the TOML export.
pub(crate) fn edges_of(graph: &Graph, kind: EdgeKind) -> Vec<EdgeIndex> {
    let mut list: Vec<EdgeIndex> = graph
        .edge_indices()
        .filter(|&e| graph.edge_kind_of(e) == Some(kind))
        .collect();
    let key = |e| {
        let (a, b) = graph.edge_endpoints(e);
        (graph.id_of(a), graph.id_of(b), graph.edge_sources_of(e))
    };
    list.sort_by(|&x, &y| key(x).cmp(&key(y)));
    list
}

/// The rows of the nodes `nodes`, made as they are asked for.
fn node_rows<'g>(
    graph: &'g Graph,
    nodes: &'g [NodeIndex],
) -> impl Iterator<Item = Vec<(String, Prop)>> + 'g {
    nodes.iter().map(move |&ix| node_properties(graph, ix))
}

/// The rows of the edges `edges`, made as they are asked for.
fn edge_rows<'g>(
    graph: &'g Graph,
    edges: &'g [EdgeIndex],
) -> impl Iterator<Item = Vec<(String, Prop)>> + 'g {
    edges.iter().map(move |&e| edge_properties(graph, e))
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
        let rows = || {
            [
                vec![("x".to_string(), Prop::Float(1.5))],
                vec![("x".to_string(), Prop::Text("one".into()))],
            ]
            .into_iter()
        };
        let columns = Columns::of(rows());
        assert_eq!(columns.0, vec![("x".to_string(), PropType::Text)]);
        let first = rows().next().unwrap();
        assert_eq!(columns.row(first)["x"], Prop::Text("1.5".into()));
    }

    #[test]
    fn list_columns_a_loader_refuses_become_text() {
        let rows = || {
            [
                vec![("l".to_string(), Prop::TextList(vec!["a".into()]))],
                vec![("l".to_string(), Prop::TextList(vec!["b,c".into()]))],
            ]
            .into_iter()
        };
        let columns = Columns::of_lists_fitting(rows(), |s| !s.contains(','));
        assert_eq!(columns.0, vec![("l".to_string(), PropType::Text)]);
        let first = rows().next().unwrap();
        assert_eq!(columns.row(first)["l"], Prop::Text("[\"a\"]".into()));
        let kept = Columns::of(rows());
        assert_eq!(kept.0, vec![("l".to_string(), PropType::TextList)]);
    }
}
