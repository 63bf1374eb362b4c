//! The bulk CSV loader (`nodes.csv` + `edges.csv`) and the CSV exporter.
//!
//! Bad inputs are written into a temp dir by each test; the expected line of every error is
//! found by looking for the offending row in the text, so the CSV stays the single truth.

use std::collections::BTreeMap;
use std::path::Path;

use skillgraph_graph::{EdgeKind, Graph, NodeKind};
use skillgraph_import::{
    export, load_csv_dir, load_paths, DataError, CSV_EDGES, CSV_NODES, CSV_PROFILES, CSV_SOURCES,
};

const NODES: &str = "\
id,kind,name
sre,role,Site reliability engineer
devops,role,DevOps engineer
linux,skill,Linux
networking,skill,Networking
kubernetes,skill,Kubernetes
docker,tool,Docker
";

const EDGES_HEADER: &str = "from,to,kind,weight\n";

fn small_fixture() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/csv/small"
    ))
}

fn csv_dir(nodes: &str, edges: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(CSV_NODES), nodes).unwrap();
    std::fs::write(dir.path().join(CSV_EDGES), edges).unwrap();
    dir
}

/// The 1-based line on which `row` stands in `text`.
fn line_of(text: &str, row: &str) -> usize {
    let found: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == row)
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(found.len(), 1, "`{row}` should stand on exactly one line");
    found[0]
}

fn load_errors(dir: &Path) -> Vec<DataError> {
    match load_csv_dir(dir) {
        Ok(g) => panic!(
            "expected errors, but {} nodes and {} edges loaded",
            g.node_count(),
            g.edge_count()
        ),
        Err(e) => e.0,
    }
}

fn error_at(dir: &Path, file: &str, line: usize, message: &str) -> DataError {
    DataError {
        file: dir.join(file).display().to_string(),
        line,
        column: 1,
        message: message.to_string(),
    }
}

/// Loads `NODES` with `edges` and checks the single error reported for `bad_row`.
fn check_edge_error(edges: &str, bad_row: &str, message: &str) {
    let dir = csv_dir(NODES, edges);
    assert_eq!(
        load_errors(dir.path()),
        vec![error_at(
            dir.path(),
            CSV_EDGES,
            line_of(edges, bad_row),
            message
        )]
    );
}

// ---- a good file --------------------------------------------------------------------------------

/// (from, to, kind) → the (importance, effort_hours) of each such edge.
type Weights = BTreeMap<(String, String, EdgeKind), Vec<(Option<u8>, Option<f64>)>>;

fn weights(g: &Graph) -> Weights {
    let mut out: BTreeMap<_, Vec<_>> = BTreeMap::new();
    for e in g.edge_indices() {
        let (a, b) = g.edge_endpoints(e);
        let edge = g.edge(e);
        out.entry((g.node(a).id.clone(), g.node(b).id.clone(), edge.kind))
            .or_default()
            .push((edge.importance, edge.effort_hours));
    }
    out
}

