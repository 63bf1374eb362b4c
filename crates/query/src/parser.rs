//! From source text to [`Script`]: the grammar's lexemes checked for what pest cannot report
//! well (nesting depth, control characters, unclosed strings and brackets), then the pest
//! grammar, then a walk over the pairs that builds the AST and checks what the grammar leaves
//! open (clauses, numbers, escapes). Pest's own errors are translated into words here and
//! nowhere else. A line of one statement without brackets is read by the one statement rule its
//! first word picks ([`one_statement`]), which skips the scan and the other forms.

use std::collections::BTreeMap;

use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;
use pest::Parser as _;

use crate::ast::ToolScope;
use crate::ast::{
    ClosestQuery, CompareOp, Constraints, EdgeKind, Expr, ExprKind, FieldPath, GapQuery,
    LearnQuery, LevelItem, ListQuery, Literal, NodeKind, NodeRef, OrderBy, PathQuery, PathsQuery,
    Profile, Prop, RoleFilter, RouteFilter, Script, Span, Spanned, Start, Statement, StatementKind,
    UnlockQuery, Value,
};
use crate::diagnostic::{ErrorKind, QueryError};

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
/// `source` goes wrong before its end, or ends inside a comment.
pub fn expected_after(source: &str) -> Option<Vec<Rule>> {
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

// ---------------------------------------------------------------------------------------------
// The scan before pest: the grammar's lexemes in the user's sense, for "after `limit`" and
// "found `x`", plus what pest cannot report well (depth, control characters, unclosed strings
// and brackets).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenKind {
    Word,
    Quoted,
    Variable,
    Arrow,
    Punct,
    /// A new line or `;` outside brackets.
    Separator,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: TokenKind,
    span: Span,
}

struct Lexed {
    tokens: Vec<Token>,
    too_deep: Option<QueryError>,
    control_character: Option<QueryError>,
    unclosed_string: Option<QueryError>,
    unmatched_close: Option<QueryError>,
    /// Brackets still open at the end: (the bracket, its offset).
    open: Vec<(char, usize)>,
    ends_with_continuation: bool,
}

