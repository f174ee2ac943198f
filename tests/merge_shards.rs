//! `gatelint merge`: the JSON reports of the shards of one `check --shard K/N` run merge into
//! the report the unsharded run gives, in every format, coverage advice included; reports that
//! are not the shards 1..N of one run are refused (exit 6) with words that say why.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

mod common;

use std::path::Path;
use std::process::Output;

use common::{checkout_clone, git, write};

/// Production, staging and development thresholds, and a tenant override: the suite below
/// exercises production everywhere, staging in one case (so one shard), development and the
/// tenant nowhere.
const POLICY: &str = "PolicyGates:\n  VexTrust:\n    Enabled: true\n    Thresholds:\n      production:\n        MinCompositeScore: SCORE\n        RequireIssuerVerified: true\n        AcceptableFreshness: [fresh]\n        FailureAction: Block\n      staging:\n        MinCompositeScore: 0.60\n        FailureAction: Warn\n      development:\n        MinCompositeScore: 0.40\n        FailureAction: Warn\n      default:\n        FailureAction: Warn\n    MissingTrustBehavior: Warn\n    TenantOverrides:\n      acme:\n        production:\n          MinCompositeScore: 0.9\n";

fn suite() -> String {
    let mut suite = "kind: gatelint.fixtures/v1\npolicy: appsettings.yaml\ndefaults: {requestedStatus: not_affected, vexTrust: {signatureVerified: true, freshness: fresh}}\ncases:\n".to_owned();
    for index in 0..10 {
        // Case 7 expects the wrong verdict.
        let verdict = if index == 7 { "Blocked" } else { "Pass" };
        suite.push_str(&format!(
            "  - name: prod case {index}\n    input: {{environment: production, vexTrust: {{trustScore: 0.9}}}}\n    expect: {{verdict: {verdict}}}\n"
        ));
    }
    suite.push_str("  - name: staging case\n    input: {environment: staging, vexTrust: {trustScore: 0.9}}\n    expect: {verdict: Pass}\n");
    suite
}

/// A repository whose baseline commit is clean and whose working tree lowers nothing but
/// raises the production score (ten verdicts tighten), adds a misspelt key, and holds a suite
/// that cannot be read (a suite-level `fixture-error`, which every shard reports).
fn repository(root: &Path) {
    git(root, &["init", "-q", "-b", "main"]);
    write(root, "appsettings.yaml", &POLICY.replace("SCORE", "0.80"));
    write(root, "prod.fixtures.yaml", &suite());
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "baseline"]);
    let candidate = POLICY.replace("SCORE", "0.95").replace(
        "        MinCompositeScore: 0.60\n",
        "        MinCompositeScore: 0.60\n        MinAcuracyRate: 0.5\n",
    );
    write(root, "appsettings.yaml", &candidate);
    write(
        root,
        "broken.fixtures.yaml",
        "kind: gatelint.fixtures/v1\npolicy: missing.yaml\ncases:\n  - name: x\n    input: {environment: production}\n    expect: {verdict: Pass}\n",
    );
}

fn run(dir: &Path, args: &[&str]) -> Output {
    common::gatelint(dir)
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(args)
        .output()
        .unwrap()
}

fn json_of(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|error| panic!("{error}: {}", String::from_utf8_lossy(bytes)))
}

/// Each finding as (rule, path, start, end, message), sorted.
fn findings(json: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            format!(
                "{} {}:{}:{}-{}:{} {}",
                finding["rule"].as_str().unwrap(),
                finding["path"].as_str().unwrap(),
                finding["start"]["line"],
                finding["start"]["column"],
                finding["end"]["line"],
                finding["end"]["column"],
                finding["message"].as_str().unwrap()
            )
        })
        .collect();
    out.sort();
    out
}

const BASELINE: [&str; 2] = ["--baseline-ref", "HEAD"];

