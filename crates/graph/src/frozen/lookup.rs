//! Lookups of the base's nodes by id and by label: the hash tables over node indices and the
//! label index written after a body, kept apart from the columns they are built over.

use std::collections::HashMap;
use std::sync::Arc;

use petgraph::stable_graph::NodeIndex;

use super::writer::{put_u32, put_u32s};
use super::{read_u32, Cursor, Frozen, SnapshotBytes};
use super::{HOLE, INDEX_MAGIC, NO_NODE, SCANS_BEFORE_TABLE};
use crate::fxhash::{hash_lowercase, hash_str, FxBuildHasher};
use crate::text::cmp_ignoring_case;

/// Where a probe for `hash` starts in a table of `64 - shift` bits.
fn slot_start(hash: u64, shift: u32) -> usize {
    // The high bits of a multiplicative hash are the well-mixed ones.
    (hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift) as usize
}

/// An open-addressing table of node indices (no keys stored: a slot's key is read from its
/// node), for the id and label lookups.
#[derive(Debug, Clone)]
pub(super) struct NodeTable {
    slots: Vec<u32>,
    shift: u32,
}

impl NodeTable {
    fn with_entries(n: usize) -> NodeTable {
        let size = (n.max(4) * 2).next_power_of_two();
        NodeTable {
            slots: vec![NO_NODE; size],
            shift: 64 - size.trailing_zeros(),
        }
    }

    fn start(&self, hash: u64) -> usize {
        slot_start(hash, self.shift)
    }

    /// The slots to look at for `hash`, in probe order, until an empty one.
    fn probe(&self, hash: u64) -> impl Iterator<Item = u32> + '_ {
        let mask = self.slots.len() - 1;
        let start = self.start(hash);
        (0..self.slots.len())
            .map(move |i| self.slots[(start + i) & mask])
            .take_while(|&s| s != NO_NODE)
    }

    fn insert(&mut self, hash: u64, value: u32) {
        let mask = self.slots.len() - 1;
        let mut i = self.start(hash);
        while self.slots[i] != NO_NODE {
            i = (i + 1) & mask;
        }
        self.slots[i] = value;
    }
}

/// The ids' hash table, read in place: written with the snapshot (its `SGD1` section,
/// `derived.rs`) so that no process hashes every id before its first lookups by id (building it
/// was most of what a process's first hundred statements cost at five million edges). A body
/// without the section builds the same bytes in memory on first use.
///
/// ```text
/// "SGD1" len:u32, then len / 4 slots × u32: a node index, u32::MAX for none; a power of two,
///        at least 4, probed linearly from the high bits of the id's `hash_str`
/// ```
#[derive(Clone)]
pub(crate) struct IdTable {
    bytes: SnapshotBytes,
    at: usize,
    slot_count: usize,
    shift: u32,
}

pub(crate) const IDS_MAGIC: &[u8; 4] = b"SGD1";

impl IdTable {
    /// The section's slots (without its head) for `base`: its nodes by id, in index order.
    pub(crate) fn encode(base: &Frozen) -> Vec<u8> {
        let mut t = NodeTable::with_entries(base.node_count);
        for ix in base.node_indices() {
            t.insert(hash_str(base.id(ix)), ix.index() as u32);
        }
        let mut out = Vec::with_capacity(4 * t.slots.len());
        put_u32s(&mut out, &t.slots);
        out
    }

    /// The slots at `at..at + len` of `bytes`; only their shape is checked: a lookup checks
    /// the node a slot names (a damaged slot finds nothing, never a panic), and `check`
    /// compares the whole section with the ids.
    pub(crate) fn read(bytes: SnapshotBytes, at: usize, len: usize) -> Result<IdTable, String> {
        let slot_count = len / 4;
        let fits = at
            .checked_add(len)
            .is_some_and(|end| end <= (*bytes).as_ref().len());
        if !fits || !len.is_multiple_of(4) || slot_count < 4 || !slot_count.is_power_of_two() {
            return Err("the id table is damaged".into());
        }
        Ok(IdTable {
            bytes,
            at,
            slot_count,
            shift: 64 - slot_count.trailing_zeros(),
        })
    }

    fn build(base: &Frozen) -> IdTable {
        let bytes = IdTable::encode(base);
        let len = bytes.len();
        IdTable::read(Arc::new(bytes), 0, len).expect("a table just built reads back")
    }

    /// The stored slots, to compare with what the body gives (`check`).
    pub(crate) fn stored(&self) -> &[u8] {
        &(*self.bytes).as_ref()[self.at..self.at + 4 * self.slot_count]
    }

