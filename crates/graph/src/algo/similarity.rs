//! How alike two roles are: [`similar_roles`], [`RoleIndex::similarity`].
//!
//! The similarity of roles A and B is a weighted mean of three cosines, scaled by how far apart
//! their Job Zones are:
//!
//! ```text
//! similarity = zone × (1.0·skills + 0.6·titles + 0.1·tools) / (sum of the weights that count)
//! ```
//!
//! - **skills**: the cosine of the two roles' requirement vectors, one entry per skill a role
//!   `requires` (every importance, not only the needs a plan counts; parallel edges folded as
//!   in [`requirements`]): *importance × level*, level on O*NET's 0–7 scale, or 1 where the
//!   data states none (the curated graph and ESCO), so their vectors are importance alone.
//! - **titles**: the cosine of tf-idf vectors of the words (lower-cased runs of letters and
//!   digits) in each role's name and aliases (O*NET's alternate and short titles): a word
//!   counts `1 + ln(times it occurs)`, times `ln(R / roles whose titles hold it)`, R = roles.
//! - **tools**: the cosine of vectors over the tools each role `uses`: `ln(R / roles using
//!   the tool)`, × [`IN_DEMAND_WEIGHT`] when the role's edge is marked `in_demand`, ×
//!   [`HOT_WEIGHT`] when the tool is a `hot_technology`.
//! - **zone**: `1 − 0.01 × |job_zone(A) − job_zone(B)|`, 1 when either has no `job_zone`.
//!
//! A term counts (its weight is in the sum) when either role has a non-zero vector in it, so
//! two roles without tools are not penalised, a role with tools is against one without, and
//! identical roles are 100 %. The formula is symmetric; roles sharing no skill, title word or
//! tool are 0 %. `transition` edges are never read: O*NET's Related Occupations are the
//! held-out truth that `bench/closest_recall.py` measures this against (BENCHMARKS.md, where
//! the weights come from: a plain cosine over importance finds 32 % of O*NET's closest
//! related occupations in the top 10, this formula 69 %).

use std::collections::HashMap;

use petgraph::stable_graph::NodeIndex;

use super::interrupt::{Interrupt, Interrupted};
use super::skills::{requirements, sort_by_name};
use crate::fxhash::FxBuildHasher;
use crate::graph::Graph;
use crate::model::{EdgeKind, NodeKind, Value};
use crate::role_vectors::{OwnedRoleVectors, RoleVectorTable, SparseView};

/// The weight of the requirement cosine.
pub const SKILL_WEIGHT: f64 = 1.0;
/// The weight of the title cosine.
pub const TITLE_WEIGHT: f64 = 0.6;
/// The weight of the tool cosine.
pub const TOOL_WEIGHT: f64 = 0.1;
/// How much one Job Zone of difference takes off, as a share.
pub const ZONE_STEP: f64 = 0.01;
/// A tool the role marks In Demand counts this many times.
pub const IN_DEMAND_WEIGHT: f64 = 2.0;
/// A hot technology counts this many times.
pub const HOT_WEIGHT: f64 = 1.5;

/// How alike a role is to the start: see the [module docs](self).
#[derive(Debug, Clone, PartialEq)]
pub struct Similarity {
    pub role: NodeIndex,
    /// 0–1.
    pub score: f64,
    /// The requirement cosine, 0–1.
    pub skills: f64,
    /// The title cosine, 0–1.
    pub titles: f64,
    /// The tool cosine, 0–1; `None` when neither role uses a tool.
    pub tools: Option<f64>,
    /// The Job Zone factor.
    pub zone: f64,
    /// The skills both roles require (at any importance): what the requirement cosine found
    /// in common, the evidence it rests on.
    pub skills_compared: usize,
    /// The tools both roles use.
    pub shared_tools: usize,
}

/// The vectors of every role of a graph, for many comparisons (the idf weights need every
/// role's titles and tools): stored with the snapshot, or built.
#[derive(Debug, Clone)]
pub struct RoleIndex {
    table: RoleVectorTable,
}

impl RoleIndex {
    /// The index of `graph`'s roles: the one its snapshot holds when the graph has not changed
    /// since it was read, else [`RoleIndex::build`].
    pub fn new(graph: &Graph) -> RoleIndex {
        RoleIndex::stored(graph).unwrap_or_else(|| RoleIndex::build(graph))
    }

    /// The index the snapshot `graph` was read from holds, if it holds one and the graph has
    /// not changed since.
    pub fn stored(graph: &Graph) -> Option<RoleIndex> {
        graph.stored_role_vectors().map(|table| RoleIndex { table })
    }

    /// The index built from `graph`.
    pub fn build(graph: &Graph) -> RoleIndex {
        RoleIndex {
            table: RoleVectorTable::owned(encode(graph)),
        }
    }

