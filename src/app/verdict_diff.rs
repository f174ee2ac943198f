//! Replays fixture suites (and bare Gait intents) on both sides of a change and pairs the
//! decisions case by case. Both sides replay the same suite from the working tree; each reads
//! the policies the suite names through its own view of the files: the baseline side sees the
//! baseline versions (held in memory), the candidate side the candidate ones. Nothing is
//! written anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value as Json;

use super::gait_replay::GaitCases;
use crate::diff::git::GitError;
use crate::diff::verdicts::{CasePair, ChangedCase, Decided, DiffPolicy, Tally};
use crate::gait::command::EvalError;
use crate::replay::runner::{self, CaseResult, PairedCase, TestOptions};
use crate::replay::suite::{self, SuiteError, SuiteHeader};
use crate::source::{Overlay, ReadError, Reader};
use crate::stellaops::semantics::SemanticsOptions;

/// Why the two sides of a diff could not be replayed (invalid input).
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error("`{path}` is outside `{dir}`; the baseline is read from git relative to it")]
    OutsideWorkingDirectory { path: String, dir: String },
    #[error("`{path}` is outside the candidate tree `{tree}`")]
    OutsideCandidateTree { path: String, tree: String },
    #[error(transparent)]
    Baseline(#[from] GitError),
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Suite(#[from] SuiteError),
    /// A bare intent that one side cannot evaluate.
    #[error("`{intent}` against `{policy}`: {error}")]
    Intent {
        intent: String,
        policy: String,
        error: Box<EvalError>,
    },
}

/// Where the baseline version of a candidate-side file comes from.
#[derive(Clone, Debug)]
pub enum BaselineSource {
    /// `git show REF:path`, paths relative to `dir` (absolute: the working directory of
    /// `check --baseline-ref`, the repository's top of `diff --baseline REV`).
    Git { reference: String, dir: PathBuf },
    /// Two trees with the same layout (absolute roots).
    Tree {
        baseline: PathBuf,
        candidate: PathBuf,
    },
    /// Two policy files (absolute): the candidate file's baseline is the baseline file; every
    /// other file is the same on both sides.
    Files {
        baseline: PathBuf,
        candidate: PathBuf,
    },
}

impl BaselineSource {
    /// How reports name the baseline.
    pub fn label(&self) -> String {
        match self {
            BaselineSource::Git { reference, .. } => format!("git:{reference}"),
            BaselineSource::Tree { baseline, .. } | BaselineSource::Files { baseline, .. } => {
                crate::discover::display_path(baseline)
            }
        }
    }

    /// The baseline bytes of each (absolute, normalised) candidate-side path; `None` when the
    /// file does not exist at the baseline.
    pub fn read(
        &self,
        reader: &Reader,
        paths: &BTreeSet<PathBuf>,
    ) -> Result<BTreeMap<PathBuf, Option<Vec<u8>>>, DiffError> {
        let mut out = BTreeMap::new();
        match self {
            BaselineSource::Git { reference, dir } => {
                let mut relative = Vec::new();
                for path in paths {
                    let rel =
                        path.strip_prefix(dir)
                            .map_err(|_| DiffError::OutsideWorkingDirectory {
                                path: path.display().to_string(),
                                dir: crate::discover::display_path(dir),
                            })?;
                    relative.push((path.clone(), crate::source::slashed(rel)));
                }
                let names: Vec<String> = relative.iter().map(|(_, rel)| rel.clone()).collect();
                let texts = crate::diff::git::read_baseline(dir, reference, &names)?;
                for (path, rel) in relative {
                    let text = texts.get(&rel).cloned().flatten();
                    out.insert(path, text.map(String::into_bytes));
                }
            }
            BaselineSource::Tree {
                baseline,
                candidate,
            } => {
                for path in paths {
                    let rel = path.strip_prefix(candidate).map_err(|_| {
                        DiffError::OutsideCandidateTree {
                            path: path.display().to_string(),
                            tree: candidate.display().to_string(),
                        }
                    })?;
                    out.insert(path.clone(), read_optional(reader, &baseline.join(rel))?);
                }
            }
            BaselineSource::Files {
                baseline,
                candidate,
            } => {
                for path in paths {
                    let from = if path == candidate { baseline } else { path };
                    out.insert(path.clone(), read_optional(reader, from)?);
                }
            }
        }
        Ok(out)
    }
}

fn read_optional(reader: &Reader, path: &Path) -> Result<Option<Vec<u8>>, ReadError> {
    match reader.read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) if error.is_missing() => Ok(None),
        Err(error) => Err(error),
    }
}

/// One suite to replay: its path as given and its display name.
#[derive(Clone, Debug)]
pub struct SuiteInput {
    pub path: PathBuf,
    pub display: String,
}

/// What replaying both sides produced.
#[derive(Debug, Default)]
pub struct Replayed {
    /// The per-verdict counts and the changed pairs.
    pub tally: Tally,
    pub notes: Vec<String>,
    /// Absolute policy paths some suite replays, with the gates its candidate cases reached.
    pub covered: BTreeMap<PathBuf, BTreeSet<String>>,
}

