//! Validated mutations. Every write — a query's `add`/`link`/`set`, a replayed log entry — is a
//! [`Change`], checked in full against the graph before anything is touched, so a rejected change
//! leaves the graph exactly as it was.

use std::fmt;

use petgraph::stable_graph::NodeIndex;
use serde::{Deserialize, Serialize};

use crate::graph::Graph;
use crate::model::{Edge, EdgeKind, Node, NodeKind, Source, Value};
use crate::profile::Profile;
use crate::schema::{field_spec, FieldType};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Change {
    /// Adds a source unless one with the same key exists.
    AddSource(Source),
    AddNode(Node),
    RemoveNode {
        id: String,
    },
    AddEdge {
        from: String,
        to: String,
        edge: Edge,
    },
    /// Removes every `from -kind-> to` edge.
    RemoveEdge {
        from: String,
        to: String,
        kind: EdgeKind,
    },
    SetField {
        id: String,
        field: String,
        value: Value,
    },
    /// Saves a profile, replacing one of the same name.
    SetProfile(Profile),
    DeleteProfile {
        name: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum ChangeError {
    UnknownNode(String),
    DuplicateId {
        id: String,
        existing: NodeKind,
    },
    EmptyName,
    WrongEndpoints {
        kind: EdgeKind,
        from: (String, NodeKind),
        to: (String, NodeKind),
    },
    ImportanceOutOfRange(i64),
    MissingImportance,
    NegativeEffort(f64),
    SelfLoop(String),
    PrerequisiteCycle(Vec<String>),
    DuplicateEdge {
        from: String,
        kind: EdgeKind,
        to: String,
    },
    NoSuchEdge {
        from: String,
        kind: EdgeKind,
        to: String,
    },
    UnknownField {
        kind: NodeKind,
        field: String,
    },
    ReadOnlyField(String),
    FieldType {
        field: String,
        expected: FieldType,
        found: &'static str,
    },
    UnknownMoveSkill(String),
    /// A source index with no entry in the source table.
    UnknownSource(u16),
    /// A profile entry naming no node, or a level outside 1–5.
    BadProfileEntry(String),
    UnknownProfile(String),
}

impl fmt::Display for ChangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChangeError::UnknownNode(id) => write!(f, "there is no node with id `{id}`"),
            ChangeError::DuplicateId { id, existing } => {
                write!(f, "the id `{id}` is already taken by a {existing}")
            }
            ChangeError::EmptyName => write!(f, "a node needs a non-empty name"),
            ChangeError::WrongEndpoints { kind, from, to } => {
                let (want_from, want_to) = kind.endpoints();
                write!(
                    f,
                    "`{kind}` joins a {want_from} to a {want_to}, but `{}` is a {} and `{}` is a {}",
                    from.0, from.1, to.0, to.1
                )
            }
            ChangeError::ImportanceOutOfRange(n) => {
                write!(f, "importance must be between 1 and 5, not {n}")
            }
            ChangeError::MissingImportance => {
                write!(f, "a `requires` edge needs an importance (1–5)")
            }
            ChangeError::NegativeEffort(h) => {
                write!(f, "effort hours cannot be negative (got {h})")
            }
            ChangeError::SelfLoop(id) => write!(f, "`{id}` cannot be linked to itself"),
            ChangeError::PrerequisiteCycle(cycle) => write!(
                f,
                "this prerequisite would make a cycle: {}",
                cycle.join(" → ")
            ),
            ChangeError::DuplicateEdge { from, kind, to } => {
                write!(f, "`{from} {kind} {to}` already exists")
            }
            ChangeError::NoSuchEdge { from, kind, to } => {
                write!(f, "there is no `{from} {kind} {to}` edge")
            }
            ChangeError::UnknownField { kind, field } => {
                write!(f, "a {kind} has no field `{field}`")
            }
            ChangeError::ReadOnlyField(field) => write!(f, "the field `{field}` cannot be set"),
            ChangeError::FieldType {
                field,
                expected,
                found,
            } => write!(
                f,
                "the field `{field}` holds {}, not {found}",
                expected.as_str()
            ),
            ChangeError::BadProfileEntry(why) => write!(f, "{why}"),
            ChangeError::UnknownProfile(name) => write!(f, "there is no profile `{name}`"),
            ChangeError::UnknownSource(i) => write!(f, "source #{i} is not in the source table"),
            ChangeError::UnknownMoveSkill(id) => {
                write!(f, "the move names `{id}`, which is not a skill")
            }
        }
    }
}

