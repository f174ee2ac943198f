//! The library side of `gatelint eval` (Gait's `gate eval`) and of Gait scenario directories:
//! read the files a run names into [`GateInputs`], let [`gate::decide`] decide, and render the
//! typed outcome as Gait's `--json` fields or a plain explanation (`render`). Scenario
//! directories are in `scenario`.

mod evaluation;
mod render;
mod scenario;

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde_json::Value as Json;

use super::gate::{self, GateError, GateOutcome};
use super::inputs::{
    ApprovalEvidence, DelegationEvidence, GateInputs, KeyReadError, RateLimitLoadError, ReadError,
    RegistryError, ScriptRegistry, StateError,
};
use super::intent::{self, Intent};
use super::killswitch::KillSwitchState;
use super::policy::{self, DigestedPolicy, Policy};
use super::ratelimit::RateLimitState;
use super::tokens::{self, ApprovalToken, DelegationToken, PublicKey};
use super::wrkr::WrkrInventory;

use crate::source::{Files, Reader};

pub use evaluation::{EvalError, Evaluation};
pub use render::{Decided, decided, describe, describe_located, exit_of, render_json};
pub use scenario::{ScenarioResult, ScenarioStatus, run_scenario_dir, scenario_registry_use};

/// The `gate eval` flags gatelint honours.
#[derive(Clone, Debug, Default)]
pub struct EvalOptions {
    /// `--simulate`: report what would have happened, never enforce.
    pub simulate: bool,
    /// `--evaluation-time`: "now" for freeze windows, agent/token expiry and the kill switch.
    /// `None` means the current time, as Gait does.
    pub evaluation_time: Option<Timestamp>,
    pub approval_tokens: Vec<PathBuf>,
    pub approval_public_key: Option<PathBuf>,
    pub delegation_tokens: Vec<PathBuf>,
    pub delegation_public_key: Option<PathBuf>,
    /// `--delegation-from-intent`: without delegation tokens, let the intent's delegation claims
    /// decide (as `policy test` does) instead of blocking with `delegation_token_missing` (as
    /// `gate eval` does).
    pub delegation_from_intent: bool,
    pub kill_switch_state: Option<PathBuf>,
    /// `--rate-limit-state`: the rate-limit and destructive-budget counters already used, in
    /// Gait's state-file shape. Read only: the count of this request is never written back.
    /// `None` means no earlier requests (Gait's first run in a fresh directory).
    pub rate_limit_state: Option<StateSource>,
    pub wrkr_inventory: Option<PathBuf>,
    pub approved_script_registry: Option<PathBuf>,
    pub approved_script_public_key: Option<PathBuf>,
}

/// A JSON input given as a file or, in fixture suites, inline.
#[derive(Clone, Debug, PartialEq)]
pub enum StateSource {
    File(PathBuf),
    Inline(Json),
}

impl EvalOptions {
    /// Every file the options name, for the reader's roots when they come from the command
    /// line.
    pub fn named_paths(&self) -> Vec<PathBuf> {
        let state = match &self.rate_limit_state {
            Some(StateSource::File(path)) => Some(path),
            _ => None,
        };
        self.approval_tokens
            .iter()
            .chain(&self.delegation_tokens)
            .chain(self.approval_public_key.iter())
            .chain(self.delegation_public_key.iter())
            .chain(self.kill_switch_state.iter())
            .chain(state)
            .chain(self.wrkr_inventory.iter())
            .chain(self.approved_script_registry.iter())
            .chain(self.approved_script_public_key.iter())
            .cloned()
            .collect()
    }
}

/// Gait's `gate eval` for files, every one read through `files`.
pub fn evaluate_files(
    files: &dyn Files,
    policy_path: &Path,
    intent_path: &Path,
    options: &EvalOptions,
) -> Evaluation {
    let (policy, _) = policy::load_policy_file(files, policy_path)?;
    let intent = intent::load_intent_file(files, intent_path)?;
    Ok(evaluate_loaded(files, &policy, intent, options)?)
}

