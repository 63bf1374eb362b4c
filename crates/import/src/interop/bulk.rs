//! CSV directories for the bulk loaders of Kùzu and LadybugDB (`COPY FROM`) and Neo4j
//! (`neo4j-admin database import`).

use std::fmt::Write as _;
use std::io::{self, Write};

use skillgraph_graph::{EdgeKind, Graph, NodeKind};

use super::{
    edge_properties, edge_rows, edges_of, label, node_properties, node_rows, nodes_of, rel_type,
    Columns, Prop, PropType,
};
use crate::export::{csv_io, ExportFiles};

/// Writes one CSV file of the bulk layouts: `header`, then the rows; returns whether a cell
/// holds a line break.
fn write_table(
    out: &mut dyn Write,
    header: &[String],
    rows: impl Iterator<Item = Vec<String>>,
) -> io::Result<bool> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(header).map_err(csv_io)?;
    let mut line_break = false;
    for row in rows {
        line_break |= row.iter().any(|cell| cell.contains(['\n', '\r']));
        w.write_record(&row).map_err(csv_io)?;
    }
    w.flush()?;
    Ok(line_break)
}

fn write_sources(graph: &Graph, out: &mut dyn Write) -> io::Result<()> {
    let header: Vec<String> = [
        "key",
        "title",
        "author",
        "publisher",
        "date",
        "url",
        "licence",
    ]
    .map(String::from)
    .to_vec();
    let rows = graph.sources().iter().map(|s| {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        vec![
            s.key.clone(),
            s.title.clone(),
            opt(&s.author),
            opt(&s.publisher),
            opt(&s.date),
            opt(&s.url),
            opt(&s.licence),
        ]
    });
    write_table(out, &header, rows).map(|_| ())
}

fn csv_scalar(prop: &Prop) -> String {
    match prop {
        Prop::Text(s) => s.clone(),
        Prop::Int(i) => i.to_string(),
        Prop::Float(f) => format!("{f:?}"),
        Prop::Bool(b) => b.to_string(),
        Prop::TextList(items) => items.join(";"),
    }
}

/// A list for Kùzu's CSV reader: `[a,b]`. Its reader splits at commas and keeps quotes as part
/// of an element, so a list column with an element [`kuzu_list_safe`] refuses is written as
/// JSON text instead.
fn kuzu_list(items: &[String]) -> String {
    format!("[{}]", items.join(","))
}

fn kuzu_list_safe(item: &str) -> bool {
    !item.is_empty()
        && item.trim() == item
        && !item.contains([',', '"', '\'', '[', ']', '{', '}', '\\', '\n', '\r'])
}

fn kuzu_type(ty: PropType) -> &'static str {
    match ty {
        PropType::Text => "STRING",
        PropType::Int => "INT64",
        PropType::Float => "DOUBLE",
        PropType::Bool => "BOOLEAN",
        PropType::TextList => "STRING[]",
    }
}

fn kuzu_cell(prop: Option<&Prop>) -> String {
    match prop {
        None => String::new(),
        Some(Prop::TextList(items)) => kuzu_list(items),
        Some(p) => csv_scalar(p),
    }
}

/// The name of an edge kind's file in the bulk layouts: `requires.csv`.
fn edge_file(kind: EdgeKind) -> String {
    format!("{}.csv", kind.as_str())
}

fn node_file(kind: NodeKind) -> String {
    format!("{}.csv", kind.as_str())
}

/// The options of a `COPY … FROM` of a file: Kùzu's parallel CSV reader refuses a quoted cell
/// that holds a line break, so a file with one is read by the serial reader.
fn kuzu_copy_options(line_break: bool) -> &'static str {
    if line_break {
        "(HEADER=true, PARALLEL=FALSE)"
    } else {
        "(HEADER=true)"
    }
}

