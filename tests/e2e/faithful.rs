//! Answers faithful to the O*NET and ESCO data (issue #24): equal names told apart, ESCO's
//! essential and optional skills said as such, O*NET's In Demand kept per occupation, no
//! percentage of nothing, `unlock` counting what `gap` counts, roles in profiles. The oracles
//! read the fixtures cut from the shared files (`crates/import/tests/fixtures/onet-mini`,
//! `esco-mini`) with parsers of their own, never through the importer.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::onet_fixture::{fixture as onet_dir, tsv};
use crate::support::{column, TestDb};

/// Network and Computer Systems Administrators: rated.
const NETADMIN: &str = "onet:15-1244.00";
/// Validation Engineers: rated.
const VALIDATION: &str = "onet:17-2112.02";
/// Writers and Authors: rated, every technology row in the cut.
const WRITERS: &str = "onet:27-3043.00";
/// Software Developers: technology rows, no Skills or Knowledge ratings in O*NET 29.3.
const DEVELOPERS: &str = "onet:15-1252.00";
/// Computer and Information Systems Managers: only a title in the cut, no ratings.
const IT_MANAGERS: &str = "onet:11-3021.00";

fn esco_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("crates/import/tests/fixtures/esco-mini")
}

fn imported(args: &[&str]) -> TestDb {
    let db = TestDb::new();
    // Only the dataset: the built-in graph would add roles of its own to every count.
    let mut all = vec!["import", "--replace"];
    all.extend_from_slice(args);
    let run = db.run(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    db
}

fn onet() -> TestDb {
    imported(&["--onet", onet_dir().to_str().unwrap()])
}

fn esco() -> TestDb {
    imported(&["--esco", esco_dir().to_str().unwrap()])
}

fn query(db: &TestDb, statement: &str) -> crate::support::Run {
    let run = db.run(&["query", statement]);
    assert_eq!(run.code, 0, "`{statement}`: {}", run.stderr);
    run
}

/// Element id (as the graph writes it) → kind word, for the elements of one name.
fn onet_elements(name: &str) -> BTreeMap<String, &'static str> {
    let mut found = BTreeMap::new();
    for (file, kind) in [("Skills.txt", "skill"), ("Knowledge.txt", "knowledge")] {
        for row in tsv(file) {
            if row["Element Name"] == name {
                let id = format!("onet:{}", row["Element ID"].to_lowercase());
                found.insert(id, kind);
            }
        }
    }
    found
}

// ---- 1. equal names ------------------------------------------------------------------------

#[test]
fn equal_names_carry_their_ids_and_kinds_and_tables_tell_them_apart() {
    let db = onet();
    let maths = onet_elements("Mathematics");
    assert_eq!(maths.len(), 2, "a skill and a knowledge area: {maths:?}");
    let statement = format!("why {WRITERS} -> {VALIDATION} min importance 1");
    let rows = db.json(&statement);
    let got: BTreeMap<String, &str> = rows
        .iter()
        .filter(|r| r["skill"] == "Mathematics")
        .map(|r| {
            let kind = r["kind"].as_str().unwrap();
            (r["id"].as_str().unwrap().to_string(), maths_kind(kind))
        })
        .collect();
    assert_eq!(got, maths);
    // Every row says which node it is about, in JSON and CSV alike.
    let ids = column(&rows, "id");
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), rows.len());
    let csv = db.run(&[
        "query",
        &format!("learn {WRITERS} -> {VALIDATION} min importance 1 without tools"),
        "--format",
        "csv",
    ]);
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let (id, kind) = (
        header.iter().position(|h| h == "id").expect("an id column"),
        header
            .iter()
            .position(|h| h == "kind")
            .expect("a kind column"),
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let distinct: BTreeSet<(String, String)> = records
        .iter()
        .map(|r| (r[id].to_string(), r[kind].to_string()))
        .collect();
    assert_eq!(distinct.len(), records.len(), "no two rows alike");
    // A person reads the kind where names collide, and no ids.
    // Wide enough that no name wraps.
    let wide = db
        .command()
        .env("COLUMNS", "250")
        .args(["query", &statement])
        .output()
        .unwrap();
    let table = String::from_utf8(wide.stdout).unwrap();
    for mark in ["Mathematics (skill)", "Mathematics (knowledge)"] {
        assert!(table.contains(mark), "{table}");
    }
    assert!(!table.contains("onet:2."), "ids are for programs: {table}");
    // A name no other row shares stays as it is.
    assert_eq!(table.matches("(skill)").count(), 1, "{table}");
    assert_eq!(table.matches("(knowledge)").count(), 1, "{table}");
    // `compare` lists names in cells: the same marks there, each label once per list.
    let compare = db.json(&format!("compare {WRITERS}, {VALIDATION}"));
    let lists: Vec<Vec<String>> = compare
        .iter()
        .filter(|r| r["aspect"] == "skills (only / shared)")
        .flat_map(|r| {
            r.as_object()
                .unwrap()
                .values()
                .filter_map(|v| v.as_array())
                .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
                .collect::<Vec<Vec<String>>>()
        })
        .collect();
    let all: Vec<&String> = lists.iter().flatten().collect();
    assert!(!all.iter().any(|l| l.as_str() == "Mathematics"), "{all:?}");
    assert_eq!(
        all.iter()
            .filter(|l| l.starts_with("Mathematics ("))
            .count(),
        2,
        "{all:?}"
    );
}

