//! The library side of `gatelint eval` (Gait's `gate eval`) and of Gait scenario directories.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde_json::{Value as Json, json};

use super::eval::{self, Decision};
use super::intent::{self, Intent};
use super::killswitch::KillSwitchState;
use super::policy::{self, Policy, Verdict, uniq_sort};
use super::ratelimit::{self, LimitDecision, RateLimitState};
use super::registry::RegistryUse;
use super::tokens::{self, ApprovalContext, PublicKey};
use super::wrkr::WrkrInventory;

pub const EXIT_OK: u8 = 0;
pub const EXIT_BLOCKED: u8 = 3;
pub const EXIT_APPROVAL_REQUIRED: u8 = 4;
pub const EXIT_INVALID_INPUT: u8 = 6;

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

fn load_rate_limit_state(source: &StateSource) -> Result<RateLimitState, String> {
    match source {
        StateSource::Inline(value) => {
            RateLimitState::from_json(value).map_err(|error| format!("inline {error}"))
        }
        StateSource::File(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|error| format!("read rate limit state `{}`: {error}", path.display()))?;
            let value: Json = serde_json::from_str(&text)
                .map_err(|error| format!("parse rate limit state `{}`: {error}", path.display()))?;
            RateLimitState::from_json(&value)
                .map_err(|error| format!("{error} (in `{}`)", path.display()))
        }
    }
}

/// Adds Gait's `<prefix>_scope/key/used/remaining` output fields (zero values omitted).
fn put_limit(out: &mut BTreeMap<&'static str, Json>, budget: bool, limit: &LimitDecision) {
    let [scope, key, used, remaining] = if budget {
        [
            "destructive_budget_scope",
            "destructive_budget_key",
            "destructive_budget_used",
            "destructive_budget_remaining",
        ]
    } else {
        [
            "rate_limit_scope",
            "rate_limit_key",
            "rate_limit_used",
            "rate_limit_remaining",
        ]
    };
    if !limit.scope.is_empty() {
        out.insert(scope, json!(limit.scope));
    }
    if !limit.key.is_empty() {
        out.insert(key, json!(limit.key));
    }
    if limit.used != 0 {
        out.insert(used, json!(limit.used));
    }
    if limit.remaining != 0 {
        out.insert(remaining, json!(limit.remaining));
    }
}

/// Builds the error envelope of Gait's `--json` output.
fn error_output(message: &str, exit: u8) -> (Json, u8) {
    let (code, hint) = match exit {
        EXIT_BLOCKED => (
            "policy_blocked",
            "inspect reason_codes and adjust policy or intent",
        ),
        EXIT_APPROVAL_REQUIRED => (
            "approval_required",
            "provide a valid approval token and retry",
        ),
        _ => ("invalid_input", "check command usage and input schema"),
    };
    (
        json!({
            "ok": false,
            "error": message,
            "error_code": code,
            "error_category": code,
            "retryable": false,
            "hint": hint,
        }),
        exit,
    )
}

fn read_json(path: &Path) -> Result<Json, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("read `{}`: {error}", path.display()))?;
    serde_json::from_str(&text).map_err(|error| format!("parse `{}`: {error}", path.display()))
}

fn read_key(path: &Path) -> Result<PublicKey, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("read `{}`: {error}", path.display()))?;
    PublicKey::from_base64(&text).map_err(|error| error.to_string())
}

/// Gait's `gate eval` for files: `(the core --json fields, exit code)`.
pub fn eval_command(policy_path: &Path, intent_path: &Path, options: &EvalOptions) -> (Json, u8) {
    let policy = match policy::load_policy_file(policy_path) {
        Ok((policy, _)) => policy,
        Err(error) => {
            let (mut output, exit) = error_output(&error.to_string(), EXIT_INVALID_INPUT);
            if let (Some(hint), Some(map)) = (error.kind.hint(), output.as_object_mut()) {
                map.insert("hint".into(), json!(hint));
            }
            return (output, exit);
        }
    };
    let intent = match intent::load_intent_file(intent_path) {
        Ok(intent) => intent,
        Err(error) => return error_output(&error.to_string(), EXIT_INVALID_INPUT),
    };
    eval_loaded(&policy, intent, options)
}

