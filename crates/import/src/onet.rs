//! The O*NET 29.3 importer, [`load_onet_dir`], whose docs say what becomes what and why.
//!
//! Also home of what both public-dataset importers share (the report, the table reader, the
//! progress counter), used by `esco.rs`: `lib.rs` declares only the two importer modules.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::io::Cursor;
use std::path::Path;

use skillgraph_graph::algo::effort::{
    HOURS_PER_LEVEL, HOURS_PER_LEVEL_ANY_ZONE, HOURS_PER_LEVEL_BY_ZONE,
};
use skillgraph_graph::{
    Edge, EdgeKind, Graph, Node, NodeKind, Source, SourceId, Value, ESTIMATE_SOURCE, FIELD_SOURCES,
};

use crate::error::{DataError, DataErrors};

/// The key of the O*NET source every imported fact carries.
pub const ONET_SOURCE_KEY: &str = "onet-29.3";

const OCCUPATION_DATA: &str = "Occupation Data.txt";
const JOB_ZONES: &str = "Job Zones.txt";
const ALTERNATE_TITLES: &str = "Alternate Titles.txt";
const CONTENT_MODEL: &str = "Content Model Reference.txt";
const SKILLS: &str = "Skills.txt";
const KNOWLEDGE: &str = "Knowledge.txt";
const TECHNOLOGY_SKILLS: &str = "Technology Skills.txt";
const RELATED_OCCUPATIONS: &str = "Related Occupations.txt";

const SKILL_CATEGORY: &str = "O*NET skill";
const KNOWLEDGE_CATEGORY: &str = "O*NET knowledge";

const SKIP_UNKNOWN_OCCUPATION: &str = "rows naming an occupation not in Occupation Data.txt";
const SKIP_REPEATED: &str = "rows repeating an earlier row";
const SKIP_NOT_RELEVANT: &str = "ratings flagged Not Relevant";
const SKIP_SUPPRESSED: &str = "ratings whose importance (IM) is flagged Recommend Suppress";
const SKIP_OUT_OF_SCALE: &str = "rating rows whose value is outside its scale (IM 1–5, LV 0–7)";
const SKIP_NO_IMPORTANCE: &str = "ratings with a level (LV) but no importance (IM)";
const SKIP_OTHER_SCALE: &str = "rating rows on a scale other than IM or LV";
const SKIP_SELF_LINK: &str = "related occupations naming the occupation itself";
const SKIP_NAMELESS_TOOL: &str = "technology rows whose example has no letters or digits";

/// Vendors whose name, leading a technology's name, can be dropped to give an alias: users say
/// "Terraform" and "Excel", O*NET says "IBM Terraform" and "Microsoft Excel".
const VENDORS: &[&str] = &[
    "Adobe",
    "Amazon",
    "Apache",
    "Apple",
    "Atlassian",
    "Autodesk",
    "Cisco",
    "Google",
    "IBM",
    "Intuit",
    "Microsoft",
    "Oracle",
    "Red Hat",
    "Salesforce",
    "SAP",
    "VMware",
];

/// The source of every fact [`load_onet_dir`] imports.
pub fn onet_source() -> Source {
    Source {
        key: ONET_SOURCE_KEY.to_string(),
        title: "O*NET 29.3 Database".to_string(),
        url: Some("https://www.onetcenter.org/database.html".to_string()),
        author: None,
        publisher: Some(
            "U.S. Department of Labor, Employment and Training Administration".to_string(),
        ),
        date: Some("2025-05".to_string()),
        licence: Some("CC BY 4.0".to_string()),
    }
}

