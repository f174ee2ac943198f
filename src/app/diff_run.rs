//! `gatelint diff` and the verdict diff of `check --baseline-ref`: both sides replayed, the
//! changed cases classified, the boundary regions of the policy pairs, findings on the case
//! lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::filter::{FailOn, Filter, exit_of};
use super::verdict_diff::{self, BaselineSource, Replayed, SuiteInput};
use super::{
    FileOutcome, ProjectRun, UsageError, analyze_unsuppressed, finish, load_config, semantics,
};
use crate::classify::FileKind;
use crate::config::Config;
use crate::diff::verdicts::{BoundaryRegion, DiffPolicy, DiffSummary, FailOnChange, VerdictOrder};
use crate::exit::Exit;
use crate::finding::{Finding, Severity, sort_findings};
use crate::project::ProjectFile;
use crate::report::{Report, ScannedFile};
use crate::rules::{self, DiffContext, registry};
use crate::source::{Reader, SourceFile};

/// What `diff` is asked to do.
#[derive(Clone, Debug, Default)]
pub struct DiffOptions {
    pub baseline: PathBuf,
    pub candidate: PathBuf,
    pub fixtures: Vec<PathBuf>,
    pub config: crate::config::Choice,
    /// Report the boundary regions of every policy pair, covered by fixtures or not.
    pub exhaustive: bool,
    pub exit_zero: bool,
    /// The terminal's progress bar, if any.
    pub progress: crate::progress::Progress,
}

/// A `[diff]` setting of a config that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DiffConfigError {
    #[error(
        "`[diff] fail-on = \"{0}\"` is not one of `loosening-production`, `loosening`, `any`, `never`"
    )]
    FailOn(String),
}

impl From<DiffConfigError> for UsageError {
    fn from(error: DiffConfigError) -> Self {
        invalid(error.to_string())
    }
}

/// The `[diff]` settings of a config.
pub fn diff_policy(config: &Config) -> Result<DiffPolicy, DiffConfigError> {
    let mut policy = DiffPolicy::default();
    if let Some(text) = &config.diff.fail_on {
        policy.fail_on =
            FailOnChange::parse(text).ok_or_else(|| DiffConfigError::FailOn(text.clone()))?;
    }
    if let Some(tiers) = &config.diff.verdict_order {
        policy.order = VerdictOrder {
            tiers: tiers.clone(),
        };
    }
    if let Some(production) = &config.diff.production {
        policy.production = production.clone();
    }
    Ok(policy)
}

fn invalid(message: impl Into<String>) -> UsageError {
    UsageError::Diff(message.into())
}

/// A `--baseline` that names no path but a git revision: what it resolved to, and the top of
/// the work tree the baseline is read from.
struct Revision {
    given: String,
    resolved: crate::diff::git::Resolved,
    top: PathBuf,
}

impl Revision {
    /// Says which baseline was used.
    fn note(&self) -> String {
        let commit = self
            .resolved
            .commit
            .get(..12)
            .unwrap_or(&self.resolved.commit);
        let what = if self.resolved.guessed {
            format!(
                "the remote-tracking branch `{}` (commit {commit}), as `git checkout {}` would guess",
                self.resolved.name, self.given
            )
        } else {
            format!(
                "the git revision `{}` (commit {commit})",
                self.resolved.name
            )
        };
        format!(
            "baseline `{}` is not a path: the candidate's files are read as they are at {what} in the repository at `{}`",
            self.given,
            crate::discover::display_path(&self.top)
        )
    }
}

/// `--baseline` as a git revision of the repository the candidate is in (else the one the
/// working directory is in), for a baseline path that does not exist.
fn revision_of(baseline: &Path, candidate: &Path, reader: &Reader) -> Result<Revision, UsageError> {
    let missing = || crate::discover::DiscoverError::Missing(baseline.display().to_string());
    let Some(given) = baseline.to_str().map(str::to_owned) else {
        return Err(missing().into());
    };
    let candidate = reader.absolute(candidate);
    let start = if candidate.is_dir() {
        candidate.clone()
    } else {
        candidate
            .parent()
            .map_or_else(|| candidate.clone(), Path::to_path_buf)
    };
    let work_tree = |dir: &Path| {
        dir.ancestors()
            .find(|dir| std::fs::symlink_metadata(dir.join(".git")).is_ok())
            .map(Path::to_path_buf)
    };
    let Some(top) = work_tree(&start).or_else(|| work_tree(&reader.absolute(Path::new("."))))
    else {
        return Err(invalid(format!(
            "{}, and no git repository holds the candidate or the working directory to read it as a revision",
            missing()
        )));
    };
    let resolved = crate::diff::git::resolve(&top, &given).map_err(|error| {
        invalid(format!(
            "{}, and it is no git revision either: {error}",
            missing()
        ))
    })?;
    Ok(Revision {
        given,
        resolved,
        top,
    })
}

