//! One engine for every front end: parse a piece of source, run each statement against the
//! store, print results and errors. The REPL, script files, stdin and `query` all come here.

use std::io::IsTerminal;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use skillgraph_graph::Graph;
use skillgraph_query::ast::Span;
use skillgraph_query::diagnostic::{render, ErrorKind, QueryError};
use skillgraph_query::eval::Session;
use skillgraph_query::parser;
use skillgraph_query::result::ResultTable;
use skillgraph_store::Store;

use skillgraph_printer::Format;

use crate::output;

/// What running some source came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// At least one statement failed.
    Failed,
}

pub struct Engine {
    pub db: Store,
    pub session: Session,
    pub format: Format,
    pub timing: bool,
    pub continue_on_error: bool,
    /// The most rows a table answer shows (the shell: a screenful or so; `.rows all` lifts it).
    /// Scripts and one-shot commands show every row.
    pub row_cap: Option<usize>,
    /// When set, answers are collected here instead of printed (`render` draws them).
    pub captured: Option<Vec<ResultTable>>,
}

impl Engine {
    pub fn new(store: Store, format: Format) -> Engine {
        Engine {
            db: store,
            session: Session::new(),
            format,
            timing: false,
            continue_on_error: false,
            row_cap: None,
            captured: None,
        }
    }

    pub fn graph(&self) -> &Graph {
        self.db.graph()
    }

    /// Runs a whole script. `name` labels errors (`FILE:LINE:COL`). Statements run in order; a
    /// syntax error in one piece does not stop the pieces before it from running.
    pub fn run_script(&mut self, name: &str, source: &str) -> Outcome {
        let mut out = output::Stdout::new();
        let mut outcome = Outcome::Ok;
        for (offset, piece) in parser::split_pieces(source) {
            let line = piece.trim();
            let piece_outcome = if line.starts_with('.') {
                // A dot command, as in the shell; `.quit` ends the script.
                out.flush();
                match crate::dot::run(self, line) {
                    crate::dot::DotOutcome::Quit => return outcome,
                    crate::dot::DotOutcome::Continue { ok: true, .. } => Outcome::Ok,
                    crate::dot::DotOutcome::Continue { ok: false, .. } => Outcome::Failed,
                }
            } else {
                self.run_piece(&mut out, name, source, offset, piece)
            };
            // Ctrl-C stops the rest of the script, whatever `continue_on_error` says.
            if self.session.interrupt.swap(false, Ordering::Relaxed) {
                return Outcome::Failed;
            }
            if piece_outcome == Outcome::Failed {
                outcome = Outcome::Failed;
                if !self.continue_on_error {
                    break;
                }
            }
        }
        outcome
    }

    /// Parses and runs one piece of `source` starting at byte `offset`, answering on `out`.
    fn run_piece(
        &mut self,
        out: &mut output::Stdout,
        name: &str,
        source: &str,
        offset: usize,
        piece: &str,
    ) -> Outcome {
        let parse_start = Instant::now();
        let script = match parser::parse(piece) {
            Ok(s) => s,
            Err(e) => {
                out.flush();
                self.report(name, source, shifted(e, offset));
                return Outcome::Failed;
            }
        };
        let parse_time = parse_start.elapsed();
        let mut outcome = Outcome::Ok;
        for statement in &script.statements {
            // Each statement sees what other processes committed before it started.
            if let Err(e) = self.db.refresh() {
                out.flush();
                eprintln!("error: {e}");
                return Outcome::Failed;
            }
            let start = Instant::now();
            match self.session.execute(&mut self.db, statement) {
                Ok(table) => {
                    let shown = match &mut self.captured {
                        Some(answers) => {
                            answers.push(table);
                            true
                        }
                        None => out.answer(&capped(table, self.row_cap, self.format), self.format),
                    };
                    self.print_timing(out, parse_time, start.elapsed());
                    if self.session.interrupt.load(Ordering::Relaxed) {
                        out.flush();
                        eprintln!("interrupted");
                        return Outcome::Failed;
                    }
                    // `--format dot|mermaid` on an answer without a picture.
                    if !shown {
                        outcome = Outcome::Failed;
                        if !self.continue_on_error {
                            break;
                        }
                    }
                }
                Err(e) if e.kind == ErrorKind::Interrupted => {
                    // Ctrl-C: no answer, and the rest of the script does not run either.
                    out.flush();
                    eprintln!("interrupted");
                    return Outcome::Failed;
                }
                Err(e) => {
                    out.flush();
                    self.report(name, source, shifted(e, offset));
                    outcome = Outcome::Failed;
                    if !self.continue_on_error {
                        break;
                    }
                }
            }
        }
        outcome
    }

    fn print_timing(&self, out: &mut output::Stdout, parse: Duration, run: Duration) {
        if self.timing {
            out.flush();
            eprintln!(
                "time: parse {:.3} ms, run {:.3} ms",
                parse.as_secs_f64() * 1000.0,
                run.as_secs_f64() * 1000.0
            );
        }
    }

    fn report(&self, name: &str, source: &str, error: QueryError) {
        let color = output::use_color(std::io::stderr().is_terminal());
        eprint!("{}", render(&error, name, source, color));
    }
}

fn shifted(mut e: QueryError, offset: usize) -> QueryError {
    let shift = |s: Span| Span::new(s.start + offset, s.end + offset);
    e.span = shift(e.span);
    for note in &mut e.notes {
        note.span = shift(note.span);
    }
    e
}

/// `table` as a table shows it within `cap` rows: the first rows, and a note of how many more
/// there are and how to see them. Other formats are for programs and keep every row.
fn capped(mut table: ResultTable, cap: Option<usize>, format: Format) -> ResultTable {
    if let Some(cap) = cap.filter(|&c| format == Format::Table && table.rows.len() > c) {
        let more = table.rows.len() - cap;
        table.rows.truncate(cap);
        table.note(format!(
            "{more} more rows not shown: `.rows all` shows every row, `.format csv` writes them all"
        ));
    }
    table
}

/// The statements of `scripts` (label, text) that would each write a table in CSV, named with
/// where they are (`` `skills of SRE` (query 1:1:1) ``), following `.format` and `.quit` lines
/// as the run will. CSV holds one table, so the front ends refuse a run of more than one before any
/// statement runs; reports (`let`, writes) go to standard error and do not count, and neither
/// does a piece that does not parse (the run reports it).
pub fn csv_tables(scripts: &[(String, String)], mut format: Format) -> Vec<String> {
    let mut tables = Vec::new();
    for (label, source) in scripts {
        // Most runs are not CSV: no second pass over their scripts.
        if format != Format::Csv && !source.contains(".format") {
            continue;
        }
        for (offset, piece) in parser::split_pieces(source) {
            let line = piece.trim();
            // `.quit` ends the script, as `run_script` does.
            if matches!(line.split_whitespace().next(), Some(".quit" | ".exit")) {
                break;
            }
            if let Some(arg) = line.strip_prefix(".format") {
                if let Some(f) = Format::parse(arg.trim()) {
                    format = f;
                }
                continue;
            }
            if format != Format::Csv || line.starts_with('.') {
                continue;
            }
            let Ok(script) = parser::parse(piece) else {
                continue;
            };
            for statement in script.statements.iter().filter(|s| !s.kind.is_report()) {
                let start = offset + statement.span.start;
                let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
                let line = source[..start].matches('\n').count() + 1;
                let column = source[line_start..start].chars().count() + 1;
                let text = &piece[statement.span.start..statement.span.end];
                tables.push(format!("`{text}` ({label}:{line}:{column})"));
            }
        }
    }
    tables
}