/// Reads O*NET 29.3 as its "Text" download has it (a directory of tab-separated files with a
/// header row and no quoting, `Occupation Data.txt` and the others) into a graph of roles,
/// skills, tools and their `requires`, `uses` and `transition` edges.
///
/// `progress(phase, done, total)` is called first with phase `start` and then now and then:
/// `phase` names the file being read, `done` and `total` count bytes over all the files read,
/// so one bar covers the whole import.
///
/// # Mapping
///
/// | file | becomes |
/// |---|---|
/// | `Occupation Data.txt` | a role per occupation: id `onet:<O*NET-SOC code>` (`onet:15-1252.00`), name = title, `description` |
/// | `Job Zones.txt` | the role's `job_zone` (1–5) |
/// | `Alternate Titles.txt` | the role's aliases: alternate and short titles, deduplicated ignoring case, without the name itself |
/// | `Skills.txt`, `Knowledge.txt` | a skill per element: id `onet:<element id>` lower-cased (`onet:2.a.1.a`), category `O*NET skill` / `O*NET knowledge`; `requires` edges (below) |
/// | `Content Model Reference.txt` | the skills' `description` |
/// | `Technology Skills.txt` | a tool per example (below) and a `uses` edge per row |
/// | `Related Occupations.txt` | a `transition` per row, with the fields `tier` (text) and `rank` (the Index, 1 = closest) |
///
/// **`requires`.** O*NET rates every occupation on every element twice: importance (scale IM,
/// 1–5) and level (scale LV, 0–7). Every rating becomes a `requires` edge: its importance is IM
/// rounded to the nearest whole number (halves up), and LV is kept as the edge field `level`.
/// Ratings of importance 1–2 ("not important" on O*NET's scale) are kept because their level is
/// what a person in the occupation holds, which plans from that occupation need; statements
/// count a need only from importance 3 unless told otherwise (`min importance`). A rating is
/// skipped when either row is flagged Not Relevant, or when its IM row is flagged Recommend
/// Suppress (O*NET's mark for an estimate too imprecise to use); a suppressed LV is kept, with
/// the field `level_suppressed`, since without it the skill would look held in full. A value outside its scale is a warning with its file and line, and its row is
/// skipped, never clamped. Every skipped rating is counted in the report.
///
/// **Ids** are lower-case slugs like every id in the graph, so an exported graph reads back as
/// `graphdata` (which accepts no capitals); the resolver lower-cases what a user types, so
/// `onet:2.A.1.a`, as O*NET writes it, still finds `onet:2.a.1.a`.
///
/// **Effort.** Skills carry no `effort_hours` and transitions no `effort_hours`: O*NET says
/// nothing about how long either takes, so route costs come from learning plans, and plans over
/// O*NET skills have unknown hours until someone adds estimates.
///
/// **Tools.** One tool per distinct Example name: id `onet:tech:<slug>` (lower-case ASCII letters,
/// digits and `.`, other runs become `-`; `+` becomes `p` and `#` becomes `sharp`, so C++ is
/// `cpp` and C# is `csharp`; a slug already taken by another name gets `-2`, `-3`, … in file
/// order). Category = the UNSPSC commodity title given most often for it (ties: the first seen).
/// `hot_technology` is true when any occupation's row flags it (O*NET flags a technology
/// alike in every row). In Demand is O*NET's word for one occupation and one technology
/// (Microsoft Excel is in demand for 345 occupations and not for 514), so it lives on the
/// `uses` edge, never on the tool: an edge whose row says Y carries the field
/// `in_demand: true`; the others carry no field, so they stay small, and read as N (an O*NET
/// `uses` edge without the field is not in demand). Names keep their vendor ("IBM Terraform"); a
/// name starting with a well-known vendor also answers to the rest ("Terraform") as an alias.
///
/// Every node and edge has the one source [`onet_source`]. Rows naming an occupation that
/// `Occupation Data.txt` lacks are warnings (file and line), counted and skipped; malformed rows
/// (wrong number of fields, a value that is not a number) are errors, and any error means no graph.
pub fn load_onet_dir(
    dir: &Path,
    progress: &mut dyn FnMut(&str, u64, u64),
) -> Result<(Graph, ImportReport), DataErrors> {
    let mut log = Log::default();
    let mut open = |name: &str, columns: &[&str]| {
        Table::open(dir, name, Format::Tabs, columns)
            .map_err(|e| log.error(e))
            .ok()
    };
    let tables = (
        open(OCCUPATION_DATA, &["O*NET-SOC Code", "Title", "Description"]),
        open(JOB_ZONES, &["O*NET-SOC Code", "Job Zone"]),
        open(
            ALTERNATE_TITLES,
            &["O*NET-SOC Code", "Alternate Title", "Short Title"],
        ),
        open(CONTENT_MODEL, &["Element ID", "Description"]),
        open(SKILLS, RATING_COLUMNS),
        open(KNOWLEDGE, RATING_COLUMNS),
        open(
            TECHNOLOGY_SKILLS,
            &[
                "O*NET-SOC Code",
                "Example",
                "Commodity Title",
                "Hot Technology",
                "In Demand",
            ],
        ),
        open(
            RELATED_OCCUPATIONS,
            &[
                "O*NET-SOC Code",
                "Related O*NET-SOC Code",
                "Relatedness Tier",
                "Index",
            ],
        ),
    );
    let (
        Some(mut occupations),
        Some(mut job_zones),
        Some(mut alternate_titles),
        Some(mut content_model),
        Some(mut skills),
        Some(mut knowledge),
        Some(mut technology),
        Some(mut related),
    ) = tables
    else {
        return Err(log.into_errors());
    };
    let mut progress = Progress::new(
        progress,
        &[
            &occupations,
            &job_zones,
            &alternate_titles,
            &content_model,
            &skills,
            &knowledge,
            &technology,
            &related,
        ],
    );
    let mut load = OnetLoad {
        log,
        occupations: Vec::new(),
        occupation_by_code: HashMap::new(),
        elements: Vec::new(),
        element_by_id: HashMap::new(),
        element_descriptions: HashMap::new(),
        ratings: Vec::new(),
        rating_by_pair: HashMap::new(),
        tools: Vec::new(),
        tool_by_name: HashMap::new(),
        tool_ids: HashSet::new(),
        uses: Vec::new(),
        transitions: Vec::new(),
        renamed_tools: 0,
    };
    load.read_occupations(&mut occupations, &mut progress);
    load.read_job_zones(&mut job_zones, &mut progress);
    load.read_alternate_titles(&mut alternate_titles, &mut progress);
    load.read_content_model(&mut content_model, &mut progress);
    load.read_ratings(&mut skills, SKILL_CATEGORY, &mut progress);
    load.read_ratings(&mut knowledge, KNOWLEDGE_CATEGORY, &mut progress);
    load.read_technology(&mut technology, &mut progress);
    load.read_related(&mut related, &mut progress);
    if load.log.has_errors() {
        return Err(load.log.into_errors());
    }
    Ok(load.build())
}

const RATING_COLUMNS: &[&str] = &[
    "O*NET-SOC Code",
    "Element ID",
    "Element Name",
    "Scale ID",
    "Data Value",
    "Recommend Suppress",
    "Not Relevant",
];

struct Occupation {
    code: String,
    title: String,
    description: String,
    job_zone: Option<u8>,
    /// Alternate and short titles as found; cleaned when the node is built.
    titles: Vec<String>,
    has_skill_rows: bool,
}

struct Element {
    id: String,
    name: String,
    category: &'static str,
}

/// One occupation's rating on one element: the IM and LV rows together.
#[derive(Default)]
struct Rating {
    occupation: usize,
    element: usize,
    importance: Option<f64>,
    importance_suppressed: bool,
    level: Option<f64>,
    level_suppressed: bool,
    not_relevant: bool,
}

struct Tool {
    id: String,
    name: String,
    /// Commodity titles with how often they were given, in the order first seen.
    categories: Vec<(String, usize)>,
    hot: bool,
}

struct Uses {
    occupation: usize,
    tool: usize,
    in_demand: bool,
}

struct Related {
    from: usize,
    to: usize,
    tier: String,
    rank: u32,
}

