//! The interactive shell: rustyline with persistent history, completion that knows the grammar
//! and the live graph, hints, highlighting, multi-line input, and dot commands.
//!
//! What a line holds, its completions and its colours are `skillgraph_shell`'s; this file wires
//! them into rustyline and runs the loop.

use std::borrow::Cow;
use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
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
use skillgraph_query::parser;
use skillgraph_shell::complete::{self, Vocabulary};
use skillgraph_shell::{highlight, syntax};

use crate::dot::{self, DotOutcome};
use crate::engine::{Engine, Outcome};
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
        if let Some(path_start) = read_argument_start(line, pos) {
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
        let end = if read_argument_start(line.as_str(), pos).is_some() {
            pos
        } else {
            complete::replaced_end(line.as_str(), start, pos)
        };
        line.replace(start..end, elected, cl);
    }
}

/// Where the file name of `.read FILE` starts, when the cursor is in it.
fn read_argument_start(line: &str, pos: usize) -> Option<usize> {
    let indent = line.len() - line.trim_start().len();
    let rest = line[indent..].strip_prefix(".read")?;
    let gap = rest.len() - rest.trim_start().len();
    let start = indent + ".read".len() + gap;
    (gap > 0 && pos >= start).then_some(start)
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
        let (start, candidates) = complete::complete(&self.vocabulary.borrow(), line, pos);
        let [only] = candidates.as_slice() else {
            return None;
        };
        let typed = &line[start..pos];
        let rest = only
            .replacement
            .get(..typed.len())
            .filter(|head| head.eq_ignore_ascii_case(typed))
            .map(|_| &only.replacement[typed.len()..])?;
        (!typed.is_empty() && !rest.trim().is_empty()).then(|| ShellHint {
            display: rest.to_string(),
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

pub fn run(engine: &mut Engine, db_label: &str) -> u8 {
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
            eprintln!("error: cannot start the shell: {e}");
            return crate::EXIT_USAGE_OR_IO;
        }
    };
    let mut names = Vocabulary::from_graph(engine.graph());
    names.set_commands(dot::META_COMMANDS);
    names.set_profiles(profile_names(engine));
    let vocabulary = Rc::new(RefCell::new(names));
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

    let graph = engine.graph();
    // The example to try names what this database holds (O*NET alone has no `SRE`).
    let try_this = skillgraph_shell::examples::Examples::of(graph)
        .first()
        .map_or_else(String::new, |e| format!(" Try: {e}"));
    output::write_out(&format!(
        "skillgraph {} — database {db_label} ({} nodes, {} edges)\n\
         Type .help for help, Tab to complete, .quit or Ctrl-D to leave.{try_this}\n",
        env!("CARGO_PKG_VERSION"),
        graph.node_count(),
        graph.edge_count()
    ));
    loop {
        // A Ctrl-C belongs to the statement it stopped; the line read next starts afresh.
        // (While the line is edited, Ctrl-C is a key, not a signal: it cannot set the flag.)
        engine.session.interrupt.store(false, Ordering::Relaxed);
        let line = match editor.readline(PROMPT) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("error: {e}");
                return crate::EXIT_USAGE_OR_IO;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        remember(&mut editor, history.as_deref(), &line);
        let trimmed = as_typed(line.trim());
        let names_may_change = if trimmed.starts_with('.') {
            let ran = panic::catch_unwind(AssertUnwindSafe(|| dot::run(engine, trimmed)));
            match ran {
                Ok(DotOutcome::Quit) => break,
                Ok(DotOutcome::Continue { ran_statements, .. }) => ran_statements,
                Err(_) => {
                    eprintln!(
                        "error: internal error while running this (a bug; the shell goes on)"
                    );
                    true
                }
            }
        } else {
            run_guarded(engine, "<input>", &line);
            syntax::may_rename(&line)
        };
        let mut vocabulary = vocabulary.borrow_mut();
        if names_may_change {
            *vocabulary = Vocabulary::from_graph(engine.graph());
            vocabulary.set_commands(dot::META_COMMANDS);
        }
        vocabulary.set_profiles(profile_names(engine));
    }
    crate::EXIT_OK
}

/// This session's `let` profiles and the profiles saved in the database.
fn profile_names(engine: &Engine) -> Vec<String> {
    let session = engine.session.profile_names().map(String::from);
    session
        .chain(engine.graph().profiles().keys().cloned())
        .collect()
}

/// What people type to get help or leave, as the dot command it means: `help`, `exit`, `quit`
/// (any case, with or without a closing `;`) are not statements, and would otherwise be
/// answered "unknown statement".
fn as_typed(line: &str) -> &str {
    match line
        .trim_end_matches(';')
        .trim()
        .to_ascii_lowercase()
        .as_str()
    {
        "help" | "?" => ".help",
        "exit" | "quit" => ".quit",
        _ => line,
    }
}

/// Runs source typed or read in the shell. A bug that panics in a statement is reported and
/// the shell goes on: the store writes each change atomically, so nothing is half written.
fn run_guarded(engine: &mut Engine, name: &str, source: &str) -> Outcome {
    match panic::catch_unwind(AssertUnwindSafe(|| engine.run_script(name, source))) {
        Ok(outcome) => outcome,
        Err(_) => {
            eprintln!("error: internal error while running this (a bug; the shell goes on)");
            Outcome::Failed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use skillgraph_query::parser::STATEMENT_KEYWORDS;
    use skillgraph_query::reference::forms_of;

    #[test]
    fn read_takes_a_file_name() {
        assert_eq!(read_argument_start(".read ex", 8), Some(6));
        assert_eq!(read_argument_start(" .read  ex", 10), Some(8));
        assert_eq!(read_argument_start(".read", 5), None);
        assert_eq!(read_argument_start(".reader x", 9), None);
        assert_eq!(read_argument_start("show x", 6), None);
    }

    #[test]
    fn help_exit_and_quit_as_typed_are_dot_commands() {
        assert_eq!(as_typed("help"), ".help");
        assert_eq!(as_typed("EXIT;"), ".quit");
        assert_eq!(as_typed("quit"), ".quit");
        assert_eq!(as_typed("help me"), "help me");
        assert_eq!(as_typed("show help"), "show help");
    }

    #[test]
    fn every_dot_command_is_handled_and_documented() {
        let graph = skillgraph_graph::Graph::default();
        let help = skillgraph_shell::help::help(
            "",
            &skillgraph_shell::examples::Examples::of(&graph),
            crate::dot::META_COMMANDS,
        );
        for (command, _) in crate::dot::META_COMMANDS {
            assert!(help.contains(command), "{command} is missing from .help");
        }
        for keyword in STATEMENT_KEYWORDS {
            assert!(!forms_of(keyword).is_empty(), "no form for `{keyword}`");
        }
    }
}
