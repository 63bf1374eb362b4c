//! The ESCO importer, on `fixtures/esco-mini` (records cut unchanged from ESCO v1.1.1; see its
//! README.txt) and, when the shared data is there, on the full v1.1.1 download.
//!
//! Expected counts were worked out from the fixture files on their own (by a script reading
//! them, not by this importer); lines of warnings are found by looking for the row in the text.

use std::path::{Path, PathBuf};
use std::time::Instant;

use skillgraph_graph::{EdgeKind, Graph, NodeIndex, NodeKind, Value};
use skillgraph_import::{
    load_esco_dir, DataError, ImportReport, ESCO_ESSENTIAL_IMPORTANCE, ESCO_OPTIONAL_IMPORTANCE,
    ESCO_SOURCE_KEY,
};

const SOFTWARE_DEVELOPER: &str = "esco:occ:f2b15a0e-e65a-438a-affb-29b9d50b77d1";
const MISSING_OCCUPATION: &str =
    "http://data.europa.eu/esco/occupation/a9e54177-a185-404d-b6e6-15663d31137e";
const MISSING_SKILL: &str = "http://data.europa.eu/esco/skill/fd33c66c-70c4-40e6-b87c-5495bd3bf26e";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/esco-mini")
}

fn load(dir: &Path) -> (Graph, ImportReport) {
    match load_esco_dir(dir, &mut |_, _, _| {}) {
        Ok(loaded) => loaded,
        Err(e) => panic!("{e}"),
    }
}

fn load_errors(dir: &Path) -> Vec<DataError> {
    match load_esco_dir(dir, &mut |_, _, _| {}) {
        Ok((g, _)) => panic!("expected errors, but {} nodes loaded", g.node_count()),
        Err(e) => e.0,
    }
}

/// The 1-based line of the first line of `text` that contains `needle`.
fn first_line_with(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("no line holds `{needle}`"))
}

fn node(graph: &Graph, id: &str) -> NodeIndex {
    graph
        .by_id(id)
        .unwrap_or_else(|| panic!("no node with id `{id}`"))
}

fn fixture_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    dir
}

#[test]
fn fixture_imports_roles_skills_and_requirements() {
    let (graph, report) = load(&fixture());
    assert_eq!(report.node_count(NodeKind::Role), 3);
    assert_eq!(report.node_count(NodeKind::Skill), 175);
    assert_eq!(report.node_count(NodeKind::Tool), 0);
    // 196 relation rows: 3 name the missing occupation, 1 the skill the cut left out.
    assert_eq!(report.edge_count(EdgeKind::Requires), 192);
    assert_eq!(graph.edge_count(), 192);
    assert_eq!(
        report.skipped_count("relations naming an occupation not in occupations_en.csv"),
        3
    );
    // One occupation–skill row and one skill–skill row name the left-out skill.
    assert_eq!(
        report.skipped_count("relations naming a skill not in skills_en.csv"),
        2
    );
    assert_eq!(report.warnings_total, 5);
    let importances: Vec<u8> = graph
        .edge_indices()
        .filter_map(|e| graph.edge(e).importance)
        .collect();
    let essential = importances.iter().filter(|&&i| i == 5).count();
    let optional = importances.iter().filter(|&&i| i == 2).count();
    assert_eq!((essential, optional), (70, 122));
}

#[test]
fn devops_engineer_resolves_through_an_alternative_label() {
    let (graph, _) = load(&fixture());
    let ix = graph.resolve(None, "DevOps Engineer").unwrap();
    let role = graph.node(ix);
    assert_eq!(role.id, "esco:occ:3b1ea27c-781c-41eb-821f-214285260dd2");
    assert_eq!(role.name, "ICT change and configuration manager");
}

#[test]
fn multi_line_alt_labels_become_one_alias_each() {
    let (graph, _) = load(&fixture());
    let dev = graph.node(node(&graph, SOFTWARE_DEVELOPER));
    assert_eq!(dev.name, "software developer");
    // 12 lines in the quoted field; one is the preferred label itself.
    assert_eq!(dev.aliases.len(), 11);
    assert_eq!(
        &dev.aliases[..6],
        [
            "software specialist",
            "software developers",
            "programmer",
            "application software developer",
            "software engineer",
            "solutions developer"
        ]
    );
    assert!(dev
        .aliases
        .iter()
        .all(|a| !a.contains('\n') && !a.contains('\r')));
    assert_eq!(dev.category.as_deref(), Some("ISCO-08 group 2512"));
    assert!(dev.fields.contains_key("description"));
    let ix = graph.resolve(None, "programmer").unwrap();
    assert_eq!(graph.node(ix).id, SOFTWARE_DEVELOPER);
}