struct OnetLoad {
    log: Log,
    occupations: Vec<Occupation>,
    occupation_by_code: HashMap<String, usize>,
    elements: Vec<Element>,
    /// Lower-cased element id → index in `elements`.
    element_by_id: HashMap<String, usize>,
    element_descriptions: HashMap<String, String>,
    ratings: Vec<Rating>,
    rating_by_pair: HashMap<(usize, usize), usize>,
    tools: Vec<Tool>,
    tool_by_name: HashMap<String, usize>,
    tool_ids: HashSet<String>,
    uses: Vec<Uses>,
    transitions: Vec<Related>,
    renamed_tools: usize,
}

impl OnetLoad {
    /// The occupation a row names, or a warning and `None`.
    fn occupation(&mut self, table: &Table, code: &str) -> Option<usize> {
        let found = self.occupation_by_code.get(code).copied();
        if found.is_none() {
            self.log.warn(
                table.here(format!(
                    "`{code}` is not an occupation in {OCCUPATION_DATA}; row skipped"
                )),
                SKIP_UNKNOWN_OCCUPATION,
            );
        }
        found
    }

    fn read_occupations(&mut self, t: &mut Table, progress: &mut Progress<'_>) {
        while t.next_row(&mut self.log, progress) {
            let [code, title, description] = t.fields();
            if !is_onet_code(code) {
                self.log
                    .error(t.here(format!("`{code}` is not an O*NET-SOC code")));
                continue;
            }
            if title.is_empty() {
                self.log
                    .error(t.here(format!("the occupation `{code}` has no title")));
                continue;
            }
            if self.occupation_by_code.contains_key(code) {
                self.log
                    .error(t.here(format!("the occupation `{code}` is listed twice")));
                continue;
            }
            self.occupation_by_code
                .insert(code.to_string(), self.occupations.len());
            self.occupations.push(Occupation {
                code: code.to_string(),
                title: title.to_string(),
                description: description.to_string(),
                job_zone: None,
                titles: Vec::new(),
                has_skill_rows: false,
            });
        }
    }

    fn read_job_zones(&mut self, t: &mut Table, progress: &mut Progress<'_>) {
        while t.next_row(&mut self.log, progress) {
            let [code, zone] = t.fields();
            let zone = match zone.parse::<u8>() {
                Ok(z) if (1..=5).contains(&z) => z,
                _ => {
                    self.log.error(t.here(format!(
                        "the job zone `{zone}` is not a whole number from 1 to 5"
                    )));
                    continue;
                }
            };
            let Some(occ) = self.occupation(t, code) else {
                continue;
            };
            if self.occupations[occ].job_zone.is_some() {
                self.log.warn(
                    t.here(format!(
                        "`{code}` already has a job zone; this row is skipped"
                    )),
                    SKIP_REPEATED,
                );
                continue;
            }
            self.occupations[occ].job_zone = Some(zone);
        }
    }

    fn read_alternate_titles(&mut self, t: &mut Table, progress: &mut Progress<'_>) {
        while t.next_row(&mut self.log, progress) {
            let [code, title, short] = t.fields();
            let Some(occ) = self.occupation(t, code) else {
                continue;
            };
            let titles = &mut self.occupations[occ].titles;
            titles.extend([title, short].iter().map(|s| s.to_string()));
        }
    }

    fn read_content_model(&mut self, t: &mut Table, progress: &mut Progress<'_>) {
        while t.next_row(&mut self.log, progress) {
            let [id, description] = t.fields();
            if !description.is_empty() {
                self.element_descriptions
                    .insert(id.to_string(), description.to_string());
            }
        }
    }

    fn read_ratings(&mut self, t: &mut Table, category: &'static str, progress: &mut Progress<'_>) {
        while t.next_row(&mut self.log, progress) {
            let [code, element_id, element_name, scale, value, suppress, not_relevant] = t.fields();
            let is_importance = match scale {
                "IM" => true,
                "LV" => false,
                _ => {
                    self.log.skip(SKIP_OTHER_SCALE, 1);
                    continue;
                }
            };
            let Some(value) = parse_number(value) else {
                self.log
                    .error(t.here(format!("the data value `{value}` is not a number")));
                continue;
            };
            let (low, high) = if is_importance {
                (1.0, 5.0)
            } else {
                (0.0, 7.0)
            };
            if !(low..=high).contains(&value) {
                self.log.warn(
                    t.here(format!(
                        "the {scale} value {value} is outside O*NET's {scale} scale ({low}–{high}); this row is skipped"
                    )),
                    SKIP_OUT_OF_SCALE,
                );
                continue;
            }
            if !is_element_id(element_id) || element_name.is_empty() {
                self.log.error(t.here(format!(
                    "`{element_id}` (`{element_name}`) is not an O*NET element id and name"
                )));
                continue;
            }
            let Some(occ) = self.occupation(t, code) else {
                continue;
            };
            if category == SKILL_CATEGORY {
                self.occupations[occ].has_skill_rows = true;
            }
            // Keyed as the id will be, lower-cased, so no two elements can end up sharing one.
            let key = element_id.to_ascii_lowercase();
            let element = match self.element_by_id.get(&key) {
                Some(&e) => e,
                None => {
                    self.element_by_id.insert(key, self.elements.len());
                    self.elements.push(Element {
                        id: element_id.to_string(),
                        name: element_name.to_string(),
                        category,
                    });
                    self.elements.len() - 1
                }
            };
            let next = self.ratings.len();
            let slot = *self.rating_by_pair.entry((occ, element)).or_insert(next);
            if slot == next {
                self.ratings.push(Rating {
                    occupation: occ,
                    element,
                    ..Rating::default()
                });
            }
            let rating = &mut self.ratings[slot];
            let (value_slot, suppressed_slot) = if is_importance {
                (&mut rating.importance, &mut rating.importance_suppressed)
            } else {
                (&mut rating.level, &mut rating.level_suppressed)
            };
            if value_slot.is_some() {
                self.log.warn(
                    t.here(format!(
                        "`{code}` already has a {scale} rating for `{element_id}`; this row is skipped"
                    )),
                    SKIP_REPEATED,
                );
                continue;
            }
            *value_slot = Some(value);
            *suppressed_slot = flag(suppress);
            rating.not_relevant |= flag(not_relevant);
        }
    }

