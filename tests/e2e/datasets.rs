//! O*NET and ESCO through the real command line: a fixture cut from the shared files, and the
//! full shared datasets when `../shared/data` is beside the repository.

use std::path::PathBuf;

use crate::support::{column, TestDb};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("crates/import/tests/fixtures")
        .join(name)
}

fn shared_data() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    dir.join("onet-29.3").exists().then_some(dir)
}

fn stat(db: &TestDb, what: &str) -> String {
    let run = db.run(&["stats", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = crate::support::json_rows(&run.stdout);
    let row = rows
        .iter()
        .find(|r| r["what"] == what)
        .unwrap_or_else(|| panic!("no stats row {what}: {rows:?}"));
    match &row["count"] {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn onet_and_esco_fixtures_import_side_by_side_with_attribution() {
    let db = TestDb::new();
    let onet = fixture("onet-mini");
    let esco = fixture("esco-mini");
    let run = db.run(&[
        "import",
        "--onet",
        onet.to_str().unwrap(),
        "--esco",
        esco.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("imported"), "{}", run.stderr);
    // The curated graph stays, and the datasets are namespaced beside it.
    let roles = column(&db.json("roles where id starts with \"onet:\""), "id");
    assert!(!roles.is_empty());
    assert!(column(&db.json("roles"), "id").contains(&"sre".to_string()));
    let sources = db.run(&["stats"]).stdout;
    assert!(
        sources.contains("onet-29.3") && sources.contains("esco-1.1.1"),
        "{sources}"
    );
    let show = db.json(&format!("show {}", roles[0]));
    let sources: Vec<String> = show
        .iter()
        .filter(|r| r["field"] == "sources")
        .map(|r| r["value"].to_string())
        .collect();
    assert!(
        sources.iter().any(|s| s.contains("CC BY 4.0")),
        "{sources:?}"
    );
}

#[test]
fn a_broken_dataset_imports_nothing() {
    let db = TestDb::new();
    let before = db.run(&["export", "--format", "toml"]).stdout;
    let broken = db.dir().join("onet");
    std::fs::create_dir_all(&broken).unwrap();
    for entry in std::fs::read_dir(fixture("onet-mini")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, broken.join(path.file_name().unwrap())).unwrap();
    }
    std::fs::write(broken.join("Skills.txt"), "not\tthe\theader\n").unwrap();
    let run = db.run(&["import", "--onet", broken.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("Skills.txt"), "{}", run.stderr);
    assert_eq!(db.run(&["export", "--format", "toml"]).stdout, before);
}

#[test]
fn full_onet_and_esco_answer_real_questions() {
    let Some(data) = shared_data() else {
        println!("skipped: ../shared/data is not beside the repository");
        return;
    };
    let db = TestDb::new();
    let run = db.run(&[
        "import",
        "--replace",
        "--onet",
        data.join("onet-29.3").to_str().unwrap(),
        "--esco",
        data.join("esco-1.1.1").to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(stat(&db, "transition edges"), "18460");
    let roles: usize = stat(&db, "roles").parse().unwrap();
    assert_eq!(roles, 1016 + 3007);
    // ESCO: 123,855 occupation-skill links minus the 67 naming an occupation it lacks.
    assert_eq!(
        stat(&db, "from esco-1.1.1: nodes / edges"),
        "16903 / 123788"
    );
    let rows = db.json(
        "path \"Network and Computer Systems Administrators\" -> \"Information Security Analysts\"",
    );
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["to"], "Information Security Analysts");
    // O*NET files DevOps Engineer under Software Developers, ESCO under another occupation:
    // the name is ambiguous, and the error lists both with their ids.
    let run = db.run(&["query", "show \"DevOps Engineer\""]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stderr.contains("onet:15-1252.00"), "{}", run.stderr);
    assert!(run.stderr.contains("esco:occ:"), "{}", run.stderr);
    let plan = db.json("learn onet:15-1244.00 -> onet:15-1212.00");
    assert!(!plan.is_empty());
    let closest = db.json("closest [Programming, \"Computers and Electronics\"] limit 3");
    assert_eq!(closest.len(), 3);
}

/// A database with the curated graph and the O*NET and ESCO fixtures beside it (or, with
/// `replace`, the two fixtures alone).
fn with_fixtures(replace: bool) -> TestDb {
    let db = TestDb::new();
    let (onet, esco) = (fixture("onet-mini"), fixture("esco-mini"));
    let mut args = vec!["import"];
    if replace {
        args.push("--replace");
    }
    args.extend([
        "--onet",
        onet.to_str().unwrap(),
        "--esco",
        esco.to_str().unwrap(),
    ]);
    let run = db.run(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    db
}

/// The forms between backticks in an error's help.
fn offered_forms(help: &str) -> Vec<String> {
    help.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn the_ambiguity_help_offers_forms_that_resolve_each_to_one_of_the_candidates() {
    // Without the curated graph, O*NET's Software Developers and ESCO's ICT change and
    // configuration manager both answer to the alternate title "DevOps Engineer".
    let db = with_fixtures(true);
    let run = db.run(&["query", "show \"DevOps Engineer\""]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let help = run
        .stderr
        .lines()
        .find(|l| l.contains("help:"))
        .unwrap_or_else(|| panic!("{}", run.stderr));
    let forms = offered_forms(help);
    assert_eq!(forms.len(), 2, "{help}");
    let mut ids: Vec<String> = forms
        .iter()
        .map(|form| {
            let rows = db.json(&format!("show {form}"));
            let id = rows.iter().find(|r| r["field"] == "id").expect("an id row");
            id["value"].as_str().unwrap().to_string()
        })
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            "esco:occ:3b1ea27c-781c-41eb-821f-214285260dd2",
            "onet:15-1252.00"
        ]
    );
    // Two nodes of one dataset (O*NET's skill and knowledge Mathematics): only ids pick one,
    // and each offered id resolves.
    let run = db.run(&["query", "show Mathematics"]);
    let help = run.stderr.lines().find(|l| l.contains("help:")).unwrap();
    let forms = offered_forms(help);
    assert!(forms.iter().all(|f| f.starts_with("onet:")), "{help}");
    for form in forms {
        assert_eq!(
            db.run(&["query", &format!("show {form}")]).code,
            0,
            "{form}"
        );
    }
}

#[test]
fn a_curated_name_and_its_onet_and_esco_equivalents_answer_as_one_concept() {
    let db = with_fixtures(false);
    // `show` says which sources the concept has.
    let rows = db.json("show Python");
    let same: Vec<String> = rows
        .iter()
        .filter(|r| r["field"].as_str().unwrap().starts_with("same as"))
        .map(|r| r["value"].to_string())
        .collect();
    assert!(
        same.iter().any(|v| v.contains("onet:tech:python"))
            && same
                .iter()
                .any(|v| v.contains("Python (computer programming)")),
        "{same:?}"
    );
    // `uses(Python)` counts the curated roles using the curated Python and the O*NET roles
    // using O*NET's, as the fixture's Technology Skills.txt lists them.
    let mut onet_users: Vec<String> = crate::onet_fixture::tsv("Technology Skills.txt")
        .iter()
        .filter(|r| r["Example"] == "Python")
        .map(|r| format!("onet:{}", r["O*NET-SOC Code"]))
        .collect();
    onet_users.sort();
    onet_users.dedup();
    assert!(!onet_users.is_empty());
    let mut curated_users = column(&db.json("roles where uses(Python) from curated"), "id");
    assert!(
        curated_users.iter().all(|id| !id.contains(':')),
        "{curated_users:?}"
    );
    let mut expected = onet_users.clone();
    expected.append(&mut curated_users);
    expected.sort();
    let mut got = column(&db.json("roles where uses(Python)"), "id");
    got.sort();
    assert_eq!(got, expected);
    // The curated profile counts as holding O*NET's Python: the O*NET roles using it share it.
    let rows = db.json("closest [Python] from onet limit 50");
    for row in &rows {
        let role = row["role"].as_str().unwrap();
        let id = column(
            &db.json(&format!("roles where name = \"{role}\" from onet")),
            "id",
        );
        let shares = row["shared"].as_f64().unwrap() >= 1.0;
        assert_eq!(shares, onet_users.contains(&id[0]), "{row}");
    }
}

#[test]
fn closest_from_a_profile_never_ranks_a_role_without_evidence_above_one_with_it() {
    let db = with_fixtures(false);
    // A role needing one thing the profile lacks: a short plan, and nothing in common.
    let script = db.dir().join("trivial.sgq");
    std::fs::write(
        &script,
        "add role \"Trivial job\"\nlink \"Trivial job\" requires \"Toil reduction\" { importance: 3 }\n",
    )
    .unwrap();
    assert_eq!(db.run(&["run", script.to_str().unwrap()]).code, 0);
    let rows = db.json("closest [Python, Linux, Kubernetes, Git] limit 500");
    let shared: Vec<f64> = rows.iter().map(|r| r["shared"].as_f64().unwrap()).collect();
    assert!(shared.windows(2).all(|w| w[0] >= w[1]), "{shared:?}");
    let roles = column(&rows, "role");
    let trivial = roles
        .iter()
        .position(|r| r == "Trivial job")
        .expect("listed");
    let hours: Vec<f64> = rows.iter().map(|r| r["hours"].as_f64().unwrap()).collect();
    assert_eq!(shared[trivial], 0.0);
    // Fewer hours than any role sharing something, yet after all of them.
    assert!(shared.iter().filter(|&&s| s > 0.0).count() <= trivial);
    assert!(hours[trivial] < hours[0]);
    // O*NET's Software Developers has no Skills or Knowledge ratings in 29.3: not ranked.
    assert!(
        !roles.iter().any(|r| r == "Software Developers"),
        "{roles:?}"
    );
    // Each row says how much evidence it rests on.
    assert!(rows
        .iter()
        .all(|r| r["skills_compared"].as_f64().unwrap() >= 1.0));
}

#[test]
fn from_keep_pay_and_job_zone_within_filter_lists_of_roles() {
    let db = with_fixtures(false);
    for (dataset, prefix) in [("onet", "onet:"), ("esco", "esco:")] {
        let ids = column(&db.json(&format!("roles from {dataset}")), "id");
        assert!(!ids.is_empty());
        assert!(ids.iter().all(|id| id.starts_with(prefix)), "{ids:?}");
        let all = column(&db.json("roles"), "id");
        let expected = all.iter().filter(|id| id.starts_with(prefix)).count();
        assert_eq!(ids.len(), expected);
    }
    let curated = column(&db.json("roles from curated"), "id");
    assert!(curated.iter().all(|id| !id.contains(':')), "{curated:?}");
    // `keep pay`: exactly the roles with a salary.
    let mut paid = column(&db.json("roles keep pay"), "id");
    let mut with_salary = column(&db.json("roles where has(salary)"), "id");
    paid.sort();
    with_salary.sort();
    assert!(!paid.is_empty());
    assert_eq!(paid, with_salary);
    let rows = db.json("closest [Linux, Python] keep pay limit 50");
    assert!(!rows.is_empty());
    for role in column(&rows, "role") {
        assert!(
            !db.json(&format!("roles where name = \"{role}\" and has(salary)"))
                .is_empty(),
            "{role}"
        );
    }
    // `job zone within N`: relative to the start role's Job Zone.
    let zone = |id: &str| -> f64 {
        let rows = db.json(&format!("show {id}"));
        let row = rows.iter().find(|r| r["field"] == "job_zone").unwrap();
        row["value"].to_string().trim_matches('"').parse().unwrap()
    };
    let start = zone("onet:15-1244.00");
    let rows = db.json("closest onet:15-1244.00 job zone within 0 limit 50");
    assert!(!rows.is_empty());
    for role in column(&rows, "role") {
        let id = column(
            &db.json(&format!("roles where name = \"{role}\" from onet")),
            "id",
        );
        assert_eq!(zone(&id[0]), start, "{role}");
    }
    let run = db.run(&["query", "closest [Linux] job zone within 1"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("a profile has none"), "{}", run.stderr);
}
