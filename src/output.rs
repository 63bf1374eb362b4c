//! Standard output and colour: where the printer's text goes. The text itself is made by
//! `skillgraph_printer`; this decides when to write it, which stream a part goes to, and
//! whether to style it.

use std::io::{self, IsTerminal, Write};

use clap::ValueEnum;
use skillgraph_printer::{json, Format, TableStyle};
use skillgraph_query::result::{ResultTable, TableKind};

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

/// The width tables are fitted to: the terminal's, measured by comfy-table (crossterm); off a
/// terminal, or on one that reports no size (a fresh pseudo-terminal says 0), `$COLUMNS`, else
/// a width that reads well in a pager.
fn table_width() -> u16 {
    comfy_table::Table::new()
        .width()
        .filter(|&w| w > 0)
        .unwrap_or_else(|| {
            std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.parse().ok())
                .unwrap_or(120)
        })
}

/// Writes `text` to standard output at once. A reader that has gone away (`| head`, a closed
/// socket) ends the output quietly: `print!` would panic on the broken pipe.
pub fn write_out(text: &str) {
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// Writes one table to standard output, and in JSON/CSV its notes to standard error (see
/// [`Stdout::answer`]). Returns whether the answer could be shown.
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
    style: TableStyle,
    keys: json::Keys,
}

/// Pending output past which it is written even off a terminal.
const WRITE_AT: usize = 64 * 1024;

impl Stdout {
    pub fn new() -> Stdout {
        let terminal = io::stdout().is_terminal();
        Stdout {
            pending: Vec::new(),
            terminal,
            style: TableStyle {
                styled: use_color(terminal),
                width: table_width(),
            },
            keys: json::Keys::default(),
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
            let plain = TableStyle {
                styled: false,
                ..self.style
            };
            eprint!("{}", skillgraph_printer::table::render(table, plain));
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
        skillgraph_printer::render(&mut self.pending, table, format, self.style, &mut self.keys);
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
