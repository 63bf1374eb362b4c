//! The vectors `closest` compares roles by ([`crate::algo::similarity`]), as a table of bytes
//! read in place: built with the snapshot (its `SGV1` section, `derived.rs`) so that a process
//! answering `closest` does not first decode every role's titles, tools and requirements, or
//! built in memory, in the same bytes, for a graph with changes or a body written without it.
//!
//! # Layout (little-endian)
//!
//! ```text
//! roles: n:u32, n × (role:u32, job_zone:f64 (NaN for none), skills_end:u32, titles_end:u32,
//!        tools_end:u32)                    by role index; ends count entries
//! entries: n:u32, n × (key:u32, weight:f64)
//! ```
//!
//! Role `i`'s skill entries run from role `i − 1`'s `tools_end` (0 for the first) to its
//! `skills_end`, its title words to `titles_end`, its tools to `tools_end`; each run is sorted
//! by key. Opening checks only the shape; a lookup checks the ends it reads, and a damaged
//! role reads as no role.

use std::sync::Arc;

use petgraph::stable_graph::NodeIndex;

use crate::frozen::{read_f64, read_u32, SnapshotBytes};

const ROLE_BYTES: usize = 24;
const ENTRY_BYTES: usize = 12;

/// One role's vectors, as built: each sorted by key.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct OwnedRoleVectors {
    pub(crate) skills: Vec<(u32, f64)>,
    pub(crate) titles: Vec<(u32, f64)>,
    pub(crate) tools: Vec<(u32, f64)>,
    pub(crate) zone: Option<f64>,
}

/// A sparse vector read in place: (key, weight) entries sorted by key.
#[derive(Clone, Copy)]
pub(crate) struct SparseView<'a>(&'a [u8]);

impl<'a> SparseView<'a> {
    pub(crate) fn entries(self) -> impl Iterator<Item = (u32, f64)> + 'a {
        self.0
            .chunks_exact(ENTRY_BYTES)
            .map(|e| (read_u32(e, 0), read_f64(e, 4)))
    }
}

/// One role's vectors read in place.
pub(crate) struct RoleView<'a> {
    pub(crate) skills: SparseView<'a>,
    pub(crate) titles: SparseView<'a>,
    pub(crate) tools: SparseView<'a>,
    pub(crate) zone: Option<f64>,
}

/// Every role's vectors: see the [module docs](self).
#[derive(Clone)]
pub(crate) struct RoleVectorTable {
    bytes: SnapshotBytes,
    at: usize,
    len: usize,
    roles: usize,
    entries_at: usize,
    entries: usize,
}

impl std::fmt::Debug for RoleVectorTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RoleVectorTable({} roles)", self.roles)
    }
}

impl RoleVectorTable {
    /// The table's bytes for `roles`, given by role index.
    pub(crate) fn encode(roles: &[(NodeIndex, OwnedRoleVectors)]) -> Vec<u8> {
        let entries: usize = roles
            .iter()
            .map(|(_, v)| v.skills.len() + v.titles.len() + v.tools.len())
            .sum();
        let mut out = Vec::with_capacity(8 + ROLE_BYTES * roles.len() + ENTRY_BYTES * entries);
        out.extend_from_slice(&(roles.len() as u32).to_le_bytes());
        let mut end = 0u32;
        for (role, v) in roles {
            out.extend_from_slice(&(role.index() as u32).to_le_bytes());
            out.extend_from_slice(&v.zone.unwrap_or(f64::NAN).to_le_bytes());
            for run in [&v.skills, &v.titles, &v.tools] {
                end += run.len() as u32;
                out.extend_from_slice(&end.to_le_bytes());
            }
        }
        out.extend_from_slice(&end.to_le_bytes());
        for (_, v) in roles {
            for &(key, weight) in v.skills.iter().chain(&v.titles).chain(&v.tools) {
                out.extend_from_slice(&key.to_le_bytes());
                out.extend_from_slice(&weight.to_le_bytes());
            }
        }
        out
    }

    /// A table built in memory.
    pub(crate) fn owned(bytes: Vec<u8>) -> RoleVectorTable {
        let len = bytes.len();
        RoleVectorTable::read(Arc::new(bytes), 0, len).expect("a table just built reads back")
    }

    /// The table at `at..at + len` of `bytes`; only its shape is checked.
    pub(crate) fn read(
        bytes: SnapshotBytes,
        at: usize,
        len: usize,
    ) -> Result<RoleVectorTable, String> {
        let damaged = || "the role vectors are damaged".to_string();
        let buf = (*bytes).as_ref();
        let section = at
            .checked_add(len)
            .and_then(|end| buf.get(at..end))
            .ok_or_else(damaged)?;
        let roles = section
            .get(..4)
            .map(|b| read_u32(b, 0) as usize)
            .ok_or_else(damaged)?;
        let entries_at = roles
            .checked_mul(ROLE_BYTES)
            .and_then(|n| n.checked_add(4))
            .filter(|&n| n + 4 <= len)
            .ok_or_else(damaged)?;
        let entries = read_u32(section, entries_at) as usize;
        if entries.checked_mul(ENTRY_BYTES) != Some(len - entries_at - 4) {
            return Err(damaged());
        }
        Ok(RoleVectorTable {
            at,
            len,
            roles,
            entries_at: at + entries_at + 4,
            entries,
            bytes,
        })
    }

    /// The table's bytes, to compare with a table built afresh (`check`).
    pub(crate) fn stored(&self) -> &[u8] {
        &(*self.bytes).as_ref()[self.at..self.at + self.len]
    }

    fn buf(&self) -> &[u8] {
        (*self.bytes).as_ref()
    }

    fn role_at(&self, i: usize) -> usize {
        self.at + 4 + ROLE_BYTES * i
    }

    /// `role`'s vectors; `None` when the table has no such role (or its entry is damaged).
    pub(crate) fn get(&self, role: NodeIndex) -> Option<RoleView<'_>> {
        let buf = self.buf();
        let key = role.index() as u32;
        let (mut lo, mut hi) = (0, self.roles);
        while lo < hi {
            let mid = (lo + hi) / 2;
            match read_u32(buf, self.role_at(mid)).cmp(&key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return self.view(mid),
            }
        }
        None
    }

    fn view(&self, i: usize) -> Option<RoleView<'_>> {
        let buf = self.buf();
        let at = self.role_at(i);
        let start = match i {
            0 => 0,
            _ => read_u32(buf, self.role_at(i - 1) + 20) as usize,
        };
        let ends = [12, 16, 20].map(|offset| read_u32(buf, at + offset) as usize);
        let ordered = start <= ends[0] && ends[0] <= ends[1] && ends[1] <= ends[2];
        if !ordered || ends[2] > self.entries {
            return None;
        }
        let run = |from: usize, to: usize| {
            SparseView(
                &buf[self.entries_at + ENTRY_BYTES * from..self.entries_at + ENTRY_BYTES * to],
            )
        };
        let zone = read_f64(buf, at + 4);
        Some(RoleView {
            skills: run(start, ends[0]),
            titles: run(ends[0], ends[1]),
            tools: run(ends[1], ends[2]),
            zone: (!zone.is_nan()).then_some(zone),
        })
    }
}
