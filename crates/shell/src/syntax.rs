//! What each piece of a shell line is, for completion and highlighting, as the query grammar
//! says: the line is cut into the grammar's lexemes, and for each token pest is asked what it
//! expected where the token starts ([`skillgraph_query::parser::expected_after`]), which names
//! the slot — a statement keyword, a role, a field, one of a few clause words…
//!
//! It never decides whether input is valid — the parser does that when the line runs. Where
//! the statement went wrong before a token, the token's slot is [`Slot::Free`] and the shell
//! falls back to offering everything.

use skillgraph_graph::NodeKind;
use skillgraph_query::parser::{expected_after, first_words, lexemes, LexemeKind, Rule};
use skillgraph_query::reference::forms_of;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lexeme {
    /// A bare word: a name, keyword, field path or text value (`CI/CD`, `salary.avg`, `C#`).
    Word,
    /// `"…"` or `'…'`; `closed` is false while the quote is still open.
    Quoted {
        closed: bool,
    },
    /// `$name`.
    Variable,
    Number,
    /// `->`, `→`, `,`, brackets, `=`, `:`, comparison operators, and anything unexpected.
    Punct,
    /// A new line or `;` that ends a statement.
    Separator,
    Comment,
}

/// What the grammar expects at a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// The first word of a statement.
    Statement,
    /// One of these words (keywords, or operators such as `<=`).
    Keywords(Vec<&'static str>),
    /// A node reference: `SRE`, `"Site Reliability Engineer"`, `tool:Git`.
    Node(Want),
    /// Where a route starts: a node, a `[list]` or a `$profile`.
    Start,
    /// A name being introduced (`add skill NAME`, `let NAME`): nothing to resolve.
    NewName,
    /// A profile's name without `$` (`use me`); `must_exist` unless the statement may create it.
    Profile { must_exist: bool },
    /// A field name (`order by F`, `set NODE F`, `{ F: … }`).
    Field,
    /// A dataset or source id (`from onet`).
    Source,
    /// A condition: a field, `not`, `has(…)`, `requires(…)`, `(`.
    Condition,
    /// A literal value.
    Value,
    /// Punctuation such as `->` or `=`.
    Punct(&'static str),
    /// The statement is complete.
    End,
    /// The statement went wrong before this point: judge nothing.
    Free,
}

/// Which nodes make sense in a node position, so completion offers only those.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    Any,
    /// `role_ref` in the grammar.
    Role,
    /// What a profile holds (`held_ref`).
    SkillOrTool,
}

impl Want {
    pub fn admits(self, kind: NodeKind) -> bool {
        match self {
            Want::Any => true,
            Want::Role => kind == NodeKind::Role,
            Want::SkillOrTool => kind != NodeKind::Role,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub lexeme: Lexeme,
    pub start: usize,
    pub end: usize,
    /// The kind in `tool:Git` / `tool:"GitLab CI"`.
    pub qualifier: Option<NodeKind>,
    /// Where the name starts, after any qualifier (the opening quote, if quoted).
    pub name_start: usize,
    /// Where a `@dataset` after the name starts (`Kubernetes@onet`), if there is one.
    pub source_at: Option<usize>,
    /// What the grammar expected where this token stands.
    pub slot: Slot,
}

impl Token {
    pub fn text<'a>(&self, line: &'a str) -> &'a str {
        &line[self.start..self.end]
    }

