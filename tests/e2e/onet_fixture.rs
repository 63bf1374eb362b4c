//! The O*NET fixture cut from the shared O*NET 29.3 (`crates/import/tests/fixtures/onet-mini`),
//! read by the tests with a parser of their own, so their oracles never go through the importer.

use std::collections::BTreeMap;
use std::path::PathBuf;

pub fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("crates/import/tests/fixtures/onet-mini")
}

/// A tab-separated O*NET file of the fixture, one map of column → value per row.
pub fn tsv(name: &str) -> Vec<BTreeMap<String, String>> {
    tsv_in(&fixture(), name)
}

/// A tab-separated O*NET file of the cut in `dir`, one map of column → value per row.
pub fn tsv_in(dir: &std::path::Path, name: &str) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(dir.join(name)).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split('\t'))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}
