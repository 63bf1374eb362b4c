//! The statement forms: one module per statement rule of the grammar, named after the rule
//! (`skills_of` → `forms/skills_of.rs`). Each holds the form's AST, a type named after the rule
//! in CamelCase (`SkillsOf`), and implements [`Form`] for it: how it is built from its rule's
//! pair, what it answers, whether it writes, which clauses it takes. `build.rs` writes the rest
//! from the grammar (`$OUT_DIR/forms.rs`): the module list, [`StatementKind`] with a variant per
//! statement rule, and the matches that send a rule's pair to its form and a statement to its
//! evaluator. So a new statement form is its grammar rule (with its reference entry as the
//! rule's `///` comment) and its file here, and nothing else names it.
//!
//! Most forms are short: what they answer is computed in `eval` and `answers`, which several
//! forms share (the routes, the plans, the profiles).

use pest::iterators::Pair;

use crate::ast::Span;
use crate::diagnostic::QueryError;
use crate::eval::{ApplyError, Database, Session};
use crate::parser::{Builder, ClauseName, Parsed, Rule};
use crate::result::ResultTable;

/// What a statement gives back when it runs.
pub(crate) type Answer = Result<ResultTable, QueryError>;

/// What running a statement does, known before it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Answers with data and changes nothing.
    Answers,
    /// Changes the session (`let`, `use`) and answers with a report of it.
    Reports,
    /// Changes the database (writes, saved profiles) and answers with a report of it.
    Writes,
}

/// One statement form: its AST is the implementing type.
pub(crate) trait Form: Sized {
    /// What running it does; most forms answer with data.
    const EFFECT: Effect = Effect::Answers;

    /// The form from its rule's pair, whose inner pairs are the rule's parts.
    fn build(builder: &Builder, form: Pair<'_, Rule>) -> Parsed<Self>;

    /// Runs the statement; `span` is the whole statement's.
    fn evaluate(&self, session: &mut Session, db: &mut dyn Database, span: Span) -> Answer;

    /// The keyword the statement was written with, where its rule starts with words that name
    /// different statements (`roles`, `skills`, `tools`); `None`: the rule's first word.
    fn keyword(&self) -> Option<&'static str> {
        None
    }

    /// The clauses the form takes after `keyword`, its first word. The grammar lets any clause
    /// follow a statement that takes clauses, so that a misplaced one gets its own message
    /// (`limit` does not apply to `path`) rather than pest's "expected …".
    fn clauses(_keyword: &str) -> &'static [ClauseName] {
        &[]
    }
}

include!(concat!(env!("OUT_DIR"), "/forms.rs"));

impl StatementKind {
    /// Whether the statement answers with a report of what it did (`let`, `use`, writes,
    /// profile changes: one message column) rather than data; known before it runs, so a front
    /// end can tell what a script will write (`Session::execute` holds the two together).
    pub fn is_report(&self) -> bool {
        self.effect() != Effect::Answers
    }

    /// Whether the statement changes the database (writes, profile changes), known before it
    /// runs: a front end that lets only some callers write refuses these up front.
    pub fn writes(&self) -> bool {
        self.effect() == Effect::Writes
    }
}

/// The clauses a statement starting with `keyword` (lower case) takes: those of the first of
/// the forms it starts that takes any (`skills` starts `skills of`, which takes none, and the
/// list of skills).
pub(crate) fn clauses_of(keyword: &str) -> &'static [ClauseName] {
    crate::parser::STATEMENT_RULES
        .iter()
        .filter(|(_, words)| words.contains(&keyword))
        .map(|&(rule, _)| clauses_of_rule(rule, keyword))
        .find(|clauses| !clauses.is_empty())
        .unwrap_or(&[])
}

/// Hands `changes` to the database as one write; its summary lines, or why it refused them,
/// at the statement's `span`.
pub(crate) fn apply(
    db: &mut dyn Database,
    changes: Vec<skillgraph_graph::Change>,
    span: Span,
) -> Result<Vec<String>, QueryError> {
    db.apply(changes).map_err(|e| match e {
        ApplyError::Rejected(e) => QueryError::new(span, e.to_string()),
        ApplyError::Failed(e) => QueryError::new(span, e),
    })
}
