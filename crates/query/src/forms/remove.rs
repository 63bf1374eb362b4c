//! `remove NODE`: a node and its edges.

use pest::iterators::Pair;
use skillgraph_graph::Change;

use super::{apply, Answer, Effect, Form};
use crate::ast::{NodeRef, Span};
use crate::eval::{mutate, resolve, Database, Session};
use crate::parser::{Builder, Parsed, Rule};

/// `remove NODE`: the node.
#[derive(Debug, Clone, PartialEq)]
pub struct Remove(pub NodeRef);

impl Form for Remove {
    const EFFECT: Effect = Effect::Writes;

    fn build(builder: &Builder, form: Pair<'_, Rule>) -> Parsed<Self> {
        Ok(Remove(builder.node_ref(builder.part(&form, 0)?)?))
    }

    fn evaluate(&self, _: &mut Session, db: &mut dyn Database, span: Span) -> Answer {
        let graph = db.graph();
        let ix = resolve(graph, &self.0)?;
        let change = Change::RemoveNode {
            id: graph.node(ix).id.clone(),
        };
        mutate::report(apply(db, vec![change], span)?)
    }
}
