//! The gate chain: gates run in order, a `Block` stops the chain, warnings accumulate, and the
//! outcome is one [`PolicyVerdictStatus`] with the deciding gate and every gate's result.

use std::borrow::Cow;

use serde::Serialize;

use super::determinization::DeterminizationDetail;
use super::gates;
use super::input::CaseInput;
use super::model::{Action, GateId, StellaConfig};
use super::semantics::SemanticsOptions;

/// `PolicyVerdictStatus` of seed 003 §2, with its numeric code.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
pub enum PolicyVerdictStatus {
    Pass,
    Blocked,
    Ignored,
    Warned,
    Deferred,
    Escalated,
    RequiresVex,
    GuardedPass,
}

impl PolicyVerdictStatus {
    pub const ALL: [PolicyVerdictStatus; 8] = [
        PolicyVerdictStatus::Pass,
        PolicyVerdictStatus::Blocked,
        PolicyVerdictStatus::Ignored,
        PolicyVerdictStatus::Warned,
        PolicyVerdictStatus::Deferred,
        PolicyVerdictStatus::Escalated,
        PolicyVerdictStatus::RequiresVex,
        PolicyVerdictStatus::GuardedPass,
    ];

    pub fn code(self) -> u8 {
        match self {
            PolicyVerdictStatus::Pass => 0,
            PolicyVerdictStatus::Blocked => 1,
            PolicyVerdictStatus::Ignored => 2,
            PolicyVerdictStatus::Warned => 3,
            PolicyVerdictStatus::Deferred => 4,
            PolicyVerdictStatus::Escalated => 5,
            PolicyVerdictStatus::RequiresVex => 6,
            PolicyVerdictStatus::GuardedPass => 7,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PolicyVerdictStatus::Pass => "Pass",
            PolicyVerdictStatus::Blocked => "Blocked",
            PolicyVerdictStatus::Ignored => "Ignored",
            PolicyVerdictStatus::Warned => "Warned",
            PolicyVerdictStatus::Deferred => "Deferred",
            PolicyVerdictStatus::Escalated => "Escalated",
            PolicyVerdictStatus::RequiresVex => "RequiresVex",
            PolicyVerdictStatus::GuardedPass => "GuardedPass",
        }
    }

    /// Accepts the name (any case) or the numeric code.
    pub fn parse(text: &str) -> Option<PolicyVerdictStatus> {
        let text = text.trim();
        PolicyVerdictStatus::ALL.into_iter().find(|status| {
            status.as_str().eq_ignore_ascii_case(text) || status.code().to_string() == text
        })
    }

    /// The process exit code of `gatelint eval` for this verdict (Gait convention, product §7).
    pub fn exit_code(self) -> i32 {
        match self {
            PolicyVerdictStatus::Pass
            | PolicyVerdictStatus::Ignored
            | PolicyVerdictStatus::Warned
            | PolicyVerdictStatus::GuardedPass => 0,
            PolicyVerdictStatus::Blocked => 3,
            PolicyVerdictStatus::Deferred
            | PolicyVerdictStatus::Escalated
            | PolicyVerdictStatus::RequiresVex => 4,
        }
    }
}

/// One gate's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum GateOutcome {
    Pass,
    PassWithNote,
    Warn,
    Block,
    Skip,
}

impl GateOutcome {
    pub fn from_action(action: Action) -> GateOutcome {
        match action {
            Action::Allow => GateOutcome::Pass,
            Action::Warn => GateOutcome::Warn,
            Action::Block => GateOutcome::Block,
        }
    }

    pub fn ran(self) -> bool {
        self != GateOutcome::Skip
    }

    pub fn as_str(self) -> &'static str {
        match self {
            GateOutcome::Pass => "Pass",
            GateOutcome::PassWithNote => "PassWithNote",
            GateOutcome::Warn => "Warn",
            GateOutcome::Block => "Block",
            GateOutcome::Skip => "Skip",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GateResult {
    pub gate: GateId,
    pub order: u32,
    pub outcome: GateOutcome,
    /// A verdict other than the outcome's plain one (Escalated, Deferred, GuardedPass, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<PolicyVerdictStatus>,
    pub reasons: Vec<String>,
    pub message: Cow<'static, str>,
    /// What was compared: the thresholds in force and the values read from the case (`null`
    /// when the chain ran with [`Detail::Omit`]).
    #[serde(skip_serializing_if = "serde_json::Value::is_null")]
    pub details: serde_json::Value,
    /// The determinization rule that matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub determinization: Option<Box<DeterminizationDetail>>,
}

/// Whether gates record what they compared ([`GateResult::details`]). Replay reads only
/// verdicts, gates, reasons and messages, so it skips building them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    Full,
    Omit,
}

impl GateResult {
    pub fn new(
        gate: GateId,
        outcome: GateOutcome,
        message: impl Into<Cow<'static, str>>,
    ) -> GateResult {
        GateResult {
            gate,
            order: gate.order(),
            outcome,
            verdict: None,
            reasons: Vec::new(),
            message: message.into(),
            details: serde_json::Value::Null,
            rule: None,
            determinization: None,
        }
    }

