//! Renders [`ResultTable`]s: a readable table (fitted to the terminal), JSON, CSV, or the
//! answer's picture as Graphviz DOT or a Mermaid flowchart (see [`crate::picture`]).

use std::io::{self, IsTerminal, Write};

use clap::ValueEnum;
use comfy_table::{presets, Attribute, Cell as TableCell, ContentArrangement, Table};
use serde_json::{Map, Number, Value as Json};
use skillgraph_query::result::{Cell, ResultTable, TableKind};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table fitted to the terminal (the default).
    Table,
    /// One object per statement: its title, summary, columns and rows.
    Json,
    /// The table of one statement (a run of several is refused).
    Csv,
    /// The picture of a path, plan or subgraph as Graphviz DOT.
    Dot,
    /// The picture as a Mermaid flowchart, as `mmdc` reads it (no Markdown fence).
    Mermaid,
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
            Format::Dot => "dot",
            Format::Mermaid => "mermaid",
        }
    }

    /// Whether the format draws the answer's picture rather than its table.
    pub fn is_picture(self) -> bool {
        matches!(self, Format::Dot | Format::Mermaid)
    }
}

/// Whether to colour and style output: only on a terminal, and never when `NO_COLOR` is set.
pub fn use_color(stream_is_terminal: bool) -> bool {
    match ColorChoice::get() {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// `--color`: colour on a terminal unless `NO_COLOR` is set (auto), always, or never.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The process's `--color`, set once at start ([`ColorChoice::set`]).
static COLOR_CHOICE: std::sync::OnceLock<ColorChoice> = std::sync::OnceLock::new();

impl ColorChoice {
    pub fn set(self) {
        let _ = COLOR_CHOICE.set(self);
    }

    fn get() -> ColorChoice {
        COLOR_CHOICE.get().copied().unwrap_or(ColorChoice::Auto)
    }
}

/// Renders a table in the given format onto the end of `out`.
///
/// In JSON and CSV the notes (totals, limits hit) are not part of the data; [`Stdout::answer`]
/// prints them on standard error, so standard output stays parseable.
fn render(
    out: &mut Vec<u8>,
    table: &ResultTable,
    format: Format,
    styled: bool,
    keys: &mut JsonKeys,
) {
    let text = match format {
        Format::Table => render_table(table, styled),
        Format::Json => {
            write_json(out, table, keys.of(&table.columns));
            out.push(b'\n');
            return;
        }
        Format::Csv => render_csv(table),
        Format::Dot | Format::Mermaid => match &table.picture {
            Some(p) if format == Format::Dot => crate::picture::dot(p, table.heading().as_deref()),
            Some(p) => crate::picture::mermaid(p, table.heading().as_deref()),
            None => String::new(),
        },
    };
    out.extend_from_slice(text.as_bytes());
}

fn render_table(table: &ResultTable, styled: bool) -> String {
    // Ids are for programs; equal names are told apart in the names themselves.
    let table = &*table.for_people();
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
    if let Some(heading) = table.heading() {
        out.push_str(&heading);
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
        // A column with nothing in any row (levels on a graph without them) only takes width
        // from the others; JSON and CSV keep every column, so programs see one shape.
        let shown: Vec<usize> = (0..table.columns.len())
            .filter(|&i| {
                table
                    .rows
                    .iter()
                    .any(|r| r.get(i).is_some_and(|c| !c.display(", ").is_empty()))
            })
            .collect();
        let header: Vec<TableCell> = shown
            .iter()
            .map(|&i| &table.columns[i])
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
            t.add_row(
                shown
                    .iter()
                    .map(|&i| row.get(i).map_or_else(String::new, |c| c.display("\n"))),
            );
        }
        if styled {
            // `--color always` off a terminal too.
            t.enforce_styling();
        } else {
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

/// An answer in JSON: its title and summary (`null` where it has none), its columns, and its
/// rows as objects keyed by column name. This is the meaning of the JSON output, which
/// [`write_json`] writes without building it (the test below holds the two together).
#[cfg(test)]
fn json_answer(table: &ResultTable) -> Json {
    let rows = table
        .rows
        .iter()
        .map(|row| {
            let mut obj = Map::new();
            for (col, cell) in table.columns.iter().zip(row) {
                obj.insert(col.clone(), json_cell(cell));
            }
            Json::Object(obj)
        })
        .collect();
    serde_json::json!({
        "title": table.title,
        "summary": table.summary,
        "columns": table.columns,
        "rows": Json::Array(rows),
    })
}

/// The JSON object keys of a table's columns, serialised with their `:`, each with the column
/// whose value it takes; kept from one answer to the next while the columns stay the same.
#[derive(Default)]
struct JsonKeys {
    columns: Vec<String>,
    fields: Vec<(String, usize)>,
}

impl JsonKeys {
    fn of(&mut self, columns: &[String]) -> &[(String, usize)] {
        if self.columns != columns {
            self.columns = columns.to_vec();
            self.fields = json_fields(columns);
        }
        &self.fields
    }
}

/// Keys in the order serde_json's map gives them; a repeated column name keeps its last value.
fn json_fields(columns: &[String]) -> Vec<(String, usize)> {
    let keys: Map<String, Json> = columns.iter().map(|c| (c.clone(), Json::Null)).collect();
    keys.keys()
        .map(|k| {
            let last = columns.iter().rposition(|c| c == k).expect("a column");
            let mut key = serde_json::to_string(k).expect("strings serialise");
            key.push(':');
            (key, last)
        })
        .collect()
}

/// The rows of `table` as `--format json` writes them (one array of objects keyed by column),
/// for answers that go elsewhere than standard output (`serve`, whose answers carry the title,
/// summary and columns beside them).
pub fn json_rows_text(table: &ResultTable) -> String {
    let mut out = Vec::new();
    write_json(&mut out, table, &json_fields(&table.columns));
    let mut answer: Json = serde_json::from_slice(&out).expect("the JSON output is JSON");
    answer["rows"].take().to_string()
}

/// [`json_answer`] as text, written directly: the same value without building a map of values
/// per row (which cost more than answering a short statement). `fields` are the table's
/// [`json_fields`].
fn write_json(out: &mut Vec<u8>, table: &ResultTable, fields: &[(String, usize)]) {
    let text = |out: &mut Vec<u8>, s: &Option<String>| {
        serde_json::to_writer(&mut *out, s).expect("strings serialise")
    };
    out.extend_from_slice(b"{\"title\":");
    text(out, &table.title);
    out.extend_from_slice(b",\"summary\":");
    text(out, &table.summary);
    out.extend_from_slice(b",\"columns\":");
    serde_json::to_writer(&mut *out, &table.columns).expect("strings serialise");
    out.extend_from_slice(b",\"rows\":[");
    for (i, row) in table.rows.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'{');
        for (j, (key, column)) in fields.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            out.extend_from_slice(key.as_bytes());
            write_json_cell(out, &row[*column]);
        }
        out.push(b'}');
    }
    out.extend_from_slice(b"]}");
}

fn write_json_cell(out: &mut Vec<u8>, cell: &Cell) {
    let written = match cell {
        Cell::Text(s) => serde_json::to_writer(&mut *out, s.as_str()),
        Cell::List(items) => serde_json::to_writer(&mut *out, items),
        other => serde_json::to_writer(&mut *out, &json_cell(other)),
    };
    written.expect("JSON values serialise");
}

fn render_csv(table: &ResultTable) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(&table.columns);
    for row in &table.rows {
        let _ = w.write_record(row.iter().map(|c| match c {
            Cell::Number(_) => c.display("; "),
            text => spreadsheet_safe(text.display("; ")),
        }));
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// A text cell as a spreadsheet shows it and never runs it: one that starts with a character a
/// spreadsheet reads as the start of a formula (`=`, `+`, `-`, `@`, a tab or a carriage
/// return) gets a leading `'`, OWASP's advice against CSV injection. Numbers are numbers and
/// stay as they are; the CSV export, which must import back exactly, is not an answer and
/// keeps its cells.
fn spreadsheet_safe(text: String) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text,
    }
}

