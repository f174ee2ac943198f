use crate::declare_rule;
use crate::project::ProjectFile;
use crate::project::strictness::num;
use crate::rules::{ProjectContext, Rule, Sink};

/// Deltas at or above this are reported.
const MAX_EPSS_DELTA: f64 = 0.5;

declare_rule! {
    /// ## What it does
    /// Reports a determinization `EpssDeltaThreshold` of 0.5 or more (the default is 0.2).
    ///
    /// ## Why is this bad?
    /// EPSS is a probability in [0, 1]. With a delta of 0.5, a CVE can climb from 0.1 to 0.55 —
    /// past every quarantine threshold — without its verdict being re-evaluated.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// Policy:
    ///   Determinization:
    ///     ReanalysisTriggers:
    ///       EpssDeltaThreshold: 0.6
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// Policy:
    ///   Determinization:
    ///     ReanalysisTriggers:
    ///       EpssDeltaThreshold: 0.2
    /// ```
    pub struct DeterminizationEpssDeltaTooLarge {
        id: "determinization-epss-delta-too-large",
        summary: "EPSS changes trigger re-analysis only after a huge jump",
        severity: Warning,
        since: "0.2.0",
    }
}

impl Rule for DeterminizationEpssDeltaTooLarge {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            let delta = &model
                .determinization
                .reanalysis_triggers
                .epss_delta_threshold;
            if delta.value < MAX_EPSS_DELTA || !ProjectFile::here(delta.loc) {
                continue;
            }
            out.push(Self::META.finding(
                file.location(&[delta.loc], "/Determinization/ReanalysisTriggers/EpssDeltaThreshold"),
                format!(
                    "`EpssDeltaThreshold` {} lets EPSS move past the quarantine thresholds without re-analysis",
                    num(delta.value)
                ),
            ));
        }
    }
}
