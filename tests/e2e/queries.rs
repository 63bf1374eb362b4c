//! Data-driven: every `tests/queries/*.sgq` runs on a fresh curated database in each output
//! format, and its output is compared with the snapshot in `tests/e2e/snapshots/`; every
//! `tests/queries/datasets/*.sgq` likewise (as tables) on the curated graph with the O*NET and
//! ESCO fixtures (`crates/import/tests/fixtures/onet-mini`, `esco-mini`) imported beside it.
//! Adding a case is adding a file; `INSTA_UPDATE=always cargo test` records new snapshots.

use crate::support::TestDb;

#[test]
fn query_files_match_their_snapshots() {
    insta::glob!("../queries", "*.sgq", |path| {
        for format in ["table", "json", "csv"] {
            let db = TestDb::new();
            let run = db.run(&[
                "run",
                "--continue-on-error",
                "--format",
                format,
                path.to_str().unwrap(),
            ]);
            // The temp path of the database and the script differ per run.
            let stderr: String = run
                .stderr
                .lines()
                .filter(|l| !l.starts_with("created a new database"))
                .map(|l| l.replace(path.to_str().unwrap(), "SCRIPT"))
                .collect::<Vec<_>>()
                .join("\n");
            let report = format!(
                "exit: {}\n---- stdout\n{}\n---- stderr\n{}\n",
                run.code, run.stdout, stderr
            );
            insta::assert_snapshot!(format!("{format}"), report);
        }
    });
}

#[test]
fn query_files_over_the_dataset_fixtures_match_their_snapshots() {
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/import/tests/fixtures");
    let (onet, esco) = (fixtures.join("onet-mini"), fixtures.join("esco-mini"));
    insta::glob!("../queries/datasets", "*.sgq", |path| {
        let db = TestDb::new();
        let import = db.run(&[
            "import",
            "--onet",
            onet.to_str().unwrap(),
            "--esco",
            esco.to_str().unwrap(),
        ]);
        assert_eq!(import.code, 0, "{}", import.stderr);
        let run = db.run(&["run", "--continue-on-error", path.to_str().unwrap()]);
        let stderr: String = run
            .stderr
            .lines()
            .map(|l| l.replace(path.to_str().unwrap(), "SCRIPT"))
            .collect::<Vec<_>>()
            .join("\n");
        let report = format!(
            "exit: {}\n---- stdout\n{}\n---- stderr\n{}\n",
            run.code, run.stdout, stderr
        );
        insta::assert_snapshot!("datasets", report);
    });
}
