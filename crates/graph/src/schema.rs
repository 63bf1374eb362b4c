//! The fields each node kind carries: their names, types and meaning. One table serves
//! validation (`set`), query field access, `.schema`, and completion.

use crate::model::{Node, NodeKind, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Text,
    Number,
    Bool,
    TextList,
    Record,
    RecordList,
}

impl FieldType {
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Number => "number",
            FieldType::Bool => "boolean",
            FieldType::TextList => "list of text",
            FieldType::Record => "record",
            FieldType::RecordList => "list of records",
        }
    }

    /// Whether `value` has this type.
    pub fn admits(self, value: &Value) -> bool {
        match (self, value) {
            (FieldType::Text, Value::Text(_))
            | (FieldType::Number, Value::Number(_))
            | (FieldType::Bool, Value::Bool(_))
            | (FieldType::Record, Value::Record(_)) => true,
            (FieldType::TextList, Value::List(items)) => {
                items.iter().all(|v| matches!(v, Value::Text(_)))
            }
            (FieldType::RecordList, Value::List(items)) => {
                items.iter().all(|v| matches!(v, Value::Record(_)))
            }
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub name: &'static str,
    pub ty: FieldType,
    /// The node kinds that carry it; empty means every kind.
    pub kinds: &'static [NodeKind],
    /// Fields users may change with `set`.
    pub settable: bool,
    pub doc: &'static str,
}

use FieldType::*;
use NodeKind::{Role, Skill, Tool};

const ALL: &[NodeKind] = &[];
const ROLE: &[NodeKind] = &[Role];
const SKILL: &[NodeKind] = &[Skill];
const TOOL: &[NodeKind] = &[Tool];

macro_rules! field {
    ($name:literal, $ty:expr, $kinds:expr, $settable:literal, $doc:literal) => {
        FieldSpec {
            name: $name,
            ty: $ty,
            kinds: $kinds,
            settable: $settable,
            doc: $doc,
        }
    };
}

pub const FIELDS: &[FieldSpec] = &[
    field!("id", Text, ALL, false, "stable identifier (slug), unique across kinds"),
    field!("kind", Text, ALL, false, "role, skill or tool"),
    field!("name", Text, ALL, true, "display name"),
    field!("aliases", TextList, ALL, true, "other names the node answers to"),
    field!("category", Text, ALL, true, "grouping: skill area, tool category, role family"),
    field!("sources", TextList, ALL, false, "keys of the sources stating the node"),
    field!("description", Text, ALL, true, "short description (imported datasets)"),
    field!("effort_hours", Number, SKILL, true, "estimated hours to learn to working level"),
    field!("hours_per_level", Number, SKILL, true, "estimated hours per O*NET level point (0–7 scale)"),
    field!("skill_type", Text, SKILL, true, "ESCO: skill/competence or knowledge"),
    field!("reuse_level", Text, SKILL, true, "ESCO: transversal, cross-sector, sector-specific, occupation-specific"),
    field!("focus", Text, ROLE, true, "what the role optimises for"),
    field!("primary_metric", Text, ROLE, true, "the metric the role is judged by"),
    field!("core_activity", Text, ROLE, true, "what the role spends its days on"),
    field!("risk_tolerance", Text, ROLE, true, "how the role treats risk"),
    field!("team_structure", Text, ROLE, true, "typical team structure"),
    field!("background", TextList, ROLE, true, "backgrounds employers ask for"),
    field!("education", TextList, ROLE, true, "education employers ask for"),
    field!("salary", Record, ROLE, true, "yearly salary: min, avg, max, currency, year, source"),
    field!("job_openings", RecordList, ROLE, true, "job openings per platform: platform, count, source, note"),
    field!("city_pay", RecordList, ROLE, true, "monthly pay by city: city, monthly_salary, after_taxes, rent_1br, cost_of_living, take_home, source"),
    field!("job_zone", Number, ROLE, true, "O*NET job zone 1–5 (preparation needed)"),
    field!("hot_technology", Bool, TOOL, true, "O*NET: flagged as a hot technology"),
    field!("field_sources", Record, ALL, false, "per field, the keys of the sources that state it"),
];

/// The spec of `name` for `kind`, if that kind carries such a field.
pub fn field_spec(kind: NodeKind, name: &str) -> Option<&'static FieldSpec> {
    FIELDS
        .iter()
        .find(|f| f.name == name && (f.kinds.is_empty() || f.kinds.contains(&kind)))
}

/// Field names any node kind carries, for completion and "did you mean".
pub fn field_names() -> impl Iterator<Item = &'static str> {
    FIELDS.iter().map(|f| f.name)
}

impl Node {
    /// A field by dotted path (`salary.avg`), including the built-in ones (`name`, `effort_hours`).
    pub fn field(&self, path: &str) -> Option<Value> {
        let mut parts = path.split('.');
        let head = parts.next()?;
        let rest: Vec<&str> = parts.collect();
        let top = match head {
            "id" => Value::Text(self.id.clone()),
            "kind" => Value::Text(self.kind.as_str().to_string()),
            "name" => Value::Text(self.name.clone()),
            "aliases" => Value::List(self.aliases.iter().cloned().map(Value::Text).collect()),
            "category" => Value::Text(self.category.clone()?),
            "effort_hours" => Value::Number(self.effort_hours?),
            _ => return self.fields.get(head)?.get_path(&rest).cloned(),
        };
        top.get_path(&rest).cloned()
    }
}
