//! Pairs to AST, the parts of a statement: node references and starts, profiles, values and
//! records (with their escapes and repeated fields), and `where` conditions.

use std::collections::BTreeMap;

use pest::iterators::Pair;

use super::builder::{parts, Builder, Parsed};
use super::failure::shorten;
use super::Rule;
use crate::ast::{
    CompareOp, EdgeKind, Expr, ExprKind, FieldPath, LevelItem, Literal, NodeKind, NodeRef, Profile,
    Prop, Span, Spanned, Start, Value,
};
use crate::diagnostic::{ErrorKind, QueryError};

impl Builder {
    /// `Linux: 4` in a profile.
    pub(crate) fn level_item(&self, pair: Pair<'_, Rule>) -> Parsed<LevelItem> {
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

    pub(crate) fn node_ref(&self, pair: Pair<'_, Rule>) -> Parsed<NodeRef> {
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
    pub(crate) fn node_name(&self, pair: Pair<'_, Rule>) -> Parsed<(String, bool)> {
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

    pub(crate) fn node_kind(&self, pair: &Pair<'_, Rule>) -> Parsed<NodeKind> {
        NodeKind::parse(pair.as_str()).ok_or_else(|| self.internal(pair))
    }

    pub(crate) fn edge_kind(&self, pair: &Pair<'_, Rule>) -> Parsed<EdgeKind> {
        EdgeKind::parse(pair.as_str()).ok_or_else(|| self.internal(pair))
    }

    pub(crate) fn start(&self, pair: Pair<'_, Rule>) -> Parsed<Start> {
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

    pub(crate) fn profile(&self, pair: Pair<'_, Rule>) -> Parsed<Profile> {
        let span = self.span(&pair);
        let items = parts(pair)
            .into_iter()
            .map(|p| self.node_ref(p))
            .collect::<Parsed<Vec<_>>>()?;
        Ok(Profile { items, span })
    }

    pub(crate) fn field_path(&self, pair: &Pair<'_, Rule>) -> FieldPath {
        FieldPath {
            segments: pair.as_str().split('.').map(str::to_string).collect(),
            span: self.span(pair),
        }
    }

    /// The text of a `quoted` pair with escapes decoded.
    pub(crate) fn unquote(&self, pair: Pair<'_, Rule>) -> Parsed<String> {
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

    pub(crate) fn props(&self, pair: Pair<'_, Rule>) -> Parsed<Vec<Prop>> {
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

    pub(crate) fn field(&self, pair: Pair<'_, Rule>) -> Parsed<(Spanned<String>, Literal)> {
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
    pub(crate) fn literal(&self, pair: Pair<'_, Rule>) -> Parsed<Literal> {
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
    pub(crate) fn condition(&self, pair: Pair<'_, Rule>) -> Parsed<Expr> {
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
    pub(crate) fn simple_test(&self, inner: Pair<'_, Rule>) -> Parsed<ExprKind> {
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

pub(crate) fn repeated_field(key: &Spanned<String>, first: Span) -> QueryError {
    QueryError::new(
        key.span,
        format!("the field `{}` is given twice", shorten(&key.value)),
    )
    .with_kind(ErrorKind::RepeatedField)
    .with_label("second time")
    .with_note(first, "first given here")
}
