//! What the exact-crash tests (`syscall_kills`, `powercut`) run: a read, a write, a script, an
//! import and a log fold, each from a database made without tracing, with every state the flow
//! may leave (before, then after each atomic step) and the moment its writes are acknowledged.
//! Also strace, which both tests use to stop or watch the process at its system calls.

use std::fmt::Write as _;
use std::process::{Command, Stdio};

use skillgraph_testkit::copy_dir;

use crate::support::{Run, TestDb};

/// When a flow's writes count as acknowledged: the promise the tests hold it to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ack {
    /// A read: nothing is written, so the state must stay the one before.
    Nothing,
    /// The statement's answer on standard output (`query`: each write is durable first).
    Stdout,
    /// A line on standard error holding this text (`import`).
    Stderr(&'static str),
    /// The process exiting with status 0 (`run`: a script is made durable once, at its end).
    Exit,
}

pub struct Flow {
    pub name: &'static str,
    /// The database before the flow; the flow runs on copies of it. Its directory also holds
    /// the flow's input files.
    pub pristine: TestDb,
    /// The command's arguments after `--db PATH`.
    pub args: Vec<String>,
    /// `export --format json` of every state the flow may leave, in order.
    pub states: Vec<String>,
    pub ack: Ack,
}

/// The flows, each with its pristine database and states, worked out by running the flow's
/// steps one at a time without tracing.
pub fn all() -> Vec<Flow> {
    vec![
        create(),
        read(),
        recover(),
        write(),
        script(),
        import(),
        fold(),
    ]
}

/// The first write to a path with no database: creating it (sled's files, the first snapshot,
/// the directory's own name) comes before the write. A crash may leave no database, which the
/// next open creates afresh: the seed graph is the state before.
fn create() -> Flow {
    let pristine = TestDb::new();
    let statement = "add skill \"First\"";
    let states = steps(&pristine, &[statement]);
    Flow {
        name: "create",
        pristine,
        args: args(&["query", statement]),
        states,
        ack: Ack::Stdout,
    }
}

/// `path` on a database with one change since its snapshot: sled writes its own snapshot as it
/// opens, which is where a kill once left a database that did not open (sled#1387).
fn read() -> Flow {
    let pristine = TestDb::new();
    ok(pristine.run(&["query", "add skill \"Read flow\""]));
    let states = steps(&pristine, &[]);
    Flow {
        name: "read",
        pristine,
        args: args(&["query", "path DevOps -> SRE"]),
        states,
        ack: Ack::Nothing,
    }
}

/// A read on a database whose read view is gone (one an older skillgraph wrote, or a crash
/// while the first view was written): the reader takes the writer's lock and rebuilds it from
/// sled, the one time a reader writes.
fn recover() -> Flow {
    let pristine = TestDb::new();
    ok(pristine.run(&["query", "add skill \"Recover flow\""]));
    std::fs::remove_file(pristine.path().join("skillgraph.view")).unwrap();
    let states = steps(&pristine, &[]);
    Flow {
        name: "recover",
        pristine,
        args: args(&["query", "path DevOps -> SRE"]),
        states,
        ack: Ack::Nothing,
    }
}

fn write() -> Flow {
    let pristine = TestDb::new();
    ok(pristine.run(&["stats"]));
    let statement = "add skill \"Written\" { effort_hours: 7 }";
    let states = steps(&pristine, &[statement]);
    Flow {
        name: "write",
        pristine,
        args: args(&["query", statement]),
        states,
        ack: Ack::Stdout,
    }
}

/// Statements of the script flow; each is one atomic operation.
const SCRIPT: [&str; 6] = [
    "add skill \"Script one\"",
    "add skill \"Script two\" { effort_hours: 3 }",
    "link SRE requires \"Script one\" { importance: 4 }",
    "link \"Script one\" prerequisite \"Script two\"",
    "add tool \"Script tool\"",
    "link \"Script tool\" covers \"Script two\"",
];

