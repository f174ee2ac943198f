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

/// `MinConfidence` is close to two gates (`Confidence`, `MinimumConfidence`): the rename is a
/// guess, so it is an unsafe fix — shown, not applied by `--fix`, applied with
/// `--unsafe-fixes`.
#[test]
fn an_ambiguous_typo_is_fixed_only_with_unsafe_fixes() {
    let text = "PolicyGates:\n  MinConfidence:  # the release floor\n    Enabled: true\n";
    let dir = repo(text);
    let out = gatelint(&dir, &["check", "."]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(6), "{stdout}");
    assert!(
        stdout.contains("= fix: rename `MinConfidence` to `Confidence` (`--fix --unsafe-fixes`)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("[*] fixable: 1 with `--fix --unsafe-fixes`"),
        "{stdout}"
    );

    let out = gatelint(&dir, &["check", "--fix", "."]);
    assert_eq!(out.status.code(), Some(6), "{out:?}");
    assert_eq!(read(&dir), text, "a safe-only run must not guess");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("fixed 0 findings (1 remaining)"),
        "{stdout}"
    );

    let out = gatelint(&dir, &["check", "--fix", "--unsafe-fixes", "."]);
    assert_eq!(read(&dir), text.replace("MinConfidence", "Confidence"));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("fixed 1 finding"), "{stdout}");
    assert!(!stdout.contains("unknown-key"), "{stdout}");
}

/// A Gait policy out of canonical form is fixed to exactly what `gatelint fmt --write` writes.
#[test]
fn fix_formats_a_gait_policy_as_fmt_does() {
    // Rules out of evaluation order, an upper-case effect, a trailing space.
    let policy = "schema_id: gait.gate.policy\nschema_version: 1.0.0\n# block by default\ndefault_verdict: block\nrules:\n  # reads are safe\n  - name: allow-read\n    priority: 30\n    effect: ALLOW \n    match: {tool_names: [tool.read]}\n  - name: block-delete\n    priority: 10\n    effect: block\n    match: {tool_names: [tool.delete]}\n";
    let fixed = tempfile::tempdir().unwrap();
    std::fs::create_dir(fixed.path().join(".git")).unwrap();
    std::fs::write(fixed.path().join("policy.yaml"), policy).unwrap();
    let formatted = tempfile::tempdir().unwrap();
    std::fs::write(formatted.path().join("policy.yaml"), policy).unwrap();

    let out = gatelint(&formatted, &["fmt", "--write", "policy.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let expected = std::fs::read_to_string(formatted.path().join("policy.yaml")).unwrap();
    assert_ne!(expected, policy, "the sample must need formatting");

    let out = gatelint(&fixed, &["check", "--fix", "."]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("fixed 1 finding"), "{stdout}");
    let after = std::fs::read_to_string(fixed.path().join("policy.yaml")).unwrap();
    assert_eq!(after, expected);
    assert!(after.contains("# reads are safe"), "{after}");
}

/// A named file that is a symbolic link to a file outside the repository is reported, and
/// `--fix` writes neither the link nor its target.
#[test]
fn fix_never_writes_through_a_link_out_of_the_repository() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("appsettings.yaml");
    std::fs::write(&target, TYPO).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let link = dir.path().join("appsettings.yaml");
    std::os::unix::fs::symlink(&target, &link).unwrap();

    let out = gatelint(&dir, &["check", "--fix", "appsettings.yaml"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(6), "{stdout}");
    assert!(
        stdout.contains(
            "error[unreadable-file]: `appsettings.yaml` is not checked: it is a symbolic link"
        ),
        "{stdout}"
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), TYPO);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}
