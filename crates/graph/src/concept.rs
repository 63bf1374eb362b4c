//! One labour market, several datasets: which dataset a node comes from, and which skills and
//! tools of different datasets are one concept.
//!
//! A node's **dataset** is the namespace of its id: `onet` for `onet:tech:kubernetes`, `esco`
//! for `esco:skill:…`, and `curated` for an id without one (the built-in graph, and anything
//! added with `add` or imported from TOML or CSV without a namespace).
//!
//! Two skills or tools of **different** datasets are **linked** (one concept with several
//! sources) when their names are equal once [`normalise`]d (case, punctuation, whitespace), or
//! when an alias the curated graph gives one of its nodes equals the other's normalised name
//! (the explicit way to say that `Python` is ESCO's `Python (computer programming)`), or when
//! one's name spells out the acronym the other is named (O*NET's `Structured query language
//! SQL` and ESCO's `SQL`: [`spelled_acronym`]). Only curated aliases link: O*NET's vendor-less tool names and ESCO's alternative labels are
//! generated or loose, and linking through them would be guessing. Links are transitive
//! (a concept is a connected component). Roles are never linked: occupations of different
//! taxonomies differ in scope even where their titles agree; `NAME@dataset` tells them apart.
//! Nodes of one dataset with the same name stay distinct (O*NET's skill and knowledge
//! `Mathematics`).

use std::collections::HashMap;

use petgraph::stable_graph::NodeIndex;

use crate::graph::Graph;
use crate::model::NodeKind;

/// The dataset of nodes whose id has no namespace.
pub const CURATED: &str = "curated";

/// The dataset a node id belongs to: its namespace (`onet`, `esco`), or [`CURATED`].
pub fn dataset_of(id: &str) -> &str {
    match id.split_once(':') {
        Some((ns, rest))
            if !ns.is_empty()
                && !rest.is_empty()
                && ns.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
        {
            ns
        }
        _ => CURATED,
    }
}

