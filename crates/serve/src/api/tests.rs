//! The server's answers without HTTP: budgets, errors, panics and completion.

use super::*;

/// Completes nothing, for the tests of statements.
struct NoCompletion;

impl Complete for NoCompletion {
    fn complete(&self, line: &str) -> (usize, Vec<Candidate>) {
        (line.len(), Vec::new())
    }
}

fn shared(dir: &std::path::Path) -> Shared {
    let seed = || skillgraph_import::curated_graph().expect("the built-in graph");
    let (mut store, _) = Store::open(&dir.join("graph.sgdb"), seed).expect("a database");
    store.set_read_only();
    Shared::new(store, None, Limits::default(), |_| Arc::new(NoCompletion))
}

/// Completes every line with the number of nodes of the graph it was built over, and
/// counts how often one is built.
struct CountingCompletion(usize);

static COMPLETIONS_BUILT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl Complete for CountingCompletion {
    fn complete(&self, line: &str) -> (usize, Vec<Candidate>) {
        let nodes = self.0.to_string();
        let candidate = Candidate {
            display: nodes.clone(),
            replacement: nodes,
        };
        (line.len(), vec![candidate])
    }
}

#[test]
fn completion_is_the_callers_built_once_per_graph() {
    let dir = tempfile::tempdir().unwrap();
    let seed = || skillgraph_import::curated_graph().expect("the built-in graph");
    let (mut store, _) = Store::open(&dir.path().join("graph.sgdb"), seed).unwrap();
    store.set_read_only();
    let nodes = store.graph().node_count();
    let shared = Shared::new(store, None, Limits::default(), |graph| {
        COMPLETIONS_BUILT.fetch_add(1, Ordering::Relaxed);
        Arc::new(CountingCompletion(graph.node_count()))
    });
    for prefix in ["learn Dev", "skills of "] {
        let reply = shared.complete(prefix);
        assert_eq!(reply.status, 200, "{}", reply.body);
        let body: Json = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(body["start"], prefix.len());
        assert_eq!(body["candidates"][0]["replacement"], nodes.to_string());
    }
    // Dot commands are the shell's: nothing is asked of the completion.
    let reply = shared.complete(".he");
    assert_eq!(reply.body, r#"{"candidates":[],"start":3}"#);
    assert_eq!(COMPLETIONS_BUILT.load(Ordering::Relaxed), 1);
}

#[test]
fn a_request_past_its_budget_answers_503_and_keeps_what_finished() {
    let dir = tempfile::tempdir().unwrap();
    let shared = shared(dir.path());
    // The budget's timer has fired before the plan starts: the plan stops at its first step.
    // A statement that looks at the flag stops; one that does not finishes, and the next
    // does not start.
    let stopped = Arc::new(AtomicBool::new(true));
    for (source, at, kept) in [
        ("neighbourhood SRE depth 6", 0, 0),
        ("skills of SRE; gap DevOps -> SRE", 1, 1),
    ] {
        let reply = shared.query(source, stopped.clone());
        assert_eq!(reply.status, 503, "{}", reply.body);
        let body: Json = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(body["error"]["kind"], "over_budget");
        assert_eq!(body["error"]["statement"], at);
        assert_eq!(body["results"].as_array().unwrap().len(), kept);
    }
}

#[test]
fn an_evaluation_error_points_into_the_request_not_its_piece() {
    let dir = tempfile::tempdir().unwrap();
    let shared = shared(dir.path());
    let reply = shared.query("show SRE; show Nope", Arc::new(AtomicBool::new(false)));
    let body: Json = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(body["error"]["span"], json!({"start": 15, "end": 19}));
    assert_eq!(body["results"][0]["statement"], "show SRE");
}

/// A database whose graph cannot be read: every statement panics in the evaluator.
struct Broken;

impl Database for Broken {
    fn graph(&self) -> &Graph {
        panic!("a bug in the evaluator")
    }

    fn apply(&mut self, _: Vec<Change>) -> Result<Vec<String>, ApplyError> {
        panic!("a bug in the evaluator")
    }
}

#[test]
fn a_panic_in_a_statement_answers_500() {
    let dir = tempfile::tempdir().unwrap();
    let shared = shared(dir.path());
    let statements = shared.parse("show SRE").ok().unwrap();
    // The panic's message is printed by the default hook; the reply is what is checked.
    let answers = evaluate(
        &mut Broken,
        "show SRE",
        &statements,
        Arc::new(AtomicBool::new(false)),
    );
    let reply = answers.failure.expect("a failure");
    assert_eq!(reply.status, 500);
    let body: Json = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(body["error"]["kind"], "internal");
    assert_eq!(body["error"]["statement"], 0);
}
