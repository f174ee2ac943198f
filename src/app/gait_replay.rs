//! Fixture-suite cases with a Gait `input`, handed to the Gait evaluator.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::Value as Json;

use crate::discover;
use crate::exit::Exit;
use crate::gait::command::{self, EvalOptions, StateSource};
use crate::gait::gate::GateError;
use crate::gait::intent::IntentError;
use crate::gait::policy::PolicyError;
use crate::gait::registry::RegistryUse;
use crate::gait::{intent, policy};
use crate::replay::runner::{Actual, CaseFailure, Evaluator, Gait, GaitEvaluator};
use crate::source::Files;

/// Evaluates Gait fixture cases: `input.intent` is a path (relative to the suite) or an inline
/// intent; `input.options` mirrors `gate eval` flags, file paths relative to the suite.
/// Remembers every approved-script registry a case reads, with the policy and time it is
/// read under, for the registry rule.
#[derive(Debug, Default)]
pub struct GaitCases {
    registries: Mutex<BTreeSet<(PathBuf, RegistryUse)>>,
}

impl GaitCases {
    /// The registries the evaluated cases read, by path, each with its distinct uses.
    pub fn registry_uses(&self) -> BTreeMap<PathBuf, Vec<RegistryUse>> {
        let mut out: BTreeMap<PathBuf, Vec<RegistryUse>> = BTreeMap::new();
        let registries = match self.registries.lock() {
            Ok(guard) => guard,
            // A poisoned set is still a set: a panicking case cannot have left it half-written.
            Err(poisoned) => poisoned.into_inner(),
        };
        for (path, usage) in registries.iter() {
            out.entry(path.clone()).or_default().push(usage.clone());
        }
        out
    }

    fn remember(&self, registry: &Path, usage: RegistryUse) {
        let mut registries = match self.registries.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        registries.insert((registry.to_path_buf(), usage));
    }
}

/// Why a Gait case could not be evaluated.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CaseError {
    #[error("a Gait suite names exactly one policy, found {0}")]
    PolicyCount(usize),
    #[error("policy `{path}`: {error}")]
    Policy { path: String, error: PolicyError },
    #[error("intent `{path}`: {error}")]
    Intent { path: String, error: IntentError },
    #[error("inline intent: {0}")]
    InlineIntent(IntentError),
    #[error("a Gait case needs `input.intent` (a path or an object)")]
    NoIntent,
    #[error("invalid evaluation time `{text}`: {reason}")]
    EvaluationTime { text: String, reason: String },
    #[error("`options.rate_limit_state` must be a path (relative to the suite) or an object")]
    RateLimitState,
    #[error("`options.wrkr_inventory` must be a path (relative to the suite)")]
    WrkrInventory,
    #[error(transparent)]
    Invalid(GateError),
    #[error(transparent)]
    Read(#[from] crate::source::ReadError),
    #[error("`{0}` is not valid UTF-8")]
    NotUtf8(String),
}

impl GaitEvaluator for GaitCases {
    fn evaluate(
        &self,
        files: &dyn Files,
        suite_dir: &Path,
        policies: &[PathBuf],
        input: &Json,
    ) -> Result<Actual, CaseFailure> {
        self.case(files, suite_dir, policies, input)
            .map_err(CaseFailure::new)
    }
}

