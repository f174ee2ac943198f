//! End-to-end tests of the binary on hostile input: a finding far along a minified one-line file,
//! and a file with lone-CR line endings.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use std::path::Path;

use serde_json::Value;

mod common;
use common::gatelint;

/// The exit code of a run with findings at or above the failing severity.
const EXIT_FINDINGS: i32 = 6;

/// No output line of the human format is wider than this, however long the source line.
const MAX_OUTPUT_LINE: usize = 200;

/// A minified `appsettings.Production.json` over 70,000 columns on one line, with the unknown key
/// `MinCompositScore` near its end; returns the text and the 1-based column of the key's quote.
fn minified_appsettings() -> (String, usize) {
    let text = format!(
        r#"{{"Logging":{{"LogLevel":{{"Default":"Information","Note":"{}"}}}},"PolicyGates":{{"VexTrust":{{"Enabled":true,"Thresholds":{{"production":{{"MinCompositScore":0.9,"FailureAction":"Block"}}}}}}}}}}"#,
        "x".repeat(70_000)
    );
    assert!(!text.contains('\n'));
    assert!(text.len() > 70_000);
    let column = text.find(r#""MinCompositScore""#).unwrap() + 1;
    (text, column)
}

fn findings(report: &Value) -> Vec<(String, u64, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            (
                finding["rule"].as_str().unwrap().to_owned(),
                finding["start"]["line"].as_u64().unwrap(),
                finding["start"]["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn assert_no_panic(stderr: &str) {
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_finding_past_column_65535_is_shown_as_a_short_window() {
    let dir = tempfile::tempdir().unwrap();
    let (text, column) = minified_appsettings();
    assert!(column > usize::from(u16::MAX));
    std::fs::write(dir.path().join("appsettings.Production.json"), &text).unwrap();

    let output = gatelint(dir.path())
        .args(["check", "appsettings.Production.json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_no_panic(&stderr);
    assert_eq!(
        output.status.code(),
        Some(EXIT_FINDINGS),
        "{stdout}{stderr}"
    );
    assert!(stdout.contains("error[unknown-key]"), "{stdout}");
    assert!(
        stdout.contains(&format!(" --> appsettings.Production.json:1:{column}\n")),
        "{stdout}"
    );
    for line in stdout.lines().chain(stderr.lines()) {
        assert!(
            line.chars().count() <= MAX_OUTPUT_LINE,
            "a line of {} characters: {}…",
            line.chars().count(),
            line.chars().take(MAX_OUTPUT_LINE).collect::<String>()
        );
    }

    // The snippet is the end of the line, cut before, and the underline sits under the key.
    let source = stdout
        .lines()
        .find(|line| line.starts_with("1 | "))
        .unwrap();
    assert!(source.starts_with("1 | …"), "{source}");
    assert!(
        source.ends_with(r#""FailureAction":"Block"}}}}}"#),
        "{source}"
    );
    assert!(source.chars().count() <= "1 | ".len() + 120, "{source}");
    let underline = stdout
        .lines()
        .skip_while(|line| !line.starts_with("1 | "))
        .nth(1)
        .unwrap();
    let underlined: String = source
        .chars()
        .zip(underline.chars())
        .filter(|(_, mark)| *mark == '^')
        .map(|(c, _)| c)
        .collect();
    assert_eq!(underlined, r#""MinCompositScore""#, "{source}\n{underline}");
}

#[test]
fn a_finding_past_column_65535_has_its_exact_column_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let (text, column) = minified_appsettings();
    std::fs::write(dir.path().join("appsettings.Production.json"), &text).unwrap();

    let output = gatelint(dir.path())
        .args(["check", "appsettings.Production.json", "--format", "json"])
        .output()
        .unwrap();
    assert_no_panic(&String::from_utf8_lossy(&output.stderr));
    assert_eq!(output.status.code(), Some(EXIT_FINDINGS));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let column = u64::try_from(column).unwrap();
    assert_eq!(
        findings(&report),
        [("unknown-key".to_owned(), 1, column)],
        "{report:#}"
    );
}

#[test]
fn lone_cr_line_endings_count_as_line_breaks() {
    let dir = tempfile::tempdir().unwrap();
    let text = "PolicyGates:\r  VexTrust:\r    Thresholds:\r      production:\r        MinCompositScore: 0.9\r        FailureAction: Block\r";
    std::fs::write(dir.path().join("appsettings.yaml"), text).unwrap();

    let output = gatelint(dir.path())
        .args(["check", "appsettings.yaml", "--format", "json"])
        .output()
        .unwrap();
    assert_no_panic(&String::from_utf8_lossy(&output.stderr));
    assert_eq!(output.status.code(), Some(EXIT_FINDINGS));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        findings(&report),
        [("unknown-key".to_owned(), 5, 9)],
        "{report:#}"
    );

    let output = gatelint(dir.path())
        .args(["check", "appsettings.yaml"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(EXIT_FINDINGS), "{stdout}");
    assert!(stdout.contains(" --> appsettings.yaml:5:9\n"), "{stdout}");
    assert!(
        stdout.contains("5 |         MinCompositScore: 0.9\n  |         ^^^^^^^^^^^^^^^^\n"),
        "{stdout}"
    );
    assert!(!stdout.contains('\r'), "{stdout:?}");
}

/// A raw ESC in a file name never reaches the GitHub log: every control character is escaped.
#[test]
fn control_characters_in_a_file_name_are_escaped_in_annotations() {
    let dir = tempfile::tempdir().unwrap();
    let name = "appsettings.\u{1b}[2K.yaml";
    std::fs::write(
        dir.path().join(name),
        "PolicyGates:\n  VexTrust:\n    MinCompositScore: 0.5\n",
    )
    .unwrap();
    let output = gatelint(dir.path())
        .args(["check", "--format", "github", "."])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_no_panic(&String::from_utf8_lossy(&output.stderr));
    assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
    assert!(stdout.contains("file=appsettings.%1B[2K.yaml"), "{stdout}");
}

/// What some Windows editors write and .NET's configuration reader accepts: UTF-16 with a
/// byte-order mark. It is checked like UTF-8, with the same line and column.
#[test]
fn a_utf16_appsettings_file_is_checked() {
    let text = "{\r\n  \"PolicyGates\": {\r\n    \"VexTrust\": {\r\n      \"Thresholds\": {\r\n        \"production\": { \"MinCompositScore\": 0.9, \"FailureAction\": \"Block\" }\r\n      }\r\n    }\r\n  }\r\n}\r\n";
    for little in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = if little {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for unit in text.encode_utf16() {
            bytes.extend(if little {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            });
        }
        std::fs::write(dir.path().join("appsettings.Production.json"), &bytes).unwrap();
        let output = gatelint(dir.path())
            .args(["check", ".", "--format", "json"])
            .output()
            .unwrap();
        assert_no_panic(&String::from_utf8_lossy(&output.stderr));
        assert_eq!(output.status.code(), Some(EXIT_FINDINGS));
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(
            findings(&report),
            [
                ("text-encoding".to_owned(), 1, 1),
                ("unknown-key".to_owned(), 5, 25)
            ],
            "{report:#}"
        );
        let note = &report["findings"][0];
        let encoding = if little { "UTF-16LE" } else { "UTF-16BE" };
        assert_eq!(note["severity"], "note", "{note}");
        assert!(
            note["message"].as_str().unwrap().contains(encoding),
            "{note}"
        );
    }
}

/// A file over the size limit is reported with its real size, not the size of what was read.
#[test]
fn a_file_over_the_limit_is_reported_with_its_real_size() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("PolicyGates:\n  VexTrust:\n    Enabled: true\n# ");
    text.push_str(&"x".repeat(20 * 1024 * 1024));
    text.push('\n');
    std::fs::write(dir.path().join("appsettings.yaml"), &text).unwrap();
    let output = gatelint(dir.path())
        .args(["check", "appsettings.yaml"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(EXIT_FINDINGS), "{stdout}");
    let expected = format!("file of 20.0 MiB ({} bytes) is over the 16 MiB", text.len());
    assert!(stdout.contains(&expected), "{stdout}");
}

/// One anchor on a long string, aliased many times: bounded by bytes, not only by nodes.
#[test]
fn an_aliased_long_string_is_an_alias_limit_finding() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = format!(
        "schema_id: gait.gate.policy\nschema_version: 1.0.0\ndefault_verdict: block\nnote: &s \"{}\"\nrules:\n",
        "x".repeat(100_000)
    );
    for index in 0..1_000 {
        text.push_str(&format!(
            "  - {{name: r{index}, effect: allow, reason_codes: [*s]}}\n"
        ));
    }
    std::fs::write(dir.path().join("policy.yaml"), &text).unwrap();
    let output = gatelint(dir.path())
        .args(["check", "policy.yaml", "--format", "json"])
        .output()
        .unwrap();
    assert_no_panic(&String::from_utf8_lossy(&output.stderr));
    assert_eq!(output.status.code(), Some(EXIT_FINDINGS));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules: Vec<_> = findings(&report)
        .into_iter()
        .map(|(rule, ..)| rule)
        .collect();
    assert!(rules.contains(&"alias-limit".to_owned()), "{report:#}");
}

/// A FIFO under a name gatelint reads, found by the walk, and a symbolic link named on the
/// command line are not opened: each is an `unreadable-file` error (exit 6), never a silent pass.
#[cfg(unix)]
#[test]
fn fifos_and_named_links_are_reported_not_opened() {
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(dir.path().join("appsettings.Production.json"))
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::write(
        dir.path().join("real.yaml"),
        "PolicyGates:\n  VexTrust:\n    Enabled: true\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("real.yaml", dir.path().join("appsettings.yaml")).unwrap();

    let output = gatelint(dir.path())
        .args(["check", ".", "--format", "json"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert_no_panic(&String::from_utf8_lossy(&output.stderr));
    assert_eq!(output.status.code(), Some(EXIT_FINDINGS));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let unreadable: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["rule"] == "unreadable-file")
        .map(|finding| finding["path"].as_str().unwrap())
        .collect();
    // The link met by the walk is left alone: its target is checked as `real.yaml`.
    assert_eq!(unreadable, ["appsettings.Production.json"], "{report:#}");

    let output = gatelint(dir.path())
        .args(["check", "appsettings.yaml"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(EXIT_FINDINGS), "{stdout}");
    assert!(
        stdout.contains("`appsettings.yaml` is not checked: it is a symbolic link"),
        "{stdout}"
    );
}

/// Every `eval` error names the file, line and column, in words (no Rust Debug text).
#[test]
fn eval_errors_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    std::fs::copy(
        examples.join("gait/policy.yaml"),
        dir.path().join("policy.yaml"),
    )
    .unwrap();
    std::fs::copy(
        examples.join("stellaops/policy-gates.yaml"),
        dir.path().join("policy-gates.yaml"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("broken.yaml"),
        "schema_id: gait.gate.policy\nrules: [\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("intent.json"), "{\"tool_name\": 3").unwrap();
    std::fs::write(dir.path().join("case.json"), "{\"environment\": [").unwrap();
    let mut huge = String::from("PolicyGates:\n  VexTrust:\n    Enabled: true\n# ");
    huge.push_str(&"x".repeat(17 * 1024 * 1024));
    std::fs::write(dir.path().join("huge.yaml"), huge).unwrap();
    std::fs::copy(
        examples.join("gait/intents/read-release-notes.json"),
        dir.path().join("good.json"),
    )
    .unwrap();
    let runs: [(&[&str], &str); 4] = [
        (
            &["--policy", "broken.yaml", "--intent", "good.json"],
            "broken.yaml:3:1: parse policy yaml",
        ),
        (
            &["--policy", "policy.yaml", "--intent", "intent.json"],
            "intent.json:1:16: parse intent json",
        ),
        (
            &["--policy", "policy-gates.yaml", "--input", "case.json"],
            "case.json:1:18: syntax error",
        ),
        (
            &["--policy", "huge.yaml", "--input", "case.json"],
            "huge.yaml:1:1: file of 17.0 MiB",
        ),
    ];
    for (args, words) in runs {
        let output = gatelint(dir.path())
            .arg("eval")
            .args(args)
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_no_panic(&text);
        assert_eq!(
            output.status.code(),
            Some(EXIT_FINDINGS),
            "{args:?}: {text}"
        );
        assert!(text.contains(words), "{args:?}: {text}");
        assert!(!text.contains(" { "), "{args:?}: Debug text in {text}");
    }
}

/// On Unix a backslash is part of a file name: `a\b.yaml` and `a/b.yaml` are two files, and
/// both are reported under their own names.
#[cfg(unix)]
#[test]
fn a_backslash_in_a_file_name_is_shown_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let typo = "PolicyGates:\n  VexTrust:\n    Enabld: true\n";
    std::fs::write(dir.path().join("a\\b.yaml"), typo).unwrap();
    std::fs::create_dir(dir.path().join("a")).unwrap();
    std::fs::write(dir.path().join("a/b.yaml"), typo).unwrap();
    let output = gatelint(dir.path())
        .args(["check", ".", "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut paths: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["path"].as_str().unwrap())
        .collect();
    paths.sort_unstable();
    assert_eq!(paths, ["a/b.yaml", "a\\b.yaml"], "{report:#}");
}

/// A section that breaks its schema many thousands of times lists the first 10,000
/// violations and counts the rest in one finding: bounded output, the same exit.
#[test]
fn schema_violations_are_listed_up_to_a_bound() {
    let dir = tempfile::tempdir().unwrap();
    let envs: Vec<String> = (0..12_000).map(|index| format!("\"e{index}\":0")).collect();
    let text = format!(
        "{{\"PolicyGates\":{{\"VexTrust\":{{\"Enabled\":true,\"Thresholds\":{{{}}}}}}}}}",
        envs.join(",")
    );
    std::fs::write(dir.path().join("appsettings.json"), text).unwrap();
    let output = gatelint(dir.path())
        .args(["check", "appsettings.json", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(EXIT_FINDINGS));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let all = report["findings"].as_array().unwrap();
    assert_eq!(all.len(), 10_001);
    assert!(
        all.iter().any(|finding| finding["message"]
            .as_str()
            .unwrap()
            .starts_with("2000 more schema violations")),
        "{:#}",
        all[0]
    );
}

/// A section of more than 200,000 values that breaks the schema at every value lists its first
/// violation and says why the rest are not listed: the validator would otherwise gather every
/// error (a few hundred bytes each) before the first is seen. Below the bound every violation
/// is gathered (the 10,000-issue listing is tested on smaller files).
#[test]
fn a_huge_invalid_section_lists_its_first_violation_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let entries: Vec<String> = (0..210_000).map(|n| format!("\"e{n}\":0")).collect();
    let text = format!(
        "{{\"PolicyGates\":{{\"VexTrust\":{{\"Enabled\":true,\"Thresholds\":{{{}}}}}}}}}",
        entries.join(",")
    );
    std::fs::write(dir.path().join("appsettings.json"), text).unwrap();
    let output = gatelint(dir.path())
        .args(["check", "--format", "json", "appsettings.json"])
        .output()
        .unwrap();
    assert_no_panic(&String::from_utf8_lossy(&output.stderr));
    assert_eq!(output.status.code(), Some(EXIT_FINDINGS));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|finding| finding["message"].as_str())
        .collect();
    assert!(
        messages
            .contains(&"`PolicyGates.VexTrust.Thresholds.e0` must be an object, found number `0`"),
        "{messages:?}"
    );
    assert!(
        messages.contains(
            &"this section holds more than 200000 values: only its first schema violation is listed"
        ),
        "{messages:?}"
    );
    assert!(messages.len() < 10, "{messages:?}");
}