#[test]
fn small_csv_loads_with_counts_and_weights() {
    let g = load_csv_dir(small_fixture()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(g.nodes_of_kind(NodeKind::Role).len(), 2);
    assert_eq!(g.nodes_of_kind(NodeKind::Skill).len(), 4);
    assert_eq!(g.nodes_of_kind(NodeKind::Tool).len(), 1);
    let counts: Vec<usize> = EdgeKind::ALL.iter().map(|&k| g.count_edges(k)).collect();
    // requires, uses, covers, prerequisite, transition
    assert_eq!(counts, [3, 1, 1, 4, 2]);

    // A quoted name keeps its comma.
    let ops = g.node(g.by_id("k8s-operators").unwrap());
    assert_eq!(ops.name, "Kubernetes operators, CRDs");

    let w = weights(&g);
    let key = |a: &str, b: &str, k| (a.to_string(), b.to_string(), k);
    // requires weight → importance
    assert_eq!(
        w[&key("sre", "linux", EdgeKind::Requires)],
        [(Some(5), None)]
    );
    assert_eq!(
        w[&key("devops", "linux", EdgeKind::Requires)],
        [(Some(2), None)]
    );
    // transition weight → effort_hours of the move
    assert_eq!(
        w[&key("devops", "sre", EdgeKind::Transition)],
        [(None, Some(300.0))]
    );
    assert_eq!(
        w[&key("sre", "devops", EdgeKind::Transition)],
        [(None, Some(0.0))]
    );
    // prerequisite weight → effort_hours of the `from` skill, not of the edge
    assert_eq!(
        w[&key("linux", "networking", EdgeKind::Prerequisite)],
        [(None, None)]
    );
    let effort = |id: &str| g.node(g.by_id(id).unwrap()).effort_hours;
    assert_eq!(effort("linux"), Some(80.0));
    assert_eq!(effort("networking"), Some(40.5));
    assert_eq!(effort("kubernetes"), Some(120.0));
    assert_eq!(effort("k8s-operators"), None, "nothing follows it");

    // Every fact names the one source that stands for the directory.
    assert_eq!(g.sources().len(), 1);
    assert!(g.sources()[0].key.starts_with("csv:"));
    for ix in g.node_indices() {
        assert_eq!(g.node(ix).sources.len(), 1);
    }
}

#[test]
fn load_paths_reads_a_csv_directory() {
    let g = load_paths(&[small_fixture().to_path_buf()]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(g.node_count(), 7);
    assert_eq!(g.edge_count(), 11);
}

// ---- bad files ----------------------------------------------------------------------------------

#[test]
fn bad_header_is_reported_on_line_one() {
    let dir = csv_dir("id,type,name\nsre,role,SRE\n", EDGES_HEADER);
    assert_eq!(
        load_errors(dir.path()),
        vec![error_at(
            dir.path(),
            CSV_NODES,
            1,
            "the header is `id,type,name`; expected `id,kind,name`, or \
             `id,kind,name,aliases,category,effort_hours,sources,fields` (the layout \
             `export --format csv` writes)"
        )]
    );

    let dir = csv_dir(NODES, "source,target,kind,weight\n");
    assert_eq!(
        load_errors(dir.path()),
        vec![error_at(
            dir.path(),
            CSV_EDGES,
            1,
            "the header is `source,target,kind,weight`; expected `from,to,kind,weight`"
        )]
    );
}

#[test]
fn missing_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(CSV_NODES), NODES).unwrap();
    let errors = load_errors(dir.path());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        errors[0].file,
        dir.path().join(CSV_EDGES).display().to_string()
    );
    assert_eq!(errors[0].line, 0, "the file as a whole");
    assert!(
        errors[0].message.starts_with("cannot read: "),
        "{}",
        errors[0]
    );
}

#[test]
fn unknown_node_kind_is_reported_with_line() {
    let nodes = format!("{NODES}rust,language,Rust\n");
    let dir = csv_dir(&nodes, EDGES_HEADER);
    assert_eq!(
        load_errors(dir.path()),
        vec![error_at(
            dir.path(),
            CSV_NODES,
            line_of(&nodes, "rust,language,Rust"),
            "unknown kind `language`; expected role, skill or tool"
        )]
    );
}

#[test]
fn duplicate_node_id_is_reported_with_line() {
    let nodes = format!("{NODES}linux,tool,Linux tools\n");
    let dir = csv_dir(&nodes, EDGES_HEADER);
    assert_eq!(
        load_errors(dir.path()),
        vec![error_at(
            dir.path(),
            CSV_NODES,
            line_of(&nodes, "linux,tool,Linux tools"),
            "duplicate id `linux`"
        )]
    );
}

