//! `--format json`: one object per answer, `{"title", "summary", "columns", "rows"}`, its rows
//! as objects keyed by column name, written straight to bytes (building a map of values per row
//! cost more than answering a short statement).

use serde_json::{Map, Number, Value as Json};
use skillgraph_query::result::{Cell, CompactString, ResultTable};

fn json_cell(cell: &Cell) -> Json {
    match cell {
        Cell::Null => Json::Null,
        Cell::Text(s) => Json::String(s.to_string()),
        Cell::Number(n) => {
            if n.fract() == 0.0 && n.abs() < 9e15 {
                Json::Number(Number::from(*n as i64))
            } else {
                Number::from_f64(*n).map_or(Json::Null, Json::Number)
            }
        }
        Cell::Bool(b) => Json::Bool(*b),
        Cell::List(items) => {
            Json::Array(items.iter().map(|i| Json::String(i.to_string())).collect())
        }
    }
}

/// An answer in JSON: its title and summary (`null` where it has none), its columns, and its
/// rows as objects keyed by column name. This is the meaning of the JSON output, which
/// [`write_json`] writes without building it (the test below holds the two together).
#[cfg(test)]
fn json_answer(table: &ResultTable) -> Json {
    let rows = table
        .rows
        .iter()
        .map(|row| {
            let mut obj = Map::new();
            for (col, cell) in table.columns.iter().zip(row) {
                obj.insert(col.to_string(), json_cell(cell));
            }
            Json::Object(obj)
        })
        .collect();
    serde_json::json!({
        "title": table.title,
        "summary": table.summary,
        "columns": table.columns,
        "rows": Json::Array(rows),
    })
}

/// The JSON object keys of a table's columns, serialised with their `:`, each with the column
/// whose value it takes; kept from one answer to the next while the columns stay the same.
#[derive(Default)]
pub struct Keys {
    columns: Vec<CompactString>,
    fields: Vec<(String, usize)>,
}

impl Keys {
    fn of(&mut self, columns: &[CompactString]) -> &[(String, usize)] {
        if self.columns != columns {
            self.columns = columns.to_vec();
            self.fields = json_fields(columns);
        }
        &self.fields
    }
}

/// Keys in the order serde_json's map gives them; a repeated column name keeps its last value.
fn json_fields(columns: &[CompactString]) -> Vec<(String, usize)> {
    let keys: Map<String, Json> = columns
        .iter()
        .map(|c| (c.to_string(), Json::Null))
        .collect();
    keys.keys()
        .map(|k| {
            let last = columns.iter().rposition(|c| c == k).expect("a column");
            let mut key = serde_json::to_string(k).expect("strings serialise");
            key.push(':');
            (key, last)
        })
        .collect()
}

/// The rows of `table` as `--format json` writes them (one array of objects keyed by column),
/// for answers that go elsewhere than standard output (`serve`, whose answers carry the title,
/// summary and columns beside them).
pub fn rows_text(table: &ResultTable) -> String {
    let mut out = Vec::new();
    write_rows(&mut out, table, &json_fields(&table.columns));
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Writes `table`'s answer onto the end of `out`, with the keys of `keys` if its columns are
/// the last table's.
pub fn write(out: &mut Vec<u8>, table: &ResultTable, keys: &mut Keys) {
    write_json(out, table, keys.of(&table.columns));
}

/// [`json_answer`] as text, written directly: the same value without building a map of values
/// per row (which cost more than answering a short statement). `fields` are the table's
/// [`json_fields`].
fn write_json(out: &mut Vec<u8>, table: &ResultTable, fields: &[(String, usize)]) {
    let text = |out: &mut Vec<u8>, s: &Option<String>| {
        serde_json::to_writer(&mut *out, s).expect("strings serialise")
    };
    out.extend_from_slice(b"{\"title\":");
    text(out, &table.title);
    out.extend_from_slice(b",\"summary\":");
    text(out, &table.summary);
    out.extend_from_slice(b",\"columns\":");
    serde_json::to_writer(&mut *out, &table.columns).expect("strings serialise");
    out.extend_from_slice(b",\"rows\":");
    write_rows(out, table, fields);
    out.push(b'}');
}

/// The rows as an array of objects keyed by column.
fn write_rows(out: &mut Vec<u8>, table: &ResultTable, fields: &[(String, usize)]) {
    out.push(b'[');
    for (i, row) in table.rows.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'{');
        for (j, (key, column)) in fields.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            out.extend_from_slice(key.as_bytes());
            write_json_cell(out, &row[*column]);
        }
        out.push(b'}');
    }
    out.push(b']');
}

fn write_json_cell(out: &mut Vec<u8>, cell: &Cell) {
    let written = match cell {
        Cell::Text(s) => serde_json::to_writer(&mut *out, s.as_str()),
        Cell::List(items) => serde_json::to_writer(&mut *out, items),
        other => serde_json::to_writer(&mut *out, &json_cell(other)),
    };
    written.expect("JSON values serialise");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_text_is_the_json_of_the_rows() {
        let mut table = ResultTable::new(["name", "hours", "tags", "note", "ok", "name"])
            .with_title("a \"title\" → ✓")
            .with_summary("3 rows, 12 hours");
        let cells = [
            Cell::text("quote \" back\\slash \u{1} tab\t ünïcode ✓"),
            Cell::Number(97.3),
            Cell::List(vec!["a".into(), "\"b\"".into()]),
            Cell::Null,
            Cell::Bool(true),
            Cell::text("last wins"),
        ];
        table.push(cells.to_vec());
        for n in [
            0.0,
            -3.0,
            1e15,
            9e15,
            1.5e300,
            f64::NAN,
            f64::INFINITY,
            0.1 + 0.2,
        ] {
            table.push(vec![
                Cell::text(""),
                Cell::Number(n),
                Cell::List(Vec::new()),
                Cell::Null,
                Cell::Bool(false),
                Cell::Null,
            ]);
        }
        let mut keys = Keys::default();
        let mut json_text = |table: &ResultTable| {
            let mut out = Vec::new();
            write_json(&mut out, table, keys.of(&table.columns));
            String::from_utf8(out).unwrap()
        };
        let parsed = |text: String| serde_json::from_str::<Json>(&text).expect("valid JSON");
        let expected = json_answer(&table);
        // `serve`'s rows are the same rows.
        assert_eq!(parsed(rows_text(&table)), expected["rows"]);
        assert_eq!(parsed(json_text(&table)), expected);
        // Again with the keys kept from the first table, then with other columns.
        assert_eq!(parsed(json_text(&table)), expected);
        let empty = ResultTable::new(["a"]);
        assert_eq!(parsed(json_text(&empty)), json_answer(&empty));
        // The keys come in one order: title, summary, columns, rows.
        assert!(json_text(&empty)
            .starts_with(r#"{"title":null,"summary":null,"columns":["a"],"rows":[]"#));
    }
}
