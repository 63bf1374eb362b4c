//! The `skillgraph` command: parses arguments, opens the database, hands work to a front end
//! (REPL, script runner, one-shot query, import/export), and maps failures to exit codes.
//! It is the only place that prints.

mod commands;
mod db;
mod dot;
mod engine;
mod examples;
mod help;
mod output;
mod picture;
mod render;
mod repl;
mod serve;

use std::path::PathBuf;

/// Answering a statement allocates many small strings and vectors; with mimalloc a script of
/// `gap` or `skills of` statements at a million edges runs ~20% faster than with the system
/// allocator. Transparent huge pages are off for it (`no_thp`): with them, its arenas were faulted
/// in 2 MB at a time, ~45 MB more resident for any query and ~5 ms more to start.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

use std::io::{IsTerminal, Read};

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use engine::{Engine, Outcome};
use output::Format;
use skillgraph_store::Commit;

/// Exit codes, as documented in `--help` and the README.
pub const EXIT_OK: u8 = 0;
pub const EXIT_QUERY_FAILED: u8 = 1;
pub const EXIT_USAGE_OR_IO: u8 = 2;

#[derive(Parser)]
#[command(
    name = "skillgraph",
    version,
    about = "Answer career questions from a knowledge graph of roles, skills, tools and career moves",
    after_help = "With no command, skillgraph opens an interactive shell.\n\n\
Exit codes: 0 ok, 1 a query or data check failed, 2 usage or I/O error (including a locked or damaged database).\n\
The database defaults to the XDG data directory (…/skillgraph/graph.sgdb); override with --db or SKILLGRAPH_DB.\n\
On first use it is created and seeded with the built-in DevOps/SRE graph."
)]
struct Cli {
    /// The database directory.
    #[arg(long, global = true, env = "SKILLGRAPH_DB", value_name = "PATH")]
    db: Option<PathBuf>,

    /// Output format: table (default), json or csv for results, or dot or mermaid for the
    /// picture of a path, plan or subgraph; toml (default), json, csv, cypher, graphml, kuzu or
    /// neo4j-csv for `export`.
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    format: Option<FormatArg>,

    /// With `run` or standard input: keep going after a failed statement (the exit code is
    /// still 1 if any failed).
    #[arg(long, global = true)]
    continue_on_error: bool,

    /// Print each statement's parse and run time on standard error (as `.timing on` does in
    /// the shell).
    #[arg(long, global = true)]
    timing: bool,

