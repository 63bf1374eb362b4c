//! `link FROM EDGE TO [{ FIELD: VALUE, … }]`: a new edge.

use pest::iterators::Pair;
use skillgraph_graph::{Change, Edge};

use super::{apply, Answer, Effect, Form};
use crate::ast::{EdgeKind, NodeRef, Prop, Span, Spanned};
use crate::diagnostic::QueryError;
use crate::eval::{mutate, resolve_kind, Database, Session};
use crate::parser::{parts, Builder, Parsed, Rule};

/// `link FROM EDGE TO [{ … }]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub from: NodeRef,
    pub edge: Spanned<EdgeKind>,
    pub to: NodeRef,
    pub props: Vec<Prop>,
}

impl Form for Link {
    const EFFECT: Effect = Effect::Writes;

    fn build(builder: &Builder, form: Pair<'_, Rule>) -> Parsed<Self> {
        let parts = parts(form.clone());
        let edge = builder.part(&form, 1)?;
        Ok(Link {
            from: builder.node_ref(builder.part(&form, 0)?)?,
            edge: Spanned::new(builder.edge_kind(&edge)?, builder.span(&edge)),
            to: builder.node_ref(builder.part(&form, 2)?)?,
            props: match parts.get(3) {
                Some(props) => builder.props(props.clone())?,
                None => Vec::new(),
            },
        })
    }

    fn evaluate(&self, _: &mut Session, db: &mut dyn Database, span: Span) -> Answer {
        let graph = db.graph();
        let Link {
            from,
            edge,
            to,
            props,
        } = self;
        let mut changes = Vec::new();
        let (from_kind, to_kind) = edge.value.endpoints();
        let what = format!("`{}` joins a {from_kind} to a {to_kind}", edge.value);
        let a = resolve_kind(graph, from, from_kind, &what)?;
        let b = resolve_kind(graph, to, to_kind, &what)?;
        let (add_source, user) = mutate::user_source(graph);
        changes.extend(add_source);
        let mut e = Edge::new(edge.value);
        e.sources = vec![user];
        for prop in props {
            mutate::set_edge_prop(graph, &mut e, prop)?;
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
        mutate::report(apply(db, changes, span)?)
    }
}
