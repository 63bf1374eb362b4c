//! Opening the database: creating and seeding it on first use, and how this process may use it.

use std::path::Path;
use std::time::Duration;

use skillgraph_graph::Graph;
use skillgraph_printer::console::Console;
use skillgraph_store::{Opened, Store, StoreError};

/// The built-in graph. The curated files are checked by the test suite, so a failure here
/// means a broken build, and an empty graph with a message beats a crash.
fn seed_graph(console: &mut Console) -> Graph {
    match skillgraph_import::curated_graph() {
        Ok(graph) => graph,
        Err(errors) => {
            console.message(&format!(
                "warning: the built-in graph data is invalid:\n{errors}"
            ));
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
pub fn open(path: &Path, access: Access, console: &mut Console) -> Result<Store, StoreError> {
    open_with_seed(path, true, access, console)
}

/// Opens the database at `path`; a new one starts with the built-in graph only when `seeded`.
pub fn open_with_seed(
    path: &Path,
    seeded: bool,
    access: Access,
    console: &mut Console,
) -> Result<Store, StoreError> {
    if let Some(parent) = path.parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::Io {
                path: path.to_path_buf(),
                detail: e.to_string(),
            })?;
        }
    }
    let (mut store, opened) = Store::open(path, || match seeded {
        true => seed_graph(console),
        false => Graph::new(),
    })?;
    if access.read_only {
        store.set_read_only();
    }
    store.set_write_wait(access.write_wait);
    if opened == Opened::Created && seeded {
        console.message(&format!(
            "created a new database at {} with the built-in DevOps/SRE graph",
            path.display()
        ));
    }
    Ok(store)
}
