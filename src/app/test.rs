//! `test`: fixture suites, Gait scenario directories and bare Gait intents.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::discover;
use crate::exit::Exit;
use crate::finding::sort_findings;
use crate::report::Report;
use crate::rules::registry;
use crate::source::Reader;

use super::{ProjectRun, UsageError, finish, gait_replay, load_config, script_registry, semantics};

/// What `test` is asked to do.
#[derive(Clone, Debug, Default)]
pub struct TestOptions {
    pub paths: Vec<PathBuf>,
    /// `--policy P INTENT...`: evaluate bare Gait intents against one policy.
    pub policy: Option<PathBuf>,
    pub gait: crate::gait::command::EvalOptions,
    pub shard: Option<crate::replay::runner::Shard>,
    pub config: crate::config::Choice,
    /// Keep passing cases in the report (JUnit lists every case); otherwise only failures
    /// are kept and passing ones are counted, so a huge suite replays in constant memory.
    pub keep_passed: bool,
    /// `--update`: rewrite the `expect` of each failed case to the decision replayed, then
    /// replay again.
    pub update: bool,
    /// The terminal's progress bar, if any.
    pub progress: crate::progress::Progress,
}

/// What `test --update` changed, and the replay after it.
#[derive(Debug)]
pub struct UpdateRun {
    /// The replay of the updated suites.
    pub report: Report,
    /// Each expectation updated, as `path: what`, in suite and case order.
    pub updated: Vec<String>,
    /// Suites with an update that was not written, with why (`path: reason`).
    pub refused: Vec<String>,
}

/// `test --update`: replays, rewrites each failed case's `expect` in place, and replays again.
/// A suite is written only when it lies under a path the user named and still holds the text
/// the cases were found in, through the one writer (a new file renamed over it, never through
/// a link). Cases that failed with an error, not a mismatch, and Gait scenario directories are
/// left as they are.
pub fn run_test_update(options: &TestOptions) -> Result<UpdateRun, UsageError> {
    let first = TestOptions {
        update: true,
        ..options.clone()
    };
    let mut failed = Vec::new();
    run_test_collecting(&first, &mut failed)?;
    let paths = if options.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        options.paths.clone()
    };
    let reader = Reader::new(&paths);
    let roots: Vec<PathBuf> = paths.iter().map(|path| reader.absolute(path)).collect();
    let mut updated = Vec::new();
    let mut refused = Vec::new();
    for (path, cases) in failed {
        let file = Path::new(&path);
        let display = discover::display_path(file);
        if !roots
            .iter()
            .any(|root| reader.absolute(file).starts_with(root))
        {
            refused.push(format!("{display}: outside the paths given"));
            continue;
        }
        let text = match reader.read(file).map(String::from_utf8) {
            Ok(Ok(text)) => text,
            Ok(Err(_)) => {
                refused.push(format!("{display}: not UTF-8"));
                continue;
            }
            Err(error) => {
                refused.push(format!("{display}: {}", error.reason()));
                continue;
            }
        };
        let failing: Vec<&crate::replay::runner::CaseResult> = cases.iter().collect();
        let fixes = crate::replay::runner::expectation_fixes(&display, &text, &failing);
        let applied = crate::finding::apply_fixes(&text, fixes.iter().flatten());
        if applied.applied == 0 || applied.text == text {
            continue;
        }
        match super::fix::write_back(&reader, file, &applied.text) {
            Ok(()) => updated.extend(
                applied
                    .descriptions
                    .into_iter()
                    .map(|(_, description)| format!("{display}: {description}")),
            ),
            Err(reason) => refused.push(format!("{display}: cannot write: {reason}")),
        }
    }
    let report = run_test(&TestOptions {
        update: false,
        ..options.clone()
    })?;
    Ok(UpdateRun {
        report,
        updated,
        refused,
    })
}

/// Runs `test`: Gait scenario directories, and bare intents against `--policy`.
pub fn run_test(options: &TestOptions) -> Result<Report, UsageError> {
    run_test_collecting(options, &mut Vec::new())
}

