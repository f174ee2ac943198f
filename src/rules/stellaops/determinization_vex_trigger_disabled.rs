use crate::declare_rule;
use crate::project::ProjectFile;
use crate::rules::{ProjectContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports `TriggerOnVexStatusChange: false` in the determinization re-analysis triggers.
    ///
    /// ## Why is this bad?
    /// A verdict reached under one VEX status stays in force after the vendor changes the status
    /// (for example from `not_affected` to `affected`): the verdict goes stale until some other
    /// trigger happens to fire.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// Policy:
    ///   Determinization:
    ///     ReanalysisTriggers:
    ///       TriggerOnVexStatusChange: false
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// Policy:
    ///   Determinization:
    ///     ReanalysisTriggers:
    ///       TriggerOnVexStatusChange: true
    /// ```
    pub struct DeterminizationVexTriggerDisabled {
        id: "determinization-vex-trigger-disabled",
        summary: "VEX status changes do not trigger re-analysis",
        severity: Warning,
        since: "0.2.0",
    }
}

impl Rule for DeterminizationVexTriggerDisabled {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            let flag = &model
                .determinization
                .reanalysis_triggers
                .trigger_on_vex_status_change;
            if flag.value || !ProjectFile::here(flag.loc) {
                continue;
            }
            out.push(Self::META.finding(
                file.location(&[flag.loc], "/Determinization/ReanalysisTriggers/TriggerOnVexStatusChange"),
                "VEX status changes do not trigger re-analysis; verdicts stay stale after a vendor changes its statement",
            ));
        }
    }
}
