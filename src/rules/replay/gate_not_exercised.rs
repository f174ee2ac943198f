use crate::declare_rule;
use crate::rules::{ReplayContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Warns about an enabled gate of a policy file that no fixture case exercises. It runs when the scan holds fixture
    /// suites that use the policy file; coverage is advice, never an error.
    ///
    /// ## Why is this bad?
    /// An unexercised gate can change — or be broken by a typo — without any fixture
    /// noticing, so a baseline replay cannot tell what the change does to it.
    ///
    /// ## Example
    /// ```text
    /// VexTrust is enabled with production thresholds, but every case of the suites that use the policy is decided before VexTrust runs (or VexTrust has no input).
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// Add a case that reaches the gate, for example one at its production threshold.
    /// ```
    pub struct GateNotExercised {
        id: "gate-not-exercised",
        summary: "an enabled gate no fixture case reaches",
        severity: Warning,
        since: "0.1.0",
    }
}

impl Rule for GateNotExercised {
    fn check_replay(&self, cx: &ReplayContext<'_>, out: &mut Sink) {
        let mut unplaced = std::collections::BTreeSet::new();
        for coverage in &cx.outcome.coverage {
            for name in coverage.gates_not_exercised() {
                let Some(location) = super::coverage_location(
                    cx,
                    &coverage.policy,
                    name,
                    &super::find_gate_in,
                    &mut unplaced,
                ) else {
                    continue;
                };
                out.push(Self::META.finding(
                    location,
                    format!("gate `{name}` is enabled but no fixture case reaches it"),
                ));
            }
        }
    }
}
