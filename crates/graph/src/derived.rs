//! What a body carries that could be computed from it, written when the body is written so
//! that no process computes it again: each edge's stated `level` as a column, the keys that
//! link skills and tools across datasets (`concept.rs`), and each edge kind's adjacency lists.
//!
//! ```text
//! "SGL1" len:u32, then len bytes: nothing (no edge states a level) or edge_bound × f64,
//!        NaN for an edge without a level
//! "SGK1" unicode:3 × u8 (char::UNICODE_VERSION) rule:u8 (concept::KEY_RULE; 0 before the
//!        acronyms) len:u32, then len bytes:
//!        datasets: n:u32, n × (nodes:u32, len:u32, bytes)
//!        keys: n:u32, key_end: n × u32, len:u32, bytes         sorted, as bytes
//!        run_end: n × u32, nodes: m:u32, m × u32                each key's nodes, by index
//!        shared: n:u32, n × u32                                 keys of several datasets, ascending
//! "SGA1" len:u32, then per edge kind (`EdgeKind::ALL` order) len:u32 and its lists
//!        (`adjacency.rs`)
//! "SGO1" each node's rank in name order (`name_order.rs`)
//! "SGD1" the ids' hash table (`frozen/lookup.rs`, `IdTable`)
//! "SGR1" len:u32, then edges_at:u32 (where the edge columns start), and for the node fields
//!        and then the edge extras: n:u32, n × (index:u32, start:u32, len:u32), offsets from
//!        the body's start
//! tail_at:u64 "SGT1"   the trailer: where the label index starts, from the body's start
//! ```
//!
//! A reader finds the trailer at the end of the buffer, reads the tail first, and locates the
//! records from their table: walking them touched every page of them, most of the snapshot of
//! an import.
//!
//! All are optional: a body written before them (schema 5 and older) builds the same bytes in
//! memory on first use, so every read goes through one form. Normalising every name for the
//! keys was half of what `gap` cost a process on O*NET + ESCO, decoding every edge's extras for
//! its level most of what `closest` cost, and building the adjacency lists a fifth of `gap`.
//! The sections are written together: one without the others is a cut body.

use std::sync::Arc;

use petgraph::stable_graph::{EdgeIndex, NodeIndex};

use crate::adjacency::Adjacency;
use crate::concept::{dataset_of, keys_of, CURATED, KEY_RULE};
use crate::frozen::{
    read_f64, read_u32, Checks, Cursor, Frozen, IdTable, SnapshotBytes, IDS_MAGIC,
};
use crate::model::{EdgeKind, NodeKind};
use crate::name_order::{NameOrder, NAME_ORDER_MAGIC};
use crate::role_vectors::RoleVectorTable;

pub(crate) const LEVELS_MAGIC: &[u8; 4] = b"SGL1";
pub(crate) const KEYS_MAGIC: &[u8; 4] = b"SGK1";
pub(crate) const ADJACENCY_MAGIC: &[u8; 4] = b"SGA1";
pub(crate) const RECORDS_MAGIC: &[u8; 4] = b"SGR1";
pub(crate) const ROLES_MAGIC: &[u8; 4] = b"SGV1";
pub(crate) const TRAILER_MAGIC: &[u8; 4] = b"SGT1";

/// Where a body's records lie (node fields and edge extras: (index, start, length), start
/// from the body's start), and where its edge columns start, so that opening locates them
/// without walking them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RecordTables {
    pub(crate) rests: Vec<(u32, u32, u32)>,
    pub(crate) extras: Vec<(u32, u32, u32)>,
    pub(crate) edges_at: u32,
}

impl RecordTables {
    /// The section's length for tables of `rests` and `extras` entries.
    pub(crate) fn encoded_len(rests: usize, extras: usize) -> usize {
        12 + 12 * (rests + extras)
    }

