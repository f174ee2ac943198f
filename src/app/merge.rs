//! `merge`: joins the JSON reports of the shards of one `--shard K/N` run into the report the
//! unsharded run gives.
//!
//! The shard reports carry findings by line and column, not the text they point into, so the
//! merge reads every scanned file again, through the one [`Reader`], from the checkout the
//! shards ran on (`--root`, default `.`): the reporters quote and locate from it, and each
//! finding's position is checked against it (a checkout of another commit is refused). The
//! coverage advice no shard can give is drawn here from the coverage of all shards, by the same
//! rules `check` runs, at the keys of the re-read files.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::classify::FileKind;
use crate::diff::verdicts::{ChangedCase, DiffSummary, FailOnChange, Recommendation};
use crate::discover::Candidate;
use crate::exit::Exit;
use crate::finding::sort_findings;
use crate::finding::{Applicability, Edit, Finding, Fix, Location, Related, Severity};
use crate::replay::runner::{Coverage, TestOutcome};
use crate::report::{CaseOutcome, CaseStatus, Report, ScannedFile, Skipped};
use crate::rules::{self, ReplayContext, registry};
use crate::source::{Reader, SourceFile};
use crate::span::{ColumnUnit, Span};

use super::analyze::analyze_candidate;
use super::filter::{FailOn, Filter, exit_of};
use super::merge_error::MergeError;
use super::merge_read::{FindingIn, LocationIn, PositionIn, ShardFile, read_shards};
use super::{FileOutcome, UsageError, load_config};

/// What `merge` is asked to do.
#[derive(Clone, Debug, Default)]
pub struct MergeOptions {
    /// The JSON reports of the shards, in any order.
    pub reports: Vec<PathBuf>,
    /// The checkout the shards scanned (their working directory); `.` when empty.
    pub root: Option<PathBuf>,
    pub config: crate::config::Choice,
    /// Exit 0 whatever the merged findings (the shards' own `--exit-zero` is not in their
    /// reports).
    pub exit_zero: bool,
    /// Keep the passing cases of `test` shards in the report (JUnit output lists them); else
    /// they are counted only, as `test` without JUnit output counts them.
    pub keep_passed: bool,
    /// `--select` and `--ignore` of the shards' command line (their reports do not hold them),
    /// applied to the coverage advice the merge adds.
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

/// Merges the shard reports of `options` into one report, as the unsharded run would give it.
pub fn run_merge(options: &MergeOptions) -> Result<Report, UsageError> {
    super::check_rule_ids(&options.select, None)?;
    super::check_rule_ids(&options.ignore, None)?;
    let shards = read_shards(&options.reports)?;
    let Some(first) = shards.first() else {
        return Err(MergeError::NoReports.into());
    };
    let root = options.root.clone().unwrap_or_else(|| PathBuf::from("."));
    let reader = Reader::new(std::slice::from_ref(&root));
    let command: &'static str = match first.report.command.as_str() {
        "check" => "check",
        "test" => "test",
        other => {
            return Err(MergeError::NotReport {
                path: first.path.clone(),
                message: format!("`{other}` reports are not sharded (only `check` and `test`)"),
            }
            .into());
        }
    };

    // The scanned files, read again: the reporters quote them and the coverage rules look up
    // keys in them.
    let mut outcomes: Vec<FileOutcome> = Vec::new();
    let mut files: BTreeMap<Arc<str>, ScannedFile> = BTreeMap::new();
    for file in &first.report.files {
        let kind = kind_named(&file.kind).ok_or_else(|| MergeError::NotReport {
            path: first.path.clone(),
            message: format!("unknown file kind `{}` of `{}`", file.kind, file.path),
        })?;
        let path = root.join(&file.path);
        if let Err(error) = reader.check(&path) {
            return Err(MergeError::Source {
                path: file.path.clone(),
                message: error.to_string(),
            }
            .into());
        }
        let candidate = Candidate {
            display: file.path.clone(),
            path,
            explicit: false,
            unreadable: None,
        };
        let mut outcome = analyze_candidate(&candidate, &reader, false);
        let source = match &outcome.scanned {
            Some(scanned) => scanned.source.clone(),
            // A file the shards scanned as a policy file and this checkout does not: refuse,
            // rather than report against other text.
            None => {
                return Err(MergeError::Mismatch {
                    path: file.path.clone(),
                    message: format!(
                        "the shards scanned it as {}",
                        FileKind::describe(kind.name())
                    ),
                }
                .into());
            }
        };
        if let Some(scanned) = &mut outcome.scanned {
            scanned.kind = kind;
        }
        files.insert(
            source.path.clone(),
            ScannedFile {
                source: source.clone(),
                kind,
            },
        );
        outcomes.push(outcome);
    }

