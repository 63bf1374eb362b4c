//! `.help` text, built from the statement reference the tests run.

use skillgraph_query::reference::{forms_of, STATEMENT_FORMS};

use skillgraph_graph::Graph;

use crate::examples::Examples;

const KEYS: &str = "keys: Tab completes keywords, names and fields; → takes a hint; ↑/↓ and Ctrl-R \
                    search the history; Ctrl-C clears the line or stops a statement; Ctrl-D leaves.\n";

/// `.help` (everything), `.help STATEMENT` (its forms with examples in the names of the open
/// database) or `.help COMMAND`, one of the shell's dot `commands` (name, what it does).
pub fn help(topic: &str, examples: &Examples, commands: &[(&str, &str)]) -> String {
    let mut out = String::new();
    let topic = topic.trim();
    if topic.is_empty() {
        out.push_str("statements (one per line, or separated by `;`; `#` starts a comment):\n");
        for form in STATEMENT_FORMS {
            out.push_str(&format!("  {}\n", form.usage));
        }
        out.push_str("\ncommands:\n");
        for (cmd, what) in commands {
            out.push_str(&format!("  {cmd:<9} {what}\n"));
        }
        out.push_str(
            "\n`.help STATEMENT` shows one statement with examples, e.g. `.help learn`.\n",
        );
        out.push_str(KEYS);
        return out;
    }
    let command = format!(".{}", topic.trim_start_matches('.'));
    if let Some((cmd, what)) = commands.iter().find(|(c, _)| *c == command) {
        out.push_str(&format!("{cmd}: {what}\n"));
        return out;
    }
    let forms = forms_of(topic);
    if forms.is_empty() {
        let mut keywords: Vec<&str> = STATEMENT_FORMS.iter().map(|f| f.keyword).collect();
        keywords.dedup();
        let near = keywords
            .iter()
            .map(|k| (strsim::normalized_damerau_levenshtein(topic, k), *k))
            .filter(|(score, _)| *score >= 0.5)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((_, k)) = near {
            out.push_str(&format!("no statement `{topic}`; did you mean `{k}`?\n"));
        } else {
            out.push_str(&format!(
                "no statement `{topic}`; statements: {}\n",
                keywords.join(", ")
            ));
        }
        return out;
    }
    for form in forms {
        out.push_str(&format!("{}\n\n{}\n", form.usage, form.summary));
        let shown = examples.of_form(form);
        if shown.is_empty() {
            out.push_str("\n(no example fits this database: it lacks what the examples need)\n");
        } else {
            out.push_str("\nexamples:\n");
            for e in shown {
                out.push_str(&format!("  {e}\n"));
            }
        }
        out.push('\n');
    }
    out
}

/// What the shell says as it opens: the version, the database (`label`, its size) and what
/// to type, with an example that names what this database holds (O*NET alone has no `SRE`).
pub fn banner(version: &str, label: &str, graph: &Graph) -> String {
    let try_this = Examples::of(graph)
        .first()
        .map_or_else(String::new, |e| format!(" Try: {e}"));
    format!(
        "skillgraph {version} — database {label} ({} nodes, {} edges)\n\
         Type .help for help, Tab to complete, .quit or Ctrl-D to leave.{try_this}\n",
        graph.node_count(),
        graph.edge_count()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn help(topic: &str) -> String {
        let graph = skillgraph_import::curated_graph().expect("curated data loads");
        super::help(
            topic,
            &Examples::of(&graph),
            crate::complete::tests::COMMANDS,
        )
    }

    #[test]
    fn the_banner_names_the_database_and_an_example_of_it() {
        let graph = skillgraph_import::curated_graph().expect("curated data loads");
        let text = banner("0.1.0", "/tmp/g.sgdb", &graph);
        assert!(
            text.starts_with("skillgraph 0.1.0 — database /tmp/g.sgdb ("),
            "{text}"
        );
        assert!(text.contains(" Try: "), "{text}");
        let empty = banner("0.1.0", "x", &Graph::new());
        assert!(empty.ends_with("Ctrl-D to leave.\n"), "{empty}");
    }

    #[test]
    fn a_statement_shows_its_forms_with_examples() {
        let text = help("skills");
        assert!(text.contains("skills of ROLE"), "{text}");
        assert!(text.contains("examples:\n  skills"), "{text}");
    }

    #[test]
    fn a_dot_command_with_or_without_its_dot() {
        assert!(help("format").starts_with(".format: "));
        assert!(help(".timing").starts_with(".timing: "));
    }

    #[test]
    fn a_near_miss_gets_a_suggestion() {
        assert_eq!(help("lern"), "no statement `lern`; did you mean `learn`?\n");
        assert!(help("xyzzy").contains("statements: show"));
    }
}
