//! The grammar's `lexemes` rule: a script cut into the pieces a user sees, never failing; the
//! scan over them before pest (what pest cannot report well: nesting depth, control characters,
//! unclosed strings and brackets), and the cutting of a script into statements it allows.

use pest::Parser as _;

use super::{QueryGrammar, Rule, MAX_NESTING};
use crate::ast::Span;
use crate::diagnostic::{ErrorKind, QueryError};

/// Whether a REPL should read another line before parsing: a string is still open, the last
/// line ends with `\`, or a `[` or `{` is still open (new lines are allowed inside them). An
/// open `(` does not count: a condition stays on one line unless continued with `\`. Brackets
/// with a mismatched closing one are complete (and wrong), so the REPL can report them; a
/// string or a `\` still asks for its line, as it does anywhere.
pub fn needs_more_input(source: &str) -> bool {
    let lexed = Lexed::new(source);
    let open_list_or_record = lexed
        .open
        .last()
        .is_some_and(|&(bracket, _)| bracket != '(');
    lexed.unclosed_string.is_some()
        || lexed.ends_with_continuation
        || (open_list_or_record && lexed.unmatched_close.is_none())
}

/// Cuts a script into pieces that parse on their own, in one pass: a piece ends at the first
/// line end where [`needs_more_input`] says the text since the last cut is complete, and the
/// rest of the script is the last piece. Returns (byte offset, text) of each piece.
///
/// The answer is the one asking [`needs_more_input`] at every line end would give; asking it
/// so, over a growing piece, costs the square of the length when a bracket or a string stays
/// open for many lines (minutes for 100,000 lines of a list). Instead the whole script is cut
/// into the grammar's lexemes once: a string is one lexeme whatever its lines, so a line end is
/// a `separator` lexeme outside every string, and only the brackets need following.
pub fn split_pieces(source: &str) -> Vec<(usize, &str)> {
    let mut pieces = Vec::new();
    let mut open: Vec<char> = Vec::new();
    let mut unmatched_close = false;
    let mut start = 0;
    for lexeme in lexemes(source) {
        let text = lexeme.span.text(source);
        match (lexeme.kind, text.chars().next()) {
            (LexemeKind::Punct, Some(c @ ('(' | '[' | '{'))) => open.push(c),
            (LexemeKind::Punct, Some(c @ (')' | ']' | '}'))) => match open.last() {
                Some(&o) if closing_partner(o) == c => {
                    open.pop();
                }
                _ => unmatched_close = true,
            },
            (LexemeKind::Separator, _) if text.ends_with('\n') => {
                let open_list_or_record = open.last().is_some_and(|&b| b != '(');
                if unmatched_close || !open_list_or_record {
                    pieces.push((start, &source[start..lexeme.span.end]));
                    start = lexeme.span.end;
                    open.clear();
                    unmatched_close = false;
                }
            }
            _ => {}
        }
    }
    if start < source.len() {
        pieces.push((start, &source[start..]));
    }
    pieces
}

/// What a piece of text is, as the grammar's `lexemes` rule cuts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LexemeKind {
    /// A bare word: a name, keyword, field path or text value (`CI/CD`, `salary.avg`, `C#`).
    Word,
    Number,
    /// `"…"` or `'…'`; `closed` is false while the quote is still open (to the end).
    Quoted {
        closed: bool,
    },
    /// `$name`.
    Variable,
    /// `->` or `→`.
    Arrow,
    /// Brackets, `,`, `:`, comparison operators.
    Punct,
    /// `;` or a new line (inside brackets too: a new line ends a statement only outside them).
    Separator,
    Comment,
    /// A `\` at the very end: the statement goes on.
    Continuation,
    /// A character no other lexeme takes (`@`, a lone `$`, a control character).
    Stray,
}

/// One lexeme and where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lexeme {
    pub kind: LexemeKind,
    pub span: Span,
}

