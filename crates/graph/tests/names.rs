//! Names across datasets: which nodes are linked as one concept, how a shared name resolves,
//! and what "did you mean" offers.

use skillgraph_graph::{Graph, Node, NodeIndex, NodeKind, ResolveError};

fn node(g: &mut Graph, id: &str, kind: NodeKind, name: &str, aliases: &[&str]) -> NodeIndex {
    let mut n = Node::new(id, kind, name);
    n.aliases = aliases.iter().map(|a| a.to_string()).collect();
    g.add_node(n)
}

struct World {
    g: Graph,
    kube: NodeIndex,
    kube_onet: NodeIndex,
    python: NodeIndex,
    python_onet: NodeIndex,
    python_esco: NodeIndex,
    maths_skill: NodeIndex,
    maths_knowledge: NodeIndex,
    monitoring: NodeIndex,
    monitoring_onet: NodeIndex,
    dev_onet: NodeIndex,
    dev_esco: NodeIndex,
}

fn world() -> World {
    let mut g = Graph::new();
    let kube = node(&mut g, "kubernetes", NodeKind::Tool, "Kubernetes", &["K8s"]);
    let kube_onet = node(
        &mut g,
        "onet:tech:kubernetes",
        NodeKind::Tool,
        "kubernetes",
        &[],
    );
    let python = node(
        &mut g,
        "python",
        NodeKind::Tool,
        "Python",
        &["Python (computer programming)"],
    );
    let python_onet = node(&mut g, "onet:tech:python", NodeKind::Tool, "Python", &[]);
    let python_esco = node(
        &mut g,
        "esco:skill:py",
        NodeKind::Skill,
        "Python  (computer-programming)",
        &["Python3"],
    );
    let maths_skill = node(&mut g, "onet:2.a.1.e", NodeKind::Skill, "Mathematics", &[]);
    let maths_knowledge = node(&mut g, "onet:2.c.4.a", NodeKind::Skill, "Mathematics", &[]);
    // An O*NET alias equal to a curated name links nothing: only curated aliases are links.
    let monitoring = node(
        &mut g,
        "monitoring",
        NodeKind::Skill,
        "Monitoring and logging",
        &[],
    );
    let monitoring_onet = node(
        &mut g,
        "onet:2.b.1.a",
        NodeKind::Skill,
        "Monitoring",
        &["Monitoring and logging"],
    );
    let dev_onet = node(
        &mut g,
        "onet:15-1252.00",
        NodeKind::Role,
        "Software Developers",
        &["DevOps Engineer"],
    );
    let dev_esco = node(
        &mut g,
        "esco:occ:1",
        NodeKind::Role,
        "ICT change and configuration manager",
        &["devops engineer"],
    );
    World {
        g,
        kube,
        kube_onet,
        python,
        python_onet,
        python_esco,
        maths_skill,
        maths_knowledge,
        monitoring,
        monitoring_onet,
        dev_onet,
        dev_esco,
    }
}

#[test]
fn equal_normalised_names_and_curated_aliases_link_nodes_of_different_datasets() {
    let w = world();
    let g = &w.g;
    assert_eq!(g.linked(w.kube), [w.kube, w.kube_onet]);
    assert_eq!(g.linked(w.kube_onet), [w.kube, w.kube_onet]);
    // Through the curated alias, across kinds; the curated node answers first.
    assert_eq!(
        g.linked(w.python_esco),
        [w.python, w.python_esco, w.python_onet]
    );
    assert!(g.same_concept(w.python_onet, w.python_esco));
    // One dataset's two Mathematics stay apart; roles are never linked; an O*NET alias is no
    // link.
    assert!(g.linked(w.maths_skill).is_empty());
    assert!(!g.same_concept(w.maths_skill, w.maths_knowledge));
    assert!(g.linked(w.dev_onet).is_empty() && g.linked(w.dev_esco).is_empty());
    assert!(!g.same_concept(w.monitoring, w.monitoring_onet));
    assert_eq!(g.dataset(w.python_esco), "esco");
    assert_eq!(g.dataset(w.python), "curated");
    assert_eq!(g.datasets(), ["curated", "esco", "onet"]);
}