    /// When to colour output and diagnostics: auto (on a terminal, unless NO_COLOR is set),
    /// always, or never.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "auto",
        value_name = "WHEN"
    )]
    color: output::ColorChoice,

    /// Refuse every change to the database (statements that write, imports); reading needs
    /// no lock, so this is for being sure, not for getting in beside a writer.
    #[arg(long, global = true)]
    read_only: bool,

    /// How long a write waits for another process's write to finish before giving up.
    #[arg(
        long,
        global = true,
        default_value = "10",
        value_name = "SECONDS",
        value_parser = parse_seconds
    )]
    lock_timeout: std::time::Duration,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Import graphdata TOML files or directories, a JSON export (`graph.json`), or a CSV
    /// directory (nodes.csv + edges.csv, and the sources.csv and profiles.csv of a CSV export).
    /// All or nothing: any error and nothing is written. By default an id the database already
    /// has is an error; `--merge` updates those nodes and adds the rest.
    ///
    /// `--onet DIR` reads the O*NET text database (e.g. db_29_3_text), `--esco DIR` the ESCO
    /// CSV files; their ids are namespaced (`onet:…`, `esco:…`) so datasets live side by side.
    Import {
        #[arg(required_unless_present_any = ["onet", "esco"])]
        paths: Vec<PathBuf>,
        /// An O*NET database directory (tab-separated text files).
        #[arg(long, value_name = "DIR")]
        onet: Option<PathBuf>,
        /// An ESCO classification directory (CSV files).
        #[arg(long, value_name = "DIR")]
        esco: Option<PathBuf>,
        /// Replace the whole graph instead of adding to it.
        #[arg(long, conflicts_with = "merge")]
        replace: bool,
        /// Update the nodes whose ids the database has (and edges stated by the same source)
        /// to what the files say, and add the rest, in one atomic step; prints what changed.
        #[arg(long)]
        merge: bool,
        /// List every warning of the report (by default one line per kind of warning, with
        /// its count and first locations).
        #[arg(long)]
        verbose: bool,
    },
    /// Write the graph out: `--format toml` (the default), `json` or `csv` (sources.csv,
    /// nodes.csv, edges.csv, profiles.csv; needs `--out`), each of which imports back to the
    /// same graph; `cypher` (Neo4j/Memgraph/FalkorDB statements), `graphml` (Gephi, yEd,
    /// networkx), or for bulk loaders `kuzu` (Kùzu/LadybugDB COPY FROM) and `neo4j-csv`
    /// (neo4j-admin database import), which need `--out` too.
    Export {
        /// Directory to write into; without it, the graph goes to standard output.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Run statements given on the command line, e.g. `skillgraph query 'path DevOps -> SRE'`.
    Query {
        #[arg(required = true, value_name = "STATEMENT")]
        statements: Vec<String>,
    },
    /// Draw the answer of a path, plan or subgraph statement as SVG, e.g.
    /// `skillgraph render 'learn DevOps -> SRE' -o plan.svg`. Several statements run in one
    /// session (`'let me = [Linux, Git]' 'learn $me -> SRE'`); the last one is drawn.
    Render {
        #[arg(required = true, value_name = "STATEMENT")]
        statements: Vec<String>,
        /// The SVG file to write; without it, the SVG goes to standard output.
        #[arg(short, long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Run query files (`.sgq`): statements one per line or separated by `;`. `-` reads
    /// standard input.
    Run {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Serve the graph over HTTP: a JSON API (`POST /query`, `/render`, `/schema`, …) and a
    /// web page at `/` (docs/API.md). Read-only and on loopback unless told otherwise; prints
    /// its URL; Ctrl-C or SIGTERM stops it after the requests under way.
    Serve {
        /// The address to listen on; port 0 picks a free port (the printed URL says which).
        #[arg(long, default_value = "127.0.0.1:7878", value_name = "IP:PORT")]
        addr: std::net::SocketAddr,
        /// Let `POST /query` change the graph (through the one-writer path, waiting up to
        /// `--lock-timeout` for another process's write).
        #[arg(long)]
        allow_writes: bool,
        /// Let pages from this origin call the API (CORS); off by default.
        #[arg(long, value_name = "ORIGIN")]
        cors: Option<String>,
        /// How long one request's statements may run before they are stopped (503).
        #[arg(long, default_value = "10", value_name = "SECONDS", value_parser = parse_seconds)]
        budget: std::time::Duration,
        /// The largest request body, in bytes (413 past it).
        #[arg(long, default_value = "65536", value_name = "BYTES")]
        max_body: usize,
        /// The longest statement, in bytes (413 past it).
        #[arg(long, default_value = "8192", value_name = "BYTES")]
        max_statement: usize,
    },
    /// Counts of nodes and edges per kind.
    Stats,
    /// Print a completion script for a shell, e.g. `skillgraph completions bash >
    /// ~/.local/share/bash-completion/completions/skillgraph`.
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `skillgraph man > skillgraph.1 && man ./skillgraph.1`.
    Man,
    /// Verify the database: it opens (schema version, checksums, change log), and its graph
    /// keeps every rule (edge ends and kinds, importance, efforts, acyclic prerequisites,
    /// sources, profiles). Exit 0 if so, 1 listing each problem, 2 if it cannot be opened.
    Check,
    /// Check data files without writing anything.
    Validate {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

/// Every value `--format` takes; which are valid depends on the command.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    Table,
    Json,
    Csv,
    Toml,
    Dot,
    Mermaid,
    Cypher,
    Graphml,
    Kuzu,
    Neo4jCsv,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Toml,
    Json,
    Csv,
    Cypher,
    Graphml,
    Kuzu,
    Neo4jCsv,
}

fn parse_seconds(text: &str) -> Result<std::time::Duration, String> {
    text.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0 && *s <= 86_400.0)
        .map(std::time::Duration::from_secs_f64)
        .ok_or_else(|| format!("`{text}` is not a number of seconds from 0 to 86400"))
}

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
    cli.color.set();
    let db_path = cli.db.clone().unwrap_or_else(db::default_path);
    let access = db::Access {
        read_only: cli.read_only,
        write_wait: cli.lock_timeout,
    };
    let exporting = matches!(cli.command, Some(Command::Export { .. }));
    let (format, export_format) = match (cli.format, exporting) {
        (Some(FormatArg::Toml), false) => {
            eprintln!("error: `--format toml` is for `export`; results come as table, json or csv");
            return ExitCode::from(EXIT_USAGE_OR_IO);
        }
        (Some(FormatArg::Table | FormatArg::Dot | FormatArg::Mermaid), true) => {
            eprintln!("error: `export` writes toml, json, csv, cypher, graphml, kuzu or neo4j-csv");
            return ExitCode::from(EXIT_USAGE_OR_IO);
        }
        (
            Some(FormatArg::Cypher | FormatArg::Graphml | FormatArg::Kuzu | FormatArg::Neo4jCsv),
            false,
        ) => {
            eprintln!("error: cypher, graphml, kuzu and neo4j-csv are formats of `export`");
            return ExitCode::from(EXIT_USAGE_OR_IO);
        }
        (Some(FormatArg::Json), _) => (Format::Json, ExportFormat::Json),
        (Some(FormatArg::Csv), _) => (Format::Csv, ExportFormat::Csv),
        (Some(FormatArg::Dot), _) => (Format::Dot, ExportFormat::Toml),
        (Some(FormatArg::Mermaid), _) => (Format::Mermaid, ExportFormat::Toml),
        (Some(FormatArg::Cypher), _) => (Format::Table, ExportFormat::Cypher),
        (Some(FormatArg::Graphml), _) => (Format::Table, ExportFormat::Graphml),
        (Some(FormatArg::Kuzu), _) => (Format::Table, ExportFormat::Kuzu),
        (Some(FormatArg::Neo4jCsv), _) => (Format::Table, ExportFormat::Neo4jCsv),
        _ => (Format::Table, ExportFormat::Toml),
    };
    // Pictures are of statements' answers; the other commands answer with tables.
    let runs_statements = matches!(
        cli.command,
        None | Some(Command::Query { .. } | Command::Run { .. })
    );
    if format.is_picture() && !runs_statements {
        eprintln!(
            "error: `--format {}` draws the answers of statements (`query`, `run`, the shell, standard input); `render` makes SVG",
            format.name()
        );
        return ExitCode::from(EXIT_USAGE_OR_IO);
    }
    let run_options = RunOptions {
        format,
        continue_on_error: cli.continue_on_error,
        timing: cli.timing,
        commit: Commit::EachWrite,
        access,
    };
    // A script's statements are made durable together when it ends, before skillgraph exits:
    // an fsync per statement would cost more than most statements (BENCHMARKS.md, Durability).
    let script_options = RunOptions {
        commit: Commit::AtSync,
        ..run_options
    };
    let code = match cli.command {
        Some(Command::Import {
            paths,
            onet,
            esco,
            replace,
            merge,
            verbose,
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
            commands::import(&db_path, access, &sources, mode)
        }
        Some(Command::Export { out }) => {
            commands::export(&db_path, access, export_format, out.as_deref())
        }
        Some(Command::Render { statements, out }) => {
            render::command(&db_path, run_options, &statements, out.as_deref())
        }
        Some(Command::Serve {
            addr,
            allow_writes,
            cors,
            budget,
            max_body,
            max_statement,
        }) => serve::command(
            &db_path,
            access,
            serve::ServeOptions {
                addr,
                allow_writes,
                cors,
                limits: serve::Limits {
                    max_body,
                    max_statement,
                    budget,
                    ..serve::Limits::default()
                },
            },
        ),
        Some(Command::Stats) => commands::stats(&db_path, access, format),
        Some(Command::Completions { shell }) => {
            let mut text = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "skillgraph", &mut text);
            output::write_out(&String::from_utf8_lossy(&text));
            EXIT_OK
        }
        Some(Command::Man) => {
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
        Some(Command::Check) => commands::check(&db_path, access, format),
        Some(Command::Validate { paths }) => commands::validate(&paths, format),
        Some(Command::Query { statements }) => with_engine(&db_path, run_options, |engine| {
            let mut outcome = Outcome::Ok;
            for (i, statement) in statements.iter().enumerate() {
                let name = if statements.len() == 1 {
                    "query".to_string()
                } else {
                    format!("query {}", i + 1)
                };
                if engine.run_script(&name, statement) == Outcome::Failed {
                    outcome = Outcome::Failed;
                    if !engine.continue_on_error {
                        break;
                    }
                }
            }
            outcome_code(outcome)
        }),
        Some(Command::Run { files }) => with_engine(&db_path, script_options, |engine| {
            let mut outcome = Outcome::Ok;
            for file in &files {
                // `-` is standard input, as for most tools that read files.
                let (label, read) = if file.as_os_str() == "-" {
                    let mut text = String::new();
                    let read = std::io::stdin().read_to_string(&mut text).map(|_| text);
                    ("<stdin>".to_string(), read)
                } else {
                    (file.display().to_string(), std::fs::read_to_string(file))
                };
                let text = match read {
                    Ok(t) => t,
                    Err(e) => {
                        eprintln!("error: cannot read {label}: {e}");
                        return EXIT_USAGE_OR_IO;
                    }
                };
                if engine.run_script(&label, &text) == Outcome::Failed {
                    outcome = Outcome::Failed;
                    if !engine.continue_on_error {
                        break;
                    }
                }
            }
            outcome_code(outcome)
        }),
        None if std::io::stdin().is_terminal() => {
            let label = db_path.display().to_string();
            with_engine(&db_path, run_options, |engine| repl::run(engine, &label))
        }
        None => with_engine(&db_path, script_options, |engine| {
            let mut text = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut text) {
                eprintln!("error: cannot read standard input: {e}");
                return EXIT_USAGE_OR_IO;
            }
            outcome_code(engine.run_script("<stdin>", &text))
        }),
    };
    ExitCode::from(code)
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
            match engine.db.0.sync() {
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