/// One candidate-side file of a diff: where it is and how reports name it.
struct Side {
    absolute: PathBuf,
    display: String,
}

/// The policy files of both sides, analysed.
struct Analysed {
    /// The candidate's files, and each invalid baseline file, for the report.
    files: BTreeMap<Arc<str>, ScannedFile>,
    /// The invalid-input errors of either side.
    invalid: Vec<Finding>,
    /// The candidate's outcomes, without their file findings, for the project stage.
    candidates: Vec<FileOutcome>,
    /// The baseline version of each candidate file that has one, named as the candidate.
    baselines: crate::project::ProjectFiles,
}

/// Analyses every candidate file and its baseline version. Both sides must be valid input: a
/// policy that does not parse or bind decides nothing, and comparing it would report a change
/// (or none) that is not there.
fn analyse_sides(
    reader: &Reader,
    source: &BaselineSource,
    candidate: &Path,
    sides: &[Side],
    excludes: &crate::discover::Excludes,
) -> Result<Analysed, UsageError> {
    let mut out = Analysed {
        files: BTreeMap::new(),
        invalid: Vec::new(),
        candidates: Vec::new(),
        baselines: crate::project::ProjectFiles::new(),
    };
    for side in sides {
        let mut outcome = analyse(reader, &side.absolute, &side.display)?;
        out.invalid.extend(invalid_input(&outcome));
        // Only the project stage's findings are the diff's; the file rules are `check`'s.
        outcome.findings.clear();
        if let Some(scanned) = &outcome.scanned {
            out.files
                .insert(scanned.source.path.clone(), scanned.clone());
        }
        out.candidates.push(outcome);
    }
    let wanted: BTreeSet<PathBuf> = sides.iter().map(|side| side.absolute.clone()).collect();
    let mut texts = source.read(reader, &wanted)?;
    let mut baselines = Vec::new();
    for side in sides {
        let Some(Some(bytes)) = texts.remove(&side.absolute) else {
            continue;
        };
        // Named as the candidate, so that the transition rules pair the two versions.
        let outcome = analyse_bytes(&bytes, &side.display);
        let shown = match source {
            BaselineSource::Git { reference, .. } => {
                if let Some(error) = super::invalid_baseline(reference, &outcome) {
                    return Err(error);
                }
                None
            }
            BaselineSource::Files { baseline, .. } => Some(crate::discover::display_path(baseline)),
            BaselineSource::Tree { baseline, .. } => {
                let relative = side
                    .absolute
                    .strip_prefix(candidate)
                    .unwrap_or(&side.absolute);
                Some(crate::discover::display_path(&baseline.join(relative)))
            }
        };
        // An invalid baseline file is reported where it lives.
        if let Some(shown) = shown
            && !invalid_input(&outcome).is_empty()
        {
            let located = analyse_bytes(&bytes, &shown);
            out.invalid.extend(invalid_input(&located));
            if let Some(scanned) = located.scanned {
                out.files.insert(scanned.source.path.clone(), scanned);
            }
        }
        baselines.push(outcome);
    }
    if let BaselineSource::Tree { baseline, .. } = source {
        // Files only the baseline tree has: nothing to compare, but they must be valid too.
        for file in crate::discover::discover(std::slice::from_ref(baseline), excludes)? {
            let absolute = reader.absolute(&file.path);
            let relative = absolute.strip_prefix(baseline).unwrap_or(&absolute);
            if candidate.join(relative).is_file() {
                continue;
            }
            let outcome = analyse(reader, &absolute, &crate::discover::display_path(&absolute))?;
            let broken = invalid_input(&outcome);
            if let (false, Some(scanned)) = (broken.is_empty(), outcome.scanned) {
                out.files.insert(scanned.source.path.clone(), scanned);
                out.invalid.extend(broken);
            }
        }
    }
    out.baselines = super::baseline_files(baselines);
    Ok(out)
}

