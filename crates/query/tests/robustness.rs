//! Whatever the input, parsing and rendering return; spans stay inside the source; the parser
//! and the grammar never disagree (no "internal error").

use proptest::prelude::*;
use skillgraph_query::ast::{Span, StatementKind};
use skillgraph_query::parser::quote_name;
use skillgraph_query::{needs_more_input, parse, render};

/// Pieces a query is made of, and pieces that break it.
const TOKENS: &[&str] = &[
    "show",
    "roles",
    "skills",
    "tools",
    "of",
    "path",
    "paths",
    "compare",
    "gap",
    "learn",
    "let",
    "closest",
    "add",
    "link",
    "unlink",
    "set",
    "remove",
    "via",
    "avoid",
    "max",
    "limit",
    "by",
    "effort",
    "min",
    "importance",
    "where",
    "order",
    "asc",
    "desc",
    "and",
    "or",
    "not",
    "has",
    "in",
    "contains",
    "starts",
    "with",
    "true",
    "false",
    "role",
    "skill",
    "tool",
    "requires",
    "uses",
    "covers",
    "prerequisite",
    "transition",
    "skill:Git",
    "tool:\"GitLab CI\"",
    "SRE",
    "DevOps",
    "C++",
    "C#",
    "CI/CD",
    "Node.js",
    "onet:15-1252.00",
    "é",
    "データ",
    "$me",
    "$",
    "\"Site Reliability\"",
    "'x'",
    "\"",
    "'",
    "\"a\\qb\"",
    "->",
    "→",
    "-",
    ">",
    ",",
    ";",
    ":",
    "=",
    "!=",
    "<",
    "<=",
    ">=",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "#",
    "# comment",
    "\n",
    "\r\n",
    "\\",
    "\\\n",
    "\t",
    " ",
    "0",
    "1",
    "-2.5",
    "1e999",
    "99999999999999999999",
    "salary.avg",
    ".",
    "..",
    "\0",
    "\u{7}",
    "\u{feff}",
    "requires(",
    "has(",
    "…",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(TOKENS), prop::bool::ANY), 0..40).prop_map(
        |tokens| {
            let mut out = String::new();
            for (token, space) in tokens {
                out.push_str(token);
                if space {
                    out.push(' ');
                }
            }
            out
        },
    )
}

fn check_span(source: &str, span: Span) {
    assert!(span.start <= span.end, "{span:?} in {source:?}");
    assert!(span.end <= source.len(), "{span:?} in {source:?}");
    assert!(source.is_char_boundary(span.start) && source.is_char_boundary(span.end));
}

fn check(source: &str) {
    let _ = needs_more_input(source);
    match parse(source) {
        Ok(script) => {
            for statement in &script.statements {
                check_span(source, statement.span);
                assert!(!statement.span.is_empty());
            }
        }
        Err(error) => {
            check_span(source, error.span);
            for note in &error.notes {
                check_span(source, note.span);
            }
            assert!(
                !error.message.contains("internal error"),
                "{source:?}: {}",
                error.message
            );
            let plain = render(&error, "query", source, false);
            assert!(plain.contains(&error.message));
            let _ = render(&error, "query", source, true);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_text_never_panics(source in "\\PC{0,120}") {
        check(&source);
    }

    #[test]
    fn random_bytes_as_text_never_panic(source in any::<String>()) {
        check(&source);
    }

    #[test]
    fn token_soups_never_panic(source in token_soup()) {
        check(&source);
    }

    #[test]
    fn soups_after_a_valid_start_never_panic(
        start in prop::sample::select(&[
            "path A -> B ", "roles where ", "learn [a, b] -> c ", "link A requires B ",
            "set A x = ", "add skill x { ", "let me = [", "closest $me ",
        ][..]),
        rest in token_soup(),
    ) {
        check(&format!("{start}{rest}"));
    }

    #[test]
    fn any_name_survives_quote_name(name in "\\PC{1,30}") {
        prop_assume!(!name.trim().is_empty());
        let source = format!("show {}", quote_name(&name));
        let script = parse(&source).unwrap_or_else(|e| panic!("{source:?}: {}", e.message));
        let StatementKind::Show(node) = &script.statements[0].kind else { panic!() };
        prop_assert_eq!(&node.name, &name);
        prop_assert_eq!(node.kind, None);
    }
}