/// A name as compared across datasets: lower case, every run of characters other than letters,
/// digits, `+` and `#` one space (so `C++` and `C#` stay apart from `C`), trimmed.
/// `CI/CD` → `ci cd`, `Node.js` → `node js`, ` SQL ` → `sql`.
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut gap = false;
    for c in name.chars() {
        if c.is_alphanumeric() || c == '+' || c == '#' {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.extend(c.to_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

/// The forms of a role's name to look for in other datasets, as labels (names or aliases,
/// [`Graph::by_label`]): the name, and the name in the other number, since O*NET names
/// occupations in the plural and ESCO in the singular (`Data Scientists`, `data scientist`).
/// Not a link: two datasets' roles of one name may still differ in scope, so answers only
/// point from one to the other.
pub fn role_name_forms(name: &str) -> [String; 2] {
    let name = name.trim();
    let singular = ["ss", "us", "is"].iter().all(|end| !name.ends_with(end));
    let other = match name.strip_suffix('s') {
        Some(stem) if singular && stem.len() >= 3 => stem.to_string(),
        _ => format!("{name}s"),
    };
    [name.to_string(), other]
}

/// The linked groups of a graph, built on first use ([`Graph::linked`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct Concepts {
    /// Each group's members, curated first, then by dataset, then by id.
    groups: Vec<Vec<NodeIndex>>,
    /// Node → its group, for nodes in a group.
    group_of: HashMap<NodeIndex, usize>,
    /// Every dataset that has a node, sorted.
    datasets: Vec<String>,
}

/// Which rule [`keys_of`] follows, stored with the keys a snapshot holds (`derived.rs`): keys
/// stored under another rule are built again, as under another Unicode version. 1: with the
/// acronym a name spells out ([`spelled_acronym`]).
pub(crate) const KEY_RULE: u8 = 1;

/// A node's keys: its normalised name, the acronym it spells out if any ([`spelled_acronym`]),
/// and for a curated node its aliases', without empties.
pub(crate) fn keys_of(dataset: &str, name: &str, aliases: &[String]) -> Vec<String> {
    let mut keys = vec![normalise(name)];
    keys.extend(spelled_acronym(name).map(|(acronym, _)| acronym));
    if dataset == CURATED {
        keys.extend(aliases.iter().map(|a| normalise(a)));
    }
    keys.sort();
    keys.dedup();
    keys.retain(|k| !k.is_empty());
    keys
}

/// Words a spelled-out name may skip (`A programming language APL`: `A` is both).
const SMALL_WORDS: [&str; 10] = [
    "a", "an", "and", "for", "in", "of", "on", "the", "to", "with",
];

/// The acronym a name ends in when the words before it spell it out, normalised, with that
/// spelling: O*NET's `Structured query language SQL` → (`sql`, `structure query language`).
/// The acronym is the last word, in capitals (two or more letters); each word before it gives
/// the acronym its first letter and then any of its later letters in order (`Hypertext markup
/// language HTML`), except that `a`, `of`, `for`, … may give none. Such a name says the same
/// thing twice, so ESCO's `SQL` is the same concept. A name ending in capitals its words do not
/// spell (`Oracle PL/SQL`) has no acronym. The spelling drops a final `ing`, then a final `s`
/// or `d`, from each word, so that O*NET's two spellings of SQL read as one
/// ([`Concepts::build`] refuses to link through an acronym that one dataset spells out in two
/// ways: `Content management systems CMS` and `Career management systems CMS`).
pub(crate) fn spelled_acronym(name: &str) -> Option<(String, String)> {
    let words: Vec<&str> = name
        .split(|c: char| !c.is_alphanumeric() && c != '+' && c != '#')
        .filter(|w| !w.is_empty())
        .collect();
    let (&acronym, before) = words.split_last()?;
    let capitals = acronym.len() >= 2 && acronym.chars().all(|c| c.is_ascii_uppercase());
    if !capitals || before.len() < 2 {
        return None;
    }
    let acronym = acronym.to_ascii_lowercase();
    let before: Vec<String> = before.iter().map(|w| w.to_lowercase()).collect();
    if !spells(&before, acronym.as_bytes()) {
        return None;
    }
    let spelling: Vec<&str> = before
        .iter()
        .map(|w| {
            let w = w.strip_suffix("ing").unwrap_or(w);
            w.strip_suffix(['s', 'd']).unwrap_or(w)
        })
        .collect();
    Some((acronym, spelling.join(" ")))
}

/// Whether `words` spell out `acronym` (lower case): see [`spelled_acronym`]. One pass over
/// the words keeping which prefixes of the acronym they can spell so far: no recursion and no
/// backtracking, so a name of any length (a user may add one) costs words × acronym letters.
fn spells(words: &[String], acronym: &[u8]) -> bool {
    // spelled[j]: the words so far can spell the first j letters.
    let mut spelled = vec![false; acronym.len() + 1];
    spelled[0] = true;
    for word in words {
        let small = SMALL_WORDS.contains(&word.as_str());
        let word = word.as_bytes();
        let mut next = vec![false; acronym.len() + 1];
        for j in (0..=acronym.len()).filter(|&j| spelled[j]) {
            next[j] |= small;
            if acronym.get(j) != word.first() {
                continue;
            }
            // The first letter, then as many more as the rest of the word holds in order
            // (any fewer too: a shorter prefix of a subsequence is one).
            let mut taken = j + 1;
            let mut rest = &word[1..];
            while let Some(at) = acronym
                .get(taken)
                .and_then(|&c| rest.iter().position(|&b| b == c))
            {
                rest = &rest[at + 1..];
                taken += 1;
            }
            next[j + 1..=taken].iter_mut().for_each(|n| *n = true);
        }
        spelled = next;
    }
    spelled[acronym.len()]
}

/// Whether `key` is an acronym that one dataset spells out in two ways (two nodes whose names
/// end in it with different spellings): linking through it would join different things.
fn spelled_two_ways(graph: &Graph, key: &str, nodes: &[NodeIndex]) -> bool {
    let mut spellings: Vec<(&str, String)> = nodes
        .iter()
        .filter_map(|&n| {
            let (acronym, spelling) = spelled_acronym(graph.name_of(n))?;
            (acronym == key).then(|| (dataset_of(graph.id_of(n)), spelling))
        })
        .collect();
    spellings.sort();
    spellings.dedup();
    spellings.windows(2).any(|w| w[0].0 == w[1].0)
}

impl Concepts {
    /// The groups of the base's shared keys, less the base nodes a change replaced or removed,
    /// with the keys of the nodes the changes made.
    pub(crate) fn build(graph: &Graph) -> Concepts {
        // The base's keys come with its body (`derived.rs`): normalising every name was most
        // of the work, and a change to the graph must not redo it.
        let base_keys = graph.base().concept_keys();
        let changed = graph.changed_nodes();
        let shadowed = |ix: &NodeIndex| changed.contains_key(ix);
        // The changed nodes by key, and the datasets they add or take away.
        let mut counts: HashMap<String, usize> =
            base_keys.dataset_counts().iter().cloned().collect();
        let mut changed_by_key: HashMap<String, Vec<NodeIndex>> = HashMap::new();
        for (&ix, node) in changed {
            if graph.base().contains_node(ix) {
                if let Some(c) = counts.get_mut(dataset_of(graph.base().id(ix))) {
                    *c -= 1;
                }
            }
            let Some(node) = node else { continue };
            let dataset = dataset_of(&node.id);
            *counts.entry(dataset.to_string()).or_default() += 1;
            if node.kind == NodeKind::Role {
                continue;
            }
            for key in keys_of(dataset, &node.name, &node.aliases) {
                changed_by_key.entry(key).or_default().push(ix);
            }
        }
        let mut datasets: Vec<String> = counts
            .into_iter()
            .filter(|(_, c)| *c > 0)
            .map(|(d, _)| d)
            .collect();
        datasets.sort();
        let mut keys: Vec<&str> = base_keys
            .shared()
            .chain(changed_by_key.keys().map(String::as_str))
            .collect();
        keys.sort();
        keys.dedup();
        // Union–find over the nodes that share a key with a node of another dataset.
        let mut parent: HashMap<NodeIndex, NodeIndex> = HashMap::new();
        fn root(parent: &mut HashMap<NodeIndex, NodeIndex>, ix: NodeIndex) -> NodeIndex {
            let mut r = ix;
            while let Some(&p) = parent.get(&r) {
                if p == r {
                    break;
                }
                r = p;
            }
            parent.insert(ix, r);
            r
        }
        for key in keys {
            let mut nodes: Vec<NodeIndex> = base_keys
                .nodes(key)
                .filter(|ix| !shadowed(ix))
                .chain(changed_by_key.get(key).into_iter().flatten().copied())
                .collect();
            nodes.sort();
            let Some(&first_node) = nodes.first() else {
                continue;
            };
            let first = dataset_of(graph.id_of(first_node));
            if nodes.iter().all(|&n| dataset_of(graph.id_of(n)) == first)
                || spelled_two_ways(graph, key, &nodes)
            {
                continue;
            }
            for &n in &nodes {
                parent.entry(n).or_insert(n);
            }
            let a = root(&mut parent, nodes[0]);
            for &n in &nodes[1..] {
                let b = root(&mut parent, n);
                if a != b {
                    parent.insert(b, a);
                }
            }
        }
        let mut members: HashMap<NodeIndex, Vec<NodeIndex>> = HashMap::new();
        let linked: Vec<NodeIndex> = parent.keys().copied().collect();
        for ix in linked {
            let r = root(&mut parent, ix);
            members.entry(r).or_default().push(ix);
        }
        let mut groups: Vec<Vec<NodeIndex>> = members.into_values().collect();
        for group in &mut groups {
            group.sort_by(|&a, &b| preference(graph, a, b));
        }
        groups.sort_by(|a, b| preference(graph, a[0], b[0]));
        let mut group_of = HashMap::new();
        for (i, group) in groups.iter().enumerate() {
            for &ix in group {
                group_of.insert(ix, i);
            }
        }
        Concepts {
            groups,
            group_of,
            datasets,
        }
    }
}

/// Which of several linked nodes answers for the concept: the curated one, then by dataset
/// name, then by id.
fn preference(graph: &Graph, a: NodeIndex, b: NodeIndex) -> std::cmp::Ordering {
    let (da, db) = (dataset_of(graph.id_of(a)), dataset_of(graph.id_of(b)));
    (da != CURATED)
        .cmp(&(db != CURATED))
        .then_with(|| da.cmp(db))
        .then_with(|| graph.id_of(a).cmp(graph.id_of(b)))
}

impl Graph {
    fn concepts(&self) -> &Concepts {
        self.concepts.get_or_init(|| Concepts::build(self))
    }

    /// The nodes linked with `ix` as one concept, `ix` included, the one that answers for the
    /// concept first (curated, then by dataset); empty when `ix` is linked with nothing.
    pub fn linked(&self, ix: NodeIndex) -> &[NodeIndex] {
        let concepts = self.concepts();
        concepts
            .group_of
            .get(&ix)
            .map_or(&[], |&g| concepts.groups[g].as_slice())
    }

    /// Whether `a` and `b` are the same node or linked as one concept.
    pub fn same_concept(&self, a: NodeIndex, b: NodeIndex) -> bool {
        a == b
            || {
                let concepts = self.concepts();
                matches!((concepts.group_of.get(&a), concepts.group_of.get(&b)), (Some(x), Some(y)) if x == y)
            }
    }

    /// `ix` and the nodes linked with it.
    pub fn with_linked(&self, ix: NodeIndex) -> impl Iterator<Item = NodeIndex> + '_ {
        let linked = self.linked(ix);
        let alone = linked.is_empty().then_some(ix);
        alone.into_iter().chain(linked.iter().copied())
    }

    /// The dataset of a node ([`dataset_of`] its id).
    pub fn dataset(&self, ix: NodeIndex) -> &str {
        dataset_of(self.id_of(ix))
    }

    /// Every dataset that has a node, sorted.
    pub fn datasets(&self) -> &[String] {
        &self.concepts().datasets
    }

    /// Whether `ix` comes from `source`: its dataset, or one of its sources' keys, ignoring
    /// case (`onet`, `curated`, `onet-29.3`, `bootdev-2023`).
    pub fn is_from(&self, ix: NodeIndex, source: &str) -> bool {
        self.dataset(ix).eq_ignore_ascii_case(source)
            || self
                .sources_of(ix)
                .iter()
                .any(|&s| self.source(s).key.eq_ignore_ascii_case(source))
    }

    /// Whether any node comes from `source` (see [`Graph::is_from`]).
    pub fn knows_source(&self, source: &str) -> bool {
        self.datasets()
            .iter()
            .any(|d| d.eq_ignore_ascii_case(source))
            || self
                .sources()
                .iter()
                .any(|s| s.key.eq_ignore_ascii_case(source))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_role_name_has_its_plural_or_singular_form() {
        for (name, other) in [
            ("Data Scientists", "Data Scientist"),
            ("data scientist", "data scientists"),
            ("Software Developers", "Software Developer"),
            ("Business Process Analysis", "Business Process Analysiss"),
            ("Bus", "Buss"),
            ("Chief Executives", "Chief Executive"),
        ] {
            assert_eq!(role_name_forms(name), [name.to_string(), other.to_string()]);
        }
    }

    use super::*;
    use crate::model::Node;

    /// Names of O*NET 29.3 and ESCO 1.1.1, with the acronym and spelling they give, if any.
    const ACRONYMS: &[(&str, Option<(&str, &str)>)] = &[
        (
            "Structured query language SQL",
            Some(("sql", "structure query language")),
        ),
        (
            "Structure query language SQL",
            Some(("sql", "structure query language")),
        ),
        (
            "Cascading style sheets CSS",
            Some(("css", "casca style sheet")),
        ),
        (
            "Hypertext markup language HTML",
            Some(("html", "hypertext markup language")),
        ),
        (
            "A programming language APL",
            Some(("apl", "a programm language")),
        ),
        (
            "Common business oriented language COBOL",
            Some(("cobol", "common busines oriente language")),
        ),
        (
            "Content management systems CMS",
            Some(("cms", "content management system")),
        ),
        (
            "Career management systems CMS",
            Some(("cms", "career management system")),
        ),
        // The first letter of each word must start the acronym's part.
        ("Extensible markup language XML", None),
        ("Oracle PL/SQL", None),
        ("IBM SPSS", None),
        ("Microsoft SQL Server", None),
        ("Amazon Web Services AWS software", None),
        ("SQL", None),
        ("Salesforce software", None),
        // Small words may give no letter, other words must give one.
        (
            "Management of information systems MIS",
            Some(("mis", "management of information system")),
        ),
        ("Management information and reporting MIS", None),
    ];

    #[test]
    fn acronyms_spelled_out_by_the_words_before_them() {
        for &(name, expected) in ACRONYMS {
            let expected = expected.map(|(a, s)| (a.to_string(), s.to_string()));
            assert_eq!(spelled_acronym(name), expected, "{name}");
        }
    }

    /// A name of any length is read in one pass: no recursion to run out of stack, no
    /// backtracking to run for ever (users may add names).
    #[test]
    fn long_names_are_read_without_recursion_or_backtracking() {
        let many_a = format!("{}{}", "a ".repeat(200_000), "A".repeat(60));
        assert_eq!(spelled_acronym(&many_a).map(|(a, _)| a.len()), Some(60));
        let no_end = format!("{}AB", "alpha ".repeat(200_000));
        assert_eq!(spelled_acronym(&no_end), None);
    }

    #[test]
    fn an_acronym_links_datasets_unless_one_spells_it_two_ways() {
        let mut g = Graph::new();
        let add =
            |g: &mut Graph, id: &str, name: &str| g.add_node(Node::new(id, NodeKind::Tool, name));
        let sql = add(&mut g, "esco:sql", "SQL");
        let structured = add(&mut g, "onet:tech:sql", "Structured query language SQL");
        let structure = add(&mut g, "onet:tech:sql2", "Structure query language SQL");
        let cms = add(&mut g, "esco:cms", "CMS");
        let content = add(&mut g, "onet:tech:cms", "Content management systems CMS");
        let career = add(&mut g, "onet:tech:cms2", "Career management systems CMS");
        let mut linked = g.linked(sql).to_vec();
        linked.sort();
        assert_eq!(linked, vec![sql, structured, structure]);
        for ix in [cms, content, career] {
            assert!(g.linked(ix).len() <= 1, "{:?}", g.linked(ix));
        }
    }

    #[test]
    fn normalising_keeps_letters_digits_plus_and_hash() {
        assert_eq!(normalise("CI/CD"), "ci cd");
        assert_eq!(normalise("  Node.js "), "node js");
        assert_eq!(normalise("C++"), "c++");
        assert_eq!(normalise("C#"), "c#");
        assert_eq!(
            normalise("Structured  Query-Language"),
            "structured query language"
        );
    }

    #[test]
    fn a_dataset_is_the_id_namespace() {
        assert_eq!(dataset_of("onet:tech:kubernetes"), "onet");
        assert_eq!(dataset_of("esco:skill:ab-12"), "esco");
        assert_eq!(dataset_of("kubernetes"), CURATED);
        assert_eq!(dataset_of(":x"), CURATED);
        assert_eq!(dataset_of("a b:c"), CURATED);
    }
}