    /// Writes the section for tables whose offsets are `start` more than the body's.
    pub(crate) fn write(
        out: &mut impl std::io::Write,
        edges_at: u32,
        tables: [&[(u32, u32, u32)]; 2],
        start: u32,
    ) -> std::io::Result<()> {
        let mut buf = Vec::with_capacity(8192);
        put_u32(&mut buf, edges_at);
        for table in tables {
            put_u32(&mut buf, table.len() as u32);
            for &(i, at, len) in table {
                for n in [i, at - start, len] {
                    put_u32(&mut buf, n);
                }
                if buf.len() >= 8180 {
                    out.write_all(&buf)?;
                    buf.clear();
                }
            }
        }
        out.write_all(&buf)
    }

    fn read(c: &mut Cursor<'_>, end: usize) -> Result<RecordTables, String> {
        let what = "the record tables";
        let edges_at = c.u32(what)?;
        let mut tables = [Vec::new(), Vec::new()];
        for table in &mut tables {
            let n = c.u32(what)? as usize;
            let at = c.array(n, 12, what)?;
            *table = (0..n)
                .map(|k| {
                    let e = at + 12 * k;
                    (
                        read_u32(c.buf, e),
                        read_u32(c.buf, e + 4),
                        read_u32(c.buf, e + 8),
                    )
                })
                .collect();
        }
        if c.at != end {
            return Err(format!("{what} are damaged"));
        }
        let [rests, extras] = tables;
        Ok(RecordTables {
            rests,
            extras,
            edges_at,
        })
    }
}

/// The sections found after a body's label index.
pub(crate) struct Derived {
    pub(crate) levels: Option<Levels>,
    /// `None` also when written under another Unicode version.
    pub(crate) keys: Option<BaseKeys>,
    /// Each edge kind's lists, in `EdgeKind::ALL` order.
    pub(crate) adjacency: Option<[Adjacency; EdgeKind::ALL.len()]>,
    pub(crate) records: Option<RecordTables>,
    /// The roles' vectors for `closest`: optional, as a body written by a graph crate without
    /// them (schema 6) or by a test's builder has none; they are then built on first use.
    pub(crate) role_vectors: Option<RoleVectorTable>,
    /// Each node's rank in name order (`name_order.rs`): optional like the roles' vectors
    /// (schema 7 and older have none), and `None` when written under another Unicode version.
    pub(crate) name_order: Option<NameOrder>,
    /// The ids' hash table: optional like the name order (schema 8 and older have none).
    pub(crate) ids: Option<IdTable>,
}

