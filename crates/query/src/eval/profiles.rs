//! Saved profiles (`profile`, `profiles`, `show profile`, `learnt`/`learning`) and the
//! questions that explain a profile's standing: `why` and `unlock`.

use std::collections::HashSet;

use skillgraph_graph::algo::effort::skill_effort;
use skillgraph_graph::algo::{
    held_skills, learning_plan, next_skills, requirements, NextSkill, Standing, Start as Origin,
    DEFAULT_MIN_IMPORTANCE,
};
use skillgraph_graph::{
    format_number, EdgeKind, Graph, NodeIndex, NodeKind, Profile, ProfileEntry, SkillState,
    DEFAULT_LEVEL,
};

use super::{closest_word, resolve, resolve_kind, Session};
use crate::answers::describe::{esco_relation, names, node_cells};
use crate::ast::{GapQuery, LevelItem, NodeRef, Spanned, UnlockQuery};
use crate::diagnostic::{ErrorKind, QueryError};
use crate::result::{Cell, ResultTable};

pub(crate) fn saved<'g>(
    graph: &'g Graph,
    name: &Spanned<String>,
) -> Result<&'g Profile, QueryError> {
    graph.profile(&name.value).ok_or_else(|| {
        let known: Vec<&str> = graph.profiles().keys().map(String::as_str).collect();
        let err = QueryError::new(
            name.span,
            format!("no saved profile is called `{}`", name.value),
        )
        .with_kind(ErrorKind::UnknownName);
        match closest_word(&name.value, &known) {
            Some(near) => err.with_help(format!("did you mean `{near}`?")),
            None => err.with_help(format!(
                "create it first: `profile {} = [Linux: 4, Python]`",
                name.value
            )),
        }
    })
}

/// A profile entry's node: a skill, a tool, or a role (which stands for the skills it
/// requires, at its levels).
pub(crate) fn entry_node(graph: &Graph, node: &NodeRef) -> Result<NodeIndex, QueryError> {
    resolve(graph, node)
}

/// A role in a profile brings its own levels: the ones it requires its skills at.
fn no_level_on_a_role(graph: &Graph, ix: NodeIndex, item: &LevelItem) -> Result<(), QueryError> {
    match &item.level {
        Some(level) if graph.node(ix).kind == NodeKind::Role => Err(QueryError::new(
            level.span,
            format!(
                "`{}` is a role: it counts as the skills it requires, at the levels it requires \
                 them, so it takes no level of its own",
                graph.node(ix).name
            ),
        )
        .with_help(format!(
            "write `{}` without `: {}`",
            graph.node(ix).name,
            level.value
        ))),
        _ => Ok(()),
    }
}

pub(crate) fn add_items(
    graph: &Graph,
    profile: &mut Profile,
    items: &[LevelItem],
    state: SkillState,
) -> Result<(), QueryError> {
    for item in items {
        let ix = entry_node(graph, &item.node)?;
        no_level_on_a_role(graph, ix, item)?;
        let level = item.level.as_ref().map_or(DEFAULT_LEVEL, |l| l.value);
        profile
            .entries
            .insert(graph.node(ix).id.clone(), ProfileEntry { level, state });
    }
    Ok(())
}

