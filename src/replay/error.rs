//! The replay stage's errors.

use super::suite::SuiteError;
use crate::source::ReadError;

/// Why a suite, a policy or an input could not be replayed.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error(transparent)]
    Read(#[from] ReadError),
    /// `at` is `line:column: words` of the first fatal issue.
    #[error("{path}:{at}")]
    Parse { path: String, at: String },
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

impl ReplayError {
    /// The parse error of `path`, whose `text` has `issues` (the first fatal one is named;
    /// the bad-text issue of decoding, when there is one, first).
    pub fn parse<'i>(
        path: String,
        text: &str,
        issues: impl IntoIterator<Item = &'i crate::parse::ParseIssue>,
    ) -> ReplayError {
        let at = issues
            .into_iter()
            .find(|issue| issue.is_fatal())
            .map_or_else(
                || "1:1: the file does not parse".to_owned(),
                |issue| issue.located(text),
            );
        ReplayError::Parse { path, at }
    }
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
