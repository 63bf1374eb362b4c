//! [`plan_through`]: the learning plan of `learn`, through `via` roles to a target, under
//! [`Constraints`]; and [`week_slices`], the plan cut into weeks at a pace.

use petgraph::stable_graph::NodeIndex;

use super::constraints::Constraints;
use super::effort::Effort;
use super::plan::{learning_plan, missing_tools, PlanStep, ToolNeed, ToolScope};
use super::skills::Held;
use crate::graph::Graph;
use crate::model::NodeKind;

/// What one step of a [`StopsPlan`] learns.
#[derive(Debug, Clone, PartialEq)]
pub enum Learnt {
    /// A skill, as its stop's [`learning_plan`] has it (tools the constraints avoid are not
    /// among those that cover it).
    Skill(PlanStep),
    /// A tool the stop uses.
    Tool(ToolNeed),
}

/// One step of a [`StopsPlan`].
#[derive(Debug, Clone, PartialEq)]
pub struct StopStep {
    /// The role (a `via` role or the target) the step is learnt for.
    pub stop: NodeIndex,
    pub learnt: Learnt,
}

impl StopStep {
    /// The skill or tool learnt.
    pub fn node(&self) -> NodeIndex {
        match &self.learnt {
            Learnt::Skill(s) => s.skill,
            Learnt::Tool(t) => t.tool,
        }
    }

    pub fn effort(&self) -> &Effort {
        match &self.learnt {
            Learnt::Skill(s) => &s.effort,
            Learnt::Tool(t) => &t.effort,
        }
    }
}

/// What [`plan_through`] plans.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StopsPlan {
    pub steps: Vec<StopStep>,
    /// The flagged tools the stops use outside the [`ToolScope`] asked for.
    pub tools_left_out: usize,
    /// The sum of the steps' hours, in plan order.
    pub total_hours: f64,
}

/// A constraint the plan breaks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Broken {
    /// The plan needs `steps[step]`, a skill [`Constraints::avoid`] names: the first such step
    /// of the avoided skill named first.
    Avoided { step: usize },
    /// The plan takes more than [`Constraints::max_hours`].
    OverHours { max: f64 },
}

/// A plan refused for breaking a constraint, with the plan, so an answer can say why.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRefused {
    pub plan: StopsPlan,
    pub broken: Broken,
}

/// The plan from `held` through the [`Constraints::via`] roles, in order, to `to`: for each
/// stop, its [`learning_plan`] (`min_importance`) from what is held by then, then the tools it
/// uses within `tools` ([`missing_tools`]); what each teaches is held from then on.
///
/// - **`avoid`.** A tool avoided is never a step (nor among the tools that cover a skill); a
///   skill avoided that the plan needs refuses the plan ([`Broken::Avoided`]): skills are what
///   the stops require, and a plan without them is no plan for the stops. Roles are ignored.
/// - **`max_hours`.** A plan of more hours is refused ([`Broken::OverHours`]); an avoided skill
///   is said first.
pub fn plan_through(
    graph: &Graph,
    held: &Held,
    to: NodeIndex,
    min_importance: u8,
    tools: ToolScope,
    constraints: &Constraints,
) -> Result<StopsPlan, PlanRefused> {
    let avoided = |ix: &NodeIndex| constraints.avoid.contains(ix);
    let mut have = held.clone();
    let mut plan = StopsPlan::default();
    for &stop in constraints.via.iter().chain(std::iter::once(&to)) {
        for mut step in learning_plan(graph, &have, stop, min_importance, &[]).steps {
            have.learn(step.skill, step.to_level);
            step.covered_by.retain(|t| !avoided(t));
            plan.steps.push(StopStep {
                stop,
                learnt: Learnt::Skill(step),
            });
        }
        let (needs, left_out) = missing_tools(graph, &have, stop, tools);
        plan.tools_left_out += left_out;
        for need in needs.into_iter().filter(|t| !avoided(&t.tool)) {
            have.hold_tool(need.tool);
            plan.steps.push(StopStep {
                stop,
                learnt: Learnt::Tool(need),
            });
        }
    }
    plan.total_hours = plan.steps.iter().map(|s| s.effort().hours).sum();
    let needed = constraints
        .avoid
        .iter()
        .filter(|&&ix| graph.kind_of(ix) == Some(NodeKind::Skill))
        .find_map(|&ix| plan.steps.iter().position(|s| s.node() == ix));
    let broken = match (needed, constraints.max_hours) {
        (Some(step), _) => Broken::Avoided { step },
        (None, Some(max)) if plan.total_hours > max => Broken::OverHours { max },
        _ => return Ok(plan),
    };
    Err(PlanRefused { plan, broken })
}

/// The part of a plan step learnt in one week of `learn … at N hours/week`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeekSlice {
    pub week: u32,
    /// The index of the step in the plan.
    pub step: usize,
    pub hours: f64,
    /// The step ends this week.
    pub finishes: bool,
}

/// Cuts a plan of steps of `hours` into weeks of `per_week` hours: steps in plan order (so
/// every skill starts after its prerequisites end), a long step spread over several weeks, no
/// week over the budget.
pub fn week_slices(hours: &[f64], per_week: f64) -> Vec<WeekSlice> {
    let mut week = 1u32;
    let mut used = 0.0;
    let mut slices = Vec::new();
    for (i, &h) in hours.iter().enumerate() {
        let mut left = h;
        loop {
            if used >= per_week - 1e-9 && left > 0.0 {
                week += 1;
                used = 0.0;
            }
            let take = left.min(per_week - used);
            used += take;
            left -= take;
            let finishes = left <= 1e-9;
            slices.push(WeekSlice {
                week,
                step: i,
                hours: take,
                finishes,
            });
            if finishes {
                break;
            }
        }
    }
    slices
}

/// The week the last slice falls in (0 for an empty plan, and for one of zero hours).
pub fn weeks_needed(slices: &[WeekSlice]) -> u64 {
    slices
        .iter()
        .filter(|s| s.hours > 1e-9)
        .map(|s| u64::from(s.week))
        .max()
        .unwrap_or(0)
}
