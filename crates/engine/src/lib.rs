//! What skillgraph's front ends run, apart from the terminal: an [`Engine`] runs scripts and
//! dot commands ([`dot`]) in a session over a store; [`commands`] and [`import()`] are the
//! commands that are not statements. All they show goes through the printer's `Console` over
//! the streams the caller hands it, and each returns a [`Status`] for the exit code. Not the
//! terminal, not argument parsing. Start reading at [`Engine::run_script`].

pub mod commands;
pub mod db;
pub mod dot;
mod engine;
mod import;

pub use engine::{labelled, with_engine, Engine, Line, Outcome, RunOptions};
pub use import::{import, ImportMode, ImportSources, Progress};

/// How a command ended. What went wrong has been written to the console already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    /// A statement, the data or the database's check failed.
    Failed,
    /// The arguments, the database or a file could not be used.
    Unusable,
}

impl From<Outcome> for Status {
    fn from(outcome: Outcome) -> Status {
        match outcome {
            Outcome::Ok => Status::Ok,
            Outcome::Failed => Status::Failed,
        }
    }
}
