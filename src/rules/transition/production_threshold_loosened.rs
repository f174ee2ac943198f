use super::changes;
use crate::declare_rule;
use crate::project::ProjectFile;
use crate::rules::{Pair, ProjectContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a production threshold the candidate loosens compared with the baseline: VexTrust
    /// scores, accuracy, freshness, issuer verification and `MissingTrustBehavior`; the Confidence
    /// gate; determinization confidence, entropy, EPSS and reachability; CVE gate thresholds and
    /// limits. Needs a baseline.
    ///
    /// ## Why is this bad?
    /// Loosening production is sometimes right (a rollback, a tuned threshold), but it is the one
    /// change a reviewer must never miss. The finding names the baseline value so the pull request
    /// says what production used to require.
    ///
    /// ## Example
    /// ```yaml title="baseline/appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         MinCompositeScore: 0.80
    /// ```
    ///
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         MinCompositeScore: 0.70
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="baseline/appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         MinCompositeScore: 0.80
    /// ```
    ///
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         MinCompositeScore: 0.85
    /// ```
    pub struct ProductionThresholdLoosened {
        id: "production-threshold-loosened",
        summary: "a production threshold is looser than in the baseline",
        severity: Error,
        since: "0.2.0",
        transition: true,
    }
}

impl Rule for ProductionThresholdLoosened {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for Pair {
            file,
            candidate: model,
            baseline: old,
        } in cx.stella_pairs()
        {
            for change in changes::loosened(old, model) {
                if !ProjectFile::here(change.loc) {
                    continue;
                }
                out.push(Self::META.finding(
                    file.location(&[change.loc], &change.pointer),
                    format!(
                        "production {} loosened to {} (baseline: {})",
                        change.what, change.candidate, change.baseline
                    ),
                ));
            }
        }
    }
}
