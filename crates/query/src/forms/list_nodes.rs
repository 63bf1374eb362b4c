//! `roles | skills | tools [where COND] [from DATASET] [keep pay] [order by FIELD] [limit N]`.

use pest::iterators::Pair;

use super::{Answer, Form};
use crate::ast::{ListQuery, NodeKind, Span};
use crate::eval::{filter, Database, Session};
use crate::parser::{parts, Builder, ClauseName, Parsed, Rule};

/// A list of roles, skills or tools.
pub type ListNodes = ListQuery;

impl Form for ListNodes {
    fn build(builder: &Builder, form: Pair<'_, Rule>) -> Parsed<Self> {
        let keyword = builder.keyword(&form);
        let kind = match keyword.as_str() {
            "roles" => NodeKind::Role,
            "skills" => NodeKind::Skill,
            _ => NodeKind::Tool,
        };
        let clauses = builder.clauses::<Self>(&keyword, &parts(form)[1..])?;
        Ok(ListQuery {
            kind,
            filter: clauses.filter,
            roles: clauses.roles,
            order: clauses.order,
            limit: clauses.limit,
        })
    }

    fn evaluate(&self, session: &mut Session, db: &mut dyn Database, span: Span) -> Answer {
        filter::list(db.graph(), self, &session.interruption(), span)
    }

    fn keyword(&self) -> Option<&'static str> {
        Some(match self.kind {
            NodeKind::Role => "roles",
            NodeKind::Skill => "skills",
            NodeKind::Tool => "tools",
        })
    }

    fn clauses(keyword: &str) -> &'static [ClauseName] {
        use ClauseName as C;
        match keyword {
            "roles" => &[C::Where, C::OrderBy, C::Limit, C::From, C::KeepPay],
            _ => &[C::Where, C::OrderBy, C::Limit, C::From],
        }
    }
}
