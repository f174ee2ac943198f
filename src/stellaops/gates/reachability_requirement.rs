//! ReachabilityRequirement (sample `gates.reachabilityRequirement`): at or above
//! `severityThreshold`, a claim in `requiredForStatuses` needs reachability evidence unless its
//! justification is one of `bypassReasons`.

use serde::Serialize;
use serde_json::json;

use crate::stellaops::bind::{Binder, Spanned, d, strings};
use crate::stellaops::config::ConfigNode;
use crate::stellaops::gate_id::GateId;
use crate::stellaops::input::CaseInput;
use crate::stellaops::semantics::SemanticsOptions;
use crate::stellaops::verdict::{Detail, GateOutcome, GateResult, contains_ignore_case};

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReachabilityRequirementOptions {
    pub enabled: Spanned<bool>,
    pub severity_threshold: Spanned<String>,
    pub required_for_statuses: Spanned<Vec<String>>,
    pub bypass_reasons: Spanned<Vec<String>>,
}

impl Default for ReachabilityRequirementOptions {
    fn default() -> Self {
        ReachabilityRequirementOptions {
            enabled: d(true),
            severity_threshold: d("CRITICAL".to_owned()),
            required_for_statuses: strings(&["not_affected"]),
            bypass_reasons: strings(&["component_not_present", "vulnerable_configuration_unused"]),
        }
    }
}

impl ReachabilityRequirementOptions {
    pub(in crate::stellaops) fn bind(
        &mut self,
        binder: &mut Binder<'_>,
        node: &ConfigNode,
        path: &str,
    ) {
        binder.set(&mut self.enabled, node, "Enabled", path);
        binder.set(
            &mut self.severity_threshold,
            node,
            "SeverityThreshold",
            path,
        );
        binder.set_list(
            &mut self.required_for_statuses,
            node,
            "RequiredForStatuses",
            path,
        );
        binder.set_list(&mut self.bypass_reasons, node, "BypassReasons", path);
    }
}

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
    gate: &ReachabilityRequirementOptions,
    input: &CaseInput,
    _options: &SemanticsOptions,
    detail: Detail,
) -> GateResult {
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
