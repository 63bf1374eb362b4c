//! `profile NAME add SKILL: LEVEL, …`: adds to a saved profile.

use pest::iterators::Pair;
use skillgraph_graph::{Change, SkillState};

use super::{apply, Answer, Effect, Form};
use crate::ast::{LevelItem, Span, Spanned};
use crate::eval::{profiles, Database, Session};
use crate::parser::{parts, Builder, Parsed, Rule};
use crate::result::ResultTable;

/// `profile NAME add ITEM, …`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileAdd {
    pub name: Spanned<String>,
    pub items: Vec<LevelItem>,
}

impl Form for ProfileAdd {
    const EFFECT: Effect = Effect::Writes;

    fn build(builder: &Builder, form: Pair<'_, Rule>) -> Parsed<Self> {
        let parts = parts(form);
        Ok(ProfileAdd {
            name: builder.name(&parts[0]),
            items: parts[1..]
                .iter()
                .map(|item| builder.level_item(item.clone()))
                .collect::<Parsed<Vec<_>>>()?,
        })
    }

    fn evaluate(&self, _: &mut Session, db: &mut dyn Database, span: Span) -> Answer {
        let mut profile = profiles::saved(db.graph(), &self.name)?.clone();
        profiles::add_items(db.graph(), &mut profile, &self.items, SkillState::Held)?;
        let lines = apply(db, vec![Change::SetProfile(profile)], span)?;
        Ok(ResultTable::message(lines))
    }
}
