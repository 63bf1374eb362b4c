//! The command line. Each flag is declared once, as a small [`Args`] group, and flattened into
//! the commands it means something to, so each command's `--help` (and its completions) lists
//! only its own flags. The top level runs the shell or standard input, so it takes every flag of
//! the commands that run statements; written before a subcommand (`skillgraph --db X --format
//! json query …`), such a flag passes to the subcommand where it applies and is refused where it
//! does not — except `--db` and `--color`, which say where the database is and what the terminal
//! takes rather than what to do, so that `alias sg='skillgraph --db work.sgdb'` works with every
//! command.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use skillgraph_engine::db;
use skillgraph_printer::Format;

use crate::output::ColorChoice;

#[derive(Parser)]
#[command(
    name = "skillgraph",
    version,
    about = "Answer career questions from a knowledge graph of roles, skills, tools and career moves",
    after_help = "With no command, skillgraph opens an interactive shell (or, when standard input is not a terminal, runs the statements it reads).\n\n\
Exit codes: 0 ok, 1 a query or data check failed, 2 usage or I/O error (including a locked or damaged database).\n\
The database defaults to the XDG data directory (…/skillgraph/graph.sgdb); override with --db or SKILLGRAPH_DB.\n\
On first use it is created and seeded with the built-in DevOps/SRE graph."
)]
pub struct Cli {
    #[command(flatten)]
    pub flags: StatementFlags,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Import graphdata TOML files or directories, a JSON export (`graph.json`), or a CSV
    /// directory (nodes.csv + edges.csv, and the sources.csv and profiles.csv of a CSV export).
    /// All or nothing: any error and nothing is written. By default an id the database already
    /// has is an error; `--merge` updates those nodes and adds the rest.
    ///
    /// `--onet DIR` reads the O*NET text database (e.g. db_29_3_text), `--esco DIR` the ESCO
    /// CSV files; their ids are namespaced (`onet:…`, `esco:…`) so datasets live side by side.
    Import {
        /// graphdata TOML files or directories, a JSON export, or a CSV directory (or its
        /// nodes.csv and edges.csv).
        #[arg(required_unless_present_any = ["onet", "esco"], value_name = "PATH")]
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
        #[command(flatten)]
        db: DbFlag,
        #[command(flatten)]
        read_only: ReadOnlyFlag,
        #[command(flatten)]
        lock_timeout: LockTimeoutFlag,
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
        #[command(flatten)]
        db: DbFlag,
        #[command(flatten)]
        format: ExportFormatFlag,
        #[command(flatten)]
        read_only: ReadOnlyFlag,
    },
    /// Run statements given on the command line, e.g. `skillgraph query 'path DevOps -> SRE'`.
    Query {
        /// A statement, or several separated by `;`. Several arguments run in turn, in one
        /// session (a `let` holds for the ones after it).
        #[arg(required = true, value_name = "STATEMENT")]
        statements: Vec<String>,
        #[command(flatten)]
        flags: StatementFlags,
    },
    /// Draw the answer of a path, plan or subgraph statement as SVG, e.g.
    /// `skillgraph render 'learn DevOps -> SRE' -o plan.svg`. Several statements run in one
    /// session (`'let me = [Linux, Git]' 'learn $me -> SRE'`); the last one is drawn.
    Render {
        /// The statements to run, in one session; the last one's answer is drawn.
        #[arg(required = true, value_name = "STATEMENT")]
        statements: Vec<String>,
        /// The SVG file to write; without it, the SVG goes to standard output.
        #[arg(short, long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        db: DbFlag,
        #[command(flatten)]
        timing: TimingFlag,
        #[command(flatten)]
        color: ColorFlag,
        #[command(flatten)]
        read_only: ReadOnlyFlag,
        #[command(flatten)]
        lock_timeout: LockTimeoutFlag,
    },
    /// Run query files (`.sgq`): statements one per line or separated by `;`. `-` reads
    /// standard input.
    Run {
        /// A query file, or `-` for standard input. Several run in turn, in one session.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        flags: StatementFlags,
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
        budget: Duration,
        /// The largest request body, in bytes (413 past it).
        #[arg(long, default_value = "65536", value_name = "BYTES")]
        max_body: usize,
        /// The longest statement, in bytes (413 past it).
        #[arg(long, default_value = "8192", value_name = "BYTES")]
        max_statement: usize,
        #[command(flatten)]
        db: DbFlag,
        #[command(flatten)]
        lock_timeout: LockTimeoutFlag,
    },
    /// Counts of nodes and edges per kind.
    Stats {
        #[command(flatten)]
        db: DbFlag,
        #[command(flatten)]
        format: TableFormatFlag,
        #[command(flatten)]
        color: ColorFlag,
        #[command(flatten)]
        read_only: ReadOnlyFlag,
    },
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
    Check {
        #[command(flatten)]
        db: DbFlag,
        #[command(flatten)]
        format: TableFormatFlag,
        #[command(flatten)]
        color: ColorFlag,
        #[command(flatten)]
        read_only: ReadOnlyFlag,
        #[command(flatten)]
        lock_timeout: LockTimeoutFlag,
    },
    /// Check data files without writing anything.
    Validate {
        /// graphdata TOML files or directories, a JSON export, or a CSV directory.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        format: TableFormatFlag,
        #[command(flatten)]
        color: ColorFlag,
    },
}