/// Writes the JSON reports of the `count` shards of `check . EXTRA...`; returns their names.
fn shards(root: &Path, count: u32, extra: &[&str]) -> Vec<String> {
    (1..=count)
        .map(|index| {
            let name = format!("shard{index}-of-{count}.json");
            let shard = format!("{index}/{count}");
            let mut args = vec!["check", "."];
            args.extend(extra);
            args.extend(["--shard", &shard, "--format", "json", "--output", &name]);
            let output = run(root, &args);
            assert!(
                output.status.code().is_some(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            name
        })
        .collect()
}

#[test]
fn merged_shards_equal_the_unsharded_check_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    repository(root);
    let mut whole_args = vec!["check", "."];
    whole_args.extend(BASELINE);
    whole_args.extend(["--format", "json"]);
    let whole = run(root, &whole_args);
    let whole_json = json_of(&whole.stdout);
    let whole_findings = findings(&whole_json);
    for expected in [
        "environment-not-exercised appsettings.yaml:",
        "tenant-not-exercised appsettings.yaml:",
        "unknown-key appsettings.yaml:",
        "fixture-mismatch prod.fixtures.yaml:",
        "fixture-error broken.fixtures.yaml:",
        "verdict-tightened prod.fixtures.yaml:",
    ] {
        assert!(
            whole_findings.iter().any(|line| line.starts_with(expected)),
            "no `{expected}` in the unsharded run: {whole_findings:#?}"
        );
    }
    assert!(
        !whole_findings
            .iter()
            .any(|line| line.contains("environment `staging`")),
        "{whole_findings:#?}"
    );

    let names = shards(root, 4, &BASELINE);
    // No shard alone gives coverage advice, and staging is exercised in one shard only: advice
    // drawn from any one shard's cases would be wrong.
    let mut staging = 0;
    for name in &names {
        let json = json_of(&std::fs::read(root.join(name)).unwrap());
        assert!(
            !findings(&json)
                .iter()
                .any(|line| line.contains("-not-exercised")),
            "{name}: {json:#}"
        );
        let coverage = json["shard"]["coverage"].as_array().unwrap();
        if coverage.iter().any(|policy| {
            policy["environments"]
                .as_array()
                .unwrap()
                .contains(&"staging".into())
        }) {
            staging += 1;
        }
    }
    assert_eq!(staging, 1);

    // Shards in any order.
    let order = [&names[2], &names[0], &names[3], &names[1]];
    let mut merge_args: Vec<&str> = vec!["merge"];
    merge_args.extend(order.iter().map(|name| name.as_str()));
    merge_args.extend(["--format", "json"]);
    let merged = run(root, &merge_args);
    let merged_json = json_of(&merged.stdout);
    assert_eq!(findings(&merged_json), whole_findings);
    assert_eq!(merged.status.code(), whole.status.code());
    assert_eq!(merged.status.code(), Some(6));
    assert_eq!(merged_json["summary"], whole_json["summary"]);
    assert_eq!(merged_json["cases"], whole_json["cases"]);
    assert_eq!(merged_json["changed"], whole_json["changed"]);
    // The whole report, byte for byte, in every format.
    assert_eq!(
        String::from_utf8_lossy(&merged.stdout),
        String::from_utf8_lossy(&whole.stdout)
    );
    for format in ["human", "sarif", "github", "junit", "markdown"] {
        let mut args = vec!["check", "."];
        args.extend(BASELINE);
        args.extend(["--format", format]);
        let whole = run(root, &args);
        let mut args: Vec<&str> = vec!["merge"];
        args.extend(names.iter().map(String::as_str));
        args.extend(["--format", format]);
        let merged = run(root, &args);
        assert_eq!(
            String::from_utf8_lossy(&merged.stdout),
            String::from_utf8_lossy(&whole.stdout),
            "{format}"
        );
        assert_eq!(merged.status.code(), whole.status.code(), "{format}");
    }
}

/// A merged run that only warns exits as the unsharded run does, and `--output` writes the
/// merged report through the one writer.
#[test]
fn merge_writes_outputs_and_keeps_a_warning_only_run_green() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    write(root, "appsettings.yaml", &POLICY.replace("SCORE", "0.80"));
    write(
        root,
        "prod.fixtures.yaml",
        &suite().replace("{verdict: Blocked}", "{verdict: Pass}"),
    );
    let whole = run(root, &["check", ".", "--format", "json"]);
    assert_eq!(whole.status.code(), Some(0));
    let names: Vec<String> = (1..=3)
        .map(|index| {
            let name = format!("part{index}.json");
            let shard = format!("{index}/3");
            run(
                root,
                &[
                    "check", ".", "--shard", &shard, "--format", "json", "--output", &name,
                ],
            );
            name
        })
        .collect();
    let mut args: Vec<&str> = vec!["merge"];
    args.extend(names.iter().map(String::as_str));
    args.extend([
        "--format",
        "json",
        "--output",
        "merged.json",
        "--format",
        "sarif",
        "--output",
        "merged.sarif",
    ]);
    let merged = run(root, &args);
    assert_eq!(
        merged.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    let merged_json = json_of(&std::fs::read(root.join("merged.json")).unwrap());
    assert_eq!(findings(&merged_json), findings(&json_of(&whole.stdout)));
    assert!(
        findings(&merged_json)
            .iter()
            .any(|line| line.contains("environment `development`")),
        "{merged_json:#}"
    );
    assert!(root.join("merged.sarif").is_file());
    // The shards' `--ignore`, given to the merge, holds for the advice it adds.
    let mut args: Vec<&str> = vec!["merge", "--ignore", "environment-not-exercised"];
    args.extend(names.iter().map(String::as_str));
    args.extend(["--format", "json"]);
    let ignored = findings(&json_of(&run(root, &args).stdout));
    assert!(
        !ignored
            .iter()
            .any(|line| line.contains("environment `development`")),
        "{ignored:#?}"
    );
    assert!(
        ignored
            .iter()
            .any(|line| line.starts_with("tenant-not-exercised"))
    );
    let mut args: Vec<&str> = vec!["merge", "--ignore", "environment-not-exercise"];
    args.extend(names.iter().map(String::as_str));
    let unknown = run(root, &args);
    assert_eq!(unknown.status.code(), Some(6));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("environment-not-exercise"));
}

