//! `gatelint test`: replays every suite, cases in parallel and back in input order; JSONL suites
//! stream in fixed-size batches so a million cases need no more memory than one batch.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::case::{Engine, Evaluated, Exercised, run_case, run_line};
use super::coverage::{Coverage, describe_policy, insert_str};
use super::error::ReplayError;
use super::evaluator::GaitEvaluator;
use super::load::{Parsed, load_stellaops_parsed};
use super::outcome::{CaseStatus, SuiteResult, TestOutcome, totals};
use super::shard::Shard;
use super::suite::{self, Case, SuiteHeader};
use crate::source::{Files, Reader};
use crate::stellaops::model::StellaConfig;
use crate::stellaops::semantics::SemanticsOptions;

pub struct TestOptions<'a> {
    pub shard: Option<Shard>,
    pub semantics: SemanticsOptions,
    /// Keep passing cases' results too (JUnit needs them; failures are always kept).
    pub keep_passed: bool,
    /// Cases per parallel batch of a JSONL suite.
    pub batch_size: usize,
    pub gait: Option<&'a dyn GaitEvaluator>,
    /// Where the files suites name are read (`None`: the working directory's reader).
    pub files: Option<&'a dyn Files>,
    /// Policy trees the run has parsed already (`check`): models are built from them.
    pub parsed: Option<&'a Parsed<'a>>,
    /// Counts the cases and the suite bytes replayed.
    pub progress: crate::progress::Progress,
}

impl Default for TestOptions<'_> {
    fn default() -> Self {
        TestOptions {
            shard: None,
            semantics: SemanticsOptions::default(),
            keep_passed: false,
            batch_size: 4096,
            gait: None,
            files: None,
            parsed: None,
            progress: crate::progress::Progress::default(),
        }
    }
}

/// Per-run state: loaded policies (by their layered path list) and coverage per policy file.
pub(super) struct Run<'a> {
    pub(super) options: &'a TestOptions<'a>,
    pub(super) files: &'a dyn Files,
    pub(super) configs: BTreeMap<Vec<PathBuf>, Arc<StellaConfig>>,
    pub(super) coverage: BTreeMap<String, Coverage>,
}

impl<'a> Run<'a> {
    pub(super) fn new(options: &'a TestOptions<'a>, files: &'a dyn Files) -> Run<'a> {
        Run {
            options,
            files,
            configs: BTreeMap::new(),
            coverage: BTreeMap::new(),
        }
    }

    pub(super) fn engine(
        &mut self,
        path: &Path,
        header: &SuiteHeader,
    ) -> Result<(Engine<'a>, Vec<String>), ReplayError> {
        let policy = suite::resolve(path, &header.policy.to_vec());
        let determinization = suite::resolve(path, &header.determinization.to_vec());
        let is_gait = header
            .ecosystem
            .as_deref()
            .is_some_and(|e| e.eq_ignore_ascii_case("gait"));
        let policy_names: Vec<String> = policy
            .iter()
            .chain(&determinization)
            .map(|p| p.display().to_string())
            .collect();
        if !is_gait {
            let layered: Vec<PathBuf> = policy.iter().chain(&determinization).cloned().collect();
            let config = match self.configs.get(&layered) {
                Some(config) => Arc::clone(config),
                None => {
                    let config = Arc::new(load_stellaops_parsed(
                        self.files,
                        self.options.parsed,
                        &layered,
                    )?);
                    self.configs.insert(layered, Arc::clone(&config));
                    config
                }
            };
            let explicit = header
                .ecosystem
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case("stellaops"));
            if explicit || config.is_stellaops() || self.options.gait.is_none() {
                for name in &policy_names {
                    let coverage = self
                        .coverage
                        .entry(name.clone())
                        .or_insert_with(|| Coverage {
                            policy: name.clone(),
                            ..Coverage::default()
                        });
                    describe_policy(&config, coverage);
                }
                return Ok((Engine::Stella(config), policy_names));
            }
        }
        let Some(evaluator) = self.options.gait else {
            return Err(ReplayError::NoGaitEvaluator);
        };
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok((
            Engine::Gait {
                evaluator,
                files: self.files,
                dir,
                policy,
            },
            Vec::new(),
        ))
    }

