//! The interactive shell: rustyline with history, completion of keywords and node names,
//! hints, highlighting, multi-line input, and dot commands.

use std::borrow::Cow;
use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::atomic::Ordering;

use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::history::DefaultHistory;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Config, Context, Editor, Helper};
use skillgraph_graph::schema::{field_names, FIELDS};
use skillgraph_graph::{EdgeKind, Graph, NodeKind};
use skillgraph_query::parser;

use crate::engine::Engine;
use crate::output::{self, Format};

/// The dot commands, with what each does (for `.help` and completion).
pub const META_COMMANDS: &[(&str, &str)] = &[
    (
        ".help",
        "show help, or `.help STATEMENT` for one statement with examples",
    ),
    (".format", "set the output format: `.format table|json|csv`"),
    (
        ".timing",
        "print parse and run time after each statement: `.timing on|off`",
    ),
    (".read", "run the statements in a file: `.read FILE`"),
    (".schema", "node kinds, their fields, and edge kinds"),
    (".sources", "where the facts come from, with licences"),
    (".stats", "counts of nodes and edges"),
    (".quit", "leave the shell (Ctrl-D does too)"),
];

/// What completion and highlighting know of the live graph, refreshed after each statement.
#[derive(Default)]
struct Vocabulary {
    /// Every name and alias, quoted if needed, with its kind.
    names: Vec<(String, NodeKind)>,
    labels_lower: std::collections::HashSet<String>,
    profiles: Vec<String>,
}

impl Vocabulary {
    fn from_graph(graph: &Graph, profiles: Vec<String>) -> Vocabulary {
        let mut names = Vec::new();
        let mut counts: std::collections::HashMap<String, usize> = Default::default();
        for ix in graph.node_indices() {
            let node = graph.node(ix);
            for label in std::iter::once(&node.name).chain(&node.aliases) {
                *counts.entry(label.to_lowercase()).or_default() += 1;
            }
        }
        for ix in graph.node_indices() {
            let node = graph.node(ix);
            for label in std::iter::once(&node.name).chain(&node.aliases) {
                let text = parser::quote_name(label);
                // A label two nodes share completes kind-qualified, so it resolves.
                let text = if counts[&label.to_lowercase()] > 1 {
                    format!("{}:{text}", node.kind)
                } else {
                    text
                };
                names.push((text, node.kind));
            }
        }
        names.sort();
        names.dedup();
        let labels_lower = counts.into_keys().collect();
        Vocabulary {
            names,
            labels_lower,
            profiles,
        }
    }
}

struct ShellHelper {
    vocabulary: Rc<RefCell<Vocabulary>>,
    hinter: HistoryHinter,
    color: bool,
}

impl Helper for ShellHelper {}

fn word_start(line: &str, pos: usize) -> usize {
    let before = &line[..pos];
    // Inside an open quote, the word starts at the quote.
    if before.matches('"').count() % 2 == 1 {
        return before.rfind('"').unwrap_or(0);
    }
    before
        .rfind(|c: char| c.is_whitespace() || matches!(c, '(' | '[' | ',' | '{'))
        .map_or(0, |i| i + 1)
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let start = word_start(line, pos);
        let word = &line[start..pos];
        let lower = word.to_lowercase();
        let mut out: Vec<Pair> = Vec::new();
        let mut add = |display: String, replacement: String| {
            if !out.iter().any(|p: &Pair| p.replacement == replacement) {
                out.push(Pair {
                    display,
                    replacement,
                });
            }
        };
        let first_word = line[..start].trim().is_empty();
        if first_word && word.starts_with('.') {
            for (cmd, _) in META_COMMANDS {
                if cmd.starts_with(&lower) {
                    add(cmd.to_string(), format!("{cmd} "));
                }
            }
            return Ok((start, out));
        }
        if let Some(prefix) = word.strip_prefix('$') {
            for p in &self.vocabulary.borrow().profiles {
                if p.starts_with(prefix) {
                    add(format!("${p}"), format!("${p}"));
                }
            }
            return Ok((start, out));
        }
        if word.is_empty() {
            return Ok((start, out));
        }
        let keywords: &[&str] = if first_word {
            parser::STATEMENT_KEYWORDS
        } else {
            parser::KEYWORDS
        };
        for kw in keywords {
            if kw.starts_with(&lower) {
                add(kw.to_string(), format!("{kw} "));
            }
        }
        if !first_word {
            for kind in EdgeKind::ALL {
                if kind.as_str().starts_with(&lower) {
                    add(kind.as_str().into(), format!("{} ", kind.as_str()));
                }
            }
            for field in field_names() {
                if field.starts_with(&lower) {
                    add(field.into(), field.into());
                }
            }
            let unquoted = lower.trim_start_matches('"');
            for (name, _) in &self.vocabulary.borrow().names {
                let candidate = name.to_lowercase();
                let plain = candidate.trim_start_matches('"');
                let hit = plain.starts_with(unquoted)
                    || candidate.split_once(':').is_some_and(|(_, rest)| {
                        rest.trim_start_matches('"').starts_with(unquoted)
                    });
                if hit {
                    add(name.clone(), name.clone());
                }
            }
        }
        Ok((start, out))
    }
}