    /// How much of `role`'s tool use the tools `held` says are held make up: the sum of their
    /// weights in its tool vector (rarer among roles, in demand, hot weigh more: see the
    /// [module docs](self)) over the square root of that vector's length; 0 when it uses none
    /// of them or is not a role. Between the plain sum (which favours roles that list many
    /// tools) and the cosine (over the length: roles that list few), it found the most of the
    /// roles sparse profiles came from and of their related occupations
    /// (`bench/closest_profile_recall.py`, BENCHMARKS.md).
    pub fn held_tools_share(&self, role: NodeIndex, held: impl Fn(NodeIndex) -> bool) -> f64 {
        self.table.get(role).map_or(0.0, |v| {
            let norm = v.tools.entries().map(|(_, w)| w * w).sum::<f64>().sqrt();
            let held: f64 = v
                .tools
                .entries()
                .filter(|&(t, _)| held(NodeIndex::new(t as usize)))
                .map(|(_, w)| w)
                .sum();
            if norm > 0.0 {
                held / norm.sqrt()
            } else {
                0.0
            }
        })
    }

    /// How alike roles `a` and `b` are; `None` when either is not a role.
    pub fn similarity(&self, a: NodeIndex, b: NodeIndex) -> Option<Similarity> {
        let (va, vb) = (self.table.get(a)?, self.table.get(b)?);
        let skills = cosine(va.skills, vb.skills);
        let titles = cosine(va.titles, vb.titles);
        let tools = cosine(va.tools, vb.tools);
        let mut weighted = 0.0;
        let mut weights = 0.0;
        for (term, weight) in [
            (skills, SKILL_WEIGHT),
            (titles, TITLE_WEIGHT),
            (tools, TOOL_WEIGHT),
        ] {
            if let Some(value) = term {
                weighted += weight * value;
                weights += weight;
            }
        }
        let zone = match (va.zone, vb.zone) {
            (Some(za), Some(zb)) => (1.0 - ZONE_STEP * (za - zb).abs()).max(0.0),
            _ => 1.0,
        };
        let score = if weights > 0.0 {
            zone * weighted / weights
        } else {
            0.0
        };
        Some(Similarity {
            role: b,
            score,
            skills: skills.unwrap_or(0.0),
            titles: titles.unwrap_or(0.0),
            tools,
            zone,
            skills_compared: shared_keys(va.skills, vb.skills),
            shared_tools: shared_keys(va.tools, vb.tools),
        })
    }
}

/// The [`RoleIndex`] of `graph` as the bytes of its table (`role_vectors.rs`).
pub(crate) fn encode(graph: &Graph) -> Vec<u8> {
    let roles = graph.nodes_of_kind(NodeKind::Role);
    let role_count = roles.len() as f64;

    // Title words: ids, counts per role, and how many roles hold each.
    let mut word_ids: HashMap<String, u32> = HashMap::new();
    let mut word_roles: Vec<f64> = Vec::new();
    let mut title_counts: Vec<Vec<(u32, f64)>> = Vec::with_capacity(roles.len());
    // Tools: each role's tools with its in-demand flag, and how many roles use each.
    let mut tool_roles: HashMap<NodeIndex, f64, FxBuildHasher> = HashMap::default();
    let mut role_tools: Vec<Vec<(NodeIndex, bool)>> = Vec::with_capacity(roles.len());
    for &role in &roles {
        let mut counts: HashMap<u32, f64> = HashMap::new();
        // Read in place: building every role's node (and the nodes beside it) held them all.
        let name = graph.name_of(role);
        for title in std::iter::once(name).chain(graph.aliases_of(role).iter().map(String::as_str))
        {
            for word in title_words(title) {
                let next = word_ids.len() as u32;
                let id = *word_ids.entry(word).or_insert(next);
                if id == next {
                    word_roles.push(0.0);
                }
                *counts.entry(id).or_default() += 1.0;
            }
        }
        for &id in counts.keys() {
            word_roles[id as usize] += 1.0;
        }
        title_counts.push(counts.into_iter().collect());

        let mut tools: Vec<(NodeIndex, bool)> = graph
            .out_edges(role, EdgeKind::Uses)
            .filter(|&(_, t)| graph.kind_of(t) == Some(NodeKind::Tool))
            .map(|(e, t)| (t, is_true(graph.edge_field_of(e, "in_demand"))))
            .collect();
        // Parallel edges (several sources): one tool, in demand when any edge says so.
        tools.sort_by_key(|&(t, in_demand)| (t, !in_demand));
        tools.dedup_by_key(|&mut (t, _)| t);
        for &(t, _) in &tools {
            *tool_roles.entry(t).or_default() += 1.0;
        }
        role_tools.push(tools);
    }

    let idf = |holders: f64| (role_count / holders).ln();
    let mut roles: Vec<(NodeIndex, OwnedRoleVectors)> = roles
        .into_iter()
        .zip(title_counts)
        .zip(role_tools)
        .map(|((role, counts), tools)| {
            let mut titles: Vec<(u32, f64)> = counts
                .into_iter()
                .map(|(w, n)| (w, (1.0 + n.ln()) * idf(word_roles[w as usize])))
                .collect();
            titles.sort_by_key(|&(w, _)| w);
            let tools: Vec<(u32, f64)> = tools
                .into_iter()
                .map(|(t, in_demand)| {
                    let hot = is_true(graph.field_of(t, "hot_technology"));
                    let weight = idf(tool_roles[&t])
                        * if in_demand { IN_DEMAND_WEIGHT } else { 1.0 }
                        * if hot { HOT_WEIGHT } else { 1.0 };
                    (t.index() as u32, weight)
                })
                .collect();
            let skills: Vec<(u32, f64)> = requirements(graph, role, 0)
                .into_iter()
                .map(|need| {
                    (
                        need.skill.index() as u32,
                        f64::from(need.importance) * need.level.unwrap_or(1.0),
                    )
                })
                .collect();
            let zone = match graph.field_of(role, "job_zone") {
                Some(Value::Number(z)) if z.is_finite() => Some(*z),
                _ => None,
            };
            let vectors = OwnedRoleVectors {
                skills,
                titles,
                tools,
                zone,
            };
            (role, vectors)
        })
        .collect();
    roles.sort_by_key(|(role, _)| *role);
    RoleVectorTable::encode(&roles)
}

