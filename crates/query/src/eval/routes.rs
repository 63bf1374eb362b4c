//! Career questions: `path`, `paths`, `gap`, `learn`, `closest`.

use std::collections::HashSet;

use skillgraph_graph::algo::effort::Effort;
use skillgraph_graph::algo::{
    self, closest_roles, held_skills, listed_routes, missing_tools, Broken, Constraints,
    EffortAnswer, EffortFrom, Held, Learnt, Limit, Reason, Route, RouteError, Searched,
    Start as Origin, ToolNeed, ToolScope, DEFAULT_MIN_IMPORTANCE, EFFORT_SEARCH_BUDGET,
};
use skillgraph_graph::{format_number, Graph, NodeIndex, NodeKind, ESTIMATE_SOURCE};

use super::{resolve_kind, Session};
use crate::answers::describe::{esco_relation, names, node_cells, source_keys, Labels};
use crate::answers::pictures;
use crate::ast::{
    ClosestQuery, GapQuery, LearnQuery, NodeRef, PathQuery, PathsQuery, RouteFilter, Span, Spanned,
    Start,
};
use crate::diagnostic::QueryError;
use crate::result::{Cell, ResultTable};

fn min_importance(clause: &Option<Spanned<u8>>) -> Result<u8, QueryError> {
    match clause {
        None => Ok(DEFAULT_MIN_IMPORTANCE),
        Some(s) if (1..=5).contains(&s.value) => Ok(s.value),
        Some(s) => Err(QueryError::new(
            s.span,
            format!("importance goes from 1 to 5, not {}", s.value),
        )),
    }
}

fn target_role(graph: &Graph, node: &NodeRef) -> Result<NodeIndex, QueryError> {
    resolve_kind(graph, node, NodeKind::Role, "the target must be a role")
}

fn name(graph: &Graph, ix: NodeIndex) -> &str {
    &graph.node(ix).name
}

/// The route clauses resolved into the graph's [`Constraints`]; remembers spans so route
/// errors can point at the clause.
struct Resolved {
    constraints: Constraints,
    spans: Vec<(NodeIndex, Span)>,
    max_span: Option<Span>,
    keep_pay_span: Option<Span>,
    max_hours_span: Option<Span>,
}

fn route_constraints(
    session: &Session,
    graph: &Graph,
    filter: &RouteFilter,
    limits: Option<&crate::ast::Constraints>,
) -> Result<Resolved, QueryError> {
    let mut constraints = Constraints {
        interrupt: session.interruption(),
        ..Constraints::default()
    };
    let mut spans = Vec::new();
    for v in &filter.via {
        let ix = resolve_kind(graph, v, NodeKind::Role, "`via` takes roles")?;
        constraints.via.push(ix);
        spans.push((ix, v.span));
    }
    for a in &filter.avoid {
        let ix = resolve_kind(graph, a, NodeKind::Role, "`avoid` takes roles")?;
        constraints.avoid.push(ix);
        spans.push((ix, a.span));
    }
    constraints.max_hops = filter.max_hops.as_ref().map(|m| m.value);
    let limits = limits.cloned().unwrap_or_default();
    constraints.keep_pay = limits.keep_pay.as_ref().map(|p| p.value);
    constraints.zone_within = limits.zone_within.as_ref().map(|z| z.value);
    constraints.max_hours = limits.max_hours.as_ref().map(|h| h.value);
    Ok(Resolved {
        constraints,
        spans,
        max_span: filter.max_hops.as_ref().map(|m| m.span),
        keep_pay_span: limits.keep_pay.map(|p| p.span),
        max_hours_span: limits.max_hours.map(|h| h.span),
    })
}