/// `gate eval` on a loaded policy and a normalised intent.
pub fn eval_loaded(policy: &Policy, mut intent: Intent, options: &EvalOptions) -> (Json, u8) {
    let now = options.evaluation_time.unwrap_or_else(Timestamp::now);
    let risk = intent.context.get("risk_class").to_owned();
    let fail_closed_risk = risk == "high" || risk == "critical";
    let mut warnings: Vec<String> = Vec::new();
    let mut eval_options = eval::EvalOptions::at(now);

    if let Some(path) = &options.kill_switch_state {
        match read_json(path)
            .and_then(|value| KillSwitchState::from_json(&value).map_err(|error| error.to_string()))
        {
            Ok(state) => eval_options.kill_switch = Some(state),
            Err(_) if fail_closed_risk => eval_options.kill_switch_unavailable = true,
            Err(error) => return error_output(&error, EXIT_INVALID_INPUT),
        }
    }
    if let Some(path) = &options.wrkr_inventory {
        match WrkrInventory::load(path) {
            Ok(inventory) => eval_options.wrkr = Some(inventory),
            Err(error) if fail_closed_risk => {
                return error_output(
                    &format!("wrkr inventory unavailable in fail-closed mode: {error}"),
                    EXIT_BLOCKED,
                );
            }
            Err(_) => warnings
                .push("wrkr inventory unavailable; continuing without context enrichment".into()),
        }
    }

    let policy_digest = policy.digest();
    intent.strip_context_evidence();
    // The prepared intent carries the Wrkr context: it is what the digest (and so approval
    // tokens) and the kill switch see. Script steps are enriched one by one by the evaluator.
    if let Some(inventory) = &eval_options.wrkr
        && !intent.is_script()
    {
        let tool = intent.tool_name.clone();
        inventory.apply(&mut intent, &tool);
    }
    let intent_digest = intent.digest();

    let mut registry_reason = String::new();
    let mut pre_approved: Option<String> = None;
    if let Some(path) = &options.approved_script_registry {
        match check_registry(policy, &intent, &policy_digest, path, options, now) {
            Ok(Some(pattern)) => pre_approved = Some(pattern),
            Ok(None) => {
                registry_reason = if intent.is_script() {
                    "approved_script_not_found".into()
                } else {
                    "not_script".into()
                };
            }
            Err(error) if fail_closed_risk => return error_output(&error, EXIT_BLOCKED),
            Err(error) => {
                warnings.push(error);
                registry_reason = if intent.is_script() {
                    "approved_script_not_found".into()
                } else {
                    "not_script".into()
                };
            }
        }
    }

    let mut out: BTreeMap<&'static str, Json> = BTreeMap::new();
    let mut decision = match &pre_approved {
        Some(pattern) => {
            out.insert("pre_approved", json!(true));
            out.insert("pattern_id", json!(pattern));
            registry_reason = "approved_script_match".into();
            pre_approved_decision(&intent)
        }
        None => eval::evaluate(policy, &intent, &eval_options),
    };
    let mut exit = EXIT_OK;
    if decision.wrkr_applied
        && let Some(inventory) = &eval_options.wrkr
    {
        out.insert("context_source", json!(inventory.label()));
    }

    // Rate limit and destructive budget (§3.10.2/§3.10.3): after evaluation, whatever the
    // verdict, simulate or not.
    let rate_state = match &options.rate_limit_state {
        Some(source) => match load_rate_limit_state(source) {
            Ok(state) => state,
            Err(error) => return error_output(&error, EXIT_INVALID_INPUT),
        },
        None => RateLimitState::default(),
    };
    let identity = intent.context.get("identity").to_owned();
    if decision.rate_limit.requests > 0 {
        let limit = rate_state.check(&decision.rate_limit, &intent.tool_name, &identity, now);
        put_limit(&mut out, false, &limit);
        if !limit.allowed {
            decision.verdict = Verdict::Block;
            add_reasons(&mut decision, &["rate_limit_exceeded".to_owned()]);
            add_violation(&mut decision, "rate_limit_exceeded");
        }
    }
    if decision.destructive_budget.requests > 0 && ratelimit::is_destructive(&intent) {
        let tool = format!("destructive_budget|{}", intent.tool_name);
        let limit = rate_state.check(&decision.destructive_budget, &tool, &identity, now);
        put_limit(&mut out, true, &limit);
        if !limit.allowed {
            decision.verdict = Verdict::Block;
            add_reasons(&mut decision, &["destructive_budget_exceeded".to_owned()]);
            add_violation(&mut decision, "destructive_budget_exceeded");
        }
    }

    // Delegation evidence is checked when it is supplied; without any, the intent's claims stand
    // (as in `policy test`) and `delegation_required` says that tokens are still due.
    if decision.require_delegation && pre_approved.is_none() {
        out.insert("delegation_required", json!(true));
        let supplied =
            !options.delegation_tokens.is_empty() || options.delegation_public_key.is_some();
        if supplied {
            let key_path = options
                .delegation_public_key
                .as_ref()
                .or(options.approval_public_key.as_ref());
            let key = key_path.and_then(|path| read_key(path).ok());
            let mut paths = options.delegation_tokens.clone();
            paths.sort();
            paths.dedup();
            let documents: Vec<Json> = paths
                .iter()
                .filter_map(|path| read_json(path).ok())
                .collect();
            let outcome = tokens::check_delegation(
                &documents,
                &intent,
                &decision.delegation_scopes,
                &intent_digest,
                &policy_digest,
                now,
                key.as_ref(),
            );
            add_reasons(&mut decision, &outcome.reason_codes);
            if outcome.valid_delegations > 0 {
                out.insert("valid_delegations", json!(outcome.valid_delegations));
            }
            if outcome.granted {
                out.insert("delegation_ref", json!(outcome.delegation_ref));
            } else {
                decision.verdict = Verdict::Block;
                add_violation(&mut decision, "delegation_not_granted");
                exit = EXIT_BLOCKED;
            }
        }
    }

    if decision.verdict == Verdict::RequireApproval {
        let required = decision.min_approvals.max(1);
        out.insert("required_approvals", json!(required));
        let key = options
            .approval_public_key
            .as_ref()
            .and_then(|path| read_key(path).ok());
        let mut paths = options.approval_tokens.clone();
        paths.sort();
        paths.dedup();
        if paths.is_empty() {
            add_reasons(&mut decision, &["approval_token_missing".to_owned()]);
            add_violation(&mut decision, "approval_not_granted");
        } else {
            let context = ApprovalContext {
                intent: &intent,
                intent_digest: &intent_digest,
                policy_digest: &policy_digest,
                now,
                key: key.as_ref(),
            };
            let mut valid = Vec::new();
            let mut codes = Vec::new();
            for path in &paths {
                let checked = read_json(path)
                    .map_err(|_| "approval_token_invalid")
                    .and_then(|document| tokens::check_approval(&document, &context));
                match checked {
                    Ok(token) => valid.push(token),
                    Err(code) => codes.push(code.to_owned()),
                }
            }
            add_reasons(&mut decision, &codes);
            let count = i64::try_from(valid.len()).unwrap_or(i64::MAX);
            if count > 0 {
                out.insert("valid_approvals", json!(count));
            }
            let mut approvers: Vec<&str> =
                valid.iter().map(|t| t.approver_identity.as_str()).collect();
            approvers.sort_unstable();
            approvers.dedup();
            let approvers = i64::try_from(approvers.len()).unwrap_or(i64::MAX);
            if count < required {
                add_reasons(&mut decision, &["approval_chain_insufficient".to_owned()]);
                add_violation(&mut decision, "approval_not_granted");
            } else if decision.require_distinct_approvers && required > 1 && approvers < required {
                add_reasons(
                    &mut decision,
                    &["approval_distinct_approvers_required".to_owned()],
                );
                add_violation(&mut decision, "approval_not_granted");
            } else {
                decision.verdict = Verdict::Allow;
                add_reasons(&mut decision, &["approval_granted".to_owned()]);
                let ids = uniq_sort(valid.iter().map(|t| t.token_id.as_str()));
                out.insert("approval_ref", json!(ids.join(",")));
            }
        }
    }

    if decision.require_broker_credential && decision.verdict == Verdict::Allow {
        decision.verdict = Verdict::Block;
        add_reasons(&mut decision, &["broker_credential_required".to_owned()]);
        add_violation(&mut decision, "broker_credential_missing");
    }

    if options.simulate {
        out.insert("simulate_mode", json!(true));
        out.insert("simulated_verdict", json!(decision.verdict.as_str()));
        out.insert("simulated_reason_codes", json!(decision.reason_codes));
        let mut extra = vec!["simulate_mode_non_enforcing".to_owned()];
        if matches!(decision.verdict, Verdict::Block | Verdict::RequireApproval) {
            out.insert("would_have_blocked", json!(true));
            extra.push(format!("simulated_{}", decision.verdict.as_str()));
            decision.verdict = Verdict::Allow;
            decision.violations.clear();
        }
        add_reasons(&mut decision, &extra);
        exit = EXIT_OK;
    }
    match decision.verdict {
        Verdict::Block => exit = EXIT_BLOCKED,
        Verdict::RequireApproval if exit == EXIT_OK => exit = EXIT_APPROVAL_REQUIRED,
        _ => {}
    }

    out.insert("ok", json!(true));
    out.insert("verdict", json!(decision.verdict.as_str()));
    out.insert("policy_digest", json!(policy_digest));
    out.insert("intent_digest", json!(intent_digest));
    out.insert("phase", json!(intent.context.get("phase")));
    if !decision.reason_codes.is_empty() {
        out.insert("reason_codes", json!(decision.reason_codes));
    }
    if !decision.violations.is_empty() {
        out.insert("violations", json!(decision.violations));
    }
    if !decision.matched_rule.is_empty() {
        out.insert("matched_rule", json!(decision.matched_rule));
    }
    if !registry_reason.is_empty() {
        out.insert("registry_reason", json!(registry_reason));
    }
    if let Some(script) = &decision.script {
        out.insert("script", json!(true));
        out.insert("step_count", json!(script.step_count));
        out.insert("script_hash", json!(script.script_hash));
        out.insert("composite_risk_class", json!(script.composite_risk_class));
        out.insert(
            "step_verdicts",
            Json::Array(script.step_verdicts.iter().map(|s| s.to_json()).collect()),
        );
    }
    if let Some(freeze) = &decision.freeze_window {
        out.insert("freeze_window", freeze.to_json());
    }
    if let Some(sandbox) = &decision.sandbox {
        out.insert("sandbox", sandbox.to_json());
    }
    if let Some(kill) = &decision.kill_switch {
        out.insert("kill_switch", kill.to_json());
    }
    if !warnings.is_empty() {
        out.insert("warnings", json!(warnings));
    }
    let map: serde_json::Map<String, Json> =
        out.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    (Json::Object(map), exit)
}