    // Findings: each once (a suite-level `fixture-error` comes from every shard).
    let mut findings = Vec::new();
    for shard in &shards {
        for finding in &shard.report.findings {
            findings.push(finding_of(finding, &files, &reader, &root, &shard.path)?);
        }
    }
    let (config, _) = load_config(&options.config, std::slice::from_ref(&root))?;
    let filter = Filter::new(&options.select, &options.ignore, &config);
    let (advice, used) = coverage_advice(&shards, &outcomes, &filter);
    findings.extend(advice);
    sort_findings(&mut findings);
    findings.dedup();
    // A suppression is unused in the run only when no shard used it and the coverage advice
    // the merge adds does not use it either.
    let unused_everywhere = |finding: &Finding| {
        shards.iter().all(|shard| {
            shard.report.shard.as_ref().is_some_and(|part| {
                part.unused_suppressions.iter().any(|unused| {
                    unused.path == *finding.primary.path && same_place(unused, finding, &files)
                })
            })
        })
    };
    findings.retain(|finding| {
        finding.rule.as_str() != "unused-suppression"
            || (unused_everywhere(finding)
                && !used.iter().any(|(path, span)| {
                    *path == finding.primary.path && *span == finding.primary.span
                }))
    });

    let mut cases = cases_of(&shards, &findings, &files);
    // Passing cases a shard counted but did not list (`test` without JUnit output).
    let passed_omitted = shards
        .iter()
        .map(|shard| {
            shard
                .report
                .summary
                .cases
                .total
                .saturating_sub(shard.report.cases.len())
        })
        .sum::<usize>();
    let kept = cases.len();
    if !options.keep_passed {
        cases.retain(|case| case.status != CaseStatus::Passed);
    }
    let passed_omitted = passed_omitted + (kept - cases.len());
    let diff = diff_of(&shards, &cases, &findings);
    let fail_on = match &first.report.fail_on {
        Some(name) => Severity::parse(name).map_or(FailOn::Never, FailOn::At),
        None => FailOn::Never,
    };
    let exit = if options.exit_zero {
        Exit::Success
    } else if command == "test" {
        // `test` decides from its cases, which each shard reports once.
        shards.iter().fold(Exit::Success, |exit, shard| {
            exit.max(Exit::from_code(i64::from(shard.report.exit.code)))
        })
    } else {
        exit_of(&findings, fail_on)
    };
    let mut skipped: Vec<Skipped> = shards
        .iter()
        .flat_map(|shard| &shard.report.skipped)
        .map(|skipped| Skipped {
            path: skipped.path.clone(),
            reason: skipped.reason.clone(),
        })
        .collect();
    skipped.sort();
    skipped.dedup();
    let mut all_rules = BTreeMap::new();
    for meta in registry::all() {
        all_rules.insert(meta.id, meta);
    }
    Ok(Report {
        command,
        files,
        findings,
        rules: all_rules,
        skipped,
        cases,
        passed_omitted,
        fail_on: match fail_on {
            FailOn::At(severity) => Some(severity),
            FailOn::Never => None,
        },
        exit,
        diff,
        fixed: None,
        config: Some(config.chosen.describe()),
        shard: None,
    })
}

/// The coverage rules: the advice that needs every case of the run.
const COVERAGE_RULES: [&str; 3] = [
    "environment-not-exercised",
    "gate-not-exercised",
    "tenant-not-exercised",
];

