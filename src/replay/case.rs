//! One case through its evaluator: the decision, judged against the expectation, and what the
//! case exercised.

use super::evaluator::{Evaluator, StellaOps};
use std::path::PathBuf;
use std::sync::Arc;

use super::compare::{actual_for, compare};
use super::evaluator::GaitEvaluator;
use super::load::stellaops_input;
use super::outcome::{Actual, CaseResult, CaseStatus};
use super::suite::{self, Case, Expect};
use crate::source::Files;
use crate::span::Span;
use crate::stellaops::chain;
use crate::stellaops::input::CaseInput;
use crate::stellaops::model::{GateId, StellaConfig};
use crate::stellaops::semantics::SemanticsOptions;

/// One evaluated case plus what it exercised.
pub(super) struct Evaluated {
    pub(super) result: CaseResult,
    pub(super) exercised: Exercised,
}

/// What a case exercised, for the coverage of its policies.
#[derive(Default)]
pub(super) struct Exercised {
    pub(super) gates: Vec<GateId>,
    pub(super) rule: Option<String>,
    pub(super) environment: Option<String>,
    pub(super) tenant: Option<String>,
}

/// Where a case sits in its suite.
pub(super) struct Head {
    pub(super) index: usize,
    pub(super) name: String,
    pub(super) line: u32,
    pub(super) span: Span,
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
            exercised: Exercised::default(),
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

pub(super) enum Engine<'a> {
    Stella(Arc<StellaConfig>),
    Gait {
        evaluator: &'a dyn GaitEvaluator,
        files: &'a dyn Files,
        dir: PathBuf,
        policy: Vec<PathBuf>,
    },
}

pub(super) fn run_case(engine: &Engine<'_>, case: Case, semantics: &SemanticsOptions) -> Evaluated {
    let head = Head {
        index: case.index,
        name: case.name,
        line: case.line,
        span: case.span,
    };
    let expect = match case.expect {
        Ok(expect) => expect,
        Err(error) => return Evaluated::error(head, None, error.to_string()),
    };
    match engine {
        Engine::Stella(config) => match stellaops_input(&case.input) {
            Ok(input) => run_stella(config, head, expect, &input, semantics),
            Err(error) => Evaluated::error(head, Some(expect), error.to_string()),
        },
        Engine::Gait {
            evaluator,
            files,
            dir,
            policy,
        } => match evaluator.evaluate(*files, dir, policy, &case.input) {
            Ok(actual) => Evaluated::judged(head, expect, actual),
            Err(error) => Evaluated::error(head, Some(expect), error.to_string()),
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
    let evaluator = StellaOps {
        semantics,
        detail: chain::Detail::Omit,
    };
    let decision = evaluator.decide(config, input);
    let gates = decision
        .gates
        .iter()
        .filter(|g| g.outcome.ran())
        .map(|g| g.gate)
        .collect();
    let actual = actual_for(decision, &expect);
    let mut evaluated = Evaluated::judged(head, expect, actual);
    evaluated.exercised = Exercised {
        gates,
        rule: evaluated
            .result
            .actual
            .as_ref()
            .and_then(|actual| actual.rule.clone()),
        environment: Some(input.environment.to_ascii_lowercase()),
        tenant: input.tenant_id.clone(),
    };
    evaluated
}

/// Reads one JSONL case line and runs it; `None` when another shard owns it.
pub(super) fn run_line(
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

/// One JSONL case line read once and run on both sides of a diff: (baseline, candidate, the
/// case's environment). When both sides are Stella Ops the line is read straight into the typed
/// input once; else it takes the general path once and each side runs the same case.
pub(super) fn run_line_pair(
    baseline: &Engine<'_>,
    candidate: &Engine<'_>,
    raw: suite::RawLine,
    defaults: &suite::Defaults,
    semantics: &SemanticsOptions,
    environment: &(dyn Fn(&serde_json::Value) -> String + Sync),
) -> (Evaluated, Evaluated, String) {
    if let (Engine::Stella(old), Engine::Stella(new)) = (baseline, candidate)
        && let Some((name, input, expect)) = suite::stella_case(&raw.text, defaults)
    {
        let name = name.unwrap_or_else(|| format!("case {}", raw.index + 1));
        let head = |name: String| Head {
            index: raw.index,
            name,
            line: raw.line,
            span: raw.span,
        };
        let old = run_stella(old, head(name.clone()), expect.clone(), &input, semantics);
        let new = run_stella(new, head(name), expect, &input, semantics);
        return (old, new, input.environment.to_ascii_lowercase());
    }
    let case = raw.into_case(&defaults.value);
    run_case_pair(baseline, candidate, case, semantics, environment)
}

/// One case run on both sides of a diff: (baseline, candidate, the case's environment).
pub(super) fn run_case_pair(
    baseline: &Engine<'_>,
    candidate: &Engine<'_>,
    case: Case,
    semantics: &SemanticsOptions,
    environment: &(dyn Fn(&serde_json::Value) -> String + Sync),
) -> (Evaluated, Evaluated, String) {
    let environment = environment(&case.input);
    let old = run_case(baseline, case.clone(), semantics);
    let new = run_case(candidate, case, semantics);
    (old, new, environment)
}