/// `gate eval` on a loaded policy and a normalised intent: reads the files `options` name,
/// then decides. Without an evaluation time this is where the clock is read.
pub fn evaluate_loaded(
    files: &dyn Files,
    policy: &Policy,
    intent: Intent,
    options: &EvalOptions,
) -> Result<GateOutcome, GateError> {
    let now = options.evaluation_time.unwrap_or_else(Timestamp::now);
    gate::decide(policy, intent, &read_inputs(files, options, now))
}

/// [`evaluate_loaded`] under a policy digested once for many intents.
pub fn evaluate_digested(
    files: &dyn Files,
    policy: &DigestedPolicy,
    intent: Intent,
    options: &EvalOptions,
) -> Result<GateOutcome, GateError> {
    let now = options.evaluation_time.unwrap_or_else(Timestamp::now);
    let inputs = read_inputs(files, options, now);
    gate::decide_digested(policy, intent, &inputs, gate::IntentDigest::Report)
}

/// A reader confined to the working directory and the files named here.
fn reader_for(paths: &[&Path], options: &EvalOptions) -> Reader {
    let mut named = options.named_paths();
    named.extend(paths.iter().map(|path| path.to_path_buf()));
    Reader::new(&named)
}

/// Gait's `gate eval` for files: `(the core --json fields, exit code)`.
pub fn eval_command(policy_path: &Path, intent_path: &Path, options: &EvalOptions) -> (Json, u8) {
    let reader = reader_for(&[policy_path, intent_path], options);
    let evaluation = evaluate_files(&reader, policy_path, intent_path, options);
    (render_json(&evaluation), exit_of(&evaluation).code())
}

/// [`eval_command`] on a loaded policy and a normalised intent.
pub fn eval_loaded(policy: &Policy, intent: Intent, options: &EvalOptions) -> (Json, u8) {
    let reader = reader_for(&[], options);
    let evaluation = evaluate_loaded(&reader, policy, intent, options).map_err(EvalError::from);
    (render_json(&evaluation), exit_of(&evaluation).code())
}

// ---------------------------------------------------------------------------------------------
// Reading the inputs.

/// Reads every file `options` names. Nothing is decided here: an unreadable input is kept as
/// its error, for the gate to fail, close or warn on.
pub fn read_inputs(
    files: &dyn Files,
    options: &EvalOptions,
    evaluation_time: Timestamp,
) -> GateInputs {
    GateInputs {
        evaluation_time,
        simulate: options.simulate,
        kill_switch: options
            .kill_switch_state
            .as_deref()
            .map(|path| read_kill_switch(files, path)),
        wrkr: options
            .wrkr_inventory
            .as_deref()
            .map(|path| read_wrkr(files, path)),
        script_registry: options
            .approved_script_registry
            .as_deref()
            .map(|path| read_registry(files, path, options)),
        rate_limits: options.rate_limit_state.as_ref().map_or_else(
            || Ok(RateLimitState::default()),
            |source| read_rate_limit_state(files, source),
        ),
        approvals: {
            let (documents, unreadable) = read_token_files(files, &options.approval_tokens);
            ApprovalEvidence {
                tokens: documents.iter().map(ApprovalToken::from_json).collect(),
                unreadable,
                key: options
                    .approval_public_key
                    .as_deref()
                    .and_then(|path| read_key(files, path).ok()),
            }
        },
        delegation: {
            let (documents, unreadable) = read_token_files(files, &options.delegation_tokens);
            DelegationEvidence {
                from_intent: options.delegation_from_intent,
                supplied: !options.delegation_tokens.is_empty()
                    || options.delegation_public_key.is_some(),
                tokens: documents.iter().map(DelegationToken::from_json).collect(),
                unreadable,
                key: options
                    .delegation_public_key
                    .as_ref()
                    .or(options.approval_public_key.as_ref())
                    .and_then(|path| read_key(files, path).ok()),
            }
        },
    }
}

/// The JSON documents of the distinct token files, in path order, and the files that are
/// missing, unreadable or not JSON.
fn read_token_files(files: &dyn Files, paths: &[PathBuf]) -> (Vec<Json>, Vec<ReadError>) {
    let mut documents = Vec::new();
    let mut unreadable = Vec::new();
    for path in distinct(paths) {
        match read_json(files, &path) {
            Ok(document) => documents.push(document),
            Err(error) => unreadable.push(error),
        }
    }
    (documents, unreadable)
}

