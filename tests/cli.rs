//! End-to-end tests of the binary, in a scrubbed environment with placeholder paths.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;
use common::{gatelint, write};

fn json_report(dir: &Path, args: &[&str]) -> (Value, i32) {
    let output = gatelint(dir)
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("{error}: {}", String::from_utf8_lossy(&output.stdout)));
    (report, output.status.code().unwrap_or(-1))
}

/// `(rule, line, column)` of every finding.
fn located(report: &Value) -> Vec<(String, u64, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            (
                finding["rule"].as_str().unwrap().to_owned(),
                finding["start"]["line"].as_u64().unwrap(),
                finding["start"]["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn shared_corpus() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if path.is_dir() {
        Some(path)
    } else {
        eprintln!("note: ../shared/corpus is absent; corpus compatibility test skipped");
        None
    }
}

#[test]
fn findings_point_at_the_offending_key_or_value() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "appsettings.yaml",
        "PolicyGates:\n  VexTrust:\n    Thresholds:\n      production:\n        MinCompositScore: 0.9\n        FailureAction: Deny\n        MinAccuracyRate: 1.5\n    Enabled: [true]\n    EmitMetrics: true\n    emitMetrics: false\n",
    );
    let (report, code) = json_report(dir.path(), &["check", "."]);
    assert_eq!(code, 6);
    assert_eq!(
        located(&report),
        vec![
            ("unknown-key".to_owned(), 5, 9),
            ("invalid-value".to_owned(), 6, 24),
            ("out-of-range".to_owned(), 7, 26),
            ("invalid-type".to_owned(), 8, 14),
            ("case-duplicate-key".to_owned(), 10, 5),
        ]
    );
    assert_eq!(
        report["findings"][0]["help"].as_str(),
        Some("did you mean `MinCompositeScore`?")
    );
}

#[test]
fn syntax_errors_and_duplicates_are_located() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "policy.yaml",
        "schema_id: gait.gate.policy\ndefault_verdict: block\nrules:\n  - name: a\n    effect: block\n    effect: allow\n",
    );
    write(
        dir.path(),
        "broken.json",
        "{\n  \"PolicyGates\": {\n    \"VexTrust\": {\"Enabled\": tru}\n  }\n}\n",
    );
    let (report, code) = json_report(dir.path(), &["check", "."]);
    assert_eq!(code, 6);
    assert_eq!(
        located(&report),
        vec![
            ("syntax-error".to_owned(), 3, 29),
            ("duplicate-key".to_owned(), 6, 5),
        ]
    );
}

#[test]
fn sarif_regions_start_at_the_offending_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "cfg/appsettings.Production.json",
        "{\n  \"PolicyGates\": {\n    \"VexTrust\": {\n      \"Thresholds\": {\n        \"production\": { \"MinCompositeScore\": \"high\" }\n      }\n    }\n  }\n}\n",
    );
    let output = gatelint(dir.path())
        .args(["check", "cfg", "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(6));
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "invalid-type");
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "cfg/appsettings.Production.json"
    );
    assert_eq!(location["region"]["startLine"], 5);
    assert_eq!(location["region"]["startColumn"], 46);
}

#[test]
fn several_outputs_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "appsettings.yaml",
        "PolicyGates:\n  VexTrust:\n    Enabeld: true\n",
    );
    let output = gatelint(dir.path())
        .args([
            "check",
            ".",
            "--format",
            "sarif",
            "--output",
            "out.sarif",
            "--format",
            "github",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(6));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.starts_with("::error file=appsettings.yaml,line=3,col=5,"),
        "{stdout}"
    );
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    gatelint(dir.path())
        .args(["check", ".", "--output", "x.json"])
        .assert()
        .code(6)
        .stderr(predicates::str::contains("must follow a `--format`"));
}

#[test]
fn empty_scans_fail_loudly_and_stray_files_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docs/readme.md", "# nothing\n");
    write(dir.path(), "ci.yaml", "on: push\njobs: {}\n");
    gatelint(dir.path())
        .args(["check", "."])
        .assert()
        .code(6)
        .stderr(predicates::str::contains("nothing to check under `.`"));
    gatelint(dir.path())
        .args(["check", ".", "--allow-empty"])
        .assert()
        .code(0);
    // Pre-commit passes every staged file matching the hook's pattern: not an error.
    gatelint(dir.path())
        .args(["check", "ci.yaml"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("ci.yaml"));
}

