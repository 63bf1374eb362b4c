//! `learnt NAME SKILL, …` / `learning NAME SKILL, …`: progress on a saved profile.

use pest::iterators::Pair;
use skillgraph_graph::{Change, NodeKind, ProfileEntry, SkillState, DEFAULT_LEVEL};

use super::{apply, Answer, Effect, Form};
use crate::ast::{NodeRef, Span, Spanned};
use crate::diagnostic::QueryError;
use crate::eval::{profiles, Database, Session};
use crate::parser::{parts, Builder, Parsed, Rule};
use crate::result::ResultTable;

/// `learnt NAME NODE, …` (`learnt`) or `learning NAME NODE, …`.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub name: Spanned<String>,
    pub learnt: bool,
    pub items: Vec<NodeRef>,
}

impl Form for Progress {
    const EFFECT: Effect = Effect::Writes;

    fn build(builder: &Builder, form: Pair<'_, Rule>) -> Parsed<Self> {
        let parts = parts(form);
        Ok(Progress {
            learnt: parts[0].as_str().to_lowercase() != "learning",
            name: builder.name(&parts[1]),
            items: parts[2..]
                .iter()
                .map(|p| builder.node_ref(p.clone()))
                .collect::<Parsed<Vec<_>>>()?,
        })
    }

    fn evaluate(&self, _: &mut Session, db: &mut dyn Database, span: Span) -> Answer {
        let graph = db.graph();
        let mut profile = profiles::saved(graph, &self.name)?.clone();
        let state = if self.learnt {
            SkillState::Learnt
        } else {
            SkillState::Learning
        };
        for node in &self.items {
            let ix = profiles::entry_node(graph, node)?;
            if graph.node(ix).kind == NodeKind::Role {
                return Err(QueryError::new(
                    node.span,
                    format!(
                        "`{}` is a role; `learnt` and `learning` mark skills and tools",
                        graph.node(ix).name
                    ),
                )
                .with_help(format!(
                    "to count what the role requires as held: `profile {} add {}`",
                    self.name.value, node
                )));
            }
            profile
                .entries
                .entry(graph.node(ix).id.clone())
                .and_modify(|e| e.state = state)
                .or_insert(ProfileEntry {
                    level: DEFAULT_LEVEL,
                    state,
                });
        }
        let lines = apply(db, vec![Change::SetProfile(profile)], span)?;
        Ok(ResultTable::message(lines))
    }

    fn keyword(&self) -> Option<&'static str> {
        Some(if self.learnt { "learnt" } else { "learning" })
    }
}
