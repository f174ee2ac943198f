use crate::declare_rule;

use super::changes;
use crate::rules::{Pair, ProjectContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a production failure action relaxed compared with the baseline (VexTrust
    /// `FailureAction`, ExecutionEvidence `MissingEvidenceAction`, BeaconRate `BelowThresholdAction`
    /// from `Block` to `Warn` or `Allow`). Needs a baseline.
    ///
    /// ## Why is this bad?
    /// `FailureAction: Warn` is the documented rollback lever. It stops enforcement in production;
    /// when it lands in a pull request it deserves an explicit, reviewed reason — suppress the
    /// finding with one.
    ///
    /// ## Example
    /// ```yaml title="baseline/appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         FailureAction: Block
    /// ```
    ///
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         FailureAction: Warn
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="baseline/appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         FailureAction: Warn
    /// ```
    ///
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         FailureAction: Block
    /// ```
    pub struct ProductionActionRelaxed {
        id: "production-action-relaxed",
        summary: "production goes from Block back to Warn",
        severity: Error,
        since: "0.2.0",
        transition: true,
    }
}

impl Rule for ProductionActionRelaxed {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for Pair {
            file,
            candidate: model,
            baseline: old,
        } in cx.stella_pairs()
        {
            for change in changes::actions_relaxed(old, model) {
                out.push(Self::META.finding(
                    file.location(&[change.loc, change.fallback], &change.pointer),
                    format!(
                        "{} production `{}` relaxed to `{}` (baseline: `{}`)",
                        change.gate, change.key, change.candidate, change.baseline
                    ),
                ));
            }
        }
    }
}
