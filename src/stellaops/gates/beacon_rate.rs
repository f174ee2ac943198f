//! BeaconRate (`beacon-rate`): the verified-beacon rate of a running artifact must reach
//! `MinVerificationRate` once enough beacons were seen.

use serde::Serialize;
use serde_json::json;

use crate::stellaops::bind::{Action, Binder, Spanned, d, strings};
use crate::stellaops::config::ConfigNode;
use crate::stellaops::gate_id::GateId;
use crate::stellaops::input::CaseInput;
use crate::stellaops::semantics::SemanticsOptions;
use crate::stellaops::verdict::{Detail, GateOutcome, GateResult, contains_ignore_case, num};

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BeaconRateOptions {
    pub enabled: Spanned<bool>,
    pub below_threshold_action: Spanned<Action>,
    pub missing_beacon_action: Spanned<Action>,
    pub min_verification_rate: Spanned<f64>,
    pub required_environments: Spanned<Vec<String>>,
    pub min_beacon_count: Spanned<i64>,
}

impl Default for BeaconRateOptions {
    fn default() -> Self {
        BeaconRateOptions {
            enabled: d(false),
            below_threshold_action: d(Action::Warn),
            missing_beacon_action: d(Action::Warn),
            min_verification_rate: d(0.8),
            required_environments: strings(&["production"]),
            min_beacon_count: d(10),
        }
    }
}

impl BeaconRateOptions {
    pub(in crate::stellaops) fn bind(
        &mut self,
        binder: &mut Binder<'_>,
        node: &ConfigNode,
        path: &str,
    ) {
        binder.set(&mut self.enabled, node, "Enabled", path);
        binder.set(
            &mut self.below_threshold_action,
            node,
            "BelowThresholdAction",
            path,
        );
        binder.set(
            &mut self.missing_beacon_action,
            node,
            "MissingBeaconAction",
            path,
        );
        binder.set(
            &mut self.min_verification_rate,
            node,
            "MinVerificationRate",
            path,
        );
        binder.set_list(
            &mut self.required_environments,
            node,
            "RequiredEnvironments",
            path,
        );
        binder.set(&mut self.min_beacon_count, node, "MinBeaconCount", path);
    }
}

const GATE: GateId = GateId::BeaconRate;

pub fn evaluate(
    gate: &BeaconRateOptions,
    input: &CaseInput,
    _options: &SemanticsOptions,
    detail: Detail,
) -> GateResult {
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
