//! gatelint: a static-analysis CI linter for policy-gate configuration.
//!
//! The pipeline flows one way: `discover → parse → schema → model → eval → replay → diff → rules →
//! report`. Each module imports only earlier stages plus the two leaf vocabularies [`span`] and
//! [`finding`]; [`app`] is the one place that knows every stage, and [`cli`] parses arguments
//! for it.

pub mod app;
pub mod classify;
pub mod cli;
pub mod config;
pub mod diff;
pub mod discover;
pub mod exit;
pub mod finding;
pub mod gait;
pub mod parse;
pub mod project;
pub mod replay;
pub mod report;
pub mod rules;
pub mod schema;
pub mod source;
pub mod span;
pub mod stellaops;
