//! ReachabilityRequirement (sample `gates.reachabilityRequirement`): at or above
//! `severityThreshold`, a claim in `requiredForStatuses` needs reachability evidence unless its
//! justification is one of `bypassReasons`.

use serde_json::json;

use crate::stellaops::chain::{Detail, GateOutcome, GateResult, contains_ignore_case};
use crate::stellaops::input::CaseInput;
use crate::stellaops::model::{GateId, StellaConfig};
use crate::stellaops::semantics::SemanticsOptions;

const GATE: GateId = GateId::ReachabilityRequirement;

fn rank(severity: &str) -> u8 {
    match severity.trim().to_ascii_uppercase().as_str() {
        "LOW" => 1,
        "MEDIUM" => 2,
        "HIGH" => 3,
        "CRITICAL" => 4,
        _ => 0,
    }
}

pub fn evaluate(
    config: &StellaConfig,
    input: &CaseInput,
    _options: &SemanticsOptions,
    detail: Detail,
) -> GateResult {
    let gate = &config.reachability_requirement;
    let (Some(status), Some(severity)) = (&input.requested_status, &input.severity) else {
        return GateResult::skip(GATE, "no requested status or severity in the case");
    };
    if !contains_ignore_case(&gate.required_for_statuses.value, status) {
        return GateResult::skip(
            GATE,
            format!("requested status `{status}` does not require reachability"),
        );
    }
    let threshold = &gate.severity_threshold.value;
    let details = || json!({ "severity": severity, "severityThreshold": threshold, "justification": input.justification });
    if rank(severity) < rank(threshold) {
        return GateResult::new(
            GATE,
            GateOutcome::Pass,
            format!("Severity {severity} is below {threshold}"),
        )
        .details(detail, details);
    }
    if let Some(justification) = &input.justification
        && contains_ignore_case(&gate.bypass_reasons.value, justification)
    {
        return GateResult::new(
            GATE,
            GateOutcome::Pass,
            format!("Justification `{justification}` bypasses the reachability requirement"),
        )
        .details(detail, details);
    }
    let lattice_evidence = input
        .lattice_state
        .as_deref()
        .is_some_and(|state| !state.trim().eq_ignore_ascii_case("U"));
    if input.reachability_evidence == Some(true)
        || (input.reachability_evidence.is_none() && lattice_evidence)
    {
        return GateResult::new(GATE, GateOutcome::Pass, "Reachability evidence present")
            .details(detail, details);
    }
    GateResult::new(
        GATE,
        GateOutcome::Block,
        format!("{status} at severity {severity} requires reachability evidence"),
    )
    .reason("reachability_evidence_required")
    .details(detail, details)
}
