//! The whole graph as CSV: what `export --format csv` writes and `import DIR` reads back to the
//! same graph. Four files, each a plain CSV table:
//!
//! - `sources.csv`: `key,title,url,author,publisher,date,licence`
//! - `nodes.csv`: `id,kind,name,aliases,category,effort_hours,sources,fields`
//! - `edges.csv`: `from,to,kind,weight,sources,note,skills,fields`
//! - `profiles.csv`: `profile,id,level,state` (one row per entry; a profile without entries
//!   is one row with only its name)
//!
//! `aliases`, `sources` (source keys) and `skills` (a move's skill ids) are JSON arrays of
//! strings, `fields` a JSON object of the node's or edge's fields (`{"salary": {"avg": …}}`,
//! `{"level": 4.5}`, `{"in_demand": true}`); an empty cell is an empty list or no value. The
//! `weight` of a `requires` row is its importance, of a `transition` its hours (empty: none
//! stated); other rows leave it empty (a skill's hours are its `effort_hours`). The first
//! columns are the benchmark's bulk layout (`csv_import`), which the reader tells apart by the
//! header of `nodes.csv`.
//!
//! Cells are written exactly as the graph holds them: a name starting with `=`, `+`, `-`, `@`,
//! a tab or a carriage return is *not* prefixed with `'` the way query answers in CSV are
//! (OWASP's advice against CSV injection), because the file must import back byte for byte. Open
//! it in a spreadsheet with that in mind.
//!
//! The reader builds the graph one validated [`Change`] at a time, so a row breaking a rule is
//! reported at its line in the graph's own words, and the graph it returns keeps every rule
//! (`integrity::check`).

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

use skillgraph_graph::change::sourced_records;
use skillgraph_graph::{
    integrity, Change, Edge, EdgeKind, Graph, Node, NodeIndex, NodeKind, Profile, ProfileEntry,
    SkillState, Source, SourceId, Value, FIELD_SOURCES,
};

use crate::csv_import::{csv_error, is_row_error, open_csv, Errors};
use crate::error::{DataError, DataErrors};
use crate::export::{csv_io, ExportFiles};

pub const CSV_SOURCES: &str = "sources.csv";
pub const CSV_PROFILES: &str = "profiles.csv";

pub(crate) const SOURCES_HEADER: [&str; 7] = [
    "key",
    "title",
    "url",
    "author",
    "publisher",
    "date",
    "licence",
];
pub(crate) const NODES_HEADER: [&str; 8] = [
    "id",
    "kind",
    "name",
    "aliases",
    "category",
    "effort_hours",
    "sources",
    "fields",
];
pub(crate) const EDGES_HEADER: [&str; 8] = [
    "from", "to", "kind", "weight", "sources", "note", "skills", "fields",
];
pub(crate) const PROFILES_HEADER: [&str; 4] = ["profile", "id", "level", "state"];

// ---- writing ----

fn value_to_json(v: &Value) -> Result<serde_json::Value, String> {
    Ok(match v {
        Value::Text(t) => serde_json::Value::String(t.clone()),
        Value::Number(n) => serde_json::Number::from_f64(*n)
            .map(serde_json::Value::Number)
            .ok_or_else(|| format!("the number {n} has no CSV form"))?,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::List(items) => {
            serde_json::Value::Array(items.iter().map(value_to_json).collect::<Result<_, _>>()?)
        }
        Value::Record(r) => serde_json::Value::Object(
            r.iter()
                .map(|(k, v)| Ok((k.clone(), value_to_json(v)?)))
                .collect::<Result<_, String>>()?,
        ),
    })
}

fn fields_cell(fields: &BTreeMap<String, Value>) -> Result<String, String> {
    if fields.is_empty() {
        return Ok(String::new());
    }
    let object = value_to_json(&Value::Record(fields.clone()))?;
    Ok(object.to_string())
}

fn list_cell<S: AsRef<str>>(items: &[S]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let list: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    serde_json::to_string(&list).expect("a list of strings always encodes")
}

fn number_cell(n: Option<f64>) -> String {
    // Rust prints the shortest text that reads back to the same f64.
    n.map(|n| n.to_string()).unwrap_or_default()
}

