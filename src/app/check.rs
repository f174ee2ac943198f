//! `check` and `validate`: discover, analyse every file, replay the suites, diff against the
//! baseline, run the project rules, filter and decide the exit.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::classify::FileKind;
use crate::config;
use crate::discover::{self, Excludes};
use crate::exit::Exit;
use crate::finding::Finding;
use crate::project::{ProjectFile, ProjectFiles};
use crate::report::Report;
use crate::rules::registry;
use crate::source::Reader;

use super::analyze::analyze_candidate;
use super::filter::{FailOn, Filter, exit_of};
use super::{
    FileOutcome, ProjectRun, UsageError, analyze_unsuppressed, baseline_files, check_rule_ids,
    diff_run, finish, load_config, replay, verdict_diff,
};

/// What `check` and `validate` are asked to do.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub config: config::Choice,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// `None` = the config's `fail-on`, else `error`.
    pub fail_on: Option<FailOn>,
    pub allow_empty: bool,
    pub exit_zero: bool,
    /// `validate`: parse and schema rules only.
    pub validate_only: bool,
    /// `--baseline-ref`: the git commit whose versions of the scanned files are the baseline.
    pub baseline_ref: Option<String>,
    /// `--shard K/N`: replay only this shard of the fixture cases.
    pub shard: Option<crate::replay::runner::Shard>,
    /// The terminal's progress bar, if any.
    pub progress: crate::progress::Progress,
    /// Report passing fixture cases as a count (`Report::passed_omitted`), not one by one. The
    /// command line sets it unless a report lists passing cases (JUnit, the Markdown summary's
    /// collapsed list) or a shard's JSON feeds `gatelint merge`.
    pub omit_passed: bool,
}

/// The rules whose findings come from the fixture cases a shard replays; under `--shard K/N`
/// with K > 1 the other findings are left to shard 1.
const SHARDED_RULES: [&str; 2] = ["fixture-mismatch", "fixture-error"];

