//! [`check`]: every rule a graph must keep, checked over the whole graph at once.
//!
//! [`Change`](crate::Change) validation keeps these rules one write at a time; this module asks
//! whether they hold *now*, whatever the graph went through (a snapshot written by an older
//! build, a bug in an importer, a log replayed over a hand-edited snapshot). It never changes
//! the graph; `skillgraph check` prints what it finds.

use std::collections::HashMap;
use std::fmt;

use petgraph::stable_graph::{EdgeIndex, NodeIndex};

use crate::fxhash::FxBuildHasher;
use crate::graph::Graph;
use crate::model::{EdgeKind, NodeKind, SourceId, Value};
use crate::schema::field_spec;

/// Which rule a [`Finding`] breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    /// An edge whose end is not a node of the graph.
    DanglingEdge,
    /// An edge joining node kinds its edge kind does not join (`requires` from a skill).
    EndpointKinds,
    /// An edge from a node to itself.
    SelfLoop,
    /// A `requires` edge without an importance, or an importance outside 1–5.
    Importance,
    /// A negative, infinite or NaN number of hours.
    Effort,
    /// Prerequisites that form a cycle.
    PrerequisiteCycle,
    /// A transition naming a skill that is not a skill of the graph.
    MoveSkill,
    /// A source index with no entry in the source table, or a fact with no source at all.
    Source,
    /// An empty, repeated or unfindable id, or an empty name.
    Identity,
    /// A name or alias the name lookup does not find, or a lookup entry for a node that is gone.
    Lookup,
    /// A field the node's kind does not carry, or a value of the wrong type.
    Field,
    /// The same fact stated twice by the same source.
    DuplicateEdge,
    /// A profile naming a missing node, or with a level outside 1–5.
    Profile,
    /// The graph's node or edge count disagrees with the nodes and edges it holds.
    Counts,
    /// Stored parts of a node (aliases, category, fields) or an edge (its fields, level, tier,
    /// …) that cannot be decoded.
    Encoding,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::DanglingEdge => "dangling edge",
            Rule::EndpointKinds => "endpoint kinds",
            Rule::SelfLoop => "self loop",
            Rule::Importance => "importance",
            Rule::Effort => "effort",
            Rule::PrerequisiteCycle => "prerequisite cycle",
            Rule::MoveSkill => "transition skill",
            Rule::Source => "source",
            Rule::Identity => "identity",
            Rule::Lookup => "lookup",
            Rule::Field => "field",
            Rule::DuplicateEdge => "duplicate edge",
            Rule::Profile => "profile",
            Rule::Counts => "counts",
            Rule::Encoding => "encoding",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One broken rule, with a sentence naming the nodes involved by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: Rule,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.rule, self.message)
    }
}

/// An edge named in a finding, `from kind to` by ids; a `Display` so that the million edges that
/// break no rule cost no string.
struct Fact<'g> {
    graph: &'g Graph,
    from: NodeIndex,
    kind: EdgeKind,
    to: NodeIndex,
}

impl fmt::Display for Fact<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (from, to) = (node_id(self.graph, self.from), node_id(self.graph, self.to));
        write!(f, "`{from} {} {to}`", self.kind)
    }
}

/// Names a node by id where it exists, else by index.
fn node_id(graph: &Graph, ix: NodeIndex) -> String {
    match graph.kind_of(ix) {
        Some(_) => graph.id_of(ix).to_string(),
        None => format!("#{}", ix.index()),
    }
}

