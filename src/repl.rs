//! The interactive shell: rustyline with persistent history, completion that knows the grammar
//! and the live graph, hints, highlighting, multi-line input, and dot commands.
//!
//! What a line holds, its completions and its colours are `skillgraph_shell`'s; this file wires
//! them into rustyline and runs the loop.

use std::borrow::Cow;
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::Ordering;

use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hint, Hinter, HistoryHinter};
use rustyline::history::{DefaultHistory, History};
use rustyline::line_buffer::LineBuffer;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Changeset, ColorMode, CompletionType, Config, Context, Editor, Helper};
use skillgraph_engine::{Engine, Line, Status};
use skillgraph_query::parser;
use skillgraph_shell::complete::{self, Vocabulary};
use skillgraph_shell::{help, highlight, syntax};

use crate::output;

const PROMPT: &str = "skillgraph> ";

struct ShellHelper {
    /// Refreshed after every statement that may have changed the graph or the profiles.
    vocabulary: Rc<RefCell<Vocabulary>>,
    history: HistoryHinter,
    files: FilenameCompleter,
    color: bool,
}

impl Helper for ShellHelper {}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        if let Some(path_start) = complete::read_argument_start(line, pos) {
            let (start, files) = self
                .files
                .complete_path(&line[path_start..], pos - path_start)?;
            return Ok((path_start + start, files));
        }
        let (start, candidates) = complete::complete(&self.vocabulary.borrow(), line, pos);
        let pairs = candidates
            .into_iter()
            .map(|c| Pair {
                display: c.display,
                replacement: c.replacement,
            })
            .collect();
        Ok((start, pairs))
    }

    fn update(&self, line: &mut LineBuffer, start: usize, elected: &str, cl: &mut Changeset) {
        let pos = line.pos();
        let end = if complete::read_argument_start(line.as_str(), pos).is_some() {
            pos
        } else {
            complete::replaced_end(line.as_str(), start, pos)
        };
        line.replace(start..end, elected, cl);
    }
}

/// A hint: the shape of a statement after its keyword (shown, never inserted), or the rest of
/// a history entry or of the only completion (inserted with → at the end of the line).
struct ShellHint {
    display: String,
    insert: bool,
}

impl Hint for ShellHint {
    fn display(&self) -> &str {
        &self.display
    }

    fn completion(&self) -> Option<&str> {
        self.insert.then_some(self.display.as_str())
    }
}

impl Hinter for ShellHelper {
    type Hint = ShellHint;

    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<ShellHint> {
        if line.trim().is_empty() || pos < line.len() {
            return None;
        }
        if let Some(form) = syntax::form_hint(line) {
            return Some(ShellHint {
                display: form,
                insert: false,
            });
        }
        if let Some(rest) = self.history.hint(line, pos, ctx) {
            return Some(ShellHint {
                display: rest,
                insert: true,
            });
        }
        let rest = complete::only_candidate_rest(&self.vocabulary.borrow(), line, pos)?;
        Some(ShellHint {
            display: rest,
            insert: true,
        })
    }
}

impl Highlighter for ShellHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if !self.color {
            return Cow::Borrowed(line);
        }
        Cow::Owned(highlight::highlight(line, &self.vocabulary.borrow()))
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(highlight::dim(hint))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        // Any keystroke can change whether a name resolves, so always repaint.
        self.color
    }
}

impl Validator for ShellHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        let input = ctx.input();
        Ok(
            if !input.trim_start().starts_with('.') && parser::needs_more_input(input) {
                ValidationResult::Incomplete
            } else {
                ValidationResult::Valid(None)
            },
        )
    }
}

/// `$XDG_STATE_HOME/skillgraph/history` (on systems without a state directory, the data
/// directory). Entries that span lines are stored as one entry with `\n` escaped (rustyline's
/// `#V2` history format), so ↑ brings back a whole multi-line statement.
fn history_path() -> Option<PathBuf> {
    let base = dirs::state_dir().or_else(dirs::data_dir)?;
    Some(base.join("skillgraph").join("history"))
}

