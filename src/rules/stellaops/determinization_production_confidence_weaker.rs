use super::determinization_threshold_weaker;
use crate::declare_rule;
use crate::project::strictness::Direction;
use crate::rules::{ProjectContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a determinization `EnvironmentThresholds.Production.MinConfidence` weaker than the
    /// staging or development value (a lower minimum confidence).
    ///
    /// ## Why is this bad?
    /// Determinization allows uncertain findings "with guardrails in non-production" only; the
    /// production thresholds must be the strictest set, otherwise uncertain or exploited findings
    /// pass in production that would be quarantined in staging.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// Policy:
    ///   Determinization:
    ///     EnvironmentThresholds:
    ///       Production:
    ///         MinConfidence: 0.5
    ///       Staging:
    ///         MinConfidence: 0.6
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// Policy:
    ///   Determinization:
    ///     EnvironmentThresholds:
    ///       Production:
    ///         MinConfidence: 0.75
    ///       Staging:
    ///         MinConfidence: 0.6
    /// ```
    pub struct DeterminizationProductionConfidenceWeaker {
        id: "determinization-production-confidence-weaker",
        summary: "determinization production `MinConfidence` is weaker than staging's or development's",
        severity: Error,
        since: "0.2.0",
    }
}

impl Rule for DeterminizationProductionConfidenceWeaker {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        determinization_threshold_weaker(
            &Self::META,
            cx,
            out,
            "MinConfidence",
            Direction::HigherIsStricter,
            |t| (t.min_confidence.value, t.min_confidence.loc),
        );
    }
}
