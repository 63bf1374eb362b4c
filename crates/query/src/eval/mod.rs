//! Evaluation: statements of the [`crate::ast`] against a [`Database`], giving [`ResultTable`]s.
//!
//! Reads look at the in-memory [`Graph`]; writes become [`Change`]s handed to the database,
//! which validates and persists them. This module never sees pest types and never does I/O.

pub(crate) mod closest;
pub(crate) mod filter;
pub(crate) mod mutate;
pub(crate) mod plans;
pub(crate) mod profiles;
pub(crate) mod routes;

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use skillgraph_graph::algo::{Interrupt, Start as Origin};
use skillgraph_graph::{Change, ChangeError, Graph, NodeIndex, NodeKind, ResolveError};

use crate::ast::{NodeRef, Span, Spanned, Start, Statement};
use crate::diagnostic::QueryError;
use crate::result::ResultTable;

/// Why a database refused a write.
#[derive(Debug)]
pub enum ApplyError {
    /// The change breaks a rule of the graph; nothing was written.
    Rejected(ChangeError),
    /// The database could not write (I/O, lock); nothing was written.
    Failed(String),
}

/// Where a session reads the graph and sends its writes. The binary implements it over the sled
/// store; tests use [`MemoryDatabase`].
pub trait Database {
    fn graph(&self) -> &Graph;
    /// Applies the changes as one atomic operation; returns a summary line per change.
    fn apply(&mut self, changes: Vec<Change>) -> Result<Vec<String>, ApplyError>;
}

/// A database that lives only in memory: for tests and for `validate`-style dry runs.
pub struct MemoryDatabase {
    pub graph: Graph,
}

impl Database for MemoryDatabase {
    fn graph(&self) -> &Graph {
        &self.graph
    }

    fn apply(&mut self, changes: Vec<Change>) -> Result<Vec<String>, ApplyError> {
        // Validate the whole operation on a copy so a failure in the middle changes nothing.
        let mut copy = self.graph.clone();
        let mut summaries = Vec::new();
        for change in changes {
            summaries.push(copy.apply(change).map_err(ApplyError::Rejected)?);
        }
        self.graph = copy;
        Ok(summaries)
    }
}

/// Bounds on the work one statement may do, so no query can run away.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Default and ceiling of `max N` hops for `paths`.
    pub max_hops: usize,
    /// Default and ceiling of `limit N` for `paths`.
    pub max_routes: usize,
    /// Nodes a `paths` enumeration may expand before it stops.
    pub work_budget: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_hops: 6,
            max_routes: 1000,
            work_budget: 2_000_000,
        }
    }
}

/// The state a user builds up over several statements: named profiles, limits, the interrupt flag.
#[derive(Default)]
pub struct Session {
    /// `let NAME = [...]`: node ids, resolved when the profile was defined.
    pub(crate) profiles: BTreeMap<String, Vec<String>>,
    /// `use NAME`: the profile a statement uses when its start is left out.
    pub default_profile: Option<String>,
    pub limits: Limits,
    /// Set from another thread (Ctrl-C) to stop the running statement, which then fails with
    /// [`ErrorKind::Interrupted`](crate::diagnostic::ErrorKind::Interrupted). It stays set until
    /// the front end clears it (the shell: before it reads the next line), so a Ctrl-C that
    /// comes between two statements of a script stops the next one.
    pub interrupt: Arc<AtomicBool>,
}

impl Session {
    pub fn new() -> Session {
        Session::default()
    }

    /// The interrupt flag as the graph's algorithms look at it.
    pub fn interruption(&self) -> Interrupt {
        Interrupt::on(self.interrupt.clone())
    }

    /// Names of the profiles defined with `let`, for completion.
    pub fn profile_names(&self) -> impl Iterator<Item = &str> {
        self.profiles.keys().map(String::as_str)
    }

    /// Runs one statement.
    pub fn execute(
        &mut self,
        db: &mut dyn Database,
        statement: &Statement,
    ) -> Result<ResultTable, QueryError> {
        let answer = statement.kind.evaluate(self, db, statement.span);
        // Front ends decide before running what a script will write (CSV takes one table).
        debug_assert!(
            answer.as_ref().map_or(true, |table| (table.kind
                == crate::result::TableKind::Message)
                == statement.kind.is_report()),
            "`{}` answered against StatementKind::is_report",
            statement.kind.keyword()
        );
        answer
    }

