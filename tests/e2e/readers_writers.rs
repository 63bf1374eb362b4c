//! Many processes on one database: readers never wait and never fail, a writer waits for
//! another (up to `--lock-timeout`), `--read-only` refuses writes, and every process sees the
//! others' committed changes at its next statement. The shell's side is in `repl.rs`.

use std::fs::File;
use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::TestDb;

/// Holds the writer's lock as another skillgraph process would, with its description.
pub fn hold_writer_lock(db: &TestDb, holder: &str) -> File {
    let mut lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(db.path().join("skillgraph.lock"))
        .unwrap();
    lock.lock().unwrap();
    lock.set_len(0).unwrap();
    lock.write_all(holder.as_bytes()).unwrap();
    lock
}

#[test]
fn a_writer_waits_for_the_writer_before_it_then_writes() {
    let db = TestDb::new();
    db.run(&["stats"]);
    let lock = hold_writer_lock(&db, "pid 4242: skillgraph run big.sgq");
    // Readers do not wait.
    let read = db.run(&["query", "show SRE"]);
    assert_eq!(read.code, 0, "{}", read.stderr);
    let mut writer = db
        .command()
        .args([
            "--lock-timeout",
            "60",
            "query",
            "add skill \"After the wait\"",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Still waiting while the lock is held: it has not finished, nor written anything.
    let until = Instant::now() + Duration::from_millis(500);
    while Instant::now() < until {
        assert!(
            writer.try_wait().unwrap().is_none(),
            "the writer did not wait"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_ne!(db.run(&["query", "show \"After the wait\""]).code, 0);
    drop(lock);
    let out = writer.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        db.json("show \"After the wait\"")[0]["value"],
        "after-the-wait"
    );
}

#[test]
fn a_writer_past_its_wait_names_the_process_it_waited_for() {
    let db = TestDb::new();
    db.run(&["stats"]);
    let _lock = hold_writer_lock(&db, "pid 4242: skillgraph run big.sgq");
    let run = db.run(&["--lock-timeout", "0.2", "query", "add skill Late"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for part in [
        "is being changed by another skillgraph process (pid 4242: skillgraph run big.sgq)",
        "still held it after 0.2 s",
        "--lock-timeout",
    ] {
        assert!(run.stderr.contains(part), "{part}: {}", run.stderr);
    }
    // An import, which replaces the snapshot, waits the same way.
    let import = db.run(&["--lock-timeout", "0", "import", "--replace", "graphdata"]);
    assert_ne!(import.code, 0, "{}", import.stderr);
    assert!(import.stderr.contains("pid 4242"), "{}", import.stderr);
}

#[test]
fn read_only_refuses_every_write_and_answers_every_read() {
    let db = TestDb::new();
    db.run(&["stats"]);
    let before = db.run(&["export"]).stdout;
    for statement in [
        "add skill Zig",
        "set SRE category = \"x\"",
        "profile me = [Linux: 3]",
    ] {
        let run = db.run(&["--read-only", "query", statement]);
        assert_eq!(run.code, 1, "{statement}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("was opened read-only (--read-only): nothing was changed"),
            "{statement}: {}",
            run.stderr
        );
    }
    let import = db.run(&["--read-only", "import", "--replace", "graphdata"]);
    assert_ne!(import.code, 0, "{}", import.stderr);
    assert!(import.stderr.contains("read-only"), "{}", import.stderr);
    let read = db.run(&["--read-only", "query", "path DevOps -> SRE"]);
    assert_eq!(read.code, 0, "{}", read.stderr);
    assert_eq!(db.run(&["export"]).stdout, before);
}

#[test]
fn readers_running_beside_a_writer_never_fail_and_see_a_committed_state() {
    let db = TestDb::new();
    db.run(&["stats"]);
    // More changes than the log holds before it is folded into a new snapshot, so readers
    // also meet folds.
    let writes: String = (0..300)
        .map(|i| format!("add skill \"Beside {i}\"\n"))
        .collect();
    let reads = "show SRE\nskills of SRE\npath DevOps -> SRE\n".repeat(15);
    let spawn_reader = || {
        let mut child = db
            .command()
            .args(["--format", "json", "--continue-on-error"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(reads.as_bytes())
            .unwrap();
        child
    };
    let mut writer = db
        .command()
        .args(["query"])
        .args(writes.lines())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut rounds = 0;
    while writer.try_wait().unwrap().is_none() || rounds < 2 {
        let readers: Vec<_> = (0..3).map(|_| spawn_reader()).collect();
        for reader in readers {
            let out = reader.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "a reader failed: {stderr}");
            assert!(!stderr.contains("error"), "a reader failed: {stderr}");
            let answers = String::from_utf8_lossy(&out.stdout);
            assert!(
                answers.matches("\"value\":\"sre\"").count() >= 15,
                "{answers}"
            );
        }
        rounds += 1;
    }
    let out = writer.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Every change is there once the writer is done, for a new reader and for `check`.
    assert_eq!(db.json("show \"Beside 299\"")[0]["value"], "beside-299");
    let check = db.run(&["check"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
}