/// [`run_test`], keeping the failed cases of each suite in `failed` when `options.update`.
fn run_test_collecting(
    options: &TestOptions,
    failed: &mut Vec<(String, Vec<crate::replay::runner::CaseResult>)>,
) -> Result<Report, UsageError> {
    use crate::gait::command;
    use crate::report::{CaseOutcome, CaseStatus};
    let paths = if options.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        options.paths.clone()
    };
    let mut cases = Vec::new();
    let mut passed_omitted = 0;
    let mut exit = Exit::Success;
    let mut files = BTreeMap::new();
    let mut findings = Vec::new();
    let mut config_note = None;
    options.progress.phase(crate::progress::Phase::Discovering);
    if let Some(policy) = &options.policy {
        let suite: Arc<str> = Arc::from(discover::display_path(policy));
        let mut named = options.gait.named_paths();
        named.push(policy.clone());
        named.extend(paths.iter().cloned());
        let reader = Reader::new(&named);
        for intent in &paths {
            let evaluation = command::evaluate_files(&reader, policy, intent, &options.gait);
            let code = command::exit_of(&evaluation).code();
            let verdict = evaluation
                .as_ref()
                .ok()
                .map(|outcome| outcome.verdict.as_str().to_owned());
            let message = evaluation.as_ref().err().map(ToString::to_string);
            exit = exit.max(Exit::from_code(i64::from(code)));
            cases.push(CaseOutcome {
                suite: suite.clone(),
                name: discover::display_path(intent),
                status: if code == 6 {
                    CaseStatus::Failed
                } else {
                    CaseStatus::Passed
                },
                message,
                expected: None,
                actual: verdict,
                location: None,
                line: None,
            });
        }
    } else {
        for path in &paths {
            if !path.exists() {
                return Err(discover::DiscoverError::Missing(path.display().to_string()).into());
            }
        }
        let (config, _) = load_config(&options.config, &paths)?;
        config_note = Some(config.chosen.describe());
        let reader = Reader::new(&paths);
        let gait = gait_replay::GaitCases::default();
        let (suites_exit, omitted) =
            replay_suites(&reader, &paths, options, &config, &gait, &mut cases, failed);
        passed_omitted = omitted;
        exit = exit.max(suites_exit);
        let mut registries = gait.registry_uses();
        exit = exit.max(replay_scenarios(
            &reader,
            &paths,
            &mut cases,
            &mut registries,
        ));
        // The suites' own findings, as `validate` and `check` report them: a suite that is
        // invalid input (a schema error, no case at all) fails the run the same way everywhere.
        let mut outcomes: Vec<_> = crate::replay::runner::discover_suites(&paths)
            .par_iter()
            .map(|suite| {
                let candidate = discover::Candidate {
                    display: discover::display_path(suite),
                    path: suite.clone(),
                    explicit: true,
                    unreadable: None,
                };
                if candidate.display.to_ascii_lowercase().ends_with(".jsonl") {
                    super::analyze::analyze_suite_head(&candidate, &reader)
                } else {
                    super::analyze::analyze_candidate(&candidate, &reader, true)
                }
            })
            .collect();
        // The registries the replays read are reported beside the cases; as advice they leave
        // the exit code to the cases.
        script_registry::add_findings(&reader, &registries, &mut outcomes);
        let run = ProjectRun {
            validate_only: true,
            require_reason: config.require_suppression_reason,
            ..ProjectRun::default()
        };
        for outcome in finish(outcomes, &run).0 {
            let invalid = outcome.findings.iter().any(|finding| {
                finding.severity == crate::finding::Severity::Error
                    && registry::find(finding.rule.as_str()).is_some_and(|meta| meta.invalid_input)
            });
            if invalid {
                exit = exit.max(Exit::InvalidInput);
            }
            if let Some(scanned) = outcome.scanned {
                files.insert(scanned.source.path.clone(), scanned);
            }
            findings.extend(outcome.findings);
        }
    }
    if cases.is_empty() && passed_omitted == 0 && findings.is_empty() {
        let names: Vec<String> = paths
            .iter()
            .map(|path| discover::display_path(path))
            .collect();
        return Err(UsageError::NothingToTest(names.join("`, `")));
    }
    sort_findings(&mut findings);
    let rules = findings
        .iter()
        .filter_map(|finding| registry::find(finding.rule.as_str()))
        .map(|meta| (meta.id, meta))
        .collect();
    Ok(Report {
        command: "test",
        files,
        findings,
        rules,
        skipped: Vec::new(),
        cases,
        passed_omitted,
        fail_on: None,
        exit,
        diff: None,
        fixed: None,
        config: config_note,
        shard: options.shard.map(|shard| crate::report::ShardPart {
            index: shard.index,
            count: shard.count,
            coverage: Vec::new(),
            unused_suppressions: Vec::new(),
        }),
    })
}

