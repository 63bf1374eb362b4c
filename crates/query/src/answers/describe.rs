//! Answers that describe nodes: `show`, lists, `skills of`, `tools of`, `compare`.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use skillgraph_graph::algo::{Interrupt, Interrupted};
use skillgraph_graph::cmp_ignoring_case;
use skillgraph_graph::{
    EdgeIndex, EdgeKind, Graph, Node, NodeIndex, NodeKind, Value, FIELD_SOURCES,
};

use crate::result::{Cell, ResultTable};

/// The keys of the sources an edge or node cites, in table order.
pub fn source_keys(graph: &Graph, ids: &[skillgraph_graph::SourceId]) -> Vec<String> {
    graph
        .source_keys(ids)
        .into_iter()
        .map(String::from)
        .collect()
}

/// `show X`: every field, the sources, and a summary of the edges around the node.
pub fn show(graph: &Graph, ix: NodeIndex) -> ResultTable {
    let node = graph.node(ix);
    let mut table = ResultTable::new(["field", "value", "sources"])
        .with_title(format!("{} {} ({})", node.kind, node.name, node.id));
    let field_sources = field_sources(graph, node);
    let mut row = |field: &str, value: Cell| {
        // A leaf of a record (`salary.avg`) has the sources of its field.
        let top = field.split(['.', '[']).next().unwrap_or(field);
        let sources = field_sources
            .get(top)
            .map_or(Cell::Null, |keys| Cell::List(keys.clone()));
        table.push(vec![Cell::text(field), value, sources])
    };
    row("id", Cell::text(&node.id));
    row("kind", Cell::text(node.kind.as_str()));
    row("name", Cell::text(&node.name));
    if !node.aliases.is_empty() {
        row("aliases", Cell::List(node.aliases.clone()));
    }
    if let Some(c) = &node.category {
        row("category", Cell::text(c));
    }
    if let Some(h) = node.effort_hours {
        row("effort_hours", Cell::Number(h));
    }
    for (name, value) in &node.fields {
        if name != FIELD_SOURCES {
            flatten_field(name, value, &mut row);
        }
    }
    let sources: Vec<String> = node
        .sources
        .iter()
        .map(|&s| describe_source(graph, s))
        .collect();
    row("sources", Cell::List(sources));
    row("dataset", Cell::text(graph.dataset(ix)));
    // The same concept in other datasets (docs/GRAMMAR.md, Names): what holding it counts for.
    let linked: Vec<String> = graph
        .linked(ix)
        .iter()
        .filter(|&&other| other != ix)
        .map(|&other| {
            let n = graph.node(other);
            format!("{} {} ({}, {})", n.kind, n.name, n.id, graph.dataset(other))
        })
        .collect();
    if !linked.is_empty() {
        row(&format!("same as ({})", linked.len()), Cell::List(linked));
    }
    for (label, kind, outgoing) in edge_sections(node.kind) {
        let mut items: Vec<(f64, String, String)> = Vec::new();
        let edges: Vec<(EdgeIndex, NodeIndex)> = if outgoing {
            graph.out_edges(ix, kind).collect()
        } else {
            graph.in_edges(ix, kind).collect()
        };
        // O*NET's skill and knowledge "Mathematics" are both required: tell them apart.
        let labels = Labels::new(graph, edges.iter().map(|&(_, other)| other));
        for (e, other) in edges {
            let edge = graph.edge(e);
            let mut text = labels.of(graph, [other]).remove(0);
            let mut details = Vec::new();
            if let Some(i) = edge.importance {
                details.push(format!("importance {i}"));
            }
            if let Some(l) = edge.level() {
                details.push(format!("level {l:.1}"));
            }
            if let Some(h) = edge.effort_hours {
                details.push(format!("{} h", skillgraph_graph::format_number(h)));
            }
            let field = |name: &str| edge.extra.as_ref().and_then(|x| x.fields.get(name));
            if let Some(Value::Text(t)) = field(skillgraph_graph::MOVE_TYPE) {
                details.push(if t == skillgraph_graph::TRAP {
                    "a career trap, not a goal".to_string()
                } else {
                    t.clone()
                });
            }
            // O*NET's In Demand: a fact of this role and this tool.
            if let Some(Value::Bool(true)) = field("in_demand") {
                details.push("in demand".to_string());
            }
            // O*NET's Related Occupations: the tier, and the rank that orders them.
            if let Some(Value::Text(tier)) = field("tier") {
                details.push(tier.clone());
            }
            let rank = match field("rank") {
                Some(Value::Number(r)) => {
                    details.push(format!("rank {}", skillgraph_graph::format_number(*r)));
                    *r
                }
                _ => f64::INFINITY,
            };
            details.push(source_keys(graph, &edge.sources).join("+"));
            text.push_str(&format!(" ({})", details.join(", ")));
            items.push((rank, graph.node(other).name.to_lowercase(), text));
        }
        if !items.is_empty() {
            items.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
            row(
                &format!("{label} ({})", items.len()),
                Cell::List(items.into_iter().map(|(_, _, t)| t).collect()),
            );
        }
    }
    table.picture = Some(super::pictures::around(graph, ix));
    table
}