#[test]
fn fail_on_and_exit_zero() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "appsettings.yaml",
        "PolicyGates:\n  KevBlocker:\n    Enabled: true\n",
    );
    gatelint(dir.path()).args(["check", "."]).assert().code(0);
    gatelint(dir.path())
        .args(["check", ".", "--fail-on", "warning"])
        .assert()
        .code(3);
    gatelint(dir.path())
        .args(["check", ".", "--fail-on", "warning", "--exit-zero"])
        .assert()
        .code(0);
    gatelint(dir.path())
        .args([
            "check",
            ".",
            "--fail-on",
            "warning",
            "--ignore",
            "gate-undocumented-root",
        ])
        .assert()
        .code(0);
    gatelint(dir.path())
        .args(["check", ".", "--select", "gate-undocumented-rot"])
        .assert()
        .code(6)
        .stderr(predicates::str::contains(
            "did you mean `gate-undocumented-root`?",
        ));
}

#[test]
fn config_and_inline_suppressions() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "svc/appsettings.yaml",
        "PolicyGates:\n  VexTrust:\n    Enabeld: true # gatelint: ignore[unknown-key] kept for the old loader\n    EmitMetric: true\n",
    );
    write(
        dir.path(),
        "vendor/appsettings.yaml",
        "PolicyGates:\n  VexTrust:\n    Bogus: 1\n",
    );
    let (report, code) = json_report(dir.path(), &["check", "."]);
    assert_eq!(code, 6);
    let rules: Vec<_> = located(&report)
        .into_iter()
        .map(|(rule, line, _)| (rule, line))
        .collect();
    assert_eq!(
        rules,
        vec![("unknown-key".to_owned(), 4), ("unknown-key".to_owned(), 3)]
    );
    write(
        dir.path(),
        "gatelint.toml",
        "exclude = [\"vendor\"]\n\n[severity]\nunknown-key = \"warning\"\n",
    );
    let (report, code) = json_report(dir.path(), &["check", "."]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["findings"].as_array().unwrap().len(), 1);
    assert_eq!(report["findings"][0]["severity"], "warning");
    write(dir.path(), "gatelint.toml", "fail-on = \"sometimes\"\n");
    let (report, code) = json_report(dir.path(), &["check", "svc"]);
    assert_eq!(code, 6);
    assert_eq!(report["findings"][0]["path"], "gatelint.toml");
}

#[test]
fn output_is_identical_across_thread_counts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut outputs = Vec::new();
    for threads in ["1", "2", "7"] {
        for format in ["json", "sarif", "human", "github", "markdown"] {
            let output = gatelint(root)
                .env("RAYON_NUM_THREADS", threads)
                .args(["check", "examples", "testdata/schemas", "--format", format])
                .output()
                .unwrap();
            outputs.push((format, output.stdout));
        }
    }
    for (format, stdout) in &outputs[5..] {
        let first = &outputs.iter().find(|(f, _)| f == format).unwrap().1;
        assert_eq!(
            first, stdout,
            "{format} output differs across thread counts"
        );
    }
}

