//! End-to-end tests of the command-line conventions (error prefix, broken pipes, formats,
//! suggestions, verbosity, colour, config discovery, completions, statistics, per-command
//! flags), run on the real binary in a scrubbed environment.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use std::path::Path;

mod common;
use common::{gatelint, write};

/// A Stella Ops configuration with one error finding (`unknown-key` on `MinCompositScore`).
const MISSPELT: &str = "PolicyGates:\n  VexTrust:\n    Thresholds:\n      production:\n        MinCompositScore: 0.9\n";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let output = gatelint(dir).args(args).output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

#[test]
fn every_error_message_starts_with_one_prefix() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "policy.yaml", "default_verdict: allow\n");
    let cases: &[&[&str]] = &[
        &["check", "missing-dir"],
        &["check", "--select", "no-such-rule", "."],
        &["rule", "no-such-rule"],
        &[
            "eval",
            "--policy",
            "missing.yaml",
            "--intent",
            "missing.json",
        ],
        &[
            "eval",
            "--policy",
            "policy.yaml",
            "--intent",
            "missing.json",
        ],
        &["fmt", "missing.yaml"],
        &["check", "--format", "json", "--output", "."],
        &["check", "--no-such-flag"],
    ];
    for args in cases {
        let run = run(dir.path(), args);
        assert_eq!(run.code, 6, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("error: "),
            "{args:?}: {:?}",
            run.stderr
        );
        for line in run.stderr.lines() {
            assert!(!line.contains("gatelint: error"), "{args:?}: {line}");
            assert!(!line.contains("error: read "), "{args:?}: {line}");
        }
        assert!(!run.stdout.contains("error"), "{args:?}: {}", run.stdout);
    }
}

/// Runs the binary with a standard output whose reader is already closed, so the first write
/// fails with a broken pipe whatever the timing.
fn run_into_closed_pipe(dir: &Path, args: &[&str]) -> Run {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("gatelint"))
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .args(args)
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::new(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

#[test]
fn a_broken_pipe_ends_quietly_with_the_commands_own_exit() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "appsettings.yaml", MISSPELT);
    write(dir.path(), "policy.yaml", "default_verdict: block\n");
    write(
        dir.path(),
        "intent.json",
        r#"{"tool_name": "tool.read", "args": {}, "targets": [], "context": {"identity": "a", "workspace": "/w", "risk_class": "low"}}"#,
    );
    for (args, code) in [
        (&["rules"][..], 0),
        (&["rules", "--json"][..], 0),
        (&["rule", "unknown-key"][..], 0),
        (&["check", "."][..], 6),
        (&["check", "--format", "json", "."][..], 6),
        (
            &["eval", "--policy", "policy.yaml", "--intent", "intent.json"][..],
            3,
        ),
    ] {
        let run = run_into_closed_pipe(dir.path(), args);
        assert_eq!(run.stderr, "", "{args:?}");
        assert_eq!(run.code, code, "{args:?}");
    }
}

#[test]
fn a_broken_stdout_still_writes_the_report_files() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "appsettings.yaml", MISSPELT);
    let run = run_into_closed_pipe(
        dir.path(),
        &[
            "check",
            "--format",
            "human",
            "--format",
            "json",
            "--output",
            "report.json",
            ".",
        ],
    );
    assert_eq!(run.stderr, "");
    let report = std::fs::read_to_string(dir.path().join("report.json")).unwrap();
    assert!(report.contains("unknown-key"), "{report}");
}

#[test]
fn eval_and_rules_take_format_json_and_keep_json_as_an_alias() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "policy.yaml", "default_verdict: block\n");
    write(
        dir.path(),
        "intent.json",
        r#"{"tool_name": "tool.read", "args": {}, "targets": [], "context": {"identity": "a", "workspace": "/w", "risk_class": "low"}}"#,
    );
    let eval = ["eval", "--policy", "policy.yaml", "--intent", "intent.json"];
    for command in [&["rules"][..], &eval[..]] {
        let human = run(dir.path(), command);
        let json = run(dir.path(), &[command, &["--format", "json"]].concat());
        let alias = run(dir.path(), &[command, &["--json"]].concat());
        let explicit_human = run(dir.path(), &[command, &["--format", "human"]].concat());
        assert_eq!(json.stdout, alias.stdout, "{command:?}");
        assert_eq!(json.code, alias.code, "{command:?}");
        assert_eq!(human.stdout, explicit_human.stdout, "{command:?}");
        assert_ne!(human.stdout, json.stdout, "{command:?}");
        let parsed: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        assert!(parsed.is_array() || parsed.is_object(), "{command:?}");
        let both = run(
            dir.path(),
            &[command, &["--json", "--format", "human"]].concat(),
        );
        assert_eq!(both.code, 6, "{command:?}");
        assert!(both.stderr.starts_with("error: "), "{}", both.stderr);
    }
    let rules: serde_json::Value =
        serde_json::from_str(&run(dir.path(), &["rules", "--format", "json"]).stdout).unwrap();
    assert_eq!(rules[0]["id"], "syntax-error");
    let eval: serde_json::Value =
        serde_json::from_str(&run(dir.path(), &[&eval[..], &["--format", "json"]].concat()).stdout)
            .unwrap();
    assert_eq!(eval["verdict"], "block", "{eval:#}");
    // `--json` stays out of the help: one spelling is documented.
    let help = run(dir.path(), &["rules", "--help"]);
    assert!(help.stdout.contains("--format"), "{}", help.stdout);
    assert!(!help.stdout.contains("--json"), "{}", help.stdout);
}

