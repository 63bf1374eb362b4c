//! Reads `grammar/skillgraph.pest` with pest's own grammar parser and writes what the rest of
//! the crate would otherwise keep by hand:
//! - `$OUT_DIR/grammar_words.rs` (included by `parser/mod.rs`): the keywords, the first words of
//!   each statement, and for each rule the words or phrases it matches;
//! - `$OUT_DIR/forms.rs` (included by `forms/mod.rs`): a module per statement rule
//!   (`src/forms/RULE.rs`), `StatementKind` with a variant per rule holding that module's type
//!   (the rule's name in CamelCase), and the matches that send a rule's pair to its form's
//!   `build` and a statement to its `evaluate`;
//! - `$OUT_DIR/statement_forms.rs` (included by `reference.rs`): the statement reference, read
//!   from the statement rules' `///` comments.
//!
//! A build script rather than a test or a lazy table: the lists are `&'static` constants with no
//! start-up cost, the dispatch is a plain `match`, and a new keyword or statement form in the
//! grammar is in every list on the next build, with nothing to keep in step.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use pest_meta::ast::{Expr, RuleType};

const GRAMMAR: &str = "grammar/skillgraph.pest";
/// Where each statement rule's form is, as `FORMS/RULE.rs`.
const FORMS: &str = "src/forms";
/// More phrases than this and a rule is no list of words (`number`, `bare_word`).
const MAX_PHRASES: usize = 32;

struct Grammar {
    rules: BTreeMap<String, (RuleType, Expr)>,
    order: Vec<String>,
}

impl Grammar {
    fn atomic(&self, name: &str) -> bool {
        matches!(
            self.rules.get(name),
            Some((RuleType::Atomic | RuleType::CompoundAtomic, _))
        )
    }

    /// Every text `expr` matches, lower case, when there are few (`None` when unbounded).
    /// Outside atomic rules pest allows space between the parts of a sequence: written as one.
    fn phrases(&self, expr: &Expr, atomic: bool, depth: usize) -> Option<Vec<String>> {
        if depth > 32 {
            return None;
        }
        let bounded = |v: Vec<String>| (v.len() <= MAX_PHRASES).then_some(v);
        match expr {
            Expr::Str(s) | Expr::Insens(s) => Some(vec![s.to_lowercase()]),
            Expr::Ident(name) => match name.as_str() {
                "SOI" | "EOI" => Some(vec![String::new()]),
                _ => {
                    let (_, inner) = self.rules.get(name)?;
                    self.phrases(inner, atomic || self.atomic(name), depth + 1)
                }
            },
            Expr::PosPred(_) | Expr::NegPred(_) => Some(vec![String::new()]),
            Expr::Opt(inner) => {
                let mut v = vec![String::new()];
                v.extend(self.phrases(inner, atomic, depth + 1)?);
                bounded(v)
            }
            Expr::Choice(a, b) => {
                let mut v = self.phrases(a, atomic, depth + 1)?;
                v.extend(self.phrases(b, atomic, depth + 1)?);
                bounded(v)
            }
            Expr::Seq(a, b) => {
                let (a, b) = (
                    self.phrases(a, atomic, depth + 1)?,
                    self.phrases(b, atomic, depth + 1)?,
                );
                let mut v = Vec::new();
                for x in &a {
                    for y in &b {
                        let gap = if atomic || x.is_empty() || y.is_empty() {
                            ""
                        } else {
                            " "
                        };
                        v.push(format!("{x}{gap}{y}"));
                    }
                }
                bounded(v)
            }
            _ => None,
        }
    }

    /// The words a match of `expr` can start with, and whether it can match nothing.
    fn starts(&self, expr: &Expr, depth: usize, out: &mut Vec<String>) -> bool {
        if depth > 64 {
            return false;
        }
        match expr {
            Expr::Str(s) | Expr::Insens(s) => {
                push(out, s.to_lowercase());
                s.is_empty()
            }
            Expr::Ident(name) => match self.rules.get(name) {
                Some((_, inner)) => self.starts(inner, depth + 1, out),
                None => matches!(name.as_str(), "SOI" | "EOI"),
            },
            Expr::PosPred(_) | Expr::NegPred(_) => true,
            Expr::Opt(inner) | Expr::Rep(inner) => {
                self.starts(inner, depth + 1, out);
                true
            }
            Expr::RepOnce(inner) => self.starts(inner, depth + 1, out),
            Expr::Choice(a, b) => {
                let a = self.starts(a, depth + 1, out);
                self.starts(b, depth + 1, out) || a
            }
            Expr::Seq(a, b) => self.starts(a, depth + 1, out) && self.starts(b, depth + 1, out),
            _ => false,
        }
    }