    /// The name a word or quoted token stands for, unquoted and unescaped.
    pub fn name(&self, line: &str) -> String {
        let raw = &line[self.name_start..self.source_at.unwrap_or(self.end)];
        match self.lexeme {
            Lexeme::Quoted { closed } => {
                let inner = &raw[1..raw.len() - usize::from(closed)];
                unescape(inner)
            }
            _ => raw.to_string(),
        }
    }
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// How many tokens of one statement get a slot. Each asks pest about the statement up to the
/// token, which costs the square of the statement's length; past this many tokens (a pasted
/// list of thousands of names) the shell judges nothing rather than lag at every key.
const MAX_ASKED: usize = 256;

/// The tokens of `line` (comments included, white space left out), each with its slot.
pub fn tokens(line: &str) -> Vec<Token> {
    let mut tokens = lexed(line);
    let mut asked = 0;
    for index in 0..tokens.len() {
        let slot = match tokens[index].lexeme {
            Lexeme::Separator => {
                asked = 0;
                Slot::End
            }
            Lexeme::Comment => Slot::Free,
            _ if asked >= MAX_ASKED => Slot::Free,
            _ => {
                asked += 1;
                slot_at(line, &tokens, index)
            }
        };
        tokens[index].slot = slot;
    }
    tokens
}

/// The slot of `tokens[index]`, one of the tokens of `line` ([`lexed`]).
pub fn slot_at(line: &str, tokens: &[Token], index: usize) -> Slot {
    let token = &tokens[index];
    let (start, keyword) = statement_at(line, tokens, index);
    let expected = expected_after(&line[start..token.start]);
    let found = slot(expected.as_deref(), &keyword);
    // A word the grammar expects as a keyword here is that keyword, even where a name could
    // stand too (`show profile me`).
    let words = keywords(expected.as_deref().unwrap_or_default());
    let lower = token.text(line).to_lowercase();
    if token.lexeme == Lexeme::Word && found != Slot::Statement && words.contains(&lower.as_str()) {
        return Slot::Keywords(words);
    }
    found
}

/// Where the statement holding `tokens[index]` starts, and its first word in lower case (empty
/// while the token is that word).
pub fn statement_at(line: &str, tokens: &[Token], index: usize) -> (usize, String) {
    let first = tokens[..index]
        .iter()
        .rposition(|t| t.lexeme == Lexeme::Separator)
        .map_or(0, |i| i + 1);
    let start = first.checked_sub(1).map_or(0, |i| tokens[i].end);
    let keyword = tokens[first..index]
        .iter()
        .find(|t| t.lexeme != Lexeme::Comment)
        .map_or(String::new(), |t| t.text(line).to_lowercase());
    (start, keyword)
}

/// The first word of every statement in `source`, in lower case.
pub fn statement_keywords(source: &str) -> impl Iterator<Item = String> + '_ {
    tokens(source)
        .into_iter()
        .filter(|t| t.slot == Slot::Statement && t.lexeme == Lexeme::Word)
        .map(move |t| t.text(source).to_lowercase())
}

/// After a statement keyword and a space: what the statement looks like (the reference's
/// forms without the keyword), for the shell's hint.
pub fn form_hint(line: &str) -> Option<String> {
    let keyword = line.strip_suffix(' ')?.trim_start();
    if keyword.contains(char::is_whitespace) {
        return None;
    }
    let forms = forms_of(keyword);
    if forms.is_empty() {
        return None;
    }
    let shapes: Vec<&str> = forms
        .iter()
        .map(|f| {
            f.usage
                .get(f.keyword.len()..)
                .unwrap_or_default()
                .trim_start()
        })
        .collect();
    Some(shapes.join("  |  "))
}

/// What people type to get help or leave, as the dot command it means: `help`, `?`, `exit`,
/// `quit` (any case, with or without a closing `;`) are not statements, and would otherwise be
/// answered "unknown statement".
pub fn as_typed(line: &str) -> &str {
    match line
        .trim_end_matches(';')
        .trim()
        .to_ascii_lowercase()
        .as_str()
    {
        "help" | "?" => ".help",
        "exit" | "quit" => ".quit",
        _ => line,
    }
}

/// Whether `source` holds a statement that can add, rename or remove nodes, so that the names
/// completion offers must be read again. Rebuilding them is linear in the graph; skipping it
/// after reads keeps a large imported graph quick to query.
pub fn may_rename(source: &str) -> bool {
    let naming = [Rule::add, Rule::set, Rule::remove].map(first_words);
    statement_keywords(source).any(|k| naming.iter().any(|words| words.contains(&&*k)))
}

/// What the grammar expects after all of `line`.
pub fn slot_after(line: &str) -> Slot {
    let tokens = lexed(line);
    let (start, keyword) = statement_at(line, &tokens, tokens.len());
    slot(expected_after(&line[start..]).as_deref(), &keyword)
}

