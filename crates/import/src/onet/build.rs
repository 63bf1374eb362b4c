//! Turning what the O*NET readers gathered into the graph and its report.

use skillgraph_graph::algo::effort::{
    HOURS_PER_LEVEL, HOURS_PER_LEVEL_ANY_ZONE, HOURS_PER_LEVEL_BY_ZONE,
};
use skillgraph_graph::{
    Edge, EdgeKind, Graph, Node, NodeIndex, NodeKind, Source, SourceId, Value, ESTIMATE_SOURCE,
    FIELD_SOURCES,
};

use super::{
    most_frequent, onet_source, without_vendor, OnetLoad, SKIP_NOT_RELEVANT, SKIP_NO_IMPORTANCE,
    SKIP_SUPPRESSED,
};
use crate::report::ImportReport;
use crate::table::clean_aliases;

impl OnetLoad {
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

    pub(super) fn build(mut self) -> (Graph, ImportReport) {
        let mut graph = Graph::new();
        let source = graph.add_source(onet_source());
        // Named by the skills' `field_sources` for the rate the project estimates.
        graph.add_source(Source::project_estimate());
        let (roles, without_skill_rows) = self.add_roles(&mut graph, source);
        let skills = self.add_skills(&mut graph, source);
        let suppressed_levels = self.add_requires(&mut graph, source, &roles, &skills);
        let vendor_aliases = self.add_tools_and_uses(&mut graph, source, &roles);
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

    /// A role per occupation, in file order; also how many occupations had no skill rows.
    fn add_roles(&mut self, graph: &mut Graph, source: SourceId) -> (Vec<NodeIndex>, usize) {
        let mut roles = Vec::with_capacity(self.occupations.len());
        let mut without_skill_rows = 0;
        for occ in &mut self.occupations {
            let id = format!("onet:{}", occ.code);
            let mut role = sourced_node(id, NodeKind::Role, &occ.title, source);
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
        (roles, without_skill_rows)
    }

    /// A skill per element, with the project's estimate of its hours per level point.
    fn add_skills(&mut self, graph: &mut Graph, source: SourceId) -> Vec<NodeIndex> {
        let rates = self.hours_per_level();
        let mut skills = Vec::with_capacity(self.elements.len());
        for (e, element) in self.elements.iter().enumerate() {
            let id = format!("onet:{}", element.id.to_ascii_lowercase());
            let mut skill = sourced_node(id, NodeKind::Skill, &element.name, source);
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
        skills
    }

    /// A `requires` edge per rating kept; returns how many kept levels are flagged suppressed.
    fn add_requires(
        &mut self,
        graph: &mut Graph,
        source: SourceId,
        roles: &[NodeIndex],
        skills: &[NodeIndex],
    ) -> usize {
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
        suppressed_levels
    }

    /// A tool per technology and a `uses` edge per row; returns how many vendor-less aliases
    /// the tools got.
    fn add_tools_and_uses(
        &self,
        graph: &mut Graph,
        source: SourceId,
        roles: &[NodeIndex],
    ) -> usize {
        let mut vendor_aliases = 0;
        let mut tools = Vec::with_capacity(self.tools.len());
        for t in &self.tools {
            let mut tool = sourced_node(t.id.clone(), NodeKind::Tool, &t.name, source);
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
        vendor_aliases
    }
}

fn sourced_node(id: String, kind: NodeKind, name: &str, source: SourceId) -> Node {
    let mut node = Node::new(id, kind, name);
    node.sources = vec![source];
    node
}

fn set_text(node: &mut Node, field: &str, text: String) {
    if !text.is_empty() {
        node.fields.insert(field.to_string(), Value::Text(text));
    }
}
