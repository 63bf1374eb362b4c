//! Readers that turn data files into a validated [`skillgraph_graph::Graph`]: the curated
//! `graphdata/*.toml`, bulk CSV (`nodes.csv` + `edges.csv`), and public occupational datasets;
//! and the writers of a graph ([`export`], [`interop`]), which stream it out.
//!
//! Readers never write anywhere: they return a graph or every error found, with file and line.
//! Writers write only to the `impl Write` or [`export::ExportFiles`] they are handed.
//! Start at [`load_graphdata`] and [`curated_graph`].

mod csv_full;
mod csv_import;
mod error;
mod esco;
pub mod export;
mod graphdata;
pub mod interop;
mod json_format;
mod merge;
mod onet;
mod report;
mod table;
pub mod toml_format;

pub use csv_full::{CSV_PROFILES, CSV_SOURCES};
pub use csv_import::{load_csv_dir, CSV_EDGES, CSV_NODES};
pub use error::{line_col, DataError, DataErrors};
pub use esco::{
    esco_source, load_esco_dir, ESCO_ESSENTIAL_IMPORTANCE, ESCO_OPTIONAL_IMPORTANCE,
    ESCO_SOURCE_KEY,
};
pub use graphdata::{load_graphdata, DataText};
pub use merge::{merge_graphs, MergeReport};
pub use onet::{load_onet_dir, onet_source, ONET_SOURCE_KEY};
pub use report::ImportReport;

use skillgraph_graph::Graph;

include!(concat!(env!("OUT_DIR"), "/curated.rs"));

/// The built-in DevOps/SRE graph, from the `graphdata/` files compiled into the binary.
pub fn curated_graph() -> Result<Graph, DataErrors> {
    let texts: Vec<DataText<'_>> = CURATED_FILES
        .iter()
        .map(|(name, text)| DataText { name, text })
        .collect();
    load_graphdata(&texts)
}

/// Reads a path the way `skillgraph import` and `validate` take it: a directory of `.toml` (or
/// `.json`) files, a directory holding `nodes.csv` + `edges.csv`, or single `.toml` or `.json`
/// files (`.json` as `export --format json` writes it).
pub fn load_paths(paths: &[std::path::PathBuf]) -> Result<Graph, DataErrors> {
    let mut tomls: Vec<(String, String)> = Vec::new();
    let mut errors = Vec::new();
    let mut csv_graphs = Vec::new();
    let mut csv_dirs: Vec<std::path::PathBuf> = Vec::new();
    for path in paths {
        let shown = path.display().to_string();
        // `import nodes.csv edges.csv` names the two files of one CSV import: read their
        // directory once. Another CSV file is not an import on its own.
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
            && !path.is_dir()
        {
            let named = path.file_name().and_then(|n| n.to_str());
            let dir = path.parent().map_or_else(
                || std::path::PathBuf::from("."),
                |d| {
                    if d.as_os_str().is_empty() {
                        ".".into()
                    } else {
                        d.to_path_buf()
                    }
                },
            );
            if matches!(named, Some(CSV_NODES | CSV_EDGES)) {
                if !csv_dirs.contains(&dir) {
                    csv_dirs.push(dir.clone());
                    match load_csv_dir(&dir) {
                        Ok(g) => csv_graphs.push(g),
                        Err(e) => errors.extend(e.0),
                    }
                }
            } else {
                errors.push(DataError::whole_file(
                    &shown,
                    format!(
                        "a CSV import is a directory holding {CSV_NODES} and {CSV_EDGES}: name those files, or their directory"
                    ),
                ));
            }
            continue;
        }
        if path.is_dir() {
            if path.join(CSV_NODES).exists() || path.join(CSV_EDGES).exists() {
                match load_csv_dir(path) {
                    Ok(g) => csv_graphs.push(g),
                    Err(e) => errors.extend(e.0),
                }
                continue;
            }
            let mut files: Vec<std::path::PathBuf> = match std::fs::read_dir(path) {
                Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
                Err(e) => {
                    errors.push(DataError::whole_file(&shown, format!("cannot read: {e}")));
                    continue;
                }
            };
            files.retain(|p| p.extension().is_some_and(|e| e == "toml" || e == "json"));
            files.sort();
            if files.is_empty() {
                errors.push(DataError::whole_file(
                    &shown,
                    "holds no .toml or .json files and no nodes.csv/edges.csv",
                ));
            }
            for f in files {
                read_text(&f, &mut tomls, &mut errors);
            }
        } else {
            read_text(path, &mut tomls, &mut errors);
        }
    }
    if !errors.is_empty() {
        return Err(DataErrors(errors));
    }
    let mut graph = if tomls.is_empty() {
        Graph::new()
    } else {
        let texts: Vec<DataText<'_>> = tomls
            .iter()
            .map(|(name, text)| DataText { name, text })
            .collect();
        load_graphdata(&texts)?
    };
    for g in csv_graphs {
        // `Graph::merge` keeps the receiving graph's profiles; a CSV export's are the import's.
        let profiles: Vec<skillgraph_graph::Profile> = g.profiles().values().cloned().collect();
        for p in &profiles {
            if graph.profile(&p.name).is_some() {
                let message = format!("profile `{}` is defined twice", p.name);
                return Err(DataErrors(vec![DataError::whole_file("import", message)]));
            }
        }
        if let Err(clashes) = graph.merge(g) {
            let errors = clashes
                .into_iter()
                .map(|e| DataError::whole_file("import", e.to_string()))
                .collect();
            return Err(DataErrors(errors));
        }
        for p in profiles {
            graph.put_profile(p);
        }
    }
    Ok(graph)
}

fn read_text(path: &std::path::Path, out: &mut Vec<(String, String)>, errors: &mut Vec<DataError>) {
    let shown = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => out.push((shown, text)),
        Err(e) => errors.push(DataError::whole_file(&shown, format!("cannot read: {e}"))),
    }
}
