//! Replays fixture suites (and bare Gait intents) on both sides of a change and pairs the
//! decisions case by case. The candidate side runs in place; the baseline side runs a copy of
//! the same suite in a temporary directory that mirrors the absolute layout of the files, with
//! the baseline versions of the policies the suite names written at their mirrored paths. The
//! user's tree is never written to.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value as Json;

use super::gait_replay::GaitCases;
use crate::diff::verdicts::{CasePair, Decided};
use crate::replay::runner::{self, Actual, CaseResult, GaitEvaluator, TestOptions};
use crate::replay::suite::{self, SuiteHeader};
use crate::stellaops::semantics::SemanticsOptions;

/// Where the baseline version of a candidate-side file comes from.
#[derive(Clone, Debug)]
pub enum BaselineSource {
    /// `git show REF:path`, paths relative to the working directory.
    Git { reference: String },
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
            BaselineSource::Git { reference } => format!("git:{reference}"),
            BaselineSource::Tree { baseline, .. } | BaselineSource::Files { baseline, .. } => {
                crate::discover::display_path(baseline)
            }
        }
    }

    /// The baseline bytes of each (absolute, normalised) candidate-side path; `None` when the
    /// file does not exist at the baseline.
    pub fn read(
        &self,
        paths: &BTreeSet<PathBuf>,
    ) -> Result<BTreeMap<PathBuf, Option<Vec<u8>>>, String> {
        let mut out = BTreeMap::new();
        match self {
            BaselineSource::Git { reference } => {
                let cwd = current_dir()?;
                let mut relative = Vec::new();
                for path in paths {
                    let rel = path.strip_prefix(&cwd).map_err(|_| {
                        format!(
                            "`{}` is outside the working directory; the baseline is read from git relative to it",
                            path.display()
                        )
                    })?;
                    relative.push((path.clone(), slash(rel)));
                }
                let names: Vec<String> = relative.iter().map(|(_, rel)| rel.clone()).collect();
                let texts = crate::diff::git::read_baseline(Path::new("."), reference, &names)
                    .map_err(|error| error.to_string())?;
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
                        format!(
                            "`{}` is outside the candidate tree `{}`",
                            path.display(),
                            candidate.display()
                        )
                    })?;
                    out.insert(path.clone(), read_optional(&baseline.join(rel))?);
                }
            }
            BaselineSource::Files {
                baseline,
                candidate,
            } => {
                for path in paths {
                    let from = if path == candidate { baseline } else { path };
                    out.insert(path.clone(), read_optional(from)?);
                }
            }
        }
        Ok(out)
    }
}

fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, String> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(format!("cannot read `{}`: {error}", path.display())),
    }
}

fn current_dir() -> Result<PathBuf, String> {
    std::env::current_dir()
        .map(|dir| normalize(&dir))
        .map_err(|error| format!("cannot read the working directory: {error}"))
}

fn slash(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// `path` made absolute against the working directory, `.` and `..` resolved lexically.
pub fn absolute(path: &Path) -> Result<PathBuf, String> {
    if path.is_absolute() {
        Ok(normalize(path))
    } else {
        Ok(normalize(&current_dir()?.join(path)))
    }
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A temporary directory removed when dropped.
struct TempTree {
    root: PathBuf,
}

impl TempTree {
    fn new() -> Result<TempTree, String> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
        let root =
            std::env::temp_dir().join(format!("gatelint-baseline-{}-{unique}", std::process::id()));
        std::fs::create_dir_all(&root)
            .map_err(|error| format!("cannot create `{}`: {error}", root.display()))?;
        Ok(TempTree { root })
    }

    /// Where an absolute path sits in the mirror.
    fn mirror(&self, path: &Path) -> PathBuf {
        let relative: PathBuf = path
            .components()
            .filter(|component| matches!(component, Component::Normal(_)))
            .collect();
        self.root.join(relative)
    }

    fn unmirror(&self, path: &Path) -> PathBuf {
        match path.strip_prefix(&self.root) {
            Ok(relative) => Path::new("/").join(relative),
            Err(_) => path.to_path_buf(),
        }
    }

    fn write(&self, path: &Path, bytes: &[u8]) -> Result<PathBuf, String> {
        let target = self.mirror(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|error| format!("cannot create `{}`: {error}", parent.display()))?;
        }
        std::fs::write(&target, bytes)
            .map_err(|error| format!("cannot write `{}`: {error}", target.display()))?;
        Ok(target)
    }
}

