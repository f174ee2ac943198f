//! Fixture inputs are checked like policies: a misspelt key of a case input, at any depth, is an
//! `unknown-key` at its line with a suggestion (and the suite is not replayed on it), and an
//! environment the policy does not configure is a warning at its value — the case would be
//! decided by the `default` set.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

mod common;
use common::{gatelint, git, write};

const POLICY: &str = "PolicyGates:\n  VexTrust:\n    Enabled: true\n    Thresholds:\n      production:\n        MinCompositeScore: 0.80\n        FailureAction: Block\n      staging:\n        MinCompositeScore: 0.60\n        FailureAction: Warn\n      default:\n        FailureAction: Warn\n    MissingTrustBehavior: Warn\n";

fn repository(cases: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    write(root, "config/appsettings.yaml", POLICY);
    write(
        root,
        "fixtures/release.fixtures.yaml",
        &format!("kind: gatelint.fixtures/v1\npolicy: ../config/appsettings.yaml\ncases:\n{cases}"),
    );
    dir
}

fn check(dir: &tempfile::TempDir) -> (Option<i32>, String) {
    let output = gatelint(dir.path()).args(["check", "."]).output().unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
    )
}

#[test]
fn a_misspelt_key_inside_an_input_is_located_with_a_suggestion() {
    let dir = repository(
        "  - name: production trust 0.95\n    input:\n      environment: production\n      vexTrust:\n        trustScroe: 0.95\n        signatureVerified: true\n    expect: {verdict: Pass}\n",
    );
    let (code, stdout) = check(&dir);
    assert_eq!(code, Some(6), "{stdout}");
    assert!(
        stdout.contains(
            "error[unknown-key]: unknown key `trustScroe` in `cases[0].input.vexTrust`\n --> fixtures/release.fixtures.yaml:8:9\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("= help: did you mean `trustScore`?"),
        "{stdout}"
    );
    // The suite is not replayed on a misspelt input: no verdict is judged from it.
    assert!(!stdout.contains("fixture-mismatch"), "{stdout}");
}

#[test]
fn an_unconfigured_environment_is_a_warning_at_its_value() {
    let dir = repository(
        "  - name: production trust 0.75\n    input: {environment: prodution, vexTrust: {trustScore: 0.75, signatureVerified: true}}\n    expect: {verdict: Pass}\n  - name: the default set\n    input: {environment: default, vexTrust: {trustScore: 0.5, signatureVerified: true}}\n    expect: {verdict: Pass}\n",
    );
    let (code, stdout) = check(&dir);
    assert!(
        stdout.contains(
            "warning[fixture-environment-unconfigured]: environment `prodution` is not configured by `config/appsettings.yaml`: the case is evaluated with the `default` set\n --> fixtures/release.fixtures.yaml:5:26\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("= help: did you mean `production`?"),
        "{stdout}"
    );
    // `default` itself is configured; one warning only, and a warning does not fail the run.
    assert_eq!(
        stdout.matches("fixture-environment-unconfigured").count(),
        1,
        "{stdout}"
    );
    assert_eq!(code, Some(0), "{stdout}");
}

/// The warning is on the suite, not on a case: each shard would find it, so only shard 1
/// reports it, and it survives the shard (unlike coverage advice).
#[test]
fn the_warning_is_reported_once_over_shards() {
    let dir = repository(
        "  - name: a\n    input: {environment: prodution, vexTrust: {trustScore: 0.75, signatureVerified: true}}\n    expect: {verdict: Warned}\n  - name: b\n    input: {environment: staging, vexTrust: {trustScore: 0.7, signatureVerified: true}}\n    expect: {verdict: Pass}\n",
    );
    let mut seen = 0;
    for shard in ["1/2", "2/2"] {
        let output = gatelint(dir.path())
            .args(["check", "--shard", shard, "."])
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        seen += stdout
            .matches("warning[fixture-environment-unconfigured]")
            .count();
    }
    assert_eq!(seen, 1);
}

/// `check` counts passing cases instead of listing them, as `test` does, unless a report lists
/// them one by one (JUnit; the Markdown summary's collapsed list): a suite of a million passing
/// cases need not be held to say they passed.
#[test]
fn passing_cases_are_counted_unless_a_report_lists_them() {
    let dir = repository(
        "  - name: a\n    input: {environment: staging, vexTrust: {trustScore: 0.7, signatureVerified: true}}\n    expect: {verdict: Pass}\n  - name: b\n    input: {environment: production, vexTrust: {trustScore: 0.9, signatureVerified: true}}\n    expect: {verdict: Pass}\n  - name: c\n    input: {environment: staging, vexTrust: {trustScore: 0.7, signatureVerified: true}}\n    expect: {verdict: Blocked}\n",
    );
    let json = |args: &[&str]| -> serde_json::Value {
        let output = gatelint(dir.path()).args(args).output().unwrap();
        serde_json::from_slice(&output.stdout).unwrap()
    };
    let report = json(&["check", "--format", "json", "."]);
    assert_eq!(report["summary"]["cases"]["passed"], 2, "{report:#}");
    assert_eq!(report["summary"]["cases"]["failed"], 1, "{report:#}");
    let listed: Vec<&str> = report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|case| case["name"].as_str())
        .collect();
    assert_eq!(listed, ["c"], "{report:#}");

    let dir_path = dir.path().join("report.json");
    let output = gatelint(dir.path())
        .args(["check", "--format", "json", "--output"])
        .arg(&dir_path)
        .args(["--format", "junit", "."])
        .output()
        .unwrap();
    let junit = String::from_utf8(output.stdout).unwrap();
    assert_eq!(junit.matches("<testcase ").count(), 3, "{junit}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&dir_path).unwrap()).unwrap();
    assert_eq!(report["cases"].as_array().unwrap().len(), 3, "{report:#}");
}
