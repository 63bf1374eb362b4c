//! [`ResultTable`]: the one shape every statement's answer takes, so every output format (table,
//! JSON, CSV, …) works for every statement. Rendering happens in the binary.

pub use compact_str::CompactString;
use skillgraph_graph::{format_number, EdgeKind, NodeKind, Value};

/// A typed cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Text(CompactString),
    Number(f64),
    Bool(bool),
    List(Vec<CompactString>),
}

impl Cell {
    pub fn text(s: impl Into<CompactString>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn list<S: Into<CompactString>>(items: impl IntoIterator<Item = S>) -> Cell {
        Cell::List(items.into_iter().map(Into::into).collect())
    }

    pub fn opt_number(n: Option<f64>) -> Cell {
        n.map_or(Cell::Null, Cell::Number)
    }

    /// Plain text for tables and CSV; lists are joined with `sep`.
    pub fn display(&self, sep: &str) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Text(s) => s.to_string(),
            Cell::Number(n) => format_number(*n),
            Cell::Bool(b) => b.to_string(),
            Cell::List(items) => items.join(sep),
        }
    }
}

impl From<&Value> for Cell {
    fn from(v: &Value) -> Cell {
        match v {
            Value::Text(s) => Cell::text(s.as_str()),
            Value::Number(n) => Cell::Number(*n),
            Value::Bool(b) => Cell::Bool(*b),
            Value::List(items) if items.iter().all(|i| matches!(i, Value::Text(_))) => {
                Cell::list(items.iter().map(|i| i.to_string()))
            }
            other => Cell::text(other.to_string()),
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
    /// What the answer comes to as a whole ("6 skills, 127 hours"), shown after the title
    /// ([`ResultTable::heading`]) and kept apart from it for programs (JSON).
    pub summary: Option<String>,
    pub columns: Vec<CompactString>,
    pub rows: Vec<Vec<Cell>>,
    /// Lines that belong under the table: totals, which limit was hit, source conflicts.
    pub notes: Vec<String>,
    /// The answer as a drawing, for statements that yield a path, a plan or a subgraph
    /// (`path`, `paths`, `learn`, `compare`, `show`, `neighbourhood`); `None` for the rest.
    pub picture: Option<Picture>,
    /// For an answer whose rows are nodes (a gap, a plan, `why`, `unlock`, …): which columns
    /// hold each row's name, id and kind. Programs read the id and kind (JSON, CSV); a person
    /// reads [`ResultTable::for_people`].
    pub row_nodes: Option<RowNodes>,
}

/// The columns that say which node a row is about: its name, its id and its kind word
/// (`role`, `skill`, `knowledge`, `tool`). Names alone do not tell nodes apart: O*NET has a
/// skill and a knowledge area both called "Mathematics".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowNodes {
    pub name: usize,
    pub id: usize,
    pub kind: usize,
    /// Whether a person reads the kind column too (`gap` shows it); the id column is for
    /// programs only.
    pub kind_shown: bool,
}

impl ResultTable {
    pub fn new<S: Into<CompactString>>(columns: impl IntoIterator<Item = S>) -> ResultTable {
        ResultTable {
            kind: TableKind::Rows,
            title: None,
            summary: None,
            columns: columns.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
            notes: Vec::new(),
            picture: None,
            row_nodes: None,
        }
    }

    /// Says that rows are nodes named in column `name`: adds the columns `id` and `kind`
    /// (unless the table has them; a `kind` column it has stays in view), so every row
    /// pushed after must hold `answers::describe::node_cells` in the columns added, in that order.
    pub fn with_row_nodes(mut self, name: &str) -> ResultTable {
        let name = self.column(name).expect("the name column exists");
        let kind_shown = self.column("kind").is_some();
        let add = |table: &mut ResultTable, column: &str| {
            table.column(column).unwrap_or_else(|| {
                table.columns.push(column.into());
                table.columns.len() - 1
            })
        };
        let id = add(&mut self, "id");
        let kind = add(&mut self, "kind");
        self.row_nodes = Some(RowNodes {
            name,
            id,
            kind,
            kind_shown,
        });
        self
    }

