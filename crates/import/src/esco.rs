//! The ESCO v1.1.1 importer, [`load_esco_dir`], whose docs say what becomes what and why.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use skillgraph_graph::{Edge, EdgeKind, Graph, Node, NodeIndex, NodeKind, Source, SourceId, Value};

use crate::error::DataErrors;
use crate::report::{ImportReport, Log};
use crate::table::{clean_aliases, Format, Progress, Table};

/// The key of the ESCO source every imported fact carries.
pub const ESCO_SOURCE_KEY: &str = "esco-1.1.1";

const OCCUPATIONS: &str = "occupations_en.csv";
const SKILLS: &str = "skills_en.csv";
const OCCUPATION_SKILLS: &str = "occupationSkillRelations.csv";
const SKILL_SKILLS: &str = "skillSkillRelations.csv";
const BROADER: &str = "broaderRelationsSkillPillar.csv";
const HIERARCHY: &str = "skillsHierarchy_en.csv";

/// `requires` importance of ESCO's `essential` and `optional` (see the module docs).
pub const ESCO_ESSENTIAL_IMPORTANCE: u8 = 5;
pub const ESCO_OPTIONAL_IMPORTANCE: u8 = 2;

const SKIP_UNKNOWN_OCCUPATION: &str = "relations naming an occupation not in occupations_en.csv";
const SKIP_UNKNOWN_SKILL: &str = "relations naming a skill not in skills_en.csv";
const SKIP_UNKNOWN_RELATION: &str = "relations of a type other than essential or optional";
const SKIP_REPEATED: &str = "relations repeating an earlier one";
const SKIP_SKILL_SKILL: &str =
    "skill–skill relations (\"essential/optional for\", not a learning order)";
const SKIP_GROUP_LINKS: &str = "broader links between skill groups (the model has no group nodes)";
const SKIP_EXTRA_BROADER: &str = "broader links beyond the one kept as a skill's category";

/// The source of every fact [`load_esco_dir`] imports.
pub fn esco_source() -> Source {
    Source {
        key: ESCO_SOURCE_KEY.to_string(),
        title: "ESCO classification v1.1.1".to_string(),
        url: Some("https://esco.ec.europa.eu/".to_string()),
        author: None,
        publisher: Some("European Commission".to_string()),
        date: None,
        licence: Some(
            "European Commission reuse policy (Decision 2011/833/EU), attribution required"
                .to_string(),
        ),
    }
}

