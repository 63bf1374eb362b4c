//! Every output escapes text for where it goes: names with quotes, backslashes, markup,
//! formula starts, control characters and Unicode are written into a picture (as node ids,
//! labels, details, edge labels, the title and notes) and a table, and read back from each
//! format by its own reader: SVG by usvg's XML parser, CSV by the csv crate, JSON by
//! serde_json, DOT and Mermaid by the unescaping their documentation gives.

use skillgraph_graph::EdgeKind;
use skillgraph_printer::{csv, json, picture, svg, table, TableStyle};
use skillgraph_query::result::{Cell, Picture, PictureEdge, PictureKind, PictureNode, ResultTable};

/// The awkward texts: each is a node's id and label, a detail, an edge label, a cell.
const AWKWARD: &[&str] = &[
    "Quote \" and 'apostrophe'",
    "Back\\slash \\n not a new line",
    "Markup <b>bold</b> & <script>alert(1)</script>",
    "CDATA end ]]> and entity &amp; &#35; #quot;",
    "Mermaid -->|edge| end; subgraph x",
    "Pipe | hash # braces {} (parens) [brackets]",
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\tTabbed",
    "New\nline inside",
    "Arrow → accents éàü, emoji 🚀 👩‍💻, CJK データ",
];

fn awkward_picture() -> Picture {
    let kinds = [
        PictureKind::Role,
        PictureKind::Skill,
        PictureKind::Tool,
        PictureKind::Profile,
    ];
    let mut picture = Picture::default();
    for (i, text) in AWKWARD.iter().enumerate() {
        picture.node(PictureNode {
            id: text.to_string(),
            label: text.to_string(),
            detail: Some(format!("detail {text}")),
            kind: kinds[i % kinds.len()],
            highlighted: i % 3 == 0,
            column: Some(i),
        });
        if i > 0 {
            picture.edges.push(PictureEdge {
                from: AWKWARD[i - 1].to_string(),
                to: text.to_string(),
                kind: Some(EdgeKind::Requires),
                label: Some(format!("label {text}")),
                // On the route: an edge off it between bands is a note, not a label.
                highlighted: true,
            });
        }
    }
    picture.notes = AWKWARD.iter().map(|t| format!("note {t}")).collect();
    picture
}

const TITLE: &str = "Title \"<&>\" ' \\ | # ]]>";

fn awkward_table() -> ResultTable {
    let mut table = ResultTable::new(["name", "tags", "hours"]).with_title(TITLE);
    for text in AWKWARD {
        table.push(vec![
            Cell::text(*text),
            Cell::list([text, "plain"]),
            Cell::Number(-3.5),
        ]);
    }
    table
}

/// `text` as XML character data: what the SVG must hold where `text` is shown.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[test]
fn svg_is_well_formed_xml_with_every_text_escaped() {
    let picture = awkward_picture();
    let text = svg::svg(&picture, Some(TITLE));
    // usvg parses it as XML: no raw `<`, `&` or unbalanced quote from a name broke it.
    let options = resvg::usvg::Options::default();
    resvg::usvg::Tree::from_str(&text, &options).expect("the SVG is well-formed XML");
    assert!(text.contains(&format!("<title>{}</title>", xml(TITLE))));
    for (i, awkward) in AWKWARD.iter().enumerate() {
        // Labels wrap at spaces and details may not; each word of each shows escaped.
        for word in awkward.split(' ') {
            assert!(text.contains(&xml(word)), "{word:?} escaped in the SVG");
        }
        // The edge into each node but the first.
        assert!(
            i == 0 || text.contains(&xml(&format!("label {awkward}"))),
            "the edge label of {awkward:?}"
        );
    }
    assert!(!text.contains("<script>") && !text.contains("<b>"));
}

/// The strings in DOT's double quotes, unescaped as Graphviz reads them.
fn dot_strings(text: &str) -> Vec<String> {
    let mut strings = Vec::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut s = String::new();
        loop {
            match chars.next().expect("a closing quote") {
                '"' => break,
                '\\' => match chars.next().expect("an escaped character") {
                    'n' => s.push('\n'),
                    other => s.push(other),
                },
                other => s.push(other),
            }
        }
        strings.push(s);
    }
    strings
}

