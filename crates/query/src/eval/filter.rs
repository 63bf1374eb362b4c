//! `roles | skills | tools [where …] [order by …] [limit N]`.

use std::cmp::Ordering;

use skillgraph_graph::algo::Interrupt;
use skillgraph_graph::schema::{field_names, field_spec, FieldType};
use skillgraph_graph::{EdgeKind, Graph, NodeIndex, NodeKind, Value};

use super::{closest_word, resolve};
use crate::ast::{CompareOp, Expr, ExprKind, FieldPath, ListQuery, Literal, Span};
use crate::diagnostic::QueryError;
use crate::result::{Cell, ResultTable};

/// The columns a listing shows for each kind, before any `order by` field.
fn default_columns(kind: NodeKind) -> &'static [&'static str] {
    match kind {
        NodeKind::Role => &["id", "name", "category", "primary_metric", "salary.avg"],
        NodeKind::Skill => &["id", "name", "category", "effort_hours"],
        NodeKind::Tool => &["id", "name", "category"],
    }
}

/// `span` is the statement's, for [`QueryError::interrupted`] once `interrupt` is set.
pub fn list(
    graph: &Graph,
    q: &ListQuery,
    interrupt: &Interrupt,
    span: Span,
) -> Result<ResultTable, QueryError> {
    let mut poll = interrupt.poll();
    let interrupted = |_| QueryError::interrupted(span);
    if let Some(order) = &q.order {
        check_field(q.kind, &order.field)?;
    }
    let filter = match &q.filter {
        Some(expr) => Some(Compiled::new(graph, q.kind, expr)?),
        None => None,
    };
    let source = super::known_source(graph, q.roles.from.as_ref())?;
    if let Some(crate::ast::Spanned {
        value: Some(_),
        span,
    }) = &q.roles.keep_pay
    {
        return Err(QueryError::new(
            *span,
            "a share of pay needs a start role to compare with, and `roles` has none",
        )
        .with_label("compared with what?")
        .with_help("`keep pay` alone keeps the roles whose pay is known; `closest ROLE keep pay 90%` compares with ROLE"));
    }
    let mut matches: Vec<NodeIndex> = Vec::new();
    for ix in graph.nodes_of_kind(q.kind) {
        poll.step().map_err(interrupted)?;
        if source.is_some_and(|s| !graph.is_from(ix, s))
            || (q.roles.keep_pay.is_some() && pay(graph, ix).is_none())
        {
            continue;
        }
        let keep = match &filter {
            Some(f) => f.test(graph, ix)?,
            None => true,
        };
        if keep {
            matches.push(ix);
        }
    }
    if let Some(order) = &q.order {
        let path = order.field.to_string();
        // Each value read once, not twice per comparison.
        let mut keyed: Vec<(Option<Value>, NodeIndex)> = matches
            .iter()
            .map(|&ix| (graph.field_path_of(ix, &path), ix))
            .collect();
        // Missing values sort last whichever the direction, so `limit` picks real values.
        keyed.sort_by(|(va, a), (vb, b)| {
            let ord = match (va, vb) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => return Ordering::Greater,
                (Some(_), None) => return Ordering::Less,
                (Some(x), Some(y)) => compare_values(x, y),
            };
            let ord = if order.descending { ord.reverse() } else { ord };
            ord.then_with(|| graph.order_by_name(*a, *b))
        });
        matches = keyed.into_iter().map(|(_, ix)| ix).collect();
    }
    if let Some(limit) = &q.limit {
        matches.truncate(limit.value);
    }
    let columns = listing_columns(graph, q);
    let plural = match q.kind {
        NodeKind::Role => "roles",
        NodeKind::Skill => "skills",
        NodeKind::Tool => "tools",
    };
    let mut table =
        ResultTable::new(columns.clone()).with_title(format!("{} {plural}", matches.len()));
    for ix in matches {
        poll.step().map_err(interrupted)?;
        table.push(
            columns
                .iter()
                .map(|c| {
                    graph
                        .field_path_of(ix, c)
                        .as_ref()
                        .map_or(Cell::Null, Cell::from)
                })
                .collect(),
        );
    }
    Ok(table)
}

