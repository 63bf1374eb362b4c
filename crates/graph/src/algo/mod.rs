//! The algorithms that answer career questions.
//!
//! - [`Constraints`]: what a route or plan must respect (via, avoid, max moves, max hours,
//!   keep pay, job zone), the one input every route and planning algorithm takes.
//! - Routes between roles over `transition` edges: [`fewest_moves`], [`all_routes`],
//!   [`cheapest_route`] (with [`move_cost`] as the usual cost), and [`least_effort_route`],
//!   whose moves cost what is still missing when they are made; the answers of `path` and
//!   `paths` ([`best_route`], [`listed_routes`]), which add the data's rule on career traps.
//! - Plans: [`plan_through`] (a plan through `via` roles under constraints) and
//!   [`week_slices`] (a plan cut into weeks).
//! - Skills: [`held_skills`] (what someone has), [`gap`] (what a role needs that they lack),
//!   [`learning_plan`] (what to learn, in order), [`closest_roles`] (which roles are nearest).
//!
//! # Conventions shared by every algorithm
//!
//! - **Deterministic.** Whenever several answers are equally good, ties break by node name
//!   ignoring case, then by id ([`Graph::order_by_name`](crate::Graph::order_by_name)); between
//!   parallel edges (the same fact stated by several sources), by the lowest edge index.
//! - **Effort.** [`effort::skill_effort`]: a skill's own `effort_hours`, else the project's
//!   estimate from levels, Job Zones or ESCO's occupation groups; with nothing to estimate
//!   from, **0 hours**, and `Effort::is_known` says so.
//! - **Importance and level.** A role that `requires` a skill through several edges (several
//!   sources) requires it once, with the highest importance and level stated; an edge without
//!   importance counts as 1. A need is met when the skill is held in full, or needed without a
//!   level, or held less than [`effort::LEVEL_THRESHOLD`] below the level needed.
//! - **Moves.** Routes follow `transition` edges only; a *move* is one transition, and *hops*
//!   count moves.
//! - **Indices.** Nodes that do not exist are reported ([`RouteError::NotARole`]) or ignored,
//!   never a panic.

mod best;
mod cheapest;
mod constraints;
pub mod effort;
mod effort_route;
mod effort_search;
mod enumerate;
pub mod interrupt;
mod plan;
mod plan_through;
mod routes;
mod scratch;
pub mod similarity;
mod skills;

pub use best::{best_route, listed_routes, ListedRoutes};
pub use cheapest::{cheapest_route, CostedRoute};
pub use constraints::{Constraints, MoveRule};
pub use effort_route::{
    least_effort_route, EffortAnswer, EffortFrom, EffortMove, EffortRoute, Searched,
    EFFORT_SEARCH_BUDGET,
};
pub use enumerate::{all_routes, Limit, RoutesResult, DEFAULT_MAX_HOPS};
pub use interrupt::{Interrupt, Interrupted};
pub use plan::{
    closest_roles, gap, learning_plan, missing_tools, move_cost, next_skills, roles_compared,
    Closeness, GapItem, LearningPlan, NextSkill, PlanStep, Reason, ToolNeed, ToolScope,
    DEFAULT_MIN_IMPORTANCE, NAMED_PRIORITY,
};
pub use plan_through::{
    plan_through, week_slices, weeks_needed, Broken, Learnt, PlanRefused, StopStep, StopsPlan,
    WeekSlice,
};
pub use routes::{fewest_moves, Route, RouteError, CLOSEST_SUGGESTIONS};
pub use skills::{held_skills, requirements, Held, Need, Standing, Start};
