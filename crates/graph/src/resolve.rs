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
        suggestions: Vec<String>,
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
                    let list: Vec<String> = suggestions.iter().map(|s| format!("`{s}`")).collect();
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
        let fits = |ix: &NodeIndex| kind.is_none_or(|k| self.node(*ix).kind == k);
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
            suggestions: self.suggest(kind, text, 3),
        })
    }

    /// Names close to `text` (by edit distance over names, aliases and ids), best first.
    pub fn suggest(&self, kind: Option<NodeKind>, text: &str, limit: usize) -> Vec<String> {
        let wanted = text.to_lowercase();
        let wanted_chars = wanted.chars().count();
        let mut scored: Vec<(f64, String)> = Vec::new();
        let mut consider = |label: &str, ix: NodeIndex| {
            if kind.is_some_and(|k| self.node(ix).kind != k) {
                return;
            }
            // The edit distance costs time and memory in the product of the two lengths
            // (minutes and gigabytes for a megabyte-long name against every label). It is at
            // least the difference in length, so a label much longer or shorter than the text
            // cannot score 0.6 unless it starts with the text: skip those. Past
            // MAX_FUZZY_CHARS only starting with the text counts (at its usual 0.75).
            let label_chars = label.chars().count();
            let (short, long) = (wanted_chars.min(label_chars), wanted_chars.max(label_chars));
            let prefix = wanted.len() >= 3 && label.starts_with(&wanted);
            if long > MAX_FUZZY_CHARS || ((short as f64) < 0.6 * long as f64 && !prefix) {
                if prefix {
                    scored.push((0.75, self.node(ix).name.clone()));
                }
                return;
            }
            let score = similarity(&wanted, label);
            if score >= 0.6 {
                scored.push((score, self.node(ix).name.clone()));
            }
        };
        for (label, nodes) in self.labels() {
            for &ix in nodes {
                consider(label, ix);
            }
        }
        for ix in self.node_indices() {
            consider(&self.node(ix).id, ix);
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let mut names: Vec<String> = Vec::new();
        for (_, name) in scored {
            if !names.contains(&name) {
                names.push(name);
            }
            if names.len() == limit {
                break;
            }
        }
        names
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
