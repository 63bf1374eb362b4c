//! The `skillgraph` command: parses arguments, picks a front end (the shell, the script
//! runner, a one-shot query, a command such as import or export, `serve`) and maps how it
//! ended to an exit code. It opens the streams and asks the terminal (`output`); what runs is
//! `skillgraph_engine`'s, which writes through the console handed to it.

mod cli;
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
use skillgraph_engine::{commands, labelled, with_engine, Engine, RunOptions, Status};
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
    ExitCode::from(match dispatch(cli.command, &settings) {
        Status::Ok => EXIT_OK,
        Status::Failed => EXIT_QUERY_FAILED,
        Status::Unusable => EXIT_USAGE_OR_IO,
    })
}

/// Hands the command to its front end.
fn dispatch(command: Option<Command>, settings: &Settings) -> Status {
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
    let mut console = output::console();
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
            let sources = skillgraph_engine::ImportSources {
                paths,
                onet,
                esco,
                verbose,
            };
            let mode = match (replace, merge) {
                (true, _) => skillgraph_engine::ImportMode::Replace,
                (false, true) => skillgraph_engine::ImportMode::Merge,
                (false, false) => skillgraph_engine::ImportMode::Add,
            };
            let mut bar = output::ProgressBar::default();
            skillgraph_engine::import(db_path, access, &sources, mode, &mut console, &mut bar)
        }
        Some(Command::Export { out, .. }) => {
            let format = settings.export_format.into();
            commands::export(db_path, access, format, out.as_deref(), &mut console)
        }
        Some(Command::Render {
            statements, out, ..
        }) => commands::render(db_path, run_options, &statements, out.as_deref(), console),
        Some(Command::Serve {
            addr,
            allow_writes,
            cors,
            budget,
            max_body,
            max_statement,
            ..
        }) => {
            let limits = skillgraph_serve::Limits {
                max_body,
                max_statement,
                budget,
                ..skillgraph_serve::Limits::default()
            };
            let options = skillgraph_serve::ServeOptions { addr, cors, limits };
            serve::command(db_path, access, allow_writes, options, &mut console)
        }
        Some(Command::Stats { .. }) => commands::stats(db_path, access, format, &mut console),
        Some(Command::Completions { shell }) => {
            let mut text = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "skillgraph", &mut text);
            console.text(&String::from_utf8_lossy(&text));
            Status::Ok
        }
        Some(Command::Man) => {
            let mut text = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut text) {
                Ok(()) => console.text(&String::from_utf8_lossy(&text)),
                Err(e) => {
                    console.message(&format!("error: cannot write the manual page: {e}"));
                    return Status::Unusable;
                }
            }
            Status::Ok
        }
        Some(Command::Check { .. }) => commands::check(db_path, access, format, &mut console),
        Some(Command::Validate { paths, .. }) => commands::validate(&paths, format, &mut console),
        Some(Command::Query { statements, .. }) => {
            with_engine(db_path, run_options, console, |engine| {
                engine.run_scripts(&labelled("query", &statements))
            })
        }
        Some(Command::Run { files, .. }) => {
            with_engine(db_path, script_options, console, |engine| {
                run_files(engine, &files)
            })
        }
        None if std::io::stdin().is_terminal() => {
            let label = db_path.display().to_string();
            with_engine(db_path, run_options, console, |engine| {
                repl::run(engine, &label)
            })
        }
        None => with_engine(db_path, script_options, console, |engine| {
            let mut text = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut text) {
                engine
                    .out
                    .message(&format!("error: cannot read standard input: {e}"));
                return Status::Unusable;
            }
            engine.run_scripts(&[("<stdin>".to_string(), text)])
        }),
    }
}

/// `skillgraph run FILE…`: every file is read before any runs.
fn run_files(engine: &mut Engine, files: &[std::path::PathBuf]) -> Status {
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
                engine
                    .out
                    .message(&format!("error: cannot read {label}: {e}"));
                return Status::Unusable;
            }
        }
    }
    engine.run_scripts(&scripts)
}
