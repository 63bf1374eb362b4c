//! Where the database lives and how the binary opens it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use skillgraph_graph::Graph;
use skillgraph_store::{Opened, Store, StoreError};

/// `$XDG_DATA_HOME/skillgraph/graph.sgdb` (or the platform's data directory).
pub fn default_path() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("skillgraph")
        .join("graph.sgdb")
}

/// The built-in graph. The curated files are checked by the test suite, so a failure here
/// means a broken build, and an empty graph with a message beats a crash.
pub fn seed_graph() -> Graph {
    match skillgraph_import::curated_graph() {
        Ok(graph) => graph,
        Err(errors) => {
            eprintln!("warning: the built-in graph data is invalid:\n{errors}");
            Graph::new()
        }
    }
}

/// How this process may use the database: `--read-only` and `--lock-timeout`.
#[derive(Debug, Clone, Copy)]
pub struct Access {
    pub read_only: bool,
    /// How long a write waits for another process's write to finish.
    pub write_wait: Duration,
}

/// Opens (creating and seeding if needed) the database at `path`.
pub fn open(path: &Path, access: Access) -> Result<Store, StoreError> {
    open_with_seed(path, true, access)
}

/// Opens the database at `path`; a new one starts with the built-in graph only when `seeded`.
pub fn open_with_seed(path: &Path, seeded: bool, access: Access) -> Result<Store, StoreError> {
    if let Some(parent) = path.parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::Io {
                path: path.to_path_buf(),
                detail: e.to_string(),
            })?;
        }
    }
    let seed = if seeded { seed_graph } else { Graph::new };
    let (mut store, opened) = Store::open(path, seed)?;
    if access.read_only {
        store.set_read_only();
    }
    store.set_write_wait(access.write_wait);
    if opened == Opened::Created && seeded {
        eprintln!(
            "created a new database at {} with the built-in DevOps/SRE graph",
            path.display()
        );
    }
    Ok(store)
}
