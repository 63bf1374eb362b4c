//! Input hygiene: names with quotes, backslashes, Unicode (arrows, accents, emoji), control
//! characters (a tab, a new line) and 10 kB names come back exactly as they went in — through
//! the query language, TOML and CSV imports, every output format (parsed back with serde_json
//! and the csv crate, not compared as text) and export → import.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use skillgraph_query::parser::quote_name;

use crate::support::{column, Run, TestDb};

/// The awkward names, each a skill. Every one differs from the others after slugging.
fn names() -> Vec<String> {
    vec![
        "Quote \" and 'apostrophe'".to_string(),
        "Back\\slash \\n not a new line".to_string(),
        "Arrow → accents éàü ñ ß".to_string(),
        "Emoji 🚀 👩‍💻 and CJK データ".to_string(),
        "Tab\tinside".to_string(),
        "New\nline inside".to_string(),
        "Comma, semicolon; pipe | and # hash".to_string(),
        "  leading and trailing spaces  ".to_string(),
        format!("Long {}", "wörd → ".repeat(10 * 1024 / 10)),
    ]
}

fn ok(run: &Run, what: &str) {
    assert!(!run.stderr.contains("panicked"), "{what}: {}", run.stderr);
    assert_eq!(
        run.code,
        0,
        "{what}: {}",
        &run.stderr[..run.stderr.len().min(3000)]
    );
}

/// The names in `skills of SRE`, read back through JSON and through CSV, which must agree.
fn required_by_sre(db: &TestDb) -> BTreeSet<String> {
    let from_json: BTreeSet<String> = column(&db.json("skills of SRE"), "skill")
        .into_iter()
        .collect();
    let from_csv = csv_skills_of_sre(db);
    assert_eq!(from_json, from_csv, "JSON and CSV output disagree");
    from_json
}

/// The `skill` cells of `skills of SRE --format csv`, read with the csv crate.
fn csv_skills_of_sre(db: &TestDb) -> BTreeSet<String> {
    let run = db.run(&["query", "skills of SRE", "--format", "csv"]);
    ok(&run, "skills of SRE as CSV");
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let at = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "skill")
        .expect("a skill column");
    reader
        .records()
        .map(|r| r.expect("a CSV record")[at].to_string())
        .collect()
}

fn assert_all_required(db: &TestDb, names: &[String], what: &str) {
    let found = required_by_sre(db);
    for name in names {
        assert!(
            found.contains(name),
            "{what}: {:?} is not among the skills of SRE",
            &name[..name.len().min(80)]
        );
    }
}

/// `show` finds each name, and its `name` field is the name exactly.
fn assert_shows(db: &TestDb, names: &[String], what: &str) {
    for name in names {
        let rows = db.json(&format!("show skill:{}", quote_name(name)));
        let shown = rows
            .iter()
            .find(|r| r["field"] == "name")
            .and_then(|r| r["value"].as_str())
            .unwrap_or_default();
        assert_eq!(shown, name, "{what}");
    }
}

/// Exports as TOML, imports that into a new database, and checks the two exports are equal.
fn assert_toml_round_trip(db: &TestDb, names: &[String]) -> TestDb {
    let out = db.dir().join("toml-export");
    ok(
        &db.run(&["export", "--format", "toml", "--out", out.to_str().unwrap()]),
        "export toml",
    );
    let other = TestDb::new();
    ok(
        &other.run(&["import", "--replace", out.to_str().unwrap()]),
        "import the TOML export",
    );
    let first = std::fs::read_to_string(out.join("graph.toml")).unwrap();
    let again = other.run(&["export", "--format", "toml"]);
    ok(&again, "export again");
    assert!(
        first == again.stdout,
        "TOML export → import → export differs"
    );
    assert_all_required(&other, names, "after a TOML round trip");
    other
}

