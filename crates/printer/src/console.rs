//! Answers onto the two streams a caller hands over: which part of an answer goes where
//! (data on the first, reports and notes on the second in the formats programs read), when
//! what is pending is written, and in what order. The caller opens the streams and says what
//! they are (a terminal or not, the width, colour); nothing here asks a terminal anything.

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use skillgraph_query::result::{ResultTable, TableKind};

use crate::{json, Format, TableStyle};

/// Pending output past which it is written even off a terminal.
const WRITE_AT: usize = 64 * 1024;

/// Standard output and standard error for a run of answers. Answers are collected and written
/// in large pieces: a script of many short statements would otherwise pay for a write per
/// statement. On a terminal every answer is written at once, for the person watching, as is
/// every report of a change; and whatever is pending is written before anything goes to the
/// second stream, so that the two keep their order. Write errors (a reader that has gone away:
/// `| head`, a closed socket) end the output quietly, never in a panic.
pub struct Console {
    out: Box<dyn Write>,
    err: Box<dyn Write>,
    pending: Vec<u8>,
    /// Whether `out` is a terminal: each answer is written as soon as it is made.
    terminal: bool,
    style: TableStyle,
    /// Whether diagnostics on `err` may be coloured.
    styled_errors: bool,
    keys: json::Keys,
}

/// What the caller knows of the streams it hands a [`Console`].
#[derive(Debug, Clone, Copy)]
pub struct Streams {
    /// Whether standard output is a terminal.
    pub terminal: bool,
    /// How tables are drawn on standard output.
    pub style: TableStyle,
    /// Whether what goes to standard error may be coloured.
    pub styled_errors: bool,
}

impl Console {
    pub fn new(out: Box<dyn Write>, err: Box<dyn Write>, streams: Streams) -> Console {
        Console {
            out,
            err,
            pending: Vec::new(),
            terminal: streams.terminal,
            style: streams.style,
            styled_errors: streams.styled_errors,
            keys: json::Keys::default(),
        }
    }

    /// Tables from now on are drawn in `style` (the shell measures the terminal before each
    /// line it runs: it may have been resized).
    pub fn set_style(&mut self, style: TableStyle) {
        self.style = style;
    }

    /// Whether diagnostics may be coloured.
    pub fn styled_errors(&self) -> bool {
        self.styled_errors
    }

    /// Writes what is pending.
    pub fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let _ = self.out.write_all(&self.pending);
        let _ = self.out.flush();
        self.pending.clear();
    }

    /// Standard output itself, after what is pending: for output written as it is made (an
    /// export), which the caller buffers and whose write errors it handles.
    pub fn raw_out(&mut self) -> &mut dyn Write {
        self.flush();
        &mut self.out
    }

    /// Writes `text` to standard output at once (help, the schema).
    pub fn text(&mut self, text: &str) {
        self.flush();
        let _ = self.out.write_all(text.as_bytes());
        let _ = self.out.flush();
    }

    /// Writes `text` to standard error as it is, after what is pending on standard output.
    pub fn error_text(&mut self, text: &str) {
        self.flush();
        let _ = self.err.write_all(text.as_bytes());
        let _ = self.err.flush();
    }

    /// Writes `line` and a line break to standard error: a report, a warning, an error.
    pub fn message(&mut self, line: &str) {
        self.flush();
        let mut text = String::with_capacity(line.len() + 1);
        text.push_str(line);
        text.push('\n');
        let _ = self.err.write_all(text.as_bytes());
        let _ = self.err.flush();
    }

    /// Shows an answer: its table on standard output, and in JSON/CSV its notes on standard
    /// error.
    ///
    /// In `dot` and `mermaid` standard output holds only pictures: reports of what a statement
    /// did go to standard error, and an answer without a picture is an error there. Returns
    /// whether the answer could be shown.
    pub fn answer(&mut self, table: &ResultTable, format: Format) -> bool {
        // A report (`let`, a write) is not data: in any format but a table it goes to standard
        // error, so that standard output holds only answers a program can read as one stream.
        if format != Format::Table && table.kind == TableKind::Message {
            let plain = TableStyle {
                styled: false,
                ..self.style
            };
            self.error_text(&crate::table::render(table, plain));
            return true;
        }
        if format.is_picture() && table.picture.is_none() {
            self.message(&format!(
                "error: {} has no picture; `--format {}` draws path, paths, learn, compare, show and neighbourhood (use table, json or csv for the rest)",
                table
                    .title
                    .as_deref()
                    .map_or("this answer".to_string(), |t| format!("`{t}`")),
                format.name()
            ));
            return false;
        }
        crate::render(&mut self.pending, table, format, self.style, &mut self.keys);
        let notes = format != Format::Table && table.kind == TableKind::Rows;
        // A report of a change is written at once, so that it is out once the change is made.
        let report = table.kind == TableKind::Message;
        if self.terminal
            || report
            || self.pending.len() >= WRITE_AT
            || notes && !table.notes.is_empty()
        {
            self.flush();
        }
        if notes {
            for note in &table.notes {
                self.message(note);
            }
        }
        true
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        self.flush();
    }
}

