//! One engine for every front end: parse a piece of source, run each statement against the
//! store, show answers and errors on the console. The shell, script files, standard input,
//! `query` and `render` all come here.

use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use skillgraph_graph::Graph;
use skillgraph_printer::console::Console;
use skillgraph_printer::Format;
use skillgraph_query::ast::Span;
use skillgraph_query::diagnostic::{render, ErrorKind, QueryError};
use skillgraph_query::eval::Session;
use skillgraph_query::parser;
use skillgraph_query::result::ResultTable;
use skillgraph_shell::complete::Vocabulary;
use skillgraph_store::{Commit, Store};

use crate::dot::{self, DotOutcome};
use crate::{db, Status};

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
    /// When set, answers are collected here instead of shown (`render` draws them).
    pub captured: Option<Vec<ResultTable>>,
    /// Where answers, reports and errors go.
    pub out: Console,
}

/// What a line typed in the shell came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// `.quit` (or `exit`, `quit`): the shell ends.
    Quit,
    /// The line ran; it may have added or renamed nodes, aliases or datasets, so that the
    /// shell's vocabulary is to be built again.
    Ran { names_may_change: bool },
}

impl Engine {
    pub fn new(store: Store, format: Format, out: Console) -> Engine {
        Engine {
            db: store,
            session: Session::new(),
            format,
            timing: false,
            continue_on_error: false,
            row_cap: None,
            captured: None,
            out,
        }
    }

    pub fn graph(&self) -> &Graph {
        self.db.graph()
    }

    /// Runs a whole script. `name` labels errors (`FILE:LINE:COL`). Statements run in order; a
    /// syntax error in one piece does not stop the pieces before it from running.
    pub fn run_script(&mut self, name: &str, source: &str) -> Outcome {
        let outcome = self.run_pieces(name, source);
        self.out.flush();
        outcome
    }

