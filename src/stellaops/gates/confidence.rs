//! Confidence (order 400): the sample file's `minimumConfidence` thresholds per environment.

use serde_json::json;

use crate::stellaops::chain::{Detail, GateOutcome, GateResult, contains_ignore_case, num};
use crate::stellaops::input::CaseInput;
use crate::stellaops::model::{GateId, StellaConfig, lookup};
use crate::stellaops::semantics::SemanticsOptions;

const GATE: GateId = GateId::Confidence;

pub fn evaluate(
    config: &StellaConfig,
    input: &CaseInput,
    options: &SemanticsOptions,
    detail: Detail,
) -> GateResult {
    let Some(confidence) = input.confidence else {
        return GateResult::skip(GATE, "no confidence in the case");
    };
    let gate = &config.confidence;
    if let Some(status) = &input.requested_status
        && !contains_ignore_case(&gate.apply_to_statuses.value, status)
    {
        return GateResult::skip(
            GATE,
            format!("requested status `{status}` is not in ApplyToStatuses"),
        );
    }
    let env = &input.environment;
    let Some(threshold) =
        lookup(&gate.thresholds, env).or_else(|| lookup(&gate.thresholds, "default"))
    else {
        return GateResult::skip(
            GATE,
            format!("no confidence threshold for environment '{env}'"),
        );
    };
    let threshold = threshold.value;
    let details = || json!({ "environment": env, "confidence": confidence, "threshold": threshold, "inclusive": options.confidence_inclusive });
    let passes = if options.confidence_inclusive {
        confidence >= threshold
    } else {
        confidence > threshold
    };
    if passes {
        GateResult::new(
            GATE,
            GateOutcome::Pass,
            format!(
                "Confidence {} meets threshold {} for environment '{env}'",
                num(confidence),
                num(threshold)
            ),
        )
        .details(detail, details)
    } else {
        GateResult::new(
            GATE,
            GateOutcome::Block,
            format!(
                "Confidence {} is below threshold {} for environment '{env}'",
                num(confidence),
                num(threshold)
            ),
        )
        .reason("confidence_below_threshold")
        .details(detail, details)
    }
}
