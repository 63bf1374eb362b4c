//! The non-interactive commands: import, export, stats, validate.

use std::path::{Path, PathBuf};

use skillgraph_graph::{EdgeKind, Graph, NodeKind};
use skillgraph_import::export;

use skillgraph_query::result::{Cell, ResultTable};

use crate::output::{self, Format};
use crate::{db, ExportFormat, EXIT_OK, EXIT_QUERY_FAILED, EXIT_USAGE_OR_IO};

pub fn import(db_path: &Path, paths: &[PathBuf], replace: bool) -> u8 {
    let graph = match skillgraph_import::load_paths(paths) {
        Ok(g) => g,
        Err(errors) => {
            eprintln!("{errors}");
            return EXIT_QUERY_FAILED;
        }
    };
    // A graph that is about to be replaced need not be seeded first.
    let mut store = match db::open_with_seed(db_path, !replace) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE_OR_IO;
        }
    };
    let (nodes, edges) = (graph.node_count(), graph.edge_count());
    let result = if replace {
        store.replace(graph)
    } else {
        store.merge(graph)
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
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_QUERY_FAILED
        }
    }
}

pub fn export(db_path: &Path, format: ExportFormat, out: Option<&Path>) -> u8 {
    let store = match db::open(db_path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE_OR_IO;
        }
    };
    let graph = store.graph();
    let files: Result<Vec<(&str, String)>, String> = match format {
        ExportFormat::Toml => export::to_toml_string(graph).map(|t| vec![("graph.toml", t)]),
        ExportFormat::Json => export::to_json_string(graph).map(|t| vec![("graph.json", t)]),
        ExportFormat::Csv => export::to_csv_files(graph),
    };
    let files = match files {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: cannot export: {e}");
            return EXIT_USAGE_OR_IO;
        }
    };
    match out {
        None => {
            for (name, text) in files {
                if matches!(format, ExportFormat::Csv) {
                    println!("# {name}");
                }
                print!("{text}");
            }
        }
        Some(dir) => {
            if let Err(e) = std::fs::create_dir_all(dir) {
                eprintln!("error: cannot create {}: {e}", dir.display());
                return EXIT_USAGE_OR_IO;
            }
            for (name, text) in files {
                let path = dir.join(name);
                if let Err(e) = std::fs::write(&path, text) {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    return EXIT_USAGE_OR_IO;
                }
                eprintln!("wrote {}", path.display());
            }
        }
    }
    EXIT_OK
}

pub fn stats(db_path: &Path, format: Format) -> u8 {
    match db::open(db_path) {
        Ok(store) => {
            let table =
                stats_table(store.graph()).with_title(format!("database {}", db_path.display()));
            output::print(&table, format);
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_USAGE_OR_IO
        }
    }
}

/// Counts of nodes per kind, edges per kind, and sources.
pub fn stats_table(graph: &Graph) -> ResultTable {
    let mut table = ResultTable::new(["what", "count"]);
    for kind in NodeKind::ALL {
        let n = graph.nodes_of_kind(kind).len();
        table.push(vec![Cell::text(format!("{kind}s")), Cell::Number(n as f64)]);
    }
    for kind in EdgeKind::ALL {
        let n = graph.count_edges(kind);
        table.push(vec![
            Cell::text(format!("{kind} edges")),
            Cell::Number(n as f64),
        ]);
    }
    table.push(vec![
        Cell::text("sources"),
        Cell::Number(graph.sources().len() as f64),
    ]);
    table
}

/// Every source with its attribution (the O*NET and ESCO licences require it wherever data shows).
pub fn sources_table(graph: &Graph) -> ResultTable {
    let mut table = ResultTable::new(["key", "title", "publisher", "date", "url", "licence"]);
    let opt = |s: &Option<String>| s.as_deref().map_or(Cell::Null, Cell::text);
    for s in graph.sources() {
        table.push(vec![
            Cell::text(&s.key),
            Cell::text(&s.title),
            opt(&s.publisher),
            opt(&s.date),
            opt(&s.url),
            opt(&s.licence),
        ]);
    }
    table
}

pub fn validate(paths: &[PathBuf], format: Format) -> u8 {
    match skillgraph_import::load_paths(paths) {
        Ok(graph) => {
            output::print(
                &stats_table(&graph).with_title("ok: the data is valid"),
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
