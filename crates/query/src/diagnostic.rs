//! Errors as data, and the one place that renders them.
//!
//! A [`QueryError`] says what went wrong and where (a byte [`Span`] into the source). The parser
//! makes them for syntax; the evaluator makes them for names it cannot resolve and values of the
//! wrong type. [`render`] turns one into rustc-style text with the source line and a caret.

use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use crate::ast::Span;

/// What kind of mistake a [`QueryError`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Something other than what the grammar allows here ("expected `->` after `DevOps`").
    Syntax,
    /// The first word of a statement is not a statement keyword.
    UnknownStatement,
    /// A word where a clause (`via`, `limit`, `where`, …) should be.
    UnknownClause,
    /// A word where an edge kind (`requires`, `uses`, …) should be.
    UnknownEdgeKind,
    /// A clause given twice in one statement.
    RepeatedClause,
    /// A clause the statement does not take (`limit` on `path`).
    MisplacedClause,
    /// A string with no closing quote.
    UnclosedString,
    /// A `(`, `[` or `{` with no closing partner, or a closing one with no opening partner.
    UnbalancedBracket,
    /// An unknown `\x` escape in a string.
    InvalidEscape,
    /// A number out of range or not whole where a count is needed.
    InvalidNumber,
    /// A field named twice in one `{ … }`.
    RepeatedField,
    /// A quoted name with nothing in it.
    EmptyName,
    /// More nested brackets than the parser accepts.
    TooDeeplyNested,
    /// A NUL or other control character outside a string.
    ControlCharacter,
    /// A name that matches no node (made by the evaluator).
    UnknownName,
    /// Any other failure found while running a statement (made by the evaluator).
    Evaluation,
    /// The statement was stopped (Ctrl-C) before it finished; it has no answer.
    Interrupted,
}

/// A secondary place an error refers to, such as where a repeated clause was first given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub span: Span,
    pub label: String,
}

/// One mistake in a script: its kind, where it is, and what would help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub kind: ErrorKind,
    /// Where the mistake is; may be empty (a point) when something is missing.
    pub span: Span,
    /// One line, lower case, no full stop: "unknown statement `pth`".
    pub message: String,
    /// Text under the caret: "expected a number here".
    pub label: Option<String>,
    /// A suggestion: "did you mean `path`?".
    pub help: Option<String>,
    /// Other places worth pointing at.
    pub notes: Vec<Note>,
}

impl QueryError {
    /// An error of kind [`ErrorKind::Evaluation`]; use [`QueryError::with_kind`] to say more.
    pub fn new(span: impl Into<Span>, message: impl Into<String>) -> QueryError {
        QueryError {
            kind: ErrorKind::Evaluation,
            span: span.into(),
            message: message.into(),
            label: None,
            help: None,
            notes: Vec::new(),
        }
    }

    /// The statement at `span` was stopped before it finished (the session's interrupt flag).
    pub fn interrupted(span: impl Into<Span>) -> QueryError {
        QueryError::new(span, "interrupted").with_kind(ErrorKind::Interrupted)
    }

