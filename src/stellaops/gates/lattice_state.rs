//! LatticeState (order 200): the decision table of `docs/reachability/policy-gate.md` §2.1.

use serde_json::json;

use super::SimpleGateOptions;
use crate::stellaops::gate_id::GateId;
use crate::stellaops::input::CaseInput;
use crate::stellaops::semantics::SemanticsOptions;
use crate::stellaops::verdict::{Detail, GateOutcome, GateResult};

const GATE: GateId = GateId::LatticeState;

pub fn evaluate(
    _gate: &SimpleGateOptions,
    input: &CaseInput,
    options: &SemanticsOptions,
    detail: Detail,
) -> GateResult {
    let (Some(status), Some(state)) = (&input.requested_status, &input.lattice_state) else {
        return GateResult::skip(GATE, "no requested status or lattice state in the case");
    };
    let state = state.trim().to_ascii_uppercase();
    let status = status.trim().to_ascii_lowercase();
    let details = || json!({ "requestedStatus": status, "latticeState": state, "justification": input.justification });
    let has_justification = input
        .justification
        .as_deref()
        .is_some_and(|j| !j.trim().is_empty());
    let result = match (status.as_str(), state.as_str()) {
        ("not_affected", "CU") => GateResult::new(GATE, GateOutcome::Pass, "not_affected allowed: confirmed unreachable (CU)"),
        ("not_affected", "SU" | "RU") if has_justification => GateResult::new(
            GATE,
            GateOutcome::Warn,
            format!("not_affected allowed with warning: lattice state {state} is not confirmed unreachable"),
        )
        .reason("lattice_state_unconfirmed"),
        ("not_affected", "SU" | "RU") => GateResult::new(
            GATE,
            GateOutcome::from_action(options.lattice_missing_justification),
            format!("not_affected with lattice state {state} requires a justification"),
        )
        .reason("justification_required"),
        ("not_affected", _) => GateResult::new(
            GATE,
            GateOutcome::Block,
            format!("not_affected blocked: lattice state {state} does not show the code unreachable"),
        )
        .reason("lattice_state"),
        ("affected", "CR" | "SR" | "RO") => {
            GateResult::new(GATE, GateOutcome::Pass, format!("affected allowed: lattice state {state} shows the code reachable"))
        }
        ("affected", _) => GateResult::new(
            GATE,
            GateOutcome::Warn,
            format!("affected with lattice state {state}: potential false positive"),
        )
        .reason("potential_false_positive"),
        ("under_investigation", _) => GateResult::new(GATE, GateOutcome::Pass, "under_investigation allowed (safe default)"),
        ("fixed", _) => GateResult::new(GATE, GateOutcome::Pass, "fixed allowed (remediation action)"),
        _ => GateResult::skip(GATE, format!("requested status `{status}` is not covered by the lattice table")),
    };
    result.details(detail, details)
}
