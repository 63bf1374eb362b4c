//! `closest`: the roles nearest a start, by similarity or by the hours of their plans.

use skillgraph_graph::algo::{self, Held, Start as Origin};
use skillgraph_graph::{Graph, NodeIndex, NodeKind};

use super::plans::have_of;
use super::routes::{min_importance, name};
use super::Session;
use crate::answers::describe::{node_cells, source_keys, Labels};
use crate::ast::{ClosestQuery, Spanned};
use crate::diagnostic::QueryError;
use crate::result::{Cell, ResultTable};

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
    let (rated, filtered, mut table) = match role {
        Some(start) => {
            // Ranked by similarity, so only the roles shown need their plans made.
            let mut rated = Vec::new();
            for r in graph.nodes_of_kind(NodeKind::Role) {
                interrupt.check().map_err(interrupted)?;
                if r != start && !algo::requirements(graph, r, min).is_empty() {
                    rated.push(r);
                }
            }
            let count = rated.len();
            rated.retain(|&r| rules.keeps(graph, r));
            let filtered = count - rated.len();
            let table = similar_to_role(
                graph, start, &have, min, &label, rated, limit, q.explain, &interrupt,
            )
            .map_err(interrupted)?;
            (count, filtered, table)
        }
        None => {
            let mut list =
                algo::roles_compared(graph, &have, min, None, &interrupt).map_err(interrupted)?;
            let count = list.len();
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
            let table = closest_by_plan(
                graph, &have, &label, &mut list, min, limit, q.explain, &interrupt,
            )
            .map_err(interrupted)?;
            (count, filtered, table)
        }
    };
    // Every role but the start with a requirement at `min` is rated: the rest cannot be
    // compared.
    let unrated = graph.nodes_of_kind(NodeKind::Role).len() - usize::from(role.is_some()) - rated;
    if filtered > 0 {
        table.note(format!(
            "{filtered} roles left out by {}",
            rules.described()
        ));
    }
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
    have: &Held,
    min: u8,
    label: &str,
    candidates: Vec<NodeIndex>,
    limit: usize,
    explain: bool,
    interrupt: &algo::Interrupt,
) -> Result<ResultTable, algo::Interrupted> {
    let mut list = algo::similarity::similar_among(graph, start, candidates, interrupt)?;
    // A role the start moves to only by a move a source calls a career trap is not offered as
    // a neighbour to aim for; the note names it.
    let traps: Vec<(NodeIndex, skillgraph_graph::EdgeIndex)> = graph
        .out_edges(start, skillgraph_graph::EdgeKind::Transition)
        .filter(|&(e, _)| graph.is_trap_move(e))
        .map(|(e, to)| (to, e))
        .collect();
    list.retain(|s| !traps.iter().any(|t| t.0 == s.role));
    let hours = |role: NodeIndex| algo::learning_plan(graph, have, role, min, &[]).total_hours;
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
            Cell::Number(hours(s.role)),
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
/// holds (`shared`: required skills held and tools used, linked concepts counting), then by how
/// much of the role's tool use the profile's tools are (`held_tools_share`: between roles
/// sharing one tool, the data analyst who uses it among few others and marks it in demand
/// before the aide who lists it among many), then by the hours of the learning plan, then the
/// match %, then by name. Ranking by hours alone put
/// roles that require two unrelated skills (ESCO's linen room attendant) above every role that
/// uses what the profile knows: a short plan to a role sharing nothing is no evidence of fit.
#[allow(clippy::too_many_arguments)]
fn closest_by_plan(
    graph: &Graph,
    have: &Held,
    label: &str,
    list: &mut [algo::Closeness],
    min: u8,
    limit: usize,
    explain: bool,
    interrupt: &algo::Interrupt,
) -> Result<ResultTable, algo::Interrupted> {
    let by_share = |a: &algo::Closeness, b: &algo::Closeness| {
        b.shared
            .cmp(&a.shared)
            .then(b.held_tools_share.total_cmp(&a.held_tools_share))
    };
    list.sort_by(by_share);
    // Plans are made only for the roles shown and those tied with the last of them: the
    // hours only break ties.
    let mut planned = limit.min(list.len());
    while planned > 0
        && planned < list.len()
        && by_share(&list[planned - 1], &list[planned]).is_eq()
    {
        planned += 1;
    }
    for c in &mut list[..planned] {
        // Each role costs a learning plan: look at the flag for every one.
        interrupt.check()?;
        c.hours = algo::learning_plan(graph, have, c.role, min, &[]).total_hours;
    }
    list[..planned].sort_by(|a, b| {
        by_share(a, b)
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
            row.extend([Cell::list(held), Cell::list(missing)]);
        }
        row.extend(node_cells(graph, c.role));
        table.push(row);
    }
    table.note(
        "ranked by `shared` (the role's needs and tools the profile holds, a concept linked \
         across datasets counting once), then by how much of the role's tool use the profile's \
         tools are (rarer and in-demand tools weigh more), then hours; `skills_compared`: the \
         needs the match rests on",
    );
    if list.len() > limit {
        table.note(format!(
            "{} more roles not shown (raise `limit`)",
            list.len() - limit
        ));
    }
    Ok(table)
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