/// The sources that state each of a node's fields: its `field_sources` where it has them; a
/// record's own `source` (a salary, a city's pay); otherwise, for a node of one source, that
/// source. Fields whose source cannot be told apart are left out.
fn field_sources(graph: &Graph, node: &Node) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let stated = source_keys(graph, &node.sources);
    for (name, value) in &node.fields {
        let keys: Vec<String> = match value {
            Value::Record(r) => match r.get("source") {
                Some(Value::Text(k)) => vec![k.clone()],
                _ => Vec::new(),
            },
            Value::List(items) => {
                let mut keys: Vec<String> = items
                    .iter()
                    .filter_map(|i| match i {
                        Value::Record(r) => match r.get("source") {
                            Some(Value::Text(k)) => Some(k.clone()),
                            _ => None,
                        },
                        _ => None,
                    })
                    .collect();
                keys.sort();
                keys.dedup();
                keys
            }
            _ => Vec::new(),
        };
        if !keys.is_empty() {
            out.insert(name.clone(), keys);
        } else if stated.len() == 1 {
            out.insert(name.clone(), stated.clone());
        }
    }
    if let Some(Value::Record(per_field)) = node.fields.get(FIELD_SOURCES) {
        for (name, keys) in per_field {
            if let Value::List(keys) = keys {
                out.insert(name.clone(), keys.iter().map(|k| k.to_string()).collect());
            }
        }
    }
    out.remove(FIELD_SOURCES);
    out
}

/// Records and lists of records become one row per leaf (`salary.avg`, `job_openings[1].count`).
fn flatten_field(name: &str, value: &Value, row: &mut impl FnMut(&str, Cell)) {
    match value {
        Value::Record(map) => {
            for (k, v) in map {
                flatten_field(&format!("{name}.{k}"), v, row);
            }
        }
        Value::List(items) if items.iter().any(|v| matches!(v, Value::Record(_))) => {
            for (i, item) in items.iter().enumerate() {
                flatten_field(&format!("{name}[{}]", i + 1), item, row);
            }
        }
        other => row(name, Cell::from(other)),
    }
}

pub fn describe_source(graph: &Graph, id: skillgraph_graph::SourceId) -> String {
    let s = graph.source(id);
    let mut text = format!("{}: {}", s.key, s.title);
    if let Some(p) = &s.publisher {
        text.push_str(&format!(", {p}"));
    }
    if let Some(d) = &s.date {
        text.push_str(&format!(", {d}"));
    }
    if let Some(u) = &s.url {
        text.push_str(&format!(" <{u}>"));
    }
    if let Some(l) = &s.licence {
        text.push_str(&format!(" [{l}]"));
    }
    text
}

/// `role`, `skill`, `knowledge` (O*NET's knowledge areas, ESCO's knowledge) or `tool`: equal names of
/// different kinds (O*NET's skill and knowledge "Mathematics") are told apart.
pub fn kind_word(graph: &Graph, ix: NodeIndex) -> &'static str {
    let node = graph.node(ix);
    let knowledge = node
        .category
        .as_deref()
        .is_some_and(|c| c.eq_ignore_ascii_case("O*NET knowledge"))
        || matches!(node.fields.get("skill_type"), Some(skillgraph_graph::Value::Text(t)) if t == "knowledge");
    match node.kind {
        NodeKind::Tool => "tool",
        _ if knowledge => "knowledge",
        NodeKind::Role => "role",
        _ => "skill",
    }
}

/// A node's id and kind word, the two cells [`ResultTable::with_row_nodes`] adds to a row.
pub fn node_cells(graph: &Graph, ix: NodeIndex) -> [Cell; 2] {
    [
        Cell::text(&graph.node(ix).id),
        Cell::text(kind_word(graph, ix)),
    ]
}

/// ESCO's own word for how `role` requires `skill`: `essential` or `optional` (which the
/// importer maps to importance 5 and 2), read back from the ESCO edge with the highest
/// importance; `None` where no ESCO source states the requirement.
pub fn esco_relation(graph: &Graph, role: NodeIndex, skill: NodeIndex) -> Option<&'static str> {
    // Most graphs hold no ESCO data: then there is nothing to look up, edge by edge.
    if !graph.sources().iter().any(|s| s.key.starts_with("esco")) {
        return None;
    }
    let edges: Vec<EdgeIndex> = graph
        .out_edges(role, EdgeKind::Requires)
        .filter(|&(_, to)| to == skill)
        .map(|(e, _)| e)
        .collect();
    esco_word(graph, &edges)
}

