//! The non-interactive commands: import, export, render, stats, check, validate.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use skillgraph_graph::{integrity, Graph};
use skillgraph_import::{export, interop};

use skillgraph_printer::Format;
use skillgraph_query::answers::overview;
use skillgraph_query::result::{Cell, ResultTable};

use crate::cli::ExportFormat;
use crate::engine::Outcome;
use crate::output;
use crate::{db, EXIT_OK, EXIT_QUERY_FAILED, EXIT_USAGE_OR_IO};

/// What `skillgraph import` reads.
pub struct ImportSources {
    pub paths: Vec<PathBuf>,
    pub onet: Option<PathBuf>,
    pub esco: Option<PathBuf>,
    /// List every warning, not one line per kind.
    pub verbose: bool,
}

/// A progress bar on a terminal for imports that take a while; nothing otherwise.
fn progress_bar() -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg:>28} [{bar:40}] {percent:>3}% {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    Some(bar)
}

fn load_dataset(
    name: &str,
    dir: &Path,
    verbose: bool,
    load: impl FnOnce(
        &Path,
        &mut dyn FnMut(&str, u64, u64),
    )
        -> Result<(Graph, skillgraph_import::ImportReport), skillgraph_import::DataErrors>,
) -> Result<Graph, u8> {
    let bar = progress_bar();
    let mut progress = |phase: &str, done: u64, total: u64| {
        if let Some(bar) = &bar {
            bar.set_length(total);
            bar.set_position(done);
            bar.set_message(format!("{name}: {phase}"));
        }
    };
    let result = load(dir, &mut progress);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    match result {
        Ok((graph, report)) => {
            if verbose {
                eprintln!("{}", report.verbose());
            } else {
                eprintln!("{report}");
            }
            Ok(graph)
        }
        Err(errors) => {
            eprintln!("{errors}");
            Err(EXIT_QUERY_FAILED)
        }
    }
}

/// How an import meets the graph already in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// Add to it; an id it has already is an error.
    Add,
    /// Update the nodes and edges it has, add the rest.
    Merge,
    /// Start from an empty graph.
    Replace,
}

pub fn import(db_path: &Path, access: db::Access, sources: &ImportSources, mode: ImportMode) -> u8 {
    let replace = mode == ImportMode::Replace;
    let mut graph = if sources.paths.is_empty() {
        Graph::new()
    } else {
        match skillgraph_import::load_paths(&sources.paths) {
            Ok(g) => g,
            Err(errors) => {
                eprintln!("{errors}");
                return EXIT_QUERY_FAILED;
            }
        }
    };
    let datasets: [(&str, &Option<PathBuf>, DatasetLoader); 2] = [
        ("O*NET", &sources.onet, skillgraph_import::load_onet_dir),
        ("ESCO", &sources.esco, skillgraph_import::load_esco_dir),
    ];
    for (name, dir, load) in datasets {
        let Some(dir) = dir else { continue };
        match load_dataset(name, dir, sources.verbose, load) {
            Ok(dataset) => {
                if let Err(clashes) = graph.merge(dataset) {
                    let store_error = skillgraph_store::StoreError::Clashes(clashes);
                    eprintln!("error: {store_error}");
                    return EXIT_QUERY_FAILED;
                }
            }
            Err(code) => return code,
        }
    }
    // A graph that is about to be replaced need not be seeded first.
    let mut store = match db::open_with_seed(db_path, !replace, access) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE_OR_IO;
        }
    };
    let (nodes, edges) = (graph.node_count(), graph.edge_count());
    let result = match mode {
        ImportMode::Replace => store.replace(graph),
        // `Store::merge` keeps the database's profiles only; an import that brings profiles
        // (an export's) is laid over it whole, once no id or profile name clashes.
        ImportMode::Add if !graph.profiles().is_empty() => {
            let taken: Vec<String> = graph
                .profiles()
                .keys()
                .filter(|name| store.graph().profile(name).is_some())
                .map(|name| format!("error: the database has a profile `{name}` already"))
                .collect();
            if !taken.is_empty() {
                eprintln!("{}", taken.join("\n"));
                eprintln!("nothing was imported: `import --merge` replaces those profiles");
                return EXIT_QUERY_FAILED;
            }
            let clashes: Vec<skillgraph_graph::ChangeError> = graph
                .node_indices()
                .filter_map(|ix| {
                    let id = &graph.node(ix).id;
                    let mine = store.graph().by_id(id)?;
                    Some(skillgraph_graph::ChangeError::DuplicateId {
                        id: id.clone(),
                        existing: store.graph().node(mine).kind,
                    })
                })
                .collect();
            if clashes.is_empty() {
                return merge_into_store(&mut store, &graph, db_path, "imported");
            }
            Err(skillgraph_store::StoreError::Clashes(clashes))
        }
        ImportMode::Add => store.merge(graph),
        ImportMode::Merge => return merge_into_store(&mut store, &graph, db_path, "merged"),
    };
    match result {
        Ok(()) => {
            eprintln!(
                "imported {nodes} nodes and {edges} edges into {}{}",
                db_path.display(),
                if replace {
                    " (replacing its graph)"
                } else {
                    ""
                }
            );
            EXIT_OK
        }
        Err(skillgraph_store::StoreError::Clashes(clashes)) => {
            for clash in clashes.iter().take(10) {
                eprintln!("error: {clash}");
            }
            if clashes.len() > 10 {
                eprintln!("… and {} more", clashes.len() - 10);
            }
            eprintln!(
                "nothing was imported: {} id{} of the import {} in the database already; \
                 `import --merge` updates those nodes and adds the rest, `--replace` starts \
                 from an empty graph",
                clashes.len(),
                if clashes.len() == 1 { "" } else { "s" },
                if clashes.len() == 1 { "is" } else { "are" },
            );
            EXIT_QUERY_FAILED
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_QUERY_FAILED
        }
    }
}