/// The coverage advice over the cases of all shards, filtered as `check` filters it (`filter`:
/// `--select`/`--ignore` and the configuration's rule settings; inline suppressions), and the suppressions (path, comment
/// span) that covered some of it.
fn coverage_advice(
    shards: &[ShardFile],
    outcomes: &[FileOutcome],
    filter: &Filter<'_>,
) -> (Vec<Finding>, Vec<(Arc<str>, Span)>) {
    let mut joined: Vec<Coverage> = Vec::new();
    for shard in shards {
        let Some(part) = &shard.report.shard else {
            continue;
        };
        for coverage in &part.coverage {
            match joined
                .iter_mut()
                .find(|known| known.policy == coverage.policy)
            {
                Some(known) => known.absorb(coverage),
                None => joined.push(coverage.clone()),
            }
        }
    }
    if joined.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let outcome = TestOutcome {
        coverage: joined,
        ..TestOutcome::default()
    };
    let replay_files = super::replay::replay_files(outcomes);
    let configured = BTreeMap::new();
    let found = rules::check_replay(&ReplayContext {
        outcome: &outcome,
        scenarios: &[],
        files: &replay_files,
        configured_environments: &configured,
    });
    let mut used = Vec::new();
    let mut advice = Vec::new();
    for finding in found {
        if !COVERAGE_RULES.contains(&finding.rule.as_str()) {
            continue;
        }
        let covering = replay_files
            .iter()
            .find(|file| file.source.path == finding.primary.path)
            .and_then(|file| rules::suppress::covering(file.source, &finding));
        match covering {
            Some(span) => used.push((finding.primary.path.clone(), span)),
            None => advice.push(finding),
        }
    }
    (filter.apply(advice), used)
}

/// Whether `location`, as a report wrote it, is where `finding` is.
fn same_place(
    location: &LocationIn,
    finding: &Finding,
    files: &BTreeMap<Arc<str>, ScannedFile>,
) -> bool {
    files.get(&finding.primary.path).is_some_and(|file| {
        span_of(&file.source, &location.start, &location.end) == Some(finding.primary.span)
    })
}

fn kind_named(name: &str) -> Option<FileKind> {
    [
        FileKind::StellaOps,
        FileKind::Determinization,
        FileKind::GaitPolicy,
        FileKind::GaitIntent,
        FileKind::GaitIntents,
        FileKind::GaitScriptRegistry,
        FileKind::FixtureSuite,
        FileKind::Config,
    ]
    .into_iter()
    .find(|kind| kind.name() == name)
}

/// A finding of a shard report, located again in the re-read file.
fn finding_of(
    finding: &FindingIn,
    files: &BTreeMap<Arc<str>, ScannedFile>,
    reader: &Reader,
    root: &std::path::Path,
    report: &str,
) -> Result<Finding, MergeError> {
    let Some(meta) = registry::find(&finding.rule) else {
        return Err(MergeError::NotReport {
            path: report.to_owned(),
            message: format!("unknown rule `{}`", finding.rule),
        });
    };
    let severity = Severity::parse(&finding.severity).ok_or_else(|| MergeError::NotReport {
        path: report.to_owned(),
        message: format!("unknown severity `{}`", finding.severity),
    })?;
    let primary = located(&finding.location, files, reader, root)?;
    let mut out = Finding::new(
        meta.id,
        severity,
        primary.0.clone(),
        finding.message.clone(),
    );
    out.help = finding.help.clone();
    for related in &finding.related {
        let (location, _) = located(&related.location, files, reader, root)?;
        out.related.push(Related {
            location,
            message: related.message.clone(),
        });
    }
    if let Some(fix) = &finding.fix {
        let applicability = match fix.applicability.as_str() {
            "safe" => Applicability::Safe,
            "unsafe" => Applicability::Unsafe,
            _ => Applicability::Update,
        };
        let source = &primary.1;
        let edits: Option<Vec<Edit>> = fix
            .edits
            .iter()
            .map(|edit| {
                let span = span_of(source, &edit.start, &edit.end)?;
                Some(Edit::replace(span, edit.content.clone()))
            })
            .collect();
        out.fix = edits.and_then(|edits| Fix::new(applicability, fix.description.clone(), edits));
    }
    Ok(out)
}

