//! Opening a body: [`Frozen::parse`] locates every column and, for bytes of unknown history,
//! checks the whole body once, so that no read of it later can panic or see bad bytes. Apart
//! from the reads it makes safe.

use std::sync::OnceLock;

use super::edges::{EdgeColumns, EdgeSummary};
use super::lookup::LabelTable;
use super::{node_kind_of, read_u32, Checks, Cursor, Frozen, ScanCount, SnapshotBytes, TextColumn};
use super::{EDGE_CHUNK, EDGE_EXTRA, HOLE, MAGIC, NODE_CHUNK, NODE_REST, NO_NODE};
use crate::derived::{Derived, TRAILER_MAGIC};
use crate::model::SourceId;

impl Frozen {
    /// Reads the body that starts at `start` in `buf` (which the graph keeps). With
    /// [`Checks::Whole`] any inconsistency is an error, never a panic later; with
    /// [`Checks::AsWritten`] only what locating the columns needs is checked, in time that does
    /// not grow with the graph but for the record tables.
    pub(crate) fn parse(
        shared: SnapshotBytes,
        start: usize,
        checks: Checks,
    ) -> Result<Frozen, String> {
        let buf: &[u8] = (*shared).as_ref();
        let mut c = Cursor { buf, at: start };
        let [nb, eb, node_count, edge_count] = read_header(&mut c)?;
        let lists = read_lists(&mut c)?;
        let node_kind = c.array(nb, 1, "the node kinds")?;
        let node_flags = c.array(nb, 1, "the node flags")?;
        let node_sources = c.array(nb, 4, "the node sources")?;
        let node_effort = c.array(nb, 8, "the node efforts")?;
        let id_end = c.array(nb, 4, "the ids")?;
        let ids_len = c.u32("the ids")? as usize;
        let ids = c.array(ids_len, 1, "the ids")?;
        let name_end = c.array(nb, 4, "the names")?;
        let names_len = c.u32("the names")? as usize;
        let names = c.array(names_len, 1, "the names")?;
        // A body written with its record tables ends with where its tail starts: the tail is
        // read first, and the records are located from the tables without walking them (a
        // walk touched every page of them, most of the snapshot of an import).
        let tail_at = tail_start(buf, start, c.at)?;
        let is_node = |n: usize| n < nb && buf[node_kind + n] != HOLE;
        let (label_table, derived) = match tail_at {
            Some(at) => {
                let (labels, derived) = read_tail(&shared, at, is_node, [nb, eb], checks)?;
                (labels, Some(derived))
            }
            None => (None, None),
        };
        let tables = derived.as_ref().and_then(|d| d.records.as_ref());
        let rests_begin = c.at;
        let rest_records = match tables {
            Some(t) => {
                c.at = start + t.edges_at as usize;
                located(&t.rests, start, rests_begin, c.at, "the node fields")?
            }
            None => records(&mut c, "the node fields")?,
        };
        let edge_from = c.array(eb, 4, "the edge ends")?;
        let edge_to = c.array(eb, 4, "the edge ends")?;
        let edge_kind = c.array(eb, 1, "the edge kinds")?;
        let edge_flags = c.array(eb, 1, "the edge flags")?;
        let edge_importance = c.array(eb, 1, "the importances")?;
        let effort_count = c.u32("the efforts")? as usize;
        let efforts = c.array(effort_count, 8, "the efforts")?;
        let width_at = c.take(1, "the edge sources")?;
        let source_width = buf[width_at] as usize;
        if !matches!(source_width, 1 | 2 | 4) {
            return Err("the edge sources are damaged".into());
        }
        let edge_sources = c.array(eb, source_width, "the edge sources")?;
        let (extra_records, derived_tail) = match (tables, tail_at) {
            (Some(t), Some(at)) => (
                located(&t.extras, start, c.at, at, "the edge extras")?,
                Some((label_table, derived.expect("tables come with the tail"))),
            ),
            _ => (records(&mut c, "the edge extras")?, None),
        };
        let index_at = c.at;

        // The texts are checked a chunk at a time as they are read (`Frozen::text`), or all now.
        let ids = TextColumn::new(id_end, ids, ids_len, nb);
        let names = TextColumn::new(name_end, names, names_len, nb);
        // The rare parts and the extras are only located here; they are decoded when read
        // (`rest`, `edge_extra`), and `undecodable_parts` lets `check` decode them all.
        let rest_at = rest_records;
        let extra_at = extra_records;
        let (label_table, derived) = match derived_tail {
            Some(read) => read,
            None => read_tail(&shared, index_at, is_node, [nb, eb], checks)?,
        };
        if checks == Checks::Whole {
            ids.check_all(buf, nb)?;
            names.check_all(buf, nb)?;
            check_nodes(buf, nb, node_kind, node_sources, lists.len(), node_count)?;
            check_rest_records(buf, nb, node_kind, node_flags, &rest_at)?;
            let node_kinds = &buf[node_kind..node_kind + nb];
            let edges = EdgeColumns {
                froms: &buf[edge_from..edge_from + 4 * eb],
                tos: &buf[edge_to..edge_to + 4 * eb],
                kinds: &buf[edge_kind..edge_kind + eb],
                flags: &buf[edge_flags..edge_flags + eb],
                sources: &buf[edge_sources..edge_sources + source_width * eb],
                source_width,
            };
            let counts = [node_count, edge_count, effort_count];
            let summary = check_edges(&edges, node_kinds, lists.len(), counts)?;
            check_extra_records(
                buf,
                eb,
                edge_kind,
                edge_flags,
                &extra_at,
                summary.with_extra,
            )?;
        }

        Ok(Frozen {
            node_bound: nb,
            edge_bound: eb,
            node_count,
            edge_count,
            lists,
            node_kind,
            node_flags,
            node_sources,
            node_effort,
            ids,
            names,
            rest_at,
            rest_chunks: unset_chunks(nb, NODE_CHUNK),
            edge_from,
            edge_to,
            edge_kind,
            edge_flags,
            edge_importance,
            efforts,
            effort_rank: OnceLock::new(),
            checks,
            edge_sources,
            source_width,
            extra_at,
            extra_chunks: unset_chunks(eb, EDGE_CHUNK),
            nodes: unset_chunks(nb, NODE_CHUNK),
            edges: unset_chunks(eb, EDGE_CHUNK),
            ids_table: derived.ids.map_or_else(OnceLock::new, OnceLock::from),
            labels_table: label_table.map_or_else(OnceLock::new, OnceLock::from),
            labels_map: OnceLock::new(),
            adjacency: match derived.adjacency {
                Some(lists) => lists.map(OnceLock::from),
                None => Default::default(),
            },
            bare: index_at == buf.len(),
            levels: derived.levels.map_or_else(OnceLock::new, OnceLock::from),
            concept_keys: derived.keys.map_or_else(OnceLock::new, OnceLock::from),
            role_vectors: derived.role_vectors,
            stored_name_order: derived.name_order,
            name_order: OnceLock::new(),
            scans: ScanCount::default(),
            id_scans: ScanCount::default(),
            start,
            buf: shared,
        })
    }
}