/// Reads and analyses one file for the diff, named `display`.
fn analyse(reader: &Reader, path: &Path, display: &str) -> Result<FileOutcome, UsageError> {
    let bytes = reader
        .read(path)
        .map_err(|error| invalid(error.to_string()))?;
    Ok(analyse_bytes(&bytes, display))
}

fn analyse_bytes(bytes: &[u8], display: &str) -> FileOutcome {
    let (text, utf8) = crate::parse::decode(bytes);
    analyze_unsuppressed(display, &text, utf8, true, false)
}

/// The invalid-input errors of an analysed file.
fn invalid_input(outcome: &FileOutcome) -> Vec<Finding> {
    outcome
        .findings
        .iter()
        .filter(|finding| super::is_invalid_input(finding))
        .cloned()
        .collect()
}

/// Runs `diff`.
pub fn run_diff(options: &DiffOptions) -> Result<Report, UsageError> {
    let (config, config_outcome) =
        load_config(&options.config, std::slice::from_ref(&options.candidate))?;
    if let Some(outcome) = &config_outcome
        && let Some(finding) = outcome
            .findings
            .iter()
            .find(|finding| finding.severity == Severity::Error)
    {
        return Err(UsageError::Config {
            path: finding.primary.path.to_string(),
            message: finding.message.clone(),
        });
    }
    let policy = diff_policy(&config)?;
    let semantics = semantics(&config);
    if !options.candidate.exists() {
        return Err(crate::discover::DiscoverError::Missing(
            options.candidate.display().to_string(),
        )
        .into());
    }
    let named: Vec<PathBuf> = [&options.baseline, &options.candidate]
        .into_iter()
        .chain(&options.fixtures)
        .cloned()
        .collect();
    let reader = Reader::new(&named);
    let candidate = reader.absolute(&options.candidate);
    let trees = candidate.is_dir();
    let revision = if options.baseline.exists() {
        None
    } else {
        Some(revision_of(&options.baseline, &options.candidate, &reader)?)
    };
    let source = match &revision {
        Some(revision) => BaselineSource::Git {
            reference: revision.resolved.name.clone(),
            dir: revision.top.clone(),
        },
        None => {
            let baseline = reader.absolute(&options.baseline);
            if baseline.is_dir() != trees {
                return Err(invalid(
                    "`--baseline` and `--candidate` must both be files or both be directories",
                ));
            }
            if trees {
                BaselineSource::Tree {
                    baseline,
                    candidate: candidate.clone(),
                }
            } else {
                BaselineSource::Files {
                    baseline,
                    candidate: candidate.clone(),
                }
            }
        }
    };
    let fixtures = if options.fixtures.is_empty() && trees {
        vec![candidate.clone()]
    } else {
        options.fixtures.clone()
    };
    let display = |path: &Path| -> String {
        if trees && let Ok(relative) = reader.absolute(path).strip_prefix(&candidate) {
            return crate::source::slashed(relative);
        }
        crate::discover::display_path(path)
    };
    let mut suites = Vec::new();
    let mut intents = Vec::new();
    for path in &fixtures {
        if !path.exists() {
            return Err(crate::discover::DiscoverError::Missing(path.display().to_string()).into());
        }
        if path.is_dir() {
            let found = crate::replay::runner::discover_suites(std::slice::from_ref(path));
            if found.is_empty() && !trees {
                intents.extend(crate::discover::json_files(path));
            }
            suites.extend(found);
        } else if crate::replay::suite::is_suite_path(path) {
            suites.push(path.clone());
        } else if path
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("json"))
        {
            intents.push(path.clone());
        } else {
            return Err(invalid(format!(
                "fixture `{}` is neither a fixture suite nor a Gait intent (`.json`)",
                path.display()
            )));
        }
    }
    suites.sort();
    suites.dedup();
    intents.sort();
    intents.dedup();
    if !intents.is_empty() && trees {
        return Err(invalid(
            "bare Gait intents need a policy file pair: `--baseline` and `--candidate` files",
        ));
    }
    let inputs: Vec<SuiteInput> = suites
        .iter()
        .map(|path| SuiteInput {
            path: path.clone(),
            display: display(path),
        })
        .collect();
    let mut replayed = verdict_diff::replay_suites(
        &reader,
        &inputs,
        &source,
        &semantics,
        &policy,
        &options.progress,
    )?;
    let label_candidate = crate::discover::display_path(&options.candidate);
    if !intents.is_empty() {
        let pairs =
            verdict_diff::replay_intents(&reader, &source, &candidate, &intents, &label_candidate)?;
        replayed
            .covered
            .entry(candidate.clone())
            .or_default()
            .insert("gait".to_owned());
        for pair in pairs {
            replayed.tally.add(pair, &policy);
        }
    }
    let mut summary = DiffSummary::from_tally(
        source.label(),
        label_candidate,
        std::mem::take(&mut replayed.tally),
        &policy,
    );
    summary.notes = std::mem::take(&mut replayed.notes);
    if let Some(revision) = &revision {
        summary.notes.insert(0, revision.note());
    }

    // The candidate's files: the one file, or every file discovered in the tree.
    let excludes = crate::discover::Excludes::new(&config.exclude)?;
    let sides: Vec<Side> = if trees {
        crate::discover::discover(std::slice::from_ref(&candidate), &excludes)?
            .into_iter()
            .map(|file| {
                let absolute = reader.absolute(&file.path);
                Side {
                    display: display(&absolute),
                    absolute,
                }
            })
            .collect()
    } else {
        vec![Side {
            absolute: candidate.clone(),
            display: crate::discover::display_path(&options.candidate),
        }]
    };
    let Analysed {
        mut files,
        invalid: invalid_findings,
        candidates: candidate_outcomes,
        baselines: baseline_files,
    } = analyse_sides(&reader, &source, &candidate, &sides, &excludes)?;

    // The project stage of `check --baseline-ref`, the baseline versions paired by name.
    let run = ProjectRun {
        validate_only: false,
        baseline: Some(&baseline_files),
        require_reason: config.require_suppression_reason,
        default_failure_action: Some(semantics.default_environment_failure_action),
    };
    let (finished, candidate_files) = finish(candidate_outcomes, &run);
    let mut findings: Vec<Finding> = finished
        .into_iter()
        .flat_map(|outcome| outcome.findings)
        .filter(|finding| registry::find(finding.rule.as_str()).is_some_and(|meta| meta.transition))
        .collect();

    let exhaustive = options.exhaustive || config.diff.exhaustive;
    let mut regions = Vec::new();
    for side in &sides {
        let name: &str = &side.display;
        let (Some(new), Some(old)) = (candidate_files.get(name), baseline_files.get(name)) else {
            continue;
        };
        regions.extend(boundary_regions(
            old,
            new,
            replayed.covered.get(&side.absolute),
            exhaustive,
            &policy,
            &semantics,
        ));
    }
    summary.add_regions(regions, &policy.order);

    for input in &inputs {
        if let Ok(text) = reader.read_string(&input.path) {
            files.insert(
                Arc::from(input.display.as_str()),
                ScannedFile {
                    source: SourceFile::new(input.display.as_str(), text.as_str()),
                    kind: FileKind::FixtureSuite,
                },
            );
        }
    }
    for intent in &intents {
        let name = crate::discover::display_path(intent);
        if let Ok(text) = reader.read_string(intent) {
            files.insert(
                Arc::from(name.as_str()),
                ScannedFile {
                    source: SourceFile::new(name.as_str(), text.as_str()),
                    kind: FileKind::GaitIntent,
                },
            );
        }
    }
    findings.extend(rules::check_diff(&DiffContext {
        changed: &summary.changed,
        policy: &policy,
    }));
    let mut findings = Filter::of_config(&config).apply(findings);
    findings.extend(invalid_findings);
    sort_findings(&mut findings);
    let fail_on = FailOn::of_config(&config);
    let mut exit = exit_of(&findings, fail_on);
    if summary.disallowed() > 0 {
        exit = exit.max(Exit::Regression);
    }
    if options.exit_zero {
        exit = Exit::Success;
    }
    let mut rules = BTreeMap::new();
    for meta in registry::all() {
        rules.insert(meta.id, meta);
    }
    Ok(Report {
        command: "diff",
        files,
        findings,
        rules,
        skipped: Vec::new(),
        cases: Vec::new(),
        fail_on: fail_on.threshold(),
        exit,
        diff: Some(summary),
        passed_omitted: 0,
        fixed: None,
        config: Some(config.chosen.describe()),
        shard: None,
    })
}