impl Derived {
    /// Reads the sections from `c` to the end of the buffer; anything else there is damage.
    pub(crate) fn read(
        bytes: &SnapshotBytes,
        c: &mut Cursor<'_>,
        present: impl Fn(usize) -> bool,
        node_bound: usize,
        edge_bound: usize,
        checks: Checks,
    ) -> Result<Derived, String> {
        let mut derived = Derived {
            levels: None,
            keys: None,
            adjacency: None,
            records: None,
            role_vectors: None,
            name_order: None,
            ids: None,
        };
        let mut name_order_seen = false;
        let what = "the derived sections";
        let mut keys_seen = false;
        let mut trailer_seen = false;
        while c.at < c.buf.len() {
            if c.buf.len() - c.at == 12 && &c.buf[c.at + 8..] == TRAILER_MAGIC {
                // The trailer: where the tail starts, which the body's reader has used.
                c.at += 12;
                trailer_seen = true;
                break;
            }
            let at = c.take(4, what)?;
            let magic = &c.buf[at..at + 4];
            if magic == LEVELS_MAGIC && derived.levels.is_none() {
                let len = c.u32(what)? as usize;
                let start = c.array(len, 1, what)?;
                derived.levels = Some(Levels::read(bytes.clone(), start, len, edge_bound)?);
            } else if magic == KEYS_MAGIC && !keys_seen {
                keys_seen = true;
                let version = c.take(4, what)?;
                let (major, minor, update) = std::char::UNICODE_VERSION;
                let current = c.buf[version..version + 4] == [major, minor, update, KEY_RULE];
                let len = c.u32(what)? as usize;
                let start = c.array(len, 1, what)?;
                if current {
                    let keys = BaseKeys::read(bytes.clone(), start, len, &present, checks)?;
                    derived.keys = Some(keys);
                }
            } else if magic == ADJACENCY_MAGIC && derived.adjacency.is_none() {
                let len = c.u32(what)? as usize;
                let end = c.at + len;
                let mut lists = Vec::with_capacity(EdgeKind::ALL.len());
                for _ in EdgeKind::ALL {
                    let list_len = c.u32(what)? as usize;
                    let start = c.array(list_len, 1, what)?;
                    let list =
                        Adjacency::read(bytes.clone(), start, list_len, node_bound, edge_bound)?;
                    lists.push(list);
                }
                if c.at != end {
                    return Err("the adjacency lists are damaged".into());
                }
                derived.adjacency = lists.try_into().ok();
            } else if magic == RECORDS_MAGIC && derived.records.is_none() {
                let len = c.u32(what)? as usize;
                let end = c.at.checked_add(len).filter(|&e| e <= c.buf.len());
                let end = end.ok_or_else(|| format!("the snapshot ends inside {what}"))?;
                derived.records = Some(RecordTables::read(c, end)?);
            } else if magic == ROLES_MAGIC && derived.role_vectors.is_none() {
                let len = c.u32(what)? as usize;
                let start = c.array(len, 1, what)?;
                derived.role_vectors = Some(RoleVectorTable::read(bytes.clone(), start, len)?);
            } else if magic == NAME_ORDER_MAGIC && !name_order_seen {
                name_order_seen = true;
                let version = c.take(4, what)?;
                let (major, minor, update) = std::char::UNICODE_VERSION;
                let current = c.buf[version..version + 3] == [major, minor, update];
                let len = c.u32(what)? as usize;
                let start = c.array(len, 1, what)?;
                if current {
                    let order = NameOrder::read(bytes.clone(), start, len, node_bound)?;
                    derived.name_order = Some(order);
                }
            } else if magic == IDS_MAGIC && derived.ids.is_none() {
                let len = c.u32(what)? as usize;
                let start = c.array(len, 1, what)?;
                derived.ids = Some(IdTable::read(bytes.clone(), start, len)?);
            } else {
                return Err("the snapshot has bytes after its end".into());
            }
        }
        // They are written together, so one without the others is a cut body.
        let found = [
            derived.levels.is_some(),
            keys_seen,
            derived.adjacency.is_some(),
            derived.records.is_some(),
            trailer_seen,
        ];
        if found.contains(&true) && found.contains(&false) {
            return Err(format!("the snapshot ends inside {what}"));
        }
        Ok(derived)
    }
}

/// Each edge's level, read in place.
#[derive(Clone)]
pub(crate) struct Levels {
    bytes: SnapshotBytes,
    /// Where the column starts, or `None` when no edge states a level.
    at: Option<usize>,
    edge_bound: usize,
}

impl Levels {
    /// The section's bytes (without its magic and length) for `base`.
    pub(crate) fn encode(base: &Frozen) -> Vec<u8> {
        // Empty when no edge states a level; the column is made at the first that does.
        let mut column = Vec::new();
        for i in 0..base.edge_bound() {
            let Some(level) = base.edge_extra(EdgeIndex::new(i)).and_then(|e| e.level()) else {
                continue;
            };
            if column.is_empty() {
                column = f64::NAN.to_le_bytes().repeat(base.edge_bound());
            }
            column[8 * i..8 * i + 8].copy_from_slice(&level.to_le_bytes());
        }
        column
    }

    /// Whether `stored` is the column [`Levels::encode`] gives for `base` (`check`), each
    /// edge's extras decoded once and kept nowhere: `encode` reads them through the base's
    /// cache, which would then hold every edge's (60 MB on O*NET + ESCO) for nothing.
    pub(crate) fn matches(base: &Frozen, stored: &[u8]) -> bool {
        let stated = base
            .extras_afresh()
            .filter_map(|(e, extra)| Some((e.index(), extra.ok()?.level()?)));
        let mut stated = stated.peekable();
        if stated.peek().is_none() {
            return stored.is_empty();
        }
        stored.len() == 8 * base.edge_bound()
            && stored.chunks_exact(8).enumerate().all(|(i, column)| {
                let level = stated
                    .next_if(|&(e, _)| e == i)
                    .map_or(f64::NAN, |(_, l)| l);
                column == level.to_le_bytes()
            })
    }