/// Checks every rule over the whole graph. An empty list means the graph is consistent.
///
/// Findings come in a fixed order (stored parts, then nodes, edges, graph-wide rules and
/// profiles),
/// so two runs over the same graph print the same report. Cost: linear in nodes plus edges,
/// plus one cycle search over the prerequisites.
pub fn check(graph: &Graph) -> Vec<Finding> {
    // Three passes that share nothing but reads of the graph run side by side, each about a
    // third of the work: the stored parts (decoded when read, so a part that cannot be is
    // found here, not on open) with the derived sections compared with what the body gives;
    // the nodes with the name lookup; the edges.
    let (undecodable, nodes, edges) = std::thread::scope(|scope| {
        let undecodable = scope.spawn(|| graph.undecodable_parts());
        let edges = scope.spawn(|| findings_of(graph, check_edges));
        let nodes = findings_of(graph, |graph, r| {
            check_nodes(graph, r);
            check_label_lookup(graph, r);
        });
        (joined(undecodable), nodes, joined(edges))
    });
    let mut r = Report::new(graph);
    for part in undecodable {
        r.add(Rule::Encoding, part);
    }
    r.findings.extend(nodes);
    r.findings.extend(edges);
    check_graph_wide(graph, &mut r);
    check_profiles(graph, &mut r);
    r.findings
}

/// The findings of one pass of [`check`].
fn findings_of(graph: &Graph, pass: impl FnOnce(&Graph, &mut Report)) -> Vec<Finding> {
    let mut r = Report::new(graph);
    pass(graph, &mut r);
    r.findings
}

