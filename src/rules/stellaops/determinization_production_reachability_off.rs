use crate::declare_rule;
use crate::project::ProjectFile;
use crate::rules::{ProjectContext, Rule, Sink};
use crate::stellaops::model::lookup;

declare_rule! {
    /// ## What it does
    /// Reports `RequireReachability: false` in the determinization production thresholds.
    ///
    /// ## Why is this bad?
    /// Without reachability evidence, determinization can allow an uncertain finding in production
    /// on score alone; the presets require reachability in production and staging.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// Policy:
    ///   Determinization:
    ///     EnvironmentThresholds:
    ///       Production:
    ///         RequireReachability: false
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// Policy:
    ///   Determinization:
    ///     EnvironmentThresholds:
    ///       Production:
    ///         RequireReachability: true
    /// ```
    pub struct DeterminizationProductionReachabilityOff {
        id: "determinization-production-reachability-off",
        summary: "production does not require reachability evidence",
        severity: Error,
        since: "0.2.0",
    }
}

impl Rule for DeterminizationProductionReachabilityOff {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            let Some(production) =
                lookup(&model.determinization.environment_thresholds, "production")
            else {
                continue;
            };
            let flag = &production.require_reachability;
            if flag.value || !ProjectFile::here(flag.loc) {
                continue;
            }
            out.push(Self::META.finding(
                file.location(&[flag.loc], "/Determinization/production/RequireReachability"),
                "determinization production does not require reachability evidence (`RequireReachability: false`)",
            ));
        }
    }
}