#[test]
fn rules_and_rule_pages() {
    let dir = tempfile::tempdir().unwrap();
    gatelint(dir.path())
        .arg("rules")
        .assert()
        .code(0)
        .stdout(predicates::str::contains("unknown-key"));
    gatelint(dir.path())
        .args(["rule", "unknown-key"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("## Why is this bad?"));
    gatelint(dir.path())
        .args(["rule", "unknown-kye"])
        .assert()
        .code(6)
        .stderr(predicates::str::contains("did you mean `unknown-key`?"));
}

#[test]
fn corpus_files_are_valid() {
    let Some(corpus) = shared_corpus() else {
        return;
    };
    let (report, code) = json_report(&corpus, &["validate", "stellaops", "gait"]);
    assert_eq!(report["findings"], serde_json::json!([]), "{report:#}");
    assert_eq!(code, 0);
    let kinds: Vec<(String, String)> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| {
            (
                file["path"].as_str().unwrap().to_owned(),
                file["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for (path, kind) in &kinds {
        assert!(
            !path.contains("/expected") && !path.ends_with("flags.yaml"),
            "{path} classified as {kind}"
        );
    }
    for stella in std::fs::read_dir(corpus.join("stellaops")).unwrap() {
        let dir = stella.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir).unwrap() {
            let name = file.unwrap().path();
            let relative = name
                .strip_prefix(&corpus)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            assert!(
                kinds.iter().any(|(path, _)| *path == relative),
                "{relative} was not classified"
            );
        }
    }
    let policies = kinds
        .iter()
        .filter(|(_, kind)| kind == "gait-policy")
        .count();
    assert!(policies >= 30, "only {policies} Gait policies classified");
}

#[test]
fn gait_scenarios_pass() {
    let Some(corpus) = shared_corpus() else {
        return;
    };
    let (report, code) = json_report(&corpus, &["test", "gait/scenarios/gait"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["cases"]["passed"], 12);
    assert_eq!(report["summary"]["cases"]["skipped"], 1);
}

#[test]
fn check_replays_fixtures_and_reports_mismatches_on_the_case() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "config/appsettings.yaml",
        "PolicyGates:\n  VexTrust:\n    Enabled: true\n    Thresholds:\n      production:\n        MinCompositeScore: 0.80\n        RequireIssuerVerified: true\n        FailureAction: Block\n",
    );
    write(
        dir.path(),
        "fixtures/release.fixtures.yaml",
        "kind: gatelint.fixtures/v1\npolicy: ../config/appsettings.yaml\ndefaults: {environment: production, requestedStatus: not_affected}\ncases:\n  - name: exactly at threshold passes\n    input: {vexTrust: {trustScore: 0.80, signatureVerified: true, freshness: fresh}}\n    expect: {verdict: Pass}\n  - name: below threshold passes\n    input: {vexTrust: {trustScore: 0.79, signatureVerified: true, freshness: fresh}}\n    expect: {verdict: Pass}\n",
    );
    let (report, code) = json_report(dir.path(), &["check", "."]);
    assert_eq!(code, 5, "{report:#}");
    let mismatches: Vec<_> = located(&report)
        .into_iter()
        .filter(|(rule, _, _)| rule == "fixture-mismatch")
        .collect();
    assert_eq!(mismatches, vec![("fixture-mismatch".to_owned(), 8, 5)]);
    assert_eq!(report["summary"]["cases"]["failed"], 1);
    gatelint(dir.path())
        .args(["test", "fixtures", "--format", "junit"])
        .assert()
        .code(5)
        .stdout(predicates::str::contains(
            "<testcase name=\"below threshold passes\"",
        ));
}

#[test]
fn discovery_honours_gitignore_and_never_follows_symlinks() {
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "appsettings.yaml",
        "PolicyGates:\n  VexTrust:\n    Outside: 1\n",
    );
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".gitignore", "generated/\n");
    write(
        dir.path(),
        "generated/appsettings.yaml",
        "PolicyGates:\n  VexTrust:\n    Ignored: 1\n",
    );
    write(
        dir.path(),
        "svc/appsettings.yaml",
        "PolicyGates:\n  VexTrust:\n    Enabled: true\n",
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.path(), dir.path().join("linked")).unwrap();
    let (report, code) = json_report(dir.path(), &["check", "."]);
    assert_eq!(code, 0, "{report:#}");
    let paths: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| file["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, vec!["svc/appsettings.yaml"]);
}

/// A Gait policy allowing two `tool.write` calls a minute per tool and identity.
const RATE_LIMITED_POLICY: &str = "default_verdict: allow\nrules:\n  - name: limited\n    effect: allow\n    match: {tool_names: [tool.write]}\n    rate_limit: {requests: 2, window: minute, scope: tool_identity}\n";