/// Replays the fixture suites under `paths` into `cases` (passing cases only when
/// `keep_passed`), and with `update` each suite's failed cases into `failed`; returns the exit
/// and how many passing cases were not kept.
fn replay_suites(
    reader: &Reader,
    paths: &[PathBuf],
    test: &TestOptions,
    config: &Config,
    gait: &gait_replay::GaitCases,
    cases: &mut Vec<crate::report::CaseOutcome>,
    failed: &mut Vec<(String, Vec<crate::replay::runner::CaseResult>)>,
) -> (Exit, usize) {
    use crate::replay::runner::{self, CaseStatus as Replayed, TestOptions as ReplayOptions};
    use crate::report::{CaseOutcome, CaseStatus};
    let options = ReplayOptions {
        shard: test.shard,
        semantics: semantics(config),
        keep_passed: test.keep_passed,
        gait: Some(gait),
        files: Some(reader),
        progress: test.progress.clone(),
        ..ReplayOptions::default()
    };
    let outcome = runner::test_command(paths, &options);
    let kept_passed: usize = outcome
        .suites
        .iter()
        .flat_map(|suite| &suite.cases)
        .filter(|case| case.status == Replayed::Passed)
        .count();
    let omitted = outcome.passed.saturating_sub(kept_passed);
    if test.update {
        for suite in &outcome.suites {
            let mismatched: Vec<_> = suite
                .cases
                .iter()
                .filter(|case| case.status == Replayed::Failed)
                .cloned()
                .collect();
            if !mismatched.is_empty() {
                failed.push((suite.path.clone(), mismatched));
            }
        }
    }
    for suite in &outcome.suites {
        let name: Arc<str> = Arc::from(discover::display_path(Path::new(&suite.path)));
        if let Some(error) = &suite.error {
            cases.push(CaseOutcome {
                suite: name.clone(),
                name: "(suite)".to_owned(),
                status: CaseStatus::Failed,
                message: Some(error.clone()),
                expected: None,
                actual: None,
                location: None,
                line: None,
            });
        }
        for case in &suite.cases {
            let message = match case.status {
                Replayed::Passed => None,
                Replayed::Failed => Some(case.mismatches.join("; ")),
                Replayed::Error => case.error.clone(),
            };
            cases.push(CaseOutcome {
                suite: name.clone(),
                name: case.name.clone(),
                status: if case.status == Replayed::Passed {
                    CaseStatus::Passed
                } else {
                    CaseStatus::Failed
                },
                message,
                expected: case.expected.as_ref().map(|expect| expect.verdict.clone()),
                actual: case.actual.as_ref().map(|actual| actual.verdict.clone()),
                location: Some(crate::rules::replay::case_location(&name, case)),
                line: Some(case.line),
            });
        }
    }
    (outcome.exit(), omitted)
}

/// Runs the Gait scenario directories under `paths` into `cases`, noting the approved-script
/// registries they read in `registries`.
fn replay_scenarios(
    reader: &Reader,
    paths: &[PathBuf],
    cases: &mut Vec<crate::report::CaseOutcome>,
    registries: &mut BTreeMap<PathBuf, Vec<crate::gait::registry::RegistryUse>>,
) -> Exit {
    use crate::gait::command::{self, ScenarioStatus};
    use crate::report::{CaseOutcome, CaseStatus};
    let mut dirs = Vec::new();
    for path in paths.iter().filter(|path| path.is_dir()) {
        dirs.extend(discover::scenario_dirs(path));
    }
    for dir in &dirs {
        if let Some((path, usage)) = command::scenario_registry_use(reader, dir) {
            registries.entry(path).or_default().push(usage);
        }
    }
    let results: Vec<(PathBuf, command::ScenarioResult)> = dirs
        .par_iter()
        .map(|dir| (dir.clone(), command::run_scenario_dir(reader, dir)))
        .collect();
    let mut exit = Exit::Success;
    for (dir, result) in results {
        let (status, message) = match result.status {
            ScenarioStatus::Passed => (CaseStatus::Passed, None),
            ScenarioStatus::Failed(reasons) => (CaseStatus::Failed, Some(reasons.join("; "))),
            ScenarioStatus::Skipped(reason) => (CaseStatus::Skipped, Some(reason)),
            ScenarioStatus::Invalid(problems) => {
                exit = exit.max(Exit::InvalidInput);
                (CaseStatus::Failed, Some(problems.join("; ")))
            }
        };
        if status == CaseStatus::Failed {
            exit = exit.max(Exit::Regression);
        }
        let actual = result
            .runs
            .first()
            .and_then(|run| run.as_ref().ok())
            .map(|outcome| outcome.verdict.as_str().to_owned());
        cases.push(CaseOutcome {
            suite: Arc::from(discover::display_path(&dir)),
            name: result.name,
            status,
            message,
            expected: None,
            actual,
            location: None,
            line: None,
        });
    }
    exit
}