/// [`esco_relation`] of the parallel `requires` edges of one role and one skill.
fn esco_word(graph: &Graph, edges: &[EdgeIndex]) -> Option<&'static str> {
    edges
        .iter()
        .filter(|&&e| {
            graph
                .edge(e)
                .sources
                .iter()
                .any(|&s| graph.source(s).key.starts_with("esco"))
        })
        .filter_map(|&e| graph.edge(e).importance)
        .max()
        .map(|importance| {
            if importance >= skillgraph_graph::algo::DEFAULT_MIN_IMPORTANCE {
                "essential"
            } else {
                "optional"
            }
        })
}

/// Which edge lists `show` prints for a kind: (label, edge kind, outgoing?).
fn edge_sections(kind: NodeKind) -> Vec<(&'static str, EdgeKind, bool)> {
    match kind {
        NodeKind::Role => vec![
            ("requires", EdgeKind::Requires, true),
            ("uses", EdgeKind::Uses, true),
            ("moves to", EdgeKind::Transition, true),
            ("moves from", EdgeKind::Transition, false),
        ],
        NodeKind::Skill => vec![
            ("required by", EdgeKind::Requires, false),
            ("covered by", EdgeKind::Covers, false),
            ("needs first", EdgeKind::Prerequisite, false),
            ("leads to", EdgeKind::Prerequisite, true),
        ],
        NodeKind::Tool => vec![
            ("covers", EdgeKind::Covers, true),
            ("used by", EdgeKind::Uses, false),
        ],
    }
}

/// Skills a role requires, one row per skill: if sources state it separately, the row shows the
/// highest importance and every source, and a note lists where they differ. Rows by importance
/// (highest first), then name.
pub fn skills_of(graph: &Graph, role: NodeIndex) -> ResultTable {
    let mut table = ResultTable::new([
        "skill",
        "importance",
        "esco_relation",
        "effort_hours",
        "category",
        "sources",
        "note",
    ])
    .with_row_nodes("skill")
    .with_title(format!("skills {} requires", graph.name_of(role)));
    let (edges, groups) = grouped_out_edges(graph, role, EdgeKind::Requires);
    let importance = |e: &EdgeIndex| graph.edge(*e).importance;
    let mut rows: Vec<(NodeIndex, &Node, &[EdgeIndex], Option<u8>)> = groups
        .into_iter()
        .map(|(skill, range)| {
            let group = &edges[range];
            let highest = group.iter().filter_map(importance).max();
            (skill, graph.node(skill), group, highest)
        })
        .collect();
    // One sort on borrowed names (no lower-cased copies): highest importance first (none counts
    // as 0), then by name. Stable, so skills equal in both keep index order.
    let rank = |highest: Option<u8>| highest.map_or(0, i64::from);
    rows.sort_by(|a, b| rank(b.3).cmp(&rank(a.3)).then_with(|| by_name(a.1, b.1)));
    table.rows.reserve(rows.len());
    let mut conflicts: Vec<(NodeIndex, String)> = Vec::new();
    for (skill, node, group, highest) in rows {
        let mut stated = group.iter().filter_map(importance);
        let differ = stated
            .next()
            .is_some_and(|first| stated.any(|other| other != first));
        if differ {
            let stated: Vec<String> = group
                .iter()
                .map(|&e| {
                    format!(
                        "{} says {}",
                        source_keys(graph, &graph.edge(e).sources).join("+"),
                        graph.edge(e).importance.unwrap_or(0)
                    )
                })
                .collect();
            conflicts.push((
                skill,
                format!(
                    "sources differ on the importance of {}: {}",
                    node.name,
                    stated.join(", ")
                ),
            ));
        }
        let (sources, notes) = edge_sources_and_notes(graph, group);
        let [id, kind] = node_cells(graph, skill);
        table.push(vec![
            Cell::text(&node.name),
            Cell::opt_number(highest.map(f64::from)),
            esco_word(graph, group).map_or(Cell::Null, Cell::text),
            Cell::opt_number(node.effort_hours),
            node.category.as_deref().map_or(Cell::Null, Cell::text),
            Cell::List(sources),
            notes,
            id,
            kind,
        ]);
    }
    // The notes go by name, whatever the rows' order.
    conflicts.sort_by(|a, b| graph.order_by_name(a.0, b.0).then(a.0.cmp(&b.0)));
    table.notes = conflicts.into_iter().map(|(_, note)| note).collect();
    if let Some(note) = importance_note(graph, role) {
        table.note(note);
    }
    table
}