fn closing_partner(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

impl Lexed {
    fn new(source: &str) -> Lexed {
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

    fn open_bracket(&mut self, c: char, at: usize) {
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

    fn close_bracket(&mut self, c: char, at: usize) {
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

    fn note_control_character(&mut self, at: usize, c: char) {
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
    fn first_problem(&self) -> Option<QueryError> {
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
    fn token_at(&self, offset: usize) -> Option<Token> {
        let index = self.tokens.partition_point(|t| t.span.end <= offset);
        self.tokens
            .get(index)
            .copied()
            .filter(|t| t.span.start <= offset)
    }

    /// The last token ending at or before `offset`.
    fn token_before(&self, offset: usize) -> Option<Token> {
        let index = self.tokens.partition_point(|t| t.span.end <= offset);
        index.checked_sub(1).map(|i| self.tokens[i])
    }

    /// The first word of the statement holding `offset`, lower case.
    fn statement_keyword(&self, source: &str, offset: usize) -> Option<String> {
        let index = self.tokens.partition_point(|t| t.span.end <= offset);
        let start = self.tokens[..index]
            .iter()
            .rposition(|t| t.kind == TokenKind::Separator)
            .map_or(0, |i| i + 1);
        let first = self.tokens.get(start)?;
        (first.kind == TokenKind::Word).then(|| first.span.text(source).to_lowercase())
    }

    /// The innermost bracket still open at `offset`.
    fn open_bracket_at(&self, source: &str, offset: usize) -> Option<(char, usize)> {
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

// ---------------------------------------------------------------------------------------------
// Pest's failures, in words.

/// What a rule stands for in "expected …". `None` for rules never worth naming.
fn rule_words(rule: Rule) -> Option<&'static str> {
    use Rule as R;
    Some(match rule {
        R::statement | R::script => "a statement such as `show`, `path` or `learn`",
        R::node_ref
        | R::role_ref
        | R::held_ref
        | R::node_name
        | R::kind_qualifier
        | R::bare_word
        | R::quoted => "a node name or a quoted string",
        R::start => "a node name, a profile list `[…]` or a `$variable`",
        R::variable => "a `$variable`",
        R::profile => "a profile list `[…]`",
        R::variable_name => "a variable name",
        R::arrow => "`->`",
        R::comma => "`,`",
        R::colon => "`:`",
        R::equals => "`=`",
        R::open_paren => "`(`",
        R::close_paren => "`)`",
        R::open_bracket => "`[`",
        R::close_bracket => "`]`",
        R::open_brace | R::props | R::record => "`{`",
        R::close_brace => "`}`",
        R::separator | R::EOI => "the end of the statement",
        R::clause => "a clause",
        R::list_clause => "`where`, `order by`, `limit`, `from`, `keep pay` or `job zone within`",
        R::from_clause | R::kw_from => "`from`",
        // Optional after every name: naming it in "expected …" would only add noise.
        R::source_qualifier => return None,
        R::source_name => "a dataset (`curated`, `onet`, `esco`) or a source id",
        R::where_clause | R::kw_where => "`where`",
        R::order_clause | R::kw_order => "`order by`",
        R::limit_clause | R::kw_limit => "`limit`",
        R::via_clause | R::kw_via => "`via`",
        R::avoid_clause | R::kw_avoid => "`avoid`",
        R::max_clause | R::kw_max => "`max`",
        R::by_effort => "`by effort`",
        R::min_importance | R::kw_min => "`min importance`",
        R::number => "a number",
        R::value | R::list | R::boolean | R::text_word => {
            "a value (text, a number, `true`, `false`, a list `[…]` or a record `{…}`)"
        }
        R::field | R::field_name => "a field name",
        R::field_path | R::identifier => "a field name such as `category` or `salary.avg`",
        R::condition
        | R::all_of
        | R::negation
        | R::test
        | R::comparison
        | R::edge_test
        | R::has_test
        | R::edge_predicate
        | R::kw_not
        | R::kw_has => {
            "a condition such as `category = \"observability\"` or `requires(Kubernetes)`"
        }
        R::in_test
        | R::text_test
        | R::ordering_test
        | R::comparison_operator
        | R::starts_with
        | R::kw_contains
        | R::kw_in
        | R::kw_starts => {
            "a comparison (`=`, `!=`, `<`, `<=`, `>`, `>=`, `contains`, `starts with` or `in`)"
        }
        R::edge_kind => {
            "an edge kind (`requires`, `uses`, `covers`, `prerequisite` or `transition`)"
        }
        R::node_kind | R::node_kind_word => "a node kind (`role`, `skill` or `tool`)",
        R::list_kind => "`roles`, `skills` or `tools`",
        R::sort_direction => "`asc` or `desc`",
        R::kw_and => "`and`",
        R::kw_or => "`or`",
        R::kw_with => "`with`",
        R::kw_of => "`of`",
        R::kw_by => "`by`",
        R::kw_effort => "`effort`",
        R::kw_importance => "`importance`",
        _ => return None,
    })
}

/// The clauses each statement takes, by its keyword. The grammar lets any clause follow any
/// statement that takes clauses, so that a misplaced one gets its own message (`limit` does not
/// apply to `path`) rather than pest's "expected …".
const CLAUSES_OF: &[(&str, &[ClauseName])] = {
    use ClauseName as C;
    &[
        (
            "path",
            &[
                C::Via,
                C::Avoid,
                C::Max,
                C::ByEffort,
                C::MinImportance,
                C::MaxHours,
                C::KeepPay,
                C::ZoneWithin,
            ],
        ),
        ("paths", &[C::Via, C::Avoid, C::Max, C::Limit]),
        ("gap", &[C::MinImportance, C::Tools]),
        ("why", &[C::MinImportance]),
        (
            "learn",
            &[
                C::Via,
                C::Avoid,
                C::MinImportance,
                C::At,
                C::MaxHours,
                C::Tools,
            ],
        ),
        (
            "closest",
            &[
                C::MinImportance,
                C::Limit,
                C::Explain,
                C::From,
                C::KeepPay,
                C::ZoneWithin,
            ],
        ),
        ("unlock", &[C::MinImportance, C::Limit]),
        ("neighbourhood", &[C::Depth]),
        ("neighborhood", &[C::Depth]),
        (
            "roles",
            &[C::Where, C::OrderBy, C::Limit, C::From, C::KeepPay],
        ),
        ("skills", &[C::Where, C::OrderBy, C::Limit, C::From]),
        ("tools", &[C::Where, C::OrderBy, C::Limit, C::From]),
    ]
};

fn clauses_of(keyword: &str) -> &'static [ClauseName] {
    CLAUSES_OF
        .iter()
        .find(|(k, _)| *k == keyword)
        .map_or(&[], |(_, clauses)| clauses)
}

fn usage_help(keyword: &str) -> Option<String> {
    let forms: Vec<&str> = crate::reference::STATEMENT_FORMS
        .iter()
        .filter(|form| form.keyword == keyword)
        .map(|form| form.usage)
        .collect();
    match forms.as_slice() {
        [] => None,
        [one] => Some(format!("the form is `{one}`")),
        many => Some(format!(
            "the forms are {}",
            many.iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(" and ")
        )),
    }
}

/// The closest of `candidates` to `word`, if close enough to be a likely typo.
fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    let word_chars = word.chars().count();
    candidates
        .into_iter()
        // The distance is at least the difference in length, and costs the product of the
        // lengths: a megabyte-long word is no typo of a keyword, so skip before measuring.
        .filter(|candidate| {
            word_chars.abs_diff(candidate.chars().count()) <= (candidate.chars().count() / 3).max(1)
        })
        .map(|candidate| (strsim::damerau_levenshtein(&word, candidate), candidate))
        .filter(|&(distance, candidate)| {
            distance > 0 && distance <= (candidate.chars().count() / 3).max(1)
        })
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, candidate)| candidate)
}

fn join_alternatives(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// `text` fit for a one-line message: at most 40 characters, control characters escaped.
pub(crate) fn shorten(text: &str) -> String {
    const MAX: usize = 40;
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

fn describe_failure(
    source: &str,
    lexed: &Lexed,
    position: usize,
    positives: &[Rule],
    negatives: &[Rule],
) -> QueryError {
    let found = lexed.token_at(position);
    let found_word = found
        .filter(|t| t.kind == TokenKind::Word)
        .map(|t| t.span.text(source));
    let rest = source.get(position..).unwrap_or("");
    let at_line_end = rest.starts_with(['\n', '\r']);
    let (found_span, found_text) = match found {
        _ if at_line_end => (Span::at(position), "the end of the line".to_string()),
        Some(token) if token.kind == TokenKind::Separator && token.span.text(source) != ";" => (
            Span::at(token.span.start),
            "the end of the line".to_string(),
        ),
        Some(token) => (
            token.span,
            format!("`{}`", shorten(token.span.text(source))),
        ),
        None if position >= source.len() => (Span::at(source.len()), "the end of the input".into()),
        None => {
            let c = rest.chars().next().unwrap_or(' ');
            (
                Span::new(position, position + c.len_utf8()),
                format!("`{}`", shorten(&c.to_string())),
            )
        }
    };
    let previous = lexed
        .token_before(position)
        .filter(|t| t.kind != TokenKind::Separator);
    let previous_text = previous.map(|t| shorten(t.span.text(source)));
    let previous_is_name = previous.is_some_and(|t| {
        t.kind == TokenKind::Word
            && t.span.text(source).parse::<f64>().is_err()
            && !KEYWORDS.contains(&t.span.text(source).to_lowercase().as_str())
    });
    let keyword = lexed.statement_keyword(source, position);
    let has = |rule: Rule| {
        positives.contains(&rule) || (rule == Rule::statement && positives.contains(&Rule::script))
    };

    // `Kubernetes@` or `Kubernetes @onet`: a source qualifier is `@` and a word, written
    // against the name.
    let at_sign = if rest.starts_with('@') {
        Some(position)
    } else {
        source[..position].ends_with('@').then(|| position - 1)
    };
    if let Some(at_sign) = at_sign {
        let at = Span::new(at_sign, at_sign + 1);
        let spaced = source[..at_sign].ends_with([' ', '\t']);
        let message = if spaced {
            "`@` goes right after the name, without a space"
        } else {
            "`@` needs a dataset or source id after it"
        };
        return QueryError::new(at, message)
            .with_kind(ErrorKind::Syntax)
            .with_label("here")
            .with_help("e.g. `Kubernetes@onet`, `\"DevOps Engineer\"@esco`; the datasets are `curated`, `onet` and `esco`");
    }
    // A name with a space in it, unquoted: `path Build Engineer -> SRE`. Suggest quotes only
    // when what was expected turns up later in the statement, or when a clause could follow.
    let rest_of_statement = || {
        let from = lexed.tokens.partition_point(|t| t.span.start <= position);
        lexed.tokens[from..]
            .iter()
            .take_while(|t| t.kind != TokenKind::Separator)
            .copied()
    };
    let comes_later = |rule: Rule| {
        has(rule) && rest_of_statement().any(|t| first_words(rule).contains(&t.span.text(source)))
    };
    let expected_later = (has(Rule::arrow)
        && rest_of_statement().any(|t| t.kind == TokenKind::Arrow))
        || comes_later(Rule::comma)
        || comes_later(Rule::equals)
        || (has(Rule::edge_kind)
            && rest_of_statement().any(|t| EdgeKind::parse(t.span.text(source)).is_some()))
        || has(Rule::clause)
        || has(Rule::list_clause)
        || has(Rule::separator)
        || has(Rule::EOI);
    let quote_help = match (previous_is_name && expected_later, previous, found_word) {
        (true, Some(previous), Some(word)) => {
            let joined = format!("{} {word}", previous.span.text(source));
            Some(format!(
                "if `{joined}` is one name, quote it: {}",
                quote_name(&joined)
            ))
        }
        _ => None,
    };

    // The first word of a statement.
    if has(Rule::statement) {
        if let Some(word) = found_word {
            let help = match did_you_mean(word, STATEMENT_KEYWORDS.iter().copied()) {
                Some(keyword) => format!("did you mean `{keyword}`?"),
                // In the reference's order, the one `.help` lists them in.
                None => {
                    let mut keywords: Vec<&str> = crate::reference::STATEMENT_FORMS
                        .iter()
                        .map(|f| f.keyword)
                        .collect();
                    let mut seen = Vec::new();
                    keywords.retain(|k| {
                        let first = !seen.contains(k);
                        seen.push(*k);
                        first
                    });
                    format!("a statement starts with one of: {}", keywords.join(", "))
                }
            };
            return QueryError::new(found_span, format!("unknown statement `{}`", shorten(word)))
                .with_kind(ErrorKind::UnknownStatement)
                .with_label("not a statement")
                .with_help(help);
        }
    }

    // A word where a clause could start.
    if has(Rule::clause) || has(Rule::list_clause) {
        if let (Some(word), Some(keyword)) = (found_word, keyword.as_deref()) {
            let allowed = clauses_of(keyword);
            let lower = word.to_lowercase();
            let clause_word = ClauseName::ALL
                .iter()
                .find(|c| c.starts_with(&lower))
                .copied();
            if let Some(clause) = clause_word.filter(|c| !allowed.contains(c)) {
                return misplaced_clause(clause, keyword, found_span);
            }
            let suggestion = did_you_mean(word, allowed.iter().map(|c| c.first_word()));
            if suggestion.is_some() || quote_help.is_none() {
                let help = match suggestion {
                    Some(clause) => format!("did you mean `{clause}`?"),
                    None => allowed_clauses_help(keyword),
                };
                return QueryError::new(
                    found_span,
                    format!("unknown clause `{}` in `{keyword}`", shorten(word)),
                )
                .with_kind(ErrorKind::UnknownClause)
                .with_label("not a clause")
                .with_help(help);
            }
        }
    }

    // A word where an edge kind belongs.
    if has(Rule::edge_kind) {
        if let Some(word) = found_word {
            let kinds = EdgeKind::ALL.map(EdgeKind::as_str);
            let suggestion = did_you_mean(word, kinds);
            if suggestion.is_some() || quote_help.is_none() {
                let help = match suggestion {
                    Some(kind) => format!("did you mean `{kind}`?"),
                    None => format!("the edge kinds are {}", kinds.join(", ")),
                };
                return QueryError::new(
                    found_span,
                    format!("unknown edge kind `{}`", shorten(word)),
                )
                .with_kind(ErrorKind::UnknownEdgeKind)
                .with_label("not an edge kind")
                .with_help(help);
            }
        }
    }

    // The input ended inside brackets.
    if position >= source.len() {
        if let Some(&(open, at)) = lexed.open.last() {
            return QueryError::new(
                Span::new(at, at + open.len_utf8()),
                format!("unclosed `{open}`"),
            )
            .with_kind(ErrorKind::UnbalancedBracket)
            .with_label("this is never closed")
            .with_help(format!("close it with `{}`", closing_partner(open)));
        }
    }

    // Everything else: "expected X after `Y`".
    let mut expected: Vec<String> = Vec::new();
    let mut ends_statement = false;
    for &rule in positives {
        if matches!(rule, Rule::separator | Rule::EOI) {
            ends_statement = true;
            continue;
        }
        let words = if rule == Rule::clause {
            clause_list(keyword.as_deref().map(clauses_of).unwrap_or(&[]))
        } else {
            match rule_words(rule) {
                Some(words) => words.to_string(),
                None => continue,
            }
        };
        if !expected.contains(&words) {
            expected.push(words);
        }
    }
    if ends_statement {
        expected.push("the end of the statement".to_string());
    }
    let mut message = if expected.is_empty() {
        if negatives.is_empty() {
            format!("unexpected {found_text}")
        } else {
            format!("{found_text} is not allowed here")
        }
    } else {
        format!(
            "expected {}",
            join_alternatives(&expected.iter().map(String::as_str).collect::<Vec<_>>())
        )
    };
    if let (Some(previous), false) = (&previous_text, expected.is_empty()) {
        message.push_str(&format!(" after `{previous}`"));
    }
    let mut error = QueryError::new(found_span, message)
        .with_kind(ErrorKind::Syntax)
        .with_label(format!("found {found_text}"));
    let closes_bracket = [Rule::close_bracket, Rule::close_brace, Rule::close_paren]
        .iter()
        .any(|&r| has(r));
    if closes_bracket {
        if let Some((open, at)) = lexed.open_bracket_at(source, position) {
            error = error.with_note(
                Span::new(at, at + open.len_utf8()),
                format!("`{open}` opened here"),
            );
        }
    }
    let reserved = found_word.filter(|w| {
        let lower = w.to_lowercase();
        RESERVED_WORDS
            .iter()
            .chain(first_words(Rule::boolean))
            .any(|r| *r == lower)
    });
    if let (true, Some(word)) = (has(Rule::value), reserved) {
        error = error.with_help(format!(
            "`{word}` is a keyword here; to mean the text, quote it: \"{word}\""
        ));
    } else if has(Rule::variable_name) && rest.starts_with('$') {
        error = error.with_help(
            "name the profile without `$` (`let me = [Linux, Git]`), then use it as `$me`",
        );
    } else if let Some(help) = quote_help {
        error = error.with_help(help);
    } else if keyword.as_deref() == Some("let") && rest.starts_with(':') {
        // `let me = [SQL: 4]`: levels are what a saved profile adds.
        error = error.with_help(
            "a `let` list takes no levels; to give levels, save a profile: \
             `profile NAME = [SKILL: LEVEL, …]` (levels 1–5), then use it as `$NAME`",
        );
    } else if let Some(help) = keyword.as_deref().and_then(usage_help) {
        error = error.with_help(help);
    }
    error
}

fn clause_list(allowed: &[ClauseName]) -> String {
    match allowed {
        [] => "a clause".to_string(),
        [one] => format!("`{}`", one.usage_short()),
        many => {
            let names: Vec<String> = many
                .iter()
                .map(|c| format!("`{}`", c.usage_short()))
                .collect();
            let list = join_alternatives(&names.iter().map(String::as_str).collect::<Vec<_>>());
            if many.contains(&ClauseName::Where) {
                list
            } else {
                format!("a clause ({list})")
            }
        }
    }
}

fn allowed_clauses_help(keyword: &str) -> String {
    let allowed = clauses_of(keyword);
    if allowed.is_empty() {
        return format!("`{keyword}` takes no clauses");
    }
    let names: Vec<String> = allowed.iter().map(|c| format!("`{}`", c.usage())).collect();
    format!(
        "`{keyword}` takes {}",
        join_alternatives(&names.iter().map(String::as_str).collect::<Vec<_>>())
    )
}

fn misplaced_clause(clause: ClauseName, keyword: &str, span: Span) -> QueryError {
    let help = match (clause, keyword) {
        (ClauseName::Limit, "path") => {
            "`path` gives the one best route; `paths … limit N` lists several".to_string()
        }
        (ClauseName::ByEffort, "paths") => {
            "only `path` weighs routes by effort: `path A -> B by effort`".to_string()
        }
        _ => allowed_clauses_help(keyword),
    };
    QueryError::new(
        span,
        format!("`{}` does not apply to `{keyword}`", clause.usage_short()),
    )
    .with_kind(ErrorKind::MisplacedClause)
    .with_label(format!("`{keyword}` has no `{}`", clause.usage_short()))
    .with_help(help)
}

// ---------------------------------------------------------------------------------------------
// Pairs to AST.

/// The clauses, named as a user writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClauseName {
    Via,
    Avoid,
    Max,
    Limit,
    ByEffort,
    MinImportance,
    Where,
    OrderBy,
    MaxHours,
    At,
    KeepPay,
    ZoneWithin,
    Depth,
    Explain,
    Tools,
    From,
}

impl ClauseName {
    const ALL: [ClauseName; 16] = [
        ClauseName::Via,
        ClauseName::Avoid,
        ClauseName::Max,
        ClauseName::Limit,
        ClauseName::ByEffort,
        ClauseName::MinImportance,
        ClauseName::Where,
        ClauseName::OrderBy,
        ClauseName::MaxHours,
        ClauseName::At,
        ClauseName::KeepPay,
        ClauseName::ZoneWithin,
        ClauseName::Depth,
        ClauseName::Explain,
        ClauseName::Tools,
        ClauseName::From,
    ];

    /// The word the clause starts with, as the grammar spells it.
    fn first_word(self) -> &'static str {
        first_words(self.rule())
            .first()
            .copied()
            .unwrap_or_default()
    }

    /// Whether `word` (lower case) can start this clause.
    fn starts_with(self, word: &str) -> bool {
        first_words(self.rule()).contains(&word)
    }

    fn usage_short(self) -> &'static str {
        match self {
            ClauseName::ByEffort => "by effort",
            ClauseName::MinImportance => "min importance",
            ClauseName::OrderBy => "order by",
            ClauseName::MaxHours => "max hours",
            ClauseName::KeepPay => "keep pay",
            ClauseName::ZoneWithin => "job zone within",
            ClauseName::Tools => "with/without tools",
            other => other.first_word(),
        }
    }

    fn usage(self) -> &'static str {
        match self {
            ClauseName::Via => "via ROLE, …",
            ClauseName::Avoid => "avoid ROLE, …",
            ClauseName::Max => "max N",
            ClauseName::Limit => "limit N",
            ClauseName::ByEffort => "by effort",
            ClauseName::MinImportance => "min importance N",
            ClauseName::Where => "where CONDITION",
            ClauseName::OrderBy => "order by FIELD [asc|desc]",
            ClauseName::MaxHours => "max hours N",
            ClauseName::At => "at N hours/week",
            ClauseName::KeepPay => "keep pay N%",
            ClauseName::ZoneWithin => "job zone within N",
            ClauseName::Depth => "depth N",
            ClauseName::Explain => "explain",
            ClauseName::Tools => "with [all] tools | without tools",
            ClauseName::From => "from DATASET",
        }
    }

    /// The grammar's rule for the clause.
    fn rule(self) -> Rule {
        match self {
            ClauseName::Via => Rule::via_clause,
            ClauseName::Avoid => Rule::avoid_clause,
            ClauseName::Max => Rule::max_clause,
            ClauseName::Limit => Rule::limit_clause,
            ClauseName::ByEffort => Rule::by_effort,
            ClauseName::MinImportance => Rule::min_importance,
            ClauseName::Where => Rule::where_clause,
            ClauseName::OrderBy => Rule::order_clause,
            ClauseName::MaxHours => Rule::max_hours,
            ClauseName::At => Rule::at_pace,
            ClauseName::KeepPay => Rule::keep_pay,
            ClauseName::ZoneWithin => Rule::zone_within,
            ClauseName::Depth => Rule::depth_clause,
            ClauseName::Explain => Rule::explain,
            ClauseName::Tools => Rule::tools_clause,
            ClauseName::From => Rule::from_clause,
        }
    }

    fn of_rule(rule: Rule) -> Option<ClauseName> {
        ClauseName::ALL.into_iter().find(|c| c.rule() == rule)
    }
}

/// A `path`, `paths`, `gap`, `learn` or `why` statement (`form`) from its parts.
fn route_statement(form: Rule, from: Start, to: NodeRef, clauses: Clauses) -> StatementKind {
    let route = RouteFilter {
        via: clauses.via.unwrap_or_default(),
        avoid: clauses.avoid.unwrap_or_default(),
        max_hops: clauses.max,
    };
    match form {
        Rule::path => StatementKind::Path(PathQuery {
            from,
            to,
            route,
            by_effort: clauses.by_effort,
            min_importance: clauses.min_importance,
            constraints: clauses.constraints,
        }),
        Rule::paths => StatementKind::Paths(PathsQuery {
            from,
            to,
            route,
            limit: clauses.limit,
        }),
        Rule::gap => StatementKind::Gap(GapQuery {
            from,
            to,
            min_importance: clauses.min_importance,
            tools: clauses.tools,
        }),
        Rule::why => StatementKind::Why(GapQuery {
            from,
            to,
            min_importance: clauses.min_importance,
            tools: clauses.tools,
        }),
        _ => StatementKind::Learn(LearnQuery {
            from,
            to,
            via: route.via,
            min_importance: clauses.min_importance,
            tools: clauses.tools,
            avoid: route.avoid,
            constraints: clauses.constraints,
        }),
    }
}

/// The clauses of one statement, each at most once.
#[derive(Default)]
struct Clauses {
    via: Option<Vec<NodeRef>>,
    avoid: Option<Vec<NodeRef>>,
    max: Option<Spanned<usize>>,
    limit: Option<Spanned<usize>>,
    by_effort: bool,
    min_importance: Option<Spanned<u8>>,
    filter: Option<Expr>,
    order: Option<OrderBy>,
    constraints: Constraints,
    depth: Option<Spanned<usize>>,
    explain: bool,
    tools: ToolScope,
    roles: RoleFilter,
}

type Parsed<T> = Result<T, QueryError>;

struct Builder;

/// Rules whose text holds no implicit space, so their pest span is exact.
fn is_tight(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::node_ref
            | Rule::role_ref
            | Rule::held_ref
            | Rule::kind_qualifier
            | Rule::node_name
            | Rule::quoted
            | Rule::variable
            | Rule::field_name
    )
}