    fn read_technology(&mut self, t: &mut Table, progress: &mut Progress<'_>) {
        let mut pairs: HashSet<(usize, usize)> = HashSet::new();
        while t.next_row(&mut self.log, progress) {
            let [code, example, commodity, hot, in_demand] = t.fields();
            let Some(occ) = self.occupation(t, code) else {
                continue;
            };
            let tool = match self.tool_by_name.get(example) {
                Some(&tool) => tool,
                None => {
                    let base = tool_slug(example);
                    if base.is_empty() {
                        self.log.warn(
                            t.here(format!(
                                "the technology `{example}` has no letters or digits; row skipped"
                            )),
                            SKIP_NAMELESS_TOOL,
                        );
                        continue;
                    }
                    let mut id = format!("onet:tech:{base}");
                    let mut n = 1;
                    while self.tool_ids.contains(&id) {
                        n += 1;
                        id = format!("onet:tech:{base}-{n}");
                    }
                    if n > 1 {
                        self.renamed_tools += 1;
                    }
                    self.tool_ids.insert(id.clone());
                    self.tool_by_name
                        .insert(example.to_string(), self.tools.len());
                    self.tools.push(Tool {
                        id,
                        name: example.to_string(),
                        categories: Vec::new(),
                        hot: false,
                    });
                    self.tools.len() - 1
                }
            };
            if !pairs.insert((occ, tool)) {
                self.log.warn(
                    t.here(format!(
                        "`{code}` already lists the technology `{example}`; this row is skipped"
                    )),
                    SKIP_REPEATED,
                );
                continue;
            }
            let entry = &mut self.tools[tool];
            entry.hot |= flag(hot);
            if !commodity.is_empty() {
                match entry.categories.iter_mut().find(|(c, _)| c == commodity) {
                    Some((_, count)) => *count += 1,
                    None => entry.categories.push((commodity.to_string(), 1)),
                }
            }
            self.uses.push(Uses {
                occupation: occ,
                tool,
                in_demand: flag(in_demand),
            });
        }
    }

    fn read_related(&mut self, t: &mut Table, progress: &mut Progress<'_>) {
        let mut pairs: HashSet<(usize, usize)> = HashSet::new();
        while t.next_row(&mut self.log, progress) {
            let [code, related, tier, index] = t.fields();
            let Ok(rank) = index.parse::<u32>() else {
                self.log
                    .error(t.here(format!("the index `{index}` is not a whole number")));
                continue;
            };
            let Some(from) = self.occupation(t, code) else {
                continue;
            };
            let Some(to) = self.occupation(t, related) else {
                continue;
            };
            if from == to {
                self.log.warn(
                    t.here(format!(
                        "`{code}` is listed as related to itself; row skipped"
                    )),
                    SKIP_SELF_LINK,
                );
                continue;
            }
            if !pairs.insert((from, to)) {
                self.log.warn(
                    t.here(format!(
                        "`{code}` → `{related}` is listed twice; this row is skipped"
                    )),
                    SKIP_REPEATED,
                );
                continue;
            }
            self.transitions.push(Related {
                from,
                to,
                tier: tier.to_string(),
                rank,
            });
        }
    }

    /// Per element, the project's estimate of the hours one level point takes: the median,
    /// over the occupations that need it (importance ≥ 3, with a Job Zone), of their zone's
    /// hours per level point (docs/EFFORT.md). A property of the element, not of the role
    /// learnt for, so a plan costs the same whichever roles a route passes through.
    fn hours_per_level(&self) -> Vec<Option<f64>> {
        let mut per_element: Vec<Vec<f64>> = vec![Vec::new(); self.elements.len()];
        for rating in &self.ratings {
            let needed = rating.importance.is_some_and(|im| im.round() >= 3.0)
                && !rating.not_relevant
                && !rating.importance_suppressed;
            if let (true, Some(zone)) = (needed, self.occupations[rating.occupation].job_zone) {
                per_element[rating.element].push(HOURS_PER_LEVEL_BY_ZONE[usize::from(zone - 1)]);
            }
        }
        per_element
            .into_iter()
            .map(|mut rates| {
                if rates.is_empty() {
                    return None;
                }
                rates.sort_by(f64::total_cmp);
                let mid = rates.len() / 2;
                Some(if rates.len() % 2 == 1 {
                    rates[mid]
                } else {
                    (rates[mid - 1] + rates[mid]) / 2.0
                })
            })
            .collect()
    }

