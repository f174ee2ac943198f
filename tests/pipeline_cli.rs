//! The behaviours every command shares since they run one pipeline, run as the real binary:
//! `diff` fails closed on a broken side, a file-pair diff replays the candidate whatever name
//! the suite uses, `check` and `test` agree on a large JSONL suite, `eval --input` refuses a
//! file that is not a Stella Ops configuration, and a suite's references never leave the
//! workspace.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

mod common;
use common::git;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use assert_cmd::prelude::*;

const POLICY: &str = "PolicyGates:\n  VexTrust:\n    Enabled: true\n    Thresholds:\n      production:\n        MinCompositeScore: SCORE\n        RequireIssuerVerified: true\n        AcceptableFreshness: [fresh]\n        FailureAction: Block\n      staging:\n        MinCompositeScore: 0.60\n        FailureAction: Warn\n      default:\n        FailureAction: Warn\n    MissingTrustBehavior: Warn\n";

fn policy(score: &str) -> String {
    POLICY.replace("SCORE", score)
}

const CASES: &str = "cases:\n  - name: production trust 0.75\n    input: {environment: production, requestedStatus: not_affected, vexTrust: {trustScore: 0.75, signatureVerified: true, freshness: fresh}}\n    expect: {verdict: Blocked}\n";

fn suite(policy: &str) -> String {
    format!("kind: gatelint.fixtures/v1\npolicy: {policy}\n{CASES}")
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

fn run(dir: &Path, args: &[&str]) -> Output {
    gatelint(dir).args(args).output().unwrap()
}

fn json_of(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "{error}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// The first finding of `rule` in a JSON report.
fn first_finding<'j>(json: &'j serde_json::Value, rule: &str) -> &'j serde_json::Value {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["rule"] == rule)
        .unwrap_or_else(|| panic!("no `{rule}` finding: {json:#}"))
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn diff_exits_6_when_the_candidate_file_does_not_parse() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.yaml"), policy("0.80")).unwrap();
    std::fs::write(
        dir.path().join("broken.yaml"),
        "PolicyGates:\n  VexTrust:\n    Enabled: [true\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("s.fixtures.yaml"), suite("good.yaml")).unwrap();
    let args = [
        "diff",
        "--baseline",
        "good.yaml",
        "--candidate",
        "broken.yaml",
        "--fixtures",
        "s.fixtures.yaml",
        "--format",
        "json",
    ];
    let output = run(dir.path(), &args);
    assert_eq!(output.status.code(), Some(6), "{}", text(&output));
    let json = json_of(&output);
    let finding = first_finding(&json, "syntax-error");
    assert_eq!(finding["path"], "broken.yaml");
    assert_eq!(finding["start"]["line"], 4);
}

#[test]
fn diff_exits_6_when_a_baseline_tree_file_is_schema_invalid() {
    let dir = tempfile::tempdir().unwrap();
    for (side, body) in [
        (
            "base",
            policy("0.80").replace("MinCompositeScore", "MinCompositScore"),
        ),
        ("cand", policy("0.80")),
    ] {
        std::fs::create_dir_all(dir.path().join(side).join("config")).unwrap();
        std::fs::write(dir.path().join(side).join("config/appsettings.yaml"), body).unwrap();
    }
    let output = run(
        dir.path(),
        &[
            "diff",
            "--baseline",
            "base",
            "--candidate",
            "cand",
            "--format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(6), "{}", text(&output));
    let json = json_of(&output);
    let finding = first_finding(&json, "unknown-key");
    assert_eq!(finding["path"], "base/config/appsettings.yaml");
    assert_eq!(finding["start"]["line"], 6);
}

#[test]
fn file_pair_diff_replays_the_candidate_when_the_suite_names_the_baseline() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("policy-gates.yaml"), policy("0.80")).unwrap();
    std::fs::write(dir.path().join("cand.yaml"), policy("0.70")).unwrap();
    std::fs::write(
        dir.path().join("s.fixtures.yaml"),
        suite("policy-gates.yaml"),
    )
    .unwrap();
    let args = [
        "diff",
        "--baseline",
        "policy-gates.yaml",
        "--candidate",
        "cand.yaml",
        "--fixtures",
        "s.fixtures.yaml",
        "--format",
        "json",
    ];
    let output = run(dir.path(), &args);
    assert_eq!(output.status.code(), Some(5), "{}", text(&output));
    let json = json_of(&output);
    let changed = json["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1, "{json:#}");
    assert_eq!(changed[0]["baseline"]["verdict"], "Blocked");
    assert_eq!(changed[0]["candidate"]["verdict"], "Pass");
    // The suite naming the candidate gives the same change.
    std::fs::write(dir.path().join("s.fixtures.yaml"), suite("cand.yaml")).unwrap();
    let again = json_of(&run(dir.path(), &args));
    assert_eq!(again["changed"], json["changed"]);
    // Nothing was written beside the files.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
}

#[test]
fn check_and_test_agree_on_a_jsonl_suite_over_16_mib() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("policy.yaml"), policy("0.80")).unwrap();
    let path = dir.path().join("big.fixtures.jsonl");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(file, r#"{{"kind":"gatelint.fixtures/v1","policy":"policy.yaml","defaults":{{"requestedStatus":"not_affected"}}}}"#).unwrap();
    // One long note per case keeps the case count small while the file passes 16 MiB.
    let padding = "x".repeat(4000);
    let cases = 4400;
    for i in 0..cases {
        let score = if i % 2 == 0 { "0.9" } else { "0.7" };
        let verdict = if i % 2 == 0 { "Pass" } else { "Blocked" };
        // Every 1000th case expects the wrong verdict: both commands must report the same ones.
        let verdict = if i % 1000 == 999 { "Pass" } else { verdict };
        writeln!(
            file,
            r#"{{"name":"case {i}","note":"{padding}","input":{{"environment":"production","vexTrust":{{"trustScore":{score},"signatureVerified":true,"freshness":"fresh"}}}},"expect":{{"verdict":"{verdict}"}}}}"#
        )
        .unwrap();
    }
    file.flush().unwrap();
    drop(file);
    assert!(std::fs::metadata(&path).unwrap().len() > 16 * 1024 * 1024);

    let test = run(dir.path(), &["test", ".", "--format", "json"]);
    assert_eq!(test.status.code(), Some(5), "{}", text(&test));
    let test = json_of(&test);
    let check = run(dir.path(), &["check", ".", "--format", "json"]);
    assert_eq!(check.status.code(), Some(5), "{}", text(&check));
    let check = json_of(&check);
    assert!(
        check["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(
                |finding| finding["rule"] != "syntax-error" && finding["rule"] != "input-too-large"
            ),
        "{check:#}"
    );
    let mismatches = |json: &serde_json::Value| -> Vec<String> {
        json["cases"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|case| case["status"] == "failed")
            .map(|case| case["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        mismatches(&test),
        ["case 999", "case 1999", "case 2999", "case 3999"]
    );
    assert_eq!(mismatches(&check), mismatches(&test));
    let fixture_mismatches = check["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["rule"] == "fixture-mismatch")
        .count();
    assert_eq!(fixture_mismatches, 4);
}

#[test]
fn eval_input_refuses_a_policy_that_is_not_a_stella_ops_configuration() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("gait-policy.yaml"),
        "schema_id: gait.gate.policy\nschema_version: 1.0.0\ndefault_verdict: block\nrules:\n  - name: allow-read\n    effect: allow\n    match:\n      tool_names: [tool.read]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("empty.json"), "{}\n").unwrap();
    std::fs::write(
        dir.path().join("case.yaml"),
        "environment: production\nrequestedStatus: not_affected\n",
    )
    .unwrap();
    let gait = run(
        dir.path(),
        &[
            "eval",
            "--policy",
            "gait-policy.yaml",
            "--input",
            "case.yaml",
        ],
    );
    assert_eq!(gait.status.code(), Some(6), "{}", text(&gait));
    assert!(
        text(&gait).contains("`gait-policy.yaml` is a Gait policy, not a Stella Ops configuration"),
        "{}",
        text(&gait)
    );
    let empty = run(
        dir.path(),
        &["eval", "--policy", "empty.json", "--input", "case.yaml"],
    );
    assert_eq!(empty.status.code(), Some(6), "{}", text(&empty));
    assert!(
        text(&empty).contains("`empty.json` is not a policy-gate file"),
        "{}",
        text(&empty)
    );
    assert!(gait.stdout.is_empty() && empty.stdout.is_empty());
}

/// A repository whose suite names `reference`; `check` and `test` must refuse it at its line,
/// exit 6, return promptly, and never open it.
fn refused_reference(reference: &str, prepare: impl FnOnce(&Path), words: &str) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join("suites")).unwrap();
    git(&repo, &["init", "-q"]);
    std::fs::write(repo.join("policy.yaml"), policy("0.80")).unwrap();
    std::fs::write(repo.join("suites/s.fixtures.yaml"), suite(reference)).unwrap();
    prepare(&repo);
    for command in ["check", "test"] {
        let mut child = gatelint(&repo)
            .args([command, ".", "--format", "json"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // A FIFO opened for reading blocks until a writer comes: a run that opened it would
        // never end. Give it a generous bound and fail (not hang) if it is exceeded.
        let started = std::time::Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > Duration::from_secs(60) {
                child.kill().unwrap();
                panic!("`{command}` did not finish: it opened `{reference}`");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let output = child.wait_with_output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(6),
            "{command}: {}",
            text(&output)
        );
        let all = text(&output);
        assert!(all.contains(words), "{command}: {all}");
        assert!(
            !all.contains("root:x:"),
            "{command} quoted the target: {all}"
        );
        if command == "check" {
            let json = json_of(&output);
            let finding = first_finding(&json, "fixture-error");
            assert_eq!(finding["path"], "suites/s.fixtures.yaml");
            assert_eq!(finding["start"]["line"], 2, "{json:#}");
            assert_eq!(finding["start"]["column"], 9, "{json:#}");
        }
    }
}

#[test]
fn a_suite_reference_outside_the_repository_is_refused() {
    refused_reference(
        "../../outside.yaml",
        |repo| {
            std::fs::write(repo.join("../outside.yaml"), policy("0.80")).unwrap();
        },
        "outside the scanned roots",
    );
}

#[test]
fn an_absolute_suite_reference_outside_the_repository_is_refused() {
    refused_reference("/etc/passwd", |_| {}, "outside the scanned roots");
}

#[test]
fn a_symlinked_suite_reference_is_refused() {
    refused_reference(
        "../link.yaml",
        |repo| {
            std::os::unix::fs::symlink("/etc/passwd", repo.join("link.yaml")).unwrap();
        },
        "symbolic link",
    );
}

#[test]
fn a_fifo_suite_reference_is_refused_without_blocking() {
    refused_reference(
        "../pipe.yaml",
        |repo| {
            let made = Command::new("mkfifo")
                .arg(repo.join("pipe.yaml"))
                .status()
                .unwrap();
            assert!(made.success());
        },
        "is a FIFO, not a regular file",
    );
}

#[test]
fn a_device_suite_reference_is_refused() {
    refused_reference("/dev/zero", |_| {}, "outside the scanned roots");
}

#[test]
fn report_files_are_never_written_through_a_planted_link() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(repo.join("policy.yaml"), policy("0.80")).unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    // A link at the old fixed temporary name, and one at the destination itself.
    std::os::unix::fs::symlink(&victim, repo.join(".gatelint.sarif.gatelint-tmp")).unwrap();
    let output = run(
        &repo,
        &[
            "check",
            ".",
            "--format",
            "sarif",
            "--output",
            "gatelint.sarif",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    let written = std::fs::symlink_metadata(repo.join("gatelint.sarif")).unwrap();
    assert!(written.is_file());
    serde_json::from_slice::<serde_json::Value>(
        &std::fs::read(repo.join("gatelint.sarif")).unwrap(),
    )
    .unwrap();
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(&repo)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");

    std::os::unix::fs::symlink(&victim, repo.join("linked.sarif")).unwrap();
    let output = run(
        &repo,
        &[
            "check",
            ".",
            "--format",
            "sarif",
            "--output",
            "linked.sarif",
        ],
    );
    assert_eq!(output.status.code(), Some(6), "{}", text(&output));
    assert!(
        text(&output).contains("`linked.sarif` is a symbolic link"),
        "{}",
        text(&output)
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    assert!(
        std::fs::symlink_metadata(repo.join("linked.sarif"))
            .unwrap()
            .file_type()
            .is_symlink()
    );

    // A device (reached through the `/dev/stdout` link) is written to directly.
    let output = run(
        &repo,
        &["check", ".", "--format", "json", "--output", "/dev/stdout"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("\"command\": \"check\""));
}

#[test]
fn check_exits_6_when_the_baseline_at_a_git_ref_does_not_parse() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "-q"]);
    std::fs::create_dir_all(repo.join("config")).unwrap();
    std::fs::write(
        repo.join("config/appsettings.yaml"),
        "PolicyGates:\n  VexTrust:\n    Enabled: [true\n",
    )
    .unwrap();
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "broken"]);
    std::fs::write(repo.join("config/appsettings.yaml"), policy("0.80")).unwrap();
    git(repo, &["commit", "-q", "-am", "fixed"]);
    let output = run(repo, &["check", ".", "--baseline-ref", "HEAD~1"]);
    assert_eq!(output.status.code(), Some(6), "{}", text(&output));
    assert!(
        text(&output)
            .contains("the baseline at `HEAD~1` is invalid input: config/appsettings.yaml:4:1"),
        "{}",
        text(&output)
    );
    // Against a valid baseline the same check runs.
    let output = run(repo, &["check", ".", "--baseline-ref", "HEAD"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
}

/// The pre-commit form: `check FILE` on a staged policy also replays the suites elsewhere in
/// the repository that name it, and only those.
#[test]
fn check_on_a_named_policy_replays_the_suites_that_refer_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::git(root, &["init", "-q", "-b", "main"]);
    for sub in ["deploy", "other", "fixtures"] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
    }
    std::fs::write(root.join("deploy/appsettings.yaml"), policy("0.80")).unwrap();
    // Another policy whose suite fails: not reported when only deploy's policy is named.
    std::fs::write(root.join("other/appsettings.yaml"), policy("0.70")).unwrap();
    std::fs::write(
        root.join("fixtures/prod.fixtures.yaml"),
        suite("../deploy/appsettings.yaml"),
    )
    .unwrap();
    std::fs::write(
        root.join("fixtures/other.fixtures.yaml"),
        suite("../other/appsettings.yaml"),
    )
    .unwrap();

    let output = run(
        root,
        &["check", "--format", "json", "deploy/appsettings.yaml"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));

    // The staged change loosens production: the suite that names the policy now disagrees.
    std::fs::write(root.join("deploy/appsettings.yaml"), policy("0.70")).unwrap();
    let output = run(
        root,
        &["check", "--format", "json", "deploy/appsettings.yaml"],
    );
    assert_eq!(output.status.code(), Some(5), "{}", text(&output));
    let json = json_of(&output);
    let mismatch = first_finding(&json, "fixture-mismatch");
    assert_eq!(mismatch["path"], "fixtures/prod.fixtures.yaml", "{json:#}");
    assert_eq!(mismatch["start"]["line"], 4, "{json:#}");
    let paths: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|finding| finding["path"].as_str())
        .collect();
    assert!(!paths.iter().any(|path| path.contains("other")), "{json:#}");
}

/// `check --shard K/N`: each finding on the files appears in one shard's report (shard 1),
/// each case's mismatch in the shard that replays it, and no shard gives coverage advice.
#[test]
fn shards_report_each_finding_once_and_no_partial_coverage() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let typo = policy("0.80").replace(
        "        MinCompositeScore: 0.60\n",
        "        MinCompositeScore: 0.60\n        MinAcuracyRate: 0.5\n",
    );
    std::fs::write(root.join("appsettings.yaml"), typo).unwrap();
    let mut suite = "kind: gatelint.fixtures/v1\npolicy: appsettings.yaml\ndefaults: {environment: production, requestedStatus: not_affected, vexTrust: {signatureVerified: true, freshness: fresh}}\ncases:\n".to_owned();
    for index in 0..12 {
        // Case 7 expects the wrong verdict.
        let verdict = if index == 7 { "Blocked" } else { "Pass" };
        suite.push_str(&format!(
            "  - name: case {index}\n    input: {{vexTrust: {{trustScore: 0.9}}}}\n    expect: {{verdict: {verdict}}}\n"
        ));
    }
    std::fs::write(root.join("prod.fixtures.yaml"), suite).unwrap();

    let whole = json_of(&run(root, &["check", "--format", "json", "."]));
    let rules_of = |json: &serde_json::Value| -> Vec<String> {
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|finding| finding["rule"].as_str().unwrap().to_owned())
            .collect()
    };
    let whole_rules = rules_of(&whole);
    assert!(
        whole_rules.iter().any(|rule| rule == "unknown-key"),
        "{whole:#}"
    );
    assert!(
        whole_rules
            .iter()
            .any(|rule| rule == "environment-not-exercised"),
        "{whole:#}"
    );
    let mut merged = Vec::new();
    for shard in ["1/3", "2/3", "3/3"] {
        let json = json_of(&run(
            root,
            &["check", "--shard", shard, "--format", "json", "."],
        ));
        let rules = rules_of(&json);
        assert!(
            !rules.iter().any(|rule| rule.ends_with("-not-exercised")),
            "shard {shard}: {json:#}"
        );
        merged.extend(rules);
    }
    let count = |rules: &[String], id: &str| rules.iter().filter(|rule| *rule == id).count();
    assert_eq!(
        count(&merged, "unknown-key"),
        count(&whole_rules, "unknown-key")
    );
    assert_eq!(count(&merged, "fixture-mismatch"), 1, "{merged:?}");
    let not_coverage: Vec<&String> = whole_rules
        .iter()
        .filter(|rule| !rule.ends_with("-not-exercised"))
        .collect();
    assert_eq!(
        merged.len(),
        not_coverage.len(),
        "{merged:?} vs {whole_rules:?}"
    );
}

