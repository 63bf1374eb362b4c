//! Pairs to AST: the walk over pest's pairs that builds each statement from its form's pair.
//! Evaluation never sees a pair; every AST node gets the span of its text.

use pest::iterators::Pair;

use super::clauses::Clauses;
use super::{is_keyword, Rule};
use crate::ast::{NodeRef, Script, Span, Spanned, Start, Statement, StatementKind};
use crate::diagnostic::{ErrorKind, QueryError};
use crate::forms::Form;

pub(crate) type Parsed<T> = Result<T, QueryError>;

pub(crate) struct Builder;

/// Rules whose text holds no implicit space, so their pest span is exact.
pub(crate) fn is_tight(rule: Rule) -> bool {
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
pub(crate) fn parts(pair: Pair<'_, Rule>) -> Vec<Pair<'_, Rule>> {
    pair.into_inner().filter(|p| is_part(p.as_rule())).collect()
}

/// Whether a pair of this rule carries meaning: no keyword, no punctuation.
fn is_part(rule: Rule) -> bool {
    !matches!(
        rule,
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
    ) && !is_keyword(rule)
}

impl Builder {
    /// A pair's span without the spaces and comments pest may have taken after its last token.
    pub(crate) fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let start = pair.as_span().start();
        let mut last = pair.clone();
        loop {
            if is_tight(last.as_rule()) {
                break;
            }
            match last.clone().into_inner().next_back() {
                Some(inner) => last = inner,
                None => break,
            }
        }
        Span::new(start, last.as_span().end().max(start))
    }

    pub(crate) fn internal(&self, pair: &Pair<'_, Rule>) -> QueryError {
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
    #[inline]
    pub(crate) fn part<'i>(&self, pair: &Pair<'i, Rule>, index: usize) -> Parsed<Pair<'i, Rule>> {
        // Without collecting the parts: most forms ask for one or two.
        pair.clone()
            .into_inner()
            .filter(|p| is_part(p.as_rule()))
            .nth(index)
            .ok_or_else(|| self.internal(pair))
    }

    pub(crate) fn script(&self, script: Pair<'_, Rule>) -> Parsed<Script> {
        let mut statements = Vec::new();
        for pair in script.into_inner() {
            if pair.as_rule() == Rule::statement {
                statements.push(self.statement(pair)?);
            }
        }
        Ok(Script { statements })
    }

    pub(crate) fn statement(&self, pair: Pair<'_, Rule>) -> Parsed<Statement> {
        self.form(self.part(&pair, 0)?)
    }

    /// A statement from its form's pair (`show`, `skills_of`, …).
    pub(super) fn form(&self, form: Pair<'_, Rule>) -> Parsed<Statement> {
        let span = self.span(&form);
        let kind = StatementKind::build(self, form)?;
        Ok(Statement { kind, span })
    }

    /// The first word of a form, lower case: the keyword it was written with.
    #[inline]
    pub(crate) fn keyword(&self, form: &Pair<'_, Rule>) -> String {
        form.clone()
            .into_inner()
            .next()
            .map(|k| k.as_str().to_lowercase())
            .unwrap_or_default()
    }

    /// The parts of a route statement (`path`, `paths`, `gap`, `learn`, `why`): where it
    /// starts (the `use`d profile when left out), the role it goes to, and its clauses.
    #[inline]
    pub(crate) fn route<F: Form>(
        &self,
        form: &Pair<'_, Rule>,
    ) -> Parsed<(Start, NodeRef, Clauses)> {
        let parts = parts(form.clone());
        let (from, rest) = self.optional_start(form, &parts)?;
        let to = self.node_ref(rest.first().cloned().ok_or_else(|| self.internal(form))?)?;
        let clauses = self.clauses::<F>(&self.keyword(form), &rest[1..])?;
        Ok((from, to, clauses))
    }

    /// A profile or variable name, as written.
    pub(crate) fn name(&self, pair: &Pair<'_, Rule>) -> Spanned<String> {
        Spanned::new(pair.as_str().to_string(), self.span(pair))
    }

    /// The start of a statement whose start may be left out (then the `use`d profile), and
    /// the parts after it.
    pub(crate) fn optional_start<'p, 'i>(
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
}
