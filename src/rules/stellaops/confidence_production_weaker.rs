use crate::declare_rule;
use crate::project::files;
use crate::project::strictness::Direction;
use crate::rules::{ProjectContext, Rule, Sink};
use crate::stellaops::model::{GateId, lookup};

declare_rule! {
    /// ## What it does
    /// Reports a `minimumConfidence` (Confidence gate) production threshold below the staging or
    /// development threshold.
    ///
    /// ## Why is this bad?
    /// The sample's thresholds (0.75 / 0.60 / 0.40) encode "production strictest". A lower
    /// production minimum accepts merged VEX verdicts with less confidence exactly where a wrong
    /// `not_affected` ships a vulnerability.
    ///
    /// ## Example
    /// ```yaml title="policy-gates.yaml"
    /// version: "1.0"
    /// gates:
    ///   minimumConfidence:
    ///     enabled: true
    ///     thresholds:
    ///       production: 0.55
    ///       staging: 0.60
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="policy-gates.yaml"
    /// version: "1.0"
    /// gates:
    ///   minimumConfidence:
    ///     enabled: true
    ///     thresholds:
    ///       production: 0.75
    ///       staging: 0.60
    /// ```
    pub struct ConfidenceProductionWeaker {
        id: "confidence-production-weaker",
        summary: "production minimum confidence is weaker than staging's or development's",
        severity: Error,
        since: "0.2.0",
    }
}

impl Rule for ConfidenceProductionWeaker {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            if !files::configured(model, GateId::Confidence) {
                continue;
            }
            let gate = &model.confidence;
            let Some(weaker) = files::production_weaker(
                |env| lookup(&gate.thresholds, env).map(|t| (t.value, t.loc)),
                Direction::HigherIsStricter,
            ) else {
                continue;
            };
            out.push(files::weaker_finding(
                Self::META.id,
                Self::META.severity,
                file,
                &weaker,
                "Confidence",
                "threshold",
            ));
        }
    }
}