    /// The nodes to look at for `hash`, in probe order, until an empty slot.
    fn probe(&self, hash: u64) -> impl Iterator<Item = u32> + '_ {
        let mask = self.slot_count - 1;
        let start = slot_start(hash, self.shift);
        let buf = (*self.bytes).as_ref();
        (0..self.slot_count)
            .map(move |i| read_u32(buf, self.at + 4 * ((start + i) & mask)))
            .take_while(|&s| s != NO_NODE)
    }
}

/// Lower-cased names and aliases → nodes, as contiguous runs so that a lookup is a slice.
/// Written at the end of a body (`Frozen::build_labels`); its slots and groups are read in
/// place, since copying them out was a fifth of what a statement cost a process.
#[derive(Clone)]
pub(super) struct LabelTable {
    bytes: SnapshotBytes,
    /// Slots hold group numbers.
    slots_at: usize,
    slot_count: usize,
    shift: u32,
    /// Per group: a (node, label number) carrying the label, and where its run starts.
    groups_at: usize,
    group_count: usize,
    /// The groups' runs of nodes, one after another.
    nodes_at: usize,
    node_count: usize,
}

impl LabelTable {
    /// The index written after the extras, if there is one and it was written under this
    /// Unicode version. Only its shape is checked here: checking every entry touched every
    /// page of it on each open. A lookup checks the entries it reads and finds nothing
    /// through a damaged one (never a panic), and [`LabelTable::damage`] checks them all for
    /// `check`.
    pub(super) fn read(
        bytes: &SnapshotBytes,
        c: &mut Cursor<'_>,
    ) -> Result<Option<LabelTable>, String> {
        if c.at == c.buf.len() {
            return Ok(None);
        }
        let at = c.take(8, "the label index")?;
        if &c.buf[at..at + 4] != INDEX_MAGIC {
            return Err("the snapshot has bytes after its end".into());
        }
        let (major, minor, update) = std::char::UNICODE_VERSION;
        let current = c.buf[at + 4..at + 7] == [major, minor, update];
        let what = "the label index";
        let slot_count = c.u32(what)? as usize;
        let slots_at = c.array(slot_count, 4, what)?;
        let group_count = c.u32(what)? as usize;
        let groups_at = c.array(group_count, 12, what)?;
        let node_count = c.u32(what)? as usize;
        let nodes_at = c.array(node_count, 4, what)?;
        if !current {
            return Ok(None);
        }
        if slot_count < 4 || !slot_count.is_power_of_two() {
            return Err("the label index is damaged".into());
        }
        Ok(Some(LabelTable {
            bytes: bytes.clone(),
            slots_at,
            slot_count,
            shift: 64 - slot_count.trailing_zeros(),
            groups_at,
            group_count,
            nodes_at,
            node_count,
        }))
    }

    fn buf(&self) -> &[u8] {
        (*self.bytes).as_ref()
    }

    /// The groups to look at for `hash`, in probe order, until an empty slot.
    fn probe(&self, hash: u64) -> impl Iterator<Item = u32> + '_ {
        let mask = self.slot_count - 1;
        let start = slot_start(hash, self.shift);
        (0..self.slot_count)
            .map(move |i| read_u32(self.buf(), self.slots_at + 4 * ((start + i) & mask)))
            .take_while(|&s| s != NO_NODE)
    }

    /// A group's (node, label number) and its run of nodes, if the entries are whole:
    /// the group exists, its node is `present` and so is every node of its run.
    fn group(
        &self,
        g: usize,
        present: impl Fn(NodeIndex) -> bool,
    ) -> Option<(NodeIndex, u32, impl Iterator<Item = NodeIndex> + '_)> {
        if g >= self.group_count {
            return None;
        }
        let entry = |g: usize, field: usize| read_u32(self.buf(), self.groups_at + 12 * g + field);
        let start = entry(g, 8) as usize;
        let end = match g + 1 < self.group_count {
            true => entry(g + 1, 8) as usize,
            false => self.node_count,
        };
        if start > end || end > self.node_count {
            return None;
        }
        let node = NodeIndex::new(entry(g, 0) as usize);
        let run = (start..end)
            .map(move |i| NodeIndex::new(read_u32(self.buf(), self.nodes_at + 4 * i) as usize));
        (present(node) && run.clone().all(&present)).then_some((node, entry(g, 4), run))
    }

    /// What is wrong with the index, if anything: every group and slot checked.
    fn damage(&self, present: impl Fn(NodeIndex) -> bool) -> Option<String> {
        let whole = (0..self.group_count).all(|g| self.group(g, &present).is_some())
            && (0..self.slot_count).all(|i| {
                let s = read_u32(self.buf(), self.slots_at + 4 * i);
                s == NO_NODE || (s as usize) < self.group_count
            });
        (!whole).then(|| "the label index is damaged".to_string())
    }
}
impl Frozen {
    /// The node with this id; with several (only in a damaged graph), the last, as a map
    /// filled in index order would give.
    pub(crate) fn by_id(&self, id: &str) -> Option<NodeIndex> {
        if self.ids_table.get().is_none() && self.id_scans.bump() <= SCANS_BEFORE_TABLE {
            // The first few lookups (a one-shot `query` makes one or two) scan the ids: cheaper
            // than hashing every id into a table.
            return self.scan_ids(id);
        }
        let table = self.ids_table.get_or_init(|| IdTable::build(self));
        table
            .probe(hash_str(id))
            .map(|n| NodeIndex::new(n as usize))
            .filter(|&n| self.contains_node(n) && self.id(n) == id)
            .max()
    }

