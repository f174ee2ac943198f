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

/// Whether an outside tool runs; in CI (`CI=true`) a missing tool fails the test instead of
/// skipping it.
fn tool_present(name: &str) -> bool {
    let present = std::process::Command::new(name)
        .arg("--version")
        .output()
        .is_ok();
    if !present {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "`{name}` is required in CI"
        );
        eprintln!("note: `{name}` is absent; test skipped");
    }
    present
}

#[test]
fn completions_load_in_bash_and_name_the_subcommands() {
    if !tool_present("bash") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let run_bash = run(dir.path(), &["completions", "bash"]);
    assert_eq!(run_bash.code, 0, "{}", run_bash.stderr);
    for subcommand in ["check", "validate", "test", "diff", "completions"] {
        assert!(run_bash.stdout.contains(subcommand), "{subcommand}");
    }
    let binary = assert_cmd::cargo::cargo_bin("gatelint");
    let output = std::process::Command::new("bash")
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .args([
            "-c",
            &format!(
                "source <('{}' completions bash) && complete -p gatelint",
                binary.display()
            ),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("-F _gatelint gatelint"), "{stdout}");
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let script = run(dir.path(), &["completions", shell]);
        assert_eq!(script.code, 0, "{shell}: {}", script.stderr);
        assert!(script.stdout.contains("validate"), "{shell}");
    }
    assert_eq!(run(dir.path(), &["completions", "tcsh"]).code, 6);
}

/// Three `unknown-key` findings (each with a safe fix) and one `duplicate-key`.
const SEVERAL: &str = "PolicyGates:\n  VexTrust:\n    Thresholds:\n      production:\n        MinCompositScore: 0.9\n        MinCompositScore: 0.9\n      staging:\n        MinCompositScore: 0.5\n        MinFreshnes: 0.5\n";

