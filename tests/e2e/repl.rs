//! The interactive shell, driven through a real pseudo-terminal: keys in, screen out, as a
//! person at the keyboard would see it. Every wait is bounded; a missing answer fails the test
//! with everything the shell printed.

use std::fs::OpenOptions;
use std::io::Write;
use std::process::Command;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use rexpect::process::{Signal, WaitStatus};
use rexpect::session::{spawn_with_options, Options, PtySession};

use crate::support::TestDb;

/// Long enough for a debug build on a busy two-core machine to create and seed a database.
const TIMEOUT_MS: u64 = 15_000;
const PROMPT: &str = "skillgraph> ";
/// rustyline turns bracketed paste on when it starts reading a line and off when the line is
/// accepted (or abandoned), which tells the shell's output apart from its redrawing of the line.
const READING: &str = "\x1b[?2004h";
const ACCEPTED: &str = "\x1b[?2004l";

struct Shell {
    pty: PtySession,
    /// What the shell printed before its first prompt.
    banner: String,
}

impl Shell {
    /// The shell on a fresh database, with `NO_COLOR` set (as `TestDb` does).
    fn start(db: &TestDb) -> Shell {
        Shell::spawn(db, false)
    }

    fn start_in_colour(db: &TestDb) -> Shell {
        Shell::spawn(db, true)
    }

