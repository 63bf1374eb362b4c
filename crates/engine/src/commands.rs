//! The commands that are not statements: export, render, stats, check and validate (and
//! [`import`](crate::import())). Each writes what it has to say to the console and returns
//! how it ended.

use std::path::{Path, PathBuf};

use skillgraph_graph::{integrity, Graph};
use skillgraph_import::{export, interop};
use skillgraph_printer::console::Console;
use skillgraph_printer::Format;
use skillgraph_query::answers::overview;
use skillgraph_query::result::{Cell, ResultTable};

use crate::engine::{labelled, with_engine, Outcome, RunOptions};
use crate::{db, Status};

/// The formats of `export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Toml,
    Json,
    Csv,
    Cypher,
    Graphml,
    Kuzu,
    Neo4jCsv,
}

impl ExportFormat {
    /// Whether the format is a directory of files, which no single stream can hold.
    fn needs_directory(self) -> bool {
        matches!(
            self,
            ExportFormat::Csv | ExportFormat::Kuzu | ExportFormat::Neo4jCsv
        )
    }
}

/// The files (name, text) of `graph` exported in `format`.
fn export_files(graph: &Graph, format: ExportFormat) -> Result<Vec<(String, String)>, String> {
    let one = |name: &str, text: String| vec![(name.to_string(), text)];
    match format {
        ExportFormat::Toml => export::to_toml_string(graph).map(|t| one("graph.toml", t)),
        ExportFormat::Json => export::to_json_string(graph).map(|t| one("graph.json", t)),
        ExportFormat::Csv => export::to_csv_files(graph)
            .map(|files| files.into_iter().map(|(n, t)| (n.to_string(), t)).collect()),
        ExportFormat::Cypher => Ok(one("graph.cypher", interop::to_cypher(graph))),
        ExportFormat::Graphml => Ok(one("graph.graphml", interop::to_graphml(graph))),
        ExportFormat::Kuzu => interop::to_kuzu_files(graph),
        ExportFormat::Neo4jCsv => interop::to_neo4j_csv_files(graph),
    }
}

/// `skillgraph export`: the database's graph in `format`, on standard output or as files in
/// the directory `out`.
pub fn export(
    db_path: &Path,
    access: db::Access,
    format: ExportFormat,
    out: Option<&Path>,
    console: &mut Console,
) -> Status {
    if format.needs_directory() && out.is_none() {
        // Four tables cannot be one CSV stream: rather than a stream no CSV reader takes, a
        // refusal.
        console.message(match format {
            ExportFormat::Csv => "error: `export --format csv` writes four files (sources.csv, nodes.csv, edges.csv, profiles.csv); give their directory with `--out DIR`, or use `--format json` or `toml` for one stream",
            _ => "error: `--format kuzu` and `--format neo4j-csv` write a directory of files; give it with `--out DIR`",
        });
        return Status::Unusable;
    }
    let store = match db::open(db_path, access, console) {
        Ok(s) => s,
        Err(e) => {
            console.message(&format!("error: {e}"));
            return Status::Unusable;
        }
    };
    let files = match export_files(store.graph(), format) {
        Ok(f) => f,
        Err(e) => {
            console.message(&format!("error: cannot export: {e}"));
            return Status::Unusable;
        }
    };
    let Some(dir) = out else {
        for (_, text) in files {
            console.text(&text);
        }
        return Status::Ok;
    };
    if let Err(e) = std::fs::create_dir_all(dir) {
        console.message(&format!("error: cannot create {}: {e}", dir.display()));
        return Status::Unusable;
    }
    for (name, text) in files {
        let path = dir.join(name);
        if let Err(e) = std::fs::write(&path, text) {
            console.message(&format!("error: cannot write {}: {e}", path.display()));
            return Status::Unusable;
        }
        console.message(&format!("wrote {}", path.display()));
    }
    Status::Ok
}

/// `skillgraph render STATEMENT… [-o FILE.svg]`: runs the statements in one session and draws
/// the last one's answer as SVG. Failed if a statement fails or the last answer has no picture.
pub fn render(
    db_path: &Path,
    options: RunOptions,
    statements: &[String],
    out: Option<&Path>,
    mut console: Console,
) -> Status {
    if let Some(path) = out {
        let svg_named = path
            .extension()
            .is_none_or(|e| e.eq_ignore_ascii_case("svg"));
        if !svg_named {
            console.message(
                "error: `render` writes SVG, so name the file `….svg` (`query --format dot` or `--format mermaid` give the picture as text)",
            );
            return Status::Unusable;
        }
    }
    with_engine(db_path, options, console, |engine| {
        engine.captured = Some(Vec::new());
        for (name, statement) in labelled("render", statements) {
            if engine.run_script(&name, &statement) == Outcome::Failed {
                return Status::Failed;
            }
        }
        let tables: Vec<ResultTable> = engine.captured.take().unwrap_or_default();
        draw(tables.last(), out, &mut engine.out)
    })
}

