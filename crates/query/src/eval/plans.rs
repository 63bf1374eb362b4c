//! Plans: `gap` and `learn`.

use skillgraph_graph::algo::effort::Effort;
use skillgraph_graph::algo::{
    self, held_skills, missing_tools, Broken, Constraints, Held, Learnt, Reason, Start as Origin,
    ToolNeed, ToolScope,
};
use skillgraph_graph::{format_number, Graph, NodeIndex, NodeKind, ESTIMATE_SOURCE};

use super::routes::{min_importance, name, target_role};
use super::{resolve_kind, Session};
use crate::answers::describe::{
    esco_relation, has_requirements, names, no_requirements, node_cells,
};
use crate::answers::pictures;
use crate::ast::{GapQuery, LearnQuery, Span, Start};
use crate::diagnostic::QueryError;
use crate::result::{Cell, ResultTable};

/// The start's held skills, and a label for titles.
pub(super) fn have_of(
    session: &Session,
    graph: &Graph,
    start: &Start,
) -> Result<(Held, String, Option<NodeIndex>), QueryError> {
    let origin = session.start_nodes(graph, start)?;
    let (label, role) = match &origin {
        Origin::Role(r) => (name(graph, *r).to_string(), Some(*r)),
        Origin::Profile(nodes) => match start {
            Start::Variable(v) => (format!("${}", v.value), None),
            Start::Default(_) => (
                format!(
                    "${}",
                    session.default_profile.as_deref().unwrap_or_default()
                ),
                None,
            ),
            _ => (
                format!("[{}]", names(graph, nodes.iter().map(|n| n.0)).join(", ")),
                None,
            ),
        },
    };
    Ok((held_skills(graph, &origin), label, role))
}

/// A need's levels as a short text: `3.4 → 4.5` (held below the level), `→ 4.5` (not held),
/// empty where the target states no level.
fn level_text(from: Option<f64>, to: Option<f64>) -> String {
    let level = |l: f64| format!("{:.1}", l);
    match (from, to) {
        (Some(a), Some(b)) => format!("{} → {}", level(a), level(b)),
        (None, Some(b)) => format!("→ {}", level(b)),
        _ => String::new(),
    }
}

/// Where an hours figure comes from, for the `hours_source` column.
fn hours_source(effort: &Effort) -> Cell {
    if effort.is_estimate() {
        Cell::text(ESTIMATE_SOURCE)
    } else if effort.is_known() {
        Cell::text("data")
    } else {
        Cell::text("unknown")
    }
}

/// Notes every plan-like answer shares: a target without requirement data said so (never
/// "nothing to learn"), the nice-to-have needs left out by `min importance`, and estimates.
fn data_notes(
    graph: &Graph,
    table: &mut ResultTable,
    have: &Held,
    to: NodeIndex,
    min: u8,
    min_given: bool,
) {
    if !has_requirements(graph, to) {
        table.note(no_requirements(graph, to));
    }
    linked_note(graph, table, have, to);
    if min_given {
        return;
    }
    let needs = algo::requirements(graph, to, 1);
    let (mut optional, mut below) = (0, 0);
    for need in needs
        .iter()
        .filter(|need| need.importance < min && !have.meets(need.skill, need.level))
    {
        match esco_relation(graph, to, need.skill) {
            Some("optional") => optional += 1,
            _ => below += 1,
        }
    }
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let them = |n: usize| if n == 1 { "it" } else { "them" };
    if optional > 0 {
        // ESCO's own words: what is essential to every job under the title, and what only
        // some of them ask for.
        let essential = needs
            .iter()
            .filter(|need| esco_relation(graph, to, need.skill) == Some("essential"))
            .count();
        table.note(format!(
            "only the skills ESCO calls essential for {} ({essential}) are counted; {optional} \
             optional skill{} (asked for in some of its jobs only) left out: add `min importance 1` \
             to include {}",
            name(graph, to),
            plural(optional),
            them(optional)
        ));
    }
    if below > 0 {
        table.note(format!(
            "{below} more skill{} of importance below {min} left out: add `min importance 1` to include {}",
            plural(below),
            them(below)
        ));
    }
}

