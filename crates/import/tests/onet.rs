//! The O*NET importer, on `fixtures/onet-mini` (rows cut unchanged from O*NET 29.3; see its
//! README.txt) and, when the shared data is there, on the full 29.3 download.
//!
//! Expected counts were worked out from the fixture files on their own (by a script reading
//! them, not by this importer); lines of warnings are found by looking for the row in the text.

use std::path::{Path, PathBuf};
use std::time::Instant;

use skillgraph_graph::{EdgeIndex, EdgeKind, Graph, NodeIndex, NodeKind, ResolveError, Value};
use skillgraph_import::{
    export, load_graphdata, load_onet_dir, DataError, DataText, ImportReport, ONET_SOURCE_KEY,
};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/onet-mini")
}

fn load(dir: &Path) -> (Graph, ImportReport) {
    match load_onet_dir(dir, &mut |_, _, _| {}) {
        Ok(loaded) => loaded,
        Err(e) => panic!("{e}"),
    }
}

fn load_errors(dir: &Path) -> Vec<DataError> {
    match load_onet_dir(dir, &mut |_, _, _| {}) {
        Ok((g, _)) => panic!("expected errors, but {} nodes loaded", g.node_count()),
        Err(e) => e.0,
    }
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

fn node(graph: &Graph, id: &str) -> NodeIndex {
    graph
        .by_id(id)
        .unwrap_or_else(|| panic!("no node with id `{id}`"))
}

fn only_edge(graph: &Graph, from: &str, to: &str, kind: EdgeKind) -> EdgeIndex {
    let edges = graph.edges_between(node(graph, from), node(graph, to), kind);
    assert_eq!(edges.len(), 1, "{from} {kind} {to}");
    edges[0]
}

fn edge_field(graph: &Graph, edge: EdgeIndex, name: &str) -> Option<Value> {
    graph
        .edge(edge)
        .extra
        .as_ref()
        .and_then(|x| x.fields.get(name).cloned())
}

/// A copy of the fixture in a temp dir, to spoil.
fn fixture_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    dir
}

#[test]
fn fixture_imports_every_kind_with_the_expected_counts() {
    let (graph, report) = load(&fixture());
    assert_eq!(report.node_count(NodeKind::Role), 22);
    assert_eq!(report.node_count(NodeKind::Skill), 68);
    assert_eq!(report.node_count(NodeKind::Tool), 70);
    // 4 rated occupations × 68 elements = 272 ratings: 56 not relevant, 1 suppressed, 215
    // kept (103 of them with IM below 3.0: their level is what the occupation holds).
    assert_eq!(report.edge_count(EdgeKind::Requires), 215);
    assert_eq!(report.edge_count(EdgeKind::Uses), 106);
    assert_eq!(report.edge_count(EdgeKind::Transition), 20);
    assert_eq!(report.edge_count(EdgeKind::Prerequisite), 0);
    assert_eq!(report.skipped_count("ratings flagged Not Relevant"), 56);
    assert_eq!(
        report.skipped_count("ratings whose importance (IM) is flagged Recommend Suppress"),
        1
    );
    assert_eq!(
        report.skipped_count("rows naming an occupation not in Occupation Data.txt"),
        2
    );
    assert_eq!(graph.node_count(), 22 + 68 + 70);
    assert_eq!(graph.edge_count(), 215 + 106 + 20);
}

#[test]
fn roles_carry_title_description_job_zone_and_aliases() {
    let (graph, _) = load(&fixture());
    let dev = graph.node(node(&graph, "onet:15-1252.00"));
    assert_eq!(dev.kind, NodeKind::Role);
    assert_eq!(dev.name, "Software Developers");
    assert_eq!(dev.fields.get("job_zone"), Some(&Value::Number(4.0)));
    let Some(Value::Text(description)) = dev.fields.get("description") else {
        panic!("no description");
    };
    assert!(description.starts_with("Research, design, and develop"));
    // 135 rows of alternate and short titles, 148 distinct ignoring case and the name.
    assert_eq!(dev.aliases.len(), 148);
    let lowered: Vec<String> = dev.aliases.iter().map(|a| a.to_lowercase()).collect();
    let mut unique = lowered.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), lowered.len(), "aliases repeat");
    assert!(!lowered.contains(&"software developers".to_string()));
}

#[test]
fn devops_engineer_resolves_to_software_developers_via_an_alias() {
    let (graph, _) = load(&fixture());
    let ix = graph.resolve(None, "DevOps Engineer").unwrap();
    assert_eq!(graph.node(ix).id, "onet:15-1252.00");
    let ix = graph.resolve(None, "devops engineer").unwrap();
    assert_eq!(graph.node(ix).id, "onet:15-1252.00");
}