fn add_reasons(decision: &mut Decision, codes: &[String]) {
    decision.reason_codes = uniq_sort(decision.reason_codes.iter().chain(codes.iter()));
}

fn add_violation(decision: &mut Decision, code: &str) {
    decision.violations = uniq_sort(decision.violations.iter().map(String::as_str).chain([code]));
}

fn pre_approved_decision(intent: &Intent) -> Decision {
    let steps = intent.script.as_deref().unwrap_or(&[]);
    Decision {
        verdict: Verdict::Allow,
        reason_codes: vec!["approved_script_match".into()],
        script: Some(eval::ScriptOutcome {
            step_count: steps.len(),
            script_hash: intent.script_hash(),
            composite_risk_class: "low",
            step_verdicts: steps
                .iter()
                .enumerate()
                .map(|(index, step)| eval::StepVerdict {
                    index,
                    tool_name: step.tool_name.clone(),
                    verdict: Verdict::Allow,
                    reason_codes: vec!["approved_script_match".into()],
                    violations: Vec::new(),
                    matched_rule: String::new(),
                })
                .collect(),
        }),
        ..Decision::default()
    }
}

/// Loads and verifies the registry; `Ok(Some(pattern_id))` on a match.
fn check_registry(
    policy: &Policy,
    intent: &Intent,
    policy_digest: &str,
    path: &Path,
    options: &EvalOptions,
    now: Timestamp,
) -> Result<Option<String>, String> {
    if policy
        .rules
        .iter()
        .any(policy::Rule::has_context_constraints)
    {
        return Ok(None);
    }
    let document = match std::fs::read_to_string(path) {
        Ok(text) if text.trim().is_empty() => Json::Array(Vec::new()),
        Ok(text) => serde_json::from_str(&text).map_err(|error| {
            format!("approved script registry unavailable in fail-closed mode: {error}")
        })?,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Json::Array(Vec::new()),
        Err(error) => {
            return Err(format!(
                "approved script registry unavailable in fail-closed mode: {error}"
            ));
        }
    };
    let key_path = options
        .approved_script_public_key
        .as_ref()
        .or(options.approval_public_key.as_ref())
        .ok_or("approved script registry verification unavailable in fail-closed mode: verify key required")?;
    let key = read_key(key_path).map_err(|error| {
        format!("approved script registry unavailable in fail-closed mode: {error}")
    })?;
    let mut found = None;
    for (index, raw) in tokens::registry_entries(&document).iter().enumerate() {
        let entry = tokens::ApprovedScriptEntry::from_json(raw)
            .and_then(|entry| entry.verify(&key, now).map(|()| entry))
            .map_err(|error| {
                format!("approved script registry verification failed at entry {index}: {error}")
            })?;
        if found.is_none() && entry.matches(intent, policy_digest, now) {
            found = Some(entry.pattern_id.clone());
        }
    }
    Ok(found)
}