/// Every flag of the commands that run statements: the shell, standard input, `query`, `run`.
#[derive(Args)]
pub struct StatementFlags {
    #[command(flatten)]
    db: DbFlag,
    #[command(flatten)]
    format: AnswerFormatFlag,
    #[command(flatten)]
    continue_on_error: ContinueFlag,
    #[command(flatten)]
    timing: TimingFlag,
    #[command(flatten)]
    color: ColorFlag,
    #[command(flatten)]
    read_only: ReadOnlyFlag,
    #[command(flatten)]
    lock_timeout: LockTimeoutFlag,
}

#[derive(Args)]
pub struct DbFlag {
    /// The database directory (by default $SKILLGRAPH_DB, else …/skillgraph/graph.sgdb in the
    /// XDG data directory).
    // SKILLGRAPH_DB is read in `Cli::settings`, not by clap: clap would fill in the
    // subcommand's `--db` from it, over a `--db` written before the subcommand.
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,
}

#[derive(Args)]
pub struct AnswerFormatFlag {
    /// How answers are written.
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: Option<AnswerFormat>,
}

#[derive(Args)]
pub struct TableFormatFlag {
    /// How the answer is written: table (the default), json (one object: title, summary,
    /// columns, rows) or csv.
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: Option<TableFormat>,
}

#[derive(Args)]
pub struct ExportFormatFlag {
    /// What to write: toml, json and csv hold the whole graph and import back; the others are
    /// for other graph tools.
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: Option<ExportFormat>,
}

#[derive(Args)]
pub struct ContinueFlag {
    /// Keep going after a failed statement (the exit code is still 1 if any failed).
    #[arg(long)]
    continue_on_error: bool,
}

#[derive(Args)]
pub struct TimingFlag {
    /// Print each statement's parse and run time on standard error (as `.timing on` does in
    /// the shell).
    #[arg(long)]
    timing: bool,
}

#[derive(Args)]
pub struct ColorFlag {
    /// When to colour output and diagnostics: auto (the default: on a terminal, unless
    /// NO_COLOR is set), always, or never.
    #[arg(long, value_enum, value_name = "WHEN")]
    color: Option<ColorChoice>,
}

#[derive(Args)]
pub struct ReadOnlyFlag {
    /// Refuse every change to the database (statements that write, imports); reading needs
    /// no lock, so this is for being sure, not for getting in beside a writer.
    #[arg(long)]
    read_only: bool,
}

#[derive(Args)]
pub struct LockTimeoutFlag {
    /// How long to wait for another process's write to finish before giving up (default 10).
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    lock_timeout: Option<Duration>,
}

