//! Replays fixture suites through the evaluators: `test_command` for suites, `eval_command` for
//! one decision. Cases run in parallel and come back in input order; JSONL suites stream in
//! fixed-size batches so a million cases need no more memory than one batch.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::suite::{self, Case, Expect, SuiteError, SuiteHeader};
use crate::exit::Exit;
use crate::parse::{Format, parse};
use crate::source::{Files, ReadError, Reader};
use crate::span::Span;
use crate::stellaops::chain::{self, Decision, GateOutcome, PolicyVerdictStatus};
use crate::stellaops::input::CaseInput;
use crate::stellaops::model::{self, GateId, StellaConfig};
use crate::stellaops::semantics::SemanticsOptions;

/// What an evaluator decided for one case, in the terms an expectation uses.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Actual {
    pub verdict: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    pub reasons: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub exit_code: i32,
    /// Gates or rules that also satisfy a `gate`/`message` expectation (see docs/fixtures.md).
    #[serde(skip)]
    pub equivalent: Vec<(String, String)>,
}

/// The Gait evaluator, written elsewhere; the runner hands it Gait suites' cases.
pub trait GaitEvaluator: Sync {
    /// Evaluates one case: `policy` paths are resolved against the suite, `input` is the merged
    /// case input (`intent` path or inline intent, `options`).
    fn evaluate(
        &self,
        files: &dyn Files,
        suite_dir: &Path,
        policy: &[PathBuf],
        input: &serde_json::Value,
    ) -> Result<Actual, String>;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// 1-based.
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Parses `K/N` (1 ≤ K ≤ N).
    pub fn parse(text: &str) -> Option<Shard> {
        let (index, count) = text.split_once('/')?;
        let index: u32 = index.trim().parse().ok()?;
        let count: u32 = count.trim().parse().ok()?;
        (count >= 1 && (1..=count).contains(&index)).then_some(Shard { index, count })
    }

