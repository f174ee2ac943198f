//! `test --update` and `check --update` end to end: the real binary rewrites the expectations of
//! failed cases in a temporary repository, keeping everything else as written.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

mod common;

use common::{gatelint, write};

const POLICY: &str = include_str!("../examples/stellaops/policy-gates.yaml");

/// Two cases whose expectations are out of date (the policy blocks unsigned production VEX and
/// lets trusted VEX pass), and one that is right.
const SUITE: &str = "\
kind: gatelint.fixtures/v1
policy: policy-gates.yaml
defaults:
  environment: production
  requestedStatus: not_affected
cases:
  # the team thought unsigned VEX only warned
  - name: unsigned vex
    input:
      vexTrust: {trustScore: 0.95, signatureVerified: false, accuracyRate: 0.92, freshness: fresh, issuerId: vendor-acme}
    expect:
      verdict: Warned   # out of date
      gate: VexTrust
      reasons:
        - composite_score
  - name: trusted vex
    input:
      vexTrust: {trustScore: 0.95, signatureVerified: true, accuracyRate: 0.92, freshness: fresh, issuerId: vendor-acme}
    expect: {verdict: Blocked, gate: VexTrust}
  - name: affected is not checked
    input: {requestedStatus: affected}
    expect: {verdict: Pass}
";

const UPDATED: &str = "\
kind: gatelint.fixtures/v1
policy: policy-gates.yaml
defaults:
  environment: production
  requestedStatus: not_affected
cases:
  # the team thought unsigned VEX only warned
  - name: unsigned vex
    input:
      vexTrust: {trustScore: 0.95, signatureVerified: false, accuracyRate: 0.92, freshness: fresh, issuerId: vendor-acme}
    expect:
      verdict: Blocked   # out of date
      gate: VexTrust
      reasons:
        - issuer_verified
  - name: trusted vex
    input:
      vexTrust: {trustScore: 0.95, signatureVerified: true, accuracyRate: 0.92, freshness: fresh, issuerId: vendor-acme}
    expect: {verdict: Pass, gate: VexTrust}
  - name: affected is not checked
    input: {requestedStatus: affected}
    expect: {verdict: Pass}
";

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(dir.path(), "policy-gates.yaml", POLICY);
    write(dir.path(), "release.fixtures.yaml", SUITE);
    dir
}

fn suite(dir: &tempfile::TempDir) -> String {
    std::fs::read_to_string(dir.path().join("release.fixtures.yaml")).unwrap()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn test_update_rewrites_only_what_failed_and_the_replay_then_passes() {
    let dir = repo();
    let before = gatelint(dir.path())
        .args(["test", "release.fixtures.yaml"])
        .output()
        .unwrap();
    assert_eq!(before.status.code(), Some(5), "{}", stderr(&before));

    let output = gatelint(dir.path())
        .args(["test", "release.fixtures.yaml", "--update"])
        .output()
        .unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert_eq!(suite(&dir), UPDATED);
    assert!(
        err.contains("release.fixtures.yaml: update case `unsigned vex`: verdict `Warned` → `Blocked`, reasons [issuer_verified]"),
        "{err}"
    );
    assert!(
        err.contains("update case `trusted vex`: verdict `Blocked` → `Pass`\n"),
        "{err}"
    );
    assert!(err.contains("2 expectations updated"), "{err}");
    assert!(!err.contains("affected is not checked"), "{err}");

    // Nothing is left to update: a second run changes nothing.
    let again = gatelint(dir.path())
        .args(["test", "release.fixtures.yaml", "--update"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(stderr(&again).contains("0 expectations updated"));
    assert_eq!(suite(&dir), UPDATED);
}

#[test]
fn test_update_rewrites_a_jsonl_case_inside_its_line() {
    let dir = repo();
    let header = "{\"kind\": \"gatelint.fixtures/v1\", \"policy\": \"policy-gates.yaml\", \"defaults\": {\"environment\": \"production\", \"requestedStatus\": \"not_affected\"}}\n";
    let good = "{\"name\": \"unsigned\", \"input\": {\"vexTrust\": {\"trustScore\": 0.95, \"signatureVerified\": false, \"freshness\": \"fresh\"}}, \"expect\": {\"verdict\": \"Blocked\"}}\n";
    let bad = "{\"name\": \"trusted\", \"input\": {\"vexTrust\": {\"trustScore\": 0.95, \"signatureVerified\": true, \"accuracyRate\": 0.92, \"freshness\": \"fresh\"}}, \"expect\": {\"verdict\": \"Warned\", \"exit_code\": 0}}\n";
    write(
        dir.path(),
        "big.fixtures.jsonl",
        &format!("{header}{good}{bad}"),
    );
    let output = gatelint(dir.path())
        .args(["test", "big.fixtures.jsonl", "--update"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(dir.path().join("big.fixtures.jsonl")).unwrap();
    assert_eq!(
        text,
        format!("{header}{good}{}", bad.replace("\"Warned\"", "\"Pass\""))
    );
}

#[test]
fn check_update_diff_prints_the_change_and_writes_nothing() {
    let dir = repo();
    let output = gatelint(dir.path())
        .args(["check", ".", "--update", "--diff"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(out.contains("--- release.fixtures.yaml"), "{out}");
    assert!(
        out.contains(
            "-      verdict: Warned   # out of date\n+      verdict: Blocked   # out of date"
        ),
        "{out}"
    );
    assert!(out.contains("-    expect: {verdict: Blocked, gate: VexTrust}\n+    expect: {verdict: Pass, gate: VexTrust}"), "{out}");
    assert_eq!(suite(&dir), SUITE);
}

#[test]
fn check_update_writes_the_suite_and_reports_what_is_left() {
    let dir = repo();
    let before = gatelint(dir.path()).args(["check", "."]).output().unwrap();
    assert_eq!(before.status.code(), Some(5), "{}", stderr(&before));
    let output = gatelint(dir.path())
        .args(["check", ".", "--update"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{out}\n{}", stderr(&output));
    assert!(!out.contains("fixture-mismatch"), "{out}");
    assert!(
        stderr(&output).contains("release.fixtures.yaml: update case `trusted vex`"),
        "{}",
        stderr(&output)
    );
    assert_eq!(suite(&dir), UPDATED);
}

#[test]
fn check_without_update_never_rewrites_an_expectation() {
    let dir = repo();
    // `--fix --unsafe-fixes` applies every fix a finding carries except expectation updates:
    // accepting a new decision is never a fix of a mistake.
    let output = gatelint(dir.path())
        .args(["check", ".", "--fix", "--unsafe-fixes"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(5), "{}", stderr(&output));
    assert_eq!(suite(&dir), SUITE);
}

#[test]
fn json_reports_carry_the_update_as_the_findings_fix() {
    let dir = repo();
    let output = gatelint(dir.path())
        .args(["check", ".", "--format", "json"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(out.contains("\"applicability\": \"update\""), "{out}");
}
