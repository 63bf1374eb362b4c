//! End-to-end tests of the `skillgraph` binary: one test binary, a module per front end.

mod cli;
mod closest_similarity;
mod crash;
mod damaged;
mod datasets;
mod db_path;
mod faithful;
mod flows;
mod fuzz_corpus;
mod hygiene;
mod interop;
mod limits;
mod onet_fixture;
mod personas;
mod pictures;
mod pictures_at_size;
mod powercut;
mod queries;
mod real_data;
mod real_plans;
mod repl;
mod round_trips;
mod scripts;
mod support;
mod syscall_kills;
mod traps;