/// A role's pay (`salary.avg`), when the data states it.
pub(crate) fn pay(graph: &Graph, ix: NodeIndex) -> Option<f64> {
    match graph.field_path_of(ix, "salary.avg")? {
        Value::Number(n) => Some(n),
        _ => None,
    }
}

/// The columns of a listing: `id` and `name`, then the kind's usual fields that some node of
/// the kind in this database has (O*NET and ESCO roles carry no `salary`, so a column of it
/// would be empty in every row), then every field the `where` and `order by` name, in the order
/// they are named, whether set or not: a filter's field is what the reader wants to see. The
/// columns depend on the database and the statement, never on which rows matched, so JSON and
/// CSV keep one shape per statement.
fn listing_columns(graph: &Graph, q: &ListQuery) -> Vec<String> {
    let mut named = Vec::new();
    if let Some(expr) = &q.filter {
        fields_named(expr, &mut named);
    }
    if let Some(order) = &q.order {
        named.push(order.field.to_string());
    }
    // In index order, which reads the stored nodes front to back (the order cannot change
    // whether any has a field).
    let nodes: Vec<NodeIndex> = graph
        .node_indices()
        .filter(|&ix| graph.kind_of(ix) == Some(q.kind))
        .collect();
    let mut columns: Vec<String> = Vec::new();
    for (i, c) in default_columns(q.kind).iter().enumerate() {
        let always = i < 2;
        if always
            || named.iter().any(|n| n == c)
            || nodes.iter().any(|&ix| graph.field_path_of(ix, c).is_some())
        {
            columns.push(c.to_string());
        }
    }
    for field in named {
        if !columns.contains(&field) {
            columns.push(field);
        }
    }
    columns
}

/// The fields a condition compares or tests with `has`, in the order they are written.
fn fields_named(expr: &Expr, out: &mut Vec<String>) {
    match &expr.kind {
        ExprKind::Or(parts) | ExprKind::And(parts) => {
            for part in parts {
                fields_named(part, out);
            }
        }
        ExprKind::Not(inner) => fields_named(inner, out),
        ExprKind::Compare { field, .. } | ExprKind::Has(field) => {
            let name = field.to_string();
            if !out.contains(&name) {
                out.push(name);
            }
        }
        ExprKind::Edge { .. } => {}
    }
}

