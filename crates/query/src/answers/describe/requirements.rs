//! What a role requires and uses: `skills of` and `tools of`, one row per skill or tool with
//! the sources that state it, and the note on where importances come from.

use super::*;
use crate::eval::mutate::USER_SOURCE;
use skillgraph_graph::{algo, concept, CSV_SOURCE_PREFIX};

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
    let has_esco = holds_esco(graph);
    // Everything is read in place: building each skill's node (and the 31 beside it) was most
    // of what a process's first hundred `skills of` cost at five million edges.
    let importance = |e: &EdgeIndex| graph.importance_of(*e);
    let mut rows: Vec<(NodeIndex, &[EdgeIndex], Option<u8>)> = groups
        .into_iter()
        .map(|(skill, range)| {
            let group = &edges[range];
            let highest = group.iter().filter_map(importance).max();
            (skill, group, highest)
        })
        .collect();
    // Highest importance first (none counts as 0), then in the graph's name order.
    let rank = |highest: Option<u8>| highest.map_or(0, i64::from);
    rows.sort_by(|a, b| {
        rank(b.2)
            .cmp(&rank(a.2))
            .then_with(|| graph.order_by_name(a.0, b.0))
    });
    table.rows.reserve(rows.len());
    let mut conflicts: Vec<(NodeIndex, String)> = Vec::new();
    for (skill, group, highest) in rows {
        let name = graph.name_of(skill);
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
                        source_keys(graph, graph.edge_sources_of(e)).join("+"),
                        graph.importance_of(e).unwrap_or(0)
                    )
                })
                .collect();
            conflicts.push((
                skill,
                format!(
                    "sources differ on the importance of {name}: {}",
                    stated.join(", ")
                ),
            ));
        }
        let (sources, notes) = edge_sources_and_notes(graph, group);
        let [id, kind] = node_cells(graph, skill);
        table.push(vec![
            Cell::text(name),
            Cell::opt_number(highest.map(f64::from)),
            match has_esco {
                true => esco_word(graph, group).map_or(Cell::Null, Cell::text),
                false => Cell::Null,
            },
            Cell::opt_number(graph.effort_of(skill)),
            graph.category_of(skill).map_or(Cell::Null, Cell::text),
            Cell::List(sources),
            notes,
            id,
            kind,
        ]);
    }
    // The notes go by name, whatever the rows' order.
    conflicts.sort_by(|a, b| graph.order_by_name(a.0, b.0).then(a.0.cmp(&b.0)));
    table.notes = conflicts.into_iter().map(|(_, note)| note).collect();
    if let Some(note) = importance_note(graph, role, &edges) {
        table.note(note);
    }
    if edges.is_empty() {
        table.note(no_requirements(graph, role));
    }
    table
}

/// Whether the data states any requirement for `role`: a role without is no free stepping stone.
pub fn has_requirements(graph: &Graph, role: NodeIndex) -> bool {
    graph.out_edges(role, EdgeKind::Requires).next().is_some()
}

/// What to say of a role without any `requires` edge: the data has none, which is not the same
/// as needing nothing; and the roles of other datasets that state their requirements under
/// the same name or an alias ([`concept::role_name_forms`]: O*NET's `Data Scientists`, ESCO's `data
/// scientist`; O*NET's `Penetration Testers`, ESCO's `ethical hacker`, also called `penetration
/// tester`), so that the user can ask again by one of them.
pub fn no_requirements(graph: &Graph, role: NodeIndex) -> String {
    let node = graph.node(role);
    let sources = source_keys(graph, &node.sources);
    let by = if sources.iter().any(|s| s.starts_with("onet")) {
        "O*NET has no Skills or Knowledge ratings".to_string()
    } else if sources.iter().any(|s| s.starts_with("esco")) {
        "ESCO links no skills".to_string()
    } else {
        "the data states no required skills".to_string()
    };
    let mut note = format!(
        "{by} for {}: its requirements are unknown, so this answer cannot say what it takes",
        node.name
    );
    // By the label index that name resolution uses: no pass over every role's aliases.
    let dataset = concept::dataset_of(&node.id);
    let forms = concept::role_name_forms(&node.name);
    let mut alike: Vec<(NodeIndex, Option<String>)> = Vec::new();
    for form in &forms {
        for &other in graph.by_label(form).iter() {
            let elsewhere = graph.kind_of(other) == Some(NodeKind::Role)
                && concept::dataset_of(graph.id_of(other)) != dataset
                && has_requirements(graph, other)
                && !alike.iter().any(|&(seen, _)| seen == other);
            if elsewhere {
                let name = graph.name_of(other);
                let by_name = forms
                    .iter()
                    .any(|f| skillgraph_graph::cmp_ignoring_case(name, f).is_eq());
                alike.push((other, (!by_name).then(|| form.to_lowercase())));
            }
        }
    }
    if alike.is_empty() {
        return note;
    }
    // Roles of the very name first, then those that have it as an alias.
    alike.sort_by(|a, b| {
        (a.1.is_some().cmp(&b.1.is_some())).then_with(|| graph.order_by_name(a.0, b.0))
    });
    let listed: Vec<String> = alike
        .into_iter()
        .map(|(other, alias)| {
            let also = alias.map_or(String::new(), |a| format!(", also called {a}"));
            format!(
                "{} (`{}`, {}{also}: {} skills)",
                graph.name_of(other),
                graph.id_of(other),
                concept::dataset_of(graph.id_of(other)),
                algo::requirements(graph, other, 1).len(),
            )
        })
        .collect();
    note.push_str(&format!(
        "; another dataset states them for a role of that name: {}; ask again by its id",
        listed.join(", ")
    ));
    note
}

