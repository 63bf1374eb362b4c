//! Scripts, stdin, one-shot queries, and the answers the product promises on the curated graph.

use crate::support::{column, TestDb};

#[test]
fn an_error_on_line_3_reports_file_line_col_and_exits_1() {
    let db = TestDb::new();
    let file = db.dir().join("plan.sgq");
    std::fs::write(
        &file,
        "show SRE\npath DevOps -> SRE\nlearn DevOps -> Kubernets\nshow DevOps\n",
    )
    .unwrap();
    let run = db.run(&["run", file.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    let want = format!("{}:3:17", file.display());
    assert!(
        run.stderr.contains(&want),
        "expected {want} in:\n{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("Site Reliability Engineer (1 move)"),
        "earlier statements ran"
    );
    assert!(
        !run.stdout.contains("role DevOps engineer"),
        "the run stopped at the error"
    );
}

#[test]
fn continue_on_error_runs_the_rest_but_still_exits_1() {
    let db = TestDb::new();
    let file = db.dir().join("plan.sgq");
    std::fs::write(&file, "show Nobody\nshow DevOps\n").unwrap();
    let run = db.run(&["run", "--continue-on-error", file.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("role DevOps engineer (devops-engineer)"),
        "{}",
        run.stdout
    );
}

#[test]
fn statements_come_from_stdin_when_it_is_not_a_terminal() {
    let db = TestDb::new();
    let run = db.run_stdin(&["--format", "json"], "path DevOps -> SRE\n");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = crate::support::json_rows(run.stdout.trim());
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["to"], "Site Reliability Engineer");
}

/// `run -` reads the script from standard input, and an error there is placed at its line.
#[test]
fn run_dash_reads_standard_input() {
    let db = TestDb::new();
    let run = db.run_stdin(
        &["--format", "json", "run", "-"],
        "path DevOps -> SRE\nshow Kubernetess\n",
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let rows = crate::support::json_rows(run.stdout.trim());
    assert_eq!(rows[0]["to"], "Site Reliability Engineer");
    assert!(run.stderr.contains("<stdin>:2:"), "{}", run.stderr);
}

#[test]
fn several_statements_give_json_lines() {
    let db = TestDb::new();
    let run = db.run_stdin(
        &["--format", "json"],
        "skills of SRE; tools of SRE\nroles\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let answers = crate::support::json_answers(&run.stdout);
    let titles: Vec<&str> = answers
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "skills Site Reliability Engineer requires",
            "tools Site Reliability Engineer uses",
            "12 roles"
        ]
    );
    for answer in &answers {
        assert!(answer["rows"].as_array().is_some_and(|r| !r.is_empty()));
    }
}

/// In JSON an answer is one object: the title and summary a table shows above itself, as
/// data, beside its columns and rows (`null` where there is no summary).
#[test]
fn json_carries_the_title_and_summary_as_data() {
    let db = TestDb::new();
    let run = db.run(&[
        "query",
        "gap DevOps -> SRE min importance 5",
        "path DevOps -> SRE",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let table = db.run(&["query", "gap DevOps -> SRE min importance 5"]);
    assert!(
        table
            .stdout
            .starts_with("gap DevOps engineer → Site Reliability Engineer: 6 skills, 127 hours\n"),
        "{}",
        table.stdout
    );
    let answers = crate::support::json_answers(&run.stdout);
    let gap = &answers[0];
    let keys: Vec<&String> = gap.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["columns", "rows", "summary", "title"]);
    assert!(run.stdout.starts_with(r#"{"title":"gap"#), "{}", run.stdout);
    assert_eq!(
        gap["title"],
        "gap DevOps engineer → Site Reliability Engineer"
    );
    assert_eq!(gap["summary"], "6 skills, 127 hours");
    assert_eq!(gap["rows"].as_array().unwrap().len(), 6);
    assert_eq!(gap["columns"][0], "skill");
    let path = &answers[1];
    assert_eq!(
        path["title"],
        "DevOps engineer → Site Reliability Engineer (1 move)"
    );
    assert!(path["summary"].is_null());
}

#[test]
fn multi_line_statements_join_while_brackets_are_open() {
    let db = TestDb::new();
    let run = db.run_stdin(
        &["--format", "json"],
        "learn [Linux,\n  Python] -> \\\n  SRE min importance 5\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Error budgets"), "{}", run.stdout);
}

#[test]
fn every_example_script_runs() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples");
    let mut ran = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "sgq") {
            let db = TestDb::new();
            let run = db.run(&["run", path.to_str().unwrap()]);
            assert_eq!(run.code, 0, "{}: {}", path.display(), run.stderr);
            assert!(!run.stdout.trim().is_empty());
            ran += 1;
        }
    }
    assert!(ran >= 4, "found {ran} example scripts");
}

#[test]
fn every_help_example_runs() {
    let db = TestDb::new();
    for form in skillgraph_query::STATEMENT_FORMS {
        for example in form.examples {
            let run = db.run(&["query", example]);
            assert_eq!(run.code, 0, "`{example}`: {}", run.stderr);
        }
    }
}

#[test]
fn devops_to_sre_is_one_move() {
    let rows = TestDb::new().json("path DevOps -> SRE");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["from"], "DevOps engineer");
    assert_eq!(rows[0]["to"], "Site Reliability Engineer");
}