    fn spawn(db: &TestDb, colour: bool) -> Shell {
        let binary = db.command();
        // A terminal has a size; a fresh pseudo-terminal says 0×0 until told.
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(r#"stty cols 100 rows 40 && exec "$0" "$@""#)
            .arg(binary.get_program())
            .args(binary.get_args());
        for (key, value) in binary.get_envs() {
            match value {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            };
        }
        command.env("TERM", "xterm");
        if colour {
            command.env_remove("NO_COLOR");
        }
        let options = Options::new().timeout_ms(Some(TIMEOUT_MS));
        let pty = spawn_with_options(command, options).expect("start the shell in a pty");
        let mut shell = Shell {
            pty,
            banner: String::new(),
        };
        shell.banner = plain(&shell.expect("Type .help for help"));
        // The rest of the banner's line (the example to try), up to the first prompt.
        let rest = plain(&shell.expect(READING));
        shell.banner.push_str("Type .help for help");
        shell.banner.push_str(&rest);
        shell.expect(PROMPT);
        shell
    }

    /// Waits for `text` and returns everything printed before it (escape sequences included).
    fn expect(&mut self, text: &str) -> String {
        // rexpect hands bytes over one per `char`; compare in that form so `→` matches too.
        let needle: String = text.bytes().map(char::from).collect();
        match self.pty.exp_string(&needle) {
            Ok(before) => from_bytes_as_chars(&before),
            Err(e) => panic!("waiting for {text:?}: {e}"),
        }
    }

    /// Waits until the shell reads a new line and has drawn its prompt.
    fn ready(&mut self) {
        self.expect(READING);
        self.expect(PROMPT);
    }

    fn send(&mut self, keys: &str) {
        self.pty.send(keys).expect("type into the pty");
        self.pty.flush().expect("flush the pty");
    }

    /// Presses Enter on what has been typed: returns the line as the shell accepted it and
    /// everything it printed until it was ready for the next one, without escape sequences.
    fn enter(&mut self) -> (String, String) {
        self.send("\r");
        let redraws = plain(&self.expect(ACCEPTED));
        // The last redraw is the accepted line, without hints.
        let accepted = redraws
            .rsplit(PROMPT)
            .next()
            .unwrap_or_default()
            .to_string();
        let output = plain(&self.expect(READING));
        self.expect(PROMPT);
        (accepted, output)
    }

    /// Types `line`, presses Enter, and returns what the shell printed.
    fn run(&mut self, line: &str) -> String {
        self.send(line);
        self.enter().1
    }

    /// Sends Ctrl-D on an empty line and waits for the shell to exit; returns its exit code.
    fn leave(mut self) -> i32 {
        self.send("\x04");
        self.pty.exp_eof().expect("the shell ends on Ctrl-D");
        match self.pty.process().wait().expect("wait for the shell") {
            WaitStatus::Exited(_, code) => code,
            other => panic!("the shell did not exit normally: {other:?}"),
        }
    }
}

fn from_bytes_as_chars(text: &str) -> String {
    let bytes: Vec<u8> = text.chars().map(|c| c as u8).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// `text` without ANSI escape sequences and carriage returns.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => {
                if chars.peek() == Some(&'[') {
                    chars.next();
                    // Parameters, then one final byte in @..~.
                    for d in chars.by_ref() {
                        if ('@'..='~').contains(&d) {
                            break;
                        }
                    }
                }
            }
            '\r' | '\x07' => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether `text` sets colours or styles (SGR sequences), as opposed to moving the cursor.
fn has_styles(text: &str) -> bool {
    text.split("\x1b[").skip(1).any(|rest| {
        rest.find(|c: char| ('@'..='~').contains(&c))
            .is_some_and(|end| rest[end..].starts_with('m'))
    })
}

#[test]
fn the_banner_names_the_database_and_the_way_to_help() {
    let db = TestDb::new();
    let mut shell = Shell::start(&db);
    let path = db.path().display().to_string();
    assert!(
        shell.banner.contains(&format!("database {path}")),
        "{}",
        shell.banner
    );
    let out = shell.run(".help");
    assert!(
        out.contains(".format") && out.contains("learn START"),
        "{out}"
    );
    assert_eq!(shell.leave(), 0);
}

#[test]
fn tab_completes_a_node_name_bare_or_quoted() {
    let db = TestDb::new();
    let mut shell = Shell::start(&db);
    // `Kuber` is no name or alias of anything: only completion makes this line run.
    shell.send("show Kuber\t");
    let (line, out) = shell.enter();
    assert_eq!(line, "show Kubernetes");
    assert!(out.contains("tool Kubernetes (kubernetes)"), "{out}");

    shell.send("show \"Site Rel\t");
    let (line, out) = shell.enter();
    assert_eq!(line, r#"show "Site Reliability Engineer""#);
    assert!(
        out.contains("role Site Reliability Engineer (sre)"),
        "{out}"
    );
    assert_eq!(shell.leave(), 0);
}

#[test]
fn a_statement_spans_lines_while_a_bracket_is_open_or_a_line_ends_with_backslash() {
    let db = TestDb::new();
    let mut shell = Shell::start(&db);
    // Enter inside `[…]` runs nothing: the statement goes on on the next line.
    shell.send("learn [Linux,\r");
    shell.send("Python, Docker] -> SRE");
    let (line, out) = shell.enter();
    assert_eq!(line, "learn [Linux,\nPython, Docker] -> SRE");
    assert!(
        out.contains("learning plan [Docker, Linux/Unix administration, Python]"),
        "{out}"
    );

    shell.send("path DevOps \\\r");
    shell.send("-> SRE");
    let (line, out) = shell.enter();
    assert_eq!(line, "path DevOps \\\n-> SRE");
    assert!(out.contains("(1 move)"), "{out}");
    assert!(!out.contains("<input>"), "no error expected: {out}");
}

#[test]
fn history_keeps_a_multi_line_statement_as_one_entry_across_sessions() {
    let db = TestDb::new();
    let mut first = Shell::start(&db);
    first.send("let me = [Linux,\r");
    let out = first.run("Python]");
    assert!(out.contains("profile $me holds 2"), "{out}");
    first.run("show SRE");
    assert_eq!(first.leave(), 0);

    let file = db.dir().join("state").join("skillgraph").join("history");
    let history = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("no history at {}: {e}", file.display()));
    let entries: Vec<&str> = history.lines().collect();
    assert_eq!(
        entries,
        ["#V2", r"let me = [Linux,\nPython]", "show SRE"],
        "{history}"
    );

    // A new session: ↑↑ brings back the whole two-line statement.
    let mut second = Shell::start(&db);
    second.send("\x1b[A");
    second.expect("show SRE");
    second.send("\x1b[A");
    let (line, out) = second.enter();
    assert_eq!(line, "let me = [Linux,\nPython]");
    assert!(out.contains("profile $me holds 2"), "{out}");
    assert_eq!(second.leave(), 0);
}

#[test]
fn ctrl_c_clears_the_line_and_ctrl_d_leaves() {
    let db = TestDb::new();
    let mut shell = Shell::start(&db);
    shell.send("show Kuber");
    shell.expect("show Kuber");
    shell.send("\x03");
    shell.ready();
    // Had the typed text survived, this would run `show Kubershow SRE`.
    shell.send("show SRE");
    let (line, out) = shell.enter();
    assert_eq!(line, "show SRE");
    assert!(
        out.contains("role Site Reliability Engineer (sre)"),
        "{out}"
    );
    // Ctrl-C on an empty line does not leave either.
    shell.send("\x03");
    shell.ready();
    assert_eq!(shell.leave(), 0);
}

#[test]
fn ctrl_c_while_a_statement_runs_does_not_end_the_shell() {
    let db = TestDb::new();
    // `.read` of a named pipe keeps the shell busy, outside the line editor, until we write.
    let fifo = db.dir().join("slow.sgq");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("run mkfifo");
    assert!(made.success(), "mkfifo failed");
    let mut shell = Shell::start(&db);
    shell.send(&format!(".read {}\r", fifo.display()));
    shell.expect(ACCEPTED);
    // Opening the pipe for writing returns once the shell has opened it for reading.
    let (opened, open) = mpsc::channel();
    let path = fifo.clone();
    thread::spawn(move || {
        let _ = opened.send(OpenOptions::new().write(true).open(path));
    });
    let mut writer = open
        .recv_timeout(Duration::from_millis(TIMEOUT_MS))
        .expect("the shell opens the file")
        .expect("open the pipe");
    // What the terminal sends for Ctrl-C while a statement runs.
    shell
        .pty
        .process_mut()
        .signal(Signal::SIGINT)
        .expect("send SIGINT");
    writer.write_all(b"show SRE\n").expect("write the script");
    drop(writer);
    let out = plain(&shell.expect(READING));
    shell.expect(PROMPT);
    assert!(
        out.contains("role Site Reliability Engineer (sre)"),
        "{out}"
    );
    // The interrupt was the statement's: the next line is read as usual, not cut short.
    shell.send("show DevOps");
    let (line, out) = shell.enter();
    assert_eq!(line, "show DevOps");
    assert!(out.contains("role DevOps engineer ("), "{out}");
    assert_eq!(shell.leave(), 0);
}

#[test]
fn an_error_points_at_the_mistake_and_the_session_goes_on() {
    let db = TestDb::new();
    let mut shell = Shell::start(&db);
    let out = shell.run("learn DevOps -> Kubernets");
    assert!(out.contains("nothing is called `Kubernets`"), "{out}");
    assert!(out.contains("<input>:1:17"), "{out}");
    assert!(out.contains("did you mean `Kubernetes`?"), "{out}");
    let out = shell.run("path DevOps ->");
    assert!(
        out.contains("expected a node name or a quoted string after `->`"),
        "{out}"
    );
    let out = shell.run("show SRE");
    assert!(
        out.contains("role Site Reliability Engineer (sre)"),
        "{out}"
    );
    assert_eq!(shell.leave(), 0);
}

#[test]
fn format_json_prints_rows_as_json() {
    let db = TestDb::new();
    let mut shell = Shell::start(&db);
    let out = shell.run(".format json");
    assert!(out.contains("output format: json"), "{out}");
    let out = shell.run("skills of SRE");
    let json = out
        .lines()
        .find(|l| l.starts_with('{'))
        .unwrap_or_else(|| panic!("no JSON in {out}"));
    let rows = crate::support::json_rows(json);
    assert!(
        rows.iter().any(|r| r["skill"] == "Toil reduction"),
        "{rows:?}"
    );
    let out = shell.run(".format yaml");
    assert!(out.contains("`.format` takes table, json or csv"), "{out}");
}

#[test]
fn an_unknown_dot_command_suggests_the_closest() {
    let db = TestDb::new();
    let mut shell = Shell::start(&db);
    let out = shell.run(".fromat json");
    assert!(
        out.contains("unknown command `.fromat`; did you mean `.format`?"),
        "{out}"
    );
    let out = shell.run(".xyzzy");
    assert!(out.contains("`.help` lists the commands"), "{out}");
}

#[test]
fn timing_on_prints_parse_and_run_time() {
    let db = TestDb::new();
    let mut shell = Shell::start(&db);
    let out = shell.run(".timing on");
    assert!(out.contains("timing on"), "{out}");
    let out = shell.run("show SRE");
    let timing = out
        .lines()
        .find(|l| l.starts_with("time: "))
        .unwrap_or_else(|| panic!("no timing in {out}"));
    let words: Vec<&str> = timing.split_whitespace().collect();
    assert_eq!(words[1], "parse", "{timing}");
    assert!(words[2].parse::<f64>().is_ok(), "{timing}");
    assert_eq!(words[4], "run", "{timing}");
    assert!(words[5].parse::<f64>().is_ok(), "{timing}");
    shell.run(".timing off");
    let out = shell.run("show SRE");
    assert!(!out.contains("time: "), "{out}");
}

#[test]
fn help_read_and_schema() {
    let db = TestDb::new();
    let script = db.dir().join("two.sgq");
    std::fs::write(
        &script,
        "# two questions\nskills of SRE\ncompare DevOps, SRE\n",
    )
    .expect("write a script");
    let mut shell = Shell::start(&db);
    let out = shell.run(".help learn");
    assert!(out.contains("examples:"), "{out}");
    assert!(
        out.contains("learn [Linux, Python, Docker] -> SRE"),
        "{out}"
    );
    let out = shell.run(&format!(".read {}", script.display()));
    assert!(out.contains("Toil reduction"), "{out}");
    assert!(
        out.contains("compare DevOps engineer and Site Reliability Engineer"),
        "{out}"
    );
    let out = shell.run(".schema");
    assert!(out.contains("prerequisite A → B"), "{out}");
}

#[test]
fn colour_marks_keywords_and_unknown_names_but_not_with_no_color() {
    let db = TestDb::new();
    let mut shell = Shell::start_in_colour(&db);
    shell.send("show Kubernets");
    // Keyword in bold blue, the name that resolves to nothing underlined in red.
    shell.expect("\x1b[1;34mshow\x1b[0m \x1b[4;31mKubernets\x1b[0m");
    shell.send("\x03");
    shell.ready();
    assert_eq!(shell.leave(), 0);

    let mut plain_shell = Shell::start(&db);
    plain_shell.send("show Kubernets");
    let typed = plain_shell.expect("show Kubernets");
    plain_shell.send("\r");
    plain_shell.expect(ACCEPTED);
    let out = plain_shell.expect(READING);
    assert!(out.contains("nothing is called"), "{out}");
    assert!(!has_styles(&typed) && !has_styles(&out), "{typed:?}{out:?}");
}

/// Sends `keys` (three statements in one write) and checks that each one answers, in order.
fn all_three_run(keys: &str) {
    let db = TestDb::new();
    let mut shell = Shell::start(&db);
    shell.send(keys);
    let mut seen = String::new();
    for title in [
        "skills Site Reliability Engineer requires",
        "tools DevOps engineer uses",
        "Container orchestration",
    ] {
        seen.push_str(&plain(&shell.expect(title)));
    }
    shell.ready();
    assert_eq!(shell.leave(), 0, "{seen}");
}

/// Several lines arriving at once, as when a person pastes them (without bracketed paste) or
/// types ahead while a statement runs: every line runs, in order, none is lost.
#[test]
fn lines_that_arrive_together_all_run() {
    all_three_run("skills of SRE\rtools of DevOps\rshow Kubernetes\r");
}

/// A bracketed paste of several statements (what terminals send for a paste): each one runs.
#[test]
fn a_pasted_block_of_statements_runs_every_one() {
    all_three_run("\x1b[200~skills of SRE\rtools of DevOps\rshow Kubernetes\x1b[201~\r");
}

/// A pasted block whose middle statement spans lines (an open bracket asks for more): every
/// statement runs, the long one as one.
#[test]
fn a_pasted_block_with_a_statement_over_several_lines_runs_every_one() {
    let db = TestDb::new();
    let mut shell = Shell::start(&db);
    shell.send(
        "\x1b[200~skills of SRE\rprofile pasted = [Linux: 3,\r  Git: 2]\rshow Kubernetes\x1b[201~\r",
    );
    let mut seen = String::new();
    for answer in [
        "skills Site Reliability Engineer requires",
        "saved profile pasted (2 entries)",
        "Container orchestration",
    ] {
        seen.push_str(&plain(&shell.expect(answer)));
    }
    shell.ready();
    assert_eq!(shell.leave(), 0, "{seen}");
    let profile = db.json("show profile pasted");
    assert_eq!(profile.len(), 2, "{profile:?}");
}

/// The examples the banner and `.help STATEMENT` show name what the open database holds: on an
/// O*NET-only database (no `SRE`), on an ESCO-only one (no moves either) and on the built-in
/// graph, every one of them runs, in the order `.help` lists them.
#[test]
fn every_example_the_shell_shows_runs_on_the_database_it_shows_it_for() {
    for (what, db) in [
        ("O*NET only", crate::real_data::onet_only()),
        ("ESCO only, without moves", crate::real_data::esco_only()),
        ("built-in", TestDb::new()),
    ] {
        let mut shell = Shell::start(&db);
        let banner_line = shell
            .banner
            .lines()
            .find(|l| l.contains("Try: "))
            .unwrap_or_else(|| panic!("{what}: no example in the banner: {}", shell.banner))
            .to_string();
        let mut examples = vec![banner_line
            .split("Try: ")
            .nth(1)
            .unwrap()
            .trim()
            .to_string()];
        let mut keywords: Vec<&str> = skillgraph_query::STATEMENT_FORMS
            .iter()
            .map(|f| f.keyword)
            .collect();
        keywords.dedup();
        for keyword in keywords {
            let help = shell.run(&format!(".help {keyword}"));
            let mut listing = false;
            for line in help.lines() {
                if line == "examples:" {
                    listing = true;
                } else if listing && line.starts_with("  ") {
                    examples.push(line.trim().to_string());
                } else {
                    listing = false;
                }
            }
        }
        assert_eq!(shell.leave(), 0);
        // Enough of the reference is shown to learn from: most forms keep examples.
        assert!(examples.len() >= 25, "{what}: {examples:?}");
        if what != "built-in" {
            assert!(
                examples
                    .iter()
                    .all(|e| !e.contains("SRE") && !e.contains("DevOps")),
                "{what}: {examples:?}"
            );
        }
        let script = examples.join("\n");
        let run = db.run_stdin(&[], &script);
        assert_eq!(run.code, 0, "{what}: {}\n{script}", run.stderr);
    }
}

/// `help` and `exit` typed as people type them do what they say, instead of "unknown statement".
#[test]
fn help_and_exit_as_typed_work() {
    let db = TestDb::new();
    let mut shell = Shell::start(&db);
    let help = shell.run("help");
    assert!(help.contains(".format"), "{help}");
    assert!(!help.contains("unknown"), "{help}");
    shell.send("exit\r");
    shell.pty.exp_eof().expect("the shell ends on exit");
    match shell.pty.process().wait().expect("wait for the shell") {
        WaitStatus::Exited(_, code) => assert_eq!(code, 0),
        other => panic!("the shell did not exit normally: {other:?}"),
    }
}

/// A long answer in the shell shows its first rows and says how many more there are and how
/// to see them; `.rows all` shows every row.
#[test]
fn the_shell_caps_long_answers_and_rows_all_lifts_the_cap() {
    let db = TestDb::new();
    let mut shell = Shell::start(&db);
    let capped = shell.run("neighbourhood SRE depth 2");
    let more = capped
        .lines()
        .find(|l| l.contains("more rows not shown"))
        .unwrap_or_else(|| panic!("no cap note in {capped}"));
    let hidden: usize = more.split_whitespace().next().unwrap().parse().unwrap();
    shell.run(".rows all");
    let all = shell.run("neighbourhood SRE depth 2");
    assert!(!all.contains("more rows not shown"), "{all}");
    let rows = |text: &str| text.lines().filter(|l| l.starts_with('│')).count();
    assert!(
        rows(&all) >= rows(&capped) + hidden,
        "{} vs {} + {hidden}",
        rows(&all),
        rows(&capped)
    );
}

#[test]
fn the_shell_and_other_processes_see_each_others_changes_at_their_next_statement() {
    let db = TestDb::new();
    let mut shell = Shell::start(&db);
    // Another process reads and writes while the shell is open.
    let read = db.run(&["query", "skills of SRE"]);
    assert_eq!(read.code, 0, "{}", read.stderr);
    let added = db.run(&["query", "add skill \"Made Outside\""]);
    assert_eq!(added.code, 0, "{}", added.stderr);
    assert!(shell.run("show \"Made Outside\"").contains("made-outside"));
    assert!(shell
        .run("add skill \"Made In The Shell\"")
        .contains("added skill Made In The Shell"));
    assert_eq!(
        db.json("show \"Made In The Shell\"")[0]["value"],
        "made-in-the-shell"
    );
    assert_eq!(shell.leave(), 0);
}

/// A graph on which `closest [s0]` takes seconds: every one of `roles` roles requires the last
/// skill of a chain of `chain` prerequisites, so each role's learning plan is the whole chain.
fn slow_closest_graph(db: &TestDb, roles: usize, chain: usize) {
    let data = db.dir().join("chain");
    std::fs::create_dir_all(&data).expect("make the data directory");
    let mut nodes = String::from("id,kind,name\n");
    let mut edges = String::from("from,to,kind,weight\n");
    for r in 0..roles {
        nodes.push_str(&format!("r{r},role,Role {r}\n"));
        edges.push_str(&format!("r{r},s{},requires,3\n", chain - 1));
    }
    for s in 0..chain {
        nodes.push_str(&format!("s{s},skill,Skill {s}\n"));
        if s + 1 < chain {
            edges.push_str(&format!("s{s},s{},prerequisite,1\n", s + 1));
        }
    }
    std::fs::write(data.join("nodes.csv"), nodes).expect("write nodes.csv");
    std::fs::write(data.join("edges.csv"), edges).expect("write edges.csv");
    let run = db.run(&["import", "--replace", data.to_str().expect("a UTF-8 path")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Ctrl-C while a statement runs stops it: no answer, `interrupted`, and the shell reads the
/// next line as usual. The statement would take many seconds (its plan for each of 5,000 roles
/// walks a chain of 4,000 skills), so an answer printed means the interrupt did not stop it.
#[test]
fn ctrl_c_stops_a_running_statement_and_the_shell_goes_on() {
    let db = TestDb::new();
    slow_closest_graph(&db, 5_000, 4_000);
    let script = db.dir().join("slow.sgq");
    std::fs::write(&script, "closest [s0]\nshow r1\n").expect("write the script");
    let mut shell = Shell::start(&db);
    for line in [
        "closest [s0]".to_string(),
        format!(".read {}", script.display()),
    ] {
        shell.send(&line);
        shell.send("\r");
        shell.expect(ACCEPTED);
        // What the terminal sends for Ctrl-C while a statement runs.
        shell
            .pty
            .process_mut()
            .signal(Signal::SIGINT)
            .expect("send SIGINT");
        let out = plain(&shell.expect(READING));
        shell.expect(PROMPT);
        assert!(out.contains("interrupted"), "{line}: {out}");
        // Neither the stopped statement's answer nor, in a script, the statements after it.
        assert!(!out.contains("closest to"), "{line}: {out}");
        assert!(!out.contains("Role 1"), "{line}: {out}");
    }
    let out = shell.run("show r1");
    assert!(out.contains("role Role 1 (r1)"), "{out}");
    assert!(!out.contains("interrupted"), "{out}");
    assert_eq!(shell.leave(), 0);
}