    /// The table as a person reads it: without the columns that are only for programs (a row
    /// node's id, and its kind where the answer does not show it), and where two rows name
    /// nodes of the same name (ignoring case), the name followed by what tells them apart —
    /// the kind (`Mathematics (knowledge)`) where the kinds differ, else the id. Every other
    /// name stays as it is, so the marks appear only where they are needed.
    pub fn for_people(&self) -> std::borrow::Cow<'_, ResultTable> {
        let Some(nodes) = self.row_nodes else {
            return std::borrow::Cow::Borrowed(self);
        };
        let text = |row: &[Cell], i: usize| row.get(i).map(|c| c.display(", ")).unwrap_or_default();
        let mut by_name: std::collections::HashMap<String, Vec<usize>> =
            std::collections::HashMap::new();
        for (r, row) in self.rows.iter().enumerate() {
            by_name
                .entry(text(row, nodes.name).to_lowercase())
                .or_default()
                .push(r);
        }
        let mut table = self.clone();
        for rows in by_name.values().filter(|rows| rows.len() > 1) {
            let ids: std::collections::HashSet<String> = rows
                .iter()
                .map(|&r| text(&self.rows[r], nodes.id))
                .collect();
            if ids.len() < 2 {
                continue; // the same node twice (a schedule's weeks): nothing to tell apart
            }
            let kinds: std::collections::HashSet<String> = rows
                .iter()
                .map(|&r| text(&self.rows[r], nodes.kind))
                .collect();
            let by = if kinds.len() == ids.len() {
                nodes.kind
            } else {
                nodes.id
            };
            for &r in rows {
                let mark = text(&self.rows[r], by);
                let name = text(&self.rows[r], nodes.name);
                table.rows[r][nodes.name] =
                    Cell::text(compact_str::format_compact!("{name} ({mark})"));
            }
        }
        let mut hidden = vec![nodes.id];
        if !nodes.kind_shown {
            hidden.push(nodes.kind);
        }
        hidden.sort_unstable();
        for &i in hidden.iter().rev() {
            table.columns.remove(i);
            for row in &mut table.rows {
                row.remove(i);
            }
        }
        table.row_nodes = None;
        std::borrow::Cow::Owned(table)
    }

    /// A one-column report of what happened.
    pub fn message<S: Into<CompactString>>(lines: impl IntoIterator<Item = S>) -> ResultTable {
        let mut table = ResultTable::new(["message"]);
        table.kind = TableKind::Message;
        table.rows = lines.into_iter().map(|l| vec![Cell::text(l)]).collect();
        table
    }

    pub fn with_title(mut self, title: impl Into<String>) -> ResultTable {
        self.title = Some(title.into());
        self
    }

    pub fn with_summary(mut self, summary: impl Into<String>) -> ResultTable {
        self.summary = Some(summary.into());
        self
    }

    /// The line a person reads above the table: the title, then the summary after a colon.
    pub fn heading(&self) -> Option<String> {
        match (&self.title, &self.summary) {
            (Some(title), Some(summary)) => Some(format!("{title}: {summary}")),
            (title, summary) => title.clone().or_else(|| summary.clone()),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[(&str, &str, &str)], kind_column: bool) -> ResultTable {
        let columns: &[&str] = if kind_column {
            &["skill", "kind", "hours"]
        } else {
            &["skill", "hours"]
        };
        let mut t = ResultTable::new(columns.iter().copied()).with_row_nodes("skill");
        for &(name, id, kind) in rows {
            let mut row = vec![Cell::text(name)];
            if kind_column {
                row.push(Cell::text(kind));
            }
            row.push(Cell::Number(1.0));
            row.push(Cell::text(id));
            if !kind_column {
                row.push(Cell::text(kind));
            }
            t.push(row);
        }
        t
    }

    fn names(t: &ResultTable) -> Vec<String> {
        t.rows.iter().map(|r| r[0].display(", ")).collect()
    }

    #[test]
    fn people_read_marks_only_where_names_collide_and_no_ids() {
        let t = table(
            &[
                ("Mathematics", "m-skill", "skill"),
                ("mathematics", "m-know", "knowledge"),
                ("Writing", "writing", "skill"),
            ],
            false,
        );
        assert_eq!(t.columns, ["skill", "hours", "id", "kind"]);
        let shown = t.for_people();
        assert_eq!(shown.columns, ["skill", "hours"]);
        assert_eq!(
            names(&shown),
            ["Mathematics (skill)", "mathematics (knowledge)", "Writing"]
        );
        // The same kind on both sides: only the ids tell them apart.
        let t = table(
            &[("Sage", "sage", "tool"), ("Sage", "sage-2", "tool")],
            true,
        );
        let shown = t.for_people();
        assert_eq!(shown.columns, ["skill", "kind", "hours"]);
        assert_eq!(names(&shown), ["Sage (sage)", "Sage (sage-2)"]);
        // One node on several rows (a schedule's weeks) is one node: no mark.
        let t = table(&[("Git", "git", "skill"), ("Git", "git", "skill")], false);
        assert_eq!(names(&t.for_people()), ["Git", "Git"]);
        // A table without row nodes is shown as it is.
        let plain = ResultTable::new(["a"]);
        assert!(matches!(plain.for_people(), std::borrow::Cow::Borrowed(_)));
    }
}
