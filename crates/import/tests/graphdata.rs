//! The graphdata TOML loader and exporter.
//!
//! Error cases are data: each file in `fixtures/bad/` marks where its mistakes are with a caret
//! comment under the offending line, followed by the exact message:
//!
//! ```toml
//! importance = 9
//! #            ^ importance must be between 1 and 5, not 9
//! ```
//!
//! The test loads the file together with `fixtures/base.toml` (a valid graph it refers to) and
//! checks that the load fails and reports exactly the marked errors — file, line, column and
//! message — no more, no fewer. A message ending in `…` need only start that way.

use std::path::{Path, PathBuf};

use skillgraph_graph::{Change, EdgeKind, Graph, NodeKind, Value};
use skillgraph_import::{curated_graph, export, load_graphdata, DataError, DataText};
use skillgraph_testkit::{assert_same_dump, dump};

// ---- fixtures and their annotations -------------------------------------------------------------

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// (name relative to `fixtures/`, text).
fn read_fixture(name: &str) -> (String, String) {
    let text = std::fs::read_to_string(fixtures().join(name))
        .unwrap_or_else(|e| panic!("cannot read fixture {name}: {e}"));
    (name.to_string(), text)
}

fn load(files: &[(String, String)]) -> Result<Graph, Vec<DataError>> {
    let texts: Vec<DataText<'_>> = files
        .iter()
        .map(|(name, text)| DataText { name, text })
        .collect();
    load_graphdata(&texts).map_err(|e| e.0)
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Expected {
    file: String,
    line: usize,
    column: usize,
    message: String,
}

/// The errors a fixture's caret comments promise. Line and column are counted here, from the
/// text, independently of the loader's own `line_col`.
fn annotations(name: &str, text: &str) -> Vec<Expected> {
    let mut out = Vec::new();
    let mut target_line = 0;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let caret = trimmed
            .strip_prefix('#')
            .and_then(|rest| rest.trim_start().strip_prefix('^'));
        match caret {
            Some(message) => {
                assert!(
                    target_line > 0,
                    "{name}:{}: a caret with no line above",
                    i + 1
                );
                let column = line.chars().position(|c| c == '^').unwrap() + 1;
                out.push(Expected {
                    file: name.to_string(),
                    line: target_line,
                    column,
                    message: message.trim().to_string(),
                });
            }
            None => target_line = i + 1,
        }
    }
    out
}

fn matches(expected: &Expected, found: &DataError) -> bool {
    let message_ok = match expected.message.strip_suffix('…') {
        Some(prefix) => found.message.starts_with(prefix),
        None => found.message == expected.message,
    };
    expected.file == found.file
        && expected.line == found.line
        && expected.column == found.column
        && message_ok
}

/// Loads `base.toml` plus `names`, and checks the errors are exactly those annotated.
fn check_reported_errors(names: &[&str]) {
    let mut files = vec![read_fixture("base.toml")];
    files.extend(names.iter().map(|n| read_fixture(n)));
    let mut expected: Vec<Expected> = files
        .iter()
        .flat_map(|(name, text)| annotations(name, text))
        .collect();
    assert!(!expected.is_empty(), "{names:?} marks no errors");
    let found = match load(&files) {
        Ok(_) => panic!("{names:?} loaded without errors; expected {expected:#?}"),
        Err(found) => found,
    };
    let mut unexpected = Vec::new();
    for f in &found {
        match expected.iter().position(|e| matches(e, f)) {
            Some(i) => {
                expected.remove(i);
            }
            None => unexpected.push(f.to_string()),
        }
    }
    assert!(
        unexpected.is_empty() && expected.is_empty(),
        "{names:?}\nreported but not marked:\n  {}\nmarked but not reported:\n  {}",
        unexpected.join("\n  "),
        expected
            .iter()
            .map(|e| format!("{}:{}:{}: {}", e.file, e.line, e.column, e.message))
            .collect::<Vec<_>>()
            .join("\n  ")
    );
    for f in &found {
        // Shown to users as `file:line:col: message`: one plain sentence, no TOML snippet.
        assert!(!f.message.contains('\n'), "multi-line message: {f}");
        assert!(f
            .to_string()
            .starts_with(&format!("{}:{}:{}: ", f.file, f.line, f.column)));
    }
}

// ---- one test per kind of mistake ----------------------------------------------------------------

#[test]
fn base_fixture_is_valid() {
    let graph = load(&[read_fixture("base.toml")]).expect("base.toml is valid");
    assert_eq!(graph.node_count(), 6);
    assert_eq!(graph.count_edges(EdgeKind::Prerequisite), 2);
}