    /// Records what one evaluated case exercised in the coverage of `policies`.
    pub(super) fn cover(&mut self, policies: &[String], item: &Exercised) {
        for name in policies {
            if let Some(coverage) = self.coverage.get_mut(name) {
                for gate in &item.gates {
                    insert_str(&mut coverage.gates, gate.name());
                }
                if let Some(rule) = &item.rule {
                    insert_str(&mut coverage.rules, rule);
                }
                if let Some(environment) = &item.environment {
                    insert_str(&mut coverage.environments, environment);
                }
                if let Some(tenant) = &item.tenant {
                    insert_str(&mut coverage.tenants, tenant);
                }
            }
        }
    }

    fn record(&mut self, policies: &[String], suite: &mut SuiteResult, evaluated: Vec<Evaluated>) {
        for item in evaluated {
            self.cover(policies, &item.exercised);
            match item.result.status {
                CaseStatus::Passed => suite.passed += 1,
                CaseStatus::Failed => suite.failed += 1,
                CaseStatus::Error => suite.errors += 1,
            }
            suite.total += 1;
            if item.result.status != CaseStatus::Passed || self.options.keep_passed {
                suite.cases.push(item.result);
            }
        }
    }

    fn run_suite(&mut self, path: &Path) -> SuiteResult {
        let display = path.display().to_string();
        let mut result = SuiteResult {
            path: display.clone(),
            ..SuiteResult::default()
        };
        if let Err(error) = self.run_suite_inner(path, &display, &mut result) {
            result.error = Some(error.to_string());
        }
        result
    }

    fn run_suite_inner(
        &mut self,
        path: &Path,
        display: &str,
        result: &mut SuiteResult,
    ) -> Result<(), ReplayError> {
        let semantics = &self.options.semantics;
        let shard = self.options.shard;
        let owned = |name: &str| shard.is_none_or(|s| s.owns(display, name));
        if suite::is_jsonl(path) {
            let mut stream = suite::JsonlSuite::open(self.files.reader(), path)?;
            let (engine, policies) = self.engine(path, &stream.header)?;
            result.ecosystem = ecosystem_name(&engine);
            let defaults = suite::Defaults::new(&stream.header.defaults);
            loop {
                let batch = stream.next_batch(self.options.batch_size.max(1))?;
                if batch.is_empty() {
                    break;
                }
                let before = batch.len();
                let bytes: usize = batch.iter().map(|raw| raw.text.len() + 1).sum();
                let evaluated: Vec<Evaluated> = batch
                    .into_par_iter()
                    .filter_map(|raw| run_line(&engine, raw, &defaults, semantics, &owned))
                    .collect();
                result.skipped += before - evaluated.len();
                self.options
                    .progress
                    .advance(as_u64(evaluated.len()), as_u64(bytes));
                self.record(&policies, result, evaluated);
            }
            return Ok(());
        }
        let bytes = self.files.reader().read(path)?;
        let text = String::from_utf8(bytes).map_err(|_| ReplayError::NotUtf8 {
            path: display.to_owned(),
        })?;
        let document = suite::parse_document(display, &text)?;
        let (engine, policies) = self.engine(path, &document.header)?;
        result.ecosystem = ecosystem_name(&engine);
        let before = document.cases.len();
        let cases: Vec<Case> = document
            .cases
            .into_iter()
            .filter(|c| owned(&c.name))
            .collect();
        result.skipped += before - cases.len();
        let evaluated: Vec<Evaluated> = cases
            .into_par_iter()
            .map(|case| run_case(&engine, case, semantics))
            .collect();
        self.options
            .progress
            .advance(as_u64(evaluated.len()), as_u64(text.len()));
        self.record(&policies, result, evaluated);
        Ok(())
    }
}

pub(super) fn as_u64(count: usize) -> u64 {
    u64::try_from(count).unwrap_or(u64::MAX)
}

fn ecosystem_name(engine: &Engine<'_>) -> String {
    match engine {
        Engine::Stella(_) => "stellaops".to_owned(),
        Engine::Gait { .. } => "gait".to_owned(),
    }
}

/// Expands directories into the suites under them (sorted), keeps explicit files.
pub fn discover_suites(paths: &[PathBuf]) -> Vec<PathBuf> {
    crate::discover::suites(paths)
}

