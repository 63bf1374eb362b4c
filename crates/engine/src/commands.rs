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

/// Writes `graph` in `format` to `files`, each file as it is made (no export is held whole).
fn write_export(
    graph: &Graph,
    format: ExportFormat,
    files: &mut dyn export::ExportFiles,
) -> std::io::Result<()> {
    match format {
        ExportFormat::Toml => files.file("graph.toml", &mut |w| export::write_toml(graph, w)),
        ExportFormat::Json => files.file("graph.json", &mut |w| export::write_json(graph, w)),
        ExportFormat::Csv => export::write_csv_files(graph, files),
        ExportFormat::Cypher => {
            files.file("graph.cypher", &mut |w| interop::write_cypher(graph, w))
        }
        ExportFormat::Graphml => {
            files.file("graph.graphml", &mut |w| interop::write_graphml(graph, w))
        }
        ExportFormat::Kuzu => interop::write_kuzu_files(graph, files),
        ExportFormat::Neo4jCsv => interop::write_neo4j_csv_files(graph, files),
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
    let graph = store.graph();
    let written = match out {
        None => {
            let out = std::io::BufWriter::with_capacity(1 << 16, console.raw_out());
            write_export(
                graph,
                format,
                &mut export::Stream::new(out, "standard output"),
            )
        }
        Some(dir) => {
            if let Err(e) = std::fs::create_dir_all(dir) {
                console.message(&format!("error: cannot create {}: {e}", dir.display()));
                return Status::Unusable;
            }
            // Each file is told of once it is complete.
            let told = |path: &Path| console.message(&format!("wrote {}", path.display()));
            write_export(graph, format, &mut export::Directory::new(dir, told))
        }
    };
    match written {
        // A reader that stopped early (`export | head`) wanted no more: not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Status::Ok,
        // The file or stream is named in `e` (`cannot write …: …`).
        Err(e) => {
            console.message(&format!("error: {e}"));
            Status::Unusable
        }
        Ok(()) => Status::Ok,
    }
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use skillgraph_printer::console::{Stream, Streams, Transcript};
    use skillgraph_printer::TableStyle;

    use super::*;
    use crate::{import, ImportMode, ImportSources};

    const ACCESS: db::Access = db::Access {
        read_only: false,
        write_wait: Duration::from_secs(10),
    };

    fn recorded() -> (Console, Transcript) {
        let transcript = Transcript::default();
        let streams = Streams {
            terminal: false,
            style: TableStyle {
                styled: false,
                width: 100,
            },
            styled_errors: false,
        };
        (transcript.console(streams), transcript)
    }

    #[test]
    fn a_format_of_several_files_needs_a_directory_and_opens_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let db_path = dir.path().join("g.sgdb");
        for format in [
            ExportFormat::Csv,
            ExportFormat::Kuzu,
            ExportFormat::Neo4jCsv,
        ] {
            let (mut console, transcript) = recorded();
            let status = export(&db_path, ACCESS, format, None, &mut console);
            assert_eq!(status, Status::Unusable);
            assert!(transcript.text(Stream::Err).contains("`--out DIR`"));
        }
        assert!(!db_path.exists());
    }

    #[test]
    fn an_export_reads_back_through_import_into_an_empty_database() {
        let dir = tempfile::tempdir().unwrap();
        let (mut console, transcript) = recorded();
        let status = export(
            &dir.path().join("a"),
            ACCESS,
            ExportFormat::Json,
            None,
            &mut console,
        );
        assert_eq!(status, Status::Ok);
        let json = dir.path().join("graph.json");
        std::fs::write(&json, transcript.text(Stream::Out)).unwrap();
        let sources = ImportSources {
            paths: vec![json],
            onet: None,
            esco: None,
            verbose: false,
        };
        let b = dir.path().join("b");
        let (mut console, transcript) = recorded();
        let status = import(
            &b,
            ACCESS,
            &sources,
            ImportMode::Replace,
            &mut console,
            &mut (),
        );
        assert_eq!(status, Status::Ok, "{}", transcript.text(Stream::Err));
        assert!(transcript
            .text(Stream::Err)
            .contains("(replacing its graph)"));
        let (mut console, transcript) = recorded();
        assert_eq!(check(&b, ACCESS, Format::Json, &mut console), Status::Ok);
        assert!(transcript.text(Stream::Err).contains("is consistent"));
    }

    #[test]
    fn importing_ids_the_database_has_is_refused_whole() {
        let dir = tempfile::tempdir().unwrap();
        let db_path = dir.path().join("g.sgdb");
        let (mut console, transcript) = recorded();
        export(&db_path, ACCESS, ExportFormat::Toml, None, &mut console);
        let toml = dir.path().join("graph.toml");
        std::fs::write(&toml, transcript.text(Stream::Out)).unwrap();
        let sources = ImportSources {
            paths: vec![toml],
            onet: None,
            esco: None,
            verbose: false,
        };
        let (mut console, transcript) = recorded();
        let status = import(
            &db_path,
            ACCESS,
            &sources,
            ImportMode::Add,
            &mut console,
            &mut (),
        );
        assert_eq!(status, Status::Failed);
        let err = transcript.text(Stream::Err);
        assert!(err.contains("nothing was imported"), "{err}");
        assert!(err.contains("… and "), "{err}");
    }

    #[test]
    fn check_creates_no_database() {
        let dir = tempfile::tempdir().unwrap();
        let db_path = dir.path().join("none");
        let (mut console, transcript) = recorded();
        assert_eq!(
            check(&db_path, ACCESS, Format::Table, &mut console),
            Status::Unusable
        );
        assert!(transcript
            .text(Stream::Err)
            .starts_with("error: there is no database"));
        assert!(!db_path.exists());
    }

    #[test]
    fn render_draws_the_last_answer_or_says_why_not() {
        let dir = tempfile::tempdir().unwrap();
        let db_path = dir.path().join("g.sgdb");
        let options = RunOptions {
            format: Format::Table,
            continue_on_error: false,
            timing: false,
            commit: skillgraph_store::Commit::EachWrite,
            access: ACCESS,
        };
        let (console, transcript) = recorded();
        let png = Some(Path::new("x.png"));
        let status = render(&db_path, options, &["roles".into()], png, console);
        assert_eq!(status, Status::Unusable);
        assert!(!db_path.exists());
        assert!(transcript
            .text(Stream::Err)
            .contains("name the file `….svg`"));
        let (console, transcript) = recorded();
        assert_eq!(
            render(&db_path, options, &["roles".into()], None, console),
            Status::Failed
        );
        assert!(transcript.text(Stream::Err).contains("has no picture"));
        let (console, transcript) = recorded();
        let path = ["path DevOps -> SRE".to_string()];
        let status = render(&db_path, options, &path, None, console);
        assert_eq!(status, Status::Ok, "{}", transcript.text(Stream::Err));
        assert!(transcript.text(Stream::Out).starts_with("<svg"));
    }

    #[test]
    fn validate_says_nothing_was_written() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, "[[role]]\nid = 1\n").unwrap();
        let (mut console, transcript) = recorded();
        assert_eq!(
            validate(&[bad], Format::Table, &mut console),
            Status::Failed
        );
        let err = transcript.text(Stream::Err);
        assert!(!err.contains("nothing was imported"), "{err}");
        assert!(err.contains("bad.toml"), "{err}");
    }
}