fn script() -> Flow {
    let pristine = TestDb::new();
    ok(pristine.run(&["stats"]));
    let states = steps(&pristine, &SCRIPT);
    let file = pristine.dir().join("flow.sgq");
    std::fs::write(&file, SCRIPT.join("\n") + "\n").unwrap();
    Flow {
        name: "script",
        pristine,
        args: vec!["run".into(), file.display().to_string()],
        states,
        ack: Ack::Exit,
    }
}

/// `import --replace` of a small CSV graph: a new snapshot file and a manifest naming it.
fn import() -> Flow {
    let pristine = TestDb::new();
    ok(pristine.run(&["stats"]));
    let dir = pristine.dir().join("import");
    std::fs::create_dir_all(&dir).unwrap();
    let mut nodes = String::from("id,kind,name\n");
    let mut edges = String::from("from,to,kind,weight\n");
    for i in 0..12 {
        writeln!(nodes, "r{i},role,Imported role {i}").unwrap();
        writeln!(nodes, "s{i},skill,Imported skill {i}").unwrap();
        writeln!(edges, "r{i},s{i},requires,{}", 1 + i % 5).unwrap();
        if i > 0 {
            writeln!(edges, "s{},s{i},prerequisite,{}", i - 1, 10 + i).unwrap();
            writeln!(edges, "r{},r{i},transition,{}", i - 1, 100 + i).unwrap();
        }
    }
    std::fs::write(dir.join("nodes.csv"), nodes).unwrap();
    std::fs::write(dir.join("edges.csv"), edges).unwrap();
    let args = vec![
        "import".into(),
        "--replace".into(),
        dir.display().to_string(),
    ];
    let before = steps(&pristine, &[]).remove(0);
    let after = TestDb::new();
    copy_dir(&pristine.path(), &after.path());
    let run = after
        .command()
        .args(&args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    ok(run.into());
    Flow {
        name: "import",
        states: vec![before, export(&after)],
        pristine,
        args,
        ack: Ack::Stderr("imported"),
    }
}

/// The write that folds the log into a new snapshot: the log holds one entry fewer than
/// `COMPACT_AFTER` (256) before it.
fn fold() -> Flow {
    let pristine = TestDb::new();
    ok(pristine.run(&["stats"]));
    let file = pristine.dir().join("fill.sgq");
    let fill: String = (0..255)
        .map(|i| format!("add skill \"Fill {i}\"\n"))
        .collect();
    std::fs::write(&file, fill).unwrap();
    ok(pristine.run(&["run", file.to_str().unwrap()]));
    let check = pristine.run(&["check"]);
    assert!(
        check.stdout.contains("255 changes since the last snapshot"),
        "the fold flow needs a log one short of folding: {}",
        check.stdout
    );
    let statement = "add skill \"Folded\"";
    let states = steps(&pristine, &[statement]);
    Flow {
        name: "fold",
        pristine,
        args: args(&["query", statement]),
        states,
        ack: Ack::Stdout,
    }
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn ok(run: Run) -> Run {
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    run
}

/// The export of `pristine`, then after each statement in turn, all on a copy: sled writes even
/// as it opens for a read, and the pristine database must stay as it was made.
fn steps(pristine: &TestDb, statements: &[&str]) -> Vec<String> {
    let copy = TestDb::new();
    if pristine.path().exists() {
        copy_dir(&pristine.path(), &copy.path());
    }
    let mut states = vec![export(&copy)];
    for statement in statements {
        ok(copy.run(&["query", statement]));
        states.push(export(&copy));
    }
    states
}

pub fn export(db: &TestDb) -> String {
    ok(db.run(&["export", "--format", "json"])).stdout
}

impl Flow {
    /// A fresh copy of the pristine database to run the flow on.
    pub fn copy(&self) -> TestDb {
        let copy = TestDb::new();
        if self.pristine.path().exists() {
            copy_dir(&self.pristine.path(), &copy.path());
        }
        copy
    }

    /// Checks the database a crash left: a reader (which does not open sled) sees one of the
    /// flow's states, at least the `acknowledged`-th; `check` (which does, and brings the read
    /// view into step with it) passes; and a reader then sees that state or a later one (a
    /// writer killed between committing to sled and publishing left a change readers see only
    /// now, which was never acknowledged). Returns the last state's index.
    pub fn verify(&self, db: &TestDb, acknowledged: usize) -> Result<usize, String> {
        // A creation killed before it made the directory leaves nothing, which `check` does
        // not create; the export below does, and must give the state before.
        let nothing = !db.path().exists();
        let seen_by_reader = self.state_seen(db, acknowledged)?;
        let check = db.run(&["check"]);
        if check.code != 0 && !nothing {
            return Err(format!(
                "`check` exits {}: {}{}",
                check.code, check.stdout, check.stderr
            ));
        }
        let index = self.state_seen(db, seen_by_reader)?;
        Ok(index)
    }

    /// The state an export shows, which must be at least the `at_least`-th.
    fn state_seen(&self, db: &TestDb, at_least: usize) -> Result<usize, String> {
        let run = db.run(&["export", "--format", "json"]);
        if run.code != 0 {
            return Err(format!("export exits {}: {}", run.code, run.stderr));
        }
        let Some(index) = self.states.iter().position(|s| *s == run.stdout) else {
            return Err(
                "the graph is none of the states before, between or after the steps".into(),
            );
        };
        if index < at_least {
            return Err(format!(
                "lost an acknowledged write, or went back: state {index} of {}, but {at_least} \
                 were acknowledged or seen",
                self.states.len() - 1
            ));
        }
        Ok(index)
    }

    /// How many steps the acknowledgement seen covers.
    pub fn steps(&self) -> usize {
        self.states.len() - 1
    }
}

/// Whether strace can trace here (it may be missing, or ptrace forbidden in a container).
pub fn strace_works() -> bool {
    Command::new("strace")
        .args(["-o", "/dev/null", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The message a test prints when it cannot run; `.ci/run` installs strace, so in CI it runs.
pub fn skip_without_strace(test: &str) -> bool {
    if strace_works() {
        return false;
    }
    println!(
        "SKIPPED {test}: strace is not installed or cannot trace here \
         (apt-get install strace; in a container, allow ptrace)"
    );
    true
}

/// `strace` with `strace_args`, running `skillgraph --db DB` + the flow's arguments.
pub fn strace_command(db: &TestDb, flow: &Flow, strace_args: &[String]) -> Command {
    let binary = env!("CARGO_BIN_EXE_skillgraph");
    let cmd = db.command();
    let program_args: Vec<std::ffi::OsString> = cmd.get_args().map(|a| a.to_owned()).collect();
    let mut traced = Command::new("strace");
    traced.args(strace_args).arg("--").arg(binary);
    traced.args(program_args).args(&flow.args);
    for (key, value) in cmd.get_envs() {
        match value {
            Some(v) => traced.env(key, v),
            None => traced.env_remove(key),
        };
    }
    // cargo test sets a long library path; the binary needs none, and the loader's search
    // through it would be a hundred more `openat` calls to stop at, all before `main`.
    traced.env_remove("LD_LIBRARY_PATH");
    traced.stdin(Stdio::null());
    traced
}

/// The file-system calls the tests stop or watch (x86-64 and aarch64 names; strace ignores
/// none it knows, and rejects unknown ones, so only names of this architecture are given).
pub fn fs_syscalls() -> Vec<&'static str> {
    let mut names = vec![
        "openat",
        "write",
        "pwrite64",
        "writev",
        "pwritev",
        "fsync",
        "fdatasync",
        "sync_file_range",
        "renameat",
        "renameat2",
        "unlinkat",
        "mkdirat",
        "ftruncate",
        "fallocate",
        "flock",
    ];
    if cfg!(target_arch = "x86_64") {
        names.extend(["open", "creat", "rename", "unlink", "mkdir", "rmdir"]);
    }
    names
}
