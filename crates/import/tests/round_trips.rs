//! Every export that holds the whole graph imports back to the same graph: export → import →
//! export is the same bytes, and the graph read back says everything the first one said. For
//! each format (TOML, JSON, CSV), on the curated graph, on O*NET and ESCO fixtures, and on
//! random graphs that use every part of the model.

#[path = "../../graph/tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::Rng;
use proptest::prelude::*;
use skillgraph_graph::{
    integrity, Change, Edge, EdgeKind, Graph, Node, NodeKind, Profile, ProfileEntry, SkillState,
    Source, Value, FIELD_SOURCES,
};
use skillgraph_import::{
    curated_graph, export, load_csv_dir, load_esco_dir, load_graphdata, load_onet_dir,
    merge_graphs, DataText,
};
use skillgraph_testkit::{assert_same_dump, dump};

#[derive(Debug, Clone, Copy)]
enum Format {
    Toml,
    Json,
    Csv,
}

const FORMATS: [Format; 3] = [Format::Toml, Format::Json, Format::Csv];

/// The export as one text (CSV files one after another, each under its name).
fn export_text(graph: &Graph, format: Format) -> String {
    match format {
        Format::Toml => export::to_toml_string(graph).unwrap(),
        Format::Json => export::to_json_string(graph).unwrap(),
        Format::Csv => export::to_csv_files(graph)
            .unwrap()
            .into_iter()
            .map(|(name, text)| format!("== {name}\n{text}"))
            .collect(),
    }
}

fn import(graph: &Graph, format: Format, dir: &Path) -> Graph {
    let loaded = match format {
        Format::Toml | Format::Json => {
            let (name, text) = match format {
                Format::Toml => ("graph.toml", export::to_toml_string(graph).unwrap()),
                _ => ("graph.json", export::to_json_string(graph).unwrap()),
            };
            load_graphdata(&[DataText { name, text: &text }])
        }
        Format::Csv => {
            for (name, text) in export::to_csv_files(graph).unwrap() {
                std::fs::write(dir.join(name), text).unwrap();
            }
            load_csv_dir(dir)
        }
    };
    loaded.unwrap_or_else(|e| panic!("{format:?} export does not import back:\n{e}"))
}

/// The TOML and JSON writers, which write one entry at a time, write what serialising the
/// whole document at once would.
#[track_caller]
fn assert_streams_the_whole_document(graph: &Graph, what: &str) {
    let whole = export::to_data_file(graph);
    let toml = toml::to_string(&whole).unwrap();
    assert!(
        export::to_toml_string(graph).unwrap() == toml,
        "{what}: the TOML written entry by entry differs from the whole document's"
    );
    let json = serde_json::to_string_pretty(&whole).unwrap();
    assert!(
        export::to_json_string(graph).unwrap() == json,
        "{what}: the JSON written entry by entry differs from the whole document's"
    );
}

#[track_caller]
fn assert_round_trips(graph: &Graph, what: &str) {
    assert_streams_the_whole_document(graph, what);
    for format in FORMATS {
        let dir = tempfile::tempdir().unwrap();
        let first = export_text(graph, format);
        let back = import(graph, format, dir.path());
        let again = export_text(&back, format);
        assert!(
            first == again,
            "{what}: {format:?} export → import → export differs"
        );
        assert_same_dump(&dump(&back), &dump(graph));
        assert_eq!(back.profiles(), graph.profiles(), "{what}: {format:?}");
        assert!(integrity::check(&back).is_empty(), "{what}: {format:?}");
    }
}

