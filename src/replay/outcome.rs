//! What a replay found: per case, per suite and for the whole run, and the merge of shards.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::coverage::Coverage;
use super::suite::Expect;
use crate::span::Span;

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

pub(super) fn totals(outcome: &mut TestOutcome) {
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
