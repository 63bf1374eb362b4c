//! `use NAME`: the profile a statement uses when its start is left out.

use pest::iterators::Pair;

use super::{Answer, Effect, Form};
use crate::ast::{Span, Spanned};
use crate::eval::{Database, Session};
use crate::parser::{Builder, Parsed, Rule};
use crate::result::ResultTable;

/// `use NAME`: the profile's name.
#[derive(Debug, Clone, PartialEq)]
pub struct UseProfile(pub Spanned<String>);

impl Form for UseProfile {
    const EFFECT: Effect = Effect::Reports;

    fn build(builder: &Builder, form: Pair<'_, Rule>) -> Parsed<Self> {
        Ok(UseProfile(builder.name(&builder.part(&form, 0)?)))
    }

    fn evaluate(&self, session: &mut Session, db: &mut dyn Database, _: Span) -> Answer {
        let name = &self.0;
        if !session.profiles.contains_key(&name.value) && db.graph().profile(&name.value).is_none()
        {
            session.named_profile(db.graph(), &name.value, name.span)?;
        }
        session.default_profile = Some(name.value.clone());
        Ok(ResultTable::message([format!(
            "using profile ${} when a statement leaves out its start (`learn -> SRE`)",
            name.value
        )]))
    }
}
