//! SourceQuota (sample `gates.sourceQuota`): no single source may dominate a risk-reducing claim
//! unless a second source corroborates it within `corroborationDelta`.

use serde::Serialize;
use serde_json::json;

use crate::stellaops::bind::{Binder, Spanned, d, strings};
use crate::stellaops::config::ConfigNode;
use crate::stellaops::gate_id::GateId;
use crate::stellaops::input::CaseInput;
use crate::stellaops::semantics::SemanticsOptions;
use crate::stellaops::verdict::{Detail, GateOutcome, GateResult, contains_ignore_case, num};

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceQuotaOptions {
    pub enabled: Spanned<bool>,
    pub max_influence_percent: Spanned<f64>,
    pub corroboration_delta: Spanned<f64>,
    pub require_corroboration_for: Spanned<Vec<String>>,
}

impl Default for SourceQuotaOptions {
    fn default() -> Self {
        SourceQuotaOptions {
            enabled: d(true),
            max_influence_percent: d(60.0),
            corroboration_delta: d(0.10),
            require_corroboration_for: strings(&["not_affected", "fixed"]),
        }
    }
}

impl SourceQuotaOptions {
    pub(in crate::stellaops) fn bind(
        &mut self,
        binder: &mut Binder<'_>,
        node: &ConfigNode,
        path: &str,
    ) {
        binder.set(&mut self.enabled, node, "Enabled", path);
        binder.set(
            &mut self.max_influence_percent,
            node,
            "MaxInfluencePercent",
            path,
        );
        binder.set(
            &mut self.corroboration_delta,
            node,
            "CorroborationDelta",
            path,
        );
        binder.set_list(
            &mut self.require_corroboration_for,
            node,
            "RequireCorroborationFor",
            path,
        );
    }
}

const GATE: GateId = GateId::SourceQuota;

pub fn evaluate(
    gate: &SourceQuotaOptions,
    input: &CaseInput,
    _options: &SemanticsOptions,
    detail: Detail,
) -> GateResult {
    let Some(sources) = input.sources.as_ref().filter(|s| !s.is_empty()) else {
        return GateResult::skip(GATE, "no sources in the case");
    };
    let Some(status) = &input.requested_status else {
        return GateResult::skip(GATE, "no requested status in the case");
    };
    if !contains_ignore_case(&gate.require_corroboration_for.value, status) {
        return GateResult::skip(
            GATE,
            format!("requested status `{status}` does not require corroboration"),
        );
    }
    let mut top = None;
    for source in sources {
        if top.is_none_or(|best: &crate::stellaops::input::SourceInput| {
            source.influence_percent > best.influence_percent
        }) {
            top = Some(source);
        }
    }
    let Some(top) = top else {
        return GateResult::skip(GATE, "no sources in the case");
    };
    let max = gate.max_influence_percent.value;
    let delta = gate.corroboration_delta.value;
    let details = || json!({ "topSource": top.name, "influencePercent": top.influence_percent, "maxInfluencePercent": max, "corroborationDelta": delta });
    if top.influence_percent <= max {
        return GateResult::new(
            GATE,
            GateOutcome::Pass,
            format!("No source exceeds {}% influence", num(max)),
        )
        .details(detail, details);
    }
    let corroborated = sources
        .iter()
        .filter(|source| !std::ptr::eq(*source, top))
        .any(|source| (source.score - top.score).abs() <= delta + 1e-12);
    if corroborated {
        return GateResult::new(
            GATE,
            GateOutcome::PassWithNote,
            format!(
                "Source '{}' exceeds {}% influence but is corroborated",
                top.name,
                num(max)
            ),
        )
        .details(detail, details);
    }
    GateResult::new(
        GATE,
        GateOutcome::Block,
        format!(
            "Source '{}' contributes {}% (> {}%) without corroboration",
            top.name,
            num(top.influence_percent),
            num(max)
        ),
    )
    .reason("source_quota_exceeded")
    .details(detail, details)
}
