//! `compare ROLE, ROLE`: two roles side by side.

use pest::iterators::Pair;

use super::{Answer, Form};
use crate::answers::describe;
use crate::ast::{NodeKind, NodeRef, Span};
use crate::eval::{resolve_kind, Database, Session};
use crate::parser::{Builder, Parsed, Rule};

/// `compare A, B`: the two roles.
#[derive(Debug, Clone, PartialEq)]
pub struct Compare(pub NodeRef, pub NodeRef);

impl Form for Compare {
    fn build(builder: &Builder, form: Pair<'_, Rule>) -> Parsed<Self> {
        Ok(Compare(
            builder.node_ref(builder.part(&form, 0)?)?,
            builder.node_ref(builder.part(&form, 1)?)?,
        ))
    }

    fn evaluate(&self, _: &mut Session, db: &mut dyn Database, _: Span) -> Answer {
        let graph = db.graph();
        let what = "`compare` takes two roles";
        let left = resolve_kind(graph, &self.0, NodeKind::Role, what)?;
        let right = resolve_kind(graph, &self.1, NodeKind::Role, what)?;
        Ok(describe::compare(graph, left, right))
    }
}