// ---------------------------------------------------------------------------------------------
// Scenario directories (gait-reference §5).

#[derive(Clone, Debug, PartialEq)]
pub enum ScenarioStatus {
    Passed,
    Failed(Vec<String>),
    Skipped(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioResult {
    pub name: String,
    pub status: ScenarioStatus,
    /// One `(output, exit)` per evaluation run.
    pub runs: Vec<(Json, u8)>,
}

fn yaml_json(path: &Path) -> Option<Json> {
    let text = std::fs::read_to_string(path).ok()?;
    let document = crate::parse::parse(&text, crate::parse::Format::Yaml);
    document.root.map(|root| root.to_json())
}

/// The approved-script registry a scenario directory replays (`approved_script_registry` in
/// `flags.yaml`), with its `policy.yaml` (`None` when that does not load). Scenarios run on the
/// wall clock, so the use has no fixed time.
pub fn scenario_registry_use(dir: &Path) -> Option<(PathBuf, RegistryUse)> {
    let flags = yaml_json(&dir.join("flags.yaml"))?;
    let relative = flags.get("approved_script_registry")?.as_str()?;
    let policy_path = dir.join("policy.yaml");
    let policy = policy::load_policy_file(&policy_path)
        .ok()
        .map(|(policy, _)| {
            (
                crate::discover::normalize_display(&policy_path),
                policy.digest(),
            )
        });
    Some((dir.join(relative), RegistryUse { policy, now: None }))
}

/// Runs one Gait scenario directory and compares the outputs with its expectations.
pub fn run_scenario_dir(dir: &Path) -> ScenarioResult {
    let name = dir
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let policy_path = dir.join("policy.yaml");
    if !policy_path.is_file() {
        return ScenarioResult {
            name,
            status: ScenarioStatus::Skipped("not a gate scenario (no policy.yaml)".into()),
            runs: Vec::new(),
        };
    }
    let flags = yaml_json(&dir.join("flags.yaml")).unwrap_or(Json::Null);
    let mut options = EvalOptions {
        simulate: flags
            .get("simulate")
            .and_then(Json::as_bool)
            .unwrap_or(false),
        ..EvalOptions::default()
    };
    let file = |key: &str| {
        flags
            .get(key)
            .and_then(Json::as_str)
            .map(|relative| dir.join(relative))
    };
    options.wrkr_inventory = file("wrkr_inventory");
    options.approved_script_registry = file("approved_script_registry");
    options.approved_script_public_key = file("approved_script_public_key");
    if dir.join("approval-token.json").is_file() {
        options
            .approval_tokens
            .push(dir.join("approval-token.json"));
    }
    if dir.join("approval_public.key").is_file() {
        options.approval_public_key = Some(dir.join("approval_public.key"));
    }
    if dir.join("delegation-token-1.json").is_file() {
        options
            .delegation_tokens
            .push(dir.join("delegation-token-1.json"));
    }
    for item in flags
        .get("delegation_chain_files")
        .and_then(Json::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
    {
        if let Some(relative) = item.as_str() {
            options.delegation_tokens.push(dir.join(relative));
        }
    }
    if dir.join("delegation_public.key").is_file() {
        options.delegation_public_key = Some(dir.join("delegation_public.key"));
    }

    let mut failures = Vec::new();
    let mut runs = Vec::new();
    if dir.join("intents.jsonl").is_file() {
        let intents = std::fs::read_to_string(dir.join("intents.jsonl")).unwrap_or_default();
        let expected =
            std::fs::read_to_string(dir.join("expected-verdicts.jsonl")).unwrap_or_default();
        let intents: Vec<&str> = intents
            .lines()
            .filter(|line| !line.trim().is_empty())
            .collect();
        let expected: Vec<Json> = expected
            .lines()
            .filter(|line| !line.trim().is_empty())
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect();
        if intents.len() != expected.len() {
            failures.push(format!(
                "{} intents but {} expected verdicts",
                intents.len(),
                expected.len()
            ));
        }
        let policy = policy::load_policy_file(&policy_path);
        for (index, (line, want)) in intents.iter().zip(expected.iter()).enumerate() {
            let run = match (&policy, intent::load_intent(line)) {
                (Ok((policy, _)), Ok(intent)) => eval_loaded(policy, intent, &options),
                (Err(error), _) => error_output(&error.to_string(), EXIT_INVALID_INPUT),
                (_, Err(error)) => error_output(&error.to_string(), EXIT_INVALID_INPUT),
            };
            compare(&run, want, &format!("intent {index}: "), &mut failures);
            runs.push(run);
        }
    } else {
        let expected = yaml_json(&dir.join("expected.yaml")).unwrap_or(Json::Null);
        let repeat = flags
            .get("concurrency")
            .or_else(|| flags.get("repeat"))
            .and_then(Json::as_u64)
            .unwrap_or(1)
            .max(1);
        let mut successful = 0_u64;
        for _ in 0..repeat {
            let run = eval_command(&policy_path, &dir.join("intent.json"), &options);
            if run.1
                == expected
                    .get("exit_code")
                    .and_then(Json::as_u64)
                    .and_then(|c| u8::try_from(c).ok())
                    .unwrap_or(0)
            {
                successful += 1;
            }
            runs.push(run);
        }
        if let Some(first) = runs.first() {
            compare(first, &expected, "", &mut failures);
        }
        if runs.windows(2).any(|pair| match pair {
            [a, b] => {
                a.0.get("verdict") != b.0.get("verdict")
                    || a.0.get("reason_codes") != b.0.get("reason_codes")
                    || a.0.get("script_hash") != b.0.get("script_hash")
                    || a.0.get("step_verdicts") != b.0.get("step_verdicts")
            }
            _ => false,
        }) {
            failures.push("repeated runs differ".into());
        }
        if let Some(want) = expected.get("successful_runs").and_then(Json::as_u64)
            && want != successful
        {
            failures.push(format!("successful_runs: want {want}, got {successful}"));
        }
    }
    ScenarioResult {
        name,
        status: if failures.is_empty() {
            ScenarioStatus::Passed
        } else {
            ScenarioStatus::Failed(failures)
        },
        runs,
    }
}

fn compare(run: &(Json, u8), expected: &Json, prefix: &str, failures: &mut Vec<String>) {
    let (output, exit) = run;
    if let Some(want) = expected.get("exit_code").and_then(Json::as_u64)
        && want != u64::from(*exit)
    {
        failures.push(format!("{prefix}exit_code: want {want}, got {exit}"));
    }
    for key in [
        "verdict",
        "ok",
        "simulate_mode",
        "script",
        "composite_risk_class",
        "valid_delegations",
        "step_count",
    ] {
        let Some(want) = expected.get(key) else {
            continue;
        };
        let got = output.get(key).cloned().unwrap_or(match want {
            Json::Bool(_) => json!(false),
            Json::Number(_) => json!(0),
            _ => Json::Null,
        });
        if *want != got {
            failures.push(format!("{prefix}{key}: want {want}, got {got}"));
        }
    }
    if let Some(want) = expected.get("step_verdict_count").and_then(Json::as_u64) {
        let got = output
            .get("step_verdicts")
            .and_then(Json::as_array)
            .map_or(0, Vec::len);
        if u64::try_from(got).ok() != Some(want) {
            failures.push(format!(
                "{prefix}step_verdict_count: want {want}, got {got}"
            ));
        }
    }
    for key in ["reason_codes", "reason_codes_must_include"] {
        for code in expected
            .get(key)
            .and_then(Json::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            let present = output
                .get("reason_codes")
                .and_then(Json::as_array)
                .is_some_and(|codes| codes.contains(code));
            if !present {
                failures.push(format!("{prefix}reason code {code} missing"));
            }
        }
    }
    if let Some(want) = expected.get("error_contains").and_then(Json::as_str) {
        let got = output.get("error").and_then(Json::as_str).unwrap_or("");
        if !got.contains(want) {
            failures.push(format!("{prefix}error `{got}` lacks `{want}`"));
        }
    }
}

/// A human explanation of a `gate eval` output: the verdict, the rule that decided it and why.
pub fn describe(output: &Json) -> String {
    let text = |key: &str| output.get(key).and_then(Json::as_str);
    let list = |key: &str| -> Vec<String> {
        output
            .get(key)
            .and_then(Json::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Json::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut out = String::new();
    if let Some(error) = text("error") {
        out.push_str(&format!("error: {error}\n"));
        return out;
    }
    out.push_str(&format!(
        "verdict: {}\n",
        text("verdict").unwrap_or("unknown")
    ));
    if let Some(rule) = text("matched_rule").filter(|rule| !rule.is_empty()) {
        out.push_str(&format!("matched rule: {rule}\n"));
    } else {
        out.push_str("matched rule: none (default verdict)\n");
    }
    for (label, key) in [
        ("reason codes", "reason_codes"),
        ("violations", "violations"),
    ] {
        let items = list(key);
        if !items.is_empty() {
            out.push_str(&format!("{label}: {}\n", items.join(", ")));
        }
    }
    if output.get("simulate_mode").and_then(Json::as_bool) == Some(true) {
        out.push_str("simulate mode: not enforced\n");
    }
    for (label, prefix) in [
        ("rate limit", "rate_limit"),
        ("destructive budget", "destructive_budget"),
    ] {
        let Some(key) = text(&format!("{prefix}_key")) else {
            continue;
        };
        let count = |field: &str| {
            output
                .get(format!("{prefix}_{field}"))
                .and_then(Json::as_u64)
                .unwrap_or(0)
        };
        out.push_str(&format!(
            "{label}: {} used, {} remaining (counter `{key}`)\n",
            count("used"),
            count("remaining")
        ));
    }
    if let Some(source) = text("context_source").filter(|source| !source.is_empty()) {
        out.push_str(&format!("context source: {source}\n"));
    }
    for warning in list("warnings") {
        out.push_str(&format!("warning: {warning}\n"));
    }
    for key in ["policy_digest", "intent_digest"] {
        if let Some(digest) = text(key) {
            out.push_str(&format!("{}: {digest}\n", key.replace('_', " ")));
        }
    }
    out
}

/// The decision fields of a `gate eval` output, as replay and diffs compare them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Decided {
    /// The verdict; an output without one (an error) counts as `block`, failing closed.
    pub verdict: String,
    pub matched_rule: Option<String>,
    pub reason_codes: Vec<String>,
    pub violations: Vec<String>,
}

/// Reads the decision fields of a `gate eval` output.
pub fn decided(output: &Json) -> Decided {
    let strings = |key: &str| -> Vec<String> {
        output
            .get(key)
            .and_then(Json::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Json::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    Decided {
        verdict: output
            .get("verdict")
            .and_then(Json::as_str)
            .unwrap_or("block")
            .to_owned(),
        matched_rule: output
            .get("matched_rule")
            .and_then(Json::as_str)
            .filter(|rule| !rule.is_empty())
            .map(str::to_owned),
        reason_codes: strings("reason_codes"),
        violations: strings("violations"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_shows_counters_context_and_warnings() {
        let output = json!({
            "verdict": "block",
            "matched_rule": "limited",
            "reason_codes": ["rate_limit_exceeded"],
            "violations": ["rate_limit_exceeded"],
            "rate_limit_scope": "tool_identity",
            "rate_limit_key": "minute|tool_identity|2026-01-01T10:17:00Z|tool.write|alice",
            "rate_limit_used": 3,
            "context_source": "inventory.json",
            "warnings": ["wrkr inventory unavailable; continuing without context enrichment"],
            "policy_digest": "ab",
        });
        assert_eq!(
            describe(&output),
            "verdict: block\n\
             matched rule: limited\n\
             reason codes: rate_limit_exceeded\n\
             violations: rate_limit_exceeded\n\
             rate limit: 3 used, 0 remaining (counter `minute|tool_identity|2026-01-01T10:17:00Z|tool.write|alice`)\n\
             context source: inventory.json\n\
             warning: wrkr inventory unavailable; continuing without context enrichment\n\
             policy digest: ab\n"
        );
    }

    #[test]
    fn describe_leaves_out_what_the_output_lacks() {
        let output = json!({"verdict": "allow", "reason_codes": []});
        assert_eq!(
            describe(&output),
            "verdict: allow\nmatched rule: none (default verdict)\n"
        );
    }
}