fn header_of(reader: &Reader, path: &Path, display: &str) -> Result<SuiteHeader, DiffError> {
    if suite::is_jsonl(path) {
        return Ok(suite::JsonlSuite::open(reader, path)?.header);
    }
    let text = reader.read_string(path)?;
    Ok(suite::parse_document(display, &text)?.header)
}

/// A case's environment from its merged input: Stella Ops `input.environment`, Gait the
/// intent's `context.environment` (a path relative to the suite or inline), else `-`.
fn input_environment(reader: &Reader, dir: &Path, input: &Json) -> String {
    if let Some(environment) = input.get("environment").and_then(Json::as_str) {
        return environment.to_ascii_lowercase();
    }
    let intent = match input.get("intent") {
        Some(Json::String(relative)) => reader
            .read_string(&dir.join(relative))
            .ok()
            .and_then(|text| serde_json::from_str::<Json>(&text).ok()),
        Some(inline @ Json::Object(_)) => Some(inline.clone()),
        _ => None,
    };
    intent
        .as_ref()
        .map_or_else(|| "-".to_owned(), intent_environment)
}

/// A Gait intent's `context.environment`, or `-`.
pub fn intent_environment(intent: &Json) -> String {
    intent
        .pointer("/context/environment")
        .and_then(Json::as_str)
        .filter(|environment| !environment.is_empty())
        .map_or_else(|| "-".to_owned(), str::to_ascii_lowercase)
}

fn decided(case: CaseResult) -> Decided {
    match case.actual {
        Some(actual) => Decided {
            verdict: actual.verdict,
            gate: actual.gate,
            rule: actual.rule,
            reasons: actual.reasons,
            violations: Vec::new(),
            error: None,
        },
        None => Decided::error(
            case.error
                .unwrap_or_else(|| "the case cannot be evaluated".to_owned()),
        ),
    }
}

/// One case on both sides, as the diff keeps it.
enum Paired {
    /// The decision changed: the case is kept.
    Changed(Box<ChangedCase>),
    /// The verdict both sides gave (an unchanged pair has one verdict): only counted.
    Same(String),
}

/// One case of `suite` on both sides: the changed case when it changed, else the verdict both
/// sides gave.
fn pair_of(suite: &str, paired: PairedCase, policy: &DiffPolicy) -> Paired {
    let PairedCase {
        baseline,
        candidate,
        environment,
    } = paired;
    let span = candidate.span();
    let index = candidate.index;
    let pair = CasePair {
        suite: String::new(),
        case: candidate.name.clone(),
        span: Some(span),
        index,
        environment,
        baseline: decided(baseline),
        candidate: decided(candidate),
    };
    if pair.changed() {
        let pair = CasePair {
            suite: suite.to_owned(),
            ..pair
        };
        Paired::Changed(Box::new(ChangedCase::new(pair, policy)))
    } else {
        Paired::Same(pair.candidate.verdict)
    }
}