#[test]
fn essential_and_optional_map_to_importance_five_and_two() {
    let (graph, _) = load(&fixture());
    let dev = node(&graph, SOFTWARE_DEVELOPER);
    let importance = |skill: &str| {
        let edges = graph.edges_between(dev, node(&graph, skill), EdgeKind::Requires);
        assert_eq!(edges.len(), 1);
        graph.edge(edges[0]).importance
    };
    // engineering principles: essential; Haskell: optional.
    assert_eq!(
        importance("esco:skill:209a5498-3449-4689-8ed9-bd08cab4fd78"),
        Some(ESCO_ESSENTIAL_IMPORTANCE)
    );
    assert_eq!(
        importance("esco:skill:000f1d3d-220f-4789-9c0a-cc742521fb02"),
        Some(ESCO_OPTIONAL_IMPORTANCE)
    );
    assert_eq!(
        (ESCO_ESSENTIAL_IMPORTANCE, ESCO_OPTIONAL_IMPORTANCE),
        (5, 2)
    );
}

#[test]
fn skills_carry_type_reuse_level_and_their_group_as_category() {
    let (graph, report) = load(&fixture());
    let haskell = graph.node(node(
        &graph,
        "esco:skill:000f1d3d-220f-4789-9c0a-cc742521fb02",
    ));
    assert_eq!(haskell.name, "Haskell");
    assert_eq!(
        haskell.fields.get("skill_type"),
        Some(&Value::Text("knowledge".into()))
    );
    assert_eq!(
        haskell.fields.get("reuse_level"),
        Some(&Value::Text("sector-specific".into()))
    );
    // Broader: the group isced-f/0613 and a broader skill; the group wins.
    assert_eq!(
        haskell.category.as_deref(),
        Some("software and applications development and analysis")
    );
    assert_eq!(haskell.effort_hours, None);
    assert_eq!(
        report.skipped_count("broader links beyond the one kept as a skill's category"),
        110
    );
    assert_eq!(
        report.skipped_count("broader links between skill groups (the model has no group nodes)"),
        3
    );
}

#[test]
fn skill_relations_and_hierarchy_make_no_prerequisites_or_transitions() {
    let (graph, report) = load(&fixture());
    assert_eq!(graph.count_edges(EdgeKind::Prerequisite), 0);
    assert_eq!(graph.count_edges(EdgeKind::Transition), 0);
    assert_eq!(
        report.skipped_count(
            "skill–skill relations (\"essential/optional for\", not a learning order)"
        ),
        41
    );
    assert!(report
        .notes
        .iter()
        .any(|n| n.starts_with("ESCO has no occupation → occupation career transitions")));
    assert!(report.notes.iter().any(|n| n
        .contains("skill–skill relations (2 essential, 39 optional)")
        && n.contains("(1 of them relate a skill to itself)")));
}

#[test]
fn relation_naming_a_missing_occupation_is_warned_with_its_line() {
    let (graph, report) = load(&fixture());
    let file = fixture().join("occupationSkillRelations.csv");
    let text = std::fs::read_to_string(&file).unwrap();
    let first = first_line_with(&text, MISSING_OCCUPATION);
    let lines: Vec<usize> = report
        .warnings
        .iter()
        .filter(|w| w.message.contains(MISSING_OCCUPATION))
        .map(|w| {
            assert_eq!(w.file, file.display().to_string());
            w.line
        })
        .collect();
    assert_eq!(lines, [first, first + 1, first + 2]);
    assert!(graph
        .by_id("esco:occ:a9e54177-a185-404d-b6e6-15663d31137e")
        .is_none());
}

#[test]
fn relation_naming_a_missing_skill_is_warned_with_its_line() {
    let (_, report) = load(&fixture());
    let file = fixture().join("occupationSkillRelations.csv");
    let text = std::fs::read_to_string(&file).unwrap();
    let warning = report
        .warnings
        .iter()
        .find(|w| {
            w.file.ends_with("occupationSkillRelations.csv") && w.message.contains(MISSING_SKILL)
        })
        .expect("a warning naming the left-out skill");
    assert_eq!(warning.line, first_line_with(&text, MISSING_SKILL));
}

#[test]
fn multi_line_records_do_not_throw_line_numbers_off() {
    // occupations_en.csv records span many lines; a spoilt record after them is reported on
    // the line it starts on.
    let dir = fixture_copy();
    let path = dir.path().join("occupations_en.csv");
    let mut text = std::fs::read_to_string(&path).unwrap();
    let lines = text.lines().count();
    text.push_str("Occupation,http://data.europa.eu/esco/occupation/x,2512,\"two\nlines\"\r\n");
    std::fs::write(&path, &text).unwrap();
    let errors = load_errors(dir.path());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].file, path.display().to_string());
    assert_eq!(errors[0].line, lines + 1);
    assert_eq!(
        errors[0].message,
        "this row has 4 fields; the header has 14"
    );
}

#[test]
fn every_fact_is_sourced_to_esco() {
    let (graph, report) = load(&fixture());
    let id = graph.source_id(ESCO_SOURCE_KEY).unwrap();
    let source = graph.source(id);
    assert_eq!(source.publisher.as_deref(), Some("European Commission"));
    assert!(source
        .licence
        .as_deref()
        .unwrap()
        .contains("Decision 2011/833/EU"));
    assert_eq!(&report.source, source);
    assert!(graph.node_indices().all(|n| graph.node(n).sources == [id]));
    assert!(graph.edge_indices().all(|e| graph.edge(e).sources == [id]));
}