#[test]
fn repeated_edge_row_is_reported_at_the_repeat_naming_the_first() {
    let edges = format!(
        "{EDGES_HEADER}sre,linux,requires,5\ndevops,sre,transition,40\nsre,linux,requires,3\n"
    );
    check_edge_error(
        &edges,
        "sre,linux,requires,3",
        &format!(
            "`sre` → `linux` (requires) is already stated on line {}",
            line_of(&edges, "sre,linux,requires,5")
        ),
    );
    // The same two nodes the other way round is another fact.
    let dir = csv_dir(
        NODES,
        &format!("{EDGES_HEADER}devops,sre,transition,40\nsre,devops,transition,60\n"),
    );
    assert_eq!(load_csv_dir(dir.path()).unwrap().edge_count(), 2);
}

#[test]
fn unknown_edge_kind_is_reported_with_line() {
    let edges = format!("{EDGES_HEADER}sre,linux,requires,5\nsre,linux,needs,5\n");
    check_edge_error(
        &edges,
        "sre,linux,needs,5",
        "unknown edge kind `needs`; expected requires, uses, covers, prerequisite or transition",
    );
}

#[test]
fn dangling_edge_in_csv_is_reported_with_line() {
    let edges = format!("{EDGES_HEADER}sre,linux,requires,5\nsre,kubernets,requires,4\n");
    check_edge_error(
        &edges,
        "sre,kubernets,requires,4",
        "the edge names `kubernets`, which nodes.csv does not define",
    );
    let edges = format!("{EDGES_HEADER}ghost,linux,requires,4\n");
    check_edge_error(
        &edges,
        "ghost,linux,requires,4",
        "the edge names `ghost`, which nodes.csv does not define",
    );
}

#[test]
fn edge_between_wrong_kinds_is_reported_with_line() {
    let edges = format!("{EDGES_HEADER}docker,linux,requires,3\n");
    check_edge_error(
        &edges,
        "docker,linux,requires,3",
        "`requires` joins a role to a skill, but `docker` is a tool and `linux` is a skill",
    );
}

#[test]
fn importance_out_of_range_is_reported_with_line() {
    for weight in ["7", "0", "2.5", "-1"] {
        let row = format!("sre,linux,requires,{weight}");
        let edges = format!("{EDGES_HEADER}{row}\n");
        let shown: f64 = weight.parse().unwrap();
        check_edge_error(
            &edges,
            &row,
            &format!("importance must be a whole number between 1 and 5, not {shown}"),
        );
    }
}

#[test]
fn weight_that_is_not_a_number_is_reported_with_line() {
    for weight in ["", "lots", "NaN", "inf"] {
        let row = format!("devops,sre,transition,{weight}");
        let edges = format!("{EDGES_HEADER}{row}\n");
        check_edge_error(
            &edges,
            &row,
            &format!("the weight `{weight}` is not a number"),
        );
    }
}

#[test]
fn negative_effort_is_reported_with_line() {
    let edges = format!("{EDGES_HEADER}devops,sre,transition,-3\n");
    check_edge_error(
        &edges,
        "devops,sre,transition,-3",
        "effort hours cannot be negative (got -3)",
    );
    let edges = format!("{EDGES_HEADER}linux,networking,prerequisite,-0.5\n");
    check_edge_error(
        &edges,
        "linux,networking,prerequisite,-0.5",
        "effort hours cannot be negative (got -0.5)",
    );
}

#[test]
fn self_loop_is_reported_with_line() {
    let edges = format!("{EDGES_HEADER}sre,sre,transition,10\n");
    check_edge_error(
        &edges,
        "sre,sre,transition,10",
        "`sre` cannot be linked to itself",
    );
}

#[test]
fn prerequisite_cycle_is_reported_at_the_edge_that_closes_it() {
    let edges = format!(
        "{EDGES_HEADER}\
linux,networking,prerequisite,80
sre,linux,requires,5
networking,kubernetes,prerequisite,40
kubernetes,linux,prerequisite,100
"
    );
    check_edge_error(
        &edges,
        "kubernetes,linux,prerequisite,100",
        "the prerequisites form a cycle: kubernetes → linux → networking → kubernetes",
    );
    // The same cycle written in another order is reported at its last edge in the file.
    let edges = format!(
        "{EDGES_HEADER}\
kubernetes,linux,prerequisite,100
networking,kubernetes,prerequisite,40
linux,networking,prerequisite,80
"
    );
    check_edge_error(
        &edges,
        "linux,networking,prerequisite,80",
        "the prerequisites form a cycle: linux → networking → kubernetes → linux",
    );
}

