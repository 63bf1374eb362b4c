//! Tab completion and the names it offers: keywords and statement forms where a statement
//! starts, clause words where a clause may follow, fields where a field goes, and the names and
//! aliases of the live graph where a node goes — written so that they resolve to that node
//! (quoted when needed, kind-qualified when the bare label would mean something else).

use std::collections::{HashMap, HashSet};

use skillgraph_graph::schema::field_names;
use skillgraph_graph::{Graph, NodeIndex, NodeKind};
use skillgraph_query::parser::{first_words, quote_name, Rule, KEYWORDS, STATEMENT_KEYWORDS};

use crate::syntax::{self, Lexeme, Slot, Want};

/// One completion: what the list shows, and what replaces the typed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub display: String,
    pub replacement: String,
}

/// The fields an edge takes in `link … { … }`.
const EDGE_FIELDS: &[&str] = &["importance", "effort_hours", "skills", "note"];

/// One way to write one node: its name or one of its aliases.
struct Label {
    lower: String,
    label: String,
    node: NodeIndex,
    kind: NodeKind,
    /// The node's name, when `label` is an alias.
    alias_of: Option<String>,
    /// What to insert so that it resolves to this node.
    reference: String,
    /// The same, with the kind written out (`tool:Git`).
    qualified: String,
}

/// What completion and highlighting know of the live graph and the session.
#[derive(Default)]
pub struct Vocabulary {
    /// Every name and alias, sorted by their lower-case form.
    labels: Vec<Label>,
    /// Lower-case ids, names and aliases, with the kinds of the nodes they name.
    known: HashMap<String, Vec<NodeKind>>,
    profiles: Vec<String>,
    /// The datasets and source ids `@…` and `from …` can name.
    sources: Vec<String>,
    /// The shell's dot commands and what each does (none where only statements run).
    commands: &'static [(&'static str, &'static str)],
}

impl Vocabulary {
    pub fn from_graph(graph: &Graph) -> Vocabulary {
        let mut labels = Vec::new();
        let mut known: HashMap<String, Vec<NodeKind>> = HashMap::new();
        for ix in graph.node_indices() {
            let node = graph.node(ix);
            known
                .entry(node.id.to_lowercase())
                .or_default()
                .push(node.kind);
            let aliases = node.aliases.iter().map(|a| (a, Some(node.name.clone())));
            for (label, alias_of) in std::iter::once((&node.name, None)).chain(aliases) {
                known
                    .entry(label.to_lowercase())
                    .or_default()
                    .push(node.kind);
                let resolves_to_this =
                    |kind| matches!(graph.resolve(kind, label), Ok(found) if found == ix);
                let qualified = if resolves_to_this(Some(node.kind)) {
                    format!("{}:{}", node.kind, quote_name(label))
                } else {
                    // Two nodes of one kind share the label: only the id is certain.
                    format!("{}:{}", node.kind, quote_name(&node.id))
                };
                // A label several datasets use: `label@dataset` where that picks this node.
                let dataset = graph.dataset(ix);
                let reference = if resolves_to_this(None) {
                    quote_name(label)
                } else if matches!(graph.resolve_in(None, Some(dataset), label), Ok(found) if found == ix)
                {
                    format!("{}@{dataset}", quote_name(label))
                } else {
                    qualified.clone()
                };
                labels.push(Label {
                    lower: label.to_lowercase(),
                    label: label.clone(),
                    node: ix,
                    kind: node.kind,
                    alias_of,
                    reference,
                    qualified,
                });
            }
        }
        labels.sort_by(|a, b| a.lower.cmp(&b.lower).then(a.alias_of.cmp(&b.alias_of)));
        let mut sources: Vec<String> = graph.datasets().to_vec();
        sources.extend(graph.sources().iter().map(|s| s.key.clone()));
        Vocabulary {
            labels,
            known,
            profiles: Vec::new(),
            sources,
            commands: &[],
        }
    }

    /// The dot commands a line may start with (`.help`, `.format`, …).
    pub fn set_commands(&mut self, commands: &'static [(&'static str, &'static str)]) {
        self.commands = commands;
    }

