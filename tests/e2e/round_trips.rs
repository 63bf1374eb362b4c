//! Data in and out without loss, through the binary: every export that holds the whole graph
//! (TOML, JSON, CSV) imports back to the same graph, byte for byte on the next export;
//! `import --merge` updates and adds in one step and says what it changed.

use std::path::Path;

use crate::support::{column, Run, TestDb};

#[track_caller]
fn ok(run: &Run, what: &str) {
    assert_eq!(run.code, 0, "{what}: {}", run.stderr);
}

/// `export --format FORMAT --out dir`, and the files written, by name, with their text.
fn export(db: &TestDb, format: &str, dir: &Path) -> Vec<(String, String)> {
    let run = db.run(&["export", "--format", format, "--out", dir.to_str().unwrap()]);
    ok(&run, &format!("export {format}"));
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// The file or directory `import` takes for an export of `format` written to `dir`.
fn import_path(format: &str, dir: &Path) -> String {
    match format {
        "toml" => dir.join("graph.toml"),
        "json" => dir.join("graph.json"),
        _ => dir.to_path_buf(),
    }
    .to_string_lossy()
    .into_owned()
}

/// For each format: export, import into a new database, export again: the same bytes.
fn assert_every_format_round_trips(db: &TestDb) -> Vec<TestDb> {
    let mut copies = Vec::new();
    for format in ["toml", "json", "csv"] {
        let first_dir = db.dir().join(format!("first-{format}"));
        let first = export(db, format, &first_dir);
        let other = TestDb::new();
        let run = other.run(&["import", "--replace", &import_path(format, &first_dir)]);
        ok(&run, &format!("import the {format} export"));
        let again = export(&other, format, &other.dir().join("again"));
        assert!(first == again, "{format}: export → import → export differs");
        let check = other.run(&["check"]);
        ok(&check, &format!("check after the {format} round trip"));
        copies.push(other);
    }
    copies
}

#[test]
fn the_curated_graph_round_trips_through_toml_json_and_csv() {
    let db = TestDb::new();
    // A profile travels too.
    ok(
        &db.run(&["query", "profile me = [Linux: 4, Python, Docker]"]),
        "profile",
    );
    let copies = assert_every_format_round_trips(&db);
    let plan = |d: &TestDb| column(&d.json("learn DevOps -> SRE min importance 5"), "skill");
    for copy in &copies {
        // `DevOps` and `SRE` are aliases: a CSV export once dropped them.
        assert_eq!(plan(copy), plan(&db));
        assert_eq!(
            column(&copy.json("show profile me"), "skill"),
            column(&db.json("show profile me"), "skill")
        );
    }
}

#[test]
fn an_onet_import_round_trips_through_toml_json_and_csv() {
    let db = TestDb::new();
    let onet = crate::onet_fixture::fixture();
    ok(
        &db.run(&["import", "--replace", "--onet", onet.to_str().unwrap()]),
        "import O*NET",
    );
    assert_every_format_round_trips(&db);
}

/// Four tables are not one CSV stream: without `--out` the CSV export is refused, saying what
/// to do, and writes nothing to standard output.
#[test]
fn a_csv_export_to_standard_output_is_refused_with_the_way_out() {
    let db = TestDb::new();
    let run = db.run(&["export", "--format", "csv"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("--out DIR"), "{}", run.stderr);
}

/// Without `--merge`, ids the database has are an error that names them and both ways out,
/// and nothing is written.
#[test]
fn importing_ids_the_database_has_fails_whole_and_mentions_merge() {
    let db = TestDb::new();
    let dir = db.dir().join("export");
    export(&db, "toml", &dir);
    let before = db.run(&["export", "--format", "toml"]).stdout;
    let run = db.run(&["import", &import_path("toml", &dir)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("the id `sre` is already taken")
            || run.stderr.contains("already taken by a"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--merge"), "{}", run.stderr);
    assert!(
        run.stderr.contains("nothing was imported"),
        "{}",
        run.stderr
    );
    assert_eq!(db.run(&["export", "--format", "toml"]).stdout, before);
}

const UPDATE: &str = r#"
[[source]]
key = "team-survey"
title = "Our team's survey"

[[skill]]
id = "linux"
name = "Linux"
aliases = ["GNU/Linux"]
category = "operating systems"
effort_hours = 99.0
sources = ["team-survey"]

[[skill]]
id = "ebpf"
name = "eBPF"
effort_hours = 40.0
sources = ["team-survey"]

[[tool]]
id = "bpftrace"
name = "bpftrace"
sources = ["team-survey"]

[[covers]]
tool = "bpftrace"
skill = "linux"
sources = ["team-survey"]
note = "first said"
"#;

#[test]
fn merge_updates_existing_ids_adds_the_rest_and_reports_it() {
    let db = TestDb::new();
    let file = db.dir().join("update.toml");
    std::fs::write(&file, UPDATE).unwrap();
    let run = db.run(&["import", "--merge", file.to_str().unwrap()]);
    ok(&run, "merge");
    assert!(
        run.stderr
            .contains("nodes: 2 added, 1 updated, 0 unchanged; edges: 1 added, 0 updated, 0 unchanged; sources: 1 added"),
        "{}",
        run.stderr
    );
    let field = |name: &str, field: &str| -> serde_json::Value {
        let rows = db.json(&format!("show {name}"));
        rows.into_iter()
            .find(|r| r["field"] == field)
            .map(|r| r["value"].clone())
            .unwrap_or_default()
    };
    // Updated to what the file says: its fields, and only those.
    assert_eq!(field("linux", "effort_hours"), 99);
    assert_eq!(field("linux", "category"), "operating systems");
    assert_eq!(field("linux", "aliases"), serde_json::json!(["GNU/Linux"]));
    assert_eq!(field("ebpf", "name"), "eBPF");
    // Its edges in the database stay.
    assert!(column(&db.json("skills of SRE"), "skill").contains(&"Linux".to_string()));
    ok(&db.run(&["check"]), "check after the merge");

    // The same file again changes nothing, and says so.
    let run = db.run(&["import", "--merge", file.to_str().unwrap()]);
    ok(&run, "merge again");
    assert!(
        run.stderr.contains(
            "nodes: 0 added, 0 updated, 3 unchanged; edges: 0 added, 0 updated, 1 unchanged"
        ),
        "{}",
        run.stderr
    );

    // An edge stated by the same source is updated, not repeated.
    std::fs::write(&file, UPDATE.replace("first said", "said again")).unwrap();
    let run = db.run(&["import", "--merge", file.to_str().unwrap()]);
    ok(&run, "merge an update of an edge");
    assert!(
        run.stderr.contains("edges: 0 added, 1 updated"),
        "{}",
        run.stderr
    );
}

/// Merging a database's own export, in any format, changes nothing.
#[test]
fn merging_an_export_into_its_database_changes_nothing() {
    let db = TestDb::new();
    let before = db.run(&["export", "--format", "toml"]).stdout;
    for format in ["toml", "json", "csv"] {
        let dir = db.dir().join(format!("export-{format}"));
        export(&db, format, &dir);
        let run = db.run(&["import", "--merge", &import_path(format, &dir)]);
        ok(&run, &format!("merge the {format} export"));
        assert!(
            run.stderr.contains("0 added, 0 updated"),
            "{format}: {}",
            run.stderr
        );
    }
    assert_eq!(db.run(&["export", "--format", "toml"]).stdout, before);
}

/// A merge that would change a node's kind is refused whole: nothing is written.
#[test]
fn a_merge_that_changes_a_kind_writes_nothing() {
    let db = TestDb::new();
    let before = db.run(&["export", "--format", "toml"]).stdout;
    let file = db.dir().join("bad.toml");
    std::fs::write(
        &file,
        "[[source]]\nkey = \"s\"\ntitle = \"S\"\n\n[[tool]]\nid = \"linux\"\nname = \"Linux\"\nsources = [\"s\"]\n\n[[skill]]\nid = \"new-skill\"\nname = \"New\"\nsources = [\"s\"]\n",
    )
    .unwrap();
    let run = db.run(&["import", "--merge", file.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("`linux` is a skill in the database but a tool"),
        "{}",
        run.stderr
    );
    assert_eq!(db.run(&["export", "--format", "toml"]).stdout, before);
}

/// A mistake in a JSON graph is reported at its file, line and column.
#[test]
fn a_bad_json_import_names_file_line_and_column() {
    let db = TestDb::new();
    let file = db.dir().join("graph.json");
    std::fs::write(
        &file,
        "{\n  \"skill\": [\n    {\"id\": \"x\", \"name\": \"X\", \"sources\": [\"missing\"]}\n  ]\n}\n",
    )
    .unwrap();
    let run = db.run(&["import", file.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let at = format!("{}:3:42: unknown source `missing`", file.display());
    assert!(run.stderr.contains(&at), "{}", run.stderr);
}

/// An import that adds to the database brings the export's profiles along, in the same step.
#[test]
fn an_added_import_keeps_the_profiles_of_the_export() {
    let source = TestDb::new();
    let onet = crate::onet_fixture::fixture();
    ok(
        &source.run(&["import", "--replace", "--onet", onet.to_str().unwrap()]),
        "import O*NET",
    );
    let first_skill = source.json("skills")[0]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let statement = format!("profile onet_person = [{first_skill:?}: 4]");
    ok(&source.run(&["query", &statement]), "profile");
    let dir = source.dir().join("export");
    export(&source, "json", &dir);
    let db = TestDb::new();
    let run = db.run(&["import", &import_path("json", &dir)]);
    ok(&run, "import the export beside the curated graph");
    assert!(run.stderr.contains("profiles: 1 added"), "{}", run.stderr);
    assert_eq!(
        column(&db.json("show profile onet_person"), "skill"),
        column(&source.json("show profile onet_person"), "skill")
    );
    // Curated and O*NET side by side.
    assert!(!db.json("show SRE").is_empty());
}