fn maths_kind(kind: &str) -> &'static str {
    match kind {
        "skill" => "skill",
        "knowledge" => "knowledge",
        other => panic!("unexpected kind {other}"),
    }
}

#[test]
fn a_gap_row_names_its_node_by_id_and_kind() {
    let db = onet();
    let knowledge: BTreeSet<String> = tsv("Knowledge.txt")
        .into_iter()
        .map(|r| format!("onet:{}", r["Element ID"].to_lowercase()))
        .collect();
    let rows = db.json(&format!("gap {WRITERS} -> {NETADMIN} with all tools"));
    assert!(rows.iter().any(|r| r["kind"] == "tool"), "tools too");
    for row in &rows {
        let id = row["id"].as_str().unwrap();
        let expected = if id.starts_with("onet:tech:") {
            "tool"
        } else if knowledge.contains(id) {
            "knowledge"
        } else {
            "skill"
        };
        assert_eq!(row["kind"], expected, "{row}");
        let shown = db.json(&format!("show {id}"));
        assert!(!shown.is_empty(), "{id} names a node");
    }
}

// ---- 2. ESCO's essential and optional ------------------------------------------------------

/// Occupation URI → [(skill id as the graph writes it, `essential` or `optional`)].
type Relations = BTreeMap<String, Vec<(String, String)>>;

