//! `neighbourhood NODE [depth N]`: the subgraph around a node.

use pest::iterators::Pair;

use super::{Answer, Form};
use crate::answers::describe;
use crate::ast::{NodeRef, Span, Spanned};
use crate::diagnostic::QueryError;
use crate::eval::{resolve, Database, Session};
use crate::parser::{parts, Builder, ClauseName, Parsed, Rule};

/// `neighbourhood NODE [depth N]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbourhood {
    pub node: NodeRef,
    /// How many steps out (1 when left out).
    pub depth: Option<Spanned<usize>>,
}

impl Form for Neighbourhood {
    fn build(builder: &Builder, form: Pair<'_, Rule>) -> Parsed<Self> {
        let parts = parts(form.clone());
        let node = builder.node_ref(builder.part(&form, 0)?)?;
        let clauses = builder.clauses::<Self>("neighbourhood", &parts[1..])?;
        Ok(Neighbourhood {
            node,
            depth: clauses.depth,
        })
    }

    fn evaluate(&self, session: &mut Session, db: &mut dyn Database, span: Span) -> Answer {
        let graph = db.graph();
        let ix = resolve(graph, &self.node)?;
        let depth = self.depth.as_ref().map_or(1, |d| d.value);
        describe::neighbourhood(graph, ix, depth, &session.interruption())
            .map_err(|_| QueryError::interrupted(span))
    }

    fn clauses(_: &str) -> &'static [ClauseName] {
        &[ClauseName::Depth]
    }
}