/// Where a role's importances come from, when they are not a dataset's own rating: the curated
/// graph's 1–5 is the project's reading of the articles, ESCO's is its essential/optional
/// mapped to 5/2. O*NET's IM is O*NET's own, and needs no note.
/// `edges` are the role's `requires` edges, which the caller has at hand.
fn importance_note(graph: &Graph, role: NodeIndex, edges: &[EdgeIndex]) -> Option<String> {
    // The sources of each kind, once: the edges are then checked by id, without copying keys.
    let sources_where = |keep: &dyn Fn(&str) -> bool| -> Vec<skillgraph_graph::SourceId> {
        (0..graph.sources().len())
            .map(|i| skillgraph_graph::SourceId(i as u16))
            .filter(|&id| keep(&graph.source(id).key))
            .collect()
    };
    let esco_ids = sources_where(&|key| key.starts_with("esco"));
    // Sources that state an importance themselves: O*NET's ratings, the weight column of a CSV
    // import, and the user's own writes. The rest (the built-in graph's articles, the
    // project's estimates) are read by the project.
    let stating_ids = sources_where(&|key| {
        key.starts_with("onet") || key.starts_with(CSV_SOURCE_PREFIX) || key == USER_SOURCE
    });
    let mut editorial = false;
    let mut esco = false;
    for &e in edges {
        let sources = graph.edge_sources_of(e);
        if sources.iter().any(|s| esco_ids.contains(s)) {
            esco = true;
        } else if !sources.iter().any(|s| stating_ids.contains(s)) {
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
            Cell::list(names(graph, covered_skills(graph, tool))),
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
    // By target, then each target's edges by their sources; stable, so a target's edges with
    // equal source lists stay in `out_edges` order. Most targets have one edge: their sources
    // are never read.
    edges.sort_by_key(|&(to, _)| to);
    let mut groups: Vec<(NodeIndex, Range<usize>)> = Vec::with_capacity(edges.len());
    for (i, &(to, _)) in edges.iter().enumerate() {
        match groups.last_mut() {
            Some((last, range)) if *last == to => range.end = i + 1,
            _ => groups.push((to, i..i + 1)),
        }
    }
    for (_, range) in groups.iter().filter(|(_, range)| range.len() > 1) {
        edges[range.clone()]
            .sort_by(|a, b| graph.edge_sources_of(a.1).cmp(graph.edge_sources_of(b.1)));
    }
    (edges.into_iter().map(|(_, e)| e).collect(), groups)
}

/// The keys of the sources the edges cite (each once, in order) and their notes joined.
fn edge_sources_and_notes(graph: &Graph, edges: &[EdgeIndex]) -> (Vec<CompactString>, Cell) {
    let mut sources: Vec<CompactString> = Vec::new();
    let mut notes: Vec<&str> = Vec::new();
    for &e in edges {
        for &id in graph.edge_sources_of(e) {
            let key = graph.source(id).key.as_str();
            if !sources.iter().any(|s| s == key) {
                sources.push(key.into());
            }
        }
        notes.extend(graph.edge_note_of(e));
    }
    let notes = if notes.is_empty() {
        Cell::Null
    } else {
        Cell::text(notes.join("; "))
    };
    (sources, notes)
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
                Cell::list(sources),
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
                Cell::list(covered.into_iter().map(|ix| graph.node(ix).name.as_str())),
                Cell::list(sources),
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
                // The oracle restates the rows and conflict notes; the notes on where
                // importances come from and on a role with no requirements are
                // `importance_note`'s and `no_requirements`'s, checked on their own.
                let mut got = skills_of(g, role);
                let requires: Vec<EdgeIndex> =
                    g.out_edges(role, EdgeKind::Requires).map(|(e, _)| e).collect();
                let note = importance_note(g, role, &requires);
                let none = requires.is_empty().then(|| no_requirements(g, role));
                got.notes.retain(|n| Some(n) != note.as_ref() && Some(n) != none.as_ref());
                prop_assert_eq!(got, skills_of_simply(g, role));
                prop_assert_eq!(tools_of(g, role), tools_of_simply(g, role));
            }
        }
    }
}
