//! The store as the query language's [`Database`] (feature `query`): statements read its graph
//! and send their writes through [`Store::apply`]. Here, rather than in each front end that
//! runs statements on a store (the binary's engine, `serve`), so that there is one.

use skillgraph_graph::{Change, Graph};
use skillgraph_query::eval::{ApplyError, Database};

use crate::{Store, StoreError};

impl Database for Store {
    fn graph(&self) -> &Graph {
        Store::graph(self)
    }

    /// A change the graph refuses is the statement's mistake; anything else (a lock not
    /// given, a disk that failed) is the store's.
    fn apply(&mut self, changes: Vec<Change>) -> Result<Vec<String>, ApplyError> {
        Store::apply(self, changes).map_err(|e| match e {
            StoreError::Change(c) => ApplyError::Rejected(c),
            other => ApplyError::Failed(other.to_string()),
        })
    }
}
