//! What `serve` answers, apart from HTTP: statements run against the one shared store, answers
//! and errors as JSON, pictures as SVG, completions. Everything here blocks (it evaluates
//! statements), so the server calls it from `spawn_blocking`, never on the async executor.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{json, Value as Json};
use skillgraph_graph::schema::FIELDS;
use skillgraph_graph::{Change, EdgeKind, Graph, NodeKind};
use skillgraph_query::ast::{Span, Statement};
use skillgraph_query::diagnostic::{self, ErrorKind, QueryError};
use skillgraph_query::eval::{ApplyError, Database, Session};
use skillgraph_query::parser;
use skillgraph_query::reference::STATEMENT_FORMS;
use skillgraph_query::result::{CompactString, ResultTable, TableKind};

use skillgraph_store::Store;

/// How much one request may ask for.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes of a request body (413 past it).
    pub max_body: usize,
    /// Bytes of one statement (413 past it).
    pub max_statement: usize,
    /// Statements in one request (413 past it).
    pub max_statements: usize,
    /// Time a request's statements may run before they are interrupted (503).
    pub budget: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body: 64 * 1024,
            max_statement: 8 * 1024,
            max_statements: 100,
            budget: Duration::from_secs(10),
        }
    }
}

/// A completion candidate: what the list shows, and the text that replaces the line from the
/// completion's start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub display: String,
    pub replacement: String,
}

/// Completion over one graph's names: what the shell's Tab offers at the end of `line`, and
/// the byte where the text it replaces starts.
pub trait Complete: Send + Sync {
    fn complete(&self, line: &str) -> (usize, Vec<Candidate>);
}

/// Builds the completion over a graph. The binary passes the shell's, so the page and the
/// shell offer the same; it is asked again only when the graph has changed.
pub type Completion = fn(&Graph) -> Arc<dyn Complete>;

/// Completion over the graph last read, and that graph.
type Completer = (Weak<Graph>, Arc<dyn Complete>);

/// The state every request shares: the store readers share, the one writes go through, and
/// what completion knows of the graph.
pub struct Shared {
    /// The readers' store, held only to bring its graph up to date; statements run on the
    /// copy it hands out, so a long statement never holds up a refresh or another request.
    readers: Mutex<Readers>,
    /// With `--allow-writes`, a second `Store` on the same files for requests that write, one
    /// at a time: a write that waits for another process's writer lock (up to
    /// `--lock-timeout`) then holds up only the writes behind it, never the readers.
    writer: Option<Mutex<Store>>,
    completion: Completion,
    completer: Mutex<Option<Completer>>,
    pub limits: Limits,
}

struct Readers {
    /// Never writes (opened read-only).
    store: Store,
    /// A copy of the store's graph as of `seen`, which requests share. A copy shares the
    /// snapshot's base (and the indexes built on it) and copies only the overlay, the changes
    /// since the snapshot; one is taken only when the graph has changed.
    graph: Arc<Graph>,
    seen: Option<ViewMark>,
}

/// The read view file as `stat` saw it. Every commit appends to it and every fold or import
/// replaces it (ARCHITECTURE.md, Many readers, one writer), so an unchanged mark means there is
/// nothing to refresh; the modification time catches a cut-short record replaced by one of
/// the same length.
#[derive(Clone, Copy, PartialEq, Eq)]
struct ViewMark {
    file: (u64, u64),
    len: u64,
    modified: Option<std::time::SystemTime>,
}

fn view_mark(db: &std::path::Path) -> Option<ViewMark> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(db.join(skillgraph_store::VIEW_FILE)).ok()?;
    Some(ViewMark {
        file: (meta.dev(), meta.ino()),
        len: meta.len(),
        modified: meta.modified().ok(),
    })
}

/// An HTTP status and a JSON body.
pub struct Reply {
    pub status: u16,
    pub body: String,
}

impl Reply {
    fn json(status: u16, value: &impl Serialize) -> Reply {
        Reply {
            status,
            body: serde_json::to_string(value).expect("answers serialise"),
        }
    }

    /// An error that is not about one place in the statements: `{"error": {"kind", "message"}}`.
    pub fn error(status: u16, kind: &str, message: impl Into<String>) -> Reply {
        Reply::json(
            status,
            &json!({ "error": { "kind": kind, "message": message.into() } }),
        )
    }
}

