use crate::declare_rule;
use crate::diff::verdicts::Direction;
use crate::rules::{DiffContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a fixture case (or a bare Gait intent) whose verdict stays the same while the
    /// gate, rule or reason codes that decide it change. A note, on the case's line; an error
    /// (exit 5) when `[diff] fail-on = "any"`. For verdicts no gate decides (Stella Ops `Pass`,
    /// Gait `allow` without a matched rule) the gate is not compared.
    ///
    /// ## Why is this bad?
    /// The outcome is unchanged, but the reason behind it moved: a case blocked by VexTrust
    /// yesterday and by ExecutionEvidence today no longer tests what its name says.
    ///
    /// ## Example
    /// ```text
    /// Baseline: the case is `Blocked` at gate `VexTrust` (composite_score); candidate: the
    /// VexTrust threshold is lowered and ExecutionEvidence, now enabled, blocks it.
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// Nothing to change when the move is intended; otherwise update the case's `expect.gate`
    /// or add a case for the gate that used to decide it.
    /// ```
    pub struct VerdictRuleChanged {
        id: "verdict-rule-changed",
        summary: "a fixture case keeps its verdict but is decided by another gate, rule or reason",
        severity: Note,
        since: "0.1.0",
        regression: true,
    }
}

impl Rule for VerdictRuleChanged {
    fn check_diff(&self, cx: &DiffContext<'_>, out: &mut Sink) {
        for case in cx.changed {
            if case.direction != Direction::Neutral {
                continue;
            }
            out.push(super::verdict_finding(&Self::META, case));
        }
    }
}
