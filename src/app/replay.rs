//! The replay pass of `check`: every discovered fixture suite runs through the evaluators; a
//! case whose decision differs from its expectation becomes a finding on the case's line, and
//! the suites' coverage becomes advice on the policy files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{FileOutcome, gait_replay, script_registry, semantics};
use crate::config::Config;
use crate::discover::{self, Candidate};
use crate::finding::{Finding, Location};
use crate::gait::registry::RegistryUse;
use crate::parse::{Node, Value};
use crate::replay::runner::{self, CaseStatus, TestOptions};
use crate::report::{self, CaseOutcome};
use crate::rules::BoundSection;
use crate::rules::replay::{
    environment_not_exercised::EnvironmentNotExercised, fixture_error::FixtureError,
    fixture_mismatch::FixtureMismatch, gate_not_exercised::GateNotExercised,
    policy_not_exercised::PolicyNotExercised, tenant_not_exercised::TenantNotExercised,
};
use crate::span::Span;

const POLICY_KINDS: [&str; 3] = [
    "stellaops-gates",
    "stellaops-determinization",
    "gait-policy",
];

/// Replays the suites among `outcomes`, adding findings to the suite and policy files and one
/// case outcome per replayed case to `cases`.
pub fn check_fixtures(
    candidates: &[Candidate],
    outcomes: &mut Vec<FileOutcome>,
    config: &Config,
    shard: Option<runner::Shard>,
    cases: &mut Vec<CaseOutcome>,
) {
    let suites: Vec<PathBuf> = candidates
        .iter()
        .zip(outcomes.iter())
        .filter(|(_, outcome)| {
            outcome
                .scanned
                .as_ref()
                .is_some_and(|scanned| scanned.kind == "fixture-suite")
                && !outcome.findings.iter().any(|finding| {
                    crate::rules::registry::find(finding.rule.as_str())
                        .is_some_and(|meta| meta.invalid_input)
                })
        })
        .map(|(candidate, _)| candidate.path.clone())
        .collect();
    let mut registries = scenario_registries(candidates, outcomes);
    if suites.is_empty() {
        script_registry::add_findings(&registries, outcomes);
        return;
    }
    let gait = gait_replay::GaitCases::default();
    let options = TestOptions {
        shard,
        semantics: semantics(config),
        keep_passed: true,
        gait: Some(&gait),
        ..TestOptions::default()
    };
    let outcome = runner::test_command(&suites, &options);
    for (path, uses) in gait.registry_uses() {
        registries.entry(path).or_default().extend(uses);
    }
    let index: std::collections::BTreeMap<String, usize> = outcomes
        .iter()
        .enumerate()
        .filter_map(|(at, outcome)| {
            outcome
                .scanned
                .as_ref()
                .map(|scanned| (scanned.source.path.to_string(), at))
        })
        .collect();
    for suite in &outcome.suites {
        let display = discover::normalize_display(Path::new(&suite.path));
        let Some(&at) = index.get(&display) else {
            continue;
        };
        let path: Arc<str> = Arc::from(display.as_str());
        let mut found = Vec::new();
        if let Some(error) = &suite.error {
            found.push(FixtureError::META.finding(
                Location::new(path.clone(), Span::at(0), ""),
                format!("suite cannot be replayed: {error}"),
            ));
        }
        for case in &suite.cases {
            let location =
                Location::new(path.clone(), case.span(), format!("/cases/{}", case.index));
            match case.status {
                CaseStatus::Passed => {}
                CaseStatus::Failed => {
                    let mut finding = FixtureMismatch::META.finding(
                        location,
                        format!("case `{}`: {}", case.name, case.mismatches.join("; ")),
                    );
                    if let Some(actual) = &case.actual {
                        finding = finding.with_help(format!(
                            "the evaluator decided `{}`{}{}",
                            actual.verdict,
                            actual
                                .gate
                                .as_deref()
                                .map(|gate| format!(" at gate `{gate}`"))
                                .unwrap_or_default(),
                            if actual.reasons.is_empty() {
                                String::new()
                            } else {
                                format!(" ({})", actual.reasons.join(", "))
                            }
                        ));
                    }
                    found.push(finding);
                }
                CaseStatus::Error => found.push(FixtureError::META.finding(
                    location,
                    format!(
                        "case `{}` cannot be evaluated: {}",
                        case.name,
                        case.error.as_deref().unwrap_or("unknown error")
                    ),
                )),
            }
            cases.push(CaseOutcome {
                suite: path.clone(),
                name: case.name.clone(),
                status: if case.status == CaseStatus::Passed {
                    report::CaseStatus::Passed
                } else {
                    report::CaseStatus::Failed
                },
                message: (!case.mismatches.is_empty()).then(|| case.mismatches.join("; ")),
                expected: case.expected.as_ref().map(|expect| expect.verdict.clone()),
                actual: case.actual.as_ref().map(|actual| actual.verdict.clone()),
            });
        }
        if let Some(target) = outcomes.get_mut(at) {
            target.findings.extend(found);
        }
    }
    coverage_findings(&outcome, outcomes);
    script_registry::add_findings(&registries, outcomes);
}