    /// The first words of a rule, taken whole where the rule is a short list of words
    /// (`per_week` starts with `hours/week`, not `hours`).
    fn first_words(&self, name: &str) -> Vec<String> {
        let (_, expr) = &self.rules[name];
        let mut out = Vec::new();
        match self.phrases(expr, self.atomic(name), 0) {
            Some(phrases) if self.atomic(name) => {
                for p in phrases.into_iter().filter(|p| !p.is_empty()) {
                    push(&mut out, p);
                }
            }
            _ => {
                self.starts(expr, 0, &mut out);
            }
        }
        out
    }

    /// The alternatives of a rule that is a choice of rules (`statement`, `clause`).
    fn alternatives(&self, name: &str) -> Vec<String> {
        fn walk(expr: &Expr, out: &mut Vec<String>) {
            match expr {
                Expr::Choice(a, b) => {
                    walk(a, out);
                    walk(b, out);
                }
                Expr::Ident(name) => out.push(name.clone()),
                _ => {}
            }
        }
        let mut out = Vec::new();
        walk(&self.rules[name].1, &mut out);
        out
    }
}

fn push(out: &mut Vec<String>, word: String) {
    if !word.is_empty() && !out.contains(&word) {
        out.push(word);
    }
}

fn is_word(text: &str) -> bool {
    !text.is_empty() && text.chars().all(char::is_alphabetic)
}

fn list(words: &[String]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("{w:?}")).collect();
    format!("&[{}]", quoted.join(", "))
}

fn main() {
    println!("cargo:rerun-if-changed={GRAMMAR}");
    println!("cargo:rerun-if-changed={FORMS}");
    let text = std::fs::read_to_string(GRAMMAR).expect("the grammar is readable");
    let pairs = pest_meta::parser::parse(pest_meta::parser::Rule::grammar_rules, &text)
        .unwrap_or_else(|e| panic!("{GRAMMAR}: {e}"));
    let docs = rule_docs(pairs.clone());
    let rules =
        pest_meta::parser::consume_rules(pairs).unwrap_or_else(|e| panic!("{GRAMMAR}: {e:?}"));
    let grammar = Grammar {
        order: rules.iter().map(|r| r.name.clone()).collect(),
        rules: rules
            .into_iter()
            .map(|r| (r.name, (r.ty, r.expr)))
            .collect(),
    };
    let named = |name: &str| !matches!(grammar.rules[name].0, RuleType::Silent);

    // Keywords: the words of every rule that is a short list of words.
    let mut keywords = Vec::new();
    for name in &grammar.order {
        let (_, expr) = &grammar.rules[name];
        if let Some(phrases) = grammar.phrases(expr, grammar.atomic(name), 0) {
            for phrase in phrases.into_iter().filter(|p| is_word(p)) {
                push(&mut keywords, phrase);
            }
        }
    }
    keywords.sort();
    let mut statements = Vec::new();
    let mut statement_rules = String::new();
    for form in grammar.alternatives("statement") {
        let words: Vec<String> = grammar
            .first_words(&form)
            .into_iter()
            .filter(|w| is_word(w))
            .collect();
        for w in &words {
            push(&mut statements, w.clone());
        }
        writeln!(statement_rules, "    (Rule::{form}, {}),", list(&words)).unwrap();
    }
    let mut first_words = String::new();
    for name in grammar.order.iter().filter(|n| named(n)) {
        let words = grammar.first_words(name);
        if !words.is_empty() {
            writeln!(first_words, "        Rule::{name} => {},", list(&words)).unwrap();
        }
    }
    let keyword_rules: Vec<String> = grammar
        .order
        .iter()
        .filter(|n| n.starts_with("kw_") && named(n))
        .map(|n| format!("Rule::{n}"))
        .collect();
    let mut clause_rules = Vec::new();
    for name in grammar
        .alternatives("clause")
        .into_iter()
        .chain(grammar.alternatives("list_clause"))
    {
        push(&mut clause_rules, format!("Rule::{name}"));
    }
    let reserved = grammar
        .phrases(&grammar.rules["reserved_word"].1, true, 0)
        .expect("reserved_word is a list of words");

    let mut out = String::new();
    writeln!(out, "// Generated by build.rs from {GRAMMAR}; do not edit.").unwrap();
    writeln!(
        out,
        "/// The first word of every statement, in the grammar's order.\n\
         pub const STATEMENT_KEYWORDS: &[&str] = {};",
        list(&statements)
    )
    .unwrap();
    writeln!(
        out,
        "/// Every word the language gives a meaning to, lower case and sorted (keywords are \
         case-insensitive).\npub const KEYWORDS: &[&str] = {};",
        list(&keywords)
    )
    .unwrap();
    writeln!(
        out,
        "/// Words that end an unquoted text value (`reserved_word`).\n\
         pub(crate) const RESERVED_WORDS: &[&str] = {};",
        list(&reserved)
    )
    .unwrap();
    writeln!(
        out,
        "/// Each statement form and the words it starts with.\n\
         pub(crate) const STATEMENT_RULES: &[(Rule, &[&str])] = &[\n{statement_rules}];"
    )
    .unwrap();
    writeln!(
        out,
        "/// The words (or fixed phrases) a match of `rule` starts with; empty where it starts \
         with a name, a number or a value.\npub fn first_words(rule: Rule) -> &'static [&'static str] {{\n    \
         match rule {{\n{first_words}        _ => &[],\n    }}\n}}"
    )
    .unwrap();
    writeln!(
        out,
        "/// Every clause rule (the alternatives of `clause` and `list_clause`).\n\
         #[cfg(test)]\npub(crate) const CLAUSE_RULES: &[Rule] = &[{}];",
        clause_rules.join(", ")
    )
    .unwrap();
    writeln!(
        out,
        "/// Whether `rule` is one keyword (`kw_…`).\npub(crate) fn is_keyword(rule: Rule) -> bool {{\n    \
         matches!(rule, {})\n}}",
        keyword_rules.join(" | ")
    )
    .unwrap();
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap());
    std::fs::write(out_dir.join("grammar_words.rs"), out).expect("OUT_DIR is writable");

    let forms = grammar.alternatives("statement");
    std::fs::write(out_dir.join("forms.rs"), forms_module(&grammar, &forms))
        .expect("OUT_DIR is writable");
    let documented: Vec<&String> = grammar
        .order
        .iter()
        .filter(|name| forms.contains(name))
        .collect();
    let mut reference = String::from("&[\n");
    for name in documented {
        for entry in reference_entries(name, docs.get(name.as_str()).map_or(&[], Vec::as_slice)) {
            reference.push_str(&entry);
        }
    }
    reference.push(']');
    std::fs::write(out_dir.join("statement_forms.rs"), reference).expect("OUT_DIR is writable");
}

