//! `profile NAME drop SKILL, …`: takes entries out of a saved profile.

use pest::iterators::Pair;
use skillgraph_graph::Change;

use super::{apply, Answer, Effect, Form};
use crate::ast::{NodeRef, Span, Spanned};
use crate::diagnostic::QueryError;
use crate::eval::{profiles, Database, Session};
use crate::parser::{parts, Builder, Parsed, Rule};
use crate::result::ResultTable;

/// `profile NAME drop NODE, …`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileDrop {
    pub name: Spanned<String>,
    pub items: Vec<NodeRef>,
}

impl Form for ProfileDrop {
    const EFFECT: Effect = Effect::Writes;

    fn build(builder: &Builder, form: Pair<'_, Rule>) -> Parsed<Self> {
        let parts = parts(form);
        Ok(ProfileDrop {
            name: builder.name(&parts[0]),
            items: parts[1..]
                .iter()
                .map(|p| builder.node_ref(p.clone()))
                .collect::<Parsed<Vec<_>>>()?,
        })
    }

    fn evaluate(&self, _: &mut Session, db: &mut dyn Database, span: Span) -> Answer {
        let graph = db.graph();
        let mut profile = profiles::saved(graph, &self.name)?.clone();
        for node in &self.items {
            let ix = profiles::entry_node(graph, node)?;
            if profile.entries.remove(&graph.node(ix).id).is_none() {
                return Err(QueryError::new(
                    node.span,
                    format!(
                        "`{}` is not in profile {}",
                        graph.node(ix).name,
                        self.name.value
                    ),
                ));
            }
        }
        let lines = apply(db, vec![Change::SetProfile(profile)], span)?;
        Ok(ResultTable::message(lines))
    }
}
