//! Writers: a graph back to the `graphdata` TOML format (which [`crate::load_graphdata`] reads
//! back to the same graph), to one JSON document of the same shape, or to CSV files; each
//! imports back to the same graph.

use std::collections::BTreeMap;

use skillgraph_graph::{EdgeKind, Graph, NodeIndex, NodeKind, SourceId, Value, FIELD_SOURCES};
use toml::Spanned;

use crate::toml_format::*;

fn sp<T>(value: T) -> Spanned<T> {
    Spanned::new(0..0, value)
}

fn source_keys(graph: &Graph, ids: &[SourceId]) -> Vec<Spanned<String>> {
    ids.iter()
        .map(|&id| sp(graph.source(id).key.clone()))
        .collect()
}

fn text(node_fields: &BTreeMap<String, Value>, name: &str) -> Option<String> {
    match node_fields.get(name)? {
        Value::Text(t) => Some(t.clone()),
        _ => None,
    }
}

fn number(rec: &BTreeMap<String, Value>, name: &str) -> Option<f64> {
    match rec.get(name)? {
        Value::Number(n) => Some(*n),
        _ => None,
    }
}

fn boolean(rec: &BTreeMap<String, Value>, name: &str) -> Option<bool> {
    match rec.get(name)? {
        Value::Bool(b) => Some(*b),
        _ => None,
    }
}

