//! Levels and estimated hours against a brute-force oracle: random roles that require skills at
//! O*NET-style levels (some without one, some in several parallel edges), random Job Zones and
//! random starts (a role, a profile with levels). The oracle restates the documented rules with
//! plain loops: a need is met when held in full, needed without a level, or held less than
//! `LEVEL_THRESHOLD` below; a gap's hours are `(needed − held) × the skill's hours per level`,
//! rounded; a plan's total is the sum of its steps, whatever the target's Job Zone.

use std::collections::BTreeMap;

use proptest::prelude::*;
use skillgraph_graph::algo::effort::{
    profile_level, HOURS_PER_LEVEL, HOURS_PER_LEVEL_ANY_ZONE, LEVEL_THRESHOLD,
};
use skillgraph_graph::algo::{closest_roles, gap, held_skills, learning_plan, Interrupt, Start};
use skillgraph_graph::{Edge, EdgeKind, Graph, Node, NodeIndex, NodeKind, Value};

/// A role's requirement as drawn: (skill, importance, level).
type Drawn = Vec<(usize, u8, Option<f64>)>;

struct World {
    graph: Graph,
    roles: Vec<NodeIndex>,
    skills: Vec<NodeIndex>,
    needs: Vec<Drawn>,
}

fn world(skill_count: usize, zones: Vec<Option<u8>>, needs: Vec<Drawn>) -> World {
    let mut graph = Graph::new();
    // Every other skill has a rate of its own; the rest take the default.
    let skills: Vec<NodeIndex> = (0..skill_count)
        .map(|i| {
            let mut skill = Node::new(format!("s{i}"), NodeKind::Skill, format!("S{i}"));
            if let Some(rate) = rate_of(i) {
                skill
                    .fields
                    .insert(HOURS_PER_LEVEL.into(), Value::Number(rate));
            }
            graph.add_node(skill)
        })
        .collect();
    let mut roles = Vec::new();
    for (r, zone) in zones.iter().enumerate() {
        let mut role = Node::new(format!("r{r}"), NodeKind::Role, format!("R{r}"));
        if let Some(z) = zone {
            role.fields
                .insert("job_zone".into(), Value::Number(f64::from(*z)));
        }
        let ix = graph.add_node(role);
        for &(s, importance, level) in &needs[r] {
            let mut e = Edge::new(EdgeKind::Requires);
            e.importance = Some(importance);
            if let Some(l) = level {
                e.extra_mut()
                    .fields
                    .insert("level".into(), Value::Number(l));
            }
            graph.add_edge(ix, skills[s % skill_count], e);
        }
        roles.push(ix);
    }
    World {
        graph,
        roles,
        skills,
        needs,
    }
}

/// The rate skill `i` is given: its own for even `i`, none (the default) for odd.
fn rate_of(i: usize) -> Option<f64> {
    i.is_multiple_of(2).then_some(10.0 + 7.0 * i as f64)
}

fn per_level(skill: usize) -> f64 {
    rate_of(skill).unwrap_or(HOURS_PER_LEVEL_ANY_ZONE)
}