/// As Gait's `TestRunGateEvalDelegationEnforcement`: a rule requiring delegation without a token
/// blocks with `delegation_token_missing`; `--delegation-from-intent` lets the claims decide.
#[test]
fn gait_eval_blocks_missing_delegation_token_unless_from_intent() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "policy.yaml",
        "default_verdict: block\nrules:\n  - name: delegated\n    effect: allow\n    match: {tool_names: [tool.write], require_delegation: true}\n",
    );
    write(
        dir.path(),
        "intent.json",
        r#"{"tool_name": "tool.write", "args": {}, "targets": [{"kind": "path", "value": "/repo/a", "operation": "write"}], "context": {"identity": "alice", "workspace": "/repo", "risk_class": "high"}, "delegation": {"requester_identity": "agent.specialist", "chain": [{"delegator_identity": "agent.lead", "delegate_identity": "agent.specialist", "scope_class": "write"}]}}"#,
    );
    let eval = |extra: &[&str]| eval_json(dir.path(), &[&[], extra].concat());
    let (missing, code) = eval(&[]);
    assert_eq!(code, 3, "{missing:#}");
    assert!(
        missing["reason_codes"]
            .as_array()
            .unwrap()
            .contains(&Value::from("delegation_token_missing")),
        "{missing:#}"
    );
    let (claims, code) = eval(&["--delegation-from-intent"]);
    assert_ne!(
        claims["reason_codes"], missing["reason_codes"],
        "{claims:#}"
    );
    assert_ne!(code, 6, "{claims:#}");
}

/// As Gait's `TestGateEvalDestructiveBudgetAppliesToScriptTargets`: the destructive budget of a
/// script is keyed on the normalised tool `script`, so the counter its first call left blocks the
/// second call with `destructive_budget_exceeded`.
#[test]
fn gait_eval_destructive_budget_applies_to_script_targets() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "policy.yaml",
        "default_verdict: allow\nrules:\n  - name: destructive-script-budget\n    effect: allow\n    destructive_budget: {requests: 1, scope: tool_identity, window: minute}\n    match: {endpoint_classes: [fs.delete]}\n",
    );
    write(
        dir.path(),
        "intent.json",
        r#"{"tool_name": "script", "args": {}, "targets": [], "context": {"identity": "alice", "workspace": "/repo/gait", "risk_class": "high", "phase": "plan"}, "script": {"steps": [{"tool_name": "tool.delete", "args": {"path": "/tmp/a"}, "targets": [{"kind": "path", "value": "/tmp/a", "operation": "delete", "endpoint_class": "fs.delete", "destructive": true}]}]}}"#,
    );
    write(
        dir.path(),
        "state.json",
        r#"{"schema_id": "gait.gate.rate_limit_state", "schema_version": "1.0.0", "counters": [{"key": "minute|tool_identity|2026-02-24T12:00:00Z|script|alice", "count": 1}]}"#,
    );
    let eval = |extra: &[&str]| {
        eval_json(
            dir.path(),
            &[&["--evaluation-time", "2026-02-24T12:00:30Z"], extra].concat(),
        )
    };
    let (first, code) = eval(&[]);
    assert_eq!(code, 0, "{first:#}");
    let (second, code) = eval(&["--rate-limit-state", "state.json"]);
    assert_eq!(code, 3, "{second:#}");
    assert!(
        second["reason_codes"]
            .as_array()
            .unwrap()
            .contains(&Value::from("destructive_budget_exceeded")),
        "{second:#}"
    );
}