impl Hinter for ShellHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        if line.is_empty() {
            return None;
        }
        // A statement keyword alone: show the shape of the statement.
        let trimmed = line.trim_end();
        if pos == line.len() && !trimmed.contains(' ') && line.ends_with(' ') {
            if let Some(form) = statement_form(trimmed) {
                return Some(form.to_string());
            }
        }
        self.hinter.hint(line, pos, ctx)
    }
}

/// A one-line shape of each statement, shown as a hint after its keyword.
fn statement_form(keyword: &str) -> Option<&'static str> {
    Some(match keyword.to_lowercase().as_str() {
        "show" => "NODE",
        "path" => "FROM -> TO [via ROLE] [avoid ROLE] [max N] [by effort]",
        "paths" => "FROM -> TO [max N] [limit N]",
        "learn" => "FROM|[skills]|$profile -> ROLE [min importance N]",
        "gap" => "FROM -> ROLE [min importance N]",
        "compare" => "ROLE, ROLE",
        "closest" => "[skills]|$profile [limit N]",
        "let" => "NAME = [skill, tool, …]",
        "add" => "role|skill|tool NAME { field: value }",
        "link" => "FROM requires|uses|covers|prerequisite|transition TO { … }",
        "unlink" => "FROM EDGE TO",
        "set" => "NODE FIELD = VALUE",
        "remove" => "NODE",
        _ => return None,
    })
}

impl Highlighter for ShellHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if !self.color || line.starts_with('.') {
            return Cow::Borrowed(line);
        }
        let vocabulary = self.vocabulary.borrow();
        let mut out = String::with_capacity(line.len() + 16);
        let mut chars = line.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '"' {
                let mut end = line.len();
                let mut escaped = false;
                for (j, d) in line[i + 1..].char_indices() {
                    if escaped {
                        escaped = false;
                    } else if d == '\\' {
                        escaped = true;
                    } else if d == '"' {
                        end = i + 1 + j + 1;
                        break;
                    }
                }
                out.push_str("\x1b[32m");
                out.push_str(&line[i..end]);
                out.push_str("\x1b[0m");
                while chars.peek().is_some_and(|(k, _)| *k < end) {
                    chars.next();
                }
            } else if c == '#' {
                out.push_str("\x1b[2m");
                out.push_str(&line[i..]);
                out.push_str("\x1b[0m");
                break;
            } else if c.is_alphanumeric() || c == '_' {
                let mut end = line.len();
                for (j, d) in line[i..].char_indices() {
                    if !(d.is_alphanumeric()
                        || matches!(d, '_' | '-' | '/' | '.' | '+' | '#' | ':'))
                    {
                        end = i + j;
                        break;
                    }
                }
                let word = &line[i..end];
                let lower = word.to_lowercase();
                if parser::KEYWORDS.contains(&lower.as_str()) {
                    out.push_str("\x1b[1;34m");
                    out.push_str(word);
                    out.push_str("\x1b[0m");
                } else if word.chars().next().is_some_and(|c| c.is_alphabetic())
                    && !vocabulary.labels_lower.contains(&lower)
                    && !field_names().any(|f| f == lower)
                    && !EdgeKind::ALL.iter().any(|k| k.as_str() == lower)
                    && !vocabulary
                        .names
                        .iter()
                        .any(|(n, _)| n.to_lowercase() == lower)
                {
                    // A name that resolves to nothing: underline it in red.
                    out.push_str("\x1b[4;31m");
                    out.push_str(word);
                    out.push_str("\x1b[0m");
                } else {
                    out.push_str(word);
                }
                while chars.peek().is_some_and(|(k, _)| *k < end) {
                    chars.next();
                }
            } else {
                out.push(c);
            }
        }
        Cow::Owned(out)
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.color
    }
}

impl Validator for ShellHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        let input = ctx.input();
        if input.starts_with('.') {
            return Ok(ValidationResult::Valid(None));
        }
        Ok(if parser::needs_more_input(input) {
            ValidationResult::Incomplete
        } else {
            ValidationResult::Valid(None)
        })
    }
}

/// `$XDG_STATE_HOME/skillgraph/history` (falling back to the data directory).
fn history_path() -> Option<PathBuf> {
    let base = dirs::state_dir().or_else(dirs::data_dir)?;
    Some(base.join("skillgraph").join("history"))
}