/// The `///` lines above each rule, by rule name.
fn rule_docs(
    pairs: pest::iterators::Pairs<'_, pest_meta::parser::Rule>,
) -> BTreeMap<String, Vec<String>> {
    use pest_meta::parser::Rule;
    let mut docs = BTreeMap::new();
    let mut lines = Vec::new();
    for pair in pairs.filter(|p| p.as_rule() == Rule::grammar_rule) {
        let Some(first) = pair.into_inner().next() else {
            continue;
        };
        match first.as_rule() {
            Rule::line_doc => lines.push(first.into_inner().as_str().to_string()),
            Rule::identifier => {
                docs.insert(first.as_str().to_string(), std::mem::take(&mut lines));
            }
            _ => {}
        }
    }
    docs
}

/// The reference entries of one statement rule's `///` comment, each a `StatementForm`
/// literal: a line that is one `usage` in backticks starts an entry, the lines after it are its
/// summary (joined by spaces), and each `- `example`` line one of its examples.
fn reference_entries(rule: &str, doc: &[String]) -> Vec<String> {
    let mut entries: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
    for line in doc.iter().map(|l| l.trim_end()).filter(|l| !l.is_empty()) {
        let bad =
            |why: &str| -> ! { panic!("{GRAMMAR}: the comment of `{rule}`, at `{line}`: {why}") };
        let example = line.strip_prefix("- `").and_then(|l| l.strip_suffix('`'));
        if let Some(example) = example {
            match entries.last_mut() {
                Some((_, summary, examples)) if !summary.is_empty() => {
                    examples.push(example.to_string())
                }
                _ => bad("an example comes after a usage line and its summary"),
            }
        } else if line.len() > 2
            && line.starts_with('`')
            && line.ends_with('`')
            && line.matches('`').count() == 2
        {
            entries.push((line.trim_matches('`').to_string(), Vec::new(), Vec::new()));
        } else {
            match entries.last_mut() {
                Some((_, summary, examples)) if examples.is_empty() => {
                    summary.push(line.to_string())
                }
                _ => bad("a summary follows a usage line in backticks, before the examples"),
            }
        }
    }
    entries
        .into_iter()
        .map(|(usage, summary, examples)| {
            if examples.is_empty() {
                panic!("{GRAMMAR}: `{usage}` (the comment of `{rule}`) has no example: a line `- `example``");
            }
            let keyword = usage.split(' ').next().unwrap_or_default();
            let examples: Vec<String> = examples.iter().map(|e| format!("{e:?}")).collect();
            format!(
                "    StatementForm {{\n        keyword: {keyword:?},\n        usage: {usage:?},\n        \
                 summary: {:?},\n        examples: &[{}],\n    }},\n",
                summary.join(" "),
                examples.join(", ")
            )
        })
        .collect()
}

