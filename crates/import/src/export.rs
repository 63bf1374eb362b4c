//! Writers: a graph back to the `graphdata` TOML format (which [`crate::load_graphdata`] reads
//! back to the same graph), to one JSON document of the same shape, or to CSV files; each
//! imports back to the same graph.
//!
//! Every writer streams: it writes to an `impl Write` (or, for a layout of several files, to an
//! [`ExportFiles`]) one node or edge at a time, so an export holds the graph and a constant
//! beside it, never its whole text. [`Stream`] and [`Directory`] are the two places an export
//! goes (standard output, `export --out DIR`); `to_*_string` and [`to_csv_files`] are the same
//! writers into memory.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::ser::{Serialize, SerializeStruct, Serializer};
use skillgraph_graph::{
    EdgeIndex, EdgeKind, Graph, NodeIndex, NodeKind, Profile, Source, SourceId, Value,
    FIELD_SOURCES,
};
use toml::Spanned;

use crate::toml_format::*;

/// Where an export of several files puts them. `file` is called once per file, in order, and
/// `contents` writes that file whole before the next is begun.
pub trait ExportFiles {
    fn file(
        &mut self,
        name: &str,
        contents: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()>;
}

/// Every file written one after another to one stream (standard output), as one text.
pub struct Stream<W: Write> {
    out: W,
    /// How errors name the stream (`standard output`).
    shown: String,
}

impl<W: Write> Stream<W> {
    /// `out` should be buffered: the writers make many small writes.
    pub fn new(out: W, shown: impl Into<String>) -> Stream<W> {
        Stream {
            out,
            shown: shown.into(),
        }
    }
}

impl<W: Write> ExportFiles for Stream<W> {
    fn file(
        &mut self,
        _name: &str,
        contents: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        contents(&mut self.out)
            .and_then(|()| self.out.flush())
            .map_err(|e| io::Error::new(e.kind(), format!("cannot write {}: {e}", self.shown)))
    }
}

/// Each file created in a directory (which must exist), buffered; `written` is told the path
/// of each file once it is complete, for the caller to report.
pub struct Directory<F: FnMut(&Path)> {
    dir: PathBuf,
    written: F,
}

impl<F: FnMut(&Path)> Directory<F> {
    pub fn new(dir: &Path, written: F) -> Directory<F> {
        Directory {
            dir: dir.to_path_buf(),
            written,
        }
    }
}

impl<F: FnMut(&Path)> ExportFiles for Directory<F> {
    fn file(
        &mut self,
        name: &str,
        contents: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let path = self.dir.join(name);
        let mut write = || -> io::Result<()> {
            let mut out = BufWriter::with_capacity(1 << 16, File::create(&path)?);
            contents(&mut out)?;
            out.flush()
        };
        write().map_err(|e| {
            io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display()))
        })?;
        (self.written)(&path);
        Ok(())
    }
}

/// Files kept in memory as (name, text), for tests and for the `to_*` functions.
#[derive(Default)]
pub struct InMemory(pub Vec<(String, String)>);

impl ExportFiles for InMemory {
    fn file(
        &mut self,
        name: &str,
        contents: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut bytes = Vec::new();
        contents(&mut bytes)?;
        let text =
            String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        self.0.push((name.to_string(), text));
        Ok(())
    }
}

/// One file written into memory as text.
pub(crate) fn in_memory(
    mut contents: impl FnMut(&mut dyn Write) -> io::Result<()>,
) -> Result<String, String> {
    let mut files = InMemory::default();
    files.file("", &mut contents).map_err(|e| e.to_string())?;
    Ok(files.0.pop().map(|(_, text)| text).unwrap_or_default())
}

/// A csv error as the I/O error it is, or as invalid data.
pub(crate) fn csv_io(e: csv::Error) -> io::Error {
    let text = e.to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        _ => io::Error::new(io::ErrorKind::InvalidData, text),
    }
}

fn sp<T>(value: T) -> Spanned<T> {
    Spanned::new(0..0, value)
}

fn source_keys(graph: &Graph, ids: &[SourceId]) -> Vec<Spanned<String>> {
    ids.iter()
        .map(|&id| sp(graph.source(id).key.clone()))
        .collect()
}

fn text(node_fields: &BTreeMap<String, Value>, name: &str) -> Option<String> {
    match node_fields.get(name)? {
        Value::Text(t) => Some(t.clone()),
        _ => None,
    }
}

