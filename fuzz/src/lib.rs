//! The bodies of the fuzz targets, one function per target, so that the same checks run under
//! libFuzzer (`fuzz_targets/`) and over the kept corpus in plain `cargo test`
//! (`tests/e2e/fuzz_corpus.rs` includes this file as a module).
//!
//! Each target takes any bytes and panics only when it finds a bug: a panic in the code under
//! test, or a broken promise checked here (error spans inside the source, no "internal error",
//! a graph that an importer or a statement left inconsistent, an export that does not import
//! back to the same graph).

use std::path::PathBuf;
use std::sync::OnceLock;

use skillgraph_graph::integrity::{self, Rule};
use skillgraph_graph::Graph;
use skillgraph_import::{curated_graph, export, load_csv_dir, load_graphdata, DataText};
use skillgraph_query::ast::Span;
use skillgraph_query::diagnostic::QueryError;
use skillgraph_query::eval::{MemoryDatabase, Session};
use skillgraph_query::parser::split_pieces;
use skillgraph_query::result::{ResultTable, TableKind};
use skillgraph_query::{needs_more_input, parse, render};

/// Statements one input may run on the curated graph: enough for a few writes and the reads
/// after them, few enough that each input stays fast.
pub const MAX_STATEMENTS: usize = 12;

/// Data files one TOML input is split into (at NUL bytes), for references across files.
pub const MAX_TOML_FILES: usize = 4;

/// Target `query_parse`: the scan, the grammar and the AST builder, the error renderer, and
/// the one-pass statement splitter against its definition.
pub fn query_parse(data: &[u8]) {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    assert_eq!(
        split_pieces(source),
        pieces_by_asking(source),
        "the one-pass statement splitter disagrees with `needs_more_input`"
    );
    match parse(source) {
        Ok(script) => {
            for statement in &script.statements {
                check_span(source, statement.span, "a statement");
            }
        }
        Err(error) => check_error(source, &error),
    }
}

/// Target `query_eval`: parses, then runs up to [`MAX_STATEMENTS`] statements against a copy
/// of the curated graph in memory, as the binary does against the store. After the writes the
/// graph must still keep every rule ([`integrity::check`]), and its TOML export must import.
pub fn query_eval(data: &[u8]) {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(script) = parse(source) else {
        return;
    };
    let mut db = MemoryDatabase {
        graph: curated().clone(),
    };
    let mut session = Session::new();
    let mut wrote = false;
    for statement in script.statements.iter().take(MAX_STATEMENTS) {
        match session.execute(&mut db, statement) {
            Ok(table) => {
                // Writes answer with a message ("added skill …"); so does `let`.
                wrote |= table.kind == TableKind::Message;
                check_table(&table);
            }
            Err(error) => check_error(source, &error),
        }
    }
    assert_consistent(&db.graph, "the statements");
    if wrote {
        // What a user can write, a TOML export must carry back (`export` then `import`).
        let exported = export::to_toml_string(&db.graph)
            .unwrap_or_else(|e| panic!("the graph does not export: {e}"));
        let again = load_graphdata(&[DataText {
            name: "export.toml",
            text: &exported,
        }])
        .unwrap_or_else(|e| panic!("the export of the written graph does not import: {e}"));
        let exported_again = export::to_toml_string(&again).expect("exports once more");
        assert_eq!(
            exported, exported_again,
            "export → import changed the graph"
        );
    }
}

/// Target `toml_import`: the input is up to [`MAX_TOML_FILES`] graphdata files separated by
/// NUL bytes. A graph that loads must be consistent, and its TOML export must load back to a
/// graph with the same export.
pub fn toml_import(data: &[u8]) {
    let Ok(files) = data
        .split(|&b| b == 0)
        .take(MAX_TOML_FILES)
        .map(std::str::from_utf8)
        .collect::<Result<Vec<&str>, _>>()
    else {
        return;
    };
    let names: Vec<String> = (0..files.len()).map(|i| format!("file{i}.toml")).collect();
    let texts: Vec<DataText<'_>> = files
        .iter()
        .zip(&names)
        .map(|(text, name)| DataText { name, text })
        .collect();
    match load_graphdata(&texts) {
        Ok(graph) => {
            assert_consistent(&graph, "the TOML import");
            let exported = export::to_toml_string(&graph)
                .unwrap_or_else(|e| panic!("an imported graph does not export: {e}"));
            let again = load_graphdata(&[DataText {
                name: "export.toml",
                text: &exported,
            }])
            .unwrap_or_else(|e| panic!("the export does not import back: {e}\n{exported}"));
            let exported_again = export::to_toml_string(&again).expect("exports once more");
            assert_eq!(
                exported, exported_again,
                "export → import changed the graph"
            );
            let json = export::to_json_string(&graph).expect("an imported graph exports as JSON");
            let again = load_graphdata(&[DataText {
                name: "export.json",
                text: &json,
            }])
            .unwrap_or_else(|e| panic!("the JSON export does not import back: {e}\n{json}"));
            let json_again = export::to_json_string(&again).expect("exports once more");
            assert_eq!(json, json_again, "JSON export → import changed the graph");
        }
        Err(errors) => {
            for e in &errors.0 {
                let text = names
                    .iter()
                    .position(|n| *n == e.file)
                    .map_or("", |i| files[i]);
                // Lines and columns are 1-based and inside the file (or 0 for the whole file).
                let lines = text.split('\n').count().max(1);
                assert!(e.line <= lines, "line {} of {lines}: {e}", e.line);
                assert!(e.line == 0 || e.column >= 1, "{e}");
            }
            let _ = errors.to_string();
        }
    }
}

