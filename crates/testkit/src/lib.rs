//! Helpers shared by the test suites of the other crates and the end-to-end tests: a graph's
//! content as comparable text ([`dump`]), and files damaged by fixed rules ([`Damage`]).
//! Not for anything that ships: only `[dev-dependencies]` name this crate.

use std::path::{Path, PathBuf};

use skillgraph_graph::{Graph, Source, SourceId};

/// A source with `key` as its key and title and nothing else.
pub fn source(key: &str) -> Source {
    Source {
        key: key.into(),
        title: key.into(),
        url: None,
        author: None,
        publisher: None,
        date: None,
        licence: None,
    }
}

/// Everything a graph says, in an order that does not depend on how it was built: sources by
/// key, nodes by id, edges sorted, source references by key.
pub fn dump(g: &Graph) -> String {
    let keys = |ids: &[SourceId]| {
        let mut k = g.source_keys(ids);
        k.sort();
        k.join(",")
    };
    let mut lines = Vec::new();
    for s in g.sources() {
        lines.push(format!("source {s:?}"));
    }
    for ix in g.node_indices() {
        let n = g.node(ix);
        lines.push(format!(
            "node {} {} {:?} aliases={:?} category={:?} effort={:?} sources=[{}] fields={:?}",
            n.id,
            n.kind,
            n.name,
            n.aliases,
            n.category,
            n.effort_hours,
            keys(&n.sources),
            n.fields
        ));
    }
    for e in g.edge_indices() {
        let (a, b) = g.edge_endpoints(e);
        let ed = g.edge(e);
        lines.push(format!(
            "edge {} -{}-> {} importance={:?} effort={:?} sources=[{}] extra={:?}",
            g.node(a).id,
            ed.kind,
            g.node(b).id,
            ed.importance,
            ed.effort_hours,
            keys(&ed.sources),
            ed.extra
        ));
    }
    lines.sort();
    lines.join("\n")
}

/// Compares two dumps, showing only the lines that differ.
#[track_caller]
pub fn assert_same_dump(found: &str, expected: &str) {
    if found != expected {
        let (f, e): (Vec<&str>, Vec<&str>) = (found.lines().collect(), expected.lines().collect());
        let missing: Vec<&str> = e.iter().copied().filter(|l| !f.contains(l)).collect();
        let extra: Vec<&str> = f.iter().copied().filter(|l| !e.contains(l)).collect();
        panic!(
            "the graphs differ\nexpected but missing:\n  {}\nfound but not expected:\n  {}",
            missing.join("\n  "),
            extra.join("\n  ")
        );
    }
}

/// Ways to damage a file, each a fixed rule so that a failure names a case that replays.
#[derive(Debug, Clone, Copy)]
pub enum Damage {
    Delete,
    TruncateTo(usize),
    /// Cut to this many eighths of the length.
    TruncateEighths(usize),
    /// Overwrite 64 bytes from this many eighths of the length with a byte.
    ScribbleAtEighths(usize, u8),
    /// Overwrite the whole file with a byte.
    Fill(u8),
    /// Flip one bit every this many bytes.
    FlipEvery(usize),
}

impl Damage {
    pub fn apply(self, file: &Path) {
        if let Damage::Delete = self {
            std::fs::remove_file(file).unwrap();
            return;
        }
        let mut bytes = std::fs::read(file).unwrap();
        let len = bytes.len();
        match self {
            Damage::Delete => unreachable!("handled above"),
            Damage::TruncateTo(n) => bytes.truncate(n),
            Damage::TruncateEighths(k) => bytes.truncate(len * k / 8),
            Damage::ScribbleAtEighths(k, byte) => {
                for b in bytes.iter_mut().skip(len * k / 8).take(64) {
                    *b = byte;
                }
            }
            Damage::Fill(byte) => bytes.iter_mut().for_each(|b| *b = byte),
            Damage::FlipEvery(n) => {
                for b in bytes.iter_mut().step_by(n) {
                    *b ^= 0x10;
                }
            }
        }
        std::fs::write(file, bytes).unwrap();
    }
}

/// Copies a directory tree, as a backup program would copy a database.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file below `dir`, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}