    /// Whether `command` (with its dot) is one of the dot commands.
    pub fn is_command(&self, command: &str) -> bool {
        self.commands.iter().any(|(c, _)| *c == command)
    }

    /// The profiles `$NAME` can name: this session's `let` profiles and the saved ones.
    pub fn set_profiles(&mut self, profiles: impl IntoIterator<Item = String>) {
        self.profiles = profiles.into_iter().collect();
        self.profiles.sort();
        self.profiles.dedup();
    }

    /// Whether `text` (a name, alias or id) names a node, of `kind` if given.
    pub fn resolves(&self, kind: Option<NodeKind>, text: &str) -> bool {
        self.known
            .get(&text.to_lowercase())
            .is_some_and(|kinds| kind.is_none_or(|k| kinds.contains(&k)))
    }

    pub fn has_profile(&self, name: &str) -> bool {
        self.profiles.iter().any(|p| p == name)
    }

    /// Names and aliases starting with `typed` (ignoring case). A node whose name matches is
    /// offered by its name only, so `Kube` completes to `Kubernetes` rather than to its alias.
    fn names(&self, kind: Option<NodeKind>, want: Want, typed: &str, out: &mut Vec<Candidate>) {
        let typed = typed.to_lowercase();
        let first = self.labels.partition_point(|l| l.lower < typed);
        let matching: Vec<&Label> = self.labels[first..]
            .iter()
            .take_while(|l| l.lower.starts_with(&typed))
            .filter(|l| kind.map_or(want.admits(l.kind), |k| l.kind == k))
            .collect();
        let named: HashSet<NodeIndex> = matching
            .iter()
            .filter(|l| l.alias_of.is_none())
            .map(|l| l.node)
            .collect();
        for label in matching {
            if label.alias_of.is_some() && named.contains(&label.node) {
                continue;
            }
            let replacement = if kind.is_some() {
                &label.qualified
            } else {
                &label.reference
            };
            let display = match &label.alias_of {
                Some(name) => format!("{} → {name}", label.label),
                None if *replacement != quote_name(&label.label) => {
                    format!("{} ({})", label.label, label.kind)
                }
                None => label.label.clone(),
            };
            push(out, display, replacement.clone());
        }
    }
}

fn push(out: &mut Vec<Candidate>, display: String, replacement: String) {
    if !out.iter().any(|p| p.replacement == replacement) {
        out.push(Candidate {
            display,
            replacement,
        });
    }
}

fn words(out: &mut Vec<Candidate>, candidates: &[&str], typed: &str, suffix: &str) {
    let typed = typed.to_lowercase();
    for word in candidates {
        if word.starts_with(&typed) {
            // `starts` is only ever followed by `with` (the grammar's `starts_with`).
            let replacement = if first_words(Rule::starts_with).contains(word) {
                format!("{word} {} ", first_words(Rule::kw_with).join(""))
            } else {
                format!("{word}{suffix}")
            };
            push(out, word.to_string(), replacement);
        }
    }
}