/// The formats of statements' answers.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AnswerFormat {
    /// A table fitted to the terminal (the default).
    Table,
    /// One object per statement: its title, summary, columns and rows.
    Json,
    /// The table of one statement (a run of several is refused).
    Csv,
    /// The picture of a path, plan or subgraph as Graphviz DOT.
    Dot,
    /// The picture as a Mermaid flowchart, as `mmdc` reads it (no Markdown fence).
    Mermaid,
}

impl From<AnswerFormat> for Format {
    fn from(format: AnswerFormat) -> Format {
        match format {
            AnswerFormat::Table => Format::Table,
            AnswerFormat::Json => Format::Json,
            AnswerFormat::Csv => Format::Csv,
            AnswerFormat::Dot => Format::Dot,
            AnswerFormat::Mermaid => Format::Mermaid,
        }
    }
}

/// The formats of `stats`, `check` and `validate`: their answers are tables without pictures.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    Table,
    Json,
    Csv,
}

/// The formats of `export`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// graphdata TOML, the curated files' own form (the default).
    Toml,
    /// One JSON document of the whole graph.
    Json,
    /// sources.csv, nodes.csv, edges.csv and profiles.csv (needs --out).
    Csv,
    /// Statements for Neo4j, Memgraph and FalkorDB.
    Cypher,
    /// For Gephi, yEd and networkx.
    Graphml,
    /// CSV files and load.cypher for Kùzu and LadybugDB (needs --out).
    Kuzu,
    /// CSV files and import.sh for neo4j-admin database import (needs --out).
    Neo4jCsv,
}

impl From<ExportFormat> for skillgraph_engine::commands::ExportFormat {
    fn from(format: ExportFormat) -> Self {
        match format {
            ExportFormat::Toml => Self::Toml,
            ExportFormat::Json => Self::Json,
            ExportFormat::Csv => Self::Csv,
            ExportFormat::Cypher => Self::Cypher,
            ExportFormat::Graphml => Self::Graphml,
            ExportFormat::Kuzu => Self::Kuzu,
            ExportFormat::Neo4jCsv => Self::Neo4jCsv,
        }
    }
}

/// `$XDG_DATA_HOME/skillgraph/graph.sgdb` (or the platform's data directory).
fn default_db_path() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("skillgraph")
        .join("graph.sgdb")
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    text.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0 && *s <= 86_400.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("`{text}` is not a number of seconds from 0 to 86400"))
}

/// A flag that more than one command takes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Flag {
    Db,
    Format,
    ContinueOnError,
    Timing,
    Color,
    ReadOnly,
    LockTimeout,
}

impl Flag {
    pub const ALL: [Flag; 7] = [
        Flag::Db,
        Flag::Format,
        Flag::ContinueOnError,
        Flag::Timing,
        Flag::Color,
        Flag::ReadOnly,
        Flag::LockTimeout,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Flag::Db => "--db",
            Flag::Format => "--format",
            Flag::ContinueOnError => "--continue-on-error",
            Flag::Timing => "--timing",
            Flag::Color => "--color",
            Flag::ReadOnly => "--read-only",
            Flag::LockTimeout => "--lock-timeout",
        }
    }
}

/// The flags as written on one level of the command line (nothing where that level has no
/// such flag); the format by its name, which each command reads in its own set of formats.
#[derive(Default)]
struct Given {
    db: Option<PathBuf>,
    format: Option<String>,
    continue_on_error: bool,
    timing: bool,
    color: Option<ColorChoice>,
    read_only: bool,
    lock_timeout: Option<Duration>,
}

impl Given {
    fn has(&self, flag: Flag) -> bool {
        match flag {
            Flag::Db => self.db.is_some(),
            Flag::Format => self.format.is_some(),
            Flag::ContinueOnError => self.continue_on_error,
            Flag::Timing => self.timing,
            Flag::Color => self.color.is_some(),
            Flag::ReadOnly => self.read_only,
            Flag::LockTimeout => self.lock_timeout.is_some(),
        }
    }