    /// The nodes a `Start` stands for: a role, or a profile's skills and tools.
    pub(crate) fn start_nodes(&self, graph: &Graph, start: &Start) -> Result<Origin, QueryError> {
        match start {
            Start::Node(node) => {
                // A start names a role when one answers to the name (by name or alias): with
                // ESCO imported, `learn DevOps -> …` starts from the curated role whose alias is
                // DevOps, not from ESCO's skill of that name.
                if node.kind.is_none() {
                    let source = known_source(graph, node.source.as_ref())?;
                    if let Ok(ix) = graph.resolve_in(Some(NodeKind::Role), source, &node.name) {
                        return Ok(Origin::Role(ix));
                    }
                }
                let ix = resolve(graph, node)?;
                match graph.node(ix).kind {
                    NodeKind::Role => Ok(Origin::Role(ix)),
                    _ => Ok(Origin::Profile(vec![(ix, None)])),
                }
            }
            Start::Profile(profile) => {
                if profile.items.is_empty() {
                    return Err(QueryError::new(
                        profile.span,
                        "the profile is empty; list the skills or tools you have, e.g. `[Linux, Python]`",
                    ));
                }
                let mut nodes = Vec::new();
                for item in &profile.items {
                    nodes.push((resolve(graph, item)?, None));
                }
                Ok(Origin::Profile(nodes))
            }
            Start::Variable(name) => self.named_profile(graph, &name.value, name.span),
            Start::Default(span) => match &self.default_profile {
                Some(name) => self.named_profile(graph, name, *span),
                None => Err(
                    QueryError::new(*span, "no start is given and no profile is in use")
                        .with_label("a role, a list `[…]` or `$profile` goes here")
                        .with_help(
                            "write one, or choose a profile for the session with `use NAME`",
                        ),
                ),
            },
        }
    }

    /// The nodes a profile named `name` holds: a `let` profile of this session first, else a
    /// profile saved in the database (its held and learnt entries).
    pub(crate) fn named_profile(
        &self,
        graph: &Graph,
        name: &str,
        span: Span,
    ) -> Result<Origin, QueryError> {
        // A saved profile gives each entry its level; a `let` list states none.
        let ids: Vec<(&str, Option<u8>)> = match (self.profiles.get(name), graph.profile(name)) {
            (Some(ids), _) => ids.iter().map(|id| (id.as_str(), None)).collect(),
            (None, Some(saved)) => saved
                .entries
                .iter()
                .filter(|(_, e)| e.state.is_held())
                .map(|(id, e)| (id.as_str(), Some(e.level)))
                .collect(),
            (None, None) => {
                let known: Vec<&str> = self
                    .profile_names()
                    .chain(graph.profiles().keys().map(String::as_str))
                    .collect();
                let err = QueryError::new(span, format!("no profile is called `${name}`"))
                    .with_kind(crate::diagnostic::ErrorKind::UnknownName);
                return Err(match closest_word(name, &known) {
                    Some(near) => err.with_help(format!("did you mean `${near}`?")),
                    None => err.with_help(format!(
                        "define it first: `profile {name} = [Linux, Python]` (saved) or `let {name} = [Linux, Python]` (this session)"
                    )),
                });
            }
        };
        let nodes: Vec<(NodeIndex, Option<u8>)> = ids
            .iter()
            .filter_map(|&(id, level)| Some((graph.by_id(id)?, level)))
            .collect();
        if nodes.is_empty() {
            return Err(QueryError::new(
                span,
                format!("the profile `${name}` holds no skills yet"),
            )
            .with_help(format!("add some: `profile {name} add Linux: 3`")));
        }
        Ok(Origin::Profile(nodes))
    }
}

/// Resolves a node reference, turning resolution failures into errors at its span.
pub(crate) fn resolve(graph: &Graph, node: &NodeRef) -> Result<NodeIndex, QueryError> {
    let source = known_source(graph, node.source.as_ref())?;
    graph
        .resolve_in(node.kind, source, &node.name)
        .map_err(|e| resolve_error(node.span, e))
}