/// What a thread of [`check`] answers; its panic, passed on.
fn joined<T>(thread: std::thread::ScopedJoinHandle<'_, T>) -> T {
    thread
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// The findings of [`check`] as they are made.
struct Report {
    findings: Vec<Finding>,
    source_count: usize,
}

impl Report {
    fn new(graph: &Graph) -> Report {
        Report {
            findings: Vec::new(),
            source_count: graph.sources().len(),
        }
    }

    fn add(&mut self, rule: Rule, message: String) {
        self.findings.push(Finding { rule, message });
    }

    /// The ids in `ids` that the source table has no entry for.
    fn bad_sources(&self, ids: &[SourceId]) -> Vec<u16> {
        ids.iter()
            .filter(|id| usize::from(id.0) >= self.source_count)
            .map(|id| id.0)
            .collect()
    }
}

/// Each node: its id (unique, found by the id lookup), name and labels (found by the name
/// lookup), effort hours, sources and fields.
fn check_nodes(graph: &Graph, r: &mut Report) {
    let mut first_with_id: HashMap<&str, NodeIndex, FxBuildHasher> = HashMap::default();
    for ix in graph.node_indices() {
        // Built afresh and kept nowhere: a check reads each node once.
        let node = graph.node_afresh(ix);
        // The id read in place lives as long as the graph, for the map of ids seen.
        let id = graph.id_of(ix);
        if id.trim().is_empty() {
            r.add(
                Rule::Identity,
                format!("node #{} has an empty id", ix.index()),
            );
        }
        if let Some(&other) = first_with_id.get(id) {
            r.add(
                Rule::Identity,
                format!(
                    "the id `{id}` is used by two nodes (#{} and #{})",
                    other.index(),
                    ix.index()
                ),
            );
        } else {
            first_with_id.insert(id, ix);
        }
        // With a repeated id the lookup can only find one of the two; that is the identity
        // finding above, not a stale lookup.
        let found = graph.by_id(id).filter(|&j| graph.kind_of(j).is_some());
        if found.is_none_or(|j| graph.id_of(j) != id) {
            r.add(
                Rule::Lookup,
                format!("`{id}` is not found by its id (the id lookup is stale)"),
            );
        }
        if node.name.trim().is_empty() {
            r.add(Rule::Identity, format!("`{id}` has an empty name"));
        }
        for label in std::iter::once(&node.name).chain(&node.aliases) {
            if !graph.by_label(label).contains(&ix) {
                r.add(
                    Rule::Lookup,
                    format!("`{id}` is not found by its name or alias `{label}`"),
                );
            }
        }
        if let Some(h) = node.effort_hours {
            if node.kind != NodeKind::Skill {
                r.add(
                    Rule::Field,
                    format!("`{id}` is a {} but has effort hours", node.kind),
                );
            }
            if !(h.is_finite() && h >= 0.0) {
                r.add(Rule::Effort, format!("`{id}` has effort hours {h}"));
            }
        }
        if node.sources.is_empty() {
            r.add(Rule::Source, format!("`{id}` lists no source"));
        }
        for bad in r.bad_sources(&node.sources) {
            r.add(
                Rule::Source,
                format!("`{id}` cites source #{bad}, which is not in the source table"),
            );
        }
        for (name, value) in &node.fields {
            match field_spec(node.kind, name) {
                None => r.add(
                    Rule::Field,
                    format!(
                        "`{id}` has a field `{name}`, which a {} does not carry",
                        node.kind
                    ),
                ),
                Some(spec) if !spec.ty.admits(value) => r.add(
                    Rule::Field,
                    format!(
                        "the field `{name}` of `{id}` holds {}, not {}",
                        value.type_name(),
                        spec.ty.as_str()
                    ),
                ),
                Some(_) => {}
            }
            for record in crate::change::sourced_records(name, value) {
                match record.get("source") {
                    Some(Value::Text(key)) if graph.source_id(key).is_some() => {}
                    Some(Value::Text(key)) => r.add(
                        Rule::Source,
                        format!("a `{name}` record of `{id}` cites the unknown source `{key}`"),
                    ),
                    _ => r.add(
                        Rule::Source,
                        format!("a `{name}` record of `{id}` names no source"),
                    ),
                }
            }
            if name == "effort_hours" {
                if let Value::Number(h) = value {
                    if !(h.is_finite() && *h >= 0.0) {
                        r.add(Rule::Effort, format!("`{id}` has effort hours {h}"));
                    }
                }
            }
        }
    }
}

/// The name lookup: every entry points at a node that carries its label.
///
/// Only the overlay's entries are read: the base's are made from the base's own names and
/// aliases (`Frozen::labels`), so each names a node that carries it, and the merged lookup
/// drops the base's entries for the nodes the overlay shadows. The overlay's entries are kept
/// in step one change at a time, and can fall behind.
fn check_label_lookup(graph: &Graph, r: &mut Report) {
    for message in stale_overlay_label_entries(graph) {
        r.add(Rule::Lookup, format!("{message}, which does not carry it"));
    }
}

/// The overlay's stale label entries, in words, sorted ([`stale_label_entries`]).
fn stale_overlay_label_entries(graph: &Graph) -> Vec<String> {
    let entries = graph.overlay().labels.iter();
    stale_label_entries(
        graph,
        entries.map(|(label, nodes)| (label.as_str(), nodes.as_slice())),
    )
}

/// The entries of `entries` (lower-cased label, nodes) that send a label to a node that is
/// gone or does not carry it, in words, sorted.
fn stale_label_entries<'g>(
    graph: &'g Graph,
    entries: impl Iterator<Item = (&'g str, &'g [NodeIndex])>,
) -> Vec<String> {
    // Each node's labels are lower-cased once: an ESCO occupation has dozens of aliases, each
    // a lookup entry of its own.
    let mut lowered: HashMap<NodeIndex, Option<Vec<String>>, FxBuildHasher> = HashMap::default();
    let mut stale: Vec<String> = Vec::new();
    for (label, nodes) in entries {
        for &ix in nodes {
            let labels = lowered.entry(ix).or_insert_with(|| {
                graph.kind_of(ix).map(|_| {
                    let aliases = graph.aliases_of(ix).iter().map(String::as_str);
                    let mut labels: Vec<String> = std::iter::once(graph.name_of(ix))
                        .chain(aliases)
                        .map(str::to_lowercase)
                        .collect();
                    labels.sort_unstable();
                    labels
                })
            });
            let carries = labels
                .as_ref()
                .is_some_and(|l| l.binary_search_by(|x| x.as_str().cmp(label)).is_ok());
            if !carries {
                stale.push(format!(
                    "the name lookup sends `{label}` to #{}",
                    ix.index()
                ));
            }
        }
    }
    stale.sort();
    stale
}

