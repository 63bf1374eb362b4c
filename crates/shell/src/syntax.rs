//! What each piece of a shell line is, for completion and highlighting: a forgiving lexer that
//! mirrors the lexical rules of `grammar/skillgraph.pest`, and a walk that knows, at each token,
//! what the grammar expects there (a statement keyword, a node name, a field, a clause…).
//!
//! It never decides whether input is valid — the parser does that when the line runs. It must
//! cope with half-typed input (an open quote, `tool:` with no name yet), so where it loses track
//! it says [`Slot::Free`] and the shell falls back to offering everything.

use skillgraph_graph::NodeKind;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// The first word of a statement.
    Statement,
    /// One of these words.
    Keywords(&'static [&'static str]),
    /// A node reference: `SRE`, `"Site Reliability Engineer"`, `tool:Git`.
    Node(Want),
    /// Where a route starts: a node, a `[list]` or a `$profile`.
    Start,
    /// A name being introduced (`add skill NAME`, `let NAME`): nothing to resolve.
    NewName,
    /// A profile's name without `$` (`use me`); `must_exist` unless the statement may create it.
    Profile { must_exist: bool },
    /// A field name (`where F`, `order by F`, `set NODE F`, `{ F: … }`).
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
    /// The walk lost track (a mistake, or a form it does not know): judge nothing.
    Free,
}

/// Which nodes make sense in a node position, so completion offers only those.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    Any,
    Role,
    /// What a profile holds.
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// The tokens of `line` (comments included, white space left out), each with its slot.
pub fn tokens(line: &str) -> Vec<Token> {
    let mut tokens = lex(line);
    let mut walk = Walk::new();
    for token in &mut tokens {
        token.slot = walk.expect();
        walk.step(token, token.text(line));
        if let Some(slot) = walk.retag.take() {
            token.slot = slot;
        }
    }
    tokens
}

/// The first word of every statement in `source`, in lower case.
pub fn statement_keywords(source: &str) -> impl Iterator<Item = String> + '_ {
    tokens(source)
        .into_iter()
        .filter(|t| t.slot == Slot::Statement && t.lexeme == Lexeme::Word)
        .map(move |t| t.text(source).to_lowercase())
}

/// What the grammar expects after all of `line`.
pub fn slot_after(line: &str) -> Slot {
    let mut walk = Walk::new();
    for token in lex(line) {
        walk.step(&token, token.text(line));
    }
    walk.expect()
}

// ---------------------------------------------------------------------------------------------
// Lexing: the word rules follow `bare_word` in the grammar.

fn is_word_solid(c: char, next: Option<char>) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '+' | '#' | '/') || (c == '-' && next != Some('>'))
}

