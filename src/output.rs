//! The streams and the terminal: the console the libraries write answers to (over standard
//! output and standard error), colour, the terminal's width, and an import's progress bar.

use std::io::{self, IsTerminal, Write};

use clap::ValueEnum;
use skillgraph_printer::console::{Console, Streams};
use skillgraph_printer::TableStyle;

/// Whether to colour and style output: only on a terminal, and never when `NO_COLOR` is set.
pub fn use_color(stream_is_terminal: bool) -> bool {
    match ColorChoice::get() {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// `--color`: colour on a terminal unless `NO_COLOR` is set (auto), always, or never.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The process's `--color`, set once at start ([`ColorChoice::set`]).
static COLOR_CHOICE: std::sync::OnceLock<ColorChoice> = std::sync::OnceLock::new();

impl ColorChoice {
    pub fn set(self) {
        let _ = COLOR_CHOICE.set(self);
    }

    fn get() -> ColorChoice {
        COLOR_CHOICE.get().copied().unwrap_or(ColorChoice::Auto)
    }
}

/// The width tables are fitted to: the terminal's, measured by comfy-table (crossterm); off a
/// terminal, or on one that reports no size (a fresh pseudo-terminal says 0), `$COLUMNS`, else
/// a width that reads well in a pager.
fn table_width() -> u16 {
    comfy_table::Table::new()
        .width()
        .filter(|&w| w > 0)
        .unwrap_or_else(|| {
            std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.parse().ok())
                .unwrap_or(120)
        })
}

/// How tables are drawn on standard output now.
pub fn table_style() -> TableStyle {
    TableStyle {
        styled: use_color(io::stdout().is_terminal()),
        width: table_width(),
    }
}

/// Standard output and standard error as the libraries write to them.
pub fn console() -> Console {
    let streams = Streams {
        terminal: io::stdout().is_terminal(),
        style: table_style(),
        styled_errors: use_color(io::stderr().is_terminal()),
    };
    Console::new(Box::new(io::stdout()), Box::new(io::stderr()), streams)
}

/// Writes `text` to standard output at once. A reader that has gone away (`| head`, a closed
/// socket) ends the output quietly: `print!` would panic on the broken pipe.
pub fn write_out(text: &str) {
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// An import's progress as a bar on standard error, when it is a terminal; nothing otherwise.
#[derive(Default)]
pub struct ProgressBar(Option<indicatif::ProgressBar>);

impl skillgraph_engine::Progress for ProgressBar {
    fn update(&mut self, dataset: &str, phase: &str, done: u64, total: u64) {
        if self.0.is_none() && io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{msg:>28} [{bar:40}] {percent:>3}% {elapsed}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            self.0 = Some(bar);
        }
        if let Some(bar) = &self.0 {
            bar.set_length(total);
            bar.set_position(done);
            bar.set_message(format!("{dataset}: {phase}"));
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.0.take() {
            bar.finish_and_clear();
        }
    }
}
