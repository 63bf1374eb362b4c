//! Data-driven: every `tests/queries/*.sgq` runs on a fresh curated database in each output
//! format, and its output is compared with the snapshot in `tests/e2e/snapshots/`.
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