impl std::error::Error for ChangeError {}

/// How much [`Graph::apply`] checks: everything, or what a logged change needs
/// ([`Graph::apply_logged`]).
#[derive(Clone, Copy)]
enum Checks {
    Full,
    Replay,
}

impl Graph {
    fn require(&self, id: &str) -> Result<NodeIndex, ChangeError> {
        self.by_id(id)
            .ok_or_else(|| ChangeError::UnknownNode(id.to_string()))
    }

    /// Checks a change without applying it.
    pub fn check(&self, change: &Change) -> Result<(), ChangeError> {
        self.check_as(change, Checks::Full)
    }

    fn check_as(&self, change: &Change, checks: Checks) -> Result<(), ChangeError> {
        match change {
            Change::AddSource(_) => Ok(()),
            Change::AddNode(node) => {
                if let Some(ix) = self.by_id(&node.id) {
                    return Err(ChangeError::DuplicateId {
                        id: node.id.clone(),
                        existing: self.node(ix).kind,
                    });
                }
                if node.name.trim().is_empty() || node.id.trim().is_empty() {
                    return Err(ChangeError::EmptyName);
                }
                if let Some(h) = node.effort_hours {
                    check_effort(h)?;
                }
                self.check_sources(&node.sources)?;
                for (name, value) in &node.fields {
                    check_field(node.kind, name, value)?;
                }
                Ok(())
            }
            Change::RemoveNode { id } => self.require(id).map(drop),
            Change::AddEdge { from, to, edge } => match checks {
                Checks::Full => self.check_edge(from, to, edge),
                Checks::Replay => self.check_edge_shape(from, to, edge).map(drop),
            },
            Change::RemoveEdge { from, to, kind } => {
                let (a, b) = (self.require(from)?, self.require(to)?);
                if self.edges_between(a, b, *kind).is_empty() {
                    return Err(ChangeError::NoSuchEdge {
                        from: from.clone(),
                        kind: *kind,
                        to: to.clone(),
                    });
                }
                Ok(())
            }
            Change::SetProfile(profile) => {
                if profile.name.is_empty() {
                    return Err(ChangeError::BadProfileEntry(
                        "a profile needs a name".into(),
                    ));
                }
                for (id, entry) in &profile.entries {
                    // A role stands for the skills it requires, at its levels.
                    self.require(id)?;
                    if !(1..=5).contains(&entry.level) {
                        return Err(ChangeError::BadProfileEntry(format!(
                            "a level goes from 1 to 5, not {}",
                            entry.level
                        )));
                    }
                }
                Ok(())
            }
            Change::DeleteProfile { name } => match self.profile(name) {
                Some(_) => Ok(()),
                None => Err(ChangeError::UnknownProfile(name.clone())),
            },
            Change::SetField { id, field, value } => {
                let ix = self.require(id)?;
                let kind = self.node(ix).kind;
                let spec = field_spec(kind, field).ok_or_else(|| ChangeError::UnknownField {
                    kind,
                    field: field.clone(),
                })?;
                if !spec.settable {
                    return Err(ChangeError::ReadOnlyField(field.clone()));
                }
                check_field(kind, field, value)?;
                if field == "name" && matches!(value, Value::Text(t) if t.trim().is_empty()) {
                    return Err(ChangeError::EmptyName);
                }
                Ok(())
            }
        }
    }