const READ_ONLY: &str =
    "this server is read-only: start it with `skillgraph serve --allow-writes` to change the graph";

impl Shared {
    /// `store` answers reads; `writer`, if given, takes the writes; `completion` completes.
    pub fn new(
        store: Store,
        writer: Option<Store>,
        limits: Limits,
        completion: Completion,
    ) -> Shared {
        let graph = Arc::new(store.graph().clone());
        Shared {
            readers: Mutex::new(Readers {
                store,
                graph,
                seen: None,
            }),
            writer: writer.map(Mutex::new),
            completion,
            completer: Mutex::new(None),
            limits,
        }
    }

    pub fn allows_writes(&self) -> bool {
        self.writer.is_some()
    }

    /// The graph with everything other processes (and this server's writes) have committed.
    fn graph(&self) -> Result<Arc<Graph>, Reply> {
        let mut readers = self.readers.lock().unwrap_or_else(PoisonError::into_inner);
        // The mark is taken before the refresh: a commit that lands between the two is in the
        // graph already, or moves the next mark.
        let mark = view_mark(readers.store.path());
        if mark.is_none() || mark != readers.seen {
            readers
                .store
                .refresh()
                .map_err(|e| Reply::error(503, "store", e.to_string()))?;
            readers.graph = Arc::new(readers.store.graph().clone());
            readers.seen = mark;
        }
        Ok(readers.graph.clone())
    }

    /// Makes the store's writes durable, as the shell does before it exits.
    pub fn sync(&self) -> Result<(), String> {
        match &self.writer {
            Some(writer) => {
                let mut store = writer.lock().unwrap_or_else(PoisonError::into_inner);
                store.sync().map_err(|e| e.to_string())
            }
            None => Ok(()),
        }
    }

    /// `GET /health`.
    pub fn health(&self) -> Reply {
        match self
            .graph()
            .map(|graph| (graph.node_count(), graph.edge_count()))
        {
            Ok((nodes, edges)) => Reply::json(
                200,
                &json!({
                    "status": "ok",
                    "version": env!("CARGO_PKG_VERSION"),
                    "writes": self.allows_writes(),
                    "nodes": nodes,
                    "edges": edges,
                }),
            ),
            Err(reply) => reply,
        }
    }

    /// `POST /query`: runs `source`'s statements in one session and answers each.
    pub fn query(&self, source: &str, interrupt: Arc<AtomicBool>) -> Reply {
        let statements = match self.parse(source) {
            Ok(s) => s,
            Err(reply) => return reply,
        };
        if let Some(write) = statements.iter().find(|s| s.statement.kind.writes()) {
            let Some(writer) = &self.writer else {
                let error = QueryError::new(write.span(), READ_ONLY)
                    .with_label("this statement changes the graph");
                return Reply::json(
                    403,
                    &json!({ "results": [], "error": error_json(&error, "read_only", source, None) }),
                );
            };
            // The request runs on the writer's store, through the store's one-writer path;
            // its reads see its own writes. The readers' store sees them at its next refresh.
            let mut store = writer.lock().unwrap_or_else(PoisonError::into_inner);
            if let Err(e) = store.refresh() {
                return Reply::error(503, "store", e.to_string());
            }
            return run(&mut *store, source, &statements, interrupt);
        }
        let graph = match self.graph() {
            Ok(graph) => graph,
            Err(reply) => return reply,
        };
        let mut view = ReadView { graph: &graph };
        run(&mut view, source, &statements, interrupt)
    }

    /// `GET /render`: runs `source`'s statements (reads only) and draws the answer of statement
    /// `at` (the last by default) as `skillgraph render` does.
    pub fn render(
        &self,
        source: &str,
        at: Option<usize>,
        interrupt: Arc<AtomicBool>,
    ) -> Result<String, Reply> {
        let statements = self.parse(source)?;
        if let Some(write) = statements.iter().find(|s| s.statement.kind.writes()) {
            let error = QueryError::new(
                write.span(),
                "`/render` only reads; send writes to `POST /query`",
            )
            .with_label("this statement changes the graph");
            return Err(Reply::json(
                403,
                &json!({ "error": error_json(&error, "read_only", source, None) }),
            ));
        }
        let last = statements.len().saturating_sub(1);
        let at = at.unwrap_or(last);
        if statements.is_empty() || at > last {
            return Err(Reply::error(
                400,
                "nothing_to_draw",
                format!(
                    "there are {} statements; `at` counts from 0",
                    statements.len()
                ),
            ));
        }
        let graph = self.graph()?;
        let mut view = ReadView { graph: &graph };
        let answers = evaluate(&mut view, source, &statements[..=at], interrupt);
        let table = match answers.failure {
            Some(reply) => return Err(reply),
            None => answers.tables.last().expect("one answer per statement run"),
        };
        match &table.picture {
            Some(picture) => Ok(skillgraph_printer::svg::svg(picture, table.heading().as_deref())),
            None => Err(Reply::error(
                404,
                "no_picture",
                format!(
                    "{} has no picture; `render` draws path, paths, learn, compare, show and neighbourhood",
                    table
                        .title
                        .as_deref()
                        .map_or("the answer".to_string(), |t| format!("`{t}`"))
                ),
            )),
        }
    }