/// `show profile NAME`.
pub fn show(graph: &Graph, name: &Spanned<String>) -> Result<ResultTable, QueryError> {
    let profile = saved(graph, name)?;
    let mut table = ResultTable::new(["entry", "kind", "level", "state", "counts_as"])
        .with_row_nodes("entry")
        .with_title(format!("profile {}", profile.name));
    let mut rows: Vec<(String, Vec<Cell>)> = Vec::new();
    for (id, entry) in &profile.entries {
        let Some(ix) = graph.by_id(id) else { continue };
        let node = graph.node(ix);
        let (level, counts_as) = match node.kind {
            NodeKind::Tool => (
                Cell::Number(f64::from(entry.level)),
                names(graph, graph.out_edges(ix, EdgeKind::Covers).map(|(_, s)| s)),
            ),
            NodeKind::Role => {
                let skills = requirements(graph, ix, 0).len();
                (
                    Cell::Null,
                    vec![format!(
                        "the {skills} skill{} it requires, at its levels",
                        if skills == 1 { "" } else { "s" }
                    )],
                )
            }
            NodeKind::Skill => (
                Cell::Number(f64::from(entry.level)),
                vec![node.name.clone()],
            ),
        };
        let [id, kind] = node_cells(graph, ix);
        rows.push((
            node.name.to_lowercase(),
            vec![
                Cell::text(&node.name),
                kind,
                level,
                Cell::text(entry.state.as_str()),
                Cell::list(counts_as),
                id,
            ],
        ));
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    table.rows = rows.into_iter().map(|(_, r)| r).collect();
    let held = profile.held_ids().count();
    table.note(format!(
        "{held} held, {} learning",
        profile.entries.len() - held
    ));
    Ok(table)
}

/// `profiles`.
pub fn list(graph: &Graph) -> ResultTable {
    let mut table = ResultTable::new(["profile", "entries", "held", "learning"]);
    for p in graph.profiles().values() {
        let held = p.held_ids().count();
        table.push(vec![
            Cell::text(&p.name),
            Cell::Number(p.entries.len() as f64),
            Cell::Number(held as f64),
            Cell::Number((p.entries.len() - held) as f64),
        ]);
    }
    if table.rows.is_empty() {
        table.note("no saved profiles; create one with `profile me = [Linux: 4, Python]`");
    }
    table
}

fn min_importance(clause: &Option<Spanned<u8>>) -> u8 {
    clause.as_ref().map_or(DEFAULT_MIN_IMPORTANCE, |c| c.value)
}

/// The level a saved profile gives a skill, directly or through a tool that covers it.
fn level_of(graph: &Graph, profile: Option<&Profile>, skill: NodeIndex) -> Option<u8> {
    let profile = profile?;
    let direct = profile
        .entries
        .get(&graph.node(skill).id)
        .filter(|e| e.state.is_held())
        .map(|e| e.level);
    let via_tools = graph
        .in_edges(skill, EdgeKind::Covers)
        .filter_map(|(_, tool)| profile.entries.get(&graph.node(tool).id))
        .filter(|e| e.state.is_held())
        .map(|e| e.level)
        .max();
    direct.max(via_tools)
}

fn is_learning(graph: &Graph, profile: Option<&Profile>, skill: NodeIndex) -> bool {
    profile.is_some_and(|p| {
        p.entries
            .get(&graph.node(skill).id)
            .is_some_and(|e| e.state == SkillState::Learning)
    })
}

/// The saved profile a start names, if it names one (for levels and learning states).
pub(crate) fn saved_profile_of<'g>(
    session: &Session,
    graph: &'g Graph,
    start: &crate::ast::Start,
) -> Option<&'g Profile> {
    match start {
        crate::ast::Start::Variable(v) => graph.profile(&v.value),
        crate::ast::Start::Default(_) => graph.profile(session.default_profile.as_deref()?),
        _ => None,
    }
}