/// Writes one table to standard output, and in JSON/CSV its notes to standard error (see
/// [`Stdout::answer`]). Returns whether the answer could be shown.
/// Writes `text` to standard output at once. A reader that has gone away (`| head`, a closed
/// socket) ends the output quietly: `print!` would panic on the broken pipe.
pub fn write_out(text: &str) {
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

pub fn print(table: &ResultTable, format: Format) -> bool {
    // Written when `Stdout` drops, at the end of this statement.
    Stdout::new().answer(table, format)
}

/// Standard output for a run of answers. Answers are collected and written in large pieces:
/// a script of many short statements would otherwise pay for a write (and a terminal check) per
/// statement. On a terminal every answer is written at once, for the person watching, as is
/// every report of a change; and whatever is pending is written before anything goes to
/// standard error (call [`Stdout::flush`] first), so that the two streams keep their order.
pub struct Stdout {
    pending: Vec<u8>,
    terminal: bool,
    styled: bool,
    keys: JsonKeys,
}

/// Pending output past which it is written even off a terminal.
const WRITE_AT: usize = 64 * 1024;

impl Stdout {
    pub fn new() -> Stdout {
        let terminal = io::stdout().is_terminal();
        Stdout {
            pending: Vec::new(),
            terminal,
            styled: use_color(terminal),
            keys: JsonKeys::default(),
        }
    }

    /// Writes what is pending. Errors (a closed pipe) are ignored, as for every answer.
    pub fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let mut stdout = io::stdout().lock();
        let _ = stdout.write_all(&self.pending);
        let _ = stdout.flush();
        self.pending.clear();
    }

    /// Shows an answer: its table on standard output, and in JSON/CSV its notes on standard
    /// error.
    ///
    /// In `dot` and `mermaid` standard output holds only pictures: reports of what a statement
    /// did go to standard error, and an answer without a picture is an error there. Returns
    /// whether the answer could be shown.
    pub fn answer(&mut self, table: &ResultTable, format: Format) -> bool {
        // A report (`let`, a write) is not data: in any format but a table it goes to standard
        // error, so that standard output holds only answers a program can read as one stream.
        if format != Format::Table && table.kind == TableKind::Message {
            self.flush();
            eprint!("{}", render_table(table, false));
            return true;
        }
        if format.is_picture() && table.picture.is_none() {
            self.flush();
            eprintln!(
                "error: {} has no picture; `--format {}` draws path, paths, learn, compare, show and neighbourhood (use table, json or csv for the rest)",
                table
                    .title
                    .as_deref()
                    .map_or("this answer".to_string(), |t| format!("`{t}`")),
                format.name()
            );
            return false;
        }
        render(
            &mut self.pending,
            table,
            format,
            self.styled,
            &mut self.keys,
        );
        let notes = format != Format::Table && table.kind == TableKind::Rows;
        // A report of a change is written at once, so that it is out once the change is made.
        let report = table.kind == TableKind::Message;
        if self.terminal
            || report
            || self.pending.len() >= WRITE_AT
            || notes && !table.notes.is_empty()
        {
            self.flush();
        }
        if notes {
            for note in &table.notes {
                eprintln!("{note}");
            }
        }
        true
    }
}

