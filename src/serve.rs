//! `skillgraph serve`: opens the stores, hands the server (`skillgraph_serve`) the shell's
//! completion, and prints what it reports.

use std::path::Path;
use std::sync::Arc;

use skillgraph_engine::{db, Status};
use skillgraph_graph::Graph;
use skillgraph_printer::console::Console;
use skillgraph_serve::{Candidate, Complete, Event, ServeOptions};
use skillgraph_shell::complete::{self, Vocabulary};

use crate::output;

/// Runs the server until Ctrl-C or SIGTERM. `allow_writes` gives it a second store, for
/// writes.
pub fn command(
    db_path: &Path,
    access: db::Access,
    allow_writes: bool,
    options: ServeOptions,
    console: &mut Console,
) -> Status {
    if allow_writes && access.read_only {
        console.message("error: `--allow-writes` and `--read-only` contradict each other");
        return Status::Unusable;
    }
    // The readers' store refuses writes whatever happens; writes have a store of their own.
    let reading = db::Access {
        read_only: true,
        ..access
    };
    let opened = db::open(db_path, reading, console).and_then(|readers| {
        let writer = match allow_writes {
            true => Some(db::open(db_path, access, console)?),
            false => None,
        };
        Ok((readers, writer))
    });
    let (readers, writer) = match opened {
        Ok(stores) => stores,
        Err(e) => {
            console.message(&format!("error: {e}"));
            return Status::Unusable;
        }
    };
    match skillgraph_serve::run(readers, writer, options, completion, report) {
        Ok(()) => Status::Ok,
        Err(e) => {
            console.message(&format!("error: {e}"));
            Status::Unusable
        }
    }
}

fn report(event: Event) {
    match event {
        Event::Listening { url, writes } => {
            let mode = if writes {
                "writes allowed"
            } else {
                "read-only"
            };
            output::write_out(&format!("skillgraph serve: {url} ({mode}; Ctrl-C stops)\n"));
        }
        Event::Stopping => eprintln!("skillgraph serve: stopping after the requests under way"),
        Event::Stopped => eprintln!("skillgraph serve: stopped"),
    }
}

/// The shell's completion over `graph`, for the page: both offer the same.
fn completion(graph: &Graph) -> Arc<dyn Complete> {
    let mut vocabulary = Vocabulary::from_graph(graph);
    vocabulary.set_profiles(graph.profiles().keys().cloned());
    Arc::new(ShellCompletion(vocabulary))
}

struct ShellCompletion(Vocabulary);

impl Complete for ShellCompletion {
    fn complete(&self, line: &str) -> (usize, Vec<Candidate>) {
        let (start, pairs) = complete::complete(&self.0, line, line.len());
        let candidates = pairs
            .into_iter()
            .map(|pair| Candidate {
                display: pair.display,
                replacement: pair.replacement,
            })
            .collect();
        (start, candidates)
    }
}