    fn with_db(mut self, flag: &DbFlag) -> Given {
        self.db.clone_from(&flag.db);
        self
    }

    fn with_color(mut self, flag: &ColorFlag) -> Given {
        self.color = flag.color;
        self
    }

    fn with_read_only(mut self, flag: &ReadOnlyFlag) -> Given {
        self.read_only = flag.read_only;
        self
    }

    fn with_lock_timeout(mut self, flag: &LockTimeoutFlag) -> Given {
        self.lock_timeout = flag.lock_timeout;
        self
    }

    fn with_format<F: ValueEnum>(mut self, format: Option<F>) -> Given {
        self.format = format.map(|f| value_name(&f));
        self
    }

    fn of_statements(flags: &StatementFlags) -> Given {
        Given {
            timing: flags.timing.timing,
            continue_on_error: flags.continue_on_error.continue_on_error,
            ..Given::default()
        }
        .with_db(&flags.db)
        .with_format(flags.format.format)
        .with_color(&flags.color)
        .with_read_only(&flags.read_only)
        .with_lock_timeout(&flags.lock_timeout)
    }
}

fn value_name<F: ValueEnum>(value: &F) -> String {
    value
        .to_possible_value()
        .expect("no value is skipped")
        .get_name()
        .to_string()
}

/// Which formats a command writes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Formats {
    Answers,
    Tables,
    Export,
}

impl Command {
    /// The command's name, its own flags as given, and which of the shared flags it takes.
    fn flags(&self) -> (&'static str, Given, Vec<Flag>) {
        let statements = Flag::ALL.to_vec();
        match self {
            Command::Import {
                db,
                read_only,
                lock_timeout,
                ..
            } => (
                "import",
                Given::default()
                    .with_db(db)
                    .with_read_only(read_only)
                    .with_lock_timeout(lock_timeout),
                vec![Flag::Db, Flag::ReadOnly, Flag::LockTimeout],
            ),
            Command::Export {
                format,
                db,
                read_only,
                ..
            } => (
                "export",
                Given::default()
                    .with_db(db)
                    .with_format(format.format)
                    .with_read_only(read_only),
                vec![Flag::Db, Flag::Format, Flag::ReadOnly],
            ),
            Command::Query { flags, .. } => ("query", Given::of_statements(flags), statements),
            Command::Run { flags, .. } => ("run", Given::of_statements(flags), statements),
            Command::Render {
                db,
                timing,
                color,
                read_only,
                lock_timeout,
                ..
            } => (
                "render",
                Given {
                    timing: timing.timing,
                    ..Given::default()
                }
                .with_db(db)
                .with_color(color)
                .with_read_only(read_only)
                .with_lock_timeout(lock_timeout),
                vec![
                    Flag::Db,
                    Flag::Timing,
                    Flag::Color,
                    Flag::ReadOnly,
                    Flag::LockTimeout,
                ],
            ),
            Command::Stats {
                format,
                db,
                color,
                read_only,
            } => (
                "stats",
                Given::default()
                    .with_db(db)
                    .with_format(format.format)
                    .with_color(color)
                    .with_read_only(read_only),
                vec![Flag::Db, Flag::Format, Flag::Color, Flag::ReadOnly],
            ),
            Command::Check {
                format,
                db,
                color,
                read_only,
                lock_timeout,
            } => (
                "check",
                Given::default()
                    .with_db(db)
                    .with_format(format.format)
                    .with_color(color)
                    .with_read_only(read_only)
                    .with_lock_timeout(lock_timeout),
                vec![
                    Flag::Db,
                    Flag::Format,
                    Flag::Color,
                    Flag::ReadOnly,
                    Flag::LockTimeout,
                ],
            ),
            Command::Validate { format, color, .. } => (
                "validate",
                Given::default()
                    .with_format(format.format)
                    .with_color(color),
                vec![Flag::Format, Flag::Color],
            ),
            Command::Serve {
                db, lock_timeout, ..
            } => (
                "serve",
                Given::default().with_db(db).with_lock_timeout(lock_timeout),
                vec![Flag::Db, Flag::LockTimeout],
            ),
            Command::Completions { .. } => ("completions", Given::default(), Vec::new()),
            Command::Man => ("man", Given::default(), Vec::new()),
        }
    }

