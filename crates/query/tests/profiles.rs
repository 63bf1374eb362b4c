//! Personal profiles, constraints and explanations, evaluated on real graphs: the curated one,
//! and small graphs built here where a brute-force recomputation is the oracle.

use std::collections::HashSet;

use skillgraph_graph::algo::{learning_plan, Held};
use skillgraph_graph::{Change, Edge, EdgeKind, Graph, Node, NodeIndex, NodeKind, Source};
use skillgraph_query::eval::{MemoryDatabase, Session};
use skillgraph_query::result::{Cell, ResultTable};
use skillgraph_query::{parse, QueryError};

fn curated() -> MemoryDatabase {
    MemoryDatabase {
        graph: skillgraph_import::curated_graph().expect("curated data loads"),
    }
}

/// Runs a script; returns every statement's result.
fn run(
    db: &mut MemoryDatabase,
    session: &mut Session,
    source: &str,
) -> Vec<Result<ResultTable, QueryError>> {
    let script =
        parse(source).unwrap_or_else(|e| panic!("`{source}` does not parse: {}", e.message));
    script
        .statements
        .iter()
        .map(|s| session.execute(db, s))
        .collect()
}

fn ok(db: &mut MemoryDatabase, session: &mut Session, source: &str) -> ResultTable {
    run(db, session, source)
        .pop()
        .unwrap()
        .unwrap_or_else(|e| panic!("`{source}` failed: {}", e.message))
}

fn err(db: &mut MemoryDatabase, session: &mut Session, source: &str) -> QueryError {
    match run(db, session, source).pop().unwrap() {
        Ok(t) => panic!("`{source}` should fail, gave {t:?}"),
        Err(e) => e,
    }
}

fn num(cell: &Cell) -> f64 {
    match cell {
        Cell::Number(n) => *n,
        other => panic!("not a number: {other:?}"),
    }
}

/// The index of the column called `name`.
fn col(table: &ResultTable, name: &str) -> usize {
    table
        .columns
        .iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column `{name}` in {:?}", table.columns))
}

fn text(cell: &Cell) -> String {
    cell.display(", ")
}

#[test]
fn a_saved_profile_drives_plans_and_progress_shrinks_them() {
    let mut db = curated();
    let mut s = Session::new();
    ok(
        &mut db,
        &mut s,
        "profile me = [Linux: 4, Python: 3, Docker, Git]",
    );
    let before = ok(&mut db, &mut s, "learn $me -> SRE min importance 5");
    let skills: Vec<String> = before.rows.iter().map(|r| text(&r[1])).collect();
    assert!(skills.contains(&"Toil reduction".to_string()), "{skills:?}");
    ok(&mut db, &mut s, "learnt me \"Toil reduction\"");
    let after = ok(&mut db, &mut s, "learn $me -> SRE min importance 5");
    assert_eq!(after.rows.len(), before.rows.len() - 1);
    assert!(after.rows.iter().all(|r| text(&r[1]) != "Toil reduction"));
    // The same state everywhere: gap and closest see it too.
    let gap = ok(&mut db, &mut s, "gap $me -> SRE min importance 5");
    assert!(gap.rows.iter().all(|r| text(&r[0]) != "Toil reduction"));
    // `use` makes the profile the default start.
    ok(&mut db, &mut s, "use me");
    assert_eq!(
        ok(&mut db, &mut s, "learn -> SRE min importance 5").rows,
        after.rows
    );
    // A skill being learnt stays in the plan, marked.
    ok(&mut db, &mut s, "learning me SLOs");
    let marked = ok(&mut db, &mut s, "learn -> SRE min importance 5");
    let slo = marked
        .rows
        .iter()
        .find(|r| text(&r[1]).contains("SLOs"))
        .unwrap();
    assert!(
        text(&slo[col(&marked, "why")]).contains("in progress"),
        "{slo:?}"
    );
    // Drop and add change the profile.
    ok(&mut db, &mut s, "profile me drop Git");
    ok(&mut db, &mut s, "profile me add Kubernetes: 2");
    let shown = ok(&mut db, &mut s, "show profile me");
    let entries: Vec<String> = shown.rows.iter().map(|r| text(&r[0])).collect();
    assert!(entries.contains(&"Kubernetes".to_string()) && !entries.contains(&"Git".to_string()));
}