    /// The section at `at..at + len` of `bytes`, for a body of `edge_bound` edges.
    pub(crate) fn read(
        bytes: SnapshotBytes,
        at: usize,
        len: usize,
        edge_bound: usize,
    ) -> Result<Levels, String> {
        match len {
            0 => Ok(Levels {
                bytes,
                at: None,
                edge_bound,
            }),
            n if Some(n) == edge_bound.checked_mul(8) => Ok(Levels {
                bytes,
                at: Some(at),
                edge_bound,
            }),
            _ => Err("the level column is damaged".into()),
        }
    }

    /// Built in memory, for a body written without the section.
    pub(crate) fn build(base: &Frozen) -> Levels {
        let bytes = Levels::encode(base);
        let len = bytes.len();
        Levels::read(Arc::new(bytes), 0, len, base.edge_bound())
            .expect("a column just built reads back")
    }

    /// The stored bytes, to compare with what the body gives (`check`).
    pub(crate) fn stored(&self) -> &[u8] {
        match self.at {
            Some(at) => &(*self.bytes).as_ref()[at..at + 8 * self.edge_bound],
            None => &[],
        }
    }

    pub(crate) fn get(&self, e: EdgeIndex) -> Option<f64> {
        let at = self.at? + 8 * e.index();
        let buf = (*self.bytes).as_ref();
        let level = read_f64(buf, at);
        level.is_finite().then_some(level)
    }
}

/// The base's skills and tools by the keys that link them across datasets, and how many nodes
/// each dataset has, read in place (see the module docs for the layout).
#[derive(Clone)]
pub(crate) struct BaseKeys {
    bytes: SnapshotBytes,
    /// Where the section lies in `bytes`.
    at: usize,
    len: usize,
    key_count: usize,
    key_end: usize,
    keys: usize,
    run_end: usize,
    nodes: usize,
    shared: Vec<u32>,
    dataset_counts: Vec<(String, usize)>,
}

impl BaseKeys {
    /// The section's bytes (without its magic, version and length) for `base`.
    pub(crate) fn encode(base: &Frozen) -> Vec<u8> {
        let mut dataset_counts: Vec<(&str, u32)> = Vec::new();
        let mut entries: Vec<(String, u32)> = Vec::new();
        for ix in base.node_indices() {
            let dataset = dataset_of(base.id(ix));
            match dataset_counts.iter_mut().find(|(d, _)| *d == dataset) {
                Some((_, n)) => *n += 1,
                None => dataset_counts.push((dataset, 1)),
            }
            if base.kind(ix) == Some(NodeKind::Role) {
                continue;
            }
            // Only curated aliases link, so only curated nodes' parts are decoded.
            let aliases = if dataset == CURATED {
                base.aliases(ix)
            } else {
                &[]
            };
            for key in keys_of(dataset, base.name(ix), aliases) {
                entries.push((key, ix.index() as u32));
            }
        }
        entries.sort_unstable();
        dataset_counts.sort_unstable();

        let mut out = Vec::new();
        put_u32(&mut out, dataset_counts.len() as u32);
        for (dataset, n) in &dataset_counts {
            put_u32(&mut out, *n);
            put_u32(&mut out, dataset.len() as u32);
            out.extend_from_slice(dataset.as_bytes());
        }
        let mut keys: Vec<&str> = Vec::new();
        let mut run_end: Vec<u32> = Vec::new();
        let mut shared: Vec<u32> = Vec::new();
        for (i, (key, _)) in entries.iter().enumerate() {
            if keys.last() != Some(&key.as_str()) {
                keys.push(key);
                run_end.push(i as u32);
            }
            *run_end.last_mut().expect("a run was started") += 1;
        }
        let mut start = 0;
        for (k, &end) in run_end.iter().enumerate() {
            let run = &entries[start..end as usize];
            let first = dataset_of(base.id(NodeIndex::new(run[0].1 as usize)));
            if run
                .iter()
                .any(|&(_, n)| dataset_of(base.id(NodeIndex::new(n as usize))) != first)
            {
                shared.push(k as u32);
            }
            start = end as usize;
        }
        put_u32(&mut out, keys.len() as u32);
        let mut end = 0u32;
        for key in &keys {
            end += key.len() as u32;
            put_u32(&mut out, end);
        }
        put_u32(&mut out, end);
        for key in &keys {
            out.extend_from_slice(key.as_bytes());
        }
        for &e in &run_end {
            put_u32(&mut out, e);
        }
        put_u32(&mut out, entries.len() as u32);
        for (_, n) in &entries {
            put_u32(&mut out, *n);
        }
        put_u32(&mut out, shared.len() as u32);
        for &k in &shared {
            put_u32(&mut out, k);
        }
        out
    }