/// `source` cut into lexemes by the grammar's `lexemes` rule, white space left out.
pub fn lexemes(source: &str) -> Vec<Lexeme> {
    let Ok(mut pairs) = QueryGrammar::parse(Rule::lexemes, source) else {
        // `lexemes` ends in a rule that takes any character: it cannot fail.
        return Vec::new();
    };
    let Some(all) = pairs.next() else {
        return Vec::new();
    };
    all.into_inner()
        .filter_map(|pair| {
            let kind = match pair.as_rule() {
                Rule::bare_word => LexemeKind::Word,
                Rule::number => LexemeKind::Number,
                Rule::quoted => LexemeKind::Quoted { closed: true },
                Rule::open_string => LexemeKind::Quoted { closed: false },
                Rule::variable => LexemeKind::Variable,
                Rule::arrow => LexemeKind::Arrow,
                Rule::separator => LexemeKind::Separator,
                Rule::comment => LexemeKind::Comment,
                Rule::open_continuation => LexemeKind::Continuation,
                Rule::stray => LexemeKind::Stray,
                Rule::EOI => return None,
                _ => LexemeKind::Punct,
            };
            let span = pair.as_span();
            Some(Lexeme {
                kind,
                span: Span::new(span.start(), span.end()),
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The scan before pest: the grammar's lexemes in the user's sense, for "after `limit`" and
// "found `x`", plus what pest cannot report well (depth, control characters, unclosed strings
// and brackets).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TokenKind {
    Word,
    Quoted,
    Variable,
    Arrow,
    Punct,
    /// A new line or `;` outside brackets.
    Separator,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Token {
    pub(super) kind: TokenKind,
    pub(super) span: Span,
}

pub(super) struct Lexed {
    pub(super) tokens: Vec<Token>,
    pub(super) too_deep: Option<QueryError>,
    pub(super) control_character: Option<QueryError>,
    pub(super) unclosed_string: Option<QueryError>,
    pub(super) unmatched_close: Option<QueryError>,
    /// Brackets still open at the end: (the bracket, its offset).
    pub(super) open: Vec<(char, usize)>,
    pub(super) ends_with_continuation: bool,
}

pub(super) fn closing_partner(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

impl Lexed {
    pub(super) fn new(source: &str) -> Lexed {
        let mut lexed = Lexed {
            tokens: Vec::new(),
            too_deep: None,
            control_character: None,
            unclosed_string: None,
            unmatched_close: None,
            open: Vec::new(),
            ends_with_continuation: false,
        };
        for lexeme in lexemes(source) {
            let span = lexeme.span;
            let text = span.text(source);
            let first = text.chars().next().unwrap_or(' ');
            let kind = match lexeme.kind {
                LexemeKind::Word | LexemeKind::Number => TokenKind::Word,
                LexemeKind::Quoted { closed } => {
                    if !closed {
                        lexed.unclosed_string = Some(
                            QueryError::new(Span::new(span.start, span.start + 1), "unclosed string")
                                .with_kind(ErrorKind::UnclosedString)
                                .with_label("this string has no closing quote")
                                .with_help(format!(
                                    "end the string with {first}; write \\{first} for a quote inside it"
                                )),
                        );
                    }
                    TokenKind::Quoted
                }
                LexemeKind::Variable => TokenKind::Variable,
                LexemeKind::Arrow => TokenKind::Arrow,
                LexemeKind::Separator if text == ";" || lexed.open.is_empty() => {
                    TokenKind::Separator
                }
                LexemeKind::Separator => continue,
                LexemeKind::Continuation => {
                    lexed.ends_with_continuation = true;
                    continue;
                }
                // Control characters are Unicode's (`char::is_control`), in a comment or not.
                LexemeKind::Comment => {
                    for (i, c) in text.char_indices() {
                        if c.is_control() && c != '\t' {
                            lexed.note_control_character(span.start + i, c);
                        }
                    }
                    continue;
                }
                LexemeKind::Stray if first.is_control() => {
                    lexed.note_control_character(span.start, first);
                    continue;
                }
                LexemeKind::Stray => TokenKind::Punct,
                LexemeKind::Punct => {
                    match first {
                        '(' | '[' | '{' => lexed.open_bracket(first, span.start),
                        ')' | ']' | '}' => lexed.close_bracket(first, span.start),
                        _ => {}
                    }
                    TokenKind::Punct
                }
            };
            lexed.tokens.push(Token { kind, span });
        }
        lexed
    }

    pub(super) fn open_bracket(&mut self, c: char, at: usize) {
        self.open.push((c, at));
        if self.open.len() > MAX_NESTING && self.too_deep.is_none() {
            self.too_deep = Some(
                QueryError::new(
                    Span::new(at, at + 1),
                    format!("brackets nest too deeply (more than {MAX_NESTING} levels)"),
                )
                .with_kind(ErrorKind::TooDeeplyNested)
                .with_label(format!("level {} starts here", MAX_NESTING + 1))
                .with_help("a query never needs this many; split the condition up"),
            );
        }
    }

    pub(super) fn close_bracket(&mut self, c: char, at: usize) {
        match self.open.last() {
            Some(&(open, _)) if closing_partner(open) == c => {
                self.open.pop();
            }
            _ if self.unmatched_close.is_none() => {
                let (message, label) = match self.open.last() {
                    Some(&(open, _)) => (
                        format!("`{c}` does not close `{open}`"),
                        format!("expected `{}` here", closing_partner(open)),
                    ),
                    None => (format!("unmatched `{c}`"), "nothing opens this".to_string()),
                };
                let mut error = QueryError::new(Span::new(at, at + 1), message)
                    .with_kind(ErrorKind::UnbalancedBracket)
                    .with_label(label);
                if let Some(&(open, open_at)) = self.open.last() {
                    error = error.with_note(
                        Span::new(open_at, open_at + open.len_utf8()),
                        format!("`{open}` opened here"),
                    );
                }
                self.unmatched_close = Some(error);
            }
            _ => {}
        }
    }

    pub(super) fn note_control_character(&mut self, at: usize, c: char) {
        if self.control_character.is_some() {
            return;
        }
        let name = if c == '\0' {
            "a NUL character".to_string()
        } else {
            format!("the control character U+{:04X}", c as u32)
        };
        self.control_character = Some(
            QueryError::new(
                Span::new(at, at + c.len_utf8()),
                format!("{name} is not allowed outside a string"),
            )
            .with_kind(ErrorKind::ControlCharacter)
            .with_label("here")
            .with_help("remove it; is this a text file?"),
        );
    }

    /// The earliest of the problems the scan found that pest would report less clearly.
    pub(super) fn first_problem(&self) -> Option<QueryError> {
        [
            &self.control_character,
            &self.unclosed_string,
            &self.unmatched_close,
        ]
        .into_iter()
        .flatten()
        .min_by_key(|error| error.span.start)
        .cloned()
    }

    /// The token starting at or covering `offset`.
    pub(super) fn token_at(&self, offset: usize) -> Option<Token> {
        let index = self.tokens.partition_point(|t| t.span.end <= offset);
        self.tokens
            .get(index)
            .copied()
            .filter(|t| t.span.start <= offset)
    }

    /// The last token ending at or before `offset`.
    pub(super) fn token_before(&self, offset: usize) -> Option<Token> {
        let index = self.tokens.partition_point(|t| t.span.end <= offset);
        index.checked_sub(1).map(|i| self.tokens[i])
    }

    /// The first word of the statement holding `offset`, lower case.
    pub(super) fn statement_keyword(&self, source: &str, offset: usize) -> Option<String> {
        let index = self.tokens.partition_point(|t| t.span.end <= offset);
        let start = self.tokens[..index]
            .iter()
            .rposition(|t| t.kind == TokenKind::Separator)
            .map_or(0, |i| i + 1);
        let first = self.tokens.get(start)?;
        (first.kind == TokenKind::Word).then(|| first.span.text(source).to_lowercase())
    }

    /// The innermost bracket still open at `offset`.
    pub(super) fn open_bracket_at(&self, source: &str, offset: usize) -> Option<(char, usize)> {
        let mut stack = Vec::new();
        for token in &self.tokens {
            if token.span.start >= offset {
                break;
            }
            if token.kind != TokenKind::Punct {
                continue;
            }
            match token.span.text(source) {
                "(" | "[" | "{" => stack.push(token.span.start),
                ")" | "]" | "}" => {
                    stack.pop();
                }
                _ => {}
            }
        }
        let at = *stack.last()?;
        source[at..].chars().next().map(|c| (c, at))
    }
}