fn lex(line: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let offset = |i: usize| chars.get(i).map_or(line.len(), |&(o, _)| o);
    let mut depth = 0usize;
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        let start = offset(i);
        let token = |lexeme, end_index: usize| Token {
            lexeme,
            start,
            end: offset(end_index),
            qualifier: None,
            name_start: start,
            source_at: None,
            slot: Slot::Free,
        };
        // `Kubernetes@onet`, `"DevOps Engineer"@esco`: the `@dataset` after a name belongs to
        // it (`source_qualifier`), so the name stays one token.
        let with_source = |mut token: Token, end_index: usize| -> (Token, usize) {
            if at(end_index) != Some('@') {
                return (token, end_index);
            }
            let mut j = end_index + 1;
            loop {
                match at(j) {
                    Some(d) if is_word_solid(d, at(j + 1)) => j += 1,
                    Some('.' | ':') if at(j + 1).is_some_and(|d| is_word_solid(d, at(j + 2))) => {
                        j += 1
                    }
                    _ => break,
                }
            }
            token.source_at = Some(offset(end_index));
            token.end = offset(j);
            (token, j)
        };
        // `\` at the end of a line continues the statement: white space.
        if c == '\\' {
            let mut j = i + 1;
            while matches!(at(j), Some(' ' | '\t')) {
                j += 1;
            }
            if matches!(at(j), Some('\n') | Some('\r') | None) {
                i = j + usize::from(at(j) == Some('\r')) + 1;
                continue;
            }
        }
        if c == '\n' || c == ';' {
            if depth == 0 {
                tokens.push(token(Lexeme::Separator, i + 1));
            }
            i += 1;
            continue;
        }
        if c.is_whitespace() || c == '\u{feff}' {
            i += 1;
            continue;
        }
        if c == '#' {
            let mut j = i;
            while at(j).is_some_and(|c| c != '\n') {
                j += 1;
            }
            tokens.push(token(Lexeme::Comment, j));
            i = j;
            continue;
        }
        if c == '"' || c == '\'' {
            let (end, closed) = quoted_end(&chars, i);
            let (quoted, end) = with_source(token(Lexeme::Quoted { closed }, end), end);
            tokens.push(quoted);
            i = end;
            continue;
        }
        if c == '$' {
            let mut j = i + 1;
            while at(j).is_some_and(|c| c.is_alphanumeric() || c == '_') {
                j += 1;
            }
            tokens.push(token(Lexeme::Variable, j));
            i = j;
            continue;
        }
        let starts_number =
            c.is_ascii_digit() || (c == '-' && at(i + 1).is_some_and(|d| d.is_ascii_digit()));
        let starts_word = c.is_alphanumeric()
            || c == '_'
            || (c == '.' && at(i + 1).is_some_and(|d| is_word_solid(d, at(i + 2))));
        if starts_word || starts_number {
            let mut j = i + 1;
            loop {
                match at(j) {
                    Some(d) if is_word_solid(d, at(j + 1)) => j += 1,
                    Some('.' | ':') if at(j + 1).is_some_and(|d| is_word_solid(d, at(j + 2))) => {
                        j += 1
                    }
                    Some('.') if starts_number && at(j + 1).is_some_and(|d| d.is_ascii_digit()) => {
                        j += 1
                    }
                    _ => break,
                }
            }
            let text = &line[start..offset(j)];
            let lexeme = if text.parse::<f64>().is_ok() {
                Lexeme::Number
            } else {
                Lexeme::Word
            };
            let mut word = token(lexeme, j);
            // `tool:Git`, `tool:"GitLab CI"`, and `tool:` still waiting for its name.
            if let Some((prefix, _)) = text.split_once(':') {
                if let Some(kind) = NodeKind::parse(prefix) {
                    word.qualifier = Some(kind);
                    word.name_start = start + prefix.len() + 1;
                }
            } else if let (Some(kind), Some(':')) = (NodeKind::parse(text), at(j)) {
                word.qualifier = Some(kind);
                if matches!(at(j + 1), Some('"' | '\'')) {
                    let (end, closed) = quoted_end(&chars, j + 1);
                    word.lexeme = Lexeme::Quoted { closed };
                    word.name_start = offset(j + 1);
                    word.end = offset(end);
                    j = end;
                } else {
                    word.name_start = offset(j + 1);
                    word.end = offset(j + 1);
                    j += 1;
                }
            }
            let (word, j) = if word.lexeme == Lexeme::Number {
                (word, j)
            } else {
                with_source(word, j)
            };
            tokens.push(word);
            i = j;
            continue;
        }
        // Punctuation; two-character operators as one token.
        let two: String = chars[i..chars.len().min(i + 2)]
            .iter()
            .map(|&(_, c)| c)
            .collect();
        let width = if matches!(two.as_str(), "->" | "<=" | ">=" | "!=") {
            2
        } else {
            1
        };
        match c {
            '[' | '{' => depth += 1,
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        tokens.push(token(Lexeme::Punct, i + width));
        i += width;
    }
    tokens
}

/// The index after a quoted string opening at `open`, and whether it was closed.
fn quoted_end(chars: &[(usize, char)], open: usize) -> (usize, bool) {
    let quote = chars[open].1;
    let mut j = open + 1;
    while j < chars.len() {
        match chars[j].1 {
            '\\' => j += 2,
            c if c == quote => return (j + 1, true),
            _ => j += 1,
        }
    }
    (chars.len(), false)
}

