//! `let NAME = [NODE, …]`: names a profile for this session.

use pest::iterators::Pair;

use super::{Answer, Effect, Form};
use crate::ast::{NodeKind, Profile, Span, Spanned};
use crate::eval::{resolve, Database, Session};
use crate::parser::{Builder, Parsed, Rule};
use crate::result::ResultTable;

/// `let NAME = [NODE, …]`: the name, and the list its `$NAME` stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct LetProfile {
    pub name: Spanned<String>,
    pub profile: Profile,
}

impl Form for LetProfile {
    const EFFECT: Effect = Effect::Reports;

    fn build(builder: &Builder, form: Pair<'_, Rule>) -> Parsed<Self> {
        Ok(LetProfile {
            name: builder.name(&builder.part(&form, 0)?),
            profile: builder.profile(builder.part(&form, 1)?)?,
        })
    }

    fn evaluate(&self, session: &mut Session, db: &mut dyn Database, _: Span) -> Answer {
        let graph = db.graph();
        let mut ids = Vec::new();
        let mut roles = 0;
        for item in &self.profile.items {
            // A role stands for the skills it requires, at its levels.
            let ix = resolve(graph, item)?;
            roles += usize::from(graph.node(ix).kind == NodeKind::Role);
            ids.push(graph.node(ix).id.clone());
        }
        let count = ids.len() - roles;
        session.profiles.insert(self.name.value.clone(), ids);
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let roles = match roles {
            0 => String::new(),
            n => format!(
                " and {n} role{} (with the skills {} requires{})",
                plural(n),
                if n == 1 { "it" } else { "they" },
                if n == 1 { "s" } else { "" }
            ),
        };
        Ok(ResultTable::message([format!(
            "profile ${} holds {count} skill{}/tool{}{roles}",
            self.name.value,
            plural(count),
            plural(count),
        )]))
    }
}
