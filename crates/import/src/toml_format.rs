//! The `graphdata/*.toml` format: what a curated data file may hold. `deny_unknown_fields`
//! everywhere, so a misspelt key is an error with its line, not a silently dropped fact.
//!
//! A data directory is any number of `.toml` files; each may hold any of the tables below, and
//! references between files are resolved after all are read.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataFile {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub source: Vec<SourceEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub role: Vec<NodeEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skill: Vec<NodeEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool: Vec<NodeEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<RequiresEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uses: Vec<PlainEdgeEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub covers: Vec<CoversEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prerequisite: Vec<PrerequisiteEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transition: Vec<TransitionEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub profile: Vec<ProfileTable>,
}

/// A saved personal profile: `[[profile]] name = "me"` with its entries.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileTable {
    pub name: Spanned<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entries: Vec<ProfileEntryTable>,
}

/// One skill or tool of a profile.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileEntryTable {
    /// The node id.
    pub id: Spanned<String>,
    /// 1–5; 3 when left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<Spanned<i64>>,
    /// `held` (the default), `learnt` or `learning`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<Spanned<String>>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceEntry {
    pub key: Spanned<String>,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub licence: Option<String>,
}

/// A `[[role]]`, `[[skill]]` or `[[tool]]`. One shape for the three kinds; the fields a kind
/// does not carry (a skill's `salary`) are reported by the loader with their line. Every field
/// of `skillgraph_graph::schema` has a place here, so an export keeps all a user may `set`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeEntry {
    pub id: Spanned<String>,
    pub name: Spanned<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub sources: Vec<Spanned<String>>,
    // skill
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effort_hours: Option<Spanned<f64>>,
    // role
    #[serde(skip_serializing_if = "Option::is_none")]
    pub focus: Option<Spanned<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_metric: Option<Spanned<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub core_activity: Option<Spanned<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_tolerance: Option<Spanned<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_structure: Option<Spanned<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background: Option<Spanned<Vec<String>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub education: Option<Spanned<Vec<String>>>,
    /// Role: O*NET job zone 1–5.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_zone: Option<Spanned<f64>>,
    /// Skill: hours per O*NET level point (the project's estimate for O*NET elements).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours_per_level: Option<Spanned<f64>>,
    // skill, from ESCO
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skill_type: Option<Spanned<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reuse_level: Option<Spanned<String>>,
    // tool, from O*NET
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hot_technology: Option<Spanned<bool>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salary: Option<Spanned<Salary>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_openings: Option<Spanned<Vec<JobOpenings>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city_pay: Option<Spanned<Vec<CityPay>>>,
    /// Which sources state each field (`primary_metric = ["pythonskillset-2026"]`), where the
    /// node's sources do not all state every field.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub field_sources: BTreeMap<String, Vec<Spanned<String>>>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Salary {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avg: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    pub currency: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i64>,
    pub source: Spanned<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobOpenings {
    pub platform: String,
    pub count: f64,
    pub source: Spanned<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CityPay {
    pub city: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly_salary: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_taxes: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rent_1br: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_of_living: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub take_home: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub yearly_salary: Option<f64>,
    pub source: Spanned<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `role requires skill`, importance 1 (nice to have) … 5 (essential).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequiresEntry {
    pub role: Spanned<String>,
    pub skill: Spanned<String>,
    pub importance: Spanned<i64>,
    /// The level the role needs, on O*NET's 0–7 scale (imported data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Spanned<f64>>,
    pub sources: Vec<Spanned<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Free-form extra facts (e.g. O*NET's `level_suppressed`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, toml::Value>,
}

/// `role uses tool`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlainEdgeEntry {
    pub role: Spanned<String>,
    pub tool: Spanned<String>,
    pub sources: Vec<Spanned<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Free-form extra facts (e.g. O*NET's `in_demand` for this role and tool).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, toml::Value>,
}

/// `tool covers skill`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoversEntry {
    pub tool: Spanned<String>,
    pub skill: Spanned<String>,
    pub sources: Vec<Spanned<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Free-form extra facts (e.g. O*NET's `level_suppressed`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, toml::Value>,
}

/// `first` must be learnt before `then`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrerequisiteEntry {
    pub first: Spanned<String>,
    pub then: Spanned<String>,
    pub sources: Vec<Spanned<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Free-form extra facts (e.g. O*NET's `level_suppressed`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, toml::Value>,
}

/// A career move `from` → `to`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitionEntry {
    pub from: Spanned<String>,
    pub to: Spanned<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effort_hours: Option<Spanned<f64>>,
    /// Skills the sources say the move needs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<Spanned<String>>,
    pub sources: Vec<Spanned<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Free-form extra facts (e.g. imported tiers and ranks).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, toml::Value>,
}