fn number(rec: &BTreeMap<String, Value>, name: &str) -> Option<f64> {
    match rec.get(name)? {
        Value::Number(n) => Some(*n),
        _ => None,
    }
}

fn boolean(rec: &BTreeMap<String, Value>, name: &str) -> Option<bool> {
    match rec.get(name)? {
        Value::Bool(b) => Some(*b),
        _ => None,
    }
}

fn records(value: Option<&Value>) -> Vec<&BTreeMap<String, Value>> {
    match value {
        Some(Value::List(items)) => items
            .iter()
            .filter_map(|v| match v {
                Value::Record(r) => Some(r),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn text_list(value: Option<&Value>) -> Option<Spanned<Vec<String>>> {
    match value? {
        Value::List(items) => Some(sp(items.iter().map(|v| v.to_string()).collect())),
        _ => None,
    }
}

/// The graph as one [`DataFile`], nodes and edges in a stable order (by kind, then id): what
/// [`write_toml`] and [`write_json`] write, built whole (for tests and small graphs).
pub fn to_data_file(graph: &Graph) -> DataFile {
    let order = Order::of(graph);
    let mut file = DataFile {
        source: graph.sources().iter().map(source_entry).collect(),
        profile: graph.profiles().values().map(profile_table).collect(),
        ..DataFile::default()
    };
    for (kind, nodes) in NodeKind::ALL.into_iter().zip(&order.nodes) {
        let entries = nodes.iter().map(|&ix| node_entry(graph, ix));
        match kind {
            NodeKind::Role => file.role.extend(entries),
            NodeKind::Skill => file.skill.extend(entries),
            NodeKind::Tool => file.tool.extend(entries),
        }
    }
    for &e in order.edges.iter().flatten() {
        match edge_entry(graph, e) {
            EdgeEntry::Requires(x) => file.requires.push(x),
            EdgeEntry::Uses(x) => file.uses.push(x),
            EdgeEntry::Covers(x) => file.covers.push(x),
            EdgeEntry::Prerequisite(x) => file.prerequisite.push(x),
            EdgeEntry::Transition(x) => file.transition.push(x),
        }
    }
    file
}

/// The order of an export: nodes by kind, then id; edges by kind, then the ids of their ends,
/// then their sources. Indices only: each entry is built when it is written.
struct Order {
    nodes: [Vec<NodeIndex>; NodeKind::ALL.len()],
    edges: [Vec<EdgeIndex>; EdgeKind::ALL.len()],
}

impl Order {
    fn of(graph: &Graph) -> Order {
        Order {
            nodes: NodeKind::ALL.map(|kind| crate::interop::nodes_of(graph, kind)),
            edges: EdgeKind::ALL.map(|kind| crate::interop::edges_of(graph, kind)),
        }
    }
}

fn source_entry(s: &Source) -> SourceEntry {
    SourceEntry {
        key: sp(s.key.clone()),
        title: s.title.clone(),
        url: s.url.clone(),
        author: s.author.clone(),
        publisher: s.publisher.clone(),
        date: s.date.clone(),
        licence: s.licence.clone(),
    }
}

fn profile_table(p: &Profile) -> ProfileTable {
    ProfileTable {
        name: sp(p.name.clone()),
        entries: p
            .entries
            .iter()
            .map(|(id, e)| ProfileEntryTable {
                id: sp(id.clone()),
                level: Some(sp(i64::from(e.level))),
                state: Some(sp(e.state.as_str().to_string())),
            })
            .collect(),
    }
}

fn node_entry(graph: &Graph, ix: NodeIndex) -> NodeEntry {
    let n = graph.node_afresh(ix);
    let f = &n.fields;
    let str_field = |name: &str| text(f, name).map(sp);
    NodeEntry {
        id: sp(n.id.clone()),
        name: sp(n.name.clone()),
        aliases: n.aliases.clone(),
        category: n.category.clone(),
        description: text(f, "description"),
        sources: source_keys(graph, &n.sources),
        effort_hours: n.effort_hours.map(sp),
        focus: str_field("focus"),
        primary_metric: str_field("primary_metric"),
        core_activity: str_field("core_activity"),
        risk_tolerance: str_field("risk_tolerance"),
        team_structure: str_field("team_structure"),
        background: text_list(f.get("background")),
        education: text_list(f.get("education")),
        job_zone: number(f, "job_zone").map(sp),
        hours_per_level: number(f, "hours_per_level").map(sp),
        skill_type: str_field("skill_type"),
        reuse_level: str_field("reuse_level"),
        hot_technology: boolean(f, "hot_technology").map(sp),
        salary: match f.get("salary") {
            Some(Value::Record(r)) => Some(sp(Salary {
                min: number(r, "min"),
                avg: number(r, "avg"),
                max: number(r, "max"),
                currency: text(r, "currency").unwrap_or_default(),
                year: number(r, "year").map(|y| y as i64),
                source: sp(text(r, "source").unwrap_or_default()),
                note: text(r, "note"),
            })),
            _ => None,
        },
        job_openings: f.get("job_openings").map(|v| {
            sp(records(Some(v))
                .into_iter()
                .map(|r| JobOpenings {
                    platform: text(r, "platform").unwrap_or_default(),
                    count: number(r, "count").unwrap_or_default(),
                    source: sp(text(r, "source").unwrap_or_default()),
                    note: text(r, "note"),
                })
                .collect())
        }),
        field_sources: match f.get(FIELD_SOURCES) {
            Some(Value::Record(per_field)) => per_field
                .iter()
                .map(|(field, keys)| {
                    let keys = match keys {
                        Value::List(items) => items.iter().map(|k| sp(k.to_string())).collect(),
                        _ => Vec::new(),
                    };
                    (field.clone(), keys)
                })
                .collect(),
            _ => BTreeMap::new(),
        },
        city_pay: f.get("city_pay").map(|v| {
            sp(records(Some(v))
                .into_iter()
                .map(|r| CityPay {
                    city: text(r, "city").unwrap_or_default(),
                    monthly_salary: number(r, "monthly_salary"),
                    after_taxes: number(r, "after_taxes"),
                    rent_1br: number(r, "rent_1br"),
                    cost_of_living: number(r, "cost_of_living"),
                    take_home: number(r, "take_home"),
                    yearly_salary: number(r, "yearly_salary"),
                    source: sp(text(r, "source").unwrap_or_default()),
                    note: text(r, "note"),
                })
                .collect())
        }),
    }
}

/// One edge as the section of its kind has it.
enum EdgeEntry {
    Requires(RequiresEntry),
    Uses(PlainEdgeEntry),
    Covers(CoversEntry),
    Prerequisite(PrerequisiteEntry),
    Transition(TransitionEntry),
}

impl Serialize for EdgeEntry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            EdgeEntry::Requires(x) => x.serialize(s),
            EdgeEntry::Uses(x) => x.serialize(s),
            EdgeEntry::Covers(x) => x.serialize(s),
            EdgeEntry::Prerequisite(x) => x.serialize(s),
            EdgeEntry::Transition(x) => x.serialize(s),
        }
    }
}

fn edge_entry(graph: &Graph, e: EdgeIndex) -> EdgeEntry {
    let (a, b) = graph.edge_endpoints(e);
    let edge = &*graph.edge_afresh(e);
    let (from, to) = (
        sp(graph.id_of(a).to_string()),
        sp(graph.id_of(b).to_string()),
    );
    let sources = source_keys(graph, &edge.sources);
    let note = edge.note().map(str::to_string);
    match edge.kind {
        EdgeKind::Requires => EdgeEntry::Requires(RequiresEntry {
            role: from,
            skill: to,
            importance: sp(edge.importance.unwrap_or(1).into()),
            level: edge.level().map(sp),
            sources,
            note,
            fields: {
                let mut fields = extra_fields(edge);
                if edge.level().is_some() {
                    fields.remove("level");
                }
                fields
            },
        }),
        EdgeKind::Uses => EdgeEntry::Uses(PlainEdgeEntry {
            role: from,
            tool: to,
            sources,
            note,
            fields: extra_fields(edge),
        }),
        EdgeKind::Covers => EdgeEntry::Covers(CoversEntry {
            tool: from,
            skill: to,
            sources,
            note,
            fields: extra_fields(edge),
        }),
        EdgeKind::Prerequisite => EdgeEntry::Prerequisite(PrerequisiteEntry {
            first: from,
            then: to,
            sources,
            note,
            fields: extra_fields(edge),
        }),
        EdgeKind::Transition => EdgeEntry::Transition(TransitionEntry {
            from,
            to,
            effort_hours: edge.effort_hours.map(sp),
            skills: edge.move_skills().iter().cloned().map(sp).collect(),
            sources,
            note,
            fields: extra_fields(edge),
        }),
    }
}

/// An edge's free-form fields, as TOML values.
fn extra_fields(edge: &skillgraph_graph::Edge) -> BTreeMap<String, toml::Value> {
    edge.extra
        .as_ref()
        .map(|x| {
            x.fields
                .iter()
                .map(|(k, v)| (k.clone(), to_toml(v)))
                .collect()
        })
        .unwrap_or_default()
}

fn to_toml(v: &Value) -> toml::Value {
    match v {
        Value::Text(s) => toml::Value::String(s.clone()),
        Value::Number(n) => toml::Value::Float(*n),
        Value::Bool(b) => toml::Value::Boolean(*b),
        Value::List(items) => toml::Value::Array(items.iter().map(to_toml).collect()),
        Value::Record(r) => {
            toml::Value::Table(r.iter().map(|(k, v)| (k.clone(), to_toml(v))).collect())
        }
    }
}

/// The graph in the `graphdata` TOML format, as one file, one entry at a time: the same text
/// as the whole [`to_data_file`] serialised at once.
pub fn write_toml<W: Write + ?Sized>(graph: &Graph, out: &mut W) -> io::Result<()> {
    let order = Order::of(graph);
    let mut toml = TomlEntries { out, first: true };
    for s in graph.sources() {
        toml.entry("source", &source_entry(s))?;
    }
    for (kind, nodes) in NodeKind::ALL.into_iter().zip(&order.nodes) {
        for &ix in nodes {
            toml.entry(kind.as_str(), &node_entry(graph, ix))?;
        }
    }
    for (kind, edges) in EdgeKind::ALL.into_iter().zip(&order.edges) {
        for &e in edges {
            toml.entry(kind.as_str(), &edge_entry(graph, e))?;
        }
    }
    for p in graph.profiles().values() {
        toml.entry("profile", &profile_table(p))?;
    }
    Ok(())
}

/// Entries of arrays of tables (`[[role]]`), each serialised alone.
struct TomlEntries<'w, W: Write + ?Sized> {
    out: &'w mut W,
    first: bool,
}

