//! `profile NAME = [SKILL: LEVEL, …]`: saves (or replaces) a profile.

use pest::iterators::Pair;
use skillgraph_graph::{Change, Profile, SkillState};

use super::{apply, Answer, Effect, Form};
use crate::ast::{LevelItem, Span, Spanned};
use crate::eval::{profiles, Database, Session};
use crate::parser::{parts, Builder, Parsed, Rule};
use crate::result::ResultTable;

/// `profile NAME = [ITEM, …]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileSet {
    pub name: Spanned<String>,
    pub items: Vec<LevelItem>,
}

impl Form for ProfileSet {
    const EFFECT: Effect = Effect::Writes;

    fn build(builder: &Builder, form: Pair<'_, Rule>) -> Parsed<Self> {
        Ok(ProfileSet {
            name: builder.name(&builder.part(&form, 0)?),
            items: parts(builder.part(&form, 1)?)
                .into_iter()
                .map(|item| builder.level_item(item))
                .collect::<Parsed<Vec<_>>>()?,
        })
    }

    fn evaluate(&self, _: &mut Session, db: &mut dyn Database, span: Span) -> Answer {
        let mut profile = Profile::new(self.name.value.clone());
        profiles::add_items(db.graph(), &mut profile, &self.items, SkillState::Held)?;
        let lines = apply(db, vec![Change::SetProfile(profile)], span)?;
        Ok(ResultTable::message(lines))
    }
}