/// `import --merge`: the merged graph is built and checked whole, then put in place with one
/// atomic `Store::replace` (or not at all when it changes nothing).
fn merge_into_store(
    store: &mut skillgraph_store::Store,
    incoming: &Graph,
    db_path: &Path,
    done: &str,
) -> u8 {
    let (merged, report) = match skillgraph_import::merge_graphs(store.graph(), incoming) {
        Ok(m) => m,
        Err(errors) => {
            eprintln!("{errors}");
            return EXIT_QUERY_FAILED;
        }
    };
    if report.changes_anything() {
        if let Err(e) = store.replace(merged) {
            eprintln!("error: {e}");
            return EXIT_QUERY_FAILED;
        }
    }
    eprintln!("{done} into {}: {report}", db_path.display());
    EXIT_OK
}

type DatasetLoader =
    fn(
        &Path,
        &mut dyn FnMut(&str, u64, u64),
    ) -> Result<(Graph, skillgraph_import::ImportReport), skillgraph_import::DataErrors>;

pub fn export(db_path: &Path, access: db::Access, format: ExportFormat, out: Option<&Path>) -> u8 {
    let bulk = matches!(format, ExportFormat::Kuzu | ExportFormat::Neo4jCsv);
    if bulk && out.is_none() {
        eprintln!(
            "error: `--format kuzu` and `--format neo4j-csv` write a directory of files; give it with `--out DIR`"
        );
        return EXIT_USAGE_OR_IO;
    }
    // Four tables cannot be one CSV stream: rather than a stream no CSV reader takes, a refusal.
    if format == ExportFormat::Csv && out.is_none() {
        eprintln!(
            "error: `export --format csv` writes four files (sources.csv, nodes.csv, edges.csv, profiles.csv); give their directory with `--out DIR`, or use `--format json` or `toml` for one stream"
        );
        return EXIT_USAGE_OR_IO;
    }
    let store = match db::open(db_path, access) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE_OR_IO;
        }
    };
    let graph = store.graph();
    // Each format writes as it goes (no export is held whole): to standard output one file
    // after another, or into the directory, telling of each file once it is complete.
    let mut stdout = export::Stream::new(
        std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock()),
        "standard output",
    );
    let mut dir_files;
    let files: &mut dyn export::ExportFiles = match out {
        None => &mut stdout,
        Some(dir) => {
            if let Err(e) = std::fs::create_dir_all(dir) {
                eprintln!("error: cannot create {}: {e}", dir.display());
                return EXIT_USAGE_OR_IO;
            }
            dir_files = export::Directory::new(dir, |path| eprintln!("wrote {}", path.display()));
            &mut dir_files
        }
    };
    let written = match format {
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
    };
    match written {
        // A reader that stopped early (`export | head`) wanted no more: not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        // The file or stream is named in `e` (`cannot write …: …`).
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE_OR_IO;
        }
        Ok(()) => {}
    }
    EXIT_OK
}

