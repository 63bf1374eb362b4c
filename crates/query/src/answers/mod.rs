//! Builders of result tables from resolved nodes.

pub mod describe;
pub mod overview;
pub mod pictures;