/// Replays every suite on both sides, in one pass over each, and pairs the cases: the counts of
/// every pair, the changed pairs kept.
pub fn replay_suites(
    reader: &Reader,
    suites: &[SuiteInput],
    source: &BaselineSource,
    semantics: &SemanticsOptions,
    policy: &DiffPolicy,
    progress: &crate::progress::Progress,
) -> Result<Replayed, DiffError> {
    progress.phase(crate::progress::Phase::Diffing);
    let mut replayed = Replayed::default();
    // The files each suite names, absolute, read once for every suite.
    let mut plans = Vec::new();
    let mut wanted = BTreeSet::new();
    for input in suites {
        let absolute_suite = reader.absolute(&input.path);
        let header = match header_of(reader, &input.path, &input.display) {
            Ok(header) => header,
            Err(error) => {
                replayed
                    .notes
                    .push(format!("`{}` not compared: {error}", input.display));
                continue;
            }
        };
        let references: Vec<String> = header
            .policy
            .to_vec()
            .into_iter()
            .chain(header.determinization.to_vec())
            .collect();
        let files: Vec<PathBuf> = suite::resolve(&absolute_suite, &references)
            .iter()
            .map(|path| reader.absolute(path))
            .collect();
        wanted.extend(files.iter().cloned());
        plans.push((input, absolute_suite, files));
    }
    let baseline_files = source.read(reader, &wanted)?;
    // Each side's view of the files: the baseline versions in memory; on the candidate side of
    // a file pair, the candidate file also answers for the baseline file's name, so a suite
    // that names either file replays the candidate there.
    let mut baseline_side = Overlay::new(reader);
    for (path, bytes) in &baseline_files {
        baseline_side.set(path, bytes.as_deref().map(Arc::from));
    }
    let mut candidate_side = Overlay::new(reader);
    if let BaselineSource::Files {
        baseline,
        candidate,
    } = source
    {
        let bytes = reader.read(candidate)?;
        candidate_side.set(baseline, Some(Arc::from(bytes)));
    }
    for (input, absolute_suite, files) in plans {
        let missing: Vec<String> = files
            .iter()
            .filter(|file| !matches!(baseline_files.get(*file), Some(Some(_))))
            .map(|file| crate::discover::display_path(file))
            .collect();
        if !missing.is_empty() {
            replayed.notes.push(format!(
                "`{}` not compared: the baseline has no `{}`",
                input.display,
                missing.join("`, `")
            ));
            continue;
        }
        let candidate_gait = GaitCases::default();
        let baseline_gait = GaitCases::default();
        let candidate_options = TestOptions {
            semantics: semantics.clone(),
            gait: Some(&candidate_gait),
            files: Some(&candidate_side),
            progress: progress.clone(),
            ..TestOptions::default()
        };
        let baseline_options = TestOptions {
            semantics: semantics.clone(),
            gait: Some(&baseline_gait),
            files: Some(&baseline_side),
            progress: progress.clone(),
            ..TestOptions::default()
        };
        let dir = input.path.parent().unwrap_or_else(|| Path::new(""));
        let environment = |json: &Json| input_environment(reader, dir, json);
        let display = input.display.as_str();
        let map = |paired: PairedCase| pair_of(display, paired, policy);
        // Only this suite's changes and counts; dropped whole when the suite cannot be compared.
        let mut tally = Tally::default();
        let mut sink = |item: Paired| match item {
            Paired::Changed(case) => {
                tally.count(&case.baseline.verdict, &case.candidate.verdict);
                tally.keep(*case);
            }
            Paired::Same(verdict) => tally.count(&verdict, &verdict),
        };
        let coverage = match runner::replay_pair(
            &absolute_suite,
            &baseline_options,
            &candidate_options,
            &environment,
            &map,
            &mut sink,
        ) {
            Ok(coverage) => coverage,
            Err(error) => {
                replayed
                    .notes
                    .push(format!("`{}` not compared: {error}", input.display));
                continue;
            }
        };
        for coverage in &coverage {
            replayed
                .covered
                .entry(reader.absolute(Path::new(&coverage.policy)))
                .or_default()
                .extend(coverage.gates.iter().cloned());
        }
        for file in &files {
            replayed.covered.entry(file.clone()).or_default();
        }
        replayed.tally.absorb(tally);
    }
    Ok(replayed)
}

/// Bare Gait intents evaluated against a baseline and a candidate policy file at one fixed
/// evaluation time (Gait's `policy simulate`). An intent that cannot be evaluated aborts.
pub fn replay_intents(
    reader: &Reader,
    source: &BaselineSource,
    candidate: &Path,
    intents: &[PathBuf],
    suite_label: &str,
) -> Result<Vec<CasePair>, DiffError> {
    use crate::gait::command::{EvalOptions, evaluate_files};
    let options = EvalOptions {
        evaluation_time: Some(jiff::Timestamp::now()),
        ..EvalOptions::default()
    };
    // The baseline side reads the candidate's path as the baseline has it.
    let wanted = BTreeSet::from([reader.absolute(candidate)]);
    let mut baseline_side = Overlay::new(reader);
    for (path, bytes) in source.read(reader, &wanted)? {
        baseline_side.set(&path, bytes.map(Arc::from));
    }
    let baseline_label = match source {
        BaselineSource::Files { baseline, .. } => crate::discover::display_path(baseline),
        _ => format!(
            "{} at {}",
            crate::discover::display_path(candidate),
            source.label()
        ),
    };
    let mut pairs = Vec::new();
    for (index, intent) in intents.iter().enumerate() {
        let display = crate::discover::display_path(intent);
        let side =
            |files: &dyn crate::source::Files, label: String| -> Result<Decided, DiffError> {
                match evaluate_files(files, candidate, intent, &options) {
                    Err(error) if error.exit() == crate::exit::Exit::InvalidInput => {
                        Err(DiffError::Intent {
                            intent: display.clone(),
                            policy: label,
                            error: Box::new(error),
                        })
                    }
                    evaluation => Ok(gait_decided(&evaluation)),
                }
            };
        let environment = reader
            .read_string(intent)
            .ok()
            .and_then(|text| serde_json::from_str::<Json>(&text).ok())
            .map_or_else(|| "-".to_owned(), |json| intent_environment(&json));
        pairs.push(CasePair {
            suite: suite_label.to_owned(),
            case: display.clone(),
            span: None,
            index,
            environment,
            baseline: side(&baseline_side, baseline_label.clone())?,
            candidate: side(reader, crate::discover::display_path(candidate))?,
        });
    }
    Ok(pairs)
}

fn gait_decided(evaluation: &crate::gait::command::Evaluation) -> Decided {
    let decided = crate::gait::command::decided(evaluation);
    Decided {
        verdict: decided.verdict.as_str().to_owned(),
        gate: None,
        rule: decided.matched_rule,
        reasons: decided.reason_codes,
        violations: decided.violations,
        error: None,
    }
}