    pub fn skip(gate: GateId, message: impl Into<Cow<'static, str>>) -> GateResult {
        GateResult::new(gate, GateOutcome::Skip, message)
    }

    pub fn reason(mut self, reason: &str) -> GateResult {
        if !self.reasons.iter().any(|r| r == reason) {
            self.reasons.push(reason.to_owned());
        }
        self
    }

    /// Records what was compared; `build` runs only in [`Detail::Full`].
    pub fn details(
        mut self,
        mode: Detail,
        build: impl FnOnce() -> serde_json::Value,
    ) -> GateResult {
        if mode == Detail::Full {
            self.details = build();
        }
        self
    }

    pub fn verdict(mut self, verdict: PolicyVerdictStatus) -> GateResult {
        self.verdict = Some(verdict);
        self
    }
}

/// The decision of the whole chain for one case.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    pub verdict: PolicyVerdictStatus,
    /// The gate that decided (for `Pass`: the last gate that ran).
    pub gate: Option<GateId>,
    pub rule: Option<String>,
    pub message: Option<String>,
    pub reasons: Vec<String>,
    pub warnings: Vec<String>,
    pub gates: Vec<GateResult>,
}

impl Decision {
    pub fn gate_result(&self, gate: GateId) -> Option<&GateResult> {
        self.gates.iter().find(|result| result.gate == gate)
    }

    pub fn determinization(&self) -> Option<&DeterminizationDetail> {
        self.gate_result(GateId::Determinization)
            .and_then(|result| result.determinization.as_deref())
    }
}

fn run_gate(
    gate: GateId,
    config: &StellaConfig,
    input: &CaseInput,
    options: &SemanticsOptions,
    mode: Detail,
) -> GateResult {
    if !config.gate_enabled(gate) {
        return GateResult::skip(gate, disabled_message(gate));
    }
    match gate {
        GateId::EvidenceCompleteness => {
            gates::evidence_completeness::evaluate(config, input, options, mode)
        }
        GateId::LatticeState => gates::lattice_state::evaluate(config, input, options, mode),
        GateId::VexTrust => gates::vex_trust::evaluate_with(config, input, options, mode),
        GateId::UncertaintyTier => gates::uncertainty_tier::evaluate(config, input, options, mode),
        GateId::Confidence => gates::confidence::evaluate(config, input, options, mode),
        GateId::ExecutionEvidence => {
            gates::execution_evidence::evaluate(config, input, options, mode)
        }
        GateId::BeaconRate => gates::beacon_rate::evaluate(config, input, options, mode),
        GateId::UnknownsBudget => gates::unknowns_budget::evaluate(config, input, options, mode),
        GateId::SourceQuota => gates::source_quota::evaluate(config, input, options, mode),
        GateId::ReachabilityRequirement => {
            gates::reachability_requirement::evaluate(config, input, options, mode)
        }
        GateId::EpssThreshold => gates::epss_threshold::evaluate(config, input, options, mode),
        GateId::KevBlocker => gates::kev_blocker::evaluate(config, input, options, mode),
        GateId::ReachableCve => gates::reachable_cve::evaluate(config, input, options, mode),
        GateId::CveDelta => gates::cve_delta::evaluate(config, input, options, mode),
        GateId::ReleaseAggregateCve => {
            gates::release_aggregate_cve::evaluate(config, input, options, mode)
        }
        GateId::Determinization => super::determinization::evaluate(config, input, options, mode),
    }
}

/// `"<gate> gate is disabled"`, without allocating.
fn disabled_message(gate: GateId) -> &'static str {
    match gate {
        GateId::EvidenceCompleteness => "EvidenceCompleteness gate is disabled",
        GateId::LatticeState => "LatticeState gate is disabled",
        GateId::VexTrust => "VexTrust gate is disabled",
        GateId::UncertaintyTier => "UncertaintyTier gate is disabled",
        GateId::Confidence => "Confidence gate is disabled",
        GateId::ExecutionEvidence => "ExecutionEvidence gate is disabled",
        GateId::BeaconRate => "BeaconRate gate is disabled",
        GateId::UnknownsBudget => "UnknownsBudget gate is disabled",
        GateId::SourceQuota => "SourceQuota gate is disabled",
        GateId::ReachabilityRequirement => "ReachabilityRequirement gate is disabled",
        GateId::EpssThreshold => "EpssThreshold gate is disabled",
        GateId::KevBlocker => "KevBlocker gate is disabled",
        GateId::ReachableCve => "ReachableCve gate is disabled",
        GateId::CveDelta => "CveDelta gate is disabled",
        GateId::ReleaseAggregateCve => "ReleaseAggregateCve gate is disabled",
        GateId::Determinization => "Determinization gate is disabled",
    }
}

