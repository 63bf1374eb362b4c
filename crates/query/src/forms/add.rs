//! `add role|skill|tool NAME [{ FIELD: VALUE, … }]`: a new node.

use pest::iterators::Pair;
use skillgraph_graph::{Change, Node};

use super::{apply, Answer, Effect, Form};
use crate::ast::{NodeKind, Prop, Span, Spanned};
use crate::diagnostic::QueryError;
use crate::eval::{mutate, Database, Session};
use crate::parser::{parts, Builder, Parsed, Rule};

/// `add KIND NAME [{ … }]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Add {
    pub kind: Spanned<NodeKind>,
    pub name: Spanned<String>,
    pub props: Vec<Prop>,
}

impl Form for Add {
    const EFFECT: Effect = Effect::Writes;

    fn build(builder: &Builder, form: Pair<'_, Rule>) -> Parsed<Self> {
        let parts = parts(form.clone());
        let kind = builder.part(&form, 0)?;
        let name = builder.part(&form, 1)?;
        Ok(Add {
            kind: Spanned::new(builder.node_kind(&kind)?, builder.span(&kind)),
            name: Spanned::new(builder.node_name(name.clone())?.0, builder.span(&name)),
            props: match parts.get(2) {
                Some(props) => builder.props(props.clone())?,
                None => Vec::new(),
            },
        })
    }

    fn evaluate(&self, _: &mut Session, db: &mut dyn Database, span: Span) -> Answer {
        let graph = db.graph();
        let mut changes = Vec::new();
        let (add_source, user) = mutate::user_source(graph);
        changes.extend(add_source);
        let name = &self.name;
        let mut node = Node::new(mutate::slug(&name.value), self.kind.value, name.value.clone());
        node.sources = vec![user];
        for prop in &self.props {
            mutate::set_node_prop(&mut node, prop)?;
        }
        // The user source is added above, so records may cite it.
        for (field, value) in node.fields.iter_mut() {
            mutate::cite_user_source(field, value);
            mutate::check_record_sources(graph, field, value, name.span)?;
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
        mutate::report(apply(db, changes, span)?)
    }
}