#[test]
fn garbage_in_any_file_gives_errors_not_a_panic() {
    let garbage: [&[u8]; 5] = [
        b"",
        b"\xff\xfe\x00garbage\r\n\x80,\x81\r\n",
        b"conceptUri,preferredLabel\r\n,,,,,,,,\r\n",
        b"\"unterminated,\r\nquote",
        b"\r\n\r\n",
    ];
    let names: Vec<String> = std::fs::read_dir(fixture())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for name in &names {
        for bytes in garbage {
            let dir = fixture_copy();
            std::fs::write(dir.path().join(name), bytes).unwrap();
            let result = load_esco_dir(dir.path(), &mut |_, _, _| {});
            if name.ends_with(".csv") {
                assert!(result.is_err(), "{name} holding {bytes:?} was accepted");
            }
        }
    }
}

/// The full ESCO v1.1.1 download, when the shared data sits next to the workspace.
#[test]
fn full_esco_1_1_1_imports() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/esco-1.1.1");
    if !dir.join("occupations_en.csv").exists() {
        eprintln!(
            "skipped: the full ESCO data is not at {} (expected next to the workspace)",
            dir.display()
        );
        return;
    }
    let started = Instant::now();
    let (graph, report) = load(&dir);
    let took = started.elapsed();
    eprintln!("ESCO v1.1.1 imported in {took:.2?}\n{report}");
    assert_eq!(report.node_count(NodeKind::Role), 3_007);
    assert_eq!(report.node_count(NodeKind::Skill), 13_896);
    // 123,855 links, of which the 67 naming the one occupation occupations_en.csv lacks are
    // skipped.
    assert_eq!(
        report.skipped_count("relations naming an occupation not in occupations_en.csv"),
        67
    );
    assert_eq!(report.edge_count(EdgeKind::Requires), 123_855 - 67);
    assert_eq!(report.warnings_total, 67);
    assert_eq!(report.warnings.len(), 67);
    // One kind of warning, one line in the report, with its count and the first places.
    assert_eq!(
        report.warning_kinds,
        [(
            "relations naming an occupation not in occupations_en.csv".to_string(),
            67
        )]
    );
    let shown = report.to_string();
    assert_eq!(shown.matches(MISSING_OCCUPATION).count(), 1, "{shown}");
    assert!(shown.contains("67 × relations naming"), "{shown}");
    assert!(
        shown.contains("at lines 84425:1, 84426:1, 84427:1 and 64 more"),
        "{shown}"
    );
    let all = report.verbose().to_string();
    assert_eq!(all.matches(MISSING_OCCUPATION).count(), 67, "{all}");
    assert_eq!(report.warnings[0].line, 84_425);
    assert!(report.warnings[0].message.contains(MISSING_OCCUPATION));
    assert_eq!(graph.count_edges(EdgeKind::Prerequisite), 0);
    assert_eq!(
        report.skipped_count(
            "skill–skill relations (\"essential/optional for\", not a learning order)"
        ),
        5_899
    );
    let ix = graph.resolve(None, "devops engineer").unwrap();
    assert_eq!(
        graph.node(ix).id,
        "esco:occ:3b1ea27c-781c-41eb-821f-214285260dd2"
    );
}

#[test]
fn repeated_warnings_of_one_kind_are_one_line_with_a_count_and_first_places() {
    let (_, report) = load(&fixture());
    let kinds: Vec<(&str, usize)> = report
        .warning_kinds
        .iter()
        .map(|(k, n)| (k.as_str(), *n))
        .collect();
    assert_eq!(
        kinds,
        [
            (
                "relations naming an occupation not in occupations_en.csv",
                3
            ),
            ("relations naming a skill not in skills_en.csv", 2),
        ]
    );
    let text = std::fs::read_to_string(fixture().join("occupationSkillRelations.csv")).unwrap();
    let first = first_line_with(&text, MISSING_OCCUPATION);
    let shown = report.to_string();
    // Each kind once, with its count; its first warning in full, then the places.
    assert_eq!(shown.matches(MISSING_OCCUPATION).count(), 1, "{shown}");
    assert!(
        shown.contains("3 × relations naming an occupation not in occupations_en.csv"),
        "{shown}"
    );
    assert!(
        shown.contains(&format!(
            "at lines {first}:1, {}:1, {}:1",
            first + 1,
            first + 2
        )),
        "{shown}"
    );
    assert!(!shown.contains("--verbose"), "all places shown: {shown}");
    // Verbose lists every warning under its kind.
    let all = report.verbose().to_string();
    assert_eq!(all.matches(MISSING_OCCUPATION).count(), 3, "{all}");
    assert_eq!(all.matches(MISSING_SKILL).count(), 2, "{all}");
}