/// Same verdict for another reason is `verdict-rule-changed`, never `verdict-tightened`.
#[test]
fn same_verdict_for_other_reasons_is_a_rule_change() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::git(root, &["init", "-q", "-b", "main"]);
    std::fs::write(root.join("appsettings.yaml"), policy("0.80")).unwrap();
    let suite = "kind: gatelint.fixtures/v1\npolicy: appsettings.yaml\ncases:\n  - name: stale and low\n    input: {environment: production, requestedStatus: not_affected, vexTrust: {trustScore: 0.75, signatureVerified: true, freshness: stale}}\n    expect: {verdict: Blocked}\n";
    std::fs::write(root.join("prod.fixtures.yaml"), suite).unwrap();
    common::git(root, &["add", "."]);
    common::git(root, &["commit", "-q", "-m", "baseline"]);
    // The score now passes; freshness alone still blocks.
    std::fs::write(root.join("appsettings.yaml"), policy("0.70")).unwrap();
    let output = run(
        root,
        &["check", "--baseline-ref", "HEAD", "--format", "json", "."],
    );
    let json = json_of(&output);
    let changed = first_finding(&json, "verdict-rule-changed");
    assert_eq!(changed["path"], "prod.fixtures.yaml", "{json:#}");
    assert_eq!(changed["start"]["line"], 4, "{json:#}");
    assert!(
        !json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|finding| finding["rule"] == "verdict-tightened"),
        "{json:#}"
    );
}

