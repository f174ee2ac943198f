use crate::declare_rule;
use crate::project::ProjectFile;
use crate::project::strictness::extra_freshness;
use crate::rules::{ProjectContext, Rule, Sink};
use crate::stellaops::model::lookup;

declare_rule! {
    /// ## What it does
    /// Reports a VexTrust production `AcceptableFreshness` that lists any class besides `fresh`.
    ///
    /// ## Why is this bad?
    /// The sample configuration and the promotion tests accept only `fresh` VEX in production
    /// ("promotion with stale VEX in production blocks"). A `stale` or `superseded` statement may
    /// have been replaced by one that says the component is affected.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         AcceptableFreshness: [fresh, stale]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         AcceptableFreshness: [fresh]
    /// ```
    pub struct VexTrustProductionFreshnessBeyondFresh {
        id: "vex-trust-production-freshness-beyond-fresh",
        summary: "production accepts VEX statements that are not fresh",
        severity: Warning,
        since: "0.2.0",
    }
}

impl Rule for VexTrustProductionFreshnessBeyondFresh {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            let Some(production) = lookup(&model.vex_trust.thresholds, "production") else {
                continue;
            };
            let freshness = &production.acceptable_freshness;
            if !ProjectFile::here(freshness.loc) {
                continue;
            }
            let extra = extra_freshness(&freshness.value, &["fresh".to_owned()]);
            if extra.is_empty() {
                continue;
            }
            out.push(Self::META.finding(
                file.location(&[freshness.loc], "/VexTrust/production/AcceptableFreshness"),
                format!(
                    "VexTrust production accepts `{}` VEX statements; production should accept only `fresh`",
                    extra.join("`, `")
                ),
            ));
        }
    }
}