/// A route failure: either an answer (unreachable, with the closest reachable roles) or an error
/// pointing at the clause that caused it.
fn route_failure(
    graph: &Graph,
    e: RouteError,
    resolved: &Resolved,
    statement: Span,
) -> Result<ResultTable, QueryError> {
    let span_of = |ix: NodeIndex| {
        resolved
            .spans
            .iter()
            .rev()
            .find(|(i, _)| *i == ix)
            .map_or(statement, |(_, s)| *s)
    };
    match &e {
        RouteError::Unreachable {
            from,
            to,
            reachable_closest,
            ..
        } => {
            let mut table = ResultTable::new(["role", "shared_skills_with_target"])
                .with_title(e.describe(graph));
            let only_through_traps = matches!(
                e,
                RouteError::Unreachable {
                    only_through_traps: true,
                    ..
                }
            );
            for &r in reachable_closest {
                let shared = shared_requirements(graph, r, *to);
                table.push(vec![
                    Cell::text(name(graph, r)),
                    Cell::Number(shared as f64),
                ]);
            }
            if graph
                .out_edges(*from, skillgraph_graph::EdgeKind::Transition)
                .next()
                .is_none()
            {
                let sources = source_keys(graph, &graph.node(*from).sources).join(", ");
                table.note(format!(
                    "{} has no known career moves: its data ({sources}) states none; `learn {} -> {}` gives the plan straight to the target",
                    name(graph, *from),
                    crate::parser::quote_name(name(graph, *from)),
                    crate::parser::quote_name(name(graph, *to))
                ));
            }
            if reachable_closest.is_empty() {
                table.note("no reachable role shares a skill with the target");
            } else {
                table.note(format!(
                    "these roles are reachable and closest to {}; `learn ROLE -> {}` shows what each still needs",
                    name(graph, *to),
                    crate::parser::quote_name(name(graph, *to))
                ));
            }
            if only_through_traps {
                table.note(
                    "routes exist only through a move a source calls a career trap; they are not recommended",
                );
            }
            Ok(table)
        }
        RouteError::HopLimit { max } => Err(QueryError::new(
            resolved.max_span.unwrap_or(statement),
            format!("routes exist, but every one takes more than {max} moves"),
        )
        .with_help("raise `max`, or drop it")),
        RouteError::Avoided(ix) => Err(QueryError::new(span_of(*ix), e.describe(graph))),
        RouteError::NotARole(ix) => Err(QueryError::new(span_of(*ix), e.describe(graph))),
        RouteError::NoPayToKeep => Err(QueryError::new(
            resolved.keep_pay_span.unwrap_or(statement),
            e.describe(graph),
        )
        .with_help("start from a role with a salary, or leave `keep pay` out")),
        RouteError::Blocked { .. } => Err(QueryError::new(statement, e.describe(graph))
            .with_label("blocked by a constraint")
            .with_help(
                "relax the constraint, e.g. a lower `keep pay` share or a wider `job zone within`",
            )),
        RouteError::OverHours { total, max } => Err(QueryError::new(
            resolved.max_hours_span.unwrap_or(statement),
            format!(
                "the cheapest route takes {} hours, more than `max hours {}`",
                format_number(*total),
                format_number(*max)
            ),
        )
        .with_label("blocking constraint")
        .with_help("raise `max hours`, or lower the bar with `min importance`")),
        RouteError::Interrupted => Err(QueryError::interrupted(statement)),
    }
}

fn shared_requirements(graph: &Graph, a: NodeIndex, b: NodeIndex) -> usize {
    let of = |r| -> HashSet<NodeIndex> {
        graph
            .out_edges(r, skillgraph_graph::EdgeKind::Requires)
            .map(|(_, s)| s)
            .collect()
    };
    of(a).intersection(&of(b)).count()
}

/// What kind of link a move is, in a few words: the article's `step up`, `lateral` or trap, and
/// O*NET's tier and rank among an occupation's related occupations (`Supplemental, rank 13`).
fn link_text(graph: &Graph, edge: skillgraph_graph::EdgeIndex) -> String {
    let Some(extra) = graph.edge(edge).extra.as_ref() else {
        return String::new();
    };
    let mut parts = Vec::new();
    if let Some(skillgraph_graph::Value::Text(t)) = extra.fields.get(skillgraph_graph::MOVE_TYPE) {
        parts.push(if t == skillgraph_graph::TRAP {
            "career trap".to_string()
        } else {
            t.clone()
        });
    }
    if let Some(skillgraph_graph::Value::Text(tier)) = extra.fields.get("tier") {
        parts.push(tier.clone());
    }
    if let Some(skillgraph_graph::Value::Number(rank)) = extra.fields.get("rank") {
        parts.push(format!("rank {}", format_number(*rank)));
    }
    parts.join(", ")
}

/// Says of every trap move the routes end with that a source warns against it, and which.
fn trap_notes<'r>(graph: &Graph, table: &mut ResultTable, routes: impl Iterator<Item = &'r Route>) {
    let mut said = Vec::new();
    for route in routes {
        for &e in &route.edges {
            if graph.is_trap_move(e) && !said.contains(&e) {
                said.push(e);
                let (a, b) = graph.edge_endpoints(e);
                table.note(format!(
                    "{} → {} is a career trap, not a goal, per {}: it is shown because it was asked for",
                    name(graph, a),
                    name(graph, b),
                    source_keys(graph, &graph.edge(e).sources).join(", ")
                ));
            }
        }
    }
}