/// Each edge: its ends (of the kinds its kind links), importance, effort hours and sources,
/// and a fact stated twice by one source.
fn check_edges(graph: &Graph, r: &mut Report) {
    // (from, kind, to) → the first edge stating it; for the facts stated more than once, the
    // sources of the edges seen so far, to spot a fact stated twice by one source.
    let mut first_edge: HashMap<(NodeIndex, EdgeKind, NodeIndex), EdgeIndex, FxBuildHasher> =
        HashMap::with_capacity_and_hasher(graph.edge_count(), FxBuildHasher::default());
    let mut repeated: HashMap<(NodeIndex, EdgeKind, NodeIndex), Vec<SourceId>> = HashMap::new();
    for e in graph.edge_indices() {
        let edge = graph.edge_afresh(e);
        let kind = edge.kind;
        let Some((a, b)) = graph.get_edge_endpoints(e) else {
            continue;
        };
        let fact = Fact {
            graph,
            from: a,
            kind,
            to: b,
        };
        let (Some(kind_a), Some(kind_b)) = (graph.kind_of(a), graph.kind_of(b)) else {
            r.add(
                Rule::DanglingEdge,
                format!("{fact} names a node that is not in the graph"),
            );
            continue;
        };
        let (want_from, want_to) = kind.endpoints();
        if kind_a != want_from || kind_b != want_to {
            r.add(
                Rule::EndpointKinds,
                format!(
                    "{fact} joins a {} to a {}; `{kind}` joins a {want_from} to a {want_to}",
                    kind_a, kind_b
                ),
            );
        }
        if a == b {
            r.add(Rule::SelfLoop, format!("{fact} links a node to itself"));
        }
        match (kind, edge.importance) {
            (EdgeKind::Requires, None) => {
                r.add(Rule::Importance, format!("{fact} has no importance"));
            }
            (_, Some(n)) if !(1..=5).contains(&n) => r.add(
                Rule::Importance,
                format!("{fact} has importance {n}, outside 1–5"),
            ),
            _ => {}
        }
        if let Some(h) = edge.effort_hours {
            if !(h.is_finite() && h >= 0.0) {
                r.add(Rule::Effort, format!("{fact} has effort hours {h}"));
            }
        }
        if edge.sources.is_empty() {
            r.add(Rule::Source, format!("{fact} lists no source"));
        }
        for bad in r.bad_sources(&edge.sources) {
            r.add(
                Rule::Source,
                format!("{fact} cites source #{bad}, which is not in the source table"),
            );
        }
        for skill in edge.move_skills() {
            let is_skill = graph.by_id(skill).is_some_and(|ix| {
                graph.kind_of(ix) == Some(NodeKind::Skill) && graph.id_of(ix) == skill
            });
            if !is_skill {
                r.add(
                    Rule::MoveSkill,
                    format!("{fact} names `{skill}` as a skill of the move, but it is not a skill"),
                );
            }
        }
        let key = (a, kind, b);
        let Some(&first) = first_edge.get(&key) else {
            first_edge.insert(key, e);
            continue;
        };
        let earlier = repeated
            .entry(key)
            .or_insert_with(|| graph.edge_sources_of(first).to_vec());
        if edge.sources.iter().any(|s| earlier.contains(s)) {
            r.add(
                Rule::DuplicateEdge,
                format!("{fact} is stated twice by the same source"),
            );
        }
        earlier.extend(edge.sources.iter().copied());
    }
}

/// What no single node or edge shows: the counts agree, and the prerequisites have no cycle.
fn check_graph_wide(graph: &Graph, r: &mut Report) {
    let nodes_held = graph.node_indices().count();
    if nodes_held != graph.node_count() {
        r.add(
            Rule::Counts,
            format!(
                "{} nodes are counted but {nodes_held} held",
                graph.node_count()
            ),
        );
    }
    let edges_held = graph.edge_indices().count();
    let edges_by_kind: usize = EdgeKind::ALL.iter().map(|&k| graph.count_edges(k)).sum();
    if edges_held != graph.edge_count() || edges_by_kind != edges_held {
        r.add(
            Rule::Counts,
            format!(
                "{} edges are counted, {edges_held} held, {edges_by_kind} by kind",
                graph.edge_count()
            ),
        );
    }
    if let Some(cycle) = graph.find_prerequisite_cycle() {
        let ids: Vec<String> = cycle.into_iter().map(|ix| node_id(graph, ix)).collect();
        r.add(
            Rule::PrerequisiteCycle,
            format!("the prerequisites form a cycle: {}", ids.join(" → ")),
        );
    }
}

