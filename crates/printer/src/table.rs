//! `--format table`: an answer as a person reads it, its table drawn by comfy-table to a width
//! the caller measured.

use comfy_table::{presets, Attribute, Cell as TableCell, ContentArrangement, Table};
use skillgraph_query::result::{ResultTable, TableKind};

/// How a table is drawn: in bold and with colour where `styled`, and fitted to `width`
/// columns (the terminal's, which the caller measures: the printer asks no terminal).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableStyle {
    pub styled: bool,
    pub width: u16,
}

/// The answer as text: heading, table (or its messages), notes, each line ending in `\n`.
pub fn render(table: &ResultTable, style: TableStyle) -> String {
    // Ids are for programs; equal names are told apart in the names themselves.
    let table = &*table.for_people();
    let mut out = String::new();
    if table.kind == TableKind::Message {
        for row in &table.rows {
            out.push_str(&row[0].display(", "));
            out.push('\n');
        }
        for note in &table.notes {
            out.push_str(note);
            out.push('\n');
        }
        return out;
    }
    if let Some(heading) = table.heading() {
        out.push_str(&heading);
        out.push('\n');
    }
    if table.rows.is_empty() {
        out.push_str("(no rows)\n");
    } else {
        out.push_str(&grid(table, style).to_string());
        out.push('\n');
    }
    for note in &table.notes {
        out.push_str(note);
        out.push('\n');
    }
    out
}

fn grid(table: &ResultTable, style: TableStyle) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(style.width);
    // A column with nothing in any row (levels on a graph without them) only takes width
    // from the others; JSON and CSV keep every column, so programs see one shape.
    let shown: Vec<usize> = (0..table.columns.len())
        .filter(|&i| {
            table
                .rows
                .iter()
                .any(|r| r.get(i).is_some_and(|c| !c.display(", ").is_empty()))
        })
        .collect();
    let header: Vec<TableCell> = shown
        .iter()
        .map(|&i| &table.columns[i])
        .map(|c| {
            let cell = TableCell::new(c);
            if style.styled {
                cell.add_attribute(Attribute::Bold)
            } else {
                cell
            }
        })
        .collect();
    t.set_header(header);
    for row in &table.rows {
        t.add_row(
            shown
                .iter()
                .map(|&i| row.get(i).map_or_else(String::new, |c| c.display("\n"))),
        );
    }
    if style.styled {
        // `--color always` off a terminal too.
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    t
}