#[test]
fn statistics_count_each_rule_instead_of_listing_findings() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "appsettings.yaml", SEVERAL);
    let full = run(dir.path(), &["check", "--format", "json", "."]);
    let report: serde_json::Value = serde_json::from_str(&full.stdout).unwrap();
    let mut expected: std::collections::BTreeMap<String, usize> = Default::default();
    for finding in report["findings"].as_array().unwrap() {
        *expected
            .entry(finding["rule"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert!(expected.len() >= 2, "{expected:?}");

    let json = run(
        dir.path(),
        &["check", "--statistics", "--format", "json", "."],
    );
    assert_eq!(json.code, full.code, "the exit code is unchanged");
    let counts: Vec<serde_json::Value> = serde_json::from_str(&json.stdout).unwrap();
    let pairs: Vec<(String, usize)> = counts
        .iter()
        .map(|count| {
            (
                count["rule"].as_str().unwrap().to_owned(),
                count["count"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    let mut sorted = pairs.clone();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    assert_eq!(pairs, sorted, "by count, then by name");
    assert_eq!(
        pairs
            .iter()
            .cloned()
            .collect::<std::collections::BTreeMap<_, _>>(),
        expected
    );
    let unknown = counts
        .iter()
        .find(|count| count["rule"] == "unknown-key")
        .unwrap();
    assert_eq!(unknown["fixable"], true);

    let human = run(dir.path(), &["check", "--statistics", "."]);
    assert_eq!(human.code, full.code);
    assert!(!human.stdout.contains(" --> "), "{}", human.stdout);
    let first = human.stdout.lines().next().unwrap();
    let (top_rule, top_count) = &pairs[0];
    assert!(
        first
            .trim_start()
            .starts_with(&format!("{top_count}  {top_rule}")),
        "{first}"
    );
    let unknown_line = human
        .stdout
        .lines()
        .find(|line| line.contains("unknown-key"))
        .unwrap();
    assert!(unknown_line.contains("[*]"), "{unknown_line}");
    for command in ["validate", "test"] {
        let other = run(dir.path(), &[command, "--statistics", "."]);
        assert!(!other.stderr.contains("unexpected argument"), "{command}");
    }
}

#[test]
fn quiet_prints_only_findings_and_verbose_adds_notes_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "appsettings.yaml", MISSPELT);
    write(dir.path(), "clean/appsettings.yaml", "PolicyGates: {}\n");
    let normal = run(dir.path(), &["check", "."]);
    let quiet = run(dir.path(), &["-q", "check", "."]);
    let quiet_after = run(dir.path(), &["check", "--quiet", "."]);
    assert_eq!(quiet.code, normal.code);
    assert_eq!(quiet.stdout, quiet_after.stdout, "-q is global");
    assert!(normal.stdout.contains("exit 6"), "{}", normal.stdout);
    assert!(
        quiet.stdout.contains("error[unknown-key]"),
        "{}",
        quiet.stdout
    );
    assert!(!quiet.stdout.contains("exit 6"), "{}", quiet.stdout);
    assert!(!quiet.stdout.contains(" in 2 files"), "{}", quiet.stdout);
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);
    let clean = run(dir.path(), &["-q", "check", "clean"]);
    assert_eq!((clean.code, clean.stdout.as_str()), (0, ""));

    let verbose = run(dir.path(), &["check", "-v", "."]);
    assert_eq!(verbose.code, normal.code);
    assert_eq!(verbose.stdout, normal.stdout, "notes go to standard error");
    assert!(
        verbose.stderr.contains("discovered 2 files"),
        "{}",
        verbose.stderr
    );
    assert!(
        verbose.stderr.contains("checked `appsettings.yaml`"),
        "{}",
        verbose.stderr
    );
    assert!(
        verbose.stderr.contains("configuration: none"),
        "{}",
        verbose.stderr
    );
    assert_eq!(run(dir.path(), &["-q", "-v", "check", "."]).code, 6);
}

/// A git repository whose root `gatelint.toml` ignores `unknown-key`, with the misspelt file
/// under `deploy/`.
fn repository_with_root_config() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(
        dir.path(),
        "gatelint.toml",
        "# project settings\nignore = [\"unknown-key\"]\n",
    );
    write(dir.path(), "deploy/appsettings.yaml", MISSPELT);
    dir
}

#[test]
fn the_nearest_config_up_to_the_repository_root_is_used() {
    let dir = repository_with_root_config();
    let deploy = dir.path().join("deploy");
    let found = run(&deploy, &["check", "."]);
    assert_eq!(found.code, 0, "{}{}", found.stdout, found.stderr);
    assert!(!found.stdout.contains("unknown-key"), "{}", found.stdout);
    let from_root = run(dir.path(), &["check", "deploy"]);
    assert_eq!(from_root.code, 0, "{}", from_root.stdout);

    let defaults = run(&deploy, &["check", "--no-config", "."]);
    assert_eq!(defaults.code, 6);
    assert!(
        defaults.stdout.contains("unknown-key"),
        "{}",
        defaults.stdout
    );

    write(dir.path(), "other.toml", "select = [\"duplicate-key\"]\n");
    let explicit = run(&deploy, &["check", "--config", "../other.toml", "."]);
    assert_eq!(explicit.code, 0, "{}", explicit.stdout);
    let both = run(
        &deploy,
        &["check", "--config", "../other.toml", "--no-config"],
    );
    assert_eq!(both.code, 6, "{}", both.stderr);

    // Above the repository root nothing is looked for.
    let nested = tempfile::tempdir().unwrap();
    write(
        nested.path(),
        "gatelint.toml",
        "ignore = [\"unknown-key\"]\n",
    );
    std::fs::create_dir_all(nested.path().join("repo/.git")).unwrap();
    write(nested.path(), "repo/appsettings.yaml", MISSPELT);
    let outside = run(&nested.path().join("repo"), &["check", "."]);
    assert_eq!(outside.code, 6, "{}", outside.stdout);
}

#[test]
fn paths_under_different_configs_are_a_usage_error() {
    let dir = repository_with_root_config();
    write(
        dir.path(),
        "other/gatelint.toml",
        "select = [\"duplicate-key\"]\n",
    );
    write(dir.path(), "other/appsettings.yaml", "PolicyGates: {}\n");
    let both = run(dir.path(), &["check", "deploy", "other"]);
    assert_eq!(both.code, 6, "{}", both.stdout);
    assert!(
        both.stderr.contains("have different configurations"),
        "{}",
        both.stderr
    );
    let chosen = run(
        dir.path(),
        &["check", "--config", "gatelint.toml", "deploy", "other"],
    );
    assert_eq!(chosen.code, 0, "{}{}", chosen.stdout, chosen.stderr);
}

#[test]
fn a_config_found_above_matches_its_patterns_from_its_own_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(
        dir.path(),
        "gatelint.toml",
        "exclude = [\"deploy/vendor\"]\n\n[[ignores]]\npath = \"deploy/legacy/*.yaml\"\nrule = \"unknown-key\"\nreason = \"frozen\"\n",
    );
    write(dir.path(), "deploy/vendor/appsettings.yaml", MISSPELT);
    write(dir.path(), "deploy/legacy/appsettings.yaml", MISSPELT);
    write(dir.path(), "deploy/live/appsettings.yaml", MISSPELT);
    for (cwd, path) in [
        (dir.path().to_path_buf(), "deploy"),
        (dir.path().join("deploy"), "."),
    ] {
        let found = run(&cwd, &["check", "--format", "json", path]);
        let report: serde_json::Value = serde_json::from_str(&found.stdout).unwrap();
        let mut paths: Vec<&str> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|finding| finding["path"].as_str().unwrap_or_default())
            .collect();
        paths.dedup();
        assert_eq!(paths.len(), 1, "{cwd:?}: {paths:?}");
        assert!(paths[0].ends_with("live/appsettings.yaml"), "{paths:?}");
    }
}

