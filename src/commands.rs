//! The non-interactive commands: import, export, stats, validate.

use std::path::{Path, PathBuf};

use skillgraph_graph::{EdgeKind, Graph, NodeKind};
use skillgraph_import::export;

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

pub fn stats(db_path: &Path) -> u8 {
    match db::open(db_path) {
        Ok(store) => {
            println!("database: {}", db_path.display());
            print!("{}", stats_text(store.graph()));
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_USAGE_OR_IO
        }
    }
}

fn stats_text(graph: &Graph) -> String {
    let mut out = String::new();
    for kind in NodeKind::ALL {
        out.push_str(&format!(
            "{:<13} {}\n",
            format!("{kind}s"),
            graph.nodes_of_kind(kind).len()
        ));
    }
    for kind in EdgeKind::ALL {
        out.push_str(&format!(
            "{:<13} {}\n",
            kind.as_str(),
            graph.count_edges(kind)
        ));
    }
    out.push_str(&format!("{:<13} {}\n", "sources", graph.sources().len()));
    out
}

pub fn validate(paths: &[PathBuf]) -> u8 {
    match skillgraph_import::load_paths(paths) {
        Ok(graph) => {
            println!("ok: the data is valid");
            print!("{}", stats_text(&graph));
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
