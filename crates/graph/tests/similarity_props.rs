//! Properties of the role similarity behind `closest ROLE` (`algo::similarity`): symmetric,
//! within 0–1, 1 for identical roles, 0 for roles sharing nothing, blind to transitions, and
//! ordered by what roles share.

use proptest::prelude::*;
use skillgraph_graph::algo::similarity::{similar_roles, RoleIndex};
use skillgraph_graph::algo::Interrupt;
use skillgraph_graph::{Edge, EdgeKind, Graph, Node, NodeIndex, NodeKind, Value};

/// One role as generated: (skill, importance, level) needs, (tool, in demand) uses, Job Zone,
/// and title words.
#[derive(Debug, Clone)]
struct RoleSpec {
    needs: Vec<(usize, u8, Option<f64>)>,
    tools: Vec<(usize, bool)>,
    zone: Option<u8>,
    words: Vec<usize>,
}

const SKILLS: usize = 6;
const TOOLS: usize = 4;
const WORDS: [&str; 5] = ["data", "engineer", "analyst", "cloud", "nurse"];

fn role_spec() -> impl Strategy<Value = RoleSpec> {
    (
        prop::collection::vec(
            (
                0..SKILLS,
                1u8..=5,
                prop::option::of((0u8..=14).prop_map(|l| f64::from(l) / 2.0)),
            ),
            0..5,
        ),
        prop::collection::vec((0..TOOLS, any::<bool>()), 0..3),
        prop::option::of(1u8..=5),
        prop::collection::vec(0..WORDS.len(), 1..3),
    )
        .prop_map(|(needs, tools, zone, words)| RoleSpec {
            needs,
            tools,
            zone,
            words,
        })
}

struct Built {
    graph: Graph,
    roles: Vec<NodeIndex>,
}

fn build(specs: &[RoleSpec], hot: &[bool]) -> Built {
    let mut graph = Graph::new();
    let skills: Vec<NodeIndex> = (0..SKILLS)
        .map(|i| graph.add_node(Node::new(format!("s{i}"), NodeKind::Skill, format!("S{i}"))))
        .collect();
    let tools: Vec<NodeIndex> = (0..TOOLS)
        .map(|i| {
            let mut tool = Node::new(format!("t{i}"), NodeKind::Tool, format!("T{i}"));
            tool.fields
                .insert("hot_technology".into(), Value::Bool(hot[i]));
            graph.add_node(tool)
        })
        .collect();
    let roles = specs
        .iter()
        .enumerate()
        .map(|(n, spec)| add_role(&mut graph, &format!("r{n}"), spec, &skills, &tools))
        .collect();
    Built { graph, roles }
}

fn add_role(
    graph: &mut Graph,
    id: &str,
    spec: &RoleSpec,
    skills: &[NodeIndex],
    tools: &[NodeIndex],
) -> NodeIndex {
    let name: Vec<&str> = spec.words.iter().map(|&w| WORDS[w]).collect();
    let mut node = Node::new(id, NodeKind::Role, name.join(" "));
    if let Some(zone) = spec.zone {
        node.fields
            .insert("job_zone".into(), Value::Number(f64::from(zone)));
    }
    let role = graph.add_node(node);
    for &(skill, importance, level) in &spec.needs {
        let mut edge = Edge::new(EdgeKind::Requires);
        edge.importance = Some(importance);
        if let Some(level) = level {
            edge.extra_mut()
                .fields
                .insert("level".into(), Value::Number(level));
        }
        graph.add_edge(role, skills[skill], edge);
    }
    for &(tool, in_demand) in &spec.tools {
        let mut edge = Edge::new(EdgeKind::Uses);
        if in_demand {
            edge.extra_mut()
                .fields
                .insert("in_demand".into(), Value::Bool(true));
        }
        graph.add_edge(role, tools[tool], edge);
    }
    role
}

fn score(graph: &Graph, a: NodeIndex, b: NodeIndex) -> f64 {
    RoleIndex::new(graph).similarity(a, b).unwrap().score
}