/// The location of `location` in its file, with the file; a file outside the scanned ones (a
/// related location) is read too.
fn located(
    location: &LocationIn,
    files: &BTreeMap<Arc<str>, ScannedFile>,
    reader: &Reader,
    root: &std::path::Path,
) -> Result<(Location, SourceFile), MergeError> {
    let source = match files.get(location.path.as_str()) {
        Some(file) => file.source.clone(),
        None => {
            let text = reader
                .read_string(&root.join(&location.path))
                .map_err(|error| MergeError::Source {
                    path: location.path.clone(),
                    message: error.to_string(),
                })?;
            SourceFile::new(location.path.as_str(), text)
        }
    };
    let span =
        span_of(&source, &location.start, &location.end).ok_or_else(|| MergeError::Mismatch {
            path: location.path.clone(),
            message: format!(
                "it has no position {}:{}",
                location.start.line, location.start.column
            ),
        })?;
    Ok((
        Location::new(source.path.clone(), span, location.pointer.clone()),
        source,
    ))
}

/// The byte span of a start and end written as 1-based lines and columns (Unicode scalar
/// values), when the text holds both and they give those positions back.
fn span_of(source: &SourceFile, start: &PositionIn, end: &PositionIn) -> Option<Span> {
    let from = offset_of(source, start)?;
    let to = offset_of(source, end)?;
    let span = Span::new(from, to.max(from));
    let region = source.region(span, ColumnUnit::Chars);
    (region.start.line.get() == start.line
        && region.start.column.get() == start.column
        && region.end.line.get() == end.line
        && region.end.column.get() == end.column)
        .then_some(span)
}

fn offset_of(source: &SourceFile, position: &PositionIn) -> Option<usize> {
    let line = usize::try_from(position.line).ok()?.checked_sub(1)?;
    let column = usize::try_from(position.column).ok()?.checked_sub(1)?;
    let lines = source.lines();
    if line >= lines.line_count().max(1) {
        return None;
    }
    let start = lines.line_range(&source.text, line).start;
    let rest = source.text.get(start..)?;
    match rest.char_indices().nth(column) {
        Some((at, _)) => Some(start + at),
        None => (rest.chars().count() == column).then_some(source.text.len()),
    }
}

/// Every shard's cases, in suite order and then by line (Gait scenarios after the suites), each
/// pointing at its finding when it failed as one.
fn cases_of(
    shards: &[ShardFile],
    findings: &[Finding],
    files: &BTreeMap<Arc<str>, ScannedFile>,
) -> Vec<CaseOutcome> {
    let line_of = |finding: &Finding| {
        files.get(&finding.primary.path).map(|file| {
            file.source
                .region(finding.primary.span, ColumnUnit::Chars)
                .start
                .line
                .get()
        })
    };
    let mut cases: Vec<CaseOutcome> = Vec::new();
    for shard in shards {
        for case in &shard.report.cases {
            let suite: Arc<str> = Arc::from(case.suite.as_str());
            let status = match case.status.as_str() {
                "passed" => CaseStatus::Passed,
                "skipped" => CaseStatus::Skipped,
                _ => CaseStatus::Failed,
            };
            let location = findings
                .iter()
                .find(|finding| {
                    matches!(finding.rule.as_str(), "fixture-mismatch" | "fixture-error")
                        && finding.primary.path == suite
                        && finding.primary.pointer.starts_with("/cases/")
                        && case.line.is_some()
                        && line_of(finding) == case.line
                })
                .map(|finding| finding.primary.clone());
            cases.push(CaseOutcome {
                suite,
                name: case.name.clone(),
                status,
                message: case.message.clone(),
                expected: case.expected.clone(),
                actual: case.actual.clone(),
                location,
                line: case.line,
            });
        }
    }
    // Suites in the order the shards replayed them (discovery order), each shard's sequence
    // placed among the suites already known; Gait scenario directories (no line) after them.
    let mut order: Vec<Arc<str>> = Vec::new();
    for shard in shards {
        let mut sequence: Vec<&str> = Vec::new();
        for case in shard.report.cases.iter().filter(|case| case.line.is_some()) {
            if sequence.last() != Some(&case.suite.as_str()) {
                sequence.push(&case.suite);
            }
        }
        for (at, suite) in sequence.iter().enumerate() {
            if order.iter().any(|known| &**known == *suite) {
                continue;
            }
            let position = |name: &str| order.iter().position(|known| &**known == name);
            let after = sequence
                .get(..at)
                .unwrap_or_default()
                .iter()
                .rev()
                .find_map(|name| position(name))
                .map(|index| index + 1);
            let before = || {
                sequence
                    .get(at + 1..)
                    .unwrap_or_default()
                    .iter()
                    .find_map(|name| position(name))
            };
            let index = after.or_else(before).unwrap_or(order.len());
            order.insert(index, Arc::from(*suite));
        }
    }
    let rank = |case: &CaseOutcome| {
        order
            .iter()
            .position(|suite| *suite == case.suite)
            .unwrap_or(order.len())
    };
    cases.sort_by_key(|case| (case.line.is_none(), rank(case), case.line));
    cases
}

