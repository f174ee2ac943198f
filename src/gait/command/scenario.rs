//! Gait scenario directories (gait-reference §5): a policy, intents, flags and the expected
//! outcome, replayed through the same evaluation as `gatelint eval`.

use std::path::{Path, PathBuf};

use serde_json::{Value as Json, json};

use super::{
    EvalError, EvalOptions, Evaluation, evaluate_digested, evaluate_files, exit_of, render_json,
};
use crate::gait::intent;
use crate::gait::policy::{self, DigestedPolicy};
use crate::gait::registry::RegistryUse;
use crate::source::{Files, ReadError};

#[derive(Clone, Debug, PartialEq)]
pub enum ScenarioStatus {
    Passed,
    Failed(Vec<String>),
    Skipped(String),
    /// The scenario's own files cannot be read as a scenario (a bookkeeping file that does not
    /// parse, a missing intent or expectation, an `intents.jsonl` that is not a file): located
    /// messages. The scenario is not run.
    Invalid(Vec<String>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioResult {
    pub name: String,
    pub status: ScenarioStatus,
    /// One evaluation per run.
    pub runs: Vec<Evaluation>,
}

fn yaml_json(files: &dyn Files, path: &Path) -> Option<Json> {
    let text = String::from_utf8(files.read(path).ok()?).ok()?;
    let document = crate::parse::parse(&text, crate::parse::Format::Yaml);
    document.root.map(|root| root.to_json())
}

/// What is wrong with a scenario directory's own files, as Gait's scenario validation sees it:
/// every `.yaml`, `.yml`, `.json` and `.jsonl` file parses, there is an intent (`intent.json` or
/// `intents.jsonl`) and an expectation (`expected.yaml` or `expected-verdicts.jsonl`), each a
/// regular file. Each problem is one message that starts with the file's path and position.
pub fn scenario_problems(files: &dyn Files, dir: &Path) -> Vec<String> {
    let reader = files.reader();
    let shown = |path: &Path| crate::discover::normalize_display(path);
    let mut problems = Vec::new();
    for (names, what) in [
        (["intent.json", "intents.jsonl"], "intent"),
        (["expected.yaml", "expected-verdicts.jsonl"], "expectation"),
    ] {
        let checked: Vec<_> = names
            .iter()
            .map(|name| reader.check(&dir.join(name)))
            .filter(|checked| !checked.as_ref().is_err_and(ReadError::is_missing))
            .collect();
        if checked.is_empty() {
            let [first, second] = names;
            problems.push(format!(
                "{}: the scenario has no {what} (`{first}` or `{second}`)",
                shown(dir)
            ));
        }
        for error in checked.into_iter().filter_map(Result::err) {
            problems.push(error.to_string());
        }
    }
    let entries = match reader.list_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            problems.push(error.to_string());
            return problems;
        }
    };
    for path in entries {
        let lower = path.to_string_lossy().to_ascii_lowercase();
        let jsonl = lower.ends_with(".jsonl");
        let format = if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            crate::parse::Format::Yaml
        } else if lower.ends_with(".json") || jsonl {
            crate::parse::Format::Json
        } else {
            continue;
        };
        if reader.check(&path).is_err() {
            // A link or a directory under a bookkeeping name is reported above, or not read.
            continue;
        }
        let text = match reader.read_string(&path) {
            Ok(text) => text,
            Err(error) => {
                problems.push(format!("{}: {error}", shown(&path)));
                continue;
            }
        };
        let issue = if jsonl {
            text.split('\n')
                .scan(0usize, |start, line| {
                    let at = *start;
                    *start += line.len() + 1;
                    Some((at, line))
                })
                .filter(|(_, line)| !line.trim().is_empty())
                .find_map(|(at, line)| {
                    crate::parse::json::parse(line, at)
                        .issues
                        .into_iter()
                        .find(crate::parse::ParseIssue::is_fatal)
                })
        } else {
            crate::parse::parse(&text, format)
                .issues
                .into_iter()
                .find(crate::parse::ParseIssue::is_fatal)
        };
        if let Some(issue) = issue {
            problems.push(format!("{}:{}", shown(&path), issue.located(&text)));
        }
    }
    problems
}