    /// The section at `at..at + len` of `bytes`; `present(node)` says whether a node is in the
    /// body. With [`Checks::Whole`] every offset and node is checked here, so damage is an
    /// error, never a panic later; with [`Checks::AsWritten`] only the section's shape.
    pub(crate) fn read(
        bytes: SnapshotBytes,
        at: usize,
        len: usize,
        present: impl Fn(usize) -> bool,
        checks: Checks,
    ) -> Result<BaseKeys, String> {
        let damaged = || "the concept keys are damaged".to_string();
        let buf = (*bytes).as_ref();
        let section = buf.get(..at + len).ok_or_else(damaged)?;
        let mut c = Cursor { buf: section, at };
        let what = "the concept keys";
        let dataset_count = c.u32(what)? as usize;
        let mut dataset_counts = Vec::with_capacity(dataset_count.min(64));
        for _ in 0..dataset_count {
            let n = c.u32(what)? as usize;
            let name_len = c.u32(what)? as usize;
            let name_at = c.array(name_len, 1, what)?;
            let name = std::str::from_utf8(&section[name_at..name_at + name_len])
                .map_err(|_| damaged())?;
            dataset_counts.push((name.to_string(), n));
        }
        let key_count = c.u32(what)? as usize;
        let key_end = c.array(key_count, 4, what)?;
        let keys_len = c.u32(what)? as usize;
        let keys = c.array(keys_len, 1, what)?;
        let run_end = c.array(key_count, 4, what)?;
        let node_count = c.u32(what)? as usize;
        let nodes = c.array(node_count, 4, what)?;
        let shared_count = c.u32(what)? as usize;
        let shared_at = c.array(shared_count, 4, what)?;
        if c.at != at + len {
            return Err(damaged());
        }
        let shared: Vec<u32> = (0..shared_count)
            .map(|i| read_u32(section, shared_at + 4 * i))
            .collect();
        if checks == Checks::Whole {
            let text =
                std::str::from_utf8(&section[keys..keys + keys_len]).map_err(|_| damaged())?;
            let (mut prev_key, mut prev_run) = (0usize, 0usize);
            for k in 0..key_count {
                let (e, r) = (
                    read_u32(section, key_end + 4 * k) as usize,
                    read_u32(section, run_end + 4 * k) as usize,
                );
                if e < prev_key || e > keys_len || !text.is_char_boundary(e) {
                    return Err(damaged());
                }
                if r <= prev_run || r > node_count {
                    return Err(damaged());
                }
                (prev_key, prev_run) = (e, r);
            }
            if (0..node_count).any(|i| !present(read_u32(section, nodes + 4 * i) as usize)) {
                return Err(damaged());
            }
            if shared.iter().any(|&k| k as usize >= key_count) {
                return Err(damaged());
            }
        }
        Ok(BaseKeys {
            bytes,
            at,
            len,
            key_count,
            key_end,
            keys,
            run_end,
            nodes,
            shared,
            dataset_counts,
        })
    }

    /// Built in memory, for a body written without the section or under another Unicode
    /// version (whose lower-casing may normalise names differently).
    pub(crate) fn build(base: &Frozen) -> BaseKeys {
        let bytes = BaseKeys::encode(base);
        let len = bytes.len();
        let present = |n| base.contains_node(NodeIndex::new(n));
        BaseKeys::read(Arc::new(bytes), 0, len, present, Checks::Whole)
            .expect("keys just built read back")
    }