/// Writes the four files of the layout: nodes by id, edges by kind, ends and sources (as the
/// TOML export orders them), so an export of an import of an export is the same bytes.
pub(crate) fn write_files(graph: &Graph, files: &mut dyn ExportFiles) -> io::Result<()> {
    files.file(CSV_SOURCES, &mut |out| write_sources(graph, out))?;
    files.file(crate::CSV_NODES, &mut |out| write_nodes(graph, out))?;
    files.file(crate::CSV_EDGES, &mut |out| write_edges(graph, out))?;
    files.file(CSV_PROFILES, &mut |out| write_profiles(graph, out))
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

fn write_sources(graph: &Graph, out: &mut dyn Write) -> io::Result<()> {
    let mut sources = csv::Writer::from_writer(out);
    sources.write_record(SOURCES_HEADER).map_err(csv_io)?;
    for s in graph.sources() {
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        sources
            .write_record([
                s.key.clone(),
                s.title.clone(),
                opt(&s.url),
                opt(&s.author),
                opt(&s.publisher),
                opt(&s.date),
                opt(&s.licence),
            ])
            .map_err(csv_io)?;
    }
    sources.flush()
}

fn write_nodes(graph: &Graph, out: &mut dyn Write) -> io::Result<()> {
    let keys = |ids: &[SourceId]| list_cell(&graph.source_keys(ids));
    let mut nodes = csv::Writer::from_writer(out);
    nodes.write_record(NODES_HEADER).map_err(csv_io)?;
    let mut ids: Vec<NodeIndex> = graph.node_indices().collect();
    ids.sort_by(|&a, &b| graph.id_of(a).cmp(graph.id_of(b)));
    for ix in ids {
        let n = graph.node_afresh(ix);
        nodes
            .write_record([
                n.id.clone(),
                n.kind.as_str().to_string(),
                n.name.clone(),
                list_cell(&n.aliases),
                n.category.clone().unwrap_or_default(),
                number_cell(n.effort_hours),
                keys(&n.sources),
                fields_cell(&n.fields).map_err(invalid)?,
            ])
            .map_err(csv_io)?;
    }
    nodes.flush()
}

fn write_edges(graph: &Graph, out: &mut dyn Write) -> io::Result<()> {
    let keys = |ids: &[SourceId]| list_cell(&graph.source_keys(ids));
    let mut edges = csv::Writer::from_writer(out);
    edges.write_record(EDGES_HEADER).map_err(csv_io)?;
    let mut order: Vec<_> = graph.edge_indices().collect();
    // By kind, ends' ids, then source keys: compared in place, the keys joined only on a tie.
    order.sort_by(|&x, &y| {
        let ((a, b), (c, d)) = (graph.edge_endpoints(x), graph.edge_endpoints(y));
        let joined = |e| graph.source_keys(graph.edge_sources_of(e)).join("\u{0}");
        (graph.edge_kind_of(x), graph.id_of(a), graph.id_of(b))
            .cmp(&(graph.edge_kind_of(y), graph.id_of(c), graph.id_of(d)))
            .then_with(|| joined(x).cmp(&joined(y)))
    });
    for e in order {
        let (a, b) = graph.edge_endpoints(e);
        let edge = graph.edge_afresh(e);
        let weight = match edge.kind {
            EdgeKind::Requires => edge.importance.map(|i| i.to_string()).unwrap_or_default(),
            EdgeKind::Transition => number_cell(edge.effort_hours),
            _ => String::new(),
        };
        let no_fields = BTreeMap::new();
        let fields = edge.extra.as_ref().map_or(&no_fields, |x| &x.fields);
        edges
            .write_record([
                graph.id_of(a).to_string(),
                graph.id_of(b).to_string(),
                edge.kind.as_str().to_string(),
                weight,
                keys(&edge.sources),
                edge.note().unwrap_or_default().to_string(),
                list_cell(edge.move_skills()),
                fields_cell(fields).map_err(invalid)?,
            ])
            .map_err(csv_io)?;
    }
    edges.flush()
}

fn write_profiles(graph: &Graph, out: &mut dyn Write) -> io::Result<()> {
    let mut profiles = csv::Writer::from_writer(out);
    profiles.write_record(PROFILES_HEADER).map_err(csv_io)?;
    for p in graph.profiles().values() {
        if p.entries.is_empty() {
            profiles
                .write_record([p.name.as_str(), "", "", ""])
                .map_err(csv_io)?;
        }
        for (id, e) in &p.entries {
            profiles
                .write_record([
                    p.name.as_str(),
                    id.as_str(),
                    &e.level.to_string(),
                    e.state.as_str(),
                ])
                .map_err(csv_io)?;
        }
    }
    profiles.flush()
}

// ---- reading ----

fn json_to_value(v: &serde_json::Value) -> Result<Value, String> {
    Ok(match v {
        serde_json::Value::String(s) => Value::Text(s.clone()),
        serde_json::Value::Number(n) => Value::Number(
            n.as_f64()
                .ok_or_else(|| format!("the number {n} is out of range"))?,
        ),
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Array(items) => {
            Value::List(items.iter().map(json_to_value).collect::<Result<_, _>>()?)
        }
        serde_json::Value::Object(map) => Value::Record(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), json_to_value(v)?)))
                .collect::<Result<_, String>>()?,
        ),
        serde_json::Value::Null => return Err("`null` is no value: leave the field out".into()),
    })
}

