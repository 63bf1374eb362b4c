//! Criterion benchmarks of the engine alone (no process, no store, no output): parsing, name
//! resolution, and the four statements of the shared benchmark — `path A -> B`,
//! `path A -> B by effort`, `skills of A`, `gap A -> B` — each over 100 fixed role pairs, read
//! from their text and evaluated (`text/…`), and evaluated alone (`statement/…`).
//!
//! Data: with `BENCH_DATA` set (e.g. `/tmp/skills-bench/data`, where `bench/run.sh` puts the
//! CSVs of `../shared/bench/gen_graph.py`), every size among `medium` and `large` whose
//! `nodes.csv` and `edges.csv` exist is loaded as `skillgraph import` loads it. Without it, a
//! graph of the same shape (~100k edges) is generated here from a fixed seed. The pairs are the
//! shared benchmark's when `pairs.txt` lies beside the CSVs (`bench/run.sh` writes it).
//!
//! ```sh
//! BENCH_DATA=/tmp/skills-bench/data cargo bench -p skillgraph-query --bench engine
//! ```

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use skillgraph_graph::algo::{self, Constraints};
use skillgraph_graph::{Direction, Edge, EdgeKind, Graph, Node, NodeIndex, NodeKind, Source};
use skillgraph_query::ast::Statement;
use skillgraph_query::eval::{MemoryDatabase, Session};
use skillgraph_query::parse;

/// xorshift64*: a fixed sequence, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Small indices far more often than large ones (a few hub skills, many rare ones).
    fn skewed(&mut self, n: usize) -> usize {
        let x = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((n as f64).powf(x) as usize).saturating_sub(1).min(n - 1)
    }
}

/// A graph shaped like `gen_graph.py medium`: 3,000 roles each requiring ~18 skills (from its
/// cluster and a few hubs) and using 6 tools, 6 transitions per role, prerequisites within
/// clusters (from lower to higher index, so acyclic), tools covering skills.
fn generated_graph() -> Graph {
    let (roles, skills, tools, clusters) = (3_000usize, 6_000usize, 1_500usize, 75usize);
    let mut rng = Rng(0x5EED_2024_0611);
    let mut nodes = Vec::new();
    let source = skillgraph_graph::SourceId(0);
    let mut add = |id: String, kind: NodeKind, name: String, effort: Option<f64>| {
        let mut node = Node::new(id, kind, name);
        node.effort_hours = effort;
        node.sources = vec![source];
        nodes.push(node);
    };
    for r in 0..roles {
        add(format!("r{r}"), NodeKind::Role, format!("Role {r}"), None);
    }
    for s in 0..skills {
        let hours = 2.0 + rng.below(3000) as f64 / 10.0;
        add(
            format!("s{s}"),
            NodeKind::Skill,
            format!("Skill {s}"),
            Some(hours),
        );
    }
    for t in 0..tools {
        add(format!("t{t}"), NodeKind::Tool, format!("Tool {t}"), None);
    }
    let skill = |s: usize| NodeIndex::new(roles + s);
    let tool = |t: usize| NodeIndex::new(roles + skills + t);
    let in_cluster = |c: usize, k: usize| (c + k * clusters) % skills;
    let mut edges: Vec<(NodeIndex, NodeIndex, Edge)> = Vec::new();
    let edge = |kind: EdgeKind, importance: Option<u8>, effort: Option<f64>| {
        let mut e = Edge::new(kind);
        e.importance = importance;
        e.effort_hours = effort;
        e.sources = vec![source];
        e
    };
    for r in 0..roles {
        let c = r % clusters;
        let mut picked = Vec::new();
        while picked.len() < 18 {
            let s = if rng.below(3) == 0 {
                rng.skewed(skills)
            } else {
                in_cluster(c, rng.below(skills / clusters))
            };
            if !picked.contains(&s) {
                picked.push(s);
            }
        }
        for s in picked {
            let imp = 1 + rng.below(5) as u8;
            edges.push((
                NodeIndex::new(r),
                skill(s),
                edge(EdgeKind::Requires, Some(imp), None),
            ));
        }
        for _ in 0..6 {
            let t = rng.skewed(tools);
            edges.push((NodeIndex::new(r), tool(t), edge(EdgeKind::Uses, None, None)));
        }
        for _ in 0..6 {
            let other = if rng.below(4) == 0 {
                rng.below(roles)
            } else {
                (r + clusters * (1 + rng.below(roles / clusters - 1))) % roles
            };
            if other != r {
                let hours = 10.0 + rng.below(4000) as f64 / 10.0;
                edges.push((
                    NodeIndex::new(r),
                    NodeIndex::new(other),
                    edge(EdgeKind::Transition, None, Some(hours)),
                ));
            }
        }
    }
    for s in 0..skills {
        let next = s + clusters * (1 + rng.below(3));
        if next < skills {
            edges.push((
                skill(s),
                skill(next),
                edge(EdgeKind::Prerequisite, None, None),
            ));
        }
    }
    for t in 0..tools {
        edges.push((
            tool(t),
            skill(rng.below(skills)),
            edge(EdgeKind::Covers, None, None),
        ));
    }
    let sources = vec![Source {
        key: "bench".into(),
        title: "generated for the benchmark".into(),
        url: None,
        author: None,
        publisher: None,
        date: None,
        licence: None,
    }];
    Graph::bulk(sources, nodes, edges.into_iter()).expect("a generated graph is consistent")
}