/// Exports as JSON and finds every name in it.
fn assert_json_export(db: &TestDb, names: &[String]) {
    let run = db.run(&["export", "--format", "json"]);
    ok(&run, "export json");
    let data: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    let skills: BTreeSet<&str> = data["skill"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    for name in names {
        assert!(skills.contains(name.as_str()), "JSON export lacks {name:?}");
    }
}

/// Exports as CSV, reads nodes.csv with the csv crate, and imports it into a new database.
fn assert_csv_round_trip(db: &TestDb, names: &[String]) {
    let out = db.dir().join("csv-export");
    ok(
        &db.run(&["export", "--format", "csv", "--out", out.to_str().unwrap()]),
        "export csv",
    );
    let mut reader = csv::Reader::from_path(out.join("nodes.csv")).unwrap();
    let exported: BTreeSet<String> = reader
        .records()
        .map(|r| r.unwrap()[2].to_string())
        .collect();
    for name in names {
        assert!(exported.contains(name), "nodes.csv lacks {name:?}");
    }
    let other = TestDb::new();
    ok(
        &other.run(&["import", "--replace", out.to_str().unwrap()]),
        "import the CSV export",
    );
    assert_all_required(&other, names, "after a CSV round trip");
}

#[test]
fn awkward_names_round_trip_through_queries_outputs_and_exports() {
    let names = names();
    let db = TestDb::new();
    for name in &names {
        let q = quote_name(name);
        let run = db.run(&["query", &format!("add skill {q} {{ category: {q} }}")]);
        ok(&run, &format!("add {:?}", &name[..name.len().min(40)]));
        let run = db.run(&[
            "query",
            &format!("link SRE requires skill:{q} {{ importance: 2 }}"),
        ]);
        ok(&run, "link");
        // The table format shows it too, however it wraps.
        ok(
            &db.run(&["query", &format!("show skill:{q}")]),
            "show as a table",
        );
    }
    assert_shows(&db, &names, "after add");
    assert_all_required(&db, &names, "after add");
    // The category went through a record value: `set` and a `where` condition find it.
    for name in &names[..3] {
        let rows = db.json(&format!("skills where category = {}", quote_name(name)));
        assert_eq!(column(&rows, "name"), vec![name.clone()]);
    }
    let copy = assert_toml_round_trip(&db, &names);
    assert_shows(&copy, &names, "after a TOML round trip");
    assert_json_export(&db, &names);
    assert_csv_round_trip(&db, &names);
    assert_check_ok(&db);
}

/// `text` as a TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => write!(out, "\\u{:04X}", c as u32).unwrap(),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn write_toml(dir: &Path, names: &[String]) {
    std::fs::create_dir_all(dir).unwrap();
    let mut text = String::new();
    writeln!(
        text,
        "[[source]]\nkey = \"hygiene\"\ntitle = {}\n",
        toml_string("Tests → \"quoted\", ünïcödé 🚀")
    )
    .unwrap();
    // A file is checked on its own, so it brings the role its edges start from.
    writeln!(
        text,
        "[[role]]\nid = \"sre\"\nname = \"SRE\"\nsources = [\"hygiene\"]\n"
    )
    .unwrap();
    for (i, name) in names.iter().enumerate() {
        writeln!(
            text,
            "[[skill]]\nid = \"hygiene-{i}\"\nname = {}\naliases = [{}]\nsources = [\"hygiene\"]\n",
            toml_string(name),
            toml_string(&format!("alias {name}"))
        )
        .unwrap();
        writeln!(
            text,
            "[[requires]]\nrole = \"sre\"\nskill = \"hygiene-{i}\"\nimportance = 3\nsources = [\"hygiene\"]\nnote = {}\n",
            toml_string(name)
        )
        .unwrap();
    }
    std::fs::write(dir.join("hygiene.toml"), text).unwrap();
}

