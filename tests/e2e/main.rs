//! End-to-end tests of the `skillgraph` binary: one test binary, a module per front end.

mod cli;
mod closest_similarity;
mod crash;
mod damaged;
mod datasets;
mod fuzz_corpus;
mod hygiene;
mod interop;
mod limits;
mod pictures;
mod queries;
mod real_plans;
mod repl;
mod scripts;
mod support;
