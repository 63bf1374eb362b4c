//! The O*NET 29.3 importer, [`load_onet_dir`], whose docs say what becomes what and why: the
//! readers of its files here, the graph they make in `build.rs`.

mod build;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use skillgraph_graph::{Graph, Source};

use crate::error::DataErrors;
use crate::report::{ImportReport, Log};
use crate::table::{Format, Progress, Table};

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