proptest! {
    #[test]
    fn the_index_a_snapshot_stores_gives_what_one_built_from_the_graph_gives(
        specs in prop::collection::vec(role_spec(), 1..6),
        hot in prop::collection::vec(any::<bool>(), TOOLS),
    ) {
        let built = build(&specs, &hot);
        let read = Graph::from_snapshot(built.graph.to_snapshot()).unwrap();
        // A graph with changes since its snapshot has no stored index: it would describe the
        // snapshot, not the graph.
        prop_assert!(RoleIndex::stored(&built.graph).is_none());
        let stored = RoleIndex::stored(&read).expect("a snapshot stores the roles' vectors");
        let plain = RoleIndex::build(&built.graph);
        for &a in &built.roles {
            for &b in &built.roles {
                prop_assert_eq!(stored.similarity(a, b), plain.similarity(a, b));
            }
        }
        let mut changed = read.clone();
        changed.add_node(Node::new("extra-role", NodeKind::Role, "Extra role"));
        prop_assert!(RoleIndex::stored(&changed).is_none());
    }

    /// A changed byte in the stored vectors is refused on opening, or read without a panic and
    /// named by `check` (`undecodable_parts`).
    #[test]
    fn damaged_role_vectors_never_panic_and_check_names_them(
        specs in prop::collection::vec(role_spec(), 1..5),
        hot in prop::collection::vec(any::<bool>(), TOOLS),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let built = build(&specs, &hot);
        let written = built.graph.to_snapshot();
        let section = written.windows(4).rposition(|w| w == b"SGV1").expect("the section") + 4;
        // The section runs to the 12-byte trailer.
        let i = section + at.index(written.len() - 12 - section);
        let mut damaged = written.clone();
        damaged[i] = byte;
        if let Ok(read) = Graph::from_snapshot(damaged) {
            let index = RoleIndex::new(&read);
            for &a in &built.roles {
                for &b in &built.roles {
                    let _ = index.similarity(a, b);
                }
            }
            prop_assert!(byte == written[i] || !read.undecodable_parts().is_empty());
        }
    }

    #[test]
    fn similarity_is_symmetric_and_within_0_and_1(
        specs in prop::collection::vec(role_spec(), 2..6),
        hot in prop::collection::vec(any::<bool>(), TOOLS),
    ) {
        let built = build(&specs, &hot);
        let index = RoleIndex::new(&built.graph);
        for &a in &built.roles {
            for &b in &built.roles {
                let ab = index.similarity(a, b).unwrap().score;
                let ba = index.similarity(b, a).unwrap().score;
                prop_assert!((ab - ba).abs() < 1e-12, "{ab} vs {ba}");
                prop_assert!((0.0..=1.0).contains(&ab), "{ab}");
            }
        }
    }

    #[test]
    fn a_role_and_its_copy_are_100_percent_alike(
        specs in prop::collection::vec(role_spec(), 1..5),
        hot in prop::collection::vec(any::<bool>(), TOOLS),
    ) {
        // Some skill with a positive weight, so that the requirement term counts. Parallel needs
        // of one skill fold into one at the highest stated level, so a stated level 0 beside an
        // unstated one leaves that skill at weight 0.
        prop_assume!(specs[0].needs.iter().any(|&(skill, _, _)| specs[0]
            .needs
            .iter()
            .filter(|n| n.0 == skill)
            .all(|n| n.2 != Some(0.0))));
        let mut with_copy = specs.clone();
        with_copy.push(specs[0].clone());
        let built = build(&with_copy, &hot);
        let copy = *built.roles.last().unwrap();
        let s = score(&built.graph, built.roles[0], copy);
        prop_assert!((s - 1.0).abs() < 1e-9, "{s}");
    }

    #[test]
    fn transitions_do_not_change_similarity(
        specs in prop::collection::vec(role_spec(), 2..6),
        hot in prop::collection::vec(any::<bool>(), TOOLS),
        moves in prop::collection::vec((0usize..6, 0usize..6), 1..6),
    ) {
        let built = build(&specs, &hot);
        let before: Vec<f64> = built.roles.iter().map(|&b| score(&built.graph, built.roles[0], b)).collect();
        let mut graph = built.graph.clone();
        let n = built.roles.len();
        for (from, to) in moves {
            graph.add_edge(built.roles[from % n], built.roles[to % n], Edge::new(EdgeKind::Transition));
        }
        let after: Vec<f64> = built.roles.iter().map(|&b| score(&graph, built.roles[0], b)).collect();
        prop_assert_eq!(before, after);
    }
}

fn spec(needs: &[(usize, u8, f64)], tools: &[usize], zone: u8, words: &[usize]) -> RoleSpec {
    RoleSpec {
        needs: needs.iter().map(|&(s, i, l)| (s, i, Some(l))).collect(),
        tools: tools.iter().map(|&t| (t, false)).collect(),
        zone: Some(zone),
        words: words.to_vec(),
    }
}

#[test]
fn roles_sharing_no_skill_tool_or_title_word_are_0_percent_alike() {
    let built = build(
        &[
            spec(&[(0, 4, 3.0), (1, 3, 2.0)], &[0], 3, &[0, 1]),
            spec(&[(2, 4, 3.0), (3, 3, 2.0)], &[1], 3, &[2]),
            // A third role, so that no word or tool is held by every role (idf 0).
            spec(&[(4, 2, 1.0)], &[2], 3, &[4]),
        ],
        &[false; TOOLS],
    );
    assert_eq!(score(&built.graph, built.roles[0], built.roles[1]), 0.0);
}

#[test]
fn sharing_more_of_the_start_ranks_higher_and_roles_without_requirements_are_left_out() {
    // The start needs S0–S2; "wide" needs S0 and S1, "narrow" only S0: both are fully met by
    // the start (a plan to either is empty), yet "wide" is more like it.
    let mut specs = vec![
        spec(&[(0, 4, 3.0), (1, 4, 3.0), (2, 4, 3.0)], &[], 3, &[0]),
        spec(&[(0, 4, 3.0), (1, 4, 3.0)], &[], 3, &[1]),
        spec(&[(0, 4, 3.0)], &[], 3, &[2]),
    ];
    // A role with no requirements but the start's very title and tools.
    specs.push(RoleSpec {
        needs: Vec::new(),
        ..specs[0].clone()
    });
    let built = build(&specs, &[false; TOOLS]);
    let list = similar_roles(&built.graph, built.roles[0], 1, &Interrupt::never()).unwrap();
    let order: Vec<NodeIndex> = list.iter().map(|s| s.role).collect();
    assert_eq!(order, vec![built.roles[1], built.roles[2]]);
    assert!(list[0].score > list[1].score);
    assert_eq!(list[0].skills_compared, 2);
    assert_eq!(list[1].skills_compared, 1);
}

#[test]
fn a_larger_job_zone_gap_lowers_similarity() {
    let needs = [(0, 4, 3.0), (1, 3, 2.0)];
    let built = build(
        &[
            spec(&needs, &[], 2, &[0]),
            spec(&needs, &[], 3, &[0]),
            spec(&needs, &[], 5, &[0]),
            spec(&[(5, 1, 1.0)], &[], 1, &[4]),
        ],
        &[false; TOOLS],
    );
    let near = score(&built.graph, built.roles[0], built.roles[1]);
    let far = score(&built.graph, built.roles[0], built.roles[2]);
    assert!(near < 1.0 && far < near, "{near} {far}");
}