/// A policy with a misspelt key (`MinAcuracyRate`, invalid input) that also loosens production
/// below the suite's expectation (a fixture regression).
fn typo_and_regression() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let typo = policy("0.70").replace(
        "        MinCompositeScore: 0.60\n",
        "        MinCompositeScore: 0.60\n        MinAcuracyRate: 0.5\n",
    );
    std::fs::write(dir.path().join("appsettings.yaml"), typo).unwrap();
    std::fs::write(
        dir.path().join("prod.fixtures.yaml"),
        suite("appsettings.yaml"),
    )
    .unwrap();
    dir
}

/// The human report ends with the exit code and every reason behind it.
#[test]
fn the_last_human_line_names_the_exit_code_and_every_reason() {
    let dir = typo_and_regression();
    let root = dir.path();
    let output = run(root, &["check", "--color", "never", "."]);
    assert_eq!(output.status.code(), Some(6), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout.lines().last(),
        Some(
            "exit 6: 1 file is invalid input (unknown-key); also 1 regression (fixture-mismatch), which alone would exit 5"
        ),
        "{stdout}"
    );
    let output = run(root, &["check", "--color", "never", "--exit-zero", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout
            .lines()
            .last()
            .is_some_and(|line| line.starts_with("exit 0 (`--exit-zero`); without it: exit 6: ")),
        "{stdout}"
    );
}

/// A misspelt key in a case input is an `unknown-key` at its line, with a suggestion, not a
/// confusing verdict mismatch.
#[test]
fn a_misspelt_case_input_key_is_reported_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("appsettings.yaml"), policy("0.80")).unwrap();
    let suite = "kind: gatelint.fixtures/v1\npolicy: appsettings.yaml\ncases:\n  - name: typo\n    input: {environment: production, requestedStatus: not_affected, vexTrsut: {trustScore: 0.9}}\n    expect: {verdict: Pass}\n";
    std::fs::write(root.join("prod.fixtures.yaml"), suite).unwrap();
    let output = run(root, &["check", "--format", "json", "."]);
    assert_eq!(output.status.code(), Some(6), "{}", text(&output));
    let json = json_of(&output);
    let finding = first_finding(&json, "unknown-key");
    assert_eq!(finding["path"], "prod.fixtures.yaml", "{json:#}");
    assert_eq!(finding["start"]["line"], 5, "{json:#}");
    assert_eq!(finding["start"]["column"], 69, "{json:#}");
    assert!(
        finding.to_string().contains("vexTrust"),
        "no suggestion: {json:#}"
    );
}