fn route_text(graph: &Graph, route: &Route) -> String {
    route
        .nodes
        .iter()
        .map(|&ix| name(graph, ix))
        .collect::<Vec<_>>()
        .join(" → ")
}

fn moves_word(n: usize) -> String {
    format!("{n} move{}", if n == 1 { "" } else { "s" })
}

/// The start of a route question must be a role, except `by effort`, which can start anywhere.
fn start_role(origin: &Origin, start: &Start) -> Result<NodeIndex, QueryError> {
    match origin {
        Origin::Role(r) => Ok(*r),
        Origin::Profile(_) => Err(QueryError::new(
            start.span(),
            "a profile is not a role, so it has no career moves to count",
        )
        .with_help("use `path … by effort` to route from a profile, or `learn`")),
    }
}

pub fn path(session: &Session, graph: &Graph, q: &PathQuery) -> Result<ResultTable, QueryError> {
    let origin = session.start_nodes(graph, &q.from)?;
    let to = target_role(graph, &q.to)?;
    let resolved = route_constraints(session, graph, &q.route, Some(&q.constraints))?;
    let whole = q.from.span().to(q.to.span);
    let min = min_importance(&q.min_importance)?;
    let start = match &origin {
        Origin::Role(r) => Some(*r),
        Origin::Profile(_) => None,
    };
    if let Err(e) = resolved.constraints.check_start(graph, start) {
        return route_failure(graph, e, &resolved, whole);
    }
    if q.by_effort {
        return path_by_effort(graph, &origin, to, &resolved, whole, min);
    }
    if q.constraints.max_hours.is_some() {
        let span = resolved.max_hours_span.unwrap_or(whole);
        return Err(QueryError::new(
            span,
            "`max hours` weighs routes by hours; add `by effort`",
        ));
    }
    let from = start_role(&origin, &q.from)?;
    let route = match algo::best_route(graph, from, to, &resolved.constraints) {
        Ok(r) => r,
        // Under the user's rules, a route that does not exist at all is the error.
        Err(e @ RouteError::Unreachable { .. }) if resolved.constraints.rules_moves() => {
            return Err(QueryError::new(whole, e.describe(graph)))
        }
        Err(e) => return route_failure(graph, e, &resolved, whole),
    };
    let mut table = ResultTable::new([
        "move",
        "from",
        "to",
        "link",
        "skills_named",
        "sources",
        "note",
    ])
    .with_title(format!(
        "{} ({})",
        route_text(graph, &route),
        moves_word(route.moves())
    ));
    for (i, &e) in route.edges.iter().enumerate() {
        let edge = graph.edge(e);
        let skills: Vec<NodeIndex> = edge
            .move_skills()
            .iter()
            .filter_map(|id| graph.by_id(id))
            .collect();
        table.push(vec![
            Cell::Number((i + 1) as f64),
            Cell::text(name(graph, route.nodes[i])),
            Cell::text(name(graph, route.nodes[i + 1])),
            Cell::text(link_text(graph, e)),
            Cell::List(names(graph, skills)),
            Cell::List(source_keys(graph, &edge.sources)),
            edge.note().map_or(Cell::Null, Cell::text),
        ]);
    }
    if route.moves() == 0 {
        table.note(format!(
            "{} is already the target: no moves needed",
            name(graph, from)
        ));
    }
    trap_notes(graph, &mut table, std::iter::once(&route));
    let stated: Vec<Option<f64>> = route
        .edges
        .iter()
        .map(|&e| graph.edge(e).effort_hours)
        .collect();
    table.picture = Some(pictures::route(graph, &route, &stated, true, None));
    Ok(table)
}

/// Whether the data states any requirement for `role`: a role without is no free stepping stone.
fn has_requirements(graph: &Graph, role: NodeIndex) -> bool {
    graph
        .out_edges(role, skillgraph_graph::EdgeKind::Requires)
        .next()
        .is_some()
}

/// The skills of a plan, in order, as one cell.
fn step_names(graph: &Graph, plan: &algo::LearningPlan) -> Cell {
    Cell::List(
        plan.steps
            .iter()
            .map(|s| name(graph, s.skill).to_string())
            .collect(),
    )
}