/// A directory for Kùzu and LadybugDB: one CSV per node table (`role.csv`, …) and per
/// relationship table (`requires.csv`, …), `load.cypher` that drops the eight tables if they
/// exist, creates them and copies the files in (run it from inside the directory: the paths are
/// relative), and `sources.csv` for attribution.
///
/// Dropping first is what makes a second run safe: `COPY` refuses ids a table already holds,
/// and would add every relationship again, so `CREATE … IF NOT EXISTS` alone would still fail.
/// A run leaves the tables holding exactly this export, whatever an earlier one left.
pub fn write_kuzu_files(graph: &Graph, files: &mut dyn ExportFiles) -> io::Result<()> {
    let mut schema = String::from(
        "// skillgraph export for Kùzu and LadybugDB. Run every statement from inside this\n\
         // directory, e.g.\n\
         // python3 -c 'import kuzu; kuzu.Connection(kuzu.Database(\"../graph.kuzu\")).execute(open(\"load.cypher\").read())'\n\
         // (LadybugDB: `import ladybug` and `ladybug.` in place of `kuzu`). Re-running is safe: the\n\
         // tables are dropped and loaded again, so they hold this export and nothing else.\n",
    );
    // Relationship tables first: a node table cannot be dropped while one refers to it.
    for kind in EdgeKind::ALL {
        let _ = writeln!(schema, "DROP TABLE IF EXISTS {};", rel_type(kind));
    }
    for kind in NodeKind::ALL {
        let _ = writeln!(schema, "DROP TABLE IF EXISTS {};", label(kind));
    }
    let mut copies = String::new();
    for kind in NodeKind::ALL {
        let nodes = nodes_of(graph, kind);
        let mut columns = Columns::of_lists_fitting(node_rows(graph, &nodes), kuzu_list_safe);
        if columns.0.is_empty() {
            columns.0 = vec![
                ("id".to_string(), PropType::Text),
                ("name".to_string(), PropType::Text),
            ];
        }
        let typed: Vec<String> = columns
            .0
            .iter()
            .map(|(n, ty)| format!("`{n}` {}", kuzu_type(*ty)))
            .collect();
        let _ = writeln!(
            schema,
            "CREATE NODE TABLE {}({}, PRIMARY KEY (`id`));",
            label(kind),
            typed.join(", ")
        );
        let header: Vec<String> = columns.0.iter().map(|(n, _)| n.clone()).collect();
        let file = node_file(kind);
        let mut line_break = false;
        files.file(&file, &mut |out| {
            let rows = node_rows(graph, &nodes).map(|row| {
                let row = columns.row(row);
                header.iter().map(|n| kuzu_cell(row.get(n))).collect()
            });
            line_break = write_table(out, &header, rows)?;
            Ok(())
        })?;
        let options = kuzu_copy_options(line_break);
        let _ = writeln!(copies, "COPY {} FROM '{file}' {options};", label(kind));
    }
    for kind in EdgeKind::ALL {
        let edges = edges_of(graph, kind);
        let columns = Columns::of_lists_fitting(edge_rows(graph, &edges), kuzu_list_safe);
        let (from_kind, to_kind) = kind.endpoints();
        let mut typed = vec![format!("FROM {} TO {}", label(from_kind), label(to_kind))];
        typed.extend(
            columns
                .0
                .iter()
                .map(|(n, ty)| format!("`{n}` {}", kuzu_type(*ty))),
        );
        let _ = writeln!(
            schema,
            "CREATE REL TABLE {}({}, MANY_MANY);",
            rel_type(kind),
            typed.join(", ")
        );
        let mut header = vec!["from".to_string(), "to".to_string()];
        header.extend(columns.0.iter().map(|(n, _)| n.clone()));
        let file = edge_file(kind);
        let mut line_break = false;
        files.file(&file, &mut |out| {
            let rows = edges.iter().zip(edge_rows(graph, &edges)).map(|(&e, row)| {
                let row = columns.row(row);
                let (a, b) = graph.edge_endpoints(e);
                let mut cells = vec![graph.id_of(a).to_string(), graph.id_of(b).to_string()];
                cells.extend(columns.0.iter().map(|(n, _)| kuzu_cell(row.get(n))));
                cells
            });
            line_break = write_table(out, &header, rows)?;
            Ok(())
        })?;
        let options = kuzu_copy_options(line_break);
        let _ = writeln!(copies, "COPY {} FROM '{file}' {options};", rel_type(kind));
    }
    files.file("load.cypher", &mut |out| {
        out.write_all(schema.as_bytes())?;
        out.write_all(copies.as_bytes())
    })?;
    files.file("sources.csv", &mut |out| write_sources(graph, out))
}

