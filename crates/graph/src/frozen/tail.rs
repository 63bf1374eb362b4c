//! The tail of a body (its label index and derived sections) as a snapshot appends it, and
//! `check`'s comparison of a stored tail with what the body gives. Apart from the reads: it is
//! computed only when a bare body is written.

use std::io::Write;

use super::parse::records;
use super::writer::put_u32;
use super::{Cursor, Frozen, IdTable, IDS_MAGIC};
use crate::adjacency::Adjacency;
use crate::concept::KEY_RULE;
use crate::derived::{
    BaseKeys, Levels, RecordTables, ADJACENCY_MAGIC, KEYS_MAGIC, LEVELS_MAGIC, RECORDS_MAGIC,
    ROLES_MAGIC, TRAILER_MAGIC,
};
use crate::model::EdgeKind;
use crate::name_order::NameOrder;

impl Frozen {
    /// The tail a snapshot of this body appends to it: its label index and derived sections,
    /// computed from the body, for a body read without any (see the layout above); nothing for
    /// a body that has its tail, or the label index of an older schema (written as it is).
    pub(crate) fn missing_tail(&self) -> Vec<u8> {
        let mut tail = Vec::new();
        self.write_missing_tail(&mut tail, None)
            .expect("writing to memory does not fail");
        tail
    }

    /// [`Frozen::missing_tail`] written to `out` section by section, so that no more than one
    /// section is held at a time: an import's tail is as large as its body. `role_vectors`,
    /// the table of this body's roles (built over the graph, so by the caller), goes last.
    pub(crate) fn write_missing_tail(
        &self,
        out: &mut impl Write,
        role_vectors: Option<&[u8]>,
    ) -> std::io::Result<()> {
        if !self.bare {
            return Ok(());
        }
        let tail_at = self.body().len() as u64;
        let mut written = self.build_labels();
        let levels = Levels::encode(self);
        written.extend_from_slice(LEVELS_MAGIC);
        put_u32(&mut written, levels.len() as u32);
        out.write_all(&written)?;
        out.write_all(&levels)?;
        drop(levels);
        let keys = BaseKeys::encode(self);
        let (major, minor, update) = std::char::UNICODE_VERSION;
        let mut head = KEYS_MAGIC.to_vec();
        head.extend_from_slice(&[major, minor, update, KEY_RULE]);
        put_u32(&mut head, keys.len() as u32);
        out.write_all(&head)?;
        out.write_all(&keys)?;
        drop(keys);
        // The section's length comes first, so each kind's list length is counted before any
        // list is built.
        let lengths = EdgeKind::ALL.map(|kind| {
            Adjacency::encoded_len(self.node_bound, self.edges_descending(kind).count())
        });
        let mut head = ADJACENCY_MAGIC.to_vec();
        put_u32(
            &mut head,
            lengths.iter().map(|l| 4 + l).sum::<usize>() as u32,
        );
        out.write_all(&head)?;
        for (kind, length) in EdgeKind::ALL.into_iter().zip(lengths) {
            // Lists the graph built in memory (the roles' vectors read `requires` and `uses`)
            // are written as they are: encoding them again held a second copy at the peak of
            // an import.
            let encoded;
            let list = match self.adjacency[kind as usize].get() {
                Some(built) => built.stored(),
                None => {
                    encoded = Adjacency::encode(self.node_bound, self.edges_descending(kind));
                    &encoded[..]
                }
            };
            debug_assert_eq!(list.len(), length);
            out.write_all(&(list.len() as u32).to_le_bytes())?;
            out.write_all(list)?;
        }
        let start = self.start as u32;
        let mut head = RECORDS_MAGIC.to_vec();
        put_u32(
            &mut head,
            RecordTables::encoded_len(self.rest_at.len(), self.extra_at.len()) as u32,
        );
        out.write_all(&head)?;
        RecordTables::write(
            out,
            (self.edge_from - self.start) as u32,
            [&self.rest_at, &self.extra_at],
            start,
        )?;
        let ranks = NameOrder::encode(self);
        out.write_all(&NameOrder::head(ranks.len()))?;
        out.write_all(&ranks)?;
        drop(ranks);
        let ids = IdTable::encode(self);
        out.write_all(IDS_MAGIC)?;
        out.write_all(&(ids.len() as u32).to_le_bytes())?;
        out.write_all(&ids)?;
        drop(ids);
        if let Some(table) = role_vectors {
            out.write_all(ROLES_MAGIC)?;
            out.write_all(&(table.len() as u32).to_le_bytes())?;
            out.write_all(table)?;
        }
        out.write_all(&tail_at.to_le_bytes())?;
        out.write_all(TRAILER_MAGIC)
    }
    /// What is wrong with the sections derived from the body (`check`): the label index
    /// checked entry by entry, and each of the others compared with what the body gives.
    pub(crate) fn derived_damage(&self) -> Vec<String> {
        let mut damage: Vec<String> = self.label_index_damage().into_iter().collect();
        if self
            .levels
            .get()
            .is_some_and(|l| !Levels::matches(self, l.stored()))
        {
            damage.push("the level column does not match the edges".into());
        }
        if (self.stored_name_order()).is_some_and(|o| o.stored() != NameOrder::encode(self)) {
            damage.push("the name order does not match the names".into());
        }
        if (self.ids_table.get()).is_some_and(|t| t.stored() != IdTable::encode(self)) {
            damage.push("the id table does not match the ids".into());
        }
        if (self.concept_keys.get()).is_some_and(|k| k.stored() != BaseKeys::encode(self)) {
            damage.push("the concept keys do not match the nodes".into());
        }
        let b = self.b();
        let rests_begin = self.names.blob + self.names.len;
        let extras_begin = self.edge_sources + self.source_width * self.edge_bound;
        for (begin, located, what) in [
            (rests_begin, &self.rest_at, "node fields"),
            (extras_begin, &self.extra_at, "edge extras"),
        ] {
            let mut c = Cursor { buf: b, at: begin };
            if records(&mut c, what).ok().as_ref() != Some(located) {
                damage.push(format!("the table of the {what} does not match them"));
            }
        }
        for kind in EdgeKind::ALL {
            let Some(lists) = self.adjacency[kind as usize].get() else {
                continue;
            };
            if lists.stored() != Adjacency::encode(self.node_bound, self.edges_descending(kind)) {
                damage.push(format!(
                    "the adjacency lists of `{}` edges do not match the edges",
                    kind.as_str()
                ));
            }
        }
        damage
    }
}