#[test]
fn a_schedule_never_exceeds_the_weekly_hours_and_keeps_prerequisite_order() {
    let mut db = curated();
    let mut s = Session::new();
    for (start, pace) in [
        ("DevOps", 8.0),
        ("[Linux]", 10.0),
        ("SRE", 3.5),
        ("[Python, Docker]", 40.0),
    ] {
        for target in ["SRE", "DevOps", "\"Engineering manager\""] {
            let statement = format!("learn {start} -> {target} at {pace} hours/week");
            let plan = ok(&mut db, &mut s, &format!("learn {start} -> {target}"));
            let table = ok(&mut db, &mut s, &statement);
            // Weekly totals within the pace.
            let mut per_week = std::collections::BTreeMap::<u64, f64>::new();
            for r in &table.rows {
                *per_week.entry(num(&r[0]) as u64).or_default() += num(&r[2]);
            }
            for (week, hours) in &per_week {
                assert!(
                    *hours <= pace + 1e-6,
                    "{statement}: week {week} has {hours} h"
                );
            }
            // Every skill's hours add up to its effort, and skills start in plan order, each
            // after the previous one (so after its prerequisites, which come earlier in the plan).
            let order: Vec<String> = plan.rows.iter().map(|r| text(&r[1])).collect();
            let effort = col(&plan, "effort_hours");
            let mut first_week = Vec::new();
            for (i, skill) in order.iter().enumerate() {
                let rows: Vec<&Vec<Cell>> = table
                    .rows
                    .iter()
                    .filter(|r| &text(&r[1]) == skill)
                    .collect();
                let hours: f64 = rows.iter().map(|r| num(&r[2])).sum();
                assert!(
                    (hours - num(&plan.rows[i][effort])).abs() < 0.05,
                    "{statement}: {skill}"
                );
                first_week.push(rows.iter().map(|r| num(&r[0])).fold(f64::MAX, f64::min));
            }
            assert!(
                first_week.windows(2).all(|w| w[0] <= w[1]),
                "{statement}: {first_week:?}"
            );
            let total: f64 = plan.rows.iter().map(|r| num(&r[effort])).sum();
            let weeks = (total / pace - 1e-9).ceil().max(0.0) as u64;
            assert!(
                table
                    .notes
                    .iter()
                    .any(|n| n.contains(&format!("ready after {weeks} week"))),
                "{statement}: {:?}",
                table.notes
            );
        }
    }
}

#[test]
fn a_plan_that_breaks_a_constraint_names_it() {
    let mut db = curated();
    let mut s = Session::new();
    let e = err(&mut db, &mut s, "learn DevOps -> SRE max hours 100");
    assert!(e.message.contains("max hours 100"), "{}", e.message);
    assert_eq!(e.span.text("learn DevOps -> SRE max hours 100"), "100");
    let e = err(
        &mut db,
        &mut s,
        "learn DevOps -> SRE avoid \"Error budgets\"",
    );
    assert!(
        e.message.contains("`avoid` excludes") && e.message.contains("Error budgets"),
        "{}",
        e.message
    );
    let e = err(
        &mut db,
        &mut s,
        "path SRE -> \"Build engineer\" keep pay 90%",
    );
    assert!(e.message.contains("keep pay"), "{}", e.message);
    let e = err(&mut db, &mut s, "path DevOps -> SRE by effort max hours 10");
    assert!(e.message.contains("max hours 10"), "{}", e.message);
    // Within the limits, the same statements answer.
    assert!(!ok(&mut db, &mut s, "learn DevOps -> SRE max hours 1000")
        .rows
        .is_empty());
    assert!(!ok(
        &mut db,
        &mut s,
        "path SRE -> \"Build engineer\" keep pay 50%"
    )
    .rows
    .is_empty());
}

#[test]
fn why_breaks_the_match_down_and_agrees_with_closest() {
    let mut db = curated();
    let mut s = Session::new();
    let why = ok(&mut db, &mut s, "why [Linux, Python, Docker] -> SRE");
    let held: f64 = why.rows.iter().map(|r| num(&r[col(&why, "counts")])).sum();
    let total: f64 = why.rows.iter().map(|r| num(&r[1])).sum();
    let closest = ok(&mut db, &mut s, "closest [Linux, Python, Docker] limit 100");
    let sre = closest
        .rows
        .iter()
        .find(|r| text(&r[1]) == "Site Reliability Engineer")
        .unwrap();
    let pct = (1000.0 * held / total).round() / 10.0;
    assert_eq!(num(&sre[col(&closest, "match_pct")]), pct);
    assert!(why
        .title
        .as_deref()
        .unwrap()
        .contains(&format!("{pct}% match")));
}

/// A small graph: skills a → b (prerequisite), c, d; roles needing mixes of them.
fn small_graph() -> MemoryDatabase {
    let mut g = Graph::new();
    let src = g.add_source(Source {
        key: "t".into(),
        title: "test".into(),
        url: None,
        author: None,
        publisher: None,
        date: None,
        licence: None,
    });
    let node = |g: &mut Graph, id: &str, kind: NodeKind, hours: Option<f64>| {
        let mut n = Node::new(id, kind, id.to_uppercase());
        n.sources = vec![src];
        n.effort_hours = hours;
        g.apply(Change::AddNode(n)).unwrap();
    };
    for (id, h) in [
        ("a", 10.0),
        ("b", 20.0),
        ("c", 5.0),
        ("d", 40.0),
        ("e", 1.0),
    ] {
        node(&mut g, id, NodeKind::Skill, Some(h));
    }
    for id in ["r1", "r2", "r3", "r4"] {
        node(&mut g, id, NodeKind::Role, None);
    }
    let link = |g: &mut Graph, from: &str, to: &str, kind: EdgeKind, importance: Option<u8>| {
        let mut e = Edge::new(kind);
        e.sources = vec![src];
        e.importance = importance;
        g.apply(Change::AddEdge {
            from: from.into(),
            to: to.into(),
            edge: e,
        })
        .unwrap();
    };
    link(&mut g, "a", "b", EdgeKind::Prerequisite, None);
    for (role, skill, imp) in [
        ("r1", "b", 5),
        ("r1", "c", 3),
        ("r2", "c", 4),
        ("r2", "d", 2),
        ("r3", "a", 5),
        ("r3", "d", 5),
        ("r4", "e", 1),
        ("r4", "c", 2),
    ] {
        link(&mut g, role, skill, EdgeKind::Requires, Some(imp));
    }
    MemoryDatabase { graph: g }
}

