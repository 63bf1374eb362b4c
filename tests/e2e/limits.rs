//! Bounded work, end to end: each limit on route enumeration is hit through the real binary and
//! says which limit it was; input built to exhaust the stack or the clock (ten thousand nested
//! brackets, megabyte-long lines, 100,000 lines inside one bracket) gets an answer or an error
//! quickly enough to finish, never a crash.

use std::fmt::Write as _;

use crate::support::{Run, TestDb};

fn assert_clean_failure(run: &Run, what: &str) {
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("overflow"),
        "{what}: {}",
        &run.stderr[..run.stderr.len().min(2000)]
    );
    // A crash by signal (stack overflow aborts) has no exit code: `Run` shows it as -1.
    assert_eq!(
        run.code,
        1,
        "{what}: {}",
        &run.stderr[..run.stderr.len().min(2000)]
    );
}

#[test]
fn paths_says_when_the_hop_limit_cut_the_list() {
    let db = TestDb::new();
    let run = db.run(&["query", "paths DevOps -> \"Engineering Manager\" max 1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "hop limit: every route of at most 1 moves is listed; longer ones exist (raise `max`)"
        ),
        "{}",
        run.stdout
    );
    // In JSON the rows stay parseable and the note goes to standard error.
    let run = db.run(&[
        "query",
        "paths DevOps -> \"Engineering Manager\" max 1",
        "--format",
        "json",
    ]);
    assert!(
        crate::support::json_rows(&run.stdout).is_empty(),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("hop limit"), "{}", run.stderr);
}

