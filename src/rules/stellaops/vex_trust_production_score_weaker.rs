use crate::declare_rule;
use crate::project::files;
use crate::project::strictness::Direction;
use crate::rules::{ProjectContext, Rule, Sink};
use crate::stellaops::model::{GateId, lookup};

declare_rule! {
    /// ## What it does
    /// Reports a VexTrust production `MinCompositeScore` that is weaker than the value staging or
    /// development uses: a production composite score below staging's accepts less trusted statements where it matters most.
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
    ///         MinCompositeScore: 0.55
    ///       staging:
    ///         MinCompositeScore: 0.60
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         MinCompositeScore: 0.80
    ///       staging:
    ///         MinCompositeScore: 0.60
    /// ```
    pub struct VexTrustProductionScoreWeaker {
        id: "vex-trust-production-score-weaker",
        summary: "production `MinCompositeScore` is weaker than staging's or development's",
        severity: Error,
        since: "0.2.0",
    }
}

impl Rule for VexTrustProductionScoreWeaker {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            if !files::configured(model, GateId::VexTrust) {
                continue;
            }
            let gate = &model.vex_trust;
            let Some(weaker) = files::production_weaker(
                |env| {
                    lookup(&gate.thresholds, env)
                        .map(|t| (t.min_composite_score.value, t.min_composite_score.loc))
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
                "MinCompositeScore",
            ));
        }
    }
}