/// The slot the grammar's expected rules name. `statement` is the statement's first word, which
/// says whether a profile's name must exist (`use me`) or is being made (`profile me = …`).
fn slot(expected: Option<&[Rule]>, statement: &str) -> Slot {
    let Some(expected) = expected else {
        return Slot::Free;
    };
    let has = |rules: &[Rule]| expected.iter().any(|r| rules.contains(r));
    if has(&[Rule::statement, Rule::script]) {
        Slot::Statement
    } else if has(&[Rule::role_ref]) {
        Slot::Node(Want::Role)
    } else if has(&[Rule::held_ref]) {
        Slot::Node(Want::SkillOrTool)
    } else if has(&[Rule::start]) {
        Slot::Start
    } else if has(&[Rule::node_ref]) {
        Slot::Node(Want::Any)
    } else if has(&[Rule::node_name]) {
        Slot::NewName
    } else if has(&[Rule::variable_name]) {
        // The statements that make a profile; every other one names a profile that exists.
        match statement {
            "let" => Slot::NewName,
            "profile" => Slot::Profile { must_exist: false },
            _ => Slot::Profile { must_exist: true },
        }
    } else if has(&[Rule::condition, Rule::test, Rule::negation]) {
        Slot::Condition
    } else if has(&[Rule::field_path, Rule::field_name, Rule::field]) {
        Slot::Field
    } else if has(&[Rule::source_name]) {
        Slot::Source
    } else if has(&[Rule::value, Rule::list]) {
        Slot::Value
    } else if !keywords(expected).is_empty() {
        // Words first where a number may also come (`keep pay [N%]`, `max [hours] N`).
        Slot::Keywords(keywords(expected))
    } else if has(&[Rule::number, Rule::percent]) {
        Slot::Value
    } else if let Some(punct) = expected.iter().find_map(|&r| punctuation(r)) {
        Slot::Punct(punct)
    } else if has(&[Rule::separator, Rule::EOI]) {
        Slot::End
    } else {
        Slot::Free
    }
}

/// Rules that stand for a name, a value or a condition, whose first words (`role` of
/// `role:Git`, `true`, `not`) are no keywords offered in their place.
const CONTENT: &[Rule] = &[
    Rule::statement,
    Rule::script,
    Rule::node_ref,
    Rule::role_ref,
    Rule::held_ref,
    Rule::start,
    Rule::node_name,
    Rule::value,
    Rule::list,
    Rule::condition,
    Rule::test,
    Rule::negation,
];

/// The words among what the grammar expects, sorted: keywords, and operators such as `<=`.
fn keywords(expected: &[Rule]) -> Vec<&'static str> {
    let mut out = Vec::new();
    for &rule in expected {
        if punctuation(rule).is_some() || CONTENT.contains(&rule) {
            continue;
        }
        for &word in first_words(rule) {
            let is_word = word
                .chars()
                .all(|c| c.is_alphabetic() || matches!(c, '/' | '<' | '>' | '=' | '!'));
            if is_word && !out.contains(&word) {
                out.push(word);
            }
        }
    }
    out.sort_unstable();
    out
}

