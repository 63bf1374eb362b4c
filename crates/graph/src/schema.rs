//! The fields each node kind carries: their names, types and meaning. One table serves
//! validation (`set`), query field access, `.schema`, and completion.

use petgraph::stable_graph::NodeIndex;

use crate::model::{Node, NodeKind, Value};
use crate::Graph;

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

/// The parts of a node a field path reads: a built [`Node`]'s, or those of a graph's node read
/// in place ([`Graph::field_path_of`]), so that both answer every path alike.
trait NodeParts {
    fn id(&self) -> &str;
    fn kind(&self) -> NodeKind;
    fn name(&self) -> &str;
    fn aliases(&self) -> &[String];
    fn category(&self) -> Option<&str>;
    fn effort_hours(&self) -> Option<f64>;
    fn own_field(&self, name: &str) -> Option<&Value>;
}

/// The value at a dotted path (`salary.avg`) of a node's parts, the built-in ones included.
fn field_at(node: &impl NodeParts, path: &str) -> Option<Value> {
    let mut parts = path.split('.');
    let head = parts.next()?;
    let rest: Vec<&str> = parts.collect();
    let top = match head {
        "id" => Value::Text(node.id().to_string()),
        "kind" => Value::Text(node.kind().as_str().to_string()),
        "name" => Value::Text(node.name().to_string()),
        "aliases" => Value::List(node.aliases().iter().cloned().map(Value::Text).collect()),
        "category" => Value::Text(node.category()?.to_string()),
        "effort_hours" => Value::Number(node.effort_hours()?),
        _ => return node.own_field(head)?.get_path(&rest).cloned(),
    };
    top.get_path(&rest).cloned()
}

impl NodeParts for Node {
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> NodeKind {
        self.kind
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn aliases(&self) -> &[String] {
        &self.aliases
    }
    fn category(&self) -> Option<&str> {
        self.category.as_deref()
    }
    fn effort_hours(&self) -> Option<f64> {
        self.effort_hours
    }
    fn own_field(&self, name: &str) -> Option<&Value> {
        self.fields.get(name)
    }
}

/// A node of a graph, its parts read in place.
struct InPlace<'g> {
    graph: &'g Graph,
    ix: NodeIndex,
}

impl NodeParts for InPlace<'_> {
    fn id(&self) -> &str {
        self.graph.id_of(self.ix)
    }
    fn kind(&self) -> NodeKind {
        self.graph
            .kind_of(self.ix)
            .expect("node index from this graph")
    }
    fn name(&self) -> &str {
        self.graph.name_of(self.ix)
    }
    fn aliases(&self) -> &[String] {
        self.graph.aliases_of(self.ix)
    }
    fn category(&self) -> Option<&str> {
        self.graph.category_of(self.ix)
    }
    fn effort_hours(&self) -> Option<f64> {
        self.graph.effort_of(self.ix)
    }
    fn own_field(&self, name: &str) -> Option<&Value> {
        self.graph.field_of(self.ix, name)
    }
}

impl Node {
    /// A field by dotted path (`salary.avg`), including the built-in ones (`name`, `effort_hours`).
    pub fn field(&self, path: &str) -> Option<Value> {
        field_at(self, path)
    }
}

impl Graph {
    /// [`Node::field`] of the node at `ix` (which must exist), read in place: for a pass over
    /// many nodes (a listing), which building each node would leave holding them all.
    pub fn field_path_of(&self, ix: NodeIndex, path: &str) -> Option<Value> {
        field_at(&InPlace { graph: self, ix }, path)
    }
}