/// (occupation label → URI) and the relations, from the ESCO files.
fn esco_relations() -> (BTreeMap<String, String>, Relations) {
    let mut labels = BTreeMap::new();
    let mut reader = csv::Reader::from_path(esco_dir().join("occupations_en.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let (uri, label) = (
        header.iter().position(|h| h == "conceptUri").unwrap(),
        header.iter().position(|h| h == "preferredLabel").unwrap(),
    );
    for r in reader.records() {
        let r = r.unwrap();
        labels.insert(r[label].to_string(), r[uri].to_string());
    }
    let mut skills = BTreeSet::new();
    let mut reader = csv::Reader::from_path(esco_dir().join("skills_en.csv")).unwrap();
    for r in reader.records() {
        skills.insert(r.unwrap()[1].to_string());
    }
    let mut relations = Relations::new();
    let mut reader =
        csv::Reader::from_path(esco_dir().join("occupationSkillRelations.csv")).unwrap();
    for r in reader.records() {
        let r = r.unwrap();
        if !skills.contains(&r[3]) {
            continue; // the one relation whose skill the cut leaves out
        }
        let id = r[3].replace("http://data.europa.eu/esco/skill/", "esco:skill:");
        relations
            .entry(r[0].to_string())
            .or_default()
            .push((id, r[1].to_string()));
    }
    (labels, relations)
}

#[test]
fn plans_take_escos_essential_skills_and_say_how_many_optional_ones_they_leave() {
    let (labels, relations) = esco_relations();
    let (from, to) = ("ICT system administrator", "software developer");
    let held: BTreeSet<&String> = relations[&labels[from]].iter().map(|(s, _)| s).collect();
    let of = |relation: &str| -> BTreeSet<String> {
        relations[&labels[to]]
            .iter()
            .filter(|(s, r)| r == relation && !held.contains(s))
            .map(|(s, _)| s.clone())
            .collect()
    };
    let (essential, optional) = (of("essential"), of("optional"));
    assert!(!essential.is_empty() && !optional.is_empty());
    let db = esco();
    let statement = format!("learn \"{from}\" -> \"{to}\" without tools");
    let plan = db.json(&statement);
    let ids: BTreeSet<String> = column(&plan, "id").into_iter().collect();
    assert_eq!(ids, essential);
    for row in &plan {
        let why = row["why"].as_str().unwrap();
        assert!(
            why.starts_with(&format!("essential for {to} in ESCO")),
            "{why}"
        );
    }
    let all_essential = relations[&labels[to]]
        .iter()
        .filter(|(_, r)| r == "essential")
        .count();
    let table = query(&db, &statement).stdout;
    assert!(
        table.contains(&format!(
            "only the skills ESCO calls essential for {to} ({all_essential}) are counted; {} optional skills",
            optional.len()
        )) && table.contains("`min importance 1`"),
        "{table}"
    );
    // Asked for, the optional ones come too, each said to be optional.
    let every = db.json(&format!("{statement} min importance 1"));
    let ids: BTreeSet<String> = column(&every, "id").into_iter().collect();
    assert_eq!(ids, essential.union(&optional).cloned().collect());
    for row in &every {
        let id = row["id"].as_str().unwrap();
        let word = if optional.contains(id) {
            "optional"
        } else {
            "essential"
        };
        let why = row["why"].as_str().unwrap();
        assert!(
            why.starts_with(&format!("{word} for {to} in ESCO")),
            "{why}"
        );
    }
    // `gap`, `why` and `skills of` give ESCO's word in a column of its own.
    let stated: BTreeMap<String, String> = relations[&labels[to]].iter().cloned().collect();
    let gap = db.json(&format!("gap \"{from}\" -> \"{to}\" min importance 1"));
    let why = db.json(&format!("why \"{from}\" -> \"{to}\" min importance 1"));
    assert_eq!(why.len(), stated.len());
    for row in gap.iter().chain(&why) {
        assert_eq!(
            row["esco_relation"],
            stated[row["id"].as_str().unwrap()],
            "{row}"
        );
    }
    let skills = db.json(&format!("skills of \"{to}\""));
    assert_eq!(skills.len(), stated.len());
    for row in &skills {
        assert_eq!(
            row["esco_relation"],
            stated[row["id"].as_str().unwrap()],
            "{row}"
        );
    }
}

// ---- 3. In Demand per occupation -----------------------------------------------------------

/// Technology name → In Demand for one occupation, from Technology Skills.txt.
fn in_demand(code: &str) -> BTreeMap<String, bool> {
    tsv("Technology Skills.txt")
        .into_iter()
        .filter(|r| format!("onet:{}", r["O*NET-SOC Code"]) == code)
        .map(|r| (r["Example"].clone(), r["In Demand"] == "Y"))
        .collect()
}

fn tools_in_demand(db: &TestDb, role: &str) -> BTreeMap<String, bool> {
    db.json(&format!("tools of {role}"))
        .iter()
        .map(|r| {
            let flag = r["in_demand"].as_bool().expect("O*NET states the flag");
            (r["tool"].as_str().unwrap().to_string(), flag)
        })
        .collect()
}

#[test]
fn in_demand_belongs_to_the_occupation_and_tool_and_survives_export() {
    // The cut holds a technology in demand for one occupation and not for another.
    let (dev, val) = (in_demand(DEVELOPERS), in_demand(VALIDATION));
    assert!(
        dev.iter().any(|(t, &d)| d && val.get(t) == Some(&false)),
        "the fixture must hold a tool in demand for one role only"
    );
    let db = onet();
    for role in [DEVELOPERS, VALIDATION, WRITERS] {
        assert_eq!(tools_in_demand(&db, role), in_demand(role), "{role}");
    }
    let show = query(&db, "show tool:\"IBM Terraform\"").stdout;
    assert!(
        !show.contains("in_demand"),
        "not a fact of the tool: {show}"
    );
    // The TOML export reads back with the same flags.
    let toml = db.run(&["export", "--format", "toml"]);
    assert_eq!(toml.code, 0, "{}", toml.stderr);
    let file = db.dir().join("onet.toml");
    std::fs::write(&file, &toml.stdout).unwrap();
    let back = imported(&[file.to_str().unwrap()]);
    for role in [DEVELOPERS, VALIDATION, WRITERS] {
        assert_eq!(
            tools_in_demand(&back, role),
            in_demand(role),
            "{role} after TOML"
        );
    }
    // The bulk CSV layout carries it in a column of its own, on the edges that say Y.
    let out = db.dir().join("bulk");
    let run = db.run(&["export", "--format", "csv", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let back = imported(&[out.to_str().unwrap()]);
    for role in [DEVELOPERS, VALIDATION, WRITERS] {
        let flagged = |m: BTreeMap<String, bool>| -> Vec<String> {
            m.into_iter().filter(|(_, d)| *d).map(|(t, _)| t).collect()
        };
        let from_csv: Vec<String> = back
            .json(&format!("tools of {role}"))
            .iter()
            .filter(|r| r["in_demand"] == true)
            .map(|r| r["tool"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(from_csv, flagged(in_demand(role)), "{role} after CSV");
    }
    // A flag on an edge that is not `uses`, or a word that is not a flag, is an error at its line.
    for (row, words) in [
        ("a,b,requires,3,true", "belongs to a `uses` edge"),
        ("a,c,uses,1,yes", "is `true`, `false` or empty, not `yes`"),
    ] {
        let dir = db.dir().join(format!("bad-{}", words.len()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("nodes.csv"),
            "id,kind,name\na,role,A\nb,skill,B\nc,tool,C\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("edges.csv"),
            format!("from,to,kind,weight,in_demand\n{row}\n"),
        )
        .unwrap();
        let run = db.run(&["import", "--replace", dir.to_str().unwrap()]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(
            run.stderr.contains("edges.csv:2") && run.stderr.contains(words),
            "{}",
            run.stderr
        );
    }
    // JSON and Cypher state it on the edge, once per occupation that says Y.
    let flagged = tsv("Technology Skills.txt")
        .into_iter()
        .filter(|r| r["In Demand"] == "Y")
        .count();
    let json = db.run(&["export", "--format", "json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let on_edges = doc
        .as_object()
        .unwrap()
        .values()
        .filter_map(|v| v.as_array())
        .flatten()
        .filter(|e| e["fields"]["in_demand"] == true)
        .count();
    assert_eq!(on_edges, flagged);
    let cypher = db.run(&["export", "--format", "cypher"]);
    let on_uses = cypher
        .stdout
        .lines()
        .filter(|l| l.contains(":USES") && l.contains("in_demand: true"))
        .count();
    assert_eq!(on_uses, flagged);
    assert!(!cypher
        .stdout
        .lines()
        .any(|l| l.starts_with("MERGE (n:Tool") && l.contains("in_demand")));
}

// ---- 4. no percentage of nothing -----------------------------------------------------------

#[test]
fn compare_gives_counts_and_a_share_only_of_something() {
    let rated: BTreeSet<String> = tsv("Skills.txt")
        .into_iter()
        .map(|r| format!("onet:{}", r["O*NET-SOC Code"]))
        .collect();
    assert!(!rated.contains(DEVELOPERS) && !rated.contains(IT_MANAGERS));
    let db = onet();
    let rows = db.json(&format!("compare {DEVELOPERS}, {IT_MANAGERS}"));
    let row = |aspect: &str| {
        rows.iter()
            .find(|r| r["aspect"] == aspect)
            .unwrap_or_else(|| panic!("{aspect}: {rows:?}"))
            .clone()
    };
    assert_eq!(row("skills (count)")["shared"], 0);
    assert!(row("skills overlap % (shared ÷ either)")["shared"].is_null());
    let run = query(&db, &format!("compare {DEVELOPERS}, {IT_MANAGERS}"));
    assert!(
        run.stdout.contains("lists no skills in the data"),
        "{}",
        run.stdout
    );
    // Between rated roles: the share is shared ÷ either, and only in the `shared` column.
    let rows = db.json(&format!("compare {NETADMIN}, {VALIDATION}"));
    let get =
        |aspect: &str, col: &str| rows.iter().find(|r| r["aspect"] == aspect).unwrap()[col].clone();
    let (a, b, shared) = (
        get(
            "skills (count)",
            "Network and Computer Systems Administrators",
        )
        .as_f64()
        .unwrap(),
        get("skills (count)", "Validation Engineers")
            .as_f64()
            .unwrap(),
        get("skills (count)", "shared").as_f64().unwrap(),
    );
    let overlap = get("skills overlap % (shared ÷ either)", "shared");
    assert_eq!(
        overlap.as_f64().unwrap(),
        (shared * 1000.0 / (a + b - shared)).round() / 10.0
    );
    assert!(get("skills overlap % (shared ÷ either)", "Validation Engineers").is_null());
}

// ---- 5. unlock counts what gap counts ------------------------------------------------------

#[test]
fn unlock_counts_the_roles_whose_gap_a_skill_closes() {
    let db = onet();
    let roles = column(&db.json("roles"), "id");
    let mut completes_some = false;
    for (start, min) in [(WRITERS, 3), (WRITERS, 5), (NETADMIN, 3), (NETADMIN, 5)] {
        // O*NET states no prerequisites, so a role's plan is its gap.
        let (mut helped, mut completed): (BTreeMap<String, usize>, BTreeMap<String, usize>) =
            Default::default();
        for role in roles.iter().filter(|r| *r != start) {
            let gap = db.json(&format!(
                "gap {start} -> {role} min importance {min} without tools"
            ));
            for id in column(&gap, "id") {
                *helped.entry(id.clone()).or_default() += 1;
                if gap.len() == 1 {
                    *completed.entry(id).or_default() += 1;
                }
            }
        }
        let rows = db.json(&format!("unlock {start} min importance {min} limit 1000"));
        for row in &rows {
            let id = row["id"].as_str().unwrap();
            let count = |m: &BTreeMap<String, usize>| m.get(id).copied().unwrap_or(0) as u64;
            assert_eq!(row["roles_helped"], count(&helped), "{start} {min}: {row}");
            assert_eq!(
                row["roles_completed"],
                count(&completed),
                "{start} {min}: {row}"
            );
        }
        // Every skill some gap lists is offered (O*NET has no prerequisites to wait for).
        let offered: BTreeSet<String> = column(&rows, "id").into_iter().collect();
        assert!(
            helped.keys().all(|id| offered.contains(id)),
            "{start} {min}"
        );
        let key = |r: &serde_json::Value| {
            (
                r["roles_completed"].as_u64().unwrap(),
                r["roles_helped"].as_u64().unwrap(),
            )
        };
        assert!(
            rows.windows(2).all(|w| key(&w[0]) >= key(&w[1])),
            "ranked by what it unlocks"
        );
        assert!(
            rows.first().is_some_and(|r| key(r).1 > 0),
            "{start}: {rows:?}"
        );
        completes_some |= rows.iter().any(|r| key(r).0 > 0);
    }
    assert!(
        completes_some,
        "the cases must hold a skill that completes a role"
    );
}

// ---- 10. roles in profiles -----------------------------------------------------------------

#[test]
fn a_role_in_a_profile_brings_its_skills_at_its_levels() {
    let db = onet();
    let run = query(
        &db,
        &format!("profile r2 = [{NETADMIN}, \"Microsoft Excel\": 2]"),
    );
    assert!(run.stdout.contains("saved profile r2"), "{}", run.stdout);
    let as_role = db.json(&format!("why {NETADMIN} -> {VALIDATION}"));
    let as_profile = db.json(&format!("why $r2 -> {VALIDATION}"));
    let pick = |rows: &[serde_json::Value]| -> Vec<(String, String)> {
        rows.iter()
            .map(|r| (r["id"].to_string(), r["level"].to_string()))
            .collect()
    };
    assert_eq!(pick(&as_profile), pick(&as_role));
    let gap_role = column(
        &db.json(&format!("gap {NETADMIN} -> {VALIDATION} without tools")),
        "id",
    );
    let gap_profile = column(
        &db.json(&format!("gap $r2 -> {VALIDATION} without tools")),
        "id",
    );
    assert_eq!(gap_profile, gap_role);
    let shown = db.json("show profile r2");
    let role_row = shown
        .iter()
        .find(|r| r["kind"] == "role")
        .expect("the role");
    assert!(role_row["level"].is_null(), "{role_row}");
    // A session list takes a role too, and holds what the role holds, tools included.
    let run = query(&db, &format!("let me = [{NETADMIN}]"));
    assert!(run.stdout.contains("and 1 role"), "{}", run.stdout);
    query(&db, &format!("profile onlyrole = [{NETADMIN}]"));
    let rows = |start: &str| db.json(&format!("gap {start} -> {VALIDATION}"));
    let (listed, from_role) = (rows("$onlyrole"), rows(NETADMIN));
    assert!(
        from_role.iter().any(|r| r["kind"] == "tool"),
        "{from_role:?}"
    );
    assert_eq!(listed, from_role, "the same rows, tools included");
    // A level on a role, or levels in `let`, are refused with the form that works.
    let run = db.run(&["query", &format!("profile r3 = [{NETADMIN}: 4]")]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("takes no level of its own"),
        "{}",
        run.stderr
    );
    let run = db.run(&["query", "let me = [\"Mathematics\": 5]"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("a `let` list takes no levels")
            && run.stderr.contains("profile NAME = [SKILL: LEVEL"),
        "{}",
        run.stderr
    );
}
