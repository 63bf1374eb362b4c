//! `.help` text, built from the statement reference the tests run.

use skillgraph_query::reference::{forms_of, STATEMENT_FORMS};

use crate::repl::META_COMMANDS;

pub fn help(topic: &str) -> String {
    let mut out = String::new();
    if topic.is_empty() {
        out.push_str("statements (one per line, or separated by `;`; `#` starts a comment):\n");
        for form in STATEMENT_FORMS {
            out.push_str(&format!("  {}\n", form.usage));
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
    let forms = forms_of(topic);
    match forms.as_slice() {
        [] => {
            let mut keywords: Vec<&str> = STATEMENT_FORMS.iter().map(|f| f.keyword).collect();
            keywords.dedup();
            out.push_str(&format!(
                "no statement `{topic}`; statements: {}\n",
                keywords.join(", ")
            ));
        }
        forms => {
            for form in forms {
                out.push_str(&format!(
                    "{}\n\n{}\n\nexamples:\n",
                    form.usage, form.summary
                ));
                for e in form.examples {
                    out.push_str(&format!("  {e}\n"));
                }
                out.push('\n');
            }
        }
    }
    out
}