/// Runs the chain. Pure: the result depends only on the arguments.
pub fn evaluate(config: &StellaConfig, input: &CaseInput, options: &SemanticsOptions) -> Decision {
    evaluate_with(config, input, options, Detail::Full)
}

/// As [`evaluate`]; with [`Detail::Omit`] the gates' `details` stay `null`, everything else is
/// the same.
pub fn evaluate_with(
    config: &StellaConfig,
    input: &CaseInput,
    options: &SemanticsOptions,
    mode: Detail,
) -> Decision {
    let mut results = Vec::with_capacity(GateId::ALL.len());
    let mut blocked = None;
    for gate in GateId::ALL {
        let result = run_gate(gate, config, input, options, mode);
        let is_block = result.outcome == GateOutcome::Block;
        results.push(result);
        if is_block {
            blocked = Some(results.len() - 1);
            break;
        }
    }
    let mut reasons: Vec<String> = Vec::new();
    for reason in results.iter().flat_map(|r| r.reasons.iter()) {
        if !reasons.contains(reason) {
            reasons.push(reason.clone());
        }
    }
    let warnings: Vec<String> = results
        .iter()
        .filter(|r| r.outcome == GateOutcome::Warn)
        .map(|r| r.message.to_string())
        .collect();
    let special = results
        .iter()
        .position(|r| r.verdict.is_some_and(|v| v != PolicyVerdictStatus::Pass));
    let first_warn = results.iter().position(|r| r.outcome == GateOutcome::Warn);
    let last_ran = results.iter().rposition(|r| r.outcome.ran());
    let (verdict, deciding) = if let Some(index) = blocked {
        let verdict = results
            .get(index)
            .and_then(|r| r.verdict)
            .unwrap_or(PolicyVerdictStatus::Blocked);
        (verdict, Some(index))
    } else if let Some(index) = special {
        let verdict = results
            .get(index)
            .and_then(|r| r.verdict)
            .unwrap_or(PolicyVerdictStatus::Pass);
        (verdict, Some(index))
    } else if let Some(index) = first_warn {
        (PolicyVerdictStatus::Warned, Some(index))
    } else {
        (PolicyVerdictStatus::Pass, last_ran)
    };
    let deciding = deciding.and_then(|index| results.get(index));
    Decision {
        verdict,
        gate: deciding.map(|r| r.gate),
        rule: results
            .iter()
            .find(|r| r.gate == GateId::Determinization)
            .and_then(|r| r.rule.clone()),
        message: deciding.map(|r| r.message.to_string()),
        reasons,
        warnings,
        gates: results,
    }
}

/// A number as the gate messages print it: `7.0`, `0.6`, `0.85`.
pub fn num(value: f64) -> String {
    if value.is_finite() && value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.1}")
    } else {
        format!("{value}")
    }
}

/// Whether `list` holds `value`, ignoring ASCII case.
pub fn contains_ignore_case(list: &[String], value: &str) -> bool {
    list.iter().any(|item| item.eq_ignore_ascii_case(value))
}

/// A human explanation of a decision: which gates ran, with what thresholds, and why.
pub fn explain(decision: &Decision) -> String {
    use std::fmt::Write as _;
    let mut text = String::new();
    let _ = write!(text, "verdict: {}", decision.verdict.as_str());
    if let Some(gate) = decision.gate {
        let _ = write!(text, " (decided by {})", gate.name());
    }
    if let Some(rule) = &decision.rule {
        let _ = write!(text, ", rule {rule}");
    }
    text.push('\n');
    for result in &decision.gates {
        let _ = writeln!(
            text,
            "  {:>3} {:<24} {:<12} {}",
            result.order,
            result.gate.name(),
            result.outcome.as_str(),
            result.message
        );
        if !result.reasons.is_empty() {
            let _ = writeln!(text, "      reasons: {}", result.reasons.join(", "));
        }
        if !result.details.is_null() {
            let _ = writeln!(text, "      compared: {}", result.details);
        }
    }
    let ran: Vec<GateId> = decision.gates.iter().map(|r| r.gate).collect();
    let not_run: Vec<&str> = GateId::ALL
        .iter()
        .filter(|gate| !ran.contains(gate))
        .map(|gate| gate.name())
        .collect();
    if !not_run.is_empty() {
        let _ = writeln!(
            text,
            "  not reached (chain stopped): {}",
            not_run.join(", ")
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disabled_messages_name_their_gate() {
        for gate in GateId::ALL {
            assert_eq!(
                disabled_message(gate),
                format!("{} gate is disabled", gate.name())
            );
        }
    }
}
