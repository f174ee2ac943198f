//! UncertaintyTier (order 300): the tier table of `docs/reachability/policy-gate.md` §2.2.

use serde_json::json;

use super::SimpleGateOptions;
use crate::stellaops::gate_id::GateId;
use crate::stellaops::input::CaseInput;
use crate::stellaops::semantics::{ReviewOutcome, SemanticsOptions};
use crate::stellaops::verdict::{Detail, GateOutcome, GateResult, PolicyVerdictStatus};

const GATE: GateId = GateId::UncertaintyTier;

pub fn evaluate(
    _gate: &SimpleGateOptions,
    input: &CaseInput,
    options: &SemanticsOptions,
    detail: Detail,
) -> GateResult {
    let (Some(status), Some(tier)) = (&input.requested_status, &input.uncertainty_tier) else {
        return GateResult::skip(GATE, "no requested status or uncertainty tier in the case");
    };
    let tier = tier.trim().to_ascii_uppercase();
    let status = status.trim().to_ascii_lowercase();
    let details = || json!({ "requestedStatus": status, "uncertaintyTier": tier });
    let result = match (status.as_str(), tier.as_str()) {
        ("not_affected", "T1") => GateResult::new(
            GATE,
            GateOutcome::Block,
            "not_affected blocked: uncertainty tier T1 (High)",
        )
        .reason("uncertainty_tier"),
        ("not_affected", "T2") => GateResult::new(
            GATE,
            GateOutcome::Warn,
            "not_affected with uncertainty tier T2 (Medium) requires an explicit override",
        )
        .reason("override_required"),
        ("not_affected", "T3") => GateResult::new(
            GATE,
            GateOutcome::PassWithNote,
            "not_affected allowed with advisory note: uncertainty tier T3 (Low)",
        )
        .reason("advisory_note"),
        ("not_affected", "T4") => GateResult::new(
            GATE,
            GateOutcome::Pass,
            "not_affected allowed: uncertainty tier T4 (Negligible)",
        ),
        ("not_affected", _) => GateResult::new(
            GATE,
            GateOutcome::Block,
            format!("not_affected blocked: unknown uncertainty tier `{tier}`"),
        )
        .reason("uncertainty_tier"),
        ("affected", "T1") => {
            let result = GateResult::new(GATE, GateOutcome::Warn, "affected with uncertainty tier T1 (High): review required (may be a false positive)")
                .reason("review_required");
            match options.uncertainty_affected_t1 {
                ReviewOutcome::Warn => result,
                ReviewOutcome::Escalate => result.verdict(PolicyVerdictStatus::Escalated),
            }
        }
        ("affected", _) => GateResult::new(
            GATE,
            GateOutcome::Pass,
            format!("affected allowed: uncertainty tier {tier}"),
        ),
        _ => GateResult::new(
            GATE,
            GateOutcome::Pass,
            format!("{status} allowed: uncertainty tier {tier}"),
        ),
    };
    result.details(detail, details)
}
