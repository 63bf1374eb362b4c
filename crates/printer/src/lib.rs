//! How skillgraph writes answers: a [`ResultTable`] as a table, JSON or CSV, and its
//! [`Picture`](skillgraph_query::result::Picture) as Graphviz DOT, a Mermaid flowchart or an
//! SVG drawing (laid out in [`svg::layout`], written in [`svg`]). Everything here turns values
//! into text and returns it, except [`console`], which writes answers onto the two streams its
//! caller hands it; nothing here opens a stream or a file or asks a terminal anything (the
//! caller measures the terminal's width). Start reading at [`render`].

pub mod console;
pub mod csv;
pub mod json;
pub mod picture;
pub mod svg;
pub mod table;

use skillgraph_query::result::ResultTable;

pub use table::TableStyle;

/// How answers are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A table for people ([`table`]).
    Table,
    /// One object per answer ([`json`]).
    Json,
    /// The table of one answer ([`csv`]).
    Csv,
    /// The answer's picture as Graphviz DOT ([`picture::dot`]).
    Dot,
    /// The picture as a Mermaid flowchart ([`picture::mermaid`]).
    Mermaid,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Table,
        Format::Json,
        Format::Csv,
        Format::Dot,
        Format::Mermaid,
    ];

    /// The format named `text` (`json`, `JSON`), as `--format` and `.format` take it.
    pub fn parse(text: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(text))
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Dot => "dot",
            Format::Mermaid => "mermaid",
        }
    }

    /// Whether the format draws the answer's picture rather than its table.
    pub fn is_picture(self) -> bool {
        matches!(self, Format::Dot | Format::Mermaid)
    }
}

/// Renders an answer in `format` onto the end of `out`; an answer without a picture is nothing
/// in a picture format (the caller says so where it says things). `keys` carries JSON's keys
/// from one answer to the next.
///
/// In JSON and CSV the notes (totals, limits hit) are not part of the data and are left out,
/// for the caller to show apart (the binary: on standard error), so the data stays parseable.
pub fn render(
    out: &mut Vec<u8>,
    table: &ResultTable,
    format: Format,
    style: TableStyle,
    keys: &mut json::Keys,
) {
    let text = match format {
        Format::Table => table::render(table, style),
        Format::Json => {
            json::write(out, table, keys);
            out.push(b'\n');
            return;
        }
        Format::Csv => csv::render(table),
        Format::Dot | Format::Mermaid => match &table.picture {
            Some(p) if format == Format::Dot => picture::dot(p, table.heading().as_deref()),
            Some(p) => picture::mermaid(p, table.heading().as_deref()),
            None => String::new(),
        },
    };
    out.extend_from_slice(text.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_is_read_back_from_its_name_in_any_case() {
        for format in Format::ALL {
            assert_eq!(Format::parse(format.name()), Some(format));
            assert_eq!(Format::parse(&format.name().to_uppercase()), Some(format));
        }
        assert_eq!(Format::parse("svg"), None);
    }
}