/// Asserts `merge ARGS` exits 6 and says `words` on standard error.
fn refused(root: &Path, reports: &[&str], words: &[&str]) {
    let mut args = vec!["merge"];
    args.extend(reports);
    let output = run(root, &args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(6), "{reports:?}: {stderr}");
    assert!(
        output.stdout.is_empty(),
        "{reports:?}: no report on a refusal"
    );
    for word in words {
        assert!(
            stderr.contains(word),
            "{reports:?}: `{word}` not in {stderr}"
        );
    }
}

#[test]
fn merge_refuses_what_is_not_every_shard_of_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    repository(root);
    let four = shards(root, 4, &BASELINE);
    let three = shards(root, 3, &BASELINE);
    let [one, two, three_of_four, four_of_four] = [&four[0], &four[1], &four[2], &four[3]];

    // A missing shard.
    refused(
        root,
        &[one, two, four_of_four],
        &[
            "shard 3/4 is missing",
            "all 4 shards",
            "given: 1/4, 2/4, 4/4",
        ],
    );
    refused(root, &[one], &["shards 2/4, 3/4, 4/4 are missing"]);
    // A shard given twice (the same report, or the same shard written twice).
    std::fs::copy(root.join(two), root.join("again.json")).unwrap();
    refused(
        root,
        &[one, two, three_of_four, four_of_four, "again.json"],
        &[
            "shard 2/4 is given twice",
            "`again.json`",
            "`shard2-of-4.json`",
        ],
    );
    // Shards of two runs.
    refused(
        root,
        &[one, two, &three[2], four_of_four],
        &["shard counts differ", "shards of different runs"],
    );
    // Another scanned tree: the same N, other files.
    let other = tempfile::tempdir().unwrap();
    repository(other.path());
    write(other.path(), "extra.fixtures.yaml", &suite());
    let moved = shards(other.path(), 4, &BASELINE);
    std::fs::copy(other.path().join(&moved[2]), root.join("foreign.json")).unwrap();
    refused(
        root,
        &[one, two, "foreign.json", four_of_four],
        &["`foreign.json` (shard 3/4)", "the scanned files differ"],
    );
    // A report of another gatelint version.
    let text = std::fs::read_to_string(root.join(three_of_four)).unwrap();
    let mut json = json_of(text.as_bytes());
    json["tool"]["version"] = "0.0.1".into();
    std::fs::write(root.join("old.json"), json.to_string()).unwrap();
    refused(
        root,
        &[one, two, "old.json", four_of_four],
        &[
            "`old.json` was written by gatelint 0.0.1",
            "this is gatelint",
        ],
    );
    // A report naming a file outside the checkout: the reader refuses it.
    for (index, name) in four.iter().enumerate() {
        let mut json = json_of(&std::fs::read(root.join(name)).unwrap());
        json["files"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"path": "/etc/passwd", "kind": "stellaops-gates"}));
        std::fs::write(root.join(format!("outside{index}.json")), json.to_string()).unwrap();
    }
    refused(
        root,
        &[
            "outside0.json",
            "outside1.json",
            "outside2.json",
            "outside3.json",
        ],
        &["cannot read `/etc/passwd`", "outside"],
    );
    // An unsharded report, and a file that is no report.
    let whole = run(
        root,
        &["check", ".", "--format", "json", "--output", "whole.json"],
    );
    assert!(whole.status.code().is_some());
    refused(
        root,
        &["whole.json"],
        &["not a shard report", "--shard K/N"],
    );
    std::fs::write(root.join("notes.json"), "{\"a\": 1}").unwrap();
    refused(
        root,
        &["notes.json"],
        &["`notes.json` is not a gatelint JSON report"],
    );
    refused(root, &[], &["nothing to merge"]);
    // The scanned files are read from the checkout: elsewhere they are missing.
    let empty = tempfile::tempdir().unwrap();
    for name in &four {
        std::fs::copy(root.join(name), empty.path().join(name)).unwrap();
    }
    let names: Vec<&str> = four.iter().map(String::as_str).collect();
    refused(
        empty.path(),
        &names,
        &[
            "cannot read `appsettings.yaml`, a file the shards scanned",
            "--root",
        ],
    );
    // ... unless `--root` names the checkout.
    let mut args = vec!["merge", "--root"];
    let root_text = root.display().to_string();
    args.push(&root_text);
    args.extend(names.iter().copied());
    args.extend(["--format", "json"]);
    let output = run(empty.path(), &args);
    assert_eq!(
        output.status.code(),
        Some(6),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        !json_of(&output.stdout)["findings"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

/// A suppression that covers coverage advice, or a mismatch replayed by another shard, is used
/// in the run although shard 1 alone finds it unused: the merge reports it as the unsharded run
/// does.
#[test]
fn a_suppression_used_by_any_shard_is_not_unused_in_the_merge() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    write(
        root,
        "appsettings.yaml",
        &POLICY.replace("SCORE", "0.80").replace(
            "      development:\n",
            "      development: # gatelint: ignore[environment-not-exercised] no development cases yet\n",
        ),
    );
    write(
        root,
        "prod.fixtures.yaml",
        &suite().replace(
            "  - name: prod case 7\n",
            "  - name: prod case 7 # gatelint: ignore[fixture-mismatch] expectation under review\n",
        ),
    );
    let whole = run(root, &["check", ".", "--format", "json"]);
    let whole_findings = findings(&json_of(&whole.stdout));
    assert!(
        !whole_findings
            .iter()
            .any(|line| line.starts_with("unused-suppression")
                || line.starts_with("fixture-mismatch")
                || line.contains("environment `development`")),
        "{whole_findings:#?}"
    );
    let names = shards(root, 4, &[]);
    let unused_in_a_shard = names.iter().any(|name| {
        findings(&json_of(&std::fs::read(root.join(name)).unwrap()))
            .iter()
            .any(|line| line.starts_with("unused-suppression"))
    });
    assert!(
        unused_in_a_shard,
        "no shard alone knows the suppressions are used"
    );
    let mut args: Vec<&str> = vec!["merge"];
    args.extend(names.iter().map(String::as_str));
    args.extend(["--format", "json"]);
    let merged = run(root, &args);
    assert_eq!(findings(&json_of(&merged.stdout)), whole_findings);
    assert_eq!(merged.status.code(), whole.status.code());
}

/// `test --shard K/N` reports merge too: the cases of every shard, in suite order, as JSON and
/// as the JUnit report of the unsharded `test`.
#[test]
fn test_shards_merge_to_the_unsharded_test() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    write(root, "appsettings.yaml", &POLICY.replace("SCORE", "0.80"));
    // `a/` is walked before `a-b…`, though `-` sorts before `/`.
    write(
        root,
        "a/x.fixtures.yaml",
        &suite().replace("appsettings.yaml", "../appsettings.yaml"),
    );
    write(root, "a-b.fixtures.yaml", &suite());
    let names: Vec<String> = (1..=3)
        .map(|index| {
            let name = format!("test{index}.json");
            let shard = format!("{index}/3");
            run(
                root,
                &[
                    "test", ".", "--shard", &shard, "--format", "json", "--output", &name,
                ],
            );
            name
        })
        .collect();
    for formats in [
        &["--format", "json"][..],
        &["--format", "junit"],
        &[
            "--format", "json", "--format", "junit", "--output", "out.xml",
        ],
    ] {
        let mut args = vec!["test", "."];
        args.extend(formats);
        let whole = run(root, &args);
        let mut args: Vec<&str> = vec!["merge"];
        args.extend(names.iter().map(String::as_str));
        args.extend(formats);
        let merged = run(root, &args);
        assert_eq!(
            merged.status.code(),
            Some(5),
            "{}",
            String::from_utf8_lossy(&merged.stderr)
        );
        assert_eq!(merged.status.code(), whole.status.code());
        assert_eq!(
            String::from_utf8_lossy(&merged.stdout),
            String::from_utf8_lossy(&whole.stdout),
            "{formats:?}"
        );
    }
}