#[test]
fn malformed_toml_is_reported_with_line_and_column() {
    check_reported_errors(&["bad/malformed.toml"]);
}

#[test]
fn unknown_field_is_reported_not_dropped() {
    check_reported_errors(&["bad/unknown_field.toml"]);
}

#[test]
fn edge_naming_a_missing_node_suggests_a_close_id() {
    check_reported_errors(&["bad/missing_node.toml"]);
}

#[test]
fn edge_between_wrong_kinds_is_reported() {
    check_reported_errors(&["bad/wrong_kinds.toml"]);
}

#[test]
fn importance_outside_one_to_five_is_reported() {
    check_reported_errors(&["bad/importance_out_of_range.toml"]);
}

#[test]
fn negative_effort_is_reported() {
    check_reported_errors(&["bad/negative_effort.toml"]);
}

#[test]
fn unknown_source_key_is_reported() {
    check_reported_errors(&["bad/unknown_source.toml"]);
}

#[test]
fn prerequisite_cycle_is_reported_with_the_whole_cycle() {
    check_reported_errors(&["bad/prerequisite_cycle.toml"]);
}

#[test]
fn role_only_field_on_a_skill_is_reported() {
    check_reported_errors(&["bad/role_field_on_skill.toml"]);
}

#[test]
fn every_error_of_a_run_is_reported_not_only_the_first() {
    // One file with a dozen semantic mistakes and one that does not parse: all in one report.
    check_reported_errors(&["bad/many.toml", "bad/malformed.toml"]);
}

