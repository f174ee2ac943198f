//! Confidence (order 400): the sample file's `minimumConfidence` thresholds per environment.

use serde::Serialize;
use serde_json::json;

use crate::stellaops::bind::{Binder, Spanned, Upsert, d, lookup, strings};
use crate::stellaops::config::ConfigNode;
use crate::stellaops::gate_id::GateId;
use crate::stellaops::input::CaseInput;
use crate::stellaops::semantics::SemanticsOptions;
use crate::stellaops::verdict::{Detail, GateOutcome, GateResult, contains_ignore_case, num};

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfidenceOptions {
    pub enabled: Spanned<bool>,
    pub thresholds: Vec<(String, Spanned<f64>)>,
    pub apply_to_statuses: Spanned<Vec<String>>,
}

impl Default for ConfidenceOptions {
    fn default() -> Self {
        ConfidenceOptions {
            enabled: d(true),
            thresholds: vec![
                ("production".to_owned(), d(0.75)),
                ("staging".to_owned(), d(0.60)),
                ("development".to_owned(), d(0.40)),
            ],
            apply_to_statuses: strings(&["not_affected", "fixed"]),
        }
    }
}

impl ConfidenceOptions {
    pub(in crate::stellaops) fn bind(
        &mut self,
        binder: &mut Binder<'_>,
        node: &ConfigNode,
        path: &str,
    ) {
        binder.set(&mut self.enabled, node, "Enabled", path);
        binder.set_list(&mut self.apply_to_statuses, node, "ApplyToStatuses", path);
        if let Some(thresholds) = node.child("Thresholds") {
            let mut sets = Upsert::new(&mut self.thresholds);
            for env_node in &thresholds.children {
                if let Some(value) =
                    binder.read::<f64>(thresholds, &env_node.key, &format!("{path}:Thresholds"))
                {
                    *sets.slot(&env_node.key, || d(0.0)) = value;
                }
            }
        }
    }
}

const GATE: GateId = GateId::Confidence;

pub fn evaluate(
    gate: &ConfidenceOptions,
    input: &CaseInput,
    options: &SemanticsOptions,
    detail: Detail,
) -> GateResult {
    let Some(confidence) = input.confidence else {
        return GateResult::skip(GATE, "no confidence in the case");
    };
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