/// Where a role's importances come from, when they are not a dataset's own rating: the curated
/// graph's 1–5 is the project's reading of the articles, ESCO's is its essential/optional
/// mapped to 5/2. O*NET's IM is O*NET's own, and needs no note.
pub fn importance_note(graph: &Graph, role: NodeIndex) -> Option<String> {
    // The datasets' sources, once: the edges are then checked by id, without copying keys.
    let of_dataset = |prefix: &str| -> Vec<skillgraph_graph::SourceId> {
        (0..graph.sources().len())
            .map(|i| skillgraph_graph::SourceId(i as u16))
            .filter(|&id| graph.source(id).key.starts_with(prefix))
            .collect()
    };
    let (esco_ids, onet_ids) = (of_dataset("esco"), of_dataset("onet"));
    let mut editorial = false;
    let mut esco = false;
    for (e, _) in graph.out_edges(role, EdgeKind::Requires) {
        let sources = &graph.edge(e).sources;
        if sources.iter().any(|s| esco_ids.contains(s)) {
            esco = true;
        } else if !sources.iter().any(|s| onet_ids.contains(s)) {
            editorial = true;
        }
    }
    match (editorial, esco) {
        (false, false) => None,
        (true, _) => Some(format!(
            "importance for {} is the project's reading of its sources on a 1–5 scale \
             (5 core, 4 stated must-have, 3 shared or secondary, 2–1 nice to have), not a figure \
             they state",
            graph.name_of(role)
        )),
        (false, true) => Some(format!(
            "importance for {} is ESCO's essential (5) or optional (2), as skillgraph maps them",
            graph.name_of(role)
        )),
    }
}

/// Tools a role uses, by name. `in_demand` is O*NET's flag for this role and tool (on the
/// `uses` edge: employers ask for the tool in this role), `hot_technology` O*NET's flag for
/// the tool across roles; both empty where no source states them.
pub fn tools_of(graph: &Graph, role: NodeIndex) -> ResultTable {
    let mut table = ResultTable::new([
        "tool",
        "category",
        "in_demand",
        "hot_technology",
        "covers",
        "sources",
        "note",
    ])
    .with_row_nodes("tool")
    .with_title(format!("tools {} uses", graph.node(role).name));
    let (edges, mut groups) = grouped_out_edges(graph, role, EdgeKind::Uses);
    // Stable: tools with one name and id keep index order.
    groups.sort_by(|a, b| graph.order_by_name(a.0, b.0));
    let onet = |e: &EdgeIndex| {
        graph
            .edge(*e)
            .sources
            .iter()
            .any(|&s| graph.source(s).key.starts_with("onet"))
    };
    for (tool, range) in groups {
        let node = graph.node(tool);
        let group = &edges[range];
        // O*NET writes the flag on every row: an O*NET edge without it says N.
        let in_demand = group
            .iter()
            .map(|e| match graph.edge(*e).field("in_demand") {
                Some(Value::Bool(b)) => Some(*b),
                _ => onet(e).then_some(false),
            })
            .fold(None, |all: Option<bool>, one| match (all, one) {
                (Some(a), Some(b)) => Some(a || b),
                (a, b) => a.or(b),
            });
        let (sources, notes) = edge_sources_and_notes(graph, group);
        let [id, kind] = node_cells(graph, tool);
        table.push(vec![
            Cell::text(&node.name),
            node.category.as_deref().map_or(Cell::Null, Cell::text),
            in_demand.map_or(Cell::Null, Cell::Bool),
            match node.fields.get("hot_technology") {
                Some(Value::Bool(b)) => Cell::Bool(*b),
                _ => Cell::Null,
            },
            Cell::List(names(graph, covered_skills(graph, tool))),
            Cell::List(sources),
            notes,
            id,
            kind,
        ]);
    }
    table
}

/// Out-edges of one kind grouped by target: the edges ordered by target, then by their source
/// lists, else as `out_edges` gives them; and each target (ascending index) with the range of
/// its edges there.
fn grouped_out_edges(
    graph: &Graph,
    from: NodeIndex,
    kind: EdgeKind,
) -> (Vec<EdgeIndex>, Vec<(NodeIndex, Range<usize>)>) {
    let mut edges: Vec<(NodeIndex, EdgeIndex)> =
        graph.out_edges(from, kind).map(|(e, to)| (to, e)).collect();
    // Stable: a target's edges with equal source lists stay in `out_edges` order.
    edges.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| graph.edge(a.1).sources.cmp(&graph.edge(b.1).sources))
    });
    let mut groups: Vec<(NodeIndex, Range<usize>)> = Vec::new();
    for (i, &(to, _)) in edges.iter().enumerate() {
        match groups.last_mut() {
            Some((last, range)) if *last == to => range.end = i + 1,
            _ => groups.push((to, i..i + 1)),
        }
    }
    (edges.into_iter().map(|(_, e)| e).collect(), groups)
}

/// The keys of the sources the edges cite (each once, in order) and their notes joined.
fn edge_sources_and_notes(graph: &Graph, edges: &[EdgeIndex]) -> (Vec<String>, Cell) {
    let mut sources: Vec<String> = Vec::new();
    let mut notes: Vec<&str> = Vec::new();
    for &e in edges {
        let edge = graph.edge(e);
        for &id in &edge.sources {
            let key = graph.source(id).key.as_str();
            if !sources.iter().any(|s| s == key) {
                sources.push(key.to_string());
            }
        }
        notes.extend(edge.note());
    }
    let notes = if notes.is_empty() {
        Cell::Null
    } else {
        Cell::text(notes.join("; "))
    };
    (sources, notes)
}

