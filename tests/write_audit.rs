//! Every file gatelint writes is created with `O_EXCL` and renamed into place: checked on the
//! system calls themselves. Each writing command (reports with `--output`, `fmt --write`,
//! `check --fix`, `test --update`) runs under the real `strace`; every `open` that could
//! create or write a file must carry `O_CREAT|O_EXCL`, and every file written must reach its
//! name by `rename`. Only a device or FIFO named as the destination is opened for writing
//! as it is.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

mod common;

use std::path::Path;
use std::process::Command;

use common::write;

const POLICY: &str = include_str!("../examples/stellaops/policy-gates.yaml");
const TYPO: &str = "PolicyGates:\n  VexTrust:\n    Thresholds:\n      production:\n        # keep this high\n        MinCompositScore:   0.9\n";
const GAIT: &str = "schema_id: gait.gate.policy\nschema_version: 1.0.0\ndefault_verdict: BLOCK\nrules:\n  - name: writes\n    priority: 20\n    effect: Allow\n    match: {tool_names: [tool.write]}\n";
const SUITE: &str = "kind: gatelint.fixtures/v1\npolicy: policy-gates.yaml\ndefaults: {environment: production, requestedStatus: not_affected}\ncases:\n  - name: unsigned\n    input: {vexTrust: {trustScore: 0.95, signatureVerified: false, freshness: fresh}}\n    expect: {verdict: Pass}\n";

/// `strace`, or `None` where it is missing outside CI (in CI a missing tool fails the test).
fn strace() -> Option<&'static str> {
    let found = Command::new("strace")
        .arg("-V")
        .output()
        .is_ok_and(|out| out.status.success());
    if found {
        return Some("strace");
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "strace is not installed; .ci/run installs it"
    );
    println!("note: skipped: strace is not installed (.ci/run installs it)");
    None
}

