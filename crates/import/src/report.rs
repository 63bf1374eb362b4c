//! What an import of a public dataset tells its user ([`ImportReport`]) and the log that
//! gathers it as a load goes ([`Log`]): errors, warnings by kind, skip counts. Shared by the
//! O*NET and ESCO importers.

use std::collections::BTreeMap;
use std::fmt;

use skillgraph_graph::{EdgeKind, Graph, NodeKind, Source, SourceId};

use crate::error::{DataError, DataErrors};

/// Errors beyond this many are counted, not listed.
const MAX_LISTED: usize = 50;

/// Warnings beyond this many are counted, not kept (memory for a badly broken file).
pub const MAX_KEPT_WARNINGS: usize = 10_000;

/// Locations the report's `Display` shows per kind of warning; `verbose` shows all kept.
const SHOWN_WARNINGS: usize = 3;

/// What an import of a public dataset made and what it left out, and why: for the CLI to print
/// after an import and to show in `stats`.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportReport {
    /// The dataset's source, as every imported fact names it.
    pub source: Source,
    /// Nodes made, per kind (kinds with none are absent).
    pub nodes: BTreeMap<NodeKind, usize>,
    /// Edges made, per kind (kinds with none are absent).
    pub edges: BTreeMap<EdgeKind, usize>,
    /// Rows or facts left out, with why, in the order first met.
    pub skipped: Vec<(String, usize)>,
    /// How the dataset maps onto the model and what it cannot say, one line each.
    pub notes: Vec<String>,
    /// Suspect rows that were skipped (each also counted in `skipped`), in the order met: the
    /// first [`MAX_KEPT_WARNINGS`].
    pub warnings: Vec<DataError>,
    /// How many warnings there were, kept or not.
    pub warnings_total: usize,
    /// The kinds of warning (the reason they were skipped under), in the order first met, with
    /// how many of each; `Display` shows one line per kind with its count and first locations,
    /// [`ImportReport::verbose`] every warning.
    pub warning_kinds: Vec<(String, usize)>,
    /// Per kept warning, the index of its kind in `warning_kinds`.
    pub warning_kind_of: Vec<usize>,
}

impl ImportReport {
    pub fn node_count(&self, kind: NodeKind) -> usize {
        self.nodes.get(&kind).copied().unwrap_or(0)
    }

    pub fn edge_count(&self, kind: EdgeKind) -> usize {
        self.edges.get(&kind).copied().unwrap_or(0)
    }

    /// How many were skipped for exactly this reason.
    pub fn skipped_count(&self, reason: &str) -> usize {
        self.skipped
            .iter()
            .find(|(r, _)| r == reason)
            .map_or(0, |(_, n)| *n)
    }
}

/// An [`ImportReport`] that lists every warning kept, under its kind.
pub struct VerboseReport<'a>(&'a ImportReport);

