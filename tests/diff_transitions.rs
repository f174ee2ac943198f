//! `gatelint diff` runs the transition rules of `check --baseline-ref`, collapses and caps its
//! boundary regions, and reads `--baseline REV` from git; the transition rules point at the
//! value that changed; the verdict diff compares only what a gate decides. Each test runs the
//! real binary, on temp files or on a repository built with the real `git`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

mod common;
use common::{git, write};

use std::path::Path;
use std::process::Output;

/// The binary in `dir` (a scrubbed environment; git reads no user or system config).
fn run(dir: &Path, args: &[&str]) -> Output {
    common::gatelint(dir)
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn both(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn json_of(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("{error}: {}", both(output)))
}

/// The JSON report of the binary run with `args` in `dir`.
fn report(dir: &Path, args: &[&str]) -> serde_json::Value {
    json_of(&run(dir, &[args, &["--format", "json"]].concat()))
}

/// `diff --baseline B --candidate C` and `extra` in `dir`.
fn diff(dir: &Path, baseline: &str, candidate: &str, extra: &[&str]) -> Output {
    let args = ["diff", "--baseline", baseline, "--candidate", candidate];
    run(dir, &[&args[..], extra].concat())
}

/// The findings of `rule` in a JSON report, as `path:line:column message`.
fn located(json: &serde_json::Value, rule: &str) -> Vec<String> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["rule"] == rule)
        .map(|finding| {
            format!(
                "{}:{}:{} {}",
                finding["path"].as_str().unwrap(),
                finding["start"]["line"],
                finding["start"]["column"],
                finding["message"].as_str().unwrap()
            )
        })
        .collect()
}

/// Initialises a repository in `dir` and commits everything in it.
fn commit_all(dir: &Path, message: &str) {
    if !dir.join(".git").exists() {
        git(dir, &["init", "-q", "-b", "main"]);
    }
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", message]);
}

const DISABLED: &str = "PolicyGates:\n  VexTrust:\n    Enabled: false\n";
const BLOCK: &str = "PolicyGates:\n  VexTrust:\n    Enabled: true\n    Thresholds:\n      production:\n        MinCompositeScore: 0.80\n        FailureAction: Block\n";

/// The human report's boundary-region lines.
fn region_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|line| line.trim_start().contains(" region "))
        .collect()
}

#[test]
fn a_file_pair_diff_runs_the_transition_rules_at_the_changed_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "old.yaml", DISABLED);
    write(root, "new.yaml", BLOCK);
    let output = diff(root, "old.yaml", "new.yaml", &[]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(3), "{}", both(&output));
    assert!(text.contains("error[shadow-phase-skipped]"), "{text}");
    assert!(text.contains("--> new.yaml:7:24"), "{text}");
    assert!(
        text.contains("VexTrust goes to `Block` in production without a shadow phase"),
        "{text}"
    );
    assert!(text.contains("error[gate-enabled-blocking]"), "{text}");
    assert!(text.contains("--> new.yaml:3:14"), "{text}");
    // The diff reports the transition, not the candidate's own lint (that is `check`'s).
    assert!(!text.contains("warning["), "{text}");
    // The summary counts the candidate file, and the last line names the exit and why.
    assert!(text.contains("2 errors in 1 file"), "{text}");
    assert_eq!(
        text.lines().last(),
        Some(
            "exit 3: 2 findings at or above `error` (gate-enabled-blocking, shadow-phase-skipped)"
        ),
        "{text}"
    );
    // JSON and SARIF carry the same findings at the same place.
    let json = json_of(&diff(root, "old.yaml", "new.yaml", &["--format", "json"]));
    assert_eq!(
        located(&json, "shadow-phase-skipped"),
        [
            "new.yaml:7:24 VexTrust goes to `Block` in production without a shadow phase: the baseline had the gate disabled"
        ]
    );
    let sarif = stdout(&diff(root, "old.yaml", "new.yaml", &["--format", "sarif"]));
    assert!(
        sarif.contains("\"ruleId\": \"shadow-phase-skipped\""),
        "{sarif}"
    );
    // A careful step (the baseline warned first) raises nothing.
    write(
        root,
        "old.yaml",
        &BLOCK.replace("FailureAction: Block", "FailureAction: Warn"),
    );
    let output = diff(root, "old.yaml", "new.yaml", &[]);
    assert_eq!(output.status.code(), Some(0), "{}", both(&output));
    assert!(!stdout(&output).contains("error["), "{}", both(&output));
}

