//! SourceQuota (sample `gates.sourceQuota`): no single source may dominate a risk-reducing claim
//! unless a second source corroborates it within `corroborationDelta`.

use serde_json::json;

use crate::stellaops::chain::{Detail, GateOutcome, GateResult, contains_ignore_case, num};
use crate::stellaops::input::CaseInput;
use crate::stellaops::model::{GateId, StellaConfig};
use crate::stellaops::semantics::SemanticsOptions;

const GATE: GateId = GateId::SourceQuota;

pub fn evaluate(
    config: &StellaConfig,
    input: &CaseInput,
    _options: &SemanticsOptions,
    detail: Detail,
) -> GateResult {
    let gate = &config.source_quota;
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
