//! Syntax highlighting of the line being edited: keywords, strings, numbers, profiles and
//! comments, and — the useful part — names that resolve to nothing, underlined in red before
//! the statement runs.

use skillgraph_query::parser::{KEYWORDS, STATEMENT_KEYWORDS};

use crate::complete::Vocabulary;
use crate::syntax::{self, Lexeme, Slot};

const KEYWORD: &str = "\x1b[1;34m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[36m";
const VARIABLE: &str = "\x1b[35m";
const COMMENT: &str = "\x1b[2m";
/// A name that resolves to nothing, an unknown statement or command.
pub const UNKNOWN: &str = "\x1b[4;31m";
const RESET: &str = "\x1b[0m";

/// `line` with ANSI styles.
pub fn highlight(line: &str, vocabulary: &Vocabulary) -> String {
    let mut out = String::with_capacity(line.len() + 32);
    let indent = line.len() - line.trim_start().len();
    if line[indent..].starts_with('.') {
        let end = line[indent..]
            .find(char::is_whitespace)
            .map_or(line.len(), |i| indent + i);
        let command = &line[indent..end];
        let style = if vocabulary.is_command(command) {
            KEYWORD
        } else {
            UNKNOWN
        };
        out.push_str(&line[..indent]);
        paint(&mut out, style, command);
        out.push_str(&line[end..]);
        return out;
    }
    let mut written = 0;
    for token in syntax::tokens(line) {
        out.push_str(&line[written..token.start]);
        let text = token.text(line);
        let names_a_node = matches!(token.slot, Slot::Node(_) | Slot::Start);
        let style = match token.lexeme {
            Lexeme::Comment => Some(COMMENT),
            Lexeme::Quoted { .. } if names_a_node => {
                if vocabulary.resolves(token.qualifier, &token.name(line)) {
                    Some(STRING)
                } else {
                    Some(UNKNOWN)
                }
            }
            Lexeme::Quoted { .. } => Some(STRING),
            Lexeme::Variable => {
                if text.len() > 1 && !vocabulary.has_profile(&text[1..]) {
                    Some(UNKNOWN)
                } else {
                    Some(VARIABLE)
                }
            }
            Lexeme::Word | Lexeme::Number if names_a_node => {
                // `tool:` alone is a name still being typed.
                let name = token.name(line);
                if name.is_empty() || vocabulary.resolves(token.qualifier, &name) {
                    None
                } else {
                    Some(UNKNOWN)
                }
            }
            Lexeme::Number => Some(NUMBER),
            Lexeme::Word => {
                let lower = text.to_lowercase();
                match token.slot {
                    Slot::Statement if STATEMENT_KEYWORDS.contains(&lower.as_str()) => {
                        Some(KEYWORD)
                    }
                    Slot::Statement => Some(UNKNOWN),
                    Slot::Profile { must_exist: true } if !vocabulary.has_profile(text) => {
                        Some(UNKNOWN)
                    }
                    Slot::NewName | Slot::Field | Slot::Value | Slot::Profile { .. } => None,
                    _ if KEYWORDS.contains(&lower.as_str()) => Some(KEYWORD),
                    _ => None,
                }
            }
            Lexeme::Punct | Lexeme::Separator => None,
        };
        match style {
            Some(style) => paint(&mut out, style, text),
            None => out.push_str(text),
        }
        written = token.end;
    }
    out.push_str(&line[written..]);
    out
}

fn paint(out: &mut String, style: &str, text: &str) {
    out.push_str(style);
    out.push_str(text);
    out.push_str(RESET);
}

/// A hint, dimmed.
pub fn dim(text: &str) -> String {
    format!("{COMMENT}{text}{RESET}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary() -> Vocabulary {
        let graph = skillgraph_import::curated_graph().expect("curated data loads");
        let mut v = Vocabulary::from_graph(&graph);
        v.set_profiles(["me".to_string()]);
        v.set_commands(crate::complete::tests::COMMANDS);
        v
    }

    fn painted(line: &str, style: &str) -> Vec<String> {
        let text = highlight(line, &vocabulary());
        text.split(style)
            .skip(1)
            .map(|s| s.split(RESET).next().unwrap_or_default().to_string())
            .collect()
    }

    #[test]
    fn names_that_resolve_to_nothing_are_marked() {
        assert_eq!(painted("learn DevOps -> Kubernets", UNKNOWN), ["Kubernets"]);
        assert_eq!(
            painted(r#"show "Site Reliabilty Engineer""#, UNKNOWN),
            [r#""Site Reliabilty Engineer""#]
        );
        assert_eq!(painted("learn $you -> SRE", UNKNOWN), ["$you"]);
        assert_eq!(painted("shwo SRE", UNKNOWN), ["shwo"]);
        assert_eq!(painted(".fromat json", UNKNOWN), [".fromat"]);
    }

    #[test]
    fn names_that_resolve_and_new_names_are_not() {
        for line in [
            "learn [Linux, K8s] -> \"Site Reliability Engineer\"",
            "show tool:Kubernetes",
            "add skill eBPF { category: observability, effort_hours: 40 }",
            "let me = [Linux]",
            "learn $me -> SRE",
            "roles where salary.avg > 130000 order by salary.avg desc",
            "show tool:",
            ".format json",
        ] {
            assert!(
                painted(line, UNKNOWN).is_empty(),
                "{line}: {:?}",
                painted(line, UNKNOWN)
            );
        }
    }

    #[test]
    fn keywords_strings_and_comments() {
        assert_eq!(
            painted("path Ops -> EM via SRE max 4 # route", KEYWORD),
            ["path", "via", "max"]
        );
        assert_eq!(painted(r#"show "SRE""#, STRING), [r#""SRE""#]);
        assert_eq!(painted("show SRE # why", COMMENT), ["# why"]);
        assert_eq!(painted("path Ops -> EM max 4", NUMBER), ["4"]);
    }

    /// What the shell sees while a statement is typed: every prefix of every documented example,
    /// plus some broken input. Completion and highlighting must cope with all of it.
    #[test]
    fn every_prefix_completes_and_highlights_without_losing_text() {
        let v = vocabulary();
        let odd = [
            "show \"unclosed \\",
            "show tool:'x",
            "learn [[[{{(",
            "]]] -> -> ,,",
            "$ $$ $a",
            "show SRE \\ x",
            "#",
            ". .help",
            "→→→ …",
            "roles where not not (has(x) or requires(",
        ];
        let examples = skillgraph_query::reference::STATEMENT_FORMS
            .iter()
            .flat_map(|f| f.examples.iter().copied());
        for line in examples.chain(odd) {
            for (end, _) in line.char_indices().chain([(line.len(), ' ')]) {
                let prefix = &line[..end];
                let _ = crate::complete::complete(&v, prefix, prefix.len());
                assert_eq!(strip(&highlight(prefix, &v)), prefix);
            }
        }
    }

    fn strip(text: &str) -> String {
        text.split('\x1b')
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part
                } else {
                    part.split_once('m').map_or("", |(_, rest)| rest)
                }
            })
            .collect()
    }

    #[test]
    fn text_is_kept_exactly() {
        let line = "learn  [Linux,\n  Git]  ->\tSRE ; show \"x\\\"y\" # c";
        assert_eq!(strip(&highlight(line, &vocabulary())), line);
    }
}