// ---------------------------------------------------------------------------------------------
// The walk: a flat state machine over the statement forms of `grammar/skillgraph.pest`. It is
// a second, partial description of the syntax, kept honest by a test that walks every example
// of `skillgraph_query::reference` without losing track.

/// Clauses of routes, plans and rankings (`clause` in the grammar); which apply where is
/// checked when the statement runs, so completion offers them all.
const ROUTE_CLAUSES: &[&str] = &[
    "via", "avoid", "max", "limit", "by", "min", "at", "keep", "job", "depth", "explain", "with",
    "without", "from",
];
const LIST_CLAUSES: &[&str] = &["where", "from", "keep", "order", "limit"];
const OF_OR_LIST_CLAUSES: &[&str] = &["of", "where", "from", "order", "limit"];
const AFTER_CONDITION: &[&str] = &["and", "or", "from", "keep", "order", "limit"];
const AFTER_ORDER_FIELD: &[&str] = &["asc", "desc", "limit"];
const CONDITION_OPERATORS: &[&str] = &["=", "!=", "<", "<=", ">", ">=", "in", "contains", "starts"];
const NODE_KINDS: &[&str] = &["role", "skill", "tool"];
const EDGE_KINDS: &[&str] = &["requires", "uses", "covers", "prerequisite", "transition"];
const PROFILE_VERBS: &[&str] = &["=", "add", "drop"];

/// The statement being walked, for the few places where the same position differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Statement {
    /// `roles`: no `of`.
    Roles,
    /// `skills` / `tools`: `of ROLE` or a list.
    SkillsOrTools,
    /// `path`, `paths`, `gap`, `learn`, `why`: `[START] -> ROLE CLAUSE*`.
    Route,
    /// `closest`, `unlock`: `[START] CLAUSE*`.
    Ranking,
    Link,
    Unlink,
    Other,
}

/// A fixed run of keywords inside a clause, and where it leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phrase {
    /// `by effort`
    Effort,
    /// `min importance N`
    Importance,
    /// `keep pay N%`
    Pay,
    /// `job zone within N`
    Zone,
    Within,
    /// `at N hours/week`
    PerWeek,
    /// `order by FIELD`
    OrderBy,
    /// `starts with VALUE`
    With,
    /// `with [all] tools`
    Tools,
    /// `without tools`, `with all tools`
    ToolsWord,
}

impl Phrase {
    fn words(self) -> &'static [&'static str] {
        match self {
            Phrase::Effort => &["effort"],
            Phrase::Importance => &["importance"],
            Phrase::Pay => &["pay"],
            Phrase::Zone => &["zone"],
            Phrase::Within => &["within"],
            Phrase::PerWeek => &["hours/week", "h/week"],
            Phrase::OrderBy => &["by"],
            Phrase::With => &["with"],
            Phrase::Tools => &["all", "tools"],
            Phrase::ToolsWord => &["tools"],
        }
    }

    fn then(self) -> At {
        match self {
            Phrase::Effort | Phrase::PerWeek => At::RouteClause,
            Phrase::Importance | Phrase::Within => At::RouteNumber,
            Phrase::Pay => At::Percent,
            Phrase::Zone => At::Phrase(Phrase::Within),
            Phrase::OrderBy => At::OrderField,
            Phrase::With => At::ConditionValue,
            Phrase::Tools | Phrase::ToolsWord => At::RouteClause,
        }
    }
}

