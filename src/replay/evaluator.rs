//! The evaluators a replay hands its cases to: one decision function per ecosystem behind one
//! trait over its loaded policy model and typed input, and the adapter that turns a Gait suite's
//! case into that input.

use std::error::Error;
use std::path::{Path, PathBuf};

use super::outcome::Actual;
use crate::gait::gate::{self, GateError, GateOutcome, IntentDigest};
use crate::gait::inputs::GateInputs;
use crate::gait::intent::Intent;
use crate::gait::policy::DigestedPolicy;
use crate::source::Files;
use crate::stellaops::chain::{self, Decision, Detail};
use crate::stellaops::input::CaseInput;
use crate::stellaops::model::StellaConfig;
use crate::stellaops::semantics::SemanticsOptions;

/// One ecosystem's decision: pure, a function of the loaded policy model and the typed input
/// only. Every command that decides (`check`, `test`, `eval`, `diff`) reaches the ecosystem's
/// decision through this one function.
pub trait Evaluator: Sync {
    /// The loaded policy model.
    type Policy: ?Sized;
    /// One case's input, typed.
    type Input<'i>;
    /// The typed decision.
    type Decision;

    fn decide(&self, policy: &Self::Policy, input: Self::Input<'_>) -> Self::Decision;
}

/// Stella Ops: the gate chain over a layered configuration.
#[derive(Clone, Copy, Debug)]
pub struct StellaOps<'s> {
    pub semantics: &'s SemanticsOptions,
    /// Whether gates fill in their `details` (`eval` explains them; replay does not read them).
    pub detail: Detail,
}

impl Evaluator for StellaOps<'_> {
    type Policy = StellaConfig;
    type Input<'i> = &'i CaseInput;
    type Decision = Decision;

    fn decide(&self, policy: &StellaConfig, input: &CaseInput) -> Decision {
        chain::evaluate_with(policy, input, self.semantics, self.detail)
    }
}

/// Gait: `gate eval` over a loaded policy (digested once), a normalised intent and the inputs
/// read for it (tokens, counters, kill switch, registry, inventory, time).
#[derive(Clone, Copy, Debug, Default)]
pub struct Gait {
    /// Whether the outcome carries the intent digest (`eval` prints it; replay and the
    /// exhaustive diff read only the decision).
    pub intent_digest: IntentDigest,
}

impl Evaluator for Gait {
    type Policy = DigestedPolicy;
    type Input<'i> = (Intent, &'i GateInputs);
    type Decision = Result<GateOutcome, GateError>;

    fn decide(
        &self,
        policy: &DigestedPolicy,
        (intent, inputs): (Intent, &GateInputs),
    ) -> Self::Decision {
        gate::decide_digested(policy, intent, inputs, self.intent_digest)
    }
}

/// Turns a Gait suite's case (paths and JSON, as the suite writes them) into [`Gait`]'s input
/// and decides it; the runner hands it Gait suites' cases.
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