/// Reads ESCO v1.1.1 as its English CSV download has it (a directory of RFC 4180 files whose
/// quoted fields may hold newlines, `occupations_en.csv` and the others) into a graph of roles,
/// skills and `requires` edges.
///
/// `progress(phase, done, total)` is called first with phase `start` and then now and then:
/// `phase` names the file being read, `done` and `total` count bytes over all the files read,
/// so one bar covers the whole import.
///
/// # Mapping
///
/// | file | becomes |
/// |---|---|
/// | `occupations_en.csv` | a role per occupation: id `esco:occ:<uuid>`, name = preferredLabel, aliases = altLabels (one per line), `description` (else definition), category `ISCO-08 group <iscoGroup>` |
/// | `skills_en.csv` | a skill per concept: id `esco:skill:<uuid>`, name = preferredLabel, aliases = altLabels, `description`, `skill_type`, `reuse_level` |
/// | `occupationSkillRelations.csv` | `requires`: `essential` → importance 5, `optional` → importance 2 |
/// | `broaderRelationsSkillPillar.csv`, `skillsHierarchy_en.csv` | the skill's category: the label of its broader skill group |
/// | `skillSkillRelations.csv` | nothing: counted and reported (below) |
///
/// **Ids.** `<uuid>` is the last segment of the concept URI
/// (`http://data.europa.eu/esco/skill/<uuid>`): ESCO's persistent identifier, kept from version
/// to version, and the key every relation file uses. The `code` column (`2654.1.7`) is shorter but
/// encodes the occupation's place in the ISCO tree, which can change. hiddenLabels (search terms
/// ESCO itself does not show) are not made aliases.
///
/// **Importance.** The model's scale runs from 1 (nice to have) to 5 (essential). ESCO says
/// `essential` — 5 — or `optional`: relevant only for some jobs under the title, which is "nice to
/// have" — 2. That keeps optional skills below 3, the line `min importance 3` and the O*NET
/// import draw for "required", so a filter means the same on both datasets.
///
/// **What the model cannot say.** A `prerequisite` means "learn A before B". ESCO's skill–skill
/// relations say that B is essential or optional *for exercising* A ("plan marketing strategy"
/// needs "marketing principles", but "represent artistic production" equally needs "help
/// coordinate promotional activities", a peer task; one relation even names a skill as related
/// to itself); its hierarchy says that A is *part of* a broader group. Neither states a learning
/// order, so neither becomes an edge: the hierarchy gives each skill its category (the first
/// broader skill group with a label, else the first broader skill), and skill–skill relations
/// are counted in the report. ESCO has no occupation → occupation career moves, so no
/// `transition` edges either, and no effort: skills have no `effort_hours`.
///
/// Every node and edge has the one source [`esco_source`]. A relation naming an occupation or
/// skill the concept files lack is a warning (file and line), counted and skipped; malformed rows
/// are errors, and any error means no graph.
pub fn load_esco_dir(
    dir: &Path,
    progress: &mut dyn FnMut(&str, u64, u64),
) -> Result<(Graph, ImportReport), DataErrors> {
    let mut log = Log::default();
    let mut open = |name: &str, format: Format, columns: &[&str]| {
        Table::open(dir, name, format, columns)
            .map_err(|e| log.error(e))
            .ok()
    };
    let tables = (
        open(
            HIERARCHY,
            // The official file drops trailing empty fields, so its rows vary in length.
            Format::RaggedCsv,
            &[
                "Level 0 URI",
                "Level 0 preferred term",
                "Level 1 URI",
                "Level 1 preferred term",
                "Level 2 URI",
                "Level 2 preferred term",
                "Level 3 URI",
                "Level 3 preferred term",
            ],
        ),
        open(
            SKILLS,
            Format::Csv,
            &[
                "conceptUri",
                "preferredLabel",
                "altLabels",
                "description",
                "definition",
                "skillType",
                "reuseLevel",
            ],
        ),
        open(
            BROADER,
            Format::Csv,
            &["conceptType", "conceptUri", "broaderType", "broaderUri"],
        ),
        open(
            OCCUPATIONS,
            Format::Csv,
            &[
                "conceptUri",
                "preferredLabel",
                "altLabels",
                "description",
                "definition",
                "iscoGroup",
            ],
        ),
        open(
            OCCUPATION_SKILLS,
            Format::Csv,
            &["occupationUri", "relationType", "skillUri"],
        ),
        open(
            SKILL_SKILLS,
            Format::Csv,
            &["originalSkillUri", "relationType", "relatedSkillUri"],
        ),
    );
    let (
        Some(mut hierarchy),
        Some(mut skills),
        Some(mut broader),
        Some(mut occupations),
        Some(mut occupation_skills),
        Some(mut skill_skills),
    ) = tables
    else {
        return Err(log.into_errors());
    };
    let mut progress = Progress::new(
        progress,
        &[
            &hierarchy,
            &skills,
            &broader,
            &occupations,
            &occupation_skills,
            &skill_skills,
        ],
    );
    let mut graph = Graph::new();
    let source = graph.add_source(esco_source());
    let mut load = EscoLoad {
        log,
        graph,
        source,
        group_labels: HashMap::new(),
        skills: Vec::new(),
        skill_by_uri: HashMap::new(),
        occupation_by_uri: HashMap::new(),
        ids: HashSet::new(),
        notes: Vec::new(),
    };
    load.read_hierarchy(&mut hierarchy, &mut progress);
    load.read_skills(&mut skills, &mut progress);
    load.read_broader(&mut broader, &mut progress);
    load.add_skills();
    load.read_occupations(&mut occupations, &mut progress);
    load.read_occupation_skills(&mut occupation_skills, &mut progress);
    load.read_skill_skills(&mut skill_skills, &mut progress);
    if load.log.has_errors() {
        return Err(load.log.into_errors());
    }
    Ok(load.finish())
}

/// A skill as read, before its category is known.
struct SkillRow {
    /// Until it moves into the graph.
    node: Option<Node>,
    /// Broader concepts in file order: (URI, whether it is a skill group).
    broader: Vec<(String, bool)>,
    ix: Option<NodeIndex>,
}

struct EscoLoad {
    log: Log,
    graph: Graph,
    source: SourceId,
    /// Skill group URI → preferred term, from the hierarchy file.
    group_labels: HashMap<String, String>,
    skills: Vec<SkillRow>,
    skill_by_uri: HashMap<String, usize>,
    occupation_by_uri: HashMap<String, NodeIndex>,
    /// Every id given so far, so two URIs ending alike cannot share one.
    ids: HashSet<String>,
    notes: Vec<String>,
}

impl EscoLoad {
    fn read_hierarchy(&mut self, t: &mut Table, progress: &mut Progress<'_>) {
        while t.next_row(&mut self.log, progress) {
            let fields: [&str; 8] = t.fields();
            for pair in fields.chunks(2) {
                if let [uri, label] = pair {
                    if !uri.is_empty() && !label.is_empty() {
                        self.group_labels
                            .entry(uri.to_string())
                            .or_insert_with(|| label.to_string());
                    }
                }
            }
        }
    }

