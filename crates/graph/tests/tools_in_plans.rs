//! Which tools a plan lists by default (`algo::missing_tools` with `ToolScope::Flagged`): the
//! rule written out as properties that together fix it, up to which tool of a kind is named
//! (the first in the listing's order), on random roles of flagged tools.

use proptest::prelude::*;
use skillgraph_graph::algo::{missing_tools, Held, ToolScope};
use skillgraph_graph::{Edge, EdgeKind, Graph, Node, NodeIndex, NodeKind, Value};

/// One tool the role uses: (kind, hot technology, in demand for the role, held).
type ToolSpec = (Option<u8>, bool, bool, bool);

fn build(tools: &[ToolSpec]) -> (Graph, NodeIndex, Held, Vec<NodeIndex>) {
    let mut graph = Graph::new();
    let role = graph.add_node(Node::new("r", NodeKind::Role, "Role"));
    let mut have = Held::default();
    let mut ids = Vec::new();
    for (i, &(kind, hot, in_demand, held)) in tools.iter().enumerate() {
        let mut node = Node::new(format!("t{i}"), NodeKind::Tool, format!("Tool {i:02}"));
        node.category = kind.map(|k| format!("kind {k}"));
        node.fields
            .insert("hot_technology".into(), Value::Bool(hot));
        let tool = graph.add_node(node);
        let mut edge = Edge::new(EdgeKind::Uses);
        edge.extra_mut()
            .fields
            .insert("in_demand".into(), Value::Bool(in_demand));
        graph.add_edge(role, tool, edge);
        if held {
            have.hold_tool(tool);
        }
        ids.push(tool);
    }
    (graph, role, have, ids)
}

fn tool_spec() -> impl Strategy<Value = ToolSpec> {
    (
        prop::option::of(0u8..3),
        any::<bool>(),
        any::<bool>(),
        prop::bool::weighted(0.2),
    )
}

proptest! {
    #[test]
    fn a_plan_names_one_tool_of_each_kind_not_held_from_those_in_demand(
        tools in prop::collection::vec(tool_spec(), 0..12),
    ) {
        let (graph, role, have, ids) = build(&tools);
        let spec = |t: NodeIndex| tools[ids.iter().position(|&i| i == t).unwrap()];
        let (listed, left_out) = missing_tools(&graph, &have, role, ToolScope::Flagged);
        let (all, none_left) = missing_tools(&graph, &have, role, ToolScope::All);
        prop_assert_eq!(none_left, 0);
        prop_assert_eq!(listed.len() + left_out, all.len());
        let missing: Vec<ToolSpec> = all.iter().map(|t| spec(t.tool)).collect();
        let any_in_demand = missing.iter().any(|s| s.2);
        // The pool: the tools the role marks in demand, or its hot ones where it marks none.
        let in_pool = |s: ToolSpec| if any_in_demand { s.2 } else { s.1 };
        let held_kinds: Vec<u8> = tools.iter().filter(|s| s.3).filter_map(|s| s.0).collect();
        let listed_kinds: Vec<u8> = listed.iter().filter_map(|t| spec(t.tool).0).collect();
        for t in &listed {
            let s = spec(t.tool);
            prop_assert!(!have.has_tool(t.tool));
            prop_assert!(in_pool(s), "{s:?} is not in the pool");
            if let Some(kind) = s.0 {
                prop_assert!(!held_kinds.contains(&kind), "kind {kind} is held");
                prop_assert_eq!(listed_kinds.iter().filter(|&&k| k == kind).count(), 1);
            }
        }
        // Nothing is left out that the rule would list: every tool of the pool is listed, or
        // its kind is held or named by another.
        for (t, s) in all.iter().zip(&missing) {
            let named = listed.iter().any(|l| l.tool == t.tool);
            let covered = s.0.is_some_and(|k| held_kinds.contains(&k) || listed_kinds.contains(&k));
            prop_assert!(!in_pool(*s) || named || covered, "{s:?} is left out");
        }
    }
}
