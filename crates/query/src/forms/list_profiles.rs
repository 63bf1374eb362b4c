//! `profiles`: the saved profiles.

use pest::iterators::Pair;

use super::{Answer, Form};
use crate::ast::Span;
use crate::eval::{profiles, Database, Session};
use crate::parser::{Builder, Parsed, Rule};

/// `profiles` takes nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct ListProfiles;

impl Form for ListProfiles {
    fn build(_: &Builder, _: Pair<'_, Rule>) -> Parsed<Self> {
        Ok(ListProfiles)
    }

    fn evaluate(&self, _: &mut Session, db: &mut dyn Database, _: Span) -> Answer {
        Ok(profiles::list(db.graph()))
    }
}
