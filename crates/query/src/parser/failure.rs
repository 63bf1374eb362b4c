//! Pest's failures, in words: what a rule stands for (`rule_words`), the first word of a
//! statement or clause that is no keyword (with "did you mean"), and "expected X after `Y`"
//! with the form's usage. Pest's own errors are translated here and nowhere else.

use super::clauses::{allowed_clauses_help, clause_list, misplaced_clause, ClauseName};
use super::lexemes::{closing_partner, Lexed, Token, TokenKind};
use super::{first_words, quote_name, Rule, KEYWORDS, RESERVED_WORDS, STATEMENT_KEYWORDS};
use crate::ast::{EdgeKind, Span};
use crate::diagnostic::{ErrorKind, QueryError};
use crate::forms::clauses_of;

/// What a rule stands for in "expected …". `None` for rules never worth naming.
pub(super) fn rule_words(rule: Rule) -> Option<&'static str> {
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

pub(super) fn usage_help(keyword: &str) -> Option<String> {
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
pub(super) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
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

pub(super) fn join_alternatives(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// `text` fit for a one-line message: at most 40 characters, control characters escaped.
pub(crate) fn shorten(text: &str) -> String {
    pub(super) const MAX: usize = 40;
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

/// Pest's failure at `position` in words: the first of the special cases that applies (a
/// misplaced `@`, an unknown statement, clause or edge kind, brackets left open), else
/// "expected X after `Y`".
pub(super) fn describe_failure(
    source: &str,
    lexed: &Lexed,
    position: usize,
    positives: &[Rule],
    negatives: &[Rule],
) -> QueryError {
    let failure = Failure::new(source, lexed, position, positives);
    if let Some(error) = failure.misplaced_at_sign() {
        return error;
    }
    let quote_help = failure.quote_help();
    failure
        .unknown_word(quote_help.is_some())
        .or_else(|| failure.unclosed_at_end())
        .unwrap_or_else(|| failure.expected(negatives, quote_help))
}

/// Where pest stopped, as a user reads it: the token found there and the one before it, and the
/// statement's first word.
struct Failure<'a> {
    source: &'a str,
    lexed: &'a Lexed,
    position: usize,
    positives: &'a [Rule],
    /// The text from where pest stopped.
    rest: &'a str,
    /// The word found there, if a word is.
    found_word: Option<&'a str>,
    found_span: Span,
    /// What was found, for "found …": `` `x` ``, "the end of the line", ….
    found_text: String,
    /// The token before, in the same statement.
    previous: Option<Token>,
    /// The statement's first word, lower case.
    keyword: Option<String>,
}

impl<'a> Failure<'a> {
    fn new(source: &'a str, lexed: &'a Lexed, position: usize, positives: &'a [Rule]) -> Self {
        let found = lexed.token_at(position);
        let found_word = found
            .filter(|t| t.kind == TokenKind::Word)
            .map(|t| t.span.text(source));
        let rest = source.get(position..).unwrap_or("");
        let at_line_end = rest.starts_with(['\n', '\r']);
        let (found_span, found_text) = match found {
            _ if at_line_end => (Span::at(position), "the end of the line".to_string()),
            Some(token) if token.kind == TokenKind::Separator && token.span.text(source) != ";" => {
                (
                    Span::at(token.span.start),
                    "the end of the line".to_string(),
                )
            }
            Some(token) => (
                token.span,
                format!("`{}`", shorten(token.span.text(source))),
            ),
            None if position >= source.len() => {
                (Span::at(source.len()), "the end of the input".into())
            }
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
        Failure {
            source,
            lexed,
            position,
            positives,
            rest,
            found_word,
            found_span,
            found_text,
            previous,
            keyword: lexed.statement_keyword(source, position),
        }
    }

    /// Whether pest tried `rule` where it stopped.
    fn has(&self, rule: Rule) -> bool {
        self.positives.contains(&rule)
            || (rule == Rule::statement && self.positives.contains(&Rule::script))
    }

    /// `Kubernetes@` or `Kubernetes @onet`: a source qualifier is `@` and a word, written
    /// against the name.
    fn misplaced_at_sign(&self) -> Option<QueryError> {
        let (source, position) = (self.source, self.position);
        let at_sign = if self.rest.starts_with('@') {
            Some(position)
        } else {
            source[..position].ends_with('@').then(|| position - 1)
        }?;
        let at = Span::new(at_sign, at_sign + 1);
        let spaced = source[..at_sign].ends_with([' ', '\t']);
        let message = if spaced {
            "`@` goes right after the name, without a space"
        } else {
            "`@` needs a dataset or source id after it"
        };
        Some(QueryError::new(at, message)
            .with_kind(ErrorKind::Syntax)
            .with_label("here")
            .with_help("e.g. `Kubernetes@onet`, `\"DevOps Engineer\"@esco`; the datasets are `curated`, `onet` and `esco`"))
    }

    /// A name with a space in it, unquoted: `path Build Engineer -> SRE`. Suggests quotes only
    /// when what was expected turns up later in the statement, or when a clause could follow.
    fn quote_help(&self) -> Option<String> {
        let source = self.source;
        let previous_is_name = self.previous.is_some_and(|t| {
            t.kind == TokenKind::Word
                && t.span.text(source).parse::<f64>().is_err()
                && !KEYWORDS.contains(&t.span.text(source).to_lowercase().as_str())
        });
        let rest_of_statement = || {
            let tokens = &self.lexed.tokens;
            let from = tokens.partition_point(|t| t.span.start <= self.position);
            tokens[from..]
                .iter()
                .take_while(|t| t.kind != TokenKind::Separator)
                .copied()
        };
        let comes_later = |rule: Rule| {
            self.has(rule)
                && rest_of_statement().any(|t| first_words(rule).contains(&t.span.text(source)))
        };
        let expected_later = (self.has(Rule::arrow)
            && rest_of_statement().any(|t| t.kind == TokenKind::Arrow))
            || comes_later(Rule::comma)
            || comes_later(Rule::equals)
            || (self.has(Rule::edge_kind)
                && rest_of_statement().any(|t| EdgeKind::parse(t.span.text(source)).is_some()))
            || self.has(Rule::clause)
            || self.has(Rule::list_clause)
            || self.has(Rule::separator)
            || self.has(Rule::EOI);
        match (
            previous_is_name && expected_later,
            self.previous,
            self.found_word,
        ) {
            (true, Some(previous), Some(word)) => {
                let joined = format!("{} {word}", previous.span.text(source));
                Some(format!(
                    "if `{joined}` is one name, quote it: {}",
                    quote_name(&joined)
                ))
            }
            _ => None,
        }
    }

    /// A word where a statement, a clause or an edge kind starts, which is none: with the
    /// likely typo, or the words that fit. A clause or edge kind that a quoted name explains
    /// better (`quoted_instead`) is left to [`Failure::expected`], unless it is a likely typo.
    fn unknown_word(&self, quoted_instead: bool) -> Option<QueryError> {
        let word = self.found_word?;
        let found_span = self.found_span;
        // The first word of a statement.
        if self.has(Rule::statement) {
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
            return Some(
                QueryError::new(found_span, format!("unknown statement `{}`", shorten(word)))
                    .with_kind(ErrorKind::UnknownStatement)
                    .with_label("not a statement")
                    .with_help(help),
            );
        }
        // A word where a clause could start.
        if let (true, Some(keyword)) = (
            self.has(Rule::clause) || self.has(Rule::list_clause),
            self.keyword.as_deref(),
        ) {
            let allowed = clauses_of(keyword);
            let lower = word.to_lowercase();
            let clause_word = ClauseName::ALL
                .iter()
                .find(|c| c.starts_with(&lower))
                .copied();
            if let Some(clause) = clause_word.filter(|c| !allowed.contains(c)) {
                return Some(misplaced_clause(clause, keyword, found_span));
            }
            let suggestion = did_you_mean(word, allowed.iter().map(|c| c.first_word()));
            if suggestion.is_some() || !quoted_instead {
                let help = match suggestion {
                    Some(clause) => format!("did you mean `{clause}`?"),
                    None => allowed_clauses_help(keyword),
                };
                return Some(
                    QueryError::new(
                        found_span,
                        format!("unknown clause `{}` in `{keyword}`", shorten(word)),
                    )
                    .with_kind(ErrorKind::UnknownClause)
                    .with_label("not a clause")
                    .with_help(help),
                );
            }
        }
        // A word where an edge kind belongs.
        if self.has(Rule::edge_kind) {
            let kinds = EdgeKind::ALL.map(EdgeKind::as_str);
            let suggestion = did_you_mean(word, kinds);
            if suggestion.is_some() || !quoted_instead {
                let help = match suggestion {
                    Some(kind) => format!("did you mean `{kind}`?"),
                    None => format!("the edge kinds are {}", kinds.join(", ")),
                };
                return Some(
                    QueryError::new(found_span, format!("unknown edge kind `{}`", shorten(word)))
                        .with_kind(ErrorKind::UnknownEdgeKind)
                        .with_label("not an edge kind")
                        .with_help(help),
                );
            }
        }
        None
    }

    /// The input ended inside brackets.
    fn unclosed_at_end(&self) -> Option<QueryError> {
        if self.position < self.source.len() {
            return None;
        }
        let &(open, at) = self.lexed.open.last()?;
        Some(
            QueryError::new(
                Span::new(at, at + open.len_utf8()),
                format!("unclosed `{open}`"),
            )
            .with_kind(ErrorKind::UnbalancedBracket)
            .with_label("this is never closed")
            .with_help(format!("close it with `{}`", closing_partner(open))),
        )
    }

    /// Everything else: "expected X after `Y`", with the help that fits best.
    fn expected(&self, negatives: &[Rule], quote_help: Option<String>) -> QueryError {
        let (source, rest, found_text) = (self.source, self.rest, &self.found_text);
        let keyword = self.keyword.as_deref();
        let mut expected: Vec<String> = Vec::new();
        let mut ends_statement = false;
        for &rule in self.positives {
            if matches!(rule, Rule::separator | Rule::EOI) {
                ends_statement = true;
                continue;
            }
            let words = if rule == Rule::clause {
                clause_list(keyword.map(clauses_of).unwrap_or(&[]))
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
        let previous_text = self.previous.map(|t| shorten(t.span.text(source)));
        if let (Some(previous), false) = (&previous_text, expected.is_empty()) {
            message.push_str(&format!(" after `{previous}`"));
        }
        let mut error = QueryError::new(self.found_span, message)
            .with_kind(ErrorKind::Syntax)
            .with_label(format!("found {found_text}"));
        let closes_bracket = [Rule::close_bracket, Rule::close_brace, Rule::close_paren]
            .iter()
            .any(|&r| self.has(r));
        if closes_bracket {
            if let Some((open, at)) = self.lexed.open_bracket_at(source, self.position) {
                error = error.with_note(
                    Span::new(at, at + open.len_utf8()),
                    format!("`{open}` opened here"),
                );
            }
        }
        let reserved = self.found_word.filter(|w| {
            let lower = w.to_lowercase();
            RESERVED_WORDS
                .iter()
                .chain(first_words(Rule::boolean))
                .any(|r| *r == lower)
        });
        if let (true, Some(word)) = (self.has(Rule::value), reserved) {
            error = error.with_help(format!(
                "`{word}` is a keyword here; to mean the text, quote it: \"{word}\""
            ));
        } else if self.has(Rule::variable_name) && rest.starts_with('$') {
            error = error.with_help(
                "name the profile without `$` (`let me = [Linux, Git]`), then use it as `$me`",
            );
        } else if let Some(help) = quote_help {
            error = error.with_help(help);
        } else if keyword == Some("let") && rest.starts_with(':') {
            // `let me = [SQL: 4]`: levels are what a saved profile adds.
            error = error.with_help(
                "a `let` list takes no levels; to give levels, save a profile: \
                 `profile NAME = [SKILL: LEVEL, …]` (levels 1–5), then use it as `$NAME`",
            );
        } else if let Some(help) = keyword.and_then(usage_help) {
            error = error.with_help(help);
        }
        error
    }
}