#[test]
fn a_suppression_in_the_candidate_silences_a_transition_finding() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "old.yaml", DISABLED);
    write(
        root,
        "new.yaml",
        &BLOCK.replace(
            "FailureAction: Block",
            "FailureAction: Block # gatelint: ignore[shadow-phase-skipped] measured elsewhere",
        ),
    );
    let json = json_of(&diff(root, "old.yaml", "new.yaml", &["--format", "json"]));
    assert!(
        located(&json, "shadow-phase-skipped").is_empty(),
        "{json:#}"
    );
    assert_eq!(located(&json, "gate-enabled-blocking").len(), 1, "{json:#}");
}

/// The VexTrust guide's phases, from the shared corpus (skipped when it is absent).
fn rollout_phase(name: &str) -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/stellaops/rollout")
        .join(name);
    std::fs::read_to_string(&path)
        .map_err(|_| eprintln!("note: {} is absent; skipping", path.display()))
        .ok()
}

#[test]
fn skipping_the_guides_shadow_phase_is_an_error_and_its_regions_are_collapsed() {
    let (Some(phase1), Some(phase4)) = (
        rollout_phase("phase1-feature-flag.yaml"),
        rollout_phase("phase4-production-enforcement.yaml"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "phase1.yaml", &phase1);
    write(root, "phase4.yaml", &phase4);
    let args = [
        "diff",
        "--baseline",
        "phase1.yaml",
        "--candidate",
        "phase4.yaml",
    ];
    let output = run(root, &args);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(3), "{}", both(&output));
    assert!(text.contains("error[shadow-phase-skipped]"), "{text}");
    assert!(text.contains("--> phase4.yaml:11:24"), "{text}");
    // 678 cells of the input space, said in a handful of regions.
    let regions = region_lines(&text);
    assert!(
        !regions.is_empty() && regions.len() <= 20,
        "{} region lines:\n{text}",
        regions.len()
    );
    assert!(
        regions.iter().any(|line| line.contains(
            "VexTrust: production, any status but affected, freshness fresh, issuer verified true, accuracy in [0.85, 1.0], trustScore in [0.0, 0.8): Pass → Blocked"
        )),
        "{text}"
    );
    let json = report(root, &args);
    assert_eq!(
        json["diff"]["regions"].as_array().unwrap().len(),
        regions.len(),
        "{json:#}"
    );
}

#[test]
fn more_than_twenty_regions_are_cut_in_the_human_report_and_kept_in_json() {
    // Twelve environments, each going from disabled to blocking below its own minimum: every
    // environment is a region of its own at least, and more than 20 in all.
    let mut candidate =
        "PolicyGates:\n  VexTrust:\n    Enabled: true\n    Thresholds:\n".to_owned();
    for index in 0..12 {
        candidate.push_str(&format!(
            "      env{index:02}:\n        MinCompositeScore: 0.{}5\n        FailureAction: Block\n",
            index % 9 + 1
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "old.yaml", DISABLED);
    write(root, "new.yaml", &candidate);
    let args = ["diff", "--baseline", "old.yaml", "--candidate", "new.yaml"];
    let json = report(root, &args);
    let total = json["diff"]["regions"].as_array().unwrap().len();
    assert!(total > 20, "{total} regions: {json:#}");
    let text = stdout(&run(root, &args));
    assert_eq!(region_lines(&text).len(), 20, "{text}");
    let note = format!(
        "  … {} more regions not shown (the JSON and SARIF reports list all)",
        total - 20
    );
    assert!(text.lines().any(|line| line == note), "{note}\n{text}");
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&run(
        root,
        &[&args[..], &["--format", "sarif"]].concat(),
    )))
    .unwrap();
    assert_eq!(
        sarif["runs"][0]["properties"]["regions"]
            .as_array()
            .map(Vec::len),
        Some(total),
        "{sarif:#}"
    );
}

