//! `unlock START [min importance N] [limit N]`: the skills that, learnt next, help most.

use pest::iterators::Pair;

use super::{Answer, Form};
use crate::ast::{Span, UnlockQuery};
use crate::eval::{profiles, Database, Session};
use crate::parser::{parts, Builder, ClauseName, Parsed, Rule};

/// `unlock`: from a profile.
pub type Unlock = UnlockQuery;

impl Form for Unlock {
    fn build(builder: &Builder, form: Pair<'_, Rule>) -> Parsed<Self> {
        let parts = parts(form.clone());
        let (profile, rest) = builder.optional_start(&form, &parts)?;
        let clauses = builder.clauses::<Self>(&builder.keyword(&form), rest)?;
        Ok(UnlockQuery {
            profile,
            min_importance: clauses.min_importance,
            limit: clauses.limit,
        })
    }

    fn evaluate(&self, session: &mut Session, db: &mut dyn Database, _: Span) -> Answer {
        profiles::unlock(session, db.graph(), self)
    }

    fn clauses(_: &str) -> &'static [ClauseName] {
        &[ClauseName::MinImportance, ClauseName::Limit]
    }
}