/// The `run:` script of the step named `name` in a workflow, as written.
fn step_script(workflow: &str, name: &str) -> String {
    let mut lines = workflow
        .lines()
        .skip_while(|line| line.trim() != format!("- name: {name}"));
    lines.next().unwrap_or_else(|| panic!("no step `{name}`"));
    let mut lines = lines.skip_while(|line| line.trim() != "run: |");
    let run = lines
        .next()
        .unwrap_or_else(|| panic!("step `{name}` has no `run: |`"));
    let indent = run.len() - run.trim_start().len();
    let mut script = String::new();
    for line in lines {
        if !line.trim().is_empty() && line.len() - line.trim_start().len() <= indent {
            break;
        }
        script.push_str(line.get(indent + 2..).unwrap_or(""));
        script.push('\n');
    }
    script
}

fn bash(dir: &Path, script: &str, env: &[(&str, &Path)], shard: Option<u32>) -> Output {
    let mut command = std::process::Command::new("bash");
    command
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("SHARDS", "4")
        .env("BASELINE_REF", "production")
        // As a `shell: bash` step runs its script.
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script]);
    for (name, value) in env {
        command.env(name, value);
    }
    if let Some(shard) = shard {
        command.env("SHARD", shard.to_string());
    }
    command.output().unwrap()
}