#[test]
fn a_disallowed_region_is_named_on_the_exit_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "old.yaml", BLOCK);
    write(
        root,
        "new.yaml",
        &BLOCK.replace("MinCompositeScore: 0.80", "MinCompositeScore: 0.70"),
    );
    let output = diff(root, "old.yaml", "new.yaml", &[]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(5), "{}", both(&output));
    assert!(
        text.contains("error[production-threshold-loosened]"),
        "{text}"
    );
    assert!(text.contains("--> new.yaml:6:28"), "{text}");
    assert!(
        text.lines().last().is_some_and(|line| line.starts_with(
            "exit 5: 1 boundary region with a verdict change `[diff] fail-on = \"loosening-production\"` disallows"
        )),
        "{text}"
    );
}

#[test]
fn baseline_names_a_git_revision_when_no_such_path_exists() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "config/appsettings.yaml", DISABLED);
    commit_all(root, "feature flag");
    write(root, "config/appsettings.yaml", BLOCK);
    for candidate in ["config/appsettings.yaml", "config"] {
        let args = ["diff", "--baseline", "main", "--candidate", candidate];
        let output = run(root, &args);
        let text = stdout(&output);
        assert_eq!(
            output.status.code(),
            Some(3),
            "{candidate}: {}",
            both(&output)
        );
        assert!(text.contains("error[shadow-phase-skipped]"), "{text}");
        // A tree names its files from its root, as the tree diff always has.
        let shown = if candidate == "config" {
            "appsettings.yaml"
        } else {
            "config/appsettings.yaml"
        };
        assert!(text.contains(&format!("--> {shown}:7:24")), "{text}");
        assert!(
            text.contains("note: baseline `main` is not a path: the candidate's files are read as they are at the git revision `main` (commit "),
            "{text}"
        );
        let json = report(root, &args);
        assert_eq!(json["diff"]["baseline"], "git:main", "{json:#}");
    }
    // From outside the repository, the candidate's repository is the one read.
    let elsewhere = tempfile::tempdir().unwrap();
    let candidate = root.join("config/appsettings.yaml");
    let output = diff(elsewhere.path(), "HEAD", candidate.to_str().unwrap(), &[]);
    assert_eq!(output.status.code(), Some(3), "{}", both(&output));
    assert!(
        stdout(&output).contains("error[shadow-phase-skipped]"),
        "{}",
        both(&output)
    );
    // A name that is neither a path nor a revision says both.
    let output = diff(root, "mian", "config/appsettings.yaml", &[]);
    assert_eq!(output.status.code(), Some(6), "{}", both(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("path `mian` does not exist"), "{stderr}");
    assert!(
        stderr.contains("baseline ref `mian` is not a commit"),
        "{stderr}"
    );
    // An existing path is still a path.
    write(root, "main", DISABLED);
    let json = json_of(&diff(
        root,
        "main",
        "config/appsettings.yaml",
        &["--format", "json"],
    ));
    assert_eq!(json["diff"]["baseline"], "main", "{json:#}");
}

#[test]
fn a_baseline_revision_replays_the_fixtures_against_that_revision() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "appsettings.yaml", BLOCK);
    write(
        root,
        "prod.fixtures.yaml",
        "kind: gatelint.fixtures/v1\npolicy: appsettings.yaml\ncases:\n  - name: trust 0.75\n    input: {environment: production, requestedStatus: not_affected, vexTrust: {trustScore: 0.75, signatureVerified: true, issuerVerified: true, freshness: fresh}}\n    expect: {verdict: Blocked}\n",
    );
    commit_all(root, "blocking");
    write(
        root,
        "appsettings.yaml",
        &BLOCK.replace("MinCompositeScore: 0.80", "MinCompositeScore: 0.70"),
    );
    let output = diff(
        root,
        "HEAD",
        "appsettings.yaml",
        &["--fixtures", "prod.fixtures.yaml", "--format", "json"],
    );
    assert_eq!(output.status.code(), Some(5), "{}", both(&output));
    let json = json_of(&output);
    assert_eq!(json["changed"][0]["case"], "trust 0.75", "{json:#}");
    assert_eq!(json["changed"][0]["baseline"]["verdict"], "Blocked");
    assert_eq!(json["changed"][0]["candidate"]["verdict"], "Pass");
    assert_eq!(
        located(&json, "verdict-loosened"),
        ["prod.fixtures.yaml:4:5 case `trust 0.75` (production): Blocked → Pass (loosening)"]
    );
}

