//! How many hours learning a skill or a tool takes: the skill's own `effort_hours` where the
//! data states them, otherwise the project's estimate from what the data does hold (levels,
//! Job Zones, ESCO's occupation groups, tool classes). docs/EFFORT.md gives the formulas with
//! a worked example; `bench/effort_calibration.py` derives the constants from the shared data.
//!
//! Every estimate says so ([`Effort::is_estimate`]) and carries the inputs it used
//! ([`EffortBasis`]), so answers can mark it and `why` can show the arithmetic.

use petgraph::stable_graph::NodeIndex;

use crate::graph::Graph;
use crate::model::{NodeKind, Value, ESTIMATE_SOURCE};

/// Levels are on O*NET's scale, 0–7 (O*NET's anchors: 2 basic, 4 intermediate, 6 advanced).
pub const MAX_LEVEL: f64 = 7.0;

/// A level below the needed one by less than this is not a gap. The difference of two O*NET
/// level ratings has a standard error of about 0.28 (the median SE of one LV rating in Skills
/// and Knowledge is 0.20), so smaller differences are mostly the ratings' own noise and are not
/// sent to anyone as something to learn.
pub const LEVEL_THRESHOLD: f64 = 0.5;

/// A profile's level (1 beginner … 5 expert) on O*NET's 0–7 scale: `1.5 × p − 0.5`, so 1 → 1,
/// 3 (working level, the default) → 4 (O*NET's "intermediate" anchor), 5 → 7.
pub fn profile_level(level: u8) -> f64 {
    (1.5 * f64::from(level.clamp(1, 5)) - 0.5).min(MAX_LEVEL)
}

/// Hours per O*NET level point in the occupations of each Job Zone (1–5): the middle of the
/// zone's preparation time (SVP range in `Job Zone Reference.txt`, full-time hours) divided by
/// the median sum of required levels of the zone's occupations (bench/effort_calibration.py).
/// The importer turns them into each element's own rate ([`HOURS_PER_LEVEL`]).
pub const HOURS_PER_LEVEL_BY_ZONE: [f64; 5] = [13.0, 29.0, 37.0, 58.0, 123.0];
/// The same over all zones, for a skill without a rate of its own.
pub const HOURS_PER_LEVEL_ANY_ZONE: f64 = 46.0;
/// The skill field holding the hours one level point of it takes (O*NET elements: the median
/// rate of the Job Zones of the occupations that need it). A rate per skill, not per role
/// learnt for, keeps a plan's cost the same whichever roles a route passes through.
pub const HOURS_PER_LEVEL: &str = "hours_per_level";

/// Hours of one ESCO skill, by the Job Zone its occupation's ISCO major group stands for
/// (ILO skill levels: groups 1–2 → zone 4, 3 → 3, 4–8 and 0 → 2, 9 → 1): the zone's
/// preparation time divided by the median number of essential skills of its occupations.
pub const ESCO_HOURS_BY_ZONE: [f64; 5] = [20.0, 81.0, 164.0, 266.0, 266.0];
/// The same for a skill whose target has no ISCO group: the median over all occupations.
pub const ESCO_HOURS_ANY_ZONE: f64 = 154.0;

/// Tool classes (O*NET's UNSPSC commodity titles, a tool's `category`) and their hours. No
/// dataset states how long a tool takes; these are the project's judgement: a programming or
/// data platform takes weeks of practice, an office program a day or two, the rest a week.
const TOOL_CLASSES: &[(&[&str], ToolClass)] = &[
    (
        &[
            "development",
            "data base management",
            "analytical or scientific",
            "business intelligence",
            "computer aided design",
            "enterprise resource planning",
        ],
        ToolClass::Platform,
    ),
    (
        &[
            "word processing",
            "spreadsheet",
            "electronic mail",
            "office suite",
            "presentation",
            "internet browser",
            "calendar",
            "video conferencing",
        ],
        ToolClass::Office,
    ),
];

/// How long a tool takes, by what kind of program it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolClass {
    /// Programming languages, development, data and engineering platforms: 40 hours.
    Platform,
    /// Office programs: 8 hours.
    Office,
    /// Everything else: 20 hours.
    Other,
}

impl ToolClass {
    pub fn hours(self) -> f64 {
        match self {
            ToolClass::Platform => 40.0,
            ToolClass::Office => 8.0,
            ToolClass::Other => 20.0,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ToolClass::Platform => "programming or data platform",
            ToolClass::Office => "office program",
            ToolClass::Other => "other software",
        }
    }

    fn of(category: Option<&str>) -> ToolClass {
        let Some(category) = category else {
            return ToolClass::Other;
        };
        let lower = category.to_lowercase();
        TOOL_CLASSES
            .iter()
            .find(|(words, _)| words.iter().any(|w| lower.contains(w)))
            .map_or(ToolClass::Other, |(_, class)| *class)
    }
}

/// Where an effort figure comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum EffortBasis {
    /// The skill's own `effort_hours`: a source's figure, or the project's own where the
    /// skill lists `skillgraph-estimate` among its sources (the curated graph's hours).
    Stated { by_estimate: bool },
    /// O*NET levels: `(to − from) × hours_per_level`, the skill's own rate.
    LevelSteps {
        from: f64,
        to: f64,
        hours_per_level: f64,
    },
    /// An ESCO skill: hours of one essential skill for the target's occupation group.
    EscoSkill { job_zone: Option<u8> },
    /// A tool: hours by its class.
    Tool { class: ToolClass },
    /// Nothing to estimate from: 0 hours, said so.
    Unknown,
}

/// The hours to learn one skill or tool, and where they come from.
#[derive(Debug, Clone, PartialEq)]
pub struct Effort {
    pub hours: f64,
    pub basis: EffortBasis,
}