    fn build(mut self) -> (Graph, ImportReport) {
        let mut graph = Graph::new();
        let source = graph.add_source(onet_source());
        // Named by the skills' `field_sources` for the rate the project estimates.
        graph.add_source(Source::project_estimate());
        let node = |id: String, kind, name: &str| {
            let mut node = Node::new(id, kind, name);
            node.sources = vec![source];
            node
        };

        let mut roles = Vec::with_capacity(self.occupations.len());
        let mut without_skill_rows = 0;
        for occ in &mut self.occupations {
            let mut role = node(format!("onet:{}", occ.code), NodeKind::Role, &occ.title);
            role.aliases = clean_aliases(&occ.title, occ.titles.iter().map(String::as_str));
            set_text(
                &mut role,
                "description",
                std::mem::take(&mut occ.description),
            );
            if let Some(zone) = occ.job_zone {
                role.fields
                    .insert("job_zone".to_string(), Value::Number(zone.into()));
            }
            without_skill_rows += usize::from(!occ.has_skill_rows);
            roles.push(graph.add_node(role));
        }

        let rates = self.hours_per_level();
        let mut skills = Vec::with_capacity(self.elements.len());
        for (e, element) in self.elements.iter().enumerate() {
            let id = format!("onet:{}", element.id.to_ascii_lowercase());
            let mut skill = node(id, NodeKind::Skill, &element.name);
            skill.category = Some(element.category.to_string());
            skill.fields.insert(
                HOURS_PER_LEVEL.to_string(),
                Value::Number(rates[e].unwrap_or(HOURS_PER_LEVEL_ANY_ZONE)),
            );
            // The rate is the project's estimate, not O*NET's figure: say so beside it.
            let by_estimate = Value::List(vec![Value::Text(ESTIMATE_SOURCE.to_string())]);
            skill.fields.insert(
                FIELD_SOURCES.to_string(),
                Value::Record([(HOURS_PER_LEVEL.to_string(), by_estimate)].into()),
            );
            if let Some(text) = self.element_descriptions.remove(&element.id) {
                set_text(&mut skill, "description", text);
            }
            skills.push(graph.add_node(skill));
        }

        let mut suppressed_levels = 0;
        for rating in &self.ratings {
            let Some(importance) = rating.importance else {
                self.log.skip(SKIP_NO_IMPORTANCE, 1);
                continue;
            };
            if rating.not_relevant {
                self.log.skip(SKIP_NOT_RELEVANT, 1);
                continue;
            }
            if rating.importance_suppressed {
                self.log.skip(SKIP_SUPPRESSED, 1);
                continue;
            }
            let mut edge = Edge::new(EdgeKind::Requires);
            edge.sources = vec![source];
            // In 1–5: the reader skipped values outside the scale.
            edge.importance = Some(importance.round() as u8);
            if let Some(level) = rating.level {
                let fields = &mut edge.extra_mut().fields;
                fields.insert("level".to_string(), Value::Number(level));
                // O*NET's mark for a low-precision level: still its best figure of what the
                // occupation holds, and dropping it would make the skill look held in full.
                if rating.level_suppressed {
                    fields.insert("level_suppressed".to_string(), Value::Bool(true));
                    suppressed_levels += 1;
                }
            }
            graph.add_edge(roles[rating.occupation], skills[rating.element], edge);
        }

        let mut vendor_aliases = 0;
        let mut tools = Vec::with_capacity(self.tools.len());
        for t in &self.tools {
            let mut tool = node(t.id.clone(), NodeKind::Tool, &t.name);
            tool.category = most_frequent(&t.categories);
            tool.aliases = clean_aliases(&t.name, without_vendor(&t.name));
            vendor_aliases += tool.aliases.len();
            tool.fields
                .insert("hot_technology".to_string(), Value::Bool(t.hot));
            tools.push(graph.add_node(tool));
        }
        for uses in &self.uses {
            let mut edge = Edge::new(EdgeKind::Uses);
            edge.sources = vec![source];
            // Only flagged edges carry the field: a field map costs each edge that has one
            // more than half a kilobyte, and 93% of O*NET's links are not in demand.
            if uses.in_demand {
                edge.extra_mut()
                    .fields
                    .insert("in_demand".to_string(), Value::Bool(true));
            }
            graph.add_edge(roles[uses.occupation], tools[uses.tool], edge);
        }

        for link in &self.transitions {
            let mut edge = Edge::new(EdgeKind::Transition);
            edge.sources = vec![source];
            let fields = &mut edge.extra_mut().fields;
            fields.insert("tier".to_string(), Value::Text(link.tier.clone()));
            fields.insert("rank".to_string(), Value::Number(link.rank.into()));
            graph.add_edge(roles[link.from], roles[link.to], edge);
        }

        let without_requires = roles
            .iter()
            .filter(|&&r| graph.out_edges(r, EdgeKind::Requires).next().is_none())
            .count();
        let mut notes = vec![
            "requires: every Skills/Knowledge rating becomes an edge; importance = IM (1–5) \
             rounded to a whole number, the level (LV, 0–7) is the edge field `level`; \
             statements count needs of importance ≥ 3 unless told `min importance N`"
                .to_string(),
            "ratings flagged Not Relevant, or whose IM is flagged Recommend Suppress, are skipped"
                .to_string(),
            format!(
                "{suppressed_levels} levels (LV) flagged Recommend Suppress are kept, marked \
                 `level_suppressed` (O*NET: low precision)"
            ),
            "skills and transitions carry no effort_hours: O*NET does not say how long either \
             takes; each skill's `hours_per_level` is the project's estimate from the Job Zones \
             of the occupations that need it, and plans cost level steps with it (docs/EFFORT.md)"
                .to_string(),
            "transition: O*NET's Related Occupations, with the fields `tier` and `rank` (1 = \
             closest)"
                .to_string(),
            format!(
                "{without_skill_rows} occupations have no Skills.txt ratings; \
                 {without_requires} roles have no `requires` edge"
            ),
            format!(
                "tools: category = UNSPSC commodity title; {vendor_aliases} tools also answer to \
                 their name without the vendor (e.g. `Terraform` for `IBM Terraform`)"
            ),
        ];
        if self.renamed_tools > 0 {
            notes.push(format!(
                "{} tools share a slug with another name and got a numbered id",
                self.renamed_tools
            ));
        }
        let report = self.log.into_report(&graph, source, notes);
        (graph, report)
    }
}

/// `15-1252.00`: digits, `-` and `.` only, so the id is a slug.
fn is_onet_code(code: &str) -> bool {
    !code.is_empty()
        && code
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '.'))
}

/// `2.A.1.a`: letters, digits and dots.
fn is_element_id(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
}

/// O*NET's Y/N flags; blank means "not flagged".
fn flag(text: &str) -> bool {
    text.eq_ignore_ascii_case("y")
}