const GAIT: &str = "schema_id: gait.gate.policy\nschema_version: 1.0.0\ndefault_verdict: block\nfail_closed:\n  enabled: true\n  risk_classes: [critical, high]\n  required_fields: [targets, arg_provenance]\nrules:\n  - name: block-deletes\n    priority: 10\n    effect: block\n    match:\n      tool_names: [tool.delete]\n  - name: writes-need-approval\n    priority: 20\n    effect: require_approval\n    match:\n      tool_names: [tool.write]\n  - name: observe-reads\n    priority: 30\n    effect: allow\n    match:\n      tool_names: [tool.read]\n";

/// A repository whose `policy.yaml` is committed as [`GAIT`], then edited to `candidate`; the
/// JSON report of `check --baseline-ref HEAD` there.
fn gait_change(candidate: &str) -> (tempfile::TempDir, serde_json::Value, Option<i32>) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "policy.yaml", GAIT);
    commit_all(dir.path(), "baseline");
    write(dir.path(), "policy.yaml", candidate);
    let output = run(
        dir.path(),
        &["check", "--baseline-ref", "HEAD", "--format", "json", "."],
    );
    let code = output.status.code();
    (dir, json_of(&output), code)
}

#[test]
fn disabling_or_narrowing_fail_closed_is_reported_at_the_changed_line() {
    // No rule selects a risk class, so `gait-fail-closed-disabled` has nothing to say.
    let (_dir, json, code) = gait_change(&GAIT.replace("  enabled: true", "  enabled: false"));
    assert_eq!(code, Some(3), "{json:#}");
    assert_eq!(
        located(&json, "gait-fail-closed-relaxed"),
        [
            "policy.yaml:5:12 fail-closed is disabled (baseline: enabled for risk classes `critical`, `high`)"
        ]
    );
    assert!(
        located(&json, "gait-fail-closed-disabled").is_empty(),
        "{json:#}"
    );
    let narrowed = GAIT
        .replace("risk_classes: [critical, high]", "risk_classes: [critical]")
        .replace("[targets, arg_provenance]", "[targets]");
    let (_dir, json, code) = gait_change(&narrowed);
    assert_eq!(code, Some(3), "{json:#}");
    assert_eq!(
        located(&json, "gait-fail-closed-relaxed"),
        [
            "policy.yaml:6:17 fail-closed no longer covers risk classes `high` (baseline `risk_classes`: `critical`, `high`)",
            "policy.yaml:7:20 fail-closed no longer requires fields `arg_provenance` (baseline `required_fields`: `arg_provenance`, `targets`)",
        ]
    );
    // Removing the block is disabling it: reported at the policy's first key.
    let removed = GAIT.replace(
        "fail_closed:\n  enabled: true\n  risk_classes: [critical, high]\n  required_fields: [targets, arg_provenance]\n",
        "",
    );
    let (_dir, json, _) = gait_change(&removed);
    assert_eq!(
        located(&json, "gait-fail-closed-relaxed"),
        [
            "policy.yaml:1:1 fail-closed is disabled (baseline: enabled for risk classes `critical`, `high`)"
        ]
    );
}

#[test]
fn a_new_catch_all_rule_is_reported_at_its_own_line() {
    let catch_all = GAIT.replace(
        "rules:\n",
        "rules:\n  - name: allow-everything\n    priority: 1\n    effect: allow\n    match: {}\n",
    );
    let (_dir, json, code) = gait_change(&catch_all);
    assert_eq!(code, Some(3), "{json:#}");
    assert_eq!(
        located(&json, "gait-catch-all-rule-added"),
        [
            "policy.yaml:9:11 rule `allow-everything` (priority 1) matches every intent: it decides `allow` for every intent no earlier tier decides, so 3 rules of later tiers and `default_verdict` no longer apply (default: `block`)"
        ]
    );
    let finding = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["rule"] == "gait-catch-all-rule-added")
        .unwrap();
    assert_eq!(finding["severity"], "error", "{json:#}");
    // The rules it silences are reported too, each on its own line.
    assert_eq!(located(&json, "gait-shadowed-rule").len(), 3, "{json:#}");
}