#[test]
fn the_curated_graph_round_trips_through_every_format() {
    assert_round_trips(&curated_graph().unwrap(), "curated");
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn onet_and_esco_fixtures_round_trip_through_every_format() {
    for name in ["onet-mini", "onet-changer"] {
        let (g, _) = load_onet_dir(&fixture(name), &mut |_, _, _| {}).unwrap();
        assert_round_trips(&g, name);
    }
    let (g, _) = load_esco_dir(&fixture("esco-mini"), &mut |_, _, _| {}).unwrap();
    assert_round_trips(&g, "esco-mini");
}

/// Texts that CSV, JSON and TOML each have to quote or escape, and cells a spreadsheet would
/// take for formulas: the CSV export keeps them as they are.
const AWKWARD: [&str; 12] = [
    "Plain",
    "=SUM(A1:A2)",
    "+1 call",
    "-minus",
    "@at",
    "comma, and \"quotes\"",
    "line\nbreak",
    "back\\slash / slash",
    "tab\tinside",
    "Ünïcødé 🚀",
    "[not, a list]",
    "{\"not\": \"json\"}",
];

fn awkward(rng: &mut Rng, i: usize) -> String {
    format!("{} {i}", rng.pick(&AWKWARD))
}

fn number(rng: &mut Rng) -> f64 {
    match rng.below(4) {
        0 => rng.below(200) as f64,
        1 => rng.below(1000) as f64 / 7.0,
        2 => 0.1 + rng.below(10) as f64 * 0.2,
        _ => 1e-7 * rng.below(50) as f64,
    }
}

/// A random graph built by validated changes, using every part the formats carry.
fn random_graph(seed: u64) -> Graph {
    let mut rng = Rng::new(seed);
    let mut g = Graph::new();
    let sources: Vec<String> = (0..rng.range(1, 3)).map(|i| format!("src-{i}")).collect();
    for (i, key) in sources.iter().enumerate() {
        let mut s = Source {
            key: key.clone(),
            title: awkward(&mut rng, i),
            url: None,
            author: None,
            publisher: None,
            date: None,
            licence: None,
        };
        if rng.chance(50) {
            s.url = Some(format!("https://example.org/{i}?a=1,b=2"));
            s.author = Some(awkward(&mut rng, i));
            s.licence = Some("CC BY 4.0".into());
        }
        g.apply(Change::AddSource(s)).unwrap();
    }
    let some_sources = |rng: &mut Rng, g: &Graph| {
        let mut ids = vec![g
            .source_id(rng.pick(&sources.iter().map(String::as_str).collect::<Vec<_>>()))
            .unwrap()];
        if rng.chance(30) {
            ids.push(g.source_id(&sources[0]).unwrap());
        }
        ids.sort();
        ids.dedup();
        ids
    };
    let n = rng.range(2, 12);
    let mut ids: Vec<(String, NodeKind)> = Vec::new();
    for i in 0..n {
        let kind = rng.pick(&NodeKind::ALL);
        let id = format!("{}-{i}", kind.as_str());
        let mut node = Node::new(&id, kind, awkward(&mut rng, i));
        node.sources = some_sources(&mut rng, &g);
        if rng.chance(40) {
            node.aliases = vec![format!("alias {i}"), awkward(&mut rng, i + 100)];
        }
        if rng.chance(40) {
            node.category = Some(awkward(&mut rng, i));
        }
        if rng.chance(40) {
            node.fields
                .insert("description".into(), Value::Text(awkward(&mut rng, i)));
        }
        match kind {
            NodeKind::Skill => {
                if rng.chance(60) {
                    node.effort_hours = Some(number(&mut rng));
                }
                if rng.chance(30) {
                    node.fields
                        .insert("hours_per_level".into(), Value::Number(number(&mut rng)));
                }
            }
            NodeKind::Tool => {
                if rng.chance(50) {
                    node.fields
                        .insert("hot_technology".into(), Value::Bool(rng.chance(50)));
                }
            }
            NodeKind::Role => {
                if rng.chance(50) {
                    node.fields
                        .insert("job_zone".into(), Value::Number(rng.range(1, 5) as f64));
                    node.fields.insert(
                        "background".into(),
                        Value::List(vec![Value::Text(awkward(&mut rng, i))]),
                    );
                }
                if rng.chance(50) {
                    let mut salary = BTreeMap::new();
                    salary.insert("avg".into(), Value::Number(number(&mut rng) * 1000.0));
                    salary.insert("currency".into(), Value::Text("USD".into()));
                    salary.insert("source".into(), Value::Text(sources[0].clone()));
                    node.fields.insert("salary".into(), Value::Record(salary));
                    let per_field = BTreeMap::from([(
                        "salary".to_string(),
                        Value::List(vec![Value::Text(sources[0].clone())]),
                    )]);
                    node.fields
                        .insert(FIELD_SOURCES.into(), Value::Record(per_field));
                }
            }
        }
        g.apply(Change::AddNode(node)).unwrap();
        ids.push((id, kind));
    }
    for _ in 0..rng.range(0, 30) {
        let (a, b) = (rng.below(n), rng.below(n));
        let ((from, from_kind), (to, to_kind)) = (&ids[a], &ids[b]);
        let kind = EdgeKind::ALL
            .into_iter()
            .find(|k| k.endpoints() == (*from_kind, *to_kind) && (rng.chance(70) || a < b));
        let Some(kind) = kind else { continue };
        if kind == EdgeKind::Prerequisite && a > b {
            continue;
        }
        let mut edge = Edge::new(kind);
        edge.sources = some_sources(&mut rng, &g);
        match kind {
            EdgeKind::Requires => {
                edge.importance = Some(rng.range(1, 5) as u8);
                if rng.chance(40) {
                    edge.extra_mut()
                        .fields
                        .insert("level".into(), Value::Number(rng.below(71) as f64 / 10.0));
                }
                if rng.chance(20) {
                    edge.extra_mut()
                        .fields
                        .insert("level_suppressed".into(), Value::Bool(true));
                }
            }
            EdgeKind::Uses if rng.chance(50) => {
                edge.extra_mut()
                    .fields
                    .insert("in_demand".into(), Value::Bool(true));
            }
            EdgeKind::Transition => {
                if rng.chance(60) {
                    edge.effort_hours = Some(number(&mut rng));
                }
                if rng.chance(40) {
                    let skills: Vec<String> = ids
                        .iter()
                        .filter(|(_, k)| *k == NodeKind::Skill)
                        .map(|(id, _)| id.clone())
                        .take(2)
                        .collect();
                    edge.extra_mut().skills = skills;
                    edge.extra_mut()
                        .fields
                        .insert("tier".into(), Value::Text(awkward(&mut rng, 0)));
                }
            }
            EdgeKind::Covers | EdgeKind::Prerequisite if rng.chance(20) => {
                edge.extra_mut()
                    .fields
                    .insert("confidence".into(), Value::Number(number(&mut rng)));
            }
            _ => {}
        }
        if rng.chance(30) {
            edge.extra_mut().note = Some(awkward(&mut rng, 7));
        }
        if edge
            .extra
            .as_ref()
            .is_some_and(|x| **x == Default::default())
        {
            edge.extra = None;
        }
        // A repeat of a fact by the same source, or a cycle, is refused: draw another.
        let _ = g.apply(Change::AddEdge {
            from: from.clone(),
            to: to.clone(),
            edge,
        });
    }
    for p in 0..rng.range(0, 2) {
        let mut profile = Profile::new(format!("person {p}"));
        for (id, _) in ids.iter().take(rng.below(4)) {
            let state = rng.pick(&[SkillState::Held, SkillState::Learnt, SkillState::Learning]);
            let level = rng.range(1, 5) as u8;
            profile
                .entries
                .insert(id.clone(), ProfileEntry { level, state });
        }
        g.apply(Change::SetProfile(profile)).unwrap();
    }
    assert!(
        integrity::check(&g).is_empty(),
        "the generator broke a rule"
    );
    g
}

proptest! {
    #![proptest_config(common::config())]

    #[test]
    fn random_graphs_round_trip_through_every_format(seed in any::<u64>()) {
        assert_round_trips(&random_graph(seed), &format!("seed {seed}"));
    }

    /// A merge into an empty graph gives the graph; a merge of a graph into itself changes
    /// nothing; a merge of a random graph into another keeps every rule, and holds each node of
    /// the second as it is there.
    #[test]
    fn merges_add_update_and_keep_every_rule(seed in any::<u64>(), other in any::<u64>()) {
        let g = random_graph(seed);
        let (merged, report) = merge_graphs(&Graph::new(), &g).unwrap();
        assert_same_dump(&dump(&merged), &dump(&g));
        prop_assert_eq!(report.nodes_added, g.node_count());
        prop_assert_eq!(merged.profiles(), g.profiles());
        let (merged, report) = merge_graphs(&g, &g).unwrap();
        prop_assert!(!report.changes_anything(), "{}", report);
        assert_same_dump(&dump(&merged), &dump(&g));
        let h = random_graph(other);
        // Two random graphs may give one id two kinds, or close a prerequisite cycle: then the
        // merge is refused, and says why.
        match merge_graphs(&g, &h) {
            Ok((merged, report)) => {
                prop_assert!(integrity::check(&merged).is_empty());
                prop_assert_eq!(
                    report.nodes_added + report.nodes_updated + report.nodes_unchanged,
                    h.node_count()
                );
                for ix in h.node_indices() {
                    let mine = merged.by_id(&h.node(ix).id).unwrap();
                    prop_assert_eq!(&merged.node(mine).name, &h.node(ix).name);
                    prop_assert_eq!(&merged.node(mine).fields, &h.node(ix).fields);
                }
            }
            Err(errors) => prop_assert!(!errors.0.is_empty()),
        }
    }
}

// ---- bad input in the formats read back -------------------------------------------------------

/// The errors of loading `text` as `name`, as `file:line:col: message` lines.
fn json_errors(text: &str) -> Vec<String> {
    let errors = load_graphdata(&[DataText {
        name: "graph.json",
        text,
    }])
    .unwrap_err();
    errors.0.iter().map(ToString::to_string).collect()
}

#[test]
fn a_json_graph_reports_each_mistake_at_its_line_and_column() {
    let text = r#"{
  "source": [{"key": "s", "title": "S"}],
  "skill": [
    {"id": "a", "name": "A", "sources": ["nope"]},
    {"id": "b", "name": "B", "sources": ["s"], "effort_hours": -1.0}
  ],
  "requires": [{"role": "nobody", "skill": "a", "importance": 3, "sources": ["s"]}]
}"#;
    let errors = json_errors(text);
    let expect = [
        "graph.json:4:42: unknown source `nope`",
        "graph.json:5:64: effort hours cannot be negative",
        "graph.json:7:25: there is no node with id `nobody`",
    ];
    for e in expect {
        assert!(
            errors.iter().any(|found| found.starts_with(e)),
            "{e:?} not in {errors:#?}"
        );
    }
    let errors = json_errors("{\n  \"skill\": [{\"id\": \"a\", \"nmae\": \"A\"}]\n}");
    assert!(errors[0].starts_with("graph.json:2:"), "{errors:?}");
    assert!(errors[0].contains("unknown field `nmae`"), "{errors:?}");
    let errors = json_errors("{\n  \"skill\": [\n}");
    assert!(errors[0].starts_with("graph.json:3:1:"), "{errors:?}");
}

