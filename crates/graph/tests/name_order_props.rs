//! `Graph::order_by_name` (names ignoring case, then ids), which reads the snapshot's ranks
//! while the graph is its snapshot, holds to the plain comparison of lower-cased names before
//! and after a write, and so do the lists sorted by it.

use std::cmp::Ordering;

use proptest::prelude::*;
use skillgraph_graph::{Graph, Node, NodeIndex, NodeKind};

const NAMES: &[&str] = &[
    "Python", "python", "PYTHON", "Git", "git ", "Éclair", "éclair", "Zebra", "ß", "SS", "C++",
];

/// The plain order: what `order_by_name` promises.
fn plain(graph: &Graph, a: NodeIndex, b: NodeIndex) -> Ordering {
    let key = |ix| {
        (
            graph.name_of(ix).to_lowercase(),
            graph.id_of(ix).to_string(),
        )
    };
    key(a).cmp(&key(b))
}

fn assert_plain_order(graph: &Graph) -> Result<(), TestCaseError> {
    let nodes: Vec<NodeIndex> = graph.node_indices().collect();
    for &a in &nodes {
        for &b in &nodes {
            prop_assert_eq!(
                graph.order_by_name(a, b),
                plain(graph, a, b),
                "{:?} {:?}",
                a,
                b
            );
        }
    }
    let mut sorted = nodes.clone();
    sorted.sort_by(|&a, &b| plain(graph, a, b));
    let mut listed = graph.nodes_of_kind(NodeKind::Skill);
    listed.extend(graph.nodes_of_kind(NodeKind::Tool));
    listed.sort_by(|&a, &b| plain(graph, a, b));
    let skills_and_tools: Vec<NodeIndex> = sorted
        .iter()
        .copied()
        .filter(|&ix| graph.kind_of(ix) != Some(NodeKind::Role))
        .collect();
    prop_assert_eq!(listed, skills_and_tools);
    for kind in [NodeKind::Role, NodeKind::Skill, NodeKind::Tool] {
        let of_kind: Vec<NodeIndex> = sorted
            .iter()
            .copied()
            .filter(|&ix| graph.kind_of(ix) == Some(kind))
            .collect();
        prop_assert_eq!(graph.nodes_of_kind(kind), of_kind);
    }
    Ok(())
}

proptest! {
    #[test]
    fn order_by_name_is_the_plain_order_before_and_after_changes(
        nodes in prop::collection::vec((0..NAMES.len(), 0u8..3), 1..14),
        removed in prop::collection::vec(any::<prop::sample::Index>(), 0..3),
        renamed in any::<prop::sample::Index>(),
        new_name in 0..NAMES.len(),
    ) {
        let mut graph = Graph::new();
        for (i, &(name, kind)) in nodes.iter().enumerate() {
            let kind = [NodeKind::Role, NodeKind::Skill, NodeKind::Tool][kind as usize];
            // Ids out of index order, so that ties in name are broken by id, not by index.
            graph.add_node(Node::new(format!("n{}", 97 - i), kind, NAMES[name]));
        }
        for r in &removed {
            let ix = NodeIndex::new(r.index(nodes.len()));
            let _ = graph.remove_node(ix);
        }
        // As the snapshot reads it: ranks from the file.
        let mut read = Graph::from_snapshot(graph.to_snapshot()).unwrap();
        assert_plain_order(&read)?;
        // A renamed node: the graph has changes, and orders by names.
        let live: Vec<NodeIndex> = read.node_indices().collect();
        if !live.is_empty() {
            let ix = live[renamed.index(live.len())];
            read.node_mut(ix).edit(|n| n.name = NAMES[new_name].to_string());
            assert_plain_order(&read)?;
        }
        read.add_node(Node::new("n00", NodeKind::Skill, "python"));
        assert_plain_order(&read)?;
    }
}