/// The shared benchmark's 100 (from, to) role id pairs, when `bench/run.sh` wrote them next to
/// the CSVs (`pairs.txt`, one `from to` per line); else 100 pairs from a fixed seed.
fn role_pairs(graph: &Graph, data: Option<&Path>) -> Vec<(String, String)> {
    if let Some(text) = data.and_then(|d| std::fs::read_to_string(d.join("pairs.txt")).ok()) {
        return text
            .lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
    }
    let roles = graph.nodes_of_kind(NodeKind::Role);
    let mut rng = Rng(7);
    (0..100)
        .map(|_| {
            let a = roles[rng.below(roles.len())];
            let mut b = roles[rng.below(roles.len())];
            while b == a {
                b = roles[rng.below(roles.len())];
            }
            (graph.node(a).id.clone(), graph.node(b).id.clone())
        })
        .collect()
}

fn graphs() -> Vec<(String, Graph, Option<std::path::PathBuf>)> {
    let Some(dir) = std::env::var_os("BENCH_DATA") else {
        return vec![("generated".into(), generated_graph(), None)];
    };
    ["medium", "large"]
        .iter()
        .filter_map(|size| {
            let data = Path::new(&dir).join(size);
            if !data.join("nodes.csv").exists() || !data.join("edges.csv").exists() {
                eprintln!("skipping {size}: no CSVs in {}", data.display());
                return None;
            }
            let graph = skillgraph_import::load_csv_dir(&data)
                .unwrap_or_else(|e| panic!("{}: {e}", data.display()));
            Some((size.to_string(), graph, Some(data)))
        })
        .collect()
}

/// The floor of `path A -> B by effort` (issue #17): a plain bidirectional Dijkstra over the
/// `transition` edges, each costing its stated effort (every move of the shared benchmark states
/// one), with no constraints, no tie-breaking and no route built: the least total only. Its
/// per-node arrays are allocated once and reset over the nodes a search touched, so the floor
/// is as cheap as such a search gets through the graph's own adjacency.
struct DijkstraFloor {
    /// By node index, per side (0 forward, 1 backward): the tentative cost (infinite: none).
    dist: [Vec<f64>; 2],
    settled: [Vec<bool>; 2],
    touched: [Vec<u32>; 2],
    heap: [BinaryHeap<Reverse<(Cost, u32)>>; 2],
}

/// An `f64` ordered by `total_cmp`, for the floor's heaps.
#[derive(Clone, Copy, PartialEq)]
struct Cost(f64);

impl Eq for Cost {}

impl PartialOrd for Cost {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Cost {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl DijkstraFloor {
    fn new(graph: &Graph) -> DijkstraFloor {
        let n = graph.node_bound();
        DijkstraFloor {
            dist: [vec![f64::INFINITY; n], vec![f64::INFINITY; n]],
            settled: [vec![false; n], vec![false; n]],
            touched: [Vec::new(), Vec::new()],
            heap: [BinaryHeap::new(), BinaryHeap::new()],
        }
    }

