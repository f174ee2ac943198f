use crate::declare_rule;
use crate::project::ProjectFile;
use crate::rules::{ProjectContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a CVE gate whose effective production options have `Enabled: false` (through
    /// `Environments.production` or the base section).
    ///
    /// ## Why is this bad?
    /// The CVE gates are on by default; the documentation only ever disables them in development.
    /// A production `Enabled: false` lets KEV-listed, reachable or high-EPSS CVEs ship.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// Policy:
    ///   Gates:
    ///     KevBlocker:
    ///       Environments:
    ///         production:
    ///           Enabled: false
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// Policy:
    ///   Gates:
    ///     KevBlocker:
    ///       Environments:
    ///         development:
    ///           Enabled: false
    /// ```
    pub struct CveGateProductionDisabled {
        id: "cve-gate-production-disabled",
        summary: "a CVE gate is disabled in production",
        severity: Error,
        since: "0.2.0",
    }
}

impl Rule for CveGateProductionDisabled {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            let gates = [
                (
                    "EpssThreshold",
                    model
                        .epss_threshold
                        .for_environment("production")
                        .0
                        .enabled
                        .clone(),
                ),
                (
                    "KevBlocker",
                    model
                        .kev_blocker
                        .for_environment("production")
                        .0
                        .enabled
                        .clone(),
                ),
                (
                    "ReachableCve",
                    model
                        .reachable_cve
                        .for_environment("production")
                        .0
                        .enabled
                        .clone(),
                ),
                (
                    "CveDelta",
                    model
                        .cve_delta
                        .for_environment("production")
                        .0
                        .enabled
                        .clone(),
                ),
                (
                    "ReleaseAggregateCve",
                    model
                        .release_aggregate_cve
                        .for_environment("production")
                        .0
                        .enabled
                        .clone(),
                ),
            ];
            for (gate, enabled) in gates {
                if enabled.value || !ProjectFile::here(enabled.loc) {
                    continue;
                }
                out.push(Self::META.finding(
                    file.location(&[enabled.loc], &format!("/{gate}/production/Enabled")),
                    format!("CVE gate `{gate}` is disabled in production"),
                ));
            }
        }
    }
}