/// The names of `nodes`, each node once, in [`Graph::order_by_name`] order.
pub fn names(graph: &Graph, nodes: impl IntoIterator<Item = NodeIndex>) -> Vec<String> {
    // Each node looked up once, not twice per comparison.
    let mut list: Vec<(NodeIndex, &Node)> =
        nodes.into_iter().map(|ix| (ix, graph.node(ix))).collect();
    list.sort_by(|a, b| by_name(a.1, b.1));
    list.dedup_by_key(|&mut (ix, _)| ix);
    list.into_iter()
        .map(|(_, node)| node.name.clone())
        .collect()
}

/// Names for the nodes of one answer that tell equal names apart: a name no other node of the
/// answer shares (ignoring case) as it is, the others followed by their kind (`Mathematics
/// (knowledge)`) where the kinds differ, else by their id. The same rule as
/// [`ResultTable::for_people`], for answers that list names inside a cell.
pub struct Labels {
    marked: std::collections::HashMap<NodeIndex, String>,
}

impl Labels {
    pub fn new(graph: &Graph, nodes: impl IntoIterator<Item = NodeIndex>) -> Labels {
        let mut by_name: BTreeMap<String, BTreeSet<NodeIndex>> = BTreeMap::new();
        for ix in nodes {
            by_name
                .entry(graph.node(ix).name.to_lowercase())
                .or_default()
                .insert(ix);
        }
        let mut marked = std::collections::HashMap::new();
        for same in by_name.values().filter(|s| s.len() > 1) {
            let kinds: BTreeSet<&str> = same.iter().map(|&ix| kind_word(graph, ix)).collect();
            for &ix in same {
                let node = graph.node(ix);
                let mark = if kinds.len() == same.len() {
                    kind_word(graph, ix)
                } else {
                    node.id.as_str()
                };
                marked.insert(ix, format!("{} ({mark})", node.name));
            }
        }
        Labels { marked }
    }

    /// The labels of `nodes`, each once, in [`Graph::order_by_name`] order (as [`names`]).
    pub fn of(&self, graph: &Graph, nodes: impl IntoIterator<Item = NodeIndex>) -> Vec<String> {
        let mut list: Vec<(NodeIndex, &Node)> =
            nodes.into_iter().map(|ix| (ix, graph.node(ix))).collect();
        list.sort_by(|a, b| by_name(a.1, b.1));
        list.dedup_by_key(|&mut (ix, _)| ix);
        list.into_iter()
            .map(|(ix, node)| {
                self.marked
                    .get(&ix)
                    .cloned()
                    .unwrap_or_else(|| node.name.clone())
            })
            .collect()
    }
}

/// [`Graph::order_by_name`] of two nodes at hand.
fn by_name(a: &Node, b: &Node) -> Ordering {
    cmp_ignoring_case(&a.name, &b.name).then_with(|| a.id.cmp(&b.id))
}

pub fn covered_skills(graph: &Graph, tool: NodeIndex) -> Vec<NodeIndex> {
    graph
        .out_edges(tool, EdgeKind::Covers)
        .map(|(_, s)| s)
        .collect()
}

fn targets(graph: &Graph, from: NodeIndex, kind: EdgeKind) -> BTreeSet<NodeIndex> {
    graph.out_edges(from, kind).map(|(_, t)| t).collect()
}