/// `skills_of` → `SkillsOf`.
fn camel_case(rule: &str) -> String {
    rule.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or(String::new(), |c| {
                c.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// The statement forms' modules and the dispatch to them: one arm per statement rule in each
/// match, so that `StatementKind` and the rules cannot disagree.
fn forms_module(grammar: &Grammar, forms: &[String]) -> String {
    let dir = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap()).join(FORMS);
    let mut modules = String::new();
    let (mut variants, mut build, mut evaluate, mut keyword, mut effect, mut clauses) = (
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    );
    for rule in forms {
        let file = dir.join(format!("{rule}.rs"));
        let ty = camel_case(rule);
        if !file.exists() {
            panic!(
                "{GRAMMAR}: the statement rule `{rule}` has no form: write {FORMS}/{rule}.rs, with \
                 its AST as `pub struct {ty}` (or an alias) and `impl Form for {ty}` (see \
                 {FORMS}/mod.rs)"
            );
        }
        let first = grammar
            .first_words(rule)
            .into_iter()
            .find(|w| is_word(w))
            .unwrap_or_else(|| {
                panic!("{GRAMMAR}: the statement rule `{rule}` starts with no word")
            });
        let form = format!("<{rule}::{ty} as Form>");
        writeln!(
            modules,
            "#[path = {:?}]\npub mod {rule};",
            file.display().to_string()
        )
        .unwrap();
        writeln!(variants, "    {ty}({rule}::{ty}),").unwrap();
        writeln!(
            build,
            "            Rule::{rule} => StatementKind::{ty}({form}::build(builder, form)?),"
        )
        .unwrap();
        writeln!(
            evaluate,
            "            StatementKind::{ty}(form) => form.evaluate(session, db, span),"
        )
        .unwrap();
        writeln!(
            keyword,
            "            StatementKind::{ty}(form) => form.keyword().unwrap_or({first:?}),"
        )
        .unwrap();
        writeln!(
            effect,
            "            StatementKind::{ty}(_) => {form}::EFFECT,"
        )
        .unwrap();
        writeln!(clauses, "        Rule::{rule} => {form}::clauses(keyword),").unwrap();
    }
    format!(
        "// Generated by build.rs from {GRAMMAR}; do not edit.\n\
         {modules}\n\
         /// What a statement asks for: one variant per statement rule of the grammar, in its \
         order, holding the AST of the rule's form (`forms::RULE`).\n\
         #[derive(Debug, Clone, PartialEq)]\n\
         pub enum StatementKind {{\n{variants}}}\n\n\
         impl StatementKind {{\n    \
             /// The statement a form's pair (`show`, `skills_of`, …) stands for.\n    \
             #[inline]\n    \
             pub(crate) fn build(builder: &Builder, form: Pair<'_, Rule>) -> Parsed<StatementKind> {{\n        \
                 Ok(match form.as_rule() {{\n{build}            _ => return Err(builder.internal(&form)),\n        }})\n    }}\n\n    \
             /// Runs the statement; `span` is the whole statement's.\n    \
             pub(crate) fn evaluate(&self, session: &mut Session, db: &mut dyn Database, span: Span) -> Answer {{\n        \
                 match self {{\n{evaluate}        }}\n    }}\n\n    \
             /// The keyword the statement is written with (`show`, `roles`, `path`, …).\n    \
             pub fn keyword(&self) -> &'static str {{\n        match self {{\n{keyword}        }}\n    }}\n\n    \
             /// What running the statement does.\n    \
             pub fn effect(&self) -> Effect {{\n        match self {{\n{effect}        }}\n    }}\n}}\n\n\
         /// The clauses the statement form `rule` takes after `keyword`, its first word.\n\
         pub(crate) fn clauses_of_rule(rule: Rule, keyword: &str) -> &'static [ClauseName] {{\n    \
             match rule {{\n{clauses}        _ => &[],\n    }}\n}}\n"
    )
}
