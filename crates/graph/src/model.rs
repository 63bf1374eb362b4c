//! The vocabulary of the graph: node and edge kinds, nodes, edges, field values, sources.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    Role,
    Skill,
    Tool,
}

impl NodeKind {
    pub const ALL: [NodeKind; 3] = [NodeKind::Role, NodeKind::Skill, NodeKind::Tool];

    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Role => "role",
            NodeKind::Skill => "skill",
            NodeKind::Tool => "tool",
        }
    }

    pub fn parse(text: &str) -> Option<NodeKind> {
        NodeKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(text))
    }
}

impl fmt::Display for NodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an edge says. Every kind is directed; [`EdgeKind::endpoints`] fixes which node kinds it joins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EdgeKind {
    /// role → skill, with an importance 1–5.
    Requires,
    /// role → tool.
    Uses,
    /// tool → skill: using the tool exercises the skill.
    Covers,
    /// skill A → skill B: A must be learnt before B.
    Prerequisite,
    /// role → role: a known career move.
    Transition,
}

impl EdgeKind {
    pub const ALL: [EdgeKind; 5] = [
        EdgeKind::Requires,
        EdgeKind::Uses,
        EdgeKind::Covers,
        EdgeKind::Prerequisite,
        EdgeKind::Transition,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Requires => "requires",
            EdgeKind::Uses => "uses",
            EdgeKind::Covers => "covers",
            EdgeKind::Prerequisite => "prerequisite",
            EdgeKind::Transition => "transition",
        }
    }

    pub fn parse(text: &str) -> Option<EdgeKind> {
        EdgeKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(text))
    }

    /// The kinds of the (from, to) nodes this edge kind joins.
    pub fn endpoints(self) -> (NodeKind, NodeKind) {
        match self {
            EdgeKind::Requires => (NodeKind::Role, NodeKind::Skill),
            EdgeKind::Uses => (NodeKind::Role, NodeKind::Tool),
            EdgeKind::Covers => (NodeKind::Tool, NodeKind::Skill),
            EdgeKind::Prerequisite => (NodeKind::Skill, NodeKind::Skill),
            EdgeKind::Transition => (NodeKind::Role, NodeKind::Role),
        }
    }
}

impl fmt::Display for EdgeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A typed field value. Records hold structured facts such as a salary (`salary.avg`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Text(String),
    Number(f64),
    Bool(bool),
    List(Vec<Value>),
    Record(BTreeMap<String, Value>),
}

impl Value {
    /// The number this value is, if it is one.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Text(_) => "text",
            Value::Number(_) => "number",
            Value::Bool(_) => "boolean",
            Value::List(_) => "list",
            Value::Record(_) => "record",
        }
    }

    /// Follows a dotted path (`salary.avg`) into records.
    pub fn get_path<'a>(&'a self, path: &[&str]) -> Option<&'a Value> {
        match path.split_first() {
            None => Some(self),
            Some((head, rest)) => match self {
                Value::Record(map) => map.get(*head)?.get_path(rest),
                _ => None,
            },
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Text(s) => f.write_str(s),
            Value::Number(n) => write!(f, "{}", format_number(*n)),
            Value::Bool(b) => write!(f, "{b}"),
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                Ok(())
            }
            Value::Record(map) => {
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                Ok(())
            }
        }
    }
}

/// Numbers print without a trailing `.0` when they are whole, so hours read `40`, not `40.0`.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        let s = format!("{n:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Index of a [`Source`] in the graph's source table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SourceId(pub u16);

/// How the key of a bulk CSV import's source starts (then the directory): its rows state each
/// edge's weight themselves.
pub const CSV_SOURCE_PREFIX: &str = "csv:";

/// Where facts come from. Every node and edge names at least one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// Short stable key used in data files (`bootdev-2023`, `skillgraph-estimate`).
    pub key: String,
    pub title: String,
    pub url: Option<String>,
    pub author: Option<String>,
    pub publisher: Option<String>,
    pub date: Option<String>,
    pub licence: Option<String>,
}