/// A cell holding a JSON array of strings; empty is the empty list.
fn parse_list(cell: &str, column: &str) -> Result<Vec<String>, String> {
    if cell.trim().is_empty() {
        return Ok(Vec::new());
    }
    serde_json::from_str(cell).map_err(|e| {
        format!(
            "`{column}` holds a JSON list of strings such as [\"a\", \"b\"], not `{cell}` ({e})"
        )
    })
}

/// A cell holding a JSON object of fields; empty is no fields.
fn parse_fields(cell: &str) -> Result<BTreeMap<String, Value>, String> {
    if cell.trim().is_empty() {
        return Ok(BTreeMap::new());
    }
    let json: serde_json::Value = serde_json::from_str(cell)
        .map_err(|e| format!("`fields` holds a JSON object, not `{cell}` ({e})"))?;
    match json_to_value(&json) {
        Ok(Value::Record(r)) => Ok(r),
        Ok(_) => Err(format!(
            "`fields` holds a JSON object such as {{\"job_zone\": 4}}, not `{cell}`"
        )),
        Err(e) => Err(format!("in `fields`: {e}")),
    }
}

fn parse_number(cell: &str, column: &str) -> Result<Option<f64>, String> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(None);
    }
    match cell.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(Some(n)),
        _ => Err(format!("`{column}` is a number, not `{cell}`")),
    }
}

fn optional(cell: &str) -> Option<String> {
    (!cell.is_empty()).then(|| cell.to_string())
}

/// Reads the four files of the layout from `dir` (`sources.csv` and `profiles.csv` may be
/// missing). Rows without sources get one naming the directory, as bulk rows do.
pub(crate) fn load(dir: &Path) -> Result<Graph, DataErrors> {
    let mut errors = Errors::new();
    let mut graph = Graph::new();
    let dir_source = crate::csv_import::directory_source(dir);
    let mut record = csv::StringRecord::new();

    read_sources(dir, &mut graph, &mut record, &mut errors)?;

    // nodes.csv
    let path = dir.join(crate::CSV_NODES);
    let name = path.display().to_string();
    let mut reader = open_csv(&path, &NODES_HEADER).map_err(|e| DataErrors(vec![e]))?;
    while let Some(line) = next_row(&mut reader, &mut record, &name, &mut errors) {
        let at = |msg: String| DataError::at_line(&name, line, msg);
        let node = node_row(&mut graph, &record, &dir_source);
        match node {
            Ok(node) => {
                if let Err(e) = graph.apply(Change::AddNode(node)) {
                    errors.push(at(e.to_string()));
                }
            }
            Err(e) => errors.push(at(e)),
        }
    }

    // edges.csv
    let path = dir.join(crate::CSV_EDGES);
    let name = path.display().to_string();
    match open_csv(&path, &EDGES_HEADER) {
        Err(e) => errors.push(e),
        Ok(mut reader) => {
            while let Some(line) = next_row(&mut reader, &mut record, &name, &mut errors) {
                let change = edge_row(&mut graph, &record, &dir_source);
                let result = change.and_then(|c| graph.apply(c).map_err(|e| e.to_string()));
                if let Err(e) = result {
                    errors.push(DataError::at_line(&name, line, e));
                }
            }
        }
    }

    read_profiles(dir, &mut graph, &mut record, &mut errors);
    errors.into_result()?;
    // What the rows cannot break one at a time, the whole graph is checked for.
    let findings = integrity::check(&graph);
    if !findings.is_empty() {
        let shown = dir.display().to_string();
        return Err(DataErrors(
            findings
                .iter()
                .map(|f| DataError::whole_file(&shown, f.to_string()))
                .collect(),
        ));
    }
    Ok(graph)
}