#[test]
fn gait_transition_rules_point_at_the_effect_that_changed() {
    let relaxed = GAIT.replace(
        "    priority: 10\n    effect: block\n",
        "    priority: 10\n    effect: allow\n",
    );
    let (_dir, json, code) = gait_change(&relaxed);
    assert_eq!(code, Some(3), "{json:#}");
    assert_eq!(
        located(&json, "gait-destructive-tool-relaxed"),
        [
            "policy.yaml:11:13 destructive rule `block-deletes` relaxed to `allow` (baseline: `block`)"
        ]
    );
    let enforced = GAIT.replace(
        "    priority: 30\n    effect: allow\n",
        "    priority: 30\n    effect: block\n",
    );
    let (_dir, json, _) = gait_change(&enforced);
    assert_eq!(
        located(&json, "gait-enforce-without-dry-run"),
        [
            "policy.yaml:21:13 rule `observe-reads` goes from `allow` (observe) to `block` without a `dry_run` stage (baseline effect: `allow`)"
        ]
    );
}

#[test]
fn a_pass_that_only_another_gate_saw_last_is_not_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "appsettings.yaml", BLOCK);
    write(
        root,
        "prod.fixtures.yaml",
        "kind: gatelint.fixtures/v1\npolicy: appsettings.yaml\ncases:\n  - name: trusted\n    input: {environment: production, requestedStatus: not_affected, vexTrust: {trustScore: 0.9, signatureVerified: true, issuerVerified: true, freshness: fresh}}\n    expect: {verdict: Pass}\n",
    );
    commit_all(root, "baseline");
    // ExecutionEvidence now runs after VexTrust and passes too: the last gate that ran moves,
    // but no gate decides a `Pass`.
    write(
        root,
        "appsettings.yaml",
        &format!(
            "{BLOCK}  ExecutionEvidence:\n    Enabled: true\n    RequiredEnvironments: [staging]\n    MissingEvidenceAction: Warn\n"
        ),
    );
    let output = run(
        root,
        &["check", "--baseline-ref", "HEAD", "--format", "json", "."],
    );
    let json = json_of(&output);
    assert_eq!(json["changed"].as_array().unwrap().len(), 0, "{json:#}");
    for rule in [
        "verdict-tightened",
        "verdict-rule-changed",
        "verdict-loosened",
    ] {
        assert!(located(&json, rule).is_empty(), "{rule}: {json:#}");
    }
    // The same pair as a file diff, against the committed version.
    let output = diff(
        root,
        "HEAD",
        "appsettings.yaml",
        &["--fixtures", "prod.fixtures.yaml", "--format", "json"],
    );
    let json = json_of(&output);
    assert_eq!(json["changed"].as_array().unwrap().len(), 0, "{json:#}");
}

#[test]
fn an_allow_decided_by_another_rule_is_a_rule_change_not_a_tightening() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "old.yaml", GAIT);
    // Reads are now allowed by a rule of another name: same verdict, another rule.
    write(
        root,
        "new.yaml",
        &GAIT.replace("name: observe-reads", "name: allow-reads"),
    );
    write(
        root,
        "read.json",
        r#"{"schema_id": "gait.gate.intent_request", "schema_version": "1.0.0", "created_at": "2026-01-01T00:00:00Z", "producer_version": "test", "tool_name": "tool.read", "args": {"path": "/workspace/a"}, "targets": [{"kind": "path", "value": "/workspace/a", "operation": "read", "endpoint_class": "fs.read"}], "arg_provenance": [{"arg_path": "$.path", "source": "user"}], "context": {"identity": "ci", "workspace": "/workspace", "risk_class": "low"}}"#,
    );
    let output = diff(
        root,
        "old.yaml",
        "new.yaml",
        &["--fixtures", "read.json", "--format", "json"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", both(&output));
    let json = json_of(&output);
    assert_eq!(json["changed"][0]["direction"], "neutral", "{json:#}");
    assert_eq!(json["changed"][0]["baseline"]["verdict"], "allow");
    assert_eq!(json["changed"][0]["candidate"]["rule"], "allow-reads");
    assert_eq!(
        located(&json, "verdict-rule-changed"),
        ["read.json:1:1 case `read.json` (-): allow → allow (neutral)"]
    );
    assert!(located(&json, "verdict-tightened").is_empty(), "{json:#}");
}