/// Which of what `to` asks for counts as held only because a node of another dataset is the
/// same concept (docs/GRAMMAR.md, Names): `Kubernetes (onet) as Kubernetes (curated)`.
fn linked_note(graph: &Graph, table: &mut ResultTable, have: &Held, to: NodeIndex) {
    let mut asked: Vec<NodeIndex> = algo::requirements(graph, to, 0)
        .iter()
        .map(|n| n.skill)
        .chain(
            graph
                .out_edges(to, skillgraph_graph::EdgeKind::Uses)
                .map(|(_, t)| t),
        )
        .collect();
    asked.sort_by(|&a, &b| graph.order_by_name(a, b));
    asked.dedup();
    let through: Vec<String> = asked
        .into_iter()
        .filter_map(|x| {
            let by = have.held_through(x)?;
            Some(format!(
                "{} ({}) as {} ({})",
                name(graph, x),
                graph.dataset(x),
                name(graph, by),
                graph.dataset(by)
            ))
        })
        .collect();
    if through.is_empty() {
        return;
    }
    const SHOWN: usize = 8;
    let more = through.len().saturating_sub(SHOWN);
    table.note(format!(
        "held through the same concept in another dataset: {}{}",
        through[..through.len().min(SHOWN)].join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    ));
}

pub fn gap(session: &Session, graph: &Graph, q: &GapQuery) -> Result<ResultTable, QueryError> {
    let (have, label, _) = have_of(session, graph, &q.from)?;
    let to = target_role(graph, &q.to)?;
    let min = min_importance(&q.min_importance)?;
    let items = algo::gap(graph, &have, to, min);
    let (tools, tools_left_out) = missing_tools(graph, &have, to, q.tools);
    let hours = items.iter().map(|g| g.effort.hours).sum::<f64>()
        + tools.iter().map(|t| t.effort.hours).sum::<f64>();
    let mut table = ResultTable::new([
        "skill",
        "kind",
        "importance",
        "esco_relation",
        "level",
        "effort_hours",
        "hours_source",
        "missing_prerequisites",
    ])
    .with_row_nodes("skill")
    .with_title(format!("gap {label} → {}", name(graph, to)))
    .with_summary(format!(
        "{} skill{}{}, {} hours",
        items.len(),
        if items.len() == 1 { "" } else { "s" },
        tools_words(tools.len()),
        format_number(hours)
    ));
    for g in &items {
        let [id, kind] = node_cells(graph, g.skill);
        table.push(vec![
            Cell::text(name(graph, g.skill)),
            kind,
            Cell::Number(f64::from(g.importance)),
            esco_relation(graph, to, g.skill).map_or(Cell::Null, Cell::text),
            Cell::text(level_text(g.from_level, g.needed_level)),
            Cell::Number(g.effort.hours),
            hours_source(&g.effort),
            Cell::list(names(graph, g.missing_prerequisites.iter().copied())),
            id,
        ]);
    }
    for t in &tools {
        let [id, kind] = node_cells(graph, t.tool);
        table.push(vec![
            Cell::text(name(graph, t.tool)),
            kind,
            Cell::Null,
            Cell::Null,
            Cell::text(tool_flags(t)),
            Cell::Number(t.effort.hours),
            hours_source(&t.effort),
            Cell::List(Vec::new()),
            id,
        ]);
    }
    let has_data = graph
        .out_edges(to, skillgraph_graph::EdgeKind::Requires)
        .next()
        .is_some();
    if items.is_empty() && tools.is_empty() && has_data {
        table.note(format!(
            "nothing missing: {label} already meets every skill {} requires{}",
            name(graph, to),
            if min > 1 {
                format!(" with importance ≥ {min}")
            } else {
                String::new()
            }
        ));
    }
    data_notes(
        graph,
        &mut table,
        &have,
        to,
        min,
        q.min_importance.is_some(),
    );
    tool_notes(&mut table, q.tools, tools_left_out);
    estimate_note(
        &mut table,
        items
            .iter()
            .map(|g| &g.effort)
            .chain(tools.iter().map(|t| &t.effort)),
    );
    Ok(table)
}

fn tools_words(n: usize) -> String {
    match n {
        0 => String::new(),
        1 => " and 1 tool".to_string(),
        n => format!(" and {n} tools"),
    }
}