pub fn run(engine: &mut Engine, db_label: &str) -> u8 {
    let color = output::use_color(true);
    let config = Config::builder()
        .auto_add_history(false)
        .history_ignore_dups(true)
        .unwrap_or_else(|_| Config::builder())
        .max_history_size(5000)
        .unwrap_or_else(|_| Config::builder())
        .build();
    let mut editor: Editor<ShellHelper, DefaultHistory> = match Editor::with_config(config) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot start the shell: {e}");
            return crate::EXIT_USAGE_OR_IO;
        }
    };
    let vocabulary = Rc::new(RefCell::new(Vocabulary::from_graph(
        engine.graph(),
        Vec::new(),
    )));
    editor.set_helper(Some(ShellHelper {
        vocabulary: vocabulary.clone(),
        hinter: HistoryHinter::new(),
        color,
    }));
    let history = history_path();
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    // Ctrl-C while a statement runs sets the session's interrupt flag instead of killing us;
    // while reading a line, rustyline sees Ctrl-C as a key and clears the input.
    let interrupt = engine.session.interrupt.clone();
    let _ = ctrlc::set_handler(move || interrupt.store(true, Ordering::Relaxed));

    let graph = engine.graph();
    println!(
        "skillgraph {} — database {} ({} nodes, {} edges)",
        env!("CARGO_PKG_VERSION"),
        db_label,
        graph.node_count(),
        graph.edge_count()
    );
    println!("Type `.help` for help, `.quit` or Ctrl-D to leave. Try: path DevOps -> SRE");
    loop {
        match editor.readline("skillgraph> ") {
            Ok(line) => {
                if line.trim().is_empty() {
                    continue;
                }
                let _ = editor.add_history_entry(line.as_str());
                if let Some(path) = &history {
                    if let Some(dir) = path.parent() {
                        let _ = std::fs::create_dir_all(dir);
                    }
                    let _ = editor.save_history(path);
                }
                let trimmed = line.trim();
                if trimmed.starts_with('.') {
                    if meta_command(engine, trimmed) == MetaOutcome::Quit {
                        break;
                    }
                } else {
                    engine.run_script("<input>", &line);
                }
                let profiles = engine.session.profile_names().map(String::from).collect();
                *vocabulary.borrow_mut() = Vocabulary::from_graph(engine.graph(), profiles);
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("error: {e}");
                return crate::EXIT_USAGE_OR_IO;
            }
        }
    }
    crate::EXIT_OK
}

#[derive(PartialEq)]
enum MetaOutcome {
    Continue,
    Quit,
}

/// Runs a dot command. Shared by the shell and by scripts that contain them.
fn meta_command(engine: &mut Engine, line: &str) -> MetaOutcome {
    let mut parts = line.splitn(2, char::is_whitespace);
    let command = parts.next().unwrap_or_default();
    let arg = parts.next().unwrap_or_default().trim();
    match command {
        ".quit" | ".exit" => return MetaOutcome::Quit,
        ".help" => print!("{}", crate::help::help(arg)),
        ".format" => match Format::parse(arg) {
            Some(f) => {
                engine.format = f;
                println!("output format: {}", f.name());
            }
            None => eprintln!("error: `.format` takes table, json or csv"),
        },
        ".timing" => match arg {
            "on" => engine.timing = true,
            "off" => engine.timing = false,
            _ => eprintln!("error: `.timing` takes on or off"),
        },
        ".read" => {
            if arg.is_empty() {
                eprintln!("error: `.read` takes a file name");
            } else {
                match std::fs::read_to_string(arg) {
                    Ok(text) => {
                        engine.run_script(arg, &text);
                    }
                    Err(e) => eprintln!("error: cannot read {arg}: {e}"),
                }
            }
        }
        ".schema" => print!("{}", schema_text()),
        ".sources" => {
            let table = crate::commands::sources_table(engine.graph());
            output::print(&table, engine.format);
        }
        ".stats" => {
            let table = crate::commands::stats_table(engine.graph());
            output::print(&table, engine.format);
        }
        other => {
            let names: Vec<&str> = META_COMMANDS.iter().map(|(c, _)| *c).collect();
            let near = names
                .iter()
                .map(|c| (strsim::normalized_damerau_levenshtein(other, c), *c))
                .filter(|(s, _)| *s >= 0.5)
                .max_by(|a, b| a.0.total_cmp(&b.0));
            match near {
                Some((_, c)) => eprintln!("error: unknown command `{other}`; did you mean `{c}`?"),
                None => eprintln!("error: unknown command `{other}`; `.help` lists the commands"),
            }
        }
    }
    MetaOutcome::Continue
}

fn schema_text() -> String {
    let mut out = String::from("node kinds and their fields:\n");
    for kind in NodeKind::ALL {
        out.push_str(&format!("  {kind}\n"));
        for f in FIELDS
            .iter()
            .filter(|f| f.kinds.is_empty() || f.kinds.contains(&kind))
        {
            out.push_str(&format!(
                "    {:<15} {:<16} {}\n",
                f.name,
                f.ty.as_str(),
                f.doc
            ));
        }
    }
    out.push_str("edge kinds:\n");
    for kind in EdgeKind::ALL {
        let (a, b) = kind.endpoints();
        let props = match kind {
            EdgeKind::Requires => "importance 1–5, note",
            EdgeKind::Transition => "effort_hours, skills, note",
            _ => "note",
        };
        out.push_str(&format!("  {:<13} {a} → {b}   ({props})\n", kind.as_str()));
    }
    out.push_str("  prerequisite A → B means A must be learnt before B\n");
    out
}
