//! `.help` text, built from the statement reference the tests run.

use skillgraph_query::reference::{statement_doc, STATEMENTS};

use crate::repl::META_COMMANDS;

pub fn help(topic: &str) -> String {
    let mut out = String::new();
    if topic.is_empty() {
        out.push_str("statements (one per line, or separated by `;`; `#` starts a comment):\n");
        for doc in STATEMENTS {
            out.push_str(&format!("  {}\n", doc.syntax));
        }
        out.push_str("\ncommands:\n");
        for (cmd, what) in META_COMMANDS {
            out.push_str(&format!("  {cmd:<9} {what}\n"));
        }
        out.push_str(
            "\n`.help STATEMENT` shows one statement with examples, e.g. `.help learn`.\n",
        );
        return out;
    }
    match statement_doc(topic) {
        Some(doc) => {
            out.push_str(&format!("{}\n\n{}\n\nexamples:\n", doc.syntax, doc.summary));
            for e in doc.examples {
                out.push_str(&format!("  {e}\n"));
            }
        }
        None => {
            let keywords: Vec<&str> = STATEMENTS.iter().map(|d| d.keyword).collect();
            out.push_str(&format!(
                "no statement `{topic}`; statements: {}\n",
                keywords.join(", ")
            ));
        }
    }
    out
}