    /// The least total effort from `from` to `to`, if any route leads there.
    fn least(&mut self, graph: &Graph, from: NodeIndex, to: NodeIndex) -> Option<f64> {
        for side in 0..2 {
            for &i in &self.touched[side] {
                self.dist[side][i as usize] = f64::INFINITY;
                self.settled[side][i as usize] = false;
            }
            self.touched[side].clear();
            self.heap[side].clear();
        }
        for (side, root) in [(0, from), (1, to)] {
            self.dist[side][root.index()] = 0.0;
            self.touched[side].push(root.index() as u32);
            self.heap[side].push(Reverse((Cost(0.0), root.index() as u32)));
        }
        let mut best = if from == to { 0.0 } else { f64::INFINITY };
        loop {
            let top = |h: &BinaryHeap<Reverse<(Cost, u32)>>| {
                h.peek().map_or(f64::INFINITY, |r| r.0 .0 .0)
            };
            let (f, b) = (top(&self.heap[0]), top(&self.heap[1]));
            if f == f64::INFINITY || b == f64::INFINITY || f + b >= best {
                break;
            }
            let side = usize::from(f > b);
            let direction = [Direction::Outgoing, Direction::Incoming][side];
            let Reverse((Cost(d), u)) = self.heap[side].pop().expect("not empty");
            if self.settled[side][u as usize] || d > self.dist[side][u as usize] {
                continue;
            }
            self.settled[side][u as usize] = true;
            for link in graph.links(NodeIndex::new(u as usize), direction, EdgeKind::Transition) {
                let Some(c) = graph.edge_effort_of(link.edge) else {
                    continue;
                };
                let v = link.node.index();
                let d = d + c.max(0.0);
                if d < self.dist[side][v] {
                    if self.dist[side][v] == f64::INFINITY {
                        self.touched[side].push(v as u32);
                    }
                    self.dist[side][v] = d;
                    self.heap[side].push(Reverse((Cost(d), v as u32)));
                }
                best = best.min(d + self.dist[1 - side][v]);
            }
        }
        (best < f64::INFINITY).then_some(best)
    }
}

const FORMS: [(&str, &str); 4] = [
    ("path", "path {a} -> {b}"),
    ("path_by_effort", "path {a} -> {b} by effort"),
    ("skills_of", "skills of {a}"),
    ("gap", "gap {a} -> {b}"),
];

fn statement(form: &str, a: &str, b: &str) -> String {
    form.replace("{a}", a).replace("{b}", b)
}

fn engine(c: &mut Criterion) {
    for (size, graph, data) in graphs() {
        let pairs = role_pairs(&graph, data.as_deref());
        let (a, b) = &pairs[0];

        let mut group = c.benchmark_group(format!("parse/{size}"));
        for (name, form) in FORMS {
            let text = statement(form, a, b);
            group.bench_function(name, |bench| bench.iter(|| parse(&text).unwrap()));
        }
        group.finish();

        let mut group = c.benchmark_group(format!("resolve/{size}"));
        let name = graph.node(graph.by_id(a).unwrap()).name.clone();
        group.bench_function("by_id", |bench| {
            bench.iter(|| graph.resolve(None, a).unwrap())
        });
        group.bench_function("by_name", |bench| {
            bench.iter(|| graph.resolve(None, &name).unwrap())
        });
        group.finish();

        // Statements as a script runs them: read from their text, then evaluated (issue #19's
        // measure: parsing by the grammar may not cost more than a tenth of a statement).
        let mut db = MemoryDatabase { graph };
        let mut session = Session::new();
        let mut group = c.benchmark_group(format!("text/{size}"));
        group.measurement_time(Duration::from_secs(4));
        for (name, form) in FORMS {
            let texts: Vec<String> = pairs.iter().map(|(a, b)| statement(form, a, b)).collect();
            let mut i = 0;
            group.bench_function(BenchmarkId::new(name, "100 pairs"), |bench| {
                bench.iter(|| {
                    i = (i + 1) % texts.len();
                    let script = parse(&texts[i]).unwrap();
                    session.execute(&mut db, &script.statements[0]).unwrap()
                })
            });
        }
        group.finish();
        let MemoryDatabase { graph } = db;

        // Statements: parsed once, then evaluated into a result table, one pair per iteration.
        let mut db = MemoryDatabase { graph };
        let mut session = Session::new();
        let mut group = c.benchmark_group(format!("statement/{size}"));
        group.measurement_time(Duration::from_secs(4));
        for (name, form) in FORMS {
            let statements: Vec<Statement> = pairs
                .iter()
                .map(|(a, b)| {
                    let script = parse(&statement(form, a, b)).unwrap();
                    script.statements.into_iter().next().unwrap()
                })
                .collect();
            // Once through, so that indexes built on first use are not in the timings.
            for s in &statements {
                session.execute(&mut db, s).unwrap();
            }
            let mut i = 0;
            group.bench_function(BenchmarkId::new(name, "100 pairs"), |bench| {
                bench.iter(|| {
                    i = (i + 1) % statements.len();
                    session.execute(&mut db, &statements[i]).unwrap()
                })
            });
        }
        // The floor of `path_by_effort`, over the same pairs in the same run (issue #17: the
        // statement within 2x of it).
        let ends: Vec<(NodeIndex, NodeIndex)> = pairs
            .iter()
            .map(|(a, b)| (db.graph.by_id(a).unwrap(), db.graph.by_id(b).unwrap()))
            .collect();
        let mut floor = DijkstraFloor::new(&db.graph);
        for &(a, b) in &ends {
            // The same problem: the floor's least total is the statement's.
            let stated = |e| db.graph.edge_effort_of(e).unwrap_or(f64::INFINITY);
            let route = algo::cheapest_route(&db.graph, a, b, &Constraints::default(), stated);
            let (least, total) = (floor.least(&db.graph, a, b), route.ok().map(|r| r.total));
            assert!(
                least
                    .zip(total)
                    .map_or(least == total, |(l, t)| (l - t).abs() <= 1e-9 * t),
                "floor {least:?}, cheapest_route {total:?}"
            );
        }
        let mut i = 0;
        group.bench_function(BenchmarkId::new("bidijkstra_floor", "100 pairs"), |bench| {
            bench.iter(|| {
                i = (i + 1) % ends.len();
                floor.least(&db.graph, ends[i].0, ends[i].1)
            })
        });
        group.finish();
    }
}

criterion_group!(benches, engine);
criterion_main!(benches);
