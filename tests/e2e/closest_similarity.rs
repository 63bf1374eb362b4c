//! `closest ROLE` on real data: the similarity of every pair it lists is recomputed here from the
//! raw O*NET fixture files (`crates/import/tests/fixtures/onet-mini`) by the formula documented
//! in `crates/graph/src/algo/similarity.rs` and docs/GRAMMAR.md, and roles without requirement
//! data never top the list.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use skillgraph_graph::algo::similarity::{
    HOT_WEIGHT, IN_DEMAND_WEIGHT, SKILL_WEIGHT, TITLE_WEIGHT, TOOL_WEIGHT, ZONE_STEP,
};

use crate::onet_fixture::{fixture, tsv};
use crate::support::{column, TestDb};

/// Network and Computer Systems Administrators: rated.
const NETADMIN: &str = "15-1244.00";
/// Software Developers: technology rows, no Skills or Knowledge ratings in O*NET 29.3.
const DEVELOPERS: &str = "15-1252.00";

fn imported() -> TestDb {
    let db = TestDb::new();
    // Replacing the built-in graph: the idf weights count the roles of the fixture alone.
    let run = db.run(&["import", "--replace", "--onet", fixture().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    db
}

/// A sparse vector by key.
type Vector = BTreeMap<String, f64>;

/// What the formula reads of one occupation, straight from the files.
#[derive(Debug, Default)]
struct Occupation {
    title: String,
    /// Element → importance (IM rounded) × level (LV), over the ratings the importer keeps.
    skills: Vector,
    /// Word → how often it occurs in the title and the distinct alternate and short titles.
    words: BTreeMap<String, f64>,
    /// Technology example → its row is flagged In Demand.
    tools: BTreeMap<String, bool>,
    zone: Option<f64>,
}

/// One rating as the files give it: IM, LV, and whether the importer skips it.
type Rating = (Option<f64>, Option<f64>, bool);

fn occupations() -> BTreeMap<String, Occupation> {
    let mut all: BTreeMap<String, Occupation> = BTreeMap::new();
    for row in tsv("Occupation Data.txt") {
        let occ = all.entry(row["O*NET-SOC Code"].clone()).or_default();
        occ.title = row["Title"].clone();
    }
    let mut ratings: BTreeMap<(String, String), Rating> = BTreeMap::new();
    for file in ["Skills.txt", "Knowledge.txt"] {
        for row in tsv(file) {
            let key = (row["O*NET-SOC Code"].clone(), row["Element ID"].clone());
            let r = ratings.entry(key).or_default();
            let value: f64 = row["Data Value"].parse().unwrap();
            r.2 |= row["Not Relevant"] == "Y";
            match row["Scale ID"].as_str() {
                "IM" => {
                    r.0 = Some(value);
                    r.2 |= row["Recommend Suppress"] == "Y";
                }
                "LV" => r.1 = Some(value),
                _ => {}
            }
        }
    }
    for ((code, element), (importance, level, skipped)) in ratings {
        if let (Some(importance), false) = (importance, skipped) {
            let weight = importance.round() * level.unwrap_or(1.0);
            all.get_mut(&code).unwrap().skills.insert(element, weight);
        }
    }
    let mut titles: BTreeMap<String, Vec<String>> = all
        .iter()
        .map(|(code, o)| (code.clone(), vec![o.title.clone()]))
        .collect();
    for row in tsv("Alternate Titles.txt") {
        if let Some(list) = titles.get_mut(&row["O*NET-SOC Code"]) {
            list.extend([row["Alternate Title"].clone(), row["Short Title"].clone()]);
        }
    }
    for (code, list) in titles {
        // As the importer keeps them: each title once, ignoring case.
        let mut seen = HashSet::new();
        let words = &mut all.get_mut(&code).unwrap().words;
        for title in list.iter().map(|t| t.trim()) {
            if title.is_empty() || !seen.insert(title.to_lowercase()) {
                continue;
            }
            for word in title.split(|c: char| !c.is_alphanumeric()) {
                if !word.is_empty() {
                    *words.entry(word.to_lowercase()).or_default() += 1.0;
                }
            }
        }
    }
    for row in tsv("Technology Skills.txt") {
        if let Some(occ) = all.get_mut(&row["O*NET-SOC Code"]) {
            *occ.tools.entry(row["Example"].clone()).or_default() |= row["In Demand"] == "Y";
        }
    }
    for row in tsv("Job Zones.txt") {
        if let Some(occ) = all.get_mut(&row["O*NET-SOC Code"]) {
            occ.zone = Some(row["Job Zone"].parse().unwrap());
        }
    }
    all
}

/// Technology examples any row flags Hot Technology.
fn hot_tools() -> BTreeSet<String> {
    tsv("Technology Skills.txt")
        .into_iter()
        .filter(|r| r["Hot Technology"] == "Y")
        .map(|r| r["Example"].clone())
        .collect()
}

/// `ln(roles / roles holding key)` for every key some role holds.
fn idf<'a>(keys: impl Iterator<Item = &'a String>, roles: usize) -> BTreeMap<String, f64> {
    let mut holders: BTreeMap<String, f64> = BTreeMap::new();
    for key in keys {
        *holders.entry(key.clone()).or_default() += 1.0;
    }
    holders
        .into_iter()
        .map(|(k, n)| (k, (roles as f64 / n).ln()))
        .collect()
}

/// `None` when both vectors are zero.
fn cosine(a: &Vector, b: &Vector) -> Option<f64> {
    let norm = |v: &Vector| v.values().map(|x| x * x).sum::<f64>().sqrt();
    let (na, nb) = (norm(a), norm(b));
    if na == 0.0 && nb == 0.0 {
        return None;
    }
    if na == 0.0 || nb == 0.0 {
        return Some(0.0);
    }
    let dot: f64 = a.iter().filter_map(|(k, x)| b.get(k).map(|y| x * y)).sum();
    Some(dot / (na * nb))
}

/// The documented similarity of two occupations, with its parts: (similarity, skills, titles,
/// tools, zone factor).
struct Expected {
    similarity: f64,
    skills: f64,
    titles: f64,
    tools: Option<f64>,
    zone: f64,
    shared_skills: usize,
    shared_tools: usize,
}

fn expected(all: &BTreeMap<String, Occupation>, a: &str, b: &str) -> Expected {
    let word_idf = idf(all.values().flat_map(|o| o.words.keys()), all.len());
    let tool_idf = idf(all.values().flat_map(|o| o.tools.keys()), all.len());
    let hot = hot_tools();
    let titles = |o: &Occupation| -> Vector {
        o.words
            .iter()
            .map(|(w, n)| (w.clone(), (1.0 + n.ln()) * word_idf[w]))
            .collect()
    };
    let tools = |o: &Occupation| -> Vector {
        o.tools
            .iter()
            .map(|(t, &in_demand)| {
                let mut weight = tool_idf[t];
                if in_demand {
                    weight *= IN_DEMAND_WEIGHT;
                }
                if hot.contains(t) {
                    weight *= HOT_WEIGHT;
                }
                (t.clone(), weight)
            })
            .collect()
    };
    let (oa, ob) = (&all[a], &all[b]);
    let skills = cosine(&oa.skills, &ob.skills);
    let title_cos = cosine(&titles(oa), &titles(ob));
    let tool_cos = cosine(&tools(oa), &tools(ob));
    let terms = [
        (skills, SKILL_WEIGHT),
        (title_cos, TITLE_WEIGHT),
        (tool_cos, TOOL_WEIGHT),
    ];
    let weighted: f64 = terms.iter().filter_map(|(t, w)| t.map(|t| t * w)).sum();
    let weights: f64 = terms
        .iter()
        .filter(|(t, _)| t.is_some())
        .map(|(_, w)| w)
        .sum();
    let zone = match (oa.zone, ob.zone) {
        (Some(x), Some(y)) => 1.0 - ZONE_STEP * (x - y).abs(),
        _ => 1.0,
    };
    let shared = |x: &Vector, y: &Vector| x.keys().filter(|k| y.contains_key(*k)).count();
    Expected {
        similarity: zone * weighted / weights,
        skills: skills.unwrap_or(0.0),
        titles: title_cos.unwrap_or(0.0),
        tools: tool_cos,
        zone,
        shared_skills: shared(&oa.skills, &ob.skills),
        shared_tools: oa
            .tools
            .keys()
            .filter(|t| ob.tools.contains_key(*t))
            .count(),
    }
}

/// A share as the answer shows it: a percentage with one decimal.
fn shown_pct(share: f64) -> f64 {
    (share * 1000.0).round() / 10.0
}

#[test]
fn closest_role_similarity_is_the_documented_formula_over_the_raw_files() {
    let db = imported();
    let all = occupations();
    let by_title: BTreeMap<&str, &str> = all
        .iter()
        .map(|(code, o)| (o.title.as_str(), code.as_str()))
        .collect();
    let rows = db.json(&format!("closest onet:{NETADMIN} limit 50 explain"));
    assert!(rows.len() >= 2, "{rows:?}");
    for row in &rows {
        let code = by_title[row["role"].as_str().unwrap()];
        let want = expected(&all, NETADMIN, code);
        let got = |name: &str| row[name].as_f64().unwrap();
        assert_eq!(got("similarity_pct"), shown_pct(want.similarity), "{row}");
        assert_eq!(got("skills_pct"), shown_pct(want.skills), "{row}");
        assert_eq!(got("titles_pct"), shown_pct(want.titles), "{row}");
        assert_eq!(
            row["tools_pct"].as_f64(),
            want.tools.map(shown_pct),
            "{row}"
        );
        assert_eq!(
            got("zone_factor"),
            (want.zone * 100.0).round() / 100.0,
            "{row}"
        );
        assert_eq!(got("skills_compared"), want.shared_skills as f64, "{row}");
        assert_eq!(got("shared_tools"), want.shared_tools as f64, "{row}");
        assert!(got("hours") >= 0.0, "{row}");
    }
    // Most similar first.
    let shown: Vec<f64> = rows
        .iter()
        .map(|r| r["similarity_pct"].as_f64().unwrap())
        .collect();
    assert!(shown.windows(2).all(|w| w[0] >= w[1]), "{shown:?}");
}

#[test]
fn roles_without_requirement_data_never_top_closest() {
    let db = imported();
    let all = occupations();
    let rated: BTreeSet<&str> = all
        .values()
        .filter(|o| !o.skills.is_empty())
        .map(|o| o.title.as_str())
        .collect();
    let unrated = all.len() - rated.len();
    assert!(
        unrated > 0,
        "the fixture must hold occupations without ratings"
    );
    // From a rated role and from one without ratings (Software Developers): titles and tools
    // alone would put its many unrated neighbours first if they were candidates.
    for start in [NETADMIN, DEVELOPERS] {
        let rows = db.json(&format!("closest onet:{start} limit 50"));
        let roles = column(&rows, "role");
        assert!(!roles.is_empty(), "{start}");
        for role in &roles {
            assert!(
                rated.contains(role.as_str()),
                "{start}: {role} has no ratings"
            );
        }
        let run = db.run(&["query", &format!("closest onet:{start} limit 50")]);
        assert!(
            run.stdout.contains("left out: they cannot be compared")
                || run.stderr.contains("left out: they cannot be compared"),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn curated_closest_devops_does_not_favour_roles_for_requiring_little() {
    let db = TestDb::new();
    let rows = db.json("closest DevOps limit 100");
    assert!(rows.len() >= 3, "{rows:?}");
    let number = |row: &serde_json::Value, name: &str| row[name].as_f64().unwrap();
    // The roles DevOps already qualifies for (no hours to learn) tie under a ranking by plan
    // hours; a role that shares more of DevOps's skills must not rank below one sharing fewer.
    let qualified: Vec<&serde_json::Value> =
        rows.iter().filter(|r| number(r, "hours") == 0.0).collect();
    assert!(qualified.len() >= 2, "{rows:?}");
    let most_shared = qualified
        .iter()
        .map(|r| number(r, "skills_compared"))
        .fold(0.0, f64::max);
    assert_eq!(
        number(qualified[0], "skills_compared"),
        most_shared,
        "{qualified:?}"
    );
    // And the top role is not the one sharing the fewest skills.
    let fewest = rows
        .iter()
        .map(|r| number(r, "skills_compared"))
        .fold(f64::INFINITY, f64::min);
    assert!(number(&rows[0], "skills_compared") > fewest, "{rows:?}");
}
