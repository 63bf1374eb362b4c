//! Bulk CSV: `nodes.csv` (`id,kind,name`) and `edges.csv` (`from,to,kind,weight`), the layout of
//! the shared benchmark; `edges.csv` may add a column `in_demand` (`true` or empty), O*NET's In
//! Demand flag of a `uses` edge, which the export writes when a graph has one. Built for a million edges: one pass per file, checks per row, one cycle
//! check over all prerequisites at the end instead of one per edge, and the graph built in one
//! go ([`Graph::bulk`]) from compact rows rather than edge by edge.

use std::collections::HashMap;
use std::path::Path;

use skillgraph_graph::{
    Edge, EdgeKind, Graph, Node, NodeIndex, NodeKind, Source, SourceId, CSV_SOURCE_PREFIX,
};

use crate::error::{DataError, DataErrors};

pub const CSV_NODES: &str = "nodes.csv";
pub const CSV_EDGES: &str = "edges.csv";
/// The optional fifth column of `edges.csv`, and the edge field it sets.
pub const IN_DEMAND: &str = "in_demand";

/// Errors beyond this many are counted, not listed: a wholly wrong file should not print a
/// million lines.
const MAX_LISTED_ERRORS: usize = 50;

pub(crate) struct Errors {
    list: Vec<DataError>,
    unlisted: usize,
}

impl Errors {
    pub(crate) fn new() -> Errors {
        Errors {
            list: Vec::new(),
            unlisted: 0,
        }
    }

    pub(crate) fn push(&mut self, e: DataError) {
        if self.list.len() < MAX_LISTED_ERRORS {
            self.list.push(e);
        } else {
            self.unlisted += 1;
        }
    }

    pub(crate) fn into_result(mut self) -> Result<(), DataErrors> {
        if self.list.is_empty() {
            return Ok(());
        }
        if self.unlisted > 0 {
            self.list.push(DataError::whole_file(
                "import",
                format!("… and {} more errors not listed", self.unlisted),
            ));
        }
        Err(DataErrors(self.list))
    }
}

/// One checked row of `edges.csv`, kept small until the graph is built.
struct EdgeRow {
    from: u32,
    to: u32,
    kind: EdgeKind,
    /// The importance of a `requires` edge, or the effort of a `transition`.
    weight: f64,
    /// A `uses` edge O*NET marks In Demand.
    in_demand: bool,
    line: u32,
}

/// Reads a CSV directory: the whole-graph layout `export --format csv` writes
/// ([`crate::csv_full`], told apart by the header of `nodes.csv`), or the bulk layout of
/// `dir/nodes.csv` and `dir/edges.csv`, where every fact gets one source naming the directory.
pub fn load_csv_dir(dir: &Path) -> Result<Graph, DataErrors> {
    if crate::csv_full::is_full_layout(dir) {
        return crate::csv_full::load(dir);
    }
    load_bulk_dir(dir)
}

fn load_bulk_dir(dir: &Path) -> Result<Graph, DataErrors> {
    let nodes_path = dir.join(CSV_NODES);
    let edges_path = dir.join(CSV_EDGES);
    let edges_name = edges_path.display().to_string();
    let mut errors = Errors {
        list: Vec::new(),
        unlisted: 0,
    };
    let mut sources_graph = Graph::new();
    let source = sources_graph.add_source(directory_source(dir));

    let (mut nodes, by_id) = read_bulk_nodes(&nodes_path, source, &mut errors)?;
    let mut reader =
        match open_csv(&edges_path, &["from", "to", "kind", "weight"]).or_else(|first| {
            open_csv(&edges_path, &["from", "to", "kind", "weight", IN_DEMAND]).map_err(|_| first)
        }) {
            Ok(r) => r,
            Err(e) => {
                errors.push(e);
                errors.into_result()?;
                unreachable!("an error was pushed")
            }
        };
    // Room for every row from the start: growing by doubling held the old rows and twice as
    // many new ones at once, the import's peak at five million edges. A line takes at least
    // 16 bytes, so this overestimates, and pages never written take no memory.
    let room = std::fs::metadata(&edges_path).map_or(0, |m| m.len() as usize / 16);
    let (rows, prerequisite_lines) = read_bulk_edges(
        &mut reader,
        &edges_name,
        &mut nodes,
        &by_id,
        &mut errors,
        room,
    );
    drop(by_id);
    report_repeated_edges(&rows, &nodes, &edges_name, &mut errors);
    let edges = rows.into_iter().map(|r| {
        let mut edge = Edge::new(r.kind);
        edge.sources = vec![source];
        match r.kind {
            EdgeKind::Requires => edge.importance = Some(r.weight as u8),
            EdgeKind::Transition => edge.effort_hours = Some(r.weight),
            _ => {}
        }
        if r.in_demand {
            edge.extra_mut()
                .fields
                .insert(IN_DEMAND.to_string(), skillgraph_graph::Value::Bool(true));
        }
        (
            NodeIndex::new(r.from as usize),
            NodeIndex::new(r.to as usize),
            edge,
        )
    });
    let graph = Graph::bulk(sources_graph.sources().to_vec(), nodes, edges)
        .map_err(|e| DataErrors(vec![DataError::whole_file("import", e)]))?;
    if let Some(cycle) = graph.find_prerequisite_cycle() {
        errors.push(cycle_error(&graph, cycle, &prerequisite_lines, &edges_name));
    }
    errors.into_result()?;
    Ok(graph)
}

