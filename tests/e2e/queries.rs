//! Data-driven: every `tests/queries/*.sgq` runs on a fresh curated database in each output
//! format, and its output is compared with the snapshot in `tests/e2e/snapshots/`; every
//! `tests/queries/datasets/*.sgq` likewise (as tables) on the curated graph with the O*NET and
//! ESCO fixtures (`crates/import/tests/fixtures/onet-mini`, `esco-mini`) imported beside it.
//! Adding a case is adding a file; `INSTA_UPDATE=always cargo test` records new snapshots.

use std::path::Path;

use skillgraph_query::parser;
use skillgraph_testkit::copy_dir;

use crate::support::{Run, TestDb};

/// The output of a run as a snapshot holds it; the temp path of the script differs per run.
fn report(run: &Run, script: &Path) -> String {
    let stderr: String = run
        .stderr
        .lines()
        .filter(|l| !l.starts_with("created a new database"))
        .map(|l| l.replace(script.to_str().unwrap(), "SCRIPT"))
        .collect::<Vec<_>>()
        .join("\n");
    format!(
        "exit: {}\n---- stdout\n{}\n---- stderr\n{}\n",
        run.code, run.stdout, stderr
    )
}

#[test]
fn query_files_match_their_snapshots() {
    insta::glob!("../queries", "*.sgq", |path| {
        for format in ["table", "json"] {
            let db = TestDb::new();
            let run = db.run(&[
                "run",
                "--continue-on-error",
                "--format",
                format,
                path.to_str().unwrap(),
            ]);
            insta::assert_snapshot!(format!("{format}"), report(&run, path));
        }
        insta::assert_snapshot!("csv", csv_report(path));
    });
}

/// CSV holds one table, so a file of several answers is refused as a whole (the snapshot
/// starts with the refusal), and each statement's CSV is recorded on its own: it runs on a
/// fresh copy of the curated database, in one script after the reports before it that
/// succeeded (`let`, `use`, writes, profile changes). That is the state it met in the whole
/// file, since answers and failed statements change nothing. Its exit code and standard output
/// are recorded; its standard error (notes, diagnostics) is the same as in JSON, whose
/// snapshot holds it.
fn csv_report(path: &Path) -> String {
    let whole = TestDb::new();
    let run = whole.run(&[
        "run",
        "--continue-on-error",
        "--format",
        "csv",
        path.to_str().unwrap(),
    ]);
    let mut out = format!("---- the whole file\n{}", report(&run, path));
    let pristine = TestDb::new();
    assert_eq!(pristine.run(&["stats"]).code, 0);
    let source = std::fs::read_to_string(path).unwrap();
    let mut setup = String::new();
    for (_, piece) in parser::split_pieces(&source) {
        let statements: Vec<(&str, bool)> = match parser::parse(piece) {
            Ok(script) => script
                .statements
                .iter()
                .map(|s| (&piece[s.span.start..s.span.end], s.kind.is_report()))
                .collect(),
            // It fails on its own, as in the whole file.
            Err(_) => vec![(piece.trim(), false)],
        };
        for (statement, is_report) in statements {
            let db = TestDb::new();
            copy_dir(&pristine.path(), &db.path());
            let script = db.dir().join("statement.sgq");
            std::fs::write(&script, format!("{setup}{statement}\n")).unwrap();
            let run = db.run(&["run", "--format", "csv", script.to_str().unwrap()]);
            out.push_str(&format!(
                "---- {statement}\nexit: {}\n{}",
                run.code, run.stdout
            ));
            if is_report && run.code == 0 {
                setup.push_str(statement);
                setup.push('\n');
            }
        }
    }
    out
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