#[test]
fn gait_eval_reads_rate_limit_state_and_never_writes_it() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "policy.yaml", RATE_LIMITED_POLICY);
    write(
        dir.path(),
        "intent.json",
        r#"{"tool_name": "tool.write", "args": {}, "targets": [{"kind": "path", "value": "/repo/a", "operation": "write"}], "context": {"identity": "alice", "workspace": "/repo", "risk_class": "medium"}}"#,
    );
    let state = r#"{"schema_id": "gait.gate.rate_limit_state", "schema_version": "1.0.0", "counters": [{"key": "minute|tool_identity|2026-01-01T10:17:00Z|tool.write|alice", "count": 2}]}"#;
    write(dir.path(), "state/limits.json", state);
    write(dir.path(), "bad.json", r#"{"counters": {"k": 1}}"#);
    let listing = |dir: &Path| {
        let mut names: Vec<String> = walk(dir);
        names.sort();
        names
    };
    let before = listing(dir.path());
    let eval = |extra: &[&str]| {
        eval_json(
            dir.path(),
            &[&["--evaluation-time", "2026-01-01T10:17:42Z"], extra].concat(),
        )
    };

    let (fresh, code) = eval(&[]);
    assert_eq!(code, 0, "{fresh:#}");
    assert_eq!(fresh["rate_limit_used"], 1);
    assert_eq!(fresh["rate_limit_remaining"], 1);
    assert_eq!(fresh["rate_limit_key"], "tool.write|alice");

    for _ in 0..2 {
        let (blocked, code) = eval(&["--rate-limit-state", "state/limits.json"]);
        assert_eq!(code, 3, "{blocked:#}");
        assert_eq!(blocked["verdict"], "block");
        assert_eq!(
            blocked["violations"],
            serde_json::json!(["rate_limit_exceeded"])
        );
        assert_eq!(blocked["rate_limit_used"], 2);
        assert!(blocked.get("rate_limit_remaining").is_none());
    }
    // The next minute is a new bucket.
    let output = gatelint(dir.path())
        .args(["eval", "--policy", "policy.yaml", "--intent", "intent.json"])
        .args(["--evaluation-time", "2026-01-01T10:18:00Z", "--json"])
        .args(["--rate-limit-state", "state/limits.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));

    let (simulated, code) = eval(&["--rate-limit-state", "state/limits.json", "--simulate"]);
    assert_eq!(code, 0);
    assert_eq!(simulated["simulated_verdict"], "block");
    assert_eq!(simulated["would_have_blocked"], true);

    let (bad, code) = eval(&["--rate-limit-state", "bad.json"]);
    assert_eq!(code, 6);
    assert_eq!(bad["ok"], false);
    assert!(
        bad["error"]
            .as_str()
            .unwrap()
            .contains("parse rate limit state")
    );
    let (missing, code) = eval(&["--rate-limit-state", "nowhere.json"]);
    assert_eq!(code, 6, "{missing:#}");

    // Read only: the state is byte-identical and nothing else appeared (no `.gait-out/`).
    assert_eq!(
        std::fs::read_to_string(dir.path().join("state/limits.json")).unwrap(),
        state
    );
    assert_eq!(listing(dir.path()), before);
}

#[test]
fn gait_eval_enriches_the_intent_from_a_wrkr_inventory() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "policy.yaml",
        "default_verdict: block\nrules:\n  - name: pii-assist\n    effect: allow\n    match: {context_data_classes: [pii], context_autonomy_levels: [assist]}\n",
    );
    let intent = |risk: &str| {
        format!(
            r#"{{"tool_name": "tool.write", "args": {{}}, "targets": [{{"kind": "path", "value": "/repo/a", "operation": "write"}}], "context": {{"identity": "alice", "workspace": "/repo", "risk_class": "{risk}"}}}}"#
        )
    };
    write(dir.path(), "medium.json", &intent("medium"));
    write(dir.path(), "high.json", &intent("high"));
    write(
        dir.path(),
        "wrkr/inventory.json",
        r#"{"items": [{"tool_name": "tool.write", "data_class": "pii", "endpoint_class": "fs.write", "autonomy_level": "assist"}]}"#,
    );
    write(dir.path(), "broken.json", "{not json");
    let eval = |intent: &str, inventory: &str| {
        let output = gatelint(dir.path())
            .args([
                "eval",
                "--policy",
                "policy.yaml",
                "--intent",
                intent,
                "--json",
            ])
            .args(["--wrkr-inventory", inventory])
            .output()
            .unwrap();
        let json: Value = serde_json::from_slice(&output.stdout).unwrap();
        (json, output.status.code().unwrap_or(-1))
    };
    let (enriched, code) = eval("medium.json", "./wrkr//inventory.json");
    assert_eq!(code, 0, "{enriched:#}");
    assert_eq!(enriched["matched_rule"], "pii-assist");
    assert_eq!(enriched["context_source"], "wrkr/inventory.json");
    let (plain, _) = eval("medium.json", "broken.json");
    assert_eq!(plain["verdict"], "block");
    assert_eq!(
        plain["warnings"],
        serde_json::json!(["wrkr inventory unavailable; continuing without context enrichment"])
    );
    // The prepared (enriched) intent is what the digest covers.
    assert_ne!(plain["intent_digest"], enriched["intent_digest"]);
    let (closed, code) = eval("high.json", "broken.json");
    assert_eq!(code, 3);
    assert_eq!(closed["ok"], false);
    assert!(
        closed["error"]
            .as_str()
            .unwrap()
            .starts_with("wrkr inventory unavailable in fail-closed mode: parse wrkr inventory")
    );
}

