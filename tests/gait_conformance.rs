//! Data-driven Gait evaluator conformance: every `testdata/eval/gait/*.json` case file holds
//! policies, intents and the verdict, exit code and reasons Gait gives for them; the files of
//! `testdata/eval/gait/upstream/` translate Gait's own Go tests (see `upstream.rs`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly on broken fixtures"
)]

#[path = "gait_conformance/upstream.rs"]
mod upstream;

use std::path::Path;

use gatelint::gait::command::{EvalOptions, StateSource, eval_command, read_inputs};
use gatelint::gait::gate::IntentDigest;
use gatelint::gait::intent::{load_intent, load_intent_value};
use gatelint::gait::policy::{DigestedPolicy, load_policy};
use gatelint::replay::runner::{Evaluator, Gait};
use gatelint::source::Reader;
use serde_json::Value;

const DEFAULT_TIME: &str = "2026-01-01T00:00:00Z";

fn case_files() -> Vec<std::path::PathBuf> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/eval/gait"));
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .filter(|path| path.file_name().is_some_and(|name| name != "digests.json"))
        .collect();
    files.sort();
    files
}

/// A case's side file: a JSON value is written as JSON, a string verbatim (for malformed files);
/// `"<missing>"` names a file that does not exist.
fn side_file(dir: &Path, name: &str, value: &Value) -> Option<std::path::PathBuf> {
    let path = dir.join(name);
    match value {
        Value::Null => return None,
        Value::String(text) if text == "<missing>" => {}
        Value::String(text) => std::fs::write(&path, text).unwrap(),
        other => std::fs::write(&path, other.to_string()).unwrap(),
    }
    Some(path)
}

/// The case decided as replay decides it (the intent digest only for the tokens checked against
/// it) must be the decision `eval` reports, but for the digest it left out.
fn replay_agrees(policy: &Path, intent: &Path, options: &EvalOptions) -> Result<(), String> {
    let text = |path: &Path| std::fs::read_to_string(path).unwrap();
    let (Ok(policy), Ok(intent)) = (load_policy(&text(policy)), load_intent(&text(intent))) else {
        return Ok(());
    };
    let policy = DigestedPolicy::new(policy);
    let reader = Reader::new(&options.named_paths());
    let inputs = read_inputs(&reader, options, options.evaluation_time.unwrap());
    let replay = Gait {
        intent_digest: IntentDigest::WhenChecked,
    };
    let replayed = replay.decide(&policy, (intent.clone(), &inputs));
    let reported = Gait::default()
        .decide(&policy, (intent, &inputs))
        .map(|mut outcome| {
            assert!(!outcome.intent_digest.is_empty());
            if replayed
                .as_ref()
                .is_ok_and(|replayed| replayed.intent_digest.is_empty())
            {
                outcome.intent_digest.clear();
            }
            outcome
        });
    if replayed == reported {
        Ok(())
    } else {
        Err(format!("replayed {replayed:?}\n  reported {reported:?}"))
    }
}

/// Runs one case; also returns the Wrkr inventory path (what `context_source` names) and
/// whether replay's decision agrees with `eval`'s.
fn run_case(case: &Value) -> ((Value, u8), String, Result<(), String>) {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.yaml");
    let intent = dir.path().join("intent.json");
    std::fs::write(&policy, case["policy"].as_str().unwrap()).unwrap();
    std::fs::write(&intent, case["intent"].to_string()).unwrap();
    let wrkr_inventory = side_file(dir.path(), "wrkr_inventory.json", &case["wrkr_inventory"]);
    let inventory_label = wrkr_inventory
        .as_ref()
        .map(|path| path.to_string_lossy().into_owned())
        .unwrap_or_default();
    let options = EvalOptions {
        rate_limit_state: side_file(dir.path(), "rate_limits.json", &case["rate_limit_state"])
            .map(StateSource::File),
        wrkr_inventory,
        approval_tokens: side_file(dir.path(), "approval_token.json", &case["approval_token"])
            .into_iter()
            .collect(),
        delegation_tokens: side_file(
            dir.path(),
            "delegation_token.json",
            &case["delegation_token"],
        )
        .into_iter()
        .collect(),
        kill_switch_state: side_file(dir.path(), "kill_switch.json", &case["kill_switch_state"]),
        approved_script_registry: side_file(
            dir.path(),
            "approved_scripts.json",
            &case["approved_script_registry"],
        ),
        approved_script_public_key: side_file(
            dir.path(),
            "approved_script_public.key",
            &case["approved_script_public_key"],
        ),
        simulate: case["simulate"].as_bool().unwrap_or(false),
        evaluation_time: Some(
            case["evaluation_time"]
                .as_str()
                .unwrap_or(DEFAULT_TIME)
                .parse()
                .unwrap(),
        ),
        ..EvalOptions::default()
    };
    let replayed = replay_agrees(&policy, &intent, &options);
    (
        eval_command(&policy, &intent, &options),
        inventory_label,
        replayed,
    )
}