impl Drop for TempTree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Gait cases of a baseline suite copy: intents and option files stay those of the candidate
/// tree (fixture data), the policy is the mirrored baseline one.
struct BaselineGait<'a> {
    temp: &'a TempTree,
}

impl GaitEvaluator for BaselineGait<'_> {
    fn evaluate(
        &self,
        suite_dir: &Path,
        policies: &[PathBuf],
        input: &Json,
    ) -> Result<Actual, String> {
        GaitCases::default().evaluate(&self.temp.unmirror(suite_dir), policies, input)
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
    pub pairs: Vec<CasePair>,
    pub notes: Vec<String>,
    /// Absolute policy paths some suite replays, with the gates its candidate cases reached.
    pub covered: BTreeMap<PathBuf, BTreeSet<String>>,
}

fn header_of(path: &Path, display: &str) -> Result<SuiteHeader, String> {
    if suite::is_jsonl(path) {
        return suite::JsonlSuite::open(path)
            .map(|stream| stream.header)
            .map_err(|error| error.to_string());
    }
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("cannot read `{display}`: {error}"))?;
    suite::parse_document(display, &text)
        .map(|document| document.header)
        .map_err(|error| error.to_string())
}

/// Each case's environment by index: Stella Ops `input.environment`, Gait the intent's
/// `context.environment` (a path relative to the suite or inline), else `-`.
fn case_environments(path: &Path, display: &str) -> BTreeMap<usize, String> {
    let mut cases = Vec::new();
    if suite::is_jsonl(path) {
        if let Ok(mut stream) = suite::JsonlSuite::open(path) {
            let defaults = stream.header.defaults.clone();
            while let Ok(batch) = stream.next_batch(1024) {
                if batch.is_empty() {
                    break;
                }
                cases.extend(batch.into_iter().map(|raw| raw.into_case(&defaults)));
            }
        }
    } else if let Ok(text) = std::fs::read_to_string(path)
        && let Ok(document) = suite::parse_document(display, &text)
    {
        cases = document.cases;
    }
    let dir = path.parent().unwrap_or_else(|| Path::new(""));
    cases
        .into_iter()
        .map(|case| (case.index, input_environment(dir, &case.input)))
        .collect()
}