fn neo4j_type(ty: PropType) -> &'static str {
    match ty {
        PropType::Text => "",
        PropType::Int => ":long",
        PropType::Float => ":double",
        PropType::Bool => ":boolean",
        PropType::TextList => ":string[]",
    }
}

/// The array delimiter for neo4j-admin: `;` (its default) unless some list element holds one.
fn array_delimiter(graph: &Graph) -> char {
    const CANDIDATES: [char; 4] = [';', '|', '¦', '\u{1f}'];
    let mut taken = [false; CANDIDATES.len()];
    let mut note = |props: Vec<(String, Prop)>| {
        for (_, p) in props {
            if let Prop::TextList(items) = p {
                for (d, taken) in CANDIDATES.iter().zip(&mut taken) {
                    *taken |= items.iter().any(|t| t.contains(*d));
                }
            }
        }
    };
    for ix in graph.node_indices() {
        note(node_properties(graph, ix));
    }
    for e in graph.edge_indices() {
        note(edge_properties(graph, e));
    }
    CANDIDATES
        .into_iter()
        .zip(taken)
        .find(|(_, taken)| !taken)
        .map_or(';', |(d, _)| d)
}

/// A directory for `neo4j-admin database import full` (Neo4j 5): `role.csv`, … with `id:ID`
/// and `:LABEL` columns, `requires.csv`, … with `:START_ID`, `:END_ID` and `:TYPE`, typed
/// headers (`importance:long`, `sources:string[]`), `import.sh` with the command, and
/// `sources.csv` for attribution.
pub fn write_neo4j_csv_files(graph: &Graph, files: &mut dyn ExportFiles) -> io::Result<()> {
    let delimiter = array_delimiter(graph).to_string();
    let cell = |prop: Option<&Prop>| match prop {
        None => String::new(),
        Some(Prop::TextList(items)) => items.join(&delimiter),
        Some(p) => csv_scalar(p),
    };
    let mut command = String::from(
        "#!/bin/sh\n\
         # Loads this directory into a new Neo4j 5 database (stop it first; it is overwritten).\n\
         # Usage: sh import.sh [DATABASE]   (default: neo4j)\n\
         set -e\n\
         cd \"$(dirname \"$0\")\"\n\
         neo4j-admin database import full --overwrite-destination --multiline-fields=true \\\n",
    );
    let _ = writeln!(command, "  --array-delimiter='{delimiter}' \\");
    for kind in NodeKind::ALL {
        let nodes = nodes_of(graph, kind);
        let columns = Columns::of(node_rows(graph, &nodes));
        let mut header: Vec<String> = columns
            .0
            .iter()
            .map(|(n, ty)| {
                if n == "id" {
                    "id:ID".to_string()
                } else {
                    format!("{n}{}", neo4j_type(*ty))
                }
            })
            .collect();
        if header.is_empty() {
            header = vec!["id:ID".to_string(), "name".to_string()];
        }
        header.push(":LABEL".to_string());
        let file = node_file(kind);
        files.file(&file, &mut |out| {
            let rows = node_rows(graph, &nodes).map(|row| {
                let row = columns.row(row);
                let mut cells: Vec<String> =
                    columns.0.iter().map(|(n, _)| cell(row.get(n))).collect();
                cells.push(label(kind).to_string());
                cells
            });
            write_table(out, &header, rows).map(|_| ())
        })?;
        let _ = writeln!(command, "  --nodes={file} \\");
    }
    for kind in EdgeKind::ALL {
        let edges = edges_of(graph, kind);
        let columns = Columns::of(edge_rows(graph, &edges));
        let mut header = vec![":START_ID".to_string(), ":END_ID".to_string()];
        header.extend(
            columns
                .0
                .iter()
                .map(|(n, ty)| format!("{n}{}", neo4j_type(*ty))),
        );
        header.push(":TYPE".to_string());
        let file = edge_file(kind);
        files.file(&file, &mut |out| {
            let rows = edges.iter().zip(edge_rows(graph, &edges)).map(|(&e, row)| {
                let row = columns.row(row);
                let (a, b) = graph.edge_endpoints(e);
                let mut cells = vec![graph.id_of(a).to_string(), graph.id_of(b).to_string()];
                cells.extend(columns.0.iter().map(|(n, _)| cell(row.get(n))));
                cells.push(rel_type(kind).to_string());
                cells
            });
            write_table(out, &header, rows).map(|_| ())
        })?;
        let _ = writeln!(command, "  --relationships={file} \\");
    }
    command.push_str("  \"${1:-neo4j}\"\n");
    files.file("import.sh", &mut |out| out.write_all(command.as_bytes()))?;
    files.file("sources.csv", &mut |out| write_sources(graph, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Graph {
        crate::curated_graph().expect("curated graph loads")
    }

    fn files(
        graph: &Graph,
        write: fn(&Graph, &mut dyn ExportFiles) -> io::Result<()>,
    ) -> Vec<(String, String)> {
        let mut files = crate::export::InMemory::default();
        write(graph, &mut files).unwrap();
        files.0
    }

    #[test]
    fn bulk_layouts_have_the_headers_their_loaders_expect() {
        let graph = small();
        let neo4j = files(&graph, write_neo4j_csv_files);
        let requires = &neo4j.iter().find(|(n, _)| n == "requires.csv").unwrap().1;
        assert!(
            requires.starts_with(":START_ID,:END_ID,importance:long,"),
            "{requires}"
        );
        assert!(requires.lines().next().unwrap().ends_with(",:TYPE"));
        let role = &neo4j.iter().find(|(n, _)| n == "role.csv").unwrap().1;
        assert!(role.starts_with("id:ID,name,"), "{role}");
        let kuzu = files(&graph, write_kuzu_files);
        let load = &kuzu.iter().find(|(n, _)| n == "load.cypher").unwrap().1;
        assert!(load.contains("CREATE REL TABLE REQUIRES(FROM Role TO Skill, `importance` INT64"));
        assert!(load.contains("COPY Role FROM 'role.csv' (HEADER=true);"));
    }

    #[test]
    fn kuzu_load_drops_relationship_tables_before_node_tables_and_reads_line_breaks_serially() {
        let kuzu = files(&small(), write_kuzu_files);
        let load = &kuzu.iter().find(|(n, _)| n == "load.cypher").unwrap().1;
        let at = |text: &str| {
            load.find(text)
                .unwrap_or_else(|| panic!("{text} in {load}"))
        };
        assert!(at("DROP TABLE IF EXISTS TRANSITION;") < at("DROP TABLE IF EXISTS Role;"));
        assert!(at("DROP TABLE IF EXISTS Role;") < at("CREATE NODE TABLE Role("));
        assert!(load.contains("COPY Role FROM 'role.csv' (HEADER=true);"));
        let text =
            "[[source]]\nkey = \"s\"\ntitle = \"S\"\n\n[[skill]]\nid = \"a\"\nname = \"A\"\n\
                    description = \"two\\nlines\"\nsources = [\"s\"]\n";
        let graph = crate::load_graphdata(&[crate::DataText {
            name: "t.toml",
            text,
        }])
        .unwrap();
        let kuzu = files(&graph, write_kuzu_files);
        let load = &kuzu.iter().find(|(n, _)| n == "load.cypher").unwrap().1;
        assert!(load.contains("COPY Skill FROM 'skill.csv' (HEADER=true, PARALLEL=FALSE);"));
        assert!(load.contains("COPY Role FROM 'role.csv' (HEADER=true);"));
    }
}
