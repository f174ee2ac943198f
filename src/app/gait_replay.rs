//! Fixture-suite cases with a Gait `input`, handed to the Gait evaluator.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use serde_json::Value as Json;

use crate::discover;
use crate::exit::Exit;
use crate::gait::command::{self, EvalOptions, StateSource};
use crate::gait::gate::{GateError, IntentDigest};
use crate::gait::intent::IntentError;
use crate::gait::policy::{DigestedPolicy, PolicyError};
use crate::gait::registry::RegistryUse;
use crate::gait::{intent, policy};
use crate::replay::runner::{Actual, CaseFailure, Evaluator, Gait, GaitEvaluator};
use crate::source::Files;

/// Evaluates Gait fixture cases: `input.intent` is a path (relative to the suite) or an inline
/// intent; `input.options` mirrors `gate eval` flags, file paths relative to the suite.
/// Remembers every approved-script registry a case reads, with the policy and time it is
/// read under, for the registry rule.
///
/// A policy is read, loaded, validated and digested once for all the cases that name it: one
/// `GaitCases` serves one view of the files (one side of a diff), so a file's policy cannot
/// change under it.
#[derive(Debug, Default)]
pub struct GaitCases {
    registries: Mutex<BTreeSet<(PathBuf, RegistryUse)>>,
    /// Each policy path as a suite resolved it, loaded on first use; an error names that path,
    /// as it would had the case loaded the policy itself.
    policies: Mutex<HashMap<PathBuf, Arc<OnceLock<LoadedPolicy>>>>,
    /// The policies that loaded, by absolute path: suites that name one file by different paths
    /// share it.
    by_file: Mutex<HashMap<PathBuf, Arc<DigestedPolicy>>>,
}

type LoadedPolicy = Result<Arc<DigestedPolicy>, CaseError>;

/// The guarded value, even from a poisoned lock: every value here is whole between statements,
/// so a panicking case cannot have left one half-written.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

impl GaitCases {
    /// The registries the evaluated cases read, by path, each with its distinct uses.
    pub fn registry_uses(&self) -> BTreeMap<PathBuf, Vec<RegistryUse>> {
        let mut out: BTreeMap<PathBuf, Vec<RegistryUse>> = BTreeMap::new();
        for (path, usage) in lock(&self.registries).iter() {
            out.entry(path.clone()).or_default().push(usage.clone());
        }
        out
    }

    fn remember(&self, registry: &Path, usage: RegistryUse) {
        lock(&self.registries).insert((registry.to_path_buf(), usage));
    }

    /// The policy at `path`, loaded and digested by the first case that names it.
    fn policy(&self, files: &dyn Files, path: &Path) -> LoadedPolicy {
        let cell = Arc::clone(lock(&self.policies).entry(path.to_path_buf()).or_default());
        cell.get_or_init(|| self.load(files, path)).clone()
    }