    /// A node for a concept row, or an error and `None` when the row cannot make one.
    fn concept(
        &mut self,
        t: &Table,
        kind: NodeKind,
        uri: &str,
        label: &str,
        alt_labels: &str,
        description: &str,
    ) -> Option<Node> {
        let Some(tail) = uri_tail(uri) else {
            self.log.error(t.here(format!(
                "the conceptUri `{uri}` does not end in an ESCO identifier"
            )));
            return None;
        };
        if label.is_empty() {
            self.log
                .error(t.here(format!("`{uri}` has no preferredLabel")));
            return None;
        }
        let prefix = if kind == NodeKind::Role {
            "esco:occ:"
        } else {
            "esco:skill:"
        };
        let id = format!("{prefix}{tail}");
        if !self.ids.insert(id.clone()) {
            self.log.error(t.here(format!(
                "`{uri}` gives the id `{id}`, which an earlier row already has"
            )));
            return None;
        }
        let mut node = Node::new(id, kind, label);
        node.sources = vec![self.source];
        node.aliases = clean_aliases(label, alt_labels.lines());
        if !description.is_empty() {
            node.fields.insert(
                "description".to_string(),
                Value::Text(description.to_string()),
            );
        }
        Some(node)
    }

    fn read_skills(&mut self, t: &mut Table, progress: &mut Progress<'_>) {
        while t.next_row(&mut self.log, progress) {
            let [uri, label, alt_labels, description, definition, skill_type, reuse_level] =
                t.fields();
            if self.skill_by_uri.contains_key(uri) {
                self.log
                    .error(t.here(format!("the skill `{uri}` is listed twice")));
                continue;
            }
            let description = if description.is_empty() {
                definition
            } else {
                description
            };
            let Some(mut node) =
                self.concept(t, NodeKind::Skill, uri, label, alt_labels, description)
            else {
                continue;
            };
            for (field, value) in [("skill_type", skill_type), ("reuse_level", reuse_level)] {
                if !value.is_empty() {
                    node.fields
                        .insert(field.to_string(), Value::Text(value.to_string()));
                }
            }
            self.skill_by_uri.insert(uri.to_string(), self.skills.len());
            self.skills.push(SkillRow {
                node: Some(node),
                broader: Vec::new(),
                ix: None,
            });
        }
    }

    fn read_broader(&mut self, t: &mut Table, progress: &mut Progress<'_>) {
        while t.next_row(&mut self.log, progress) {
            let [concept_type, uri, broader_type, broader_uri] = t.fields();
            match self.skill_by_uri.get(uri) {
                Some(&skill) => self.skills[skill]
                    .broader
                    .push((broader_uri.to_string(), broader_type == "SkillGroup")),
                None if concept_type == "SkillGroup" => self.log.skip(SKIP_GROUP_LINKS, 1),
                None => self.log.warn(
                    t.here(format!(
                        "`{uri}` is not a skill in {SKILLS}; broader link skipped"
                    )),
                    SKIP_UNKNOWN_SKILL,
                ),
            }
        }
    }

    /// Gives each skill its category and moves it into the graph.
    fn add_skills(&mut self) {
        let label_of = |(uri, is_group): &(String, bool)| {
            if *is_group {
                self.group_labels.get(uri).cloned()
            } else {
                let skill = &self.skills[*self.skill_by_uri.get(uri)?];
                skill.node.as_ref().map(|n| n.name.clone())
            }
        };
        let categories: Vec<Option<String>> = self
            .skills
            .iter()
            .map(|skill| {
                let (groups, skills) = (skill.broader.iter(), skill.broader.iter());
                groups
                    .filter(|b| b.1)
                    .find_map(label_of)
                    .or_else(|| skills.filter(|b| !b.1).find_map(label_of))
            })
            .collect();
        let (mut unused, mut without_category) = (0, 0);
        for (skill, category) in self.skills.iter_mut().zip(categories) {
            let broader = std::mem::take(&mut skill.broader);
            unused += broader.len() - usize::from(category.is_some());
            without_category += usize::from(category.is_none());
            if let Some(mut node) = skill.node.take() {
                node.category = category;
                skill.ix = Some(self.graph.add_node(node));
            }
        }
        self.log.skip(SKIP_EXTRA_BROADER, unused);
        self.notes.push(format!(
            "skill hierarchy: a skill's category is its broader skill group (else its broader \
             skill); \"broader\" is not a learning order, so it makes no prerequisite; \
             {without_category} skills have no category"
        ));
    }