    fn check_sources(&self, ids: &[crate::model::SourceId]) -> Result<(), ChangeError> {
        match ids.iter().find(|id| id.0 as usize >= self.sources().len()) {
            Some(id) => Err(ChangeError::UnknownSource(id.0)),
            None => Ok(()),
        }
    }

    /// The checks an edge must pass, shared by `link` and by importers.
    pub fn check_edge(&self, from: &str, to: &str, edge: &Edge) -> Result<(), ChangeError> {
        let (a, b) = self.check_edge_shape(from, to, edge)?;
        // The checks that look at the other edges: a duplicate, a prerequisite cycle.
        let sources_overlap = self.edges_between(a, b, edge.kind).into_iter().any(|e| {
            self.edge(e)
                .sources
                .iter()
                .any(|s| edge.sources.contains(s))
        });
        if sources_overlap {
            return Err(ChangeError::DuplicateEdge {
                from: from.to_string(),
                kind: edge.kind,
                to: to.to_string(),
            });
        }
        if edge.kind == EdgeKind::Prerequisite {
            if let Some(path) = self.prerequisite_path(b, a) {
                let mut cycle: Vec<String> =
                    path.iter().map(|&ix| self.node(ix).id.clone()).collect();
                cycle.insert(0, self.node(a).id.clone());
                cycle.dedup();
                return Err(ChangeError::PrerequisiteCycle(cycle));
            }
        }
        Ok(())
    }

    /// The checks of an edge on its own: ends that exist and fit its kind, its fields.
    fn check_edge_shape(
        &self,
        from: &str,
        to: &str,
        edge: &Edge,
    ) -> Result<(NodeIndex, NodeIndex), ChangeError> {
        let (a, b) = (self.require(from)?, self.require(to)?);
        let (want_from, want_to) = edge.kind.endpoints();
        let (kind_a, kind_b) = (self.node(a).kind, self.node(b).kind);
        if kind_a != want_from || kind_b != want_to {
            return Err(ChangeError::WrongEndpoints {
                kind: edge.kind,
                from: (from.to_string(), kind_a),
                to: (to.to_string(), kind_b),
            });
        }
        if a == b {
            return Err(ChangeError::SelfLoop(from.to_string()));
        }
        match (edge.kind, edge.importance) {
            (EdgeKind::Requires, None) => return Err(ChangeError::MissingImportance),
            (_, Some(n)) if !(1..=5).contains(&n) => {
                return Err(ChangeError::ImportanceOutOfRange(n.into()))
            }
            _ => {}
        }
        if let Some(h) = edge.effort_hours {
            check_effort(h)?;
        }
        self.check_sources(&edge.sources)?;
        for skill in edge.move_skills() {
            match self.by_id(skill) {
                Some(ix) if self.node(ix).kind == NodeKind::Skill => {}
                _ => return Err(ChangeError::UnknownMoveSkill(skill.clone())),
            }
        }
        Ok((a, b))
    }

    /// A chain of prerequisite edges from `start` to `goal`, if one exists (both ends included).
    pub fn prerequisite_path(&self, start: NodeIndex, goal: NodeIndex) -> Option<Vec<NodeIndex>> {
        let mut parent = std::collections::HashMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        parent.insert(start, start);
        while let Some(ix) = queue.pop_front() {
            if ix == goal {
                let mut path = vec![ix];
                let mut cur = ix;
                while cur != start {
                    cur = parent[&cur];
                    path.push(cur);
                }
                path.reverse();
                return Some(path);
            }
            for (_, next) in self.out_edges(ix, EdgeKind::Prerequisite) {
                if let std::collections::hash_map::Entry::Vacant(slot) = parent.entry(next) {
                    slot.insert(ix);
                    queue.push_back(next);
                }
            }
        }
        None
    }

    /// Checks and applies a change; on error the graph is untouched.
    /// Returns a one-line summary of what changed ("added skill eBPF").
    pub fn apply(&mut self, change: Change) -> Result<String, ChangeError> {
        self.apply_as(change, Checks::Full)
    }

