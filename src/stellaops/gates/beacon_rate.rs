//! BeaconRate (`beacon-rate`): the verified-beacon rate of a running artifact must reach
//! `MinVerificationRate` once enough beacons were seen.

use serde_json::json;

use crate::stellaops::chain::{Detail, GateOutcome, GateResult, contains_ignore_case, num};
use crate::stellaops::input::CaseInput;
use crate::stellaops::model::{Action, GateId, StellaConfig};
use crate::stellaops::semantics::SemanticsOptions;

const GATE: GateId = GateId::BeaconRate;

pub fn evaluate(
    config: &StellaConfig,
    input: &CaseInput,
    _options: &SemanticsOptions,
    detail: Detail,
) -> GateResult {
    let gate = &config.beacon_rate;
    let env = input.environment.as_str();
    if !contains_ignore_case(&gate.required_environments.value, env) {
        return GateResult::new(
            GATE,
            GateOutcome::Pass,
            format!("Beacon rate not required for environment '{env}'"),
        );
    }
    let rate = input
        .metadata
        .get("beacon_verification_rate")
        .and_then(|text| text.trim().parse::<f64>().ok())
        .filter(|rate| rate.is_finite());
    let Some(rate) = rate else {
        let action = gate.missing_beacon_action.value;
        let message = match action {
            Action::Block => "No beacon data found for this artifact in required environment",
            Action::Warn => "No beacon data found for this artifact (warn mode)",
            Action::Allow => "No beacon data found for this artifact (allowed)",
        };
        return GateResult::new(GATE, GateOutcome::from_action(action), message)
            .reason("missing_beacon_data");
    };
    let verified = input
        .metadata
        .get("beacon_verified_count")
        .and_then(|text| text.trim().parse::<f64>().ok())
        .filter(|n| n.is_finite())
        .map_or(0, |n| n as i64);
    let min_count = gate.min_beacon_count.value;
    let min_rate = gate.min_verification_rate.value;
    let details = || json!({ "rate": rate, "minVerificationRate": min_rate, "beaconCount": verified, "minBeaconCount": min_count });
    if verified < min_count {
        return GateResult::new(
            GATE,
            GateOutcome::PassWithNote,
            format!("Beacon count {verified} is below minimum {min_count}; rate enforcement deferred (insufficient sample size)"),
        )
        .reason("insufficient_sample_size")
        .details(detail, details);
    }
    if rate >= min_rate {
        return GateResult::new(
            GATE,
            GateOutcome::Pass,
            format!(
                "Beacon verification rate {} meets threshold {}",
                num(rate),
                num(min_rate)
            ),
        )
        .details(detail, details);
    }
    GateResult::new(
        GATE,
        GateOutcome::from_action(gate.below_threshold_action.value),
        format!(
            "Beacon verification rate {} is below threshold {}",
            num(rate),
            num(min_rate)
        ),
    )
    .reason("below_verification_rate")
    .details(detail, details)
}
