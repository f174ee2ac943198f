//! UnknownsBudget (sample `gates.unknownsBudget`): the number of unknowns and their summed
//! uncertainty must stay within budget; on failure the case escalates when `escalateOnFail`.

use serde_json::json;

use crate::stellaops::chain::{Detail, GateOutcome, GateResult, PolicyVerdictStatus, num};
use crate::stellaops::input::CaseInput;
use crate::stellaops::model::{GateId, StellaConfig};
use crate::stellaops::semantics::SemanticsOptions;

const GATE: GateId = GateId::UnknownsBudget;

pub fn evaluate(
    config: &StellaConfig,
    input: &CaseInput,
    _options: &SemanticsOptions,
    detail: Detail,
) -> GateResult {
    let Some(unknowns) = &input.unknowns else {
        return GateResult::skip(GATE, "no unknowns in the case");
    };
    let gate = &config.unknowns_budget;
    let count = unknowns.count.unwrap_or(0);
    let sum = unknowns.cumulative_uncertainty.unwrap_or(0.0);
    let max_count = gate.max_unknown_count.value;
    let max_sum = gate.max_cumulative_uncertainty.value;
    let details = || json!({ "count": count, "maxUnknownCount": max_count, "cumulativeUncertainty": sum, "maxCumulativeUncertainty": max_sum });
    let mut over = Vec::new();
    if count > max_count {
        over.push(format!("{count} unknowns > {max_count}"));
    }
    if sum > max_sum {
        over.push(format!(
            "cumulative uncertainty {} > {}",
            num(sum),
            num(max_sum)
        ));
    }
    if over.is_empty() {
        return GateResult::new(
            GATE,
            GateOutcome::Pass,
            format!(
                "Unknowns within budget: {count} unknowns, cumulative uncertainty {}",
                num(sum)
            ),
        )
        .details(detail, details);
    }
    let result = GateResult::new(
        GATE,
        GateOutcome::Block,
        format!("Unknowns budget exceeded: {}", over.join("; ")),
    )
    .reason("unknowns_budget_exceeded")
    .details(detail, details);
    if gate.escalate_on_fail.value {
        result.verdict(PolicyVerdictStatus::Escalated)
    } else {
        result
    }
}
