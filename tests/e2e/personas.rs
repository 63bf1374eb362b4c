//! Routes by effort for three career changers, on a fixture cut from the shared O*NET 29.3
//! (`crates/import/tests/fixtures/onet-personas`): a registered nurse (as a profile), a retail
//! supervisor and a network administrator, each towards the goal they asked about, straight and
//! through each start's closest related occupations. Checked against the O*NET files, read here
//! by a parser of the test's own: a route never costs more than learning straight; its total is
//! the sum of its moves; no move lists a skill already held at the level that move needs (rated
//! levels less than the threshold below a need meet it, learnt levels only at it); no route
//! passes through an occupation without ratings; every Supplemental link is marked.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use skillgraph_graph::algo::effort::LEVEL_THRESHOLD;

use crate::onet_fixture::tsv_in;
use crate::support::TestDb;

const NURSE: &str = "profile nurse = [\"Medicine and Dentistry\": 5, onet:2.C.4.d: 4, \"Critical Thinking\": 4, \"Microsoft Excel\": 3]";
const PERSONAS: [(&str, &str); 3] = [
    ("$nurse", "15-1211.01"),
    ("onet:41-1011.00", "13-1081.02"),
    ("onet:15-1244.00", "15-1212.00"),
];

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("crates/import/tests/fixtures/onet-personas")
}

fn tsv(name: &str) -> Vec<BTreeMap<String, String>> {
    tsv_in(&fixture(), name)
}

/// What the files say: titles, ratings and related-occupation tiers.
struct Onet {
    code_of: BTreeMap<String, String>,
    /// (occupation, element id) → (importance, level).
    ratings: BTreeMap<(String, String), (f64, f64)>,
    /// element name → element ids (a skill and a knowledge area may share a name).
    ids_of: BTreeMap<String, BTreeSet<String>>,
    /// (from, to) → tier.
    tier: BTreeMap<(String, String), String>,
}

impl Onet {
    fn read() -> Onet {
        let code_of = tsv("Occupation Data.txt")
            .into_iter()
            .map(|r| (r["Title"].clone(), r["O*NET-SOC Code"].clone()))
            .collect();
        let mut ratings: BTreeMap<(String, String), (f64, f64)> = BTreeMap::new();
        let mut ids_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for file in ["Skills.txt", "Knowledge.txt"] {
            for r in tsv(file) {
                let key = (r["O*NET-SOC Code"].clone(), r["Element ID"].clone());
                ids_of
                    .entry(r["Element Name"].clone())
                    .or_default()
                    .insert(r["Element ID"].clone());
                let value: f64 = r["Data Value"].parse().unwrap();
                let slot = ratings.entry(key).or_default();
                match r["Scale ID"].as_str() {
                    "IM" => slot.0 = value,
                    "LV" => slot.1 = value,
                    _ => {}
                }
            }
        }
        let tier = tsv("Related Occupations.txt")
            .into_iter()
            .map(|r| {
                (
                    (
                        r["O*NET-SOC Code"].clone(),
                        r["Related O*NET-SOC Code"].clone(),
                    ),
                    r["Relatedness Tier"].clone(),
                )
            })
            .collect();
        Onet {
            code_of,
            ratings,
            ids_of,
            tier,
        }
    }

    fn rated(&self, code: &str) -> bool {
        self.ratings.keys().any(|(c, _)| c == code)
    }

    /// The level `code` needs `element` at, if it needs it (importance ≥ 3 rounded, as the
    /// default `min importance`).
    fn need(&self, code: &str, element: &str) -> Option<f64> {
        let &(importance, level) = self.ratings.get(&(code.to_string(), element.to_string()))?;
        (importance.round() >= 3.0).then_some(level)
    }
}

