//! The gate chain: gates run in order, a `Block` stops the chain, warnings accumulate, and the
//! outcome is one [`PolicyVerdictStatus`] with the deciding gate and every gate's result.

use serde::Serialize;

use super::determinization::DeterminizationDetail;
use super::gate_id::GateId;
use super::gates;
use super::input::CaseInput;
use super::model::StellaConfig;
use super::semantics::SemanticsOptions;
pub use super::verdict::{
    Detail, GateOutcome, GateResult, PolicyVerdictStatus, contains_ignore_case, num,
};

/// The decision of the whole chain for one case.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    pub verdict: PolicyVerdictStatus,
    /// The gate that decided (for `Pass`: the last gate that ran).
    pub gate: Option<GateId>,
    pub rule: Option<String>,
    pub message: Option<String>,
    pub reasons: Vec<String>,
    pub warnings: Vec<String>,
    pub gates: Vec<GateResult>,
}

impl Decision {
    pub fn gate_result(&self, gate: GateId) -> Option<&GateResult> {
        self.gates.iter().find(|result| result.gate == gate)
    }

    pub fn determinization(&self) -> Option<&DeterminizationDetail> {
        self.gate_result(GateId::Determinization)
            .and_then(|result| result.determinization.as_deref())
    }
}

fn run_gate(
    gate: GateId,
    config: &StellaConfig,
    input: &CaseInput,
    options: &SemanticsOptions,
    mode: Detail,
) -> GateResult {
    if !config.gate_enabled(gate) {
        return GateResult::skip(gate, disabled_message(gate));
    }
    match gate {
        GateId::EvidenceCompleteness => gates::evidence_completeness::evaluate(
            &config.evidence_completeness,
            input,
            options,
            mode,
        ),
        GateId::LatticeState => {
            gates::lattice_state::evaluate(&config.lattice_state, input, options, mode)
        }
        GateId::VexTrust => {
            gates::vex_trust::evaluate_with(&config.vex_trust, input, options, mode)
        }
        GateId::UncertaintyTier => {
            gates::uncertainty_tier::evaluate(&config.uncertainty_tier, input, options, mode)
        }
        GateId::Confidence => gates::confidence::evaluate(&config.confidence, input, options, mode),
        GateId::ExecutionEvidence => {
            gates::execution_evidence::evaluate(&config.execution_evidence, input, options, mode)
        }
        GateId::BeaconRate => {
            gates::beacon_rate::evaluate(&config.beacon_rate, input, options, mode)
        }
        GateId::UnknownsBudget => {
            gates::unknowns_budget::evaluate(&config.unknowns_budget, input, options, mode)
        }
        GateId::SourceQuota => {
            gates::source_quota::evaluate(&config.source_quota, input, options, mode)
        }
        GateId::ReachabilityRequirement => gates::reachability_requirement::evaluate(
            &config.reachability_requirement,
            input,
            options,
            mode,
        ),
        GateId::EpssThreshold => {
            gates::epss_threshold::evaluate(&config.epss_threshold, input, options, mode)
        }
        GateId::KevBlocker => {
            gates::kev_blocker::evaluate(&config.kev_blocker, input, options, mode)
        }
        GateId::ReachableCve => {
            gates::reachable_cve::evaluate(&config.reachable_cve, input, options, mode)
        }
        GateId::CveDelta => gates::cve_delta::evaluate(&config.cve_delta, input, options, mode),
        GateId::ReleaseAggregateCve => gates::release_aggregate_cve::evaluate(
            &config.release_aggregate_cve,
            input,
            options,
            mode,
        ),
        GateId::Determinization => super::determinization::evaluate(config, input, options, mode),
    }
}

/// `"<gate> gate is disabled"`, without allocating.
fn disabled_message(gate: GateId) -> &'static str {
    match gate {
        GateId::EvidenceCompleteness => "EvidenceCompleteness gate is disabled",
        GateId::LatticeState => "LatticeState gate is disabled",
        GateId::VexTrust => "VexTrust gate is disabled",
        GateId::UncertaintyTier => "UncertaintyTier gate is disabled",
        GateId::Confidence => "Confidence gate is disabled",
        GateId::ExecutionEvidence => "ExecutionEvidence gate is disabled",
        GateId::BeaconRate => "BeaconRate gate is disabled",
        GateId::UnknownsBudget => "UnknownsBudget gate is disabled",
        GateId::SourceQuota => "SourceQuota gate is disabled",
        GateId::ReachabilityRequirement => "ReachabilityRequirement gate is disabled",
        GateId::EpssThreshold => "EpssThreshold gate is disabled",
        GateId::KevBlocker => "KevBlocker gate is disabled",
        GateId::ReachableCve => "ReachableCve gate is disabled",
        GateId::CveDelta => "CveDelta gate is disabled",
        GateId::ReleaseAggregateCve => "ReleaseAggregateCve gate is disabled",
        GateId::Determinization => "Determinization gate is disabled",
    }
}

