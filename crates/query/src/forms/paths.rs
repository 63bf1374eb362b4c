//! `paths START -> ROLE …`: every simple route, bounded.

use pest::iterators::Pair;

use super::{Answer, Form};
use crate::ast::{PathsQuery, Span};
use crate::eval::{routes, Database, Session};
use crate::parser::{Builder, ClauseName, Parsed, Rule};

/// `paths`: all simple routes up to `max` moves, at most `limit` of them.
pub type Paths = PathsQuery;

impl Form for Paths {
    fn build(builder: &Builder, form: Pair<'_, Rule>) -> Parsed<Self> {
        let (from, to, clauses) = builder.route::<Self>(&form)?;
        Ok(PathsQuery {
            from,
            to,
            route: clauses.route_filter(),
            limit: clauses.limit,
        })
    }

    fn evaluate(&self, session: &mut Session, db: &mut dyn Database, _: Span) -> Answer {
        routes::paths(session, db.graph(), self)
    }

    fn clauses(_: &str) -> &'static [ClauseName] {
        use ClauseName as C;
        &[C::Via, C::Avoid, C::Max, C::Limit]
    }
}
