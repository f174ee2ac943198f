//! The Gait ecosystem: policy loading, intent normalisation, digests, the evaluator, the gate
//! decision around it, tokens and the scenario runner, faithful to Gait's `gate eval` /
//! `policy test` semantics.

pub mod canonical;
pub mod command;
pub mod destructive;
pub mod eval;
pub mod fmt;
pub mod gate;
pub mod inputs;
pub mod intent;
pub mod killswitch;
pub mod lint;
pub mod policy;
pub mod ratelimit;
pub mod registry;
pub mod time;
pub mod tokens;
pub mod wrkr;
