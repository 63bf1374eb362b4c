//! Name resolution: the one way a user's text (`SRE`, `"Site Reliability Engineer"`, `skill:Git`)
//! becomes a node. Order: id, then name, then alias, all ignoring case.

use std::fmt;

use petgraph::stable_graph::NodeIndex;

use crate::graph::Graph;
use crate::model::NodeKind;

#[derive(Debug, Clone, PartialEq)]
pub enum ResolveError {
    NotFound {
        text: String,
        kind: Option<NodeKind>,
        /// Closest names, best first.
        suggestions: Vec<Suggestion>,
    },
    Ambiguous {
        text: String,
        /// (kind, id, name) of every match.
        candidates: Vec<(NodeKind, String, String)>,
    },
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResolveError::NotFound {
                text,
                kind,
                suggestions,
            } => {
                match kind {
                    Some(k) => write!(f, "no {k} is called `{text}`")?,
                    None => write!(f, "nothing is called `{text}`")?,
                }
                if !suggestions.is_empty() {
                    let list: Vec<String> = suggestions
                        .iter()
                        .map(|s| match &s.alias {
                            Some(alias) => format!("`{}` (alias `{alias}`)", s.name),
                            None => format!("`{}`", s.name),
                        })
                        .collect();
                    write!(f, "; did you mean {}?", list.join(" or "))?;
                }
                Ok(())
            }
            ResolveError::Ambiguous { text, candidates } => {
                write!(f, "`{text}` names {} nodes: ", candidates.len())?;
                let list: Vec<String> = candidates
                    .iter()
                    .map(|(kind, id, name)| format!("{kind} `{name}` (id {id})"))
                    .collect();
                write!(f, "{}", list.join(", "))?;
                let (kind, _, name) = &candidates[0];
                write!(f, "; say which, e.g. `{kind}:{name:?}`")
            }
        }
    }
}

impl std::error::Error for ResolveError {}

impl Graph {
    /// Resolves `text` to one node, optionally of a given kind.
    pub fn resolve(&self, kind: Option<NodeKind>, text: &str) -> Result<NodeIndex, ResolveError> {
        self.resolve_in(kind, None, text)
    }

    /// Resolves `text` to one node, optionally of a given kind and from a given dataset or
    /// source (`Kubernetes@onet`, see [`Graph::is_from`]). Where several nodes carry the name
    /// and they are linked as one concept ([`Graph::linked`]), with at most one of them per
    /// dataset, the one that answers for the concept is the answer (curated first); nodes of
    /// one dataset with the same name, or unlinked nodes, are ambiguous.
    pub fn resolve_in(
        &self,
        kind: Option<NodeKind>,
        source: Option<&str>,
        text: &str,
    ) -> Result<NodeIndex, ResolveError> {
        let fits = |ix: &NodeIndex| {
            kind.is_none_or(|k| self.node(*ix).kind == k)
                && source.is_none_or(|s| self.is_from(*ix, s))
        };
        if let Some(ix) = self
            .by_id(text)
            .or_else(|| self.by_id(&text.to_lowercase()))
        {
            if fits(&ix) {
                return Ok(ix);
            }
        }
        let matches: Vec<NodeIndex> = self.by_label(text).iter().copied().filter(fits).collect();
        let lowered = text.to_lowercase();
        let (by_name, by_alias): (Vec<NodeIndex>, Vec<NodeIndex>) = matches
            .into_iter()
            .partition(|&ix| self.node(ix).name.to_lowercase() == lowered);
        for tier in [by_name, by_alias] {
            match tier.len() {
                0 => continue,
                1 => return Ok(tier[0]),
                _ => {
                    if let Some(one) = self.one_concept(&tier) {
                        return Ok(one);
                    }
                    let mut candidates: Vec<(NodeKind, String, String)> = tier
                        .iter()
                        .map(|&ix| {
                            let n = self.node(ix);
                            (n.kind, n.id.clone(), n.name.clone())
                        })
                        .collect();
                    candidates.sort();
                    return Err(ResolveError::Ambiguous {
                        text: text.to_string(),
                        candidates,
                    });
                }
            }
        }
        Err(ResolveError::NotFound {
            text: text.to_string(),
            kind,
            suggestions: self.suggest_labels(kind, text, 3),
        })
    }

    /// The node answering for `nodes` when they are all linked as one concept with at most one
    /// node per dataset.
    fn one_concept(&self, nodes: &[NodeIndex]) -> Option<NodeIndex> {
        let first = nodes[0];
        if !nodes.iter().all(|&n| self.same_concept(first, n)) {
            return None;
        }
        let mut datasets: Vec<&str> = nodes.iter().map(|&n| self.dataset(n)).collect();
        datasets.sort_unstable();
        let distinct = datasets.windows(2).all(|w| w[0] != w[1]);
        distinct.then(|| {
            let group = self.linked(first);
            *group
                .iter()
                .find(|g| nodes.contains(g))
                .expect("the nodes are in the group")
        })
    }

