//! Renders [`ResultTable`]s: a readable table (fitted to the terminal), JSON, or CSV.

use std::io::{self, IsTerminal, Write};

use clap::ValueEnum;
use comfy_table::{presets, Attribute, Cell as TableCell, ContentArrangement, Table};
use serde_json::{Map, Number, Value as Json};
use skillgraph_query::result::{Cell, ResultTable, TableKind};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

impl Format {
    pub fn parse(text: &str) -> Option<Format> {
        Format::from_str(text, true).ok()
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Csv => "csv",
        }
    }
}

/// Whether to colour and style output: only on a terminal, and never when `NO_COLOR` is set.
pub fn use_color(stream_is_terminal: bool) -> bool {
    stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Renders a table to text in the given format.
///
/// In JSON and CSV the notes (totals, limits hit) are not part of the data; `render_notes`
/// gives them to the caller to print on standard error, so standard output stays parseable.
pub fn render(table: &ResultTable, format: Format, styled: bool) -> String {
    match format {
        Format::Table => render_table(table, styled),
        Format::Json => {
            let mut s = serde_json::to_string(&json_rows(table)).expect("JSON values serialise");
            s.push('\n');
            s
        }
        Format::Csv => render_csv(table),
    }
}

fn render_table(table: &ResultTable, styled: bool) -> String {
    let mut out = String::new();
    if table.kind == TableKind::Message {
        for row in &table.rows {
            out.push_str(&row[0].display(", "));
            out.push('\n');
        }
        for note in &table.notes {
            out.push_str(note);
            out.push('\n');
        }
        return out;
    }
    if let Some(title) = &table.title {
        out.push_str(title);
        out.push('\n');
    }
    if table.rows.is_empty() {
        out.push_str("(no rows)\n");
    } else {
        let mut t = Table::new();
        t.load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic);
        // Measure the terminal now: `force_no_tty` below (no colour) would stop comfy-table from
        // measuring it. No terminal, or one that reports no size (a fresh pseudo-terminal says
        // 0): fit $COLUMNS, else a width that reads well in a pager.
        let measured = t.width().filter(|&w| w > 0);
        let width = measured.unwrap_or_else(|| {
            std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.parse().ok())
                .unwrap_or(120)
        });
        t.set_width(width);
        let header: Vec<TableCell> = table
            .columns
            .iter()
            .map(|c| {
                let cell = TableCell::new(c);
                if styled {
                    cell.add_attribute(Attribute::Bold)
                } else {
                    cell
                }
            })
            .collect();
        t.set_header(header);
        for row in &table.rows {
            t.add_row(row.iter().map(|c| c.display("\n")));
        }
        if !styled {
            t.force_no_tty();
        }
        out.push_str(&t.to_string());
        out.push('\n');
    }
    for note in &table.notes {
        out.push_str(note);
        out.push('\n');
    }
    out
}

fn json_cell(cell: &Cell) -> Json {
    match cell {
        Cell::Null => Json::Null,
        Cell::Text(s) => Json::String(s.clone()),
        Cell::Number(n) => {
            if n.fract() == 0.0 && n.abs() < 9e15 {
                Json::Number(Number::from(*n as i64))
            } else {
                Number::from_f64(*n).map_or(Json::Null, Json::Number)
            }
        }
        Cell::Bool(b) => Json::Bool(*b),
        Cell::List(items) => Json::Array(items.iter().cloned().map(Json::String).collect()),
    }
}

/// The rows as JSON objects keyed by column name.
pub fn json_rows(table: &ResultTable) -> Json {
    Json::Array(
        table
            .rows
            .iter()
            .map(|row| {
                let mut obj = Map::new();
                for (col, cell) in table.columns.iter().zip(row) {
                    obj.insert(col.clone(), json_cell(cell));
                }
                Json::Object(obj)
            })
            .collect(),
    )
}

fn render_csv(table: &ResultTable) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(&table.columns);
    for row in &table.rows {
        let _ = w.write_record(row.iter().map(|c| c.display("; ")));
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Writes a table to standard output, and in JSON/CSV its notes to standard error.
pub fn print(table: &ResultTable, format: Format) {
    let styled = use_color(io::stdout().is_terminal());
    let text = render(table, format, styled);
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    if format != Format::Table && table.kind == TableKind::Rows {
        for note in &table.notes {
            eprintln!("{note}");
        }
    }
}
