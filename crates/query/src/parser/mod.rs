//! From source text to [`Script`]: the grammar's lexemes checked for what pest cannot report
//! well (nesting depth, control characters, unclosed strings and brackets), then the pest
//! grammar, then a walk over the pairs that builds the AST and checks what the grammar leaves
//! open (clauses, numbers, escapes). Pest's own errors are translated into words here and
//! nowhere else. A line of one statement without brackets is read by the one statement rule its
//! first word picks ([`one_statement`]), which skips the scan and the other forms.

mod builder;
mod clauses;
mod failure;
mod lexemes;
#[cfg(test)]
mod tests;
mod values;

use pest::error::{ErrorVariant, InputLocation};
use pest::Parser as _;

use crate::ast::{NodeKind, Script, Statement};
use crate::diagnostic::QueryError;
pub(crate) use builder::{parts, Builder, Parsed};
pub(crate) use clauses::ClauseName;
use failure::describe_failure;
pub(crate) use failure::shorten;
use lexemes::Lexed;
pub use lexemes::{lexemes, needs_more_input, split_pieces, Lexeme, LexemeKind};

mod grammar {
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/skillgraph.pest"]
    pub struct QueryGrammar;
}

use grammar::QueryGrammar;
/// The grammar's rules, named as in `grammar/skillgraph.pest`.
pub use grammar::Rule;

/// How deeply `(`, `[` and `{` may nest. Deeper input is refused before pest sees it, because
/// pest descends by recursion.
pub const MAX_NESTING: usize = 128;

// `STATEMENT_KEYWORDS`, `KEYWORDS`, `first_words` and `is_keyword`, read from the grammar.
include!(concat!(env!("OUT_DIR"), "/grammar_words.rs"));

/// What the grammar expects right after `source`, the start of a script as typed so far: the
/// rules pest tried at its end (`kw_of`, `role_ref`, `clause`, `separator`, …). `None` when
/// `source` goes wrong before its end, ends inside a comment, or nests brackets deeper than
/// [`MAX_NESTING`] (pest would descend that deep).
pub fn expected_after(source: &str) -> Option<Vec<Rule>> {
    if Lexed::new(source).too_deep.is_some() {
        return None;
    }
    // A character no rule takes, so that pest stops at the end and says what it tried there.
    let probe = format!("{source}\u{1}");
    let error = QueryGrammar::parse(Rule::script, &probe).err()?;
    let at = match error.location {
        InputLocation::Pos(at) => at,
        InputLocation::Span((at, _)) => at,
    };
    match error.variant {
        ErrorVariant::ParsingError { positives, .. } if at == source.len() => Some(positives),
        _ => None,
    }
}

/// Parses a whole script. Returns the first mistake found.
pub fn parse(source: &str) -> Result<Script, QueryError> {
    match one_statement(source) {
        Some(statement) => Ok(Script {
            statements: vec![statement],
        }),
        None => parse_with_grammar(source),
    }
}

/// The common case, cheaply: a line holding one statement is read by the statement rules its
/// first word picks (`STATEMENT_RULES`, in the grammar's order, as `statement` would try them),
/// so pest tries one or two forms rather than all of them and no lexeme scan runs first. That
/// scan is only needed for what this path refuses: brackets (their depth), control characters
/// and `\` continuations. `None` for anything it does not read to the end of the line (a
/// comment, a second statement, a mistake), which then goes the whole way; a test holds both
/// ways to one answer.
fn one_statement(source: &str) -> Option<Statement> {
    let line = source.strip_suffix('\n').unwrap_or(source);
    let line = line.strip_suffix('\r').unwrap_or(line);
    // Control characters (C1 ones start with 0xC2), brackets and `\`: what the scan checks.
    let refused =
        |b: u8| b < b' ' && b != b'\t' || matches!(b, 0x7f | 0xc2 | b'(' | b'[' | b'{' | b'\\');
    if line.bytes().any(refused) {
        return None;
    }
    let word_end = line
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(line.len());
    let word = &line[..word_end];
    let builder = Builder;
    for &(rule, words) in STATEMENT_RULES {
        if !words.iter().any(|w| w.eq_ignore_ascii_case(word)) {
            continue;
        }
        let Ok(mut pairs) = QueryGrammar::parse(rule, line) else {
            continue;
        };
        let form = pairs.next()?;
        let rest = &line[form.as_span().end()..];
        return match rest.trim_matches([' ', '\t']) {
            "" => builder.form(form).ok(),
            _ => None,
        };
    }
    None
}

/// [`parse`] by the grammar.
fn parse_with_grammar(source: &str) -> Result<Script, QueryError> {
    let lexed = Lexed::new(source);
    if let Some(too_deep) = lexed.too_deep {
        return Err(too_deep);
    }
    match QueryGrammar::parse(Rule::script, source) {
        Ok(mut pairs) => {
            if let Some(problem) = lexed.control_character {
                return Err(problem);
            }
            let builder = Builder;
            match pairs.next() {
                Some(script) => builder.script(script),
                None => Ok(Script {
                    statements: Vec::new(),
                }),
            }
        }
        Err(error) => {
            let position = match error.location {
                InputLocation::Pos(position) => position,
                InputLocation::Span((start, _)) => start,
            };
            if let Some(problem) = lexed.first_problem() {
                if problem.span.start <= position {
                    return Err(problem);
                }
            }
            let (positives, negatives) = match error.variant {
                ErrorVariant::ParsingError {
                    positives,
                    negatives,
                } => (positives, negatives),
                ErrorVariant::CustomError { .. } => (Vec::new(), Vec::new()),
            };
            Err(describe_failure(
                source, &lexed, position, &positives, &negatives,
            ))
        }
    }
}

/// Whether `name` can be written without quotes and read back as the same plain name: it is
/// one bare word, and not taken for a kind prefix (`skill:Git`). Use it to print names that
/// users may copy into a query.
pub fn is_bare_name(name: &str) -> bool {
    // Asks the grammar itself, so this cannot drift from what the parser reads.
    let whole_word = QueryGrammar::parse(Rule::bare_word, name)
        .ok()
        .and_then(|mut pairs| pairs.next())
        .is_some_and(|word| word.as_str().len() == name.len());
    // `skill:Git` names the skill `Git`, so a plain name of that shape needs quotes.
    whole_word
        && name
            .split_once(':')
            .is_none_or(|(prefix, _)| NodeKind::parse(prefix).is_none())
}

/// `name` as it should be written in a query: bare when it can be, else double-quoted with
/// `\"` and `\\` escaped.
pub fn quote_name(name: &str) -> String {
    if is_bare_name(name) {
        return name.to_string();
    }
    let mut quoted = String::with_capacity(name.len() + 2);
    quoted.push('"');
    for c in name.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\t' => quoted.push_str("\\t"),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}