#[test]
fn show_settings_says_where_each_value_came_from_and_runs_nothing() {
    let dir = repository_with_root_config();
    let deploy = dir.path().join("deploy");
    let shown = run(
        &deploy,
        &[
            "check",
            "--show-settings",
            "--select",
            "all",
            "--fail-on",
            "warning",
            ".",
        ],
    );
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    let line = |key: &str| {
        shown
            .stdout
            .lines()
            .find(|line| line.starts_with(&format!("{key} = ")))
            .unwrap_or_else(|| panic!("no `{key}` in {}", shown.stdout))
            .to_owned()
    };
    assert!(
        line("config").contains("\"../gatelint.toml\""),
        "{}",
        line("config")
    );
    assert!(
        line("ignore").contains("# ../gatelint.toml:2"),
        "{}",
        line("ignore")
    );
    assert!(
        line("select").contains("# command line"),
        "{}",
        line("select")
    );
    assert!(
        line("fail-on").contains("\"warning\""),
        "{}",
        line("fail-on")
    );
    assert!(line("exclude").contains("# default"), "{}", line("exclude"));
    assert!(!shown.stdout.contains("error["), "nothing was checked");
    for command in [
        &["validate"][..],
        &["test"],
        &["diff", "--baseline", "a", "--candidate", "b"],
    ] {
        let args: Vec<&str> = command.iter().copied().chain(["--show-settings"]).collect();
        let other = run(&deploy, &args);
        assert_eq!(other.code, 0, "{args:?}: {}", other.stderr);
        assert!(other.stdout.contains("../gatelint.toml:2"), "{args:?}");
    }
    let defaults = run(&deploy, &["check", "--show-settings", "--no-config"]);
    assert!(
        defaults.stdout.contains("ignore = []"),
        "{}",
        defaults.stdout
    );
}

