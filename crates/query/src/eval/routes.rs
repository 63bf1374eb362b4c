//! Career questions: `path`, `paths`, `gap`, `learn`, `closest`.

use std::collections::HashSet;

use skillgraph_graph::algo::{
    self, all_routes, cheapest_route, closest_roles, fewest_moves, held_skills, learning_plan,
    Limit, Reason, Route, RouteError, RouteOptions, Start as Origin,
};
use skillgraph_graph::{format_number, Graph, NodeIndex, NodeKind};

use super::{resolve_kind, Session};
use crate::answers::describe::{names, source_keys};
use crate::ast::{
    ClosestQuery, GapQuery, LearnQuery, NodeRef, PathQuery, PathsQuery, RouteFilter, Span, Spanned,
    Start,
};
use crate::diagnostic::QueryError;
use crate::result::{Cell, ResultTable};

fn min_importance(clause: &Option<Spanned<u8>>) -> Result<u8, QueryError> {
    match clause {
        None => Ok(1),
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

/// The route clauses, resolved; remembers spans so route errors can point at the clause.
struct Resolved {
    options: RouteOptions,
    spans: Vec<(NodeIndex, Span)>,
    max_span: Option<Span>,
}

fn route_options(graph: &Graph, filter: &RouteFilter) -> Result<Resolved, QueryError> {
    let mut options = RouteOptions::default();
    let mut spans = Vec::new();
    for v in &filter.via {
        let ix = resolve_kind(graph, v, NodeKind::Role, "`via` takes roles")?;
        options.via.push(ix);
        spans.push((ix, v.span));
    }
    for a in &filter.avoid {
        let ix = resolve_kind(graph, a, NodeKind::Role, "`avoid` takes roles")?;
        options.avoid.push(ix);
        spans.push((ix, a.span));
    }
    options.max_hops = filter.max_hops.as_ref().map(|m| m.value);
    Ok(Resolved {
        options,
        spans,
        max_span: filter.max_hops.as_ref().map(|m| m.span),
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
            to,
            reachable_closest,
            ..
        } => {
            let mut table = ResultTable::new(["role", "shared_skills_with_target"])
                .with_title(e.describe(graph));
            for &r in reachable_closest {
                let shared = shared_requirements(graph, r, *to);
                table.push(vec![
                    Cell::text(name(graph, r)),
                    Cell::Number(shared as f64),
                ]);
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
            Ok(table)
        }
        RouteError::HopLimit { max } => Err(QueryError::new(
            resolved.max_span.unwrap_or(statement),
            format!("routes exist, but every one takes more than {max} moves"),
        )
        .with_help("raise `max`, or drop it")),
        RouteError::Avoided(ix) => Err(QueryError::new(span_of(*ix), e.describe(graph))),
        RouteError::NotARole(ix) => Err(QueryError::new(span_of(*ix), e.describe(graph))),
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
    let resolved = route_options(graph, &q.route)?;
    let whole = q.from.span().to(q.to.span);
    if q.by_effort {
        return path_by_effort(graph, &origin, to, &resolved, whole);
    }
    let from = start_role(&origin, &q.from)?;
    let route = match fewest_moves(graph, from, to, &resolved.options) {
        Ok(r) => r,
        Err(e) => return route_failure(graph, e, &resolved, whole),
    };
    let mut table = ResultTable::new(["move", "from", "to", "skills_named", "sources", "note"])
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
    Ok(table)
}

fn path_by_effort(
    graph: &Graph,
    origin: &Origin,
    to: NodeIndex,
    resolved: &Resolved,
    whole: Span,
) -> Result<ResultTable, QueryError> {
    let cost = |e| algo::move_cost(graph, e, 1);
    let mut table = ResultTable::new(["move", "from", "to", "hours", "basis", "skills"]);
    let (first_leg, costed) = match origin {
        Origin::Role(from) => match cheapest_route(graph, *from, to, &resolved.options, cost) {
            Ok(c) => (None, c),
            Err(e) => return route_failure(graph, e, resolved, whole),
        },
        Origin::Profile(_) => {
            // From a profile: first qualify for some role (its learning-plan hours), then move.
            // Roles are tried cheapest-to-qualify first; once qualifying alone costs more than
            // the best total so far, no later role can win.
            let have = held_skills(graph, origin);
            let mut best: Option<(f64, NodeIndex, algo::CostedRoute)> = None;
            let mut last_error = None;
            for c in closest_roles(graph, &have, 1, None) {
                if best.as_ref().is_some_and(|(total, ..)| c.hours > *total) {
                    break;
                }
                if resolved.options.avoid.contains(&c.role) {
                    continue;
                }
                match cheapest_route(graph, c.role, to, &resolved.options, cost) {
                    Ok(route) => {
                        let total = c.hours + route.total;
                        if best.as_ref().is_none_or(|(t, ..)| total < *t) {
                            best = Some((total, c.role, route));
                        }
                    }
                    Err(e) => last_error = Some(e),
                }
            }
            match best {
                Some((_, role, route)) => (Some(role), route),
                None => {
                    return match last_error {
                        Some(e) => route_failure(graph, e, resolved, whole),
                        None => Err(QueryError::new(
                            whole,
                            "no role can be reached from this profile",
                        )),
                    }
                }
            }
        }
    };
    let mut total = costed.total;
    let mut step = 0;
    if let Some(role) = first_leg {
        let have = held_skills(graph, origin);
        let plan = learning_plan(graph, &have, role, 1, &[]);
        total += plan.total_hours;
        table.push(vec![
            Cell::Number(0.0),
            Cell::text("(profile)"),
            Cell::text(name(graph, role)),
            Cell::Number(plan.total_hours),
            Cell::text("learning plan"),
            Cell::List(
                plan.steps
                    .iter()
                    .map(|s| name(graph, s.skill).to_string())
                    .collect(),
            ),
        ]);
    }
    for (i, &e) in costed.route.edges.iter().enumerate() {
        step += 1;
        let edge = graph.edge(e);
        let (from, to_role) = (costed.route.nodes[i], costed.route.nodes[i + 1]);
        let (basis, skills) = match edge.effort_hours {
            Some(_) => (
                "stated effort".to_string(),
                edge.move_skills()
                    .iter()
                    .filter_map(|id| graph.by_id(id))
                    .map(|ix| name(graph, ix).to_string())
                    .collect(),
            ),
            None => {
                let have = held_skills(graph, &Origin::Role(from));
                let named: Vec<NodeIndex> = edge
                    .move_skills()
                    .iter()
                    .filter_map(|id| graph.by_id(id))
                    .collect();
                let plan = learning_plan(graph, &have, to_role, 1, &named);
                (
                    "learning plan".to_string(),
                    plan.steps
                        .iter()
                        .map(|s| name(graph, s.skill).to_string())
                        .collect(),
                )
            }
        };
        table.push(vec![
            Cell::Number(step as f64),
            Cell::text(name(graph, from)),
            Cell::text(name(graph, to_role)),
            Cell::Number(costed.move_costs[i]),
            Cell::text(basis),
            Cell::List(skills),
        ]);
    }
    let start_name = match first_leg {
        Some(_) => "profile → ".to_string(),
        None => String::new(),
    };
    table.title = Some(format!(
        "{start_name}{} by effort: {} hours",
        route_text(graph, &costed.route),
        format_number(total)
    ));
    table.note(format!("total: {} hours", format_number(total)));
    Ok(table)
}

pub fn paths(session: &Session, graph: &Graph, q: &PathsQuery) -> Result<ResultTable, QueryError> {
    let origin = session.start_nodes(graph, &q.from)?;
    let from = start_role(&origin, &q.from)?;
    let to = target_role(graph, &q.to)?;
    let mut resolved = route_options(graph, &q.route)?;
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
    resolved.options.max_hops.get_or_insert(limits.max_hops);
    let limit = q
        .limit
        .as_ref()
        .map_or(10, |l| l.value)
        .min(limits.max_routes);
    let whole = q.from.span().to(q.to.span);
    let result = match all_routes(
        graph,
        from,
        to,
        &resolved.options,
        limit,
        limits.work_budget,
    ) {
        Ok(r) => r,
        Err(e) => return route_failure(graph, e, &resolved, whole),
    };
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
    if result.routes.is_empty() {
        table.note("no route within the limits");
    }
    Ok(table)
}

/// The start's held skills, and a label for titles.
fn have_of(
    session: &Session,
    graph: &Graph,
    start: &Start,
) -> Result<(HashSet<NodeIndex>, String, Option<NodeIndex>), QueryError> {
    let origin = session.start_nodes(graph, start)?;
    let (label, role) = match &origin {
        Origin::Role(r) => (name(graph, *r).to_string(), Some(*r)),
        Origin::Profile(nodes) => match start {
            Start::Variable(v) => (format!("${}", v.value), None),
            _ => (
                format!("[{}]", names(graph, nodes.iter().copied()).join(", ")),
                None,
            ),
        },
    };
    Ok((held_skills(graph, &origin), label, role))
}

pub fn gap(session: &Session, graph: &Graph, q: &GapQuery) -> Result<ResultTable, QueryError> {
    let (have, label, _) = have_of(session, graph, &q.from)?;
    let to = target_role(graph, &q.to)?;
    let min = min_importance(&q.min_importance)?;
    let items = algo::gap(graph, &have, to, min);
    let hours: f64 = items.iter().map(|g| g.effort_hours).sum();
    let mut table = ResultTable::new([
        "skill",
        "importance",
        "effort_hours",
        "missing_prerequisites",
    ])
    .with_title(format!(
        "gap {label} → {}: {} skill{}, {} hours",
        name(graph, to),
        items.len(),
        if items.len() == 1 { "" } else { "s" },
        format_number(hours)
    ));
    for g in &items {
        table.push(vec![
            Cell::text(name(graph, g.skill)),
            Cell::Number(f64::from(g.importance)),
            Cell::Number(g.effort_hours),
            Cell::List(names(graph, g.missing_prerequisites.iter().copied())),
        ]);
    }
    if items.is_empty() {
        table.note(format!(
            "nothing missing: {label} already has every skill {} requires{}",
            name(graph, to),
            if min > 1 {
                format!(" with importance ≥ {min}")
            } else {
                String::new()
            }
        ));
    }
    Ok(table)
}

pub fn learn(session: &Session, graph: &Graph, q: &LearnQuery) -> Result<ResultTable, QueryError> {
    let (mut have, label, _) = have_of(session, graph, &q.from)?;
    let to = target_role(graph, &q.to)?;
    let min = min_importance(&q.min_importance)?;
    let mut stops = Vec::new();
    for v in &q.via {
        stops.push(resolve_kind(graph, v, NodeKind::Role, "`via` takes roles")?);
    }
    stops.push(to);
    let with_for = stops.len() > 1;
    let mut columns = vec!["step", "skill"];
    if with_for {
        columns.push("for");
    }
    columns.extend(["effort_hours", "cumulative_hours", "why", "covered_by"]);
    let mut table = ResultTable::new(columns);
    let mut step = 0;
    let mut total = 0.0;
    for &stop in &stops {
        let plan = learning_plan(graph, &have, stop, min, &[]);
        for s in &plan.steps {
            step += 1;
            total += s.effort_hours;
            have.insert(s.skill);
            let why = match &s.reason {
                Reason::Required { importance } => {
                    format!(
                        "required by {} (importance {importance})",
                        name(graph, stop)
                    )
                }
                Reason::Named => "named by the move".to_string(),
                Reason::PrerequisiteOf(list) => {
                    format!(
                        "prerequisite of {}",
                        names(graph, list.iter().copied()).join(", ")
                    )
                }
            };
            let mut row = vec![Cell::Number(step as f64), Cell::text(name(graph, s.skill))];
            if with_for {
                row.push(Cell::text(name(graph, stop)));
            }
            row.extend([
                Cell::Number(s.effort_hours),
                Cell::Number(total),
                Cell::text(why),
                Cell::List(names(graph, s.covered_by.iter().copied())),
            ]);
            table.push(row);
        }
    }
    let route: Vec<&str> = stops.iter().map(|&s| name(graph, s)).collect();
    table.title = Some(format!(
        "learning plan {label} → {}: {step} skill{}, {} hours",
        route.join(" → "),
        if step == 1 { "" } else { "s" },
        format_number(total)
    ));
    if step == 0 {
        table.note(format!(
            "nothing to learn: {label} already has every skill {} requires{}",
            route.join(" and "),
            if min > 1 {
                format!(" with importance ≥ {min}")
            } else {
                String::new()
            }
        ));
    } else {
        table.note(format!("total: {} hours", format_number(total)));
    }
    Ok(table)
}

pub fn closest(
    session: &Session,
    graph: &Graph,
    q: &ClosestQuery,
) -> Result<ResultTable, QueryError> {
    let (have, label, role) = have_of(session, graph, &q.profile)?;
    let min = min_importance(&q.min_importance)?;
    let limit = q.limit.as_ref().map_or(10, |l| l.value);
    let list = closest_roles(graph, &have, min, role);
    let mut table = ResultTable::new(["rank", "role", "hours", "match_pct", "missing_skills"])
        .with_title(format!("roles closest to {label}"));
    for (i, c) in list.iter().take(limit).enumerate() {
        table.push(vec![
            Cell::Number((i + 1) as f64),
            Cell::text(name(graph, c.role)),
            Cell::Number(c.hours),
            Cell::Number((c.match_pct * 10.0).round() / 10.0),
            Cell::Number(c.missing as f64),
        ]);
    }
    if list.len() > limit {
        table.note(format!(
            "{} more roles not shown (raise `limit`)",
            list.len() - limit
        ));
    }
    Ok(table)
}