/// `skillgraph render STATEMENT… [-o FILE.svg]`: runs the statements in one session and draws
/// the last one's answer. Exit 1 if a statement fails or the last answer has no picture.
pub fn render(
    db_path: &Path,
    options: crate::RunOptions,
    statements: &[String],
    out: Option<&Path>,
) -> u8 {
    if let Some(path) = out {
        let svg_named = path
            .extension()
            .is_none_or(|e| e.eq_ignore_ascii_case("svg"));
        if !svg_named {
            eprintln!(
                "error: `render` writes SVG, so name the file `….svg` (`query --format dot` or `--format mermaid` give the picture as text)"
            );
            return EXIT_USAGE_OR_IO;
        }
    }
    crate::with_engine(db_path, options, |engine| {
        engine.captured = Some(Vec::new());
        for (i, statement) in statements.iter().enumerate() {
            let name = if statements.len() == 1 {
                "render".to_string()
            } else {
                format!("render {}", i + 1)
            };
            if engine.run_script(&name, statement) == Outcome::Failed {
                return EXIT_QUERY_FAILED;
            }
        }
        let tables: Vec<ResultTable> = engine.captured.take().unwrap_or_default();
        let Some(table) = tables.last() else {
            eprintln!("error: nothing to draw: no statement was given");
            return EXIT_QUERY_FAILED;
        };
        let Some(picture) = &table.picture else {
            eprintln!(
                "error: {} has no picture; `render` draws path, paths, learn, compare, show and neighbourhood",
                table
                    .title
                    .as_deref()
                    .map_or("the answer".to_string(), |t| format!("`{t}`"))
            );
            return EXIT_QUERY_FAILED;
        };
        let text = skillgraph_printer::svg::svg(picture, table.heading().as_deref());
        match out {
            None => {
                crate::output::write_out(&text);
                EXIT_OK
            }
            Some(path) => match std::fs::write(path, text) {
                Ok(()) => {
                    eprintln!(
                        "wrote {}: {} nodes, {} edges",
                        path.display(),
                        picture.nodes.len(),
                        picture.edges.len()
                    );
                    EXIT_OK
                }
                Err(e) => {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    EXIT_USAGE_OR_IO
                }
            },
        }
    })
}

pub fn stats(db_path: &Path, access: db::Access, format: Format) -> u8 {
    match db::open(db_path, access) {
        Ok(store) => {
            let table = overview::stats(store.graph())
                .with_title(format!("database {}", db_path.display()));
            output::print(&table, format);
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_USAGE_OR_IO
        }
    }
}

/// `skillgraph check`: opening the store verifies the schema version, the snapshot's checksum
/// and every log entry; [`integrity::check`] then verifies the graph itself.
pub fn check(db_path: &Path, access: db::Access, format: Format) -> u8 {
    // Checking must not create (and seed) a database that is not there.
    if !db_path.exists() {
        eprintln!("error: there is no database at {}", db_path.display());
        return EXIT_USAGE_OR_IO;
    }
    // Readers answer from the read view and the snapshot; `check` also opens sled, which holds
    // the manifest and the log they were made from.
    let (store, schema) = match db::open(db_path, access).and_then(|mut s| Ok((s.verify()?, s))) {
        Ok((schema, s)) => (s, schema),
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE_OR_IO;
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
        output::print(&ResultTable::message([ok, counted]), format);
        return EXIT_OK;
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
    output::print(&table, format);
    EXIT_QUERY_FAILED
}

pub fn validate(paths: &[PathBuf], format: Format) -> u8 {
    match skillgraph_import::load_paths(paths) {
        Ok(graph) => {
            output::print(
                &overview::stats(&graph).with_title("ok: the data is valid"),
                format,
            );
            EXIT_OK
        }
        Err(errors) => {
            eprintln!(
                "{}",
                errors
                    .to_string()
                    .replace("nothing was imported", "nothing was written")
            );
            EXIT_QUERY_FAILED
        }
    }
}
