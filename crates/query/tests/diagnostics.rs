//! Data-driven syntax errors: `tests/errors/bad_statements.txt` holds statements that must fail,
//! each followed by its diagnostic — kind, where the caret lands (line:column, and how many
//! characters it underlines), message, label and help. Adding a case is adding text;
//! `BLESS=1 cargo test -p skillgraph-query --test diagnostics` rewrites the expectations from
//! what the parser says, for a person to read in the diff.

use std::fmt::Write as _;
use std::path::Path;

use skillgraph_query::{line_col, parse};

const CASES: &str = "tests/errors/bad_statements.txt";

/// A case's statement is written on its `=== ` line, with `\n` for a new line and `\u{…}`
/// for any other character.
fn statement(header: &str) -> String {
    let mut out = String::new();
    let mut rest = header;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix("\\n") {
            out.push('\n');
            rest = after;
        } else if let Some((code, after)) =
            rest.strip_prefix("\\u{").and_then(|r| r.split_once('}'))
        {
            let c = u32::from_str_radix(code, 16).ok().and_then(char::from_u32);
            out.push(c.expect("a \\u{…} escape names a character"));
            rest = after;
        } else {
            out.push('\\');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// What the parser says about `source`, in the file's words.
fn diagnostic(source: &str) -> String {
    let error = match parse(source) {
        Ok(_) => return "parses\n".to_string(),
        Err(error) => error,
    };
    let (line, col) = line_col(source, error.span.start);
    let width = source
        .get(error.span.start..error.span.end)
        .map_or(0, |t| t.chars().count());
    let mut out = format!("kind: {:?}\ncaret: {line}:{col} +{width}\n", error.kind);
    writeln!(out, "message: {}", error.message).unwrap();
    if let Some(label) = &error.label {
        writeln!(out, "label: {label}").unwrap();
    }
    if let Some(help) = &error.help {
        writeln!(out, "help: {help}").unwrap();
    }
    out
}

#[test]
fn bad_statements_give_their_diagnostics() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(CASES);
    let text = std::fs::read_to_string(&path).expect("the cases are readable");
    let mut blessed = String::new();
    let mut failures = Vec::new();
    let mut cases = 0;
    // Everything before the first case is the file's preface, kept as it is.
    let (preface, body) = text.split_at(text.find("\n=== ").map_or(text.len(), |i| i + 1));
    blessed.push_str(preface);
    for case in body.split("=== ").filter(|c| !c.trim().is_empty()) {
        let (header, expected) = case.split_once('\n').unwrap_or((case, ""));
        let source = statement(header);
        let actual = diagnostic(&source);
        cases += 1;
        if expected.trim_end() != actual.trim_end() {
            failures.push(format!(
                "`{header}`\n-- expected\n{expected}-- actual\n{actual}"
            ));
        }
        write!(blessed, "=== {header}\n{actual}\n").unwrap();
    }
    assert!(cases >= 20, "only {cases} cases in {CASES}");
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, blessed.trim_end().to_string() + "\n").unwrap();
        return;
    }
    assert!(
        failures.is_empty(),
        "{} of {cases} cases differ (BLESS=1 rewrites them):\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}
