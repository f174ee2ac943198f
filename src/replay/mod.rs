//! Fixture suites and their replay through the evaluators.

mod case;
mod compare;
mod coverage;
mod error;
mod eval;
mod evaluator;
mod load;
mod outcome;
mod pair;
mod run;
pub mod runner;
mod shard;
pub mod suite;
mod update;
