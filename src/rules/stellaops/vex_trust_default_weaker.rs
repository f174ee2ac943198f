use crate::declare_rule;
use crate::project::ProjectFile;
use crate::project::strictness::num;
use crate::rules::{ProjectContext, Rule, Sink};
use crate::stellaops::model::lookup;

declare_rule! {
    /// ## What it does
    /// Reports VexTrust `default` thresholds (used for every environment name without its own
    /// entry) with a lower `MinCompositeScore`, or without issuer verification, compared with
    /// production.
    ///
    /// ## Why is this bad?
    /// A deployment that names its environment `prod` or `Production-EU` instead of `production`
    /// runs on `default`. When `default` is weaker, a typo in the environment name silently loosens
    /// production.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       default:
    ///         MinCompositeScore: 0.40
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       default:
    ///         MinCompositeScore: 0.80
    /// ```
    pub struct VexTrustDefaultWeaker {
        id: "vex-trust-default-weaker",
        summary: "the fallback thresholds are weaker than production's",
        severity: Warning,
        since: "0.2.0",
    }
}

impl Rule for VexTrustDefaultWeaker {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            let gate = &model.vex_trust;
            let (Some(fallback), Some(production)) = (
                lookup(&gate.thresholds, "default"),
                lookup(&gate.thresholds, "production"),
            ) else {
                continue;
            };
            let score = &fallback.min_composite_score;
            if ProjectFile::here(score.loc) && score.value < production.min_composite_score.value {
                out.push(Self::META.finding(
                    file.location(&[score.loc], "/VexTrust/default/MinCompositeScore"),
                    format!(
                        "VexTrust `default` `MinCompositeScore` {} is below production's {}; unknown environment names get the weaker set",
                        num(score.value),
                        num(production.min_composite_score.value)
                    ),
                ));
            }
        }
    }
}