/// The `transition` field that says what kind of move a source calls it: `step up`, `lateral`,
/// or [`TRAP`].
pub const MOVE_TYPE: &str = "move_type";
/// A move a source warns against: routes never take it on the way elsewhere.
pub const TRAP: &str = "trap";

/// The node field that says, per field, which sources state it (where not every source of the
/// node states every field): a record of field name → list of source keys.
pub const FIELD_SOURCES: &str = "field_sources";

/// The key of the source that marks facts the project adds itself.
pub const ESTIMATE_SOURCE: &str = "skillgraph-estimate";

impl Source {
    /// The source of facts the project adds itself ([`ESTIMATE_SOURCE`]), as the curated
    /// graph declares it, for importers that add estimates to a graph of their own.
    pub fn project_estimate() -> Source {
        Source {
            key: ESTIMATE_SOURCE.to_string(),
            title: "skillgraph project estimate".to_string(),
            url: None,
            author: None,
            publisher: Some("skillgraph".to_string()),
            date: None,
            licence: None,
        }
    }
}

/// A role, skill or tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Stable slug, unique across all kinds (`sre`, `kubernetes`).
    pub id: String,
    pub kind: NodeKind,
    pub name: String,
    pub aliases: Vec<String>,
    pub category: Option<String>,
    /// Skills only: estimated hours to learn to working level.
    pub effort_hours: Option<f64>,
    pub sources: Vec<SourceId>,
    /// Kind-specific fields (see [`crate::schema`]), e.g. `salary`, `primary_metric`.
    pub fields: BTreeMap<String, Value>,
}

impl Node {
    pub fn new(id: impl Into<String>, kind: NodeKind, name: impl Into<String>) -> Node {
        Node {
            id: id.into(),
            kind,
            name: name.into(),
            aliases: Vec::new(),
            category: None,
            effort_hours: None,
            sources: Vec::new(),
            fields: BTreeMap::new(),
        }
    }
}

/// A directed fact between two nodes. Rare parts live behind a box to keep large graphs small.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    pub kind: EdgeKind,
    /// `requires` only: 1 (nice to have) … 5 (essential).
    pub importance: Option<u8>,
    /// `transition` only: the stated effort of the move, in hours.
    pub effort_hours: Option<f64>,
    pub sources: Vec<SourceId>,
    pub extra: Option<Box<EdgeExtra>>,
}

/// The parts of an edge that few edges have.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EdgeExtra {
    /// `transition` only: the skills the sources say the move needs (node ids). First, so that
    /// a stored extra tells whether it has any by its first byte (`Frozen::move_skills`).
    pub skills: Vec<String>,
    pub note: Option<String>,
    pub fields: BTreeMap<String, Value>,
}

impl EdgeExtra {
    /// The field `level`, when it is a finite number.
    pub fn level(&self) -> Option<f64> {
        match self.fields.get("level")? {
            Value::Number(n) if n.is_finite() => Some(*n),
            _ => None,
        }
    }
}

impl Edge {
    pub fn new(kind: EdgeKind) -> Edge {
        Edge {
            kind,
            importance: None,
            effort_hours: None,
            sources: Vec::new(),
            extra: None,
        }
    }

    pub fn note(&self) -> Option<&str> {
        self.extra.as_ref().and_then(|e| e.note.as_deref())
    }

    /// `requires` only: the level the role needs, on O*NET's 0–7 scale (the field `level`).
    pub fn level(&self) -> Option<f64> {
        self.extra.as_deref()?.level()
    }

    /// One of the edge's free-form fields (O*NET's `in_demand` on a `uses` edge, say).
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.extra.as_deref()?.fields.get(name)
    }

    pub fn move_skills(&self) -> &[String] {
        self.extra.as_ref().map_or(&[], |e| &e.skills)
    }

    pub fn extra_mut(&mut self) -> &mut EdgeExtra {
        self.extra.get_or_insert_with(Default::default)
    }
}
