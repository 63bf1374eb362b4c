//! Running the real binary against a throwaway database.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// A temporary home for one test's database.
pub struct TestDb {
    dir: tempfile::TempDir,
}

impl TestDb {
    pub fn new() -> TestDb {
        TestDb {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("graph.sgdb")
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_skillgraph"));
        cmd.arg("--db")
            .arg(self.path())
            .env_remove("SKILLGRAPH_DB")
            .env("NO_COLOR", "1")
            .env("COLUMNS", "100")
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("XDG_STATE_HOME", self.dir.path().join("state"));
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.command()
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run skillgraph")
            .into()
    }

    pub fn run_stdin(&self, args: &[&str], input: &str) -> Run {
        let mut child = self
            .command()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn skillgraph");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
        child.wait_with_output().expect("wait").into()
    }

    /// Runs one statement with `--format json` and parses the rows.
    pub fn json(&self, statement: &str) -> Vec<serde_json::Value> {
        let run = self.run(&["query", statement, "--format", "json"]);
        assert_eq!(run.code, 0, "`{statement}` failed: {}", run.stderr);
        json_rows(&run.stdout)
    }
}

/// The answers of `--format json`: one object per statement, a line each.
pub fn json_answers(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("valid JSON"))
        .collect()
}

/// The rows of the one answer of `--format json` (`{"title", "summary", "columns", "rows"}`).
pub fn json_rows(stdout: &str) -> Vec<serde_json::Value> {
    match json_answers(stdout).as_slice() {
        [answer] => match &answer["rows"] {
            serde_json::Value::Array(rows) => rows.clone(),
            other => panic!("expected rows, got {other}"),
        },
        answers => panic!("expected one answer, got {}", answers.len()),
    }
}

/// The values of one column of JSON rows, as text.
pub fn column(rows: &[serde_json::Value], name: &str) -> Vec<String> {
    rows.iter()
        .map(|r| match &r[name] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}