    /// Names close to `text`, best first (see [`Graph::suggest_labels`]).
    pub fn suggest(&self, kind: Option<NodeKind>, text: &str, limit: usize) -> Vec<String> {
        self.suggest_labels(kind, text, limit)
            .into_iter()
            .map(|s| s.name)
            .collect()
    }

    /// Nodes whose name, alias or id is close to `text`, best first, each with the alias that
    /// matched. A label is close by **spelling** (edit distance, or starting with the text), by
    /// **words** (every word of the text is a word of the label: `help desk` → `ICT help desk
    /// agent`, `AWS` → `Amazon Web Services AWS software`), more the larger the share of the
    /// label the words cover. A match through an
    /// alias counts 0.9 of one through the name, and says which alias it was, so that `SRE`
    /// offering `Aerospace Engineers` shows it came through the alias `SQE`. Ties: the shorter
    /// label, then by name.
    pub fn suggest_labels(
        &self,
        kind: Option<NodeKind>,
        text: &str,
        limit: usize,
    ) -> Vec<Suggestion> {
        let wanted = text.to_lowercase();
        let wanted_chars = wanted.chars().count();
        let wanted_words = words(&wanted);
        // (score, label length, name, alias)
        let mut scored: Vec<(f64, usize, String, Option<String>)> = Vec::new();
        let mut consider = |label: &str, ix: NodeIndex, is_id: bool| {
            let node = self.node(ix);
            if kind.is_some_and(|k| node.kind != k) {
                return;
            }
            let label_chars = label.chars().count();
            let by_words = word_score(&wanted_words, label);
            // The edit distance costs time and memory in the product of the two lengths
            // (minutes and gigabytes for a megabyte-long name against every label). It is at
            // least the difference in length, so a label much longer or shorter than the text
            // cannot score 0.6 unless it starts with the text: skip those. Past
            // MAX_FUZZY_CHARS only starting with the text counts (at its usual 0.75).
            let (short, long) = (wanted_chars.min(label_chars), wanted_chars.max(label_chars));
            let prefix = wanted.len() >= 3 && label.starts_with(&wanted);
            let spelling =
                if long > MAX_FUZZY_CHARS || ((short as f64) < 0.6 * long as f64 && !prefix) {
                    if prefix {
                        0.75
                    } else {
                        0.0
                    }
                } else {
                    similarity(&wanted, label)
                };
            let mut score = spelling.max(by_words);
            let is_name = is_id || node.name.to_lowercase() == label;
            if !is_name {
                score *= 0.9;
            }
            if score >= 0.6 {
                let alias = (!is_name).then(|| {
                    node.aliases
                        .iter()
                        .find(|a| a.to_lowercase() == label)
                        .cloned()
                        .unwrap_or_else(|| label.to_string())
                });
                scored.push((score, label_chars, node.name.clone(), alias));
            }
        };
        for (label, nodes) in self.labels() {
            for &ix in nodes.iter() {
                consider(label, ix, false);
            }
        }
        for ix in self.node_indices() {
            consider(&self.node(ix).id, ix, true);
        }
        scored.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then(a.1.cmp(&b.1))
                .then_with(|| a.2.cmp(&b.2))
        });
        let mut out: Vec<Suggestion> = Vec::new();
        for (_, _, name, alias) in scored {
            if !out.iter().any(|s| s.name == name) {
                out.push(Suggestion { name, alias });
            }
            if out.len() == limit {
                break;
            }
        }
        out
    }
}

/// A name offered for one not found; `alias` is the alias that was close, when it was not the
/// name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub name: String,
    pub alias: Option<String>,
}

/// The words of a lower-cased text: runs of letters, digits, `+` and `#`.
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '+' || c == '#'))
        .filter(|w| !w.is_empty())
        .collect()
}

/// 0.6–1.0 when every word of the text is a word of `label`, more the larger the share of the
/// label's words it covers; else 0. (Initials are no evidence: `AWS` spells `arrange workshop
/// space` as well as `Amazon Web Services`.)
fn word_score(wanted: &[&str], label: &str) -> f64 {
    let label_words = words(label);
    if wanted.is_empty() || label_words.is_empty() || label_words.len() > 64 {
        return 0.0;
    }
    if wanted.iter().all(|w| label_words.contains(w)) {
        0.6 + 0.4 * (wanted.len() as f64 / label_words.len() as f64).min(1.0)
    } else {
        0.0
    }
}

/// Names longer than this (in characters) get no edit-distance suggestions; see `suggest`.
pub const MAX_FUZZY_CHARS: usize = 256;

/// 0.0 (nothing alike) … 1.0 (equal); a label that starts with the text also counts as close,
/// so `Kube` suggests `Kubernetes`.
pub fn similarity(wanted: &str, label: &str) -> f64 {
    let edit = strsim::normalized_damerau_levenshtein(wanted, label);
    if wanted.len() >= 3 && label.starts_with(wanted) {
        edit.max(0.75)
    } else {
        edit
    }
}
