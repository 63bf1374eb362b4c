//! The shell and its answers on a database of imported data only (the O*NET and ESCO fixtures
//! cut from the shared files), where the curated graph's names do not exist.

use std::path::PathBuf;

use crate::support::{Run, TestDb};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("crates/import/tests/fixtures")
        .join(name)
}

/// A database holding the O*NET fixture and nothing else.
pub fn onet_only() -> TestDb {
    let db = TestDb::new();
    let onet = fixture("onet-mini");
    let run = db.run(&["import", "--replace", "--onet", onet.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    db
}

/// A database holding the O*NET and ESCO fixtures and nothing else.
pub fn onet_and_esco() -> TestDb {
    let db = TestDb::new();
    let (onet, esco) = (fixture("onet-mini"), fixture("esco-mini"));
    let run = db.run(&[
        "import",
        "--replace",
        "--onet",
        onet.to_str().unwrap(),
        "--esco",
        esco.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    db
}

fn query(db: &TestDb, statement: &str) -> Run {
    let run = db.run(&["query", statement]);
    assert_eq!(run.code, 0, "`{statement}` failed: {}", run.stderr);
    run
}

fn keys(rows: &[serde_json::Value]) -> Vec<String> {
    let mut keys: Vec<String> = rows
        .iter()
        .flat_map(|r| r.as_object().unwrap().keys().cloned())
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

#[test]
fn a_listing_shows_the_fields_it_filters_on_and_none_the_data_lacks() {
    let db = onet_only();
    let rows = db.json("roles where job_zone = 4 limit 3");
    assert!(!rows.is_empty());
    for row in &rows {
        assert_eq!(row["job_zone"], 4, "{row}");
    }
    let shown = keys(&rows);
    // The usual role columns that no imported role has are left out, in every format.
    for usual in ["category", "primary_metric", "salary.avg"] {
        let field = usual.split('.').next().unwrap();
        let having = db.json(&format!("roles where has({field})"));
        assert_eq!(
            shown.contains(&usual.to_string()),
            !having.is_empty(),
            "{usual}: {shown:?}"
        );
    }
    let csv = db.run(&[
        "query",
        "roles where job_zone = 4 limit 3",
        "--format",
        "csv",
    ]);
    let header = csv.stdout.lines().next().unwrap();
    assert_eq!(
        header.split(',').count(),
        shown.len(),
        "{header} vs {shown:?}"
    );
    assert!(header.contains("job_zone"), "{header}");
    let table = query(&db, "roles where job_zone = 4 limit 3");
    assert!(table.stdout.contains("job_zone"), "{}", table.stdout);

    // A field the `where` names is a column even where no row has it.
    let rows = db.json("roles where not has(salary) limit 2");
    assert!(keys(&rows).contains(&"salary".to_string()), "{rows:?}");
}

#[test]
fn the_curated_listing_keeps_its_usual_columns() {
    let db = TestDb::new();
    let rows = db.json("roles limit 40");
    let shown = keys(&rows);
    for usual in ["category", "primary_metric", "salary.avg"] {
        assert!(shown.contains(&usual.to_string()), "{shown:?}");
    }
}