#[test]
fn gait_suites_take_rate_limit_state_from_options() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "policy.yaml", RATE_LIMITED_POLICY);
    write(
        dir.path(),
        "state.json",
        r#"{"counters": [{"key": "minute|tool_identity|2026-01-01T10:17:00Z|tool.write|alice", "count": 2}]}"#,
    );
    write(
        dir.path(),
        "limits.fixtures.yaml",
        r#"kind: gatelint.fixtures/v1
ecosystem: gait
policy: policy.yaml
defaults:
  intent: {tool_name: tool.write, args: {}, targets: [{kind: path, value: /repo/a, operation: write}], context: {identity: alice, workspace: /repo, risk_class: medium}}
  options: {evaluation_time: "2026-01-01T10:17:42Z"}
cases:
  - name: no state, first request
    input: {}
    expect: {verdict: allow, exit_code: 0}
  - name: state file at the limit
    input: {options: {rate_limit_state: state.json}}
    expect: {verdict: block, reasons: [rate_limit_exceeded], exit_code: 3}
  - name: the same state again, nothing carried over from the case before
    input: {options: {rate_limit_state: state.json}}
    expect: {verdict: block, exit_code: 3}
  - name: inline state under the limit
    input:
      options:
        rate_limit_state:
          counters: [{key: "minute|tool_identity|2026-01-01T10:17:00Z|tool.write|alice", count: 1}]
    expect: {verdict: allow, exit_code: 0}
  - name: bad option type
    input: {options: {rate_limit_state: 5}}
    expect: {verdict: allow}
"#,
    );
    let (report, code) = json_report(dir.path(), &["check", "."]);
    assert_eq!(report["summary"]["cases"]["passed"], 4, "{report:#}");
    assert_eq!(report["summary"]["cases"]["failed"], 1);
    assert_eq!(code, 6);
    let errors: Vec<_> = located(&report)
        .into_iter()
        .filter(|(rule, _, _)| rule == "fixture-error")
        .collect();
    assert_eq!(errors, vec![("fixture-error".to_owned(), 23, 5)]);
    assert!(!dir.path().join(".gait-out").exists());
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        out.push(path.display().to_string());
        if path.is_dir() {
            out.extend(walk(&path));
        }
    }
    out
}

#[test]
fn a_file_declaring_the_gait_policy_schema_id_is_validated_as_a_gait_policy() {
    // None of `rules` / `default_verdict` / `default_action`; other roots; a bookkeeping name.
    for (name, text, key) in [
        (
            "unknown.yaml",
            "schema_id: gait.gate.policy\nschema_version: 1.0.0\ndefault_verdit: allow\n",
            "default_verdit",
        ),
        (
            "trust.yaml",
            "schema_id: gait.gate.policy\nmcp_trust:\n  enabled: true\n  min_score: 5\n",
            "min_score",
        ),
        (
            "legacy.yaml",
            "schema_id: gait.gate.policy\nallow_tools: [tool.read]\n",
            "allow_tools",
        ),
        (
            "required.yaml",
            "schema_id: gait.gate.policy\nfail_closed:\n  enabled: true\n  required_fields: [targets, unknown]\n",
            "unknown",
        ),
        (
            "kind.yaml",
            "schema_id: gait.gate.policy\nkind: gatelint.fixtures/v1\n",
            "kind",
        ),
        (
            "stella.yaml",
            "schema_id: gait.gate.policy\nversion: '1'\ngates: {}\n",
            "version",
        ),
        (
            "expected_policy.yaml",
            "schema_id: gait.gate.policy\nbogus: 1\n",
            "bogus",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), name, text);
        let (report, code) = json_report(dir.path(), &["validate", name]);
        assert_eq!(code, 6, "{name}: {report}");
        let findings = report["findings"].as_array().unwrap();
        assert!(
            findings
                .iter()
                .any(|finding| finding["message"].as_str().unwrap().contains(key)),
            "{name}: no finding on `{key}`: {report}"
        );
    }
}

