//! The `skillgraph` command: parses arguments, opens the database, hands work to a front end
//! (REPL, script runner, one-shot query, import/export), and maps failures to exit codes.
//! It is the only place that prints.

mod commands;
mod db;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

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

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Import graphdata TOML files or directories, or a directory with nodes.csv + edges.csv.
    /// All or nothing: any error and nothing is written.
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Replace the whole graph instead of adding to it.
        #[arg(long)]
        replace: bool,
    },
    /// Write the graph out: `toml` (re-importable), `json`, or `csv` (nodes.csv + edges.csv).
    Export {
        #[arg(long, value_enum, default_value_t = ExportFormat::Toml)]
        format: ExportFormat,
        /// Directory to write into; without it, the graph goes to standard output.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Counts of nodes and edges per kind.
    Stats,
    /// Check data files without writing anything.
    Validate {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Toml,
    Json,
    Csv,
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
    let db_path = cli.db.unwrap_or_else(db::default_path);
    let code = match cli.command {
        Some(Command::Import { paths, replace }) => commands::import(&db_path, &paths, replace),
        Some(Command::Export { format, out }) => commands::export(&db_path, format, out.as_deref()),
        Some(Command::Stats) => commands::stats(&db_path),
        Some(Command::Validate { paths }) => commands::validate(&paths),
        None => {
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
            EXIT_OK
        }
    };
    ExitCode::from(code)
}