    fn load(&self, files: &dyn Files, path: &Path) -> LoadedPolicy {
        let absolute = files.reader().absolute(path);
        if let Some(loaded) = lock(&self.by_file).get(&absolute) {
            return Ok(Arc::clone(loaded));
        }
        let policy =
            policy::load_policy(&read_text(files, path)?).map_err(|error| CaseError::Policy {
                path: path.display().to_string(),
                error,
            })?;
        let loaded = Arc::new(DigestedPolicy::new(policy));
        Ok(Arc::clone(
            lock(&self.by_file).entry(absolute).or_insert(loaded),
        ))
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
        let policy = self.policy(files, policy_path)?;
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
                intent::load_intent_value(inline).map_err(CaseError::InlineIntent)?
            }
            _ => return Err(CaseError::NoIntent),
        };
        let options = options(suite_dir, input.get("options"), input.get("now"))?;
        if let Some(registry) = &options.approved_script_registry {
            self.remember(
                registry,
                RegistryUse {
                    policy: Some((
                        discover::normalize_display(policy_path),
                        policy.digest().to_owned(),
                    )),
                    now: options.evaluation_time,
                },
            );
        }
        // The suite gives the time (or the case runs on the wall clock, as Gait does).
        let now = options.evaluation_time.unwrap_or_else(jiff::Timestamp::now);
        let inputs = command::read_inputs(files, &options, now);
        // The case's result is its verdict, reasons and rule: the intent digest is computed only
        // for the tokens checked against it.
        let gait = Gait {
            intent_digest: IntentDigest::WhenChecked,
        };
        let evaluation = gait.decide(&policy, (intent, &inputs));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replay::runner::{TestOptions, test_command};
    use crate::source::{ReadError, Reader};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// The working tree, counting the reads of one file.
    struct Counting<'a> {
        reader: &'a Reader,
        path: PathBuf,
        reads: AtomicUsize,
    }

    impl Files for Counting<'_> {
        fn reader(&self) -> &Reader {
            self.reader
        }

        fn read(&self, path: &Path) -> Result<Vec<u8>, ReadError> {
            if self.reader.absolute(path) == self.path {
                self.reads.fetch_add(1, Ordering::Relaxed);
            }
            self.reader.read(path)
        }
    }

    const INTENT: &str = r#"{"tool_name":"tool.read","args":{},"targets":[{"kind":"path","value":"/r/a","operation":"read"}],"context":{"identity":"a","workspace":"/r","risk_class":"low"}}"#;

    fn suite(policy: &str, cases: usize) -> String {
        let mut text = format!(
            "{{\"kind\":\"gatelint.fixtures/v1\",\"ecosystem\":\"gait\",\"policy\":\"{policy}\"}}\n"
        );
        for _ in 0..cases {
            text.push_str(&format!(
                "{{\"input\":{{\"intent\":{INTENT},\"options\":{{\"evaluation_time\":\"2026-01-01T00:00:00Z\"}}}},\"expect\":{{\"verdict\":\"allow\",\"rule\":\"read\",\"exit_code\":0}}}}\n"
            ));
        }
        text
    }

    #[test]
    fn suites_naming_one_policy_read_it_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a")).unwrap();
        std::fs::create_dir_all(root.join("b")).unwrap();
        std::fs::write(
            root.join("a/policy.yaml"),
            "default_verdict: block\nrules:\n  - name: read\n    effect: allow\n    match: {tool_names: [tool.read]}\n",
        )
        .unwrap();
        std::fs::write(root.join("a/one.fixtures.jsonl"), suite("policy.yaml", 50)).unwrap();
        std::fs::write(
            root.join("b/two.fixtures.jsonl"),
            suite("../a/policy.yaml", 50),
        )
        .unwrap();
        std::fs::write(
            root.join("b/three.fixtures.jsonl"),
            suite("missing.yaml", 2),
        )
        .unwrap();
        let reader = Reader::new(&[root.to_path_buf()]);
        let files = Counting {
            reader: &reader,
            path: reader.absolute(&root.join("a/policy.yaml")),
            reads: AtomicUsize::new(0),
        };
        let gait = GaitCases::default();
        let options = TestOptions {
            files: Some(&files),
            gait: Some(&gait),
            batch_size: 7,
            ..TestOptions::default()
        };
        let outcome = test_command(&[root.to_path_buf()], &options);
        assert_eq!((outcome.passed, outcome.total), (100, 102), "{outcome:?}");
        assert_eq!(files.reads.load(Ordering::Relaxed), 1);
        // A policy that cannot be read is still each case's error, naming the suite's path.
        let missing = root.join("b/missing.yaml").display().to_string();
        let errors: Vec<&str> = outcome
            .suites
            .iter()
            .flat_map(|suite| &suite.cases)
            .filter_map(|case| case.error.as_deref())
            .collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors.iter().all(|error| error.contains(&missing)),
            "{errors:?}"
        );
    }
}