/// Numbers by value, text by lower-cased text, booleans false < true; mixed types by type name.
fn compare_values(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.total_cmp(y),
        (Value::Text(x), Value::Text(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => a
            .type_name()
            .cmp(b.type_name())
            .then_with(|| a.to_string().cmp(&b.to_string())),
    }
}

/// Rejects field names no node of `kind` carries, with "did you mean".
fn check_field(kind: NodeKind, field: &FieldPath) -> Result<Option<FieldType>, QueryError> {
    let head = field
        .segments
        .first()
        .map(String::as_str)
        .unwrap_or_default();
    match field_spec(kind, head) {
        Some(spec) => {
            if field.segments.len() > 1 && !matches!(spec.ty, FieldType::Record) {
                return Err(QueryError::new(
                    field.span,
                    format!(
                        "`{head}` is {}, so it has no `.{}`",
                        spec.ty.as_str(),
                        field.segments[1..].join(".")
                    ),
                ));
            }
            Ok(if field.segments.len() == 1 {
                Some(spec.ty)
            } else {
                None
            })
        }
        None => {
            let known: Vec<&str> = field_names()
                .filter(|n| field_spec(kind, n).is_some())
                .collect();
            let err = QueryError::new(field.span, format!("a {kind} has no field `{head}`"))
                .with_label("unknown field");
            Err(match closest_word(head, &known) {
                Some(near) => err.with_help(format!("did you mean `{near}`?")),
                None => err.with_help(format!("{kind} fields: {}", known.join(", "))),
            })
        }
    }
}

/// A `where` condition with its node references resolved once, up front.
enum Compiled<'e> {
    Or(Vec<Compiled<'e>>),
    And(Vec<Compiled<'e>>),
    Not(Box<Compiled<'e>>),
    Compare {
        path: String,
        op: CompareOp,
        value: &'e Literal,
        expr: &'e Expr,
    },
    Edge {
        kind: EdgeKind,
        /// The nodes the edge may reach: the one named and those linked with it.
        targets: Vec<NodeIndex>,
    },
    Has(String),
}

impl<'e> Compiled<'e> {
    fn new(graph: &Graph, kind: NodeKind, expr: &'e Expr) -> Result<Compiled<'e>, QueryError> {
        Ok(match &expr.kind {
            ExprKind::Or(list) => Compiled::Or(
                list.iter()
                    .map(|e| Compiled::new(graph, kind, e))
                    .collect::<Result<_, _>>()?,
            ),
            ExprKind::And(list) => Compiled::And(
                list.iter()
                    .map(|e| Compiled::new(graph, kind, e))
                    .collect::<Result<_, _>>()?,
            ),
            ExprKind::Not(inner) => Compiled::Not(Box::new(Compiled::new(graph, kind, inner)?)),
            ExprKind::Compare { field, op, value } => {
                let ty = check_field(kind, field)?;
                check_operand(ty, field, op.value, value)?;
                Compiled::Compare {
                    path: field.to_string(),
                    op: op.value,
                    value,
                    expr,
                }
            }
            ExprKind::Edge { kind: edge, target } => {
                let (from_kind, to_kind) = edge.endpoints();
                if from_kind != kind {
                    return Err(QueryError::new(
                        expr.span,
                        format!("`{edge}(…)` tests a {from_kind}, but this lists {kind}s"),
                    )
                    .with_help(match edge {
                        EdgeKind::Covers => "try `tools where covers(…)`".to_string(),
                        _ => format!("try `{from_kind}s where {edge}(…)`"),
                    }));
                }
                let ix = super::resolve_kind(
                    graph,
                    target,
                    to_kind,
                    &format!("`{edge}(…)` takes a {to_kind}"),
                )
                .or_else(|e| resolve(graph, target).map_err(|_| e))?;
                // The node and those linked with it as one concept: `uses(Python)` counts the
                // roles using O*NET's Python as well as the curated one.
                let mut targets: Vec<NodeIndex> = graph
                    .with_linked(ix)
                    .filter(|&t| graph.kind_of(t) == Some(to_kind))
                    .collect();
                if targets.is_empty() {
                    targets.push(ix);
                }
                Compiled::Edge {
                    kind: *edge,
                    targets,
                }
            }
            ExprKind::Has(field) => {
                check_field(kind, field)?;
                Compiled::Has(field.to_string())
            }
        })
    }

    fn test(&self, graph: &Graph, ix: NodeIndex) -> Result<bool, QueryError> {
        Ok(match self {
            Compiled::Or(list) => {
                for c in list {
                    if c.test(graph, ix)? {
                        return Ok(true);
                    }
                }
                false
            }
            Compiled::And(list) => {
                for c in list {
                    if !c.test(graph, ix)? {
                        return Ok(false);
                    }
                }
                true
            }
            Compiled::Not(inner) => !inner.test(graph, ix)?,
            Compiled::Edge { kind, targets } => graph
                .out_edges(ix, *kind)
                .any(|(_, t)| targets.contains(&t)),
            Compiled::Has(path) => graph.field_path_of(ix, path).is_some(),
            Compiled::Compare {
                path,
                op,
                value,
                expr,
            } => match graph.field_path_of(ix, path) {
                None => false,
                Some(actual) => compare(&actual, *op, value, expr)?,
            },
        })
    }
}

/// Checks a comparison's types when the field's type is known from the schema.
fn check_operand(
    ty: Option<FieldType>,
    field: &FieldPath,
    op: CompareOp,
    value: &Literal,
) -> Result<(), QueryError> {
    let Some(ty) = ty else { return Ok(()) };
    let mismatch = |want: &str| {
        Err(QueryError::new(
            value.span,
            format!(
                "`{field}` holds {}, so it cannot be compared with {} using `{op}`",
                ty.as_str(),
                describe_literal(&value.value)
            ),
        )
        .with_label(format!("expected {want}")))
    };
    match (op, ty, &value.value) {
        (CompareOp::In, _, Value::List(_)) => Ok(()),
        (CompareOp::In, _, _) => Err(QueryError::new(
            value.span,
            "`in` takes a list, e.g. `in [\"a\", \"b\"]`",
        )),
        (CompareOp::Contains | CompareOp::StartsWith, FieldType::TextList, Value::Text(_)) => {
            Ok(())
        }
        (CompareOp::Contains | CompareOp::StartsWith, FieldType::Text, Value::Text(_)) => Ok(()),
        (CompareOp::Contains | CompareOp::StartsWith, _, _) => mismatch("text"),
        (_, FieldType::Number, Value::Number(_)) => Ok(()),
        (_, FieldType::Number, _) => mismatch("a number"),
        (_, FieldType::Text, Value::Text(_)) => Ok(()),
        (_, FieldType::Text, _) => mismatch("text"),
        (CompareOp::Eq | CompareOp::Ne, FieldType::Bool, Value::Bool(_)) => Ok(()),
        (_, FieldType::Bool, _) => mismatch("true or false with = or !="),
        _ => Ok(()),
    }
}

/// `contains` (a substring) or `starts with` (a prefix) on text, ignoring case.
fn text_matches(op: CompareOp, text: &str, wanted: &str) -> bool {
    let (text, wanted) = (text.to_lowercase(), wanted.to_lowercase());
    match op {
        CompareOp::StartsWith => text.starts_with(&wanted),
        _ => text.contains(&wanted),
    }
}

fn describe_literal(v: &Value) -> String {
    match v {
        Value::Text(t) => format!("the text \"{t}\""),
        Value::Number(n) => format!("the number {}", skillgraph_graph::format_number(*n)),
        Value::Bool(b) => format!("`{b}`"),
        other => format!("a {}", other.type_name()),
    }
}

/// One comparison on a present value. A type mismatch found only now (inside a record) is an
/// error too: comparing a number with text is never silently false.
fn compare(
    actual: &Value,
    op: CompareOp,
    value: &Literal,
    expr: &Expr,
) -> Result<bool, QueryError> {
    let wanted = &value.value;
    let type_error = || {
        Err(QueryError::new(
            expr.span,
            format!(
                "cannot compare {} with {} using `{op}`",
                describe_literal(actual),
                describe_literal(wanted)
            ),
        ))
    };
    Ok(match op {
        CompareOp::In => match wanted {
            Value::List(items) => items.iter().any(|item| values_equal(actual, item)),
            _ => return type_error(),
        },
        // One meaning for text and lists of text: a list matches when one of its entries does,
        // as the text would (`aliases contains "help desk"` finds "IT help desk technician").
        CompareOp::Contains | CompareOp::StartsWith => match (actual, wanted) {
            (Value::Text(a), Value::Text(w)) => text_matches(op, a, w),
            (Value::List(items), Value::Text(w)) => items
                .iter()
                .any(|i| matches!(i, Value::Text(a) if text_matches(op, a, w))),
            (Value::List(items), w) if op == CompareOp::Contains => {
                items.iter().any(|i| values_equal(i, w))
            }
            _ => return type_error(),
        },
        CompareOp::Eq => {
            if !same_type(actual, wanted) {
                return type_error();
            }
            values_equal(actual, wanted)
        }
        CompareOp::Ne => {
            if !same_type(actual, wanted) {
                return type_error();
            }
            !values_equal(actual, wanted)
        }
        CompareOp::Lt | CompareOp::Le | CompareOp::Gt | CompareOp::Ge => {
            let ord = match (actual, wanted) {
                (Value::Number(a), Value::Number(w)) => a.total_cmp(w),
                (Value::Text(a), Value::Text(w)) => a.to_lowercase().cmp(&w.to_lowercase()),
                _ => return type_error(),
            };
            match op {
                CompareOp::Lt => ord == Ordering::Less,
                CompareOp::Le => ord != Ordering::Greater,
                CompareOp::Gt => ord == Ordering::Greater,
                _ => ord != Ordering::Less,
            }
        }
    })
}

fn same_type(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// Equality that ignores case for text, as names do.
fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Text(x), Value::Text(y)) => {
            x.eq_ignore_ascii_case(y) || x.to_lowercase() == y.to_lowercase()
        }
        (Value::Number(x), Value::Number(y)) => x == y,
        _ => a == b,
    }
}
