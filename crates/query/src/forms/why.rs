//! `why START -> ROLE [min importance N]`: the match score broken down.

use pest::iterators::Pair;

use super::{Answer, Form};
use crate::ast::{GapQuery, Span};
use crate::eval::{profiles, Database, Session};
use crate::parser::{Builder, ClauseName, Parsed, Rule};

/// `why`: the start and target of a gap, read skill by skill.
#[derive(Debug, Clone, PartialEq)]
pub struct Why(pub GapQuery);

impl Form for Why {
    fn build(builder: &Builder, form: Pair<'_, Rule>) -> Parsed<Self> {
        let (from, to, clauses) = builder.route::<Self>(&form)?;
        Ok(Why(GapQuery {
            from,
            to,
            min_importance: clauses.min_importance,
            tools: clauses.tools,
        }))
    }

    fn evaluate(&self, session: &mut Session, db: &mut dyn Database, _: Span) -> Answer {
        profiles::why(session, db.graph(), &self.0)
    }

    fn clauses(_: &str) -> &'static [ClauseName] {
        &[ClauseName::MinImportance]
    }
}
