//! Interop: the exports other graph tools read, proved by loading them in those tools.
//!
//! The GraphML goes into networkx and the Kùzu directory into Kùzu, both from PyPI, installed
//! into a virtual environment under the target directory (made once, then reused). Where
//! Python, the venv module or the install is unavailable, a test says why and returns early:
//! that is the only skip.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{column, TestDb};

/// A Python with `package` importable, or why there is none.
fn python_with(package: &str) -> Result<PathBuf, String> {
    let venv = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("interop-venv");
    let python = venv.join("bin").join("python");
    let has = |python: &Path| {
        Command::new(python)
            .args(["-c", &format!("import {package}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if has(&python) {
        return Ok(python);
    }
    if !python.exists() {
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .output()
            .map_err(|e| format!("no python3 to make a venv with: {e}"))?;
        if !made.status.success() {
            return Err(format!(
                "python3 -m venv failed: {}",
                String::from_utf8_lossy(&made.stderr)
            ));
        }
    }
    let installed = Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", package])
        .output()
        .map_err(|e| format!("cannot run pip: {e}"))?;
    if !installed.status.success() || !has(&python) {
        return Err(format!(
            "pip install {package} failed: {}",
            String::from_utf8_lossy(&installed.stderr)
        ));
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
    let rows: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
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
    let python = match python_with("networkx") {
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
    let python = match python_with("kuzu") {
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
