use crate::declare_rule;
use crate::project::ProjectFile;
use crate::rules::{ProjectContext, Rule, Sink};
use crate::stellaops::model::{Action, lookup};

declare_rule! {
    /// ## What it does
    /// Reports `FailureAction: Warn` written for VexTrust production. Advice: this is the shadow
    /// phase of the rollout, not its end state.
    ///
    /// ## Why is this bad?
    /// Phase 2 of the rollout warns everywhere for one or two weeks; Phase 4 blocks in production.
    /// A production `Warn` left in place means insufficiently trusted VEX statements are accepted
    /// with only a log line.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         FailureAction: Warn
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         FailureAction: Block
    /// ```
    pub struct VexTrustProductionWarnOnly {
        id: "vex-trust-production-warn-only",
        summary: "production VexTrust failures only warn",
        severity: Warning,
        since: "0.2.0",
    }
}

impl Rule for VexTrustProductionWarnOnly {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            let Some(production) = lookup(&model.vex_trust.thresholds, "production") else {
                continue;
            };
            let action = &production.failure_action;
            if action.value == Action::Block
                || !ProjectFile::here(action.loc)
                || !model.vex_trust.enabled.value
            {
                continue;
            }
            out.push(Self::META.finding(
                file.location(&[action.loc], "/VexTrust/production/FailureAction"),
                format!(
                    "VexTrust production only warns (`FailureAction: {}`); move to `Block` once the shadow phase is over",
                    action.value.as_str()
                ),
            ));
        }
    }
}