#[test]
fn a_name_linked_nodes_share_resolves_to_the_curated_one_and_a_source_picks_another() {
    let w = world();
    let g = &w.g;
    assert_eq!(g.resolve(None, "python"), Ok(w.python));
    assert_eq!(
        g.resolve_in(None, Some("onet"), "Python"),
        Ok(w.python_onet)
    );
    assert_eq!(
        g.resolve_in(None, Some("ONET"), "Python"),
        Ok(w.python_onet)
    );
    assert_eq!(
        g.resolve_in(None, Some("esco"), "Python3"),
        Ok(w.python_esco)
    );
    // Unlinked nodes of two datasets with one alternate title: ambiguous, and `@dataset` picks.
    assert!(matches!(
        g.resolve(None, "DevOps Engineer"),
        Err(ResolveError::Ambiguous { .. })
    ));
    assert_eq!(
        g.resolve_in(None, Some("esco"), "DevOps Engineer"),
        Ok(w.dev_esco)
    );
    assert_eq!(
        g.resolve_in(None, Some("onet"), "DevOps Engineer"),
        Ok(w.dev_onet)
    );
    // Two of one dataset stay ambiguous, linked or not.
    assert!(matches!(
        g.resolve(None, "Mathematics"),
        Err(ResolveError::Ambiguous { .. })
    ));
}

#[test]
fn a_change_to_a_name_relinks() {
    let mut w = world();
    assert!(w.g.same_concept(w.kube, w.kube_onet));
    w.g.node_mut(w.kube_onet)
        .edit(|n| n.name = "Kubernetes Engine".to_string());
    assert!(!w.g.same_concept(w.kube, w.kube_onet));
    assert!(w.g.linked(w.kube).is_empty());
}

#[test]
fn did_you_mean_ranks_by_words_and_names_the_alias_that_matched() {
    let mut g = Graph::new();
    node(
        &mut g,
        "esco:occ:h",
        NodeKind::Role,
        "ICT help desk agent",
        &[],
    );
    node(
        &mut g,
        "esco:skill:w",
        NodeKind::Skill,
        "wash decks of ships",
        &[],
    );
    node(
        &mut g,
        "onet:17-2011.00",
        NodeKind::Role,
        "Aerospace Engineers",
        &["SQE"],
    );
    node(
        &mut g,
        "onet:tech:aws",
        NodeKind::Tool,
        "Amazon Web Services AWS software",
        &[],
    );
    node(&mut g, "onet:tech:awk", NodeKind::Tool, "AWK", &[]);
    let names = |text: &str| -> Vec<(String, Option<String>)> {
        g.suggest_labels(None, text, 3)
            .into_iter()
            .map(|s| (s.name, s.alias))
            .collect()
    };
    // Every word of the text in the label beats a label close in spelling.
    assert_eq!(names("help desk")[0].0, "ICT help desk agent");
    assert!(names("AWS")
        .iter()
        .any(|(n, _)| n == "Amazon Web Services AWS software"));
    // A match through an alias says which alias.
    let sre = names("SRE");
    let aero = sre
        .iter()
        .find(|(n, _)| n == "Aerospace Engineers")
        .expect("offered through its alias");
    assert_eq!(aero.1.as_deref(), Some("SQE"));
    let shown = g.resolve(None, "SRE").unwrap_err().to_string();
    assert!(
        shown.contains("`Aerospace Engineers` (alias `SQE`)"),
        "{shown}"
    );
}

#[test]
fn holding_a_node_holds_the_nodes_linked_with_it() {
    use skillgraph_graph::algo::{held_skills, Start};
    let w = world();
    let have = held_skills(&w.g, &Start::Profile(vec![(w.python, Some(4))]));
    // The curated tool is O*NET's tool and ESCO's skill too.
    assert!(have.has_tool(w.python) && have.has_tool(w.python_onet));
    assert!(have.contains(&w.python_esco));
    assert!(!have.has_tool(w.kube_onet));
    let have = held_skills(&w.g, &Start::Profile(vec![(w.python_esco, Some(4))]));
    assert!(have.has_tool(w.python) && have.has_tool(w.python_onet));
}
