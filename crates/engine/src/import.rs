//! `skillgraph import`: data files and datasets read into one graph, then added to, merged
//! into or put in place of the database's, all or nothing.

use std::path::{Path, PathBuf};

use skillgraph_graph::{ChangeError, Graph};
use skillgraph_import::{DataErrors, ImportReport};
use skillgraph_printer::console::Console;
use skillgraph_store::{Store, StoreError};

use crate::{db, Status};

/// What `skillgraph import` reads.
pub struct ImportSources {
    pub paths: Vec<PathBuf>,
    pub onet: Option<PathBuf>,
    pub esco: Option<PathBuf>,
    /// List every warning, not one line per kind.
    pub verbose: bool,
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

/// Progress of loading a dataset, for a caller that shows it (the binary: a bar, on a
/// terminal). `()` shows nothing.
pub trait Progress {
    /// `done` of `total` of `phase` of loading `dataset`.
    fn update(&mut self, dataset: &str, phase: &str, done: u64, total: u64);
    /// The dataset is loaded: what showed its progress goes, before its report is written.
    fn finish(&mut self);
}

impl Progress for () {
    fn update(&mut self, _: &str, _: &str, _: u64, _: u64) {}
    fn finish(&mut self) {}
}

type DatasetLoader =
    fn(&Path, &mut dyn FnMut(&str, u64, u64)) -> Result<(Graph, ImportReport), DataErrors>;

/// Reads `sources` and brings them into the database at `db_path` as `mode` says. Each
/// dataset's report is written as it is loaded; nothing is written to the database unless all
/// of it can be.
pub fn import(
    db_path: &Path,
    access: db::Access,
    sources: &ImportSources,
    mode: ImportMode,
    console: &mut Console,
    progress: &mut dyn Progress,
) -> Status {
    let graph = match read_sources(sources, console, progress) {
        Ok(graph) => graph,
        Err(status) => return status,
    };
    // A graph that is about to be replaced need not be seeded first.
    let seeded = mode != ImportMode::Replace;
    let mut store = match db::open_with_seed(db_path, seeded, access, console) {
        Ok(s) => s,
        Err(e) => {
            console.message(&format!("error: {e}"));
            return Status::Unusable;
        }
    };
    let (nodes, edges) = (graph.node_count(), graph.edge_count());
    let result = match mode {
        ImportMode::Replace => store.replace(graph),
        // `Store::merge` keeps the database's profiles only; an import that brings profiles
        // (an export's) is laid over it whole, once no id or profile name clashes.
        ImportMode::Add if !graph.profiles().is_empty() => {
            if let Some(taken) = profiles_taken(&store, &graph) {
                console.message(&taken);
                console.message("nothing was imported: `import --merge` replaces those profiles");
                return Status::Failed;
            }
            let clashes = id_clashes(&store, &graph);
            if clashes.is_empty() {
                return merge_into_store(&mut store, &graph, db_path, "imported", console);
            }
            Err(StoreError::Clashes(clashes))
        }
        ImportMode::Add => store.merge(graph),
        ImportMode::Merge => {
            return merge_into_store(&mut store, &graph, db_path, "merged", console)
        }
    };
    match result {
        Ok(()) => {
            let replacing = match mode {
                ImportMode::Replace => " (replacing its graph)",
                _ => "",
            };
            console.message(&format!(
                "imported {nodes} nodes and {edges} edges into {}{replacing}",
                db_path.display(),
            ));
            Status::Ok
        }
        Err(StoreError::Clashes(clashes)) => {
            console.message(&clashes_refused(&clashes));
            Status::Failed
        }
        Err(e) => {
            console.message(&format!("error: {e}"));
            Status::Failed
        }
    }
}

/// The files and datasets of `sources` as one graph; what was wrong with them is written.
fn read_sources(
    sources: &ImportSources,
    console: &mut Console,
    progress: &mut dyn Progress,
) -> Result<Graph, Status> {
    let mut graph = if sources.paths.is_empty() {
        Graph::new()
    } else {
        skillgraph_import::load_paths(&sources.paths).map_err(|errors| {
            console.message(&errors.to_string());
            Status::Failed
        })?
    };
    let datasets: [(&str, &Option<PathBuf>, DatasetLoader); 2] = [
        ("O*NET", &sources.onet, skillgraph_import::load_onet_dir),
        ("ESCO", &sources.esco, skillgraph_import::load_esco_dir),
    ];
    for (name, dir, load) in datasets {
        let Some(dir) = dir else { continue };
        let loaded = load(dir, &mut |phase, done, total| {
            progress.update(name, phase, done, total)
        });
        progress.finish();
        let dataset = match loaded {
            Ok((dataset, report)) => {
                let report = match sources.verbose {
                    true => report.verbose().to_string(),
                    false => report.to_string(),
                };
                console.message(&report);
                dataset
            }
            Err(errors) => {
                console.message(&errors.to_string());
                return Err(Status::Failed);
            }
        };
        if let Err(clashes) = graph.merge(dataset) {
            console.message(&format!("error: {}", StoreError::Clashes(clashes)));
            return Err(Status::Failed);
        }
    }
    Ok(graph)
}

/// The profiles of `incoming` the database has already, one error line each; `None` if none.
fn profiles_taken(store: &Store, incoming: &Graph) -> Option<String> {
    let taken: Vec<String> = incoming
        .profiles()
        .keys()
        .filter(|name| store.graph().profile(name).is_some())
        .map(|name| format!("error: the database has a profile `{name}` already"))
        .collect();
    (!taken.is_empty()).then(|| taken.join("\n"))
}

/// The nodes of `incoming` whose ids the database has already.
fn id_clashes(store: &Store, incoming: &Graph) -> Vec<ChangeError> {
    incoming
        .node_indices()
        .filter_map(|ix| {
            let id = &incoming.node(ix).id;
            let mine = store.graph().by_id(id)?;
            Some(ChangeError::DuplicateId {
                id: id.clone(),
                existing: store.graph().node(mine).kind,
            })
        })
        .collect()
}

/// Why an import that clashes with the database is refused: the first ten clashes and what to
/// do instead.
fn clashes_refused(clashes: &[ChangeError]) -> String {
    let mut lines: Vec<String> = clashes
        .iter()
        .take(10)
        .map(|clash| format!("error: {clash}"))
        .collect();
    if clashes.len() > 10 {
        lines.push(format!("… and {} more", clashes.len() - 10));
    }
    let one = clashes.len() == 1;
    lines.push(format!(
        "nothing was imported: {} id{} of the import {} in the database already; \
         `import --merge` updates those nodes and adds the rest, `--replace` starts \
         from an empty graph",
        clashes.len(),
        if one { "" } else { "s" },
        if one { "is" } else { "are" },
    ));
    lines.join("\n")
}

/// `import --merge`: the merged graph is built and checked whole, then put in place with one
/// atomic `Store::replace` (or not at all when it changes nothing).
fn merge_into_store(
    store: &mut Store,
    incoming: &Graph,
    db_path: &Path,
    done: &str,
    console: &mut Console,
) -> Status {
    let (merged, report) = match skillgraph_import::merge_graphs(store.graph(), incoming) {
        Ok(m) => m,
        Err(errors) => {
            console.message(&errors.to_string());
            return Status::Failed;
        }
    };
    if report.changes_anything() {
        if let Err(e) = store.replace(merged) {
            console.message(&format!("error: {e}"));
            return Status::Failed;
        }
    }
    console.message(&format!("{done} into {}: {report}", db_path.display()));
    Status::Ok
}
