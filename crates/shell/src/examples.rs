//! The examples the shell shows (the banner's "Try: …" and `.help STATEMENT`), written with the
//! names of the database that is open. The statement reference's examples name the built-in
//! graph (DevOps, SRE, Kubernetes, …); on a database without it — O*NET and ESCO alone — each of
//! those names stands for a part it plays (the role a move starts from, a skill the target
//! requires, …), and the examples are rewritten with a node of the open database that plays it.
//! An example that names something the database has nothing for, or lists by a field no node
//! has, is left out rather than shown to fail.

use std::collections::HashSet;

use skillgraph_graph::{EdgeKind, Graph, NodeIndex, NodeKind, Value};
use skillgraph_query::parser::quote_name;
use skillgraph_query::reference::StatementForm;

use crate::syntax::{self, Lexeme, Slot};

/// What a name in the reference's examples stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// The role a move starts from (`path DevOps -> SRE`).
    Start,
    /// The role it moves to, the target of plans.
    Target,
    /// The target again, written another way (`show "Site Reliability Engineer"`).
    TargetAgain,
    /// A role that moves to the start.
    Before,
    /// A role the target moves to.
    Further,
    /// A role off that route, to avoid.
    Avoid,
    /// A skill the target requires.
    Required,
    /// A tool the target uses.
    Tool,
    /// A skill a tool covers.
    Covered,
    /// The n-th skill the start requires: what a profile holds.
    Held(usize),
    /// The n-th skill the target requires that the start does not.
    Missing(usize),
}

/// Every name the reference's examples use for a node of the built-in graph, with its part.
const CAST: &[(&str, Part)] = &[
    ("DevOps", Part::Start),
    ("SRE", Part::Target),
    ("Site Reliability Engineer", Part::TargetAgain),
    ("Ops", Part::Before),
    ("Engineering Manager", Part::Further),
    ("Software engineer", Part::Avoid),
    ("Kubernetes", Part::Required),
    ("PagerDuty", Part::Tool),
    ("Prometheus", Part::Tool),
    ("Monitoring and logging", Part::Covered),
    ("Linux", Part::Held(0)),
    ("Python", Part::Held(1)),
    ("Docker", Part::Held(2)),
    ("Git", Part::Held(3)),
    ("Incident response and management", Part::Missing(0)),
    ("SLOs", Part::Missing(1)),
    ("Toil reduction", Part::Missing(2)),
];

/// Who plays each part in the open database.
pub struct Examples<'g> {
    graph: &'g Graph,
    /// Every name of the cast resolves: the reference's examples are shown as written.
    built_in: bool,
    start: Option<NodeIndex>,
    target: Option<NodeIndex>,
    before: Option<NodeIndex>,
    further: Option<NodeIndex>,
    avoid: Option<NodeIndex>,
    required: Option<NodeIndex>,
    tool: Option<NodeIndex>,
    covered: Option<NodeIndex>,
    held: Vec<NodeIndex>,
    missing: Vec<NodeIndex>,
    /// A move joins the start to the target, so routes between them exist.
    joined: bool,
}

/// Whether `text` names one node (of `kind`). Asked of the id and label indexes first: a name
/// that is not there would have `resolve` rank every name of the graph for a suggestion.
fn resolves(graph: &Graph, kind: Option<NodeKind>, text: &str) -> bool {
    (graph.by_id(text).is_some() || !graph.by_label(text).is_empty())
        && graph.resolve(kind, text).is_ok()
}

/// `(importance, name)` order: most important first, then by name.
fn by_importance(graph: &Graph, role: NodeIndex, min: u8) -> Vec<NodeIndex> {
    let mut list: Vec<(u8, NodeIndex)> = Vec::new();
    for (e, skill) in graph.out_edges(role, EdgeKind::Requires) {
        let importance = graph.edge(e).importance.unwrap_or(0);
        if importance < min || graph.node(skill).kind != NodeKind::Skill {
            continue;
        }
        match list.iter_mut().find(|(_, s)| *s == skill) {
            Some(slot) => slot.0 = slot.0.max(importance),
            None => list.push((importance, skill)),
        }
    }
    list.sort_by(|a, b| b.0.cmp(&a.0).then(graph.order_by_name(a.1, b.1)));
    list.into_iter().map(|(_, s)| s).collect()
}

/// O*NET's rank of a related occupation (1 is the closest); moves without one come after.
fn rank(graph: &Graph, e: skillgraph_graph::EdgeIndex) -> i64 {
    match graph
        .edge(e)
        .extra
        .as_ref()
        .and_then(|x| x.fields.get("rank"))
    {
        Some(Value::Number(n)) if n.is_finite() => *n as i64,
        _ => i64::MAX,
    }
}

