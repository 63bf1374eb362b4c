//! The algorithms that answer career questions.
//!
//! - Routes between roles over `transition` edges: [`fewest_moves`], [`all_routes`],
//!   [`cheapest_route`] (with [`move_cost`] as the usual cost).
//! - Skills: [`held_skills`] (what someone has), [`gap`] (what a role needs that they lack),
//!   [`learning_plan`] (what to learn, in order), [`closest_roles`] (which roles are nearest).
//!
//! # Conventions shared by every algorithm
//!
//! - **Deterministic.** Whenever several answers are equally good, ties break by node name
//!   ignoring case, then by id ([`Graph::order_by_name`](crate::Graph::order_by_name)); between
//!   parallel edges (the same fact stated by several sources), by the lowest edge index.
//! - **Effort.** A skill's hours are its `effort_hours`. A skill without one counts as **0
//!   hours** (as does a negative or non-finite value, which validation rejects anyway);
//!   [`GapItem::effort_known`] and [`PlanStep::effort_known`] tell the cases apart.
//! - **Importance.** A role that `requires` a skill through several edges (several sources)
//!   requires it once, with the highest importance stated; an edge without importance counts
//!   as 1.
//! - **Moves.** Routes follow `transition` edges only; a *move* is one transition, and *hops*
//!   count moves.
//! - **Indices.** Nodes that do not exist are reported ([`RouteError::NotARole`]) or ignored,
//!   never a panic.

mod cheapest;
mod enumerate;
mod plan;
mod routes;
mod scratch;
mod skills;

pub use cheapest::{cheapest_route, CostedRoute};
pub use enumerate::{all_routes, Limit, RoutesResult, DEFAULT_MAX_HOPS};
pub use plan::{
    closest_roles, gap, learning_plan, move_cost, next_skills, Closeness, GapItem, LearningPlan,
    NextSkill, PlanStep, Reason, NAMED_PRIORITY,
};
pub use routes::{fewest_moves, Route, RouteError, RouteOptions, CLOSEST_SUGGESTIONS};
pub use skills::{held_skills, Start};