/// The pairs that carry meaning, without keywords and punctuation.
fn parts(pair: Pair<'_, Rule>) -> Vec<Pair<'_, Rule>> {
    pair.into_inner()
        .filter(|p| {
            !matches!(
                p.as_rule(),
                Rule::comma
                    | Rule::colon
                    | Rule::equals
                    | Rule::arrow
                    | Rule::open_paren
                    | Rule::close_paren
                    | Rule::open_bracket
                    | Rule::close_bracket
                    | Rule::open_brace
                    | Rule::close_brace
                    | Rule::separator
                    | Rule::EOI
            ) && !is_keyword(p.as_rule())
        })
        .collect()
}

impl Builder {
    /// A pair's span without the spaces and comments pest may have taken after its last token.
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let start = pair.as_span().start();
        let mut last = pair.clone();
        loop {
            if is_tight(last.as_rule()) {
                break;
            }
            match last.clone().into_inner().last() {
                Some(inner) => last = inner,
                None => break,
            }
        }
        Span::new(start, last.as_span().end().max(start))
    }

    fn internal(&self, pair: &Pair<'_, Rule>) -> QueryError {
        QueryError::new(
            self.span(pair),
            format!(
                "internal error: the parser does not understand a {:?} here",
                pair.as_rule()
            ),
        )
        .with_kind(ErrorKind::Syntax)
        .with_help("this is a bug in skillgraph; please report it with the query")
    }

    /// The `index`th meaningful part of `pair`.
    fn part<'i>(&self, pair: &Pair<'i, Rule>, index: usize) -> Parsed<Pair<'i, Rule>> {
        parts(pair.clone())
            .into_iter()
            .nth(index)
            .ok_or_else(|| self.internal(pair))
    }

    fn script(&self, script: Pair<'_, Rule>) -> Parsed<Script> {
        let mut statements = Vec::new();
        for pair in script.into_inner() {
            if pair.as_rule() == Rule::statement {
                statements.push(self.statement(pair)?);
            }
        }
        Ok(Script { statements })
    }

    fn statement(&self, pair: Pair<'_, Rule>) -> Parsed<Statement> {
        self.form(self.part(&pair, 0)?)
    }

    /// A statement from its form's pair (`show`, `skills_of`, …).
    fn form(&self, form: Pair<'_, Rule>) -> Parsed<Statement> {
        let span = self.span(&form);
        // The first word, for the statements that take clauses (made only for them).
        let keyword = || {
            form.clone()
                .into_inner()
                .next()
                .map(|k| k.as_str().to_lowercase())
                .unwrap_or_default()
        };
        let parts = parts(form.clone());
        let part = |i: usize| parts.get(i).cloned().ok_or_else(|| self.internal(&form));
        let kind = match form.as_rule() {
            Rule::show => StatementKind::Show(self.node_ref(part(0)?)?),
            Rule::skills_of => StatementKind::SkillsOf(self.node_ref(part(0)?)?),
            Rule::tools_of => StatementKind::ToolsOf(self.node_ref(part(0)?)?),
            Rule::list_nodes => {
                let keyword = keyword();
                let kind = match keyword.as_str() {
                    "roles" => NodeKind::Role,
                    "skills" => NodeKind::Skill,
                    _ => NodeKind::Tool,
                };
                let clauses = self.clauses(&keyword, &parts[1..])?;
                StatementKind::List(ListQuery {
                    kind,
                    filter: clauses.filter,
                    roles: clauses.roles,
                    order: clauses.order,
                    limit: clauses.limit,
                })
            }
            Rule::path | Rule::paths | Rule::gap | Rule::learn | Rule::why => {
                let (from, rest) = self.optional_start(&form, &parts)?;
                let to =
                    self.node_ref(rest.first().cloned().ok_or_else(|| self.internal(&form))?)?;
                let clauses = self.clauses(&keyword(), &rest[1..])?;
                route_statement(form.as_rule(), from, to, clauses)
            }
            Rule::compare => {
                StatementKind::Compare(self.node_ref(part(0)?)?, self.node_ref(part(1)?)?)
            }
            Rule::let_profile => {
                let name = part(0)?;
                StatementKind::Let {
                    name: Spanned::new(name.as_str().to_string(), self.span(&name)),
                    profile: self.profile(part(1)?)?,
                }
            }
            Rule::closest | Rule::unlock => {
                let (profile, rest) = self.optional_start(&form, &parts)?;
                let clauses = self.clauses(&keyword(), rest)?;
                if form.as_rule() == Rule::closest {
                    StatementKind::Closest(ClosestQuery {
                        profile,
                        min_importance: clauses.min_importance,
                        limit: clauses.limit,
                        explain: clauses.explain,
                        roles: clauses.roles,
                    })
                } else {
                    StatementKind::Unlock(UnlockQuery {
                        profile,
                        min_importance: clauses.min_importance,
                        limit: clauses.limit,
                    })
                }
            }
            Rule::show_profile => StatementKind::ShowProfile(self.name(&part(0)?)),
            Rule::list_profiles => StatementKind::Profiles,
            Rule::use_profile => StatementKind::Use(self.name(&part(0)?)),
            Rule::profile_set | Rule::profile_add => {
                let name = self.name(&part(0)?);
                let items = match form.as_rule() {
                    Rule::profile_set => self::parts(part(1)?),
                    _ => parts[1..].to_vec(),
                }
                .into_iter()
                .map(|item| self.level_item(item))
                .collect::<Parsed<Vec<_>>>()?;
                if form.as_rule() == Rule::profile_set {
                    StatementKind::ProfileSet { name, items }
                } else {
                    StatementKind::ProfileAdd { name, items }
                }
            }
            Rule::profile_drop | Rule::progress => {
                let (name_at, learnt) = match form.as_rule() {
                    Rule::progress => {
                        let word = part(0)?.as_str().to_lowercase();
                        (1, word != "learning")
                    }
                    _ => (0, false),
                };
                let name = self.name(&part(name_at)?);
                let items = parts[name_at + 1..]
                    .iter()
                    .cloned()
                    .map(|p| self.node_ref(p))
                    .collect::<Parsed<Vec<_>>>()?;
                if form.as_rule() == Rule::progress {
                    StatementKind::Progress {
                        name,
                        learnt,
                        items,
                    }
                } else {
                    StatementKind::ProfileDrop { name, items }
                }
            }
            Rule::neighbourhood => {
                let node = self.node_ref(part(0)?)?;
                let clauses = self.clauses("neighbourhood", &parts[1..])?;
                StatementKind::Neighbourhood {
                    node,
                    depth: clauses.depth,
                }
            }
            Rule::add => {
                let kind = part(0)?;
                let name = part(1)?;
                StatementKind::Add {
                    kind: Spanned::new(self.node_kind(&kind)?, self.span(&kind)),
                    name: Spanned::new(self.node_name(name.clone())?.0, self.span(&name)),
                    props: match parts.get(2) {
                        Some(props) => self.props(props.clone())?,
                        None => Vec::new(),
                    },
                }
            }
            Rule::link | Rule::unlink => {
                let from = self.node_ref(part(0)?)?;
                let edge = part(1)?;
                let edge = Spanned::new(self.edge_kind(&edge)?, self.span(&edge));
                let to = self.node_ref(part(2)?)?;
                if form.as_rule() == Rule::link {
                    let props = match parts.get(3) {
                        Some(props) => self.props(props.clone())?,
                        None => Vec::new(),
                    };
                    StatementKind::Link {
                        from,
                        edge,
                        to,
                        props,
                    }
                } else {
                    StatementKind::Unlink { from, edge, to }
                }
            }
            Rule::set => StatementKind::Set {
                node: self.node_ref(part(0)?)?,
                field: self.field_path(&part(1)?),
                value: self.literal(part(2)?)?,
            },
            Rule::remove => StatementKind::Remove(self.node_ref(part(0)?)?),
            _ => return Err(self.internal(&form)),
        };
        Ok(Statement { kind, span })
    }

    fn clauses(&self, keyword: &str, pairs: &[Pair<'_, Rule>]) -> Parsed<Clauses> {
        let allowed = clauses_of(keyword);
        let mut clauses = Clauses::default();
        let mut seen: Vec<(ClauseName, Span)> = Vec::new();
        for wrapper in pairs {
            let pair = self.part(wrapper, 0)?;
            let span = self.span(&pair);
            let name = ClauseName::of_rule(pair.as_rule()).ok_or_else(|| self.internal(&pair))?;
            if let Some(&(_, first)) = seen.iter().find(|(n, _)| *n == name) {
                return Err(QueryError::new(
                    span,
                    format!("`{}` is given twice", name.usage_short()),
                )
                .with_kind(ErrorKind::RepeatedClause)
                .with_label("second time")
                .with_note(first, "first given here")
                .with_help(
                    "give each clause at most once; `via` and `avoid` take a list: `via A, B`",
                ));
            }
            if !allowed.contains(&name) {
                // Point at the clause's words, not its arguments.
                let words_end = pair
                    .clone()
                    .into_inner()
                    .filter(|p| is_keyword(p.as_rule()))
                    .last()
                    .map_or(span.end, |k| k.as_span().end());
                return Err(misplaced_clause(
                    name,
                    keyword,
                    Span::new(span.start, words_end),
                ));
            }
            seen.push((name, span));
            let parts = parts(pair.clone());
            match name {
                ClauseName::Via | ClauseName::Avoid => {
                    let nodes = parts
                        .into_iter()
                        .map(|p| self.node_ref(p))
                        .collect::<Parsed<Vec<_>>>()?;
                    if name == ClauseName::Via {
                        clauses.via = Some(nodes);
                    } else {
                        clauses.avoid = Some(nodes);
                    }
                }
                ClauseName::Max => clauses.max = Some(self.count(&self.part(&pair, 0)?, "max")?),
                ClauseName::Limit => {
                    clauses.limit = Some(self.count(&self.part(&pair, 0)?, "limit")?)
                }
                ClauseName::ByEffort => clauses.by_effort = true,
                ClauseName::MinImportance => {
                    clauses.min_importance = Some(self.importance(&self.part(&pair, 0)?)?)
                }
                ClauseName::Where => clauses.filter = Some(self.condition(self.part(&pair, 0)?)?),
                ClauseName::MaxHours => {
                    clauses.constraints.max_hours =
                        Some(self.hours(&self.part(&pair, 0)?, "max hours")?)
                }
                ClauseName::At => {
                    clauses.constraints.pace = Some(self.hours(&self.part(&pair, 0)?, "at")?)
                }
                ClauseName::KeepPay => {
                    let Some(pct) = parts.first() else {
                        // `keep pay` alone: on a list, roles whose pay is known; a route
                        // compares pay with the start's and needs the share.
                        if matches!(keyword, "path") {
                            return Err(QueryError::new(
                                span,
                                "`keep pay` on a route needs the share of the start's pay to keep",
                            )
                            .with_kind(ErrorKind::InvalidNumber)
                            .with_label("how much?")
                            .with_help("e.g. `keep pay 90%`"));
                        }
                        clauses.roles.keep_pay = Some(Spanned::new(None, span));
                        continue;
                    };
                    let span = self.span(pct);
                    let text = pct.as_str().trim_end_matches('%');
                    match text.parse::<f64>() {
                        Ok(p) if p > 0.0 && p <= 100.0 => {
                            clauses.constraints.keep_pay = Some(Spanned::new(p / 100.0, span));
                            clauses.roles.keep_pay = Some(Spanned::new(Some(p / 100.0), span));
                        }
                        _ => {
                            return Err(QueryError::new(
                                span,
                                format!(
                                    "`keep pay` takes a share from 1% to 100%, not `{}`",
                                    pct.as_str()
                                ),
                            )
                            .with_kind(ErrorKind::InvalidNumber))
                        }
                    }
                }
                ClauseName::ZoneWithin => {
                    let n = self.count_or_zero(&self.part(&pair, 0)?, "job zone within")?;
                    clauses.constraints.zone_within =
                        Some(Spanned::new(n.value.min(4) as u8, n.span));
                    clauses.roles.zone_within = clauses.constraints.zone_within.clone();
                }
                ClauseName::From => {
                    let name = self.part(&pair, 0)?;
                    clauses.roles.from =
                        Some(Spanned::new(name.as_str().to_string(), self.span(&name)));
                }
                ClauseName::Depth => {
                    clauses.depth = Some(self.count(&self.part(&pair, 0)?, "depth")?)
                }
                ClauseName::Explain => clauses.explain = true,
                ClauseName::Tools => {
                    let words = pair.as_str().to_ascii_lowercase();
                    clauses.tools = if words.starts_with("without") {
                        ToolScope::Without
                    } else if pair
                        .clone()
                        .into_inner()
                        .any(|p| p.as_rule() == Rule::tools_all)
                    {
                        ToolScope::All
                    } else {
                        ToolScope::Flagged
                    };
                }
                ClauseName::OrderBy => {
                    let field = self.field_path(&self.part(&pair, 0)?);
                    let descending = parts
                        .get(1)
                        .is_some_and(|d| d.as_str().eq_ignore_ascii_case("desc"));
                    clauses.order = Some(OrderBy {
                        field,
                        descending,
                        span,
                    });
                }
            }
        }
        Ok(clauses)
    }

    /// A whole number of at least 1, after `max` or `limit`.
    fn count(&self, number: &Pair<'_, Rule>, clause: &str) -> Parsed<Spanned<usize>> {
        let span = self.span(number);
        let text = number.as_str();
        let bad = |what: String| {
            QueryError::new(span, what)
                .with_kind(ErrorKind::InvalidNumber)
                .with_label("here")
                .with_help(format!("write a whole number, e.g. `{clause} 5`"))
        };
        if text.contains(['.', 'e', 'E']) {
            return Err(bad(format!(
                "`{clause}` needs a whole number, not `{text}`"
            )));
        }
        if text.starts_with('-') {
            return Err(bad(format!(
                "`{clause}` needs a number of at least 1, not `{text}`"
            )));
        }
        match text.parse::<usize>() {
            Ok(0) => Err(bad(format!(
                "`{clause}` needs a number of at least 1, not `0`"
            ))),
            Ok(n) => Ok(Spanned::new(n, span)),
            Err(_) => Err(bad(format!(
                "`{}` is too large for `{clause}`",
                shorten(text)
            ))),
        }
    }

    /// A profile or variable name, as written.
    fn name(&self, pair: &Pair<'_, Rule>) -> Spanned<String> {
        Spanned::new(pair.as_str().to_string(), self.span(pair))
    }

    /// The start of a statement whose start may be left out (then the `use`d profile), and
    /// the parts after it.
    fn optional_start<'p, 'i>(
        &self,
        form: &Pair<'i, Rule>,
        parts: &'p [Pair<'i, Rule>],
    ) -> Parsed<(Start, &'p [Pair<'i, Rule>])> {
        match parts.first() {
            Some(first) if first.as_rule() == Rule::start => {
                Ok((self.start(first.clone())?, &parts[1..]))
            }
            _ => {
                // Where the start would have been: just after the keyword.
                let at = form
                    .clone()
                    .into_inner()
                    .next()
                    .map_or(form.as_span().start(), |k| k.as_span().end());
                Ok((Start::Default(Span::at(at)), parts))
            }
        }
    }

    /// `Linux: 4` in a profile.
    fn level_item(&self, pair: Pair<'_, Rule>) -> Parsed<LevelItem> {
        let inner = parts(pair.clone());
        let node = self.node_ref(inner.first().cloned().ok_or_else(|| self.internal(&pair))?)?;
        let level = match inner.get(1) {
            None => None,
            Some(number) => {
                let span = self.span(number);
                match number.as_str().parse::<u8>() {
                    Ok(n @ 1..=5) => Some(Spanned::new(n, span)),
                    _ => {
                        return Err(QueryError::new(
                            span,
                            format!(
                                "a level goes from 1 to 5, not `{}`",
                                shorten(number.as_str())
                            ),
                        )
                        .with_kind(ErrorKind::InvalidNumber)
                        .with_label("here")
                        .with_help("1 is a beginner, 5 an expert; without a level it is 3"))
                    }
                }
            }
        };
        Ok(LevelItem { node, level })
    }

    /// A whole number ≥ 0 (`job zone within 0` means the same zone).
    fn count_or_zero(&self, number: &Pair<'_, Rule>, clause: &str) -> Parsed<Spanned<usize>> {
        if number.as_str() == "0" {
            return Ok(Spanned::new(0, self.span(number)));
        }
        self.count(number, clause)
    }

    /// A positive number of hours, after `at` or `max hours`.
    fn hours(&self, number: &Pair<'_, Rule>, clause: &str) -> Parsed<Spanned<f64>> {
        let span = self.span(number);
        match number.as_str().parse::<f64>() {
            Ok(h) if h > 0.0 && h.is_finite() => Ok(Spanned::new(h, span)),
            _ => Err(QueryError::new(
                span,
                format!(
                    "`{clause}` needs a positive number of hours, not `{}`",
                    shorten(number.as_str())
                ),
            )
            .with_kind(ErrorKind::InvalidNumber)
            .with_label("here")),
        }
    }

    /// An importance 1–5, after `min importance`.
    fn importance(&self, number: &Pair<'_, Rule>) -> Parsed<Spanned<u8>> {
        let span = self.span(number);
        let text = number.as_str();
        match text.parse::<u8>() {
            Ok(n @ 1..=5) => Ok(Spanned::new(n, span)),
            _ => Err(QueryError::new(
                span,
                format!("importance goes from 1 to 5, not `{}`", shorten(text)),
            )
            .with_kind(ErrorKind::InvalidNumber)
            .with_label("here")
            .with_help("1 is nice to have, 5 is essential: e.g. `min importance 4`")),
        }
    }

    fn node_ref(&self, pair: Pair<'_, Rule>) -> Parsed<NodeRef> {
        let span = self.span(&pair);
        let mut kind = None;
        let mut name_pair = None;
        let mut source = None;
        for part in pair.clone().into_inner() {
            match part.as_rule() {
                Rule::kind_qualifier => {
                    let word = part.as_str().trim_end_matches(':');
                    kind = NodeKind::parse(word);
                }
                Rule::source_qualifier => {
                    let name = part
                        .into_inner()
                        .next()
                        .ok_or_else(|| self.internal(&pair))?;
                    source = Some(Spanned::new(name.as_str().to_string(), self.span(&name)));
                }
                Rule::node_name => name_pair = Some(part),
                _ => {}
            }
        }
        let name_pair = name_pair.ok_or_else(|| self.internal(&pair))?;
        let (name, quoted) = self.node_name(name_pair)?;
        Ok(NodeRef {
            kind,
            name,
            quoted,
            source,
            span,
        })
    }

    /// A node's name from a `node_name` pair: (text, whether it was quoted).
    fn node_name(&self, pair: Pair<'_, Rule>) -> Parsed<(String, bool)> {
        let span = self.span(&pair);
        let inner = pair
            .clone()
            .into_inner()
            .next()
            .ok_or_else(|| self.internal(&pair))?;
        if inner.as_rule() == Rule::quoted {
            let name = self.unquote(inner)?;
            if name.trim().is_empty() {
                return Err(QueryError::new(span, "a name cannot be empty")
                    .with_kind(ErrorKind::EmptyName)
                    .with_label("empty name"));
            }
            Ok((name, true))
        } else {
            Ok((inner.as_str().to_string(), false))
        }
    }

    fn node_kind(&self, pair: &Pair<'_, Rule>) -> Parsed<NodeKind> {
        NodeKind::parse(pair.as_str()).ok_or_else(|| self.internal(pair))
    }

    fn edge_kind(&self, pair: &Pair<'_, Rule>) -> Parsed<EdgeKind> {
        EdgeKind::parse(pair.as_str()).ok_or_else(|| self.internal(pair))
    }

    fn start(&self, pair: Pair<'_, Rule>) -> Parsed<Start> {
        let inner = self.part(&pair, 0)?;
        match inner.as_rule() {
            Rule::node_ref => Ok(Start::Node(self.node_ref(inner)?)),
            Rule::profile => Ok(Start::Profile(self.profile(inner)?)),
            Rule::variable => {
                let span = self.span(&inner);
                let name = inner.as_str().trim_start_matches('$').to_string();
                Ok(Start::Variable(Spanned::new(name, span)))
            }
            _ => Err(self.internal(&inner)),
        }
    }

    fn profile(&self, pair: Pair<'_, Rule>) -> Parsed<Profile> {
        let span = self.span(&pair);
        let items = parts(pair)
            .into_iter()
            .map(|p| self.node_ref(p))
            .collect::<Parsed<Vec<_>>>()?;
        Ok(Profile { items, span })
    }

    fn field_path(&self, pair: &Pair<'_, Rule>) -> FieldPath {
        FieldPath {
            segments: pair.as_str().split('.').map(str::to_string).collect(),
            span: self.span(pair),
        }
    }

    /// The text of a `quoted` pair with escapes decoded.
    fn unquote(&self, pair: Pair<'_, Rule>) -> Parsed<String> {
        let inner = pair
            .clone()
            .into_inner()
            .next()
            .ok_or_else(|| self.internal(&pair))?;
        let raw = inner.as_str();
        let base = inner.as_span().start();
        let mut text = String::with_capacity(raw.len());
        let mut chars = raw.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                text.push(c);
                continue;
            }
            match chars.next() {
                Some((_, '"')) => text.push('"'),
                Some((_, '\'')) => text.push('\''),
                Some((_, '\\')) => text.push('\\'),
                Some((_, 'n')) => text.push('\n'),
                Some((_, 't')) => text.push('\t'),
                other => {
                    let end = other.map_or(raw.len(), |(j, e)| j + e.len_utf8());
                    let escape = &raw[i..end];
                    return Err(QueryError::new(
                        Span::new(base + i, base + end),
                        format!("unknown escape `{}` in a string", shorten(escape)),
                    )
                    .with_kind(ErrorKind::InvalidEscape)
                    .with_label("not an escape")
                    .with_help(r#"the escapes are \" \' \\ \n \t; write \\ for a backslash"#));
                }
            }
        }
        Ok(text)
    }

    fn props(&self, pair: Pair<'_, Rule>) -> Parsed<Vec<Prop>> {
        let record = self.part(&pair, 0)?;
        let mut props: Vec<Prop> = Vec::new();
        for field in parts(record) {
            let (key, value) = self.field(field)?;
            if let Some(first) = props.iter().find(|p| p.key.value == key.value) {
                return Err(repeated_field(&key, first.key.span));
            }
            props.push(Prop { key, value });
        }
        Ok(props)
    }

    fn field(&self, pair: Pair<'_, Rule>) -> Parsed<(Spanned<String>, Literal)> {
        let name = self.part(&pair, 0)?;
        let value = self.part(&pair, 1)?;
        let key_span = self.span(&name);
        let key = match name.clone().into_inner().next() {
            Some(quoted) if quoted.as_rule() == Rule::quoted => self.unquote(quoted)?,
            _ => name.as_str().to_string(),
        };
        Ok((Spanned::new(key, key_span), self.literal(value)?))
    }

    /// A `value` (or directly a `list`, after `in`).
    fn literal(&self, pair: Pair<'_, Rule>) -> Parsed<Literal> {
        let span = self.span(&pair);
        let inner = if pair.as_rule() == Rule::value {
            self.part(&pair, 0)?
        } else {
            pair
        };
        let mut item_spans = Vec::new();
        let value = match inner.as_rule() {
            Rule::quoted => Value::Text(self.unquote(inner)?),
            Rule::text_word => Value::Text(inner.as_str().to_string()),
            Rule::boolean => Value::Bool(inner.as_str().eq_ignore_ascii_case("true")),
            Rule::number => {
                let text = inner.as_str();
                match text.parse::<f64>() {
                    Ok(n) if n.is_finite() => Value::Number(n),
                    _ => {
                        return Err(QueryError::new(
                            span,
                            format!("the number `{}` is too large", shorten(text)),
                        )
                        .with_kind(ErrorKind::InvalidNumber)
                        .with_label("here"))
                    }
                }
            }
            Rule::list => {
                let mut items = Vec::new();
                for item in parts(inner) {
                    let literal = self.literal(item)?;
                    item_spans.push(literal.span);
                    items.push(literal.value);
                }
                Value::List(items)
            }
            Rule::record => {
                let mut map = BTreeMap::new();
                let mut keys: Vec<Spanned<String>> = Vec::new();
                for field in parts(inner) {
                    let (key, value) = self.field(field)?;
                    if let Some(first) = keys.iter().find(|k| k.value == key.value) {
                        return Err(repeated_field(&key, first.span));
                    }
                    map.insert(key.value.clone(), value.value);
                    keys.push(key);
                }
                Value::Record(map)
            }
            _ => return Err(self.internal(&inner)),
        };
        Ok(Literal {
            value,
            span,
            item_spans,
        })
    }

    /// A `where` condition. This recurses once per `(`, so it walks the `or`/`and`/`not`
    /// levels in one frame with plain loops: iterator chains and one function per level would
    /// need several times the stack in debug builds, and exhaust a test thread's stack before
    /// [`MAX_NESTING`].
    fn condition(&self, pair: Pair<'_, Rule>) -> Parsed<Expr> {
        let span = self.span(&pair);
        let mut any = Vec::new();
        for all_of in pair.into_inner() {
            if all_of.as_rule() != Rule::all_of {
                continue;
            }
            let all_span = self.span(&all_of);
            let mut all = Vec::new();
            for negation in all_of.into_inner() {
                if negation.as_rule() != Rule::negation {
                    continue;
                }
                let negation_span = self.span(&negation);
                let mut nots = 0usize;
                let mut test = None;
                for part in negation.into_inner() {
                    match part.as_rule() {
                        Rule::kw_not => nots += 1,
                        Rule::test => test = Some(part),
                        _ => {}
                    }
                }
                let Some(test) = test else { continue };
                let test_span = self.span(&test);
                let mut inner = None;
                for part in test.into_inner() {
                    if !matches!(part.as_rule(), Rule::open_paren | Rule::close_paren) {
                        inner = Some(part);
                        break;
                    }
                }
                let Some(inner) = inner else { continue };
                let kind = if inner.as_rule() == Rule::condition {
                    self.condition(inner)?.kind
                } else {
                    self.simple_test(inner)?
                };
                let mut expr = Expr {
                    kind,
                    span: test_span,
                };
                if nots % 2 == 1 {
                    expr = Expr {
                        kind: ExprKind::Not(Box::new(expr)),
                        span: negation_span,
                    };
                }
                all.push(expr);
            }
            any.push(if all.len() == 1 {
                all.remove(0)
            } else {
                Expr {
                    kind: ExprKind::And(all),
                    span: all_span,
                }
            });
        }
        Ok(if any.len() == 1 {
            any.remove(0)
        } else {
            Expr {
                kind: ExprKind::Or(any),
                span,
            }
        })
    }

    #[inline(never)]
    fn simple_test(&self, inner: Pair<'_, Rule>) -> Parsed<ExprKind> {
        Ok(match inner.as_rule() {
            Rule::edge_test => {
                let predicate = self.part(&inner, 0)?;
                ExprKind::Edge {
                    kind: self.edge_kind(&predicate)?,
                    target: self.node_ref(self.part(&inner, 1)?)?,
                }
            }
            Rule::has_test => ExprKind::Has(self.field_path(&self.part(&inner, 0)?)),
            Rule::comparison => {
                let field = self.field_path(&self.part(&inner, 0)?);
                let test = self.part(&inner, 1)?;
                let all: Vec<Pair<'_, Rule>> = test.clone().into_inner().collect();
                let operator = all.first().ok_or_else(|| self.internal(&test))?;
                let value = parts(test.clone())
                    .into_iter()
                    .find(|p| matches!(p.as_rule(), Rule::value | Rule::list))
                    .ok_or_else(|| self.internal(&test))?;
                let op = match operator.as_rule() {
                    Rule::kw_in => CompareOp::In,
                    Rule::kw_contains => CompareOp::Contains,
                    Rule::starts_with => CompareOp::StartsWith,
                    Rule::comparison_operator => match operator.as_str() {
                        "=" => CompareOp::Eq,
                        "!=" => CompareOp::Ne,
                        "<" => CompareOp::Lt,
                        "<=" => CompareOp::Le,
                        ">" => CompareOp::Gt,
                        _ => CompareOp::Ge,
                    },
                    _ => return Err(self.internal(operator)),
                };
                ExprKind::Compare {
                    field,
                    op: Spanned::new(op, self.span(operator)),
                    value: self.literal(value)?,
                }
            }
            _ => return Err(self.internal(&inner)),
        })
    }
}

