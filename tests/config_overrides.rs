//! `[[overrides]]` in `gatelint.toml`: per-path `select`, `ignore` and `severity`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use std::path::Path;

use assert_cmd::Command;

const TYPO: &str = "PolicyGates:\n  VexTrust:\n    Enabld: true\n";

fn project(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["a", "b", "c"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        std::fs::write(dir.path().join(sub).join("appsettings.yaml"), TYPO).unwrap();
    }
    std::fs::write(dir.path().join("gatelint.toml"), config).unwrap();
    dir
}

fn findings(dir: &Path) -> (i32, Vec<(String, String, String)>) {
    let output = Command::cargo_bin("gatelint")
        .unwrap()
        .current_dir(dir)
        .env_clear()
        .args(["check", ".", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let list = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            (
                finding["path"].as_str().unwrap().to_owned(),
                finding["rule"].as_str().unwrap().to_owned(),
                finding["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (output.status.code().unwrap(), list)
}

#[test]
fn overrides_apply_per_path_later_wins() {
    let dir = project(
        "[[overrides]]\npath = \"a/**\"\nignore = [\"unknown-key\"]\n\n\
         [[overrides]]\npath = \"b/**\"\nseverity = { unknown-key = \"note\" }\n\n\
         [[overrides]]\npath = \"b/appsettings.yaml\"\nseverity = { unknown-key = \"warning\" }\n",
    );
    let (code, found) = findings(dir.path());
    let unknown: Vec<_> = found
        .iter()
        .filter(|(_, rule, _)| rule == "unknown-key")
        .collect();
    assert_eq!(
        unknown,
        [
            &(
                "b/appsettings.yaml".to_owned(),
                "unknown-key".to_owned(),
                "warning".to_owned()
            ),
            &(
                "c/appsettings.yaml".to_owned(),
                "unknown-key".to_owned(),
                "error".to_owned()
            ),
        ],
        "{found:?}"
    );
    assert_eq!(code, 6);
}

#[test]
fn override_select_limits_the_rules_of_its_paths() {
    let dir = project("[[overrides]]\npath = \"c/*\"\nselect = [\"syntax-error\"]\n");
    let (_, found) = findings(dir.path());
    assert!(
        found
            .iter()
            .any(|(path, _, _)| path == "a/appsettings.yaml")
    );
    assert!(
        !found
            .iter()
            .any(|(path, _, _)| path == "c/appsettings.yaml"),
        "{found:?}"
    );
}

#[test]
fn override_with_an_unknown_rule_is_invalid() {
    let dir = project("[[overrides]]\npath = \"a/**\"\nignore = [\"no-such-rule\"]\n");
    Command::cargo_bin("gatelint")
        .unwrap()
        .current_dir(dir.path())
        .env_clear()
        .args(["check", "."])
        .assert()
        .code(6);
}

/// An `exclude` pattern that does not compile is reported where it is written, in every
/// command that reads the config.
#[test]
fn a_bad_exclude_pattern_is_located() {
    let dir = project("# patterns\nexclude = [\"ok\", \"vendor/[\"]\n");
    for command in ["check", "validate"] {
        let output = Command::cargo_bin("gatelint")
            .unwrap()
            .current_dir(dir.path())
            .env_clear()
            .args([command, "."])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(6), "{command}: {stderr}");
        assert!(
            stderr.contains("gatelint.toml:2:19: invalid exclude pattern `vendor/[`"),
            "{command}: {stderr}"
        );
    }
}