/// The dataset or source of an `@onet` or `from onet`, when some node comes from it.
pub(crate) fn known_source<'a>(
    graph: &Graph,
    source: Option<&'a Spanned<String>>,
) -> Result<Option<&'a str>, QueryError> {
    let Some(source) = source else {
        return Ok(None);
    };
    if graph.knows_source(&source.value) {
        return Ok(Some(&source.value));
    }
    let datasets: Vec<&str> = graph.datasets().iter().map(String::as_str).collect();
    let err = QueryError::new(
        source.span,
        format!(
            "no dataset or source is called `{}`",
            crate::parser::shorten(&source.value)
        ),
    )
    .with_kind(crate::diagnostic::ErrorKind::UnknownName)
    .with_label("unknown source");
    let list: Vec<String> = datasets.iter().map(|d| format!("`{d}`")).collect();
    Err(
        match closest_word(&source.value.to_lowercase(), &datasets) {
            Some(near) => err.with_help(format!(
                "did you mean `{near}`? the datasets are {}",
                list.join(", ")
            )),
            None => err.with_help(format!(
                "the datasets are {}; a source id (`show` lists a node's) works too",
                list.join(", ")
            )),
        },
    )
}

/// Resolves a reference that must name a node of `kind`.
pub(crate) fn resolve_kind(
    graph: &Graph,
    node: &NodeRef,
    kind: NodeKind,
    what: &str,
) -> Result<NodeIndex, QueryError> {
    // A qualifier-less name that is ambiguous across kinds resolves within the wanted kind.
    let source = known_source(graph, node.source.as_ref())?;
    let ix = match graph.resolve_in(node.kind, source, &node.name) {
        Err(ResolveError::Ambiguous { .. }) if node.kind.is_none() => graph
            .resolve_in(Some(kind), source, &node.name)
            .map_err(|e| resolve_error(node.span, e))?,
        other => other.map_err(|e| resolve_error(node.span, e))?,
    };
    let found = graph.node(ix);
    if found.kind != kind {
        return Err(QueryError::new(
            node.span,
            format!("{what}, but `{}` is a {}", found.name, found.kind),
        ));
    }
    Ok(ix)
}

fn resolve_error(span: Span, e: ResolveError) -> QueryError {
    match &e {
        ResolveError::NotFound {
            text,
            kind,
            suggestions,
        } => {
            // The caret shows the whole name; the message names it on one short line (a
            // megabyte-long or multi-line name would otherwise fill the terminal).
            let text = crate::parser::shorten(text);
            let message = match kind {
                Some(k) => format!("no {k} is called `{text}`"),
                None => format!("nothing is called `{text}`"),
            };
            let err = QueryError::new(span, message)
                .with_kind(crate::diagnostic::ErrorKind::UnknownName)
                .with_label("not found");
            if suggestions.is_empty() {
                err.with_help("`roles`, `skills` and `tools` list what there is")
            } else {
                let list: Vec<String> = suggestions
                    .iter()
                    .map(|s| match &s.alias {
                        Some(alias) => format!(
                            "`{}` (alias `{}`)",
                            crate::parser::quote_name(&s.name),
                            crate::parser::quote_name(alias)
                        ),
                        None => format!("`{}`", crate::parser::quote_name(&s.name)),
                    })
                    .collect();
                err.with_help(format!("did you mean {}?", list.join(" or ")))
            }
        }
        ResolveError::Ambiguous { text, candidates } => {
            // Offer only forms that pick one node: `name@dataset` where the datasets tell the
            // candidates apart, `kind:name` where the kinds do, both where together they do,
            // their ids otherwise (O*NET's skill and knowledge "Mathematics" are both skills
            // of one dataset). The name offered is the one written, which every candidate
            // answers to (as its name or an alias).
            use skillgraph_graph::concept::dataset_of;
            let unique = |key: &dyn Fn(&(NodeKind, String, String)) -> String| {
                let keys: Vec<String> = candidates.iter().map(key).collect();
                keys.iter()
                    .all(|k| keys.iter().filter(|o| *o == k).count() == 1)
            };
            let by_source = unique(&|(_, id, _)| dataset_of(id).to_string());
            let by_kind = unique(&|(kind, _, _)| kind.to_string());
            let by_both = unique(&|(kind, id, _)| format!("{kind}:{}", dataset_of(id)));
            let written = crate::parser::quote_name(text);
            let forms: Vec<String> = candidates
                .iter()
                .map(|(kind, id, _)| {
                    let dataset = dataset_of(id);
                    if by_source {
                        format!("`{written}@{dataset}`")
                    } else if by_kind {
                        format!("`{kind}:{written}`")
                    } else if by_both {
                        format!("`{kind}:{written}@{dataset}`")
                    } else {
                        format!("`{}`", crate::parser::quote_name(id))
                    }
                })
                .collect();
            let how = if by_source {
                "say which dataset"
            } else if by_kind {
                "qualify it with its kind"
            } else if by_both {
                "say which kind and dataset"
            } else {
                "name it by its id"
            };
            QueryError::new(
                span,
                e.to_string()
                    .split("; say which")
                    .next()
                    .unwrap_or_default(),
            )
            .with_label("ambiguous")
            .with_help(format!("{how}: {}", forms.join(" or ")))
        }
    }
}

