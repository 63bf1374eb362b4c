//! A kill at every file-system call: each flow of `flows` is run again and again under strace,
//! which kills it (SIGKILL) at the 1st, 2nd, … call of one system call, then the next system
//! call, until a run ends on its own. After every kill the database must open, pass `check`,
//! and hold one of the flow's states, with every write the flow had acknowledged.
//!
//! strace counts calls per thread: `when=N` stops the process at the first thread to make its
//! Nth call of that system call, so with sled's threads the kills cover every call of the main
//! thread and of the others in the order each makes them. Nothing here depends on timing.

use std::collections::{BTreeMap, HashSet};
use std::hash::{Hash, Hasher};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;

use crate::flows::{self, Ack};

/// No flow makes this many calls of one kind; more means the loop never ends.
const MAX_CALLS: usize = 3000;

fn fingerprint(dir: &Path) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    if !dir.exists() {
        return 0; // killed before the database directory was made
    }
    for file in skillgraph_testkit::files_under(dir) {
        file.strip_prefix(dir).unwrap().hash(&mut hasher);
        std::fs::read(&file).unwrap().hash(&mut hasher);
    }
    hasher.finish()
}

#[test]
fn a_kill_at_every_file_system_call_leaves_a_database_with_every_acknowledged_write() {
    if flows::skip_without_strace("the kill-at-every-call test") {
        return;
    }
    let mut failures = Vec::new();
    for flow in flows::all() {
        let mut kills = 0;
        let mut per_call = BTreeMap::new();
        // A state already checked with at least this acknowledgement need not be checked again.
        let mut checked: HashSet<(u64, usize)> = HashSet::new();
        for syscall in flows::fs_syscalls() {
            for nth in 1..=MAX_CALLS {
                assert!(nth < MAX_CALLS, "{}: {syscall} never stops", flow.name);
                let db = flow.copy();
                let strace_args: Vec<String> = [
                    "-f".to_string(),
                    "-qq".into(),
                    "-o".into(),
                    "/dev/null".into(),
                    "-e".into(),
                    format!("trace={syscall}"),
                    "-e".into(),
                    format!("inject={syscall}:signal=SIGKILL:when={nth}"),
                ]
                .into();
                let out = flows::strace_command(&db, &flow, &strace_args)
                    .output()
                    .expect("run strace");
                // strace ends itself with the signal that ended the traced process.
                let killed = out.status.signal() == Some(9);
                let stdout = String::from_utf8_lossy(&out.stdout);
                let stderr = String::from_utf8_lossy(&out.stderr);
                let acknowledged = match flow.ack {
                    Ack::Nothing => false,
                    Ack::Stdout => !stdout.is_empty(),
                    Ack::Stderr(text) => stderr.contains(text),
                    Ack::Exit => out.status.success(),
                };
                if !killed {
                    assert!(
                        out.status.success(),
                        "{}: an unkilled run failed: {stderr}",
                        flow.name
                    );
                }
                let required = if acknowledged { flow.steps() } else { 0 };
                if checked.insert((fingerprint(&db.path()), required)) {
                    if let Err(e) = flow.verify(&db, required) {
                        failures.push(format!(
                            "{}: killed at {syscall} call {nth}: {e}",
                            flow.name
                        ));
                    }
                }
                if !killed {
                    break;
                }
                kills += 1;
                *per_call.entry(syscall).or_insert(0) += 1;
            }
        }
        println!(
            "kills, {}: {kills} kills ({per_call:?}), {} distinct databases checked",
            flow.name,
            checked.len()
        );
    }
    assert!(
        failures.is_empty(),
        "{} kills left a bad database:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