#[test]
fn site_reliability_engineer_is_ambiguous_between_two_occupations() {
    let (graph, _) = load(&fixture());
    match graph.resolve(None, "Site Reliability Engineer") {
        Err(ResolveError::Ambiguous { candidates, .. }) => {
            let ids: Vec<&str> = candidates.iter().map(|c| c.1.as_str()).collect();
            assert_eq!(ids, ["onet:15-1252.00", "onet:17-2112.02"]);
        }
        other => panic!("expected ambiguity, got {other:?}"),
    }
}

#[test]
fn importance_is_im_rounded_and_level_is_kept() {
    let (graph, _) = load(&fixture());
    // 15-1244.00 Critical Thinking: IM 3.88, LV 3.88.
    let e = only_edge(
        &graph,
        "onet:15-1244.00",
        "onet:2.a.2.a",
        EdgeKind::Requires,
    );
    assert_eq!(graph.edge(e).importance, Some(4));
    assert_eq!(edge_field(&graph, e, "level"), Some(Value::Number(3.88)));
    assert_eq!(graph.edge(e).effort_hours, None);
    let skill = graph.node(node(&graph, "onet:2.a.2.a"));
    assert_eq!(skill.name, "Critical Thinking");
    assert_eq!(skill.category.as_deref(), Some("O*NET skill"));
    assert_eq!(skill.effort_hours, None);
    assert!(skill.fields.contains_key("description"));
    assert_eq!(
        graph.node(node(&graph, "onet:2.c.7.a")).category.as_deref(),
        Some("O*NET knowledge")
    );
}

#[test]
fn element_ids_resolve_as_o_net_writes_them() {
    let (graph, _) = load(&fixture());
    let ix = graph.resolve(None, "onet:2.A.2.a").unwrap();
    assert_eq!(graph.node(ix).name, "Critical Thinking");
}

#[test]
fn suppressed_rating_is_skipped_even_when_important() {
    let (graph, _) = load(&fixture());
    // Writers and Authors, English Language: IM 5, flagged Recommend Suppress.
    let writers = node(&graph, "onet:27-3043.00");
    let english = node(&graph, "onet:2.c.7.a");
    assert!(graph
        .edges_between(writers, english, EdgeKind::Requires)
        .is_empty());
}

#[test]
fn suppressed_level_is_kept_and_marked() {
    let (graph, report) = load(&fixture());
    // 11-3031.00 2.B.4.h: IM 3, its LV flagged Recommend Suppress.
    let e = only_edge(
        &graph,
        "onet:11-3031.00",
        "onet:2.b.4.h",
        EdgeKind::Requires,
    );
    assert_eq!(graph.edge(e).importance, Some(3));
    assert!(graph.edge(e).level().is_some());
    assert_eq!(
        edge_field(&graph, e, "level_suppressed"),
        Some(Value::Bool(true))
    );
    assert!(report.notes.iter().any(|n| n.starts_with(
        "14 levels (LV) flagged Recommend Suppress are kept, marked `level_suppressed`"
    )));
}

#[test]
fn every_rating_keeps_its_importance_and_level() {
    let (graph, _) = load(&fixture());
    let mut low = 0;
    for e in graph.edge_indices() {
        let edge = graph.edge(e);
        if edge.kind == EdgeKind::Requires {
            let importance = edge.importance.unwrap();
            assert!((1..=5).contains(&importance));
            low += usize::from(importance < 3);
            if let Some(level) = edge.level() {
                assert!((0.0..=7.0).contains(&level));
            }
        }
    }
    // Ratings of IM below 2.5 round to importance 1–2: kept, counted only from `min importance`.
    assert!(low > 0);
    // Financial Managers, Reading Comprehension: IM 4, LV 4.38.
    let e = only_edge(
        &graph,
        "onet:11-3031.00",
        "onet:2.a.1.a",
        EdgeKind::Requires,
    );
    assert_eq!(graph.edge(e).importance, Some(4));
    assert_eq!(graph.edge(e).level(), Some(4.38));
}