/// What a console made by [`Transcript::console`] wrote, in order, for tests and for callers
/// that show it elsewhere.
#[derive(Clone, Default)]
pub struct Transcript(Rc<RefCell<Writes>>);

/// Each write, with the stream it went to.
type Writes = Vec<(Stream, Vec<u8>)>;

/// One of a console's two streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Out,
    Err,
}

struct Recorder(Transcript, Stream);

impl Write for Recorder {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 .0.borrow_mut().push((self.1, bytes.to_vec()));
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Transcript {
    /// A console that writes into this transcript, as to streams `streams` describes.
    pub fn console(&self, streams: Streams) -> Console {
        let out = Box::new(Recorder(self.clone(), Stream::Out));
        let err = Box::new(Recorder(self.clone(), Stream::Err));
        Console::new(out, err, streams)
    }

    /// What was written to `stream`.
    pub fn text(&self, stream: Stream) -> String {
        let writes = self.0.borrow();
        let bytes: Vec<u8> = writes
            .iter()
            .filter(|(s, _)| *s == stream)
            .flat_map(|(_, bytes)| bytes.iter().copied())
            .collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Both streams in the order they were written, each write after `1>` (standard output)
    /// or `2>` (standard error).
    pub fn interleaved(&self) -> String {
        let writes = self.0.borrow();
        let mut text = String::new();
        for (stream, bytes) in writes.iter() {
            text.push_str(match stream {
                Stream::Out => "1>",
                Stream::Err => "2>",
            });
            text.push_str(&String::from_utf8_lossy(bytes));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use skillgraph_query::result::{Cell, ResultTable};

    use super::*;

    struct Log(Transcript);

    impl Log {
        fn default() -> Log {
            Log(Transcript::default())
        }

        fn console(&self, terminal: bool) -> Console {
            let style = TableStyle {
                styled: false,
                width: 80,
            };
            let streams = Streams {
                terminal,
                style,
                styled_errors: false,
            };
            self.0.console(streams)
        }

        fn text(&self) -> String {
            self.0.interleaved()
        }
    }

    fn rows() -> ResultTable {
        let mut table = ResultTable::new(["name"]);
        table.push(vec![Cell::text("SRE")]);
        table.note("1 row");
        table
    }

    #[test]
    fn answers_wait_off_a_terminal_and_go_out_before_a_message() {
        let log = Log::default();
        let mut console = log.console(false);
        assert!(console.answer(&rows(), Format::Csv));
        // The note of a CSV answer goes to standard error, after the rows.
        assert_eq!(log.text(), "1>name\nSRE\n2>1 row\n");
        let mut table = ResultTable::new(["name"]);
        table.push(vec![Cell::text("SRE")]);
        console.answer(&table, Format::Csv);
        assert_eq!(log.text(), "1>name\nSRE\n2>1 row\n", "pending, not written");
        console.message("error: x");
        assert!(log.text().ends_with("1>name\nSRE\n2>error: x\n"));
    }

    #[test]
    fn a_report_goes_to_standard_error_outside_tables() {
        let log = Log::default();
        let mut console = log.console(false);
        let report = ResultTable::message(["added skill Go"]);
        assert!(console.answer(&report, Format::Json));
        assert_eq!(log.text(), "2>added skill Go\n");
        assert!(console.answer(&report, Format::Table));
        assert_eq!(log.text(), "2>added skill Go\n1>added skill Go\n");
    }

    #[test]
    fn a_picture_format_refuses_an_answer_without_a_picture() {
        let log = Log::default();
        let mut console = log.console(true);
        let table = rows().with_title("skills of SRE");
        assert!(!console.answer(&table, Format::Dot));
        assert_eq!(
            log.text(),
            "2>error: `skills of SRE` has no picture; `--format dot` draws path, paths, learn, \
             compare, show and neighbourhood (use table, json or csv for the rest)\n"
        );
    }

    #[test]
    fn a_console_writes_what_is_pending_when_dropped() {
        let log = Log::default();
        let mut console = log.console(false);
        console.answer(&rows(), Format::Table);
        assert_eq!(log.text(), "");
        drop(console);
        assert!(log.text().starts_with("1>"));
    }
}
