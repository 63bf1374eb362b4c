//! Pictures at the size they are drawn: a weekly plan drawn as weeks, a large neighbourhood
//! summarised, a long title wrapped. Each is rasterised with resvg and kept as a PNG under the
//! target directory (`…/tmp/pictures/`); `docs/pictures/` holds reference copies.

use std::collections::BTreeMap;

use crate::pictures::{ink, render};
use crate::support::TestDb;

/// `learn … at N hours/week` keeps the step view's "in progress" marks, and its picture draws
/// each skill at the weeks the table gives it and says when the plan is ready.
#[test]
fn a_weekly_plan_keeps_progress_marks_and_is_drawn_in_weeks() {
    let db = TestDb::new();
    let setup = "profile me = [Linux: 4, Python: 3, Docker, Git]; learning me SLOs";
    let run = db.run_stdin(&[], setup);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let plan = "learn $me -> SRE min importance 5";
    let steps = db.json(plan);
    let learning: Vec<String> = steps
        .iter()
        .filter(|r| r["why"].as_str().unwrap().contains("in progress"))
        .map(|r| r["skill"].as_str().unwrap().to_string())
        .collect();
    assert!(!learning.is_empty(), "the plan should hold a skill in progress");

    let weekly = format!("{plan} at 10 hours/week");
    let rows = db.json(&weekly);
    let mut marked: Vec<String> = rows
        .iter()
        .filter(|r| r["status"] == "in progress")
        .map(|r| r["skill"].as_str().unwrap().to_string())
        .collect();
    marked.dedup();
    assert_eq!(marked, learning);

    // The weeks each skill spans, as the table gives them.
    let mut spans: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for r in &rows {
        let week = r["week"].as_u64().unwrap();
        let span = spans
            .entry(r["skill"].as_str().unwrap().to_string())
            .or_insert((week, week));
        span.1 = week;
    }
    let last = spans.values().map(|s| s.1).max().unwrap();
    let ready = format!("ready after {last} weeks at 10 hours/week");
    let table = db.run(&["query", &weekly]);
    assert!(table.stdout.contains(&ready), "{}", table.stdout);

    let (svg, pixmap) = render(&db, &[setup, &weekly], "weekly-plan");
    // Said twice: on the edge into the target, and in the notes under the title.
    assert_eq!(svg.matches(&ready).count(), 2, "the picture says when the plan is ready");
    for (skill, (from, to)) in &spans {
        let when = if to > from {
            format!("weeks {from}–{to}")
        } else {
            format!("week {from}")
        };
        assert!(svg.contains(&when), "{skill} drawn at {when}");
    }
    assert!(svg.contains("in progress"), "the picture keeps the marks");
    let (drawn, orange) = ink(&pixmap);
    assert!(drawn > 0 && orange > 0);
}
