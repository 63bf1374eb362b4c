//! `show profile NAME`: a saved profile, entry by entry.

use pest::iterators::Pair;

use super::{Answer, Form};
use crate::ast::{Span, Spanned};
use crate::eval::{profiles, Database, Session};
use crate::parser::{Builder, Parsed, Rule};

/// `show profile NAME`: the profile's name.
#[derive(Debug, Clone, PartialEq)]
pub struct ShowProfile(pub Spanned<String>);

impl Form for ShowProfile {
    fn build(builder: &Builder, form: Pair<'_, Rule>) -> Parsed<Self> {
        Ok(ShowProfile(builder.name(&builder.part(&form, 0)?)))
    }

    fn evaluate(&self, _: &mut Session, db: &mut dyn Database, _: Span) -> Answer {
        profiles::show(db.graph(), &self.0)
    }
}