fn tool_flags(t: &ToolNeed) -> String {
    match (t.in_demand, t.hot) {
        (true, true) => "in demand, hot technology".to_string(),
        (true, false) => "in demand".to_string(),
        (false, true) => "hot technology".to_string(),
        (false, false) => String::new(),
    }
}

fn tool_notes(table: &mut ResultTable, scope: ToolScope, left_out: usize) {
    if scope == ToolScope::Flagged && left_out > 0 {
        table.note(format!(
            "tools: of those the target marks in demand (or, where it marks none, the hot technologies it uses), one of each kind you hold none of is listed; {left_out} more it uses are not (`with all tools` lists them, `without tools` none)"
        ));
    }
}

/// Says once that hours marked `skillgraph-estimate` are the project's, and where the model is.
fn estimate_note<'a>(table: &mut ResultTable, efforts: impl Iterator<Item = &'a Effort>) {
    let mut estimates = 0;
    let mut unknown = 0;
    for e in efforts {
        estimates += usize::from(e.is_estimate());
        unknown += usize::from(!e.is_known());
    }
    if estimates > 0 {
        table.note(format!(
            "hours marked {ESTIMATE_SOURCE} are the project's estimates, not the data's (docs/EFFORT.md; `why` shows the arithmetic)"
        ));
    }
    if unknown > 0 {
        table.note(format!(
            "{unknown} of these have no effort in the data and nothing to estimate it from; they count as 0 hours"
        ));
    }
}

/// One step of a learning plan (a skill, or a tool the target uses), before it is laid out as
/// rows.
struct Step {
    skill: NodeIndex,
    stop: NodeIndex,
    hours: f64,
    /// `3.4 → 4.5` and the like; empty without levels.
    level: String,
    effort: Effort,
    why: String,
    /// `why` in a few words, for the picture.
    reason: String,
    covered_by: Vec<NodeIndex>,
    /// The profile marks the skill as being learnt.
    in_progress: bool,
}

