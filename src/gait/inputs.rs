//! What a gate decision needs besides the policy and the intent, as values: the evaluation
//! time, the simulate flag, approval and delegation evidence already parsed, and the states,
//! inventory and registry `gate eval` reads — each with the error it was read with, because
//! whether an unreadable input fails the evaluation, closes it or only warns is the gate's
//! decision, not the reader's. `command` fills these from files; tests build them in memory.

use jiff::Timestamp;

use super::killswitch::{KillSwitchError, KillSwitchState};
use super::ratelimit::{RateLimitState, RateLimitStateError};
use super::tokens::PublicKey;
use super::tokens::{ApprovalToken, ApprovedScriptEntry, DelegationToken, EntryError, KeyError};
use super::wrkr::{WrkrError, WrkrInventory};

/// Everything [`super::gate::decide`] reads besides the policy and the intent.
#[derive(Clone, Debug)]
pub struct GateInputs {
    /// "Now" for freeze windows, agent, token and registry expiry, the kill switch and the
    /// rate-limit bucket.
    pub evaluation_time: Timestamp,
    /// Report what would have happened, never enforce.
    pub simulate: bool,
    /// `None`: no kill-switch state was asked for.
    pub kill_switch: Option<Result<KillSwitchState, StateError>>,
    /// `None`: no Wrkr inventory was asked for.
    pub wrkr: Option<Result<WrkrInventory, WrkrError>>,
    /// `None`: no approved-script registry was asked for.
    pub script_registry: Option<Result<ScriptRegistry, RegistryError>>,
    /// The counters already used; an empty state when none was given.
    pub rate_limits: Result<RateLimitState, RateLimitLoadError>,
    pub approvals: ApprovalEvidence,
    pub delegation: DelegationEvidence,
}

impl GateInputs {
    /// No evidence, no states, not simulated, at `evaluation_time`.
    pub fn at(evaluation_time: Timestamp) -> Self {
        GateInputs {
            evaluation_time,
            simulate: false,
            kill_switch: None,
            wrkr: None,
            script_registry: None,
            rate_limits: Ok(RateLimitState::default()),
            approvals: ApprovalEvidence::default(),
            delegation: DelegationEvidence::default(),
        }
    }
}

/// Approval tokens and the key they are verified with.
#[derive(Clone, Debug, Default)]
pub struct ApprovalEvidence {
    /// One per distinct readable JSON token file, in path order; `None` for a document that is
    /// not an approval token (`approval_token_invalid`).
    pub tokens: Vec<Option<ApprovalToken>>,
    /// Token files that are missing, unreadable or not JSON: invalid input (exit 6), as in Gait.
    pub unreadable: Vec<ReadError>,
    /// `None` when no key was given or it could not be read: signatures then fail.
    pub key: Option<PublicKey>,
}

/// Delegation tokens and the key they are verified with.
#[derive(Clone, Debug, Default)]
pub struct DelegationEvidence {
    /// Whether any delegation token or key was given: without evidence the intent's
    /// delegation claims stand.
    pub supplied: bool,
    /// Without tokens, the intent's claims decide (`policy test`) rather than
    /// `delegation_token_missing` (`gate eval`).
    pub from_intent: bool,
    /// One per distinct readable JSON token file, in path order; `None` for a document that is
    /// not a delegation token (`delegation_token_invalid`).
    pub tokens: Vec<Option<DelegationToken>>,
    /// Token files that are missing, unreadable or not JSON: invalid input (exit 6), as in Gait.
    pub unreadable: Vec<ReadError>,
    pub key: Option<PublicKey>,
}

/// An approved-script registry and its verify key.
#[derive(Clone, Debug)]
pub struct ScriptRegistry {
    pub key: PublicKey,
    /// The entries in file order, each normalised (one that does not normalise makes the
    /// registry unreadable, as in Gait).
    pub entries: Vec<ApprovedScriptEntry>,
}

/// Why a JSON input file could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("read `{path}`: {reason}")]
    Read { path: String, reason: String },
    #[error("parse `{path}`: {reason}")]
    Parse { path: String, reason: String },
}

impl ReadError {
    /// The error as Gait words it for a named input: `read approval token `…`: …`.
    pub fn of(&self, noun: &str) -> String {
        match self {
            ReadError::Read { path, reason } => format!("read {noun} `{path}`: {reason}"),
            ReadError::Parse { path, reason } => format!("parse {noun} `{path}`: {reason}"),
        }
    }
}

/// Why a key file could not be used.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum KeyReadError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// Why a kill-switch state could not be used.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum StateError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Invalid(#[from] KillSwitchError),
}

/// Why a rate-limit state could not be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RateLimitLoadError {
    #[error("inline {0}")]
    Inline(RateLimitStateError),
    #[error("read rate limit state `{path}`: {reason}")]
    Read { path: String, reason: String },
    #[error("parse rate limit state `{path}`: {reason}")]
    Parse { path: String, reason: String },
    #[error("{error} (in `{path}`)")]
    Invalid {
        path: String,
        error: RateLimitStateError,
    },
}

/// Why an approved-script registry could not be used.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RegistryError {
    #[error("approved script registry unavailable in fail-closed mode: {0}")]
    Unreadable(String),
    #[error("approved script registry unavailable in fail-closed mode: {0}")]
    Key(KeyReadError),
    #[error(
        "approved script registry verification unavailable in fail-closed mode: verify key required"
    )]
    KeyRequired,
    #[error("approved script registry verification failed at entry {index}: {error}")]
    Entry { index: usize, error: EntryError },
}
