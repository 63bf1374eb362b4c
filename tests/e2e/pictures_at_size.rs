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
    assert!(
        !learning.is_empty(),
        "the plan should hold a skill in progress"
    );

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
    assert_eq!(
        svg.matches(&ready).count(),
        2,
        "the picture says when the plan is ready"
    );
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

    // Through a `via` role: it stands after the week its part of the plan ends.
    let via = "learn DevOps -> \"Engineering Manager\" via SRE min importance 5 at 10 hours/week";
    let rows = db.json(via);
    let sre_skills: Vec<String> = db
        .json("learn DevOps -> SRE min importance 5")
        .iter()
        .map(|r| r["skill"].as_str().unwrap().to_string())
        .collect();
    let done = rows
        .iter()
        .filter(|r| sre_skills.iter().any(|s| r["skill"] == s.as_str()))
        .map(|r| r["week"].as_u64().unwrap())
        .max()
        .unwrap();
    let (svg, _) = render(&db, &[via], "weekly-plan-via");
    assert!(
        svg.contains(&format!("qualified after week {done}")),
        "the via role after week {done}"
    );
}

/// The edges of a DOT picture: (from id, to id, label).
fn dot_edges(text: &str) -> Vec<(String, String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| l.starts_with('"') && l.contains(" -> "))
        .map(|l| {
            let parts: Vec<&str> = l.split('"').skip(1).step_by(2).collect();
            let label = l
                .split_once("label=\"")
                .map_or("", |(_, rest)| rest.split('"').next().unwrap_or(""));
            (parts[0].into(), parts[1].into(), label.into())
        })
        .collect()
}

/// The text of an SVG's `<text>` elements, in order, unescaped enough for plain words.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| t.split_once('>'))
        .map(|(_, rest)| rest.split("</text>").next().unwrap_or("").to_string())
        .collect()
}

/// A neighbourhood of many edges is drawn as its strongest edges (the node's own
/// requirements by importance first) with the rest counted by kind, at a size a screen holds.
fn check_summarised_neighbourhood(db: &TestDb, center: &str, png: &str) {
    let statement = format!("neighbourhood {center} depth 1");
    let rows = db.json(&statement);
    let total = rows.len();
    let table = db.run(&["query", &statement]);
    let title = table.stdout.lines().next().unwrap().to_string();
    let nodes: usize = title
        .rsplit(": ")
        .next()
        .unwrap()
        .trim_end_matches(" nodes")
        .parse()
        .unwrap();
    let dot = db.run(&["query", &statement, "--format", "dot"]);
    assert_eq!(dot.code, 0, "{}", dot.stderr);
    let drawn = dot_edges(&dot.stdout);
    assert!(total > drawn.len(), "{total} edges, all drawn");

    // The node's own requirements drawn are its most important ones.
    let show = db.json(&format!("show {center}"));
    let name = show.iter().find(|r| r["field"] == "name").unwrap()["value"].clone();
    let mut wanted: Vec<u64> = rows
        .iter()
        .filter(|r| r["from"] == name && r["edge"] == "requires")
        .map(|r| {
            r["detail"]
                .as_str()
                .unwrap()
                .trim_start_matches("importance ")
                .parse()
                .unwrap()
        })
        .collect();
    wanted.sort_unstable_by(|a, b| b.cmp(a));
    let mut got: Vec<u64> = drawn
        .iter()
        .filter(|(from, _, label)| from == center && label.starts_with("importance "))
        .map(|(_, _, label)| label.trim_start_matches("importance ").parse().unwrap())
        .collect();
    got.sort_unstable_by(|a, b| b.cmp(a));
    assert!(!got.is_empty());
    assert_eq!(got, wanted[..got.len()], "the strongest requirements first");

    // The notes count what is left out, kind by kind, from the data.
    let (svg, pixmap) = render(db, &[&statement], png);
    let texts = svg_texts(&svg).join(" ");
    assert!(
        texts.contains(&format!("the {} strongest of {total} edges", drawn.len())),
        "{texts}"
    );
    assert!(texts.contains(&format!("of {nodes} nodes")), "{texts}");
    assert!(texts.contains("not drawn: "), "{texts}");
    let counted: usize = texts
        .split("not drawn: ")
        .nth(1)
        .unwrap()
        .split(" — ")
        .next()
        .unwrap()
        .split(", ")
        .map(|part| part.split(' ').next().unwrap().parse::<usize>().unwrap())
        .sum();
    assert_eq!(counted + drawn.len(), total, "{texts}");

    // At real size: a page, not a 17,000-pixel strip.
    assert!(pixmap.height() <= 2000, "height {}", pixmap.height());
    assert!(pixmap.width() <= 2000, "width {}", pixmap.width());
    let (ink, _) = ink(&pixmap);
    assert!(
        ink * 50 > (pixmap.width() * pixmap.height()) as usize,
        "{ink} pixels drawn"
    );
}

#[test]
fn a_large_neighbourhood_is_summarised_on_the_onet_fixture() {
    let db = crate::real_data::onet_only();
    check_summarised_neighbourhood(&db, "onet:15-1244.00", "neighbourhood-onet-fixture");
}

#[test]
fn a_large_neighbourhood_is_summarised_on_real_data() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if !dir.join("onet-29.3").exists() {
        println!("skipped: ../shared/data is not beside the repository");
        return;
    }
    let db = TestDb::new();
    let run = db.run(&[
        "import",
        "--replace",
        "--onet",
        dir.join("onet-29.3").to_str().unwrap(),
        "--esco",
        dir.join("esco-1.1.1").to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    check_summarised_neighbourhood(&db, "onet:15-1244.00", "neighbourhood-real");
    // A route between occupations of long names: the title of the README's walk-through.
    check_wrapped_title(
        &db,
        "path onet:41-1011.00 -> onet:13-1151.00",
        "route-title-real",
    );
}

/// A route's title wraps to the drawing's width instead of widening the picture.
#[test]
fn a_long_route_title_wraps_to_the_drawing() {
    let db = crate::real_data::onet_only();
    check_wrapped_title(
        &db,
        "path onet:17-2112.02 -> onet:15-1244.00",
        "route-title",
    );
}

fn check_wrapped_title(db: &TestDb, statement: &str, png: &str) {
    let table = db.run(&["query", statement]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    let title = table.stdout.lines().next().unwrap().to_string();
    let (svg, pixmap) = render(db, &[statement], png);
    // The title's lines, in order, are the title.
    let texts = svg_texts(&svg);
    let first = texts
        .iter()
        .position(|t| title.starts_with(t.as_str()))
        .unwrap();
    let mut joined = String::new();
    let mut lines = 0;
    for t in &texts[first..] {
        if joined.len() >= title.len() {
            break;
        }
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(t);
        lines += 1;
    }
    assert_eq!(joined, title);
    assert!(lines >= 2, "the title is on one line: {texts:?}");
    // No line of it is wider than the picture, at 16 px bold (at most 0.65 em a character).
    let longest = texts[first..first + lines]
        .iter()
        .map(|t| t.chars().count())
        .max()
        .unwrap();
    assert!(
        (longest as f64) * 16.0 * 0.65 < f64::from(pixmap.width()),
        "a title line of {longest} characters in {} px",
        pixmap.width()
    );
    // The drawing is narrower than the title on one line would be: the title did not set it.
    assert!(
        f64::from(pixmap.width()) < title.chars().count() as f64 * 16.0 * 0.6,
        "{} px for {} characters",
        pixmap.width(),
        title.chars().count()
    );
}
