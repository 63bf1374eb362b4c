//! `--format csv`: one table, its text cells made safe to open in a spreadsheet.

use skillgraph_query::result::{Cell, ResultTable};

pub fn render(table: &ResultTable) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(&table.columns);
    for row in &table.rows {
        let _ = w.write_record(row.iter().map(|c| match c {
            Cell::Number(_) => c.display("; "),
            text => spreadsheet_safe(text.display("; ")),
        }));
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// A text cell as a spreadsheet shows it and never runs it: one that starts with a character a
/// spreadsheet reads as the start of a formula (`=`, `+`, `-`, `@`, a tab or a carriage
/// return) gets a leading `'`, OWASP's advice against CSV injection. Numbers are numbers and
/// stay as they are; the CSV export, which must import back exactly, is not an answer and
/// keeps its cells.
fn spreadsheet_safe(text: String) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text,
    }
}
