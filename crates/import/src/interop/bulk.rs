//! CSV directories for the bulk loaders of Kùzu and LadybugDB (`COPY FROM`) and Neo4j
//! (`neo4j-admin database import`).

use std::fmt::Write as _;

use skillgraph_graph::{EdgeKind, Graph, NodeKind};

use super::{
    edge_properties, edge_table, edges_of, label, node_properties, node_table, nodes_of, rel_type,
    Prop, PropType,
};

fn write_csv(header: &[String], rows: &[Vec<String>]) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(|e| e.to_string())?;
    for row in rows {
        w.write_record(row).map_err(|e| e.to_string())?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

fn sources_csv(graph: &Graph) -> Result<String, String> {
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
    let rows: Vec<Vec<String>> = graph
        .sources()
        .iter()
        .map(|s| {
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
        })
        .collect();
    write_csv(&header, &rows)
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

/// The options of a `COPY … FROM` of `csv`: Kùzu's parallel CSV reader refuses a quoted cell
/// that holds a line break, so a file with one is read by the serial reader.
fn kuzu_copy_options(csv: &str) -> &'static str {
    let quoted_line_break = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .flatten()
        .any(|record| record.iter().any(|cell| cell.contains(['\n', '\r'])));
    if quoted_line_break {
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
pub fn to_kuzu_files(graph: &Graph) -> Result<Vec<(String, String)>, String> {
    let mut files = Vec::new();
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
        let mut table = node_table(graph, &nodes);
        table.lists_as_text_unless(kuzu_list_safe);
        if table.columns.is_empty() {
            table.columns = vec![
                ("id".to_string(), PropType::Text),
                ("name".to_string(), PropType::Text),
            ];
        }
        let columns: Vec<String> = table
            .columns
            .iter()
            .map(|(n, ty)| format!("`{n}` {}", kuzu_type(*ty)))
            .collect();
        let _ = writeln!(
            schema,
            "CREATE NODE TABLE {}({}, PRIMARY KEY (`id`));",
            label(kind),
            columns.join(", ")
        );
        let header: Vec<String> = table.columns.iter().map(|(n, _)| n.clone()).collect();
        let rows: Vec<Vec<String>> = table
            .rows
            .iter()
            .map(|row| header.iter().map(|n| kuzu_cell(row.get(n))).collect())
            .collect();
        let file = node_file(kind);
        let csv = write_csv(&header, &rows)?;
        let options = kuzu_copy_options(&csv);
        let _ = writeln!(copies, "COPY {} FROM '{file}' {options};", label(kind));
        files.push((file, csv));
    }
    for kind in EdgeKind::ALL {
        let edges = edges_of(graph, kind);
        let mut table = edge_table(graph, &edges);
        table.lists_as_text_unless(kuzu_list_safe);
        let (from_kind, to_kind) = kind.endpoints();
        let mut columns = vec![format!("FROM {} TO {}", label(from_kind), label(to_kind))];
        columns.extend(
            table
                .columns
                .iter()
                .map(|(n, ty)| format!("`{n}` {}", kuzu_type(*ty))),
        );
        let _ = writeln!(
            schema,
            "CREATE REL TABLE {}({}, MANY_MANY);",
            rel_type(kind),
            columns.join(", ")
        );
        let mut header = vec!["from".to_string(), "to".to_string()];
        header.extend(table.columns.iter().map(|(n, _)| n.clone()));
        let rows: Vec<Vec<String>> = edges
            .iter()
            .zip(&table.rows)
            .map(|(&e, row)| {
                let (a, b) = graph.edge_endpoints(e);
                let mut cells = vec![graph.node(a).id.clone(), graph.node(b).id.clone()];
                cells.extend(table.columns.iter().map(|(n, _)| kuzu_cell(row.get(n))));
                cells
            })
            .collect();
        let file = edge_file(kind);
        let csv = write_csv(&header, &rows)?;
        let options = kuzu_copy_options(&csv);
        let _ = writeln!(copies, "COPY {} FROM '{file}' {options};", rel_type(kind));
        files.push((file, csv));
    }
    files.push(("load.cypher".to_string(), schema + &copies));
    files.push(("sources.csv".to_string(), sources_csv(graph)?));
    Ok(files)
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
    let mut texts: Vec<String> = Vec::new();
    for ix in graph.node_indices() {
        for (_, p) in node_properties(graph, ix) {
            if let Prop::TextList(items) = p {
                texts.extend(items);
            }
        }
    }
    for e in graph.edge_indices() {
        for (_, p) in edge_properties(graph, e) {
            if let Prop::TextList(items) = p {
                texts.extend(items);
            }
        }
    }
    [';', '|', '¦', '\u{1f}']
        .into_iter()
        .find(|d| !texts.iter().any(|t| t.contains(*d)))
        .unwrap_or(';')
}

/// A directory for `neo4j-admin database import full` (Neo4j 5): `role.csv`, … with `id:ID`
/// and `:LABEL` columns, `requires.csv`, … with `:START_ID`, `:END_ID` and `:TYPE`, typed
/// headers (`importance:long`, `sources:string[]`), `import.sh` with the command, and
/// `sources.csv` for attribution.
pub fn to_neo4j_csv_files(graph: &Graph) -> Result<Vec<(String, String)>, String> {
    let delimiter = array_delimiter(graph);
    let cell = |prop: Option<&Prop>| match prop {
        None => String::new(),
        Some(Prop::TextList(items)) => items.join(&delimiter.to_string()),
        Some(p) => csv_scalar(p),
    };
    let mut files = Vec::new();
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
        let table = node_table(graph, &nodes);
        let mut header: Vec<String> = table
            .columns
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
        let rows: Vec<Vec<String>> = table
            .rows
            .iter()
            .map(|row| {
                let mut cells: Vec<String> = table
                    .columns
                    .iter()
                    .map(|(n, _)| cell(row.get(n)))
                    .collect();
                cells.push(label(kind).to_string());
                cells
            })
            .collect();
        let file = node_file(kind);
        let _ = writeln!(command, "  --nodes={file} \\");
        files.push((file, write_csv(&header, &rows)?));
    }
    for kind in EdgeKind::ALL {
        let edges = edges_of(graph, kind);
        let table = edge_table(graph, &edges);
        let mut header = vec![":START_ID".to_string(), ":END_ID".to_string()];
        header.extend(
            table
                .columns
                .iter()
                .map(|(n, ty)| format!("{n}{}", neo4j_type(*ty))),
        );
        header.push(":TYPE".to_string());
        let rows: Vec<Vec<String>> = edges
            .iter()
            .zip(&table.rows)
            .map(|(&e, row)| {
                let (a, b) = graph.edge_endpoints(e);
                let mut cells = vec![graph.node(a).id.clone(), graph.node(b).id.clone()];
                cells.extend(table.columns.iter().map(|(n, _)| cell(row.get(n))));
                cells.push(rel_type(kind).to_string());
                cells
            })
            .collect();
        let file = edge_file(kind);
        let _ = writeln!(command, "  --relationships={file} \\");
        files.push((file, write_csv(&header, &rows)?));
    }
    command.push_str("  \"${1:-neo4j}\"\n");
    files.push(("import.sh".to_string(), command));
    files.push(("sources.csv".to_string(), sources_csv(graph)?));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Graph {
        crate::curated_graph().expect("curated graph loads")
    }

    #[test]
    fn bulk_layouts_have_the_headers_their_loaders_expect() {
        let graph = small();
        let neo4j = to_neo4j_csv_files(&graph).unwrap();
        let requires = &neo4j.iter().find(|(n, _)| n == "requires.csv").unwrap().1;
        assert!(
            requires.starts_with(":START_ID,:END_ID,importance:long,"),
            "{requires}"
        );
        assert!(requires.lines().next().unwrap().ends_with(",:TYPE"));
        let role = &neo4j.iter().find(|(n, _)| n == "role.csv").unwrap().1;
        assert!(role.starts_with("id:ID,name,"), "{role}");
        let kuzu = to_kuzu_files(&graph).unwrap();
        let load = &kuzu.iter().find(|(n, _)| n == "load.cypher").unwrap().1;
        assert!(load.contains("CREATE REL TABLE REQUIRES(FROM Role TO Skill, `importance` INT64"));
        assert!(load.contains("COPY Role FROM 'role.csv' (HEADER=true);"));
    }

    #[test]
    fn kuzu_load_drops_relationship_tables_before_node_tables_and_reads_line_breaks_serially() {
        let kuzu = to_kuzu_files(&small()).unwrap();
        let load = &kuzu.iter().find(|(n, _)| n == "load.cypher").unwrap().1;
        let at = |text: &str| {
            load.find(text)
                .unwrap_or_else(|| panic!("{text} in {load}"))
        };
        assert!(at("DROP TABLE IF EXISTS TRANSITION;") < at("DROP TABLE IF EXISTS Role;"));
        assert!(at("DROP TABLE IF EXISTS Role;") < at("CREATE NODE TABLE Role("));
        assert_eq!(kuzu_copy_options("id,name\na,b\n"), "(HEADER=true)");
        assert_eq!(
            kuzu_copy_options("id,name\na,\"two\nlines\"\n"),
            "(HEADER=true, PARALLEL=FALSE)"
        );
    }
}
