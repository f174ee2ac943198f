//! Replays fixture suites through the evaluators: `test_command` for suites, `eval_command` for
//! one decision. The stage's public face; the parts live beside it.

pub use super::coverage::Coverage;
pub use super::error::{InputError, ReplayError};
pub use super::eval::{EvalOutcome, eval_command};
pub use super::evaluator::{CaseFailure, Evaluator, Gait, GaitEvaluator, StellaOps};
pub use super::load::{Parsed, load_stellaops, load_stellaops_parsed};
pub use super::outcome::{
    Actual, CaseResult, CaseStatus, SuiteResult, TestOutcome, merge_outcomes,
};
pub use super::pair::{PairedCase, replay_pair};
pub use super::run::{TestOptions, discover_suites, test_command};
pub use super::shard::Shard;
pub use super::update::expectation_fixes;