    /// `GET /complete`: what the shell's Tab offers at the end of `prefix`.
    pub fn complete(&self, prefix: &str) -> Reply {
        // Dot commands are the shell's; the server runs statements only.
        if prefix.trim_start().starts_with('.') {
            return Reply::json(200, &json!({ "start": prefix.len(), "candidates": [] }));
        }
        let completer = match self.completer() {
            Ok(c) => c,
            Err(reply) => return reply,
        };
        let (start, candidates) = completer.complete(prefix);
        Reply::json(200, &json!({ "start": start, "candidates": candidates }))
    }

    /// Completion over the graph as of now, built again only when the graph has changed.
    fn completer(&self) -> Result<Arc<dyn Complete>, Reply> {
        let graph = self.graph()?;
        let mut cached = self
            .completer
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match &*cached {
            Some((seen, completer)) if seen.as_ptr() == Arc::as_ptr(&graph) => {
                Ok(completer.clone())
            }
            _ => {
                let completer = (self.completion)(&graph);
                *cached = Some((Arc::downgrade(&graph), completer.clone()));
                Ok(completer)
            }
        }
    }

    /// Splits and parses the whole request before anything runs: a mistake anywhere answers
    /// 400 (or 413 for a statement too long) and runs nothing.
    fn parse(&self, source: &str) -> Result<Vec<Placed>, Reply> {
        let pieces = parser::split_pieces(source);
        let mut statements = Vec::new();
        for (offset, piece) in pieces {
            let trimmed = piece.trim_start();
            let at = offset + (piece.len() - trimmed.len());
            if trimmed.starts_with('.') {
                let end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
                let error = QueryError::new(
                    Span::new(at, at + end),
                    "dot commands are for the shell; send statements",
                );
                return Err(Reply::json(
                    400,
                    &json!({ "error": error_json(&error, "syntax", source, None) }),
                ));
            }
            match parser::parse(piece) {
                Ok(script) => {
                    for statement in script.statements {
                        let placed = Placed { offset, statement };
                        let span = placed.span();
                        if span.end - span.start > self.limits.max_statement {
                            let error = QueryError::new(
                                span,
                                format!(
                                    "a statement may hold at most {} bytes; this one holds {}",
                                    self.limits.max_statement,
                                    span.end - span.start
                                ),
                            );
                            return Err(Reply::json(
                                413,
                                &json!({ "error": error_json(&error, "too_large", source, None) }),
                            ));
                        }
                        statements.push(placed);
                    }
                }
                Err(e) => {
                    let e = shifted(e, offset);
                    return Err(Reply::json(
                        400,
                        &json!({ "error": error_json(&e, kind_word(e.kind), source, None) }),
                    ));
                }
            }
            if statements.len() > self.limits.max_statements {
                return Err(Reply::error(
                    413,
                    "too_large",
                    format!(
                        "a request may hold at most {} statements",
                        self.limits.max_statements
                    ),
                ));
            }
        }
        if statements.is_empty() {
            return Err(Reply::error(
                400,
                "empty",
                "no statements: send e.g. `learn DevOps -> SRE`",
            ));
        }
        Ok(statements)
    }
}

/// A statement and where its piece starts in the request: the AST's spans, and so the
/// evaluator's errors, count from the start of the piece.
struct Placed {
    offset: usize,
    statement: Statement,
}

impl Placed {
    fn span(&self) -> Span {
        let span = self.statement.span;
        Span::new(span.start + self.offset, span.end + self.offset)
    }