    fn buf(&self) -> &[u8] {
        (*self.bytes).as_ref()
    }

    /// The stored bytes, to compare with what the body gives (`check`).
    pub(crate) fn stored(&self) -> &[u8] {
        &self.buf()[self.at..self.at + self.len]
    }

    fn key(&self, k: usize) -> &str {
        let start = match k {
            0 => 0,
            _ => read_u32(self.buf(), self.key_end + 4 * (k - 1)) as usize,
        };
        let end = read_u32(self.buf(), self.key_end + 4 * k) as usize;
        std::str::from_utf8(&self.buf()[self.keys + start..self.keys + end])
            .expect("`read` checked that the keys are UTF-8 on character boundaries")
    }

    fn run(&self, k: usize) -> impl Iterator<Item = NodeIndex> + '_ {
        let start = match k {
            0 => 0,
            _ => read_u32(self.buf(), self.run_end + 4 * (k - 1)) as usize,
        };
        let end = read_u32(self.buf(), self.run_end + 4 * k) as usize;
        (start..end).map(|i| NodeIndex::new(read_u32(self.buf(), self.nodes + 4 * i) as usize))
    }

    /// The base's skills and tools carrying `key`.
    pub(crate) fn nodes(&self, key: &str) -> impl Iterator<Item = NodeIndex> + '_ {
        // The first key not below `key`, by binary search over the sorted keys.
        let (mut low, mut high) = (0, self.key_count);
        while low < high {
            let mid = (low + high) / 2;
            if self.key(mid).as_bytes() < key.as_bytes() {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        let found = (low < self.key_count && self.key(low) == key).then_some(low);
        found.into_iter().flat_map(|k| self.run(k))
    }

    /// The keys whose nodes come from more than one dataset, sorted.
    pub(crate) fn shared(&self) -> impl Iterator<Item = &str> + '_ {
        self.shared.iter().map(|&k| self.key(k as usize))
    }

    /// Each dataset with how many of the base's nodes belong to it.
    pub(crate) fn dataset_counts(&self) -> &[(String, usize)] {
        &self.dataset_counts
    }
}

