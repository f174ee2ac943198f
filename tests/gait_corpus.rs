//! Compatibility with the real Gait corpus (skipped when `../shared/corpus` is absent).

use std::path::{Path, PathBuf};

use gatelint::gait::command::{
    EvalOptions, ScenarioStatus, StateSource, eval_command, run_scenario_dir,
};
use gatelint::gait::intent::load_intent_file;

fn corpus() -> Option<PathBuf> {
    let root = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/gait"
    ));
    if root.is_dir() {
        Some(root.to_path_buf())
    } else {
        eprintln!(
            "note: {} is absent; skipping the Gait corpus test",
            root.display()
        );
        None
    }
}

#[test]
fn stated_verdicts_and_exit_codes() {
    let Some(root) = corpus() else { return };
    let lines = std::fs::read_to_string(root.join("expected-stated.jsonl")).unwrap();
    let mut failures = Vec::new();
    let mut count = 0;
    for line in lines.lines().filter(|line| !line.trim().is_empty()) {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        let mut options = EvalOptions {
            // `policy test` evaluates the intent's delegation claims without tokens.
            delegation_from_intent: case["command"] == "policy test",
            ..EvalOptions::default()
        };
        if let Some(time) = case["evaluation_time"].as_str() {
            options.evaluation_time = Some(time.parse().unwrap());
        }
        if let Some(state) = case["kill_switch_state"].as_str() {
            options.kill_switch_state = Some(root.join(state));
        }
        let (output, exit) = eval_command(
            &root.join(case["policy"].as_str().unwrap()),
            &root.join(case["intent"].as_str().unwrap()),
            &options,
        );
        count += 1;
        if output["verdict"] != case["verdict"]
            || u64::from(exit) != case["exit_code"].as_u64().unwrap()
        {
            failures.push(format!("{line}\n  got exit {exit}: {output}"));
        }
        for code in case["reason_codes_include"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if !output["reason_codes"]
                .as_array()
                .is_some_and(|codes| codes.contains(code))
            {
                failures.push(format!("{line}\n  missing {code}: {output}"));
            }
        }
    }
    assert!(count >= 31, "only {count} stated lines");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn gate_scenarios_pass() {
    let Some(root) = corpus() else { return };
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("scenarios/gait"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    let mut passed = 0;
    let mut failures = Vec::new();
    for dir in &dirs {
        let result = run_scenario_dir(
            &gatelint::source::Reader::new(std::slice::from_ref(&dir.to_path_buf())),
            dir,
        );
        match result.status {
            ScenarioStatus::Passed => passed += 1,
            ScenarioStatus::Skipped(_) => assert_eq!(result.name, "pack-integrity-round-trip"),
            ScenarioStatus::Failed(reasons) | ScenarioStatus::Invalid(reasons) => failures.push(
                format!("{}: {reasons:?}\n  {:?}", result.name, result.runs.first()),
            ),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(passed, 12);
}

#[test]
fn equivalent_intents_digest_equal() {
    let Some(root) = corpus() else { return };
    let dir = root.join("core/gate/testdata");
    let reader = gatelint::source::Reader::new(std::slice::from_ref(&dir.to_path_buf()));
    let digest = |name: &str| load_intent_file(&reader, &dir.join(name)).unwrap().digest();
    assert_eq!(
        digest("intent_equivalent_a.json"),
        digest("intent_equivalent_b.json")
    );
    assert_ne!(
        digest("intent_equivalent_a.json"),
        digest("intent_different.json")
    );
}

/// `destructive-budget-guard` in the high-risk example policy allows 3 destructive requests per
/// identity and hour; the counters come from a read-only state.
#[test]
fn example_destructive_budget_counts_from_the_state() {
    let Some(root) = corpus() else { return };
    let policy = root.join("examples/policy/base_high_risk.yaml");
    let dir = tempfile::tempdir().unwrap();
    let intent = dir.path().join("cleanup.json");
    std::fs::write(
        &intent,
        r#"{"tool_name": "tool.cleanup", "args": {"path": "/tmp/workspace/old"}, "targets": [{"kind": "path", "value": "/tmp/workspace/old", "operation": "delete", "destructive_hint": true}], "arg_provenance": [{"arg_path": "$.path", "source": "user"}], "context": {"identity": "example-user", "workspace": "/tmp/workspace", "risk_class": "high"}}"#,
    )
    .unwrap();
    let mut options = EvalOptions {
        evaluation_time: Some("2026-02-05T10:30:00Z".parse().unwrap()),
        ..EvalOptions::default()
    };
    let (fresh, _) = eval_command(&policy, &intent, &options);
    assert_eq!(fresh["matched_rule"], "destructive-budget-guard", "{fresh}");
    assert_eq!(fresh["destructive_budget_key"], "example-user");
    assert_eq!(fresh["destructive_budget_used"], 1);
    assert_eq!(fresh["destructive_budget_remaining"], 2);
    assert!(
        !fresh["reason_codes"]
            .to_string()
            .contains("destructive_budget_exceeded")
    );

    options.rate_limit_state = Some(StateSource::Inline(serde_json::json!({
        "counters": [{"key": "hour|identity|2026-02-05T10:00:00Z|example-user", "count": 3}]
    })));
    let (spent, exit) = eval_command(&policy, &intent, &options);
    assert_eq!(exit, 3);
    assert_eq!(spent["destructive_budget_used"], 3);
    assert!(
        spent["violations"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("destructive_budget_exceeded"))
    );
}
