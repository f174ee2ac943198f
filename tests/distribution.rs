//! The outlets gatelint ships through, checked with the real clients: the composite Action is
//! clean under zizmor and maps its inputs 1:1 to `gatelint check` flags, and the pre-commit hook
//! builds through `pre-commit try-repo` and passes or fails on the files it is given.
//!
//! A test whose outside tool (zizmor, pre-commit, git) is absent prints a note and returns, or
//! under `CI=true` fails; `.ci/run`
//! installs them, so CI runs every test here.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use saphyr_parser::{Event, Parser};

fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The tool's `--version` line, or `None` (with a printed note) when it cannot be run. Under
/// `CI=true` a missing tool fails the test: CI installs every one.
fn tool_version(tool: &str, test: &str) -> Option<String> {
    match Command::new(tool).arg("--version").output() {
        Ok(out) if out.status.success() => {
            Some(String::from_utf8_lossy(&out.stdout).trim().to_owned())
        }
        _ if std::env::var_os("CI").is_some_and(|value| value == "true") => {
            panic!("{test}: `{tool}` is not installed, and CI=true (.ci/run installs it)")
        }
        _ => {
            println!("note: skipping {test}: `{tool}` is not installed (.ci/run installs it)");
            None
        }
    }
}

fn text(out: &Output) -> String {
    format!(
        "exit status: {}\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

// ---------------------------------------------------------------------------------------------
// zizmor

#[test]
fn zizmor_reports_nothing_on_action_hooks_and_example_workflows() {
    let test = "zizmor_reports_nothing_on_action_hooks_and_example_workflows";
    let Some(version) = tool_version("zizmor", test) else {
        return;
    };
    let root = crate_root();
    let mut inputs = vec![
        PathBuf::from("action.yml"),
        PathBuf::from(".pre-commit-hooks.yaml"),
    ];
    let mut workflows: Vec<PathBuf> = fs::read_dir(root.join("examples/workflows"))
        .expect("examples/workflows/ exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension() == Some(OsStr::new("yml")))
        .map(|path| path.strip_prefix(&root).expect("under the root").to_owned())
        .collect();
    workflows.sort();
    assert!(!workflows.is_empty(), "no example workflows found");
    inputs.extend(workflows);

    let out = Command::new("zizmor")
        .current_dir(&root)
        .args([
            "--offline",
            "--no-config",
            "--no-progress",
            "--format",
            "plain",
        ])
        .args(&inputs)
        .output()
        .expect("zizmor runs");
    let report = text(&out);
    assert!(
        out.status.success(),
        "{version} reported findings:\n{report}"
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("No findings to report"),
        "{version} did not confirm a clean run:\n{report}"
    );
}

// ---------------------------------------------------------------------------------------------
// action.yml inputs ↔ flags

/// A YAML document as plain data: enough to read `action.yml`.
#[derive(Debug)]
enum Yaml {
    Scalar(String),
    Seq(Vec<Yaml>),
    Map(Vec<(String, Yaml)>),
}

impl Yaml {
    fn get(&self, key: &str) -> Option<&Yaml> {
        match self {
            Yaml::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn str(&self) -> Option<&str> {
        match self {
            Yaml::Scalar(s) => Some(s),
            _ => None,
        }
    }

    fn keys(&self) -> Vec<&str> {
        match self {
            Yaml::Map(entries) => entries.iter().map(|(k, _)| k.as_str()).collect(),
            _ => Vec::new(),
        }
    }
}

fn parse_yaml(src: &str) -> Result<Yaml, String> {
    let mut events = Vec::new();
    for item in Parser::new_from_str(src) {
        let (event, _span) = item.map_err(|e| format!("invalid YAML: {e}"))?;
        match event {
            Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd => {}
            Event::Nothing => {}
            other => events.push(other),
        }
    }
    let mut events = events.into_iter().peekable();
    let doc = node(&mut events)?;
    match events.next() {
        None => Ok(doc),
        Some(extra) => Err(format!("more than one document: {extra:?}")),
    }
}

type Events<'a> = std::iter::Peekable<std::vec::IntoIter<Event<'a>>>;

fn node(events: &mut Events<'_>) -> Result<Yaml, String> {
    match events.next() {
        Some(Event::Scalar(value, ..)) => Ok(Yaml::Scalar(value.into_owned())),
        Some(Event::SequenceStart(..)) => {
            let mut items = Vec::new();
            while !at_end(events)? {
                items.push(node(events)?);
            }
            Ok(Yaml::Seq(items))
        }
        Some(Event::MappingStart(..)) => {
            let mut entries = Vec::new();
            while !at_end(events)? {
                let Yaml::Scalar(key) = node(events)? else {
                    return Err("a mapping key is not a scalar".to_owned());
                };
                entries.push((key, node(events)?));
            }
            Ok(Yaml::Map(entries))
        }
        other => Err(format!("unexpected YAML event: {other:?}")),
    }
}

/// Consumes the end of the current collection, if that is what comes next.
fn at_end(events: &mut Events<'_>) -> Result<bool, String> {
    match events.peek() {
        Some(Event::SequenceEnd | Event::MappingEnd) => {
            events.next();
            Ok(true)
        }
        Some(_) => Ok(false),
        None => Err("unexpected end of YAML".to_owned()),
    }
}

/// How each input of `action.yml` reaches `gatelint`. Every input is either a flag of
/// `gatelint check` or an installer setting; adding an input means adding it here.
const FLAG_INPUTS: &[(&str, &[&str])] = &[
    ("working-directory", &["cd --"]),
    ("paths", &["--"]),
    ("config", &["--config"]),
    ("fail-on", &["--fail-on"]),
    ("select", &["--select"]),
    ("ignore", &["--ignore"]),
    ("baseline-ref", &["--baseline-ref"]),
    ("shard", &["--shard"]),
    ("outputs", &["--format \"$format\"", "--output \"$file\""]),
    ("sarif-file", &["--format sarif", "--output"]),
    ("annotations", &["--format github"]),
    (
        "summary",
        &["--format markdown", "--output", "GITHUB_STEP_SUMMARY"],
    ),
    ("exit-zero", &["--exit-zero"]),
    ("allow-empty", &["--allow-empty"]),
];
const INSTALLER_INPUTS: &[&str] = &["version", "install"];

#[test]
fn action_inputs_map_one_to_one_to_check_flags() {
    let root = crate_root();
    let src = fs::read_to_string(root.join("action.yml")).expect("action.yml exists");
    let action = parse_yaml(&src).expect("action.yml parses");

    // Exactly the documented inputs, each with a description.
    let inputs = action.get("inputs").expect("action.yml has inputs");
    let mut declared: Vec<&str> = inputs.keys();
    declared.sort_unstable();
    let mut expected: Vec<&str> = FLAG_INPUTS.iter().map(|(name, _)| *name).collect();
    expected.extend(INSTALLER_INPUTS);
    expected.sort_unstable();
    assert_eq!(declared, expected, "inputs of action.yml");
    for name in &declared {
        let input = inputs.get(name).expect("declared");
        assert!(
            input
                .get("description")
                .and_then(Yaml::str)
                .is_some_and(|d| !d.is_empty()),
            "input `{name}` has no description"
        );
    }

    let outputs = action.get("outputs").expect("action.yml has outputs");
    let mut output_names = outputs.keys();
    output_names.sort_unstable();
    assert_eq!(
        output_names,
        ["exit-code", "sarif-file"],
        "outputs of action.yml"
    );

    let runs = action.get("runs").expect("runs");
    assert_eq!(runs.get("using").and_then(Yaml::str), Some("composite"));
    let Some(Yaml::Seq(steps)) = runs.get("steps") else {
        panic!("runs.steps is not a list");
    };

    // Inputs reach the shell only through `env:`; every run step is bash.
    let mut input_env: BTreeMap<String, String> = BTreeMap::new();
    for step in steps {
        let Some(script) = step.get("run").and_then(Yaml::str) else {
            continue;
        };
        assert_eq!(
            step.get("shell").and_then(Yaml::str),
            Some("bash"),
            "a run step is not bash"
        );
        assert!(
            !script.contains("${{"),
            "an expression is expanded inside `run:`:\n{script}"
        );
        if let Some(env) = step.get("env") {
            for key in env.keys() {
                let value = env.get(key).and_then(Yaml::str).unwrap_or_default();
                if let Some(input) = value
                    .strip_prefix("${{ inputs.")
                    .and_then(|rest| rest.strip_suffix(" }}"))
                {
                    input_env.insert(input.to_owned(), key.to_owned());
                }
            }
        }
    }

    let check_step = steps
        .iter()
        .find(|step| step.get("id").and_then(Yaml::str) == Some("check"))
        .expect("a step with id `check`");
    let check_script = check_step
        .get("run")
        .and_then(Yaml::str)
        .expect("check step runs");
    let check_env = check_step.get("env").expect("check step has env");
    for (input, flags) in FLAG_INPUTS {
        let var = input_env
            .get(*input)
            .unwrap_or_else(|| panic!("input `{input}` is not passed through env"));
        assert!(
            check_env.get(var).is_some(),
            "input `{input}` reaches a step other than the check step"
        );
        assert!(
            check_script.contains(&format!("${var}"))
                || check_script.contains(&format!("${{{var}")),
            "input `{input}` ({var}) is unused"
        );
        for flag in *flags {
            assert!(
                check_script.contains(flag),
                "input `{input}` does not produce `{flag}`"
            );
        }
    }
    for input in INSTALLER_INPUTS {
        assert!(
            input_env.contains_key(*input),
            "input `{input}` is not passed through env"
        );
    }
}

/// Every flag the action passes is one `gatelint check` accepts.
#[test]
fn action_flags_are_accepted_by_gatelint_check() {
    let help = Command::new(env!("CARGO_BIN_EXE_gatelint"))
        .args(["check", "--help"])
        .output()
        .expect("gatelint runs");
    assert!(
        help.status.success(),
        "gatelint check --help failed:\n{}",
        text(&help)
    );
    let help = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--config",
        "--fail-on",
        "--select",
        "--ignore",
        "--baseline-ref",
        "--shard",
        "--format",
        "--output",
        "--exit-zero",
        "--allow-empty",
    ] {
        assert!(
            help.contains(flag),
            "`gatelint check --help` does not list `{flag}`:\n{help}"
        );
    }
    for format in ["human", "sarif", "github", "markdown"] {
        assert!(
            help.contains(format),
            "`gatelint check --help` does not list format `{format}`"
        );
    }
}

/// The `run:` script of the action's step `id`.
fn action_step_script(id: &str) -> String {
    let src = fs::read_to_string(crate_root().join("action.yml")).expect("action.yml exists");
    let action = parse_yaml(&src).expect("action.yml parses");
    let Some(Yaml::Seq(steps)) = action.get("runs").and_then(|runs| runs.get("steps")) else {
        panic!("runs.steps is not a list");
    };
    steps
        .iter()
        .find(|step| step.get("id").and_then(Yaml::str) == Some(id))
        .and_then(|step| step.get("run"))
        .and_then(Yaml::str)
        .unwrap_or_else(|| panic!("no run step with id `{id}`"))
        .to_owned()
}

const STELLA_POLICY: &str = "PolicyGates:\n  VexTrust:\n    Enabled: true\n    Thresholds:\n      production:\n        MinCompositeScore: 0.80\n        RequireIssuerVerified: true\n        AcceptableFreshness: [fresh]\n        FailureAction: Block\n      staging:\n        MinCompositeScore: 0.60\n        FailureAction: Warn\n      default:\n        FailureAction: Warn\n    MissingTrustBehavior: Warn\n";

/// Runs the action's check step as the runner does (`bash --noprofile --norc -eo pipefail`),
/// with the env of its inputs, in the workspace `workspace`.
fn run_check_step(workspace: &Path, inputs: &[(&str, &str)]) -> (Output, String) {
    let script = workspace.join(".check-step.sh");
    fs::write(&script, action_step_script("check")).unwrap();
    let github_output = workspace.join(".github-output");
    fs::write(&github_output, "").unwrap();
    let mut command = Command::new("bash");
    command
        .args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(&script)
        .current_dir(workspace)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("GATELINT_BIN", env!("CARGO_BIN_EXE_gatelint"))
        .env("GITHUB_OUTPUT", &github_output)
        .env("GITHUB_STEP_SUMMARY", workspace.join(".summary.md"))
        .env("GITHUB_WORKSPACE", workspace);
    let defaults = [
        ("WORKING_DIRECTORY", "."),
        ("PATHS", "."),
        ("CONFIG", ""),
        ("FAIL_ON", "error"),
        ("SELECT", ""),
        ("IGNORE", ""),
        ("BASELINE_REF", ""),
        ("SHARD", ""),
        ("SARIF_FILE", "gatelint.sarif"),
        ("OUTPUTS", ""),
        ("ANNOTATIONS", "true"),
        ("SUMMARY", "true"),
        ("EXIT_ZERO", "false"),
        ("ALLOW_EMPTY", "false"),
    ];
    for (name, value) in defaults {
        let value = inputs
            .iter()
            .find(|(input, _)| *input == name)
            .map_or(value, |(_, value)| value);
        command.env(format!("GATELINT_{name}"), value);
    }
    let output = command.output().expect("bash runs");
    let written = fs::read_to_string(&github_output).unwrap();
    (output, written)
}

/// A workspace whose policies live in `deploy/`, with four passing fixture cases.
fn deploy_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("deploy/fixtures")).unwrap();
    fs::write(root.join("deploy/appsettings.yaml"), STELLA_POLICY).unwrap();
    let mut suite =
        String::from("kind: gatelint.fixtures/v1\npolicy: ../appsettings.yaml\ncases:\n");
    for (n, (score, verdict)) in [
        ("0.95", "Pass"),
        ("0.75", "Blocked"),
        ("0.85", "Pass"),
        ("0.5", "Blocked"),
    ]
    .iter()
    .enumerate()
    {
        suite.push_str(&format!(
            "  - name: production trust {n}\n    input: {{environment: production, requestedStatus: not_affected, vexTrust: {{trustScore: {score}, signatureVerified: true, freshness: fresh}}}}\n    expect: {{verdict: {verdict}}}\n"
        ));
    }
    fs::write(root.join("deploy/fixtures/release.fixtures.yaml"), suite).unwrap();
    let init = git(root).args(["init", "-q"]).output().unwrap();
    assert!(init.status.success(), "{}", text(&init));
    dir
}

/// The check step in `working-directory: deploy`, one shard of two, with extra JSON and JUnit
/// reports: the reports land in `deploy/`, the SARIF path it outputs is the workspace's, and the
/// two shards replay every case once.
#[test]
fn the_action_check_step_runs_in_a_working_directory_with_shards_and_extra_outputs() {
    let dir = deploy_workspace();
    let root = dir.path();
    let mut cases = 0;
    for shard in ["1/2", "2/2"] {
        let (output, written) = run_check_step(
            root,
            &[
                ("WORKING_DIRECTORY", "deploy"),
                ("SHARD", shard),
                ("OUTPUTS", "json=report.json\n junit=report.xml"),
            ],
        );
        assert_eq!(output.status.code(), Some(0), "{}", text(&output));
        assert!(written.contains("exit-code=0\n"), "{written}");
        assert!(
            written.contains("sarif-file=deploy/gatelint.sarif\n"),
            "{written}"
        );
        assert!(root.join("deploy/gatelint.sarif").is_file());
        let report: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(root.join("deploy/report.json")).unwrap())
                .unwrap();
        assert_eq!(report["exit"]["code"], 0, "{report:#}");
        let junit = fs::read_to_string(root.join("deploy/report.xml")).unwrap();
        let here = junit.matches("<testcase ").count();
        assert!(here < 4, "shard {shard} replayed every case:\n{junit}");
        cases += here;
        let summary = fs::read_to_string(root.join(".summary.md")).unwrap();
        assert!(
            summary.starts_with("## ✅ gatelint check: passed"),
            "{summary}"
        );
    }
    assert_eq!(cases, 4, "the two shards together replay every case once");
}

/// The install is keyed for the cache on the version and a digest of the sources, and a cache
/// hit skips the build: the resolve step's outputs, then the install step with the cached
/// binary in place.
#[test]
fn the_action_resolves_a_cache_key_and_uses_a_cached_build() {
    let dir = tempfile::tempdir().unwrap();
    let run = |id: &str, env: &[(&str, &str)]| {
        let script = dir.path().join(format!("{id}.sh"));
        fs::write(&script, action_step_script(id)).unwrap();
        let github_output = dir.path().join(format!("{id}.out"));
        fs::write(&github_output, "").unwrap();
        let output = Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("GITHUB_ACTION_PATH", crate_root())
            .env("GITHUB_OUTPUT", &github_output)
            .env("RUNNER_TEMP", dir.path())
            .envs(env.iter().copied())
            .output()
            .unwrap();
        (output, fs::read_to_string(&github_output).unwrap())
    };
    let (output, written) = run(
        "resolve",
        &[("GATELINT_INSTALL", "cargo"), ("GATELINT_VERSION", "")],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        written.contains(&format!("version={version}\n")),
        "{written}"
    );
    let source = written
        .lines()
        .find_map(|line| line.strip_prefix("source="))
        .unwrap_or_default();
    assert!(
        source.len() == 16 && source.bytes().all(|byte| byte.is_ascii_hexdigit()),
        "{written}"
    );
    // The digest is of the sources: the same tree gives the same key.
    let (_, again) = run(
        "resolve",
        &[("GATELINT_INSTALL", "cargo"), ("GATELINT_VERSION", "")],
    );
    assert_eq!(again, written);
    let (output, _) = run(
        "resolve",
        &[
            ("GATELINT_INSTALL", "cargo"),
            ("GATELINT_VERSION", "latest"),
        ],
    );
    assert_eq!(output.status.code(), Some(6), "{}", text(&output));

    let bin = dir.path().join("gatelint/bin");
    fs::create_dir_all(&bin).unwrap();
    fs::copy(env!("CARGO_BIN_EXE_gatelint"), bin.join("gatelint")).unwrap();
    let (output, written) = run(
        "install",
        &[
            ("GATELINT_INSTALL", "cargo"),
            ("GATELINT_VERSION", ""),
            ("GATELINT_CACHED", "true"),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!("gatelint {version}: cached build")),
        "{stdout}"
    );
    assert!(
        written.contains(&format!("bin={}\n", bin.join("gatelint").display())),
        "{written}"
    );
}

/// `examples/workflows/pull-request.yml` as a pull request runs it: the `with:` of its gatelint
/// step (the base commit substituted for `github.event.pull_request.base.sha`) given to the
/// action's check step, in a clone made as `actions/checkout` makes one for a pull request
/// (`fetch-depth: 0`: every branch as a remote-tracking branch, the head commit detached). The
/// pull request loosens production's threshold: the step fails with exit 5, the loosened case
/// is the first annotation, the summary leads with it, and the SARIF file is written.
#[test]
fn the_pull_request_workflow_runs_as_written_on_a_checkout_clone() {
    let workflow = fs::read_to_string(crate_root().join("examples/workflows/pull-request.yml"))
        .expect("the example workflow exists");
    let workflow = parse_yaml(&workflow).expect("the example workflow parses");
    let Some(Yaml::Seq(steps)) = workflow
        .get("jobs")
        .and_then(|jobs| jobs.get("gatelint"))
        .and_then(|job| job.get("steps"))
    else {
        panic!("jobs.gatelint.steps is not a list");
    };
    let with = steps
        .iter()
        .find(|step| {
            step.get("uses")
                .and_then(Yaml::str)
                .is_some_and(|uses| uses.starts_with("./"))
        })
        .and_then(|step| step.get("with"))
        .expect("a gatelint step with inputs");

    // The upstream repository: main, then a pull request branch.
    let upstream = deploy_workspace();
    let up = upstream.path();
    let commit = |message: &str| {
        for args in [&["add", "-A"][..], &["commit", "-q", "-m", message][..]] {
            let out = git(up).args(args).output().unwrap();
            assert!(out.status.success(), "{}", text(&out));
        }
    };
    commit("baseline");
    let base = String::from_utf8(git(up).args(["rev-parse", "HEAD"]).output().unwrap().stdout)
        .unwrap()
        .trim()
        .to_owned();
    let out = git(up)
        .args(["checkout", "-q", "-b", "loosen"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    fs::write(
        up.join("deploy/appsettings.yaml"),
        STELLA_POLICY.replace("MinCompositeScore: 0.80", "MinCompositeScore: 0.70"),
    )
    .unwrap();
    commit("lower production's threshold");

    // The clone: remote-tracking branches only, the head detached.
    let clone = tempfile::tempdir().unwrap();
    let root = clone.path();
    let url = format!("file://{}", up.display());
    for args in [
        vec!["init", "-q"],
        vec!["remote", "add", "origin", url.as_str()],
        vec![
            "fetch",
            "-q",
            "origin",
            "+refs/heads/*:refs/remotes/origin/*",
        ],
        vec!["checkout", "-q", "--detach", "refs/remotes/origin/loosen"],
    ] {
        let out = git(root).args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", text(&out));
    }

    let input = |name: &str| {
        with.get(name)
            .and_then(Yaml::str)
            .unwrap_or_default()
            .replace("${{ github.event.pull_request.base.sha }}", &base)
    };
    let values: Vec<(&str, String)> = vec![
        ("PATHS", input("paths")),
        ("FAIL_ON", input("fail-on")),
        ("BASELINE_REF", input("baseline-ref")),
        ("SARIF_FILE", input("sarif-file")),
        ("ANNOTATIONS", input("annotations")),
        ("SUMMARY", input("summary")),
    ];
    assert_eq!(values[2].1, base, "the workflow passes the base commit");
    let inputs: Vec<(&str, &str)> = values
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    let (output, written) = run_check_step(root, &inputs);
    assert_eq!(output.status.code(), Some(5), "{}", text(&output));
    assert!(written.contains("exit-code=5\n"), "{written}");
    assert!(written.contains("sarif-file=gatelint.sarif\n"), "{written}");
    assert!(root.join("gatelint.sarif").is_file());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let first = stdout
        .lines()
        .find(|line| line.starts_with("::"))
        .unwrap_or_default();
    assert!(
        first.starts_with("::error file=deploy/fixtures/release.fixtures.yaml,line=7,")
            && first.contains("title=verdict-loosened"),
        "{stdout}"
    );
    let summary = fs::read_to_string(root.join(".summary.md")).unwrap();
    assert!(
        summary.starts_with(
            "## ❌ gatelint check: 1 disallowed verdict change in environment `production`"
        ),
        "{summary}"
    );
}

/// A malformed `outputs` pair or a missing working directory stops the step with exit 6 and
/// one error annotation naming the input, before gatelint runs.
#[test]
fn the_action_check_step_refuses_bad_inputs() {
    let dir = deploy_workspace();
    let root = dir.path();
    for (inputs, words) in [
        (
            vec![("OUTPUTS", "yaml=report.yaml")],
            "::error title=gatelint::outputs: expected FORMAT=FILE with FORMAT one of json",
        ),
        (
            vec![("OUTPUTS", "json")],
            "::error title=gatelint::outputs: expected FORMAT=FILE",
        ),
        (
            vec![("OUTPUTS", "json=")],
            "::error title=gatelint::outputs: expected FORMAT=FILE, got: json=",
        ),
        (
            vec![("WORKING_DIRECTORY", "no-such-dir")],
            "::error title=gatelint::working-directory is not a directory: no-such-dir",
        ),
    ] {
        let (output, _) = run_check_step(root, &inputs);
        assert_eq!(
            output.status.code(),
            Some(6),
            "{inputs:?}: {}",
            text(&output)
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains(words), "{inputs:?}: {}", text(&output));
        assert!(!root.join("deploy/report.json").exists());
    }
}

// ---------------------------------------------------------------------------------------------
// pre-commit

const VALID_GAIT_POLICY: &str = "\
schema_id: gait.gate.policy
schema_version: 1.0.0
default_verdict: block
fail_closed:
  enabled: true
  risk_classes: [critical, high]
  required_fields: [targets, arg_provenance]
rules:
  - name: allow-safe-read
    priority: 10
    effect: allow
    match:
      tool_names: [tool.read]
      risk_classes: [low]
    reason_codes: [safe_read_allowed]
";

/// `permit` is not a Gait effect: a schema error, so the hook must fail.
const INVALID_GAIT_POLICY: &str = "\
schema_id: gait.gate.policy
schema_version: 1.0.0
default_verdict: block
rules:
  - name: allow-safe-read
    priority: 10
    effect: permit
    match:
      tool_names: [tool.read]
";

/// A `git` command with a fixed identity and none of the caller's repository variables.
fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "gatelint tests")
        .env("GIT_AUTHOR_EMAIL", "tests@gatelint.invalid")
        .env("GIT_COMMITTER_NAME", "gatelint tests")
        .env("GIT_COMMITTER_EMAIL", "tests@gatelint.invalid")
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ]);
    cmd
}