/// 1-based (line, column) of the `nth` occurrence of `needle`, counted from the text.
fn position_of(text: &str, needle: &str, nth: usize) -> (usize, usize) {
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` occurs fewer than {} times", nth + 1))
        .0;
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
    (line, column)
}

#[test]
fn duplicate_id_across_files_names_the_first_definition() {
    let base = read_fixture("base.toml");
    let dup = read_fixture("bad/duplicate_id.toml");
    let (first_line, _) = position_of(&base.1, r#"id = "linux""#, 0);
    let (line, column) = position_of(&dup.1, r#""linux""#, 0);
    let errors = load(&[base, dup]).expect_err("a duplicate id must not load");
    assert_eq!(
        errors,
        vec![DataError {
            file: "bad/duplicate_id.toml".into(),
            line,
            column,
            message: format!("duplicate id `linux`: already defined at base.toml:{first_line}"),
        }]
    );
}

#[test]
fn duplicate_id_is_reported_in_the_file_read_second() {
    // Loading order decides which definition counts as the first; the report follows it.
    let base = read_fixture("base.toml");
    let dup = read_fixture("bad/duplicate_id.toml");
    let (dup_line, _) = position_of(&dup.1, r#"id = "linux""#, 0);
    let (line, column) = position_of(&base.1, r#""linux""#, 0);
    let errors = load(&[dup, base]).expect_err("a duplicate id must not load");
    assert!(
        errors.contains(&DataError {
            file: "base.toml".into(),
            line,
            column,
            message: format!(
                "duplicate id `linux`: already defined at bad/duplicate_id.toml:{dup_line}"
            ),
        }),
        "{errors:#?}"
    );
}

// ---- the curated data ---------------------------------------------------------------------------

#[test]
fn curated_graph_loads_without_errors() {
    let graph = match curated_graph() {
        Ok(g) => g,
        Err(errors) => panic!("graphdata/ does not load:\n{errors}"),
    };
    assert!(graph.node_count() > 0, "graphdata/ holds no nodes");
    assert!(
        graph.find_prerequisite_cycle().is_none(),
        "a loaded graph has no cycle"
    );
}

// ---- export and re-import -----------------------------------------------------------------------

fn rich_graph() -> Graph {
    let files: Vec<(String, String)> = ["rich/sources.toml", "rich/nodes.toml", "rich/edges.toml"]
        .iter()
        .map(|n| read_fixture(n))
        .collect();
    match load(&files) {
        Ok(g) => g,
        Err(errors) => panic!(
            "the rich fixture does not load:\n{}",
            errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

#[test]
fn rich_fixture_holds_every_kind_of_fact() {
    // The round trip below proves little unless the fixture really holds all of this.
    let g = rich_graph();
    for kind in NodeKind::ALL {
        assert!(!g.nodes_of_kind(kind).is_empty(), "no {kind}");
    }
    for kind in EdgeKind::ALL {
        assert!(g.count_edges(kind) > 0, "no {kind} edge");
    }
    assert!(g.sources().len() >= 3);
    let sre = g.node(g.by_id("sre").unwrap());
    for field in [
        "description",
        "focus",
        "primary_metric",
        "core_activity",
        "risk_tolerance",
        "team_structure",
        "background",
        "education",
        "salary",
        "job_openings",
        "city_pay",
    ] {
        assert!(sre.fields.contains_key(field), "sre has no {field}");
    }
    assert_eq!(sre.field("salary.avg"), Some(Value::Number(120000.0)));
    assert_eq!(sre.sources.len(), 2);

    // A conflict between sources is kept as two edges, one per source.
    let (a, b) = (g.by_id("sre").unwrap(), g.by_id("linux").unwrap());
    let mut stated: Vec<(Option<u8>, Vec<&str>)> = g
        .edges_between(a, b, EdgeKind::Requires)
        .into_iter()
        .map(|e| (g.edge(e).importance, g.source_keys(&g.edge(e).sources)))
        .collect();
    stated.sort();
    assert_eq!(
        stated,
        vec![
            (Some(3), vec!["bootdev-2023"]),
            (Some(5), vec!["pythonskillset-2026"])
        ]
    );

    let (a, b) = (g.by_id("devops").unwrap(), g.by_id("sre").unwrap());
    let moves = g.edges_between(a, b, EdgeKind::Transition);
    assert_eq!(moves.len(), 1);
    let mv = g.edge(moves[0]);
    assert_eq!(mv.effort_hours, Some(400.0));
    assert_eq!(mv.move_skills(), ["observability", "linux"]);
    assert!(mv.note().is_some());
    assert!(!mv.extra.as_ref().unwrap().fields.is_empty());
}

#[test]
fn toml_export_loads_back_to_the_same_graph() {
    let original = rich_graph();
    let exported = export::to_toml_string(&original).expect("the graph exports");
    let reloaded = match load(&[("export.toml".to_string(), exported.clone())]) {
        Ok(g) => g,
        Err(errors) => panic!("the export does not load back: {errors:#?}\n{exported}"),
    };
    assert_same_dump(&dump(&reloaded), &dump(&original));
    // And exporting is stable: a second round trip writes the same text.
    assert_eq!(export::to_toml_string(&reloaded).unwrap(), exported);
}

#[test]
fn toml_export_keeps_every_settable_field() {
    // Whatever `set` may write (see the graph's field schema), export must keep.
    let mut g = rich_graph();
    let set = |id: &str, field: &str, value: Value| Change::SetField {
        id: id.into(),
        field: field.into(),
        value,
    };
    let text = |t: &str| Value::Text(t.into());
    for change in [
        set("linux", "skill_type", text("knowledge")),
        set("linux", "reuse_level", text("cross-sector")),
        set("linux", "hours_per_level", Value::Number(37.0)),
        set("sre", "job_zone", Value::Number(4.0)),
        set("docker", "hot_technology", Value::Bool(true)),
        set("docker", "description", text("Containers.")),
        set(
            "networking",
            "aliases",
            Value::List(vec![text("Computer networking")]),
        ),
    ] {
        g.apply(change).unwrap();
    }
    let settable: Vec<&str> = skillgraph_graph::schema::FIELDS
        .iter()
        .filter(|f| f.settable)
        .map(|f| f.name)
        .collect();
    for field in &settable {
        let held = g.node_indices().any(|ix| g.node(ix).field(field).is_some());
        assert!(
            held,
            "the test graph sets no `{field}`, so its export is untested"
        );
    }
    let exported = export::to_toml_string(&g).unwrap();
    let reloaded = load(&[("export.toml".to_string(), exported.clone())])
        .unwrap_or_else(|e| panic!("the export does not load back: {e:#?}\n{exported}"));
    assert_same_dump(&dump(&reloaded), &dump(&g));
}

#[test]
fn kind_specific_fields_on_the_wrong_kind_are_reported() {
    check_reported_errors(&["bad/field_on_wrong_kind.toml"]);
}

#[test]
fn field_sources_name_fields_the_node_has_and_declared_sources() {
    check_reported_errors(&["bad/field_sources.toml"]);
}

#[test]
fn json_export_has_every_node_and_edge() {
    let g = rich_graph();
    let json: serde_json::Value =
        serde_json::from_str(&export::to_json_string(&g).unwrap()).expect("valid JSON");
    let count = |key: &str| json[key].as_array().map_or(0, Vec::len);
    assert_eq!(
        count("role") + count("skill") + count("tool"),
        g.node_count()
    );
    let edges: usize = ["requires", "uses", "covers", "prerequisite", "transition"]
        .iter()
        .map(|k| count(k))
        .sum();
    assert_eq!(edges, g.edge_count());
    assert_eq!(count("source"), g.sources().len());
}