impl<'g> Examples<'g> {
    pub fn of(graph: &'g Graph) -> Examples<'g> {
        let built_in = CAST.iter().all(|(name, _)| resolves(graph, None, name));
        let mut examples = Examples {
            graph,
            built_in,
            start: None,
            target: None,
            before: None,
            further: None,
            avoid: None,
            required: None,
            tool: None,
            covered: None,
            held: Vec::new(),
            missing: Vec::new(),
            joined: false,
        };
        if !built_in {
            examples.cast();
        }
        examples
    }

    /// Picks the parts from the data: of the moves between two roles that serve best (so that
    /// `gap` and `learn` have something to say), the one O*NET ranks closest, then by name.
    fn cast(&mut self) {
        let g = self.graph;
        let is_role = |ix: NodeIndex| g.node(ix).kind == NodeKind::Role;
        let zone = |ix: NodeIndex| match g.node(ix).field("job_zone") {
            Some(Value::Number(z)) => z,
            _ => 0.0,
        };
        // A move that does not step down a Job Zone makes the better story.
        // Through each role's own moves (adjacency lists), not a walk over every edge.
        let roles = g.nodes_of_kind(NodeKind::Role);
        let mut moves: Vec<(i64, NodeIndex, NodeIndex)> = roles
            .iter()
            .flat_map(|&a| {
                g.out_edges(a, EdgeKind::Transition)
                    .map(move |(e, b)| (rank(g, e), a, b))
            })
            .filter(|&(_, a, b)| a != b && is_role(b))
            .collect();
        moves.sort_by(|x, y| {
            let down = |m: &(i64, NodeIndex, NodeIndex)| zone(m.2) < zone(m.1);
            x.0.cmp(&y.0)
                .then(down(x).cmp(&down(y)))
                .then(g.order_by_name(x.1, y.1))
                .then(g.order_by_name(x.2, y.2))
        });
        moves.dedup_by_key(|m| (m.1, m.2));
        // How well a move serves as the example, best first: the start requires enough to
        // make a profile of and the target requires skills the start does not; then a target
        // requiring something the start lacks; then one requiring anything; then any move.
        let fitness = |a: NodeIndex, b: NodeIndex| {
            let held = by_importance(g, a, 3).len();
            let start_has: HashSet<NodeIndex> = by_importance(g, a, 1).into_iter().collect();
            let needs = by_importance(g, b, 1);
            let missing = needs.iter().filter(|s| !start_has.contains(s)).count();
            if held >= 4 && missing >= 3 {
                0
            } else if missing > 0 {
                1
            } else if !needs.is_empty() {
                2
            } else {
                3
            }
        };
        let mut best: Option<(u8, NodeIndex, NodeIndex)> = None;
        for &(_, a, b) in &moves {
            let fit = fitness(a, b);
            if best.is_none_or(|(f, _, _)| fit < f) {
                best = Some((fit, a, b));
            }
            if fit == 0 {
                break;
            }
        }
        // Without moves (ESCO has none), two roles that require something still make the
        // examples of everything but routes.
        let best = best.map(|(_, a, b)| (a, b, true)).or_else(|| {
            let rated: Vec<NodeIndex> = roles
                .iter()
                .copied()
                .filter(|&r| !by_importance(g, r, 3).is_empty())
                .take(2)
                .collect();
            match rated.as_slice() {
                [a, b] => Some((*a, *b, false)),
                _ => None,
            }
        });
        let Some((start, target, joined)) = best else {
            return;
        };
        self.joined = joined;
        // A profile holds the start's skills, and any others where it has too few; what the
        // target needs beyond them is what is missing, again filled from any skill.
        let mut held = by_importance(g, start, 3);
        held.truncate(4);
        let start_has: HashSet<NodeIndex> = by_importance(g, start, 1).into_iter().collect();
        let mut missing: Vec<NodeIndex> = by_importance(g, target, 1)
            .into_iter()
            .filter(|s| !start_has.contains(s) && !held.contains(s))
            .take(3)
            .collect();
        let skills = g.nodes_of_kind(NodeKind::Skill);
        for &skill in &skills {
            if held.len() < 4 && !held.contains(&skill) && !missing.contains(&skill) {
                held.push(skill);
            }
        }
        for &skill in &skills {
            if missing.len() < 3 && !held.contains(&skill) && !missing.contains(&skill) {
                missing.push(skill);
            }
        }
        self.start = Some(start);
        self.target = Some(target);
        self.held = held;
        self.missing = missing;
        let near = |from: Option<NodeIndex>, to: Option<NodeIndex>, not: &[NodeIndex]| {
            moves
                .iter()
                .find(|&&(_, a, b)| {
                    from.is_none_or(|f| f == a)
                        && to.is_none_or(|t| t == b)
                        && !not.contains(&a)
                        && !not.contains(&b)
                })
                .map(|&(_, a, b)| if from.is_some() { b } else { a })
        };
        self.before = near(None, Some(start), &[target]);
        self.further = near(Some(target), None, &[start]);
        let on_route: Vec<NodeIndex> = [self.before, Some(start), Some(target), self.further]
            .into_iter()
            .flatten()
            .collect();
        self.avoid = roles.into_iter().find(|r| !on_route.contains(r));
        self.required = by_importance(g, target, 1).first().copied();
        let mut tools: Vec<(bool, NodeIndex)> = g
            .out_edges(target, EdgeKind::Uses)
            .map(|(e, t)| {
                let in_demand = matches!(
                    g.edge(e)
                        .extra
                        .as_ref()
                        .and_then(|x| x.fields.get("in_demand")),
                    Some(Value::Bool(true))
                );
                (!in_demand, t)
            })
            .collect();
        tools.sort_by(|a, b| a.0.cmp(&b.0).then(g.order_by_name(a.1, b.1)));
        self.tool = tools.first().map(|t| t.1);
        self.covered = g
            .nodes_of_kind(NodeKind::Tool)
            .into_iter()
            .find_map(|t| g.out_edges(t, EdgeKind::Covers).next().map(|(_, s)| s));
    }

    fn player(&self, part: Part) -> Option<NodeIndex> {
        match part {
            Part::Start => self.start,
            Part::Target | Part::TargetAgain => self.target,
            Part::Before => self.before,
            Part::Further => self.further,
            Part::Avoid => self.avoid,
            Part::Required => self.required,
            Part::Tool => self.tool,
            Part::Covered => self.covered,
            Part::Held(n) => self.held.get(n).copied(),
            Part::Missing(n) => self.missing.get(n).copied(),
        }
    }

    /// How to write a node so it resolves to it: its name where that names it alone (the
    /// other spelling of the target: its id), else its id.
    fn reference(&self, ix: NodeIndex, part: Part) -> String {
        let node = self.graph.node(ix);
        let name_works = self.graph.resolve(None, &node.name) == Ok(ix);
        if name_works && part != Part::TargetAgain {
            quote_name(&node.name)
        } else {
            quote_name(&node.id)
        }
    }

    /// A first statement to try: the reference's first route, plan or `show` that fits.
    pub fn first(&self) -> Option<String> {
        ["path", "learn", "gap", "show"].iter().find_map(|keyword| {
            skillgraph_query::reference::forms_of(keyword)
                .into_iter()
                .flat_map(|form| self.of_form(form))
                .next()
        })
    }

    /// The examples of one form, fitted to the open database.
    pub fn of_form(&self, form: &StatementForm) -> Vec<String> {
        if self.built_in {
            return form.examples.iter().map(|e| e.to_string()).collect();
        }
        let introduced = self.introduced();
        form.examples
            .iter()
            .filter_map(|e| self.fit(e, &introduced))
            .collect()
    }

    /// Names the examples add (`add skill "eBPF"`), which later examples may use.
    fn introduced(&self) -> HashSet<String> {
        let mut names = HashSet::new();
        for form in skillgraph_query::reference::STATEMENT_FORMS {
            for example in form.examples {
                for token in syntax::tokens(example) {
                    if token.slot == Slot::NewName {
                        names.insert(token.name(example).to_lowercase());
                    }
                }
            }
        }
        names
    }

    /// The example with every name of the cast replaced by its player; `None` when a part has
    /// no player, a name is neither cast nor in the database, or a listing's field is on no
    /// node of its kind.
    fn fit(&self, example: &str, introduced: &HashSet<String>) -> Option<String> {
        let tokens = syntax::tokens(example);
        let keyword = tokens
            .first()
            .map(|t| t.text(example).to_lowercase())
            .unwrap_or_default();
        // Without a move between the start and the target there is no route to show.
        if matches!(keyword.as_str(), "path" | "paths") && !self.joined {
            return None;
        }
        let listing = match keyword.as_str() {
            "roles" => Some(NodeKind::Role),
            "skills" => Some(NodeKind::Skill),
            "tools" => Some(NodeKind::Tool),
            _ => None,
        };
        let mut out = String::new();
        let mut copied = 0;
        let mut field: Option<&str> = None;
        for token in &tokens {
            let named = matches!(token.lexeme, Lexeme::Word | Lexeme::Quoted { closed: true });
            match token.slot {
                Slot::Node(_) | Slot::Start if named => {
                    let name = token.name(example);
                    match CAST.iter().find(|(n, _)| *n == name) {
                        Some(&(_, part)) => {
                            let player = self.player(part)?;
                            out.push_str(&example[copied..token.name_start]);
                            out.push_str(&self.reference(player, part));
                            copied = token.end;
                        }
                        None => {
                            let known = introduced.contains(&name.to_lowercase())
                                || resolves(self.graph, token.qualifier, &name);
                            if !known {
                                return None;
                            }
                        }
                    }
                }
                // A field in `order by` (Field) or where a condition starts (Condition, which
                // also holds its words: `not`, `has(`, `requires(` …).
                Slot::Field | Slot::Condition
                    if listing.is_some()
                        && token.lexeme == Lexeme::Word
                        && !matches!(
                            token.text(example).to_lowercase().as_str(),
                            "not" | "has" | "requires" | "uses" | "covers"
                        ) =>
                {
                    let kind = listing?;
                    let name = token.text(example);
                    let present = self
                        .graph
                        .nodes_of_kind(kind)
                        .into_iter()
                        .any(|ix| self.graph.node(ix).field(name).is_some());
                    if !present {
                        return None;
                    }
                    field = Some(name);
                }
                // `from curated`: a dataset or source this database has.
                Slot::Source
                    if token.lexeme == Lexeme::Word
                        && !self.graph.knows_source(token.text(example)) =>
                {
                    return None;
                }
                // A text the condition compares a field with: one this database has.
                Slot::Value if matches!(token.lexeme, Lexeme::Quoted { closed: true }) => {
                    if let (Some(kind), Some(name)) = (listing, field) {
                        let text = self.text_value(kind, name)?;
                        out.push_str(&example[copied..token.start]);
                        out.push_str(&string_literal(&text));
                        copied = token.end;
                    }
                }
                _ => {}
            }
        }
        out.push_str(&example[copied..]);
        Some(out)
    }
}

/// A string literal of the query language.
fn string_literal(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

impl Examples<'_> {
    /// A text value of `field` in the database: that of the player of the kind's part where it
    /// has one (the skill the target requires, the tool it uses, the target), else the first
    /// node's by name.
    fn text_value(&self, kind: NodeKind, field: &str) -> Option<String> {
        let player = match kind {
            NodeKind::Skill => self.required,
            NodeKind::Tool => self.tool,
            NodeKind::Role => self.target,
        };
        let text = |ix: NodeIndex| match self.graph.node(ix).field(field) {
            Some(Value::Text(t)) => Some(t),
            _ => None,
        };
        player
            .and_then(text)
            .or_else(|| self.graph.nodes_of_kind(kind).into_iter().find_map(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On the built-in graph every cast name is there, so the reference's examples are shown as
    /// they are written (and `tests/e2e/scripts.rs` runs them).
    #[test]
    fn the_built_in_graph_keeps_the_reference_examples() {
        let graph = skillgraph_import::curated_graph().expect("curated data loads");
        let examples = Examples::of(&graph);
        assert!(examples.built_in);
        for form in skillgraph_query::reference::STATEMENT_FORMS {
            let shown = examples.of_form(form);
            assert_eq!(shown, form.examples.to_vec(), "{}", form.usage);
        }
        assert_eq!(examples.first().as_deref(), Some("path DevOps -> SRE"));
    }

    /// `from curated` in an example is left out where no node is curated (O*NET alone).
    #[test]
    fn an_example_filtering_by_a_dataset_the_database_lacks_is_left_out() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../import/tests/fixtures/onet-mini");
        let (graph, _) =
            skillgraph_import::load_onet_dir(&dir, &mut |_, _, _| {}).expect("the fixture loads");
        let examples = Examples::of(&graph);
        let mut shown = Vec::new();
        for form in skillgraph_query::reference::STATEMENT_FORMS {
            shown.extend(examples.of_form(form));
        }
        assert!(!shown.is_empty());
        assert!(
            shown.iter().all(|e| !e.contains("from curated")),
            "{shown:?}"
        );
    }

    /// Every name a reference example gives a node is in the cast, is added by an example, or
    /// is a profile: so on another database each one can be replaced.
    #[test]
    fn every_name_in_the_reference_examples_has_a_part() {
        let graph = Graph::default();
        let examples = Examples::of(&graph);
        let introduced = examples.introduced();
        for form in skillgraph_query::reference::STATEMENT_FORMS {
            for example in form.examples {
                for token in syntax::tokens(example) {
                    let named =
                        matches!(token.lexeme, Lexeme::Word | Lexeme::Quoted { closed: true });
                    if !matches!(token.slot, Slot::Node(_) | Slot::Start) || !named {
                        continue;
                    }
                    let name = token.name(example);
                    assert!(
                        CAST.iter().any(|(n, _)| *n == name)
                            || introduced.contains(&name.to_lowercase()),
                        "`{name}` in `{example}` has no part in the cast"
                    );
                }
            }
        }
    }
}
