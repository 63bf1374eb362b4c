//! The `skillgraph` command: parses arguments, opens the database, hands work to a front end
//! (REPL, script runner, one-shot query, import/export, `serve`), and maps failures to exit
//! codes. It is the only place that writes to the terminal: the libraries return answers, the
//! printer crate makes them text.

mod cli;
mod commands;
mod db;
mod dot;
mod engine;
mod output;
mod repl;
mod serve;

/// Answering a statement allocates many small strings and vectors; with mimalloc a script of
/// `gap` or `skills of` statements at a million edges runs ~20% faster than with the system
/// allocator. Transparent huge pages are off for it (`no_thp`): with them, its arenas were faulted
/// in 2 MB at a time, ~45 MB more resident for any query and ~5 ms more to start.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

use std::io::{IsTerminal, Read};

use clap::{CommandFactory, Parser};
use cli::{Cli, Command, Settings};
use engine::{Engine, Outcome};
use skillgraph_printer::Format;
use skillgraph_store::Commit;

/// Exit codes, as documented in `--help` and the README.
pub const EXIT_OK: u8 = 0;
pub const EXIT_QUERY_FAILED: u8 = 1;
pub const EXIT_USAGE_OR_IO: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                EXIT_USAGE_OR_IO
            } else {
                EXIT_OK
            });
        }
    };
    let settings = match cli.settings() {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_USAGE_OR_IO);
        }
    };
    settings.color.set();
    ExitCode::from(dispatch(cli.command, &settings))
}

/// Hands the command to its front end; what it returns is the exit code.
fn dispatch(command: Option<Command>, settings: &Settings) -> u8 {
    let db_path = settings.db_path.as_path();
    let access = settings.access;
    let format = settings.format;
    let run_options = RunOptions {
        format,
        continue_on_error: settings.continue_on_error,
        timing: settings.timing,
        commit: Commit::EachWrite,
        access,
    };
    // A script's statements are made durable together when it ends, before skillgraph exits:
    // an fsync per statement would cost more than most statements (BENCHMARKS.md, Durability).
    let script_options = RunOptions {
        commit: Commit::AtSync,
        ..run_options
    };
    match command {
        Some(Command::Import {
            paths,
            onet,
            esco,
            replace,
            merge,
            verbose,
            ..
        }) => {
            let sources = commands::ImportSources {
                paths,
                onet,
                esco,
                verbose,
            };
            let mode = if replace {
                commands::ImportMode::Replace
            } else if merge {
                commands::ImportMode::Merge
            } else {
                commands::ImportMode::Add
            };
            commands::import(db_path, access, &sources, mode)
        }
        Some(Command::Export { out, .. }) => {
            commands::export(db_path, access, settings.export_format, out.as_deref())
        }
        Some(Command::Render {
            statements, out, ..
        }) => commands::render(db_path, run_options, &statements, out.as_deref()),
        Some(Command::Serve {
            addr,
            allow_writes,
            cors,
            budget,
            max_body,
            max_statement,
            ..
        }) => serve::command(
            db_path,
            access,
            allow_writes,
            skillgraph_serve::ServeOptions {
                addr,
                cors,
                limits: skillgraph_serve::Limits {
                    max_body,
                    max_statement,
                    budget,
                    ..skillgraph_serve::Limits::default()
                },
            },
        ),
        Some(Command::Stats { .. }) => commands::stats(db_path, access, format),
        Some(Command::Completions { shell }) => {
            let mut text = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "skillgraph", &mut text);
            output::write_out(&String::from_utf8_lossy(&text));
            EXIT_OK
        }
        Some(Command::Man) => man(),
        Some(Command::Check { .. }) => commands::check(db_path, access, format),
        Some(Command::Validate { paths, .. }) => commands::validate(&paths, format),
        Some(Command::Query { statements, .. }) => {
            with_engine(db_path, run_options, |engine| query(engine, &statements))
        }
        Some(Command::Run { files, .. }) => {
            with_engine(db_path, script_options, |engine| run_files(engine, &files))
        }
        None if std::io::stdin().is_terminal() => {
            let label = db_path.display().to_string();
            with_engine(db_path, run_options, |engine| repl::run(engine, &label))
        }
        None => with_engine(db_path, script_options, |engine| {
            let mut text = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut text) {
                eprintln!("error: cannot read standard input: {e}");
                return EXIT_USAGE_OR_IO;
            }
            run_scripts(engine, &[("<stdin>".to_string(), text)])
        }),
    }
}