/// `sources.csv`, if there is one, into the graph's sources.
fn read_sources(
    dir: &Path,
    graph: &mut Graph,
    record: &mut csv::StringRecord,
    errors: &mut Errors,
) -> Result<(), DataErrors> {
    let path = dir.join(CSV_SOURCES);
    let name = path.display().to_string();
    if path.exists() {
        let mut reader = open_csv(&path, &SOURCES_HEADER).map_err(|e| DataErrors(vec![e]))?;
        while let Some(line) = next_row(&mut reader, record, &name, errors) {
            let key = &record[0];
            if key.trim().is_empty() || record[1].trim().is_empty() {
                errors.push(DataError::at_line(&name, line, "empty key or title"));
            } else if graph.source_id(key).is_some() {
                errors.push(DataError::at_line(
                    &name,
                    line,
                    format!("source `{key}` is declared twice"),
                ));
            } else {
                graph.add_source(Source {
                    key: key.to_string(),
                    title: record[1].to_string(),
                    url: optional(&record[2]),
                    author: optional(&record[3]),
                    publisher: optional(&record[4]),
                    date: optional(&record[5]),
                    licence: optional(&record[6]),
                });
            }
        }
    }
    Ok(())
}

/// Source keys of a row to ids: unknown keys are errors, none at all the directory's source.
fn source_ids(graph: &mut Graph, cell: &str, dir_source: &Source) -> Result<Vec<SourceId>, String> {
    let keys = parse_list(cell, "sources")?;
    if keys.is_empty() {
        return Ok(vec![graph.add_source(dir_source.clone())]);
    }
    keys.iter()
        .map(|k| {
            graph
                .source_id(k)
                .ok_or_else(|| format!("unknown source `{k}`; {CSV_SOURCES} declares the sources"))
        })
        .collect()
}

/// A row of `nodes.csv` as a node.
fn node_row(
    graph: &mut Graph,
    record: &csv::StringRecord,
    dir_source: &Source,
) -> Result<Node, String> {
    let kind = NodeKind::parse(&record[1]).ok_or_else(|| {
        format!(
            "unknown kind `{}`; expected role, skill or tool",
            &record[1]
        )
    })?;
    let mut node = Node::new(&record[0], kind, &record[2]);
    node.aliases = parse_list(&record[3], "aliases")?;
    node.category = optional(&record[4]);
    node.effort_hours = parse_number(&record[5], "effort_hours")?;
    node.sources = source_ids(graph, &record[6], dir_source)?;
    node.fields = parse_fields(&record[7])?;
    check_cited_sources(graph, &node)?;
    Ok(node)
}

/// A row of `edges.csv` as the change that adds its edge.
fn edge_row(
    graph: &mut Graph,
    record: &csv::StringRecord,
    dir_source: &Source,
) -> Result<Change, String> {
    let kind = EdgeKind::parse(&record[2]).ok_or_else(|| {
        format!(
            "unknown edge kind `{}`; expected requires, uses, covers, prerequisite or transition",
            &record[2]
        )
    })?;
    let mut edge = Edge::new(kind);
    let weight = parse_number(&record[3], "weight")?;
    match (kind, weight) {
        (EdgeKind::Requires, Some(w)) if w.fract() == 0.0 && (1.0..=5.0).contains(&w) => {
            edge.importance = Some(w as u8);
        }
        (EdgeKind::Requires, _) => {
            return Err(format!(
                "the weight of a `requires` row is its importance, a whole number from 1 to 5, not `{}`",
                &record[3]
            ))
        }
        (EdgeKind::Transition, hours) => edge.effort_hours = hours,
        (_, None) => {}
        (_, Some(_)) => {
            return Err(format!(
                "a `{kind}` row has an empty weight in this layout: only `requires` (importance) and `transition` (hours) carry one"
            ))
        }
    }
    edge.sources = source_ids(graph, &record[4], dir_source)?;
    let note = optional(&record[5]);
    let skills = parse_list(&record[6], "skills")?;
    let fields = parse_fields(&record[7])?;
    if note.is_some() || !skills.is_empty() || !fields.is_empty() {
        let extra = edge.extra_mut();
        extra.note = note;
        extra.skills = skills;
        extra.fields = fields;
    }
    if let Some(level) = edge.field("level") {
        match level {
            Value::Number(l) if (0.0..=7.0).contains(l) => {}
            other => {
                return Err(format!(
                    "a level goes from 0 to 7 (O*NET's scale), not {other}"
                ))
            }
        }
    }
    Ok(Change::AddEdge {
        from: record[0].to_string(),
        to: record[1].to_string(),
        edge,
    })
}

