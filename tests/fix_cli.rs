//! `check --fix` and `check --diff` end to end: the real binary on a temporary repository.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use assert_cmd::Command;

const TYPO: &str = "PolicyGates:\n  VexTrust:\n    Thresholds:\n      production:\n        # keep this high\n        MinCompositScore:   0.9\n";

fn repo(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join("appsettings.yaml"), text).unwrap();
    dir
}

fn gatelint(dir: &tempfile::TempDir, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("gatelint")
        .unwrap()
        .current_dir(dir.path())
        .env_clear()
        .args(args)
        .output()
        .unwrap()
}

fn read(dir: &tempfile::TempDir) -> String {
    std::fs::read_to_string(dir.path().join("appsettings.yaml")).unwrap()
}

#[test]
fn fix_renames_the_typo_keeping_the_comment_and_layout() {
    let dir = repo(TYPO);
    let out = gatelint(&dir, &["check", "--fix", "."]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        read(&dir),
        TYPO.replace("MinCompositScore", "MinCompositeScore")
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("fixed 1 finding (0 remaining)"), "{stdout}");
    // Idempotent: a second run changes nothing.
    let again = gatelint(&dir, &["check", "--fix", "."]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(
        read(&dir),
        TYPO.replace("MinCompositScore", "MinCompositeScore")
    );
}

#[test]
fn diff_prints_the_fix_and_writes_nothing() {
    let dir = repo(TYPO);
    let out = gatelint(&dir, &["check", "--diff", "--fix", "."]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "--- appsettings.yaml\n+++ appsettings.yaml\n@@ -3,4 +3,4 @@\n     Thresholds:\n       production:\n         # keep this high\n-        MinCompositScore:   0.9\n+        MinCompositeScore:   0.9\n"
    );
    assert_eq!(read(&dir), TYPO);
}

#[test]
fn a_file_without_fixes_diffs_empty_and_exits_zero() {
    let dir = repo("PolicyGates:\n  VexTrust:\n    Enabled: true\n");
    let out = gatelint(&dir, &["check", "--diff", "."]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stdout.is_empty());
}