/// Folds parallel edges the documented way: highest importance, highest stated level.
fn folded(w: &World, role: usize) -> BTreeMap<usize, (u8, Option<f64>)> {
    let mut out: BTreeMap<usize, (u8, Option<f64>)> = BTreeMap::new();
    for &(s, importance, level) in &w.needs[role] {
        let s = s % w.skills.len();
        let slot = out.entry(s).or_insert((importance, level));
        slot.0 = slot.0.max(importance);
        slot.1 = match (slot.1, level) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
    out
}

/// What a start holds, by the oracle: skill → level (`None`: in full).
fn oracle_held(w: &World, start: &OracleStart) -> BTreeMap<usize, Option<f64>> {
    match start {
        OracleStart::Role(r) => folded(w, *r)
            .into_iter()
            .map(|(s, (_, l))| (s, l))
            .collect(),
        OracleStart::Profile(items) => {
            let mut held: BTreeMap<usize, Option<f64>> = BTreeMap::new();
            for &(s, level) in items {
                let level = level.map(profile_level);
                let slot = held.entry(s % w.skills.len()).or_insert(level);
                *slot = match (*slot, level) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
            }
            held
        }
    }
}

#[derive(Debug, Clone)]
enum OracleStart {
    Role(usize),
    Profile(Vec<(usize, Option<u8>)>),
}

/// The oracle's gap: skill → (from level, hours).
fn oracle_gap(
    w: &World,
    held: &BTreeMap<usize, Option<f64>>,
    target: usize,
    min: u8,
) -> BTreeMap<usize, (Option<f64>, f64)> {
    let mut out = BTreeMap::new();
    for (s, (importance, needed)) in folded(w, target) {
        if importance < min {
            continue;
        }
        let from = match (held.get(&s), needed) {
            (None, _) => None,
            (Some(None), _) | (Some(Some(_)), None) => continue,
            (Some(Some(h)), Some(n)) if n - h < LEVEL_THRESHOLD => continue,
            (Some(Some(h)), Some(_)) => Some(*h),
        };
        let hours = match needed {
            Some(n) => ((n - from.unwrap_or(0.0)) * per_level(s)).round(),
            // No level, no stated hours, not ESCO: nothing to estimate from.
            None => 0.0,
        };
        out.insert(s, (from, hours));
    }
    out
}

type Inputs = (usize, Vec<Option<u8>>, Vec<Drawn>);

fn arb_world() -> impl Strategy<Value = Inputs> {
    (2usize..7, 1usize..5).prop_flat_map(|(skills, roles)| {
        let need = (
            0..skills,
            1u8..=5,
            prop_oneof![
                Just(None),
                (0u8..=14).prop_map(|l| Some(f64::from(l) / 2.0))
            ],
        );
        (
            Just(skills),
            prop::collection::vec(prop_oneof![Just(None), (1u8..=5).prop_map(Some)], roles),
            prop::collection::vec(prop::collection::vec(need, 0..6), roles),
        )
    })
}

fn arb_start(roles: usize) -> impl Strategy<Value = OracleStart> {
    prop_oneof![
        (0..roles).prop_map(OracleStart::Role),
        prop::collection::vec(
            (0usize..7, prop_oneof![Just(None), (1u8..=5).prop_map(Some)]),
            0..4
        )
        .prop_map(OracleStart::Profile),
    ]
}

fn start_of(w: &World, start: &OracleStart) -> Start {
    match start {
        OracleStart::Role(r) => Start::Role(w.roles[*r]),
        OracleStart::Profile(items) => Start::Profile(
            items
                .iter()
                .map(|&(s, l)| (w.skills[s % w.skills.len()], l))
                .collect(),
        ),
    }
}

proptest! {
    #[test]
    fn gap_and_plan_follow_the_level_rules(
        ((skills, zones, needs), start) in arb_world().prop_flat_map(|inputs| {
            let roles = inputs.1.len();
            (Just(inputs), arb_start(roles))
        }),
        min in 1u8..=5,
    ) {
        let w = world(skills, zones, needs);
        let held = held_skills(&w.graph, &start_of(&w, &start));
        let expected_held = oracle_held(&w, &start);
        for (&s, &level) in &expected_held {
            prop_assert_eq!(held.level(w.skills[s]), Some(level));
        }
        prop_assert_eq!(held.len(), expected_held.len());
        for (t, &target) in w.roles.iter().enumerate() {
            let expected = oracle_gap(&w, &expected_held, t, min);
            let got = gap(&w.graph, &held, target, min);
            let got_map: BTreeMap<usize, (Option<f64>, f64)> = got
                .iter()
                .map(|g| {
                    let s = w.skills.iter().position(|&x| x == g.skill).unwrap();
                    (s, (g.from_level, g.effort.hours))
                })
                .collect();
            prop_assert_eq!(&got_map, &expected);
            let plan = learning_plan(&w.graph, &held, target, min, &[]);
            let sum: f64 = expected.values().map(|e| e.1).sum();
            prop_assert!((plan.total_hours - sum).abs() < 1e-9);
            prop_assert_eq!(plan.steps.len(), expected.len());
            // No step teaches what is held well enough.
            for step in &plan.steps {
                prop_assert!(!held.meets(step.skill, step.to_level));
            }
        }
        // `closest` ranks only roles with evidence, each with the plan's hours.
        let ranked = closest_roles(&w.graph, &held, min, None, &Interrupt::never()).unwrap();
        for c in &ranked {
            let t = w.roles.iter().position(|&r| r == c.role).unwrap();
            prop_assert!(folded(&w, t).values().any(|n| n.0 >= min));
            let hours: f64 = oracle_gap(&w, &expected_held, t, min).values().map(|e| e.1).sum();
            prop_assert!((c.hours - hours).abs() < 1e-9);
        }
    }
}
