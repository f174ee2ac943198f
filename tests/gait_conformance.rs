//! Data-driven Gait evaluator conformance: every `testdata/eval/gait/*.json` case file holds
//! policies, intents and the verdict, exit code and reasons Gait gives for them.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers fail loudly on broken fixtures"
)]

use std::path::Path;

use gatelint::gait::command::{EvalOptions, eval_command};
use gatelint::gait::intent::load_intent;
use gatelint::gait::policy::load_policy;
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

fn run_case(case: &Value) -> (Value, u8) {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.yaml");
    let intent = dir.path().join("intent.json");
    std::fs::write(&policy, case["policy"].as_str().unwrap()).unwrap();
    std::fs::write(&intent, case["intent"].to_string()).unwrap();
    let options = EvalOptions {
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
    eval_command(&policy, &intent, &options)
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
            let (output, exit) = run_case(case);
            let expect = &case["expect"];
            let label = format!(
                "{}: {}",
                file.file_name().unwrap().to_string_lossy(),
                case["name"]
            );
            if expect["exit_code"].as_u64() != Some(u64::from(exit)) {
                failures.push(format!(
                    "{label}: exit {exit}, want {}\n  {output}",
                    expect["exit_code"]
                ));
            }
            for key in [
                "verdict",
                "reason_codes",
                "violations",
                "matched_rule",
                "script",
                "step_count",
                "composite_risk_class",
            ] {
                if !expect[key].is_null() && expect[key] != output[key] {
                    failures.push(format!(
                        "{label}: {key} = {}, want {}",
                        output[key], expect[key]
                    ));
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