/// A CSV directory of the whole-graph layout with these nodes and edges rows (headers added).
fn full_csv_errors(nodes: &str, edges: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: String| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "sources.csv",
        "key,title,url,author,publisher,date,licence\ns,S,,,,,\n".into(),
    );
    write(
        "nodes.csv",
        format!("id,kind,name,aliases,category,effort_hours,sources,fields\n{nodes}"),
    );
    write(
        "edges.csv",
        format!("from,to,kind,weight,sources,note,skills,fields\n{edges}"),
    );
    let errors = load_csv_dir(dir.path()).unwrap_err();
    let shown = dir.path().display().to_string();
    errors
        .0
        .iter()
        .map(|e| e.to_string().replace(&shown, "DIR"))
        .collect()
}

#[test]
fn the_csv_layout_of_an_export_reports_each_mistake_at_its_line() {
    let nodes = "\
r,role,R,,,,\"[\"\"s\"\"]\",
a,skill,A,not json,,,,
b,skill,B,,,,\"[\"\"t\"\"]\",
c,skill,C,,,,,{\"salary\": 1}
t,tool,T,,,,,
";
    let edges = "\
r,a,requires,7,,,,
r,t,uses,1,,,,
r,nobody,requires,3,,,,
r,a,requires,3,,,,{\"level\": 9}
";
    let errors = full_csv_errors(nodes, edges);
    let expect = [
        "DIR/nodes.csv:3:1: `aliases` holds a JSON list of strings",
        "DIR/nodes.csv:4:1: unknown source `t`; sources.csv declares the sources",
        "DIR/nodes.csv:5:1: a skill has no field `salary`",
        "DIR/edges.csv:2:1: the weight of a `requires` row is its importance",
        "DIR/edges.csv:3:1: a `uses` row has an empty weight in this layout",
        "DIR/edges.csv:4:1: there is no node with id `nobody`",
        "DIR/edges.csv:5:1: a level goes from 0 to 7",
    ];
    for e in expect {
        assert!(
            errors.iter().any(|found| found.starts_with(e)),
            "{e:?} not in {errors:#?}"
        );
    }
    assert_eq!(errors.len(), expect.len(), "{errors:#?}");
}
