//! The fuzz corpus as regression tests: every input kept in `fuzz/corpus/<target>/` runs through
//! the same target function as under cargo-fuzz, so what fuzzing found stays fixed without it.

#[path = "../../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod targets;

use std::path::PathBuf;

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(
        files.len() >= 4,
        "{} holds only {} inputs: is the corpus there?",
        dir.display(),
        files.len()
    );
    files
}

/// Runs every input, naming the one that fails (its file name is the input's hash, so
/// `cargo fuzz run TARGET fuzz/corpus/TARGET/NAME` replays it under the fuzzer).
fn run_corpus(target: &str, body: fn(&[u8])) {
    for file in corpus(target) {
        let data = std::fs::read(&file).expect("read a corpus input");
        let outcome = std::panic::catch_unwind(|| body(&data));
        if let Err(panic) = outcome {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!(
                "{target} fails on {}: {message}\ninput: {:?}",
                file.display(),
                String::from_utf8_lossy(&data)
            );
        }
    }
}

#[test]
fn query_parse_corpus() {
    run_corpus("query_parse", targets::query_parse);
}

#[test]
fn query_eval_corpus() {
    run_corpus("query_eval", targets::query_eval);
}

#[test]
fn toml_import_corpus() {
    run_corpus("toml_import", targets::toml_import);
}

#[test]
fn csv_import_corpus() {
    run_corpus("csv_import", targets::csv_import);
}
