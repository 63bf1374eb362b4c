//! The clauses of a statement (`via`, `limit`, `where`, …): each at most once, only where its
//! form takes it (`Form::clauses`: the grammar lets any clause follow, so a misplaced one gets
//! its own message), and the numbers they take checked for range.

use pest::iterators::Pair;

use super::builder::{parts, Builder, Parsed};
use super::failure::{join_alternatives, shorten};
use super::{first_words, is_keyword, Rule};
use crate::ast::{
    Constraints, Expr, NodeRef, OrderBy, RoleFilter, RouteFilter, Span, Spanned, ToolScope,
};
use crate::diagnostic::{ErrorKind, QueryError};
use crate::forms::{clauses_of, Form};

pub(crate) fn clause_list(allowed: &[ClauseName]) -> String {
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

pub(crate) fn allowed_clauses_help(keyword: &str) -> String {
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

pub(crate) fn misplaced_clause(clause: ClauseName, keyword: &str, span: Span) -> QueryError {
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

/// The clauses, named as a user writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClauseName {
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
    pub(crate) const ALL: [ClauseName; 16] = [
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
    pub(crate) fn first_word(self) -> &'static str {
        first_words(self.rule())
            .first()
            .copied()
            .unwrap_or_default()
    }

    /// Whether `word` (lower case) can start this clause.
    pub(crate) fn starts_with(self, word: &str) -> bool {
        first_words(self.rule()).contains(&word)
    }

    pub(crate) fn usage_short(self) -> &'static str {
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

    pub(crate) fn usage(self) -> &'static str {
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
    pub(crate) fn rule(self) -> Rule {
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

    pub(crate) fn of_rule(rule: Rule) -> Option<ClauseName> {
        ClauseName::ALL.into_iter().find(|c| c.rule() == rule)
    }
}

/// The clauses of one statement, each at most once.
#[derive(Default)]
pub(crate) struct Clauses {
    pub(crate) via: Option<Vec<NodeRef>>,
    pub(crate) avoid: Option<Vec<NodeRef>>,
    pub(crate) max: Option<Spanned<usize>>,
    pub(crate) limit: Option<Spanned<usize>>,
    pub(crate) by_effort: bool,
    pub(crate) min_importance: Option<Spanned<u8>>,
    pub(crate) filter: Option<Expr>,
    pub(crate) order: Option<OrderBy>,
    pub(crate) constraints: Constraints,
    pub(crate) depth: Option<Spanned<usize>>,
    pub(crate) explain: bool,
    pub(crate) tools: ToolScope,
    pub(crate) roles: RoleFilter,
}

impl Clauses {
    /// `via`, `avoid` and `max`, which narrow the routes that count.
    pub(crate) fn route_filter(&self) -> RouteFilter {
        RouteFilter {
            via: self.via.clone().unwrap_or_default(),
            avoid: self.avoid.clone().unwrap_or_default(),
            max_hops: self.max.clone(),
        }
    }
}

impl Builder {
    /// The clauses of a statement of form `F` written with `keyword`: each at most once, and
    /// only those the form takes.
    pub(crate) fn clauses<F: Form>(
        &self,
        keyword: &str,
        pairs: &[Pair<'_, Rule>],
    ) -> Parsed<Clauses> {
        let allowed = F::clauses(keyword);
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
    pub(crate) fn count(&self, number: &Pair<'_, Rule>, clause: &str) -> Parsed<Spanned<usize>> {
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

    /// A whole number ≥ 0 (`job zone within 0` means the same zone).
    pub(crate) fn count_or_zero(
        &self,
        number: &Pair<'_, Rule>,
        clause: &str,
    ) -> Parsed<Spanned<usize>> {
        if number.as_str() == "0" {
            return Ok(Spanned::new(0, self.span(number)));
        }
        self.count(number, clause)
    }

    /// A positive number of hours, after `at` or `max hours`.
    pub(crate) fn hours(&self, number: &Pair<'_, Rule>, clause: &str) -> Parsed<Spanned<f64>> {
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
    pub(crate) fn importance(&self, number: &Pair<'_, Rule>) -> Parsed<Spanned<u8>> {
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
}
