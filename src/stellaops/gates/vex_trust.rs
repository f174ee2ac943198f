//! VexTrust (order 250): a VEX-based risk reduction is accepted only when the statement's
//! signature trust meets the thresholds of the environment (tenant override, then the
//! environment, then `default`). Checks: composite score `>=`, issuer verified, accuracy rate,
//! freshness; any failure applies the threshold set's `FailureAction`.

use serde_json::json;

use crate::stellaops::chain::{Detail, GateOutcome, GateResult, contains_ignore_case, num};
use crate::stellaops::input::CaseInput;
use crate::stellaops::model::{Action, GateId, StellaConfig};
use crate::stellaops::semantics::{SemanticsOptions, TenantMerge};

const GATE: GateId = GateId::VexTrust;

/// The gate with its details ([`Detail::Full`]).
pub fn evaluate(
    config: &StellaConfig,
    input: &CaseInput,
    options: &SemanticsOptions,
) -> GateResult {
    evaluate_with(config, input, options, Detail::Full)
}

pub fn evaluate_with(
    config: &StellaConfig,
    input: &CaseInput,
    options: &SemanticsOptions,
    detail: Detail,
) -> GateResult {
    let gate = &config.vex_trust;
    let Some(status) = &input.requested_status else {
        return GateResult::skip(GATE, "no requested status in the case");
    };
    if !contains_ignore_case(&gate.apply_to_statuses.value, status) {
        return GateResult::skip(
            GATE,
            format!("requested status `{status}` is not in ApplyToStatuses"),
        );
    }
    let env = input.environment.as_str();
    let resolved = gate.resolve(
        env,
        input.tenant_id.as_deref(),
        options.tenant_override_merge == TenantMerge::Replace,
    );
    let thresholds = &resolved.thresholds;
    let failure_action =
        if resolved.environment_entry == "default" && thresholds.failure_action.loc.is_none() {
            options.default_environment_failure_action
        } else {
            thresholds.failure_action.value
        };
    let details = || {
        json!({
            "environment": env,
            "thresholdsEntry": resolved.environment_entry,
            "tenant": resolved.tenant,
            "minCompositeScore": thresholds.min_composite_score.value,
            "requireIssuerVerified": thresholds.require_issuer_verified.value,
            "minAccuracyRate": thresholds.min_accuracy_rate.value,
            "acceptableFreshness": thresholds.acceptable_freshness.value,
            "failureAction": failure_action.as_str(),
            "trust": input.vex_trust,
        })
    };
    let Some((trust, score)) = input
        .vex_trust
        .as_ref()
        .and_then(|trust| trust.trust_score.map(|score| (trust, score)))
    else {
        let behavior = if gate.missing_trust_behavior.loc.is_none() {
            options.missing_trust_behavior_default
        } else {
            gate.missing_trust_behavior.value
        };
        let message = match behavior {
            Action::Allow => "No VEX trust data available; allowed by MissingTrustBehavior",
            Action::Warn => "No VEX trust data available for this VEX statement (warn mode)",
            Action::Block => {
                "No VEX trust data available for this VEX statement; blocked by MissingTrustBehavior"
            }
        };
        return GateResult::new(GATE, GateOutcome::from_action(behavior), message)
            .reason("missing_vex_trust_data")
            .details(detail, details);
    };
    let mut failures: Vec<(&str, String)> = Vec::new();
    let min_score = thresholds.min_composite_score.value;
    if score < min_score {
        failures.push((
            "composite_score",
            format!("composite score {} < {}", num(score), num(min_score)),
        ));
    }
    if thresholds.require_issuer_verified.value && trust.signature_verified != Some(true) {
        failures.push((
            "issuer_verified",
            "issuer signature not verified".to_owned(),
        ));
    }
    if let Some(min_accuracy) = thresholds.min_accuracy_rate.value {
        match trust.accuracy_rate {
            Some(rate) if rate < min_accuracy => failures.push((
                "accuracy_rate",
                format!("issuer accuracy rate {} < {}", num(rate), num(min_accuracy)),
            )),
            None if options.absent_trust_fields_fail => {
                failures.push(("accuracy_rate", "issuer accuracy rate unknown".to_owned()))
            }
            _ => {}
        }
    }
    let acceptable = &thresholds.acceptable_freshness.value;
    match trust.freshness.as_deref() {
        Some(freshness) if !contains_ignore_case(acceptable, freshness) => failures.push((
            "freshness",
            format!("freshness `{freshness}` not in [{}]", acceptable.join(", ")),
        )),
        None if options.absent_trust_fields_fail => {
            failures.push(("freshness", "freshness unknown".to_owned()))
        }
        _ => {}
    }
    if failures.is_empty() {
        return GateResult::new(
            GATE,
            GateOutcome::Pass,
            format!(
                "VEX trust score {} meets thresholds for environment '{env}'",
                num(score)
            ),
        )
        .details(detail, details);
    }
    let summary: Vec<&str> = failures.iter().map(|(_, text)| text.as_str()).collect();
    let mut result = GateResult::new(
        GATE,
        GateOutcome::from_action(failure_action),
        format!(
            "VEX trust insufficient for environment '{env}': {}",
            summary.join("; ")
        ),
    )
    .details(detail, details);
    for (reason, _) in &failures {
        result = result.reason(reason);
    }
    result
}