/// `compare A, B`: skills and tools side by side, the overlap, and the role fields.
pub fn compare(graph: &Graph, left: NodeIndex, right: NodeIndex) -> ResultTable {
    let (l, r) = (graph.node(left), graph.node(right));
    let mut table = ResultTable::new([
        "aspect",
        l.name.as_str(),
        r.name.as_str(),
        "shared",
        "sources",
    ])
    .with_title(format!("compare {} and {}", l.name, r.name));
    let edge_sources = |kind: EdgeKind| {
        let mut keys: Vec<String> = [left, right]
            .iter()
            .flat_map(|&n| graph.out_edges(n, kind).collect::<Vec<_>>())
            .flat_map(|(e, _)| source_keys(graph, &graph.edge(e).sources))
            .collect();
        keys.sort();
        keys.dedup();
        Cell::List(keys)
    };
    // Every name the lists show, so that equal names (O*NET's skill and knowledge
    // "Mathematics") are told apart wherever they meet in this answer.
    let shown: Vec<NodeIndex> = [EdgeKind::Requires, EdgeKind::Uses]
        .iter()
        .flat_map(|&kind| [left, right].map(|n| targets(graph, n, kind)))
        .flatten()
        .collect();
    let labels = Labels::new(graph, shown);
    for (label, kind) in [("skills", EdgeKind::Requires), ("tools", EdgeKind::Uses)] {
        let (a, b) = (targets(graph, left, kind), targets(graph, right, kind));
        let shared: Vec<NodeIndex> = a.intersection(&b).copied().collect();
        let only_a: Vec<NodeIndex> = a.difference(&b).copied().collect();
        let only_b: Vec<NodeIndex> = b.difference(&a).copied().collect();
        let union = a.union(&b).count();
        table.push(vec![
            Cell::text(format!("{label} (only / shared)")),
            Cell::List(labels.of(graph, only_a)),
            Cell::List(labels.of(graph, only_b)),
            Cell::List(labels.of(graph, shared.iter().copied())),
            edge_sources(kind),
        ]);
        table.push(vec![
            Cell::text(format!("{label} (count)")),
            Cell::Number(a.len() as f64),
            Cell::Number(b.len() as f64),
            Cell::Number(shared.len() as f64),
            Cell::Null,
        ]);
        // A share of nothing is no figure: with one side empty the data says nothing of it,
        // which is not the same as the two roles having nothing in common.
        let overlap = if a.is_empty() || b.is_empty() {
            Cell::Null
        } else {
            Cell::Number((shared.len() as f64 * 1000.0 / union as f64).round() / 10.0)
        };
        table.push(vec![
            Cell::text(format!("{label} overlap % (shared ÷ either)")),
            Cell::Null,
            Cell::Null,
            overlap,
            Cell::Null,
        ]);
        for (side, set) in [(l, &a), (r, &b)] {
            if set.is_empty() {
                table.note(format!(
                    "{} lists no {label} in the data, so the {label} overlap is not computed",
                    side.name
                ));
            }
        }
    }
    let mut fields: Vec<String> = Vec::new();
    for node in [l, r] {
        // Per-city and per-platform tables do not line up side by side; `show` has them.
        let side_by_side = node
            .fields
            .iter()
            .filter(|(name, _)| name.as_str() != FIELD_SOURCES)
            .filter(|(_, v)| !matches!(v, Value::List(items) if items.iter().any(|i| matches!(i, Value::Record(_)))));
        for (name, value) in side_by_side {
            let mut leaf_names = Vec::new();
            flatten_field(name, value, &mut |n: &str, _| {
                leaf_names.push(n.to_string())
            });
            for n in leaf_names {
                if !fields.contains(&n) {
                    fields.push(n);
                }
            }
        }
    }
    let leaf = |node: &skillgraph_graph::Node, wanted: &str| {
        let mut found = Cell::Null;
        for (name, value) in &node.fields {
            flatten_field(name, value, &mut |n: &str, c| {
                if n == wanted {
                    found = c;
                }
            });
        }
        found
    };
    let (sources_l, sources_r) = (field_sources(graph, l), field_sources(graph, r));
    for f in fields {
        let (a, b) = (leaf(l, &f), leaf(r, &f));
        let shared = if a == b { a.clone() } else { Cell::Null };
        let top = f.split(['.', '[']).next().unwrap_or(&f);
        let mut keys: Vec<String> = [&sources_l, &sources_r]
            .iter()
            .flat_map(|m| m.get(top).cloned().unwrap_or_default())
            .collect();
        keys.sort();
        keys.dedup();
        table.push(vec![Cell::text(f), a, b, shared, Cell::List(keys)]);
    }
    table.picture = Some(super::pictures::compare(graph, left, right));
    table
}