impl<W: Write + ?Sized> TomlEntries<'_, W> {
    fn entry<T: Serialize>(&mut self, section: &str, entry: &T) -> io::Result<()> {
        let text = toml::to_string(&BTreeMap::from([(section, [entry])]))
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        // A blank line between tables, as toml writes a whole document.
        if !std::mem::take(&mut self.first) {
            self.out.write_all(b"\n")?;
        }
        self.out.write_all(text.as_bytes())
    }
}

/// The graph as one JSON document with the same shape as the TOML format (pretty-printed),
/// one entry at a time.
pub fn write_json<W: Write + ?Sized>(graph: &Graph, out: &mut W) -> io::Result<()> {
    let order = Order::of(graph);
    serde_json::to_writer_pretty(out, &JsonFile { graph, order }).map_err(io::Error::from)
}

/// The [`DataFile`] of a graph, each entry built as it is serialised.
struct JsonFile<'g> {
    graph: &'g Graph,
    order: Order,
}

impl Serialize for JsonFile<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let graph = self.graph;
        // As the derived `Serialize` of `DataFile`: its fields in order, the empty ones skipped.
        let sizes = [graph.sources().len()]
            .into_iter()
            .chain(self.order.nodes.iter().map(Vec::len))
            .chain(self.order.edges.iter().map(Vec::len))
            .chain([graph.profiles().len()]);
        let mut file = s.serialize_struct("DataFile", sizes.filter(|&n| n > 0).count())?;
        section(
            &mut file,
            "source",
            graph.sources().iter().map(source_entry),
        )?;
        for (kind, nodes) in NodeKind::ALL.into_iter().zip(&self.order.nodes) {
            let entries = nodes.iter().map(|&ix| node_entry(graph, ix));
            section(&mut file, kind.as_str(), entries)?;
        }
        for (kind, edges) in EdgeKind::ALL.into_iter().zip(&self.order.edges) {
            let entries = edges.iter().map(|&e| edge_entry(graph, e));
            section(&mut file, kind.as_str(), entries)?;
        }
        section(
            &mut file,
            "profile",
            graph.profiles().values().map(profile_table),
        )?;
        file.end()
    }
}

