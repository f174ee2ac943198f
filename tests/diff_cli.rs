//! `gatelint diff` and the verdict diff of `check --baseline-ref`, run as the real binary.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

mod common;
use common::git;

use std::path::Path;
use std::process::Command;

use assert_cmd::prelude::*;

const POLICY: &str = "PolicyGates:\n  VexTrust:\n    Enabled: true\n    Thresholds:\n      production:\n        MinCompositeScore: SCORE\n        RequireIssuerVerified: true\n        AcceptableFreshness: [fresh]\n        FailureAction: ACTION\n      staging:\n        MinCompositeScore: 0.60\n        FailureAction: Warn\n      default:\n        FailureAction: Warn\n    MissingTrustBehavior: Warn\n";

const SUITE: &str = "kind: gatelint.fixtures/v1\npolicy: ../config/appsettings.yaml\ncases:\n  - name: production trust 0.75\n    input: {environment: production, requestedStatus: not_affected, vexTrust: {trustScore: 0.75, signatureVerified: true, freshness: fresh}}\n    expect: {verdict: Blocked}\n  - name: staging trust 0.5\n    input: {environment: staging, requestedStatus: not_affected, vexTrust: {trustScore: 0.5, signatureVerified: true, freshness: fresh}}\n    expect: {verdict: Warned}\n";

fn policy(score: &str, action: &str) -> String {
    POLICY.replace("SCORE", score).replace("ACTION", action)
}

fn tree(root: &Path, policy: &str) {
    std::fs::create_dir_all(root.join("config")).unwrap();
    std::fs::create_dir_all(root.join("fixtures")).unwrap();
    std::fs::write(root.join("config/appsettings.yaml"), policy).unwrap();
    std::fs::write(root.join("fixtures/release.fixtures.yaml"), SUITE).unwrap();
}

fn gatelint(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("gatelint").unwrap();
    command
        .current_dir(dir)
        .env_clear()
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    command
}

