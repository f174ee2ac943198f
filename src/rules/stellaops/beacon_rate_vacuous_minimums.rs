use crate::declare_rule;
use crate::project::ProjectFile;
use crate::rules::{ProjectContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports an enabled BeaconRate gate with `MinVerificationRate` of 0 or less.
    ///
    /// ## Why is this bad?
    /// A verification rate is never below 0, so the gate can never apply `BelowThresholdAction`.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   BeaconRate:
    ///     Enabled: true
    ///     MinVerificationRate: 0
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   BeaconRate:
    ///     Enabled: true
    ///     MinVerificationRate: 0.8
    /// ```
    pub struct BeaconRateVacuousMinimums {
        id: "beacon-rate-vacuous-minimums",
        summary: "BeaconRate minimums never fail",
        severity: Warning,
        since: "0.2.0",
    }
}

impl Rule for BeaconRateVacuousMinimums {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            let gate = &model.beacon_rate;
            let rate = &gate.min_verification_rate;
            if !gate.enabled.value || rate.value > 0.0 || !ProjectFile::here(rate.loc) {
                continue;
            }
            out.push(Self::META.finding(
                file.location(&[rate.loc], "/BeaconRate/MinVerificationRate"),
                "BeaconRate `MinVerificationRate` 0 never fails; the gate checks nothing",
            ));
        }
    }
}
