use crate::declare_rule;
use crate::project::files;
use crate::project::strictness::Direction;
use crate::rules::{ProjectContext, Rule, Sink};
use crate::stellaops::model::{GateId, lookup};

declare_rule! {
    /// ## What it does
    /// Reports a VexTrust production `MinAccuracyRate` that is weaker than the value staging or
    /// development uses: `null` (no check) counts as 0.
    ///
    /// ## Why is this bad?
    /// The rollout guide's first promise is "production stricter than staging/dev". A production
    /// threshold below a non-production one lets VEX statements into production that staging would
    /// have stopped, usually after a copy-paste or a tuning change applied to the wrong entry.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         MinAccuracyRate: null
    ///       staging:
    ///         MinAccuracyRate: 0.80
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         MinAccuracyRate: 0.85
    ///       staging:
    ///         MinAccuracyRate: 0.80
    /// ```
    pub struct VexTrustProductionAccuracyWeaker {
        id: "vex-trust-production-accuracy-weaker",
        summary: "production `MinAccuracyRate` is weaker than staging's or development's",
        severity: Error,
        since: "0.2.0",
    }
}

impl Rule for VexTrustProductionAccuracyWeaker {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            if !files::configured(model, GateId::VexTrust) {
                continue;
            }
            let gate = &model.vex_trust;
            let Some(weaker) = files::production_weaker(
                |env| {
                    lookup(&gate.thresholds, env).map(|t| {
                        (
                            t.min_accuracy_rate.value.unwrap_or(0.0),
                            t.min_accuracy_rate.loc,
                        )
                    })
                },
                Direction::HigherIsStricter,
            ) else {
                continue;
            };
            out.push(files::weaker_finding(
                Self::META.id,
                Self::META.severity,
                file,
                &weaker,
                "VexTrust",
                "MinAccuracyRate",
            ));
        }
    }
}