/// The closest of `candidates` to `word` by edit distance, if any is close.
pub(crate) fn closest_word<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word_chars = word.chars().count();
    candidates
        .iter()
        // The score is at most shorter / longer length; skip what cannot reach 0.5, and very
        // long names, before paying for a distance that costs the product of the lengths.
        .filter(|c| {
            let c_chars = c.chars().count();
            let (short, long) = (word_chars.min(c_chars), word_chars.max(c_chars));
            2 * short >= long && long <= skillgraph_graph::resolve::MAX_FUZZY_CHARS
        })
        .map(|c| (strsim::normalized_damerau_levenshtein(word, c), *c))
        .filter(|(score, _)| *score >= 0.5)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn help_for(text: &str, candidates: &[(NodeKind, &str, &str)]) -> String {
        let e = ResolveError::Ambiguous {
            text: text.into(),
            candidates: candidates
                .iter()
                .map(|&(k, id, name)| (k, id.to_string(), name.to_string()))
                .collect(),
        };
        resolve_error(Span::new(0, 1), e).help.unwrap_or_default()
    }

    #[test]
    fn an_ambiguity_help_offers_only_forms_that_pick_one_node() {
        // Kinds tell a tool and a skill apart.
        let help = help_for(
            "Ansible",
            &[
                (NodeKind::Tool, "ansible", "Ansible"),
                (NodeKind::Skill, "ansible-skill", "Ansible"),
            ],
        );
        assert_eq!(
            help,
            "qualify it with its kind: `tool:Ansible` or `skill:Ansible`"
        );
        // Two skills: only their ids pick one.
        let help = help_for(
            "Mathematics",
            &[
                (NodeKind::Skill, "onet:2.a.1.e", "Mathematics"),
                (NodeKind::Skill, "onet:2.c.4.a", "Mathematics"),
                (NodeKind::Tool, "math-tool", "Mathematics"),
            ],
        );
        assert_eq!(
            help,
            "name it by its id: `onet:2.a.1.e` or `onet:2.c.4.a` or `math-tool`"
        );
        // Roles of two datasets answering to one alternate title: the dataset picks one.
        let help = help_for(
            "DevOps Engineer",
            &[
                (
                    NodeKind::Role,
                    "esco:occ:3b1e",
                    "ICT change and configuration manager",
                ),
                (NodeKind::Role, "onet:15-1252.00", "Software Developers"),
            ],
        );
        assert_eq!(
            help,
            "say which dataset: `\"DevOps Engineer\"@esco` or `\"DevOps Engineer\"@onet`"
        );
        // A skill and a tool of each of two datasets: kind and dataset together.
        let help = help_for(
            "Python",
            &[
                (NodeKind::Skill, "esco:skill:1", "Python"),
                (NodeKind::Skill, "onet:2.b", "Python"),
                (NodeKind::Tool, "onet:tech:python", "Python"),
            ],
        );
        assert_eq!(
            help,
            "say which kind and dataset: `skill:Python@esco` or `skill:Python@onet` or `tool:Python@onet`"
        );
    }
}
