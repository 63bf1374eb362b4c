//! The reader of a public dataset's tables ([`Table`]: tab-separated or CSV, columns picked
//! by header name, rows with their line), the progress over all of an import's files
//! ([`Progress`]), and the cleaning of aliases. Shared by the O*NET and ESCO importers.

use std::collections::HashSet;
use std::io::Cursor;
use std::path::Path;

use crate::error::DataError;
use crate::report::Log;

/// Rows read between two progress calls.
const PROGRESS_EVERY: u64 = 4096;

/// Aliases worth keeping: trimmed, non-empty, not the name, each once (all ignoring case).
pub(crate) fn clean_aliases<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let mut seen: HashSet<String> = HashSet::from([name.trim().to_lowercase()]);
    let mut out = Vec::new();
    for alias in candidates {
        let alias = alias.trim();
        if !alias.is_empty() && seen.insert(alias.to_lowercase()) {
            out.push(alias.to_string());
        }
    }
    out
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Format {
    /// O*NET's text files: tab-separated, no quoting (a `"` is just a character).
    Tabs,
    /// RFC 4180 CSV: quoted fields may hold commas and newlines.
    Csv,
    /// CSV whose rows may end early, their missing fields read as empty.
    RaggedCsv,
}

/// One data file, read a row at a time, its fields picked by header name so that a release
/// adding or reordering columns still reads.
pub(crate) struct Table {
    /// The path, as messages show it.
    path: String,
    /// The file name, as progress shows it.
    name: String,
    /// The whole file is read first: the largest is tens of megabytes, and holding the bytes
    /// lets lines be counted exactly (the csv crate's count lags a line behind CRLF line ends).
    reader: csv::Reader<Cursor<Vec<u8>>>,
    /// Position in the record of each wanted column.
    columns: Vec<usize>,
    record: csv::StringRecord,
    /// The line the current row starts on.
    line: usize,
    /// How many `\n` come before the byte `counted_to`, so each byte is counted once.
    newlines: usize,
    counted_to: usize,
    size: u64,
    rows: u64,
    last_error_at: Option<u64>,
    /// Read to the end (and the bytes released).
    done: bool,
}