#[test]
fn each_command_takes_only_the_flags_it_uses() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "appsettings.yaml", "PolicyGates: {}\n");
    for args in [
        &["validate", "--shard", "1/2", "."][..],
        &["validate", "--baseline-ref", "HEAD", "."],
        &["validate", "--fix", "."],
    ] {
        let refused = run(dir.path(), args);
        assert_eq!(refused.code, 6, "{args:?}");
        assert!(refused.stderr.starts_with("error: "), "{}", refused.stderr);
        assert!(
            refused.stderr.contains("unexpected argument"),
            "{}",
            refused.stderr
        );
    }
    assert_eq!(run(dir.path(), &["check", "--shard", "1/2", "."]).code, 0);
    assert_eq!(run(dir.path(), &["validate", "."]).code, 0);
}

/// A JSONL suite of `count` passing Stella Ops cases, with its policy.
fn big_suite(dir: &Path, count: usize) {
    write(
        dir,
        "policy.yaml",
        "PolicyGates:\n  VexTrust:\n    Enabled: true\n    Thresholds:\n      production: { MinCompositeScore: 0.8, FailureAction: Block }\n",
    );
    let mut text = String::from("{\"kind\":\"gatelint.fixtures/v1\",\"policy\":\"policy.yaml\"}\n");
    for index in 0..count {
        text.push_str(&format!(
            "{{\"name\":\"case-{index}\",\"input\":{{\"environment\":\"production\",\"requestedStatus\":\"not_affected\",\"vexTrust\":{{\"trustScore\":0.5,\"signatureVerified\":true}}}},\"expect\":{{\"verdict\":\"Blocked\"}}}}\n"
        ));
    }
    write(dir, "big.fixtures.jsonl", &text);
}

/// Runs `gatelint ARGS` under a pseudo-terminal (`script`), so standard error is a TTY, with
/// the progress delay at 0 so the test does not depend on how long the run takes; returns
/// everything the terminal received.
fn on_a_terminal(dir: &Path, args: &str, env: &[(&str, &str)]) -> String {
    let binary = assert_cmd::cargo::cargo_bin("gatelint");
    let mut command = std::process::Command::new("script");
    command
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("GATELINT_PROGRESS_DELAY_MS", "0")
        // A terminal that can redraw a line: without `TERM` (or with `dumb`) there is no bar.
        .env("TERM", "xterm")
        .args([
            "-qefc",
            &format!("'{}' {args}", binary.display()),
            "/dev/null",
        ]);
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn progress_shows_on_a_terminal_only() {
    if !tool_present("script") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    big_suite(dir.path(), 10_000);
    let shown = on_a_terminal(dir.path(), "test big.fixtures.jsonl", &[]);
    assert!(
        shown.contains("10000 fixture cases: 10000 passed"),
        "{shown}"
    );
    assert!(shown.contains("replaying: "), "{shown}");
    assert!(shown.contains(" cases done, "), "{shown}");
    assert!(shown.contains(" cases/s"), "{shown}");
    assert!(shown.contains("ETA "), "{shown}");
    let checked = on_a_terminal(dir.path(), "check .", &[]);
    assert!(checked.contains(" cases done, "), "{checked}");

    for (args, env) in [
        ("test big.fixtures.jsonl", &[("CI", "true")][..]),
        ("-q test big.fixtures.jsonl", &[]),
        ("test -q big.fixtures.jsonl", &[]),
    ] {
        let quiet = on_a_terminal(dir.path(), args, env);
        assert!(!quiet.contains("cases done"), "{args} {env:?}: {quiet}");
        assert!(!quiet.contains("ETA"), "{args} {env:?}: {quiet}");
    }
    // On a pipe: no bar, and the report is byte for byte the one without a terminal.
    let piped = gatelint(dir.path())
        .env("GATELINT_PROGRESS_DELAY_MS", "0")
        .args(["test", "big.fixtures.jsonl"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(piped.stderr).unwrap();
    assert!(stderr.is_empty(), "{stderr}");
    let plain = gatelint(dir.path())
        .args(["test", "big.fixtures.jsonl"])
        .output()
        .unwrap();
    assert_eq!(piped.stdout, plain.stdout);
}