    /// Applies a change read back from the store's log, which was checked in full when it was
    /// committed: only what keeps the graph sound (ends that exist, ids not taken, fields of
    /// the right type) is checked again, not what needs the other edges (a duplicate fact, a
    /// prerequisite cycle), which would make every process that opens the database scan them.
    pub fn apply_logged(&mut self, change: Change) -> Result<String, ChangeError> {
        self.apply_as(change, Checks::Replay)
    }

    fn apply_as(&mut self, change: Change, checks: Checks) -> Result<String, ChangeError> {
        self.check_as(&change, checks)?;
        Ok(match change {
            Change::AddSource(source) => {
                let summary = format!("added source {}", source.key);
                self.add_source(source);
                summary
            }
            Change::SetProfile(profile) => {
                let summary = format!(
                    "saved profile {} ({} entries)",
                    profile.name,
                    profile.entries.len()
                );
                self.put_profile(profile);
                summary
            }
            Change::DeleteProfile { name } => {
                self.remove_profile(&name);
                format!("deleted profile {name}")
            }
            Change::AddNode(node) => {
                let summary = format!("added {} {}", node.kind, node.name);
                self.add_node(node);
                summary
            }
            Change::RemoveNode { id } => {
                let ix = self.require(&id)?;
                let node = self.remove_node(ix).expect("checked above");
                format!("removed {} {}", node.kind, node.name)
            }
            Change::AddEdge { from, to, edge } => {
                let (a, b) = (self.require(&from)?, self.require(&to)?);
                let summary = format!(
                    "linked {} {} {}",
                    self.node(a).name,
                    edge.kind,
                    self.node(b).name
                );
                self.add_edge(a, b, edge);
                summary
            }
            Change::RemoveEdge { from, to, kind } => {
                let (a, b) = (self.require(&from)?, self.require(&to)?);
                let edges = self.edges_between(a, b, kind);
                let count = edges.len();
                for e in edges {
                    self.remove_edge(e);
                }
                let plural = if count == 1 { "" } else { "s" };
                format!(
                    "unlinked {} {kind} {} ({count} edge{plural})",
                    self.node(a).name,
                    self.node(b).name
                )
            }
            Change::SetField { id, field, value } => {
                let ix = self.require(&id)?;
                let shown = value.to_string();
                self.node_mut(ix)
                    .edit(|node| match (field.as_str(), value) {
                        ("name", Value::Text(t)) => node.name = t,
                        ("aliases", Value::List(items)) => {
                            node.aliases = items.into_iter().map(|v| v.to_string()).collect()
                        }
                        ("category", Value::Text(t)) => node.category = Some(t),
                        ("effort_hours", Value::Number(n)) => node.effort_hours = Some(n),
                        (_, value) => {
                            node.fields.insert(field.clone(), value);
                        }
                    });
                format!("set {} {field} = {shown}", self.node(ix).name)
            }
        })
    }
}

/// Whether `c` may appear in a node id: a letter that is not upper case (letters of scripts
/// without case count), a digit, or one of `- _ . : + #`. The ids `add` makes from names
/// and the ids data files may use are both held to this, so an export imports back.
pub fn is_id_char(c: char) -> bool {
    (c.is_alphanumeric() && !c.is_uppercase()) || matches!(c, '-' | '_' | '.' | ':' | '+' | '#')
}

/// The fields whose records each cite a source: a salary, and every entry of the job openings
/// and of the pay by city.
pub const SOURCED_RECORD_FIELDS: [&str; 3] = ["salary", "job_openings", "city_pay"];