/// The verdict diff of the whole run. `check --baseline-ref --shard` diffs every case in every
/// shard (the verdict findings are shard 1's), so shards that agree give their diff once;
/// shards with diffs of their own cases are joined: changed cases of each, counts summed,
/// regions and notes once.
fn diff_of(
    shards: &[ShardFile],
    cases: &[CaseOutcome],
    findings: &[Finding],
) -> Option<DiffSummary> {
    let mut merged: Option<DiffSummary> = None;
    let first = shards.first()?;
    let same = shards.iter().all(|shard| {
        shard.report.diff == first.report.diff && shard.report.changed == first.report.changed
    });
    let parts = if same {
        std::slice::from_ref(first)
    } else {
        shards
    };
    for shard in parts {
        let Some(diff) = &shard.report.diff else {
            continue;
        };
        let summary = merged.get_or_insert_with(|| DiffSummary {
            baseline: diff.baseline.clone(),
            candidate: diff.candidate.clone(),
            fail_on: FailOnChange::parse(&diff.fail_on).unwrap_or_default(),
            total: 0,
            baseline_verdicts: BTreeMap::new(),
            candidate_verdicts: BTreeMap::new(),
            changed: Vec::new(),
            regions: Vec::new(),
            recommendation: Recommendation::Enforce,
            notes: Vec::new(),
        });
        summary.total += diff.cases_total;
        for count in &diff.baseline_verdicts {
            *summary
                .baseline_verdicts
                .entry(count.verdict.clone())
                .or_default() += count.count;
        }
        for count in &diff.candidate_verdicts {
            *summary
                .candidate_verdicts
                .entry(count.verdict.clone())
                .or_default() += count.count;
        }
        summary.recommendation = summary.recommendation.join(diff.recommendation);
        summary.regions.extend(diff.regions.iter().cloned());
        for note in &diff.notes {
            if !summary.notes.contains(note) {
                summary.notes.push(note.clone());
            }
        }
        for changed in shard.report.changed.iter().flatten() {
            // The case's place, from the verdict finding on it (`/cases/<index>`).
            let place = findings.iter().find(|finding| {
                finding.rule.as_str().starts_with("verdict-")
                    && *finding.primary.path == *changed.suite
                    && finding
                        .message
                        .starts_with(&format!("case `{}` ", changed.case))
            });
            let index = place
                .and_then(|finding| finding.primary.pointer.strip_prefix("/cases/"))
                .and_then(|index| index.parse().ok())
                .or_else(|| {
                    cases
                        .iter()
                        .find(|case| *case.suite == *changed.suite && case.name == changed.case)
                        .and_then(|case| case.line)
                        .map(|line| line as usize)
                })
                .unwrap_or(0);
            summary.changed.push(ChangedCase {
                suite: changed.suite.clone(),
                case: changed.case.clone(),
                span: place.map(|finding| finding.primary.span),
                index,
                environment: changed.environment.clone(),
                direction: changed.direction,
                disallowed: changed.disallowed,
                baseline: changed.baseline.clone(),
                candidate: changed.candidate.clone(),
            });
        }
    }
    let mut summary = merged?;
    summary
        .changed
        .sort_by(|a, b| (&a.suite, a.index, &a.case).cmp(&(&b.suite, b.index, &b.case)));
    summary.changed.dedup();
    summary.regions.sort_by(|a, b| {
        (&a.policy, &a.gate, &a.environment, &a.region).cmp(&(
            &b.policy,
            &b.gate,
            &b.environment,
            &b.region,
        ))
    });
    summary.regions.dedup();
    Some(summary)
}