/// The label index and derived sections of the tail that starts at `at`.
fn read_tail(
    shared: &SnapshotBytes,
    at: usize,
    is_node: impl Fn(usize) -> bool,
    [nb, eb]: [usize; 2],
    checks: Checks,
) -> Result<(Option<LabelTable>, Derived), String> {
    let mut tail = Cursor {
        buf: (**shared).as_ref(),
        at,
    };
    let labels = LabelTable::read(shared, &mut tail)?;
    Ok((
        labels,
        Derived::read(shared, &mut tail, is_node, nb, eb, checks)?,
    ))
}

/// One cell per `chunk` of `n` slots, each filled on first use.
fn unset_chunks<T>(n: usize, chunk: usize) -> Vec<OnceLock<T>> {
    (0..n.div_ceil(chunk)).map(|_| OnceLock::new()).collect()
}

/// The header's magic and its four counts: node bound, edge bound, nodes, edges.
fn read_header(c: &mut Cursor<'_>) -> Result<[usize; 4], String> {
    let at = c.take(4, "the header")?;
    if &c.buf[at..at + 4] != MAGIC {
        return Err("the snapshot is not in the expected format".into());
    }
    let nb = c.u32("the header")? as usize;
    let eb = c.u32("the header")? as usize;
    let node_count = c.u32("the header")? as usize;
    let edge_count = c.u32("the header")? as usize;
    if nb >= NO_NODE as usize || eb >= NO_NODE as usize {
        return Err("the snapshot's counts are out of range".into());
    }
    Ok([nb, eb, node_count, edge_count])
}