#[test]
fn a_rating_outside_its_scale_is_a_warning_and_never_clamped() {
    let dir = fixture_copy();
    let path = dir.path().join("Skills.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // Line 2: Financial Managers, Reading Comprehension, IM 4 → 42; line 3: its LV → −3.
    let im = lines[1].replacen("\tIM\tImportance\t4\t", "\tIM\tImportance\t42\t", 1);
    let lv = lines[2].replacen("\t4.38\t", "\t-3\t", 1);
    assert_ne!(im, lines[1]);
    assert_ne!(lv, lines[2]);
    let spoilt = text.replacen(lines[1], &im, 1).replacen(lines[2], &lv, 1);
    std::fs::write(&path, spoilt).unwrap();
    let (graph, report) = load(dir.path());
    let warned: Vec<&DataError> = report
        .warnings
        .iter()
        .filter(|w| w.message.contains("outside O*NET's"))
        .collect();
    assert_eq!(warned.len(), 2, "{:?}", report.warnings);
    assert_eq!((warned[0].line, warned[1].line), (2, 3));
    assert!(warned[0].message.contains("IM value 42") && warned[0].message.contains("1–5"));
    assert!(warned[1].message.contains("LV value -3") && warned[1].message.contains("0–7"));
    assert!(warned[0].file.ends_with("Skills.txt"));
    // Without its importance, the rating is not an edge: nothing became 5 or 0.
    let managers = node(&graph, "onet:11-3031.00");
    let reading = node(&graph, "onet:2.a.1.a");
    assert!(graph
        .edges_between(managers, reading, EdgeKind::Requires)
        .is_empty());
}

#[test]
fn software_developers_have_tools_but_no_skill_ratings() {
    let (graph, report) = load(&fixture());
    let dev = node(&graph, "onet:15-1252.00");
    assert_eq!(graph.out_edges(dev, EdgeKind::Requires).count(), 0);
    assert!(graph.out_edges(dev, EdgeKind::Uses).count() > 0);
    assert!(report
        .notes
        .iter()
        .any(|n| n.starts_with("18 occupations have no Skills.txt ratings")));
}

#[test]
fn tools_keep_the_vendor_in_the_name_and_answer_without_it() {
    let (graph, _) = load(&fixture());
    let terraform = graph.node(node(&graph, "onet:tech:ibm-terraform"));
    assert_eq!(terraform.name, "IBM Terraform");
    assert_eq!(
        terraform.category.as_deref(),
        Some("Configuration management software")
    );
    assert_eq!(
        terraform.fields.get("hot_technology"),
        Some(&Value::Bool(true))
    );
    // In demand for Software Developers, not for Validation Engineers: a fact of the pair, so
    // on the edges, never on the tool.
    assert_eq!(terraform.fields.get("in_demand"), None);
    let e = only_edge(
        &graph,
        "onet:17-2112.02",
        "onet:tech:ibm-terraform",
        EdgeKind::Uses,
    );
    assert_eq!(edge_field(&graph, e, "in_demand"), None);
    let e = only_edge(
        &graph,
        "onet:15-1252.00",
        "onet:tech:ibm-terraform",
        EdgeKind::Uses,
    );
    assert_eq!(edge_field(&graph, e, "in_demand"), Some(Value::Bool(true)));
    let ix = graph.resolve(Some(NodeKind::Tool), "Terraform").unwrap();
    assert_eq!(graph.node(ix).id, "onet:tech:ibm-terraform");
    let acrobat = graph.node(node(&graph, "onet:tech:adobe-acrobat"));
    assert_eq!(acrobat.fields.get("in_demand"), None);
}

#[test]
fn related_occupations_become_transitions_with_tier_and_rank() {
    let (graph, _) = load(&fixture());
    let e = only_edge(
        &graph,
        "onet:15-1252.00",
        "onet:15-1251.00",
        EdgeKind::Transition,
    );
    assert_eq!(
        edge_field(&graph, e, "tier"),
        Some(Value::Text("Primary-Short".into()))
    );
    assert_eq!(edge_field(&graph, e, "rank"), Some(Value::Number(2.0)));
    assert_eq!(graph.edge(e).effort_hours, None);
}

#[test]
fn related_occupation_missing_from_occupation_data_is_warned_with_its_line() {
    let (graph, report) = load(&fixture());
    let file = fixture().join("Related Occupations.txt");
    let text = std::fs::read_to_string(&file).unwrap();
    let row = text
        .lines()
        .find(|l| l.starts_with("15-1252.00\t") && l.contains("\t17-3023.00\t"))
        .unwrap();
    let warning = report
        .warnings
        .iter()
        .find(|w| w.message.contains("`17-3023.00`"))
        .expect("a warning naming 17-3023.00");
    assert_eq!(warning.file, file.display().to_string());
    assert_eq!(warning.line, line_of(&text, row));
    assert_eq!(report.warnings_total, 2);
    assert!(graph.by_id("onet:17-3023.00").is_none());
}

#[test]
fn every_fact_is_sourced_to_onet() {
    let (graph, report) = load(&fixture());
    // O*NET, and the project's estimate that each skill's `hours_per_level` names.
    let keys: Vec<&str> = graph.sources().iter().map(|s| s.key.as_str()).collect();
    assert_eq!(keys, [ONET_SOURCE_KEY, "skillgraph-estimate"]);
    let source = &graph.sources()[0];
    assert_eq!(source.key, ONET_SOURCE_KEY);
    assert_eq!(source.licence.as_deref(), Some("CC BY 4.0"));
    assert_eq!(source.date.as_deref(), Some("2025-05"));
    assert_eq!(&report.source, source);
    let id = graph.source_id(ONET_SOURCE_KEY).unwrap();
    assert!(graph.node_indices().all(|n| graph.node(n).sources == [id]));
    assert!(graph.edge_indices().all(|e| graph.edge(e).sources == [id]));
    for n in graph.node_indices() {
        let node = graph.node(n);
        if node.kind == NodeKind::Skill {
            let stated = &node.fields["field_sources"];
            assert_eq!(
                stated,
                &Value::Record(
                    [(
                        "hours_per_level".to_string(),
                        Value::List(vec![Value::Text("skillgraph-estimate".into())])
                    )]
                    .into()
                )
            );
        }
    }
}

#[test]
fn report_states_the_threshold_and_the_missing_effort() {
    let (_, report) = load(&fixture());
    let shown = report.to_string();
    assert!(shown.starts_with("O*NET 29.3 Database (onet-29.3; CC BY 4.0)\n"));
    assert!(shown.contains("nodes: 22 roles, 68 skills, 70 tools"));
    assert!(shown.contains("statements count needs of importance ≥ 3"));
    assert!(shown.contains("no effort_hours"));
    assert!(shown.contains("warnings: 2\n"));
}

#[test]
fn exported_graph_reads_back_as_graphdata() {
    let (graph, _) = load(&fixture());
    let text = export::to_toml_string(&graph).unwrap();
    let back = load_graphdata(&[DataText {
        name: "onet.toml",
        text: &text,
    }])
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.node_count(), graph.node_count());
    assert_eq!(back.edge_count(), graph.edge_count());
}

