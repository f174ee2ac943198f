use crate::declare_rule;

use crate::project::files;
use crate::rules::{Pair, ProjectContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a VexTrust tenant override the candidate adds (or changes) so that it bypasses the
    /// gate (`MinCompositeScore` of 0.05 or less, or issuer verification off in production) where
    /// the baseline had no such bypass. Needs a baseline.
    ///
    /// ## Why is this bad?
    /// The "per-tenant disable" of the rollout guide is an emergency lever; a pull request that adds
    /// one should say so, and who removes it when.
    ///
    /// ## Example
    /// ```yaml title="baseline/appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true
    /// ```
    ///
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     TenantOverrides:
    ///       affected-tenant:
    ///         production:
    ///           MinCompositeScore: 0.01
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="baseline/appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true
    /// ```
    ///
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     TenantOverrides:
    ///       affected-tenant:
    ///         production:
    ///           MinCompositeScore: 0.75
    /// ```
    pub struct BypassOverrideAdded {
        id: "bypass-override-added",
        summary: "a tenant override that bypasses VexTrust is added",
        severity: Error,
        since: "0.2.0",
        transition: true,
    }
}

impl Rule for BypassOverrideAdded {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for Pair {
            file,
            candidate: model,
            baseline: old,
        } in cx.stella_pairs()
        {
            let before = files::bypasses(old);
            for bypass in files::bypasses(model) {
                if before.iter().any(|b| {
                    b.tenant.eq_ignore_ascii_case(&bypass.tenant)
                        && b.environment.eq_ignore_ascii_case(&bypass.environment)
                }) {
                    continue;
                }
                out.push(Self::META.finding(
                    file.location(
                        &[bypass.loc],
                        &format!(
                            "/VexTrust/TenantOverrides/{}/{}",
                            bypass.tenant, bypass.environment
                        ),
                    ),
                    format!(
                        "tenant `{}` gets a VexTrust bypass in {} ({}); the baseline had none",
                        bypass.tenant, bypass.environment, bypass.what
                    ),
                ));
            }
        }
    }
}
