//! `gap START -> ROLE …`: what the target requires that the start lacks.

use pest::iterators::Pair;

use super::{Answer, Form};
use crate::ast::{GapQuery, Span};
use crate::eval::{plans, Database, Session};
use crate::parser::{Builder, ClauseName, Parsed, Rule};

/// `gap`: the skills and tools missing.
pub type Gap = GapQuery;

impl Form for Gap {
    fn build(builder: &Builder, form: Pair<'_, Rule>) -> Parsed<Self> {
        let (from, to, clauses) = builder.route::<Self>(&form)?;
        Ok(GapQuery {
            from,
            to,
            min_importance: clauses.min_importance,
            tools: clauses.tools,
        })
    }

    fn evaluate(&self, session: &mut Session, db: &mut dyn Database, _: Span) -> Answer {
        plans::gap(session, db.graph(), self)
    }

    fn clauses(_: &str) -> &'static [ClauseName] {
        &[ClauseName::MinImportance, ClauseName::Tools]
    }
}