#[test]
fn progress_counts_bytes_up_to_the_total() {
    let mut calls: Vec<(String, u64, u64)> = Vec::new();
    load_onet_dir(&fixture(), &mut |phase, done, total| {
        calls.push((phase.to_string(), done, total))
    })
    .unwrap();
    let total: u64 = std::fs::read_dir(fixture())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            !name.starts_with("Read") && name != "README.txt"
        })
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum();
    assert!(calls.iter().all(|c| c.2 == total && c.1 <= total));
    assert!(calls.windows(2).all(|w| w[0].1 <= w[1].1));
    let last = calls.last().unwrap();
    assert_eq!(
        (last.0.as_str(), last.1),
        ("Related Occupations.txt", total)
    );
}

#[test]
fn row_with_a_missing_field_is_an_error_with_file_and_line() {
    let dir = fixture_copy();
    let path = dir.path().join("Skills.txt");
    let mut text = std::fs::read_to_string(&path).unwrap();
    let lines = text.lines().count();
    text.push_str("15-1252.00\tSoftware Developers\t2.A.1.a\tReading Comprehension\tIM\n");
    std::fs::write(&path, &text).unwrap();
    let errors = load_errors(dir.path());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].file, path.display().to_string());
    assert_eq!(errors[0].line, lines + 1);
    assert_eq!(
        errors[0].message,
        "this row has 5 fields; the header has 15"
    );
}

#[test]
fn value_that_is_not_a_number_is_an_error() {
    let dir = fixture_copy();
    let path = dir.path().join("Job Zones.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    let row = text.lines().nth(1).unwrap().to_string();
    let fields: Vec<&str> = row.split('\t').collect();
    let spoilt = format!(
        "{}\t{}\tfour\t{}",
        fields[0],
        fields[1],
        fields[3..].join("\t")
    );
    std::fs::write(&path, text.replacen(&row, &spoilt, 1)).unwrap();
    let errors = load_errors(dir.path());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].line, 2);
    assert!(errors[0].message.contains("`four`"));
}