impl Table {
    pub(crate) fn open(
        dir: &Path,
        name: &str,
        format: Format,
        columns: &[&str],
    ) -> Result<Table, DataError> {
        let path = dir.join(name);
        let shown = path.display().to_string();
        let bytes = std::fs::read(&path)
            .map_err(|e| DataError::whole_file(&shown, format!("cannot read: {e}")))?;
        let size = bytes.len() as u64;
        let mut builder = csv::ReaderBuilder::new();
        builder.has_headers(true);
        match format {
            Format::Tabs => {
                builder.delimiter(b'\t').quoting(false);
            }
            Format::Csv => {}
            Format::RaggedCsv => {
                builder.flexible(true);
            }
        }
        let mut reader = builder.from_reader(Cursor::new(bytes));
        let header = reader.headers().map_err(|e| row_error(&shown, 1, &e))?;
        let names: Vec<&str> = header
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim())
            .collect();
        let mut found = Vec::with_capacity(columns.len());
        let mut missing = Vec::new();
        for &want in columns {
            match names.iter().position(|&n| n == want) {
                Some(i) => found.push(i),
                None => missing.push(format!("`{want}`")),
            }
        }
        if !missing.is_empty() {
            let message = if names.iter().all(|n| n.is_empty()) {
                "the file is empty; expected a header row".to_string()
            } else {
                format!(
                    "the header has no {} column{}",
                    missing.join(", "),
                    if missing.len() == 1 { "" } else { "s" }
                )
            };
            return Err(DataError::at_line(&shown, 1, message));
        }
        Ok(Table {
            path: shown,
            name: name.to_string(),
            reader,
            columns: found,
            record: csv::StringRecord::new(),
            line: 1,
            newlines: 0,
            counted_to: 0,
            size,
            rows: 0,
            last_error_at: None,
            done: false,
        })
    }

    /// Moves to the next row; `false` at the end. A row that cannot be read (wrong number of
    /// fields, bad UTF-8) is logged as an error and passed over.
    pub(crate) fn next_row(&mut self, log: &mut Log, progress: &mut Progress<'_>) -> bool {
        if self.done {
            return false;
        }
        loop {
            match self.reader.read_record(&mut self.record) {
                Ok(true) => {
                    if let Some(start) = self.record.position().map(|p| p.byte()) {
                        self.line = self.line_at(start);
                    }
                    self.rows += 1;
                    if self.rows.is_multiple_of(PROGRESS_EVERY) {
                        progress.within(&self.name, self.reader.position().byte());
                    }
                    return true;
                }
                Ok(false) => {
                    self.finish(progress);
                    return false;
                }
                Err(e) => {
                    let at = e.position().map(|p| p.byte());
                    let line = at.map_or(self.line, |byte| self.line_at(byte));
                    log.error(row_error(&self.path, line, &e));
                    // An I/O error, or one that does not move the reader on, would repeat forever.
                    if e.is_io_error() || at.is_none() || at == self.last_error_at {
                        self.finish(progress);
                        return false;
                    }
                    self.last_error_at = at;
                }
            }
        }
    }

    /// The wanted columns of the current row, trimmed, in the order `open` was given them
    /// (a column the row lacks reads as empty).
    pub(crate) fn fields<const N: usize>(&self) -> [&str; N] {
        std::array::from_fn(|i| {
            self.columns
                .get(i)
                .and_then(|&c| self.record.get(c))
                .unwrap_or("")
                .trim()
        })
    }

    /// Frees the file's bytes once it has been read (the files are read one after another, so
    /// only the one being read needs to stay in memory) and reports it done.
    fn finish(&mut self, progress: &mut Progress<'_>) {
        self.done = true;
        self.reader = csv::Reader::from_reader(Cursor::new(Vec::new()));
        (self.counted_to, self.newlines) = (0, 0);
        progress.finished(&self.name, self.size);
    }

    /// A message about the current row, at the line it starts on.
    pub(crate) fn here(&self, message: impl Into<String>) -> DataError {
        DataError::at_line(&self.path, self.line, message)
    }

    /// The 1-based line of the record starting at `byte`.
    fn line_at(&mut self, byte: u64) -> usize {
        let bytes = self.reader.get_ref().get_ref();
        let mut at = usize::try_from(byte).map_or(bytes.len(), |b| b.min(bytes.len()));
        // After a CRLF the csv crate places the next record on its `\n`; a record itself never
        // starts with a line end (blank lines are skipped).
        while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
            at += 1;
        }
        if at < self.counted_to {
            (self.counted_to, self.newlines) = (0, 0);
        }
        self.newlines += bytes[self.counted_to..at]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.counted_to = at;
        self.newlines + 1
    }
}

fn row_error(file: &str, line: usize, e: &csv::Error) -> DataError {
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("this row has {len} fields; the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "this row is not valid UTF-8".to_string(),
        _ => e.to_string(),
    };
    DataError::at_line(file, line, message)
}

/// Progress over several files, in bytes.
pub(crate) struct Progress<'a> {
    callback: &'a mut dyn FnMut(&str, u64, u64),
    total: u64,
    finished: u64,
}

impl<'a> Progress<'a> {
    pub(crate) fn new(callback: &'a mut dyn FnMut(&str, u64, u64), tables: &[&Table]) -> Self {
        let total = tables.iter().map(|t| t.size).sum();
        callback("start", 0, total);
        Progress {
            callback,
            total,
            finished: 0,
        }
    }

    fn within(&mut self, phase: &str, byte: u64) {
        let done = (self.finished + byte).min(self.total);
        (self.callback)(phase, done, self.total);
    }

    fn finished(&mut self, phase: &str, size: u64) {
        self.finished = (self.finished + size).min(self.total);
        (self.callback)(phase, self.finished, self.total);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_drop_blanks_repeats_and_the_name() {
        let got = clean_aliases(
            "Software Developers",
            [
                "DevOps Engineer",
                "",
                "devops engineer",
                "software developers",
                " Coder ",
            ],
        );
        assert_eq!(got, ["DevOps Engineer", "Coder"]);
    }
}