    fn text<'a>(&self, source: &'a str) -> &'a str {
        let span = self.span();
        source.get(span.start..span.end).unwrap_or("")
    }
}

/// The graph as readers share it: every write is refused.
struct ReadView<'a> {
    graph: &'a Graph,
}

impl Database for ReadView<'_> {
    fn graph(&self) -> &Graph {
        self.graph
    }

    fn apply(&mut self, _changes: Vec<Change>) -> Result<Vec<String>, ApplyError> {
        Err(ApplyError::Failed(READ_ONLY.to_string()))
    }
}

/// The answers of a run of statements, and what stopped it, if anything.
struct Answers {
    tables: Vec<ResultTable>,
    failure: Option<Reply>,
}

fn evaluate(
    db: &mut dyn Database,
    source: &str,
    statements: &[Placed],
    interrupt: Arc<AtomicBool>,
) -> Answers {
    let mut session = Session::new();
    session.interrupt = interrupt;
    let mut tables = Vec::new();
    for (i, statement) in statements.iter().enumerate() {
        // A panic is a bug in the evaluator; the client gets a 500 and the server goes on. The
        // session is dropped with the request, and the shared graph is only read (a write's
        // changes are checked in full before the store takes them).
        let ran = panic::catch_unwind(AssertUnwindSafe(|| {
            session.execute(db, &statement.statement)
        }));
        let failure = match ran {
            Ok(Ok(table)) => {
                tables.push(table);
                // A statement that does not look at the flag finishes past the budget; the
                // statements after it do not start.
                if !session.interrupt.load(Ordering::Relaxed) || i + 1 == statements.len() {
                    continue;
                }
                over_budget(statements, source, &tables, i + 1)
            }
            Ok(Err(e)) if e.kind == ErrorKind::Interrupted => {
                over_budget(statements, source, &tables, i)
            }
            Ok(Err(e)) => Reply::json(
                400,
                &json!({
                    "results": results_json(statements, source, &tables),
                    "error": error_json(&shifted(e.clone(), statement.offset), kind_word(e.kind), source, Some(i)),
                }),
            ),
            Err(_) => Reply::json(
                500,
                &json!({
                    "results": results_json(statements, source, &tables),
                    "error": {
                        "kind": "internal",
                        "message": "internal error while answering this statement (a bug); the server goes on",
                        "statement": i,
                    }
                }),
            ),
        };
        return Answers {
            tables,
            failure: Some(failure),
        };
    }
    Answers {
        tables,
        failure: None,
    }
}

fn over_budget(statements: &[Placed], source: &str, tables: &[ResultTable], at: usize) -> Reply {
    Reply::json(
        503,
        &json!({
            "results": results_json(statements, source, tables),
            "error": {
                "kind": "over_budget",
                "message": "the request ran out of its time budget and was stopped; ask for less (a `limit`, fewer hops, `min importance`) or start the server with a larger `--budget`",
                "statement": at,
            }
        }),
    )
}

fn run(
    db: &mut dyn Database,
    source: &str,
    statements: &[Placed],
    interrupt: Arc<AtomicBool>,
) -> Reply {
    let answers = evaluate(db, source, statements, interrupt);
    match answers.failure {
        Some(reply) => reply,
        None => Reply::json(
            200,
            &json!({ "results": results_json(statements, source, &answers.tables) }),
        ),
    }
}

/// One answer: the statement's text, and its rows exactly as `--format json` writes them.
#[derive(Serialize)]
struct Answer<'a> {
    statement: &'a str,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    columns: Option<&'a [CompactString]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rows: Option<Box<RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lines: Option<Vec<String>>,
    notes: &'a [String],
    picture: bool,
    /// Which columns hold a row's node name, id and kind, for answers whose rows are nodes.
    #[serde(skip_serializing_if = "Option::is_none")]
    node_columns: Option<Json>,
}

