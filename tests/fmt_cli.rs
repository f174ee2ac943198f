//! `gatelint fmt` end to end: the real binary, temporary files.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use assert_cmd::Command;
use predicates::prelude::*;

const UNFORMATTED: &str = "schema_id: gait.gate.policy\nschema_version: 1.0.0\ndefault_verdict: BLOCK  \nrules:\n  # the broad rule\n  - name: writes\n    priority: 20\n    effect: Allow\n    match: {tool_names: [tool.write]}\n  # the narrow rule wins\n  - name: deletes\n    priority: 10\n    effect: block # never\n    match: {tool_names: [tool.delete]}\n";
const FORMATTED: &str = "schema_id: gait.gate.policy\nschema_version: 1.0.0\ndefault_verdict: block\nrules:\n  # the narrow rule wins\n  - name: deletes\n    priority: 10\n    effect: block # never\n    match: {tool_names: [tool.delete]}\n  # the broad rule\n  - name: writes\n    priority: 20\n    effect: allow\n    match: {tool_names: [tool.write]}\n";

fn gatelint() -> Command {
    let mut cmd = Command::cargo_bin("gatelint").unwrap();
    cmd.env_clear().env("NO_COLOR", "1");
    cmd
}

#[test]
fn check_prints_a_diff_and_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".gait.yaml");
    std::fs::write(&path, UNFORMATTED).unwrap();
    gatelint()
        .arg("fmt")
        .arg("--check")
        .arg(&path)
        .assert()
        .code(3)
        .stdout(predicate::str::contains("-default_verdict: BLOCK"))
        .stdout(predicate::str::contains("+default_verdict: block"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), UNFORMATTED);
}

#[test]
fn write_rewrites_keeping_comments_then_check_passes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".gait.yaml");
    std::fs::write(&path, UNFORMATTED).unwrap();
    gatelint()
        .arg("fmt")
        .arg("--write")
        .arg(&path)
        .assert()
        .code(0);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), FORMATTED);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "temporary file left behind");
    gatelint()
        .arg("fmt")
        .arg("--check")
        .arg(&path)
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn plain_mode_prints_the_formatted_policy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".gait.yaml");
    std::fs::write(&path, UNFORMATTED).unwrap();
    gatelint()
        .arg("fmt")
        .arg(&path)
        .assert()
        .code(0)
        .stdout(FORMATTED);
}

#[test]
fn invalid_policy_exits_6_and_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".gait.yaml");
    let text =
        "default_verdict: block\nrules:\n  - name: x\n    effect: allow\n    action: block\n";
    std::fs::write(&path, text).unwrap();
    gatelint()
        .arg("fmt")
        .arg("--write")
        .arg(&path)
        .assert()
        .code(6)
        .stderr(predicate::str::contains(
            ":5:13: rule action must match effect",
        ));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}