fn section<S: SerializeStruct, T: Serialize>(
    file: &mut S,
    name: &'static str,
    entries: impl ExactSizeIterator<Item = T>,
) -> Result<(), S::Error> {
    if entries.len() == 0 {
        return file.skip_field(name);
    }
    file.serialize_field(name, &Entries(Cell::new(Some(entries))))
}

/// A sequence serialised from an iterator, once.
struct Entries<I>(Cell<Option<I>>);

impl<I: Iterator<Item: Serialize>> Serialize for Entries<I> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.take().into_iter().flatten())
    }
}

/// The whole graph as CSV files (`sources.csv`, `nodes.csv`, `edges.csv`, `profiles.csv`),
/// which [`crate::load_csv_dir`] reads back to the same graph; the layout and how cells are
/// written are in `csv_full`'s docs.
pub fn write_csv_files(graph: &Graph, files: &mut dyn ExportFiles) -> io::Result<()> {
    crate::csv_full::write_files(graph, files)
}

/// [`write_toml`] into memory.
pub fn to_toml_string(graph: &Graph) -> Result<String, String> {
    in_memory(|out| write_toml(graph, out))
}

/// [`write_json`] into memory.
pub fn to_json_string(graph: &Graph) -> Result<String, String> {
    in_memory(|out| write_json(graph, out))
}