/// The answer of `path … by effort` when learning straight for the target costs no more than
/// any route of known moves: one step, the plan.
fn straight_plan(
    graph: &Graph,
    origin: &Origin,
    to: NodeIndex,
    plan: &algo::LearningPlan,
    answer: &EffortAnswer,
) -> ResultTable {
    let from = match origin {
        Origin::Role(r) => name(graph, *r).to_string(),
        Origin::Profile(_) => "(profile)".to_string(),
    };
    let mut table = ResultTable::new(["move", "from", "to", "link", "hours", "basis", "skills"])
        .with_title(format!("{from} → {} by effort", name(graph, to)))
        .with_summary(format!(
            "{} hours, learning straight for it",
            format_number(plan.total_hours)
        ));
    table.push(vec![
        Cell::Number(1.0),
        Cell::text(&from),
        Cell::text(name(graph, to)),
        Cell::text("learn straight"),
        Cell::Number(plan.total_hours),
        Cell::text("learning plan"),
        step_names(graph, plan),
    ]);
    table.note(format!("total: {} hours", format_number(plan.total_hours)));
    table.note(match (&answer.no_better, answer.searched) {
        (Some(route), _) => format!(
            "no known career move pays off: the least-effort route through them, {}, takes {} \
             hours; `learn` gives the plan in order, `path` the moves",
            route_text(graph, &route.route),
            format_number(route.total)
        ),
        (None, Searched::Complete) => "no route of known career moves costs less: what a move \
             into another role teaches beyond the target's needs is extra hours; `learn` gives \
             the plan in order, `path` the fewest moves"
            .to_string(),
        (None, Searched::Stopped { at_least }) => format!(
            "the search for a cheaper route of career moves stopped at its budget of {} costed \
             moves: none it left untried costs less than {} hours",
            format_number(EFFORT_SEARCH_BUDGET as f64),
            format_number(at_least)
        ),
    });
    let reasons: Vec<String> = plan
        .steps
        .iter()
        .map(|s| match &s.reason {
            Reason::Required { importance } => format!("importance {importance}"),
            Reason::Named => "named by the move".to_string(),
            Reason::PrerequisiteOf(_) => "prerequisite".to_string(),
        })
        .collect();
    let drawn: Vec<pictures::PlanStep> = plan
        .steps
        .iter()
        .zip(&reasons)
        .map(|(s, reason)| pictures::PlanStep {
            skill: s.skill,
            stop: to,
            hours: s.effort.hours,
            estimate: s.effort.is_estimate(),
            reason,
            covered_by: &s.covered_by,
            in_progress: false,
        })
        .collect();
    let start = match origin {
        Origin::Role(r) => pictures::PlanStart::Role(*r),
        Origin::Profile(_) => pictures::PlanStart::Profile("(profile)"),
    };
    table.picture = Some(pictures::plan(graph, start, &[to], &drawn, None));
    table
}