/// Target `csv_import`: the input is `nodes.csv`, a NUL byte, then `edges.csv` (all of it
/// `nodes.csv` when there is no NUL). They are written to a scratch directory because the CSV
/// loader reads a directory, as `skillgraph import` does. A graph that loads must be consistent,
/// and its CSV export must load back to a graph with the same export.
pub fn csv_import(data: &[u8]) {
    let (nodes, edges) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b""[..]),
    };
    SCRATCH.with(|scratch| {
        let dir = scratch.dir("input");
        write(&dir.join(skillgraph_import::CSV_NODES), nodes);
        write(&dir.join(skillgraph_import::CSV_EDGES), edges);
        match load_csv_dir(&dir) {
            Ok(graph) => {
                // Known and reported: the CSV loader keeps a row repeated word for word as a
                // second edge with the same source, which `Graph::check_edge` would refuse.
                // Every other rule must hold.
                assert_consistent_except(&graph, "the CSV import", Rule::DuplicateEdge);
                let exported = export::to_csv_files(&graph)
                    .unwrap_or_else(|e| panic!("an imported graph does not export: {e}"));
                let again_dir = scratch.dir("export");
                for (name, text) in &exported {
                    write(&again_dir.join(name), text.as_bytes());
                }
                let again = load_csv_dir(&again_dir)
                    .unwrap_or_else(|e| panic!("the export does not import back: {e}"));
                let exported_again = export::to_csv_files(&again).expect("exports once more");
                assert_eq!(
                    exported, exported_again,
                    "export → import changed the graph"
                );
            }
            Err(errors) => {
                let _ = errors.to_string();
            }
        }
    });
}

// ---- shared checks ---------------------------------------------------------------------------

/// The definition `split_pieces` keeps: cut at each line end where the text since the last
/// cut needs no more input (quadratic; fine for a fuzz input).
fn pieces_by_asking(source: &str) -> Vec<(usize, &str)> {
    let mut pieces = Vec::new();
    let (mut start, mut pos) = (0, 0);
    while pos < source.len() {
        pos = source[pos..]
            .find('\n')
            .map_or(source.len(), |i| pos + i + 1);
        if !needs_more_input(&source[start..pos]) {
            pieces.push((start, &source[start..pos]));
            start = pos;
        }
    }
    if start < source.len() {
        pieces.push((start, &source[start..]));
    }
    pieces
}

/// The curated graph, loaded once per process (each input gets its own copy).
fn curated() -> &'static Graph {
    static CURATED: OnceLock<Graph> = OnceLock::new();
    CURATED.get_or_init(|| curated_graph().expect("the curated data loads"))
}

fn assert_consistent(graph: &Graph, what: &str) {
    let findings = integrity::check(graph);
    report_findings(&findings, what);
}

fn assert_consistent_except(graph: &Graph, what: &str, known: Rule) {
    let mut findings = integrity::check(graph);
    findings.retain(|f| f.rule != known);
    report_findings(&findings, what);
}

fn report_findings(findings: &[integrity::Finding], what: &str) {
    assert!(
        findings.is_empty(),
        "{what} left the graph inconsistent:\n{}",
        findings
            .iter()
            .map(|f| f.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn check_span(source: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end && span.end <= source.len(),
        "{what} has the span {span:?} outside a source of {} bytes",
        source.len()
    );
    assert!(
        source.is_char_boundary(span.start) && source.is_char_boundary(span.end),
        "{what} has the span {span:?}, which cuts a character"
    );
}

fn check_error(source: &str, error: &QueryError) {
    check_span(
        source,
        error.span,
        &format!("the error {:?}", error.message),
    );
    for note in &error.notes {
        check_span(source, note.span, &format!("a note of {:?}", error.message));
    }
    assert!(
        !error.message.starts_with("internal error"),
        "the parser and the grammar disagree: {}",
        error.message
    );
    let shown = render(error, "fuzz", source, false);
    assert!(!shown.is_empty(), "an error renders as nothing");
}

fn check_table(table: &ResultTable) {
    for row in &table.rows {
        assert_eq!(
            row.len(),
            table.columns.len(),
            "a row of {:?} does not fit its columns {:?}",
            table.title,
            table.columns
        );
    }
}

// ---- scratch files for the CSV target ----------------------------------------------------------

/// A directory of this thread's own under the temp dir, removed when the thread ends.
struct Scratch {
    root: PathBuf,
}

impl Scratch {
    fn new() -> Scratch {
        // /dev/shm keeps millions of small writes off the disk where it exists.
        let base = ["/dev/shm"]
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_dir())
            .unwrap_or_else(std::env::temp_dir);
        let thread = format!("{:?}", std::thread::current().id());
        let digits: String = thread.chars().filter(char::is_ascii_digit).collect();
        let root = base.join(format!("skillgraph-fuzz-{}-{digits}", std::process::id()));
        Scratch { root }
    }

    fn dir(&self, name: &str) -> PathBuf {
        let dir = self.root.join(name);
        std::fs::create_dir_all(&dir).expect("create a scratch directory");
        dir
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

thread_local! {
    static SCRATCH: Scratch = Scratch::new();
}

fn write(path: &std::path::Path, bytes: &[u8]) {
    std::fs::write(path, bytes).expect("write a scratch file");
}