/// `profiles.csv`, if there is one, into the graph's profiles.
fn read_profiles(
    dir: &Path,
    graph: &mut Graph,
    record: &mut csv::StringRecord,
    errors: &mut Errors,
) {
    let path = dir.join(CSV_PROFILES);
    let name = path.display().to_string();
    if path.exists() {
        match open_csv(&path, &PROFILES_HEADER) {
            Err(e) => errors.push(e),
            Ok(mut reader) => {
                // Rows of one profile may be anywhere; it is saved once all are read.
                let mut profiles: BTreeMap<String, (usize, Profile)> = BTreeMap::new();
                while let Some(line) = next_row(&mut reader, record, &name, errors) {
                    let at = |msg: String| DataError::at_line(&name, line, msg);
                    let profile_name = record[0].to_string();
                    if profile_name.trim().is_empty() {
                        errors.push(at("a profile needs a name".into()));
                        continue;
                    }
                    let (_, profile) = profiles
                        .entry(profile_name.clone())
                        .or_insert_with(|| (line, Profile::new(profile_name)));
                    let (id, level, state) = (&record[1], &record[2], &record[3]);
                    if id.is_empty() && level.is_empty() && state.is_empty() {
                        continue;
                    }
                    let level = match level.trim().parse::<u8>() {
                        Ok(l) if (1..=5).contains(&l) => l,
                        _ if level.trim().is_empty() => skillgraph_graph::DEFAULT_LEVEL,
                        _ => {
                            errors.push(at(format!("a level goes from 1 to 5, not `{level}`")));
                            continue;
                        }
                    };
                    let state = match state.trim() {
                        "" | "held" => SkillState::Held,
                        "learnt" => SkillState::Learnt,
                        "learning" => SkillState::Learning,
                        other => {
                            errors.push(at(format!(
                                "unknown state `{other}`; expected held, learnt or learning"
                            )));
                            continue;
                        }
                    };
                    if graph.by_id(id).is_none() {
                        errors.push(at(format!("there is no node with id `{id}`")));
                        continue;
                    }
                    profile
                        .entries
                        .insert(id.to_string(), ProfileEntry { level, state });
                }
                for (_, (line, profile)) in profiles {
                    if let Err(e) = graph.apply(Change::SetProfile(profile)) {
                        errors.push(DataError::at_line(&name, line, e.to_string()));
                    }
                }
            }
        }
    }
}

/// The next row into `record`, with its line; `None` at the end. Rows the CSV reader cannot
/// split are reported and skipped.
fn next_row(
    reader: &mut csv::Reader<std::fs::File>,
    record: &mut csv::StringRecord,
    name: &str,
    errors: &mut Errors,
) -> Option<usize> {
    loop {
        match reader.read_record(record) {
            Ok(false) => return None,
            Ok(true) => return Some(record.position().map_or(0, |p| p.line() as usize)),
            Err(e) => {
                errors.push(csv_error(name, &e));
                if !is_row_error(&e) {
                    return None;
                }
            }
        }
    }
}

/// The source keys a node's fields cite (`field_sources`, a salary's `source`, …) are declared,
/// and `field_sources` names only fields the node has.
fn check_cited_sources(graph: &Graph, node: &Node) -> Result<(), String> {
    let known = |v: &Value| match v {
        Value::Text(k) if graph.source_id(k).is_some() => Ok(()),
        other => Err(format!(
            "unknown source `{other}`; {CSV_SOURCES} declares the sources"
        )),
    };
    for (field, value) in &node.fields {
        for record in sourced_records(field, value) {
            if let Some(source) = record.get("source") {
                known(source)?;
            }
        }
    }
    if let Some(Value::Record(per_field)) = node.fields.get(FIELD_SOURCES) {
        for (field, keys) in per_field {
            if !node.fields.contains_key(field) {
                return Err(format!(
                    "`{FIELD_SOURCES}` names `{field}`, which this {} does not have",
                    node.kind
                ));
            }
            if let Value::List(keys) = keys {
                keys.iter().try_for_each(known)?;
            }
        }
    }
    Ok(())
}

/// Whether `dir/nodes.csv` starts with this layout's header rather than the bulk one.
pub(crate) fn is_full_layout(dir: &Path) -> bool {
    let Ok(mut reader) = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(dir.join(crate::CSV_NODES))
    else {
        return false;
    };
    reader
        .headers()
        .is_ok_and(|h| h.iter().eq(NODES_HEADER.iter().copied()))
}