fn repeated_field(key: &Spanned<String>, first: Span) -> QueryError {
    QueryError::new(
        key.span,
        format!("the field `{}` is given twice", shorten(&key.value)),
    )
    .with_kind(ErrorKind::RepeatedField)
    .with_label("second time")
    .with_note(first, "first given here")
}

/// Nothing names a keyword or a statement form that the grammar does not have: the word lists
/// are generated from it, and what the parser, the reference and the model spell out by hand is
/// checked against it here.
#[cfg(test)]
mod grammar_tests {
    use super::*;
    use crate::reference::STATEMENT_FORMS;

    #[test]
    fn every_statement_form_is_the_grammars_and_documented() {
        for form in STATEMENT_FORMS {
            assert!(
                STATEMENT_KEYWORDS.contains(&form.keyword),
                "the reference documents `{}`, which no statement of the grammar starts with",
                form.usage
            );
        }
        for (rule, words) in STATEMENT_RULES {
            assert!(
                STATEMENT_FORMS.iter().any(|f| words.contains(&f.keyword)),
                "the grammar's {rule:?} ({words:?}) has no form in reference::STATEMENT_FORMS"
            );
        }
    }

    /// `StatementKind::keyword` names each statement as the grammar spells it.
    #[test]
    fn every_statements_keyword_is_the_grammars() {
        for form in STATEMENT_FORMS {
            for example in form.examples {
                let script = parse(example).unwrap_or_else(|e| panic!("`{example}`: {e}"));
                for statement in script.statements {
                    let keyword = statement.kind.keyword();
                    let first = example.split(' ').next().unwrap_or_default();
                    let spellings = STATEMENT_RULES
                        .iter()
                        .find(|(_, words)| words.contains(&first))
                        .map_or(&[][..], |(_, words)| *words);
                    assert!(
                        spellings.contains(&keyword),
                        "`{example}` is a {keyword:?} statement, which the grammar spells \
                         {spellings:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_clause_is_the_grammars() {
        for &rule in CLAUSE_RULES {
            let clause = ClauseName::of_rule(rule)
                .unwrap_or_else(|| panic!("the grammar's clause {rule:?} has no ClauseName"));
            let usage_word = clause.usage().split(' ').next().unwrap_or_default();
            assert!(
                clause.starts_with(usage_word),
                "{clause:?} is written `{}`, but the grammar starts it with {:?}",
                clause.usage(),
                first_words(rule)
            );
        }
        for (keyword, clauses) in CLAUSES_OF {
            assert!(
                STATEMENT_KEYWORDS.contains(keyword),
                "clauses are listed for `{keyword}`, which is no statement of the grammar"
            );
            for clause in *clauses {
                assert!(CLAUSE_RULES.contains(&clause.rule()), "{clause:?}");
            }
        }
    }

    #[test]
    fn the_models_kinds_are_the_grammars() {
        let edges: Vec<&str> = EdgeKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(first_words(Rule::edge_kind), edges);
        for word in first_words(Rule::node_kind_word) {
            assert!(NodeKind::parse(word).is_some(), "{word}");
        }
        for word in first_words(Rule::edge_predicate) {
            assert!(EdgeKind::parse(word).is_some(), "{word}");
        }
    }

    #[test]
    fn the_word_lists_hold_the_grammars_keywords() {
        for rule in [
            Rule::kw_show,
            Rule::kw_neighbourhood,
            Rule::list_kind,
            Rule::sort_direction,
        ] {
            for word in first_words(rule) {
                assert!(KEYWORDS.contains(word), "{word}");
            }
        }
        assert!(STATEMENT_KEYWORDS.contains(&"learned") && STATEMENT_KEYWORDS.contains(&"roles"));
        assert_eq!(first_words(Rule::per_week), ["hours/week", "h/week"]);
    }
}

#[cfg(test)]
mod split_tests {
    use proptest::prelude::*;

    use super::{needs_more_input, split_pieces};

    /// The definition [`split_pieces`] must agree with: ask at every line end.
    fn pieces_by_asking(source: &str) -> Vec<(usize, &str)> {
        let mut pieces = Vec::new();
        let (mut start, mut pos) = (0, 0);
        while pos < source.len() {
            pos = source[pos..]
                .find('\n')
                .map_or(source.len(), |i| pos + i + 1);
            if !needs_more_input(&source[start..pos]) {
                pieces.push((start, &source[start..pos]));
                start = pos;
            }
        }
        if start < source.len() {
            pieces.push((start, &source[start..]));
        }
        pieces
    }

    /// What changes whether a piece is complete, and what hides those from the scan.
    const PARTS: &[&str] = &[
        "(", ")", "[", "]", "{", "}", "\"", "'", "\\", "\\\"", "#", "# x", "\n", "\r\n", "\r", " ",
        "\t", "a", "C#", "C#(", "x.y", ".a", ".", "-", "->", "-1", "$x", "$x#", "→", ";", "\\\n",
        "\\ \n", "\\ \r\n", "\\\r", ":", "é", "\u{301}",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn split_pieces_agrees_with_asking_at_every_line_end(
            parts in prop::collection::vec(prop::sample::select(PARTS), 0..40)
        ) {
            let source: String = parts.concat();
            prop_assert_eq!(split_pieces(&source), pieces_by_asking(&source));
        }
    }

    #[test]
    fn a_long_open_list_is_one_piece() {
        let source = format!(
            "let me = [\n{}]\nshow SRE\n",
            "  \"Linux\",\n".repeat(50_000)
        );
        let pieces = split_pieces(&source);
        assert_eq!(pieces.len(), 2);
        assert_eq!(pieces[1], (source.len() - "show SRE\n".len(), "show SRE\n"));
    }
}

#[cfg(test)]
mod one_statement_tests {
    use proptest::prelude::*;

    use super::{one_statement, parse_with_grammar};
    use crate::ast::Script;

    /// Words of the plain forms, in several cases, and words next to them that the grammar
    /// reads otherwise (or not at all).
    const WORDS: &[&str] = &[
        "show",
        "SHOW",
        "skills",
        "Skills",
        "tools",
        "of",
        "OF",
        "path",
        "paths",
        "PATHS",
        "gap",
        "Gap",
        "learn",
        "why",
        "profile",
        "profiles",
        "learnt",
        "learning",
        "compare",
        "remove",
        "->",
        "-",
        ">",
        "→",
        "r1",
        "SRE",
        "_x",
        "9",
        "a1_B",
        "via",
        "max",
        "limit",
        "min",
        "importance",
        "by",
        "effort",
        "role",
        "skill:Git",
        "role:",
        "a-b",
        "C#",
        "C++",
        "x.y",
        ".NET",
        "\"Q R\"",
        "'q'",
        "$me",
        "[a]",
        "é",
        "r1->r2",
        "#",
        ";",
        "\\",
        "\u{feff}",
        "\u{1}",
    ];
    const GAPS: &[&str] = &["", " ", "  ", "\t", " \t "];
    const ENDS: &[&str] = &[
        "", "\n", "\r\n", "\r", " \n", ";", " # note", "\n\n", "\\\n",
    ];

    /// When one statement's reading answers, it is the whole grammar's reading.
    fn agrees(source: &str) -> Result<(), TestCaseError> {
        if let Some(statement) = one_statement(source) {
            let script = Script {
                statements: vec![statement],
            };
            prop_assert_eq!(
                parse_with_grammar(source).ok(),
                Some(script),
                "{:?}",
                source
            );
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn one_statements_reading_is_the_grammars(
            lead in prop::sample::select(GAPS),
            words in prop::collection::vec(
                (prop::sample::select(WORDS), prop::sample::select(GAPS)),
                0..6,
            ),
            end in prop::sample::select(ENDS),
        ) {
            let mut source = lead.to_string();
            for (word, gap) in words {
                source.push_str(word);
                source.push_str(if gap.is_empty() { " " } else { gap });
            }
            source.push_str(end);
            agrees(&source)?;
        }

        #[test]
        fn frequent_forms_are_the_grammars(
            form in 0usize..8,
            upper in any::<bool>(),
            a in prop::sample::select(WORDS),
            b in prop::sample::select(WORDS),
            gap in prop::sample::select(&GAPS[1..]),
            end in prop::sample::select(ENDS),
        ) {
            let keyword = ["show", "skills of", "tools of", "path", "paths", "gap", "learn", "why"][form];
            let keyword = if upper { keyword.to_uppercase() } else { keyword.to_string() };
            let source = if form < 3 {
                format!("{keyword}{gap}{a}{end}")
            } else {
                format!("{keyword}{gap}{a}{gap}->{gap}{b}{end}")
            };
            agrees(&source)?;
        }
    }

    #[test]
    fn a_line_of_one_statement_is_read_by_its_form() {
        for source in [
            "show SRE",
            "skills of r10611\n",
            "SKILLS\tOf SRE \r\n",
            "tools of \"DevOps engineer\"",
            "path a -> b by effort\n",
            "paths a -> b limit 3",
            "gap r10611 -> r4943\n",
            "learn $me -> SRE at 10 hours/week",
            "why x -> y",
            "gap -> b",
            "show C#",
            "roles where salary.avg > 1 order by name desc limit 3",
            "show profile me",
            "profile me add Linux: 4, Git",
        ] {
            let statement = one_statement(source).expect(source);
            assert_eq!(
                parse_with_grammar(source).ok().map(|s| s.statements),
                Some(vec![statement]),
                "{source:?}"
            );
        }
        for source in [
            "show",
            "skills of",
            "gap a -> b limit 0",
            "path a -> b limit 3",
            "show a b",
            "show a # note",
            "show a; show b",
            "  show a",
            "learn [a] -> b",
            "path a \\\n-> b",
        ] {
            assert!(one_statement(source).is_none(), "{source:?}");
        }
    }
}
