use crate::declare_rule;
use crate::project::ProjectFile;
use crate::rules::{ProjectContext, Rule, Sink};
use crate::stellaops::model::lookup;

declare_rule! {
    /// ## What it does
    /// Reports `RequireIssuerVerified: false` in the VexTrust production thresholds (or in the
    /// `default` thresholds that unknown environment names fall back to).
    ///
    /// ## Why is this bad?
    /// The sample's production comment is "Signature verification mandatory". Without it, anyone
    /// who can publish a VEX document can mark a vulnerability `not_affected` in production.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         RequireIssuerVerified: false
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         RequireIssuerVerified: true
    /// ```
    pub struct VexTrustProductionIssuerUnverified {
        id: "vex-trust-production-issuer-unverified",
        summary: "production accepts VEX statements whose issuer signature is not verified",
        severity: Error,
        since: "0.2.0",
    }
}

impl Rule for VexTrustProductionIssuerUnverified {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            for env in ["production", "default"] {
                let Some(set) = lookup(&model.vex_trust.thresholds, env) else {
                    continue;
                };
                let verified = &set.require_issuer_verified;
                if verified.value || !ProjectFile::here(verified.loc) {
                    continue;
                }
                out.push(Self::META.finding(
                    file.location(&[verified.loc], &format!("/VexTrust/{env}/RequireIssuerVerified")),
                    format!("VexTrust `{env}` thresholds accept unverified VEX issuers (`RequireIssuerVerified: false`)"),
                ));
            }
        }
    }
}