/// The records of `value` that must cite a source, when `field` is one of
/// [`SOURCED_RECORD_FIELDS`]; empty otherwise.
pub fn sourced_records<'v>(
    field: &str,
    value: &'v Value,
) -> Vec<&'v std::collections::BTreeMap<String, Value>> {
    if !SOURCED_RECORD_FIELDS.contains(&field) {
        return Vec::new();
    }
    match value {
        Value::Record(record) => vec![record],
        Value::List(items) => items
            .iter()
            .filter_map(|item| match item {
                Value::Record(record) => Some(record),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn check_effort(hours: f64) -> Result<(), ChangeError> {
    if hours < 0.0 || !hours.is_finite() {
        return Err(ChangeError::NegativeEffort(hours));
    }
    Ok(())
}

fn check_field(kind: NodeKind, name: &str, value: &Value) -> Result<(), ChangeError> {
    let spec = field_spec(kind, name).ok_or_else(|| ChangeError::UnknownField {
        kind,
        field: name.to_string(),
    })?;
    if !spec.ty.admits(value) {
        return Err(ChangeError::FieldType {
            field: name.to_string(),
            expected: spec.ty,
            found: value.type_name(),
        });
    }
    if name == "effort_hours" {
        if let Value::Number(n) = value {
            check_effort(*n)?;
        }
    }
    Ok(())
}

impl Graph {
    /// A cycle of prerequisite edges (first node repeated at the end), if there is one.
    /// Iterative, so a long prerequisite chain cannot overflow the stack.
    pub fn find_prerequisite_cycle(&self) -> Option<Vec<NodeIndex>> {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            OnStack,
            Done,
        }
        let mut mark = vec![Mark::New; self.node_bound()];
        for root in self.node_indices() {
            if mark[root.index()] != Mark::New || self.kind_of(root) != Some(NodeKind::Skill) {
                continue;
            }
            let mut stack: Vec<(NodeIndex, Vec<NodeIndex>)> = Vec::new();
            let children = |ix| {
                self.out_edges(ix, EdgeKind::Prerequisite)
                    .map(|(_, t)| t)
                    .collect()
            };
            mark[root.index()] = Mark::OnStack;
            stack.push((root, children(root)));
            while let Some((ix, pending)) = stack.last_mut() {
                let ix = *ix;
                match pending.pop() {
                    Some(next) => match mark[next.index()] {
                        Mark::New => {
                            mark[next.index()] = Mark::OnStack;
                            stack.push((next, children(next)));
                        }
                        Mark::OnStack => {
                            let start = stack.iter().position(|(n, _)| *n == next)?;
                            let mut cycle: Vec<NodeIndex> =
                                stack[start..].iter().map(|(n, _)| *n).collect();
                            cycle.push(next);
                            return Some(cycle);
                        }
                        Mark::Done => {}
                    },
                    None => {
                        mark[ix.index()] = Mark::Done;
                        stack.pop();
                    }
                }
            }
        }
        None
    }

    /// Adds every source, node and edge of `other`. Fails, changing nothing, if an id is taken.
    pub fn merge(&mut self, other: Graph) -> Result<(), Vec<ChangeError>> {
        // Into a graph with nothing in it yet (the usual `import`), the result is `other` itself:
        // take it whole rather than copy a large graph node by node.
        if self.merge_is_whole(&other) {
            self.become_whole(other);
            return Ok(());
        }
        let clashes: Vec<ChangeError> = other
            .node_indices()
            .filter_map(|ix| {
                let id = &other.node(ix).id;
                self.by_id(id).map(|mine| ChangeError::DuplicateId {
                    id: id.clone(),
                    existing: self.node(mine).kind,
                })
            })
            .collect();
        if !clashes.is_empty() {
            return Err(clashes);
        }
        let source_map: Vec<crate::model::SourceId> = other
            .sources()
            .iter()
            .map(|s| self.add_source(s.clone()))
            .collect();
        let remap =
            |ids: &[crate::model::SourceId]| ids.iter().map(|s| source_map[s.0 as usize]).collect();
        let mut node_map = std::collections::HashMap::new();
        for ix in other.node_indices() {
            let mut node = other.node(ix).clone();
            node.sources = remap(&node.sources);
            node_map.insert(ix, self.add_node(node));
        }
        for e in other.edge_indices() {
            let (a, b) = other.edge_endpoints(e);
            let mut edge = other.edge(e).clone();
            edge.sources = remap(&edge.sources);
            self.add_edge(node_map[&a], node_map[&b], edge);
        }
        Ok(())
    }
}
