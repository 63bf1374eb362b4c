//! `unlink FROM EDGE TO`: removes the edges of that kind between two nodes.

use pest::iterators::Pair;
use skillgraph_graph::Change;

use super::{apply, Answer, Effect, Form};
use crate::ast::{EdgeKind, NodeRef, Span, Spanned};
use crate::eval::{mutate, resolve, Database, Session};
use crate::parser::{Builder, Parsed, Rule};

/// `unlink FROM EDGE TO`.
#[derive(Debug, Clone, PartialEq)]
pub struct Unlink {
    pub from: NodeRef,
    pub edge: Spanned<EdgeKind>,
    pub to: NodeRef,
}

impl Form for Unlink {
    const EFFECT: Effect = Effect::Writes;

    fn build(builder: &Builder, form: Pair<'_, Rule>) -> Parsed<Self> {
        let edge = builder.part(&form, 1)?;
        Ok(Unlink {
            from: builder.node_ref(builder.part(&form, 0)?)?,
            edge: Spanned::new(builder.edge_kind(&edge)?, builder.span(&edge)),
            to: builder.node_ref(builder.part(&form, 2)?)?,
        })
    }

    fn evaluate(&self, _: &mut Session, db: &mut dyn Database, span: Span) -> Answer {
        let graph = db.graph();
        let (a, b) = (resolve(graph, &self.from)?, resolve(graph, &self.to)?);
        let change = Change::RemoveEdge {
            from: graph.node(a).id.clone(),
            to: graph.node(b).id.clone(),
            kind: self.edge.value,
        };
        mutate::report(apply(db, vec![change], span)?)
    }
}
