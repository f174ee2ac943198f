use crate::declare_rule;
use crate::project::ProjectFile;
use crate::project::files::BYPASS_SCORE;
use crate::project::strictness::{action_rank, extra_freshness, num};
use crate::rules::{ProjectContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a VexTrust tenant override that lowers `MinCompositeScore` or `MinAccuracyRate`,
    /// widens `AcceptableFreshness` or relaxes `FailureAction` compared with the environment
    /// thresholds it is laid over. (Overrides that bypass the gate are `vex-trust-tenant-bypass`.)
    ///
    /// ## Why is this bad?
    /// Tenant overrides are a tuning knob for self-signed internal VEX. Each loosening is an
    /// exception to the environment's policy and deserves a reviewer's eye and a reason.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     TenantOverrides:
    ///       tenant-with-internal-vex:
    ///         production:
    ///           MinCompositeScore: 0.70
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
    pub struct VexTrustTenantOverrideWeaker {
        id: "vex-trust-tenant-override-weaker",
        summary: "a tenant override loosens an environment's VexTrust thresholds",
        severity: Warning,
        since: "0.2.0",
    }
}

impl Rule for VexTrustTenantOverrideWeaker {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            let gate = &model.vex_trust;
            for tenant in &gate.tenant_overrides {
                for (env, patch) in &tenant.environments {
                    let base = gate.resolve(env, None, false).thresholds;
                    let pointer = format!("/VexTrust/TenantOverrides/{}/{env}", tenant.tenant);
                    let mut weaker: Vec<(Option<crate::stellaops::config::Loc>, String)> =
                        Vec::new();
                    if let Some(score) = &patch.min_composite_score
                        && score.value > BYPASS_SCORE
                        && score.value < base.min_composite_score.value
                    {
                        weaker.push((
                            score.loc,
                            format!(
                                "`MinCompositeScore` {} < {}",
                                num(score.value),
                                num(base.min_composite_score.value)
                            ),
                        ));
                    }
                    if let Some(rate) = &patch.min_accuracy_rate
                        && rate.value.unwrap_or(0.0) < base.min_accuracy_rate.value.unwrap_or(0.0)
                    {
                        weaker.push((rate.loc, "`MinAccuracyRate` lowered".to_owned()));
                    }
                    if let Some(freshness) = &patch.acceptable_freshness {
                        let extra =
                            extra_freshness(&freshness.value, &base.acceptable_freshness.value);
                        if !extra.is_empty() {
                            weaker.push((
                                freshness.loc,
                                format!("`AcceptableFreshness` adds `{}`", extra.join("`, `")),
                            ));
                        }
                    }
                    if let Some(action) = &patch.failure_action
                        && action_rank(action.value) < action_rank(base.failure_action.value)
                    {
                        weaker.push((
                            action.loc,
                            format!(
                                "`FailureAction: {}` instead of `{}`",
                                action.value.as_str(),
                                base.failure_action.value.as_str()
                            ),
                        ));
                    }
                    for (loc, what) in weaker {
                        if !ProjectFile::here(loc) {
                            continue;
                        }
                        out.push(Self::META.finding(
                            file.location(&[loc], &pointer),
                            format!(
                                "tenant `{}` loosens {env} VexTrust thresholds: {what}",
                                tenant.tenant
                            ),
                        ));
                    }
                }
            }
        }
    }
}
