//! The typed syntax tree of a query script.
//!
//! Every part the evaluator may report an error on carries a [`Span`]: a byte range into the
//! source the script was parsed from. Node names are kept as written; resolving them against
//! the graph is the evaluator's job.

use std::fmt;
use std::ops::Range;

pub use skillgraph_graph::algo::ToolScope;

pub use skillgraph_graph::model::{EdgeKind, NodeKind, Value};

/// A byte range `start..end` into the parsed source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// An empty span at `offset`, for "something is missing here".
    pub fn at(offset: usize) -> Span {
        Span::new(offset, offset)
    }

    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The text this span covers in `source`, or `""` if it does not fit.
    pub fn text(self, source: &str) -> &str {
        source.get(self.range()).unwrap_or("")
    }
}

impl From<Range<usize>> for Span {
    fn from(range: Range<usize>) -> Span {
        Span::new(range.start, range.end)
    }
}

/// A value together with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Spanned<T> {
        Spanned { value, span }
    }
}

/// A parsed script: statements in source order. Empty statements are dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    pub statements: Vec<Statement>,
}

/// One statement and the source text it spans (from its keyword to its last token).
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub kind: StatementKind,
    pub span: Span,
}

/// What a statement asks for: a variant per statement form of the grammar, each holding its
/// form's AST (`crate::forms`).
pub use crate::forms::StatementKind;

/// `Linux: 4` in a profile: a skill or tool and a level 1–5.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelItem {
    pub node: NodeRef,
    pub level: Option<Spanned<u8>>,
}

/// `unlock START …`.
#[derive(Debug, Clone, PartialEq)]
pub struct UnlockQuery {
    pub profile: Start,
    pub min_importance: Option<Spanned<u8>>,
    pub limit: Option<Spanned<usize>>,
}

/// Limits a plan or route must respect: `at 10 hours/week`, `max hours 300`, `avoid X`,
/// `keep pay 75%`, `job zone within 1`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Constraints {
    /// Hours per week: the plan gets a week-by-week schedule.
    pub pace: Option<Spanned<f64>>,
    /// The most hours the whole plan or route may take.
    pub max_hours: Option<Spanned<f64>>,
    /// Every role on the route pays at least this share (0–1) of the start role's average.
    pub keep_pay: Option<Spanned<f64>>,
    /// Every move changes the O*NET job zone by at most this much.
    pub zone_within: Option<Spanned<u8>>,
}

/// `roles`, `skills` or `tools`, with optional filter, order and limit.
#[derive(Debug, Clone, PartialEq)]
pub struct ListQuery {
    pub kind: NodeKind,
    pub filter: Option<Expr>,
    /// `from onet`, `keep pay` (roles only).
    pub roles: RoleFilter,
    pub order: Option<OrderBy>,
    pub limit: Option<Spanned<usize>>,
}

/// The clauses that narrow which routes count: `via`, `avoid`, `max` (hops).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RouteFilter {
    /// Roles every route must pass through, in the order given.
    pub via: Vec<NodeRef>,
    /// Roles no route may pass through.
    pub avoid: Vec<NodeRef>,
    /// The most moves a route may take (`max N`), at least 1.
    pub max_hops: Option<Spanned<usize>>,
}

/// `path START -> TO …`.
#[derive(Debug, Clone, PartialEq)]
pub struct PathQuery {
    pub from: Start,
    pub to: NodeRef,
    pub route: RouteFilter,
    /// `by effort`: weigh moves by learning hours instead of counting them.
    pub by_effort: bool,
    pub min_importance: Option<Spanned<u8>>,
    pub constraints: Constraints,
}

/// `paths START -> TO …`.
#[derive(Debug, Clone, PartialEq)]
pub struct PathsQuery {
    pub from: Start,
    pub to: NodeRef,
    pub route: RouteFilter,
    /// `limit N`, at least 1.
    pub limit: Option<Spanned<usize>>,
}

/// `gap START -> TO [min importance N]`.
#[derive(Debug, Clone, PartialEq)]
pub struct GapQuery {
    pub from: Start,
    pub to: NodeRef,
    /// Only skills the target requires with at least this importance (1–5).
    pub min_importance: Option<Spanned<u8>>,
    /// Which of the target's tools to list (`with tools`, `with all tools`, `without tools`).
    pub tools: ToolScope,
}

/// `learn START -> TO [via ROLE, …] [min importance N]`.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnQuery {
    pub from: Start,
    pub to: NodeRef,
    /// Roles the plan should pass through on the way.
    pub via: Vec<NodeRef>,
    pub min_importance: Option<Spanned<u8>>,
    /// Which of the target's tools the plan lists.
    pub tools: ToolScope,
    /// Skills or tools the plan must not need (`avoid Kubernetes`).
    pub avoid: Vec<NodeRef>,
    pub constraints: Constraints,
}

/// `closest START [min importance N] [limit N]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClosestQuery {
    pub profile: Start,
    pub min_importance: Option<Spanned<u8>>,
    pub limit: Option<Spanned<usize>>,
    /// `explain`: show each role's match broken down.
    pub explain: bool,
    /// `from onet`, `keep pay [P%]`, `job zone within N`.
    pub roles: RoleFilter,
}

