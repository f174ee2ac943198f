//! A decision in the terms of an expectation, and the comparison of the two.

use super::outcome::Actual;
use super::suite::Expect;
use crate::exit::Exit;
use crate::stellaops::chain::{Decision, GateOutcome, PolicyVerdictStatus};
use crate::stellaops::model::GateId;

/// Compares a decision with an expectation; the list of differences (empty: it matches).
pub(super) fn compare(expect: &Expect, actual: &Actual) -> Vec<String> {
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

/// Gates that also satisfy a `gate`/`message` expectation. For `Pass` and `Warned`, every gate
/// that passed (or warned) is an equivalent deciding gate: the docs name no single one.
fn equivalent(decision: &Decision) -> Vec<(String, String)> {
    let wanted = match decision.verdict {
        PolicyVerdictStatus::Pass => Some([GateOutcome::Pass, GateOutcome::PassWithNote]),
        PolicyVerdictStatus::Warned => Some([GateOutcome::Warn, GateOutcome::Warn]),
        _ => None,
    };
    wanted
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
        .unwrap_or_default()
}

/// The expectation terms of a Stella Ops decision, listing equivalent gates only when the
/// expectation names a gate or a message (nothing else reads them).
pub(super) fn actual_for(decision: Decision, expect: &Expect) -> Actual {
    let equivalent = if expect.gate.is_some() || expect.message.is_some() {
        equivalent(&decision)
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