#[test]
fn paths_says_when_the_result_limit_cut_the_list() {
    let db = TestDb::new();
    let rows = db.json("paths Ops -> \"Engineering Manager\" limit 1");
    assert_eq!(rows.len(), 1, "{rows:?}");
    let run = db.run(&["query", "paths Ops -> \"Engineering Manager\" limit 1"]);
    assert!(
        run.stdout
            .contains("limit reached: showing the first 1 routes; more exist (raise `limit`)"),
        "{}",
        run.stdout
    );
    // Unlimited is not on offer: a huge `limit` is capped, not obeyed, and the answer says so.
    let run = db.run(&[
        "query",
        "paths Ops -> \"Engineering Manager\" limit 99999999",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("`limit 99999999` is more than `paths` lists: at most 1000 routes"),
        "{}",
        run.stdout
    );
}

#[test]
fn paths_refuses_a_hop_bound_past_its_ceiling() {
    let db = TestDb::new();
    let run = db.run(&["query", "paths DevOps -> SRE max 13"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("`max` for `paths` is at most 12"),
        "{}",
        run.stderr
    );
}

#[test]
fn paths_says_when_the_work_limit_stopped_the_search() {
    // A funnel: Start → Hub → Goal is the only route, but Hub also opens onto a clique of 20
    // roles that all lead back to Hub only. Every walk through the clique is a dead end (Hub
    // is already on it), and there are far more of them than the work budget.
    let db = TestDb::new();
    let dir = db.dir().join("funnel");
    std::fs::create_dir_all(&dir).unwrap();
    let mut nodes = String::from("id,kind,name\nstart,role,Start\nhub,role,Hub\ngoal,role,Goal\n");
    let mut edges =
        String::from("from,to,kind,weight\nstart,hub,transition,1\nhub,goal,transition,1\n");
    for i in 0..20 {
        writeln!(nodes, "k{i},role,K{i}").unwrap();
        writeln!(edges, "hub,k{i},transition,1\nk{i},hub,transition,1").unwrap();
        for j in (0..20).filter(|&j| j != i) {
            writeln!(edges, "k{i},k{j},transition,1").unwrap();
        }
    }
    std::fs::write(dir.join("nodes.csv"), nodes).unwrap();
    std::fs::write(dir.join("edges.csv"), edges).unwrap();
    let run = db.run(&["import", "--replace", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let run = db.run(&["query", "paths Start -> Goal max 12"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Start → Hub → Goal"), "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "work limit: the search stopped after visiting 2000000 roles; the list may be incomplete"
        ),
        "{}",
        run.stdout
    );
}

/// `depth` of `open`, a filler, then `depth` of `close`.
fn nested(open: &str, middle: &str, close: &str, depth: usize) -> String {
    format!("{}{middle}{}", open.repeat(depth), close.repeat(depth))
}

#[test]
fn ten_thousand_nested_brackets_are_an_error_not_a_stack_overflow() {
    let db = TestDb::new();
    let cases = [
        format!(
            "skills where {}",
            nested("(", "category = \"x\"", ")", 10_000)
        ),
        format!("set SRE focus = {}", nested("[", "1", "]", 10_000)),
        format!("add skill x {{ f: {} }}", nested("{a: ", "1", "}", 10_000)),
        format!("let me = {}", nested("[", "Linux", "]", 10_000)),
        // Unclosed, the way a runaway generator would leave it.
        format!("skills where {}", "(".repeat(10_000)),
    ];
    for (i, statement) in cases.iter().enumerate() {
        let what = format!("case {i} as an argument");
        let run = db.run(&["query", statement]);
        assert_clean_failure(&run, &what);
        assert!(
            run.stderr.contains("brackets nest too deeply")
                || run.stderr.contains("unclosed")
                || run.stderr.contains("expected"),
            "{what}: {}",
            &run.stderr[..run.stderr.len().min(2000)]
        );
        let run = db.run_stdin(&[], statement);
        assert_clean_failure(&run, &format!("case {i} on standard input"));
        let script = db.dir().join(format!("deep-{i}.sgq"));
        std::fs::write(&script, statement).unwrap();
        let run = db.run(&["run", script.to_str().unwrap()]);
        assert_clean_failure(&run, &format!("case {i} as a script"));
    }
    // Ten thousand `not`s nest no brackets; the grammar reads them in a loop.
    let nots = format!("skills where {} has(category)", "not ".repeat(10_000));
    let run = db.run(&["query", &nots]);
    assert_eq!(run.code, 0, "{}", &run.stderr[..run.stderr.len().min(2000)]);
}

#[test]
fn megabyte_lines_give_short_errors() {
    let db = TestDb::new();
    let megabyte = 1 << 20;
    let cases = [
        // An unknown name: no edit distance over a megabyte (that took minutes), and the
        // message does not repeat the megabyte.
        format!("show \"{}\"", "a".repeat(megabyte)),
        format!("show {}", "b".repeat(megabyte)),
        // An unknown statement word.
        "x".repeat(megabyte),
        // Many words.
        "y ".repeat(megabyte / 2),
        // An unclosed string.
        format!("show \"{}", "c".repeat(megabyte)),
        // A long list of names that do not resolve.
        format!("learn [{}] -> SRE", vec!["Nope"; megabyte / 6].join(", ")),
    ];
    for (i, line) in cases.iter().enumerate() {
        let script = db.dir().join(format!("long-{i}.sgq"));
        std::fs::write(&script, format!("{line}\n")).unwrap();
        let run = db.run(&["run", script.to_str().unwrap()]);
        let what = format!("long line {i}");
        assert_clean_failure(&run, &what);
        assert!(
            run.stderr.len() < 8 * 1024,
            "{what}: {} bytes of error",
            run.stderr.len()
        );
        assert!(run.stderr.contains(":1:"), "{what}: {}", run.stderr);
    }
    // A megabyte comment and a long valid statement are fine.
    let script = db.dir().join("fine.sgq");
    let names: Vec<String> = (0..50_000).map(|i| format!("\"n{i}\"")).collect();
    std::fs::write(
        &script,
        format!(
            "# {}\nroles where name in [{}]\n",
            "z".repeat(megabyte),
            names.join(", ")
        ),
    )
    .unwrap();
    let run = db.run(&["run", script.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", &run.stderr[..run.stderr.len().min(2000)]);
    assert!(run.stdout.contains("(no rows)"), "{}", run.stdout);
}

#[test]
fn a_long_run_of_lines_inside_an_open_bracket_is_read_in_one_pass() {
    // A script is cut into statements where no bracket or string is left open. Asked of the
    // whole piece at every line, that took minutes for this script (20,000 lines: over a
    // minute in a debug build); one pass takes no time.
    let db = TestDb::new();
    let script = format!(
        "let me = [\n{}]\nlearn $me -> SRE\n",
        "  Linux,\n  \"Python\",\n".repeat(50_000)
    );
    let path = db.dir().join("many-lines.sgq");
    std::fs::write(&path, &script).unwrap();
    let run = db.run(&["run", path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", &run.stderr[..run.stderr.len().min(2000)]);
    assert!(run.stdout.contains("profile $me holds"), "{}", run.stdout);
    // Never closed: an error at the bracket, not a hang.
    let unclosed = format!("let me = [\n{}", "  Linux,\n".repeat(100_000));
    std::fs::write(&path, unclosed).unwrap();
    let run = db.run(&["run", path.to_str().unwrap()]);
    assert_clean_failure(&run, "an unclosed bracket over 100k lines");
    assert!(run.stderr.contains("unclosed `[`"), "{}", run.stderr);
}