/// `path START -> ROLE by effort`: [`algo::least_effort_route`], which carries what is held
/// along the route (each move lists and costs only what is still missing when it is made, the
/// total is the sum of the moves), passes no role without requirement data at no cost, takes
/// no trap but into the target, and is never dearer than learning straight for the target.
fn path_by_effort(
    graph: &Graph,
    origin: &Origin,
    to: NodeIndex,
    resolved: &Resolved,
    whole: Span,
    min: u8,
) -> Result<ResultTable, QueryError> {
    let profile_held;
    let from = match origin {
        Origin::Role(r) => EffortFrom::Role(*r),
        Origin::Profile(_) => {
            profile_held = held_skills(graph, origin);
            EffortFrom::Profile(&profile_held)
        }
    };
    let answer = match algo::least_effort_route(
        graph,
        from,
        to,
        &resolved.constraints,
        min,
        EFFORT_SEARCH_BUDGET,
    ) {
        Ok(a) => a,
        Err(e) => return route_failure(graph, e, resolved, whole),
    };
    let found = match (&answer.route, &answer.straight) {
        (Some(found), _) => found,
        (None, Some(plan)) => return Ok(straight_plan(graph, origin, to, plan, &answer)),
        (None, None) => {
            return Err(QueryError::new(
                whole,
                format!(
                    "the search stopped at its budget of {} costed moves before it found a route",
                    format_number(EFFORT_SEARCH_BUDGET as f64)
                ),
            )
            .with_help("name fewer roles to pass through, or set `max hops`"))
        }
    };
    let mut table = ResultTable::new(["move", "from", "to", "link", "hours", "basis", "skills"]);
    let mut walked_costs: Vec<Option<f64>> = Vec::new();
    let mut profile_plan_hours = 0.0;
    let first_leg = found.qualify.as_ref().map(|(role, _)| *role);
    if let Some((role, plan)) = &found.qualify {
        profile_plan_hours = plan.total_hours;
        table.push(vec![
            Cell::Number(0.0),
            Cell::text("(profile)"),
            Cell::text(name(graph, *role)),
            Cell::Null,
            Cell::Number(plan.total_hours),
            Cell::text("learning plan"),
            step_names(graph, plan),
        ]);
    }
    let mut supplemental = 0;
    for (i, m) in found.moves.iter().enumerate() {
        let (from, to_role) = (found.route.nodes[i], found.route.nodes[i + 1]);
        let (basis, skills) = match &m.plan {
            None => (
                "stated effort",
                Cell::List(
                    graph
                        .edge(m.edge)
                        .move_skills()
                        .iter()
                        .filter_map(|id| graph.by_id(id))
                        .map(|ix| name(graph, ix).to_string())
                        .collect(),
                ),
            ),
            Some(plan) if has_requirements(graph, to_role) => {
                ("learning plan", step_names(graph, plan))
            }
            Some(plan) => ("requirements unknown", step_names(graph, plan)),
        };
        let link = link_text(graph, m.edge);
        supplemental += usize::from(link.contains("Supplemental"));
        walked_costs.push(Some(m.hours));
        table.push(vec![
            Cell::Number((i + 1) as f64),
            Cell::text(name(graph, from)),
            Cell::text(name(graph, to_role)),
            Cell::text(link),
            Cell::Number(m.hours),
            Cell::text(basis),
            skills,
        ]);
    }
    let total = found.total;
    let start_name = match first_leg {
        Some(_) => "profile → ".to_string(),
        None => String::new(),
    };
    table.title = Some(format!(
        "{start_name}{} by effort",
        route_text(graph, &found.route)
    ));
    table.summary = Some(format!("{} hours", format_number(total)));
    table.note(format!("total: {} hours", format_number(total)));
    if let Some(straight) = &answer.straight {
        table.note(format!(
            "what is held grows along the route: each move lists only what is still missing; \
             learning straight for {} takes {} hours (`learn`)",
            name(graph, to),
            format_number(straight.total_hours)
        ));
    }
    if let Searched::Stopped { at_least } = answer.searched {
        table.note(format!(
            "the best route found: the search stopped at its budget of {} costed moves, and \
             no route it left untried costs less than {} hours",
            format_number(EFFORT_SEARCH_BUDGET as f64),
            format_number(at_least)
        ));
    }
    if supplemental > 0 {
        table.note(format!(
            "{supplemental} move{} O*NET's Supplemental links, its weakest relations",
            if supplemental == 1 {
                " uses one of"
            } else {
                "s use"
            }
        ));
    }
    if !has_requirements(graph, to) {
        table.note(no_requirements(graph, to));
    }
    trap_notes(graph, &mut table, std::iter::once(&found.route));
    let profile_label = match origin {
        Origin::Profile(nodes) => {
            format!("[{}]", names(graph, nodes.iter().map(|n| n.0)).join(", "))
        }
        Origin::Role(_) => String::new(),
    };
    table.picture = Some(pictures::route(
        graph,
        &found.route,
        &walked_costs,
        false,
        first_leg.map(|_| (profile_label.as_str(), profile_plan_hours)),
    ));
    Ok(table)
}

pub fn paths(session: &Session, graph: &Graph, q: &PathsQuery) -> Result<ResultTable, QueryError> {
    let origin = session.start_nodes(graph, &q.from)?;
    let from = start_role(&origin, &q.from)?;
    let to = target_role(graph, &q.to)?;
    let mut resolved = route_constraints(session, graph, &q.route, None)?;
    let limits = &session.limits;
    if let Some(m) = &q.route.max_hops {
        if m.value > limits.max_hops * 2 {
            return Err(QueryError::new(
                m.span,
                format!("`max` for `paths` is at most {}", limits.max_hops * 2),
            )
            .with_help("all routes up to that many moves can be too many to list"));
        }
    }
    resolved.constraints.max_hops.get_or_insert(limits.max_hops);
    let asked = q.limit.as_ref().map_or(10, |l| l.value);
    let limit = asked.min(limits.max_routes);
    let whole = q.from.span().to(q.to.span);
    let result = match listed_routes(
        graph,
        from,
        to,
        &resolved.constraints,
        limit,
        limits.work_budget,
    ) {
        Ok(r) => r,
        Err(e) => return route_failure(graph, e, &resolved, whole),
    };
    let through_traps = result.through_traps;
    let mut table = ResultTable::new(["rank", "moves", "route"]).with_title(format!(
        "routes from {} to {}",
        name(graph, from),
        name(graph, to)
    ));
    for (i, route) in result.routes.iter().enumerate() {
        table.push(vec![
            Cell::Number((i + 1) as f64),
            Cell::Number(route.moves() as f64),
            Cell::text(route_text(graph, route)),
        ]);
    }
    if asked > limit {
        table.note(format!(
            "`limit {asked}` is more than `paths` lists: at most {limit} routes are listed"
        ));
    }
    match result.stopped_by {
        Some(Limit::Results(n)) => table.note(format!(
            "limit reached: showing the first {n} routes; more exist (raise `limit`)"
        )),
        Some(Limit::Hops(n)) => table.note(format!(
            "hop limit: every route of at most {n} moves is listed; longer ones exist (raise `max`)"
        )),
        Some(Limit::Work(n)) => table.note(format!(
            "work limit: the search stopped after visiting {n} roles; the list may be incomplete"
        )),
        None => {}
    }
    if through_traps > 0 {
        table.note(format!(
            "{through_traps} route{} left out: {} through a move a source calls a career trap",
            if through_traps == 1 { "" } else { "s" },
            if through_traps == 1 {
                "it passes"
            } else {
                "they pass"
            }
        ));
    }
    trap_notes(graph, &mut table, result.routes.iter());
    if result.routes.is_empty() {
        table.note("no route within the limits");
    } else {
        table.picture = Some(pictures::routes(graph, &result.routes));
    }
    Ok(table)
}

