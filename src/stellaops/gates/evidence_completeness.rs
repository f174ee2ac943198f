//! EvidenceCompleteness (order 100): the first gate; guards a risk-reducing claim made without
//! the evidence it should rest on. Its options are not public; see docs/semantics/stellaops.md.

use serde_json::json;

use super::SimpleGateOptions;
use crate::stellaops::gate_id::GateId;
use crate::stellaops::input::CaseInput;
use crate::stellaops::semantics::SemanticsOptions;
use crate::stellaops::verdict::{Detail, GateOutcome, GateResult};

const GATE: GateId = GateId::EvidenceCompleteness;

pub fn evaluate(
    _gate: &SimpleGateOptions,
    input: &CaseInput,
    _options: &SemanticsOptions,
    detail: Detail,
) -> GateResult {
    let Some(evidence) = &input.evidence else {
        return GateResult::skip(GATE, "no evidence completeness data in the case");
    };
    let details =
        || json!({ "missing": evidence.missing, "requestedStatus": input.requested_status });
    if evidence.missing.is_empty() {
        return GateResult::new(GATE, GateOutcome::Pass, "Evidence is complete")
            .details(detail, details);
    }
    let missing = evidence.missing.join(", ");
    let risk_reducing = input
        .requested_status
        .as_deref()
        .is_some_and(|status| status.eq_ignore_ascii_case("not_affected"));
    let outcome = if risk_reducing {
        GateOutcome::Block
    } else {
        GateOutcome::Warn
    };
    GateResult::new(
        GATE,
        outcome,
        format!("Evidence is incomplete: missing {missing}"),
    )
    .reason("evidence_incomplete")
    .details(detail, details)
}
