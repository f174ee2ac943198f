use super::determinization_threshold_weaker;
use crate::declare_rule;
use crate::project::strictness::Direction;
use crate::rules::{ProjectContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a determinization `EnvironmentThresholds.Production.MaxEntropy` weaker than the
    /// staging or development value (a higher maximum entropy).
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
    ///         MaxEntropy: 0.6
    ///       Staging:
    ///         MaxEntropy: 0.5
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// Policy:
    ///   Determinization:
    ///     EnvironmentThresholds:
    ///       Production:
    ///         MaxEntropy: 0.3
    ///       Staging:
    ///         MaxEntropy: 0.5
    /// ```
    pub struct DeterminizationProductionEntropyWeaker {
        id: "determinization-production-entropy-weaker",
        summary: "determinization production `MaxEntropy` is weaker than staging's or development's",
        severity: Error,
        since: "0.2.0",
    }
}

impl Rule for DeterminizationProductionEntropyWeaker {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        determinization_threshold_weaker(
            &Self::META,
            cx,
            out,
            "MaxEntropy",
            Direction::LowerIsStricter,
            |t| (t.max_entropy.value, t.max_entropy.loc),
        );
    }
}
