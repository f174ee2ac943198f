//! The replay pass of `check`: every discovered fixture suite runs through the evaluators, and
//! the replay rules turn the results (cases that disagree with their expectation, the suites'
//! coverage) into findings on the suite and policy files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{FileOutcome, gait_replay, script_registry, semantics};
use crate::classify::FileKind;
use crate::config::Config;
use crate::discover::{self, Candidate};
use crate::gait::command::ScenarioStatus;
use crate::gait::registry::RegistryUse;
use crate::replay::runner::{self, CaseStatus, TestOptions};
use crate::report::{self, CaseOutcome};
use crate::rules::{self, ReplayContext, ReplayFile, ScenarioReplay};
use crate::source::Reader;

/// The fixture cases a `check` replay reports.
#[derive(Debug, Default)]
pub struct Replayed {
    /// Leave passing cases out of `cases`, counting them in `passed_omitted`: a suite of a
    /// million passing cases need not be held to report that they passed.
    pub omit_passed: bool,
    pub cases: Vec<CaseOutcome>,
    pub passed_omitted: usize,
}

/// Replays the suites among `outcomes`, adding findings to the suite and policy files and one
/// case outcome per replayed case (or, with `omit_passed`, per case that did not pass) to
/// `replayed`. Under `--shard`, returns the coverage of this
/// shard's cases, which no advice is drawn from here (`gatelint merge` joins the shards').
pub fn check_fixtures(
    reader: &Reader,
    candidates: &[Candidate],
    outcomes: &mut Vec<FileOutcome>,
    config: &Config,
    shard: Option<runner::Shard>,
    replayed: &mut Replayed,
    progress: &crate::progress::Progress,
) -> Vec<runner::Coverage> {
    progress.phase(crate::progress::Phase::Replaying);
    let suites: Vec<PathBuf> = candidates
        .iter()
        .zip(outcomes.iter())
        .filter(|(_, outcome)| {
            outcome
                .scanned
                .as_ref()
                .is_some_and(|scanned| scanned.kind == FileKind::FixtureSuite)
                && !outcome.findings.iter().any(|finding| {
                    crate::rules::registry::find(finding.rule.as_str())
                        .is_some_and(|meta| meta.invalid_input)
                })
        })
        .map(|(candidate, _)| candidate.path.clone())
        .collect();
    let mut registries = scenario_registries(reader, candidates, outcomes);
    // The shards of one run replay the same scenario directories: the first one reports them.
    let scenarios = if shard.is_none_or(|shard| shard.index == 1) {
        replay_scenarios(reader, candidates, outcomes)
    } else {
        Vec::new()
    };
    if suites.is_empty() && scenarios.is_empty() {
        script_registry::add_findings(reader, &registries, outcomes);
        return Vec::new();
    }
    let gait = gait_replay::GaitCases::default();
    // The policies were parsed once by the file stage: the replay builds its models from
    // those trees rather than reading and parsing the files again.
    let parsed: runner::Parsed<'_> = outcomes
        .iter()
        .filter_map(|outcome| outcome.project.as_ref())
        .filter(|file| file.stella.is_some())
        .filter_map(|file| {
            let tree = file.tree.as_ref()?;
            Some((reader.absolute(Path::new(file.source.path.as_ref())), tree))
        })
        .collect();
    let options = TestOptions {
        shard,
        semantics: semantics(config),
        keep_passed: !replayed.omit_passed,
        gait: Some(&gait),
        files: Some(reader),
        parsed: Some(&parsed),
        progress: progress.clone(),
        ..TestOptions::default()
    };
    let mut outcome = if suites.is_empty() {
        runner::TestOutcome::default()
    } else {
        runner::test_command(&suites, &options)
    };
    let configured_environments: std::collections::BTreeMap<_, _> = outcome
        .coverage
        .iter()
        .map(|coverage| {
            (
                crate::discover::normalize_display(Path::new(&coverage.policy)),
                coverage.configured_environments.clone(),
            )
        })
        .collect();
    let mut shard_coverage = Vec::new();
    if shard.is_some() {
        // One shard's cases are not the suite's: coverage advice computed from them would be
        // false for the whole run (`environment-not-exercised` for an environment another
        // shard evaluates), so a sharded run gives none and hands its coverage to the report.
        shard_coverage = std::mem::take(&mut outcome.coverage);
    }
    drop(parsed);
    for (path, uses) in gait.registry_uses() {
        registries.entry(path).or_default().extend(uses);
    }
    let index: std::collections::BTreeMap<String, usize> = outcomes
        .iter()
        .enumerate()
        .filter_map(|(at, outcome)| {
            outcome
                .scanned
                .as_ref()
                .map(|scanned| (scanned.source.path.to_string(), at))
        })
        .collect();
    for suite in &outcome.suites {
        let display = discover::normalize_display(Path::new(&suite.path));
        if !index.contains_key(&display) {
            continue;
        }
        let path: Arc<str> = Arc::from(display.as_str());
        let listed = suite
            .cases
            .iter()
            .filter(|case| case.status == CaseStatus::Passed)
            .count();
        replayed.passed_omitted += suite.passed.saturating_sub(listed);
        for case in &suite.cases {
            replayed.cases.push(CaseOutcome {
                suite: path.clone(),
                name: case.name.clone(),
                status: if case.status == CaseStatus::Passed {
                    report::CaseStatus::Passed
                } else {
                    report::CaseStatus::Failed
                },
                message: (!case.mismatches.is_empty()).then(|| case.mismatches.join("; ")),
                expected: case.expected.as_ref().map(|expect| expect.verdict.clone()),
                actual: case.actual.as_ref().map(|actual| actual.verdict.clone()),
                location: Some(crate::rules::replay::case_location(&path, case)),
                line: Some(case.line),
            });
        }
    }
    let files = replay_files(outcomes);
    for scenario in &scenarios {
        let (status, message) = match &scenario.result.status {
            ScenarioStatus::Passed => (report::CaseStatus::Passed, None),
            ScenarioStatus::Skipped(reason) => (report::CaseStatus::Skipped, Some(reason.clone())),
            ScenarioStatus::Failed(reasons) | ScenarioStatus::Invalid(reasons) => {
                (report::CaseStatus::Failed, Some(reasons.join("; ")))
            }
        };
        replayed.cases.push(CaseOutcome {
            suite: scenario.policy.clone(),
            name: scenario.result.name.clone(),
            status,
            message,
            expected: None,
            actual: scenario
                .result
                .runs
                .first()
                .and_then(|run| run.as_ref().ok())
                .map(|outcome| outcome.verdict.as_str().to_owned()),
            location: Some(crate::rules::replay::scenario_location(&scenario.policy)),
            line: None,
        });
    }
    let found = rules::check_replay(&ReplayContext {
        outcome: &outcome,
        scenarios: &scenarios,
        files: &files,
        configured_environments: &configured_environments,
    });
    for finding in found {
        if let Some(target) = index
            .get(finding.primary.path.as_ref())
            .and_then(|&at| outcomes.get_mut(at))
        {
            target.findings.push(finding);
        }
    }
    script_registry::add_findings(reader, &registries, outcomes);
    shard_coverage
}