fn run_ok(cmd: &mut Command) -> Result<Output, String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(out)
    } else {
        Err(format!("{cmd:?} failed:\n{}", text(&out)))
    }
}

/// The crate's files as the next commit would hold them: tracked and untracked-but-not-ignored
/// files of the work tree, or every file outside build output when the crate is not a checkout.
fn crate_files(root: &Path) -> Result<Vec<PathBuf>, String> {
    let listed = git(root)
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .output();
    if let Ok(out) = listed
        && out.status.success()
    {
        let mut files: Vec<PathBuf> = out
            .stdout
            .split(|b| *b == 0)
            .filter(|name| !name.is_empty())
            .map(|name| PathBuf::from(String::from_utf8_lossy(name).into_owned()))
            .filter(|rel| root.join(rel).is_file())
            .collect();
        files.sort();
        files.dedup();
        return Ok(files);
    }
    let mut files = Vec::new();
    walk(root, root, &mut files)?;
    files.sort();
    Ok(files)
}

fn walk(root: &Path, dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    for entry in fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let path = entry.path();
        let name = entry.file_name();
        if [".git", "target", "node_modules"]
            .iter()
            .any(|skip| name == OsStr::new(skip))
        {
            continue;
        }
        let kind = entry.file_type().map_err(|e| e.to_string())?;
        if kind.is_dir() {
            walk(root, &path, files)?;
        } else if kind.is_file() {
            files.push(
                path.strip_prefix(root)
                    .map_err(|e| e.to_string())?
                    .to_owned(),
            );
        }
    }
    Ok(())
}

