//! [`ResultTable`]: the one shape every statement's answer takes, so every output format (table,
//! JSON, CSV, …) works for every statement. Rendering happens in the binary.

use skillgraph_graph::{format_number, EdgeKind, NodeKind, Value};

/// A typed cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Text(String),
    Number(f64),
    Bool(bool),
    List(Vec<String>),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn opt_number(n: Option<f64>) -> Cell {
        n.map_or(Cell::Null, Cell::Number)
    }

    /// Plain text for tables and CSV; lists are joined with `sep`.
    pub fn display(&self, sep: &str) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => format_number(*n),
            Cell::Bool(b) => b.to_string(),
            Cell::List(items) => items.join(sep),
        }
    }
}

impl From<&Value> for Cell {
    fn from(v: &Value) -> Cell {
        match v {
            Value::Text(s) => Cell::Text(s.clone()),
            Value::Number(n) => Cell::Number(*n),
            Value::Bool(b) => Cell::Bool(*b),
            Value::List(items) if items.iter().all(|i| matches!(i, Value::Text(_))) => {
                Cell::List(items.iter().map(|i| i.to_string()).collect())
            }
            other => Cell::Text(other.to_string()),
        }
    }
}

/// What kind of answer a table is, so front ends can present it well.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    /// Rows of data.
    Rows,
    /// A report of what a statement did ("added skill eBPF"): one column, shown as plain lines.
    Message,
}

/// Named columns, typed rows, an optional title and notes (totals, warnings, conflicts).
#[derive(Debug, Clone, PartialEq)]
pub struct ResultTable {
    pub kind: TableKind,
    pub title: Option<String>,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Lines that belong under the table: totals, which limit was hit, source conflicts.
    pub notes: Vec<String>,
    /// The answer as a drawing, for statements that yield a path, a plan or a subgraph
    /// (`path`, `paths`, `learn`, `compare`, `show`, `neighbourhood`); `None` for the rest.
    pub picture: Option<Picture>,
}

impl ResultTable {
    pub fn new<S: Into<String>>(columns: impl IntoIterator<Item = S>) -> ResultTable {
        ResultTable {
            kind: TableKind::Rows,
            title: None,
            columns: columns.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
            notes: Vec::new(),
            picture: None,
        }
    }

    /// A one-column report of what happened.
    pub fn message<S: Into<String>>(lines: impl IntoIterator<Item = S>) -> ResultTable {
        let mut table = ResultTable::new(["message"]);
        table.kind = TableKind::Message;
        table.rows = lines
            .into_iter()
            .map(|l| vec![Cell::Text(l.into())])
            .collect();
        table
    }

    pub fn with_title(mut self, title: impl Into<String>) -> ResultTable {
        self.title = Some(title.into());
        self
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len(), "row width matches columns");
        self.rows.push(row);
    }

    pub fn note(&mut self, line: impl Into<String>) {
        self.notes.push(line.into());
    }

    /// The index of a column by name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }
}

/// What a drawn node stands for; each is drawn in its own shape and colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PictureKind {
    Role,
    Skill,
    Tool,
    /// The start of a plan that is a list of skills and tools rather than a role.
    Profile,
}

impl PictureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PictureKind::Role => "role",
            PictureKind::Skill => "skill",
            PictureKind::Tool => "tool",
            PictureKind::Profile => "profile",
        }
    }
}

impl From<NodeKind> for PictureKind {
    fn from(kind: NodeKind) -> PictureKind {
        match kind {
            NodeKind::Role => PictureKind::Role,
            NodeKind::Skill => PictureKind::Skill,
            NodeKind::Tool => PictureKind::Tool,
        }
    }
}

/// A node of a [`Picture`].
#[derive(Debug, Clone, PartialEq)]
pub struct PictureNode {
    /// Unique within the picture: the graph id, or a made-up id for a profile.
    pub id: String,
    pub label: String,
    /// A second, smaller line: the step and hours of a plan skill, say.
    pub detail: Option<String>,
    pub kind: PictureKind,
    /// On the route or plan, or the node the picture is about.
    pub highlighted: bool,
    /// Where the node belongs left to right (route order, plan step), when the answer says;
    /// layouts place the rest themselves.
    pub column: Option<usize>,
}

/// A directed edge of a [`Picture`], drawn from `from` to `to` (node ids).
#[derive(Debug, Clone, PartialEq)]
pub struct PictureEdge {
    pub from: String,
    pub to: String,
    /// The kind of graph edge it stands for; `None` where the answer draws a relation no edge
    /// stores (a plan's next step, a skill a move names, the plan a profile starts with).
    pub kind: Option<EdgeKind>,
    /// Hours or importance, say.
    pub label: Option<String>,
    /// Part of the route or plan.
    pub highlighted: bool,
}

/// An answer as nodes and edges, for the `dot`, `mermaid` and SVG renderers in the binary.
/// Nodes come in the order they were added; an edge names nodes of the picture.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Picture {
    pub nodes: Vec<PictureNode>,
    pub edges: Vec<PictureEdge>,
    /// Lines drawn under the title: what the picture leaves out, when a plan is ready.
    pub notes: Vec<String>,
}

impl Picture {
    /// Adds a node unless one with its id is there; either way returns its position. A
    /// highlight or column given later is kept.
    pub fn node(&mut self, node: PictureNode) -> usize {
        match self.nodes.iter().position(|n| n.id == node.id) {
            Some(i) => {
                let old = &mut self.nodes[i];
                old.highlighted |= node.highlighted;
                if old.column.is_none() {
                    old.column = node.column;
                }
                if old.detail.is_none() {
                    old.detail = node.detail;
                }
                i
            }
            None => {
                self.nodes.push(node);
                self.nodes.len() - 1
            }
        }
    }

    /// Adds an edge unless the same (from, to, kind) is there; a highlight given later is kept.
    pub fn edge(&mut self, edge: PictureEdge) {
        match self
            .edges
            .iter_mut()
            .find(|e| e.from == edge.from && e.to == edge.to && e.kind == edge.kind)
        {
            Some(old) => {
                old.highlighted |= edge.highlighted;
                if old.label.is_none() {
                    old.label = edge.label;
                }
            }
            None => self.edges.push(edge),
        }
    }

    pub fn find(&self, id: &str) -> Option<&PictureNode> {
        self.nodes.iter().find(|n| n.id == id)
    }
}