    /// [`Frozen::by_id`] by a pass over the id ends (a length check first, then the bytes).
    fn scan_ids(&self, id: &str) -> Option<NodeIndex> {
        let b = self.b();
        let ends = &b[self.ids.end..self.ids.end + 4 * self.node_bound];
        let ids = &b[self.ids.blob..];
        let mut start = 0usize;
        let mut found = None;
        for (i, end) in ends.chunks_exact(4).enumerate() {
            let end = u32::from_le_bytes([end[0], end[1], end[2], end[3]]) as usize;
            // Unchecked ends (a body read as written) are compared, never trusted to slice.
            if end.checked_sub(start) == Some(id.len())
                && ids.get(start..end) == Some(id.as_bytes())
                && b[self.node_kind + i] != HOLE
            {
                found = Some(NodeIndex::new(i));
            }
            start = end;
        }
        // Found by its bytes; its text is what every other read gives.
        found.filter(|&n| self.id(n) == id)
    }

    /// The labels of a node: its name (number 0), then its aliases (1…).
    /// Label 0 is the name; a number past the aliases (a damaged index) reads as empty.
    fn label(&self, ix: NodeIndex, number: u32) -> &str {
        match number {
            0 => self.name(ix),
            k => self
                .aliases(ix)
                .get(k as usize - 1)
                .map_or("", String::as_str),
        }
    }

    /// A node's labels, each lower-cased form once (the first label that has it).
    fn distinct_labels(&self, ix: NodeIndex) -> Vec<u32> {
        let count = 1 + self.aliases(ix).len() as u32;
        if count == 1 {
            return vec![0];
        }
        // By hash first: an ESCO skill has dozens of alternative labels, and comparing each
        // with every earlier one was most of the time of building the label table.
        let mut seen: HashMap<u64, Vec<u32>, FxBuildHasher> = HashMap::default();
        let mut out: Vec<u32> = Vec::with_capacity(count as usize);
        for k in 0..count {
            let label = self.label(ix, k);
            let same_hash = seen.entry(hash_lowercase(label)).or_default();
            if !same_hash
                .iter()
                .any(|&j| cmp_ignoring_case(self.label(ix, j), label).is_eq())
            {
                same_hash.push(k);
                out.push(k);
            }
        }
        out
    }

    pub(crate) fn by_label(&self, label: &str) -> Vec<NodeIndex> {
        let t = self.labels_table.get_or_init(|| {
            let bytes: SnapshotBytes = Arc::new(self.build_labels());
            let mut c = Cursor {
                buf: (*bytes).as_ref(),
                at: 0,
            };
            LabelTable::read(&bytes, &mut c)
                .expect("an index just built reads back")
                .expect("an index just built is of this Unicode version")
        });
        let present = |n| self.contains_node(n);
        t.probe(hash_lowercase(label))
            .filter_map(|g| t.group(g as usize, present))
            .find(|(node, number, _)| cmp_ignoring_case(self.label(*node, *number), label).is_eq())
            .map_or_else(Vec::new, |(_, _, run)| run.collect())
    }
    /// What is wrong with the label index read from the body, if anything (`check`).
    pub(crate) fn label_index_damage(&self) -> Option<String> {
        self.labels_table.get()?.damage(|n| self.contains_node(n))
    }
    /// The label index of this body, as written after it (see the layout above).
    pub(super) fn build_labels(&self) -> Vec<u8> {
        // Pass 1: the group of every (node, label), groups numbered by first appearance.
        let aliases: usize = self.node_indices().map(|ix| self.aliases(ix).len()).sum();
        let mut table = NodeTable::with_entries(self.node_count + aliases);
        let mut groups: Vec<(u32, u32, u32)> = Vec::new();
        let mut entries: Vec<(u32, u32)> = Vec::with_capacity(self.node_count);
        for ix in self.node_indices() {
            for number in self.distinct_labels(ix) {
                let label = self.label(ix, number);
                let hash = hash_lowercase(label);
                let group = table.probe(hash).find(|&g| {
                    let (n, k, _) = groups[g as usize];
                    cmp_ignoring_case(self.label(NodeIndex::new(n as usize), k), label).is_eq()
                });
                let group = match group {
                    Some(g) => g,
                    None => {
                        let g = groups.len() as u32;
                        groups.push((ix.index() as u32, number, 0));
                        table.insert(hash, g);
                        g
                    }
                };
                groups[group as usize].2 += 1;
                entries.push((group, ix.index() as u32));
            }
        }
        // Pass 2: runs of nodes per group, in node order.
        let mut next = 0u32;
        for g in &mut groups {
            let count = g.2;
            g.2 = next;
            next += count;
        }
        let mut fill: Vec<u32> = groups.iter().map(|g| g.2).collect();
        let mut nodes = vec![0u32; entries.len()];
        for (group, node) in entries {
            nodes[fill[group as usize] as usize] = node;
            fill[group as usize] += 1;
        }
        let mut out = Vec::new();
        out.extend_from_slice(INDEX_MAGIC);
        let (major, minor, update) = std::char::UNICODE_VERSION;
        out.extend_from_slice(&[major, minor, update, 0]);
        put_u32(&mut out, table.slots.len() as u32);
        put_u32s(&mut out, &table.slots);
        put_u32(&mut out, groups.len() as u32);
        for &(node, number, start) in &groups {
            put_u32s(&mut out, &[node, number, start]);
        }
        put_u32(&mut out, nodes.len() as u32);
        put_u32s(&mut out, &nodes);
        out
    }