/// Every role but `start` that requires a skill at `min_importance` (a role without
/// requirement data has nothing to compare and is left out), most similar first, then by
/// name. Empty when `start` is not a role. [`Interrupted`] once `interrupt` is set.
pub fn similar_roles(
    graph: &Graph,
    start: NodeIndex,
    min_importance: u8,
    interrupt: &Interrupt,
) -> Result<Vec<Similarity>, Interrupted> {
    let mut poll = interrupt.poll();
    let mut candidates = Vec::new();
    for r in graph.nodes_of_kind(NodeKind::Role) {
        poll.step()?;
        if r != start && !requirements(graph, r, min_importance).is_empty() {
            candidates.push(r);
        }
    }
    similar_among(graph, start, candidates, interrupt)
}

/// [`similar_roles`] over `candidates` a caller has already found (by its own rule, such as
/// having a learning plan), most similar first, then by name.
pub fn similar_among(
    graph: &Graph,
    start: NodeIndex,
    mut candidates: Vec<NodeIndex>,
    interrupt: &Interrupt,
) -> Result<Vec<Similarity>, Interrupted> {
    let index = RoleIndex::new(graph);
    interrupt.check()?;
    let mut poll = interrupt.poll();
    sort_by_name(graph, &mut candidates);
    let mut list = Vec::with_capacity(candidates.len());
    for role in candidates {
        poll.step()?;
        list.extend(index.similarity(start, role));
    }
    // Stable: equal scores keep the name order.
    list.sort_by(|a, b| b.score.total_cmp(&a.score));
    Ok(list)
}

/// The words of a title: lower-cased runs of letters and digits.
fn title_words(title: &str) -> impl Iterator<Item = String> + '_ {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

fn is_true(value: Option<&Value>) -> bool {
    matches!(value, Some(Value::Bool(true)))
}

/// The cosine of two sparse vectors; `None` when both are zero (nothing to compare), 0 when
/// one is.
fn cosine(a: SparseView<'_>, b: SparseView<'_>) -> Option<f64> {
    let norm = |v: SparseView<'_>| v.entries().map(|(_, x)| x * x).sum::<f64>().sqrt();
    let (na, nb) = (norm(a), norm(b));
    if na == 0.0 && nb == 0.0 {
        return None;
    }
    if na == 0.0 || nb == 0.0 {
        return Some(0.0);
    }
    let dot: f64 = common(a, b).map(|(x, y)| x * y).sum();
    // Rounding can take the cosine of identical vectors a hair past 1.
    Some((dot / (na * nb)).clamp(0.0, 1.0))
}

/// How many keys two sparse vectors share.
fn shared_keys(a: SparseView<'_>, b: SparseView<'_>) -> usize {
    common(a, b).count()
}

/// The weights of the keys two sparse vectors share, in key order.
fn common<'a>(a: SparseView<'a>, b: SparseView<'a>) -> impl Iterator<Item = (f64, f64)> + 'a {
    let (mut a, mut b) = (a.entries().peekable(), b.entries().peekable());
    std::iter::from_fn(move || loop {
        let (&(ka, wa), &(kb, wb)) = (a.peek()?, b.peek()?);
        match ka.cmp(&kb) {
            std::cmp::Ordering::Less => {
                a.next();
            }
            std::cmp::Ordering::Greater => {
                b.next();
            }
            std::cmp::Ordering::Equal => {
                a.next();
                b.next();
                return Some((wa, wb));
            }
        }
    })
}
