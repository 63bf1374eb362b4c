//! Builders of result tables from resolved nodes.

pub mod describe;
pub mod pictures;
