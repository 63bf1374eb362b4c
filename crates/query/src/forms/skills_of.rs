//! `skills of ROLE`: the skills a role requires.

use pest::iterators::Pair;

use super::{Answer, Form};
use crate::answers::describe;
use crate::ast::{NodeKind, NodeRef, Span};
use crate::eval::{resolve_kind, Database, Session};
use crate::parser::{Builder, Parsed, Rule};

/// `skills of ROLE`: the role.
#[derive(Debug, Clone, PartialEq)]
pub struct SkillsOf(pub NodeRef);

impl Form for SkillsOf {
    fn build(builder: &Builder, form: Pair<'_, Rule>) -> Parsed<Self> {
        Ok(SkillsOf(builder.node_ref(builder.part(&form, 0)?)?))
    }

    fn evaluate(&self, _: &mut Session, db: &mut dyn Database, _: Span) -> Answer {
        let graph = db.graph();
        let role = resolve_kind(graph, &self.0, NodeKind::Role, "`skills of` takes a role")?;
        Ok(describe::skills_of(graph, role))
    }
}
