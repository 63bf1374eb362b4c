//! Crash safety: a real `skillgraph` process is killed with SIGKILL at random moments, during a
//! large import and during a stream of mutations; after every kill the database must open and
//! hold exactly the state before or after each atomic operation, never a mix.
//!
//! The kill moments come from a seeded generator: set `SKILLGRAPH_CRASH_SEED` to replay a
//! failing run's choices (the moments still depend on the machine's speed). The tests do not
//! time anything they assert on; durations only pick when to kill.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::support::TestDb;

/// Kills that must land while an import runs.
const IMPORT_KILLS: usize = 20;
/// Kills that must land while mutations run.
const MUTATION_KILLS: usize = 40;
/// Statements handed to one process in the mutation test; it is killed somewhere among them.
const BATCH: usize = 40;

/// splitmix64: small, seedable, and good enough to pick moments.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// A moment in `[0, span)`.
    fn moment(&mut self, span: Duration) -> Duration {
        let micros = span.as_micros().min(u128::from(u64::MAX)) as u64;
        Duration::from_micros(self.below(micros))
    }
}

fn seed() -> u64 {
    std::env::var("SKILLGRAPH_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        })
}

/// Sends SIGKILL (what `Child::kill` sends on Unix) after `delay`, and reports whether the
/// process was still running, that is, whether the kill really cut it short.
fn kill_after(mut child: Child, delay: Duration) -> bool {
    std::thread::sleep(delay);
    let killed = matches!(child.try_wait(), Ok(None));
    let _ = child.kill();
    let status = child.wait().expect("wait for the killed process");
    // A process that finished on its own just before the kill exited normally.
    killed && status.code().is_none()
}

/// Opens the database the way a user would next, and returns its `stats` rows (counts per
/// kind, and what each source contributes).
fn counts(db: &TestDb, context: &str) -> BTreeMap<String, serde_json::Value> {
    let run = db.run(&["stats", "--format", "json"]);
    assert!(
        !run.stderr.contains("panicked"),
        "{context}: stats panicked: {}",
        run.stderr
    );
    assert_eq!(
        run.code, 0,
        "{context}: the database no longer opens: {}",
        run.stderr
    );
    let rows = crate::support::json_rows(&run.stdout);
    rows.iter()
        .map(|r| {
            let what = r["what"].as_str().expect("what").to_string();
            (what, r["count"].clone())
        })
        .collect()
}

fn assert_check_passes(db: &TestDb, context: &str) {
    let run = db.run(&["check"]);
    assert_eq!(
        run.code, 0,
        "{context}: `check` found problems:\n{}{}",
        run.stdout, run.stderr
    );
}

/// A bulk CSV graph: `roles` roles each requiring 50 skills, using 10 tools and moving to 5
/// roles; each tool covering 20 skills; a prerequisite chain over the skills (always forward,
/// so never a cycle). About 93 edges per role.
fn write_csv_graph(dir: &Path, roles: usize, rng: &mut Rng) {
    let (skills, tools) = (roles * 8, roles);
    std::fs::create_dir_all(dir).unwrap();
    let mut nodes = String::from("id,kind,name\n");
    for i in 0..roles {
        writeln!(nodes, "r{i},role,Role {i}").unwrap();
    }
    for i in 0..skills {
        writeln!(nodes, "s{i},skill,Skill {i}").unwrap();
    }
    for i in 0..tools {
        writeln!(nodes, "t{i},tool,Tool {i}").unwrap();
    }
    let mut edges = String::from("from,to,kind,weight\n");
    let pick = |rng: &mut Rng, n: usize, k: usize| {
        let mut chosen = std::collections::BTreeSet::new();
        while chosen.len() < k.min(n) {
            chosen.insert(rng.below(n as u64) as usize);
        }
        chosen
    };
    for r in 0..roles {
        for s in pick(rng, skills, 50) {
            writeln!(edges, "r{r},s{s},requires,{}", 1 + rng.below(5)).unwrap();
        }
        for t in pick(rng, tools, 10) {
            writeln!(edges, "r{r},t{t},uses,1").unwrap();
        }
        for other in pick(rng, roles, 5) {
            if other != r {
                writeln!(edges, "r{r},r{other},transition,{}", 10 + rng.below(500)).unwrap();
            }
        }
    }
    for t in 0..tools {
        for s in pick(rng, skills, 20) {
            writeln!(edges, "t{t},s{s},covers,1").unwrap();
        }
    }
    for s in 0..skills - 1 {
        let later = s + 1 + rng.below((skills - s - 1) as u64) as usize;
        writeln!(edges, "s{s},s{later},prerequisite,{}", 1 + rng.below(80)).unwrap();
    }
    std::fs::write(dir.join("nodes.csv"), nodes).unwrap();
    std::fs::write(dir.join("edges.csv"), edges).unwrap();
}

fn import_command(db: &TestDb, dir: &Path) -> std::process::Command {
    let mut cmd = db.command();
    cmd.arg("import")
        .arg("--replace")
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

#[test]
fn an_import_killed_at_any_moment_leaves_the_old_graph_or_the_whole_new_one() {
    let seed = seed();
    let mut rng = Rng(seed);
    let db = TestDb::new();
    // Two graphs of about 100k and 90k edges, different in every count.
    let graphs = [db.dir().join("graph-a"), db.dir().join("graph-b")];
    write_csv_graph(&graphs[0], 1080, &mut rng);
    write_csv_graph(&graphs[1], 970, &mut rng);

    let mut expected = Vec::new();
    let mut full_import = Duration::ZERO;
    for dir in &graphs {
        let started = Instant::now();
        let status = import_command(&db, dir).status().expect("run an import");
        full_import = full_import.max(started.elapsed());
        assert!(status.success(), "seed {seed}: a plain import failed");
        expected.push(counts(&db, "after a whole import"));
    }
    assert_ne!(expected[0], expected[1]);
    let edges = |counts: &BTreeMap<String, serde_json::Value>| -> u64 {
        counts
            .iter()
            .filter(|(what, _)| what.ends_with(" edges"))
            .filter_map(|(_, n)| n.as_u64())
            .sum()
    };
    assert!(edges(&expected[0]) > 95_000, "{:?}", expected[0]);
    // The database now holds graph b; each round imports the other one.
    let mut held = 1;
    let (mut kills, mut finished, mut rounds, mut replaced) = (0, 0, 0, 0);
    while kills < IMPORT_KILLS {
        rounds += 1;
        assert!(
            rounds <= IMPORT_KILLS * 3,
            "seed {seed}: the imports keep finishing before the kill"
        );
        let target = 1 - held;
        let child = import_command(&db, &graphs[target])
            .spawn()
            .expect("spawn an import");
        // Every other kill aims at the end, where the new snapshot is written and flushed:
        // uniform moments mostly land while the CSV is still being read.
        let delay = if rounds % 2 == 0 {
            full_import.mul_f64(0.6) + rng.moment(full_import.mul_f64(0.6))
        } else {
            rng.moment(full_import)
        };
        let context = format!("seed {seed}, round {rounds}, killed after {delay:?}");
        if kill_after(child, delay) {
            kills += 1;
        } else {
            finished += 1;
        }
        let found = counts(&db, &context);
        if found == expected[target] {
            held = target;
            replaced += 1;
        } else {
            assert_eq!(
                found, expected[held],
                "{context}: the database holds neither the old graph nor the new one"
            );
        }
        if rounds % 5 == 0 {
            assert_check_passes(&db, &context);
        }
    }
    assert_check_passes(&db, &format!("seed {seed}, at the end"));
    println!(
        "import: {kills} kills mid-import, {finished} imports finished first; \
         {replaced} of {rounds} rounds ended with the new graph; a whole import takes \
         {full_import:?} (seed {seed})"
    );
}

/// The `j`-th statement of the endless mutation script: skills `crash-0`, `crash-1`, … each
/// followed by a link to it (SRE requires the first; each later one has the one before it as a
/// prerequisite). Each statement is one atomic operation.
fn statement(j: usize) -> String {
    let i = j / 2;
    match (j % 2, i) {
        (0, _) => format!("add skill \"crash-{i}\" {{ effort_hours: {i} }}"),
        (_, 0) => "link SRE requires \"crash-0\" { importance: 3 }".to_string(),
        _ => format!("link \"crash-{}\" prerequisite \"crash-{i}\"", i - 1),
    }
}

/// How many statements of the script the database holds, checking that they are exactly the
/// first ones (a prefix) and that every link's ends exist.
fn applied_prefix(db: &TestDb, context: &str) -> usize {
    let run = db.run(&["export", "--format", "json"]);
    assert_eq!(run.code, 0, "{context}: export failed: {}", run.stderr);
    let data: serde_json::Value = serde_json::from_str(&run.stdout).expect("export JSON");
    let list = |key: &str| data[key].as_array().cloned().unwrap_or_default();
    // Skill id → its number in the script.
    let mut crash_ids = BTreeMap::new();
    let mut applied = std::collections::BTreeSet::new();
    for skill in list("skill") {
        let name = skill["name"].as_str().unwrap_or_default();
        if let Some(i) = name
            .strip_prefix("crash-")
            .and_then(|n| n.parse::<usize>().ok())
        {
            crash_ids.insert(skill["id"].as_str().unwrap().to_string(), i);
            assert!(applied.insert(2 * i), "{context}: crash-{i} is there twice");
        }
    }
    for edge in list("requires") {
        if let Some(&i) = crash_ids.get(edge["skill"].as_str().unwrap()) {
            assert_eq!(i, 0, "{context}: only crash-0 is required by a role");
            applied.insert(1);
        }
    }
    for edge in list("prerequisite") {
        let (first, then) = (
            edge["first"].as_str().unwrap(),
            edge["then"].as_str().unwrap(),
        );
        match (crash_ids.get(first), crash_ids.get(then)) {
            (Some(&a), Some(&b)) => {
                assert_eq!(a + 1, b, "{context}: a link the script never made");
                applied.insert(2 * b + 1);
            }
            (None, None) => {}
            _ => panic!("{context}: the link {first} → {then} has a missing end"),
        }
    }
    let count = applied.len();
    let prefix: Vec<usize> = (0..count).collect();
    assert_eq!(
        applied.into_iter().collect::<Vec<_>>(),
        prefix,
        "{context}: the statements applied are not the first {count} of the script"
    );
    count
}

fn run_statements(db: &TestDb, from: usize, count: usize) -> Child {
    let script = db.dir().join(format!("script-{from}.sgq"));
    let text: String = (from..from + count).map(|j| statement(j) + "\n").collect();
    std::fs::write(&script, text).unwrap();
    db.command()
        .arg("run")
        .arg(&script)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn skillgraph run")
}

#[test]
fn mutations_killed_at_any_moment_leave_a_prefix_of_the_statements() {
    let seed = seed();
    let mut rng = Rng(seed);
    let db = TestDb::new();
    assert_eq!(db.run(&["stats"]).code, 0);

    // One batch run to the end shows how long a batch takes on this machine.
    let started = Instant::now();
    let status = run_statements(&db, 0, BATCH).wait().unwrap();
    let batch_time = started.elapsed();
    assert!(status.success(), "seed {seed}: the script fails unkilled");
    let mut applied = applied_prefix(&db, "after an unkilled batch");
    assert_eq!(applied, BATCH);

    let (mut kills, mut rounds) = (0, 0);
    while kills < MUTATION_KILLS {
        rounds += 1;
        assert!(
            rounds <= MUTATION_KILLS * 3,
            "seed {seed}: the batches keep finishing before the kill"
        );
        let child = run_statements(&db, applied, BATCH);
        let delay = rng.moment(batch_time.mul_f64(1.1));
        let context = format!("seed {seed}, round {rounds}, killed after {delay:?}");
        if kill_after(child, delay) {
            kills += 1;
        }
        let now = applied_prefix(&db, &context);
        assert!(
            (applied..=applied + BATCH).contains(&now),
            "{context}: {now} statements applied, before this round {applied}"
        );
        applied = now;
        assert_check_passes(&db, &context);
    }
    // Past 256 statements the log is compacted into a new snapshot, so some kills may land
    // in a compaction.
    println!(
        "mutations: {kills} kills in {rounds} rounds, {applied} statements applied; \
         a batch of {BATCH} takes {batch_time:?} (seed {seed})"
    );
}