#[test]
fn awkward_names_round_trip_through_a_toml_import() {
    let names = names();
    let db = TestDb::new();
    let dir = db.dir().join("toml");
    write_toml(&dir, &names);
    ok(&db.run(&["validate", dir.to_str().unwrap()]), "validate");
    ok(
        &db.run(&["import", "--replace", dir.to_str().unwrap()]),
        "import",
    );
    assert_shows(&db, &names, "after a TOML import");
    assert_all_required(&db, &names, "after a TOML import");
    // The aliases resolve too.
    for (i, name) in names.iter().enumerate() {
        let rows = db.json(&format!("show {}", quote_name(&format!("alias {name}"))));
        let id = rows.iter().find(|r| r["field"] == "id").unwrap();
        assert_eq!(id["value"], format!("hygiene-{i}"));
    }
    assert_toml_round_trip(&db, &names);
    assert_json_export(&db, &names);
    assert_csv_round_trip(&db, &names);
    assert_check_ok(&db);
}

#[test]
fn awkward_names_round_trip_through_a_csv_import() {
    let names = names();
    let db = TestDb::new();
    let dir = db.dir().join("csv");
    std::fs::create_dir_all(&dir).unwrap();
    let mut nodes = csv::Writer::from_path(dir.join("nodes.csv")).unwrap();
    nodes.write_record(["id", "kind", "name"]).unwrap();
    nodes
        .write_record(["sre", "role", "SRE → \"the\" role, 🚀"])
        .unwrap();
    let mut edges = csv::Writer::from_path(dir.join("edges.csv")).unwrap();
    edges
        .write_record(["from", "to", "kind", "weight"])
        .unwrap();
    for (i, name) in names.iter().enumerate() {
        let id = format!("h{i}");
        nodes
            .write_record([id.as_str(), "skill", name.as_str()])
            .unwrap();
        edges
            .write_record(["sre", id.as_str(), "requires", "4"])
            .unwrap();
    }
    nodes.flush().unwrap();
    edges.flush().unwrap();
    drop((nodes, edges));
    ok(
        &db.run(&["import", "--replace", dir.to_str().unwrap()]),
        "CSV import",
    );
    assert_shows(&db, &names, "after a CSV import");
    assert_all_required(&db, &names, "after a CSV import");
    let role = db.json("roles");
    assert_eq!(column(&role, "name"), vec!["SRE → \"the\" role, 🚀"]);
    assert_toml_round_trip(&db, &names);
    assert_json_export(&db, &names);
    assert_csv_round_trip(&db, &names);
    assert_check_ok(&db);
}

fn assert_check_ok(db: &TestDb) {
    let run = db.run(&["check"]);
    ok(&run, "check");
    assert!(run.stdout.starts_with("ok: "), "{}", run.stdout);
}

/// Answers as CSV never hand a spreadsheet a formula: a text cell that starts with `=`, `+`, `-`,
/// `@`, a tab or a carriage return gets a leading `'` (OWASP); JSON keeps the name as it is.
#[test]
fn csv_answers_neutralise_cells_a_spreadsheet_would_run() {
    let db = TestDb::new();
    let risky = [
        "=cmd|' /C calc'!A0",
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\tTabbed",
        "\rReturn",
    ];
    let mut script = String::new();
    for (i, name) in risky.iter().enumerate() {
        writeln!(
            script,
            "add skill {} {{ category: \"x{i}\" }}",
            quote_name(name)
        )
        .unwrap();
        writeln!(
            script,
            "link SRE requires {} {{ importance: 3 }}",
            quote_name(name)
        )
        .unwrap();
    }
    let file = db.dir().join("risky.sgq");
    std::fs::write(&file, script).unwrap();
    ok(
        &db.run(&["run", file.to_str().unwrap()]),
        "adding the skills",
    );
    let json: BTreeSet<String> = column(&db.json("skills of SRE"), "skill")
        .into_iter()
        .collect();
    let cells = csv_skills_of_sre(&db);
    for name in risky {
        assert!(json.contains(name), "JSON keeps {name:?}");
        assert!(
            cells.contains(&format!("'{name}")),
            "CSV neutralises {name:?}: {cells:?}"
        );
        assert!(!cells.contains(name), "CSV has {name:?} as is");
    }
}
