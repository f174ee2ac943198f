use crate::declare_rule;
use crate::diff::verdicts::Direction;
use crate::rules::{DiffContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a fixture case (or a bare Gait intent) that the candidate decides more strictly
    /// than the baseline. A note, on the case's line; an error (exit 5) when
    /// `[diff] fail-on = "any"`. The same verdict for another reason is `verdict-rule-changed`.
    ///
    /// ## Why is this bad?
    /// A tightening is usually what a change intends, but it can block releases that passed
    /// yesterday: the list of such cases is what reviewers and release owners need to see.
    ///
    /// ## Example
    /// ```text
    /// Baseline production FailureAction Warn, candidate Block; the case
    ///   - name: production trust 0.5
    ///     input: {environment: production, requestedStatus: not_affected,
    ///             vexTrust: {trustScore: 0.5, signatureVerified: true, freshness: fresh}}
    /// goes from `Warned` to `Blocked`.
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// Nothing to change when the tightening is intended; announce it to the teams whose
    /// releases the listed cases stand for.
    /// ```
    pub struct VerdictTightened {
        id: "verdict-tightened",
        summary: "a fixture case is decided more strictly than at the baseline",
        severity: Note,
        since: "0.1.0",
        regression: true,
    }
}

impl Rule for VerdictTightened {
    fn check_diff(&self, cx: &DiffContext<'_>, out: &mut Sink) {
        for case in cx.changed {
            if case.direction != Direction::Tightening {
                continue;
            }
            out.push(super::verdict_finding(&Self::META, case));
        }
    }
}
