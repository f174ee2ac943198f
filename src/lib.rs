//! gatelint: a static-analysis CI linter for policy-gate configuration.
//!
//! The pipeline flows one way: `discover → parse → schema → model → eval → replay → diff → rules →
//! report`. Each module imports only earlier stages plus the two leaf vocabularies [`span`] and
//! [`finding`]; [`app`] is the one place that knows every stage.

pub mod finding;
pub mod parse;
pub mod replay;
pub mod span;
pub mod stellaops;