/// The rows of `nodes.csv`, each node with `source`, and the index of each id.
fn read_bulk_nodes(
    nodes_path: &Path,
    source: SourceId,
    errors: &mut Errors,
) -> Result<(Vec<Node>, HashMap<String, u32>), DataErrors> {
    let nodes_name = nodes_path.display().to_string();
    let mut reader = match open_csv(nodes_path, &["id", "kind", "name"]) {
        Ok(r) => r,
        Err(mut e) => {
            if e.line == 1 {
                e.message.push_str(&format!(
                    ", or `{}` (the layout `export --format csv` writes)",
                    crate::csv_full::NODES_HEADER.join(",")
                ));
            }
            return Err(DataErrors(vec![e]));
        }
    };
    let mut nodes: Vec<Node> = Vec::new();
    let mut by_id: HashMap<String, u32> = HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                errors.push(csv_error(&nodes_name, &e));
                if is_row_error(&e) {
                    continue;
                }
                break;
            }
        }
        let line = record.position().map_or(0, |p| p.line() as usize);
        let (id, kind, name) = (&record[0], &record[1], &record[2]);
        let Some(kind) = NodeKind::parse(kind) else {
            errors.push(DataError::at_line(
                &nodes_name,
                line,
                format!("unknown kind `{kind}`; expected role, skill or tool"),
            ));
            continue;
        };
        // Blank counts as empty (a form feed is no id), as the graph's own check has it.
        if id.trim().is_empty() || name.trim().is_empty() {
            errors.push(DataError::at_line(&nodes_name, line, "empty id or name"));
            continue;
        }
        if by_id.contains_key(id) {
            errors.push(DataError::at_line(
                &nodes_name,
                line,
                format!("duplicate id `{id}`"),
            ));
            continue;
        }
        let mut node = Node::new(id, kind, name);
        node.sources = vec![source];
        by_id.insert(id.to_string(), nodes.len() as u32);
        nodes.push(node);
    }

    Ok((nodes, by_id))
}

/// The rows of `edges.csv` that make edges, checked one by one; also the line that first
/// states each prerequisite. A prerequisite's weight is the hours of its first skill.
fn read_bulk_edges(
    reader: &mut csv::Reader<std::fs::File>,
    edges_name: &str,
    nodes: &mut [Node],
    by_id: &HashMap<String, u32>,
    errors: &mut Errors,
    room: usize,
) -> (Vec<EdgeRow>, HashMap<(u32, u32), usize>) {
    let mut record = csv::StringRecord::new();
    let mut rows: Vec<EdgeRow> = Vec::with_capacity(room);
    // The row that first states each prerequisite, to put a line on a cycle.
    let mut prerequisite_lines: HashMap<(u32, u32), usize> = HashMap::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                errors.push(csv_error(edges_name, &e));
                if is_row_error(&e) {
                    continue;
                }
                break;
            }
        }
        let line = record.position().map_or(0, |p| p.line() as usize);
        let at = |msg: String| DataError::at_line(edges_name, line, msg);
        let Some(kind) = EdgeKind::parse(&record[2]) else {
            errors.push(at(format!(
                "unknown edge kind `{}`; expected requires, uses, covers, prerequisite or transition",
                &record[2]
            )));
            continue;
        };
        let weight: f64 = match record[3].trim().parse() {
            Ok(w) if f64::is_finite(w) => w,
            _ => {
                errors.push(at(format!("the weight `{}` is not a number", &record[3])));
                continue;
            }
        };
        let in_demand = match record.get(4).map(str::trim) {
            None | Some("") | Some("false") => false,
            Some("true") if kind == EdgeKind::Uses => true,
            Some("true") => {
                errors.push(at(format!(
                    "`{IN_DEMAND}` belongs to a `uses` edge, not to `{kind}`"
                )));
                continue;
            }
            Some(other) => {
                errors.push(at(format!(
                    "`{IN_DEMAND}` is `true`, `false` or empty, not `{other}`"
                )));
                continue;
            }
        };
        let (from, to) = (&record[0], &record[1]);
        let (Some(&a), Some(&b)) = (by_id.get(from), by_id.get(to)) else {
            let missing = if by_id.contains_key(from) { to } else { from };
            errors.push(at(format!(
                "the edge names `{missing}`, which nodes.csv does not define"
            )));
            continue;
        };
        let (want_from, want_to) = kind.endpoints();
        let (kind_a, kind_b) = (nodes[a as usize].kind, nodes[b as usize].kind);
        if kind_a != want_from || kind_b != want_to {
            errors.push(at(format!(
                "`{kind}` joins a {want_from} to a {want_to}, but `{from}` is a {kind_a} and `{to}` is a {kind_b}"
            )));
            continue;
        }
        if a == b {
            errors.push(at(format!("`{from}` cannot be linked to itself")));
            continue;
        }
        match kind {
            EdgeKind::Requires => {
                if weight.fract() != 0.0 || !(1.0..=5.0).contains(&weight) {
                    errors.push(at(format!(
                        "importance must be a whole number between 1 and 5, not {weight}"
                    )));
                    continue;
                }
            }
            EdgeKind::Transition | EdgeKind::Prerequisite if weight < 0.0 => {
                errors.push(at(format!(
                    "effort hours cannot be negative (got {weight})"
                )));
                continue;
            }
            // The benchmark's prerequisite weight is the hours needed to learn `from`.
            EdgeKind::Prerequisite => {
                nodes[a as usize].effort_hours.get_or_insert(weight);
                prerequisite_lines.entry((a, b)).or_insert(line);
            }
            EdgeKind::Transition | EdgeKind::Uses | EdgeKind::Covers => {}
        }
        rows.push(EdgeRow {
            from: a,
            to: b,
            kind,
            weight,
            in_demand,
            line: line as u32,
        });
    }
    (rows, prerequisite_lines)
}