    fn run_pieces(&mut self, name: &str, source: &str) -> Outcome {
        let mut outcome = Outcome::Ok;
        for (offset, piece) in parser::split_pieces(source) {
            let line = piece.trim();
            let piece_outcome = if line.starts_with('.') {
                // A dot command, as in the shell; `.quit` ends the script.
                self.out.flush();
                match dot::run(self, line) {
                    DotOutcome::Quit => return outcome,
                    DotOutcome::Continue { ok: true, .. } => Outcome::Ok,
                    DotOutcome::Continue { ok: false, .. } => Outcome::Failed,
                }
            } else {
                self.run_piece(name, source, offset, piece)
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

    /// Parses and runs one piece of `source` starting at byte `offset`.
    fn run_piece(&mut self, name: &str, source: &str, offset: usize, piece: &str) -> Outcome {
        let parse_start = Instant::now();
        let script = match parser::parse(piece) {
            Ok(s) => s,
            Err(e) => {
                self.report(name, source, shifted(e, offset));
                return Outcome::Failed;
            }
        };
        let parse_time = parse_start.elapsed();
        let mut outcome = Outcome::Ok;
        for statement in &script.statements {
            // Each statement sees what other processes committed before it started.
            if let Err(e) = self.db.refresh() {
                self.out.message(&format!("error: {e}"));
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
                        None => {
                            let table = capped(table, self.row_cap, self.format);
                            self.out.answer(&table, self.format)
                        }
                    };
                    self.print_timing(parse_time, start.elapsed());
                    if self.session.interrupt.load(Ordering::Relaxed) {
                        self.out.message("interrupted");
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
                    self.out.message("interrupted");
                    return Outcome::Failed;
                }
                Err(e) => {
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

    fn print_timing(&mut self, parse: Duration, run: Duration) {
        if self.timing {
            self.out.message(&format!(
                "time: parse {:.3} ms, run {:.3} ms",
                parse.as_secs_f64() * 1000.0,
                run.as_secs_f64() * 1000.0
            ));
        }
    }

    fn report(&mut self, name: &str, source: &str, error: QueryError) {
        let color = self.out.styled_errors();
        self.out.error_text(&render(&error, name, source, color));
    }

    /// Runs scripts (label, text) in turn in one session; the first that fails stops the rest
    /// unless `--continue-on-error`. In CSV, scripts whose statements would write more than one
    /// table are refused before any statement runs: tables with different headers, run
    /// together, are no CSV a program can read.
    pub fn run_scripts(&mut self, scripts: &[(String, String)]) -> Status {
        if let Some(refusal) = csv_refusal(&csv_tables(scripts, self.format)) {
            self.out.message(&refusal);
            return Status::Unusable;
        }
        let mut outcome = Outcome::Ok;
        for (label, text) in scripts {
            if self.run_script(label, text) == Outcome::Failed {
                outcome = Outcome::Failed;
                if !self.continue_on_error {
                    break;
                }
            }
        }
        outcome.into()
    }

    /// Runs a line typed in the shell: a dot command, or statements (named `<input>` in
    /// errors). `help`, `exit` and `quit` as typed are the dot commands they mean. A bug that
    /// panics is reported and the shell goes on: the store writes each change atomically, so
    /// nothing is half written.
    pub fn run_line(&mut self, line: &str) -> Line {
        let trimmed = skillgraph_shell::syntax::as_typed(line.trim());
        let names_may_change = if trimmed.starts_with('.') {
            match panic::catch_unwind(AssertUnwindSafe(|| dot::run(self, trimmed))) {
                Ok(DotOutcome::Quit) => return Line::Quit,
                Ok(DotOutcome::Continue { ran_statements, .. }) => ran_statements,
                Err(_) => {
                    self.internal_error();
                    true
                }
            }
        } else {
            let ran = panic::catch_unwind(AssertUnwindSafe(|| self.run_script("<input>", line)));
            if ran.is_err() {
                self.internal_error();
            }
            skillgraph_shell::syntax::may_rename(line)
        };
        Line::Ran { names_may_change }
    }

    fn internal_error(&mut self) {
        self.out
            .message("error: internal error while running this (a bug; the shell goes on)");
    }

    /// The names the shell completes and highlights: the graph's, the dot commands, and the
    /// profiles of this session and of the database.
    pub fn vocabulary(&self) -> Vocabulary {
        let mut vocabulary = Vocabulary::from_graph(self.graph());
        vocabulary.set_commands(dot::META_COMMANDS);
        vocabulary.set_profiles(self.profile_names());
        vocabulary
    }

    /// This session's `let` profiles and the profiles saved in the database.
    pub fn profile_names(&self) -> Vec<String> {
        let session = self.session.profile_names().map(String::from);
        session
            .chain(self.graph().profiles().keys().cloned())
            .collect()
    }
}

/// Each statement given as an argument (`query`, `render`) is a script of its own, named for
/// errors after the command, and numbered when there are several (`query 2:1:6`).
pub fn labelled(command: &str, statements: &[String]) -> Vec<(String, String)> {
    statements
        .iter()
        .enumerate()
        .map(|(i, statement)| {
            let name = match statements.len() {
                1 => command.to_string(),
                _ => format!("{command} {}", i + 1),
            };
            (name, statement.clone())
        })
        .collect()
}

/// How a run is set up.
#[derive(Clone, Copy)]
pub struct RunOptions {
    pub format: Format,
    pub continue_on_error: bool,
    pub timing: bool,
    /// When writes become durable: each before its answer is printed (the shell, `query`,
    /// `render`), or all at the end (`run`, standard input).
    pub commit: Commit,
    pub access: db::Access,
}

/// Opens the database and runs `f` with an engine over it; a database that cannot be opened
/// (locked, damaged, wrong version) is unusable, and so are writes that cannot be made durable
/// at the end.
pub fn with_engine(
    db_path: &Path,
    options: RunOptions,
    mut console: Console,
    f: impl FnOnce(&mut Engine) -> Status,
) -> Status {
    match db::open(db_path, options.access, &mut console) {
        Ok(mut store) => {
            store.set_commit(options.commit);
            let mut engine = Engine::new(store, options.format, console);
            engine.continue_on_error = options.continue_on_error;
            engine.timing = options.timing;
            let status = f(&mut engine);
            match engine.db.sync() {
                Ok(()) => status,
                Err(e) => {
                    engine.out.message(&format!(
                        "error: the statements' writes may not be durable: {e}"
                    ));
                    Status::Unusable
                }
            }
        }
        Err(e) => {
            console.message(&format!("error: {e}"));
            Status::Unusable
        }
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

/// Why a run of these CSV tables is refused, when there is more than one.
fn csv_refusal(tables: &[String]) -> Option<String> {
    if tables.len() <= 1 {
        return None;
    }
    const NAMED: usize = 5;
    let more = match tables.len().saturating_sub(NAMED) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    Some(format!(
        "error: CSV holds one table, and {} statements here answer with one each: {}{more}; \
         run them one at a time, or use `--format json` (one object per statement, a line each)",
        tables.len(),
        tables[..tables.len().min(NAMED)].join(", ")
    ))
}

/// The statements of `scripts` (label, text) that would each write a table in CSV, named with
/// where they are (`` `skills of SRE` (query 1:1:1) ``), following `.format` and `.quit` lines
/// as the run will. CSV holds one table, so the front ends refuse a run of more than one before
/// any statement runs; reports (`let`, writes) go to standard error and do not count, and
/// neither does a piece that does not parse (the run reports it).
fn csv_tables(scripts: &[(String, String)], mut format: Format) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use skillgraph_printer::console::{Stream, Streams, Transcript};
    use skillgraph_printer::TableStyle;

    use super::*;

    fn streams() -> Streams {
        Streams {
            terminal: false,
            style: TableStyle {
                styled: false,
                width: 100,
            },
            styled_errors: false,
        }
    }

    const ACCESS: db::Access = db::Access {
        read_only: false,
        write_wait: Duration::from_secs(10),
    };

    /// An engine over a new database seeded with the curated graph, and what it writes.
    fn engine(dir: &tempfile::TempDir, format: Format) -> (Engine, Transcript) {
        let transcript = Transcript::default();
        let mut console = transcript.console(streams());
        let store = db::open(&dir.path().join("g.sgdb"), ACCESS, &mut console).unwrap();
        (Engine::new(store, format, console), transcript)
    }

    fn scripts(texts: &[&str]) -> Vec<(String, String)> {
        let texts: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
        labelled("query", &texts)
    }

    #[test]
    fn statements_given_as_arguments_are_numbered_when_there_are_several() {
        assert_eq!(scripts(&["stats"]), [("query".into(), "stats".into())]);
        let names: Vec<String> = scripts(&["a", "b"]).into_iter().map(|s| s.0).collect();
        assert_eq!(names, ["query 1", "query 2"]);
    }

    #[test]
    fn csv_tables_are_named_where_they_are_and_follow_format_and_quit() {
        let two = scripts(&["skills of SRE\nroles", "let x = {}"]);
        assert_eq!(
            csv_tables(&two, Format::Csv),
            ["`skills of SRE` (query 1:1:1)", "`roles` (query 1:2:1)"]
        );
        assert!(csv_tables(&two, Format::Table).is_empty());
        let switched = scripts(&["roles\n.format csv\nroles\n.quit\nroles"]);
        assert_eq!(
            csv_tables(&switched, Format::Table),
            ["`roles` (query:3:1)"]
        );
    }

    #[test]
    fn a_csv_run_of_more_than_one_table_is_refused_naming_five() {
        assert_eq!(csv_refusal(&["`a`".into()]), None);
        let tables: Vec<String> = (1..=7).map(|i| format!("`t{i}`")).collect();
        let refusal = csv_refusal(&tables).unwrap();
        assert!(refusal.starts_with("error: CSV holds one table, and 7 statements"));
        assert!(refusal.contains("`t5` and 2 more;"), "{refusal}");
        assert!(!refusal.contains("`t6`"), "{refusal}");
    }

    #[test]
    fn a_table_is_capped_only_as_a_table() {
        let mut table = ResultTable::new(["n"]);
        for i in 0..5 {
            table.push(vec![skillgraph_query::result::Cell::text(i.to_string())]);
        }
        let shown = capped(table.clone(), Some(3), Format::Table);
        assert_eq!(shown.rows.len(), 3);
        assert!(shown.notes[0].starts_with("2 more rows not shown"));
        assert_eq!(capped(table.clone(), Some(3), Format::Json).rows.len(), 5);
        assert_eq!(capped(table, None, Format::Table).rows.len(), 5);
    }

    #[test]
    fn an_error_is_placed_in_the_whole_script_and_stops_it() {
        let dir = tempfile::tempdir().unwrap();
        let (mut engine, transcript) = engine(&dir, Format::Json);
        let outcome = engine.run_script("plan.sgq", "roles;\nskills of Nobody At All;\nroles");
        assert_eq!(outcome, Outcome::Failed);
        assert_eq!(
            transcript.text(Stream::Out).lines().count(),
            1,
            "one answer"
        );
        let err = transcript.text(Stream::Err);
        assert!(err.contains("plan.sgq:2:"), "{err}");
    }

    #[test]
    fn dot_commands_run_in_scripts_and_quit_ends_them() {
        let dir = tempfile::tempdir().unwrap();
        let (mut engine, transcript) = engine(&dir, Format::Table);
        let outcome = engine.run_script("s", ".format json\nroles\n.quit\nroles");
        assert_eq!(outcome, Outcome::Ok);
        assert_eq!(engine.format, Format::Json);
        assert!(transcript
            .text(Stream::Err)
            .contains("output format: json\n"));
        let out = transcript.text(Stream::Out);
        assert_eq!(out.lines().count(), 1, "{out}");
        assert!(out.starts_with('{'), "{out}");
    }

    #[test]
    fn a_typed_line_quits_helps_or_runs() {
        let dir = tempfile::tempdir().unwrap();
        let (mut engine, transcript) = engine(&dir, Format::Table);
        assert_eq!(engine.run_line("quit;"), Line::Quit);
        let help = engine.run_line("help");
        assert_eq!(
            help,
            Line::Ran {
                names_may_change: false
            }
        );
        assert!(transcript.text(Stream::Out).contains(".format"));
        let added = engine.run_line("add skill \"Zig\"");
        assert_eq!(
            added,
            Line::Ran {
                names_may_change: true
            }
        );
        assert!(engine.vocabulary().resolves(None, "Zig"));
    }

    #[test]
    fn render_captures_answers_instead_of_showing_them() {
        let dir = tempfile::tempdir().unwrap();
        let (mut engine, transcript) = engine(&dir, Format::Table);
        engine.captured = Some(Vec::new());
        engine.run_script("render", "roles");
        assert_eq!(engine.captured.map(|c| c.len()), Some(1));
        assert_eq!(transcript.text(Stream::Out), "");
    }
}