/// The regions of a policy pair whose verdict changed: VexTrust for Stella Ops files, intent
/// classes for Gait policies. Reported when `exhaustive`, or when no replayed case reached the
/// gate (`covered` lists the gates the fixtures reached in this policy; `None`: no fixture
/// replays it).
pub fn boundary_regions(
    baseline: &ProjectFile,
    candidate: &ProjectFile,
    covered: Option<&BTreeSet<String>>,
    exhaustive: bool,
    policy: &DiffPolicy,
    semantics: &crate::stellaops::semantics::SemanticsOptions,
) -> Vec<BoundaryRegion> {
    let name = candidate.source.path.to_string();
    let mut out = Vec::new();
    if let (Some(old), Some(new)) = (&baseline.stella, &candidate.stella) {
        let reached = covered.is_some_and(|gates| gates.contains("VexTrust"));
        if exhaustive || !reached {
            use crate::diff::exhaustive;
            let regions = exhaustive::vex_trust(old, new, semantics);
            for region in exhaustive::collapse(regions, &exhaustive::space(old, new)) {
                let direction = policy.order.direction(region.baseline, region.candidate);
                let environment = region.environment.clone();
                out.push(BoundaryRegion {
                    policy: name.clone(),
                    gate: "VexTrust".to_owned(),
                    disallowed: policy.disallows(direction, &environment),
                    environment,
                    region: region.description,
                    baseline: region.baseline.to_owned(),
                    candidate: region.candidate.to_owned(),
                    direction,
                    witness: serde_json::to_value(&region.witness).unwrap_or_default(),
                });
            }
        }
    }
    if let (Some(old), Some(new)) = (&baseline.gait, &candidate.gait)
        && (exhaustive || covered.is_none())
    {
        use crate::diff::gait_classes;
        let changes = gait_classes::changed_classes(old, new);
        for class in gait_classes::collapse(changes, old, new) {
            let direction = policy.order.direction(&class.baseline, &class.candidate);
            out.push(BoundaryRegion {
                policy: name.clone(),
                gate: "gait".to_owned(),
                disallowed: policy.disallows(direction, &class.environment),
                environment: class.environment.clone(),
                region: class.description,
                baseline: class.baseline.clone(),
                candidate: class.candidate.clone(),
                direction,
                witness: class.witness.clone(),
            });
        }
    }
    out
}