    /// Whether this shard runs the case: FNV-1a over the suite path and the case name.
    pub fn owns(self, suite_path: &str, case_name: &str) -> bool {
        let hash = fnv1a(
            suite_path.replace('\\', "/").as_bytes(),
            fnv1a(b"\n", fnv1a(case_name.as_bytes(), FNV_OFFSET)),
        );
        hash % u64::from(self.count) == u64::from(self.index - 1)
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv1a(bytes: &[u8], seed: u64) -> u64 {
    bytes.iter().fold(seed, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

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
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Passed,
    Failed,
    Error,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseResult {
    pub index: usize,
    pub name: String,
    pub line: u32,
    pub span_start: u32,
    pub span_end: u32,
    pub status: CaseStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<Expect>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<Actual>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub mismatches: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl CaseResult {
    pub fn span(&self) -> Span {
        Span {
            start: self.span_start,
            end: self.span_end,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SuiteResult {
    pub path: String,
    pub ecosystem: String,
    pub total: usize,
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
    /// Cases another shard runs.
    pub skipped: usize,
    /// Failing (and, with `keep_passed`, passing) cases in input order.
    pub cases: Vec<CaseResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What the fixtures exercised of one policy file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    pub policy: String,
    pub gates: BTreeSet<String>,
    pub environments: BTreeSet<String>,
    pub tenants: BTreeSet<String>,
    pub rules: BTreeSet<String>,
    /// Gates enabled in the policy (explicitly or by default and configured).
    pub enabled_gates: BTreeSet<String>,
    /// Environment and tenant names the policy configures.
    pub configured_environments: BTreeSet<String>,
    pub configured_tenants: BTreeSet<String>,
}

impl Coverage {
    pub fn gates_not_exercised(&self) -> Vec<&str> {
        self.enabled_gates
            .difference(&self.gates)
            .map(String::as_str)
            .collect()
    }

    pub fn environments_not_exercised(&self) -> Vec<&str> {
        self.configured_environments
            .iter()
            .filter(|env| *env != "default" && !self.environments.contains(*env))
            .map(String::as_str)
            .collect()
    }

    pub fn tenants_not_exercised(&self) -> Vec<&str> {
        self.configured_tenants
            .difference(&self.tenants)
            .map(String::as_str)
            .collect()
    }

    fn absorb(&mut self, other: &Coverage) {
        self.gates.extend(other.gates.iter().cloned());
        self.environments.extend(other.environments.iter().cloned());
        self.tenants.extend(other.tenants.iter().cloned());
        self.rules.extend(other.rules.iter().cloned());
        self.enabled_gates
            .extend(other.enabled_gates.iter().cloned());
        self.configured_environments
            .extend(other.configured_environments.iter().cloned());
        self.configured_tenants
            .extend(other.configured_tenants.iter().cloned());
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TestOutcome {
    pub suites: Vec<SuiteResult>,
    pub total: usize,
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
    pub skipped: usize,
    pub coverage: Vec<Coverage>,
}

impl TestOutcome {
    /// Invalid input when a suite could not be read, a regression when an expectation failed.
    pub fn exit(&self) -> crate::exit::Exit {
        use crate::exit::Exit;
        if self.suites.iter().any(|s| s.error.is_some()) || self.errors > 0 {
            Exit::InvalidInput
        } else if self.failed > 0 {
            Exit::Regression
        } else {
            Exit::Success
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("`{path}` does not parse")]
    Parse { path: String },
    #[error("invalid input `{path}`: {message}")]
    Input { path: String, message: String },
    #[error(transparent)]
    Suite(#[from] SuiteError),
}

/// Reads and layers Stella Ops configuration files (later wins).
pub fn load_stellaops(files: &dyn Files, paths: &[PathBuf]) -> Result<StellaConfig, ReplayError> {
    let mut documents = Vec::with_capacity(paths.len());
    for path in paths {
        let display = path.display().to_string();
        let bytes = files.read(path)?;
        let (text, bad_utf8) = crate::parse::decode(&bytes);
        let format = if display.ends_with(".json") {
            Format::Json
        } else {
            Format::Yaml
        };
        let document = parse(&text, format);
        if bad_utf8.is_some() || !document.is_usable() {
            return Err(ReplayError::Parse { path: display });
        }
        if let Some(root) = document.root {
            documents.push((display, root));
        }
    }
    let files: Vec<(&str, &crate::parse::Node)> =
        documents.iter().map(|(p, r)| (p.as_str(), r)).collect();
    Ok(model::build(&files))
}

/// Compares a decision with an expectation; the list of differences (empty: it matches).
pub fn compare(expect: &Expect, actual: &Actual) -> Vec<String> {
    let mut mismatches = Vec::new();
    let verdict_matches = match PolicyVerdictStatus::parse(&expect.verdict) {
        Some(status) => status.as_str() == actual.verdict,
        None => expect.verdict.eq_ignore_ascii_case(&actual.verdict),
    };
    if !verdict_matches {
        mismatches.push(format!(
            "verdict: expected `{}`, got `{}`",
            expect.verdict, actual.verdict
        ));
    }
    if let Some(gate) = &expect.gate {
        let wanted = GateId::parse(gate).map_or_else(|| gate.clone(), |g| g.name().to_owned());
        let hit = actual
            .gate
            .as_deref()
            .is_some_and(|g| g.eq_ignore_ascii_case(&wanted))
            || actual
                .equivalent
                .iter()
                .any(|(g, _)| g.eq_ignore_ascii_case(&wanted));
        if !hit {
            mismatches.push(format!(
                "gate: expected `{gate}`, got `{}`",
                actual.gate.as_deref().unwrap_or("none")
            ));
        }
    }
    if let Some(rule) = &expect.rule
        && !actual
            .rule
            .as_deref()
            .is_some_and(|r| r.eq_ignore_ascii_case(rule))
    {
        mismatches.push(format!(
            "rule: expected `{rule}`, got `{}`",
            actual.rule.as_deref().unwrap_or("none")
        ));
    }

    for reason in &expect.reasons {
        if !actual
            .reasons
            .iter()
            .any(|r| r.eq_ignore_ascii_case(reason))
        {
            mismatches.push(format!(
                "reasons: `{reason}` missing from [{}]",
                actual.reasons.join(", ")
            ));
        }
    }
    if let Some(message) = &expect.message {
        let hit = actual.message.as_deref() == Some(message.as_str())
            || actual.equivalent.iter().any(|(_, m)| m == message);
        if !hit {
            mismatches.push(format!(
                "message: expected `{message}`, got `{}`",
                actual.message.as_deref().unwrap_or("")
            ));
        }
    }
    if let Some(code) = expect.exit_code
        && code != actual.exit_code
    {
        mismatches.push(format!(
            "exit_code: expected {code}, got {}",
            actual.exit_code
        ));
    }
    mismatches
}

/// The expectation terms of a Stella Ops decision. For `Pass` and `Warned`, every gate that
/// passed (or warned) is an equivalent deciding gate: the docs name no single one.
pub fn actual_of(decision: &Decision) -> Actual {
    let wanted = match decision.verdict {
        PolicyVerdictStatus::Pass => Some([GateOutcome::Pass, GateOutcome::PassWithNote]),
        PolicyVerdictStatus::Warned => Some([GateOutcome::Warn, GateOutcome::Warn]),
        _ => None,
    };
    let equivalent = wanted
        .map(|outcomes| {
            decision
                .gates
                .iter()
                .filter(|g| {
                    outcomes.contains(&g.outcome) && g.verdict.is_none_or(|v| v == decision.verdict)
                })
                .map(|g| (g.gate.name().to_owned(), g.message.to_string()))
                .collect()
        })
        .unwrap_or_default();
    Actual {
        verdict: decision.verdict.as_str().to_owned(),
        gate: decision.gate.map(|g| g.name().to_owned()),
        rule: decision.rule.clone(),
        reasons: decision.reasons.clone(),
        message: decision.message.clone(),
        exit_code: i32::from(Exit::from(decision.verdict).code()),
        equivalent,
    }
}

/// Deserialises a Stella Ops case input.
pub fn stellaops_input(json: &serde_json::Value) -> Result<CaseInput, String> {
    if json
        .get("environment")
        .and_then(|e| e.as_str())
        .is_none_or(str::is_empty)
    {
        return Err("input: `environment` is required".to_owned());
    }
    serde_json::from_value(json.clone()).map_err(|error| format!("input: {error}"))
}

/// One evaluated case plus what it exercised.
struct Evaluated {
    result: CaseResult,
    gates: Vec<GateId>,
    rule: Option<String>,
    environment: Option<String>,
    tenant: Option<String>,
}

/// Where a case sits in its suite.
struct Head {
    index: usize,
    name: String,
    line: u32,
    span: Span,
}

impl Evaluated {
    fn new(head: Head, status: CaseStatus) -> Evaluated {
        Evaluated {
            result: CaseResult {
                index: head.index,
                name: head.name,
                line: head.line,
                span_start: head.span.start,
                span_end: head.span.end,
                status,
                expected: None,
                actual: None,
                mismatches: Vec::new(),
                error: None,
            },
            gates: Vec::new(),
            rule: None,
            environment: None,
            tenant: None,
        }
    }

    fn error(head: Head, expect: Option<Expect>, error: String) -> Evaluated {
        let mut evaluated = Evaluated::new(head, CaseStatus::Error);
        evaluated.result.expected = expect;
        evaluated.result.error = Some(error);
        evaluated
    }

    fn judged(head: Head, expect: Expect, actual: Actual) -> Evaluated {
        let mismatches = compare(&expect, &actual);
        let status = if mismatches.is_empty() {
            CaseStatus::Passed
        } else {
            CaseStatus::Failed
        };
        let mut evaluated = Evaluated::new(head, status);
        evaluated.result.mismatches = mismatches;
        evaluated.result.actual = Some(actual);
        evaluated.result.expected = Some(expect);
        evaluated
    }
}

enum Engine<'a> {
    Stella(Arc<StellaConfig>),
    Gait {
        evaluator: &'a dyn GaitEvaluator,
        files: &'a dyn Files,
        dir: PathBuf,
        policy: Vec<PathBuf>,
    },
}

fn run_case(engine: &Engine<'_>, case: Case, semantics: &SemanticsOptions) -> Evaluated {
    let head = Head {
        index: case.index,
        name: case.name,
        line: case.line,
        span: case.span,
    };
    let expect = match case.expect {
        Ok(expect) => expect,
        Err(error) => return Evaluated::error(head, None, error),
    };
    match engine {
        Engine::Stella(config) => match stellaops_input(&case.input) {
            Ok(input) => run_stella(config, head, expect, &input, semantics),
            Err(error) => Evaluated::error(head, Some(expect), error),
        },
        Engine::Gait {
            evaluator,
            files,
            dir,
            policy,
        } => match evaluator.evaluate(*files, dir, policy, &case.input) {
            Ok(actual) => Evaluated::judged(head, expect, actual),
            Err(error) => Evaluated::error(head, Some(expect), error),
        },
    }
}

fn run_stella(
    config: &StellaConfig,
    head: Head,
    expect: Expect,
    input: &CaseInput,
    semantics: &SemanticsOptions,
) -> Evaluated {
    let decision = chain::evaluate_with(config, input, semantics, chain::Detail::Omit);
    let gates = decision
        .gates
        .iter()
        .filter(|g| g.outcome.ran())
        .map(|g| g.gate)
        .collect();
    let actual = actual_for(decision, &expect);
    let mut evaluated = Evaluated::judged(head, expect, actual);
    evaluated.gates = gates;
    evaluated.rule = evaluated
        .result
        .actual
        .as_ref()
        .and_then(|actual| actual.rule.clone());
    evaluated.environment = Some(input.environment.to_ascii_lowercase());
    evaluated.tenant = input.tenant_id.clone();
    evaluated
}

/// As [`actual_of`], taking the decision apart instead of copying it, and listing equivalent
/// gates only when the expectation names a gate or a message (nothing else reads them).
fn actual_for(decision: Decision, expect: &Expect) -> Actual {
    let equivalent = if expect.gate.is_some() || expect.message.is_some() {
        actual_of(&decision).equivalent
    } else {
        Vec::new()
    };
    Actual {
        verdict: decision.verdict.as_str().to_owned(),
        gate: decision.gate.map(|g| g.name().to_owned()),
        rule: decision.rule,
        reasons: decision.reasons,
        message: decision.message,
        exit_code: i32::from(Exit::from(decision.verdict).code()),
        equivalent,
    }
}

/// Reads one JSONL case line and runs it; `None` when another shard owns it.
fn run_line(
    engine: &Engine<'_>,
    raw: suite::RawLine,
    defaults: &suite::Defaults,
    semantics: &SemanticsOptions,
    owned: &(dyn Fn(&str) -> bool + Sync),
) -> Option<Evaluated> {
    if let Engine::Stella(config) = engine
        && let Some((name, input, expect)) = suite::stella_case(&raw.text, defaults)
    {
        let name = name.unwrap_or_else(|| format!("case {}", raw.index + 1));
        if !owned(&name) {
            return None;
        }
        let head = Head {
            index: raw.index,
            name,
            line: raw.line,
            span: raw.span,
        };
        return Some(run_stella(config, head, expect, &input, semantics));
    }
    let case = raw.into_case(&defaults.value);
    if !owned(&case.name) {
        return None;
    }
    Some(run_case(engine, case, semantics))
}

/// Per-run state: loaded policies (by their layered path list) and coverage per policy file.
struct Run<'a> {
    options: &'a TestOptions<'a>,
    files: &'a dyn Files,
    configs: BTreeMap<Vec<PathBuf>, Arc<StellaConfig>>,
    coverage: BTreeMap<String, Coverage>,
}

impl<'a> Run<'a> {
    fn engine(
        &mut self,
        path: &Path,
        header: &SuiteHeader,
    ) -> Result<(Engine<'a>, Vec<String>), String> {
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
                    let config =
                        Arc::new(load_stellaops(self.files, &layered).map_err(|e| e.to_string())?);
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
            return Err("a Gait suite needs the Gait evaluator".to_owned());
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

    fn record(&mut self, policies: &[String], suite: &mut SuiteResult, evaluated: Vec<Evaluated>) {
        for item in evaluated {
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

    fn run_suite(&mut self, path: &Path, sink: &mut dyn FnMut(&str, &CaseResult)) -> SuiteResult {
        let display = path.display().to_string();
        let mut result = SuiteResult {
            path: display.clone(),
            ..SuiteResult::default()
        };
        if let Err(error) = self.run_suite_inner(path, &display, &mut result, sink) {
            result.error = Some(error);
        }
        result
    }

    fn run_suite_inner(
        &mut self,
        path: &Path,
        display: &str,
        result: &mut SuiteResult,
        sink: &mut dyn FnMut(&str, &CaseResult),
    ) -> Result<(), String> {
        let semantics = &self.options.semantics;
        let shard = self.options.shard;
        let owned = |name: &str| shard.is_none_or(|s| s.owns(display, name));
        if suite::is_jsonl(path) {
            let mut stream =
                suite::JsonlSuite::open(self.files.reader(), path).map_err(|e| e.to_string())?;
            let (engine, policies) = self.engine(path, &stream.header)?;
            result.ecosystem = ecosystem_name(&engine);
            let defaults = suite::Defaults::new(&stream.header.defaults);
            loop {
                let batch = stream
                    .next_batch(self.options.batch_size.max(1))
                    .map_err(|e| e.to_string())?;
                if batch.is_empty() {
                    break;
                }
                let before = batch.len();
                let evaluated: Vec<Evaluated> = batch
                    .into_par_iter()
                    .filter_map(|raw| run_line(&engine, raw, &defaults, semantics, &owned))
                    .collect();
                result.skipped += before - evaluated.len();
                for item in &evaluated {
                    sink(display, &item.result);
                }
                self.record(&policies, result, evaluated);
            }
            return Ok(());
        }
        let bytes = self.files.reader().read(path).map_err(|e| e.to_string())?;
        let text =
            String::from_utf8(bytes).map_err(|_| format!("`{display}` is not valid UTF-8"))?;
        let document = suite::parse_document(display, &text).map_err(|e| e.to_string())?;
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
        for item in &evaluated {
            sink(display, &item.result);
        }
        self.record(&policies, result, evaluated);
        Ok(())
    }
}

/// Inserts without allocating when the set already holds the text.
fn insert_str(set: &mut BTreeSet<String>, text: &str) {
    if !set.contains(text) {
        set.insert(text.to_owned());
    }
}

fn ecosystem_name(engine: &Engine<'_>) -> String {
    match engine {
        Engine::Stella(_) => "stellaops".to_owned(),
        Engine::Gait { .. } => "gait".to_owned(),
    }
}

/// Records what the policy enables and configures, for coverage.
fn describe_policy(config: &StellaConfig, coverage: &mut Coverage) {
    for section in &config.sections {
        if config.gate_enabled(section.gate) {
            coverage
                .enabled_gates
                .insert(section.gate.name().to_owned());
        }
    }
    if config.determinization.configured && config.determinization.enabled.value {
        coverage
            .enabled_gates
            .insert(GateId::Determinization.name().to_owned());
    }
    let configured_vex = config.sections.iter().any(|s| s.gate == GateId::VexTrust);
    if configured_vex {
        for (env, set) in &config.vex_trust.thresholds {
            if set.min_composite_score.loc.is_some() || set.failure_action.loc.is_some() {
                coverage
                    .configured_environments
                    .insert(env.to_ascii_lowercase());
            }
        }
    }
    for tenant in &config.vex_trust.tenant_overrides {
        coverage.configured_tenants.insert(tenant.tenant.clone());
    }
    let cve_envs = config
        .epss_threshold
        .environments
        .iter()
        .map(|(e, _)| e)
        .chain(config.kev_blocker.environments.iter().map(|(e, _)| e))
        .chain(config.reachable_cve.environments.iter().map(|(e, _)| e))
        .chain(config.cve_delta.environments.iter().map(|(e, _)| e))
        .chain(
            config
                .release_aggregate_cve
                .environments
                .iter()
                .map(|(e, _)| e),
        );
    for env in cve_envs {
        coverage
            .configured_environments
            .insert(env.to_ascii_lowercase());
    }
}

/// Expands directories into the suites under them (sorted), keeps explicit files.
pub fn discover_suites(paths: &[PathBuf]) -> Vec<PathBuf> {
    crate::discover::suites(paths)
}

/// `gatelint test`: replays every suite under `paths`.
pub fn test_command(paths: &[PathBuf], options: &TestOptions<'_>) -> TestOutcome {
    test_command_with_sink(paths, options, &mut |_, _| {})
}

/// As [`test_command`], handing every case result (in input order) to `sink` as it completes,
/// so a reporter can stream JUnit for a suite too large to keep.
pub fn test_command_with_sink(
    paths: &[PathBuf],
    options: &TestOptions<'_>,
    sink: &mut dyn FnMut(&str, &CaseResult),
) -> TestOutcome {
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
    let mut run = Run {
        options,
        files,
        configs: BTreeMap::new(),
        coverage: BTreeMap::new(),
    };
    let mut outcome = TestOutcome::default();
    for path in discover_suites(paths) {
        let suite = run.run_suite(&path, sink);
        outcome.suites.push(suite);
    }
    outcome.coverage = run.coverage.into_values().collect();
    totals(&mut outcome);
    outcome
}

fn totals(outcome: &mut TestOutcome) {
    outcome.total = outcome.suites.iter().map(|s| s.total).sum();
    outcome.passed = outcome.suites.iter().map(|s| s.passed).sum();
    outcome.failed = outcome.suites.iter().map(|s| s.failed).sum();
    outcome.errors = outcome.suites.iter().map(|s| s.errors).sum();
    outcome.skipped = outcome.suites.iter().map(|s| s.skipped).sum();
}

/// Merges the JSON results of several shards into one outcome (suites and coverage by path).
pub fn merge_outcomes(parts: Vec<TestOutcome>) -> TestOutcome {
    let mut suites: BTreeMap<String, SuiteResult> = BTreeMap::new();
    let mut coverage: BTreeMap<String, Coverage> = BTreeMap::new();
    for part in parts {
        for suite in part.suites {
            let entry = suites
                .entry(suite.path.clone())
                .or_insert_with(|| SuiteResult {
                    path: suite.path.clone(),
                    ecosystem: suite.ecosystem.clone(),
                    ..SuiteResult::default()
                });
            entry.total += suite.total;
            entry.passed += suite.passed;
            entry.failed += suite.failed;
            entry.errors += suite.errors;
            entry.cases.extend(suite.cases);
            if entry.error.is_none() {
                entry.error = suite.error;
            }
        }
        for item in part.coverage {
            coverage
                .entry(item.policy.clone())
                .or_insert_with(|| Coverage {
                    policy: item.policy.clone(),
                    ..Coverage::default()
                })
                .absorb(&item);
        }
    }
    let mut outcome = TestOutcome {
        suites: suites
            .into_values()
            .map(|mut suite| {
                suite.cases.sort_by_key(|c| c.index);
                suite.cases.dedup_by_key(|c| c.index);
                suite
            })
            .collect(),
        coverage: coverage.into_values().collect(),
        ..TestOutcome::default()
    };
    totals(&mut outcome);
    // Cases no shard ran are not "skipped" in the merged view.
    outcome.skipped = 0;
    outcome
}

/// JUnit XML: one `testsuite` per suite, one `testcase` per kept case.
pub fn junit_xml(outcome: &TestOutcome) -> String {
    use std::fmt::Write as _;
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"gatelint\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
        outcome.total, outcome.failed, outcome.errors
    );
    for suite in &outcome.suites {
        let _ = writeln!(
            xml,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
            escape(&suite.path),
            suite.total,
            suite.failed,
            suite.errors
        );
        for case in &suite.cases {
            let _ = write!(
                xml,
                "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" line=\"{}\"",
                escape(&suite.path),
                escape(&case.name),
                escape(&suite.path),
                case.line
            );
            match case.status {
                CaseStatus::Passed => xml.push_str("/>\n"),
                CaseStatus::Failed => {
                    let _ = writeln!(
                        xml,
                        ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                        escape(case.mismatches.first().map_or("", String::as_str)),
                        escape(&case.mismatches.join("\n"))
                    );
                }
                CaseStatus::Error => {
                    let _ = writeln!(
                        xml,
                        ">\n      <error message=\"{}\"/>\n    </testcase>",
                        escape(case.error.as_deref().unwrap_or(""))
                    );
                }
            }
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// `gatelint eval`: one decision, explained.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EvalOutcome {
    pub decision: Decision,
    /// Which gates ran, with what thresholds, and why.
    pub explanation: String,
    pub exit_code: i32,
}

impl EvalOutcome {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "verdict": self.decision.verdict.as_str(),
            "exitCode": self.exit_code,
            "decision": self.decision,
        })
    }
}

/// Evaluates one Stella Ops input file (a case input, or a case with `input`) against layered
/// policy files and optional determinization files.
pub fn eval_command(
    reader: &Reader,
    policy_paths: &[PathBuf],
    input_path: &Path,
    determinization: &[PathBuf],
    semantics: &SemanticsOptions,
) -> Result<EvalOutcome, ReplayError> {
    let layered: Vec<PathBuf> = policy_paths
        .iter()
        .chain(determinization)
        .cloned()
        .collect();
    let config = load_stellaops(reader, &layered)?;
    let display = input_path.display().to_string();
    let bytes = reader.read(input_path)?;
    let (text, bad_utf8) = crate::parse::decode(&bytes);
    if bad_utf8.is_some() {
        return Err(ReplayError::Parse { path: display });
    }
    let format = if display.ends_with(".json") {
        Format::Json
    } else {
        Format::Yaml
    };
    let document = parse(&text, format);
    let Some(root) = document
        .root
        .filter(|_| document.issues.iter().all(|i| !i.is_fatal()))
    else {
        return Err(ReplayError::Parse { path: display });
    };
    let mut json = root.to_json();
    if json.get("environment").is_none()
        && let Some(input) = json.get("input").cloned()
    {
        json = input;
    }
    let input = stellaops_input(&json).map_err(|message| ReplayError::Input {
        path: display,
        message,
    })?;
    let decision = chain::evaluate(&config, &input, semantics);
    Ok(EvalOutcome {
        explanation: chain::explain(&decision),
        exit_code: i32::from(Exit::from(decision.verdict).code()),
        decision,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_partition_is_total_and_disjoint() {
        let shards: Vec<Shard> = (1..=3).map(|k| Shard { index: k, count: 3 }).collect();
        for i in 0..200 {
            let name = format!("case {i}");
            let owners = shards
                .iter()
                .filter(|s| s.owns("a/b.fixtures.yaml", &name))
                .count();
            assert_eq!(owners, 1);
        }
        assert_eq!(Shard::parse("2/4"), Some(Shard { index: 2, count: 4 }));
        assert_eq!(Shard::parse("0/4"), None);
        assert_eq!(Shard::parse("5/4"), None);
    }

    #[test]
    fn fnv_is_stable() {
        assert_eq!(fnv1a(b"", FNV_OFFSET), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a", FNV_OFFSET), 0xaf63_dc4c_8601_ec8c);
    }
}
