//! `gatelint diff` and the verdict diff of `check --baseline-ref`: both sides replayed, the
//! changed cases classified, the boundary regions of the policy pairs, findings on the case
//! lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::verdict_diff::{self, BaselineSource, Replayed, SuiteInput};
use super::{UsageError, analyze_unsuppressed, load_config, semantics};
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
    for path in [&options.baseline, &options.candidate] {
        if !path.exists() {
            return Err(crate::discover::DiscoverError::Missing(path.display().to_string()).into());
        }
    }
    let named: Vec<PathBuf> = [&options.baseline, &options.candidate]
        .into_iter()
        .chain(&options.fixtures)
        .cloned()
        .collect();
    let reader = Reader::new(&named);
    let baseline = reader.absolute(&options.baseline);
    let candidate = reader.absolute(&options.candidate);
    let trees = match (baseline.is_dir(), candidate.is_dir()) {
        (true, true) => true,
        (false, false) => false,
        _ => {
            return Err(invalid(
                "`--baseline` and `--candidate` must both be files or both be directories",
            ));
        }
    };
    let source = if trees {
        BaselineSource::Tree {
            baseline: baseline.clone(),
            candidate: candidate.clone(),
        }
    } else {
        BaselineSource::Files {
            baseline: baseline.clone(),
            candidate: candidate.clone(),
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
    let mut replayed =
        verdict_diff::replay_suites(&reader, &inputs, &source, &semantics, &options.progress)?;
    let label_candidate = crate::discover::display_path(&options.candidate);
    if !intents.is_empty() {
        let pairs = verdict_diff::replay_intents(
            &reader,
            &baseline,
            &candidate,
            &intents,
            &label_candidate,
        )?;
        replayed
            .covered
            .entry(candidate.clone())
            .or_default()
            .insert("gait".to_owned());
        replayed.pairs.extend(pairs);
    }
    let mut summary = DiffSummary::build(source.label(), label_candidate, &replayed.pairs, &policy);
    summary.notes = std::mem::take(&mut replayed.notes);
    // The policy pairs of the exhaustive diff.
    let mut policy_pairs = Vec::new();
    if trees {
        let excludes = crate::discover::Excludes::new(&config.exclude)?;
        let found = crate::discover::discover(std::slice::from_ref(&candidate), &excludes)?;
        for file in found {
            let absolute = reader.absolute(&file.path);
            let Ok(relative) = absolute.strip_prefix(&candidate) else {
                continue;
            };
            let old = baseline.join(relative);
            if old.is_file() {
                policy_pairs.push((crate::source::slashed(relative), absolute.clone(), old));
            }
        }
    } else {
        policy_pairs.push((
            crate::discover::display_path(&options.candidate),
            candidate.clone(),
            baseline.clone(),
        ));
    }
    // Both sides must be valid input: a policy that does not parse or bind decides nothing,
    // and comparing it would report a change (or none) that is not there.
    let mut sides: Vec<PathBuf> = policy_pairs
        .iter()
        .flat_map(|(_, new, old)| [new.clone(), old.clone()])
        .collect();
    if trees {
        let excludes = crate::discover::Excludes::new(&config.exclude)?;
        for root in [&baseline, &candidate] {
            for file in crate::discover::discover(std::slice::from_ref(root), &excludes)? {
                sides.push(reader.absolute(&file.path));
            }
        }
    }
    sides.sort();
    sides.dedup();
    let mut files = BTreeMap::new();
    let mut invalid_findings = Vec::new();
    for path in &sides {
        let display = crate::discover::display_path(path);
        let outcome = match reader.read(path) {
            Ok(bytes) => {
                let (text, utf8) = crate::parse::decode(&bytes);
                analyze_unsuppressed(&display, &text, utf8, true, true)
            }
            Err(error) => return Err(invalid(error.to_string())),
        };
        let broken: Vec<Finding> = outcome
            .findings
            .into_iter()
            .filter(|finding| {
                finding.severity == Severity::Error
                    && registry::find(finding.rule.as_str()).is_some_and(|meta| meta.invalid_input)
            })
            .collect();
        if let (false, Some(scanned)) = (broken.is_empty(), outcome.scanned) {
            files.insert(scanned.source.path.clone(), scanned);
            invalid_findings.extend(broken);
        }
    }

    let exhaustive = options.exhaustive || config.diff.exhaustive;
    let mut regions = Vec::new();
    for (name, new, old) in policy_pairs {
        let (Ok(new_text), Ok(old_text)) = (reader.read_string(&new), reader.read_string(&old))
        else {
            continue;
        };
        let candidate_file = analyze_unsuppressed(&name, &new_text, None, true, false).project;
        let baseline_file = analyze_unsuppressed(&name, &old_text, None, true, false).project;
        let (Some(candidate_file), Some(baseline_file)) = (candidate_file, baseline_file) else {
            continue;
        };
        regions.extend(boundary_regions(
            &baseline_file,
            &candidate_file,
            replayed.covered.get(&new),
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
    let mut findings = rules::check_diff(&DiffContext {
        changed: &summary.changed,
        policy: &policy,
    });
    let mut exit = if summary.disallowed() > 0 {
        Exit::Regression
    } else {
        Exit::Success
    };
    if !invalid_findings.is_empty() {
        exit = exit.max(Exit::InvalidInput);
        findings.extend(invalid_findings);
    }
    sort_findings(&mut findings);
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
        fail_on: None,
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
            for region in crate::diff::exhaustive::vex_trust(old, new, semantics) {
                let direction = policy.order.direction(region.baseline, region.candidate);
                let environment = region.environment.clone();
                out.push(BoundaryRegion {
                    policy: name.clone(),
                    gate: "VexTrust".to_owned(),
                    disallowed: policy.disallows(direction, &environment),
                    environment,
                    region: region
                        .describe()
                        .rsplit_once(": ")
                        .map_or_else(|| region.describe(), |(head, _)| head.to_owned()),
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
        for class in crate::diff::gait_classes::changed_classes(old, new) {
            let direction = policy.order.direction(&class.baseline, &class.candidate);
            out.push(BoundaryRegion {
                policy: name.clone(),
                gate: "gait".to_owned(),
                disallowed: policy.disallows(direction, &class.environment),
                environment: class.environment.clone(),
                region: class.describe(),
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
    };
    let mut replayed: Replayed =
        verdict_diff::replay_suites(reader, suites, &source, &semantics, progress)?;
    let mut summary = DiffSummary::build(
        source.label(),
        "working tree".to_owned(),
        &replayed.pairs,
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