/// The interned source lists.
fn read_lists(c: &mut Cursor<'_>) -> Result<Vec<Vec<SourceId>>, String> {
    let buf = c.buf;
    let list_count = c.u32("the source lists")? as usize;
    let mut lists = Vec::with_capacity(list_count.min(1 << 16));
    for _ in 0..list_count {
        let len = c.u32("the source lists")? as usize;
        let at = c.array(len, 2, "the source lists")?;
        lists.push(
            (0..len)
                .map(|i| SourceId(u16::from_le_bytes([buf[at + 2 * i], buf[at + 2 * i + 1]])))
                .collect(),
        );
    }
    Ok(lists)
}

/// Where the tail starts, if the body ends with a trailer naming it (`read_to` is where the
/// columns read so far end: the tail cannot start before).
fn tail_start(buf: &[u8], start: usize, read_to: usize) -> Result<Option<usize>, String> {
    Ok(match buf.len().checked_sub(12) {
        Some(at) if at >= read_to && &buf[at + 8..] == TRAILER_MAGIC => {
            let rel = u64::from_le_bytes(buf[at..at + 8].try_into().expect("8 bytes"));
            let tail = usize::try_from(rel).ok().and_then(|r| r.checked_add(start));
            Some(
                tail.filter(|&t| t >= read_to && t <= at)
                    .ok_or("the trailer is damaged")?,
            )
        }
        _ => None,
    })
}

/// Every node's kind and source list, and the node count.
fn check_nodes(
    buf: &[u8],
    nb: usize,
    node_kind: usize,
    node_sources: usize,
    lists: usize,
    node_count: usize,
) -> Result<(), String> {
    let mut present = 0;
    for i in 0..nb {
        let k = buf[node_kind + i];
        if k == HOLE {
            continue;
        }
        if node_kind_of(k).is_none() {
            return Err(format!("node {i} has an unknown kind"));
        }
        if read_u32(buf, node_sources + 4 * i) as usize >= lists {
            return Err(format!("node {i} names a missing source list"));
        }
        present += 1;
    }
    if present != node_count {
        return Err("the node count does not match the nodes".into());
    }
    Ok(())
}

/// The located rare parts belong to nodes flagged as having them, one each, in node order.
fn check_rest_records(
    buf: &[u8],
    nb: usize,
    node_kind: usize,
    node_flags: usize,
    rest_at: &[(u32, u32, u32)],
) -> Result<(), String> {
    for (k, &(i, _, _)) in rest_at.iter().enumerate() {
        let n = i as usize;
        if n >= nb || buf[node_kind + n] == HOLE || buf[node_flags + n] & NODE_REST == 0 {
            return Err(format!("fields for node {n}, which has none"));
        }
        if k > 0 && rest_at[k - 1].0 >= i {
            return Err("the node fields are out of order".into());
        }
    }
    let with_rest = (0..nb)
        .filter(|&i| buf[node_kind + i] != HOLE && buf[node_flags + i] & NODE_REST != 0)
        .count();
    if with_rest != rest_at.len() {
        return Err("nodes lack their fields".into());
    }
    Ok(())
}

/// Edges: ends, kinds, flags, source lists, and the edge and effort counts of the header
/// (`counts`: nodes, edges, efforts). Most of the time it takes to open a large graph is here,
/// so the first pass only notes whether any edge is bad (branch-free, it vectorises), and a
/// second pass finds which one for the message.
fn check_edges(
    edges: &EdgeColumns<'_>,
    node_kinds: &[u8],
    lists: usize,
    [node_count, edge_count, effort_count]: [usize; 3],
) -> Result<EdgeSummary, String> {
    let nb = node_kinds.len();
    let summary = edges.summarise(nb, lists);
    // With node holes, an end below the bound may still be a hole.
    if summary.bad || node_count != nb && edges.end_in_a_hole(node_kinds) {
        return Err(edges
            .first_bad(node_kinds, lists)
            .expect("the slow check finds what the fast one saw"));
    }
    if summary.present != edge_count || summary.efforts as usize != effort_count {
        return Err("the edge counts do not match the edges".into());
    }
    Ok(summary)
}

