use crate::declare_rule;
use crate::rules::{ReplayContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Warns about a tenant of `TenantOverrides` that no fixture case exercises. It runs when the scan holds fixture
    /// suites that use the policy file; coverage is advice, never an error.
    ///
    /// ## Why is this bad?
    /// An unexercised tenant can change — or be broken by a typo — without any fixture
    /// noticing, so a baseline replay cannot tell what the change does to it.
    ///
    /// ## Example
    /// ```text
    /// `TenantOverrides.tenant-with-internal-vex` lowers the production score, but no case sets `tenantId: tenant-with-internal-vex`.
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// Add a case with that `tenantId`, ideally at the override's threshold.
    /// ```
    pub struct TenantNotExercised {
        id: "tenant-not-exercised",
        summary: "a tenant override no fixture case evaluates",
        severity: Warning,
        since: "0.1.0",
    }
}

impl Rule for TenantNotExercised {
    fn check_replay(&self, cx: &ReplayContext<'_>, out: &mut Sink) {
        let mut unplaced = std::collections::BTreeSet::new();
        for coverage in &cx.outcome.coverage {
            for name in coverage.tenants_not_exercised() {
                let Some(location) = super::coverage_location(
                    cx,
                    &coverage.policy,
                    name,
                    &super::find_key_in,
                    &mut unplaced,
                ) else {
                    continue;
                };
                out.push(Self::META.finding(
                    location,
                    format!("tenant override `{name}` is configured but no fixture case uses it"),
                ));
            }
        }
    }
}
