//! [`ResultTable`]: the one shape every statement's answer takes, so every output format (table,
//! JSON, CSV, …) works for every statement. Rendering happens in the binary.

use skillgraph_graph::{format_number, Value};

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
}

impl ResultTable {
    pub fn new<S: Into<String>>(columns: impl IntoIterator<Item = S>) -> ResultTable {
        ResultTable {
            kind: TableKind::Rows,
            title: None,
            columns: columns.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
            notes: Vec::new(),
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
