use crate::declare_rule;
use crate::project::ProjectFile;
use crate::project::files::BYPASS_SCORE;
use crate::project::strictness::num;
use crate::rules::{ProjectContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a VexTrust `TenantOverrides` entry that switches the gate off in effect for a tenant:
    /// a `MinCompositeScore` of 0.05 or less, or `RequireIssuerVerified: false` in production (or
    /// `default`).
    ///
    /// ## Why is this bad?
    /// The rollout guide's "per-tenant disable" (`MinCompositeScore: 0.01 # Effectively bypass`) is
    /// an emergency lever. Left in the configuration it silently accepts any VEX statement for that
    /// tenant, and nothing downstream re-checks it.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     TenantOverrides:
    ///       affected-tenant:
    ///         production:
    ///           MinCompositeScore: 0.01
    ///           RequireIssuerVerified: false
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     TenantOverrides:
    ///       high-security-tenant:
    ///         production:
    ///           MinCompositeScore: 0.90
    /// ```
    pub struct VexTrustTenantBypass {
        id: "vex-trust-tenant-bypass",
        summary: "a tenant override effectively bypasses the VexTrust gate",
        severity: Error,
        since: "0.2.0",
    }
}

impl Rule for VexTrustTenantBypass {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            for tenant in &model.vex_trust.tenant_overrides {
                for (env, patch) in &tenant.environments {
                    if let Some(score) = &patch.min_composite_score
                        && score.value <= BYPASS_SCORE
                        && ProjectFile::here(score.loc)
                    {
                        out.push(Self::META.finding(
                            file.location(&[score.loc], &format!("/VexTrust/TenantOverrides/{}/{env}/MinCompositeScore", tenant.tenant)),
                            format!(
                                "tenant `{}` {env} `MinCompositeScore: {}` accepts practically any VEX statement (effectively bypasses the gate)",
                                tenant.tenant,
                                num(score.value)
                            ),
                        ));
                    }
                    let critical = env.eq_ignore_ascii_case("production")
                        || env.eq_ignore_ascii_case("default");
                    if let Some(verified) = &patch.require_issuer_verified
                        && !verified.value
                        && critical
                        && ProjectFile::here(verified.loc)
                    {
                        out.push(Self::META.finding(
                            file.location(
                                &[verified.loc],
                                &format!(
                                    "/VexTrust/TenantOverrides/{}/{env}/RequireIssuerVerified",
                                    tenant.tenant
                                ),
                            ),
                            format!(
                                "tenant `{}` turns issuer verification off in {env}",
                                tenant.tenant
                            ),
                        ));
                    }
                }
            }
        }
    }
}