/// `gatelint eval --policy policy.yaml --intent intent.json --json` in `dir`, with `args`
/// added: the JSON output and the exit code.
fn eval_json(dir: &Path, args: &[&str]) -> (Value, i32) {
    let output = gatelint(dir)
        .args([
            "eval",
            "--policy",
            "policy.yaml",
            "--intent",
            "intent.json",
            "--json",
        ])
        .args(args)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    (json, output.status.code().unwrap_or(-1))
}

/// A scenario whose own files cannot be read as a scenario fails `test` as invalid input, with
/// the file and position in the message; a well-formed one passes.
#[test]
fn malformed_scenario_bookkeeping_is_invalid_input() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/gait");
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("read-notes");
    std::fs::create_dir(&scenario).unwrap();
    std::fs::copy(root.join("policy.yaml"), scenario.join("policy.yaml")).unwrap();
    std::fs::copy(
        root.join("intents/read-release-notes.json"),
        scenario.join("intent.json"),
    )
    .unwrap();
    std::fs::write(
        scenario.join("expected.yaml"),
        "exit_code: 0\nverdict: allow\n",
    )
    .unwrap();
    let (report, code) = json_report(dir.path(), &["test", "read-notes"]);
    assert_eq!(code, 0, "{report:#}");
    // `check` replays the scenario directory as `test` does.
    let (report, code) = json_report(dir.path(), &["check", "."]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["cases"]["passed"], 1, "{report:#}");
    std::fs::write(
        scenario.join("expected.yaml"),
        "exit_code: 3\nverdict: block\n",
    )
    .unwrap();
    let (report, code) = json_report(dir.path(), &["check", "."]);
    assert_eq!(code, 5, "{report:#}");
    assert_eq!(
        located(&report),
        [("fixture-mismatch".to_owned(), 1, 1)],
        "{report:#}"
    );
    assert_eq!(report["findings"][0]["path"], "read-notes/policy.yaml");
    std::fs::write(
        scenario.join("expected.yaml"),
        "exit_code: 0\nverdict: [allow\n",
    )
    .unwrap();
    let (report, code) = json_report(dir.path(), &["check", "."]);
    assert_eq!(code, 6, "{report:#}");
    assert_eq!(
        located(&report),
        [("fixture-error".to_owned(), 1, 1)],
        "{report:#}"
    );
    std::fs::write(
        scenario.join("expected.yaml"),
        "exit_code: 0\nverdict: allow\n",
    )
    .unwrap();

    let broken = [
        (
            "expected.yaml",
            "exit_code: 0\nverdict: [allow\n",
            "expected.yaml:3:1: syntax error",
        ),
        ("flags.yaml", "simulate: {", "flags.yaml:1:"),
    ];
    for (name, text, words) in broken {
        let original = std::fs::read(scenario.join(name)).ok();
        std::fs::write(scenario.join(name), text).unwrap();
        let (report, code) = json_report(dir.path(), &["test", "read-notes"]);
        assert_eq!(code, 6, "{name}: {report:#}");
        let message = report["cases"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(words), "{name}: {message}");
        match original {
            Some(bytes) => std::fs::write(scenario.join(name), bytes).unwrap(),
            None => std::fs::remove_file(scenario.join(name)).unwrap(),
        }
    }

    // No intent at all, then an intent list that is a directory.
    std::fs::remove_file(scenario.join("intent.json")).unwrap();
    let (report, code) = json_report(dir.path(), &["test", "read-notes"]);
    assert_eq!(code, 6, "{report:#}");
    let message = report["cases"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("read-notes: the scenario has no intent"),
        "{message}"
    );
    std::fs::create_dir(scenario.join("intents.jsonl")).unwrap();
    let (report, code) = json_report(dir.path(), &["test", "read-notes"]);
    assert_eq!(code, 6, "{report:#}");
    let message = report["cases"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("intents.jsonl` is a directory"),
        "{message}"
    );
}