#[test]
fn a_misspelt_rule_name_gets_a_suggestion_wherever_it_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "appsettings.yaml", MISSPELT);
    let expected = "unknown rule `unknown-kye`; did you mean `unknown-key`?";
    for args in [
        &["check", "--select", "unknown-kye", "."][..],
        &["check", "--ignore", "unknown-kye", "."][..],
        &["validate", "--select", "unknown-kye", "."][..],
        &["rule", "unknown-kye"][..],
    ] {
        let run = run(dir.path(), args);
        assert_eq!(run.code, 6, "{args:?}");
        assert_eq!(run.stderr, format!("error: {expected}\n"), "{args:?}");
    }
    for (config, line, column) in [
        ("select = [\"unknown-kye\"]\n", 1, 12),
        ("ignore = [\"all\", \"unknown-kye\"]\n", 1, 19),
        ("\n[severity]\nunknown-kye = \"warning\"\n", 3, 1),
        (
            "[[ignores]]\npath = \"a.yaml\"\nrule = \"unknown-kye\"\n",
            3,
            9,
        ),
        (
            "[[overrides]]\npath = \"a/**\"\nignore = [\"unknown-kye\"]\n",
            3,
            12,
        ),
    ] {
        write(dir.path(), "gatelint.toml", config);
        let run = run(dir.path(), &["check", "."]);
        assert_eq!(run.code, 6, "{config}");
        assert_eq!(
            run.stderr,
            format!("error: gatelint.toml:{line}:{column}: {expected}\n"),
            "{config}"
        );
    }
    std::fs::remove_file(dir.path().join("gatelint.toml")).unwrap();
    // Far from every rule: no guess.
    let far = run(dir.path(), &["check", "--select", "zzzzzzzzzzzz", "."]);
    assert_eq!(far.stderr, "error: unknown rule `zzzzzzzzzzzz`\n");
    // A suppression comment is a finding, not a usage error; it gets the suggestion too.
    write(
        dir.path(),
        "appsettings.yaml",
        "PolicyGates:\n  VexTrust:\n    Enabled: true # gatelint: ignore[unknown-kye] legacy\n",
    );
    let output = gatelint(dir.path())
        .args(["check", "--format", "json", "."])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["rule"] == "unused-suppression")
        .map(|finding| finding["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        ["suppression names unknown rule `unknown-kye`; did you mean `unknown-key`?"]
    );
}

/// Whether `check` on a file with findings colours its human output, with these environment
/// variables (`NO_COLOR` is not set unless given) and flags, writing to a pipe.
fn coloured(env: &[(&str, &str)], flags: &[&str]) -> bool {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "appsettings.yaml", MISSPELT);
    let mut command = gatelint(dir.path());
    command.env_remove("NO_COLOR");
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.arg("check").args(flags).arg(".").output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("unknown-key"), "{stdout}");
    stdout.contains('\x1b')
}

#[test]
fn colour_follows_no_color_force_color_and_clicolor_force() {
    assert!(!coloured(&[], &[]), "a pipe is plain by default");
    assert!(coloured(&[("FORCE_COLOR", "1")], &[]));
    assert!(coloured(&[("FORCE_COLOR", "true")], &[]));
    assert!(!coloured(&[("FORCE_COLOR", "")], &[]));
    assert!(!coloured(&[("FORCE_COLOR", "0")], &[]));
    assert!(coloured(&[("CLICOLOR_FORCE", "1")], &[]));
    assert!(!coloured(&[("CLICOLOR_FORCE", "0")], &[]));
    assert!(!coloured(&[("NO_COLOR", "1"), ("FORCE_COLOR", "1")], &[]));
    assert!(!coloured(
        &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")],
        &[]
    ));
    assert!(coloured(&[("NO_COLOR", ""), ("FORCE_COLOR", "1")], &[]));
    assert!(coloured(&[("NO_COLOR", "1")], &["--color", "always"]));
    assert!(!coloured(&[("FORCE_COLOR", "1")], &["--color", "never"]));
}

/// Runs `check` under a pseudo-terminal (`script`), so standard output is a TTY.
fn coloured_on_a_terminal(env: &[(&str, &str)]) -> bool {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "appsettings.yaml", MISSPELT);
    let binary = assert_cmd::cargo::cargo_bin("gatelint");
    let mut command = std::process::Command::new("script");
    command
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .args([
            "-qefc",
            &format!("{} check .", binary.display()),
            "/dev/null",
        ]);
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(stdout.contains("unknown-key"), "{stdout}");
    stdout.contains('\x1b')
}

#[test]
fn a_terminal_is_coloured_unless_clicolor_is_0_or_no_color_is_set() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("note: `script` is absent; terminal colour test skipped");
        return;
    }
    assert!(coloured_on_a_terminal(&[]));
    assert!(coloured_on_a_terminal(&[("CLICOLOR", "1")]));
    assert!(!coloured_on_a_terminal(&[("CLICOLOR", "0")]));
    assert!(!coloured_on_a_terminal(&[("NO_COLOR", "1")]));
    assert!(coloured_on_a_terminal(&[
        ("CLICOLOR", "0"),
        ("CLICOLOR_FORCE", "1")
    ]));
}
