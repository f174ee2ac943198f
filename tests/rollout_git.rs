//! `check --baseline-ref`: a repository with two commits, read with the real `git`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

mod common;
use common::{checkout_clone, git};

use std::path::Path;
use std::process::Command;

fn repo(baseline: &str, candidate: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    std::fs::create_dir_all(root.join("config")).unwrap();
    std::fs::write(root.join("config/appsettings.yaml"), baseline).unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "baseline"]);
    std::fs::write(root.join("config/appsettings.yaml"), candidate).unwrap();
    git(root, &["commit", "-q", "-am", "candidate"]);
    dir
}

fn check(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_gatelint"))
        .current_dir(dir)
        .arg("check")
        .args(args)
        .args(["--color", "never"])
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const DISABLED: &str = "PolicyGates:\n  VexTrust:\n    Enabled: false\n";
const SHADOW: &str = "PolicyGates:\n  VexTrust:\n    Enabled: true\n    Thresholds:\n      production:\n        MinCompositeScore: 0.80\n        FailureAction: Warn\n      staging:\n        MinCompositeScore: 0.60\n        FailureAction: Warn\n      development:\n        MinCompositeScore: 0.40\n        FailureAction: Warn\n      default:\n        FailureAction: Warn\n    MissingTrustBehavior: Warn\n";
const BLOCK: &str = "PolicyGates:\n  VexTrust:\n    Enabled: true\n    Thresholds:\n      production:\n        MinCompositeScore: 0.80\n        FailureAction: Block\n";

#[test]
fn skipped_shadow_phase_is_reported_at_its_line() {
    let dir = repo(DISABLED, BLOCK);
    let (code, stdout, stderr) = check(dir.path(), &["--baseline-ref", "HEAD~1", "."]);
    assert_eq!(code, 3, "{stdout}{stderr}");
    assert!(stdout.contains("error[shadow-phase-skipped]"), "{stdout}");
    assert!(stdout.contains("config/appsettings.yaml:7:24"), "{stdout}");
    // Without a baseline the transition rules are silent.
    let (_, stdout, _) = check(dir.path(), &["."]);
    assert!(!stdout.contains("shadow-phase-skipped"), "{stdout}");
}

#[test]
fn careful_change_raises_no_error() {
    let dir = repo(DISABLED, SHADOW);
    let (code, stdout, stderr) = check(dir.path(), &["--baseline-ref", "HEAD~1", "."]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(!stdout.contains("error["), "{stdout}");
    // Shadow phase, then blocking production: no error either.
    let dir = repo(SHADOW, BLOCK);
    let (code, stdout, stderr) = check(dir.path(), &["--baseline-ref", "HEAD~1", "."]);
    assert_eq!(code, 0, "{stdout}{stderr}");
}

#[test]
fn missing_baseline_commit_is_invalid_input() {
    let dir = repo(DISABLED, BLOCK);
    let (code, _, stderr) = check(
        dir.path(),
        &[
            "--baseline-ref",
            "0000000000000000000000000000000000000000",
            ".",
        ],
    );
    assert_eq!(code, 6, "{stderr}");
    assert!(stderr.contains("is not a commit in this clone"), "{stderr}");
    let (code, _, _) = check(dir.path(), &["--baseline-ref", "--upload-pack=evil", "."]);
    assert_eq!(code, 6);
}

#[test]
fn shallow_clone_with_the_commit_works() {
    let dir = repo(DISABLED, BLOCK);
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", dir.path().display());
    git(clone.path(), &["clone", "-q", "--depth=2", &url, "c"]);
    let (code, stdout, stderr) = check(&clone.path().join("c"), &["--baseline-ref", "HEAD~1", "."]);
    assert_eq!(code, 3, "{stdout}{stderr}");
    assert!(stdout.contains("shadow-phase-skipped"));
    let shallow = tempfile::tempdir().unwrap();
    git(shallow.path(), &["clone", "-q", "--depth=1", &url, "c"]);
    let (code, _, stderr) = check(
        &shallow.path().join("c"),
        &["--baseline-ref", "HEAD~1", "."],
    );
    assert_eq!(code, 6, "{stderr}");
}

#[test]
fn baseline_ref_names_a_remote_tracking_branch_as_checkout_guesses() {
    let dir = repo(DISABLED, BLOCK);
    git(dir.path(), &["branch", "production", "HEAD~1"]);
    let clone = checkout_clone(dir.path(), &["origin"]);
    let (code, stdout, stderr) = check(clone.path(), &["--baseline-ref", "production", "."]);
    assert_eq!(code, 3, "{stdout}{stderr}");
    assert!(stdout.contains("error[shadow-phase-skipped]"), "{stdout}");
    assert!(
        stdout.contains(
            "baseline ref `production` is the remote-tracking branch `origin/production`"
        ),
        "{stdout}"
    );
    // A name that is a local branch or tag resolves as itself, with no note.
    git(dir.path(), &["tag", "v1", "HEAD~1"]);
    let (code, stdout, _) = check(dir.path(), &["--baseline-ref", "v1", "."]);
    assert_eq!(code, 3, "{stdout}");
    assert!(!stdout.contains("remote-tracking"), "{stdout}");
}

#[test]
fn baseline_ref_on_two_remotes_is_ambiguous() {
    let dir = repo(DISABLED, BLOCK);
    git(dir.path(), &["branch", "production", "HEAD~1"]);
    let clone = checkout_clone(dir.path(), &["origin", "upstream"]);
    let (code, _, stderr) = check(clone.path(), &["--baseline-ref", "production", "."]);
    assert_eq!(code, 6, "{stderr}");
    assert!(
        stderr.contains("`origin/production`, `upstream/production`"),
        "{stderr}"
    );
    let (code, _, stderr) = check(clone.path(), &["--baseline-ref", "nowhere", "."]);
    assert_eq!(code, 6, "{stderr}");
    assert!(stderr.contains("is not a commit in this clone"), "{stderr}");
}

fn rollout_phase(name: &str) -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/stellaops/rollout")
        .join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(_) => {
            eprintln!("note: {} is absent; skipping", path.display());
            None
        }
    }
}