/// Runs the chain. Pure: the result depends only on the arguments.
pub fn evaluate(config: &StellaConfig, input: &CaseInput, options: &SemanticsOptions) -> Decision {
    evaluate_with(config, input, options, Detail::Full)
}

/// As [`evaluate`]; with [`Detail::Omit`] the gates' `details` stay `null`, everything else is
/// the same.
pub fn evaluate_with(
    config: &StellaConfig,
    input: &CaseInput,
    options: &SemanticsOptions,
    mode: Detail,
) -> Decision {
    let mut results = Vec::with_capacity(GateId::ALL.len());
    let mut blocked = None;
    for gate in GateId::ALL {
        let result = run_gate(gate, config, input, options, mode);
        let is_block = result.outcome == GateOutcome::Block;
        results.push(result);
        if is_block {
            blocked = Some(results.len() - 1);
            break;
        }
    }
    let mut reasons: Vec<String> = Vec::new();
    for reason in results.iter().flat_map(|r| r.reasons.iter()) {
        if !reasons.contains(reason) {
            reasons.push(reason.clone());
        }
    }
    let warnings: Vec<String> = results
        .iter()
        .filter(|r| r.outcome == GateOutcome::Warn)
        .map(|r| r.message.to_string())
        .collect();
    let special = results
        .iter()
        .position(|r| r.verdict.is_some_and(|v| v != PolicyVerdictStatus::Pass));
    let first_warn = results.iter().position(|r| r.outcome == GateOutcome::Warn);
    let last_ran = results.iter().rposition(|r| r.outcome.ran());
    let (verdict, deciding) = if let Some(index) = blocked {
        let verdict = results
            .get(index)
            .and_then(|r| r.verdict)
            .unwrap_or(PolicyVerdictStatus::Blocked);
        (verdict, Some(index))
    } else if let Some(index) = special {
        let verdict = results
            .get(index)
            .and_then(|r| r.verdict)
            .unwrap_or(PolicyVerdictStatus::Pass);
        (verdict, Some(index))
    } else if let Some(index) = first_warn {
        (PolicyVerdictStatus::Warned, Some(index))
    } else {
        (PolicyVerdictStatus::Pass, last_ran)
    };
    let deciding = deciding.and_then(|index| results.get(index));
    Decision {
        verdict,
        gate: deciding.map(|r| r.gate),
        rule: results
            .iter()
            .find(|r| r.gate == GateId::Determinization)
            .and_then(|r| r.rule.clone()),
        message: deciding.map(|r| r.message.to_string()),
        reasons,
        warnings,
        gates: results,
    }
}

/// A human explanation of a decision: which gates ran, with what thresholds, and why.
pub fn explain(decision: &Decision) -> String {
    use std::fmt::Write as _;
    let mut text = String::new();
    let _ = write!(text, "verdict: {}", decision.verdict.as_str());
    if let Some(gate) = decision.gate {
        let _ = write!(text, " (decided by {})", gate.name());
    }
    if let Some(rule) = &decision.rule {
        let _ = write!(text, ", rule {rule}");
    }
    text.push('\n');
    for result in &decision.gates {
        let _ = writeln!(
            text,
            "  {:>3} {:<24} {:<12} {}",
            result.order,
            result.gate.name(),
            result.outcome.as_str(),
            result.message
        );
        if !result.reasons.is_empty() {
            let _ = writeln!(text, "      reasons: {}", result.reasons.join(", "));
        }
        if !result.details.is_null() {
            let _ = writeln!(text, "      compared: {}", result.details);
        }
    }
    let ran: Vec<GateId> = decision.gates.iter().map(|r| r.gate).collect();
    let not_run: Vec<&str> = GateId::ALL
        .iter()
        .filter(|gate| !ran.contains(gate))
        .map(|gate| gate.name())
        .collect();
    if !not_run.is_empty() {
        let _ = writeln!(
            text,
            "  not reached (chain stopped): {}",
            not_run.join(", ")
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disabled_messages_name_their_gate() {
        for gate in GateId::ALL {
            assert_eq!(
                disabled_message(gate),
                format!("{} gate is disabled", gate.name())
            );
        }
    }
}
