use crate::declare_rule;

use super::changes;
use crate::rules::{Pair, ProjectContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a gate whose candidate configuration blocks in an environment where the baseline did
    /// not run it in warn (shadow) mode: the baseline had the gate disabled, or did not warn there.
    /// Covers VexTrust `FailureAction`, ExecutionEvidence `MissingEvidenceAction` and BeaconRate
    /// `BelowThresholdAction`. Needs a baseline (`--baseline-ref`, `gatelint diff`).
    ///
    /// ## Why is this bad?
    /// The rollout guide requires one to two weeks of "Phase 2: Shadow Mode (Warn Everywhere)"
    /// before blocking, to measure false positives on real traffic. Skipping it blocks releases on
    /// thresholds nobody has observed.
    ///
    /// ## Example
    /// ```yaml title="baseline/appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: false
    /// ```
    ///
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true
    ///     Thresholds:
    ///       production:
    ///         MinCompositeScore: 0.80
    ///         FailureAction: Block
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="baseline/appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true
    ///     Thresholds:
    ///       production:
    ///         MinCompositeScore: 0.80
    ///         FailureAction: Warn
    /// ```
    ///
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true
    ///     Thresholds:
    ///       production:
    ///         MinCompositeScore: 0.80
    ///         FailureAction: Block
    /// ```
    pub struct ShadowPhaseSkipped {
        id: "shadow-phase-skipped",
        summary: "a gate goes to Block where the baseline did not warn first",
        severity: Error,
        since: "0.2.0",
        transition: true,
    }
}

impl Rule for ShadowPhaseSkipped {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for Pair {
            file,
            candidate: model,
            baseline: old,
        } in cx.stella_pairs()
        {
            for change in changes::to_block(old, model, cx.default_failure_action) {
                let hint = if change.class_default {
                    changes::CLASS_DEFAULT_HINT
                } else {
                    ""
                };
                out.push(Self::META.finding(
                    file.location(&[change.loc, change.fallback], &change.pointer),
                    format!(
                        "{} goes to `Block` in {} without a shadow phase: the baseline {}{hint}",
                        change.gate, change.environment, change.baseline
                    ),
                ));
            }
        }
    }
}