    fn formats(&self) -> Formats {
        match self {
            Command::Export { .. } => Formats::Export,
            Command::Stats { .. } | Command::Check { .. } | Command::Validate { .. } => {
                Formats::Tables
            }
            _ => Formats::Answers,
        }
    }
}

/// What the flags come to, wherever they were written.
pub struct Settings {
    pub db_path: PathBuf,
    /// How answers and tables are written.
    pub format: Format,
    pub export_format: ExportFormat,
    pub continue_on_error: bool,
    pub timing: bool,
    pub color: ColorChoice,
    pub access: db::Access,
}

impl Cli {
    /// Merges the flags written before the subcommand with its own (its own win), or says which
    /// flag written before it does not apply to it.
    pub fn settings(&self) -> Result<Settings, String> {
        let top = Given::of_statements(&self.flags);
        let (given, formats) = match &self.command {
            None => (top, Formats::Answers),
            Some(command) => {
                let (name, own, takes) = command.flags();
                // `--db` and `--color` describe the surroundings, not the command.
                let ignored = [Flag::Db, Flag::Color];
                if let Some(flag) = Flag::ALL
                    .into_iter()
                    .find(|f| top.has(*f) && !takes.contains(f) && !ignored.contains(f))
                {
                    return Err(format!(
                        "`{}` does not apply to `{name}` (`skillgraph {name} --help` lists what does)",
                        flag.name()
                    ));
                }
                let merged = Given {
                    db: own.db.or(top.db).filter(|_| takes.contains(&Flag::Db)),
                    format: own.format.or(top.format),
                    continue_on_error: own.continue_on_error || top.continue_on_error,
                    timing: own.timing || top.timing,
                    color: own.color.or(top.color),
                    read_only: own.read_only || top.read_only,
                    lock_timeout: own.lock_timeout.or(top.lock_timeout),
                };
                (merged, command.formats())
            }
        };
        let name = self.command.as_ref().map_or("skillgraph", |c| c.flags().0);
        let (format, export_format) = match (&given.format, formats) {
            (None, _) => (Format::Table, ExportFormat::Toml),
            (Some(text), Formats::Answers) => (
                parse_format::<AnswerFormat>(text, name)?.into(),
                ExportFormat::Toml,
            ),
            (Some(text), Formats::Tables) => {
                let format = parse_format::<TableFormat>(text, name)?;
                let format = match format {
                    TableFormat::Table => Format::Table,
                    TableFormat::Json => Format::Json,
                    TableFormat::Csv => Format::Csv,
                };
                (format, ExportFormat::Toml)
            }
            (Some(text), Formats::Export) => (Format::Table, parse_format(text, name)?),
        };
        Ok(Settings {
            db_path: given
                .db
                .or_else(|| {
                    std::env::var_os("SKILLGRAPH_DB")
                        .filter(|v| !v.is_empty())
                        .map(PathBuf::from)
                })
                .unwrap_or_else(default_db_path),
            format,
            export_format,
            continue_on_error: given.continue_on_error,
            timing: given.timing,
            color: given.color.unwrap_or(ColorChoice::Auto),
            access: db::Access {
                read_only: given.read_only,
                write_wait: given
                    .lock_timeout
                    .unwrap_or(skillgraph_store::DEFAULT_WRITE_WAIT),
            },
        })
    }
}

/// A format written before the subcommand, read as one of the subcommand's formats.
fn parse_format<F: ValueEnum>(text: &str, command: &str) -> Result<F, String> {
    F::from_str(text, true).map_err(|_| {
        let mut names: Vec<String> = F::value_variants().iter().map(value_name).collect();
        let last = names.pop().unwrap_or_default();
        format!(
            "`--format {text}` does not apply to `{command}`, which writes {} or {last}",
            names.join(", ")
        )
    })
}
