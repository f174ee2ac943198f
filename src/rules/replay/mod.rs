//! Replay rules: the fixture replay of `check` (cases that disagree with their expectation or
//! cannot run, policies, gates, environments and tenants no case exercises) and the verdict diff
//! of `diff` and `check --baseline-ref` (cases whose verdict loosened or tightened).

pub mod environment_not_exercised;
pub mod fixture_environment_unconfigured;
pub mod fixture_error;
pub mod fixture_mismatch;
pub mod fixture_suite_empty;
pub mod gate_not_exercised;
pub mod policy_not_exercised;
pub mod tenant_not_exercised;
pub mod verdict_loosened;
pub mod verdict_rule_changed;
pub mod verdict_tightened;

use std::sync::Arc;

use crate::diff::verdicts::ChangedCase;
use crate::finding::{Finding, Location, Severity};
use crate::parse::{Node, Value};
use crate::replay::runner::{CaseResult, SuiteResult};
use crate::rules::{BoundSection, ReplayContext, ReplayFile, RuleMeta};
use crate::span::Span;

/// Each replayed suite that is one of the checked files, with its display path.
fn replayed_suites<'a>(
    cx: &'a ReplayContext<'a>,
) -> impl Iterator<Item = (Arc<str>, &'a SuiteResult)> + 'a {
    cx.outcome
        .suites
        .iter()
        .filter_map(|suite| cx.file(&suite.path).map(|(path, _)| (path, suite)))
}

/// Where a case is written in its suite.
pub fn case_location(path: &Arc<str>, case: &CaseResult) -> Location {
    Location::new(path.clone(), case.span(), format!("/cases/{}", case.index))
}

/// Where a finding on a Gait scenario directory sits: the start of its `policy.yaml`.
pub fn scenario_location(policy: &Arc<str>) -> Location {
    Location::new(policy.clone(), Span::at(0), "")
}

/// The span of the key that configures `gate` (any of its spellings) in the bound sections.
/// Where `gate` is configured in `file`: its key, or the whole file for the Determinization
/// gate in a determinization file (which configures nothing else).
fn find_gate_in(file: &ReplayFile<'_>, gate: &str) -> Option<Span> {
    find_gate(file.sections, gate).or_else(|| {
        (file.kind == crate::classify::FileKind::Determinization
            && crate::stellaops::model::GateId::parse(gate)
                == Some(crate::stellaops::model::GateId::Determinization))
        .then(Span::default)
    })
}

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

/// Where coverage advice about `name` goes, `find` locating it in a file: at the key that
/// configures it in `policy`. When `policy` does not hold it but another policy file of the
/// replay does (a layered set: the tenant in `appsettings.yaml`, not in `determinization.json`),
/// nowhere: that file reports it. When no file holds it, at the start of `policy`, once per name
/// (`unplaced` remembers which).
fn coverage_location(
    cx: &ReplayContext<'_>,
    policy: &str,
    name: &str,
    find: &dyn Fn(&ReplayFile<'_>, &str) -> Option<Span>,
    unplaced: &mut std::collections::BTreeSet<String>,
) -> Option<Location> {
    let (path, file) = cx.file(policy)?;
    if let Some(span) = find(file, name) {
        return Some(Location::new(path, span, ""));
    }
    let elsewhere = cx.outcome.coverage.iter().any(|other| {
        other.policy != policy
            && cx
                .file(&other.policy)
                .is_some_and(|(_, other)| find(other, name).is_some())
    });
    (!elsewhere && unplaced.insert(name.to_owned()))
        .then(|| Location::new(path, Span::default(), ""))
}

/// The span of the first key named `name` (ignoring case) in `file`.
fn find_key_in(file: &ReplayFile<'_>, name: &str) -> Option<Span> {
    find_key(file.sections, name)
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

/// The finding of a changed case, on the case's line: an error when the change is disallowed.
fn verdict_finding(meta: &RuleMeta, case: &ChangedCase) -> Finding {
    // A bare Gait intent has no case line: the finding sits on the intent file.
    let path = if case.span.is_some() {
        &case.suite
    } else {
        &case.case
    };
    let location = Location::new(
        Arc::from(path.as_str()),
        case.span.unwrap_or_else(|| Span::at(0)),
        if case.span.is_some() {
            format!("/cases/{}", case.index)
        } else {
            String::new()
        },
    );
    let mut finding = meta
        .finding(
            location,
            format!(
                "case `{}` ({}): {} → {} ({})",
                case.case,
                case.environment,
                case.baseline.verdict,
                case.candidate.verdict,
                case.direction.as_str()
            ),
        )
        .with_help(format!(
            "baseline decided {}; candidate decides {}",
            case.baseline.explain(),
            case.candidate.explain()
        ));
    if case.disallowed {
        finding.severity = Severity::Error;
    }
    finding
}