/// The start's held skills, and a label for titles.
fn have_of(
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

/// What to say of a role without any `requires` edge: the data has none, which is not the same
/// as needing nothing.
fn no_requirements(graph: &Graph, role: NodeIndex) -> String {
    let node = graph.node(role);
    let sources = source_keys(graph, &node.sources);
    let by = if sources.iter().any(|s| s.starts_with("onet")) {
        "O*NET has no Skills or Knowledge ratings".to_string()
    } else if sources.iter().any(|s| s.starts_with("esco")) {
        "ESCO links no skills".to_string()
    } else {
        "the data states no required skills".to_string()
    };
    format!(
        "{by} for {}: its requirements are unknown, so this answer cannot say what it takes",
        node.name
    )
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
            Cell::List(names(graph, g.missing_prerequisites.iter().copied())),
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
            "tools: those the target marks in demand or hot are listed; {left_out} more it uses are not (`with all tools` lists them, `without tools` none)"
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
    let summary = format!(
        "{} skill{}, {} hours",
        steps.len(),
        if steps.len() == 1 { "" } else { "s" },
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
            Cell::List(names(graph, s.covered_by.iter().copied())),
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

pub fn closest(
    session: &Session,
    graph: &Graph,
    q: &ClosestQuery,
) -> Result<ResultTable, QueryError> {
    let (have, label, role) = have_of(session, graph, &q.profile)?;
    let min = min_importance(&q.min_importance)?;
    let limit = q.limit.as_ref().map_or(10, |l| l.value);
    let rules = RoleRules::new(graph, &q.roles, role)?;
    let interrupt = session.interruption();
    let interrupted = |_| QueryError::interrupted(q.profile.span());
    let mut list = closest_roles(graph, &have, min, role, &interrupt).map_err(interrupted)?;
    // A role the profile lists is where the person is, not a role to move to.
    let listed: Vec<NodeIndex> = match session.start_nodes(graph, &q.profile)? {
        Origin::Profile(entries) => entries
            .into_iter()
            .map(|(ix, _)| ix)
            .filter(|&ix| graph.kind_of(ix) == Some(NodeKind::Role))
            .collect(),
        Origin::Role(_) => Vec::new(),
    };
    list.retain(|c| !listed.contains(&c.role));
    let before = list.len();
    list.retain(|c| rules.keeps(graph, c.role));
    let filtered = before - list.len();
    let mut table = match role {
        Some(start) => similar_to_role(
            graph, start, &label, &list, min, limit, q.explain, &rules, &interrupt,
        )
        .map_err(interrupted)?,
        None => closest_by_plan(graph, &have, &label, &mut list, min, limit, q.explain),
    };
    if filtered > 0 {
        table.note(format!(
            "{filtered} roles left out by {}",
            rules.described()
        ));
    }
    let unrated = graph
        .node_indices()
        .filter(|&r| {
            graph.kind_of(r) == Some(NodeKind::Role)
                && Some(r) != role
                && algo::requirements(graph, r, min).is_empty()
        })
        .count();
    if unrated > 0 {
        table.note(format!(
            "{unrated} roles with no required skills of importance ≥ {min} in the data are left out: they cannot be compared"
        ));
    }
    Ok(table)
}

/// `closest ROLE`: the roles most like the start role by
/// [`similarity`](skillgraph_graph::algo::similarity) (skills and knowledge by importance ×
/// level, titles, tools, Job Zone; never `transition` edges), each with the hours of its
/// learning plan from the start role so the effort stays in view.
#[allow(clippy::too_many_arguments)]
fn similar_to_role(
    graph: &Graph,
    start: NodeIndex,
    label: &str,
    plans: &[algo::Closeness],
    min: u8,
    limit: usize,
    explain: bool,
    rules: &RoleRules,
    interrupt: &algo::Interrupt,
) -> Result<ResultTable, algo::Interrupted> {
    let mut list = algo::similarity::similar_roles(graph, start, min, interrupt)?;
    list.retain(|s| rules.keeps(graph, s.role));
    // A role the start moves to only by a move a source calls a career trap is not offered as
    // a neighbour to aim for; the note names it.
    let traps: Vec<(NodeIndex, skillgraph_graph::EdgeIndex)> = graph
        .out_edges(start, skillgraph_graph::EdgeKind::Transition)
        .filter(|&(e, _)| graph.is_trap_move(e))
        .map(|(e, to)| (to, e))
        .collect();
    list.retain(|s| !traps.iter().any(|t| t.0 == s.role));
    let hours: std::collections::HashMap<NodeIndex, f64> =
        plans.iter().map(|c| (c.role, c.hours)).collect();
    let mut columns = vec![
        "rank",
        "role",
        "similarity_pct",
        "hours",
        "skills_compared",
        "shared_tools",
    ];
    if explain {
        columns.extend(["skills_pct", "titles_pct", "tools_pct", "zone_factor"]);
    }
    let pct = |share: f64| (share * 1000.0).round() / 10.0;
    let mut table = ResultTable::new(columns)
        .with_row_nodes("role")
        .with_title(format!("roles most like {label}"));
    for (i, s) in list.iter().take(limit).enumerate() {
        let mut row = vec![
            Cell::Number((i + 1) as f64),
            Cell::text(name(graph, s.role)),
            Cell::Number(pct(s.score)),
            Cell::opt_number(hours.get(&s.role).copied()),
            Cell::Number(s.skills_compared as f64),
            Cell::Number(s.shared_tools as f64),
        ];
        if explain {
            row.extend([
                Cell::Number(pct(s.skills)),
                Cell::Number(pct(s.titles)),
                Cell::opt_number(s.tools.map(pct)),
                Cell::Number((s.zone * 100.0).round() / 100.0),
            ]);
        }
        row.extend(node_cells(graph, s.role));
        table.push(row);
    }
    for &(trap, e) in &traps {
        table.note(format!(
            "{} is left out: moving there from {} is a career trap, not a goal, per {}",
            name(graph, trap),
            name(graph, start),
            source_keys(graph, &graph.edge(e).sources).join(", ")
        ));
    }
    table.note(
        "similarity: skills and knowledge (importance × level), title words, tools and Job Zone \
         (docs/GRAMMAR.md, `closest`); career transitions do not enter the score; hours: the \
         learning plan from the start role",
    );
    if list.len() > limit {
        table.note(format!(
            "{} more roles not shown (raise `limit`)",
            list.len() - limit
        ));
    }
    Ok(table)
}

/// `closest $profile` and `closest [list]`: the roles that ask for most of what the profile
/// holds (`shared`: required skills held and tools used, linked concepts counting), then by the
/// hours of the learning plan, then the match %, then by name. Ranking by hours alone put
/// roles that require two unrelated skills (ESCO's linen room attendant) above every role that
/// uses what the profile knows: a short plan to a role sharing nothing is no evidence of fit.
fn closest_by_plan(
    graph: &Graph,
    have: &Held,
    label: &str,
    list: &mut [algo::Closeness],
    min: u8,
    limit: usize,
    explain: bool,
) -> ResultTable {
    list.sort_by(|a, b| {
        b.shared
            .cmp(&a.shared)
            .then(a.hours.total_cmp(&b.hours))
            .then(b.match_pct.total_cmp(&a.match_pct))
            .then(graph.order_by_name(a.role, b.role))
    });
    let list: &[algo::Closeness] = list;
    let mut columns = vec![
        "rank",
        "role",
        "from",
        "shared",
        "hours",
        "match_pct",
        "missing_skills",
        "skills_compared",
    ];
    if explain {
        columns.extend(["held (importance)", "missing (importance)"]);
    }
    let mut table = ResultTable::new(columns)
        .with_row_nodes("role")
        .with_title(format!("roles closest to {label}"));
    for (i, c) in list.iter().take(limit).enumerate() {
        let mut row = vec![
            Cell::Number((i + 1) as f64),
            Cell::text(name(graph, c.role)),
            Cell::text(graph.dataset(c.role)),
            Cell::Number(c.shared as f64),
            Cell::Number(c.hours),
            Cell::Number((c.match_pct * 10.0).round() / 10.0),
            Cell::Number(c.missing as f64),
            Cell::Number(c.evidence as f64),
        ];
        if explain {
            // The same breakdown `why` gives, so a match % is never a black box.
            let mut held = Vec::new();
            let mut missing = Vec::new();
            let mut required = algo::requirements(graph, c.role, min);
            required.sort_by(|a, b| {
                b.importance
                    .cmp(&a.importance)
                    .then(graph.order_by_name(a.skill, b.skill))
            });
            let labels = Labels::new(graph, required.iter().map(|need| need.skill));
            for need in required {
                let label = labels.of(graph, [need.skill]).remove(0);
                let text = format!("{label} ({})", need.importance);
                if have.meets(need.skill, need.level) {
                    held.push(text);
                } else {
                    missing.push(text);
                }
            }
            row.extend([Cell::List(held), Cell::List(missing)]);
        }
        row.extend(node_cells(graph, c.role));
        table.push(row);
    }
    table.note(
        "ranked by `shared` (the role's needs and tools the profile holds, a concept linked \
         across datasets counting once), then hours; `skills_compared`: the needs the match rests on",
    );
    if list.len() > limit {
        table.note(format!(
            "{} more roles not shown (raise `limit`)",
            list.len() - limit
        ));
    }
    table
}

/// Which roles a list keeps: `from SOURCE`, `keep pay [P%]`, `job zone within N` (see
/// docs/GRAMMAR.md). Unlike on routes, a role without the field compared does not pass: a list
/// filtered by pay or zone promises what it shows.
pub(crate) struct RoleRules {
    source: Option<String>,
    pay_known: bool,
    min_pay: Option<f64>,
    /// The start's job zone and the most it may differ by.
    zone: Option<(f64, u8)>,
}

impl RoleRules {
    pub(crate) fn new(
        graph: &Graph,
        filter: &crate::ast::RoleFilter,
        start: Option<NodeIndex>,
    ) -> Result<RoleRules, QueryError> {
        let source = super::known_source(graph, filter.from.as_ref())?.map(str::to_string);
        let mut min_pay = None;
        if let Some(Spanned {
            value: Some(share),
            span,
        }) = &filter.keep_pay
        {
            match start.and_then(|r| super::filter::pay(graph, r)) {
                Some(pay) => min_pay = Some(pay * share),
                None => {
                    return Err(QueryError::new(
                        *span,
                        "`keep pay P%` compares with the start role's salary.avg, and there is none",
                    )
                    .with_help(
                        "start from a role with a salary, or write `keep pay` alone: roles whose pay is known",
                    ))
                }
            }
        }
        let zone = match &filter.zone_within {
            None => None,
            Some(within) => match start.and_then(|r| number_field(graph, r, "job_zone")) {
                Some(zone) => Some((zone, within.value)),
                None => {
                    return Err(QueryError::new(
                        within.span,
                        match start {
                            Some(r) => format!(
                                "`job zone within` compares with the start role's job zone, and {} has none",
                                name(graph, r)
                            ),
                            None => "`job zone within` compares with the start role's job zone, and a profile has none".to_string(),
                        },
                    )
                    .with_help("start from an O*NET role (`closest onet:15-1252.00 job zone within 1`), or filter with `roles where job_zone <= 3`"))
                }
            },
        };
        Ok(RoleRules {
            source,
            pay_known: filter.keep_pay.is_some(),
            min_pay,
            zone,
        })
    }

    pub(crate) fn keeps(&self, graph: &Graph, role: NodeIndex) -> bool {
        if self
            .source
            .as_deref()
            .is_some_and(|s| !graph.is_from(role, s))
        {
            return false;
        }
        if self.pay_known {
            match super::filter::pay(graph, role) {
                None => return false,
                Some(pay) if self.min_pay.is_some_and(|min| pay < min) => return false,
                Some(_) => {}
            }
        }
        if let Some((start, within)) = self.zone {
            match number_field(graph, role, "job_zone") {
                Some(zone) if (zone - start).abs() <= f64::from(within) => {}
                _ => return false,
            }
        }
        true
    }

    /// The rules in words, for the note that counts what they left out.
    fn described(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = &self.source {
            parts.push(format!("`from {s}`"));
        }
        if self.pay_known {
            parts.push("`keep pay`".to_string());
        }
        if self.zone.is_some() {
            parts.push("`job zone within`".to_string());
        }
        parts.join(", ")
    }
}

fn number_field(graph: &Graph, ix: NodeIndex, path: &str) -> Option<f64> {
    match graph.node(ix).field(path)? {
        skillgraph_graph::Value::Number(n) => Some(n),
        _ => None,
    }
}