/// Each saved profile names nodes that exist, at levels from 1 to 5.
fn check_profiles(graph: &Graph, r: &mut Report) {
    for (key, profile) in graph.profiles() {
        if profile.name != *key {
            r.add(
                Rule::Profile,
                format!(
                    "the profile saved as `{key}` calls itself `{}`",
                    profile.name
                ),
            );
        }
        for (id, entry) in &profile.entries {
            // Any node will do: a role stands for the skills it requires.
            if graph.by_id(id).and_then(|ix| graph.get_node(ix)).is_none() {
                r.add(
                    Rule::Profile,
                    format!("the profile `{key}` lists `{id}`, which is not in the graph"),
                );
            }
            if !(1..=5).contains(&entry.level) {
                r.add(
                    Rule::Profile,
                    format!(
                        "the profile `{key}` gives `{id}` level {}, outside 1–5",
                        entry.level
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::model::{Edge, Node, Source};
    use crate::profile::{Profile, ProfileEntry, SkillState};
    use crate::Change;

    fn source(key: &str) -> Source {
        Source {
            key: key.into(),
            title: key.into(),
            url: None,
            author: None,
            publisher: None,
            date: None,
            licence: None,
        }
    }

    fn node(id: &str, kind: NodeKind, s: SourceId) -> Node {
        let mut n = Node::new(id, kind, id.to_uppercase());
        n.sources = vec![s];
        n
    }

    fn edge(kind: EdgeKind, s: SourceId) -> Edge {
        let mut e = Edge::new(kind);
        e.sources = vec![s];
        if kind == EdgeKind::Requires {
            e.importance = Some(3);
        }
        e
    }

    /// A small graph built through validated changes: consistent by construction.
    fn consistent() -> Graph {
        let mut g = Graph::new();
        let s = g.add_source(source("test"));
        for (id, kind) in [
            ("ops", NodeKind::Role),
            ("sre", NodeKind::Role),
            ("linux", NodeKind::Skill),
            ("python", NodeKind::Skill),
            ("k8s", NodeKind::Tool),
        ] {
            g.apply(Change::AddNode(node(id, kind, s))).unwrap();
        }
        for (from, to, kind) in [
            ("sre", "linux", EdgeKind::Requires),
            ("sre", "k8s", EdgeKind::Uses),
            ("k8s", "linux", EdgeKind::Covers),
            ("linux", "python", EdgeKind::Prerequisite),
            ("ops", "sre", EdgeKind::Transition),
        ] {
            let change = Change::AddEdge {
                from: from.into(),
                to: to.into(),
                edge: edge(kind, s),
            };
            g.apply(change).unwrap();
        }
        g
    }

    fn ix(g: &Graph, id: &str) -> petgraph::stable_graph::NodeIndex {
        g.by_id(id).unwrap()
    }

    #[test]
    fn a_graph_built_by_validated_changes_is_consistent() {
        assert_eq!(check(&consistent()), vec![]);
        assert_eq!(check(&Graph::new()), vec![]);
    }

    #[test]
    fn each_broken_rule_is_found_and_named() {
        // Each case breaks one rule through the unchecked graph API, as a bug or a damaged
        // snapshot could.
        type Breakage = fn(&mut Graph);
        let cases: Vec<(Rule, &str, Breakage)> = vec![
            (Rule::EndpointKinds, "joins a skill to a skill", |g| {
                let (a, b) = (ix(g, "linux"), ix(g, "python"));
                g.add_edge(a, b, edge(EdgeKind::Requires, SourceId(0)));
            }),
            (Rule::SelfLoop, "links a node to itself", |g| {
                let a = ix(g, "sre");
                g.add_edge(a, a, edge(EdgeKind::Transition, SourceId(0)));
            }),
            (Rule::Importance, "importance 9, outside 1–5", |g| {
                let (a, b) = (ix(g, "sre"), ix(g, "python"));
                let mut e = edge(EdgeKind::Requires, SourceId(0));
                e.importance = Some(9);
                g.add_edge(a, b, e);
            }),
            (Rule::Importance, "has no importance", |g| {
                let (a, b) = (ix(g, "ops"), ix(g, "python"));
                let mut e = edge(EdgeKind::Requires, SourceId(0));
                e.importance = None;
                g.add_edge(a, b, e);
            }),
            (Rule::Effort, "effort hours -3", |g| {
                let a = ix(g, "linux");
                g.node_mut(a).edit(|n| n.effort_hours = Some(-3.0));
            }),
            (Rule::Effort, "effort hours NaN", |g| {
                let (a, b) = (ix(g, "sre"), ix(g, "ops"));
                let mut e = edge(EdgeKind::Transition, SourceId(0));
                e.effort_hours = Some(f64::NAN);
                g.add_edge(a, b, e);
            }),
            (Rule::PrerequisiteCycle, "python → linux", |g| {
                let (a, b) = (ix(g, "python"), ix(g, "linux"));
                g.add_edge(a, b, edge(EdgeKind::Prerequisite, SourceId(0)));
            }),
            (Rule::MoveSkill, "names `k8s` as a skill of the move", |g| {
                let e = g
                    .edge_indices()
                    .find(|&e| g.edge(e).kind == EdgeKind::Transition);
                g.edge_mut(e.unwrap())
                    .edit(|edge| edge.extra_mut().skills = vec!["linux".into(), "k8s".into()]);
            }),
            (Rule::Source, "cites source #7", |g| {
                let a = ix(g, "k8s");
                g.node_mut(a).edit(|n| n.sources.push(SourceId(7)));
            }),
            (Rule::Source, "lists no source", |g| {
                let e = g.edge_indices().next().unwrap();
                g.edge_mut(e).edit(|edge| edge.sources.clear());
            }),
            (Rule::Identity, "the id `linux` is used by two nodes", |g| {
                g.add_node(node("linux", NodeKind::Skill, SourceId(0)));
            }),
            (Rule::Identity, "has an empty name", |g| {
                let a = ix(g, "ops");
                g.node_mut(a).edit(|n| n.name = " ".into());
            }),
            (Rule::Field, "a role does not carry", |g| {
                let a = ix(g, "sre");
                g.node_mut(a)
                    .edit(|n| n.fields.insert("hot_technology".into(), Value::Bool(true)));
            }),
            (Rule::Field, "holds text, not number", |g| {
                let a = ix(g, "sre");
                g.node_mut(a)
                    .edit(|n| n.fields.insert("job_zone".into(), Value::Text("x".into())));
            }),
            (
                Rule::Source,
                "a `salary` record of `sre` names no source",
                |g| {
                    let a = ix(g, "sre");
                    let salary = Value::Record([("avg".to_string(), Value::Number(1.0))].into());
                    g.node_mut(a)
                        .edit(|n| n.fields.insert("salary".into(), salary));
                },
            ),
            (Rule::DuplicateEdge, "`sre uses k8s` is stated twice", |g| {
                let (a, b) = (ix(g, "sre"), ix(g, "k8s"));
                g.add_edge(a, b, edge(EdgeKind::Uses, SourceId(0)));
            }),
            (Rule::Profile, "level 0, outside 1–5", |g| {
                let mut p = Profile::new("me");
                let entry = ProfileEntry {
                    level: 0,
                    state: SkillState::Held,
                };
                p.entries.insert("linux".into(), entry);
                g.put_profile(p);
            }),
            (Rule::Profile, "`gone`, which is not in the graph", |g| {
                let mut p = Profile::new("me");
                let entry = ProfileEntry {
                    level: 2,
                    state: SkillState::Learning,
                };
                p.entries.insert("gone".into(), entry);
                g.put_profile(p);
            }),
        ];
        for (rule, words, breakage) in cases {
            let mut g = consistent();
            breakage(&mut g);
            let found = check(&g);
            assert!(
                found
                    .iter()
                    .any(|f| f.rule == rule && f.message.contains(words)),
                "expected a {rule} finding saying {words:?}, got {found:?}"
            );
            // The rule broken on purpose is the only one: no finding is a side effect of
            // another (a self loop is not also reported as a cycle, and so on).
            assert!(
                found.iter().all(|f| f.rule == rule),
                "{rule}: unrelated findings {found:?}"
            );
        }
    }

    /// Labels that nodes share under different cases, and one whose lower case depends on
    /// where its sigma stands.
    const LABELS: [&str; 6] = ["Git", "git", "Python", "Data entry", "DATA", "ΟΔΟΣ"];

    /// A graph read from a snapshot (so its labels are the base's), its nodes sharing labels.
    fn labelled_base() -> Graph {
        let mut g = Graph::new();
        let s = g.add_source(source("test"));
        for i in 0..6 {
            let mut n = node(&format!("n{i}"), NodeKind::Skill, s);
            n.name = LABELS[i].into();
            n.aliases = vec![
                LABELS[(i + 1) % 6].into(),
                LABELS[(i * 5) % 6].to_uppercase(),
            ];
            g.add_node(n);
        }
        Graph::from_snapshot(g.to_snapshot()).expect("a snapshot just written reads back")
    }

    /// The stale entries among every entry of the merged name lookup, the base's with the
    /// overlay's: what [`stale_overlay_label_entries`] must find by reading the overlay's alone.
    fn stale_among_every_label_entry(g: &Graph) -> Vec<String> {
        let entries: Vec<(String, Vec<NodeIndex>)> = g
            .labels()
            .map(|(label, nodes)| (label.to_string(), nodes.into_owned()))
            .collect();
        stale_label_entries(g, entries.iter().map(|(l, n)| (l.as_str(), n.as_slice())))
    }

    #[test]
    fn a_stale_overlay_label_entry_is_found_as_among_every_entry() {
        let mut g = labelled_base();
        let git = g.by_id("n0").unwrap();
        g.node_mut(git)
            .edit(|n| n.aliases.push("Version control".into()));
        let python = g.by_id("n2").unwrap();
        g.remove_node(python);
        // Entries a bug in keeping the overlay in step could leave: a label the node does not
        // carry, and a node that is gone.
        let labels = &mut g.overlay_mut().labels;
        labels.entry("svn".into()).or_default().push(git);
        labels.entry("python".into()).or_default().push(python);
        let stale = stale_overlay_label_entries(&g);
        assert_eq!(
            stale,
            [
                "the name lookup sends `python` to #2".to_string(),
                "the name lookup sends `svn` to #0".to_string(),
            ]
        );
        assert_eq!(stale, stale_among_every_label_entry(&g));
    }

    proptest! {
        #[test]
        fn stale_label_entries_are_those_among_every_entry(
            edits in proptest::collection::vec((0u8..6, 0usize..8, 0usize..6), 0..12)
        ) {
            let mut g = labelled_base();
            for (edit, n, k) in edits {
                let ix = NodeIndex::new(n % g.node_bound());
                let label = LABELS[k];
                let exists = g.kind_of(ix).is_some();
                match edit {
                    0 if exists => g.node_mut(ix).edit(|node| node.name = label.into()),
                    1 if exists => g.node_mut(ix).edit(|node| node.aliases.push(label.into())),
                    2 if exists => drop(g.remove_node(ix)),
                    3 => drop(g.add_node(Node::new(format!("new{n}"), NodeKind::Tool, label))),
                    // A bug in the overlay's upkeep: an entry sending a label anywhere.
                    4 => {
                        let labels = &mut g.overlay_mut().labels;
                        labels.entry(label.to_lowercase()).or_default().push(ix);
                    }
                    // Or losing one.
                    5 => drop(g.overlay_mut().labels.remove(&label.to_lowercase())),
                    _ => {}
                }
            }
            prop_assert_eq!(stale_overlay_label_entries(&g), stale_among_every_label_entry(&g));
        }
    }
}