/// `neighbourhood X depth N`: every node within N edges of X (either direction, any kind), and
/// the edges among them. One row per edge, so the table is also the picture's edge list.
pub fn neighbourhood(
    graph: &Graph,
    center: NodeIndex,
    depth: usize,
    interrupt: &Interrupt,
) -> Result<ResultTable, Interrupted> {
    // Three steps from an O*NET occupation reach most of the graph: tens of thousands of rows.
    let mut poll = interrupt.poll();
    let mut seen: BTreeMap<NodeIndex, usize> = BTreeMap::new();
    seen.insert(center, 0);
    let mut frontier = vec![center];
    for d in 1..=depth {
        let mut next = Vec::new();
        for &ix in &frontier {
            for other in graph.neighbours(ix) {
                poll.step()?;
                if let std::collections::btree_map::Entry::Vacant(slot) = seen.entry(other) {
                    slot.insert(d);
                    next.push(other);
                }
            }
        }
        frontier = next;
    }
    let mut table =
        ResultTable::new(["from", "edge", "to", "detail", "sources"]).with_title(format!(
            "neighbourhood of {} (depth {depth}): {} nodes",
            graph.node(center).name,
            seen.len()
        ));
    let mut rows: Vec<(String, String, String, Vec<Cell>)> = Vec::new();
    let mut drawn = Vec::new();
    let labels = Labels::new(graph, seen.keys().copied());
    for e in graph.edge_indices() {
        poll.step()?;
        let (a, b) = graph.edge_endpoints(e);
        if !(seen.contains_key(&a) && seen.contains_key(&b)) {
            continue;
        }
        drawn.push(e);
        let edge = graph.edge(e);
        let detail = match (edge.importance, edge.effort_hours) {
            (Some(i), _) => format!("importance {i}"),
            (_, Some(h)) => format!("{} h", skillgraph_graph::format_number(h)),
            _ => String::new(),
        };
        let (na, nb) = (
            &labels.of(graph, [a]).remove(0),
            &labels.of(graph, [b]).remove(0),
        );
        rows.push((
            edge.kind.as_str().to_string(),
            na.to_lowercase(),
            nb.to_lowercase(),
            vec![
                Cell::text(na),
                Cell::text(edge.kind.as_str()),
                Cell::text(nb),
                if detail.is_empty() {
                    Cell::Null
                } else {
                    Cell::text(detail)
                },
                Cell::List(source_keys(graph, &edge.sources)),
            ],
        ));
    }
    interrupt.check()?;
    rows.sort_by(|x, y| (&x.0, &x.1, &x.2).cmp(&(&y.0, &y.1, &y.2)));
    interrupt.check()?;
    table.rows = rows.into_iter().map(|r| r.3).collect();
    table.picture = Some(super::pictures::subgraph(
        graph,
        center,
        seen.keys().copied(),
        drawn,
    ));
    Ok(table)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use skillgraph_graph::{Edge, Source, SourceId};

    use super::*;

    /// `skills_of` as first written: the definition the one above must agree with (a vector of
    /// edges per skill, skills in name order, rows sorted on lower-cased copies of the names).
    fn skills_of_simply(graph: &Graph, role: NodeIndex) -> ResultTable {
        // No source of these graphs is ESCO's, so `esco_relation` stays empty.
        let mut table = ResultTable::new([
            "skill",
            "importance",
            "esco_relation",
            "effort_hours",
            "category",
            "sources",
            "note",
        ])
        .with_row_nodes("skill")
        .with_title(format!("skills {} requires", graph.node(role).name));
        for (skill, edges) in groups_simply(graph, role, EdgeKind::Requires) {
            let node = graph.node(skill);
            let importances: BTreeSet<u8> = edges
                .iter()
                .filter_map(|&e| graph.edge(e).importance)
                .collect();
            let (sources, notes) = sources_and_notes_simply(graph, &edges);
            if importances.len() > 1 {
                let stated: Vec<String> = edges
                    .iter()
                    .map(|&e| {
                        format!(
                            "{} says {}",
                            source_keys(graph, &graph.edge(e).sources).join("+"),
                            graph.edge(e).importance.unwrap_or(0)
                        )
                    })
                    .collect();
                table.note(format!(
                    "sources differ on the importance of {}: {}",
                    node.name,
                    stated.join(", ")
                ));
            }
            table.push(vec![
                Cell::text(&node.name),
                Cell::opt_number(importances.last().map(|&i| f64::from(i))),
                Cell::Null,
                Cell::opt_number(node.effort_hours),
                node.category.as_deref().map_or(Cell::Null, Cell::text),
                Cell::List(sources),
                notes,
                Cell::text(&node.id),
                Cell::text("skill"),
            ]);
        }
        let number = |cell: &Cell| match cell {
            Cell::Number(n) => *n,
            _ => 0.0,
        };
        table.rows.sort_by_cached_key(|row| {
            (-(number(&row[1]) as i64), row[0].display("").to_lowercase())
        });
        table
    }

    /// `tools_of` as first written.
    fn tools_of_simply(graph: &Graph, role: NodeIndex) -> ResultTable {
        // No source of these graphs is O*NET's, and no edge or tool states a flag.
        let mut table = ResultTable::new([
            "tool",
            "category",
            "in_demand",
            "hot_technology",
            "covers",
            "sources",
            "note",
        ])
        .with_row_nodes("tool")
        .with_title(format!("tools {} uses", graph.node(role).name));
        for (tool, edges) in groups_simply(graph, role, EdgeKind::Uses) {
            let node = graph.node(tool);
            let (sources, notes) = sources_and_notes_simply(graph, &edges);
            let mut covered: Vec<NodeIndex> = covered_skills(graph, tool);
            covered.sort_by(|&a, &b| graph.order_by_name(a, b));
            covered.dedup();
            table.push(vec![
                Cell::text(&node.name),
                node.category.as_deref().map_or(Cell::Null, Cell::text),
                Cell::Null,
                Cell::Null,
                Cell::List(
                    covered
                        .into_iter()
                        .map(|ix| graph.node(ix).name.clone())
                        .collect(),
                ),
                Cell::List(sources),
                notes,
                Cell::text(&node.id),
                Cell::text("tool"),
            ]);
        }
        table
            .rows
            .sort_by_cached_key(|row| row[0].display("").to_lowercase());
        table
    }

    fn groups_simply(
        graph: &Graph,
        from: NodeIndex,
        kind: EdgeKind,
    ) -> Vec<(NodeIndex, Vec<EdgeIndex>)> {
        let mut edges: Vec<(NodeIndex, EdgeIndex)> =
            graph.out_edges(from, kind).map(|(e, to)| (to, e)).collect();
        edges.sort_by_key(|&(to, _)| to);
        let mut list: Vec<(NodeIndex, Vec<EdgeIndex>)> = Vec::new();
        for (to, e) in edges {
            match list.last_mut() {
                Some((last, group)) if *last == to => group.push(e),
                _ => list.push((to, vec![e])),
            }
        }
        for (_, edges) in &mut list {
            edges.sort_by_key(|&e| graph.edge(e).sources.clone());
        }
        list.sort_by(|a, b| graph.order_by_name(a.0, b.0));
        list
    }

    fn sources_and_notes_simply(graph: &Graph, edges: &[EdgeIndex]) -> (Vec<String>, Cell) {
        let mut sources: Vec<String> = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        for &e in edges {
            for key in source_keys(graph, &graph.edge(e).sources) {
                if !sources.contains(&key) {
                    sources.push(key);
                }
            }
            if let Some(n) = graph.edge(e).note() {
                notes.push(n.to_string());
            }
        }
        let notes = if notes.is_empty() {
            Cell::Null
        } else {
            Cell::text(notes.join("; "))
        };
        (sources, notes)
    }

    /// Names that tie or nearly tie ignoring case, some not ASCII.
    const NAMES: &[&str] = &[
        "go", "Go", "GO", "git", "Git lab", "é", "É", "ß", "ss", "Σa", "σa",
    ];

    /// A stated fact: the end (an index into the skills or tools), importance, sources, note.
    type Fact = (usize, Option<u8>, Vec<u16>, bool);

    fn fact(ends: usize) -> impl Strategy<Value = Fact> {
        (
            0..ends,
            prop::option::of(0u8..=5),
            prop::collection::vec(0u16..3, 0..3),
            any::<bool>(),
        )
    }

    fn edge(kind: EdgeKind, (_, importance, sources, note): &Fact) -> Edge {
        let mut edge = Edge::new(kind);
        edge.importance = *importance;
        edge.sources = sources.iter().map(|&s| SourceId(s)).collect();
        if *note {
            edge.extra_mut().note = Some(format!("note {}", sources.len()));
        }
        edge
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        #[test]
        fn skills_of_and_tools_of_are_as_first_defined(
            skills in prop::collection::vec(prop::sample::select(NAMES), 1..7),
            tools in prop::collection::vec(prop::sample::select(NAMES), 1..4),
            requires in prop::collection::vec(fact(6), 0..14),
            uses in prop::collection::vec(fact(3), 0..6),
            covers in prop::collection::vec((0usize..3, 0usize..6), 0..6),
        ) {
            let mut graph = Graph::new();
            for key in ["b", "a", "c"] {
                graph.add_source(Source {
                    key: key.to_string(),
                    title: key.to_uppercase(),
                    url: None,
                    author: None,
                    publisher: None,
                    date: None,
                    licence: None,
                });
            }
            let role = graph.add_node(Node::new("r", NodeKind::Role, "Role"));
            let skills: Vec<NodeIndex> = skills
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let mut node = Node::new(format!("s{}", 9 - i), NodeKind::Skill, *name);
                    node.effort_hours = (i % 2 == 0).then_some(i as f64 * 1.5);
                    node.category = (i % 3 == 0).then(|| "cat".to_string());
                    graph.add_node(node)
                })
                .collect();
            let tools: Vec<NodeIndex> = tools
                .iter()
                .enumerate()
                .map(|(i, name)| graph.add_node(Node::new(format!("t{i}"), NodeKind::Tool, *name)))
                .collect();
            for f in &requires {
                graph.add_edge(role, skills[f.0 % skills.len()], edge(EdgeKind::Requires, f));
            }
            for f in &uses {
                graph.add_edge(role, tools[f.0 % tools.len()], edge(EdgeKind::Uses, f));
            }
            for &(t, s) in &covers {
                let (t, s) = (tools[t % tools.len()], skills[s % skills.len()]);
                graph.add_edge(t, s, Edge::new(EdgeKind::Covers));
            }
            let frozen = Graph::from_snapshot(graph.to_snapshot()).expect("a snapshot reads back");
            for g in [&graph, &frozen] {
                // The oracle restates the rows and conflict notes; the note on where
                // importances come from is `importance_note`'s, checked on its own.
                let mut got = skills_of(g, role);
                got.notes.retain(|n| Some(n) != importance_note(g, role).as_ref());
                prop_assert_eq!(got, skills_of_simply(g, role));
                prop_assert_eq!(tools_of(g, role), tools_of_simply(g, role));
            }
        }
    }
}