impl Effort {
    /// Whether the figure is the project's estimate rather than a source's.
    pub fn is_estimate(&self) -> bool {
        match self.basis {
            EffortBasis::Stated { by_estimate } => by_estimate,
            EffortBasis::Unknown => false,
            _ => true,
        }
    }

    pub fn is_known(&self) -> bool {
        !matches!(self.basis, EffortBasis::Unknown)
    }

    /// The arithmetic in words, for `why` and `explain`.
    pub fn explain(&self) -> String {
        let h = crate::model::format_number(self.hours);
        match &self.basis {
            EffortBasis::Stated { by_estimate: true } => {
                format!("{h} h, the project's estimate stated on the skill")
            }
            EffortBasis::Stated { by_estimate: false } => format!("{h} h as the data states"),
            EffortBasis::LevelSteps {
                from,
                to,
                hours_per_level,
            } => format!(
                "estimate: (level {} − {}) × {} h per level of this skill = {h} h",
                crate::model::format_number(*to),
                crate::model::format_number(*from),
                crate::model::format_number(*hours_per_level),
            ),
            EffortBasis::EscoSkill { job_zone } => {
                format!(
                    "estimate: one ESCO skill for {} = {h} h",
                    zone_words(*job_zone)
                )
            }
            EffortBasis::Tool { class } => {
                format!("estimate: a tool, {} = {h} h", class.as_str())
            }
            EffortBasis::Unknown => "no effort in the data and nothing to estimate from".into(),
        }
    }
}

fn zone_words(zone: Option<u8>) -> String {
    match zone {
        Some(z) => format!("Job Zone {z}"),
        None => "no Job Zone".to_string(),
    }
}

/// The Job Zone (1–5) `role` stands for: O*NET's `job_zone`, else, for an ESCO occupation
/// (category `ISCO-08 group NNNN`), the zone of its ISCO major group's skill level.
pub fn job_zone(graph: &Graph, role: NodeIndex) -> Option<u8> {
    // Read in place: a plan asks it for every step, and `unlock` makes a plan for every role.
    if graph.kind_of(role)? != NodeKind::Role {
        return None;
    }
    if let Some(Value::Number(z)) = graph.field_of(role, "job_zone") {
        if (1.0..=5.0).contains(z) {
            return Some(z.round() as u8);
        }
    }
    let group = graph.category_of(role)?.strip_prefix("ISCO-08 group ")?;
    match group.chars().next()? {
        '1' | '2' => Some(4),
        '3' => Some(3),
        '4'..='8' | '0' => Some(2),
        '9' => Some(1),
        _ => None,
    }
}

/// The hours to bring `skill` from `from` to the level `to` for the role `target` (both levels
/// on the 0–7 scale; `to` is `None` where the target states no level, which means the skill in
/// full). A skill's own `effort_hours` wins: it is what the data says.
pub fn skill_effort(
    graph: &Graph,
    skill: NodeIndex,
    target: Option<NodeIndex>,
    from: Option<f64>,
    to: Option<f64>,
) -> Effort {
    if let Some(h) = graph.effort_of(skill) {
        if h.is_finite() && h >= 0.0 {
            // Read in place: plans cost every skill of every move, and building nodes is not free.
            let by_estimate = graph
                .source_id(ESTIMATE_SOURCE)
                .is_some_and(|e| graph.sources_of(skill).contains(&e));
            return Effort {
                hours: h,
                basis: EffortBasis::Stated { by_estimate },
            };
        }
    }
    if let Some(to) = to {
        let from = from.unwrap_or(0.0).clamp(0.0, MAX_LEVEL);
        let per = match graph.field_of(skill, HOURS_PER_LEVEL) {
            Some(Value::Number(h)) if h.is_finite() && *h >= 0.0 => *h,
            _ => HOURS_PER_LEVEL_ANY_ZONE,
        };
        let steps = (to.clamp(0.0, MAX_LEVEL) - from).max(0.0);
        return Effort {
            hours: round_hours(steps * per),
            basis: EffortBasis::LevelSteps {
                from,
                to,
                hours_per_level: per,
            },
        };
    }
    if graph.kind_of(skill).is_some() && graph.id_of(skill).starts_with("esco:") {
        let zone = target.and_then(|t| job_zone(graph, t));
        return Effort {
            hours: zone.map_or(ESCO_HOURS_ANY_ZONE, |z| {
                ESCO_HOURS_BY_ZONE[usize::from(z - 1)]
            }),
            basis: EffortBasis::EscoSkill { job_zone: zone },
        };
    }
    Effort {
        hours: 0.0,
        basis: EffortBasis::Unknown,
    }
}

/// The hours to learn `tool` to working use, by its class.
pub fn tool_effort(graph: &Graph, tool: NodeIndex) -> Effort {
    let class = ToolClass::of(graph.category_of(tool));
    Effort {
        hours: class.hours(),
        basis: EffortBasis::Tool { class },
    }
}

/// Estimates are rounded to whole hours: their inputs do not support more.
fn round_hours(h: f64) -> f64 {
    h.round()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_levels_span_the_onet_scale() {
        assert_eq!(profile_level(1), 1.0);
        assert_eq!(profile_level(3), 4.0);
        assert_eq!(profile_level(5), 7.0);
    }

    #[test]
    fn tool_classes_follow_the_category_words() {
        assert_eq!(
            ToolClass::of(Some("Object or component oriented development software")),
            ToolClass::Platform
        );
        assert_eq!(
            ToolClass::of(Some("Spreadsheet software")),
            ToolClass::Office
        );
        assert_eq!(
            ToolClass::of(Some("Network monitoring software")),
            ToolClass::Other
        );
        assert_eq!(ToolClass::of(None), ToolClass::Other);
    }
}