#[test]
fn ragged_row_is_reported_and_later_rows_still_load() {
    // Row 3 is short; the nodes after it must still be read, or every edge naming them would
    // be reported as dangling too.
    let nodes = "id,kind,name\nsre,role,SRE\nlinux,skill\nnetworking,skill,Networking\n";
    let edges =
        format!("{EDGES_HEADER}sre,networking,requires,4\nsre,networking,requires,4,extra\n");
    let dir = csv_dir(nodes, &edges);
    assert_eq!(
        load_errors(dir.path()),
        vec![
            error_at(
                dir.path(),
                CSV_NODES,
                line_of(nodes, "linux,skill"),
                "this row has 2 fields; expected 3"
            ),
            error_at(
                dir.path(),
                CSV_EDGES,
                line_of(&edges, "sre,networking,requires,4,extra"),
                "this row has 5 fields; expected 4"
            ),
        ]
    );
}

#[test]
fn every_bad_row_is_reported_not_only_the_first() {
    let edges = format!(
        "{EDGES_HEADER}\
sre,linux,requires,9
devops,docker,uses,1
docker,linux,requires,3
sre,nowhere,uses,1
devops,sre,transition,-1
linux,linux,prerequisite,5
"
    );
    let dir = csv_dir(NODES, &edges);
    let at = |row: &str, msg: &str| error_at(dir.path(), CSV_EDGES, line_of(&edges, row), msg);
    assert_eq!(
        load_errors(dir.path()),
        vec![
            at(
                "sre,linux,requires,9",
                "importance must be a whole number between 1 and 5, not 9"
            ),
            at(
                "docker,linux,requires,3",
                "`requires` joins a role to a skill, but `docker` is a tool and `linux` is a skill"
            ),
            at(
                "sre,nowhere,uses,1",
                "the edge names `nowhere`, which nodes.csv does not define"
            ),
            at(
                "devops,sre,transition,-1",
                "effort hours cannot be negative (got -1)"
            ),
            at(
                "linux,linux,prerequisite,5",
                "`linux` cannot be linked to itself"
            ),
        ]
    );
}

#[test]
fn thousands_of_bad_rows_list_fifty_and_count_the_rest() {
    let mut edges = EDGES_HEADER.to_string();
    for i in 0..1000 {
        edges.push_str(&format!("sre,missing-{i},requires,3\n"));
    }
    let dir = csv_dir(NODES, &edges);
    let errors = load_errors(dir.path());
    assert_eq!(errors.len(), 51);
    assert_eq!(errors[0].line, 2);
    assert_eq!(errors[49].line, 51);
    assert_eq!(errors[50].message, "… and 950 more errors not listed");
}

// ---- export and re-import -----------------------------------------------------------------------

#[test]
fn csv_export_loads_back_with_same_ids_names_and_weights() {
    let original = load_csv_dir(small_fixture()).unwrap_or_else(|e| panic!("{e}"));
    let files = export::to_csv_files(&original).unwrap();
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, [CSV_SOURCES, CSV_NODES, CSV_EDGES, CSV_PROFILES]);
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in &files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let reloaded = load_csv_dir(dir.path()).unwrap_or_else(|e| panic!("{e}"));

    let nodes = |g: &Graph| {
        let mut v: Vec<(String, NodeKind, String, Option<f64>)> = g
            .node_indices()
            .map(|ix| {
                let n = g.node(ix);
                (n.id.clone(), n.kind, n.name.clone(), n.effort_hours)
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    assert_eq!(nodes(&reloaded), nodes(&original));
    assert_eq!(weights(&reloaded), weights(&original));
    assert_eq!(reloaded.edge_count(), original.edge_count());
}
