//! `import --merge`: a graph read from files laid over the database's graph. Nodes are matched
//! by id and edges by their ends, kind and a shared source (a fact another source states is a
//! separate edge, as everywhere): a match is updated to what the files say, the rest is added,
//! and nothing is removed. The result is one new graph, checked whole, for the store to put in
//! place in one atomic step.

use std::fmt;

use skillgraph_graph::{integrity, Change, Graph, NodeIndex, SourceId};

use crate::error::{DataError, DataErrors};

/// What a merge changed, for the report the binary prints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeReport {
    pub nodes_added: usize,
    pub nodes_updated: usize,
    pub nodes_unchanged: usize,
    pub edges_added: usize,
    pub edges_updated: usize,
    pub edges_unchanged: usize,
    pub sources_added: usize,
    pub profiles_added: usize,
    pub profiles_updated: usize,
}

impl MergeReport {
    /// Whether the merge changes anything at all.
    pub fn changes_anything(&self) -> bool {
        self.nodes_added
            + self.nodes_updated
            + self.edges_added
            + self.edges_updated
            + self.sources_added
            + self.profiles_added
            + self.profiles_updated
            > 0
    }
}

impl fmt::Display for MergeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "nodes: {} added, {} updated, {} unchanged; edges: {} added, {} updated, {} unchanged",
            self.nodes_added,
            self.nodes_updated,
            self.nodes_unchanged,
            self.edges_added,
            self.edges_updated,
            self.edges_unchanged
        )?;
        if self.sources_added > 0 {
            write!(f, "; sources: {} added", self.sources_added)?;
        }
        if self.profiles_added + self.profiles_updated > 0 {
            write!(
                f,
                "; profiles: {} added, {} updated",
                self.profiles_added, self.profiles_updated
            )?;
        }
        Ok(())
    }
}

/// `base` with `incoming` laid over it, and what changed; or every reason it cannot be, naming
/// the ids involved. `incoming` is a graph an importer has already validated.
pub fn merge_graphs(base: &Graph, incoming: &Graph) -> Result<(Graph, MergeReport), DataErrors> {
    let mut merged = base.clone();
    let mut report = MergeReport::default();
    let mut errors = Vec::new();
    let error = |message: String| DataError::whole_file("import --merge", message);

    let source_map: Vec<SourceId> = incoming
        .sources()
        .iter()
        .map(|s| {
            if merged.source_id(&s.key).is_none() {
                report.sources_added += 1;
            }
            merged.add_source(s.clone())
        })
        .collect();
    let remap = |ids: &[SourceId]| -> Vec<SourceId> {
        ids.iter().map(|s| source_map[s.0 as usize]).collect()
    };

    let mut order: Vec<NodeIndex> = incoming.node_indices().collect();
    order.sort_by(|&a, &b| incoming.node(a).id.cmp(&incoming.node(b).id));
    for ix in order {
        let mut node = incoming.node(ix).clone();
        node.sources = remap(&node.sources);
        match merged.by_id(&node.id) {
            Some(mine) if merged.node(mine).kind != node.kind => errors.push(error(format!(
                "`{}` is a {} in the database but a {} in the import: a merge cannot change a node's kind",
                node.id,
                merged.node(mine).kind,
                node.kind
            ))),
            Some(mine) if *merged.node(mine) == node => report.nodes_unchanged += 1,
            Some(mine) => {
                merged.node_mut(mine).edit(|n| *n = node);
                report.nodes_updated += 1;
            }
            None => match merged.apply(Change::AddNode(node)) {
                Ok(_) => report.nodes_added += 1,
                Err(e) => errors.push(error(e.to_string())),
            },
        }
    }
    if !errors.is_empty() {
        return Err(DataErrors(errors));
    }

    for e in incoming.edge_indices() {
        let (a, b) = incoming.edge_endpoints(e);
        let (from, to) = (&incoming.node(a).id, &incoming.node(b).id);
        let mut edge = incoming.edge(e).clone();
        edge.sources = remap(&edge.sources);
        let (Some(ma), Some(mb)) = (merged.by_id(from), merged.by_id(to)) else {
            unreachable!("every node of the import is in the merged graph")
        };
        let matching: Vec<_> = merged
            .edges_between(ma, mb, edge.kind)
            .into_iter()
            .filter(|&m| {
                merged
                    .edge(m)
                    .sources
                    .iter()
                    .any(|s| edge.sources.contains(s))
            })
            .collect();
        match matching[..] {
            [] => match merged.apply(Change::AddEdge {
                from: from.clone(),
                to: to.clone(),
                edge,
            }) {
                Ok(_) => report.edges_added += 1,
                Err(err) => errors.push(error(err.to_string())),
            },
            [m] if *merged.edge(m) == edge => report.edges_unchanged += 1,
            [m] => {
                merged.edge_mut(m).edit(|e| *e = edge);
                report.edges_updated += 1;
            }
            _ => errors.push(error(format!(
                "`{from} {} {to}` matches {} edges of the database that share its sources; merge it by hand",
                edge.kind,
                matching.len()
            ))),
        }
    }

    for profile in incoming.profiles().values() {
        match merged.profile(&profile.name) {
            Some(mine) if mine == profile => continue,
            Some(_) => report.profiles_updated += 1,
            None => report.profiles_added += 1,
        }
        if let Err(e) = merged.apply(Change::SetProfile(profile.clone())) {
            errors.push(error(e.to_string()));
        }
    }
    if !errors.is_empty() {
        return Err(DataErrors(errors));
    }
    // Updates in place skip the checks `apply` makes; the whole graph is checked once instead,
    // and keeps every rule or nothing is written.
    let findings = integrity::check(&merged);
    if !findings.is_empty() {
        return Err(DataErrors(
            findings.iter().map(|f| error(f.to_string())).collect(),
        ));
    }
    Ok((merged, report))
}
