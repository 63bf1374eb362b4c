//! Pairs to AST: the walk over pest's pairs that builds each statement from its form's pair.
//! Evaluation never sees a pair; every AST node gets the span of its text.

use pest::iterators::Pair;

use super::clauses::Clauses;
use super::{is_keyword, Rule};
use crate::ast::{
    ClosestQuery, GapQuery, LearnQuery, ListQuery, NodeKind, NodeRef, PathQuery, PathsQuery,
    RouteFilter, Script, Span, Spanned, Start, Statement, StatementKind, UnlockQuery,
};
use crate::diagnostic::{ErrorKind, QueryError};

/// A `path`, `paths`, `gap`, `learn` or `why` statement (`form`) from its parts.
pub(super) fn route_statement(
    form: Rule,
    from: Start,
    to: NodeRef,
    clauses: Clauses,
) -> StatementKind {
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

pub(super) type Parsed<T> = Result<T, QueryError>;

pub(super) struct Builder;

/// Rules whose text holds no implicit space, so their pest span is exact.
pub(super) fn is_tight(rule: Rule) -> bool {
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
pub(super) fn parts(pair: Pair<'_, Rule>) -> Vec<Pair<'_, Rule>> {
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
    pub(super) fn span(&self, pair: &Pair<'_, Rule>) -> Span {
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

    pub(super) fn internal(&self, pair: &Pair<'_, Rule>) -> QueryError {
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
    pub(super) fn part<'i>(&self, pair: &Pair<'i, Rule>, index: usize) -> Parsed<Pair<'i, Rule>> {
        parts(pair.clone())
            .into_iter()
            .nth(index)
            .ok_or_else(|| self.internal(pair))
    }

    pub(super) fn script(&self, script: Pair<'_, Rule>) -> Parsed<Script> {
        let mut statements = Vec::new();
        for pair in script.into_inner() {
            if pair.as_rule() == Rule::statement {
                statements.push(self.statement(pair)?);
            }
        }
        Ok(Script { statements })
    }

    pub(super) fn statement(&self, pair: Pair<'_, Rule>) -> Parsed<Statement> {
        self.form(self.part(&pair, 0)?)
    }

    /// A statement from its form's pair (`show`, `skills_of`, …).
    pub(super) fn form(&self, form: Pair<'_, Rule>) -> Parsed<Statement> {
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

    /// A profile or variable name, as written.
    pub(super) fn name(&self, pair: &Pair<'_, Rule>) -> Spanned<String> {
        Spanned::new(pair.as_str().to_string(), self.span(pair))
    }

    /// The start of a statement whose start may be left out (then the `use`d profile), and
    /// the parts after it.
    pub(super) fn optional_start<'p, 'i>(
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
