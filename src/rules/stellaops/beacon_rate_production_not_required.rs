use crate::declare_rule;
use crate::project::ProjectFile;
use crate::rules::{ProjectContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports an enabled BeaconRate gate whose `RequiredEnvironments` does not list `production`.
    ///
    /// ## Why is this bad?
    /// BeaconRate passes with "not required for environment" in every environment outside
    /// `RequiredEnvironments`. Without `production` the gate — blocking or not — never applies where
    /// it matters.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   BeaconRate:
    ///     Enabled: true
    ///     BelowThresholdAction: Block
    ///     RequiredEnvironments: [staging]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   BeaconRate:
    ///     Enabled: true
    ///     BelowThresholdAction: Block
    ///     RequiredEnvironments: [production]
    /// ```
    pub struct BeaconRateProductionNotRequired {
        id: "beacon-rate-production-not-required",
        summary: "BeaconRate is enabled but does not apply to production",
        severity: Error,
        since: "0.2.0",
    }
}

impl Rule for BeaconRateProductionNotRequired {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            let gate = &model.beacon_rate;
            let environments = &gate.required_environments;
            if !gate.enabled.value
                || !ProjectFile::here(environments.loc)
                || environments
                    .value
                    .iter()
                    .any(|env| env.eq_ignore_ascii_case("production"))
            {
                continue;
            }
            out.push(Self::META.finding(
                file.location(&[environments.loc], "/BeaconRate/RequiredEnvironments"),
                format!(
                    "BeaconRate is enabled (`BelowThresholdAction: {}`) but `RequiredEnvironments` leaves out `production`",
                    gate.below_threshold_action.value.as_str()
                ),
            ));
        }
    }
}
