//! Answers that describe nodes: `show`, lists, `skills of`, `tools of`, `compare`,
//! `neighbourhood`; here `show`, `neighbourhood` and the helpers the answers share (sources,
//! kind words, labels that tell equal names apart). What a role requires and uses is in
//! `requirements`, `compare` in `compare`.

mod compare;
mod requirements;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use skillgraph_graph::algo::{Interrupt, Interrupted};
use skillgraph_graph::{
    EdgeIndex, EdgeKind, Graph, Node, NodeIndex, NodeKind, Value, FIELD_SOURCES,
};

use crate::result::{Cell, CompactString, ResultTable};

pub use compare::compare;
pub use requirements::{has_requirements, no_requirements, skills_of, tools_of};

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
    // The node and its edges are read in place, the node built for this answer alone: a role's
    // hundreds of edges each built with the chunk around it were half of `show`'s time.
    let node = graph.node_afresh(ix);
    let mut table = ResultTable::new(["field", "value", "sources"])
        .with_title(format!("{} {} ({})", node.kind, node.name, node.id));
    let field_sources = field_sources(graph, &node);
    let mut row = |field: &str, value: Cell| {
        // A leaf of a record (`salary.avg`) has the sources of its field.
        let top = field.split(['.', '[']).next().unwrap_or(field);
        let sources = field_sources
            .get(top)
            .map_or(Cell::Null, |keys| Cell::list(keys.clone()));
        table.push(vec![Cell::text(field), value, sources])
    };
    row("id", Cell::text(&node.id));
    row("kind", Cell::text(node.kind.as_str()));
    row("name", Cell::text(&node.name));
    if !node.aliases.is_empty() {
        row("aliases", Cell::list(node.aliases.clone()));
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
    row("sources", Cell::list(sources));
    row("dataset", Cell::text(graph.dataset(ix)));
    // The same concept in other datasets (docs/GRAMMAR.md, Names): what holding it counts for.
    let linked: Vec<String> = graph
        .linked(ix)
        .iter()
        .filter(|&&other| other != ix)
        .map(|&other| {
            let kind = graph.kind_of(other).expect("a linked node exists");
            let (name, id) = (graph.name_of(other), graph.id_of(other));
            format!("{kind} {name} ({id}, {})", graph.dataset(other))
        })
        .collect();
    if !linked.is_empty() {
        row(&format!("same as ({})", linked.len()), Cell::list(linked));
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
            let mut text = labels.of(graph, [other]).remove(0);
            let mut details = Vec::new();
            if let Some(i) = graph.importance_of(e) {
                details.push(format!("importance {i}"));
            }
            if let Some(l) = graph.level_of(e) {
                details.push(format!("level {l:.1}"));
            }
            if let Some(h) = graph.edge_effort_of(e) {
                details.push(format!("{} h", skillgraph_graph::format_number(h)));
            }
            let field = |name: &str| graph.edge_field_of(e, name);
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
            details.push(source_keys(graph, graph.edge_sources_of(e)).join("+"));
            text.push_str(&format!(" ({})", details.join(", ")));
            items.push((rank, graph.name_of(other).to_lowercase(), text));
        }
        if !items.is_empty() {
            items.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
            row(
                &format!("{label} ({})", items.len()),
                Cell::list(items.into_iter().map(|(_, _, t)| t)),
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
    let kind = graph.kind_of(ix).expect("node index from this graph");
    if kind == NodeKind::Tool {
        return "tool";
    }
    let knowledge = graph
        .category_of(ix)
        .is_some_and(|c| c.eq_ignore_ascii_case("O*NET knowledge"))
        || matches!(graph.field_of(ix, "skill_type"), Some(skillgraph_graph::Value::Text(t)) if t == "knowledge");
    match kind {
        _ if knowledge => "knowledge",
        NodeKind::Role => "role",
        _ => "skill",
    }
}

/// A node's id and kind word, the two cells [`ResultTable::with_row_nodes`] adds to a row.
pub fn node_cells(graph: &Graph, ix: NodeIndex) -> [Cell; 2] {
    [
        Cell::text(graph.id_of(ix)),
        Cell::text(kind_word(graph, ix)),
    ]
}

/// Whether the graph holds ESCO data. Most graphs hold none: then no edge need be asked for
/// ESCO's word.
fn holds_esco(graph: &Graph) -> bool {
    graph.sources().iter().any(|s| s.key.starts_with("esco"))
}

/// ESCO's own word for how `role` requires `skill`: `essential` or `optional` (which the
/// importer maps to importance 5 and 2), read back from the ESCO edge with the highest
/// importance; `None` where no ESCO source states the requirement.
pub fn esco_relation(graph: &Graph, role: NodeIndex, skill: NodeIndex) -> Option<&'static str> {
    if !holds_esco(graph) {
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
            (graph.edge_sources_of(e).iter()).any(|&s| graph.source(s).key.starts_with("esco"))
        })
        .filter_map(|&e| graph.importance_of(e))
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

/// The names of `nodes`, each node once, in [`Graph::order_by_name`] order.
pub fn names(graph: &Graph, nodes: impl IntoIterator<Item = NodeIndex>) -> Vec<String> {
    let mut list: Vec<NodeIndex> = nodes.into_iter().collect();
    list.sort_by(|&a, &b| graph.order_by_name(a, b));
    list.dedup();
    list.into_iter()
        .map(|ix| graph.name_of(ix).to_string())
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
                .entry(graph.name_of(ix).to_lowercase())
                .or_default()
                .insert(ix);
        }
        let mut marked = std::collections::HashMap::new();
        for same in by_name.values().filter(|s| s.len() > 1) {
            let kinds: BTreeSet<&str> = same.iter().map(|&ix| kind_word(graph, ix)).collect();
            for &ix in same {
                let mark = if kinds.len() == same.len() {
                    kind_word(graph, ix)
                } else {
                    graph.id_of(ix)
                };
                marked.insert(ix, format!("{} ({mark})", graph.name_of(ix)));
            }
        }
        Labels { marked }
    }

    /// The labels of `nodes`, each once, in [`Graph::order_by_name`] order (as [`names`]).
    pub fn of(&self, graph: &Graph, nodes: impl IntoIterator<Item = NodeIndex>) -> Vec<String> {
        let mut list: Vec<NodeIndex> = nodes.into_iter().collect();
        list.sort_by(|&a, &b| graph.order_by_name(a, b));
        list.dedup();
        list.into_iter()
            .map(|ix| {
                self.marked
                    .get(&ix)
                    .cloned()
                    .unwrap_or_else(|| graph.name_of(ix).to_string())
            })
            .collect()
    }
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
                Cell::list(source_keys(graph, &edge.sources)),
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
