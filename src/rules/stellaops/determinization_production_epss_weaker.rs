use super::determinization_threshold_weaker;
use crate::declare_rule;
use crate::project::strictness::Direction;
use crate::rules::{ProjectContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a determinization `EnvironmentThresholds.Production.EpssThreshold` weaker than the
    /// staging or development value (a higher EPSS quarantine threshold).
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
    ///         EpssThreshold: 0.5
    ///       Staging:
    ///         EpssThreshold: 0.4
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// Policy:
    ///   Determinization:
    ///     EnvironmentThresholds:
    ///       Production:
    ///         EpssThreshold: 0.3
    ///       Staging:
    ///         EpssThreshold: 0.4
    /// ```
    pub struct DeterminizationProductionEpssWeaker {
        id: "determinization-production-epss-weaker",
        summary: "determinization production `EpssThreshold` is weaker than staging's or development's",
        severity: Error,
        since: "0.2.0",
    }
}

impl Rule for DeterminizationProductionEpssWeaker {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        determinization_threshold_weaker(
            &Self::META,
            cx,
            out,
            "EpssThreshold",
            Direction::LowerIsStricter,
            |t| (t.epss_threshold.value, t.epss_threshold.loc),
        );
    }
}