/// The verdict diff of `check --baseline-ref`: the discovered suites replayed against the
/// policies at `reference` too.
pub fn check_diff(
    reader: &Reader,
    reference: &str,
    suites: &[SuiteInput],
    config: &Config,
    candidate_files: &[&ProjectFile],
    baseline_files: &crate::project::ProjectFiles,
    progress: &crate::progress::Progress,
) -> Result<(DiffSummary, Vec<Finding>), UsageError> {
    let policy = diff_policy(config)?;
    let semantics = semantics(config);
    let source = BaselineSource::Git {
        reference: reference.to_owned(),
        dir: reader.absolute(Path::new(".")),
    };
    let mut replayed: Replayed =
        verdict_diff::replay_suites(reader, suites, &source, &semantics, &policy, progress)?;
    let mut summary = DiffSummary::from_tally(
        source.label(),
        "working tree".to_owned(),
        std::mem::take(&mut replayed.tally),
        &policy,
    );
    summary.notes = std::mem::take(&mut replayed.notes);
    let mut regions = Vec::new();
    for candidate in candidate_files {
        let path = &candidate.source.path;
        let Some(baseline) = baseline_files.get(path) else {
            continue;
        };
        let absolute = reader.absolute(Path::new(path.as_ref()));
        regions.extend(boundary_regions(
            baseline,
            candidate,
            replayed.covered.get(&absolute),
            config.diff.exhaustive,
            &policy,
            &semantics,
        ));
    }
    summary.add_regions(regions, &policy.order);
    let findings = rules::check_diff(&DiffContext {
        changed: &summary.changed,
        policy: &policy,
    });
    Ok((summary, findings))
}