/// A position in a statement: what comes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    Statement,
    ShowNode,
    ListClause,
    OfNode,
    RouteStart,
    RouteArrow,
    RouteTarget,
    RouteClause,
    /// After `via A`: `,` and another node, or a clause.
    RouteListMore,
    RouteListNode,
    RouteNumber,
    /// After `max`: a number, or `hours N`.
    RouteMax,
    /// After `at`: the pace, then `hours/week`.
    Pace,
    Percent,
    PercentSign,
    /// After `from`: a dataset or source id; then the clauses of `route` (else of a list).
    Source {
        route: bool,
    },
    Phrase(Phrase),
    ListNumber,
    CompareFirst,
    CompareComma,
    CompareSecond,
    LetName,
    LetEquals,
    LetOpen,
    /// `profile NAME =`: a list of `SKILL: LEVEL`.
    LevelOpen,
    AddKind,
    AddName,
    Props,
    LinkFrom,
    LinkEdge,
    LinkTo,
    SetNode,
    SetField,
    SetEquals,
    SetValue,
    /// `show profile NAME`, `use NAME`, `learnt NAME …`: a saved or `let` profile.
    ProfileName {
        then: Then,
    },
    /// `profile NAME`: then `=`, `add` or `drop`.
    ProfileVerb,
    /// Nodes separated by commas outside brackets, optionally with `: LEVEL`.
    ListNode {
        levels: bool,
    },
    ListMore {
        levels: bool,
    },
    LevelNumber {
        in_brackets: bool,
    },
    /// Inside `[…]` of a profile.
    ProfileItem {
        levels: bool,
    },
    /// Inside `[…]` of values.
    ValueItem,
    /// Inside `{…}`.
    RecordField,
    RecordColon,
    RecordValue,
    /// After an item inside brackets: `,` or the closer (or `: LEVEL` in a level list).
    ItemEnd {
        levels: bool,
    },
    Condition,
    ConditionOperator,
    ConditionValue,
    ConditionEnd,
    PredicateOpen {
        field: bool,
    },
    PredicateNode,
    PredicateField,
    InOpen,
    OrderField,
    OrderDirection,
    End,
    Free,
}

/// Where a profile name leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Then {
    End,
    /// `learnt NAME A, B`
    Nodes,
    /// `profile NAME =|add|drop …`: the name may be new.
    Verb,
}

/// An open bracket: what each item inside is, and where the walk goes after the closer.
#[derive(Debug, Clone, Copy)]
struct Frame {
    closer: &'static str,
    item: At,
    resume: At,
}

struct Walk {
    at: At,
    statement: Statement,
    frames: Vec<Frame>,
    /// Set by a step that learnt its token was not what the slot said (`show profile x`).
    retag: Option<Slot>,
}

impl Walk {
    fn new() -> Walk {
        Walk {
            at: At::Statement,
            statement: Statement::Other,
            frames: Vec::new(),
            retag: None,
        }
    }

    /// What the grammar expects now.
    fn expect(&self) -> Slot {
        match self.at {
            At::Statement => Slot::Statement,
            At::OfNode | At::RouteTarget | At::CompareFirst | At::CompareSecond => {
                Slot::Node(Want::Role)
            }
            At::ListNode { .. } | At::ProfileItem { .. } => Slot::Node(Want::SkillOrTool),
            At::ShowNode
            | At::RouteListNode
            | At::LinkFrom
            | At::LinkTo
            | At::SetNode
            | At::PredicateNode => Slot::Node(Want::Any),
            At::RouteStart => Slot::Start,
            At::LetName | At::AddName => Slot::NewName,
            At::ProfileName { then } => Slot::Profile {
                must_exist: then != Then::Verb,
            },
            At::ProfileVerb => Slot::Keywords(PROFILE_VERBS),
            At::AddKind => Slot::Keywords(NODE_KINDS),
            At::LinkEdge => Slot::Keywords(EDGE_KINDS),
            At::ListClause if self.statement == Statement::SkillsOrTools => {
                Slot::Keywords(OF_OR_LIST_CLAUSES)
            }
            At::ListClause => Slot::Keywords(LIST_CLAUSES),
            At::RouteClause | At::RouteListMore => Slot::Keywords(ROUTE_CLAUSES),
            At::RouteMax => Slot::Keywords(&["hours"]),
            At::Phrase(phrase) => Slot::Keywords(phrase.words()),
            At::RouteNumber
            | At::Pace
            | At::Percent
            | At::LevelNumber { .. }
            | At::ListNumber
            | At::SetValue
            | At::RecordValue
            | At::ValueItem
            | At::ConditionValue => Slot::Value,
            At::PercentSign => Slot::Punct("%"),
            At::RouteArrow => Slot::Punct("->"),
            At::CompareComma | At::ListMore { .. } | At::ItemEnd { .. } => Slot::Punct(","),
            At::LetEquals | At::SetEquals => Slot::Punct("="),
            At::LetOpen | At::LevelOpen | At::InOpen => Slot::Punct("["),
            At::Props => Slot::Punct("{"),
            At::RecordColon => Slot::Punct(":"),
            At::PredicateOpen { .. } => Slot::Punct("("),
            At::SetField | At::RecordField | At::OrderField | At::PredicateField => Slot::Field,
            At::Source { .. } => Slot::Source,
            At::Condition => Slot::Condition,
            At::ConditionOperator => Slot::Keywords(CONDITION_OPERATORS),
            At::ConditionEnd => Slot::Keywords(AFTER_CONDITION),
            At::OrderDirection => Slot::Keywords(AFTER_ORDER_FIELD),
            At::End if self.frames.is_empty() => Slot::End,
            At::End | At::Free => Slot::Free,
        }
    }

