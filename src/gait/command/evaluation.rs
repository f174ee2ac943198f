//! What one `gate eval` run gives: the decision, or why there is none.

use crate::exit::Exit;
use crate::gait::gate::{GateError, GateOutcome};
use crate::gait::intent::IntentError;
use crate::gait::policy::PolicyError;

/// Why a `gate eval` run has no verdict.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum EvalError {
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error(transparent)]
    Intent(#[from] IntentError),
    #[error(transparent)]
    Gate(#[from] GateError),
}

impl EvalError {
    pub fn exit(&self) -> crate::exit::Exit {
        match self {
            EvalError::Policy(_) | EvalError::Intent(_) => Exit::InvalidInput,
            EvalError::Gate(error) => error.exit(),
        }
    }

    /// Gait's `migration` object of the error envelope, for legacy policy fields.
    pub fn migration(&self) -> Option<serde_json::Value> {
        match self {
            EvalError::Policy(error) => error.kind.migration(),
            EvalError::Intent(_) | EvalError::Gate(_) => None,
        }
    }

    /// A hint more specific than the exit code's.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            EvalError::Policy(error) => error.kind.hint(),
            EvalError::Intent(_) | EvalError::Gate(_) => None,
        }
    }
}

/// One `gate eval` run: the decision, or why there is none.
pub type Evaluation = Result<GateOutcome, EvalError>;
