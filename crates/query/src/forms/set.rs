//! `set NODE FIELD = VALUE`: changes a field; a dotted field one part of a record.

use std::collections::BTreeMap;

use pest::iterators::Pair;
use skillgraph_graph::schema::field_spec;
use skillgraph_graph::{Change, Value};

use super::{apply, Answer, Effect, Form};
use crate::ast::{FieldPath, Literal, NodeRef, Span};
use crate::diagnostic::QueryError;
use crate::eval::{mutate, resolve, Database, Session};
use crate::parser::{Builder, Parsed, Rule};

/// `set NODE FIELD = VALUE`; the field may be dotted (`salary.avg`).
#[derive(Debug, Clone, PartialEq)]
pub struct Set {
    pub node: NodeRef,
    pub field: FieldPath,
    pub value: Literal,
}

impl Form for Set {
    const EFFECT: Effect = Effect::Writes;

    fn build(builder: &Builder, form: Pair<'_, Rule>) -> Parsed<Self> {
        Ok(Set {
            node: builder.node_ref(builder.part(&form, 0)?)?,
            field: builder.field_path(&builder.part(&form, 1)?),
            value: builder.literal(builder.part(&form, 2)?)?,
        })
    }

    fn evaluate(&self, _: &mut Session, db: &mut dyn Database, span: Span) -> Answer {
        let graph = db.graph();
        let Set { node, field, value } = self;
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
            mutate::set_leaf(&mut record, &field.segments[1..], value.value.clone());
            Value::Record(record)
        };
        if field_spec(target.kind, &head).is_none() {
            return Err(QueryError::new(
                field.span,
                format!("a {} has no field `{head}`", target.kind),
            ));
        }
        let mut changes = Vec::new();
        let mut new_value = new_value;
        if mutate::cite_user_source(&head, &mut new_value) {
            changes.extend(mutate::user_source(graph).0);
        }
        mutate::check_record_sources(graph, &head, &new_value, value.span)?;
        changes.push(Change::SetField {
            id: target.id.clone(),
            field: head,
            value: new_value,
        });
        mutate::report(apply(db, changes, span)?)
    }
}