fn open_history(editor: &mut Editor<ShellHelper, DefaultHistory>) -> Option<PathBuf> {
    let path = history_path()?;
    if let Some(dir) = path.parent() {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!(
                "warning: history is not kept: cannot create {}: {e}",
                dir.display()
            );
            return None;
        }
    }
    if path.exists() {
        if let Err(e) = editor.load_history(&path) {
            eprintln!("warning: cannot read the history {}: {e}", path.display());
        }
    }
    Some(path)
}

/// Adds an entry and appends it to the file at once, so a crash loses nothing and two shells
/// open at the same time both keep their entries.
fn remember(editor: &mut Editor<ShellHelper, DefaultHistory>, path: Option<&Path>, entry: &str) {
    if let Ok(true) = editor.add_history_entry(entry) {
        if let Some(path) = path {
            if let Err(e) = editor.history_mut().append(path) {
                eprintln!("warning: cannot write the history {}: {e}", path.display());
            }
        }
    }
}

/// The most rows a table answer shows in the shell, about two screens; `.rows all` lifts it.
const SHELL_ROWS: usize = 100;

pub fn run(engine: &mut Engine, db_label: &str) -> Status {
    engine.row_cap = Some(SHELL_ROWS);
    let color = output::use_color(std::io::IsTerminal::is_terminal(&std::io::stdout()));
    let config = Config::builder()
        .auto_add_history(false)
        .history_ignore_dups(true)
        .unwrap_or_else(|_| Config::builder())
        .max_history_size(5000)
        .unwrap_or_else(|_| Config::builder())
        .completion_type(CompletionType::List)
        .color_mode(if color {
            ColorMode::Enabled
        } else {
            ColorMode::Disabled
        })
        .build();
    let mut editor: Editor<ShellHelper, DefaultHistory> = match Editor::with_config(config) {
        Ok(e) => e,
        Err(e) => {
            engine
                .out
                .message(&format!("error: cannot start the shell: {e}"));
            return Status::Unusable;
        }
    };
    let vocabulary = Rc::new(RefCell::new(engine.vocabulary()));
    editor.set_helper(Some(ShellHelper {
        vocabulary: vocabulary.clone(),
        history: HistoryHinter::new(),
        files: FilenameCompleter::new(),
        color,
    }));
    let history = open_history(&mut editor);
    // While a line is being edited the terminal is in raw mode and Ctrl-C reaches rustyline as
    // a key (it clears the line). While a statement runs, Ctrl-C is a signal: it sets the
    // session's interrupt flag instead of killing the shell.
    let interrupt = engine.session.interrupt.clone();
    if let Err(e) = ctrlc::set_handler(move || interrupt.store(true, Ordering::Relaxed)) {
        eprintln!("warning: Ctrl-C will end the shell while a statement runs: {e}");
    }
    let banner = help::banner(env!("CARGO_PKG_VERSION"), db_label, engine.graph());
    engine.out.text(&banner);
    loop {
        // A Ctrl-C belongs to the statement it stopped; the line read next starts afresh.
        // (While the line is edited, Ctrl-C is a key, not a signal: it cannot set the flag.)
        engine.session.interrupt.store(false, Ordering::Relaxed);
        let line = match editor.readline(PROMPT) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                engine.out.message(&format!("error: {e}"));
                return Status::Unusable;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        remember(&mut editor, history.as_deref(), &line);
        // The terminal may have been resized since the last line.
        engine.out.set_style(output::table_style());
        match engine.run_line(&line) {
            Line::Quit => break,
            Line::Ran {
                names_may_change: true,
            } => *vocabulary.borrow_mut() = engine.vocabulary(),
            Line::Ran { .. } => vocabulary.borrow_mut().set_profiles(engine.profile_names()),
        }
    }
    Status::Ok
}
