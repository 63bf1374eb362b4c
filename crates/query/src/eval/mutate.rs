//! Writes: `add`, `link`, `unlink`, `set`, `remove` become [`Change`]s. Facts users add carry
//! the source `user`, so they stay apart from the curated sources.

use std::collections::BTreeMap;

use skillgraph_graph::schema::field_spec;
use skillgraph_graph::{Change, Edge, EdgeKind, Graph, Node, NodeKind, Source, SourceId, Value};

use super::{resolve, resolve_kind};
use crate::ast::{Literal, NodeRef, Prop, StatementKind};
use crate::diagnostic::QueryError;

/// The source of every fact added from the query language.
pub const USER_SOURCE: &str = "user";

fn user_source(graph: &Graph) -> (Option<Change>, SourceId) {
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

pub fn changes(graph: &Graph, statement: &StatementKind) -> Result<Vec<Change>, QueryError> {
    let mut changes = Vec::new();
    match statement {
        StatementKind::Add { kind, name, props } => {
            let (add_source, user) = user_source(graph);
            changes.extend(add_source);
            let mut node = Node::new(slug(&name.value), kind.value, name.value.clone());
            node.sources = vec![user];
            for prop in props {
                set_node_prop(&mut node, prop)?;
            }
            // The user source is added above, so records may cite it.
            for (field, value) in node.fields.iter_mut() {
                cite_user_source(field, value);
                check_record_sources(graph, field, value, name.span)?;
            }
            if node.id.is_empty() {
                return Err(QueryError::new(
                    name.span,
                    "a node needs a name with letters or digits",
                ));
            }
            if let Some(existing) = graph.by_id(&node.id) {
                let other = graph.node(existing);
                return Err(QueryError::new(
                    name.span,
                    format!(
                        "the id `{}` is taken by {} `{}`",
                        node.id, other.kind, other.name
                    ),
                )
                .with_help("give the new node its own id: `{ id: \"my-id\" }`"));
            }
            changes.push(Change::AddNode(node));
        }
        StatementKind::Link {
            from,
            edge,
            to,
            props,
        } => {
            let (from_kind, to_kind) = edge.value.endpoints();
            let what = format!("`{}` joins a {from_kind} to a {to_kind}", edge.value);
            let a = resolve_kind(graph, from, from_kind, &what)?;
            let b = resolve_kind(graph, to, to_kind, &what)?;
            let (add_source, user) = user_source(graph);
            changes.extend(add_source);
            let mut e = Edge::new(edge.value);
            e.sources = vec![user];
            for prop in props {
                set_edge_prop(graph, &mut e, prop)?;
            }
            if edge.value == EdgeKind::Requires && e.importance.is_none() {
                return Err(QueryError::new(
                    to.span,
                    "a `requires` link needs an importance from 1 to 5",
                )
                .with_help(format!(
                    "e.g. `link {from} requires {to} {{ importance: 3 }}`"
                )));
            }
            changes.push(Change::AddEdge {
                from: graph.node(a).id.clone(),
                to: graph.node(b).id.clone(),
                edge: e,
            });
        }
        StatementKind::Unlink { from, edge, to } => {
            let (a, b) = (resolve(graph, from)?, resolve(graph, to)?);
            changes.push(Change::RemoveEdge {
                from: graph.node(a).id.clone(),
                to: graph.node(b).id.clone(),
                kind: edge.value,
            });
        }
        StatementKind::Set { node, field, value } => {
            let ix = resolve(graph, node)?;
            let target = graph.node(ix);
            let head = field.segments[0].clone();
            let new_value = if field.segments.len() == 1 {
                value.value.clone()
            } else {
                // `set SRE salary.avg = 1` rewrites one leaf of the record.
                let mut record = match target.fields.get(&head) {
                    Some(Value::Record(r)) => r.clone(),
                    None => BTreeMap::new(),
                    Some(other) => {
                        return Err(QueryError::new(
                            field.span,
                            format!("`{head}` holds {}, not a record", other.type_name()),
                        ))
                    }
                };
                set_leaf(&mut record, &field.segments[1..], value.value.clone());
                Value::Record(record)
            };
            if field_spec(target.kind, &head).is_none() {
                return Err(QueryError::new(
                    field.span,
                    format!("a {} has no field `{head}`", target.kind),
                ));
            }
            let mut new_value = new_value;
            if cite_user_source(&head, &mut new_value) {
                changes.extend(user_source(graph).0);
            }
            check_record_sources(graph, &head, &new_value, value.span)?;
            changes.push(Change::SetField {
                id: target.id.clone(),
                field: head,
                value: new_value,
            });
        }
        StatementKind::Remove(node) => {
            let ix = resolve(graph, node)?;
            changes.push(Change::RemoveNode {
                id: graph.node(ix).id.clone(),
            });
        }
        _ => unreachable!("only write statements reach here"),
    }
    Ok(changes)
}

/// Records that state figures (a salary, job openings, pay by city) cite their source, as in
/// the data files; one a user writes without a `source` is the user's own. Returns whether
/// any record now cites [`USER_SOURCE`].
fn cite_user_source(field: &str, value: &mut Value) -> bool {
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
fn check_record_sources(
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

fn set_leaf(record: &mut BTreeMap<String, Value>, path: &[String], value: Value) {
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

fn set_node_prop(node: &mut Node, prop: &Prop) -> Result<(), QueryError> {
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

fn set_edge_prop(graph: &Graph, edge: &mut Edge, prop: &Prop) -> Result<(), QueryError> {
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
