//! What `--db` is given is the user's: a directory that holds something other than a skillgraph
//! database is refused with what was found, and nothing in it changes; an empty or missing
//! directory becomes a new database.

use std::process::Stdio;

use crate::support::TestDb;

fn run_with_db(db: &std::path::Path, args: &[&str]) -> crate::support::Run {
    let home = TestDb::new();
    // `TestDb::command` brings its own `--db`; keep only its environment.
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_skillgraph"));
    for (key, value) in home.command().get_envs() {
        match value {
            Some(v) => cmd.env(key, v),
            None => cmd.env_remove(key),
        };
    }
    cmd.arg("--db").arg(db).args(args).stdin(Stdio::null());
    cmd.output().expect("run skillgraph").into()
}

fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn db_on_a_directory_of_other_files_is_refused_and_nothing_in_it_changes() {
    let home = TestDb::new();
    let dir = home.dir().join("holiday");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("random.txt"), "keep me").unwrap();
    let csv = home.dir().join("csv");
    std::fs::create_dir(&csv).unwrap();
    std::fs::write(csv.join("nodes.csv"), "id,kind,name\nr1,role,Role\n").unwrap();
    std::fs::write(csv.join("edges.csv"), "from,to,kind,weight\n").unwrap();
    let csv = csv.to_str().unwrap();
    for args in [
        &["stats"][..],
        &["query", "add skill \"Nope\""],
        &["import", "--replace", csv],
    ] {
        let run = run_with_db(&dir, args);
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains(&format!(
                "{} is not a skillgraph database: it is a directory holding `random.txt`",
                dir.display()
            )),
            "{args:?}: {}",
            run.stderr
        );
        assert!(
            !run.stderr.contains("created a new database"),
            "{}",
            run.stderr
        );
        assert_eq!(names_in(&dir), ["random.txt"], "{args:?}");
        assert_eq!(
            std::fs::read_to_string(dir.join("random.txt")).unwrap(),
            "keep me"
        );
    }
}

#[test]
fn db_on_a_file_is_refused() {
    let home = TestDb::new();
    let file = home.dir().join("notes.txt");
    std::fs::write(&file, "keep me").unwrap();
    let run = run_with_db(&file, &["stats"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("it is a file, not a directory"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
}

#[test]
fn db_on_an_empty_or_missing_directory_creates_the_database() {
    let home = TestDb::new();
    let empty = home.dir().join("empty");
    std::fs::create_dir(&empty).unwrap();
    for dir in [empty, home.dir().join("missing/graph.sgdb")] {
        let run = run_with_db(&dir, &["stats"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stderr.contains("created a new database"),
            "{}",
            run.stderr
        );
        let again = run_with_db(&dir, &["stats"]);
        assert_eq!(again.code, 0, "{}", again.stderr);
        assert!(!again.stderr.contains("created"), "{}", again.stderr);
    }
}

/// `--db` before or after the subcommand wins over SKILLGRAPH_DB, which wins over the default.
#[test]
fn db_flag_wins_over_the_environment_wherever_it_is_written() {
    let db = crate::support::TestDb::new();
    let other = db.dir().join("other.sgdb");
    let flagged = db.dir().join("flagged.sgdb");
    for args in [
        vec!["--db", flagged.to_str().unwrap(), "query", "add skill Here"],
        vec!["query", "--db", flagged.to_str().unwrap(), "add skill Here"],
    ] {
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_skillgraph"))
            .args(&args)
            .env("SKILLGRAPH_DB", &other)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let _ = std::fs::remove_dir_all(&flagged);
        assert!(
            run.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(!other.exists(), "{args:?} used SKILLGRAPH_DB");
    }
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_skillgraph"))
        .args(["query", "roles"])
        .env("SKILLGRAPH_DB", &other)
        .output()
        .unwrap();
    assert!(run.status.success());
    assert!(other.exists(), "SKILLGRAPH_DB is the database without --db");
}