/// A prerequisite cycle as an error at the row that completes it.
fn cycle_error(
    graph: &Graph,
    mut cycle: Vec<NodeIndex>,
    prerequisite_lines: &HashMap<(u32, u32), usize>,
    edges_name: &str,
) -> DataError {
    // Report the cycle at the row that completes it when the file is read top to bottom,
    // and start the cycle with that row's step, so the message reads from where to look.
    cycle.pop();
    let n = cycle.len();
    let step_line = |i: usize| {
        let (a, b) = (cycle[i].index() as u32, cycle[(i + 1) % n].index() as u32);
        prerequisite_lines[&(a, b)]
    };
    let last = (0..n)
        .max_by_key(|&i| step_line(i))
        .expect("a cycle has steps");
    let line = step_line(last);
    cycle.rotate_left(last);
    cycle.push(cycle[0]);
    let ids: Vec<&str> = cycle.iter().map(|&ix| graph.node(ix).id.as_str()).collect();
    DataError::at_line(
        edges_name,
        line,
        format!("the prerequisites form a cycle: {}", ids.join(" → ")),
    )
}

/// Every fact of the file has the one source naming it, so a second row joining the same two
/// nodes states a fact again (the kinds of the ends fix the edge kind): an error at that row.
fn report_repeated_edges(rows: &[EdgeRow], nodes: &[Node], file: &str, errors: &mut Errors) {
    let key = |r: &EdgeRow| (u64::from(r.from) << 32) | u64::from(r.to);
    // Sorting packed keys finds out cheaply (~20 ms at a million rows) whether the rarer,
    // slower pass that names the lines is needed.
    let mut keys: Vec<u64> = rows.iter().map(key).collect();
    keys.sort_unstable();
    if !keys.windows(2).any(|w| w[0] == w[1]) {
        return;
    }
    let mut first_line: HashMap<u64, u32> = HashMap::new();
    for row in rows {
        let first = *first_line.entry(key(row)).or_insert(row.line);
        if first != row.line {
            errors.push(DataError::at_line(
                file,
                row.line as usize,
                format!(
                    "`{}` → `{}` ({}) is already stated on line {first}",
                    nodes[row.from as usize].id, nodes[row.to as usize].id, row.kind
                ),
            ));
        }
    }
}

pub(crate) fn open_csv(
    path: &Path,
    header: &[&str],
) -> Result<csv::Reader<std::fs::File>, DataError> {
    let name = path.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .map_err(|e| DataError::whole_file(&name, format!("cannot read: {e}")))?;
    let found = reader.headers().map_err(|e| csv_error(&name, &e))?;
    let found: Vec<&str> = found.iter().collect();
    if found != header {
        return Err(DataError::at_line(
            &name,
            1,
            format!(
                "the header is `{}`; expected `{}`",
                found.join(","),
                header.join(",")
            ),
        ));
    }
    Ok(reader)
}

/// Errors confined to one row: the reader has consumed it and can go on to the next, so the
/// rows after it are still checked (and the nodes after it still defined).
pub(crate) fn is_row_error(e: &csv::Error) -> bool {
    matches!(
        e.kind(),
        csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }
    )
}

pub(crate) fn csv_error(file: &str, e: &csv::Error) -> DataError {
    let line = e.position().map_or(0, |p| p.line() as usize);
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("this row has {len} fields; expected {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "this row is not valid UTF-8".to_string(),
        _ => e.to_string(),
    };
    DataError::at_line(file, line, message)
}

/// The source of the rows of a CSV directory that name none: the directory itself.
pub(crate) fn directory_source(dir: &Path) -> Source {
    Source {
        key: format!("{CSV_SOURCE_PREFIX}{}", dir.display()),
        title: format!("CSV import of {}", dir.display()),
        url: None,
        author: None,
        publisher: None,
        date: None,
        licence: None,
    }
}