/// Commits `phases` in order and runs the PR check against the previous commit at each step.
fn walk_phases(phases: &[&str], config: Option<&str>) -> Option<Vec<(i32, String)>> {
    let texts: Vec<String> = phases
        .iter()
        .map(|name| rollout_phase(name))
        .collect::<Option<_>>()?;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    if let Some(config) = config {
        std::fs::write(root.join("gatelint.toml"), config).unwrap();
    }
    let mut out = Vec::new();
    for (step, text) in texts.iter().enumerate() {
        std::fs::write(root.join("appsettings.yaml"), text).unwrap();
        git(root, &["add", "."]);
        git(root, &["commit", "-q", "-m", phases[step]]);
        if step > 0 {
            let (code, stdout, stderr) = check(root, &["--baseline-ref", "HEAD~1", "."]);
            out.push((code, format!("{}\n{stdout}{stderr}", phases[step])));
        }
    }
    Some(out)
}

const PHASES: [&str; 5] = [
    "phase1-feature-flag.yaml",
    "phase2-shadow-mode.yaml",
    "phase3-tenant-overrides.yaml",
    "phase4-production-enforcement.yaml",
    "phase5-full-rollout.yaml",
];

#[test]
fn the_guides_rollout_phases_in_order_raise_no_error() {
    let Some(steps) = walk_phases(&PHASES, None) else {
        return;
    };
    assert_eq!(steps.len(), 4);
    for (code, output) in steps {
        assert!(!output.contains("error["), "{output}");
        assert_eq!(code, 0, "{output}");
    }
}

#[test]
fn skipping_from_the_feature_flag_to_enforcement_is_an_error() {
    for target in [PHASES[3], PHASES[4]] {
        let Some(steps) = walk_phases(&[PHASES[0], target], None) else {
            return;
        };
        let (code, output) = &steps[0];
        assert_eq!(*code, 3, "{output}");
        assert!(output.contains("error[gate-enabled-blocking]"), "{output}");
        assert!(output.contains("error[shadow-phase-skipped]"), "{output}");
        assert!(output.contains("blocks in production"), "{output}");
    }
}

#[test]
fn a_blocking_class_default_set_is_named_with_its_fix() {
    let config = "[stellaops]\ndefault_environment_failure_action = \"Block\"\n";
    let Some(steps) = walk_phases(&PHASES[..2], Some(config)) else {
        return;
    };
    let (code, output) = &steps[0];
    assert_eq!(*code, 3, "{output}");
    assert!(output.contains("error[shadow-phase-skipped]"), "{output}");
    assert!(
        output.contains("rests on the class `default` threshold set"),
        "{output}"
    );
    assert!(
        output.contains("set `Thresholds.default.FailureAction: Warn`"),
        "{output}"
    );
}
