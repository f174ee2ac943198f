//! The replay stage's errors.

use super::suite::SuiteError;
use crate::source::ReadError;

/// Why a suite, a policy or an input could not be replayed.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("`{path}` does not parse")]
    Parse { path: String },
    #[error("`{path}` is not valid UTF-8")]
    NotUtf8 { path: String },
    #[error("invalid input `{path}`: {source}")]
    Input { path: String, source: InputError },
    #[error(transparent)]
    Suite(#[from] SuiteError),
    /// The caller handed no Gait evaluator: a wiring bug, not the user's.
    #[error("a Gait suite needs the Gait evaluator")]
    NoGaitEvaluator,
}

/// Why a case input does not read as a Stella Ops input.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum InputError {
    #[error("input: `environment` is required")]
    MissingEnvironment,
    /// The deserialiser's message.
    #[error("input: {0}")]
    Invalid(String),
}