pub fn learn(session: &Session, graph: &Graph, q: &LearnQuery) -> Result<ResultTable, QueryError> {
    let (have, label, start_role) = have_of(session, graph, &q.from)?;
    let saved = match &q.from {
        Start::Variable(v) => graph.profile(&v.value),
        Start::Default(_) => session
            .default_profile
            .as_deref()
            .and_then(|n| graph.profile(n)),
        _ => None,
    };
    let to = target_role(graph, &q.to)?;
    let min = min_importance(&q.min_importance)?;
    let mut constraints = Constraints {
        max_hours: q.constraints.max_hours.as_ref().map(|m| m.value),
        ..Constraints::default()
    };
    for v in &q.via {
        let stop = resolve_kind(graph, v, NodeKind::Role, "`via` takes roles")?;
        constraints.via.push(stop);
    }
    let mut avoid_spans: Vec<(NodeIndex, Span)> = Vec::new();
    for a in &q.avoid {
        let ix = super::resolve(graph, a)?;
        if graph.node(ix).kind == NodeKind::Role {
            return Err(QueryError::new(
                a.span,
                "`avoid` in `learn` takes skills or tools; to avoid a role on a route, use `path`",
            ));
        }
        constraints.avoid.push(ix);
        avoid_spans.push((ix, a.span));
    }
    let mut stops = constraints.via.clone();
    stops.push(to);
    let plan = match algo::plan_through(graph, &have, to, min, q.tools, &constraints) {
        Ok(plan) => plan,
        Err(refused) => {
            let whole = q.from.span().to(q.to.span);
            let max_span = q.constraints.max_hours.as_ref().map_or(whole, |m| m.span);
            return Err(plan_refused(graph, &refused, &avoid_spans, max_span, saved));
        }
    };
    let steps: Vec<Step> = plan
        .steps
        .iter()
        .map(|s| plan_step(graph, s, saved))
        .collect();
    let total = plan.total_hours;
    let tools_left_out = plan.tools_left_out;
    let route: Vec<&str> = stops.iter().map(|&s| name(graph, s)).collect();
    let title = format!("learning plan {label} → {}", route.join(" → "));
    let tool_steps = (plan.steps.iter())
        .filter(|s| graph.kind_of(s.node()) == Some(NodeKind::Tool))
        .count();
    let skill_steps = steps.len() - tool_steps;
    let summary = format!(
        "{} skill{}{}, {} hours",
        skill_steps,
        if skill_steps == 1 { "" } else { "s" },
        tools_words(tool_steps),
        format_number(total)
    );
    let slices = q.constraints.pace.as_ref().map(|pace| {
        let hours: Vec<f64> = steps.iter().map(|s| s.hours).collect();
        algo::week_slices(&hours, pace.value)
    });
    let mut table = match &slices {
        Some(slices) => week_table(graph, &steps, slices),
        None => plan_table(graph, &steps, stops.len() > 1),
    }
    .with_title(title)
    .with_summary(summary);
    let has_data = stops.iter().all(|&stop| {
        graph
            .out_edges(stop, skillgraph_graph::EdgeKind::Requires)
            .next()
            .is_some()
    });
    if steps.is_empty() && has_data {
        table.note(format!(
            "nothing to learn: {label} already meets every skill {} requires{}",
            route.join(" and "),
            if min > 1 {
                format!(" with importance ≥ {min}")
            } else {
                String::new()
            }
        ));
    } else if !steps.is_empty() {
        table.note(format!("total: {} hours", format_number(total)));
    }
    for &stop in &stops {
        data_notes(
            graph,
            &mut table,
            &have,
            stop,
            min,
            q.min_importance.is_some(),
        );
    }
    tool_notes(&mut table, q.tools, tools_left_out);
    estimate_note(&mut table, steps.iter().map(|s| &s.effort));
    if let Some(pace) = &q.constraints.pace {
        let weeks = slices.as_deref().map_or(0, algo::weeks_needed);
        table.note(format!(
            "ready after {weeks} week{} at {} hours/week",
            if weeks == 1 { "" } else { "s" },
            format_number(pace.value)
        ));
    }
    let drawn: Vec<pictures::PlanStep> = steps
        .iter()
        .map(|s| pictures::PlanStep {
            skill: s.skill,
            stop: s.stop,
            hours: s.hours,
            estimate: s.effort.is_estimate(),
            reason: &s.reason,
            covered_by: &s.covered_by,
            in_progress: s.in_progress,
        })
        .collect();
    let start = match start_role {
        Some(role) => pictures::PlanStart::Role(role),
        None => pictures::PlanStart::Profile(&label),
    };
    let weeks = match (&slices, &q.constraints.pace) {
        (Some(slices), Some(pace)) => Some(pictures::Weeks {
            slices,
            per_week: pace.value,
        }),
        _ => None,
    };
    table.picture = Some(pictures::plan(graph, start, &stops, &drawn, weeks.as_ref()));
    Ok(table)
}

/// The error of a plan that breaks a constraint: the avoided skill it needs and why, or its
/// hours over `max hours`.
fn plan_refused(
    graph: &Graph,
    refused: &algo::PlanRefused,
    avoid_spans: &[(NodeIndex, Span)],
    max_span: Span,
    saved: Option<&skillgraph_graph::Profile>,
) -> QueryError {
    match refused.broken {
        Broken::Avoided { step } => {
            let step = &refused.plan.steps[step];
            let skill = step.node();
            let span = avoid_spans
                .iter()
                .find(|(ix, _)| *ix == skill)
                .map(|(_, span)| *span)
                .expect("an avoided skill was named by `avoid`");
            QueryError::new(
                span,
                format!(
                    "the plan needs {} ({}), which `avoid` excludes",
                    name(graph, skill),
                    plan_step(graph, step, saved).why
                ),
            )
            .with_label("blocking constraint")
            .with_help("raise `min importance` above what needs it, or choose another target")
        }
        Broken::OverHours { max } => QueryError::new(
            max_span,
            format!(
                "the plan takes {} hours, more than `max hours {}`",
                format_number(refused.plan.total_hours),
                format_number(max)
            ),
        )
        .with_label("blocking constraint")
        .with_help("raise `max hours`, or narrow the plan with `min importance`"),
    }
}