fn input_environment(dir: &Path, input: &Json) -> String {
    if let Some(environment) = input.get("environment").and_then(Json::as_str) {
        return environment.to_ascii_lowercase();
    }
    let intent = match input.get("intent") {
        Some(Json::String(relative)) => std::fs::read_to_string(dir.join(relative))
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

fn decided(case: &CaseResult) -> Decided {
    match &case.actual {
        Some(actual) => Decided {
            verdict: actual.verdict.clone(),
            gate: actual.gate.clone(),
            rule: actual.rule.clone(),
            reasons: actual.reasons.clone(),
            violations: Vec::new(),
            error: None,
        },
        None => Decided::error(
            case.error
                .clone()
                .unwrap_or_else(|| "the case cannot be evaluated".to_owned()),
        ),
    }
}

/// Replays every suite on both sides and pairs the cases.
pub fn replay_suites(
    suites: &[SuiteInput],
    source: &BaselineSource,
    semantics: &SemanticsOptions,
) -> Result<Replayed, String> {
    let mut replayed = Replayed::default();
    // The files each suite names, absolute, read once for every suite.
    let mut plans = Vec::new();
    let mut wanted = BTreeSet::new();
    for input in suites {
        let absolute_suite = absolute(&input.path)?;
        let header = match header_of(&input.path, &input.display) {
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
            .map(|path| normalize(path))
            .collect();
        wanted.extend(files.iter().cloned());
        plans.push((input, absolute_suite, files));
    }
    let baseline_files = source.read(&wanted)?;
    let temp = TempTree::new()?;
    let baseline_gait = BaselineGait { temp: &temp };
    for (input, absolute_suite, files) in plans {
        let mut missing = Vec::new();
        for file in &files {
            match baseline_files.get(file) {
                Some(Some(bytes)) => {
                    temp.write(file, bytes)?;
                }
                _ => missing.push(crate::discover::display_path(file)),
            }
        }
        if !missing.is_empty() {
            replayed.notes.push(format!(
                "`{}` not compared: the baseline has no `{}`",
                input.display,
                missing.join("`, `")
            ));
            continue;
        }
        let suite_bytes = std::fs::read(&input.path)
            .map_err(|error| format!("cannot read `{}`: {error}", input.display))?;
        let mirrored_suite = temp.write(&absolute_suite, &suite_bytes)?;
        let candidate_gait = GaitCases::default();
        let candidate_options = TestOptions {
            semantics: semantics.clone(),
            keep_passed: true,
            gait: Some(&candidate_gait),
            ..TestOptions::default()
        };
        let baseline_options = TestOptions {
            semantics: semantics.clone(),
            keep_passed: true,
            gait: Some(&baseline_gait),
            ..TestOptions::default()
        };
        let candidate =
            runner::test_command(std::slice::from_ref(&absolute_suite), &candidate_options);
        let baseline = runner::test_command(&[mirrored_suite], &baseline_options);
        let (Some(candidate_suite), Some(baseline_suite)) =
            (candidate.suites.first(), baseline.suites.first())
        else {
            continue;
        };
        if let Some(error) = candidate_suite
            .error
            .as_ref()
            .or(baseline_suite.error.as_ref())
        {
            replayed
                .notes
                .push(format!("`{}` not compared: {error}", input.display));
            continue;
        }
        for coverage in &candidate.coverage {
            replayed
                .covered
                .entry(normalize(Path::new(&coverage.policy)))
                .or_default()
                .extend(coverage.gates.iter().cloned());
        }
        for file in &files {
            replayed.covered.entry(file.clone()).or_default();
        }
        let environments = case_environments(&input.path, &input.display);
        let by_index: BTreeMap<usize, &CaseResult> = baseline_suite
            .cases
            .iter()
            .map(|case| (case.index, case))
            .collect();
        for case in &candidate_suite.cases {
            let Some(old) = by_index.get(&case.index) else {
                continue;
            };
            replayed.pairs.push(CasePair {
                suite: input.display.clone(),
                case: case.name.clone(),
                span: Some(case.span()),
                index: case.index,
                environment: environments
                    .get(&case.index)
                    .cloned()
                    .unwrap_or_else(|| "-".to_owned()),
                baseline: decided(old),
                candidate: decided(case),
            });
        }
    }
    Ok(replayed)
}

/// Bare Gait intents evaluated against a baseline and a candidate policy file at one fixed
/// evaluation time (Gait's `policy simulate`). An intent that cannot be evaluated aborts.
pub fn replay_intents(
    baseline: &Path,
    candidate: &Path,
    intents: &[PathBuf],
    suite_label: &str,
) -> Result<Vec<CasePair>, String> {
    use crate::gait::command::{EvalOptions, evaluate_files};
    let options = EvalOptions {
        evaluation_time: Some(jiff::Timestamp::now()),
        ..EvalOptions::default()
    };
    let mut pairs = Vec::new();
    for (index, intent) in intents.iter().enumerate() {
        let display = crate::discover::display_path(intent);
        let side = |policy: &Path| -> Result<Decided, String> {
            let evaluation = evaluate_files(policy, intent, &options);
            if let Err(error) = &evaluation
                && error.exit() == crate::gait::gate::GateExit::InvalidInput
            {
                return Err(format!(
                    "`{display}` against `{}`: {error}",
                    crate::discover::display_path(policy)
                ));
            }
            Ok(gait_decided(&evaluation))
        };
        let environment = std::fs::read_to_string(intent)
            .ok()
            .and_then(|text| serde_json::from_str::<Json>(&text).ok())
            .map_or_else(|| "-".to_owned(), |json| intent_environment(&json));
        pairs.push(CasePair {
            suite: suite_label.to_owned(),
            case: display.clone(),
            span: None,
            index,
            environment,
            baseline: side(baseline)?,
            candidate: side(candidate)?,
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

/// `*.json` files under `dir` (recursively, extension ignoring case), sorted: Gait's fixture
/// discovery for `policy simulate`.
pub fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&next) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file()
                && path
                    .extension()
                    .is_some_and(|ext| ext.eq_ignore_ascii_case("json"))
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