fn parse_number(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// The id slug of a technology name: see the module docs.
fn tool_slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        match c {
            'a'..='z' | '0'..='9' | '.' => out.push(c),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            '+' => out.push('p'),
            '#' => out.push_str("sharp"),
            _ if !out.is_empty() && !out.ends_with('-') => out.push('-'),
            _ => {}
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.chars().all(|c| c == '.') {
        out.clear();
    }
    out
}

/// `Terraform` for `IBM Terraform`: the name without a leading [`VENDORS`] entry, if any is left.
fn without_vendor(name: &str) -> Option<&str> {
    VENDORS.iter().find_map(|vendor| {
        let rest = name.strip_prefix(vendor)?.strip_prefix(' ')?.trim();
        (rest.chars().filter(|c| c.is_alphanumeric()).count() >= 2).then_some(rest)
    })
}

/// The most frequent entry; ties go to the first seen.
fn most_frequent(counts: &[(String, usize)]) -> Option<String> {
    let mut best: Option<&(String, usize)> = None;
    for entry in counts {
        if best.is_none_or(|b| entry.1 > b.1) {
            best = Some(entry);
        }
    }
    best.map(|(name, _)| name.clone())
}

fn set_text(node: &mut Node, field: &str, text: String) {
    if !text.is_empty() {
        node.fields.insert(field.to_string(), Value::Text(text));
    }
}

// ---- shared with esco.rs ------------------------------------------------------------------------
// (Here rather than in a module of their own because lib.rs only declares the two importers.)

/// Errors beyond this many are counted, not listed.
const MAX_LISTED: usize = 50;

/// Warnings beyond this many are counted, not kept (memory for a badly broken file).
pub const MAX_KEPT_WARNINGS: usize = 10_000;

/// Locations the report's `Display` shows per kind of warning; `verbose` shows all kept.
const SHOWN_WARNINGS: usize = 3;

/// Rows read between two progress calls.
const PROGRESS_EVERY: u64 = 4096;

/// What an import of a public dataset made and what it left out, and why: for the CLI to print
/// after an import and to show in `stats`.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportReport {
    /// The dataset's source, as every imported fact names it.
    pub source: Source,
    /// Nodes made, per kind (kinds with none are absent).
    pub nodes: BTreeMap<NodeKind, usize>,
    /// Edges made, per kind (kinds with none are absent).
    pub edges: BTreeMap<EdgeKind, usize>,
    /// Rows or facts left out, with why, in the order first met.
    pub skipped: Vec<(String, usize)>,
    /// How the dataset maps onto the model and what it cannot say, one line each.
    pub notes: Vec<String>,
    /// Suspect rows that were skipped (each also counted in `skipped`), in the order met: the
    /// first [`MAX_KEPT_WARNINGS`].
    pub warnings: Vec<DataError>,
    /// How many warnings there were, kept or not.
    pub warnings_total: usize,
    /// The kinds of warning (the reason they were skipped under), in the order first met, with
    /// how many of each; `Display` shows one line per kind with its count and first locations,
    /// [`ImportReport::verbose`] every warning.
    pub warning_kinds: Vec<(String, usize)>,
    /// Per kept warning, the index of its kind in `warning_kinds`.
    pub warning_kind_of: Vec<usize>,
}

impl ImportReport {
    pub fn node_count(&self, kind: NodeKind) -> usize {
        self.nodes.get(&kind).copied().unwrap_or(0)
    }

    pub fn edge_count(&self, kind: EdgeKind) -> usize {
        self.edges.get(&kind).copied().unwrap_or(0)
    }

    /// How many were skipped for exactly this reason.
    pub fn skipped_count(&self, reason: &str) -> usize {
        self.skipped
            .iter()
            .find(|(r, _)| r == reason)
            .map_or(0, |(_, n)| *n)
    }
}

/// An [`ImportReport`] that lists every warning kept, under its kind.
pub struct VerboseReport<'a>(&'a ImportReport);

impl ImportReport {
    /// The report with every warning listed (`import --verbose`).
    pub fn verbose(&self) -> VerboseReport<'_> {
        VerboseReport(self)
    }

    /// The warnings kept of the kind at `kind` in `warning_kinds`.
    pub fn warnings_of_kind(&self, kind: usize) -> impl Iterator<Item = &DataError> {
        self.warnings
            .iter()
            .zip(&self.warning_kind_of)
            .filter(move |(_, &k)| k == kind)
            .map(|(w, _)| w)
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, verbose: bool) -> fmt::Result {
        let s = &self.source;
        write!(f, "{} ({}", s.title, s.key)?;
        if let Some(licence) = &s.licence {
            write!(f, "; {licence}")?;
        }
        writeln!(f, ")")?;
        let nodes: Vec<String> = self
            .nodes
            .iter()
            .map(|(kind, n)| format!("{n} {kind}{}", if *n == 1 { "" } else { "s" }))
            .collect();
        let edges: Vec<String> = self
            .edges
            .iter()
            .map(|(kind, n)| format!("{n} {kind}"))
            .collect();
        writeln!(f, "  nodes: {}", or_none(&nodes))?;
        writeln!(f, "  edges: {}", or_none(&edges))?;
        if !self.skipped.is_empty() {
            writeln!(f, "  skipped:")?;
            for (reason, n) in &self.skipped {
                writeln!(f, "    {n:>7}  {reason}")?;
            }
        }
        if !self.notes.is_empty() {
            writeln!(f, "  notes:")?;
            for note in &self.notes {
                writeln!(f, "    - {note}")?;
            }
        }
        write!(f, "  warnings: {}", self.warnings_total)?;
        // One line per kind: a dataset with one missing occupation warns once per row naming
        // it (67 rows of ESCO 1.1.1), which says one thing.
        for (k, (kind, count)) in self.warning_kinds.iter().enumerate() {
            let mut kept = self.warnings_of_kind(k).peekable();
            write!(f, "\n    {count:>7} × {kind}")?;
            if verbose {
                for w in kept {
                    write!(f, "\n              {w}")?;
                }
                continue;
            }
            if let Some(first) = kept.peek() {
                write!(f, "\n              e.g. {first}")?;
            }
            let places: Vec<String> = kept
                .take(SHOWN_WARNINGS)
                .map(|w| format!("{}:{}", w.line, w.column))
                .collect();
            if *count > 1 {
                let more = count - places.len();
                write!(f, "\n              at lines {}", places.join(", "))?;
                if more > 0 {
                    write!(f, " and {more} more (`import --verbose` lists them)")?;
                }
            }
        }
        if verbose && self.warnings_total > self.warnings.len() {
            write!(
                f,
                "\n    (the first {} of {} warnings are kept)",
                self.warnings.len(),
                self.warnings_total
            )?;
        }
        Ok(())
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, false)
    }
}