/// The approved-script registry a scenario directory replays (`approved_script_registry` in
/// `flags.yaml`), with its `policy.yaml` (`None` when that does not load). Scenarios run on the
/// wall clock, so the use has no fixed time.
pub fn scenario_registry_use(files: &dyn Files, dir: &Path) -> Option<(PathBuf, RegistryUse)> {
    let flags = yaml_json(files, &dir.join("flags.yaml"))?;
    let relative = flags.get("approved_script_registry")?.as_str()?;
    let policy_path = dir.join("policy.yaml");
    let policy = policy::load_policy_file(files, &policy_path)
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
pub fn run_scenario_dir(files: &dyn Files, dir: &Path) -> ScenarioResult {
    let is_file = |path: &Path| files.reader().check(path).is_ok();
    // `.` is named by the directory it stands for.
    let name = files
        .reader()
        .absolute(dir)
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let policy_path = dir.join("policy.yaml");
    if !is_file(&policy_path) {
        return ScenarioResult {
            name,
            status: ScenarioStatus::Skipped("not a gate scenario (no policy.yaml)".into()),
            runs: Vec::new(),
        };
    }
    let problems = scenario_problems(files, dir);
    if !problems.is_empty() {
        return ScenarioResult {
            name,
            status: ScenarioStatus::Invalid(problems),
            runs: Vec::new(),
        };
    }
    let flags = yaml_json(files, &dir.join("flags.yaml")).unwrap_or(Json::Null);
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
    if is_file(&dir.join("approval-token.json")) {
        options
            .approval_tokens
            .push(dir.join("approval-token.json"));
    }
    if is_file(&dir.join("approval_public.key")) {
        options.approval_public_key = Some(dir.join("approval_public.key"));
    }
    if is_file(&dir.join("delegation-token-1.json")) {
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
    if is_file(&dir.join("delegation_public.key")) {
        options.delegation_public_key = Some(dir.join("delegation_public.key"));
    }

    let mut failures = Vec::new();
    let mut runs = Vec::new();
    if is_file(&dir.join("intents.jsonl")) {
        let text = |name: &str| {
            files
                .read(&dir.join(name))
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                .unwrap_or_default()
        };
        let intents = text("intents.jsonl");
        let expected = text("expected-verdicts.jsonl");
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
        let policy = policy::load_policy_file(files, &policy_path)
            .map(|(policy, _)| DigestedPolicy::new(policy));
        for (index, (line, want)) in intents.iter().zip(expected.iter()).enumerate() {
            let run = match (&policy, intent::load_intent(line)) {
                (Ok(policy), Ok(intent)) => {
                    evaluate_digested(files, policy, intent, &options).map_err(EvalError::from)
                }
                (Err(error), _) => Err(EvalError::Policy(error.clone())),
                (_, Err(error)) => Err(EvalError::Intent(error)),
            };
            compare(&run, want, &format!("intent {index}: "), &mut failures);
            runs.push(run);
        }
    } else {
        let expected = yaml_json(files, &dir.join("expected.yaml")).unwrap_or(Json::Null);
        let repeat = flags
            .get("concurrency")
            .or_else(|| flags.get("repeat"))
            .and_then(Json::as_u64)
            .unwrap_or(1)
            .max(1);
        let mut successful = 0_u64;
        for _ in 0..repeat {
            let run = evaluate_files(files, &policy_path, &dir.join("intent.json"), &options);
            if exit_of(&run).code()
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
            [a, b] => !same_run(a, b),
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

/// Whether repeated runs agree on verdict, reasons, script hash and step verdicts.
fn same_run(a: &Evaluation, b: &Evaluation) -> bool {
    match (a, b) {
        (Ok(a), Ok(b)) => {
            let script = |outcome: &crate::gait::gate::GateOutcome| {
                outcome
                    .script
                    .as_ref()
                    .map(|script| (script.script_hash.clone(), script.step_verdicts.clone()))
            };
            a.verdict == b.verdict && a.reason_codes == b.reason_codes && script(a) == script(b)
        }
        (Err(_), Err(_)) => true,
        _ => false,
    }
}

/// Compares a run with a scenario's expectations, which are written in Gait's `--json` shape.
fn compare(run: &Evaluation, expected: &Json, prefix: &str, failures: &mut Vec<String>) {
    let output = render_json(run);
    let exit = exit_of(run).code();
    if let Some(want) = expected.get("exit_code").and_then(Json::as_u64)
        && want != u64::from(exit)
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