fn imported() -> TestDb {
    let db = TestDb::new();
    let run = db.run(&["import", "--onet", fixture().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = db.run(&["query", NURSE]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    db
}

fn hours_of(rows: &[serde_json::Value], column: &str) -> f64 {
    rows.iter().map(|r| r[column].as_f64().unwrap()).sum()
}

fn text(v: &serde_json::Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// Checks one answer of `path START -> GOAL … by effort` against the files.
fn check_route(db: &TestDb, onet: &Onet, start: &str, goal: &str, via: Option<&str>) {
    let via_clause = via.map_or(String::new(), |v| format!(" via onet:{v}"));
    let statement = format!("path {start} -> onet:{goal}{via_clause} by effort");
    let run = db.run(&["query", &statement, "--format", "json"]);
    if run.code != 0 {
        // Only a route that cannot exist may fail, and it says why.
        assert!(
            run.stderr.contains("no known moves") || run.stderr.contains("not a role"),
            "{statement}: {}",
            run.stderr
        );
        return;
    }
    let rows = crate::support::json_rows(&run.stdout);
    if rows.iter().all(|r| r.get("hours").is_none()) {
        // No route: the answer lists the reachable roles nearest the goal instead.
        assert!(
            rows.iter().all(|r| r.get("role").is_some()),
            "{statement}: {rows:?}"
        );
        return;
    }
    let total = hours_of(&rows, "hours");
    let straight = hours_of(
        &db.json(&format!("learn {start} -> onet:{goal} without tools")),
        "effort_hours",
    );
    match via {
        None => assert!(
            total <= straight + 1e-9,
            "{statement}: {total} > {straight}"
        ),
        // Moving start → via → goal costs what learning for each in turn does (`learn … via`).
        Some(v) if rows.len() == 2 => {
            let plan = db.json(&format!(
                "learn {start} -> onet:{goal} via onet:{v} without tools"
            ));
            assert_eq!(total, hours_of(&plan, "effort_hours"), "{statement}");
        }
        Some(_) => {}
    }
    // What is held, per element: (level, learnt on the way). A role starts with its ratings.
    let mut held: BTreeMap<String, (f64, bool)> = BTreeMap::new();
    if let Some(code) = start.strip_prefix("onet:") {
        for ((c, element), &(_, level)) in &onet.ratings {
            if c == code {
                held.insert(element.clone(), (level, false));
            }
        }
    }
    let meets =
        |held: &BTreeMap<String, (f64, bool)>, element: &str, need: f64| match held.get(element) {
            Some(&(level, true)) => level >= need - 1e-9,
            Some(&(level, false)) => need - level < LEVEL_THRESHOLD,
            None => false,
        };
    for row in &rows {
        if text(&row["link"]) == "learn straight" {
            continue;
        }
        let to = text(&row["to"]);
        let Some(code) = onet.code_of.get(&to) else {
            panic!("{statement}: {to} is not an occupation of the fixture");
        };
        let from = text(&row["from"]);
        if let Some(from_code) = onet.code_of.get(&from) {
            // A move is a related-occupation link, and a Supplemental one says so.
            let tier = onet
                .tier
                .get(&(from_code.clone(), code.clone()))
                .unwrap_or_else(|| panic!("{statement}: no link {from} → {to}"));
            assert_eq!(
                text(&row["link"]).contains("Supplemental"),
                tier == "Supplemental",
                "{statement}: {row}"
            );
            // No occupation without ratings on the way, but the goal and the via stop.
            assert!(
                onet.rated(code) || code == goal || Some(code.as_str()) == via,
                "{statement}: passes {to}, which has no ratings"
            );
        }
        let skills: Vec<String> = row["skills"].as_array().unwrap().iter().map(text).collect();
        for name in &skills {
            let needed: Vec<(String, f64)> = onet.ids_of[name]
                .iter()
                .filter_map(|e| onet.need(code, e).map(|l| (e.clone(), l)))
                .collect();
            if needed.is_empty() {
                continue; // a tool of the plan, not a rating
            }
            assert!(
                needed.iter().any(|(e, l)| !meets(&held, e, *l)),
                "{statement}: move into {to} lists {name}, already held at the level it needs"
            );
        }
        for name in &skills {
            for e in onet.ids_of.get(name).into_iter().flatten() {
                if let Some(level) = onet.need(code, e) {
                    let slot = held.entry(e.clone()).or_insert((level, true));
                    *slot = (slot.0.max(level), true);
                }
            }
        }
    }
}

#[test]
fn routes_by_effort_carry_what_is_held_and_never_cost_more_than_learning_straight() {
    let db = imported();
    let onet = Onet::read();
    for (start, goal) in PERSONAS {
        check_route(&db, &onet, start, goal, None);
        // Through each start's closest related occupations (forced with `via`).
        if let Some(code) = start.strip_prefix("onet:") {
            let mut near: Vec<&String> = onet
                .tier
                .keys()
                .filter(|(a, _)| a == code)
                .map(|(_, b)| b)
                .collect();
            near.sort();
            for v in near {
                if v != goal {
                    check_route(&db, &onet, start, goal, Some(v));
                }
            }
        }
    }
}

/// The network administrator's one related move into the goal costs what learning straight
/// does: the answer is that move, marked with O*NET's tier and rank, not a plan without it.
#[test]
fn a_move_straight_into_the_goal_that_costs_no_more_than_learning_is_the_answer() {
    let db = imported();
    let rows = db.json("path onet:15-1244.00 -> onet:15-1212.00 by effort");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        text(&rows[0]["link"]).starts_with("Primary-Long, rank 8"),
        "{rows:?}"
    );
    let straight = hours_of(
        &db.json("learn onet:15-1244.00 -> onet:15-1212.00 without tools"),
        "effort_hours",
    );
    assert_eq!(rows[0]["hours"].as_f64().unwrap(), straight);
}
