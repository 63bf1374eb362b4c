//! Writes: what `add`, `link`, `unlink`, `set`, `remove` (in `crate::forms`) share to make
//! their [`Change`]s. Facts users add carry
//! the source `user`, so they stay apart from the curated sources.

use std::collections::BTreeMap;

use skillgraph_graph::schema::field_spec;
use skillgraph_graph::{Change, Edge, EdgeKind, Graph, Node, NodeKind, Source, SourceId, Value};

use super::resolve_kind;
use crate::ast::{Literal, NodeRef, Prop};
use crate::diagnostic::QueryError;
use crate::result::ResultTable;

/// The source of every fact added from the query language.
pub const USER_SOURCE: &str = "user";

pub(crate) fn user_source(graph: &Graph) -> (Option<Change>, SourceId) {
    match graph.source_id(USER_SOURCE) {
        Some(id) => (None, id),
        None => (
            Some(Change::AddSource(Source {
                key: USER_SOURCE.into(),
                title: "added by a user of this database".into(),
                url: None,
                author: None,
                publisher: None,
                date: None,
                licence: None,
            })),
            SourceId(graph.sources().len() as u16),
        ),
    }
}

/// A slug for a new node's id: `"Error Budgets"` → `error-budgets`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        // Some letters stay upper case when lowered (`ℒ`); they end a word like a space.
        if c != '-' && c != '_' && c != ':' && skillgraph_graph::change::is_id_char(c) {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// The answer of a write: a line per change, less the source the first write adds.
pub(crate) fn report(lines: Vec<String>) -> Result<ResultTable, QueryError> {
    Ok(ResultTable::message(
        lines.into_iter().filter(|l| !l.starts_with("added source")),
    ))
}

/// Records that state figures (a salary, job openings, pay by city) cite their source, as in
/// the data files; one a user writes without a `source` is the user's own. Returns whether
/// any record now cites [`USER_SOURCE`].
pub(crate) fn cite_user_source(field: &str, value: &mut Value) -> bool {
    if !skillgraph_graph::change::SOURCED_RECORD_FIELDS.contains(&field) {
        return false;
    }
    let records: Vec<&mut BTreeMap<String, Value>> = match value {
        Value::Record(record) => vec![record],
        Value::List(items) => items
            .iter_mut()
            .filter_map(|item| match item {
                Value::Record(record) => Some(record),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut cited = false;
    for record in records {
        if !record.contains_key("source") {
            record.insert("source".into(), Value::Text(USER_SOURCE.into()));
        }
        cited |= matches!(record.get("source"), Some(Value::Text(s)) if s == USER_SOURCE);
    }
    cited
}

/// A record's `source` must name a source of the graph (or `user`, added with the write), as
/// the data files require; otherwise the graph could not be exported and imported back.
pub(crate) fn check_record_sources(
    graph: &Graph,
    field: &str,
    value: &Value,
    span: crate::ast::Span,
) -> Result<(), QueryError> {
    for record in skillgraph_graph::change::sourced_records(field, value) {
        let known = |key: &str| key == USER_SOURCE || graph.source_id(key).is_some();
        match record.get("source") {
            Some(Value::Text(key)) if known(key) => {}
            Some(Value::Text(key)) => {
                return Err(QueryError::new(
                    span,
                    format!("the `{field}` record cites the source `{key}`, which this graph does not have"),
                )
                .with_help("leave `source` out to cite yourself (`user`), or name a source listed by `.sources`"))
            }
            Some(other) => {
                return Err(QueryError::new(
                    span,
                    format!("the `source` of a `{field}` record is the key of a source, not {}", other.type_name()),
                ))
            }
            None => {}
        }
    }
    Ok(())
}

pub(crate) fn set_leaf(record: &mut BTreeMap<String, Value>, path: &[String], value: Value) {
    match path {
        [] => {}
        [last] => {
            record.insert(last.clone(), value);
        }
        [head, rest @ ..] => {
            let entry = record
                .entry(head.clone())
                .or_insert_with(|| Value::Record(BTreeMap::new()));
            if !matches!(entry, Value::Record(_)) {
                *entry = Value::Record(BTreeMap::new());
            }
            if let Value::Record(inner) = entry {
                set_leaf(inner, rest, value);
            }
        }
    }
}

fn number(prop: &Prop) -> Result<f64, QueryError> {
    match prop.value.value {
        Value::Number(n) => Ok(n),
        _ => Err(QueryError::new(
            prop.value.span,
            format!("`{}` takes a number", prop.key.value),
        )),
    }
}

fn text(prop: &Prop) -> Result<String, QueryError> {
    match &prop.value.value {
        Value::Text(t) => Ok(t.clone()),
        _ => Err(QueryError::new(
            prop.value.span,
            format!("`{}` takes text", prop.key.value),
        )),
    }
}

pub(crate) fn set_node_prop(node: &mut Node, prop: &Prop) -> Result<(), QueryError> {
    let key = prop.key.value.as_str();
    match key {
        "id" => node.id = text(prop)?,
        "aliases" => match &prop.value.value {
            Value::List(items) => node.aliases = items.iter().map(|v| v.to_string()).collect(),
            Value::Text(t) => node.aliases = vec![t.clone()],
            _ => {
                return Err(QueryError::new(
                    prop.value.span,
                    "`aliases` takes a list of names",
                ))
            }
        },
        "category" => node.category = Some(text(prop)?),
        "effort_hours" if node.kind == NodeKind::Skill => node.effort_hours = Some(number(prop)?),
        _ => match field_spec(node.kind, key) {
            Some(spec) if spec.settable => {
                node.fields
                    .insert(key.to_string(), prop.value.value.clone());
            }
            _ => {
                return Err(QueryError::new(
                    prop.key.span,
                    format!("a {} has no field `{key}`", node.kind),
                ))
            }
        },
    }
    Ok(())
}

pub(crate) fn set_edge_prop(graph: &Graph, edge: &mut Edge, prop: &Prop) -> Result<(), QueryError> {
    let key = prop.key.value.as_str();
    match (key, edge.kind) {
        ("importance", EdgeKind::Requires) => {
            let n = number(prop)?;
            if n.fract() != 0.0 || !(1.0..=5.0).contains(&n) {
                return Err(QueryError::new(
                    prop.value.span,
                    format!("importance must be a whole number from 1 to 5, not {n}"),
                ));
            }
            edge.importance = Some(n as u8);
        }
        ("effort_hours", EdgeKind::Transition) => edge.effort_hours = Some(number(prop)?),
        ("skills", EdgeKind::Transition) => {
            let names = skill_refs(&prop.value)?;
            let mut ids = Vec::new();
            for node in names {
                let ix = resolve_kind(
                    graph,
                    &node,
                    NodeKind::Skill,
                    "a move's `skills` are skills",
                )?;
                ids.push(graph.node(ix).id.clone());
            }
            edge.extra_mut().skills = ids;
        }
        ("note", _) => edge.extra_mut().note = Some(text(prop)?),
        _ => {
            let allowed = match edge.kind {
                EdgeKind::Requires => "importance, note",
                EdgeKind::Transition => "effort_hours, skills, note",
                _ => "note",
            };
            return Err(QueryError::new(
                prop.key.span,
                format!("a `{}` link has no property `{key}`", edge.kind),
            )
            .with_help(format!("it takes: {allowed}")));
        }
    }
    Ok(())
}

/// The names in `skills: [SLOs, "Error budgets"]`, each with its own span.
fn skill_refs(literal: &Literal) -> Result<Vec<NodeRef>, QueryError> {
    match &literal.value {
        Value::List(items) => Ok(items
            .iter()
            .enumerate()
            .map(|(i, v)| NodeRef {
                kind: None,
                name: v.to_string(),
                quoted: true,
                source: None,
                span: literal.item_spans.get(i).copied().unwrap_or(literal.span),
            })
            .collect()),
        _ => Err(QueryError::new(
            literal.span,
            "`skills` takes a list of skill names",
        )),
    }
}