/// Writes the picture of `answer` as SVG to `out`, or to standard output.
fn draw(answer: Option<&ResultTable>, out: Option<&Path>, console: &mut Console) -> Status {
    let Some(table) = answer else {
        console.message("error: nothing to draw: no statement was given");
        return Status::Failed;
    };
    let Some(picture) = &table.picture else {
        console.message(&format!(
            "error: {} has no picture; `render` draws path, paths, learn, compare, show and neighbourhood",
            table
                .title
                .as_deref()
                .map_or("the answer".to_string(), |t| format!("`{t}`"))
        ));
        return Status::Failed;
    };
    let text = skillgraph_printer::svg::svg(picture, table.heading().as_deref());
    let Some(path) = out else {
        console.text(&text);
        return Status::Ok;
    };
    match std::fs::write(path, text) {
        Ok(()) => {
            console.message(&format!(
                "wrote {}: {} nodes, {} edges",
                path.display(),
                picture.nodes.len(),
                picture.edges.len()
            ));
            Status::Ok
        }
        Err(e) => {
            console.message(&format!("error: cannot write {}: {e}", path.display()));
            Status::Unusable
        }
    }
}

/// `skillgraph stats`: counts of the database's nodes and edges.
pub fn stats(db_path: &Path, access: db::Access, format: Format, console: &mut Console) -> Status {
    match db::open(db_path, access, console) {
        Ok(store) => {
            let table = overview::stats(store.graph())
                .with_title(format!("database {}", db_path.display()));
            console.answer(&table, format);
            Status::Ok
        }
        Err(e) => {
            console.message(&format!("error: {e}"));
            Status::Unusable
        }
    }
}

/// `skillgraph check`: opening the store verifies the schema version, the snapshot's checksum
/// and every log entry; [`integrity::check`] then verifies the graph itself.
pub fn check(db_path: &Path, access: db::Access, format: Format, console: &mut Console) -> Status {
    // Checking must not create (and seed) a database that is not there.
    if !db_path.exists() {
        console.message(&format!(
            "error: there is no database at {}",
            db_path.display()
        ));
        return Status::Unusable;
    }
    // Readers answer from the read view and the snapshot; `check` also opens sled, which holds
    // the manifest and the log they were made from.
    let opened = db::open(db_path, access, console).and_then(|mut s| Ok((s.verify()?, s)));
    let (schema, store) = match opened {
        Ok(opened) => opened,
        Err(e) => {
            console.message(&format!("error: {e}"));
            return Status::Unusable;
        }
    };
    let graph = store.graph();
    let findings = integrity::check(graph);
    let counted = format!(
        "schema version {}; {} nodes, {} edges, {} sources, {} profiles; {} changes since the last snapshot",
        schema,
        graph.node_count(),
        graph.edge_count(),
        graph.sources().len(),
        graph.profiles().len(),
        store.log_entries()
    );
    if findings.is_empty() {
        let ok = format!("ok: the database at {} is consistent", db_path.display());
        console.answer(&ResultTable::message([ok, counted]), format);
        return Status::Ok;
    }
    let mut table = ResultTable::new(["rule", "problem"]).with_title(format!(
        "{} problem{} in the database at {}",
        findings.len(),
        if findings.len() == 1 { "" } else { "s" },
        db_path.display()
    ));
    for finding in &findings {
        table.push(vec![
            Cell::text(finding.rule.as_str()),
            Cell::text(&finding.message),
        ]);
    }
    table.note(counted);
    console.answer(&table, format);
    Status::Failed
}

/// `skillgraph validate FILE…`: reads data files as an import would, and writes nothing.
pub fn validate(paths: &[PathBuf], format: Format, console: &mut Console) -> Status {
    match skillgraph_import::load_paths(paths) {
        Ok(graph) => {
            let table = overview::stats(&graph).with_title("ok: the data is valid");
            console.answer(&table, format);
            Status::Ok
        }
        Err(errors) => {
            console.message(
                &errors
                    .to_string()
                    .replace("nothing was imported", "nothing was written"),
            );
            Status::Failed
        }
    }
}
