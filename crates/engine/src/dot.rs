//! Dot commands (`.format csv`, `.read FILE`, …): settings and helpers of a session, not
//! statements of the language. They work the same in the shell and in scripts (`run`, standard
//! input), where a line that starts with `.` is one.

use skillgraph_graph::schema::FIELDS;
use skillgraph_graph::{EdgeKind, NodeKind};

use skillgraph_printer::Format;

use crate::engine::{Engine, Outcome};

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
    (
        ".rows",
        "the most rows a table shows: `.rows N` or `.rows all` (the shell shows 100)",
    ),
    (".schema", "node kinds, their fields, and edge kinds"),
    (".sources", "where the facts come from, with licences"),
    (".stats", "counts of nodes and edges"),
    (".quit", "leave the shell (Ctrl-D does too)"),
];

/// The file name of `.read`, as typed or as completed: quotes and `\ ` (from completion of a
/// name with spaces) removed.
pub fn file_argument(arg: &str) -> String {
    for quote in ['"', '\''] {
        if let Some(inner) = arg.strip_prefix(quote).and_then(|a| a.strip_suffix(quote)) {
            return inner.to_string();
        }
    }
    arg.replace("\\ ", " ")
}

#[derive(PartialEq)]
pub enum DotOutcome {
    Continue {
        /// Whether statements ran (`.read`), which may have changed the graph.
        ran_statements: bool,
        /// Whether the command did what it was asked (a script stops at one that did not).
        ok: bool,
    },
    Quit,
}

/// Runs a dot command, in the shell or in a script.
pub fn run(engine: &mut Engine, line: &str) -> DotOutcome {
    let mut ok = true;
    let (command, arg) = line
        .split_once(char::is_whitespace)
        .map_or((line, ""), |(c, a)| (c, a.trim()));
    match command {
        ".quit" | ".exit" => return DotOutcome::Quit,
        ".help" => {
            let examples = skillgraph_shell::examples::Examples::of(engine.graph());
            engine
                .out
                .text(&skillgraph_shell::help::help(arg, &examples, META_COMMANDS))
        }
        ".format" if arg.is_empty() => engine
            .out
            .text(&format!("output format: {}\n", engine.format.name())),
        ".format" => match Format::parse(arg) {
            Some(f) => {
                engine.format = f;
                // The acknowledgement is not data: a script's answers stay one stream.
                engine.out.message(&format!("output format: {}", f.name()));
            }
            None => {
                ok = false;
                engine.out.message(&format!(
                    "error: `.format` takes table, json or csv, not `{arg}`"
                ))
            }
        },
        ".timing" => match arg {
            "on" | "off" => {
                engine.timing = arg == "on";
                engine.out.message(&format!("timing {arg}"));
            }
            "" => engine.out.text(&format!(
                "timing {}\n",
                if engine.timing { "on" } else { "off" }
            )),
            _ => {
                ok = false;
                engine
                    .out
                    .message(&format!("error: `.timing` takes on or off, not `{arg}`"))
            }
        },
        ".rows" => match arg {
            "" => engine.out.message(&format!(
                "tables show {}",
                engine
                    .row_cap
                    .map_or("every row".to_string(), |n| format!("at most {n} rows"))
            )),
            "all" => {
                engine.row_cap = None;
                engine.out.message("tables show every row");
            }
            n => match n.parse::<usize>() {
                Ok(n) if n > 0 => {
                    engine.row_cap = Some(n);
                    engine.out.message(&format!("tables show at most {n} rows"));
                }
                _ => {
                    ok = false;
                    engine.out.message(&format!(
                        "error: `.rows` takes a number of rows or `all`, not `{n}`"
                    ))
                }
            },
        },
        ".read" if arg.is_empty() => {
            ok = false;
            engine.out.message("error: `.read` takes a file name")
        }
        ".read" => match std::fs::read_to_string(file_argument(arg)) {
            Ok(text) => {
                let outcome = engine.run_script(arg, &text);
                return DotOutcome::Continue {
                    ran_statements: true,
                    ok: outcome == Outcome::Ok,
                };
            }
            Err(e) => {
                ok = false;
                engine
                    .out
                    .message(&format!("error: cannot read {arg}: {e}"))
            }
        },
        ".schema" => engine.out.text(&schema_text()),
        ".sources" => {
            let table = skillgraph_query::answers::overview::sources(engine.graph());
            engine.out.answer(&table, engine.format);
            engine.out.flush();
        }
        ".stats" => {
            let table = skillgraph_query::answers::overview::stats(engine.graph());
            engine.out.answer(&table, engine.format);
            engine.out.flush();
        }
        other => {
            ok = false;
            let near = META_COMMANDS
                .iter()
                .map(|(c, _)| (strsim::normalized_damerau_levenshtein(other, c), *c))
                .filter(|(s, _)| *s >= 0.5)
                .max_by(|a, b| a.0.total_cmp(&b.0));
            match near {
                Some((_, c)) => engine.out.message(&format!(
                    "error: unknown command `{other}`; did you mean `{c}`?"
                )),
                None => engine.out.message(&format!(
                    "error: unknown command `{other}`; `.help` lists the commands"
                )),
            }
        }
    }
    DotOutcome::Continue {
        ran_statements: false,
        ok,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_as_completed_or_quoted() {
        assert_eq!(file_argument("my\\ plan.sgq"), "my plan.sgq");
        assert_eq!(file_argument("\"my plan.sgq\""), "my plan.sgq");
        assert_eq!(file_argument("plan.sgq"), "plan.sgq");
    }

    #[test]
    fn every_dot_command_is_handled_and_documented() {
        let graph = skillgraph_graph::Graph::default();
        let examples = skillgraph_shell::examples::Examples::of(&graph);
        let help = skillgraph_shell::help::help("", &examples, META_COMMANDS);
        for (command, _) in META_COMMANDS {
            assert!(help.contains(command), "{command} is missing from .help");
        }
        for keyword in skillgraph_query::parser::STATEMENT_KEYWORDS {
            let forms = skillgraph_query::reference::forms_of(keyword);
            assert!(!forms.is_empty(), "no form for `{keyword}`");
        }
    }
}