/// Runs `check` (or `validate`) and builds the report.
pub fn run_check(options: &CheckOptions) -> Result<Report, UsageError> {
    let (config, config_outcome) = load_config(&options.config, &options.paths)?;
    let filter = Filter::new(&options.select, &options.ignore, &config);
    check_rule_ids(&options.select, None)?;
    check_rule_ids(&options.ignore, None)?;
    let origin = config.origin.as_ref();
    check_rule_ids(&config.select, origin)?;
    check_rule_ids(&config.ignore, origin)?;
    for id in config.severity.keys() {
        check_rule_ids(std::slice::from_ref(id), origin)?;
    }
    for entry in &config.ignores {
        check_rule_ids(std::slice::from_ref(&entry.rule), origin)?;
    }
    for entry in &config.overrides {
        check_rule_ids(&entry.select, origin)?;
        check_rule_ids(&entry.ignore, origin)?;
        for id in entry.severity.keys() {
            check_rule_ids(std::slice::from_ref(id), origin)?;
        }
    }
    let fail_on = options
        .fail_on
        .unwrap_or_else(|| FailOn::of_config(&config));
    let paths = if options.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        options.paths.clone()
    };
    let mut excludes = Excludes::new(&config.exclude)?;
    if let Some(base) = &config.base {
        excludes = excludes.based(&base.prepend, &base.strip);
    }
    options.progress.phase(crate::progress::Phase::Discovering);
    let mut candidates = discover::discover(&paths, &excludes)?;
    let reader = Reader::new(&paths);
    if !options.validate_only {
        let extra = replay::suites_naming(&reader, &candidates, &excludes);
        candidates.extend(extra);
    }
    options.progress.phase(crate::progress::Phase::Checking);
    let validate_run = ProjectRun {
        validate_only: true,
        require_reason: config.require_suppression_reason,
        ..ProjectRun::default()
    };
    let mut outcomes: Vec<FileOutcome> = candidates
        .par_iter()
        .map(|candidate| {
            options.progress.tick();
            let outcome = analyze_candidate(candidate, &reader, options.validate_only);
            if !options.validate_only {
                return outcome;
            }
            // `validate` has no project stage: each file is finished where it was analysed,
            // and a file without findings gives its text back at once.
            let (mut finished, _) = finish(vec![outcome], &validate_run);
            let mut outcome = finished.pop().unwrap_or_default();
            let quoted = quoted_paths(&outcome.findings);
            release_unquoted(&mut outcome, &quoted);
            outcome
        })
        .collect();
    let mut replayed = replay::Replayed {
        omit_passed: options.omit_passed,
        ..replay::Replayed::default()
    };
    let mut shard_coverage = Vec::new();
    if !options.validate_only {
        shard_coverage = replay::check_fixtures(
            &reader,
            &candidates,
            &mut outcomes,
            &config,
            options.shard,
            &mut replayed,
            &options.progress,
        );
    }
    let resolved = match &options.baseline_ref {
        Some(reference) if !options.validate_only => {
            Some(crate::diff::git::resolve(Path::new("."), reference)?)
        }
        _ => None,
    };
    let baseline = match &resolved {
        Some(resolved) => Some(read_git_baseline(&resolved.name, &outcomes)?),
        None => None,
    };
    let mut verdict_diff = None;
    if let (Some(resolved), Some(baseline)) = (&resolved, &baseline) {
        let reference = &resolved.name;
        let suites: Vec<verdict_diff::SuiteInput> = outcomes
            .iter()
            .filter_map(|outcome| outcome.scanned.as_ref())
            .filter(|scanned| scanned.kind == FileKind::FixtureSuite)
            .map(|scanned| verdict_diff::SuiteInput {
                path: PathBuf::from(scanned.source.path.as_ref()),
                display: scanned.source.path.to_string(),
            })
            .collect();
        let candidate_files: Vec<&ProjectFile> = outcomes
            .iter()
            .filter_map(|outcome| outcome.project.as_ref())
            .collect();
        let (mut summary, found) = diff_run::check_diff(
            &reader,
            reference,
            &suites,
            &config,
            &candidate_files,
            baseline,
            &options.progress,
        )?;
        for finding in found {
            if let Some(outcome) = outcomes.iter_mut().find(|outcome| {
                outcome
                    .scanned
                    .as_ref()
                    .is_some_and(|scanned| scanned.source.path == finding.primary.path)
            }) {
                outcome.findings.push(finding);
            }
        }
        if resolved.guessed {
            summary.notes.insert(
                0,
                format!(
                    "baseline ref `{}` is the remote-tracking branch `{}` (commit {}), as `git checkout {}` would guess",
                    options.baseline_ref.as_deref().unwrap_or_default(),
                    resolved.name,
                    resolved.commit.get(..12).unwrap_or(&resolved.commit),
                    options.baseline_ref.as_deref().unwrap_or_default(),
                ),
            );
        }
        verdict_diff = Some(summary);
    }
    let run = ProjectRun {
        validate_only: options.validate_only,
        baseline: baseline.as_ref(),
        require_reason: config.require_suppression_reason,
        default_failure_action: Some(super::semantics(&config).default_environment_failure_action),
    };
    let outcomes = if options.validate_only {
        outcomes
    } else {
        let (mut outcomes, _project) = finish(outcomes, &run);
        let quoted = quoted_paths(outcomes.iter().flat_map(|outcome| &outcome.findings));
        for outcome in &mut outcomes {
            release_unquoted(outcome, &quoted);
        }
        outcomes
    };

    let mut files = BTreeMap::new();
    let mut findings = Vec::new();
    let mut skipped = Vec::new();
    for outcome in config_outcome.into_iter().chain(outcomes) {
        if let Some(scanned) = outcome.scanned {
            files.insert(scanned.source.path.clone(), scanned);
        }
        findings.extend(outcome.findings);
        skipped.extend(outcome.skipped);
    }
    let walked_dirs: Vec<&PathBuf> = paths.iter().filter(|path| path.is_dir()).collect();
    if files.is_empty() && !walked_dirs.is_empty() && !options.allow_empty {
        let names: Vec<String> = walked_dirs
            .iter()
            .map(|path| discover::display_path(path))
            .collect();
        return Err(UsageError::NothingToCheck(names.join("`, `")));
    }

    let mut findings = filter.apply(findings);
    let unused_suppressions: Vec<Finding> = match options.shard {
        Some(_) => findings
            .iter()
            .filter(|finding| finding.rule.as_str() == "unused-suppression")
            .cloned()
            .collect(),
        None => Vec::new(),
    };
    if let Some(shard) = options.shard
        && shard.index != 1
    {
        // The shards of one run scan the same files: each reports the cases it replayed, and
        // shard 1 alone the findings on the files, so merged shard reports hold each once.
        findings.retain(|finding| SHARDED_RULES.contains(&finding.rule.as_str()));
    }
    let mut rules = BTreeMap::new();
    for meta in registry::all() {
        rules.insert(meta.id, meta);
    }
    let mut exit = exit_of(&findings, fail_on);
    if options.exit_zero {
        exit = Exit::Success;
    }
    skipped.sort();
    Ok(Report {
        command: if options.validate_only {
            "validate"
        } else {
            "check"
        },
        files,
        findings,
        rules,
        skipped,
        cases: replayed.cases,
        passed_omitted: replayed.passed_omitted,
        fail_on: fail_on.threshold(),
        exit,
        diff: verdict_diff,
        fixed: None,
        config: Some(config.chosen.describe()),
        shard: options.shard.map(|shard| crate::report::ShardPart {
            index: shard.index,
            count: shard.count,
            coverage: shard_coverage,
            unused_suppressions,
        }),
    })
}

/// Every file a finding locates something in (primary or related).
fn quoted_paths<'f>(findings: impl IntoIterator<Item = &'f Finding>) -> BTreeSet<Arc<str>> {
    findings
        .into_iter()
        .flat_map(|finding| {
            std::iter::once(&finding.primary.path)
                .chain(finding.related.iter().map(|related| &related.location.path))
        })
        .cloned()
        .collect()
}

/// Releases the text of a file no finding locates anything in: only findings are rendered
/// from it, so a large scan need not hold every file until the report.
fn release_unquoted(outcome: &mut FileOutcome, quoted: &BTreeSet<Arc<str>>) {
    if let Some(scanned) = &mut outcome.scanned
        && !quoted.contains(&scanned.source.path)
    {
        scanned.source.release_text();
    }
}

/// The baseline versions (at git `reference`) of every analysed file with a model.
fn read_git_baseline(
    reference: &str,
    outcomes: &[FileOutcome],
) -> Result<ProjectFiles, UsageError> {
    let paths: Vec<String> = outcomes
        .iter()
        .filter_map(|outcome| outcome.project.as_ref())
        .map(|file| file.source.path.to_string())
        .collect();
    let texts = crate::diff::git::read_baseline(Path::new("."), reference, &paths)?;
    let raw: Vec<FileOutcome> = texts
        .iter()
        .filter_map(|(path, text)| {
            text.as_ref()
                .map(|text| analyze_unsuppressed(path, text, None, true, false))
        })
        .collect();
    if let Some(error) = raw
        .iter()
        .find_map(|outcome| super::invalid_baseline(reference, outcome))
    {
        return Err(error);
    }
    Ok(baseline_files(raw))
}