    /// Every lower-cased label with its nodes (built on first use: only "did you mean" and the
    /// integrity check go through every label).
    pub(crate) fn labels(&self) -> &HashMap<String, Vec<NodeIndex>> {
        self.labels_map.get_or_init(|| {
            let mut map: HashMap<String, Vec<NodeIndex>> = HashMap::new();
            for ix in self.node_indices() {
                for number in self.distinct_labels(ix) {
                    map.entry(self.label(ix, number).to_lowercase())
                        .or_default()
                        .push(ix);
                }
            }
            map
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frozen::{BodyWriter, Checks};
    use crate::model::{Node, NodeKind};

    /// A body with names that share their lower case, and aliases.
    fn labelled_body() -> Vec<u8> {
        let mut w = BodyWriter::with_capacity(3, 0);
        let mut git = Node::new("git", NodeKind::Tool, "Git");
        git.aliases = vec!["GIT".into(), "Version control".into()];
        w.node(Some(&git));
        w.node(Some(&Node::new("git2", NodeKind::Skill, "git")));
        w.node(Some(&Node::new("vc", NodeKind::Skill, "version CONTROL")));
        w.finish()
    }

    #[test]
    fn a_body_carries_its_label_index_and_lookups_read_it() {
        let body = labelled_body();
        let frozen = Frozen::parse(Arc::new(body), 0, Checks::Whole).unwrap();
        // Read from the body, not built: the table is there before any lookup.
        assert!(frozen.labels_table.get().is_some());
        let (a, b, c) = (NodeIndex::new(0), NodeIndex::new(1), NodeIndex::new(2));
        assert_eq!(frozen.by_label("GIT"), &[a, b]);
        assert_eq!(frozen.by_label("Version Control"), &[a, c]);
        assert_eq!(frozen.by_label("svn"), &[] as &[NodeIndex]);
    }

    #[test]
    fn an_index_of_another_unicode_version_is_ignored_and_lookups_still_answer() {
        let mut body = labelled_body();
        let at = body
            .windows(4)
            .rposition(|w| w == INDEX_MAGIC)
            .expect("an index");
        body[at + 4] = body[at + 4].wrapping_add(1);
        let frozen = Frozen::parse(Arc::new(body), 0, Checks::Whole).unwrap();
        assert!(frozen.labels_table.get().is_none());
        assert_eq!(
            frozen.by_label("git"),
            &[NodeIndex::new(0), NodeIndex::new(1)]
        );
    }

    #[test]
    fn a_label_index_naming_a_node_that_is_not_there_is_damage() {
        let mut body = labelled_body();
        let at = body
            .windows(4)
            .rposition(|w| w == INDEX_MAGIC)
            .expect("an index");
        let slots = read_u32(&body, at + 8) as usize;
        // The first group's node: past the nodes.
        let node_at = at + 12 + 4 * slots + 4;
        body[node_at..node_at + 4].copy_from_slice(&9u32.to_le_bytes());
        // Opening checks only the index's shape; a lookup through the damaged group finds
        // nothing, and `check` names the damage.
        let frozen = Frozen::parse(Arc::new(body), 0, Checks::Whole).unwrap();
        for label in ["git", "GIT", "version control", "svn"] {
            assert!(frozen.by_label(label).iter().all(|&n| n.index() < 3));
        }
        let damage = frozen.label_index_damage().expect("the damage is found");
        assert!(damage.contains("label index"), "{damage}");
        let whole = Frozen::parse(Arc::new(labelled_body()), 0, Checks::Whole).unwrap();
        assert_eq!(whole.label_index_damage(), None);
    }
}