    fn open(&mut self, closer: &'static str, item: At, resume: At) -> At {
        self.frames.push(Frame {
            closer,
            item,
            resume,
        });
        item
    }

    fn step(&mut self, token: &Token, text: &str) {
        let lower = text.to_lowercase();
        let word = token.lexeme == Lexeme::Word;
        let name = matches!(token.lexeme, Lexeme::Word | Lexeme::Quoted { .. });
        let number = token.lexeme == Lexeme::Number;
        let punct = |p: &str| token.lexeme == Lexeme::Punct && text == p;
        let keyword = |words: &[&str]| word && words.contains(&lower.as_str());
        match token.lexeme {
            Lexeme::Comment => return,
            Lexeme::Separator => {
                *self = Walk::new();
                return;
            }
            _ => {}
        }
        // A closer or a comma inside brackets, wherever the walk is.
        if let Some(frame) = self.frames.last().copied() {
            if punct(frame.closer) {
                self.frames.pop();
                self.at = frame.resume;
                return;
            }
            if punct(",") && frame.closer != ")" {
                self.at = frame.item;
                return;
            }
        }
        self.at = match self.at {
            At::Statement if word => self.statement_keyword(&lower),
            At::ShowNode if keyword(&["profile"]) => {
                self.retag = Some(Slot::Keywords(&["profile"]));
                At::ProfileName { then: Then::End }
            }
            At::ShowNode | At::OfNode | At::CompareSecond if name => At::End,
            At::ListClause | At::ConditionEnd | At::OrderDirection => match lower.as_str() {
                "of" if word
                    && self.at == At::ListClause
                    && self.statement == Statement::SkillsOrTools =>
                {
                    At::OfNode
                }
                "where" if word && self.at == At::ListClause => At::Condition,
                "and" | "or" if word && self.at == At::ConditionEnd => At::Condition,
                "asc" | "desc" if word && self.at == At::OrderDirection => At::ListClause,
                "order" if word && self.at != At::OrderDirection => At::Phrase(Phrase::OrderBy),
                "limit" if word => At::ListNumber,
                "from" if word => At::Source { route: false },
                "keep" if word && self.statement == Statement::Roles => At::Phrase(Phrase::Pay),
                _ => At::Free,
            },
            At::Source { route } if word => {
                if route {
                    At::RouteClause
                } else {
                    At::ListClause
                }
            }
            At::RouteStart if punct("->") || punct("→") => At::RouteTarget,
            At::RouteStart if self.statement == Statement::Ranking && keyword(ROUTE_CLAUSES) => {
                self.retag = Some(Slot::Keywords(ROUTE_CLAUSES));
                self.clause(&lower)
            }
            At::RouteStart => match token.lexeme {
                Lexeme::Word | Lexeme::Quoted { .. } | Lexeme::Variable => self.after_start(),
                Lexeme::Punct if text == "[" => {
                    let resume = self.after_start();
                    self.open("]", At::ProfileItem { levels: false }, resume)
                }
                _ => At::Free,
            },
            At::RouteArrow if punct("->") || punct("→") => At::RouteTarget,
            At::RouteTarget | At::RouteListNode if name => At::RouteListMore,
            At::RouteListMore if punct(",") => At::RouteListNode,
            At::RouteClause | At::RouteListMore if word => self.clause(&lower),
            At::RouteMax if keyword(&["hours"]) => At::RouteNumber,
            At::RouteMax | At::RouteNumber if number => At::RouteClause,
            At::Pace if number => At::Phrase(Phrase::PerWeek),
            At::Percent if number => At::PercentSign,
            // `keep pay` alone: roles whose pay is known; the next clause follows.
            At::Percent if word && self.statement == Statement::Roles => {
                self.at = At::ListClause;
                self.retag = Some(Slot::Keywords(LIST_CLAUSES));
                return self.step(token, text);
            }
            At::Percent if word => {
                self.retag = Some(Slot::Keywords(ROUTE_CLAUSES));
                self.clause(&lower)
            }
            At::PercentSign if punct("%") => At::RouteClause,
            At::Phrase(Phrase::Tools) if keyword(&["all"]) => At::Phrase(Phrase::ToolsWord),
            At::Phrase(phrase) if keyword(phrase.words()) => phrase.then(),
            At::ListNumber if number => At::ListClause,
            At::CompareFirst if name => At::CompareComma,
            At::CompareComma if punct(",") => At::CompareSecond,
            At::LetName if word => At::LetEquals,
            At::LetEquals if punct("=") => At::LetOpen,
            At::LetOpen if punct("[") => self.open("]", At::ProfileItem { levels: false }, At::End),
            At::AddKind if keyword(NODE_KINDS) => At::AddName,
            At::AddName if name => At::Props,
            At::Props if punct("{") => self.open("}", At::RecordField, At::End),
            At::LinkFrom if name => At::LinkEdge,
            At::LinkEdge if keyword(EDGE_KINDS) => At::LinkTo,
            At::LinkTo if name && self.statement == Statement::Link => At::Props,
            At::LinkTo if name => At::End,
            At::SetNode if name => At::SetField,
            At::SetField if word => At::SetEquals,
            At::SetEquals if punct("=") => At::SetValue,
            At::ProfileName { then } if word => match then {
                Then::End => At::End,
                Then::Nodes => At::ListNode { levels: false },
                Then::Verb => At::ProfileVerb,
            },
            At::ProfileVerb => match lower.as_str() {
                "=" if !word => At::LevelOpen,
                "add" if word => At::ListNode { levels: true },
                "drop" if word => At::ListNode { levels: false },
                _ => At::Free,
            },
            At::ListNode { levels } if name => At::ListMore { levels },
            At::ListMore { levels } if punct(",") => At::ListNode { levels },
            At::ListMore { levels: true } if punct(":") => At::LevelNumber { in_brackets: false },
            At::LevelNumber { in_brackets } if number => {
                if in_brackets {
                    At::ItemEnd { levels: false }
                } else {
                    At::ListMore { levels: false }
                }
            }
            At::ProfileItem { levels } if name => At::ItemEnd { levels },
            At::ItemEnd { levels: true } if punct(":") => At::LevelNumber { in_brackets: true },
            At::RecordField if name => At::RecordColon,
            At::RecordColon if punct(":") => At::RecordValue,
            At::SetValue | At::RecordValue | At::ValueItem | At::ConditionValue => {
                let next = match self.at {
                    At::SetValue => At::End,
                    At::ConditionValue => At::ConditionEnd,
                    _ => At::ItemEnd { levels: false },
                };
                match token.lexeme {
                    Lexeme::Punct if text == "[" => self.open("]", At::ValueItem, next),
                    Lexeme::Punct if text == "{" => self.open("}", At::RecordField, next),
                    Lexeme::Punct => At::Free,
                    _ => next,
                }
            }
            At::Condition => match token.lexeme {
                Lexeme::Word => match lower.as_str() {
                    "not" => At::Condition,
                    "requires" | "uses" | "covers" => At::PredicateOpen { field: false },
                    "has" => At::PredicateOpen { field: true },
                    _ => At::ConditionOperator,
                },
                Lexeme::Punct if text == "(" => self.open(")", At::Condition, At::ConditionEnd),
                _ => At::Free,
            },
            At::PredicateOpen { field } if punct("(") => {
                let item = if field {
                    At::PredicateField
                } else {
                    At::PredicateNode
                };
                self.open(")", item, At::ConditionEnd)
            }
            At::PredicateNode if name => At::ItemEnd { levels: false },
            At::PredicateField if word => At::ItemEnd { levels: false },
            At::ConditionOperator => match lower.as_str() {
                "in" if word => At::InOpen,
                "contains" if word => At::ConditionValue,
                "starts" if word => At::Phrase(Phrase::With),
                "=" | "!=" | "<" | "<=" | ">" | ">=" if !word => At::ConditionValue,
                _ => At::Free,
            },
            At::InOpen if punct("[") => self.open("]", At::ValueItem, At::ConditionEnd),
            At::OrderField if word => At::OrderDirection,
            At::LevelOpen if punct("[") => {
                self.open("]", At::ProfileItem { levels: true }, At::End)
            }
            _ => At::Free,
        };
    }