fn json_of(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "{error}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

#[test]
fn production_loosening_between_two_trees_exits_5_and_lists_the_case() {
    let dir = tempfile::tempdir().unwrap();
    tree(&dir.path().join("base"), &policy("0.80", "Block"));
    tree(&dir.path().join("cand"), &policy("0.70", "Block"));
    let output = gatelint(dir.path())
        .args([
            "diff",
            "--baseline",
            "base",
            "--candidate",
            "cand",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json = json_of(&output);
    let changed = json["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1, "{json:#}");
    assert_eq!(changed[0]["suite"], "fixtures/release.fixtures.yaml");
    assert_eq!(changed[0]["case"], "production trust 0.75");
    assert_eq!(changed[0]["environment"], "production");
    assert_eq!(changed[0]["direction"], "loosening");
    assert_eq!(changed[0]["baseline"]["verdict"], "Blocked");
    assert_eq!(changed[0]["baseline"]["gate"], "VexTrust");
    assert_eq!(changed[0]["candidate"]["verdict"], "Pass");
    assert_eq!(json["diff"]["recommendation"], "observe");
    assert_eq!(json["diff"]["cases_total"], 2);
    let finding = |rule: &str| {
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|finding| finding["rule"] == rule)
            .unwrap_or_else(|| panic!("no `{rule}`: {json:#}"))
            .clone()
    };
    let loosened = finding("verdict-loosened");
    assert_eq!(loosened["severity"], "error");
    assert_eq!(loosened["path"], "fixtures/release.fixtures.yaml");
    assert_eq!(loosened["start"]["line"], 4);
    // The transition rules of `check --baseline-ref` run on the tree too, at the changed value.
    let threshold = finding("production-threshold-loosened");
    assert_eq!(threshold["path"], "config/appsettings.yaml", "{json:#}");
    assert_eq!(threshold["start"]["line"], 6, "{json:#}");
    assert_eq!(threshold["start"]["column"], 28, "{json:#}");
    // The user's trees are left as they were.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn careful_tightening_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    tree(&dir.path().join("base"), &policy("0.80", "Warn"));
    tree(&dir.path().join("cand"), &policy("0.80", "Block"));
    let output = gatelint(dir.path())
        .args([
            "diff",
            "--baseline",
            "base",
            "--candidate",
            "cand",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json = json_of(&output);
    let changed = json["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1, "{json:#}");
    assert_eq!(changed[0]["direction"], "tightening");
    assert_eq!(changed[0]["baseline"]["verdict"], "Warned");
    assert_eq!(changed[0]["candidate"]["verdict"], "Blocked");
    assert_eq!(json["diff"]["recommendation"], "require_approval");
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] != "error")
    );
}

#[test]
fn fail_on_any_makes_a_tightening_fail() {
    let dir = tempfile::tempdir().unwrap();
    tree(&dir.path().join("base"), &policy("0.80", "Warn"));
    tree(&dir.path().join("cand"), &policy("0.80", "Block"));
    std::fs::write(
        dir.path().join("gatelint.toml"),
        "[diff]\nfail-on = \"any\"\n",
    )
    .unwrap();
    gatelint(dir.path())
        .args(["diff", "--baseline", "base", "--candidate", "cand"])
        .assert()
        .code(5);
}

#[test]
fn identical_trees_have_no_changes_and_mismatched_inputs_are_invalid() {
    let dir = tempfile::tempdir().unwrap();
    tree(&dir.path().join("base"), &policy("0.80", "Block"));
    tree(&dir.path().join("cand"), &policy("0.80", "Block"));
    let output = gatelint(dir.path())
        .args([
            "diff",
            "--baseline",
            "base",
            "--candidate",
            "cand",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let json = json_of(&output);
    assert_eq!(json["changed"].as_array().unwrap().len(), 0);
    assert_eq!(json["diff"]["recommendation"], "enforce");
    gatelint(dir.path())
        .args([
            "diff",
            "--baseline",
            "base",
            "--candidate",
            "cand/config/appsettings.yaml",
        ])
        .assert()
        .code(6);
    gatelint(dir.path())
        .args(["diff", "--baseline", "base", "--candidate", "missing"])
        .assert()
        .code(6);
}

#[test]
fn markdown_summary_has_a_table_per_environment() {
    let dir = tempfile::tempdir().unwrap();
    tree(&dir.path().join("base"), &policy("0.80", "Block"));
    tree(&dir.path().join("cand"), &policy("0.70", "Block"));
    let output = gatelint(dir.path())
        .args([
            "diff",
            "--baseline",
            "base",
            "--candidate",
            "cand",
            "--format",
            "markdown",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("### Verdict diff"), "{text}");
    assert!(
        text.contains("#### Changed cases: environment `production`"),
        "{text}"
    );
    assert!(text.contains("production trust 0.75"), "{text}");
    assert!(text.len() < 1024 * 1024);
}

#[test]
fn check_with_baseline_ref_lists_the_changed_case() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    tree(root, &policy("0.80", "Block"));
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "baseline"]);
    std::fs::write(
        root.join("config/appsettings.yaml"),
        policy("0.70", "Block"),
    )
    .unwrap();
    git(root, &["commit", "-q", "-am", "candidate"]);
    let output = gatelint(root)
        .args(["check", "--baseline-ref", "HEAD~1", "--format", "json", "."])
        .output()
        .unwrap();
    let json = json_of(&output);
    assert_eq!(output.status.code(), Some(5), "{json:#}");
    let changed = json["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1, "{json:#}");
    assert_eq!(changed[0]["case"], "production trust 0.75");
    assert_eq!(changed[0]["direction"], "loosening");
    assert_eq!(json["diff"]["baseline"], "git:HEAD~1");
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "verdict-loosened"
                && f["path"] == "fixtures/release.fixtures.yaml"),
        "{json:#}"
    );
    // Nothing was written into the repository.
    let status = Command::new("git")
        .current_dir(root)
        .args(["status", "--porcelain"])
        .output()
        .unwrap();
    assert!(
        status.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&status.stdout)
    );
}

const GAIT_BASE: &str = "default_verdict: allow\nrules:\n  - name: writes-need-approval\n    priority: 10\n    effect: require_approval\n    match:\n      tool_names: [tool.write]\n";
const GAIT_CAND: &str = "default_verdict: allow\nrules:\n  - name: writes-blocked\n    priority: 1\n    effect: block\n    match:\n      tool_names: [tool.write]\n";

fn intent(tool: &str, environment: &str) -> String {
    serde_json::json!({
        "schema_id": "gait.gate.intent_request",
        "schema_version": "1.0.0",
        "created_at": "2026-02-11T00:00:00Z",
        "producer_version": "0.0.0-test",
        "tool_name": tool,
        "args": {"path": "/tmp/a.txt"},
        "targets": [{"kind": "path", "value": "/tmp/a.txt", "operation": "write"}],
        "context": {"identity": "agent.test", "workspace": "/repo", "risk_class": "low", "environment": environment}
    })
    .to_string()
}

#[test]
fn gait_policy_pair_with_bare_intents() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("intents")).unwrap();
    std::fs::write(root.join("base.yaml"), GAIT_BASE).unwrap();
    std::fs::write(root.join("cand.yaml"), GAIT_CAND).unwrap();
    std::fs::write(
        root.join("intents/write.json"),
        intent("tool.write", "production"),
    )
    .unwrap();
    std::fs::write(
        root.join("intents/read.json"),
        intent("tool.read", "production"),
    )
    .unwrap();
    // Tightening: require_approval → block.
    let output = gatelint(root)
        .args([
            "diff",
            "--baseline",
            "base.yaml",
            "--candidate",
            "cand.yaml",
            "--format",
            "json",
        ])
        .args(["--fixtures", "intents/read.json", "intents/write.json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json = json_of(&output);
    let changed = json["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1, "{json:#}");
    assert_eq!(changed[0]["case"], "intents/write.json");
    assert_eq!(changed[0]["baseline"]["verdict"], "require_approval");
    assert_eq!(changed[0]["candidate"]["verdict"], "block");
    assert_eq!(changed[0]["candidate"]["rule"], "writes-blocked");
    assert_eq!(json["diff"]["recommendation"], "require_approval");
    assert_eq!(json["diff"]["cases_total"], 2);
    // The other way round is a production loosening; a directory of intents works too.
    let output = gatelint(root)
        .args([
            "diff",
            "--baseline",
            "cand.yaml",
            "--candidate",
            "base.yaml",
            "--format",
            "json",
        ])
        .args(["--fixtures", "intents", "--exhaustive"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(5));
    let json = json_of(&output);
    assert_eq!(json["changed"][0]["direction"], "loosening");
    assert_eq!(json["findings"][0]["path"], "intents/write.json");
    let regions = json["diff"]["regions"].as_array().unwrap();
    assert!(!regions.is_empty(), "{json:#}");
    assert!(
        regions
            .iter()
            .all(|region| region["witness"]["tool_name"] == "tool.write")
    );
}

#[test]
fn exhaustive_vex_trust_regions_without_fixtures() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("base.yaml"), policy("0.80", "Block")).unwrap();
    std::fs::write(root.join("cand.yaml"), policy("0.70", "Block")).unwrap();
    let output = gatelint(root)
        .args([
            "diff",
            "--baseline",
            "base.yaml",
            "--candidate",
            "cand.yaml",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let json = json_of(&output);
    assert_eq!(output.status.code(), Some(5), "{json:#}");
    let regions = json["diff"]["regions"].as_array().unwrap();
    assert!(
        regions
            .iter()
            .any(|region| region["environment"] == "production"
                && region["region"]
                    .as_str()
                    .unwrap()
                    .contains("trustScore in [0.7, 0.8)")
                && region["baseline"] == "Blocked"
                && region["candidate"] == "Pass"),
        "{json:#}"
    );
}

/// A JSONL suite of several batches streams through both sides in one pass: every case counted,
/// the changed ones listed in input order, the same bytes on one thread as on every core.
#[test]
fn a_jsonl_suite_over_several_batches_diffs_the_same_on_any_thread_count() {
    use std::fmt::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("config")).unwrap();
    std::fs::write(root.join("base.yaml"), policy("0.80", "Block")).unwrap();
    std::fs::write(
        root.join("config/appsettings.yaml"),
        policy("0.70", "Block"),
    )
    .unwrap();
    let mut suite = String::from(
        "{\"kind\":\"gatelint.fixtures/v1\",\"policy\":\"config/appsettings.yaml\",\"defaults\":{\"requestedStatus\":\"not_affected\"}}\n",
    );
    let cases = 9_000;
    for i in 0..cases {
        let environment = if i % 2 == 0 { "production" } else { "staging" };
        let score = f64::from(i % 100) / 100.0;
        writeln!(
            suite,
            "{{\"name\":\"case {i}\",\"input\":{{\"environment\":\"{environment}\",\"vexTrust\":{{\"trustScore\":{score},\"signatureVerified\":true,\"freshness\":\"fresh\"}}}},\"expect\":{{\"verdict\":\"Pass\"}}}}"
        )
        .unwrap();
        if i == 4_500 {
            // A blank line: the line numbers move on, the case numbers do not.
            suite.push('\n');
        }
    }
    std::fs::write(root.join("big.fixtures.jsonl"), suite).unwrap();
    let run = |threads: Option<&str>, format: &str| {
        let mut command = gatelint(root);
        if let Some(threads) = threads {
            command.env("RAYON_NUM_THREADS", threads);
        }
        command
            .args([
                "diff",
                "--baseline",
                "base.yaml",
                "--candidate",
                "config/appsettings.yaml",
                "--fixtures",
                "big.fixtures.jsonl",
                "--format",
                format,
            ])
            .output()
            .unwrap()
    };
    for format in ["json", "human"] {
        let one = run(Some("1"), format);
        let all = run(None, format);
        assert_eq!(one.status.code(), Some(5), "{format}");
        assert_eq!(one.stdout, all.stdout, "{format}");
        assert_eq!(one.stderr, all.stderr, "{format}");
    }
    let json = json_of(&run(None, "json"));
    let diff = &json["diff"];
    assert_eq!(diff["cases_total"], cases, "{diff}");
    // Production cases scoring in [0.70, 0.80) are let through by the candidate.
    let changed = json["changed"].as_array().unwrap();
    let expected: Vec<String> = (0..cases)
        .filter(|i| i % 2 == 0 && (70..80).contains(&(i % 100)))
        .map(|i| format!("case {i}"))
        .collect();
    let names: Vec<&str> = changed
        .iter()
        .map(|case| case["case"].as_str().unwrap())
        .collect();
    assert_eq!(names, expected);
    assert!(changed.iter().all(|case| case["direction"] == "loosening"));
}