impl ImportReport {
    /// The report with every warning listed (`import --verbose`).
    pub fn verbose(&self) -> VerboseReport<'_> {
        VerboseReport(self)
    }

    /// The warnings kept of the kind at `kind` in `warning_kinds`.
    pub fn warnings_of_kind(&self, kind: usize) -> impl Iterator<Item = &DataError> {
        self.warnings
            .iter()
            .zip(&self.warning_kind_of)
            .filter(move |(_, &k)| k == kind)
            .map(|(w, _)| w)
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, verbose: bool) -> fmt::Result {
        let s = &self.source;
        write!(f, "{} ({}", s.title, s.key)?;
        if let Some(licence) = &s.licence {
            write!(f, "; {licence}")?;
        }
        writeln!(f, ")")?;
        let nodes: Vec<String> = self
            .nodes
            .iter()
            .map(|(kind, n)| format!("{n} {kind}{}", if *n == 1 { "" } else { "s" }))
            .collect();
        let edges: Vec<String> = self
            .edges
            .iter()
            .map(|(kind, n)| format!("{n} {kind}"))
            .collect();
        writeln!(f, "  nodes: {}", or_none(&nodes))?;
        writeln!(f, "  edges: {}", or_none(&edges))?;
        if !self.skipped.is_empty() {
            writeln!(f, "  skipped:")?;
            for (reason, n) in &self.skipped {
                writeln!(f, "    {n:>7}  {reason}")?;
            }
        }
        if !self.notes.is_empty() {
            writeln!(f, "  notes:")?;
            for note in &self.notes {
                writeln!(f, "    - {note}")?;
            }
        }
        write!(f, "  warnings: {}", self.warnings_total)?;
        // One line per kind: a dataset with one missing occupation warns once per row naming
        // it (67 rows of ESCO 1.1.1), which says one thing.
        for (k, (kind, count)) in self.warning_kinds.iter().enumerate() {
            let mut kept = self.warnings_of_kind(k).peekable();
            write!(f, "\n    {count:>7} × {kind}")?;
            if verbose {
                for w in kept {
                    write!(f, "\n              {w}")?;
                }
                continue;
            }
            if let Some(first) = kept.peek() {
                write!(f, "\n              e.g. {first}")?;
            }
            let places: Vec<String> = kept
                .take(SHOWN_WARNINGS)
                .map(|w| format!("{}:{}", w.line, w.column))
                .collect();
            if *count > 1 {
                let more = count - places.len();
                write!(f, "\n              at lines {}", places.join(", "))?;
                if more > 0 {
                    write!(f, " and {more} more (`import --verbose` lists them)")?;
                }
            }
        }
        if verbose && self.warnings_total > self.warnings.len() {
            write!(
                f,
                "\n    (the first {} of {} warnings are kept)",
                self.warnings.len(),
                self.warnings_total
            )?;
        }
        Ok(())
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, false)
    }
}

impl fmt::Display for VerboseReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.write(f, true)
    }
}

fn or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

/// Errors (which stop the import), warnings (which skip a row) and skip counts, as a load goes.
#[derive(Default)]
pub(crate) struct Log {
    errors: Vec<DataError>,
    unlisted_errors: usize,
    warnings: Vec<DataError>,
    warnings_total: usize,
    warning_kinds: Vec<(String, usize)>,
    warning_kind_of: Vec<usize>,
    skipped: Vec<(String, usize)>,
}

impl Log {
    pub(crate) fn error(&mut self, e: DataError) {
        if self.errors.len() < MAX_LISTED {
            self.errors.push(e);
        } else {
            self.unlisted_errors += 1;
        }
    }

    /// A skipped row worth showing the user; also counted under `reason`.
    pub(crate) fn warn(&mut self, e: DataError, reason: &str) {
        self.warnings_total += 1;
        let kind = match self.warning_kinds.iter().position(|(r, _)| r == reason) {
            Some(k) => k,
            None => {
                self.warning_kinds.push((reason.to_string(), 0));
                self.warning_kinds.len() - 1
            }
        };
        self.warning_kinds[kind].1 += 1;
        if self.warnings.len() < MAX_KEPT_WARNINGS {
            self.warnings.push(e);
            self.warning_kind_of.push(kind);
        }
        self.skip(reason, 1);
    }

    pub(crate) fn skip(&mut self, reason: &str, count: usize) {
        if count == 0 {
            return;
        }
        match self.skipped.iter_mut().find(|(r, _)| r == reason) {
            Some((_, n)) => *n += count,
            None => self.skipped.push((reason.to_string(), count)),
        }
    }

    pub(crate) fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    pub(crate) fn into_errors(mut self) -> DataErrors {
        if self.unlisted_errors > 0 {
            self.errors.push(DataError::whole_file(
                "import",
                format!("… and {} more errors not listed", self.unlisted_errors),
            ));
        }
        DataErrors(self.errors)
    }

    pub(crate) fn into_report(
        self,
        graph: &Graph,
        source: SourceId,
        notes: Vec<String>,
    ) -> ImportReport {
        let mut nodes = BTreeMap::new();
        for ix in graph.node_indices() {
            *nodes.entry(graph.node(ix).kind).or_insert(0) += 1;
        }
        let mut edges = BTreeMap::new();
        for e in graph.edge_indices() {
            *edges.entry(graph.edge(e).kind).or_insert(0) += 1;
        }
        ImportReport {
            source: graph.source(source).clone(),
            nodes,
            edges,
            skipped: self.skipped,
            notes,
            warnings: self.warnings,
            warnings_total: self.warnings_total,
            warning_kinds: self.warning_kinds,
            warning_kind_of: self.warning_kind_of,
        }
    }
}
