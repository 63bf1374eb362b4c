//! End-to-end tests of the `skillgraph` binary: one test binary, a module per front end.

mod cli;
mod queries;
mod scripts;
mod support;