impl fmt::Display for VerboseReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.write(f, true)
    }
}

fn or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

/// Errors (which stop the import), warnings (which skip a row) and skip counts, as a load goes.
#[derive(Default)]
pub(crate) struct Log {
    errors: Vec<DataError>,
    unlisted_errors: usize,
    warnings: Vec<DataError>,
    warnings_total: usize,
    warning_kinds: Vec<(String, usize)>,
    warning_kind_of: Vec<usize>,
    skipped: Vec<(String, usize)>,
}

impl Log {
    pub(crate) fn error(&mut self, e: DataError) {
        if self.errors.len() < MAX_LISTED {
            self.errors.push(e);
        } else {
            self.unlisted_errors += 1;
        }
    }

    /// A skipped row worth showing the user; also counted under `reason`.
    pub(crate) fn warn(&mut self, e: DataError, reason: &str) {
        self.warnings_total += 1;
        let kind = match self.warning_kinds.iter().position(|(r, _)| r == reason) {
            Some(k) => k,
            None => {
                self.warning_kinds.push((reason.to_string(), 0));
                self.warning_kinds.len() - 1
            }
        };
        self.warning_kinds[kind].1 += 1;
        if self.warnings.len() < MAX_KEPT_WARNINGS {
            self.warnings.push(e);
            self.warning_kind_of.push(kind);
        }
        self.skip(reason, 1);
    }

    pub(crate) fn skip(&mut self, reason: &str, count: usize) {
        if count == 0 {
            return;
        }
        match self.skipped.iter_mut().find(|(r, _)| r == reason) {
            Some((_, n)) => *n += count,
            None => self.skipped.push((reason.to_string(), count)),
        }
    }

    pub(crate) fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    pub(crate) fn into_errors(mut self) -> DataErrors {
        if self.unlisted_errors > 0 {
            self.errors.push(DataError::whole_file(
                "import",
                format!("… and {} more errors not listed", self.unlisted_errors),
            ));
        }
        DataErrors(self.errors)
    }

    pub(crate) fn into_report(
        self,
        graph: &Graph,
        source: SourceId,
        notes: Vec<String>,
    ) -> ImportReport {
        let mut nodes = BTreeMap::new();
        for ix in graph.node_indices() {
            *nodes.entry(graph.node(ix).kind).or_insert(0) += 1;
        }
        let mut edges = BTreeMap::new();
        for e in graph.edge_indices() {
            *edges.entry(graph.edge(e).kind).or_insert(0) += 1;
        }
        ImportReport {
            source: graph.source(source).clone(),
            nodes,
            edges,
            skipped: self.skipped,
            notes,
            warnings: self.warnings,
            warnings_total: self.warnings_total,
            warning_kinds: self.warning_kinds,
            warning_kind_of: self.warning_kind_of,
        }
    }
}

/// Aliases worth keeping: trimmed, non-empty, not the name, each once (all ignoring case).
pub(crate) fn clean_aliases<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let mut seen: HashSet<String> = HashSet::from([name.trim().to_lowercase()]);
    let mut out = Vec::new();
    for alias in candidates {
        let alias = alias.trim();
        if !alias.is_empty() && seen.insert(alias.to_lowercase()) {
            out.push(alias.to_string());
        }
    }
    out
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Format {
    /// O*NET's text files: tab-separated, no quoting (a `"` is just a character).
    Tabs,
    /// RFC 4180 CSV: quoted fields may hold commas and newlines.
    Csv,
    /// CSV whose rows may end early, their missing fields read as empty.
    RaggedCsv,
}

/// One data file, read a row at a time, its fields picked by header name so that a release
/// adding or reordering columns still reads.
pub(crate) struct Table {
    /// The path, as messages show it.
    path: String,
    /// The file name, as progress shows it.
    name: String,
    /// The whole file is read first: the largest is tens of megabytes, and holding the bytes
    /// lets lines be counted exactly (the csv crate's count lags a line behind CRLF line ends).
    reader: csv::Reader<Cursor<Vec<u8>>>,
    /// Position in the record of each wanted column.
    columns: Vec<usize>,
    record: csv::StringRecord,
    /// The line the current row starts on.
    line: usize,
    /// How many `\n` come before the byte `counted_to`, so each byte is counted once.
    newlines: usize,
    counted_to: usize,
    size: u64,
    rows: u64,
    last_error_at: Option<u64>,
    /// Read to the end (and the bytes released).
    done: bool,
}