/// The checked files as the replay rules see them.
pub(super) fn replay_files(outcomes: &[FileOutcome]) -> Vec<ReplayFile<'_>> {
    outcomes
        .iter()
        .filter_map(|outcome| {
            outcome.scanned.as_ref().map(|scanned| ReplayFile {
                source: &scanned.source,
                kind: scanned.kind,
                sections: &outcome.sections,
                references: &outcome.references,
            })
        })
        .collect()
}

/// The Gait scenario directories among the checked files (a scanned `policy.yaml` beside an
/// `expected.yaml` or `expected-verdicts.jsonl`), replayed as `test` replays them.
fn replay_scenarios(
    reader: &Reader,
    candidates: &[Candidate],
    outcomes: &[FileOutcome],
) -> Vec<ScenarioReplay> {
    use rayon::prelude::*;
    let dirs: Vec<(&Candidate, &Path)> = candidates
        .iter()
        .zip(outcomes)
        .filter(|(candidate, outcome)| {
            outcome
                .scanned
                .as_ref()
                .is_some_and(|scanned| scanned.kind == FileKind::GaitPolicy)
                && candidate
                    .path
                    .file_name()
                    .is_some_and(|name| name == "policy.yaml")
        })
        .filter_map(|(candidate, _)| Some((candidate, candidate.path.parent()?)))
        .filter(|(_, dir)| {
            ["expected.yaml", "expected-verdicts.jsonl"]
                .iter()
                .any(|name| reader.check(&dir.join(name)).is_ok())
        })
        .collect();
    dirs.par_iter()
        .map(|(candidate, dir)| ScenarioReplay {
            policy: Arc::from(candidate.display.as_str()),
            result: crate::gait::command::run_scenario_dir(reader, dir),
        })
        .collect()
}

