//! The evaluators a replay hands its cases to.

use std::error::Error;
use std::path::{Path, PathBuf};

use super::outcome::Actual;
use crate::source::Files;

/// The Gait evaluator, written elsewhere; the runner hands it Gait suites' cases.
pub trait GaitEvaluator: Sync {
    /// Evaluates one case: `policy` paths are resolved against the suite, `input` is the merged
    /// case input (`intent` path or inline intent, `options`).
    fn evaluate(
        &self,
        files: &dyn Files,
        suite_dir: &Path,
        policy: &[PathBuf],
        input: &serde_json::Value,
    ) -> Result<Actual, CaseFailure>;
}

/// Why the Gait evaluator could not evaluate a case: the evaluator's own error, kept whole
/// behind a trait object so the replay stage names no Gait type. Displays as that error does.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CaseFailure(Box<dyn Error + Send + Sync>);

impl CaseFailure {
    pub fn new(error: impl Error + Send + Sync + 'static) -> Self {
        CaseFailure(Box::new(error))
    }
}