#[test]
fn missing_file_and_missing_column_are_errors() {
    let dir = fixture_copy();
    std::fs::remove_file(dir.path().join("Technology Skills.txt")).unwrap();
    std::fs::write(
        dir.path().join("Job Zones.txt"),
        "O*NET-SOC Code\tTitle\tZone\n",
    )
    .unwrap();
    let errors = load_errors(dir.path());
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].file.ends_with("Job Zones.txt"));
    assert_eq!(errors[0].message, "the header has no `Job Zone` column");
    assert!(errors[1].file.ends_with("Technology Skills.txt"));
    assert!(errors[1].message.starts_with("cannot read"));
}

#[test]
fn garbage_in_any_file_gives_errors_not_a_panic() {
    let garbage: [&[u8]; 5] = [
        b"",
        b"\xff\xfe\x00garbage\n\x80\x81\n",
        b"O*NET-SOC Code\tTitle\n\t\t\t\t\t\t\t\t\n",
        b"\"\"\"\n\"",
        b"\n\n\n",
    ];
    let names: Vec<String> = std::fs::read_dir(fixture())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for name in &names {
        for bytes in garbage {
            let dir = fixture_copy();
            std::fs::write(dir.path().join(name), bytes).unwrap();
            let result = load_onet_dir(dir.path(), &mut |_, _, _| {});
            if !name.starts_with("Read") && name != "README.txt" {
                assert!(result.is_err(), "{name} holding {bytes:?} was accepted");
            }
        }
    }
}

#[test]
fn bom_and_crlf_line_ends_read_the_same() {
    let dir = fixture_copy();
    for name in ["Occupation Data.txt", "Related Occupations.txt"] {
        let path = dir.path().join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("\u{feff}{}", text.replace('\n', "\r\n"))).unwrap();
    }
    let (graph, report) = load(dir.path());
    let (plain, _) = load(&fixture());
    assert_eq!(graph.node_count(), plain.node_count());
    assert_eq!(report.edge_count(EdgeKind::Transition), 20);
    let dev = graph.node(node(&graph, "onet:15-1252.00"));
    assert!(!dev.fields["description"].to_string().ends_with('\r'));
    // Lines still count from the top of the file.
    let text = std::fs::read_to_string(fixture().join("Related Occupations.txt")).unwrap();
    let row = text
        .lines()
        .find(|l| l.starts_with("15-1252.00\t") && l.contains("\t17-3023.00\t"))
        .unwrap();
    let warning = report
        .warnings
        .iter()
        .find(|w| w.message.contains("`17-3023.00`"))
        .unwrap();
    assert_eq!(warning.line, line_of(&text, row));
}

/// The full O*NET 29.3 download, when the shared data sits next to the workspace.
#[test]
fn full_onet_29_3_imports() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/onet-29.3");
    if !dir.join("Occupation Data.txt").exists() {
        eprintln!(
            "skipped: the full O*NET data is not at {} (expected next to the workspace)",
            dir.display()
        );
        return;
    }
    let started = Instant::now();
    let (graph, report) = load(&dir);
    let took = started.elapsed();
    eprintln!("O*NET 29.3 imported in {took:.2?}\n{report}");
    assert_eq!(report.node_count(NodeKind::Role), 1016);
    assert_eq!(report.node_count(NodeKind::Skill), 68);
    assert_eq!(report.node_count(NodeKind::Tool), 8775);
    // Every one of the 18,460 links names two known, different occupations.
    assert_eq!(report.edge_count(EdgeKind::Transition), 18_460);
    // Every rating not flagged Not Relevant or suppressed: 19,178 of them with IM ≥ 3.
    assert_eq!(report.edge_count(EdgeKind::Requires), 50_530);
    assert_eq!(report.edge_count(EdgeKind::Uses), 32_681);
    assert_eq!(report.warnings_total, 0);
    // Of the 19 ratings whose IM is suppressed, 18 are also flagged Not Relevant.
    assert_eq!(
        report.skipped_count("ratings whose importance (IM) is flagged Recommend Suppress"),
        1
    );
    assert_eq!(
        report.skipped_count("ratings flagged Not Relevant"),
        3_302 + 5_939
    );
    // 50,530 edges = 19,178 ratings with IM ≥ 3 + 14,949 + 16,403 below it.
    assert_eq!(50_530, 19_178 + 14_949 + 16_403);
    // 12 among ratings of IM ≥ 3, the rest among the lower ones.
    assert!(report
        .notes
        .iter()
        .any(|n| n.starts_with("1169 levels (LV) flagged Recommend Suppress are kept")));
    assert!(report
        .notes
        .iter()
        .any(|n| n.starts_with("137 occupations have no Skills.txt ratings")));
    let dev = graph.resolve(None, "DevOps Engineer").unwrap();
    assert_eq!(graph.node(dev).id, "onet:15-1252.00");
}