fn put_u32(out: &mut Vec<u8>, n: u32) {
    out.extend_from_slice(&n.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;
    use crate::frozen::{BodyWriter, Checks};
    use crate::model::{Edge, EdgeExtra, EdgeKind, Node, Value};
    use crate::name_order::cmp_base_by_name;
    use petgraph::Direction;

    const NAMES: &[&str] = &[
        "Python", "python ", "PYTHON!", "Git", "Node.js", "node js", "C++", "Éclair", "éclair",
    ];
    const NAMESPACES: &[&str] = &["", "onet:", "esco:"];

    /// A node slot: (namespace, kind, name, alias), or a hole.
    type Slot = Option<(usize, u8, usize, Option<usize>)>;

    /// Node slots after a role at 0; edges from the role to each other node in turn, with an
    /// optional level.
    fn body(nodes: &[Slot], levels: &[Option<f64>]) -> Vec<u8> {
        let mut w = BodyWriter::with_capacity(nodes.len() + 1, levels.len());
        w.node(Some(&Node::new("role", NodeKind::Role, "A role")));
        for (i, slot) in nodes.iter().enumerate() {
            let node = slot.map(|(ns, kind, name, alias)| {
                let kind = [NodeKind::Role, NodeKind::Skill, NodeKind::Tool][kind as usize % 3];
                let mut node = Node::new(format!("{}n{i}", NAMESPACES[ns]), kind, NAMES[name]);
                node.aliases = alias.map(|a| NAMES[a].to_string()).into_iter().collect();
                node
            });
            w.node(node.as_ref());
        }
        let targets: Vec<usize> = (0..nodes.len()).filter(|&i| nodes[i].is_some()).collect();
        for (i, level) in levels.iter().enumerate() {
            let edge = targets.get(i % targets.len().max(1)).map(|&t| {
                let mut edge = Edge::new(EdgeKind::Requires);
                edge.extra = level.map(|l| {
                    Box::new(EdgeExtra {
                        fields: BTreeMap::from([("level".to_string(), Value::Number(l))]),
                        ..EdgeExtra::default()
                    })
                });
                (NodeIndex::new(0), NodeIndex::new(t + 1), edge)
            });
            w.edge(edge.as_ref().map(|(a, b, e)| (*a, *b, e)));
        }
        w.finish()
    }

    /// The body without its derived sections, as schema 5 wrote it.
    fn without_derived(body: &[u8]) -> Vec<u8> {
        let at = body
            .windows(4)
            .rposition(|w| w == LEVELS_MAGIC)
            .expect("a level column");
        body[..at].to_vec()
    }

    fn node_strategy() -> impl Strategy<Value = Slot> {
        prop::option::weighted(
            0.9,
            (
                0..NAMESPACES.len(),
                0u8..3,
                0..NAMES.len(),
                prop::option::of(0..NAMES.len()),
            ),
        )
    }

    proptest! {
        /// The keys and levels read from a body are those worked out plainly from its nodes and
        /// edges, and a body without the sections builds the same.
        #[test]
        fn derived_sections_agree_with_the_plain_reading(
            nodes in prop::collection::vec(node_strategy(), 0..12),
            levels in prop::collection::vec(prop::option::of(0.0f64..7.0), 0..12),
        ) {
            let written = body(&nodes, &levels);
            let old = without_derived(&written);
            // Records located from the tables are where a walk over them finds them.
            let (new_base, old_base) = (
                Frozen::parse(Arc::new(written.clone()), 0, Checks::Whole).unwrap(),
                Frozen::parse(Arc::new(old.clone()), 0, Checks::Whole).unwrap(),
            );
            prop_assert_eq!(&new_base.rest_at, &old_base.rest_at);
            prop_assert_eq!(&new_base.extra_at, &old_base.extra_at);
            prop_assert_eq!(new_base.edge_from, old_base.edge_from);
            for bytes in [written, old] {
                let base = Frozen::parse(Arc::new(bytes), 0, Checks::Whole).unwrap();
                let keys = base.concept_keys();
                let mut plain: BTreeMap<String, Vec<NodeIndex>> = BTreeMap::new();
                let mut counts: BTreeMap<String, usize> = BTreeMap::new();
                for ix in base.node_indices() {
                    let dataset = dataset_of(base.id(ix));
                    *counts.entry(dataset.to_string()).or_default() += 1;
                    if base.kind(ix) != Some(NodeKind::Role) {
                        for key in keys_of(dataset, base.name(ix), base.aliases(ix)) {
                            plain.entry(key).or_default().push(ix);
                        }
                    }
                }
                for (key, nodes) in &plain {
                    prop_assert_eq!(&keys.nodes(key).collect::<Vec<_>>(), nodes);
                }
                prop_assert_eq!(keys.nodes("no such key").count(), 0);
                let shared: Vec<&str> = plain
                    .iter()
                    .filter(|(_, n)| n.iter().any(|&x| dataset_of(base.id(x)) != dataset_of(base.id(n[0]))))
                    .map(|(k, _)| k.as_str())
                    .collect();
                prop_assert_eq!(keys.shared().collect::<Vec<_>>(), shared);
                let read: BTreeMap<String, usize> = keys.dataset_counts().iter().cloned().collect();
                prop_assert_eq!(read, counts);
                for i in 0..base.edge_bound() {
                    let e = EdgeIndex::new(i);
                    prop_assert_eq!(base.edge_level(e), base.edge_extra(e).and_then(EdgeExtra::level));
                }
                for kind in EdgeKind::ALL {
                    for n in 0..base.node_bound() + 1 {
                        let ix = NodeIndex::new(n);
                        for (outgoing, direction) in [(true, Direction::Outgoing), (false, Direction::Incoming)] {
                            let listed: Vec<(EdgeIndex, NodeIndex)> = base
                                .adjacency(kind)
                                .links(ix, direction)
                                .map(|l| (l.edge, l.node))
                                .collect();
                            prop_assert_eq!(listed, base.scan(ix, outgoing, Some(kind)));
                        }
                    }
                }
                // Ranks order the nodes as their names (ignoring case), then ids, do.
                let order = base.name_order();
                for a in base.node_indices() {
                    for b in base.node_indices() {
                        let ranked = order.rank(a).unwrap().cmp(&order.rank(b).unwrap());
                        prop_assert_eq!(ranked, cmp_base_by_name(&base, a, b));
                    }
                }
                prop_assert_eq!(base.derived_damage(), Vec::<String>::new());
            }
        }

        /// `check`'s streamed comparison of a level column finds it matching exactly when it
        /// equals the column encoded afresh, whatever the body's extras hold and whatever
        /// the column was changed to.
        #[test]
        fn a_level_column_matches_exactly_when_it_equals_the_encoding(
            nodes in prop::collection::vec(node_strategy(), 1..8),
            levels in prop::collection::vec(prop::option::of(0.0f64..7.0), 0..10),
            at in any::<prop::sample::Index>(),
            byte in any::<u8>(),
            change in 0u8..5,
        ) {
            let mut written = body(&nodes, &levels);
            // A changed byte in the body may leave an edge's extras undecodable, or stating
            // another level.
            let i = at.index(without_derived(&written).len());
            written[i] = byte;
            let Ok(base) = Frozen::parse(Arc::new(written), 0, Checks::Whole) else {
                return Ok(());
            };
            let encoded = Levels::encode(&base);
            let mut stored = encoded.clone();
            match change {
                0 => {}
                1 => stored.clear(),
                2 if !stored.is_empty() => {
                    let k = at.index(stored.len());
                    stored[k] ^= byte | 1;
                }
                3 => stored = f64::NAN.to_le_bytes().repeat(base.edge_bound()),
                _ => stored.truncate(stored.len().saturating_sub(8)),
            }
            prop_assert_eq!(Levels::matches(&base, &stored), stored == encoded);
        }

        /// Damage anywhere in the sections is an error or a reading, never a panic; a cut is an
        /// error.
        #[test]
        fn damaged_sections_never_panic(
            nodes in prop::collection::vec(node_strategy(), 1..8),
            levels in prop::collection::vec(prop::option::of(0.0f64..7.0), 1..8),
            at in any::<prop::sample::Index>(),
            byte in any::<u8>(),
        ) {
            let written = body(&nodes, &levels);
            let start = without_derived(&written).len();
            let mut damaged = written.clone();
            let i = start + at.index(written.len() - start);
            damaged[i] = byte;
            // The Unicode version of the keys and of the name order and the byte after each,
            // which a reader skips or ignores.
            let ignored = [KEYS_MAGIC, NAME_ORDER_MAGIC].iter().any(|magic| {
                let at = written.windows(4).rposition(|w| w == *magic).expect("the section");
                (at + 4..at + 8).contains(&i)
            });
            if let Ok(base) = Frozen::parse(Arc::new(damaged), 0, Checks::Whole) {
                // Whatever a reader takes in, `check` finds it changed.
                prop_assert!(byte == written[i] || ignored || !base.derived_damage().is_empty());
                let keys = base.concept_keys();
                let _ = keys.shared().count() + keys.nodes("python").count();
                for e in 0..base.edge_bound() {
                    let _ = base.edge_level(EdgeIndex::new(e));
                }
                for n in 0..base.node_bound() {
                    let _ = base.adjacency(EdgeKind::Requires).links(NodeIndex::new(n), Direction::Incoming).count();
                    let _ = base.name_order().rank(NodeIndex::new(n));
                    if base.contains_node(NodeIndex::new(n)) {
                        let _ = base.by_id(base.id(NodeIndex::new(n)));
                    }
                }
                let _ = base.by_id("python");
                let _ = base.derived_damage();
            }
            // Cut inside the sections (at their start the body is a whole schema-5 one).
            if i > start {
                prop_assert!(Frozen::parse(Arc::new(written[..i].to_vec()), 0, Checks::Whole).is_err());
            }
        }
    }
}
