//! `skillgraph serve`: the real binary on an ephemeral loopback port, asked over HTTP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::support::TestDb;

/// A running server over a test database; stopped (SIGKILL) when dropped.
pub struct Server {
    child: Child,
    pub url: String,
    agent: ureq::Agent,
}

impl Server {
    pub fn start(db: &TestDb, args: &[&str]) -> Server {
        // Create the database first, so the server's stderr holds only its own lines.
        assert_eq!(db.run(&["stats"]).code, 0);
        let stderr = std::fs::File::create(db.dir().join("serve.stderr")).expect("stderr file");
        let mut child = db
            .command()
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start skillgraph serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the server prints its URL");
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .trim_end_matches('/')
            .to_string();
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        Server { child, url, agent }
    }

    pub fn addr(&self) -> &str {
        self.url.trim_start_matches("http://")
    }

    /// `POST /query` with the statements as text: the status and the JSON answer.
    pub fn query(&self, statements: &str) -> (u16, Value) {
        let mut response = self
            .agent
            .post(format!("{}/query", self.url))
            .header("Content-Type", "text/plain")
            .send(statements)
            .expect("POST /query");
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string().expect("a body");
        (status, serde_json::from_str(&body).expect("JSON"))
    }

    pub fn get(&self, path_and_query: &str) -> (u16, String) {
        let mut response = self
            .agent
            .get(format!("{}{path_and_query}", self.url))
            .call()
            .expect("GET");
        let status = response.status().as_u16();
        (
            status,
            response.body_mut().read_to_string().expect("a body"),
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

const READS: &[&str] = &[
    "skills of SRE",
    "gap DevOps -> SRE",
    "learn DevOps -> SRE",
    "path DevOps -> SRE by effort",
    "roles where requires(Kubernetes) order by name limit 3",
    "compare DevOps, SRE",
];

#[test]
fn each_answer_holds_the_rows_of_format_json() {
    let db = TestDb::new();
    let server = Server::start(&db, &[]);
    let (status, answer) = server.query(&READS.join("\n"));
    assert_eq!(status, 200, "{answer}");
    let results = answer["results"].as_array().expect("results");
    assert_eq!(results.len(), READS.len());
    for (statement, result) in READS.iter().zip(results) {
        assert_eq!(result["statement"], *statement);
        assert_eq!(result["kind"], "rows");
        assert_eq!(
            result["rows"].as_array().expect("rows"),
            &db.json(statement),
            "{statement}"
        );
    }
    assert_eq!(results[2]["picture"], true, "a plan is drawn");
    assert_eq!(results[0]["node_columns"]["name"], "skill");
    // The same as JSON, with statements separated by `;`.
    let mut response = server
        .agent
        .post(format!("{}/query", server.url))
        .header("Content-Type", "application/json")
        .send(r#"{"statements": "skills of SRE; gap DevOps -> SRE"}"#)
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let answer: Value =
        serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(answer["results"][1]["rows"], Value::from(db.json(READS[1])));
    // A `let` profile lives for the request.
    let (status, answer) = server.query("let me = [Linux, Git]\nlearn $me -> SRE");
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["results"][0]["kind"], "message");
}

#[test]
fn errors_say_line_column_and_span_as_the_shell_does() {
    let db = TestDb::new();
    let server = Server::start(&db, &[]);
    // A syntax error anywhere runs nothing.
    let (status, answer) = server.query("show SRE\npth DevOps -> SRE");
    assert_eq!(status, 400, "{answer}");
    let error = &answer["error"];
    assert_eq!(error["kind"], "unknown_statement");
    assert_eq!(error["message"], "unknown statement `pth`");
    assert_eq!(
        (error["line"].as_u64(), error["column"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(error["span"], serde_json::json!({"start": 9, "end": 12}));
    assert_eq!(error["help"], "did you mean `path`?");
    let shell = db.run(&["query", "show SRE\npth DevOps -> SRE"]);
    let rendered = error["rendered"].as_str().unwrap();
    assert!(
        shell.stderr.contains(
            rendered
                .split("╭─[")
                .nth(1)
                .unwrap()
                .split(']')
                .nth(1)
                .unwrap()
        ),
        "the shell's caret lines:\n{}\nthe server's:\n{rendered}",
        shell.stderr
    );
    // An unknown name fails its statement; the answers before it are kept.
    let (status, answer) = server.query("skills of SRE\nshow Nope");
    assert_eq!(status, 400);
    assert_eq!(answer["results"].as_array().unwrap().len(), 1);
    let error = &answer["error"];
    assert_eq!(error["kind"], "unknown_name");
    assert_eq!(error["statement"], 1);
    assert_eq!(
        (error["line"].as_u64(), error["column"].as_u64()),
        (Some(2), Some(6))
    );
    assert_eq!(error["span"], serde_json::json!({"start": 19, "end": 23}));
    // Dot commands are the shell's.
    let (status, answer) = server.query(".help");
    assert_eq!(status, 400);
    assert!(answer["error"]["message"]
        .as_str()
        .unwrap()
        .contains("shell"));
}

#[test]
fn bodies_and_statements_past_their_limits_answer_413() {
    let db = TestDb::new();
    let server = Server::start(&db, &["--max-body", "1000", "--max-statement", "100"]);
    let (status, answer) = server.query(&format!("skills of SRE\n{}", "x".repeat(2000)));
    assert_eq!(status, 413, "{answer}");
    assert_eq!(answer["error"]["kind"], "too_large");
    let long = format!("roles where name = \"{}\"", "y".repeat(120));
    let (status, answer) = server.query(&format!("skills of SRE\n{long}"));
    assert_eq!(status, 413, "{answer}");
    assert_eq!(answer["error"]["line"], 2);
    assert_eq!(answer["error"]["span"]["start"], 14);
    // The limit is per statement: several short ones on one line are within it.
    let line = ["skills of SRE"; 12].join("; ");
    assert!(line.len() > 100);
    assert_eq!(server.query(&line).0, 200);
    let (status, _) = server.get(&format!("/complete?prefix={}", "z".repeat(200)));
    assert_eq!(status, 413);
    // Statements within the limits still answer.
    assert_eq!(server.query("skills of SRE").0, 200);
}

#[test]
fn read_only_by_default_yet_sees_other_processes_writes() {
    let db = TestDb::new();
    let server = Server::start(&db, &[]);
    let (status, answer) = server.query("show SRE\nadd skill Served");
    assert_eq!(status, 403, "{answer}");
    assert_eq!(answer["error"]["kind"], "read_only");
    assert_eq!(answer["error"]["line"], 2);
    assert_eq!(answer["results"], serde_json::json!([]), "nothing ran");
    assert_eq!(server.query("show Served").0, 400);
    // /render only reads, whatever the server allows.
    let (status, _) = server.get(&format!("/render?q={}", encode("add skill Drawn")));
    assert_eq!(status, 403);
    // Another process writes; the server's next request sees it.
    let run = db.run(&["query", "add skill Outside { effort_hours: 7 }"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (status, answer) = server.query("show Outside");
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["results"][0]["rows"],
        Value::from(db.json("show Outside"))
    );
}

#[test]
fn allow_writes_writes_through_the_store_and_others_see_it() {
    let db = TestDb::new();
    let server = Server::start(&db, &["--allow-writes"]);
    let (status, answer) = server
        .query("add skill Served { effort_hours: 5 }\nlink SRE requires Served { importance: 3 }");
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["results"][0]["kind"], "message");
    let rows = db.json("show Served");
    assert!(
        rows.iter()
            .any(|r| r["field"] == "effort_hours" && r["value"] == 5),
        "{rows:?}"
    );
    let skills = crate::support::column(&db.json("skills of SRE"), "skill");
    assert!(skills.contains(&"Served".to_string()), "{skills:?}");
    // And the server reads its own and others' writes alike.
    assert_eq!(db.run(&["query", "add skill Outside"]).code, 0);
    assert_eq!(server.query("show Outside\nshow Served").0, 200);
}

#[test]
fn reads_answer_while_a_write_waits_for_another_processs_lock() {
    let db = TestDb::new();
    let server = Server::start(&db, &["--allow-writes", "--lock-timeout", "60"]);
    // Another process holds the writer's lock, as a long script would.
    let lock = crate::readers_writers::hold_writer_lock(&db, "pid 1 a long script");
    std::thread::scope(|scope| {
        let write = scope.spawn(|| server.query("add skill Waited"));
        // The write is waiting (or not yet sent); either way reads answer meanwhile.
        for _ in 0..5 {
            let (status, answer) = server.query("skills of SRE");
            assert_eq!(status, 200, "{answer}");
        }
        assert!(!write.is_finished(), "the write waits for the lock");
        lock.unlock().unwrap();
        let (status, answer) = write.join().unwrap();
        assert_eq!(status, 200, "{answer}");
    });
    assert_eq!(server.query("show Waited").0, 200);
}

/// Why the server watches the read view's file, not the graph's counts and log length: a fold
/// of `set`s made while it was idle leaves the counts as they were and the log empty again.
#[test]
fn an_idle_server_sees_a_fold_of_writes_that_change_no_count() {
    let db = TestDb::new();
    let server = Server::start(&db, &[]);
    let effort = |server: &Server| {
        let (status, answer) = server.query("show \"error-budgets\"");
        assert_eq!(status, 200, "{answer}");
        let rows = answer["results"][0]["rows"].as_array().unwrap().clone();
        rows.into_iter()
            .find(|r| r["field"] == "effort_hours")
            .map(|r| r["value"].clone())
            .unwrap()
    };
    assert_eq!(effort(&server), 12);
    // More writes than the log holds before a fold (COMPACT_AFTER, 256), in one process.
    let sets: Vec<String> = (1..=260)
        .map(|n| format!("set \"error-budgets\" effort_hours = {n}"))
        .collect();
    let mut args = vec!["query"];
    args.extend(sets.iter().map(String::as_str));
    let run = db.run(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(effort(&server), 260);
}

#[test]
fn a_request_past_its_budget_is_stopped_with_503() {
    let db = TestDb::new();
    // 400 roles, 25 moves out of each: the neighbourhood of depth 6 is every move, thousands
    // of steps, which a budget of a millisecond cannot cover.
    let data = db.dir().join("dense");
    std::fs::create_dir_all(&data).unwrap();
    let mut nodes = String::from("id,kind,name\n");
    let mut edges = String::from("from,to,kind,weight\n");
    for i in 0..400 {
        nodes.push_str(&format!("r{i},role,Role {i}\n"));
        for j in 0..25 {
            edges.push_str(&format!("r{i},r{},transition,10\n", (i + j * 16 + 1) % 400));
        }
    }
    std::fs::write(data.join("nodes.csv"), nodes).unwrap();
    std::fs::write(data.join("edges.csv"), edges).unwrap();
    let imported = db.run(&["import", "--replace", data.to_str().unwrap()]);
    assert_eq!(imported.code, 0, "{}", imported.stderr);
    let server = Server::start(&db, &["--budget", "0.001"]);
    // Stopped inside the neighbourhood, or (had it finished) before the next statement.
    let (status, answer) = server.query("neighbourhood r0 depth 6\nshow r1");
    assert_eq!(status, 503, "{answer}");
    assert_eq!(answer["error"]["kind"], "over_budget");
    assert!(answer["error"]["message"]
        .as_str()
        .unwrap()
        .contains("--budget"));
    // The server goes on.
    assert_eq!(server.get("/health").0, 200);
}

#[test]
fn sixteen_clients_at_once_get_the_answers_one_client_gets() {
    let db = TestDb::new();
    let server = Server::start(&db, &[]);
    let expected: Vec<Vec<Value>> = READS.iter().map(|s| db.json(s)).collect();
    std::thread::scope(|scope| {
        for t in 0..16 {
            let (server, expected) = (&server, &expected);
            scope.spawn(move || {
                for i in 0..12 {
                    let k = (t + i) % READS.len();
                    let (status, answer) = server.query(READS[k]);
                    assert_eq!(status, 200, "{answer}");
                    assert_eq!(
                        answer["results"][0]["rows"].as_array().unwrap(),
                        &expected[k]
                    );
                }
            });
        }
    });
}

#[test]
fn clients_that_leave_mid_request_do_not_hurt_the_server() {
    let db = TestDb::new();
    let server = Server::start(&db, &[]);
    for _ in 0..8 {
        // A body cut short.
        let mut stream = TcpStream::connect(server.addr()).unwrap();
        write!(
            stream,
            "POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 500\r\n\r\nlearn Dev"
        )
        .unwrap();
        drop(stream);
        // A whole request, then gone before the answer.
        let body = "learn DevOps -> SRE\npaths DevOps -> SRE max 6 limit 1000";
        let mut stream = TcpStream::connect(server.addr()).unwrap();
        write!(
            stream,
            "POST /query HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        drop(stream);
        // Gone in the middle of reading the answer.
        let mut stream = TcpStream::connect(server.addr()).unwrap();
        write!(
            stream,
            "GET /render?q={} HTTP/1.1\r\nHost: x\r\n\r\n",
            encode("learn DevOps -> SRE")
        )
        .unwrap();
        let mut first = [0u8; 16];
        stream.read_exact(&mut first).unwrap();
        drop(stream);
    }
    let (status, health) = server.get("/health");
    assert_eq!(status, 200, "{health}");
    assert_eq!(server.query("gap DevOps -> SRE").0, 200);
}

#[test]
fn the_schema_completion_picture_and_page() {
    let db = TestDb::new();
    let server = Server::start(&db, &[]);
    let (status, schema) = server.get("/schema");
    assert_eq!(status, 200);
    let schema: Value = serde_json::from_str(&schema).unwrap();
    let keywords: Vec<&str> = schema["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["keyword"].as_str().unwrap())
        .collect();
    assert!(
        keywords.contains(&"learn") && keywords.contains(&"gap"),
        "{keywords:?}"
    );
    assert_eq!(
        schema["node_kinds"],
        serde_json::json!(["role", "skill", "tool"])
    );
    assert!(schema["fields"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["name"] == "effort_hours" && f["kinds"] == serde_json::json!(["skill"])));

    let (status, completions) = server.get(&format!("/complete?prefix={}", encode("learn Dev")));
    assert_eq!(status, 200);
    let completions: Value = serde_json::from_str(&completions).unwrap();
    assert_eq!(completions["start"], 6);
    let offered: Vec<&str> = completions["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["replacement"].as_str().unwrap())
        .collect();
    assert!(offered.contains(&"\"DevOps engineer\""), "{offered:?}");
    let (_, keywords) = server.get(&format!("/complete?prefix={}", encode("lea")));
    assert!(keywords.contains("learn"), "{keywords}");
    let (_, dots) = server.get(&format!("/complete?prefix={}", encode(".he")));
    assert!(
        dots.contains("\"candidates\":[]"),
        "the shell's dot commands: {dots}"
    );

    // The picture is what `skillgraph render` draws.
    let (status, svg) = server.get(&format!("/render?q={}", encode("learn DevOps -> SRE")));
    assert_eq!(status, 200);
    let render = db.run(&["render", "learn DevOps -> SRE"]);
    assert_eq!(render.code, 0);
    assert_eq!(svg, render.stdout);
    let (status, _) = server.get(&format!("/render?q={}", encode("skills of SRE")));
    assert_eq!(status, 404, "a listing has no picture");
    let (status, body) = server.get("/render?at=x");
    assert_eq!(status, 400);
    assert!(body.starts_with("{\"error\""), "{body}");

    let (status, page) = server.get("/");
    assert_eq!(status, 200);
    assert!(page.contains("learn DevOps -&gt; SRE"), "prefilled");
    assert_eq!(server.get("/app.js").0, 200);
    assert_eq!(server.get("/nowhere").0, 404);
}

#[test]
fn cors_is_off_unless_an_origin_is_given() {
    let db = TestDb::new();
    let header = |server: &Server| {
        let response = server
            .agent
            .get(format!("{}/health", server.url))
            .header("Origin", "https://example.org")
            .call()
            .unwrap();
        response
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap().to_string())
    };
    let server = Server::start(&db, &[]);
    assert_eq!(header(&server), None);
    drop(server);
    let server = Server::start(&db, &["--cors", "https://example.org"]);
    assert_eq!(header(&server).as_deref(), Some("https://example.org"));
}

#[test]
fn sigterm_stops_the_server_after_the_request_under_way() {
    let db = TestDb::new();
    let mut server = Server::start(&db, &[]);
    // A request under way: its head and part of its body sent, the rest after the signal.
    let body = "learn DevOps -> SRE";
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    write!(
        stream,
        "POST /query HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\nlearn",
        body.len()
    )
    .unwrap();
    // Time for the server to read the head (what is measured is the answer, not this wait).
    std::thread::sleep(Duration::from_millis(300));
    let pid = server.child.id().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(sent.success());
    std::thread::sleep(Duration::from_millis(100));
    stream.write_all(&body.as_bytes()[5..]).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"results\""), "{answer}");
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let stderr = std::fs::read_to_string(db.dir().join("serve.stderr")).unwrap();
    assert!(stderr.contains("stopped"), "{stderr}");
}