/// The completions at `pos`: where the replaced text starts, and the candidates.
pub fn complete(vocabulary: &Vocabulary, line: &str, pos: usize) -> (usize, Vec<Candidate>) {
    let before = &line[..pos];
    let indent = before.len() - before.trim_start().len();
    if before[indent..].starts_with('.') {
        return complete_meta(vocabulary.commands, &before[indent..], indent);
    }
    let tokens = syntax::lexed(before);
    let typing = tokens.last().filter(|t| {
        t.end == pos
            && matches!(
                t.lexeme,
                Lexeme::Word | Lexeme::Quoted { .. } | Lexeme::Variable | Lexeme::Number
            )
    });
    let (start, slot) = match typing {
        Some(t) => (t.start, syntax::slot_at(before, &tokens, tokens.len() - 1)),
        None => (pos, syntax::slot_after(before)),
    };
    let typed = typing.map_or(String::new(), |t| t.name(before));
    let qualifier = typing.and_then(|t| t.qualifier);
    let is_variable = typing.is_some_and(|t| t.lexeme == Lexeme::Variable);
    let mut out = Vec::new();
    // After the `@` of `Kubernetes@on`: the datasets and sources.
    if let Some(at) = typing.and_then(|t| t.source_at) {
        let written = &before[start..at + 1];
        let typed = before[at + 1..].to_lowercase();
        for source in &vocabulary.sources {
            if source.to_lowercase().starts_with(&typed) {
                push(&mut out, source.clone(), format!("{written}{source}"));
            }
        }
        return (start, out);
    }
    match slot {
        Slot::Statement => words(&mut out, STATEMENT_KEYWORDS, &typed, " "),
        Slot::Source => {
            let sources: Vec<&str> = vocabulary.sources.iter().map(String::as_str).collect();
            words(&mut out, &sources, &typed, " ");
        }
        Slot::Keywords(list) => words(&mut out, &list, &typed, " "),
        Slot::Node(_) | Slot::Start if is_variable => {
            let typed = &typed[1..];
            for p in &vocabulary.profiles {
                if p.starts_with(typed) {
                    push(&mut out, format!("${p}"), format!("${p}"));
                }
            }
        }
        Slot::Node(want) => vocabulary.names(qualifier, want, &typed, &mut out),
        Slot::Profile { .. } => {
            for p in &vocabulary.profiles {
                if p.starts_with(typed.as_str()) {
                    push(&mut out, p.clone(), p.clone());
                }
            }
        }
        Slot::Start => {
            vocabulary.names(qualifier, Want::Any, &typed, &mut out);
            if typed.is_empty() {
                for p in &vocabulary.profiles {
                    push(&mut out, format!("${p}"), format!("${p}"));
                }
            }
        }
        Slot::Condition => {
            // `not`, and the tests written as a call: `has(`, `requires(`, ….
            let calls: Vec<&str> = [Rule::has_test, Rule::edge_test]
                .into_iter()
                .flat_map(|rule| first_words(rule).iter().copied())
                .collect();
            let others: Vec<&str> = first_words(Rule::negation)
                .iter()
                .copied()
                .filter(|w| !calls.contains(w) && w.chars().all(char::is_alphabetic))
                .collect();
            words(&mut out, &others, &typed, " ");
            words(&mut out, &calls, &typed, "(");
            words(&mut out, &field_names().collect::<Vec<_>>(), &typed, " ");
        }
        Slot::Field => {
            let (_, statement) = syntax::statement_at(before, &tokens, tokens.len());
            let in_link = first_words(Rule::link).contains(&statement.as_str());
            let fields: Vec<&str> = if in_link {
                EDGE_FIELDS.to_vec()
            } else {
                field_names().collect()
            };
            words(&mut out, &fields, &typed, "");
        }
        Slot::Punct("->") if typed.is_empty() => words(&mut out, &["->"], "", " "),
        Slot::Free if !typed.is_empty() => {
            words(&mut out, KEYWORDS, &typed, " ");
            words(&mut out, &field_names().collect::<Vec<_>>(), &typed, "");
            vocabulary.names(qualifier, Want::Any, &typed, &mut out);
        }
        Slot::Punct(_) | Slot::NewName | Slot::Value | Slot::End | Slot::Free => {}
    }
    (start, out)
}

/// Completion of a dot command and of its argument.
fn complete_meta(
    commands: &[(&'static str, &'static str)],
    text: &str,
    offset: usize,
) -> (usize, Vec<Candidate>) {
    let mut out = Vec::new();
    let Some((command, argument)) = text.split_once(char::is_whitespace) else {
        let names: Vec<&str> = commands.iter().map(|(c, _)| *c).collect();
        words(&mut out, &names, text, " ");
        return (offset, out);
    };
    let argument = argument.trim_start();
    let start = offset + text.len() - argument.len();
    let values: Vec<&str> = match command {
        ".format" => vec!["table", "json", "csv"],
        ".timing" => vec!["on", "off"],
        ".rows" => vec!["all"],
        ".help" => {
            let mut topics: Vec<&str> = STATEMENT_KEYWORDS.to_vec();
            topics.extend(commands.iter().map(|(c, _)| c.trim_start_matches('.')));
            topics
        }
        _ => Vec::new(),
    };
    words(&mut out, &values, argument, "");
    (start, out)
}

