//! The Gait ecosystem: policy loading, intent normalisation, digests, the evaluator, tokens and
//! the scenario runner, faithful to Gait's `gate eval` / `policy test` semantics.

pub mod canonical;
pub mod command;
pub mod eval;
pub mod fmt;
pub mod intent;
pub mod killswitch;
pub mod lint;
pub mod policy;
pub mod ratelimit;
pub mod registry;
pub mod time;
pub mod tokens;
pub mod wrkr;