/// The registries of the Gait scenario directories among the checked files: a scanned
/// `policy.yaml` beside a `flags.yaml` that names `approved_script_registry`.
fn scenario_registries(
    reader: &Reader,
    candidates: &[Candidate],
    outcomes: &[FileOutcome],
) -> BTreeMap<PathBuf, Vec<RegistryUse>> {
    let mut out: BTreeMap<PathBuf, Vec<RegistryUse>> = BTreeMap::new();
    for (candidate, outcome) in candidates.iter().zip(outcomes) {
        let is_policy = outcome
            .scanned
            .as_ref()
            .is_some_and(|scanned| scanned.kind == FileKind::GaitPolicy);
        if !is_policy
            || candidate
                .path
                .file_name()
                .is_none_or(|name| name != "policy.yaml")
        {
            continue;
        }
        let Some(dir) = candidate.path.parent() else {
            continue;
        };
        if let Some((path, usage)) = crate::gait::command::scenario_registry_use(reader, dir) {
            out.entry(path).or_default().push(usage);
        }
    }
    out
}

/// The pre-commit form, `check FILE…`: the suites under the repository of each named policy
/// file that refer to one of them (`policy`, `determinization`), so that a staged policy change
/// that breaks a fixture elsewhere is reported. A suite already among `candidates` is not added
/// again; a suite whose header cannot be read is added (fail closed: its error is reported).
/// Costs one walk of each repository and one header read per suite.
pub fn suites_naming(
    reader: &Reader,
    candidates: &[Candidate],
    excludes: &discover::Excludes,
) -> Vec<Candidate> {
    let named: std::collections::BTreeSet<PathBuf> = candidates
        .iter()
        .filter(|candidate| {
            candidate.explicit
                && !candidate
                    .path
                    .file_name()
                    .is_some_and(|name| discover::is_suite_name(&name.to_string_lossy()))
        })
        .map(|candidate| reader.absolute(&candidate.path))
        .collect();
    if named.is_empty() {
        return Vec::new();
    }
    let mut roots: Vec<PathBuf> = named
        .iter()
        .map(|path| {
            path.ancestors()
                .find(|dir| std::fs::symlink_metadata(dir.join(".git")).is_ok())
                .map_or_else(|| reader.absolute(Path::new(".")), Path::to_path_buf)
        })
        .collect();
    roots.sort();
    roots.dedup();
    let known: std::collections::BTreeSet<PathBuf> = candidates
        .iter()
        .map(|candidate| reader.absolute(&candidate.path))
        .collect();
    discover::files_named(&roots, excludes, &discover::is_suite_name)
        .into_iter()
        .filter(|suite| !known.contains(suite))
        .filter(|suite| match references(reader, suite) {
            Some(refs) => refs
                .iter()
                .any(|path| named.contains(&reader.absolute(path))),
            None => true,
        })
        .map(|path| Candidate {
            display: discover::display_path(&path),
            path,
            explicit: false,
            unreadable: None,
        })
        .collect()
}

/// The policy and determinization files a suite's header names, resolved against the suite's
/// directory; `None` when the header cannot be read.
fn references(reader: &Reader, suite: &Path) -> Option<Vec<PathBuf>> {
    use crate::replay::suite;
    let header = if suite::is_jsonl(suite) {
        suite::JsonlSuite::open(reader, suite).ok()?.header
    } else {
        let text = reader.read_string(suite).ok()?;
        suite::parse_document(&discover::display_path(suite), &text)
            .ok()?
            .header
    };
    let mut names = header.policy.to_vec();
    names.extend(header.determinization.to_vec());
    Some(suite::resolve(suite, &names))
}
