//! Personal profiles: what one person knows, at which level, and what they are learning.
//! Saved in the database with the graph; every plan for the profile reads the same state.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Where a person stands with one skill or tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SkillState {
    /// Listed when the profile was written: held.
    Held,
    /// Marked `learnt` since: held.
    Learnt,
    /// Marked `learning`: in progress, not yet held.
    Learning,
}

impl SkillState {
    pub fn as_str(self) -> &'static str {
        match self {
            SkillState::Held => "held",
            SkillState::Learnt => "learnt",
            SkillState::Learning => "learning",
        }
    }

    /// Whether the skill counts as held in plans.
    pub fn is_held(self) -> bool {
        matches!(self, SkillState::Held | SkillState::Learnt)
    }
}

/// One skill or tool in a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileEntry {
    /// 1 (beginner) … 5 (expert).
    pub level: u8,
    pub state: SkillState,
}

/// The level an entry gets when none is written.
pub const DEFAULT_LEVEL: u8 = 3;

/// A named profile: node id → entry. Tools count as the skills they cover.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub name: String,
    pub entries: BTreeMap<String, ProfileEntry>,
}

impl Profile {
    pub fn new(name: impl Into<String>) -> Profile {
        Profile {
            name: name.into(),
            entries: BTreeMap::new(),
        }
    }

    /// Ids of the entries that count as held.
    pub fn held_ids(&self) -> impl Iterator<Item = &str> {
        self.entries
            .iter()
            .filter(|(_, e)| e.state.is_held())
            .map(|(id, _)| id.as_str())
    }
}