fn records(value: Option<&Value>) -> Vec<&BTreeMap<String, Value>> {
    match value {
        Some(Value::List(items)) => items
            .iter()
            .filter_map(|v| match v {
                Value::Record(r) => Some(r),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn text_list(value: Option<&Value>) -> Option<Spanned<Vec<String>>> {
    match value? {
        Value::List(items) => Some(sp(items.iter().map(|v| v.to_string()).collect())),
        _ => None,
    }
}

/// The graph as one [`DataFile`], nodes and edges in a stable order (by kind, then id).
pub fn to_data_file(graph: &Graph) -> DataFile {
    let mut file = DataFile::default();
    for s in graph.sources() {
        file.source.push(SourceEntry {
            key: sp(s.key.clone()),
            title: s.title.clone(),
            url: s.url.clone(),
            author: s.author.clone(),
            publisher: s.publisher.clone(),
            date: s.date.clone(),
            licence: s.licence.clone(),
        });
    }
    let mut nodes: Vec<NodeIndex> = graph.node_indices().collect();
    nodes.sort_by(|&a, &b| graph.node(a).id.cmp(&graph.node(b).id));
    for &ix in &nodes {
        let n = graph.node(ix);
        let f = &n.fields;
        let str_field = |name: &str| text(f, name).map(sp);
        let entry = NodeEntry {
            id: sp(n.id.clone()),
            name: sp(n.name.clone()),
            aliases: n.aliases.clone(),
            category: n.category.clone(),
            description: text(f, "description"),
            sources: source_keys(graph, &n.sources),
            effort_hours: n.effort_hours.map(sp),
            focus: str_field("focus"),
            primary_metric: str_field("primary_metric"),
            core_activity: str_field("core_activity"),
            risk_tolerance: str_field("risk_tolerance"),
            team_structure: str_field("team_structure"),
            background: text_list(f.get("background")),
            education: text_list(f.get("education")),
            job_zone: number(f, "job_zone").map(sp),
            hours_per_level: number(f, "hours_per_level").map(sp),
            skill_type: str_field("skill_type"),
            reuse_level: str_field("reuse_level"),
            hot_technology: boolean(f, "hot_technology").map(sp),
            salary: match f.get("salary") {
                Some(Value::Record(r)) => Some(sp(Salary {
                    min: number(r, "min"),
                    avg: number(r, "avg"),
                    max: number(r, "max"),
                    currency: text(r, "currency").unwrap_or_default(),
                    year: number(r, "year").map(|y| y as i64),
                    source: sp(text(r, "source").unwrap_or_default()),
                    note: text(r, "note"),
                })),
                _ => None,
            },
            job_openings: f.get("job_openings").map(|v| {
                sp(records(Some(v))
                    .into_iter()
                    .map(|r| JobOpenings {
                        platform: text(r, "platform").unwrap_or_default(),
                        count: number(r, "count").unwrap_or_default(),
                        source: sp(text(r, "source").unwrap_or_default()),
                        note: text(r, "note"),
                    })
                    .collect())
            }),
            field_sources: match f.get(FIELD_SOURCES) {
                Some(Value::Record(per_field)) => per_field
                    .iter()
                    .map(|(field, keys)| {
                        let keys = match keys {
                            Value::List(items) => items.iter().map(|k| sp(k.to_string())).collect(),
                            _ => Vec::new(),
                        };
                        (field.clone(), keys)
                    })
                    .collect(),
                _ => BTreeMap::new(),
            },
            city_pay: f.get("city_pay").map(|v| {
                sp(records(Some(v))
                    .into_iter()
                    .map(|r| CityPay {
                        city: text(r, "city").unwrap_or_default(),
                        monthly_salary: number(r, "monthly_salary"),
                        after_taxes: number(r, "after_taxes"),
                        rent_1br: number(r, "rent_1br"),
                        cost_of_living: number(r, "cost_of_living"),
                        take_home: number(r, "take_home"),
                        yearly_salary: number(r, "yearly_salary"),
                        source: sp(text(r, "source").unwrap_or_default()),
                        note: text(r, "note"),
                    })
                    .collect())
            }),
        };
        match n.kind {
            NodeKind::Role => file.role.push(entry),
            NodeKind::Skill => file.skill.push(entry),
            NodeKind::Tool => file.tool.push(entry),
        }
    }
    for p in graph.profiles().values() {
        file.profile.push(ProfileTable {
            name: sp(p.name.clone()),
            entries: p
                .entries
                .iter()
                .map(|(id, e)| ProfileEntryTable {
                    id: sp(id.clone()),
                    level: Some(sp(i64::from(e.level))),
                    state: Some(sp(e.state.as_str().to_string())),
                })
                .collect(),
        });
    }
    let mut edges: Vec<_> = graph.edge_indices().collect();
    edges.sort_by_key(|&e| {
        let (a, b) = graph.edge_endpoints(e);
        (
            graph.edge(e).kind,
            graph.node(a).id.clone(),
            graph.node(b).id.clone(),
            graph.edge(e).sources.clone(),
        )
    });
    for e in edges {
        let (a, b) = graph.edge_endpoints(e);
        let edge = graph.edge(e);
        let (from, to) = (sp(graph.node(a).id.clone()), sp(graph.node(b).id.clone()));
        let sources = source_keys(graph, &edge.sources);
        let note = edge.note().map(str::to_string);
        match edge.kind {
            EdgeKind::Requires => file.requires.push(RequiresEntry {
                role: from,
                skill: to,
                importance: sp(edge.importance.unwrap_or(1).into()),
                level: edge.level().map(sp),
                sources,
                note,
                fields: {
                    let mut fields = extra_fields(edge);
                    if edge.level().is_some() {
                        fields.remove("level");
                    }
                    fields
                },
            }),
            EdgeKind::Uses => file.uses.push(PlainEdgeEntry {
                role: from,
                tool: to,
                sources,
                note,
                fields: extra_fields(edge),
            }),
            EdgeKind::Covers => file.covers.push(CoversEntry {
                tool: from,
                skill: to,
                sources,
                note,
                fields: extra_fields(edge),
            }),
            EdgeKind::Prerequisite => file.prerequisite.push(PrerequisiteEntry {
                first: from,
                then: to,
                sources,
                note,
                fields: extra_fields(edge),
            }),
            EdgeKind::Transition => file.transition.push(TransitionEntry {
                from,
                to,
                effort_hours: edge.effort_hours.map(sp),
                skills: edge.move_skills().iter().cloned().map(sp).collect(),
                sources,
                note,
                fields: extra_fields(edge),
            }),
        }
    }
    file
}

/// An edge's free-form fields, as TOML values.
fn extra_fields(edge: &skillgraph_graph::Edge) -> BTreeMap<String, toml::Value> {
    edge.extra
        .as_ref()
        .map(|x| {
            x.fields
                .iter()
                .map(|(k, v)| (k.clone(), to_toml(v)))
                .collect()
        })
        .unwrap_or_default()
}

fn to_toml(v: &Value) -> toml::Value {
    match v {
        Value::Text(s) => toml::Value::String(s.clone()),
        Value::Number(n) => toml::Value::Float(*n),
        Value::Bool(b) => toml::Value::Boolean(*b),
        Value::List(items) => toml::Value::Array(items.iter().map(to_toml).collect()),
        Value::Record(r) => {
            toml::Value::Table(r.iter().map(|(k, v)| (k.clone(), to_toml(v))).collect())
        }
    }
}

/// The graph in the `graphdata` TOML format, as one file.
pub fn to_toml_string(graph: &Graph) -> Result<String, String> {
    toml::to_string(&to_data_file(graph)).map_err(|e| e.to_string())
}

/// The graph as one JSON document with the same shape as the TOML format.
pub fn to_json_string(graph: &Graph) -> Result<String, String> {
    serde_json::to_string_pretty(&to_data_file(graph)).map_err(|e| e.to_string())
}

/// The whole graph as CSV files (`sources.csv`, `nodes.csv`, `edges.csv`, `profiles.csv`) as
/// (file name, text), which [`crate::load_csv_dir`] reads back to the same graph; the layout
/// and how cells are written are in `csv_full`'s docs.
pub fn to_csv_files(graph: &Graph) -> Result<Vec<(&'static str, String)>, String> {
    crate::csv_full::to_files(graph)
}