/// `why START -> ROLE`: the match score broken down, one row per required skill, with the
/// levels compared and the arithmetic of each hour figure.
pub fn why(session: &Session, graph: &Graph, q: &GapQuery) -> Result<ResultTable, QueryError> {
    let origin = session.start_nodes(graph, &q.from)?;
    let have = held_skills(graph, &origin);
    let profile = saved_profile_of(session, graph, &q.from);
    let to = resolve_kind(graph, &q.to, NodeKind::Role, "the target must be a role")?;
    let min = min_importance(&q.min_importance);
    let direct: HashSet<NodeIndex> = match &origin {
        Origin::Role(r) => graph
            .out_edges(*r, EdgeKind::Requires)
            .map(|(_, s)| s)
            .collect(),
        Origin::Profile(nodes) => nodes
            .iter()
            .flat_map(|&(ix, _)| {
                // What a tool covers, and what a role requires, is held as directly as a skill.
                let covered: Vec<NodeIndex> = graph
                    .out_edges(ix, EdgeKind::Covers)
                    .chain(graph.out_edges(ix, EdgeKind::Requires))
                    .map(|(_, s)| s)
                    .collect();
                std::iter::once(ix).chain(covered)
            })
            .collect(),
    };
    let mut rows: Vec<(bool, u8, String, Vec<Cell>)> = Vec::new();
    let (mut got, mut total) = (0.0, 0.0);
    for need in requirements(graph, to, min) {
        let weight = f64::from(need.importance);
        total += weight;
        let standing = have.standing(need.skill, need.level);
        let counts = match standing {
            Standing::Met => weight,
            Standing::Below(level) => {
                weight * need.level.map_or(0.0, |n| (level / n).clamp(0.0, 1.0))
            }
            Standing::Missing => 0.0,
        };
        got += counts;
        let met = standing == Standing::Met;
        let held_level = have.level(need.skill).flatten();
        let status = match standing {
            Standing::Met if direct.contains(&need.skill) => {
                match (level_of(graph, profile, need.skill), held_level) {
                    (Some(l), _) => format!("held at level {l}"),
                    (None, Some(l)) => format!("held at level {l:.1}"),
                    (None, None) => "held".to_string(),
                }
            }
            Standing::Met => "held (prerequisite of a held skill)".to_string(),
            Standing::Below(level) => format!("held below the level needed ({level:.1})"),
            Standing::Missing if is_learning(graph, profile, need.skill) => "learning".to_string(),
            Standing::Missing => "missing".to_string(),
        };
        let level = match (held_level, need.level) {
            (Some(h), Some(n)) => format!("{h:.1} of {n:.1}"),
            (None, Some(n)) => format!("needs {n:.1}"),
            _ => String::new(),
        };
        let (hours, basis) = if met {
            (0.0, String::new())
        } else {
            let effort = skill_effort(
                graph,
                need.skill,
                Some(to),
                standing.from_level(),
                need.level,
            );
            (effort.hours, effort.explain())
        };
        let node = graph.node(need.skill);
        let [id, kind] = node_cells(graph, need.skill);
        rows.push((
            met,
            need.importance,
            node.name.to_lowercase(),
            vec![
                Cell::text(&node.name),
                Cell::Number(f64::from(need.importance)),
                esco_relation(graph, to, need.skill).map_or(Cell::Null, Cell::text),
                Cell::text(status),
                Cell::text(level),
                Cell::Number(hours),
                Cell::text(basis),
                Cell::Number((counts * 100.0).round() / 100.0),
                id,
                kind,
            ],
        ));
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    let plan = learning_plan(graph, &have, to, min, &[]);
    let mut table = ResultTable::new([
        "skill",
        "importance",
        "esco_relation",
        "status",
        "level",
        "hours",
        "hours_basis",
        "counts",
    ])
    .with_row_nodes("skill");
    table = if total == 0.0 {
        table.with_title(format!(
            "why: no match can be computed with {}: no required skills to compare",
            graph.node(to).name
        ))
    } else {
        table.with_title(format!(
            "why: {}% match with {} (importance held {} of {})",
            format_number((100.0 * got / total * 10.0).round() / 10.0),
            graph.node(to).name,
            format_number((got * 10.0).round() / 10.0),
            format_number(total)
        ))
    };
    table.rows = rows.into_iter().map(|r| r.3).collect();
    table.note(format!(
        "match % = importance of the required skills met ÷ importance of all required skills \
         (importance ≥ {min}; a skill held below its level counts the share held); the plan to \
         close the gap takes {} hours (with prerequisites)",
        format_number(plan.total_hours)
    ));
    Ok(table)
}

/// `unlock START`: the single skills that, learnt next, bring the most roles within reach. A
/// skill can be learnt next when it is not held in full and every prerequisite is held.
/// Ranked by the roles it completes (their gap is this one need), then the roles whose
/// learning plan has it, then the hours those plans spend on it, then its cost (fewer first),
/// then name. The same needs as `gap`: importance ≥ `min importance`, levels compared by
/// `Held::standing`.
pub fn unlock(
    session: &Session,
    graph: &Graph,
    q: &UnlockQuery,
) -> Result<ResultTable, QueryError> {
    let origin = session.start_nodes(graph, &q.profile)?;
    let have = held_skills(graph, &origin);
    let min = min_importance(&q.min_importance);
    let limit = q.limit.as_ref().map_or(5, |l| l.value);
    let exclude = match origin {
        Origin::Role(r) => Some(r),
        Origin::Profile(_) => None,
    };
    let mut results = next_skills(graph, &have, min, exclude, &session.interruption())
        .map_err(|_| QueryError::interrupted(q.profile.span()))?;
    let most_help = |a: &NextSkill, b: &NextSkill| {
        b.roles_completed
            .cmp(&a.roles_completed)
            .then(b.roles_helped.cmp(&a.roles_helped))
            .then(b.hours_saved.total_cmp(&a.hours_saved))
            .then(a.cost.total_cmp(&b.cost))
            .then(graph.order_by_name(a.skill, b.skill))
    };
    // Only the rows shown are put in order (of thousands of skills, most tie on every count
    // and were compared by name): the order ends in names and ids, so no two skills tie, and
    // the first `limit` are those a sort of them all would give.
    if results.len() > limit {
        results.select_nth_unstable_by(limit, most_help);
        results.truncate(limit);
    }
    results.sort_by(most_help);
    let mut table = ResultTable::new([
        "rank",
        "skill",
        "roles_completed",
        "roles_helped",
        "cost_hours",
        "hours_saved",
    ])
    .with_row_nodes("skill")
    .with_title("skills that, learnt next, help most");
    for (i, u) in results.iter().enumerate() {
        let [id, kind] = node_cells(graph, u.skill);
        table.push(vec![
            Cell::Number((i + 1) as f64),
            Cell::text(&graph.node(u.skill).name),
            Cell::Number(u.roles_completed as f64),
            Cell::Number(u.roles_helped as f64),
            Cell::Number(u.cost),
            Cell::Number(u.hours_saved),
            id,
            kind,
        ]);
    }
    table.note(format!(
        "only skills not held in full whose prerequisites are held; roles_completed = roles whose \
         gap is this one skill (importance ≥ {min}, as `gap` counts it); roles_helped = roles \
         whose learning plan has it; cost_hours = the most its step takes in those plans; \
         hours_saved = its hours summed over them"
    ));
    Ok(table)
}