#[test]
fn conformance_cases() {
    let mut failures = Vec::new();
    let mut count = 0;
    for file in case_files() {
        let cases: Vec<Value> =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for case in &cases {
            count += 1;
            let ((output, exit), inventory, replayed) = run_case(case);
            // An inline intent is read from its JSON value as from its text.
            let from_text = load_intent(&case["intent"].to_string());
            let from_value = load_intent_value(&case["intent"]);
            if from_text.as_ref().ok() != from_value.as_ref().ok()
                || from_text.as_ref().err().map(ToString::to_string)
                    != from_value.as_ref().err().map(ToString::to_string)
            {
                failures.push(format!(
                    "{}: the intent read from its value differs: {from_value:?}, from its text {from_text:?}",
                    case["name"]
                ));
            }
            let expect = &case["expect"];
            let label = format!(
                "{}: {}",
                file.file_name().unwrap().to_string_lossy(),
                case["name"]
            );
            if let Err(difference) = replayed {
                failures.push(format!("{label}: replay and eval differ:\n  {difference}"));
            }
            if expect["exit_code"].as_u64() != Some(u64::from(exit)) {
                failures.push(format!(
                    "{label}: exit {exit}, want {}\n  {output}",
                    expect["exit_code"]
                ));
            }
            const COMPARED: [&str; 20] = [
                "verdict",
                "reason_codes",
                "violations",
                "matched_rule",
                "script",
                "step_count",
                "composite_risk_class",
                "step_verdicts",
                "rate_limit_scope",
                "rate_limit_key",
                "rate_limit_used",
                "rate_limit_remaining",
                "destructive_budget_scope",
                "destructive_budget_key",
                "destructive_budget_used",
                "destructive_budget_remaining",
                "simulated_verdict",
                "would_have_blocked",
                "warnings",
                "context_source",
            ];
            // An expectation the harness does not compare would pass silently.
            for key in expect.as_object().unwrap().keys() {
                if !COMPARED.contains(&key.as_str())
                    && key != "exit_code"
                    && key != "error_contains"
                {
                    failures.push(format!("{label}: unknown expectation `{key}`"));
                }
            }
            for key in COMPARED {
                // `"<wrkr_inventory>"` stands for the inventory's path; `"<absent>"` for no key.
                let want = match &expect[key] {
                    Value::String(text) if text == "<wrkr_inventory>" => {
                        Value::from(inventory.clone())
                    }
                    Value::String(text) if text == "<absent>" => Value::Null,
                    Value::Null => continue,
                    other => other.clone(),
                };
                if want != output[key] {
                    failures.push(format!("{label}: {key} = {}, want {want}", output[key]));
                }
            }
            if let Some(text) = expect["error_contains"].as_str()
                && !output["error"]
                    .as_str()
                    .is_some_and(|error| error.contains(text))
            {
                failures.push(format!("{label}: error {} lacks `{text}`", output["error"]));
            }
        }
    }
    assert!(count > 30, "only {count} cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn digest_vectors() {
    let path = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/eval/gait/digests.json"
    ));
    let vectors: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for vector in &vectors {
        if let Some(policy) = vector["policy"].as_str() {
            assert_eq!(
                load_policy(policy).unwrap().digest(),
                vector["policy_digest"],
                "{}",
                vector["name"]
            );
        }
        if !vector["intent"].is_null() {
            let intent = load_intent(&vector["intent"].to_string()).unwrap();
            assert_eq!(
                intent.digest(),
                vector["intent_digest"],
                "{}",
                vector["name"]
            );
        }
    }
}

/// Gait's own table-driven tests, translated case by case (`testdata/eval/gait/upstream/`).
#[test]
fn upstream_go_tests() {
    let (counts, failures) = upstream::run();
    let total: usize = counts.values().sum();
    let failed = failures.len();
    for (source, count) in &counts {
        println!("{source}: {count} cases");
    }
    println!("upstream: {total} cases, {failed} failures");
    assert!(total > 0, "no upstream cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