fn results_json<'a>(
    statements: &'a [Placed],
    source: &'a str,
    tables: &'a [ResultTable],
) -> Vec<Answer<'a>> {
    statements
        .iter()
        .zip(tables)
        .map(|(statement, table)| {
            let text = statement.text(source);
            match table.kind {
                TableKind::Message => Answer {
                    statement: text,
                    kind: "message",
                    title: None,
                    summary: None,
                    columns: None,
                    rows: None,
                    lines: Some(table.rows.iter().map(|r| r[0].display(", ")).collect()),
                    notes: &table.notes,
                    picture: false,
                    node_columns: None,
                },
                _ => Answer {
                    statement: text,
                    kind: "rows",
                    title: table.title.as_deref(),
                    summary: table.summary.as_deref(),
                    columns: Some(&table.columns),
                    rows: Some(
                        RawValue::from_string(skillgraph_printer::json::rows_text(table))
                            .expect("the JSON output is JSON"),
                    ),
                    lines: None,
                    notes: &table.notes,
                    picture: table.picture.is_some(),
                    node_columns: table.row_nodes.map(|n| {
                        json!({
                            "name": table.columns[n.name],
                            "id": table.columns[n.id],
                            "kind": table.columns[n.kind],
                        })
                    }),
                },
            }
        })
        .collect()
}

/// A [`QueryError`] as JSON: what the shell shows, as data. `span` is in bytes of the request's
/// statements, `line` and `column` count from 1 (the column in characters), `rendered` is the
/// shell's own text of it.
fn error_json(e: &QueryError, kind: &str, source: &str, statement: Option<usize>) -> Json {
    let (line, column) = e.line_col(source);
    let notes: Vec<Json> = e
        .notes
        .iter()
        .map(|n| {
            let (line, column) = diagnostic::line_col(source, n.span.start);
            json!({
                "label": n.label,
                "line": line,
                "column": column,
                "span": { "start": n.span.start, "end": n.span.end },
            })
        })
        .collect();
    let mut error = json!({
        "kind": kind,
        "message": e.message,
        "line": line,
        "column": column,
        "span": { "start": e.span.start, "end": e.span.end },
        "label": e.label,
        "help": e.help,
        "notes": notes,
        "rendered": diagnostic::render(e, "query", source, false),
    });
    if let Some(i) = statement {
        error["statement"] = json!(i);
    }
    error
}

/// The error kind as a word for programs: `UnknownName` → `unknown_name`.
fn kind_word(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Syntax => "syntax",
        ErrorKind::UnknownStatement => "unknown_statement",
        ErrorKind::UnknownClause => "unknown_clause",
        ErrorKind::UnknownEdgeKind => "unknown_edge_kind",
        ErrorKind::RepeatedClause => "repeated_clause",
        ErrorKind::MisplacedClause => "misplaced_clause",
        ErrorKind::UnclosedString => "unclosed_string",
        ErrorKind::UnbalancedBracket => "unbalanced_bracket",
        ErrorKind::InvalidEscape => "invalid_escape",
        ErrorKind::InvalidNumber => "invalid_number",
        ErrorKind::RepeatedField => "repeated_field",
        ErrorKind::EmptyName => "empty_name",
        ErrorKind::TooDeeplyNested => "too_deeply_nested",
        ErrorKind::ControlCharacter => "control_character",
        ErrorKind::UnknownName => "unknown_name",
        ErrorKind::Evaluation => "evaluation",
        ErrorKind::Interrupted => "interrupted",
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

/// `GET /schema`: the statement forms, node and edge kinds, and fields.
pub fn schema() -> String {
    let statements: Vec<Json> = STATEMENT_FORMS
        .iter()
        .map(|f| {
            json!({
                "keyword": f.keyword,
                "usage": f.usage,
                "summary": f.summary,
                "examples": f.examples,
            })
        })
        .collect();
    let fields: Vec<Json> = FIELDS
        .iter()
        .map(|f| {
            let kinds: Vec<&str> = if f.kinds.is_empty() {
                NodeKind::ALL.iter().map(|k| k.as_str()).collect()
            } else {
                f.kinds.iter().map(|k| k.as_str()).collect()
            };
            json!({
                "name": f.name,
                "type": f.ty.as_str(),
                "kinds": kinds,
                "settable": f.settable,
                "doc": f.doc,
            })
        })
        .collect();
    let node_kinds: Vec<&str> = NodeKind::ALL.iter().map(|k| k.as_str()).collect();
    let edge_kinds: Vec<&str> = EdgeKind::ALL.iter().map(|k| k.as_str()).collect();
    serde_json::to_string(&json!({
        "statements": statements,
        "node_kinds": node_kinds,
        "edge_kinds": edge_kinds,
        "fields": fields,
    }))
    .expect("the schema serialises")
}

#[cfg(test)]
mod tests;