/// A one-commit git repository holding the crate as it is on disk, so `try-repo` builds exactly
/// the working tree (try-repo itself would leave untracked files out).
fn snapshot_crate(root: &Path, dest: &Path) -> Result<(), String> {
    for rel in crate_files(root)? {
        let to = dest.join(&rel);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        fs::copy(root.join(&rel), &to).map_err(|e| format!("{}: {e}", rel.display()))?;
    }
    run_ok(git(dest).args(["init", "--quiet"]))?;
    run_ok(git(dest).args(["add", "--all"]))?;
    run_ok(git(dest).args([
        "commit",
        "--quiet",
        "--message",
        "snapshot for pre-commit try-repo",
    ]))?;
    Ok(())
}

/// `pre-commit try-repo SNAPSHOT gatelint --files FILE` from inside `work`.
fn try_repo(
    work: &Path,
    snapshot: &Path,
    home: &Path,
    build: &Path,
    file: &str,
) -> Result<Output, String> {
    let mut cmd = Command::new("pre-commit");
    cmd.current_dir(work)
        .args(["try-repo", "--verbose", "--color", "never"])
        .arg(snapshot)
        .args(["gatelint", "--files", file])
        .env("PRE_COMMIT_HOME", home)
        .env("PRE_COMMIT_COLOR", "never")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        // `language: rust` runs `cargo install --path` on a fresh clone for every try-repo.
        // Share one target directory (outside the one `cargo test` holds locked) so the
        // dependencies compile once, and build the release profile unoptimised: this test
        // checks the hook's plumbing, not the binary's speed.
        .env("CARGO_TARGET_DIR", build)
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("CARGO_PROFILE_RELEASE_INCREMENTAL", "false");
    cmd.output().map_err(|e| format!("{cmd:?}: {e}"))
}