impl Drop for Stdout {
    fn drop(&mut self) {
        self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_text_is_the_json_of_the_rows() {
        let mut table = ResultTable::new(["name", "hours", "tags", "note", "ok", "name"])
            .with_title("a \"title\" → ✓")
            .with_summary("3 rows, 12 hours");
        let cells = [
            Cell::text("quote \" back\\slash \u{1} tab\t ünïcode ✓"),
            Cell::Number(97.3),
            Cell::List(vec!["a".into(), "\"b\"".into()]),
            Cell::Null,
            Cell::Bool(true),
            Cell::text("last wins"),
        ];
        table.push(cells.to_vec());
        for n in [
            0.0,
            -3.0,
            1e15,
            9e15,
            1.5e300,
            f64::NAN,
            f64::INFINITY,
            0.1 + 0.2,
        ] {
            table.push(vec![
                Cell::text(""),
                Cell::Number(n),
                Cell::List(Vec::new()),
                Cell::Null,
                Cell::Bool(false),
                Cell::Null,
            ]);
        }
        let mut keys = JsonKeys::default();
        let mut json_text = |table: &ResultTable| {
            let mut out = Vec::new();
            write_json(&mut out, table, keys.of(&table.columns));
            String::from_utf8(out).unwrap()
        };
        let parsed = |text: String| serde_json::from_str::<Json>(&text).expect("valid JSON");
        let expected = json_answer(&table);
        assert_eq!(parsed(json_text(&table)), expected);
        // Again with the keys kept from the first table, then with other columns.
        assert_eq!(parsed(json_text(&table)), expected);
        let empty = ResultTable::new(["a"]);
        assert_eq!(parsed(json_text(&empty)), json_answer(&empty));
        // The keys come in one order: title, summary, columns, rows.
        assert!(json_text(&empty)
            .starts_with(r#"{"title":null,"summary":null,"columns":["a"],"rows":[]"#));
    }
}