/// [`write_csv_files`] into memory, as (file name, text).
pub fn to_csv_files(graph: &Graph) -> Result<Vec<(String, String)>, String> {
    let mut files = InMemory::default();
    write_csv_files(graph, &mut files).map_err(|e| e.to_string())?;
    Ok(files.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interop;

    /// A reader that goes away after `left` bytes, as `export … | head -1` does.
    struct ClosedAfter {
        left: usize,
    }

    impl Write for ClosedAfter {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.left == 0 {
                return Err(io::ErrorKind::BrokenPipe.into());
            }
            let n = buf.len().min(self.left);
            self.left -= n;
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    type Writer = fn(&Graph, &mut dyn ExportFiles) -> io::Result<()>;

    #[test]
    fn a_closed_stream_ends_every_export_with_a_broken_pipe_not_a_panic() {
        let graph = crate::curated_graph().unwrap();
        let formats: [(&str, Writer); 7] = [
            ("toml", |g, f| {
                f.file("graph.toml", &mut |w| write_toml(g, w))
            }),
            ("json", |g, f| {
                f.file("graph.json", &mut |w| write_json(g, w))
            }),
            ("csv", write_csv_files),
            ("cypher", |g, f| {
                f.file("graph.cypher", &mut |w| interop::write_cypher(g, w))
            }),
            ("graphml", |g, f| {
                f.file("graph.graphml", &mut |w| interop::write_graphml(g, w))
            }),
            ("kuzu", interop::write_kuzu_files),
            ("neo4j-csv", interop::write_neo4j_csv_files),
        ];
        for (name, write) in formats {
            for left in [0, 100, 5000] {
                let mut stream = Stream::new(ClosedAfter { left }, "standard output");
                let error = write(&graph, &mut stream).expect_err(name);
                assert_eq!(error.kind(), io::ErrorKind::BrokenPipe, "{name}: {error}");
                assert!(error
                    .to_string()
                    .starts_with("cannot write standard output"));
            }
        }
    }

    #[test]
    fn a_directory_holds_what_memory_holds_and_tells_of_each_file() {
        let graph = crate::curated_graph().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut told = Vec::new();
        let mut files = Directory::new(dir.path(), |path| told.push(path.to_path_buf()));
        interop::write_kuzu_files(&graph, &mut files).unwrap();
        let mut in_memory = InMemory::default();
        interop::write_kuzu_files(&graph, &mut in_memory).unwrap();
        let names: Vec<PathBuf> = in_memory
            .0
            .iter()
            .map(|(n, _)| dir.path().join(n))
            .collect();
        assert_eq!(told, names);
        for (name, text) in &in_memory.0 {
            assert_eq!(
                &std::fs::read_to_string(dir.path().join(name)).unwrap(),
                text
            );
        }
    }
}