/// Where the token that completion replaces ends: the whole word or closed string under the
/// cursor, so that completing in the middle of `show "Site Rel|"` leaves no stray quote.
pub fn replaced_end(line: &str, start: usize, pos: usize) -> usize {
    syntax::lexed(line)
        .into_iter()
        .find(|t| t.start == start)
        .filter(|t| matches!(t.lexeme, Lexeme::Word | Lexeme::Quoted { closed: true }))
        .map_or(pos, |t| t.end.max(pos))
}

/// Where the file name of `.read FILE` starts, when the cursor is in it: there the shell
/// completes file names instead.
pub fn read_argument_start(line: &str, pos: usize) -> Option<usize> {
    let indent = line.len() - line.trim_start().len();
    let rest = line[indent..].strip_prefix(".read")?;
    let gap = rest.len() - rest.trim_start().len();
    let start = indent + ".read".len() + gap;
    (gap > 0 && pos >= start).then_some(start)
}

/// The rest of the only candidate at the end of `line` (`pos`), when the word typed so far is
/// its start: a hint that → takes.
pub fn only_candidate_rest(vocabulary: &Vocabulary, line: &str, pos: usize) -> Option<String> {
    let (start, candidates) = complete(vocabulary, line, pos);
    let [only] = candidates.as_slice() else {
        return None;
    };
    let typed = &line[start..pos];
    let rest = only
        .replacement
        .get(..typed.len())
        .filter(|head| head.eq_ignore_ascii_case(typed))
        .map(|_| &only.replacement[typed.len()..])?;
    (!typed.is_empty() && !rest.trim().is_empty()).then(|| rest.to_string())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn read_takes_a_file_name() {
        assert_eq!(read_argument_start(".read ex", 8), Some(6));
        assert_eq!(read_argument_start(" .read  ex", 10), Some(8));
        assert_eq!(read_argument_start(".read", 5), None);
        assert_eq!(read_argument_start(".reader x", 9), None);
        assert_eq!(read_argument_start("show x", 6), None);
    }

    /// Dot commands as a shell has them.
    pub(crate) const COMMANDS: &[(&str, &str)] = &[
        (".help", "help"),
        (".format", "output format"),
        (".timing", "timing"),
        (".rows", "rows"),
        (".read", "run a file"),
        (".quit", "leave"),
    ];

    fn vocabulary() -> Vocabulary {
        let graph = skillgraph_import::curated_graph().expect("curated data loads");
        let mut v = Vocabulary::from_graph(&graph);
        v.set_profiles(["me".to_string(), "team".to_string()]);
        v.set_commands(COMMANDS);
        v
    }

    /// The text after completing at the end of `line` with the only candidate, or all
    /// candidates' replacements when there are several.
    fn candidates(v: &Vocabulary, line: &str) -> (usize, Vec<String>) {
        let (start, pairs) = complete(v, line, line.len());
        (start, pairs.into_iter().map(|p| p.replacement).collect())
    }

    fn completed(v: &Vocabulary, line: &str) -> String {
        let (start, found) = candidates(v, line);
        assert_eq!(found.len(), 1, "`{line}` offers {found:?}");
        format!("{}{}", &line[..start], found[0])
    }

    #[test]
    fn the_hint_is_the_rest_of_the_only_candidate() {
        let v = vocabulary();
        let rest = |line: &str| only_candidate_rest(&v, line, line.len());
        // Typed in lower case, the rest keeps the name's own case.
        assert_eq!(rest("show kuber").as_deref(), Some("netes"));
        assert_eq!(rest("show Kubernetes"), None, "nothing left to take");
        assert_eq!(rest("show "), None, "nothing typed yet");
        assert_eq!(rest("show xyzzy"), None, "no candidate");
    }

    #[test]
    fn a_bare_prefix_completes_to_the_name_not_the_alias() {
        let v = vocabulary();
        assert_eq!(completed(&v, "show Kube"), "show Kubernetes");
        assert_eq!(completed(&v, "show kuber"), "show Kubernetes");
    }

    #[test]
    fn an_open_quote_completes_to_the_quoted_name() {
        let v = vocabulary();
        assert_eq!(
            completed(&v, r#"show "Site Rel"#),
            r#"show "Site Reliability Engineer""#
        );
        assert_eq!(
            completed(&v, "learn DevOps -> 'site rel"),
            r#"learn DevOps -> "Site Reliability Engineer""#
        );
    }

    #[test]
    fn a_name_with_spaces_is_quoted() {
        let v = vocabulary();
        assert_eq!(
            completed(&v, "path DevOps -> Engineering"),
            r#"path DevOps -> "Engineering manager""#
        );
    }

    #[test]
    fn an_alias_alone_completes_to_itself_and_says_whose_it_is() {
        let v = vocabulary();
        let (_, pairs) = complete(&v, "show K8", 7);
        assert_eq!(
            pairs.len(),
            1,
            "{:?}",
            pairs.iter().map(|p| &p.replacement).collect::<Vec<_>>()
        );
        assert_eq!(pairs[0].replacement, "K8s");
        assert_eq!(pairs[0].display, "K8s → Kubernetes");
    }

    #[test]
    fn a_dataset_completes_after_at_and_from() {
        let v = vocabulary();
        assert_eq!(
            completed(&v, "show Kubernetes@cur"),
            "show Kubernetes@curated"
        );
        assert_eq!(
            completed(&v, r#"show "Site Reliability Engineer"@cu"#),
            r#"show "Site Reliability Engineer"@curated"#
        );
        assert_eq!(completed(&v, "roles from cur"), "roles from curated ");
        assert_eq!(
            completed(&v, "closest [Linux] from cur"),
            "closest [Linux] from curated "
        );
        // `keep pay` alone: the list clauses follow.
        assert_eq!(
            completed(&v, "roles from curated keep pay lim"),
            "roles from curated keep pay limit "
        );
    }

    #[test]
    fn a_kind_qualifier_is_kept_and_filters() {
        let v = vocabulary();
        assert_eq!(completed(&v, "show tool:Promet"), "show tool:Prometheus");
        let (_, roles) = candidates(&v, "show role:");
        assert!(roles.iter().all(|r| r.starts_with("role:")), "{roles:?}");
        assert!(
            roles.contains(&r#"role:"Site Reliability Engineer""#.to_string()),
            "{roles:?}"
        );
    }

    #[test]
    fn every_offered_name_resolves_to_its_node() {
        let graph = skillgraph_import::curated_graph().expect("curated data loads");
        let v = Vocabulary::from_graph(&graph);
        for label in &v.labels {
            let script = skillgraph_query::parse(&format!("show {}", label.reference))
                .unwrap_or_else(|e| panic!("`{}` does not parse: {e:?}", label.reference));
            let skillgraph_query::ast::StatementKind::Show(node) = &script.statements[0].kind
            else {
                panic!("not a show statement");
            };
            assert_eq!(
                graph.resolve(node.kind, &node.name).ok(),
                Some(label.node),
                "`{}` completes to `{}`, which names another node",
                label.label,
                label.reference
            );
        }
    }

    #[test]
    fn statement_keywords_and_clauses_where_they_belong() {
        let v = vocabulary();
        assert_eq!(completed(&v, "rem"), "remove ");
        assert!(candidates(&v, "lea").1.contains(&"learn ".to_string()));
        assert_eq!(completed(&v, "  sho"), "  show ");
        let (_, clauses) = candidates(&v, "path DevOps -> SRE ");
        assert!(clauses.contains(&"via ".to_string()) && clauses.contains(&"by ".to_string()));
        assert!(!clauses.contains(&"where ".to_string()), "{clauses:?}");
        assert_eq!(
            completed(&v, "path DevOps -> SRE by e"),
            "path DevOps -> SRE by effort "
        );
        assert_eq!(completed(&v, "learn DevOps "), "learn DevOps -> ");
        assert_eq!(completed(&v, "link SRE req"), "link SRE requires ");
        assert_eq!(completed(&v, "add sk"), "add skill ");
        assert_eq!(candidates(&v, "skills o").1, ["of ", "order "]);
        assert_eq!(
            completed(&v, "tools of DevO"),
            r#"tools of "DevOps engineer""#
        );
    }

    /// The shell keeps no words of its own: every word it offers after any prefix of any
    /// documented example is one the grammar has (or a field, a name, a profile, a dataset).
    #[test]
    fn every_offered_word_is_the_grammars() {
        let v = vocabulary();
        let operators: Vec<&str> = first_words(Rule::comparison_operator).to_vec();
        let examples = skillgraph_query::reference::STATEMENT_FORMS
            .iter()
            .flat_map(|f| f.examples.iter().copied());
        for line in examples {
            for (end, _) in line.char_indices().chain([(line.len(), ' ')]) {
                let prefix = &line[..end];
                let tokens = syntax::tokens(prefix);
                let typing = tokens
                    .last()
                    .filter(|t| t.end == prefix.len() && t.lexeme != Lexeme::Punct);
                let slot = typing.map_or_else(|| syntax::slot_after(prefix), |t| t.slot.clone());
                if !matches!(slot, Slot::Keywords(_) | Slot::Statement) {
                    continue;
                }
                for candidate in complete(&v, prefix, prefix.len()).1 {
                    let word = candidate.replacement.split(' ').next().unwrap_or_default();
                    let known = KEYWORDS.contains(&word)
                        || operators.contains(&word)
                        || first_words(Rule::per_week).contains(&word);
                    assert!(
                        known,
                        "`{prefix}` offers `{word}`, a word the grammar lacks"
                    );
                }
            }
        }
    }

    #[test]
    fn fields_where_fields_go() {
        let v = vocabulary();
        assert_eq!(completed(&v, "roles order by sal"), "roles order by salary");
        assert_eq!(completed(&v, "roles where requ"), "roles where requires(");
        assert_eq!(completed(&v, "set eBPF effort_h"), "set eBPF effort_hours");
        assert_eq!(
            completed(&v, "show SRE; link SRE requires Linux { imp"),
            "show SRE; link SRE requires Linux { importance"
        );
    }

    #[test]
    fn only_roles_where_a_role_goes_and_no_roles_in_a_profile() {
        let v = vocabulary();
        let (_, roles) = candidates(&v, "compare DevOps, ");
        assert!(
            roles.contains(&r#""Site Reliability Engineer""#.to_string()),
            "{roles:?}"
        );
        assert!(!roles.contains(&"Kubernetes".to_string()), "{roles:?}");
        let (_, held) = candidates(&v, "learn [Kubernetes, ");
        assert!(held.contains(&"Kubernetes".to_string()), "{held:?}");
        assert!(
            !held.contains(&r#""Site Reliability Engineer""#.to_string()),
            "{held:?}"
        );
    }

    #[test]
    fn profiles_complete_after_a_dollar() {
        let v = vocabulary();
        assert_eq!(completed(&v, "learn $t"), "learn $team");
        assert_eq!(completed(&v, "closest $m"), "closest $me");
    }

    #[test]
    fn dot_commands_and_their_arguments() {
        let v = vocabulary();
        assert_eq!(completed(&v, ".fo"), ".format ");
        assert_eq!(completed(&v, ".format j"), ".format json");
        assert_eq!(completed(&v, ".timing of"), ".timing off");
        assert_eq!(completed(&v, ".help comp"), ".help compare");
        let (_, all) = candidates(&v, ".");
        assert_eq!(all.len(), COMMANDS.len());
    }

    #[test]
    fn no_names_where_a_new_name_goes() {
        let v = vocabulary();
        assert!(candidates(&v, "add skill Kube").1.is_empty());
        assert!(candidates(&v, "let Kube").1.is_empty());
    }

    #[test]
    fn completing_inside_a_closed_string_replaces_all_of_it() {
        let line = r#"show "Site Rel" "#;
        assert_eq!(replaced_end(line, 5, 14), 15);
        assert_eq!(replaced_end("show Kub -> x", 5, 7), 8);
        // An open string runs to the end of the line: keep what follows the cursor.
        assert_eq!(replaced_end(r#"show "Site Rel -> x"#, 5, 14), 14);
    }
}