#[test]
fn unlock_matches_a_brute_force_recomputation() {
    let mut db = small_graph();
    let mut s = Session::new();
    for profile in ["[E]", "[A]", "[C, E]", "[A, D]"] {
        // The oracle: every learnable skill, and each role's plan before and after learning it.
        let g = &db.graph;
        let ids: Vec<&str> = profile.trim_matches(['[', ']']).split(", ").collect();
        let mut have: HashSet<NodeIndex> = ids
            .iter()
            .map(|id| g.by_id(&id.to_lowercase()).unwrap())
            .collect();
        // Holding a skill means holding its prerequisites.
        let a = g.by_id("a").unwrap();
        if have.contains(&g.by_id("b").unwrap()) {
            have.insert(a);
        }
        let roles = g.nodes_of_kind(NodeKind::Role);
        let plan = |h: &HashSet<NodeIndex>, r| {
            let mut held = Held::default();
            for &s in h {
                held.hold(s, None);
            }
            learning_plan(g, &held, r, 1, &[])
        };
        // (completed, helped, hours saved, cost, name)
        let mut expected: Vec<(usize, usize, f64, f64, String)> = Vec::new();
        for skill in g.nodes_of_kind(NodeKind::Skill) {
            let prerequisites_held = g
                .in_edges(skill, EdgeKind::Prerequisite)
                .all(|(_, p)| have.contains(&p));
            if have.contains(&skill) || !prerequisites_held {
                continue;
            }
            let mut after = have.clone();
            after.insert(skill);
            let (mut completed, mut helped, mut saved, mut most) = (0, 0, 0.0, 0.0f64);
            for &r in &roles {
                let (b, a) = (plan(&have, r), plan(&after, r));
                let Some(step) = b.steps.iter().find(|st| st.skill == skill) else {
                    continue;
                };
                helped += 1;
                saved += b.total_hours - a.total_hours;
                most = most.max(step.effort.hours);
                completed += usize::from(a.steps.is_empty());
            }
            let cost = if helped > 0 {
                most
            } else {
                g.node(skill).effort_hours.unwrap()
            };
            expected.push((completed, helped, saved, cost, g.node(skill).name.clone()));
        }
        expected.sort_by(|x, y| {
            y.0.cmp(&x.0)
                .then(y.1.cmp(&x.1))
                .then(y.2.total_cmp(&x.2))
                .then(x.3.total_cmp(&y.3))
                .then(x.4.cmp(&y.4))
        });
        // Each limit shows the first rows of the whole order (only those shown are ordered).
        for limit in 1..=expected.len() + 1 {
            let statement = format!("unlock {profile} min importance 1 limit {limit}");
            let table = ok(&mut db, &mut s, &statement);
            let at = |name: &str| col(&table, name);
            let got: Vec<(usize, usize, f64, f64, String)> = table
                .rows
                .iter()
                .map(|r| {
                    (
                        num(&r[at("roles_completed")]) as usize,
                        num(&r[at("roles_helped")]) as usize,
                        num(&r[at("hours_saved")]),
                        num(&r[at("cost_hours")]),
                        text(&r[at("skill")]),
                    )
                })
                .collect();
            assert_eq!(got, expected[..limit.min(expected.len())], "{statement}");
        }
    }
}

#[test]
fn profiles_are_validated_like_every_write() {
    let mut db = curated();
    let mut s = Session::new();
    // A role stands for its skills at its own levels: it takes none.
    let e = err(&mut db, &mut s, "profile me = [SRE: 3]");
    assert!(e.message.contains("is a role"), "{}", e.message);
    assert!(e.message.contains("no level of its own"), "{}", e.message);
    let e = err(&mut db, &mut s, "profile me add Linux: 2");
    assert!(e.message.contains("no saved profile"), "{}", e.message);
    let e = err(&mut db, &mut s, "learn -> SRE");
    assert!(e.message.contains("no profile is in use"), "{}", e.message);
    assert!(
        parse("profile me = [Linux: 9]").is_err(),
        "levels go from 1 to 5"
    );
}
