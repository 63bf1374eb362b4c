//! `learn START -> ROLE …`: an ordered learning plan.

use pest::iterators::Pair;

use super::{Answer, Form};
use crate::ast::{LearnQuery, Span};
use crate::eval::{plans, Database, Session};
use crate::parser::{Builder, ClauseName, Parsed, Rule};

/// `learn`: the gap and its missing prerequisites, in an order that can be learnt.
pub type Learn = LearnQuery;

impl Form for Learn {
    fn build(builder: &Builder, form: Pair<'_, Rule>) -> Parsed<Self> {
        let (from, to, clauses) = builder.route::<Self>(&form)?;
        let route = clauses.route_filter();
        Ok(LearnQuery {
            from,
            to,
            via: route.via,
            min_importance: clauses.min_importance,
            tools: clauses.tools,
            avoid: route.avoid,
            constraints: clauses.constraints,
        })
    }

    fn evaluate(&self, session: &mut Session, db: &mut dyn Database, _: Span) -> Answer {
        plans::learn(session, db.graph(), self)
    }

    fn clauses(_: &str) -> &'static [ClauseName] {
        use ClauseName as C;
        &[
            C::Via,
            C::Avoid,
            C::MinImportance,
            C::At,
            C::MaxHours,
            C::Tools,
        ]
    }
}
