//! UnknownsBudget (sample `gates.unknownsBudget`): the number of unknowns and their summed
//! uncertainty must stay within budget; on failure the case escalates when `escalateOnFail`.

use serde::Serialize;
use serde_json::json;

use crate::stellaops::bind::{Binder, Spanned, d};
use crate::stellaops::config::ConfigNode;
use crate::stellaops::gate_id::GateId;
use crate::stellaops::input::CaseInput;
use crate::stellaops::semantics::SemanticsOptions;
use crate::stellaops::verdict::{Detail, GateOutcome, GateResult, PolicyVerdictStatus, num};

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnknownsBudgetOptions {
    pub enabled: Spanned<bool>,
    pub max_unknown_count: Spanned<i64>,
    pub max_cumulative_uncertainty: Spanned<f64>,
    pub escalate_on_fail: Spanned<bool>,
}

impl Default for UnknownsBudgetOptions {
    fn default() -> Self {
        UnknownsBudgetOptions {
            enabled: d(true),
            max_unknown_count: d(5),
            max_cumulative_uncertainty: d(2.0),
            escalate_on_fail: d(true),
        }
    }
}

impl UnknownsBudgetOptions {
    pub(in crate::stellaops) fn bind(
        &mut self,
        binder: &mut Binder<'_>,
        node: &ConfigNode,
        path: &str,
    ) {
        binder.set(&mut self.enabled, node, "Enabled", path);
        binder.set(&mut self.max_unknown_count, node, "MaxUnknownCount", path);
        binder.set(
            &mut self.max_cumulative_uncertainty,
            node,
            "MaxCumulativeUncertainty",
            path,
        );
        binder.set(&mut self.escalate_on_fail, node, "EscalateOnFail", path);
    }
}

const GATE: GateId = GateId::UnknownsBudget;

pub fn evaluate(
    gate: &UnknownsBudgetOptions,
    input: &CaseInput,
    _options: &SemanticsOptions,
    detail: Detail,
) -> GateResult {
    let Some(unknowns) = &input.unknowns else {
        return GateResult::skip(GATE, "no unknowns in the case");
    };
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