/// `gatelint test`: replays every suite under `paths`.
pub fn test_command(paths: &[PathBuf], options: &TestOptions<'_>) -> TestOutcome {
    // Without a view of the files, the suites are read from the working tree, confined to the
    // working directory and the paths given.
    let own_reader;
    let files: &dyn Files = match options.files {
        Some(files) => files,
        None => {
            own_reader = Reader::new(paths);
            &own_reader
        }
    };
    let mut run = Run::new(options, files);
    let mut outcome = TestOutcome::default();
    let suites = discover_suites(paths);
    // The suites' sizes are the work to do: the time left is estimated from the bytes replayed.
    for path in &suites {
        let size = std::fs::metadata(files.reader().absolute(path)).map_or(0, |meta| meta.len());
        options.progress.add_work(size);
    }
    if !suites.is_empty() {
        options.progress.replaying();
    }
    for path in suites {
        let suite = run.run_suite(&path);
        outcome.suites.push(suite);
    }
    outcome.coverage = run.coverage.into_values().collect();
    totals(&mut outcome);
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The working tree with one file that must never be read.
    struct Forbidden<'a> {
        reader: &'a Reader,
        path: PathBuf,
    }

    impl Files for Forbidden<'_> {
        fn reader(&self) -> &Reader {
            self.reader
        }

        fn read(&self, path: &Path) -> Result<Vec<u8>, crate::source::ReadError> {
            assert_ne!(
                self.reader.absolute(path),
                self.path,
                "the policy was read again"
            );
            self.reader.read(path)
        }
    }

    #[test]
    fn a_parsed_policy_is_not_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let policy = dir.path().join("policy.yaml");
        let text = "PolicyGates:\n  VexTrust:\n    Enabled: true\n    Thresholds:\n      production: { MinCompositeScore: 0.8, FailureAction: Block }\n";
        std::fs::write(&policy, text).unwrap();
        let suite = dir.path().join("s.fixtures.yaml");
        std::fs::write(&suite, "kind: gatelint.fixtures/v1\npolicy: policy.yaml\ncases:\n  - name: low\n    input: {environment: production, requestedStatus: not_affected, vexTrust: {trustScore: 0.5, signatureVerified: true}}\n    expect: {verdict: Blocked}\n").unwrap();
        let reader = Reader::new(&[dir.path().to_path_buf()]);
        let files = Forbidden {
            reader: &reader,
            path: reader.absolute(&policy),
        };
        let tree = crate::parse::parse(text, crate::parse::Format::Yaml)
            .root
            .unwrap();
        let parsed: Parsed<'_> = [(reader.absolute(&policy), &tree)].into_iter().collect();
        let options = TestOptions {
            files: Some(&files),
            parsed: Some(&parsed),
            ..TestOptions::default()
        };
        let outcome = test_command(std::slice::from_ref(&suite), &options);
        assert_eq!((outcome.passed, outcome.total), (1, 1), "{outcome:?}");
    }

    fn replay(name: &str, bytes: &[u8]) -> SuiteResult {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let outcome = test_command(std::slice::from_ref(&path), &TestOptions::default());
        outcome.suites.into_iter().next().unwrap()
    }

    fn case_errors(suite: &SuiteResult) -> Vec<&str> {
        suite
            .cases
            .iter()
            .filter_map(|case| case.error.as_deref())
            .collect()
    }

    #[test]
    fn case_errors_keep_their_messages() {
        let suite = replay(
            "s.fixtures.yaml",
            b"kind: gatelint.fixtures/v1\ncases:\n  - {name: a, input: {environment: x}}\n  - {name: b, input: {}, expect: {verdict: Pass}}\n  - {name: c, input: {environment: x}, expect: {bogus: 1}}\n",
        );
        let errors = case_errors(&suite);
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert_eq!(errors[0], "`expect` is required");
        assert_eq!(errors[1], "input: `environment` is required");
        assert!(
            errors[2].starts_with("expect: unknown field `bogus`"),
            "{}",
            errors[2]
        );

        let suite = replay(
            "s.fixtures.jsonl",
            b"{\"kind\":\"gatelint.fixtures/v1\"}\n{not json\n",
        );
        let errors = case_errors(&suite);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with("line 2 is not JSON: "),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn suite_errors_keep_their_messages() {
        let suite = replay("s.fixtures.yaml", b"kind: gatelint.fixtures/v1\n\xff\n");
        assert_eq!(
            suite.error.as_deref(),
            Some(format!("`{}` is not valid UTF-8", suite.path).as_str())
        );
        let suite = replay(
            "s.fixtures.yaml",
            b"kind: gatelint.fixtures/v1\necosystem: gait\ncases: []\n",
        );
        assert_eq!(
            suite.error.as_deref(),
            Some("a Gait suite needs the Gait evaluator")
        );
    }
}
