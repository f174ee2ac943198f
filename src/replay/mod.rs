//! Fixture suites and their replay through the evaluators.

pub mod runner;
pub mod suite;