/// Slow: the first run builds gatelint through `cargo install` (about two minutes on two cores,
/// the dependencies are then cached under `target/pre-commit-hook/`). It runs in
/// `cargo test --all-targets` because CI needs it; set `GATELINT_SKIP_SLOW_TESTS=1` to skip it
/// locally.
#[test]
fn slow_pre_commit_try_repo_passes_valid_and_fails_invalid_file() {
    let test = "slow_pre_commit_try_repo_passes_valid_and_fails_invalid_file";
    if std::env::var_os("GATELINT_SKIP_SLOW_TESTS").is_some_and(|v| !v.is_empty() && v != "0") {
        println!("note: skipping {test}: GATELINT_SKIP_SLOW_TESTS is set");
        return;
    }
    let Some(_) = tool_version("git", test) else {
        return;
    };
    let Some(version) = tool_version("pre-commit", test) else {
        return;
    };

    let root = crate_root();
    let tmp = tempfile::tempdir().expect("temp dir");
    let snapshot = tmp.path().join("gatelint");
    snapshot_crate(&root, &snapshot).expect("snapshot of the crate");

    // The repository being committed to: one valid and one invalid Gait policy.
    let work = tmp.path().join("work");
    for (dir, body) in [
        ("valid", VALID_GAIT_POLICY),
        ("invalid", INVALID_GAIT_POLICY),
    ] {
        fs::create_dir_all(work.join(dir)).expect("create dir");
        fs::write(work.join(dir).join("policy.yaml"), body).expect("write policy");
    }
    // A Stella Ops policy whose staged change breaks a fixture suite that lives elsewhere.
    fs::create_dir_all(work.join("deploy")).expect("create dir");
    fs::create_dir_all(work.join("fixtures")).expect("create dir");
    fs::write(work.join("deploy/appsettings.yaml"), LOOSENED_STELLA_POLICY).expect("write");
    fs::write(work.join("fixtures/prod.fixtures.yaml"), STELLA_SUITE).expect("write suite");
    run_ok(git(&work).args(["init", "--quiet"])).expect("git init");
    run_ok(git(&work).args(["add", "--all"])).expect("git add");

    let home = tmp.path().join("pre-commit-home");
    let build = root.join("target").join("pre-commit-hook");

    let valid =
        try_repo(&work, &snapshot, &home, &build, "valid/policy.yaml").expect("pre-commit runs");
    assert!(
        valid.status.success(),
        "{version}: the hook failed on a valid policy:\n{}",
        text(&valid)
    );
    let stdout = String::from_utf8_lossy(&valid.stdout);
    assert!(
        stdout.contains("gatelint"),
        "the hook did not run:\n{}",
        text(&valid)
    );
    assert!(
        !stdout.contains("(no files to check)"),
        "the hook's `files` pattern does not match policy.yaml:\n{}",
        text(&valid)
    );

    let invalid =
        try_repo(&work, &snapshot, &home, &build, "invalid/policy.yaml").expect("pre-commit runs");
    assert!(
        !invalid.status.success(),
        "{version}: the hook passed an invalid policy:\n{}",
        text(&invalid)
    );
    let stdout = String::from_utf8_lossy(&invalid.stdout);
    assert!(
        stdout.contains("Failed"),
        "the hook did not report a failure:\n{}",
        text(&invalid)
    );
    assert!(
        stdout.contains("invalid/policy.yaml"),
        "the hook's output does not name the file:\n{}",
        text(&invalid)
    );

    let regression = try_repo(&work, &snapshot, &home, &build, "deploy/appsettings.yaml")
        .expect("pre-commit runs");
    assert!(
        !regression.status.success(),
        "{version}: the hook passed a policy change that breaks a fixture elsewhere:\n{}",
        text(&regression)
    );
    let stdout = String::from_utf8_lossy(&regression.stdout);
    assert!(
        stdout.contains("fixture-mismatch") && stdout.contains("fixtures/prod.fixtures.yaml"),
        "the hook's output does not name the broken fixture:\n{}",
        text(&regression)
    );
}

const LOOSENED_STELLA_POLICY: &str = "PolicyGates:\n  VexTrust:\n    Enabled: true\n    Thresholds:\n      production:\n        MinCompositeScore: 0.70\n        FailureAction: Block\n";

const STELLA_SUITE: &str = "kind: gatelint.fixtures/v1\npolicy: ../deploy/appsettings.yaml\ncases:\n  - name: production trust 0.75 blocks\n    input: {environment: production, requestedStatus: not_affected, vexTrust: {trustScore: 0.75, signatureVerified: true, freshness: fresh}}\n    expect: {verdict: Blocked}\n";