/// The located extras belong to edges flagged as having them, one each, in edge order.
fn check_extra_records(
    buf: &[u8],
    eb: usize,
    edge_kind: usize,
    edge_flags: usize,
    extra_at: &[(u32, u32, u32)],
    with_extra: usize,
) -> Result<(), String> {
    for (k, &(i, _, _)) in extra_at.iter().enumerate() {
        let e = i as usize;
        if e >= eb || buf[edge_kind + e] == HOLE || buf[edge_flags + e] & EDGE_EXTRA == 0 {
            return Err(format!("extras for edge {e}, which has none"));
        }
        if k > 0 && extra_at[k - 1].0 >= i {
            return Err("the edge extras are out of order".into());
        }
    }
    if with_extra != extra_at.len() {
        return Err("edges lack their extras".into());
    }
    Ok(())
}

/// The records a table places, as (index, start in the buffer, length), each checked to lie in
/// `begin..end` of the buffer.
fn located(
    table: &[(u32, u32, u32)],
    start: usize,
    begin: usize,
    end: usize,
    what: &str,
) -> Result<Vec<(u32, u32, u32)>, String> {
    table
        .iter()
        .map(|&(i, at, len)| {
            let from = start + at as usize;
            let inside = from >= begin && from + len as usize <= end;
            let from = u32::try_from(from).ok().filter(|_| inside);
            from.map(|f| (i, f, len))
                .ok_or_else(|| format!("{what} are damaged"))
        })
        .collect()
}

/// Where each record lies: (index, start, length), located and not decoded.
pub(super) fn records(c: &mut Cursor<'_>, what: &str) -> Result<Vec<(u32, u32, u32)>, String> {
    let n = c.u32(what)? as usize;
    // Each record takes at least 8 bytes, so a damaged count cannot ask for more.
    let mut out = Vec::with_capacity(n.min((c.buf.len() - c.at) / 8));
    for _ in 0..n {
        let i = c.u32(what)?;
        let len = c.u32(what)?;
        let at = c.array(len as usize, 1, what)?;
        let at = u32::try_from(at).map_err(|_| format!("{what} lie past 4 GB"))?;
        out.push((i, at, len));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use petgraph::stable_graph::NodeIndex;

    use crate::frozen::{BodyWriter, Checks, Frozen};
    use crate::model::{Node, NodeKind};

    /// A body of 200 skills, `n{i}` named `Name {i}`: several chunks of texts.
    fn body_of_200() -> Vec<u8> {
        let mut w = BodyWriter::with_capacity(200, 0);
        for i in 0..200 {
            w.node(Some(&Node::new(
                format!("n{i}"),
                NodeKind::Skill,
                format!("Name {i}"),
            )));
        }
        w.finish()
    }

    fn damage(body: &mut [u8], text: &str, byte: u8) {
        let at = (body.windows(text.len()))
            .position(|w| w == text.as_bytes())
            .expect("the text is in the body");
        body[at] = byte;
    }

    #[test]
    fn a_damaged_text_fails_the_whole_check_and_reads_empty_as_written() {
        let mut body = body_of_200();
        damage(&mut body, "Name 150", 0xff);
        let whole = Frozen::parse(Arc::new(body.clone()), 0, Checks::Whole);
        assert!(whole
            .unwrap_err()
            .contains("node texts are damaged (nodes from 128)"));
        let read = Frozen::parse(Arc::new(body), 0, Checks::AsWritten).unwrap();
        let name = |i| read.name(NodeIndex::new(i)).to_string();
        // The chunk of nodes 128..192 reads empty; the others, and the ids, as written.
        assert_eq!(name(150), "");
        assert_eq!(name(129), "");
        assert_eq!(name(127), "Name 127");
        assert_eq!(name(192), "Name 192");
        assert_eq!(read.id(NodeIndex::new(150)), "n150");
    }

    #[test]
    fn an_end_out_of_order_is_damage_to_its_chunk_alone() {
        let body = body_of_200();
        let read = Frozen::parse(Arc::new(body.clone()), 0, Checks::Whole).unwrap();
        // Node 70's name ends before node 69's.
        let ends = read.names.end;
        let end_69 = super::read_u32(&body, ends + 4 * 69);
        let mut damaged = body.clone();
        damaged[ends + 4 * 70..ends + 4 * 71].copy_from_slice(&(end_69 - 1).to_le_bytes());
        assert!(Frozen::parse(Arc::new(damaged.clone()), 0, Checks::Whole).is_err());
        let read = Frozen::parse(Arc::new(damaged), 0, Checks::AsWritten).unwrap();
        assert_eq!(read.name(NodeIndex::new(70)), "");
        assert_eq!(read.name(NodeIndex::new(10)), "Name 10");
        assert_eq!(read.name(NodeIndex::new(130)), "Name 130");
    }
}
