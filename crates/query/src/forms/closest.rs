//! `closest START …`: the roles nearest a profile or a role.

use pest::iterators::Pair;

use super::{Answer, Form};
use crate::ast::{ClosestQuery, Span};
use crate::eval::{closest, Database, Session};
use crate::parser::{parts, Builder, ClauseName, Parsed, Rule};

/// `closest`: roles ranked by how near they are.
pub type Closest = ClosestQuery;

impl Form for Closest {
    fn build(builder: &Builder, form: Pair<'_, Rule>) -> Parsed<Self> {
        let parts = parts(form.clone());
        let (profile, rest) = builder.optional_start(&form, &parts)?;
        let clauses = builder.clauses::<Self>(&builder.keyword(&form), rest)?;
        Ok(ClosestQuery {
            profile,
            min_importance: clauses.min_importance,
            limit: clauses.limit,
            explain: clauses.explain,
            roles: clauses.roles,
        })
    }

    fn evaluate(&self, session: &mut Session, db: &mut dyn Database, _: Span) -> Answer {
        closest::closest(session, db.graph(), self)
    }

    fn clauses(_: &str) -> &'static [ClauseName] {
        use ClauseName as C;
        &[
            C::MinImportance,
            C::Limit,
            C::Explain,
            C::From,
            C::KeepPay,
            C::ZoneWithin,
        ]
    }
}
