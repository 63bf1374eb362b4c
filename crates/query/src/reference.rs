//! The one list of statement forms: their shape, meaning and examples, written beside each
//! statement rule of the grammar as its `///` comment. Syntax errors quote the shape ("the form
//! is …"), `.help` shows all of it, and a test runs every example against the curated graph, so
//! the help cannot drift from the code.

/// One way to write a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatementForm {
    /// The statement's first word.
    pub keyword: &'static str,
    /// The form, with UPPER CASE placeholders and `[optional]` parts.
    pub usage: &'static str,
    /// What it answers.
    pub summary: &'static str,
    /// Statements that run on the curated graph, in an order that works (writes last).
    pub examples: &'static [&'static str],
}

/// Every statement form, in the order a reference lists them: the `///` comments of the
/// grammar's statement rules, in the grammar's order, read by `build.rs`.
pub const STATEMENT_FORMS: &[StatementForm] =
    include!(concat!(env!("OUT_DIR"), "/statement_forms.rs"));

/// The forms a keyword starts (`skills` starts two). Another spelling the grammar allows
/// (`learned`, `neighborhood`) gives the forms of the statement it starts.
pub fn forms_of(keyword: &str) -> Vec<&'static StatementForm> {
    let k = keyword.trim().to_lowercase();
    let exact: Vec<_> = STATEMENT_FORMS.iter().filter(|f| f.keyword == k).collect();
    if !exact.is_empty() {
        return exact;
    }
    let spellings: Vec<&str> = crate::parser::STATEMENT_RULES
        .iter()
        .filter(|(_, words)| words.contains(&k.as_str()))
        .flat_map(|(_, words)| words.iter().copied())
        .collect();
    STATEMENT_FORMS
        .iter()
        .filter(|f| spellings.contains(&f.keyword))
        .collect()
}