/// The registries of the Gait scenario directories among the checked files: a scanned
/// `policy.yaml` beside a `flags.yaml` that names `approved_script_registry`.
fn scenario_registries(
    candidates: &[Candidate],
    outcomes: &[FileOutcome],
) -> BTreeMap<PathBuf, Vec<RegistryUse>> {
    let mut out: BTreeMap<PathBuf, Vec<RegistryUse>> = BTreeMap::new();
    for (candidate, outcome) in candidates.iter().zip(outcomes) {
        let is_policy = outcome
            .scanned
            .as_ref()
            .is_some_and(|scanned| scanned.kind == "gait-policy");
        if !is_policy
            || candidate
                .path
                .file_name()
                .is_none_or(|name| name != "policy.yaml")
        {
            continue;
        }
        let Some(dir) = candidate.path.parent() else {
            continue;
        };
        if let Some((path, usage)) = crate::gait::command::scenario_registry_use(dir) {
            out.entry(path).or_default().push(usage);
        }
    }
    out
}

/// Coverage advice: unexercised policies, gates, environments and tenants.
fn coverage_findings(outcome: &runner::TestOutcome, outcomes: &mut [FileOutcome]) {
    let referenced: Vec<String> = outcomes
        .iter()
        .flat_map(|outcome| outcome.references.iter().cloned())
        .collect();
    for outcome in outcomes.iter_mut() {
        let Some(scanned) = &outcome.scanned else {
            continue;
        };
        if !POLICY_KINDS.contains(&scanned.kind)
            || referenced.contains(&scanned.source.path.to_string())
        {
            continue;
        }
        let location = Location::new(
            scanned.source.path.clone(),
            first_line(&scanned.source.text),
            "",
        );
        outcome.findings.push(PolicyNotExercised::META.finding(
            location,
            format!("no fixture suite replays `{}`", scanned.source.path),
        ));
    }
    for coverage in &outcome.coverage {
        let display = discover::normalize_display(Path::new(&coverage.policy));
        let Some(target) = outcomes.iter_mut().find(|outcome| {
            outcome
                .scanned
                .as_ref()
                .is_some_and(|scanned| *scanned.source.path == *display)
        }) else {
            continue;
        };
        let path: Arc<str> = Arc::from(display.as_str());
        let mut found: Vec<Finding> = Vec::new();
        for gate in coverage.gates_not_exercised() {
            let span = find_gate(&target.sections, gate).unwrap_or_default();
            found.push(GateNotExercised::META.finding(
                Location::new(path.clone(), span, ""),
                format!("gate `{gate}` is enabled but no fixture case reaches it"),
            ));
        }
        for environment in coverage.environments_not_exercised() {
            let span = find_key(&target.sections, environment).unwrap_or_default();
            found.push(EnvironmentNotExercised::META.finding(
                Location::new(path.clone(), span, ""),
                format!(
                    "environment `{environment}` is configured but no fixture case evaluates it"
                ),
            ));
        }
        for tenant in coverage.tenants_not_exercised() {
            let span = find_key(&target.sections, tenant).unwrap_or_default();
            found.push(TenantNotExercised::META.finding(
                Location::new(path.clone(), span, ""),
                format!("tenant override `{tenant}` is configured but no fixture case uses it"),
            ));
        }
        target.findings.extend(found);
    }
}

fn first_line(text: &str) -> Span {
    Span::new(0, text.find('\n').unwrap_or(text.len()))
}

/// The span of the key that configures `gate` (any of its spellings) in the bound sections.
fn find_gate(sections: &[BoundSection<'_>], gate: &str) -> Option<Span> {
    use crate::stellaops::model::GateId;
    let wanted = GateId::parse(gate)?;
    let mut nodes: Vec<&Node> = sections
        .iter()
        .map(|section| section.node.as_ref())
        .collect();
    // Gates sit at most two levels down (`gates.<gate>` in the sample, `<gate>` in a section).
    for _ in 0..2 {
        let mut next = Vec::new();
        for node in nodes {
            for entry in node.as_map().unwrap_or_default() {
                if GateId::parse(&entry.key.text) == Some(wanted) {
                    return Some(entry.key.span);
                }
                next.push(&entry.value);
            }
        }
        nodes = next;
    }
    None
}

/// The span of the first key named `name` (ignoring case) in the bound sections.
fn find_key(sections: &[BoundSection<'_>], name: &str) -> Option<Span> {
    sections
        .iter()
        .find_map(|section| find_in(&section.node, name))
}

fn find_in(node: &Node, name: &str) -> Option<Span> {
    match &node.value {
        Value::Map(entries) => entries.iter().find_map(|entry| {
            if entry.key.text.eq_ignore_ascii_case(name) {
                Some(entry.key.span)
            } else {
                find_in(&entry.value, name)
            }
        }),
        Value::Seq(items) => items.iter().find_map(|item| find_in(item, name)),
        _ => None,
    }
}