/// The nightly workflow's replay and merge steps, run as written: four shard jobs, each in its
/// own checkout against the remote-tracking `production`, then the merge job in a fresh
/// checkout. The merged report is the unsharded run's, and the merge step exits as it does.
#[test]
fn the_nightly_workflow_merges_its_shards_into_the_unsharded_report() {
    let workflow = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/workflows/nightly-replay.yml"),
    )
    .unwrap();
    let replay = step_script(&workflow, "Replay shard");
    let merge = step_script(&workflow, "Merge");
    assert!(replay.contains("--shard \"$SHARD/$SHARDS\""), "{replay}");
    assert!(merge.contains("gatelint\" merge"), "{merge}");

    let upstream = tempfile::tempdir().unwrap();
    repository(upstream.path());
    git(upstream.path(), &["branch", "production"]);
    git(upstream.path(), &["add", "."]);
    git(upstream.path(), &["commit", "-q", "-m", "candidate"]);

    let runner = tempfile::tempdir().unwrap();
    let bin = runner.path().join("gatelint/bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::copy(
        assert_cmd::cargo::cargo_bin("gatelint"),
        bin.join("gatelint"),
    )
    .unwrap();
    let shards = runner.path().join("shards");
    std::fs::create_dir_all(&shards).unwrap();
    for index in 1..=4 {
        let clone = checkout_clone(upstream.path(), &["origin"]);
        let output = bash(
            clone.path(),
            &replay,
            &[("RUNNER_TEMP", runner.path())],
            Some(index),
        );
        assert!(
            output.status.success(),
            "shard {index}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let name = format!("shard-{index}.json");
        std::fs::copy(clone.path().join("reports").join(&name), shards.join(&name)).unwrap();
    }

    let clone = checkout_clone(upstream.path(), &["origin"]);
    let summary = runner.path().join("step-summary.md");
    std::fs::write(&summary, "").unwrap();
    let output = bash(
        clone.path(),
        &merge,
        &[
            ("RUNNER_TEMP", runner.path()),
            ("GITHUB_STEP_SUMMARY", &summary),
        ],
        None,
    );
    let whole = run(
        clone.path(),
        &[
            "check",
            ".",
            "--baseline-ref",
            "production",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        output.status.code(),
        whole.status.code(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(6));
    let merged = std::fs::read_to_string(clone.path().join("merged/report.json")).unwrap();
    assert_eq!(
        findings(&json_of(merged.as_bytes())),
        findings(&json_of(&whole.stdout))
    );
    assert!(
        merged.contains(
            "baseline ref `production` is the remote-tracking branch `origin/production`"
        ),
        "{merged}"
    );
    for file in ["report.sarif", "report.junit.xml", "exit.txt"] {
        assert!(clone.path().join("merged").join(file).is_file(), "{file}");
    }
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(summary.contains("environment-not-exercised"), "{summary}");
}
