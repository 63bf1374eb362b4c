//! Moves an article calls a career trap (`move_type = "trap"` in graphdata/transitions.toml):
//! no route between any two curated roles takes one on the way elsewhere, and a route into the
//! trap's own target shows it with a warning. The traps are read from the data file here, not
//! from the code under test.

use crate::support::{column, TestDb};

/// (from id, to id) of every trap in the curated data.
fn traps() -> Vec<(String, String)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/graphdata/transitions.toml");
    let text = std::fs::read_to_string(path).unwrap();
    let value = |block: &str, key: &str| {
        block
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key} = \"")))
            .map(|rest| rest.trim_end_matches('"').to_string())
    };
    text.split("[[transition]]")
        .skip(1)
        .filter(|block| block.contains("move_type = \"trap\""))
        .map(|block| (value(block, "from").unwrap(), value(block, "to").unwrap()))
        .collect()
}

#[test]
fn no_route_takes_a_trap_on_the_way_and_one_into_its_target_is_marked() {
    let traps = traps();
    assert!(!traps.is_empty(), "the curated data marks its traps");
    let db = TestDb::new();
    let roles = column(&db.json("roles"), "id");
    let name_of = |id: &str| {
        db.json(&format!("show {id}"))
            .iter()
            .find(|r| r["field"] == "name")
            .map(|r| r["value"].as_str().unwrap().to_string())
            .unwrap()
    };
    let names: Vec<(String, String)> = roles.iter().map(|id| (id.clone(), name_of(id))).collect();
    let id_of = |name: &str| {
        names
            .iter()
            .find(|(_, n)| n == name)
            .map(|(id, _)| id.clone())
            .unwrap()
    };
    let mut into_traps = 0;
    for from in &roles {
        for to in &roles {
            if from == to {
                continue;
            }
            let run = db.run(&["query", &format!("path {from} -> {to}"), "--format", "json"]);
            assert_eq!(run.code, 0, "{}", run.stderr);
            let rows = crate::support::json_rows(&run.stdout);
            let moves: Vec<(String, String)> = rows
                .iter()
                .filter(|r| r.get("from").is_some())
                .map(|r| {
                    (
                        id_of(r["from"].as_str().unwrap()),
                        id_of(r["to"].as_str().unwrap()),
                    )
                })
                .collect();
            for (i, m) in moves.iter().enumerate() {
                if traps.contains(m) {
                    assert_eq!(
                        i + 1,
                        moves.len(),
                        "path {from} -> {to} passes a trap: {m:?}"
                    );
                    into_traps += 1;
                    let table = db.run(&["query", &format!("path {from} -> {to}")]);
                    assert!(
                        table.stdout.contains("is a career trap, not a goal"),
                        "{}",
                        table.stdout
                    );
                }
            }
        }
    }
    assert!(into_traps > 0, "some pair routes into a trap's target");
}