/// Coverage advice sits on the key that configures what no case exercises, in the file that
/// holds it, not at `1:1` of every file of a layered policy.
#[test]
fn coverage_advice_points_at_the_configuring_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata/eval/stellaops/policies/determinization.json"),
        root.join("determinization.json"),
    )
    .unwrap();
    std::fs::write(
        root.join("appsettings.yaml"),
        "PolicyGates:\n  VexTrust:\n    Enabled: true\n    TenantOverrides:\n      acme:\n        production:\n          MinCompositeScore: 0.9\n",
    )
    .unwrap();
    std::fs::write(
        root.join("a.fixtures.yaml"),
        "kind: gatelint.fixtures/v1\npolicy: appsettings.yaml\ndeterminization: determinization.json\ncases:\n  - name: a\n    input: {environment: production, requestedStatus: not_affected, vexTrust: {trustScore: 0.95, signatureVerified: true, freshness: fresh}}\n    expect: {verdict: Pass}\n",
    )
    .unwrap();
    let json = json_of(&run(root, &["check", "--format", "json", "."]));
    let placed: Vec<(String, String, u64)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| {
            finding["rule"]
                .as_str()
                .is_some_and(|rule| rule.ends_with("-not-exercised"))
        })
        .map(|finding| {
            (
                finding["rule"].as_str().unwrap().to_owned(),
                finding["path"].as_str().unwrap().to_owned(),
                finding["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        placed,
        vec![
            (
                "tenant-not-exercised".to_owned(),
                "appsettings.yaml".to_owned(),
                5
            ),
            (
                "gate-not-exercised".to_owned(),
                "determinization.json".to_owned(),
                1
            ),
        ],
        "{json:#}"
    );
}

/// The job summary's headline leads with the regression, not the input error that decides the
/// exit code, and never says "passed" above errors.
#[test]
fn the_job_summary_headline_leads_with_the_news() {
    let dir = typo_and_regression();
    let root = dir.path();
    let output = run(root, &["check", "--format", "markdown", "."]);
    assert_eq!(output.status.code(), Some(6), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout.lines().next(),
        Some("## ❌ gatelint check: 1 fixture regression; invalid input (1 error)"),
        "{stdout}"
    );
    let output = run(root, &["check", "--format", "markdown", "--exit-zero", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let first = stdout.lines().next().unwrap_or_default();
    assert!(!first.contains("passed"), "{stdout}");
    assert!(first.ends_with("(not failing: `--exit-zero`)"), "{stdout}");
}

/// A `[stellaops]` value gatelint cannot take fails the run instead of falling back.
#[test]
fn an_unusable_semantics_setting_is_invalid_input() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("appsettings.yaml"), policy("0.80")).unwrap();
    std::fs::write(
        root.join("gatelint.toml"),
        "[stellaops]\ndefault_environment_failure_action = \"Blok\"\n",
    )
    .unwrap();
    let output = run(root, &["check", "."]);
    assert_eq!(output.status.code(), Some(6), "{}", text(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("gatelint.toml"), "{stderr}");
    assert!(stderr.contains("unknown variant `Blok`"), "{stderr}");
}

/// A suite without a case, and a suite that is invalid input, are the same finding with the
/// same exit in `validate`, `check` and `test`.
#[test]
fn an_empty_or_invalid_suite_fails_every_command_alike() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("policy.yaml"), policy("0.80")).unwrap();
    let cases = [
        (
            "empty.fixtures.yaml",
            "kind: gatelint.fixtures/v1\npolicy: policy.yaml\ncases: []\n".to_owned(),
            "fixture-suite-empty",
            3,
        ),
        (
            "empty.fixtures.jsonl",
            "{\"kind\": \"gatelint.fixtures/v1\", \"policy\": \"policy.yaml\"}\n\n".to_owned(),
            "fixture-suite-empty",
            1,
        ),
        (
            "typo.fixtures.yaml",
            format!("kind: gatelint.fixtures/v1\npolicy: policy.yaml\ncasez: []\n{CASES}"),
            "unknown-key",
            3,
        ),
    ];
    for (name, contents, rule, line) in cases {
        let suite_dir = dir.path().join(name.replace('.', "-"));
        std::fs::create_dir(&suite_dir).unwrap();
        std::fs::write(suite_dir.join("policy.yaml"), policy("0.80")).unwrap();
        std::fs::write(suite_dir.join(name), contents).unwrap();
        for command in ["validate", "check", "test"] {
            let output = run(&suite_dir, &[command, name, "--format", "json"]);
            assert_eq!(
                output.status.code(),
                Some(6),
                "{command} {name}: {}",
                text(&output)
            );
            let json = json_of(&output);
            let finding = first_finding(&json, rule);
            assert_eq!(finding["path"], name, "{command}: {finding}");
            assert_eq!(finding["start"]["line"], line, "{command}: {finding}");
        }
    }
}
