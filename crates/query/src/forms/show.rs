//! `show NODE`: one node and its facts.

use pest::iterators::Pair;

use super::{Answer, Form};
use crate::answers::describe;
use crate::ast::{NodeRef, Span};
use crate::eval::{resolve, Database, Session};
use crate::parser::{Builder, Parsed, Rule};

/// A `show` is the node it names.
pub type Show = NodeRef;

impl Form for Show {
    fn build(builder: &Builder, form: Pair<'_, Rule>) -> Parsed<Self> {
        builder.node_ref(builder.part(&form, 0)?)
    }

    fn evaluate(&self, _: &mut Session, db: &mut dyn Database, _: Span) -> Answer {
        let graph = db.graph();
        Ok(describe::show(graph, resolve(graph, self)?))
    }
}
