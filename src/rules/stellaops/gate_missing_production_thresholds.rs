use crate::declare_rule;
use crate::project::{ProjectFile, files};
use crate::rules::{ProjectContext, Rule, Sink};
use crate::stellaops::model::{GateId, lookup};

declare_rule! {
    /// ## What it does
    /// Reports an enabled gate whose per-environment table (VexTrust `Thresholds`, determinization
    /// `EnvironmentThresholds`, a CVE gate's `Environments`) names other environments but not
    /// `production`, so production silently runs on the built-in or base values.
    ///
    /// ## Why is this bad?
    /// Whoever tuned staging and development almost certainly meant to tune production too. The
    /// built-in defaults may be far from what the team reviewed, and nothing in the file says which
    /// values production gets.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true
    ///     Thresholds:
    ///       staging:
    ///         MinCompositeScore: 0.90
    ///       development:
    ///         MinCompositeScore: 0.70
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true
    ///     Thresholds:
    ///       production:
    ///         MinCompositeScore: 0.95
    ///       staging:
    ///         MinCompositeScore: 0.90
    /// ```
    pub struct GateMissingProductionThresholds {
        id: "gate-missing-production-thresholds",
        summary: "an enabled gate configures other environments but not production",
        severity: Warning,
        since: "0.2.0",
    }
}

impl Rule for GateMissingProductionThresholds {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            let gate = &model.vex_trust;
            if files::configured(model, GateId::VexTrust) && gate.enabled.value {
                let written = |env: &str| {
                    lookup(&gate.thresholds, env).is_some_and(|t| {
                        [
                            t.min_composite_score.loc,
                            t.require_issuer_verified.loc,
                            t.min_accuracy_rate.loc,
                            t.acceptable_freshness.loc,
                            t.failure_action.loc,
                        ]
                        .into_iter()
                        .any(ProjectFile::here)
                    })
                };
                let others: Vec<&str> = ["staging", "development"]
                    .into_iter()
                    .filter(|env| written(env))
                    .collect();
                if !others.is_empty() && !written("production") {
                    out.push(Self::META.finding(
                        file.location(&[files::gate_loc(model, GateId::VexTrust)], "/VexTrust/Thresholds"),
                        format!("VexTrust `Thresholds` configures `{}` but not `production`; production runs on the built-in thresholds", others.join("`, `")),
                    ));
                }
            }
            let det = &model.determinization;
            if det.configured && det.enabled.value {
                let written = |env: &str| {
                    lookup(&det.environment_thresholds, env).is_some_and(|t| {
                        [
                            t.min_confidence.loc,
                            t.max_entropy.loc,
                            t.epss_threshold.loc,
                            t.require_reachability.loc,
                        ]
                        .into_iter()
                        .any(ProjectFile::here)
                    })
                };
                let others: Vec<(&str, Option<crate::stellaops::config::Loc>)> =
                    ["staging", "development"]
                        .into_iter()
                        .filter(|env| written(env))
                        .map(|env| {
                            (
                                env,
                                lookup(&det.environment_thresholds, env).and_then(|t| {
                                    [
                                        t.min_confidence.loc,
                                        t.max_entropy.loc,
                                        t.epss_threshold.loc,
                                        t.require_reachability.loc,
                                    ]
                                    .into_iter()
                                    .find(|l| ProjectFile::here(*l))
                                    .flatten()
                                }),
                            )
                        })
                        .collect();
                if let Some((_, loc)) = others.first()
                    && !written("production")
                {
                    let names: Vec<&str> = others.iter().map(|(env, _)| *env).collect();
                    out.push(Self::META.finding(
                        file.location(&[*loc], "/Determinization/EnvironmentThresholds"),
                        format!("determinization `EnvironmentThresholds` configures `{}` but not `production`; production runs on the preset", names.join("`, `")),
                    ));
                }
            }
        }
    }
}
