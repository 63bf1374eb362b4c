//! O*NET and ESCO through the real command line: a fixture cut from the shared files, and the
//! full shared datasets when `../shared/data` is beside the repository.

use std::path::PathBuf;

use crate::support::{column, TestDb};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("crates/import/tests/fixtures")
        .join(name)
}

fn shared_data() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    dir.join("onet-29.3").exists().then_some(dir)
}

fn stat(db: &TestDb, what: &str) -> String {
    let run = db.run(&["stats", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    let row = rows
        .iter()
        .find(|r| r["what"] == what)
        .unwrap_or_else(|| panic!("no stats row {what}: {rows:?}"));
    match &row["count"] {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn onet_and_esco_fixtures_import_side_by_side_with_attribution() {
    let db = TestDb::new();
    let onet = fixture("onet-mini");
    let esco = fixture("esco-mini");
    let run = db.run(&[
        "import",
        "--onet",
        onet.to_str().unwrap(),
        "--esco",
        esco.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("imported"), "{}", run.stderr);
    // The curated graph stays, and the datasets are namespaced beside it.
    let roles = column(&db.json("roles where id starts with \"onet:\""), "id");
    assert!(!roles.is_empty());
    assert!(column(&db.json("roles"), "id").contains(&"sre".to_string()));
    let sources = db.run(&["stats"]).stdout;
    assert!(
        sources.contains("onet-29.3") && sources.contains("esco-1.1.1"),
        "{sources}"
    );
    let show = db.json(&format!("show {}", roles[0]));
    let sources: Vec<String> = show
        .iter()
        .filter(|r| r["field"] == "sources")
        .map(|r| r["value"].to_string())
        .collect();
    assert!(
        sources.iter().any(|s| s.contains("CC BY 4.0")),
        "{sources:?}"
    );
}

#[test]
fn a_broken_dataset_imports_nothing() {
    let db = TestDb::new();
    let before = db.run(&["export", "--format", "toml"]).stdout;
    let broken = db.dir().join("onet");
    std::fs::create_dir_all(&broken).unwrap();
    for entry in std::fs::read_dir(fixture("onet-mini")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, broken.join(path.file_name().unwrap())).unwrap();
    }
    std::fs::write(broken.join("Skills.txt"), "not\tthe\theader\n").unwrap();
    let run = db.run(&["import", "--onet", broken.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("Skills.txt"), "{}", run.stderr);
    assert_eq!(db.run(&["export", "--format", "toml"]).stdout, before);
}

#[test]
fn full_onet_and_esco_answer_real_questions() {
    let Some(data) = shared_data() else {
        println!("skipped: ../shared/data is not beside the repository");
        return;
    };
    let db = TestDb::new();
    let run = db.run(&[
        "import",
        "--replace",
        "--onet",
        data.join("onet-29.3").to_str().unwrap(),
        "--esco",
        data.join("esco-1.1.1").to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(stat(&db, "transition edges"), "18460");
    let roles: usize = stat(&db, "roles").parse().unwrap();
    assert_eq!(roles, 1016 + 3007);
    // ESCO: 123,855 occupation-skill links minus the 67 naming an occupation it lacks.
    assert_eq!(
        stat(&db, "from esco-1.1.1: nodes / edges"),
        "16903 / 123788"
    );
    let rows = db.json(
        "path \"Network and Computer Systems Administrators\" -> \"Information Security Analysts\"",
    );
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["to"], "Information Security Analysts");
    // O*NET files DevOps Engineer under Software Developers, ESCO under another occupation:
    // the name is ambiguous, and the error lists both with their ids.
    let run = db.run(&["query", "show \"DevOps Engineer\""]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stderr.contains("onet:15-1252.00"), "{}", run.stderr);
    assert!(run.stderr.contains("esco:occ:"), "{}", run.stderr);
    let plan = db.json("learn onet:15-1244.00 -> onet:15-1212.00");
    assert!(!plan.is_empty());
    let closest = db.json("closest [Programming, \"Computers and Electronics\"] limit 3");
    assert_eq!(closest.len(), 3);
}