impl GaitCases {
    fn case(
        &self,
        files: &dyn Files,
        suite_dir: &Path,
        policies: &[PathBuf],
        input: &Json,
    ) -> Result<Actual, CaseError> {
        let [policy_path] = policies else {
            return Err(CaseError::PolicyCount(policies.len()));
        };
        let policy = policy::load_policy(&read_text(files, policy_path)?).map_err(|error| {
            CaseError::Policy {
                path: policy_path.display().to_string(),
                error,
            }
        })?;
        let intent = match input.get("intent") {
            Some(Json::String(relative)) => {
                let path = suite_dir.join(relative);
                intent::load_intent(&read_text(files, &path)?).map_err(|error| {
                    CaseError::Intent {
                        path: path.display().to_string(),
                        error,
                    }
                })?
            }
            Some(inline @ Json::Object(_)) => {
                intent::load_intent(&inline.to_string()).map_err(CaseError::InlineIntent)?
            }
            _ => return Err(CaseError::NoIntent),
        };
        let options = options(suite_dir, input.get("options"), input.get("now"))?;
        if let Some(registry) = &options.approved_script_registry {
            self.remember(
                registry,
                RegistryUse {
                    policy: Some((discover::normalize_display(policy_path), policy.digest())),
                    now: options.evaluation_time,
                },
            );
        }
        // The suite gives the time (or the case runs on the wall clock, as Gait does).
        let now = options.evaluation_time.unwrap_or_else(jiff::Timestamp::now);
        let inputs = command::read_inputs(files, &options, now);
        let evaluation = Gait.decide(&policy, (intent, &inputs));
        let (exit, message) = match &evaluation {
            Ok(outcome) => (outcome.exit(), None),
            Err(error) if error.exit() == Exit::InvalidInput => {
                return Err(CaseError::Invalid(error.clone()));
            }
            Err(error) => (error.exit(), Some(error.to_string())),
        };
        let decided = command::decided(&evaluation.map_err(command::EvalError::from));
        Ok(Actual {
            verdict: decided.verdict.as_str().to_owned(),
            gate: None,
            rule: decided.matched_rule,
            reasons: decided.reason_codes,
            message,
            exit_code: i32::from(exit.code()),
            equivalent: Vec::new(),
        })
    }
}

/// A file a case names, read as this side of the run sees it.
fn read_text(files: &dyn Files, path: &Path) -> Result<String, CaseError> {
    let bytes = files.read(path)?;
    match crate::parse::decode(&bytes) {
        (text, None) => Ok(text),
        (_, Some(_)) => Err(CaseError::NotUtf8(path.display().to_string())),
    }
}

fn options(
    suite_dir: &Path,
    options: Option<&Json>,
    now: Option<&Json>,
) -> Result<EvalOptions, CaseError> {
    let empty = Json::Object(serde_json::Map::new());
    let options = options.unwrap_or(&empty);
    let path = |key: &str| {
        options
            .get(key)
            .and_then(Json::as_str)
            .map(|p| suite_dir.join(p))
    };
    let paths = |key: &str| -> Vec<PathBuf> {
        match options.get(key) {
            Some(Json::String(text)) => text
                .split(',')
                .filter(|item| !item.trim().is_empty())
                .map(|item| suite_dir.join(item.trim()))
                .collect(),
            Some(Json::Array(items)) => items
                .iter()
                .filter_map(Json::as_str)
                .map(|item| suite_dir.join(item))
                .collect(),
            _ => Vec::new(),
        }
    };
    let time = options
        .get("evaluation_time")
        .or(now)
        .and_then(Json::as_str)
        .map(|text| {
            text.parse::<jiff::Timestamp>()
                .map_err(|error| CaseError::EvaluationTime {
                    text: text.to_owned(),
                    reason: error.to_string(),
                })
        })
        .transpose()?;
    let rate_limit_state = match options.get("rate_limit_state") {
        None | Some(Json::Null) => None,
        Some(Json::String(relative)) => Some(StateSource::File(suite_dir.join(relative))),
        Some(inline @ Json::Object(_)) => Some(StateSource::Inline(inline.clone())),
        Some(_) => {
            return Err(CaseError::RateLimitState);
        }
    };
    if options
        .get("wrkr_inventory")
        .is_some_and(|value| !value.is_string() && !value.is_null())
    {
        return Err(CaseError::WrkrInventory);
    }
    let mut approval_tokens = paths("approval_token");
    approval_tokens.extend(paths("approval_token_chain"));
    let mut delegation_tokens = paths("delegation_token");
    delegation_tokens.extend(paths("delegation_token_chain"));
    Ok(EvalOptions {
        simulate: options
            .get("simulate")
            .and_then(Json::as_bool)
            .unwrap_or(false),
        evaluation_time: time,
        approval_tokens,
        approval_public_key: path("approval_public_key"),
        delegation_tokens,
        delegation_public_key: path("delegation_public_key"),
        // Replay evaluates a case as `policy test` does: without tokens, the intent's claims.
        delegation_from_intent: true,
        kill_switch_state: path("kill_switch_state"),
        rate_limit_state,
        wrkr_inventory: path("wrkr_inventory"),
        approved_script_registry: path("approved_script_registry"),
        approved_script_public_key: path("approved_script_public_key"),
    })
}
