//! Routes: `path` and `paths`.

use std::collections::HashSet;

use skillgraph_graph::algo::{
    self, held_skills, listed_routes, Constraints, EffortAnswer, EffortFrom, Limit, Reason, Route,
    RouteError, Searched, Start as Origin, DEFAULT_MIN_IMPORTANCE, EFFORT_SEARCH_BUDGET,
};
use skillgraph_graph::{format_number, Graph, NodeIndex, NodeKind};

use super::{resolve_kind, Session};
use crate::answers::describe::{has_requirements, no_requirements};
use crate::answers::describe::{names, source_keys};
use crate::answers::pictures;
use crate::ast::{NodeRef, PathQuery, PathsQuery, RouteFilter, Span, Spanned, Start};
use crate::diagnostic::QueryError;
use crate::result::{Cell, ResultTable};

pub(super) fn min_importance(clause: &Option<Spanned<u8>>) -> Result<u8, QueryError> {
    match clause {
        None => Ok(DEFAULT_MIN_IMPORTANCE),
        Some(s) if (1..=5).contains(&s.value) => Ok(s.value),
        Some(s) => Err(QueryError::new(
            s.span,
            format!("importance goes from 1 to 5, not {}", s.value),
        )),
    }
}

pub(super) fn target_role(graph: &Graph, node: &NodeRef) -> Result<NodeIndex, QueryError> {
    resolve_kind(graph, node, NodeKind::Role, "the target must be a role")
}

/// Read in place: building the node (and the 31 beside it) for its name was a third of a
/// process's first hundred `gap`s at five million edges.
pub(super) fn name(graph: &Graph, ix: NodeIndex) -> &str {
    graph.name_of(ix)
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
    let field = |name: &str| graph.edge_field_of(edge, name);
    let mut parts = Vec::new();
    if let Some(skillgraph_graph::Value::Text(t)) = field(skillgraph_graph::MOVE_TYPE) {
        parts.push(if t == skillgraph_graph::TRAP {
            "career trap".to_string()
        } else {
            t.clone()
        });
    }
    if let Some(skillgraph_graph::Value::Text(tier)) = field("tier") {
        parts.push(tier.clone());
    }
    if let Some(skillgraph_graph::Value::Number(rank)) = field("rank") {
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
                    source_keys(graph, graph.edge_sources_of(e)).join(", ")
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
    // Each move read in place: building its edge (and the 255 beside it) was a quarter of a
    // process's first hundred `path`s at five million edges.
    for (i, &e) in route.edges.iter().enumerate() {
        let skills: Vec<NodeIndex> = (graph.move_skills_of(e).iter())
            .filter_map(|id| graph.by_id(id))
            .collect();
        table.push(vec![
            Cell::Number((i + 1) as f64),
            Cell::text(name(graph, route.nodes[i])),
            Cell::text(name(graph, route.nodes[i + 1])),
            Cell::text(link_text(graph, e)),
            Cell::list(names(graph, skills)),
            Cell::list(source_keys(graph, graph.edge_sources_of(e))),
            graph.edge_note_of(e).map_or(Cell::Null, Cell::text),
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
        .map(|&e| graph.edge_effort_of(e))
        .collect();
    table.picture = Some(pictures::route(graph, &route, &stated, true, None));
    Ok(table)
}

/// The skills of a plan, in order, as one cell.
fn step_names(graph: &Graph, plan: &algo::LearningPlan) -> Cell {
    Cell::list(plan.steps.iter().map(|s| name(graph, s.skill)))
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
                Cell::list(
                    graph
                        .move_skills_of(m.edge)
                        .iter()
                        .filter_map(|id| graph.by_id(id))
                        .map(|ix| name(graph, ix)),
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