/// The system calls of `gatelint ARGS` in `dir` that open or rename files, one per line.
fn traced(tool: &str, dir: &Path, args: &[&str]) -> (std::process::Output, Vec<String>) {
    let log = tempfile::NamedTempFile::new().unwrap();
    let output = Command::new(tool)
        .args([
            "-f",
            "-qq",
            "-e",
            "trace=open,openat,openat2,creat,rename,renameat,renameat2",
        ])
        .arg("-o")
        .arg(log.path())
        .arg(env!("CARGO_BIN_EXE_gatelint"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let calls = std::fs::read_to_string(log.path())
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    (output, calls)
}

/// The calls that break the rule: a `creat`, or an open for writing without `O_CREAT|O_EXCL`
/// (a device under `/dev` excepted).
fn unsafe_opens(calls: &[String]) -> Vec<&String> {
    calls
        .iter()
        .filter(|call| {
            let open =
                call.contains("open(") || call.contains("openat(") || call.contains("openat2(");
            let writes = call.contains("O_WRONLY")
                || call.contains("O_RDWR")
                || call.contains("O_CREAT")
                || call.contains("O_TRUNC");
            let device = call.contains("\"/dev/");
            call.contains("creat(") && !open
                || open
                    && writes
                    && !device
                    && !(call.contains("O_CREAT") && call.contains("O_EXCL"))
        })
        .collect()
}

/// The names renamed onto (the last quoted path of each successful rename).
fn renamed_onto(calls: &[String]) -> Vec<String> {
    calls
        .iter()
        .filter(|call| call.contains("rename") && call.trim_end().ends_with("= 0"))
        .filter_map(|call| call.rsplit('"').nth(1).map(str::to_owned))
        .collect()
}

fn assert_exclusive(what: &str, calls: &[String], destinations: &[&str]) {
    let bad = unsafe_opens(calls);
    assert!(
        bad.is_empty(),
        "{what}: opened for writing without O_EXCL:\n{bad:#?}"
    );
    let created = calls
        .iter()
        .filter(|call| call.contains("O_CREAT") && !call.contains("= -1"))
        .count();
    assert!(
        created >= destinations.len(),
        "{what}: nothing was created:\n{calls:#?}"
    );
    let renamed = renamed_onto(calls);
    for destination in destinations {
        assert!(
            renamed.iter().any(|name| name.ends_with(destination)),
            "{what}: `{destination}` was not renamed into place: {renamed:?}\n{calls:#?}"
        );
    }
}

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

#[test]
fn reports_are_created_exclusively_and_renamed_into_place() {
    let Some(tool) = strace() else { return };
    let dir = repo();
    write(dir.path(), "policy-gates.yaml", POLICY);
    // One existing destination, replaced; two new ones.
    write(dir.path(), "out.sarif", "old");
    let (output, calls) = traced(
        tool,
        dir.path(),
        &[
            "check",
            ".",
            "--format",
            "sarif",
            "--output",
            "out.sarif",
            "--format",
            "json",
            "--output",
            "out.json",
            "--format",
            "markdown",
            "--output",
            "summary.md",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_exclusive(
        "check --output",
        &calls,
        &["out.sarif", "out.json", "summary.md"],
    );
    assert!(
        std::fs::read_to_string(dir.path().join("out.sarif"))
            .unwrap()
            .contains("\"runs\"")
    );
}

#[test]
fn fmt_write_creates_exclusively_and_renames_into_place() {
    let Some(tool) = strace() else { return };
    let dir = repo();
    write(dir.path(), "gait.yaml", GAIT);
    let (output, calls) = traced(tool, dir.path(), &["fmt", "--write", "gait.yaml"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_exclusive("fmt --write", &calls, &["gait.yaml"]);
    assert!(
        std::fs::read_to_string(dir.path().join("gait.yaml"))
            .unwrap()
            .contains("default_verdict: block")
    );
}

#[test]
fn fixes_and_updates_create_exclusively_and_rename_into_place() {
    let Some(tool) = strace() else { return };
    let dir = repo();
    write(dir.path(), "appsettings.yaml", TYPO);
    let (output, calls) = traced(tool, dir.path(), &["check", "appsettings.yaml", "--fix"]);
    assert!(output.status.code().is_some(), "{output:?}");
    assert_exclusive("check --fix", &calls, &["appsettings.yaml"]);
    assert!(
        std::fs::read_to_string(dir.path().join("appsettings.yaml"))
            .unwrap()
            .contains("MinCompositeScore")
    );

    let dir = repo();
    write(dir.path(), "policy-gates.yaml", POLICY);
    write(dir.path(), "release.fixtures.yaml", SUITE);
    let (output, calls) = traced(
        tool,
        dir.path(),
        &["test", "release.fixtures.yaml", "--update"],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_exclusive("test --update", &calls, &["release.fixtures.yaml"]);
}

#[test]
fn the_audit_itself_catches_a_plain_create() {
    // The same filter, on what a careless writer's calls look like.
    let calls = [
        r#"12 openat(AT_FDCWD, "out.sarif", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0666) = 3"#
            .to_owned(),
        r#"12 openat(AT_FDCWD, "/dev/null", O_WRONLY|O_CLOEXEC) = 3"#.to_owned(),
        r#"12 openat(AT_FDCWD, "x/.gatelint-abc.tmp", O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC, 0600) = 3"#
            .to_owned(),
        r#"12 openat(AT_FDCWD, "in.yaml", O_RDONLY|O_CLOEXEC) = 3"#.to_owned(),
        r#"12 rename("x/.gatelint-abc.tmp", "x/out.sarif") = 0"#.to_owned(),
    ];
    let bad = unsafe_opens(&calls);
    assert_eq!(bad.len(), 1);
    assert!(bad[0].contains("O_TRUNC"));
    assert_eq!(renamed_onto(&calls), vec!["x/out.sarif".to_owned()]);
}