impl Table {
    pub(crate) fn open(
        dir: &Path,
        name: &str,
        format: Format,
        columns: &[&str],
    ) -> Result<Table, DataError> {
        let path = dir.join(name);
        let shown = path.display().to_string();
        let bytes = std::fs::read(&path)
            .map_err(|e| DataError::whole_file(&shown, format!("cannot read: {e}")))?;
        let size = bytes.len() as u64;
        let mut builder = csv::ReaderBuilder::new();
        builder.has_headers(true);
        match format {
            Format::Tabs => {
                builder.delimiter(b'\t').quoting(false);
            }
            Format::Csv => {}
            Format::RaggedCsv => {
                builder.flexible(true);
            }
        }
        let mut reader = builder.from_reader(Cursor::new(bytes));
        let header = reader.headers().map_err(|e| row_error(&shown, 1, &e))?;
        let names: Vec<&str> = header
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim())
            .collect();
        let mut found = Vec::with_capacity(columns.len());
        let mut missing = Vec::new();
        for &want in columns {
            match names.iter().position(|&n| n == want) {
                Some(i) => found.push(i),
                None => missing.push(format!("`{want}`")),
            }
        }
        if !missing.is_empty() {
            let message = if names.iter().all(|n| n.is_empty()) {
                "the file is empty; expected a header row".to_string()
            } else {
                format!(
                    "the header has no {} column{}",
                    missing.join(", "),
                    if missing.len() == 1 { "" } else { "s" }
                )
            };
            return Err(DataError::at_line(&shown, 1, message));
        }
        Ok(Table {
            path: shown,
            name: name.to_string(),
            reader,
            columns: found,
            record: csv::StringRecord::new(),
            line: 1,
            newlines: 0,
            counted_to: 0,
            size,
            rows: 0,
            last_error_at: None,
            done: false,
        })
    }

    /// Moves to the next row; `false` at the end. A row that cannot be read (wrong number of
    /// fields, bad UTF-8) is logged as an error and passed over.
    pub(crate) fn next_row(&mut self, log: &mut Log, progress: &mut Progress<'_>) -> bool {
        if self.done {
            return false;
        }
        loop {
            match self.reader.read_record(&mut self.record) {
                Ok(true) => {
                    if let Some(start) = self.record.position().map(|p| p.byte()) {
                        self.line = self.line_at(start);
                    }
                    self.rows += 1;
                    if self.rows.is_multiple_of(PROGRESS_EVERY) {
                        progress.within(&self.name, self.reader.position().byte());
                    }
                    return true;
                }
                Ok(false) => {
                    self.finish(progress);
                    return false;
                }
                Err(e) => {
                    let at = e.position().map(|p| p.byte());
                    let line = at.map_or(self.line, |byte| self.line_at(byte));
                    log.error(row_error(&self.path, line, &e));
                    // An I/O error, or one that does not move the reader on, would repeat forever.
                    if e.is_io_error() || at.is_none() || at == self.last_error_at {
                        self.finish(progress);
                        return false;
                    }
                    self.last_error_at = at;
                }
            }
        }
    }

    /// The wanted columns of the current row, trimmed, in the order `open` was given them
    /// (a column the row lacks reads as empty).
    pub(crate) fn fields<const N: usize>(&self) -> [&str; N] {
        std::array::from_fn(|i| {
            self.columns
                .get(i)
                .and_then(|&c| self.record.get(c))
                .unwrap_or("")
                .trim()
        })
    }

    /// Frees the file's bytes once it has been read (the files are read one after another, so
    /// only the one being read needs to stay in memory) and reports it done.
    fn finish(&mut self, progress: &mut Progress<'_>) {
        self.done = true;
        self.reader = csv::Reader::from_reader(Cursor::new(Vec::new()));
        (self.counted_to, self.newlines) = (0, 0);
        progress.finished(&self.name, self.size);
    }

    /// A message about the current row, at the line it starts on.
    pub(crate) fn here(&self, message: impl Into<String>) -> DataError {
        DataError::at_line(&self.path, self.line, message)
    }

    /// The 1-based line of the record starting at `byte`.
    fn line_at(&mut self, byte: u64) -> usize {
        let bytes = self.reader.get_ref().get_ref();
        let mut at = usize::try_from(byte).map_or(bytes.len(), |b| b.min(bytes.len()));
        // After a CRLF the csv crate places the next record on its `\n`; a record itself never
        // starts with a line end (blank lines are skipped).
        while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
            at += 1;
        }
        if at < self.counted_to {
            (self.counted_to, self.newlines) = (0, 0);
        }
        self.newlines += bytes[self.counted_to..at]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.counted_to = at;
        self.newlines + 1
    }
}

fn row_error(file: &str, line: usize, e: &csv::Error) -> DataError {
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("this row has {len} fields; the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "this row is not valid UTF-8".to_string(),
        _ => e.to_string(),
    };
    DataError::at_line(file, line, message)
}

/// Progress over several files, in bytes.
pub(crate) struct Progress<'a> {
    callback: &'a mut dyn FnMut(&str, u64, u64),
    total: u64,
    finished: u64,
}

impl<'a> Progress<'a> {
    pub(crate) fn new(callback: &'a mut dyn FnMut(&str, u64, u64), tables: &[&Table]) -> Self {
        let total = tables.iter().map(|t| t.size).sum();
        callback("start", 0, total);
        Progress {
            callback,
            total,
            finished: 0,
        }
    }

    fn within(&mut self, phase: &str, byte: u64) {
        let done = (self.finished + byte).min(self.total);
        (self.callback)(phase, done, self.total);
    }

    fn finished(&mut self, phase: &str, size: u64) {
        self.finished = (self.finished + size).min(self.total);
        (self.callback)(phase, self.finished, self.total);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ids_a_user_can_type() {
        assert_eq!(tool_slug("IBM Terraform"), "ibm-terraform");
        assert_eq!(tool_slug("C++"), "cpp");
        assert_eq!(tool_slug("C#"), "csharp");
        assert_eq!(tool_slug(".NET Framework"), ".net-framework");
        assert_eq!(
            tool_slug("Python Tools for Visual Studio (PTVS)"),
            "python-tools-for-visual-studio-ptvs"
        );
        assert_eq!(tool_slug("Société Générale"), "soci-t-g-n-rale");
        assert_eq!(tool_slug("--"), "");
        assert_eq!(tool_slug("..."), "");
    }

    #[test]
    fn vendor_aliases_need_something_left() {
        assert_eq!(without_vendor("IBM Terraform"), Some("Terraform"));
        assert_eq!(
            without_vendor("Red Hat Ansible Engine"),
            Some("Ansible Engine")
        );
        assert_eq!(without_vendor("Microsoft"), None);
        assert_eq!(without_vendor("Microsoft X"), None);
        assert_eq!(without_vendor("IBMX Tool"), None);
    }

    #[test]
    fn aliases_drop_blanks_repeats_and_the_name() {
        let got = clean_aliases(
            "Software Developers",
            [
                "DevOps Engineer",
                "",
                "devops engineer",
                "software developers",
                " Coder ",
            ],
        );
        assert_eq!(got, ["DevOps Engineer", "Coder"]);
    }

    #[test]
    fn most_frequent_prefers_the_first_on_ties() {
        let counts = vec![
            ("a".to_string(), 2),
            ("b".to_string(), 3),
            ("c".to_string(), 3),
        ];
        assert_eq!(most_frequent(&counts).as_deref(), Some("b"));
        assert_eq!(most_frequent(&[]), None);
    }
}
