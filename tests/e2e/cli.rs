//! The non-query commands: stats, import, export, validate; exit codes; locking; persistence.

use crate::support::{column, TestDb};

#[test]
fn fresh_database_is_seeded_with_the_curated_graph() {
    let db = TestDb::new();
    let run = db.run(&["stats", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("created a new database"),
        "{}",
        run.stderr
    );
    let rows = crate::support::json_rows(&run.stdout);
    let count = |what: &str| {
        rows.iter()
            .find(|r| r["what"] == what)
            .and_then(|r| r["count"].as_u64())
            .unwrap_or_else(|| panic!("no row {what}"))
    };
    let curated = skillgraph_import::curated_graph().expect("curated data loads");
    assert_eq!(
        count("roles") as usize,
        curated
            .nodes_of_kind(skillgraph_graph::NodeKind::Role)
            .len()
    );
    assert!(count("roles") >= 10 && count("skills") >= 40, "{rows:?}");
    // The second run opens, not creates.
    let again = db.run(&["stats"]);
    assert!(!again.stderr.contains("created"), "{}", again.stderr);
}

#[test]
fn a_mutation_survives_reopening() {
    let db = TestDb::new();
    let run = db.run(&[
        "query",
        "add skill \"eBPF\" { category: \"observability\", effort_hours: 40 }",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("added skill eBPF"), "{}", run.stdout);
    let run = db.run(&["query", "link SRE requires eBPF { importance: 3 }"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let skills = column(&db.json("skills of SRE"), "skill");
    assert!(skills.contains(&"eBPF".to_string()), "{skills:?}");
    let rows = db.json("show eBPF");
    let effort = rows.iter().find(|r| r["field"] == "effort_hours").unwrap();
    assert_eq!(effort["value"], 40);
}

#[test]
fn a_rejected_mutation_changes_nothing_and_exits_1() {
    let db = TestDb::new();
    let before = db.run(&["export", "--format", "toml"]).stdout;
    let run = db.run(&["query", "link SRE requires Linux { importance: 9 }"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("importance"), "{}", run.stderr);
    let run = db.run(&["query", "link Containerization prerequisite Linux"]);
    assert_eq!(
        run.code, 1,
        "a prerequisite cycle is refused: {}",
        run.stdout
    );
    assert!(run.stderr.contains("cycle"), "{}", run.stderr);
    assert_eq!(db.run(&["export", "--format", "toml"]).stdout, before);
}

#[test]
fn export_then_import_round_trips_to_the_same_graph() {
    let db = TestDb::new();
    db.run(&["query", "add tool \"My Tool\" { category: \"CI/CD\" }"]);
    let out = db.dir().join("export");
    let run = db.run(&["export", "--format", "toml", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let first = std::fs::read_to_string(out.join("graph.toml")).unwrap();

    let other = TestDb::new();
    let run = other.run(&["import", "--replace", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let again = other.run(&["export", "--format", "toml"]).stdout;
    assert_eq!(first, again);
    assert!(again.contains("My Tool"));
}

#[test]
fn csv_export_feeds_a_bulk_import() {
    let db = TestDb::new();
    let out = db.dir().join("csv");
    let run = db.run(&["export", "--format", "csv", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let other = TestDb::new();
    let run = other.run(&["import", "--replace", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        column(&other.json("skills of sre"), "skill"),
        column(&db.json("skills of sre"), "skill")
    );
}

#[test]
fn a_broken_import_reports_every_error_with_file_and_line_and_writes_nothing() {
    let db = TestDb::new();
    let before = db.run(&["export", "--format", "toml"]).stdout;
    let dir = db.dir().join("bad");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("bad.toml"),
        "[[source]]\nkey = \"s\"\ntitle = \"t\"\n\n[[skill]]\nid = \"x\"\nname = \"X\"\nsources = [\"s\"]\neffort_hours = -1.0\n\n[[requires]]\nrole = \"nobody\"\nskill = \"x\"\nimportance = 3\nsources = [\"s\"]\n",
    )
    .unwrap();
    let run = db.run(&["import", dir.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("bad.toml:9:16: effort hours cannot be negative"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("bad.toml:12:8: there is no node with id `nobody`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("2 errors found; nothing was imported"),
        "{}",
        run.stderr
    );
    assert_eq!(db.run(&["export", "--format", "toml"]).stdout, before);
    let run = db.run(&["validate", dir.to_str().unwrap()]);
    assert_eq!(run.code, 1);
}

#[test]
fn validate_accepts_the_curated_data() {
    let db = TestDb::new();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/graphdata");
    let run = db.run(&["validate", dir]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("ok: the data is valid"));
    assert!(!db.path().exists(), "validate writes no database");
}

#[test]
fn usage_errors_exit_2() {
    let db = TestDb::new();
    assert_eq!(db.run(&["frobnicate"]).code, 2);
    assert_eq!(db.run(&["query"]).code, 2);
    assert_eq!(db.run(&["run", "/no/such/file.sgq"]).code, 2);
}

#[test]
fn a_process_waiting_for_statements_blocks_no_one() {
    use std::io::Write;
    use std::process::Stdio;
    let db = TestDb::new();
    db.run(&["stats"]);
    // The first process has the database open while it waits for statements on stdin.
    let mut first = db
        .command()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = first.stdin.take().unwrap();
    // Others read and write beside it.
    let stats = db.run(&["stats"]);
    assert_eq!(stats.code, 0, "{}", stats.stderr);
    let added = db.run(&["query", "add skill \"Written beside it\""]);
    assert_eq!(added.code, 0, "{}", added.stderr);
    writeln!(stdin, "add skill \"Written by the first\"").unwrap();
    drop(stdin);
    let out = first.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (name, id) in [
        ("Written beside it", "written-beside-it"),
        ("Written by the first", "written-by-the-first"),
    ] {
        assert_eq!(db.json(&format!("show \"{name}\""))[0]["value"], id);
    }
}

#[test]
fn a_profile_survives_reopening_and_travels_with_an_export() {
    let db = TestDb::new();
    let run = db.run(&["query", "profile me = [Linux: 4, Python, Docker]"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = db.run(&["query", "learnt me \"Toil reduction\"; learning me SLOs"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = db.json("show profile me");
    assert_eq!(shown.len(), 5, "{shown:?}");
    let out = db.dir().join("export");
    db.run(&["export", "--out", out.to_str().unwrap()]);
    let text = std::fs::read_to_string(out.join("graph.toml")).unwrap();
    assert!(
        text.contains("[[profile]]"),
        "profiles are part of the export"
    );
    let other = TestDb::new();
    let run = other.run(&["import", "--replace", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(other.json("show profile me"), shown);
}

/// Every command that writes to standard output ends quietly when its reader has gone away
/// (`| head`, a closed socket): exit 0, no panic, no backtrace.
#[test]
fn a_closed_pipe_ends_output_quietly() {
    let db = TestDb::new();
    assert_eq!(db.run(&["query", "roles"]).code, 0);
    let script = db.dir().join("many.sgq");
    std::fs::write(&script, "roles\nskills\ntools\n".repeat(20)).unwrap();
    for args in [
        &["export", "--format", "cypher"][..],
        &["export", "--format", "json"],
        &["export", "--format", "toml"],
        &["query", "skills of SRE", "--format", "csv"],
        &["query", "learn DevOps -> SRE", "--format", "dot"],
        &["render", "learn DevOps -> SRE"],
        &["run", script.to_str().unwrap()],
    ] {
        let mut child = db
            .command()
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before a byte is written.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

/// Shell completions and the manual page come from the same definition as `--help`: every
/// subcommand is in them, and the bash script is valid bash.
#[test]
fn completions_and_the_manual_page_cover_every_subcommand() {
    let db = TestDb::new();
    let subcommands = [
        "import", "export", "query", "render", "run", "stats", "check",
    ];
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = db.run(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        for sub in subcommands {
            assert!(run.stdout.contains(sub), "{shell} completions lack {sub}");
        }
        if shell == "bash" {
            let file = db.dir().join("skillgraph.bash");
            std::fs::write(&file, &run.stdout).unwrap();
            let checked = std::process::Command::new("bash")
                .arg("-n")
                .arg(&file)
                .output()
                .expect("bash runs");
            assert!(
                checked.status.success(),
                "{}",
                String::from_utf8_lossy(&checked.stderr)
            );
        }
    }
    let run = db.run(&["man"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(".TH skillgraph 1"),
        "{}",
        &run.stdout[..200]
    );
    for sub in subcommands {
        assert!(run.stdout.contains(sub), "the manual page lacks {sub}");
    }
}

/// `import nodes.csv edges.csv` reads the two files of a CSV import (their directory, once);
/// any other CSV file is refused with what to pass instead, and nothing is written.
#[test]
fn csv_files_import_as_their_directory() {
    let db = TestDb::new();
    let out = db.dir().join("csv");
    let run = db.run(&["export", "--format", "csv", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Node and edge counts per kind (a CSV import has one source: the files).
    let stats = |d: &TestDb| -> Vec<serde_json::Value> {
        let rows = crate::support::json_rows(&d.run(&["stats", "--format", "json"]).stdout);
        rows.into_iter()
            .filter(|r| {
                let what = r["what"].as_str().unwrap_or_default();
                what != "sources" && !what.starts_with("from ")
            })
            .collect()
    };
    let other = TestDb::new();
    let (nodes, edges) = (out.join("nodes.csv"), out.join("edges.csv"));
    let run = other.run(&[
        "import",
        "--replace",
        nodes.to_str().unwrap(),
        edges.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(stats(&other), stats(&db));
    let stray = db.dir().join("roles.csv");
    std::fs::write(&stray, "id,kind,name\n").unwrap();
    let before = stats(&other);
    let run = other.run(&["import", stray.to_str().unwrap()]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr
            .contains("a CSV import is a directory holding nodes.csv and edges.csv"),
        "{}",
        run.stderr
    );
    assert_eq!(stats(&other), before);
}

/// `--color always` colours answers and diagnostics even through a pipe (and over `NO_COLOR`,
/// which the test database sets); `never` and the default off a terminal do not.
#[test]
fn color_always_and_never_decide_over_the_terminal() {
    let db = TestDb::new();
    let escapes = |s: &str| s.contains('\u{1b}');
    let run = db.run(&["--color", "always", "query", "show SRE", "show Kubernetess"]);
    assert!(escapes(&run.stdout), "{}", run.stdout);
    assert!(escapes(&run.stderr), "{}", run.stderr);
    for args in [&["--color", "never"][..], &[][..]] {
        let mut all = args.to_vec();
        all.extend(["query", "show SRE", "show Kubernetess"]);
        let run = db.run(&all);
        assert!(!escapes(&run.stdout) && !escapes(&run.stderr), "{args:?}");
    }
}

/// Each command's `--help` lists exactly the flags that mean something to it (besides
/// `--help` and `--version`), and says what each of its arguments is.
#[test]
fn each_command_lists_exactly_the_flags_that_apply() {
    const STATEMENTS: &[&str] = &[
        "--db",
        "--format",
        "--continue-on-error",
        "--timing",
        "--color",
        "--read-only",
        "--lock-timeout",
    ];
    // The top level (no subcommand) runs the shell or standard input.
    let expected: &[(&str, &[&str])] = &[
        ("", STATEMENTS),
        ("query", STATEMENTS),
        ("run", STATEMENTS),
        (
            "render",
            &[
                "--out",
                "--db",
                "--timing",
                "--color",
                "--read-only",
                "--lock-timeout",
            ],
        ),
        (
            "import",
            &[
                "--onet",
                "--esco",
                "--replace",
                "--merge",
                "--verbose",
                "--db",
                "--read-only",
                "--lock-timeout",
            ],
        ),
        ("export", &["--out", "--db", "--format", "--read-only"]),
        (
            "serve",
            &[
                "--addr",
                "--allow-writes",
                "--cors",
                "--budget",
                "--max-body",
                "--max-statement",
                "--db",
                "--lock-timeout",
            ],
        ),
        ("stats", &["--db", "--format", "--color", "--read-only"]),
        (
            "check",
            &[
                "--db",
                "--format",
                "--color",
                "--read-only",
                "--lock-timeout",
            ],
        ),
        ("validate", &["--format", "--color"]),
        ("completions", &[]),
        ("man", &[]),
    ];
    let db = TestDb::new();
    let help = |sub: &str| {
        let mut command = db.command();
        command.env("COLUMNS", "1000");
        if !sub.is_empty() {
            command.arg(sub);
        }
        let out = command.arg("-h").output().unwrap();
        assert!(out.status.success(), "{sub} -h");
        String::from_utf8(out.stdout).unwrap()
    };
    // Lines of a section (`Options:`, `Arguments:`, `Commands:`) of the short help.
    let section = |text: &str, name: &str| -> Vec<String> {
        text.lines()
            .skip_while(|l| *l != name)
            .skip(1)
            .take_while(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    };
    let commands: Vec<String> = section(&help(""), "Commands:")
        .iter()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    let listed: Vec<&str> = expected.iter().map(|(c, _)| *c).skip(1).collect();
    let mut sorted = commands.clone();
    sorted.sort();
    let mut listed_sorted = listed.clone();
    listed_sorted.sort();
    assert_eq!(sorted, listed_sorted, "every command is in the table");
    let fish = db.run(&["completions", "fish"]).stdout;
    for (sub, flags) in expected {
        let text = help(sub);
        // Option lines start at the margin; wrapped help is indented further.
        let shown: Vec<String> = section(&text, "Options:")
            .iter()
            .filter(|l| l.starts_with("  -") || l.starts_with("      --"))
            .filter_map(|l| l.split([' ', ',']).find(|w| w.starts_with("--")))
            .filter(|f| *f != "--help" && *f != "--version")
            .map(str::to_string)
            .collect();
        assert_eq!(shown, *flags, "`skillgraph {sub} -h`:\n{text}");
        // The completions come from the same definition: fish's name each subcommand's flags.
        if !sub.is_empty() {
            let using = format!("__fish_skillgraph_using_subcommand {sub}\"");
            let mut completed: Vec<String> = fish
                .lines()
                .filter(|l| l.contains(&using))
                .filter_map(|l| l.split(" -l ").nth(1))
                .filter_map(|rest| rest.split_whitespace().next())
                .map(|name| format!("--{name}"))
                .filter(|f| f != "--help")
                .collect();
            completed.sort();
            let mut flags = flags.to_vec();
            flags.sort();
            assert_eq!(completed, flags, "fish completions of `{sub}`");
        }
        for argument in section(&text, "Arguments:") {
            let described = argument
                .trim()
                .split_once("  ")
                .is_some_and(|(_, help)| !help.trim().is_empty());
            assert!(described, "`{sub}`: {argument} has no help");
        }
    }
}

/// A flag written before the subcommand passes to it where it applies, and is refused where it
/// does not, naming the flag; `--db` and `--color` are taken before any subcommand.
#[test]
fn flags_before_the_subcommand_pass_to_it_where_they_apply() {
    let db = TestDb::new();
    let before = db.run(&["--format", "json", "--read-only", "stats"]);
    let after = db.run(&["stats", "--format", "json", "--read-only"]);
    assert_eq!(before.code, 0, "{}", before.stderr);
    assert_eq!(before.stdout, after.stdout);
    let run = db.run(&["--format", "json", "export"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("\"source\""), "{}", &run.stdout[..100]);
    for (args, message) in [
        (
            &["--timing", "export"][..],
            "`--timing` does not apply to `export`",
        ),
        (
            &["--continue-on-error", "stats"],
            "`--continue-on-error` does not apply to `stats`",
        ),
        (
            &["--format", "dot", "check"],
            "`--format dot` does not apply to `check`, which writes table, json or csv",
        ),
        (
            &["--lock-timeout", "1", "validate", "graphdata"],
            "`--lock-timeout` does not apply to `validate`",
        ),
    ] {
        let run = db.run(args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
    // Flags a subcommand does not take are not in its parser either.
    assert_eq!(db.run(&["export", "--timing"]).code, 2);
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/graphdata");
    let run = db.run(&["--color", "never", "validate", dir]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Whose reading an importance is: a CSV import's weight column states it, so `skills of` does
/// not call it the project's, as it does for the built-in graph's.
#[test]
fn a_csv_import_states_its_importances_and_the_built_in_graph_reads_them() {
    let db = TestDb::new();
    let note = "is the project's reading of its sources";
    let built_in = db.run(&["query", "skills of SRE"]);
    assert!(built_in.stdout.contains(note), "{}", built_in.stdout);
    let dir = db.dir().join("csv");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("nodes.csv"),
        "id,kind,name\nr1,role,Role One\ns1,skill,Skill One\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("edges.csv"),
        "from,to,kind,weight\nr1,s1,requires,4\n",
    )
    .unwrap();
    let run = db.run(&["import", "--replace", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = db.run(&["query", "skills of r1"]);
    assert!(run.stdout.contains("Skill One"), "{}", run.stdout);
    assert!(
        !format!("{}{}", run.stdout, run.stderr).contains(note),
        "{}",
        run.stdout
    );
}