/// The one punctuation mark a rule stands for (`arrow` is `->`).
fn punctuation(rule: Rule) -> Option<&'static str> {
    match rule {
        Rule::arrow
        | Rule::comma
        | Rule::colon
        | Rule::equals
        | Rule::open_paren
        | Rule::close_paren
        | Rule::open_bracket
        | Rule::close_bracket
        | Rule::open_brace
        | Rule::close_brace => first_words(rule).first().copied(),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens: the grammar's lexemes, with the parts of a name still being typed joined up.

/// The tokens of `line` without their slots (each [`Slot::Free`]), for finding a token cheaply;
/// [`slot_at`] gives one its slot.
pub fn lexed(line: &str) -> Vec<Token> {
    let mut tokens: Vec<Token> = Vec::new();
    let mut depth = 0usize;
    for lexeme in lexemes(line) {
        let (start, end) = (lexeme.span.start, lexeme.span.end);
        let text = &line[start..end];
        let kind = match lexeme.kind {
            LexemeKind::Word => Lexeme::Word,
            LexemeKind::Number => Lexeme::Number,
            LexemeKind::Quoted { closed } => Lexeme::Quoted { closed },
            LexemeKind::Variable => Lexeme::Variable,
            LexemeKind::Comment => Lexeme::Comment,
            // A new line inside `[…]` or `{…}` is white space.
            LexemeKind::Separator if depth > 0 && text != ";" => continue,
            LexemeKind::Separator => Lexeme::Separator,
            LexemeKind::Continuation => continue,
            LexemeKind::Arrow | LexemeKind::Punct | LexemeKind::Stray => {
                match text {
                    "[" | "{" => depth += 1,
                    "]" | "}" => depth = depth.saturating_sub(1),
                    _ => {}
                }
                Lexeme::Punct
            }
        };
        let mut token = Token {
            lexeme: kind,
            start,
            end,
            qualifier: None,
            name_start: start,
            source_at: None,
            slot: Slot::Free,
        };
        if kind == Lexeme::Word {
            // `tool:Git` is one word; the kind before its `:` qualifies the name.
            if let Some((prefix, _)) = text.split_once(':') {
                if let Some(kind) = NodeKind::parse(prefix) {
                    token.qualifier = Some(kind);
                    token.name_start = start + prefix.len() + 1;
                }
            }
        }
        // Hand-joined, because a name still being typed is no `node_ref` yet, so the grammar
        // leaves its parts apart: `tool:` and `tool:"GitLab C` (a kind and its name to come),
        // `Kubernetes@` and `"DevOps Engineer"@es` (a name and the dataset being typed).
        if let Some(last) = tokens.last_mut().filter(|last| last.end == start) {
            let last_text = &line[last.start..last.end];
            let last_is_kind = last.lexeme == Lexeme::Word && NodeKind::parse(last_text).is_some();
            if last_is_kind && text == ":" {
                last.qualifier = NodeKind::parse(last_text);
                last.end = end;
                last.name_start = end;
                continue;
            }
            let waits_for_name = last.qualifier.is_some() && last.name_start == last.end;
            if waits_for_name && matches!(kind, Lexeme::Quoted { .. } | Lexeme::Word) {
                last.lexeme = kind;
                last.end = end;
                continue;
            }
            let is_name = matches!(last.lexeme, Lexeme::Word | Lexeme::Quoted { closed: true });
            if is_name && last.source_at.is_none() && text == "@" {
                last.source_at = Some(start);
                last.end = end;
                continue;
            }
            if last.source_at.is_some_and(|at| at + 1 == start) && kind == Lexeme::Word {
                last.end = end;
                continue;
            }
        }
        tokens.push(token);
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_exit_and_quit_as_typed_are_dot_commands() {
        assert_eq!(as_typed("help"), ".help");
        assert_eq!(as_typed("?"), ".help");
        assert_eq!(as_typed("EXIT;"), ".quit");
        assert_eq!(as_typed("quit"), ".quit");
        assert_eq!(as_typed("help me"), "help me");
        assert_eq!(as_typed("show help"), "show help");
    }

    const NODE: Slot = Slot::Node(Want::Any);
    const ROLE: Slot = Slot::Node(Want::Role);
    const HELD: Slot = Slot::Node(Want::SkillOrTool);

    /// `(text, slot)` of every token.
    fn slots(line: &str) -> Vec<(&str, Slot)> {
        tokens(line)
            .into_iter()
            .map(|t| (t.text(line), t.slot))
            .collect()
    }

    fn slot_of(line: &str, text: &str) -> Slot {
        slots(line)
            .into_iter()
            .find(|(t, _)| *t == text)
            .unwrap_or_else(|| panic!("no token `{text}` in {:?}", slots(line)))
            .1
    }

    /// The words offered after `line`; panics unless the slot is a list of words.
    fn words_after(line: &str) -> Vec<&'static str> {
        match slot_after(line) {
            Slot::Keywords(words) => words,
            other => panic!("after `{line}`: {other:?}"),
        }
    }

    #[test]
    fn words_follow_the_grammar() {
        let line = r#"show "Site Reliability Engineer" # a comment"#;
        let kinds: Vec<Lexeme> = tokens(line).iter().map(|t| t.lexeme).collect();
        assert_eq!(
            kinds,
            [
                Lexeme::Word,
                Lexeme::Quoted { closed: true },
                Lexeme::Comment
            ]
        );
        let line = "learn [C#, CI/CD, Node.js, .NET] -> SRE";
        let texts: Vec<&str> = tokens(line).iter().map(|t| t.text(line)).collect();
        assert_eq!(
            texts,
            ["learn", "[", "C#", ",", "CI/CD", ",", "Node.js", ",", ".NET", "]", "->", "SRE"]
        );
    }

    #[test]
    fn a_kind_qualifier_belongs_to_the_name() {
        for (line, name) in [
            ("show tool:Git", "Git"),
            (r#"show tool:"GitLab CI""#, "GitLab CI"),
            ("show tool:", ""),
            (r#"show tool:"GitLab C"#, "GitLab C"),
        ] {
            let t = tokens(line)[1].clone();
            assert_eq!(t.qualifier, Some(NodeKind::Tool), "{line}");
            assert_eq!(t.name(line), name, "{line}");
            assert_eq!(t.end, line.len(), "{line}");
            assert_eq!(t.slot, NODE, "{line}");
        }
    }

    #[test]
    fn a_dataset_belongs_to_the_name() {
        for (line, name) in [
            ("show Kubernetes@onet", "Kubernetes"),
            ("show Kubernetes@", "Kubernetes"),
            (
                r#"show "Site Reliability Engineer"@cu"#,
                "Site Reliability Engineer",
            ),
        ] {
            let t = tokens(line)[1].clone();
            assert!(t.source_at.is_some(), "{line}");
            assert_eq!(t.name(line), name, "{line}");
            assert_eq!(t.end, line.len(), "{line}");
        }
    }

    #[test]
    fn an_open_quote_runs_to_the_end() {
        let line = r#"show "Site Rel"#;
        let t = tokens(line)[1].clone();
        assert_eq!(t.lexeme, Lexeme::Quoted { closed: false });
        assert_eq!(t.name(line), "Site Rel");
    }

    #[test]
    fn node_positions_are_known_in_every_statement_that_takes_nodes() {
        assert_eq!(slot_of("show Kube", "Kube"), NODE);
        assert_eq!(slot_of("skills of SRE", "SRE"), ROLE);
        assert_eq!(slot_of("learn DevOps -> SRE", "DevOps"), Slot::Start);
        assert_eq!(slot_of("learn DevOps -> SRE", "SRE"), ROLE);
        assert_eq!(slot_of("learn [Linux, Git] -> SRE", "Git"), HELD);
        assert_eq!(
            slot_of("path Ops -> EM via SRE, DevOps max 4", "DevOps"),
            NODE
        );
        assert_eq!(slot_of("compare DevOps, SRE", "SRE"), ROLE);
        assert_eq!(
            slot_of("link SRE requires eBPF { importance: 3 }", "eBPF"),
            NODE
        );
        assert_eq!(
            slot_of("roles where requires(Kubernetes)", "Kubernetes"),
            NODE
        );
        assert_eq!(slot_of("let me = [Linux,\nPython]", "Python"), HELD);
        assert_eq!(slot_of("set eBPF effort_hours = 30", "eBPF"), NODE);
        // Any word is a name where a name goes, even one spelled like a keyword.
        assert_eq!(slot_of("show path", "path"), NODE);
    }

    #[test]
    fn other_positions_are_not_names() {
        assert_eq!(slot_of("add skill eBPF", "eBPF"), Slot::NewName);
        assert_eq!(slot_of("let me = [Linux]", "me"), Slot::NewName);
        assert_eq!(
            slot_of("set eBPF effort_hours = 30", "effort_hours"),
            Slot::Field
        );
        assert_eq!(slot_of("set eBPF category = ops", "ops"), Slot::Value);
        assert_eq!(
            slot_of(
                "roles where salary.avg > 1 order by name desc",
                "salary.avg"
            ),
            Slot::Condition
        );
        assert_eq!(
            slot_of("roles where salary.avg > 1 order by name desc", "name"),
            Slot::Field
        );
        assert_eq!(
            slot_of(
                r#"add skill X { category: "obs", effort_hours: 4 }"#,
                "effort_hours"
            ),
            Slot::Field
        );
        assert_eq!(
            slot_of("skills where category in [ops, dev] limit 3", "dev"),
            Slot::Value
        );
    }

    #[test]
    fn saved_profiles_and_their_statements() {
        assert!(
            matches!(slot_of("show profile me", "profile"), Slot::Keywords(w) if w == ["profile"])
        );
        assert_eq!(
            slot_of("show profile me", "me"),
            Slot::Profile { must_exist: true }
        );
        assert_eq!(
            slot_of("profile me = [Linux: 4, Git]", "me"),
            Slot::Profile { must_exist: false }
        );
        assert_eq!(slot_of("profile me = [Linux: 4, Git]", "Git"), HELD);
        assert_eq!(slot_of("profile me = [Linux: 4, Git]", "4"), Slot::Value);
        assert_eq!(slot_of("profile me add Linux: 4, Git", "Git"), HELD);
        assert_eq!(slot_of("profile me drop Linux, Git", "Git"), HELD);
        assert_eq!(slot_of("learnt me Linux, Git", "Git"), HELD);
        assert_eq!(slot_of("use me", "me"), Slot::Profile { must_exist: true });
        assert!(
            matches!(slot_of("unlock limit 3", "limit"), Slot::Keywords(w) if w.contains(&"limit"))
        );
    }

    /// Every documented example is a statement the grammar reads, so no token of it is lost.
    #[test]
    fn every_documented_example_has_a_slot_for_each_token() {
        for form in skillgraph_query::reference::STATEMENT_FORMS {
            for example in form.examples {
                let lost: Vec<&str> = tokens(example)
                    .iter()
                    .filter(|t| t.slot == Slot::Free)
                    .map(|t| t.text(example))
                    .collect();
                assert!(lost.is_empty(), "`{example}` loses track at {lost:?}");
                let after = slot_after(example);
                assert!(
                    matches!(after, Slot::End | Slot::Keywords(_) | Slot::Punct(",")),
                    "`{example}` is complete, but {after:?} is expected after it"
                );
            }
        }
    }

    /// A pasted statement of thousands of tokens: each token is a question to pest about all
    /// before it, so only the first ones are asked; what comes after the end still is.
    #[test]
    fn a_long_statement_is_asked_about_a_bounded_number_of_times() {
        let line = format!("learn [{}] -> ", vec!["Linux"; 2000].join(", "));
        let tokens = tokens(&line);
        assert!(tokens.len() > 4 * MAX_ASKED);
        let asked = tokens.iter().filter(|t| t.slot != Slot::Free).count();
        assert_eq!(asked, MAX_ASKED);
        assert_eq!(slot_after(&line), ROLE);
    }

    #[test]
    fn what_comes_next() {
        assert_eq!(slot_after(""), Slot::Statement);
        assert_eq!(slot_after("show "), NODE);
        assert_eq!(slot_after("learn DevOps "), Slot::Punct("->"));
        let clauses = words_after("learn DevOps -> SRE ");
        assert!(
            clauses.contains(&"via") && clauses.contains(&"at"),
            "{clauses:?}"
        );
        assert!(words_after("closest $me ").contains(&"limit"));
        assert_eq!(slot_after("unlock "), Slot::Start);
        assert_eq!(slot_after("learn "), Slot::Start);
        assert_eq!(slot_after("learn -> "), ROLE);
        assert_eq!(slot_after("use "), Slot::Profile { must_exist: true });
        assert!(words_after("profile me ").contains(&"add"));
        assert_eq!(words_after("learn $me -> SRE max "), ["hours"]);
        assert_eq!(
            words_after("learn $me -> SRE at 10 "),
            ["h/week", "hours/week"]
        );
        let after_skills = words_after("skills ");
        assert!(after_skills.contains(&"of") && after_skills.contains(&"where"));
        assert!(!words_after("roles ").contains(&"of"));
        assert_eq!(slot_after("roles where "), Slot::Condition);
        assert!(words_after("roles where name ").contains(&"contains"));
        assert!(words_after("roles where name ").contains(&"<="));
        assert_eq!(slot_after("roles order by "), Slot::Field);
        assert!(words_after("link SRE ").contains(&"prerequisite"));
        assert_eq!(words_after("add "), ["role", "skill", "tool"]);
        assert_eq!(words_after("path A -> B by "), ["effort"]);
        assert_eq!(slot_after("show SRE; "), Slot::Statement);
        assert_eq!(slot_after("show SRE\n"), Slot::Statement);
        assert_eq!(slot_after("path DevOps \\\n-> "), ROLE);
        assert_eq!(slot_after("show SRE "), Slot::End);
        assert_eq!(slot_after("frobnicate "), Slot::Free);
    }

    #[test]
    fn the_form_of_a_statement_follows_its_keyword() {
        assert_eq!(form_hint("show ").as_deref(), Some("NODE"));
        let skills = form_hint("skills ").unwrap();
        assert!(
            skills.contains("of ROLE") && skills.contains("where"),
            "{skills}"
        );
        assert_eq!(form_hint("show"), None);
        assert_eq!(form_hint("show SRE "), None);
        assert_eq!(form_hint("frob "), None);
    }

    #[test]
    fn only_writes_that_touch_names_refresh_them() {
        assert!(may_rename("add skill eBPF"));
        assert!(may_rename("show SRE; set eBPF name = \"e\""));
        assert!(may_rename("REMOVE eBPF"));
        assert!(!may_rename("link SRE requires eBPF { importance: 3 }"));
        assert!(!may_rename("show \"add\""));
    }
}
