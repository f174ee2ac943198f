#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]
//! Output for a reviewer. The human format says each fact once: a fixture failure is one
//! finding (or, for `test`, one line) with the expected and actual decision in it; a case
//! spanning several lines shows its first line and the expectation that failed; long runs are
//! capped per rule. GitHub annotations spend their budget on regressions first.

use std::fmt::Write as _;
use std::path::Path;

mod common;
use common::{gatelint, write};

const POLICY: &str = "PolicyGates:\n  VexTrust:\n    Enabled: true\n    Thresholds:\n      production:\n        MinCompositeScore: 0.80\n        RequireIssuerVerified: true\n        FailureAction: Block\n";

/// A suite of `count` block-style cases below the threshold, each wrongly expecting `Pass`.
fn failing_suite(count: usize) -> String {
    let mut text = String::from(
        "kind: gatelint.fixtures/v1\npolicy: ../config/appsettings.yaml\ndefaults: {environment: production, requestedStatus: not_affected}\ncases:\n",
    );
    for n in 0..count {
        let _ = write!(
            text,
            "  - name: case {n}\n    input:\n      vexTrust:\n        trustScore: 0.5\n        signatureVerified: true\n        freshness: fresh\n    expect:\n      verdict: Pass\n"
        );
    }
    text
}

fn run(dir: &Path, args: &[&str]) -> (String, i32) {
    let output = gatelint(dir).args(args).output().unwrap();
    (
        String::from_utf8(output.stdout).unwrap(),
        output.status.code().unwrap_or(-1),
    )
}

#[test]
fn a_fixture_failure_is_said_once_with_the_expectation_that_failed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "config/appsettings.yaml", POLICY);
    write(
        dir.path(),
        "fixtures/release.fixtures.yaml",
        &failing_suite(1),
    );
    let (out, code) = run(dir.path(), &["check", "."]);
    assert_eq!(code, 5, "{out}");
    assert_eq!(out.matches("error[fixture-mismatch]").count(), 1, "{out}");
    assert!(!out.contains("fixture case `case 0`"), "{out}");
    // The case's first line, then the line of its `expect` that failed, not every line.
    assert!(
        out.contains(" 5 |   - name: case 0\n   |     ^^^^^^^^^^^^\n...\n"),
        "{out}"
    );
    assert!(!out.contains("trustScore"), "{out}");
    assert!(
        out.contains(
            "::: fixtures/release.fixtures.yaml:12:7\n   |\n12 |       verdict: Pass\n   |       ------------- expected here\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("verdict: expected `Pass`, got `Blocked`"),
        "{out}"
    );

    // `test` reports cases, not findings: one line each, with the case's line.
    let (out, code) = run(dir.path(), &["test", "fixtures"]);
    assert_eq!(code, 5, "{out}");
    let failures: Vec<&str> = out.lines().filter(|line| line.contains("case 0")).collect();
    assert_eq!(
        failures,
        vec![
            "error: fixture case `case 0` in `fixtures/release.fixtures.yaml:5` failed: verdict: expected `Pass`, got `Blocked`"
        ],
        "{out}"
    );
}

#[test]
fn long_runs_are_capped_per_rule_in_human_output_only() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "config/appsettings.yaml", POLICY);
    write(
        dir.path(),
        "fixtures/release.fixtures.yaml",
        &failing_suite(60),
    );

    let (out, code) = run(dir.path(), &["check", "."]);
    assert_eq!(code, 5);
    assert_eq!(out.matches("error[fixture-mismatch]").count(), 50, "{out}");
    assert!(
        out.contains("note: 10 more `fixture-mismatch` findings not shown (`--max-shown 50`"),
        "{out}"
    );

    let (out, _) = run(dir.path(), &["check", ".", "--max-shown", "7"]);
    assert_eq!(out.matches("error[fixture-mismatch]").count(), 7);
    assert!(
        out.contains("note: 53 more `fixture-mismatch` findings"),
        "{out}"
    );

    let (out, _) = run(dir.path(), &["check", ".", "--max-shown", "0"]);
    assert_eq!(out.matches("error[fixture-mismatch]").count(), 60);
    assert!(!out.contains("not shown"), "{out}");

    let (out, code) = run(dir.path(), &["test", "fixtures"]);
    assert_eq!(code, 5);
    assert_eq!(out.matches("error: fixture case").count(), 50, "{out}");
    assert!(
        out.contains("note: 10 more failed fixture cases not shown"),
        "{out}"
    );

    // Machine formats keep everything.
    let (out, _) = run(dir.path(), &["check", ".", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mismatches = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["rule"] == "fixture-mismatch")
        .count();
    assert_eq!(mismatches, 60);
}

#[test]
fn annotations_put_regressions_first_within_the_budget() {
    let dir = tempfile::tempdir().unwrap();
    // Twelve typo keys sort before the suite by path; the regression must still be shown.
    let mut policy = String::from("PolicyGates:\n");
    for n in 0..12 {
        let _ = writeln!(policy, "  Typo{n}: 1");
    }
    policy.push_str(&POLICY["PolicyGates:\n".len()..]);
    write(dir.path(), "a/appsettings.yaml", &policy);
    write(
        dir.path(),
        "fixtures/release.fixtures.yaml",
        &failing_suite(1).replace("../config/appsettings.yaml", "../a/appsettings.yaml"),
    );
    let (out, code) = run(dir.path(), &["check", ".", "--format", "github"]);
    assert_eq!(code, 6, "{out}");
    let errors: Vec<&str> = out
        .lines()
        .filter(|line| line.starts_with("::error "))
        .collect();
    assert_eq!(errors.len(), 10, "{out}");
    assert!(
        errors[0].starts_with(
            "::error file=fixtures/release.fixtures.yaml,line=5,col=5,endLine=12,endColumn=20,title=fixture-mismatch::"
        ),
        "{out}"
    );
    // The failure is annotated once, as its finding.
    assert!(!out.contains("title=fixture case failed"), "{out}");
    assert!(
        out.contains("3 errors") && out.contains("not shown as annotations"),
        "{out}"
    );
}