    fn read_occupations(&mut self, t: &mut Table, progress: &mut Progress<'_>) {
        while t.next_row(&mut self.log, progress) {
            let [uri, label, alt_labels, description, definition, isco_group] = t.fields();
            if self.occupation_by_uri.contains_key(uri) {
                self.log
                    .error(t.here(format!("the occupation `{uri}` is listed twice")));
                continue;
            }
            let description = if description.is_empty() {
                definition
            } else {
                description
            };
            let Some(mut node) =
                self.concept(t, NodeKind::Role, uri, label, alt_labels, description)
            else {
                continue;
            };
            if !isco_group.is_empty() {
                node.category = Some(format!("ISCO-08 group {isco_group}"));
            }
            let ix = self.graph.add_node(node);
            self.occupation_by_uri.insert(uri.to_string(), ix);
        }
    }

    fn skill(&mut self, t: &Table, uri: &str) -> Option<NodeIndex> {
        let found = self.skill_by_uri.get(uri).and_then(|&s| self.skills[s].ix);
        if found.is_none() {
            self.log.warn(
                t.here(format!("`{uri}` is not a skill in {SKILLS}; row skipped")),
                SKIP_UNKNOWN_SKILL,
            );
        }
        found
    }

    fn read_occupation_skills(&mut self, t: &mut Table, progress: &mut Progress<'_>) {
        let mut pairs: HashSet<(NodeIndex, NodeIndex)> = HashSet::new();
        while t.next_row(&mut self.log, progress) {
            let [occupation_uri, relation, skill_uri] = t.fields();
            let Some(&role) = self.occupation_by_uri.get(occupation_uri) else {
                self.log.warn(
                    t.here(format!(
                        "`{occupation_uri}` is not an occupation in {OCCUPATIONS}; row skipped"
                    )),
                    SKIP_UNKNOWN_OCCUPATION,
                );
                continue;
            };
            let Some(skill) = self.skill(t, skill_uri) else {
                continue;
            };
            let importance = match relation {
                "essential" => ESCO_ESSENTIAL_IMPORTANCE,
                "optional" => ESCO_OPTIONAL_IMPORTANCE,
                other => {
                    self.log.warn(
                        t.here(format!(
                            "the relation type `{other}` is neither essential nor optional; row skipped"
                        )),
                        SKIP_UNKNOWN_RELATION,
                    );
                    continue;
                }
            };
            if !pairs.insert((role, skill)) {
                self.log.warn(
                    t.here("this occupation–skill pair is listed twice; row skipped"),
                    SKIP_REPEATED,
                );
                continue;
            }
            let mut edge = Edge::new(EdgeKind::Requires);
            edge.importance = Some(importance);
            edge.sources = vec![self.source];
            self.graph.add_edge(role, skill, edge);
        }
    }

    fn read_skill_skills(&mut self, t: &mut Table, progress: &mut Progress<'_>) {
        let (mut essential, mut optional, mut to_itself) = (0, 0, 0);
        while t.next_row(&mut self.log, progress) {
            let [from, relation, to] = t.fields();
            let Some(a) = self.skill(t, from) else {
                continue;
            };
            let Some(b) = self.skill(t, to) else {
                continue;
            };
            match relation {
                "essential" => essential += 1,
                "optional" => optional += 1,
                _ => {}
            }
            to_itself += usize::from(a == b);
            self.log.skip(SKIP_SKILL_SKILL, 1);
        }
        self.notes.push(format!(
            "skill–skill relations ({essential} essential, {optional} optional) say a skill is \
             needed or useful for exercising another, not that it must be learnt first, so none \
             becomes a prerequisite ({to_itself} of them relate a skill to itself)"
        ));
    }

    fn finish(mut self) -> (Graph, ImportReport) {
        let mut notes = vec![
            "ESCO has no occupation → occupation career transitions: this import adds no \
             `transition` edges"
                .to_string(),
            format!(
                "requires: ESCO `essential` → importance {ESCO_ESSENTIAL_IMPORTANCE}, `optional` \
                 → importance {ESCO_OPTIONAL_IMPORTANCE} (nice to have, below `min importance 3`)"
            ),
            "skills carry no effort_hours: ESCO does not say how long a skill takes to learn"
                .to_string(),
        ];
        notes.append(&mut self.notes);
        let report = self.log.into_report(&self.graph, self.source, notes);
        (self.graph, report)
    }
}

/// `c46fcb45-…` for `http://data.europa.eu/esco/skill/c46fcb45-…`, lower-cased, if it is a
/// usable id segment.
fn uri_tail(uri: &str) -> Option<String> {
    let tail = uri.rsplit('/').next()?;
    let usable = !tail.is_empty()
        && tail
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    usable.then(|| tail.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_the_uri_tail() {
        assert_eq!(
            uri_tail("http://data.europa.eu/esco/skill/0005C151-5b5a").as_deref(),
            Some("0005c151-5b5a")
        );
        assert_eq!(uri_tail("http://data.europa.eu/esco/skill/"), None);
        assert_eq!(uri_tail("a b"), None);
    }
}
