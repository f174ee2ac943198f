//! What gates decide: a gate's outcome and result, the verdict statuses, and the
//! Determinization verdict object. The gates and the chain both speak these.

use std::borrow::Cow;

use serde::Serialize;

use super::bind::Action;
use super::gate_id::GateId;

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

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardRails {
    pub enable_runtime_monitoring: bool,
    pub review_interval: String,
    pub epss_escalation_threshold: f64,
    pub escalating_reachability_states: Vec<String>,
    pub max_guarded_duration: String,
    pub policy_rationale: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UncertaintyScore {
    pub entropy: f64,
    pub completeness: f64,
    pub tier: String,
    pub missing_signals: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Conflict {
    #[serde(rename = "type")]
    pub conflict_type: String,
    pub action: String,
}

/// The Determinization verdict object (seed 003 §3.2).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeterminizationDetail {
    pub status: PolicyVerdictStatus,
    pub reason: String,
    pub matched_rule: String,
    pub priority: u32,
    pub environment: String,
    pub thresholds: serde_json::Value,
    pub trust: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guard_rails: Option<GuardRails>,
    pub suggested_observation_state: String,
    pub uncertainty_score: UncertaintyScore,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conflict: Option<Conflict>,
    pub next_actions: Vec<String>,
}