/// `skillgraph man`: the manual page, in roff.
fn man() -> u8 {
    let mut text = Vec::new();
    match clap_mangen::Man::new(Cli::command()).render(&mut text) {
        Ok(()) => {
            output::write_out(&String::from_utf8_lossy(&text));
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: cannot write the manual page: {e}");
            EXIT_USAGE_OR_IO
        }
    }
}

/// `skillgraph query STATEMENT…`: each argument a script of its own, named for errors.
fn query(engine: &mut Engine, statements: &[String]) -> u8 {
    let scripts: Vec<(String, String)> = statements
        .iter()
        .enumerate()
        .map(|(i, statement)| {
            let name = if statements.len() == 1 {
                "query".to_string()
            } else {
                format!("query {}", i + 1)
            };
            (name, statement.clone())
        })
        .collect();
    run_scripts(engine, &scripts)
}

/// `skillgraph run FILE…`: every file is read before any runs.
fn run_files(engine: &mut Engine, files: &[std::path::PathBuf]) -> u8 {
    let mut scripts = Vec::new();
    for file in files {
        // `-` is standard input, as for most tools that read files.
        let (label, read) = if file.as_os_str() == "-" {
            let mut text = String::new();
            let read = std::io::stdin().read_to_string(&mut text).map(|_| text);
            ("<stdin>".to_string(), read)
        } else {
            (file.display().to_string(), std::fs::read_to_string(file))
        };
        match read {
            Ok(text) => scripts.push((label, text)),
            Err(e) => {
                eprintln!("error: cannot read {label}: {e}");
                return EXIT_USAGE_OR_IO;
            }
        }
    }
    run_scripts(engine, &scripts)
}

#[derive(Clone, Copy)]
struct RunOptions {
    format: Format,
    continue_on_error: bool,
    timing: bool,
    /// When writes become durable: each before its answer is printed (the shell, `query`,
    /// `render`), or all at the end (`run`, standard input).
    commit: Commit,
    access: db::Access,
}

/// Runs scripts (label, text) in turn in one session; the first that fails stops the rest
/// unless `--continue-on-error`. In CSV, scripts whose statements would write more than one
/// table are refused before any statement runs: tables with different headers, run together,
/// are no CSV a program can read.
fn run_scripts(engine: &mut Engine, scripts: &[(String, String)]) -> u8 {
    let tables = engine::csv_tables(scripts, engine.format);
    if tables.len() > 1 {
        const NAMED: usize = 5;
        let more = match tables.len().saturating_sub(NAMED) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        eprintln!(
            "error: CSV holds one table, and {} statements here answer with one each: {}{more}; \
             run them one at a time, or use `--format json` (one object per statement, a line each)",
            tables.len(),
            tables[..tables.len().min(NAMED)].join(", ")
        );
        return EXIT_USAGE_OR_IO;
    }
    let mut outcome = Outcome::Ok;
    for (label, text) in scripts {
        if engine.run_script(label, text) == Outcome::Failed {
            outcome = Outcome::Failed;
            if !engine.continue_on_error {
                break;
            }
        }
    }
    outcome_code(outcome)
}

fn outcome_code(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::Ok => EXIT_OK,
        Outcome::Failed => EXIT_QUERY_FAILED,
    }
}

/// Opens the database and runs `f` with an engine over it; a database that cannot be opened
/// (locked, damaged, wrong version) is a usage/I-O error, and so are writes that cannot be made
/// durable at the end.
fn with_engine(
    db_path: &std::path::Path,
    options: RunOptions,
    f: impl FnOnce(&mut Engine) -> u8,
) -> u8 {
    match db::open(db_path, options.access) {
        Ok(mut store) => {
            store.set_commit(options.commit);
            let mut engine = Engine::new(store, options.format);
            engine.continue_on_error = options.continue_on_error;
            engine.timing = options.timing;
            let code = f(&mut engine);
            match engine.db.sync() {
                Ok(()) => code,
                Err(e) => {
                    eprintln!("error: the statements' writes may not be durable: {e}");
                    EXIT_USAGE_OR_IO
                }
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_USAGE_OR_IO
        }
    }
}