fn distinct(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut paths = paths.to_vec();
    paths.sort();
    paths.dedup();
    paths
}

/// A file's UTF-8 text through `files`; the error is said as the inputs say it.
fn read_string(files: &dyn Files, path: &Path) -> Result<String, ReadError> {
    let failed = |reason: String| ReadError::Read {
        path: path.display().to_string(),
        reason,
    };
    let bytes = files
        .read(path)
        .map_err(|error| failed(error.to_string()))?;
    String::from_utf8(bytes).map_err(|_| failed("invalid UTF-8".to_owned()))
}

/// A Wrkr inventory through `files`; a missing or unreadable file is Gait's stat or read error.
fn read_wrkr(
    files: &dyn Files,
    path: &Path,
) -> Result<WrkrInventory, crate::gait::wrkr::WrkrError> {
    match files.read(path) {
        Ok(bytes) => WrkrInventory::from_text(path, &String::from_utf8_lossy(&bytes)),
        Err(error @ crate::source::ReadError::Missing { .. }) => Err(
            crate::gait::wrkr::WrkrError::Stat(format!("stat `{}`: {error}", path.display())),
        ),
        Err(error) => Err(crate::gait::wrkr::WrkrError::Read(error.to_string())),
    }
}

fn read_json(files: &dyn Files, path: &Path) -> Result<Json, ReadError> {
    let text = read_string(files, path)?;
    serde_json::from_str(&text).map_err(|error| ReadError::Parse {
        path: path.display().to_string(),
        reason: error.to_string(),
    })
}

fn read_key(files: &dyn Files, path: &Path) -> Result<PublicKey, KeyReadError> {
    let text = read_string(files, path)?;
    Ok(PublicKey::from_base64(&text)?)
}

fn read_kill_switch(files: &dyn Files, path: &Path) -> Result<KillSwitchState, StateError> {
    Ok(KillSwitchState::from_json(&read_json(files, path)?)?)
}

fn read_rate_limit_state(
    files: &dyn Files,
    source: &StateSource,
) -> Result<RateLimitState, RateLimitLoadError> {
    match source {
        StateSource::Inline(value) => {
            RateLimitState::from_json(value).map_err(RateLimitLoadError::Inline)
        }
        StateSource::File(path) => {
            let path_text = path.display().to_string();
            let text = read_string(files, path).map_err(|error| match error {
                ReadError::Read { path, reason } | ReadError::Parse { path, reason } => {
                    RateLimitLoadError::Read { path, reason }
                }
            })?;
            let value: Json =
                serde_json::from_str(&text).map_err(|error| RateLimitLoadError::Parse {
                    path: path_text.clone(),
                    reason: error.to_string(),
                })?;
            RateLimitState::from_json(&value).map_err(|error| RateLimitLoadError::Invalid {
                path: path_text,
                error,
            })
        }
    }
}

/// Reads a registry and its verify key (`--approved-script-public-key`, else the approval
/// key). A registry file that does not exist or is empty has no entries.
fn read_registry(
    files: &dyn Files,
    path: &Path,
    options: &EvalOptions,
) -> Result<ScriptRegistry, RegistryError> {
    let document = match files.read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            if text.trim().is_empty() {
                Json::Array(Vec::new())
            } else {
                serde_json::from_str(&text)
                    .map_err(|error| RegistryError::Unreadable(error.to_string()))?
            }
        }
        Err(error) if error.is_missing() => Json::Array(Vec::new()),
        Err(error) => return Err(RegistryError::Unreadable(error.to_string())),
    };
    // As Gait: the entries are read and normalised first, then the verify key is looked for.
    let entries = tokens::registry_entries(&document)
        .map_err(|error| RegistryError::Unreadable(error.to_string()))?
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            tokens::ApprovedScriptEntry::from_json(entry).map_err(|error| {
                RegistryError::Unreadable(format!("approved script entries[{index}]: {error}"))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let key_path = options
        .approved_script_public_key
        .as_ref()
        .or(options.approval_public_key.as_ref())
        .ok_or(RegistryError::KeyRequired)?;
    let key = read_key(files, key_path).map_err(RegistryError::Key)?;
    Ok(ScriptRegistry { key, entries })
}
