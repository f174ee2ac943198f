use crate::declare_rule;
use crate::project::ProjectFile;
use crate::rules::{ProjectContext, Rule, Sink};
use crate::stellaops::model::Action;

declare_rule! {
    /// ## What it does
    /// Reports `MissingTrustBehavior: Allow` on an enabled VexTrust gate.
    ///
    /// ## Why is this bad?
    /// When the verification pipeline is down or an issuer is missing from the IssuerDirectory,
    /// the statement carries no trust data. `Allow` then lets every such statement lower risk in
    /// every environment, production included, without a warning.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true
    ///     MissingTrustBehavior: Allow
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true
    ///     MissingTrustBehavior: Warn
    /// ```
    pub struct VexTrustMissingTrustAllow {
        id: "vex-trust-missing-trust-allow",
        summary: "VEX statements without trust data are allowed",
        severity: Error,
        since: "0.2.0",
    }
}

impl Rule for VexTrustMissingTrustAllow {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            let gate = &model.vex_trust;
            let behavior = &gate.missing_trust_behavior;
            if !gate.enabled.value
                || behavior.value != Action::Allow
                || !ProjectFile::here(behavior.loc)
            {
                continue;
            }
            out.push(Self::META.finding(
                file.location(&[behavior.loc], "/VexTrust/MissingTrustBehavior"),
                "VEX statements without trust data pass silently in production (`MissingTrustBehavior: Allow`); use `Warn` or `Block`",
            ));
        }
    }
}