#[test]
fn dot_quotes_every_id_and_label() {
    let text = picture::dot(&awkward_picture(), Some(TITLE));
    let strings = dot_strings(&text);
    for awkward in AWKWARD {
        assert!(strings.iter().any(|s| s == awkward), "the id {awkward:?}");
        assert!(
            strings.contains(&format!("{awkward}\ndetail {awkward}")),
            "the label of {awkward:?}"
        );
    }
    assert!(strings.iter().any(|s| s.starts_with(TITLE)), "the title");
    // Outside its strings, every line is a whole DOT statement: no name ended one early.
    let mut outside = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in text.chars() {
        match (quoted, escaped, c) {
            (true, false, '\\') => escaped = true,
            (true, true, _) => escaped = false,
            (_, _, '"') => quoted = !quoted,
            (false, _, c) => outside.push(c),
            _ => {}
        }
    }
    for line in outside.lines() {
        assert!(
            line.ends_with(';') || line.ends_with('{') || line == "}",
            "{line:?}"
        );
    }
}

/// Mermaid's entity codes and line breaks, decoded.
fn mermaid_decoded(text: &str) -> String {
    text.replace("<br/>", "\n")
        .replace("#quot;", "\"")
        .replace("#lt;", "<")
        .replace("#gt;", ">")
        .replace("#124;", "|")
        .replace("#amp;", "&")
        .replace("#35;", "#")
}

#[test]
fn mermaid_labels_hold_no_syntax_of_their_own() {
    let text = picture::mermaid(&awkward_picture(), Some(TITLE));
    let (front, body) = text.split_once("flowchart LR\n").expect("a flowchart");
    // The title is YAML front matter, a JSON string (YAML's double-quoted scalar).
    let title = front
        .lines()
        .find_map(|l| l.strip_prefix("title: "))
        .expect("a title");
    let title: String = serde_json::from_str(title).expect("a JSON string");
    assert!(title.starts_with(TITLE), "{title}");
    for (i, awkward) in AWKWARD.iter().enumerate() {
        let line = body
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("n{i}")))
            .expect("the node's line");
        // Between the shape's opening `"` and its closing one, no `"` of the label's own.
        let inner = &line[line.find('"').unwrap() + 1..line.rfind('"').unwrap()];
        assert!(!inner.contains('"') && !inner.contains('\n'), "{line}");
        assert_eq!(
            mermaid_decoded(inner),
            format!("{awkward}\ndetail {awkward}")
        );
    }
    for line in body.lines().filter(|l| l.contains('|')) {
        // An edge label sits between two pipes and holds none.
        if let Some((_, rest)) = line.split_once("|") {
            let label = rest.split('|').next().unwrap();
            assert!(mermaid_decoded(label).starts_with("label "), "{line}");
            assert_eq!(rest.matches('|').count(), 1, "{line}");
        }
    }
}

#[test]
fn csv_cells_read_back_and_never_start_a_formula() {
    let text = csv::render(&awkward_table());
    let mut reader = ::csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap(), vec!["name", "tags", "hours"]);
    let rows: Vec<::csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), AWKWARD.len());
    for (row, awkward) in rows.iter().zip(AWKWARD) {
        // A spreadsheet runs a cell that starts with = + - @, a tab or a carriage return
        // (OWASP, CSV injection): those get a leading `'`; the rest are as they were.
        let risky = matches!(
            awkward.chars().next(),
            Some('=' | '+' | '-' | '@' | '\t' | '\r')
        );
        let expected = if risky {
            format!("'{awkward}")
        } else {
            awkward.to_string()
        };
        assert_eq!(&row[0], expected);
        assert!(row[1].ends_with("; plain"), "{:?}", &row[1]);
        // Numbers are numbers, a minus sign and all.
        assert_eq!(&row[2], "-3.5");
    }
}

#[test]
fn json_reads_back_exactly() {
    let table = awkward_table();
    let mut out = Vec::new();
    json::write(&mut out, &table, &mut json::Keys::default());
    let answer: serde_json::Value = serde_json::from_slice(&out).expect("JSON");
    assert_eq!(answer["title"], TITLE);
    for (row, awkward) in answer["rows"].as_array().unwrap().iter().zip(AWKWARD) {
        assert_eq!(row["name"], *awkward);
        assert_eq!(row["tags"][0], *awkward);
    }
    let rows: serde_json::Value = serde_json::from_str(&json::rows_text(&table)).unwrap();
    assert_eq!(rows, answer["rows"]);
}

#[test]
fn a_table_shows_every_cell_as_it_is() {
    let style = TableStyle {
        styled: false,
        width: 400,
    };
    let text = table::render(&awkward_table(), style);
    assert!(text.starts_with(TITLE), "{text}");
    for awkward in AWKWARD {
        for line in awkward.lines() {
            assert!(text.contains(line.trim()), "{line:?} in\n{text}");
        }
    }
    // Unstyled: no terminal escape sequences.
    assert!(!text.contains('\u{1b}'));
}
