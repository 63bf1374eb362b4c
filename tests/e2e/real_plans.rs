//! Plans on real data, through the real command line, checked against the O*NET files
//! themselves: the fixture cut from the shared O*NET 29.3 (`crates/import/tests/fixtures/onet-mini`)
//! is read here by a small, independent parser, and every row of `gap` and `learn` must follow
//! from its ratings, Job Zones and technology flags by the documented rules (docs/EFFORT.md).

use std::collections::BTreeMap;
use std::path::PathBuf;

use skillgraph_graph::algo::effort::{
    HOURS_PER_LEVEL_ANY_ZONE, HOURS_PER_LEVEL_BY_ZONE, LEVEL_THRESHOLD,
};

use crate::onet_fixture::{fixture, tsv};
use crate::support::{column, TestDb};

/// Network and Computer Systems Administrators: rated, Job Zone 4.
const NETADMIN: &str = "onet:15-1244.00";
/// Validation Engineers: rated.
const VALIDATION: &str = "onet:17-2112.02";
/// Software Developers: technology rows, no Skills or Knowledge ratings in O*NET 29.3.
const DEVELOPERS: &str = "onet:15-1252.00";

fn imported() -> TestDb {
    let db = TestDb::new();
    let run = db.run(&["import", "--onet", fixture().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    db
}

/// One occupation's rating of one element, read straight from the file.
#[derive(Debug, Default, Clone, Copy)]
struct Rating {
    importance: Option<f64>,
    level: Option<f64>,
    not_relevant: bool,
    suppressed: bool,
}

/// (occupation code, element name) → rating, over Skills and Knowledge.
fn ratings() -> BTreeMap<(String, String), Rating> {
    let mut all: BTreeMap<(String, String), Rating> = BTreeMap::new();
    for file in ["Skills.txt", "Knowledge.txt"] {
        for row in tsv(file) {
            let key = (row["O*NET-SOC Code"].clone(), row["Element Name"].clone());
            let r = all.entry(key).or_default();
            let value: f64 = row["Data Value"].parse().unwrap();
            r.not_relevant |= row["Not Relevant"] == "Y";
            match row["Scale ID"].as_str() {
                "IM" => {
                    r.importance = Some(value);
                    r.suppressed |= row["Recommend Suppress"] == "Y";
                }
                // A suppressed level is kept (low precision, still the best figure).
                "LV" => r.level = Some(value),
                _ => {}
            }
        }
    }
    all.retain(|_, r| !r.not_relevant && !r.suppressed && r.importance.is_some());
    all
}

fn code(id: &str) -> &str {
    id.trim_start_matches("onet:")
}

/// An element's hours per level point by the documented rule: the median, over the occupations
/// that need it (importance ≥ 3 after rounding) and have a Job Zone, of their zone's rate.
fn rate(element: &str) -> f64 {
    let zones: BTreeMap<String, u8> = tsv("Job Zones.txt")
        .into_iter()
        .map(|r| (r["O*NET-SOC Code"].clone(), r["Job Zone"].parse().unwrap()))
        .collect();
    let mut rates: Vec<f64> = ratings()
        .iter()
        .filter(|((_, e), r)| e == element && r.importance.unwrap().round() >= 3.0)
        .filter_map(|((occ, _), _)| zones.get(occ))
        .map(|&z| HOURS_PER_LEVEL_BY_ZONE[usize::from(z - 1)])
        .collect();
    rates.sort_by(f64::total_cmp);
    match rates.len() {
        0 => HOURS_PER_LEVEL_ANY_ZONE,
        n if n % 2 == 1 => rates[n / 2],
        n => (rates[n / 2 - 1] + rates[n / 2]) / 2.0,
    }
}

/// The gap by the documented rules: every element the target rates with importance ≥ 3 (after
/// rounding) whose level the start holds at least [`LEVEL_THRESHOLD`] below, with hours
/// `(needed − held) × the element's hours per level`, rounded.
fn expected_gap(from: &str, to: &str) -> BTreeMap<String, (Option<f64>, f64, f64)> {
    let all = ratings();
    let mut gap = BTreeMap::new();
    for ((occ, element), need) in &all {
        if occ != code(to) || need.importance.unwrap().round() < 3.0 {
            continue;
        }
        let Some(needed) = need.level else { continue };
        let held = all
            .get(&(code(from).to_string(), element.clone()))
            .and_then(|r| r.level);
        let from_level = held.unwrap_or(0.0);
        if needed - from_level >= LEVEL_THRESHOLD {
            let hours = ((needed - from_level) * rate(element)).round();
            gap.insert(element.clone(), (held, needed, hours));
        }
    }
    gap
}

#[test]
fn gap_between_rated_occupations_is_the_level_difference_with_hours_by_the_formula() {
    let db = imported();
    let expected = expected_gap(NETADMIN, VALIDATION);
    assert!(
        expected.values().any(|(held, _, _)| held.is_some()),
        "the fixture must hold a raise, not only new skills"
    );
    let rows = db.json(&format!("gap {NETADMIN} -> {VALIDATION} without tools"));
    let mut got = BTreeMap::new();
    for row in &rows {
        assert_eq!(row["hours_source"], "skillgraph-estimate", "{row}");
        let hours = row["effort_hours"].as_f64().unwrap();
        assert!(hours > 0.0, "{row}");
        got.insert(row["skill"].as_str().unwrap().to_string(), (row, hours));
    }
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for (element, (held, needed, hours)) in &expected {
        let (row, got_hours) = got[element];
        assert_eq!(got_hours, *hours, "{element}: {row}");
        let level = row["level"].as_str().unwrap();
        let shown = match held {
            Some(h) => format!("{h:.1} → {needed:.1}"),
            None => format!("→ {needed:.1}"),
        };
        assert_eq!(level, shown, "{element}");
    }
}

#[test]
fn learn_totals_the_formula_and_lists_the_targets_tools() {
    let db = imported();
    let expected = expected_gap(NETADMIN, VALIDATION);
    let rows = db.json(&format!("learn {NETADMIN} -> {VALIDATION}"));
    let tools: Vec<&serde_json::Value> = rows
        .iter()
        .filter(|r| r["why"].as_str().unwrap().starts_with("a tool"))
        .collect();
    // The target's technology rows the start lacks, In Demand ones (or Hot ones where none
    // is), one of each kind (its category as imported, `tools of`) the start holds none of:
    // the first by name, as the plan lists them.
    let have: Vec<String> = tsv("Technology Skills.txt")
        .into_iter()
        .filter(|r| r["O*NET-SOC Code"] == code(NETADMIN))
        .map(|r| r["Example"].clone())
        .collect();
    let target_rows: Vec<_> = tsv("Technology Skills.txt")
        .into_iter()
        .filter(|r| r["O*NET-SOC Code"] == code(VALIDATION))
        .collect();
    let kind_of: BTreeMap<String, String> = db
        .json(&format!("tools of {VALIDATION}"))
        .iter()
        .map(|r| {
            let name = r["tool"].as_str().unwrap().to_string();
            (name, r["category"].as_str().unwrap_or("").to_string())
        })
        .collect();
    let missing = |r: &&BTreeMap<String, String>| !have.contains(&r["Example"]);
    let any_in_demand = target_rows
        .iter()
        .filter(missing)
        .any(|r| r["In Demand"] == "Y");
    let flag = if any_in_demand {
        "In Demand"
    } else {
        "Hot Technology"
    };
    let mut pool: Vec<String> = target_rows
        .iter()
        .filter(missing)
        .filter(|r| r[flag] == "Y")
        .map(|r| r["Example"].clone())
        .collect();
    pool.sort_by_key(|t| t.to_lowercase());
    pool.dedup();
    let mut kinds: Vec<&str> = have
        .iter()
        .filter_map(|t| kind_of.get(t).map(String::as_str))
        .collect();
    let mut flagged: Vec<String> = Vec::new();
    for t in pool {
        let kind = kind_of[&t].as_str();
        if !kinds.contains(&kind) {
            kinds.push(kind);
            flagged.push(t);
        }
    }
    flagged.sort();
    let mut listed: Vec<String> = tools
        .iter()
        .map(|r| r["skill"].as_str().unwrap().to_string())
        .collect();
    listed.sort();
    assert!(!flagged.is_empty());
    assert_eq!(listed, flagged);
    for t in &tools {
        assert!(t["effort_hours"].as_f64().unwrap() > 0.0, "{t}");
        assert_eq!(t["hours_source"], "skillgraph-estimate");
    }
    // Skills first, then tools; the skills' hours are the gap's.
    let skill_hours: f64 = rows
        .iter()
        .filter(|r| !r["why"].as_str().unwrap().starts_with("a tool"))
        .map(|r| r["effort_hours"].as_f64().unwrap())
        .sum();
    assert_eq!(skill_hours, expected.values().map(|e| e.2).sum::<f64>());
    let last = rows.last().unwrap()["cumulative_hours"].as_f64().unwrap();
    let all: f64 = rows
        .iter()
        .map(|r| r["effort_hours"].as_f64().unwrap())
        .sum();
    assert_eq!(last, all);
    // Without tools the plan is the skills alone; with all tools it lists every missing tool.
    let bare = db.json(&format!("learn {NETADMIN} -> {VALIDATION} without tools"));
    assert_eq!(bare.len(), rows.len() - tools.len());
    let every = db.json(&format!("learn {NETADMIN} -> {VALIDATION} with all tools"));
    assert!(every.len() > rows.len());
}

#[test]
fn a_role_without_ratings_is_said_to_have_none_never_that_nothing_is_left_to_learn() {
    let db = imported();
    let run = db.run(&[
        "query",
        &format!("learn {NETADMIN} -> {DEVELOPERS} without tools"),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(
        said.contains("O*NET has no Skills or Knowledge ratings for Software Developers"),
        "{said}"
    );
    assert!(!said.contains("nothing to learn"), "{said}");
    let gap = db.run(&["query", &format!("gap {NETADMIN} -> {DEVELOPERS}")]);
    let said = format!("{}{}", gap.stdout, gap.stderr);
    assert!(said.contains("no Skills or Knowledge ratings"), "{said}");
    assert!(!said.contains("nothing missing"), "{said}");
    // Its tools are still a plan: in-demand ones first.
    let tools = db.json(&format!("learn {NETADMIN} -> {DEVELOPERS}"));
    assert!(!tools.is_empty());
    assert!(tools[0]["why"].as_str().unwrap().contains("in demand"));
    // And `closest` does not rank it: it cannot be compared.
    let closest = column(&db.json(&format!("closest {NETADMIN} limit 100")), "role");
    assert!(
        !closest.contains(&"Software Developers".to_string()),
        "{closest:?}"
    );
    assert!(!closest.is_empty());
}

#[test]
fn estimates_are_marked_in_every_format() {
    let db = imported();
    let statement = format!("learn {NETADMIN} -> {VALIDATION}");
    // A table wraps its cells to the terminal: the source is checked in JSON and CSV, and the
    // table's notes say what it means.
    let table = db.run(&["query", &statement]);
    let json = db.json(&statement);
    assert!(json
        .iter()
        .all(|r| r["hours_source"] == "skillgraph-estimate"));
    assert!(
        table.stdout.contains("the project's estimates"),
        "{}",
        table.stdout
    );
    let csv = db.run(&["query", &statement, "--format", "csv"]);
    assert!(csv.stdout.lines().next().unwrap().contains("hours_source"));
    assert!(
        csv.stdout.contains(",skillgraph-estimate,"),
        "{}",
        csv.stdout
    );
    for format in ["dot", "mermaid"] {
        let picture = db.run(&["query", &statement, "--format", format]);
        assert_eq!(picture.code, 0, "{}", picture.stderr);
        assert!(
            picture.stdout.contains("h (estimate)"),
            "{format}: {}",
            picture.stdout
        );
    }
}

#[test]
fn why_shows_the_arithmetic_of_an_estimate() {
    let db = imported();
    let expected = expected_gap(NETADMIN, VALIDATION);
    let rows = db.json(&format!("why {NETADMIN} -> {VALIDATION}"));
    for (element, (_, _, hours)) in &expected {
        let per_level = skillgraph_graph::format_number(rate(element));
        let row = rows
            .iter()
            .find(|r| r["skill"] == element.as_str())
            .unwrap_or_else(|| panic!("{element} not in why"));
        let basis = row["hours_basis"].as_str().unwrap();
        assert!(basis.starts_with("estimate: (level "), "{basis}");
        assert!(
            basis.contains(&format!("× {per_level} h per level of this skill")),
            "{basis}"
        );
        assert!(basis.ends_with(&format!("= {hours} h")), "{basis}");
    }
}

#[test]
fn a_route_between_esco_roles_says_why_there_is_none() {
    let db = TestDb::new();
    let esco =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("crates/import/tests/fixtures/esco-mini");
    let run = db.run(&["import", "--esco", esco.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let roles = column(&db.json("roles where id starts with \"esco:\""), "id");
    assert!(roles.len() >= 2, "{roles:?}");
    let run = db.run(&["query", &format!("path {} -> {}", roles[0], roles[1])]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("has no known career moves: its data (esco-1.1.1) states none"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("`learn "), "{}", run.stdout);
}

#[test]
fn a_route_by_effort_never_costs_more_than_learning_straight() {
    let db = TestDb::new();
    let roles = column(&db.json("roles"), "id");
    for from in &roles {
        for to in &roles {
            if from == to {
                continue;
            }
            let run = db.run(&[
                "query",
                &format!("path {from} -> {to} by effort"),
                "--format",
                "json",
            ]);
            if run.code != 0 {
                continue;
            }
            let rows = crate::support::json_rows(&run.stdout);
            if rows.iter().all(|r| r.get("hours").is_none()) {
                continue; // no route at all: an answer listing the closest reachable roles
            }
            let route: f64 = rows.iter().map(|r| r["hours"].as_f64().unwrap()).sum();
            let plan = db.json(&format!("learn {from} -> {to} without tools"));
            let straight: f64 = plan
                .iter()
                .map(|r| r["effort_hours"].as_f64().unwrap())
                .sum();
            assert!(
                route <= straight + 1e-9,
                "{from} -> {to}: {route} > {straight}"
            );
        }
    }
}

/// An ambiguous name's help offers forms that each pick one node: O*NET's skill and knowledge
/// "Mathematics" are both skills, so the kind cannot tell them apart and the help gives ids.
#[test]
fn an_ambiguous_name_is_answered_with_forms_that_work() {
    let db = imported();
    let run = db.run(&["query", "show skill:Mathematics"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let help = run
        .stderr
        .lines()
        .find(|l| l.contains("help:"))
        .unwrap_or_else(|| panic!("no help in {}", run.stderr));
    assert!(help.contains("name it by its id"), "{help}");
    let forms: Vec<&str> = help.split('`').skip(1).step_by(2).collect();
    assert_eq!(forms.len(), 2, "{help}");
    let mut names = Vec::new();
    for form in &forms {
        let shown = db.json(&format!("show {form}"));
        let field = |f: &str| shown.iter().find(|r| r["field"] == f).unwrap()["value"].clone();
        assert_eq!(field("id").as_str(), Some(*form));
        names.push(field("category"));
    }
    // One is O*NET's skill, the other its knowledge area.
    assert_ne!(names[0], names[1], "{names:?}");
}