/// One step of a plan as `learn` shows it: why it is there in words, and whether the profile
/// marks it as being learnt.
fn plan_step(
    graph: &Graph,
    step: &algo::StopStep,
    saved: Option<&skillgraph_graph::Profile>,
) -> Step {
    let stop = step.stop;
    match &step.learnt {
        Learnt::Skill(s) => {
            let mut why = match &s.reason {
                Reason::Required { importance } => match esco_relation(graph, stop, s.skill) {
                    Some(relation) => format!(
                        "{relation} for {} in ESCO (importance {importance})",
                        name(graph, stop)
                    ),
                    None => format!(
                        "required by {} (importance {importance})",
                        name(graph, stop)
                    ),
                },
                Reason::Named => "named by the move".to_string(),
                Reason::PrerequisiteOf(list) => format!(
                    "prerequisite of {}",
                    names(graph, list.iter().copied()).join(", ")
                ),
            };
            let learning = saved.is_some_and(|p| {
                p.entries
                    .get(&graph.node(s.skill).id)
                    .is_some_and(|e| e.state == skillgraph_graph::SkillState::Learning)
            });
            if learning {
                why.push_str(" — in progress");
            }
            let reason = match &s.reason {
                Reason::Required { importance } => format!("importance {importance}"),
                Reason::Named => "named by the move".to_string(),
                Reason::PrerequisiteOf(_) => "prerequisite".to_string(),
            };
            Step {
                skill: s.skill,
                stop,
                hours: s.effort.hours,
                level: level_text(s.from_level, s.to_level),
                effort: s.effort.clone(),
                why,
                reason,
                covered_by: s.covered_by.clone(),
                in_progress: learning,
            }
        }
        Learnt::Tool(t) => {
            let flags = tool_flags(t);
            Step {
                skill: t.tool,
                stop,
                hours: t.effort.hours,
                level: String::new(),
                why: if flags.is_empty() {
                    format!("a tool {} uses", name(graph, stop))
                } else {
                    format!("a tool {} uses ({flags})", name(graph, stop))
                },
                effort: t.effort.clone(),
                reason: "tool".to_string(),
                covered_by: Vec::new(),
                in_progress: false,
            }
        }
    }
}

fn plan_table(graph: &Graph, steps: &[Step], with_for: bool) -> ResultTable {
    let mut columns = vec!["step", "skill"];
    if with_for {
        columns.push("for");
    }
    columns.extend([
        "level",
        "effort_hours",
        "cumulative_hours",
        "hours_source",
        "why",
        "covered_by",
    ]);
    let mut table = ResultTable::new(columns).with_row_nodes("skill");
    let mut total = 0.0;
    for (i, s) in steps.iter().enumerate() {
        total += s.hours;
        let mut row = vec![
            Cell::Number((i + 1) as f64),
            Cell::text(name(graph, s.skill)),
        ];
        if with_for {
            row.push(Cell::text(name(graph, s.stop)));
        }
        row.extend([
            Cell::text(&s.level),
            Cell::Number(s.hours),
            Cell::Number(total),
            hours_source(&s.effort),
            Cell::text(&s.why),
            Cell::list(names(graph, s.covered_by.iter().copied())),
        ]);
        row.extend(node_cells(graph, s.skill));
        table.push(row);
    }
    table
}

/// One row per (week, skill), with the step view's marks: `status` says which skills the
/// profile is learning.
fn week_table(graph: &Graph, steps: &[Step], slices: &[pictures::WeekSlice]) -> ResultTable {
    let mut table =
        ResultTable::new(["week", "skill", "hours", "week_total", "finishes", "status"])
            .with_row_nodes("skill");
    for slice in slices {
        let step = &steps[slice.step];
        let week_total: f64 = slices
            .iter()
            .filter(|s| s.week == slice.week)
            .map(|s| s.hours)
            .sum();
        let [id, kind] = node_cells(graph, step.skill);
        table.push(vec![
            Cell::Number(f64::from(slice.week)),
            Cell::text(name(graph, step.skill)),
            Cell::Number((slice.hours * 100.0).round() / 100.0),
            Cell::Number((week_total * 100.0).round() / 100.0),
            Cell::Bool(slice.finishes),
            if step.in_progress {
                Cell::text("in progress")
            } else {
                Cell::Null
            },
            id,
            kind,
        ]);
    }
    table
}