    pub fn with_kind(mut self, kind: ErrorKind) -> QueryError {
        self.kind = kind;
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> QueryError {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> QueryError {
        self.help = Some(help.into());
        self
    }

    /// Points at a second place, e.g. "first given here".
    pub fn with_note(mut self, span: impl Into<Span>, label: impl Into<String>) -> QueryError {
        self.notes.push(Note {
            span: span.into(),
            label: label.into(),
        });
        self
    }

    /// 1-based line and character column of the error's start in `source`.
    pub fn line_col(&self, source: &str) -> (usize, usize) {
        line_col(source, self.span.start)
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for QueryError {}

/// The 1-based line and column of byte `offset` in `source`; the column counts characters,
/// not bytes. An offset past the end or inside a character is moved back to a boundary.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = floor_boundary(source, offset);
    let before = &source[..offset];
    let mut line = 1;
    let mut after_cr = false;
    for c in before.chars() {
        match c {
            '\n' if after_cr => after_cr = false,
            '\n' => line += 1,
            '\r' => {
                line += 1;
                after_cr = true;
            }
            _ => after_cr = false,
        }
    }
    let line_start = line_start(before);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Byte offset where the line holding the end of `before` starts (after `\n`, `\r\n` or `\r`).
fn line_start(before: &str) -> usize {
    before.rfind(['\n', '\r']).map_or(0, |i| i + 1)
}

fn floor_boundary(source: &str, offset: usize) -> usize {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Longest source line shown whole; longer lines are cut to a window around the error.
const MAX_SHOWN_LINE: usize = 120;

/// Renders `error` against the `source` it was found in, rustc/miette style:
///
/// ```text
///   × unknown statement `pth`
///    ╭─[query:1:1]
///  1 │ pth DevOps -> SRE
///    · ─┬─
///    ·  ╰── not a statement
///    ╰────
///   help: did you mean `path`?
/// ```
///
/// `source_name` names the source in the location line (a file name, or e.g. `query`). With
/// `color` false the output has no escape codes. Never panics, whatever the span.
pub fn render(error: &QueryError, source_name: &str, source: &str, color: bool) -> String {
    let excerpt = Excerpt::new(source_name, source, error);
    let report = Report {
        error,
        excerpt: &excerpt,
    };
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(usize::MAX / 4)
        .with_wrap_lines(false)
        .with_context_lines(1);
    let mut out = String::new();
    if handler.render_report(&mut out, &report).is_err() {
        // miette refuses spans it cannot place; fall back to the plain facts.
        let (line, column) = line_col(source, error.span.start);
        out = format!(
            "error: {}\n  at {source_name}:{line}:{column}\n",
            error.message
        );
        if let Some(help) = &error.help {
            out.push_str(&format!("  help: {help}\n"));
        }
    }
    out
}

/// What miette is shown: the lines around the error, each cut to a window of at most
/// [`MAX_SHOWN_LINE`] characters so that a megabyte-long line renders as a short one. Line and
/// column numbers still refer to the whole source.
struct Excerpt {
    name: String,
    text: String,
    /// 0-based line number of the excerpt's first line in the source.
    first_line: usize,
    /// Per excerpt line: (offset in `text`, offset in the source, characters cut before).
    lines: Vec<(usize, usize, usize)>,
    /// The error's spans, moved into `text`.
    primary: SourceSpan,
    notes: Vec<(SourceSpan, String)>,
}

impl Excerpt {
    fn new(name: &str, source: &str, error: &QueryError) -> Excerpt {
        let start = floor_boundary(source, error.span.start);
        let end = floor_boundary(source, error.span.end.max(start));
        // The error's own line, one line of context either side.
        let error_line_start = line_start(&source[..start]);
        let context_start = if error_line_start == 0 {
            0
        } else {
            line_start(&source[..error_line_start - 1])
        };
        let mut bounds = Vec::new();
        let mut at = context_start;
        let mut wanted_after = 1usize;
        let mut shown_end;
        loop {
            let rest = &source[at..];
            let line_len = rest.find(['\n', '\r']).unwrap_or(rest.len());
            let line_end = at + line_len;
            bounds.push((at, line_end));
            shown_end = line_end;
            let past_error = line_end >= end;
            let newline_len = if rest[line_len..].starts_with("\r\n") {
                2
            } else if line_len < rest.len() {
                1
            } else {
                0
            };
            if newline_len == 0 {
                break;
            }
            if past_error {
                if wanted_after == 0 {
                    break;
                }
                wanted_after -= 1;
            }
            at = line_end + newline_len;
            // A span over many lines is shown by its first few.
            if bounds.len() > 6 {
                break;
            }
        }
        let first_line = line_col(source, context_start).0 - 1;
        // Every line is cut to the same character window, centred on the error's column.
        let error_column = source[error_line_start..start].chars().count();
        let window_start = error_column.saturating_sub(MAX_SHOWN_LINE / 3);
        let mut text = String::new();
        let mut lines = Vec::new();
        let mut padding = None;
        for (line_start, line_end) in bounds {
            if !text.is_empty() {
                text.push('\n');
            }
            let line = &source[line_start..line_end];
            let total = line.chars().count();
            let (cut_before, shown_start) = if total > MAX_SHOWN_LINE && window_start > 0 {
                let skip = window_start.min(total);
                let byte = line.char_indices().nth(skip).map_or(line.len(), |(i, _)| i);
                (skip, byte)
            } else {
                (0, 0)
            };
            let shown = &line[shown_start..];
            let shown_end = shown
                .char_indices()
                .nth(MAX_SHOWN_LINE)
                .map_or(shown.len(), |(i, _)| i);
            if cut_before > 0 {
                text.push('…');
            }
            let text_start = text.len();
            text.push_str(&shown[..shown_end]);
            if shown_end < shown.len() {
                text.push('…');
            } else if start == end && start == line_end {
                // miette draws nothing for an empty span at the end of a line; give the caret
                // a space to stand on.
                padding = Some(text.len());
                text.push(' ');
            }
            lines.push((text_start, line_start + shown_start, cut_before));
        }
        let mut excerpt = Excerpt {
            name: name.to_string(),
            text,
            first_line,
            lines,
            primary: SourceSpan::from(0..0),
            notes: Vec::new(),
        };
        excerpt.primary = match padding {
            Some(at) => SourceSpan::from(at..at + 1),
            None => excerpt.place(source, Span::new(start, end)),
        };
        for note in &error.notes {
            let note_start = floor_boundary(source, note.span.start);
            let note_end = floor_boundary(source, note.span.end.max(note_start));
            if note_start >= context_start && note_end <= shown_end {
                let span = excerpt.place(source, Span::new(note_start, note_end));
                excerpt.notes.push((span, note.label.clone()));
            }
        }
        excerpt
    }

    /// Moves a source span into the excerpt, clamped to what is shown.
    fn place(&self, source: &str, span: Span) -> SourceSpan {
        let map = |offset: usize| -> usize {
            // The last excerpt line whose source start is at or before `offset`.
            let index = self
                .lines
                .partition_point(|&(_, source_start, _)| source_start <= offset)
                .saturating_sub(1);
            let Some(&(text_start, source_start, _)) = self.lines.get(index) else {
                return 0;
            };
            let line_text_end = self.text[text_start..]
                .find('\n')
                .map_or(self.text.len(), |i| text_start + i);
            let wanted = floor_boundary(source, offset.max(source_start));
            let chars = source[source_start..wanted].chars().count();
            let shown = &self.text[text_start..line_text_end];
            let shown = shown.strip_suffix('…').unwrap_or(shown);
            text_start
                + shown
                    .char_indices()
                    .nth(chars)
                    .map_or(shown.len(), |(i, _)| i)
        };
        let start = map(span.start);
        let end = map(span.end).max(start);
        SourceSpan::from(start..end)
    }

    /// The source line and column of an excerpt offset.
    fn source_position(&self, offset: usize) -> (usize, usize) {
        let index = self
            .lines
            .partition_point(|&(text_start, _, _)| text_start <= offset)
            .saturating_sub(1);
        let (text_start, _, cut_before) = self.lines.get(index).copied().unwrap_or((0, 0, 0));
        let within = self
            .text
            .get(text_start..offset.max(text_start))
            .map_or(0, |s| s.chars().count());
        (self.first_line + index, cut_before + within)
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let contents =
            self.text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        // miette counts lines within the excerpt and columns in bytes; report the source's
        // lines and character columns instead.
        let (line, column) = if context_lines_before == 0 {
            self.source_position(span.offset())
        } else {
            (self.first_line + contents.line(), 0)
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            *contents.span(),
            line,
            column,
            contents.line_count(),
        )))
    }
}

/// The bridge to miette: an error together with the excerpt it points into.
struct Report<'a> {
    error: &'a QueryError,
    excerpt: &'a Excerpt,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.error, f)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.error.message)
    }
}

impl std::error::Error for Report<'_> {}

impl Diagnostic for Report<'_> {
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.error
            .help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.excerpt)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary =
            LabeledSpan::new_primary_with_span(self.error.label.clone(), self.excerpt.primary);
        let notes = self
            .excerpt
            .notes
            .iter()
            .map(|(span, label)| LabeledSpan::new_with_span(Some(label.clone()), *span));
        Some(Box::new(std::iter::once(primary).chain(notes)))
    }
}
