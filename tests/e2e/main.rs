//! End-to-end tests of the `skillgraph` binary: one test binary, a module per front end.

mod cli;
mod datasets;
mod queries;
mod repl;
mod scripts;
mod support;
