//! The shell and its answers on a database of imported data only (the O*NET and ESCO fixtures
//! cut from the shared files), where the curated graph's names do not exist.

use std::path::PathBuf;

use crate::support::{Run, TestDb};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("crates/import/tests/fixtures")
        .join(name)
}

/// A database holding the O*NET fixture and nothing else.
pub fn onet_only() -> TestDb {
    let db = TestDb::new();
    let onet = fixture("onet-mini");
    let run = db.run(&["import", "--replace", "--onet", onet.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    db
}

/// A database holding the ESCO fixture and nothing else: roles and skills, no moves.
pub fn esco_only() -> TestDb {
    let db = TestDb::new();
    let esco = fixture("esco-mini");
    let run = db.run(&["import", "--replace", "--esco", esco.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    db
}

fn query(db: &TestDb, statement: &str) -> Run {
    let run = db.run(&["query", statement]);
    assert_eq!(run.code, 0, "`{statement}` failed: {}", run.stderr);
    run
}

fn keys(rows: &[serde_json::Value]) -> Vec<String> {
    let mut keys: Vec<String> = rows
        .iter()
        .flat_map(|r| r.as_object().unwrap().keys().cloned())
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

#[test]
fn a_listing_shows_the_fields_it_filters_on_and_none_the_data_lacks() {
    let db = onet_only();
    let rows = db.json("roles where job_zone = 4 limit 3");
    assert!(!rows.is_empty());
    for row in &rows {
        assert_eq!(row["job_zone"], 4, "{row}");
    }
    let shown = keys(&rows);
    // The usual role columns that no imported role has are left out, in every format.
    for usual in ["category", "primary_metric", "salary.avg"] {
        let field = usual.split('.').next().unwrap();
        let having = db.json(&format!("roles where has({field})"));
        assert_eq!(
            shown.contains(&usual.to_string()),
            !having.is_empty(),
            "{usual}: {shown:?}"
        );
    }
    let csv = db.run(&[
        "query",
        "roles where job_zone = 4 limit 3",
        "--format",
        "csv",
    ]);
    let header = csv.stdout.lines().next().unwrap();
    assert_eq!(
        header.split(',').count(),
        shown.len(),
        "{header} vs {shown:?}"
    );
    assert!(header.contains("job_zone"), "{header}");
    let table = query(&db, "roles where job_zone = 4 limit 3");
    assert!(table.stdout.contains("job_zone"), "{}", table.stdout);

    // A field the `where` names is a column even where no row has it.
    let rows = db.json("roles where not has(salary) limit 2");
    assert!(keys(&rows).contains(&"salary".to_string()), "{rows:?}");
}

#[test]
fn the_curated_listing_keeps_its_usual_columns() {
    let db = TestDb::new();
    let rows = db.json("roles limit 40");
    let shown = keys(&rows);
    for usual in ["category", "primary_metric", "salary.avg"] {
        assert!(shown.contains(&usual.to_string()), "{shown:?}");
    }
}

/// Splits a shell command line into words: single and double quotes group (a double-quoted
/// word keeps `\"` as `"`), as a POSIX shell would for the commands the README shows.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '"' => {
                in_word = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => word.extend(chars.next()),
                        q => word.push(q),
                    }
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// The `$ skillgraph …` commands of a README section, each with the first line it shows the
/// command printing (if any).
fn readme_commands(section: &str) -> Vec<(String, Option<String>)> {
    let readme =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .expect("README.md");
    let start = readme
        .find(&format!("## {section}"))
        .unwrap_or_else(|| panic!("README.md has no section `{section}`"));
    let body = &readme[start + 3..];
    let body = &body[..body.find("\n## ").unwrap_or(body.len())];
    let lines: Vec<&str> = body.lines().collect();
    let mut commands = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if let Some(command) = line.strip_prefix("$ skillgraph ") {
            let shown = lines
                .get(i + 1)
                .filter(|l| !l.starts_with("```") && !l.starts_with("$ "))
                .map(|l| l.to_string());
            commands.push((command.to_string(), shown));
        }
    }
    commands
}

/// README.md follows one career changer through import, `profile`, `closest`, `gap`, `learn`
/// and `path … by effort` on O*NET and ESCO. Its commands run here, in order, on a cut of
/// those files (the data directories and `--db` replaced), and each prints what the README
/// shows it printing, up to the first figure (the cut is smaller, so the figures differ).
#[test]
fn the_readme_career_changer_commands_run_on_an_onet_and_esco_import() {
    let commands = readme_commands("One career changer, end to end, on real data");
    let statements: Vec<&str> = commands.iter().map(|(c, _)| c.as_str()).collect();
    for wanted in [
        "import",
        "profile ",
        "closest ",
        "gap ",
        "learn ",
        "by effort",
    ] {
        assert!(
            statements.iter().any(|c| c.contains(wanted)),
            "the walk-through has no `{wanted}`: {statements:?}"
        );
    }
    let db = TestDb::new();
    let (onet, esco) = (fixture("onet-changer"), fixture("esco-mini"));
    for (command, shown) in &commands {
        let mut args: Vec<String> = Vec::new();
        let mut words = shell_words(command).into_iter();
        while let Some(word) = words.next() {
            match word.as_str() {
                // TestDb gives the database.
                "--db" => {
                    words.next();
                }
                w if w.ends_with("/onet-29.3") => args.push(onet.to_str().unwrap().into()),
                w if w.ends_with("/esco-1.1.1") => args.push(esco.to_str().unwrap().into()),
                _ => args.push(word),
            }
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = db.run(&args);
        assert_eq!(run.code, 0, "`skillgraph {command}` failed: {}", run.stderr);
        if let Some(shown) = shown {
            let cut = shown
                .find(|c: char| c.is_ascii_digit() || c == ':')
                .unwrap_or(shown.len());
            let head = shown[..cut].trim_end();
            let printed = format!("{}{}", run.stdout, run.stderr);
            assert!(
                printed.lines().any(|l| l.starts_with(head)),
                "`skillgraph {command}` should print a line starting `{head}`:\n{printed}"
            );
        }
    }
}