/// Which roles a list keeps: `from SOURCE`, `keep pay [P%]`, `job zone within N`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RoleFilter {
    /// Only nodes of this dataset or with this source (`onet`, `curated`, `onet-29.3`).
    pub from: Option<Spanned<String>>,
    /// Only roles whose pay (`salary.avg`) is known; with a share, at least that share (0–1)
    /// of the start role's.
    pub keep_pay: Option<Spanned<Option<f64>>>,
    /// Only roles whose O*NET job zone differs from the start role's by at most this much.
    pub zone_within: Option<Spanned<u8>>,
}

impl RoleFilter {
    pub fn is_empty(&self) -> bool {
        self.from.is_none() && self.keep_pay.is_none() && self.zone_within.is_none()
    }
}

/// A name of a node as written: `SRE`, `"Site Reliability Engineer"`, `skill:Git`.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeRef {
    /// The kind from a `role:`, `skill:` or `tool:` prefix, if written.
    pub kind: Option<NodeKind>,
    /// The name with quotes removed and escapes decoded; never empty.
    pub name: String,
    /// Whether the name was quoted.
    pub quoted: bool,
    /// The dataset or source from an `@onet` suffix, if written.
    pub source: Option<Spanned<String>>,
    /// The whole reference, prefix and quotes included.
    pub span: Span,
}

impl fmt::Display for NodeRef {
    /// Writes the reference back in a form the parser reads: `skill:Git`, `"Site Reliability"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(kind) = self.kind {
            write!(f, "{kind}:")?;
        }
        if self.quoted {
            write!(f, "\"{}\"", escape(&self.name))?;
        } else {
            f.write_str(&self.name)?;
        }
        if let Some(source) = &self.source {
            write!(f, "@{}", source.value)?;
        }
        Ok(())
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out
}

/// Where a `path`, `paths`, `gap`, `learn` or `closest` starts.
#[derive(Debug, Clone, PartialEq)]
pub enum Start {
    /// A node: usually a role, whose required skills are the starting profile.
    Node(NodeRef),
    /// A profile written in place: `[Linux, Python, Docker]`.
    Profile(Profile),
    /// A profile named earlier with `let`, or saved with `profile`: `$me` (the name is stored
    /// without the `$`).
    Variable(Spanned<String>),
    /// Left out (`learn -> SRE`): the profile chosen with `use`. The span is where it would be.
    Default(Span),
}

impl Start {
    pub fn span(&self) -> Span {
        match self {
            Start::Node(node) => node.span,
            Start::Profile(profile) => profile.span,
            Start::Variable(name) => name.span,
            Start::Default(span) => *span,
        }
    }
}

/// A list of skills and tools someone has: `[Linux, Python, "Incident response"]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub items: Vec<NodeRef>,
    /// From `[` to `]`.
    pub span: Span,
}

/// A dotted field name: `category`, `salary.avg`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldPath {
    pub segments: Vec<String>,
    pub span: Span,
}

impl FieldPath {
    /// The segments as `&str`, ready for [`Value::get_path`].
    pub fn parts(&self) -> Vec<&str> {
        self.segments.iter().map(String::as_str).collect()
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.segments.join("."))
    }
}

/// A value written in the source: in `{ field: value }`, after `set … =`, in a condition.
///
/// Unquoted words are text (`[SLOs, Tracing]` is a list of two texts).
#[derive(Debug, Clone, PartialEq)]
pub struct Literal {
    pub value: Value,
    pub span: Span,
    /// When `value` is a list: the span of each item, so that an error can point at one name
    /// in `skills: [SLOs, "Error budgets"]`. Empty otherwise.
    pub item_spans: Vec<Span>,
}

/// One `field: value` of the braces after `add` or `link`.
#[derive(Debug, Clone, PartialEq)]
pub struct Prop {
    pub key: Spanned<String>,
    pub value: Literal,
}

/// `order by FIELD [asc|desc]`.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderBy {
    pub field: FieldPath,
    pub descending: bool,
    pub span: Span,
}

/// A condition after `where`.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

/// The forms a condition takes. `and` and `or` chains are flat lists, so a long chain does not
/// nest (and cannot exhaust the stack when evaluated or dropped).
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `A or B or …`: at least two operands.
    Or(Vec<Expr>),
    /// `A and B and …`: at least two operands.
    And(Vec<Expr>),
    /// `not A`. A run of `not`s is folded: `not not A` is `A`.
    Not(Box<Expr>),
    /// `FIELD op VALUE`, e.g. `salary.avg > 130000`, `name starts with "Site"`,
    /// `category in ["observability", "cloud"]` (for `in`, the value is a list).
    Compare {
        field: FieldPath,
        op: Spanned<CompareOp>,
        value: Literal,
    },
    /// `requires(X)`, `uses(X)`, `covers(X)`: the node has an edge of this kind to X.
    Edge { kind: EdgeKind, target: NodeRef },
    /// `has(FIELD)`: the field is set.
    Has(FieldPath),
}

/// The operator of a [`ExprKind::Compare`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// `contains`: text contains text, or list contains value.
    Contains,
    /// `starts with`: text prefix.
    StartsWith,
    /// `in [v1, v2]`: the field equals one of the list's values.
    In,
}

impl CompareOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "=",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::Contains => "contains",
            CompareOp::StartsWith => "starts with",
            CompareOp::In => "in",
        }
    }
}

impl fmt::Display for CompareOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