    fn after_start(&self) -> At {
        if self.statement == Statement::Ranking {
            At::RouteClause
        } else {
            At::RouteArrow
        }
    }

    fn clause(&self, word: &str) -> At {
        match word {
            "via" | "avoid" => At::RouteListNode,
            "max" => At::RouteMax,
            "limit" | "depth" => At::RouteNumber,
            "by" => At::Phrase(Phrase::Effort),
            "min" => At::Phrase(Phrase::Importance),
            "at" => At::Pace,
            "keep" => At::Phrase(Phrase::Pay),
            "job" => At::Phrase(Phrase::Zone),
            "explain" => At::RouteClause,
            "with" => At::Phrase(Phrase::Tools),
            "without" => At::Phrase(Phrase::ToolsWord),
            "from" => At::Source { route: true },
            _ => At::Free,
        }
    }

    fn statement_keyword(&mut self, keyword: &str) -> At {
        let (statement, at) = match keyword {
            "show" | "remove" => (Statement::Other, At::ShowNode),
            "roles" => (Statement::Roles, At::ListClause),
            "skills" | "tools" => (Statement::SkillsOrTools, At::ListClause),
            "path" | "paths" | "gap" | "learn" | "why" => (Statement::Route, At::RouteStart),
            "closest" | "unlock" => (Statement::Ranking, At::RouteStart),
            "neighbourhood" | "neighborhood" => (Statement::Route, At::RouteTarget),
            "compare" => (Statement::Other, At::CompareFirst),
            "let" => (Statement::Other, At::LetName),
            "add" => (Statement::Other, At::AddKind),
            "link" => (Statement::Link, At::LinkFrom),
            "unlink" => (Statement::Unlink, At::LinkFrom),
            "set" => (Statement::Other, At::SetNode),
            "profile" => (Statement::Other, At::ProfileName { then: Then::Verb }),
            "profiles" => (Statement::Other, At::End),
            "use" => (Statement::Other, At::ProfileName { then: Then::End }),
            "learnt" | "learned" | "learning" => {
                (Statement::Other, At::ProfileName { then: Then::Nodes })
            }
            _ => (Statement::Other, At::Free),
        };
        self.statement = statement;
        at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let texts: Vec<&str> = tokens("learn [C#, CI/CD, Node.js, .NET] -> SRE")
            .iter()
            .map(|t| t.text("learn [C#, CI/CD, Node.js, .NET] -> SRE"))
            .collect();
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
            let t = tokens(line)[1];
            assert_eq!(t.qualifier, Some(NodeKind::Tool), "{line}");
            assert_eq!(t.name(line), name, "{line}");
            assert_eq!(t.end, line.len(), "{line}");
            assert_eq!(t.slot, NODE, "{line}");
        }
    }

    #[test]
    fn an_open_quote_runs_to_the_end() {
        let line = r#"show "Site Rel"#;
        let t = tokens(line)[1];
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
        assert_eq!(
            slot_of("show profile me", "profile"),
            Slot::Keywords(&["profile"])
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
        assert_eq!(
            slot_of("unlock limit 3", "limit"),
            Slot::Keywords(ROUTE_CLAUSES)
        );
    }

    /// The walk must follow every statement form the reference documents; a new form that it
    /// does not know makes completion and highlighting give up on that statement.
    #[test]
    fn the_walk_follows_every_documented_example() {
        for form in skillgraph_query::reference::STATEMENT_FORMS {
            for example in form.examples {
                let lost: Vec<&str> = tokens(example)
                    .iter()
                    .filter(|t| t.slot == Slot::Free)
                    .map(|t| t.text(example))
                    .collect();
                assert!(
                    lost.is_empty(),
                    "src/repl/syntax.rs loses track of `{example}` at {lost:?}: teach the walk \
                     the form `{}`",
                    form.usage
                );
                let after = slot_after(example);
                assert!(
                    !matches!(after, Slot::Free | Slot::Node(_) | Slot::Value)
                        && (!matches!(after, Slot::Punct(_)) || after == Slot::Punct(",")),
                    "`{example}` is complete, but the walk expects {after:?} after it"
                );
            }
        }
    }

    #[test]
    fn what_comes_next() {
        assert_eq!(slot_after(""), Slot::Statement);
        assert_eq!(slot_after("show "), NODE);
        assert_eq!(slot_after("learn DevOps "), Slot::Punct("->"));
        assert_eq!(
            slot_after("learn DevOps -> SRE "),
            Slot::Keywords(ROUTE_CLAUSES)
        );
        assert_eq!(slot_after("closest $me "), Slot::Keywords(ROUTE_CLAUSES));
        assert_eq!(slot_after("unlock "), Slot::Start);
        assert_eq!(slot_after("learn "), Slot::Start);
        assert_eq!(slot_after("learn -> "), ROLE);
        assert_eq!(slot_after("use "), Slot::Profile { must_exist: true });
        assert_eq!(slot_after("profile me "), Slot::Keywords(PROFILE_VERBS));
        assert_eq!(
            slot_after("learn $me -> SRE max "),
            Slot::Keywords(&["hours"])
        );
        assert_eq!(
            slot_after("learn $me -> SRE at 10 "),
            Slot::Keywords(&["hours/week", "h/week"])
        );
        assert_eq!(slot_after("skills "), Slot::Keywords(OF_OR_LIST_CLAUSES));
        assert_eq!(slot_after("roles "), Slot::Keywords(LIST_CLAUSES));
        assert_eq!(slot_after("roles where "), Slot::Condition);
        assert_eq!(
            slot_after("roles where name "),
            Slot::Keywords(CONDITION_OPERATORS)
        );
        assert_eq!(slot_after("roles order by "), Slot::Field);
        assert_eq!(slot_after("link SRE "), Slot::Keywords(EDGE_KINDS));
        assert_eq!(slot_after("add "), Slot::Keywords(NODE_KINDS));
        assert_eq!(slot_after("path A -> B by "), Slot::Keywords(&["effort"]));
        assert_eq!(slot_after("show SRE; "), Slot::Statement);
        assert_eq!(slot_after("show SRE\n"), Slot::Statement);
        assert_eq!(slot_after("path DevOps \\\n-> "), ROLE);
        assert_eq!(slot_after("show SRE "), Slot::End);
        assert_eq!(slot_after("frobnicate "), Slot::Free);
    }
}
