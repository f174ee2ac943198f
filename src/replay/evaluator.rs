//! The evaluators a replay hands its cases to.

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
    ) -> Result<Actual, String>;
}