#[test]
fn compare_puts_incident_response_and_capacity_planning_on_the_sre_side() {
    let rows = TestDb::new().json("compare DevOps, SRE");
    let skills = &rows[0];
    let sre_only: Vec<&str> = skills["Site Reliability Engineer"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        sre_only.contains(&"Incident response and management"),
        "{sre_only:?}"
    );
    assert!(sre_only.contains(&"Capacity planning"), "{sre_only:?}");
}

#[test]
fn sre_uses_pagerduty() {
    let roles = column(&TestDb::new().json("roles where uses(PagerDuty)"), "name");
    assert!(
        roles.contains(&"Site Reliability Engineer".to_string()),
        "{roles:?}"
    );
}

#[test]
fn devops_to_sre_plan_has_the_reliability_skills_and_a_total() {
    let db = TestDb::new();
    let rows = db.json("learn DevOps -> SRE");
    let skills = column(&rows, "skill");
    for wanted in [
        "Error budgets",
        "Service level objectives (SLOs)",
        "Incident response and management",
        "Blameless postmortems",
        "Capacity planning",
    ] {
        assert!(
            skills.iter().any(|s| s == wanted),
            "{wanted} missing from {skills:?}"
        );
    }
    let total: f64 = rows
        .iter()
        .map(|r| r["effort_hours"].as_f64().unwrap())
        .sum();
    assert_eq!(
        rows.last().unwrap()["cumulative_hours"].as_f64().unwrap(),
        total
    );
    let table = db.run(&["query", "learn DevOps -> SRE"]);
    assert!(
        table.stdout.contains(&format!("total: {total} hours")),
        "{}",
        table.stdout
    );
}

#[test]
fn sre_to_devops_plan_has_ci_cd() {
    let skills = column(&TestDb::new().json("learn SRE -> DevOps"), "skill");
    assert!(skills.iter().any(|s| s.contains("CI/CD")), "{skills:?}");
}

#[test]
fn every_grammar_reference_example_runs_in_order() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/GRAMMAR.md")).unwrap();
    let mut script = String::new();
    let mut in_block = false;
    for line in doc.lines() {
        match (in_block, line.trim()) {
            (false, "```sgq") => in_block = true,
            (true, "```") => in_block = false,
            (true, statement) => {
                script.push_str(statement);
                script.push('\n');
            }
            _ => {}
        }
    }
    assert!(script.lines().count() >= 30, "found only:\n{script}");
    let db = TestDb::new();
    let file = db.dir().join("grammar.sgq");
    std::fs::write(&file, &script).unwrap();
    let run = db.run(&["run", file.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Dot commands work in a piped script as in the shell: `.format csv` switches the format of
/// what follows, a misspelt one is an error that fails the run, and `.quit` ends the script.
#[test]
fn dot_commands_work_in_scripts() {
    let db = TestDb::new();
    let run = db.run_stdin(&[], ".format csv\nskills of SRE\n.quit\nshow Kubernetes\n");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    assert!(
        reader.headers().unwrap().iter().any(|h| h == "skill"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("Kubernetes,"),
        "ran past .quit: {}",
        run.stdout
    );
    let run = db.run_stdin(&[], ".frmat csv\nskills of SRE\n");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("did you mean `.format`"),
        "{}",
        run.stderr
    );
}

/// CSV holds one table: a run whose statements would write several (tables with different
/// headers, run together) is refused before any statement runs, naming them; reports (`let`,
/// writes) go to standard error and do not count, and `.format` lines are followed.
#[test]
fn several_tables_in_csv_are_refused_before_anything_runs() {
    let db = TestDb::new();
    let run = db.run(&[
        "query",
        "add skill Refused",
        "skills of SRE; tools of SRE",
        "--format",
        "csv",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains(
            "CSV holds one table, and 2 statements here answer with one each: \
             `skills of SRE` (query 2:1:1), `tools of SRE` (query 2:1:16)"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--format json"), "{}", run.stderr);
    assert_eq!(db.run(&["query", "show Refused"]).code, 1, "nothing ran");
    // The same from a file, from standard input, and with `.format csv` in the script.
    let script = db.dir().join("two.sgq");
    std::fs::write(&script, "roles\nskills of SRE\n").unwrap();
    let run = db.run(&["run", "--format", "csv", script.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("two.sgq:2:1"), "{}", run.stderr);
    let run = db.run_stdin(&[], ".format csv\nroles\nskills of SRE\n");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("`roles` (<stdin>:2:1)"),
        "{}",
        run.stderr
    );
    // One table, with reports around it, is CSV; a table before `.format csv` is not CSV.
    for (args, input) in [
        (
            &["--format", "csv"][..],
            "let me = [Linux]\nadd skill Kept\nlearn $me -> SRE\n",
        ),
        (&[][..], "roles\n.format csv\nskills of SRE\n"),
    ] {
        let run = db.run_stdin(args, input);
        assert_eq!(run.code, 0, "{input}: {}", run.stderr);
        let header = |l: &str| l.starts_with("step,") || l.starts_with("skill,");
        assert!(run.stdout.lines().any(header), "{}", run.stdout);
    }
    assert_eq!(db.run(&["query", "show Kept"]).code, 0);
}
