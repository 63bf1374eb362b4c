//! `path START -> ROLE …`: the best career route.

use pest::iterators::Pair;

use super::{Answer, Form};
use crate::ast::{PathQuery, Span};
use crate::eval::{routes, Database, Session};
use crate::parser::{Builder, ClauseName, Parsed, Rule};

/// `path`: the fewest moves, or with `by effort` the fewest learning hours.
pub type Path = PathQuery;

impl Form for Path {
    fn build(builder: &Builder, form: Pair<'_, Rule>) -> Parsed<Self> {
        let (from, to, clauses) = builder.route::<Self>(&form)?;
        Ok(PathQuery {
            from,
            to,
            route: clauses.route_filter(),
            by_effort: clauses.by_effort,
            min_importance: clauses.min_importance,
            constraints: clauses.constraints,
        })
    }

    fn evaluate(&self, session: &mut Session, db: &mut dyn Database, _: Span) -> Answer {
        routes::path(session, db.graph(), self)
    }

    fn clauses(_: &str) -> &'static [ClauseName] {
        use ClauseName as C;
        &[
            C::Via,
            C::Avoid,
            C::Max,
            C::ByEffort,
            C::MinImportance,
            C::MaxHours,
            C::KeepPay,
            C::ZoneWithin,
        ]
    }
}
