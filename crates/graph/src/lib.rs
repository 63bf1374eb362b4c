//! The skillgraph model: roles, skills, tools and the facts between them, each with its sources,
//! read in place from a snapshot with an overlay of changes, plus the algorithms that answer career questions.
//!
//! This crate does no I/O: it knows nothing of sled, pest, files or terminals. Start reading at
//! [`Graph`]; writes go through [`Change`], which is validated before it touches anything.

mod adjacency;
pub mod algo;
pub mod change;
pub mod concept;
mod derived;
pub(crate) mod frozen;
mod fxhash;
pub mod graph;
pub mod integrity;
pub mod model;
mod name_order;
mod overlay;
pub mod profile;
pub mod resolve;
mod role_vectors;
pub mod schema;
mod snapshot;
mod text;

pub use adjacency::Link;
pub use change::{Change, ChangeError};
pub use frozen::{Checks, SnapshotBytes};
pub use graph::{Checkpoint, EdgeEditor, Graph, GraphData, NodeEditor, StatedMoves};
pub use model::{
    format_number, Edge, EdgeExtra, EdgeKind, Node, NodeKind, Source, SourceId, Value,
    CSV_SOURCE_PREFIX, ESTIMATE_SOURCE, FIELD_SOURCES, MOVE_TYPE, TRAP,
};
pub use overlay::Links;
pub use petgraph::stable_graph::{EdgeIndex, NodeIndex};
pub use petgraph::Direction;
pub use profile::{Profile, ProfileEntry, SkillState, DEFAULT_LEVEL};
pub use resolve::{ResolveError, Suggestion};
pub use text::cmp_ignoring_case;
