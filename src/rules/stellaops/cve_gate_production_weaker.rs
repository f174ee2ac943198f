use crate::declare_rule;
use crate::project::files;
use crate::project::strictness::Direction;
use crate::rules::{ProjectContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a CVE gate (`EpssThreshold`, `ReachableCve`, `CveDelta`, `ReleaseAggregateCve`) whose
    /// effective production threshold (base values with the `Environments.production` override) is
    /// looser than staging's or development's: a higher EPSS or CVSS threshold, or a higher count
    /// limit.
    ///
    /// ## Why is this bad?
    /// The gate documentation only ever tightens production (EPSS 0.3, CVSS 4.0, `MaxHigh: 0`). A
    /// production override looser than staging lets releases through production that staging
    /// blocks.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// Policy:
    ///   Gates:
    ///     EpssThreshold:
    ///       Threshold: 0.6
    ///       Environments:
    ///         production:
    ///           Threshold: 0.9
    ///         staging:
    ///           Threshold: 0.5
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// Policy:
    ///   Gates:
    ///     EpssThreshold:
    ///       Threshold: 0.6
    ///       Environments:
    ///         production:
    ///           Threshold: 0.3
    ///         staging:
    ///           Threshold: 0.5
    /// ```
    pub struct CveGateProductionWeaker {
        id: "cve-gate-production-weaker",
        summary: "a CVE gate is weaker in production than in staging or development",
        severity: Error,
        since: "0.2.0",
    }
}

impl Rule for CveGateProductionWeaker {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            let lower = Direction::LowerIsStricter;
            let limit = |value: Option<i64>| value.map_or(f64::INFINITY, |v| v as f64);
            let checks: Vec<(&str, &str, Option<files::Weaker>)> = vec![
                (
                    "EpssThreshold",
                    "Threshold",
                    files::production_weaker(
                        |env| {
                            let (o, _) = model.epss_threshold.for_environment(env);
                            Some((o.threshold.value, o.threshold.loc))
                        },
                        lower,
                    ),
                ),
                (
                    "ReachableCve",
                    "SeverityThreshold",
                    files::production_weaker(
                        |env| {
                            let (o, _) = model.reachable_cve.for_environment(env);
                            Some((o.severity_threshold.value, o.severity_threshold.loc))
                        },
                        lower,
                    ),
                ),
                (
                    "CveDelta",
                    "NewCveSeverityThreshold",
                    files::production_weaker(
                        |env| {
                            let (o, _) = model.cve_delta.for_environment(env);
                            Some((
                                o.new_cve_severity_threshold.value,
                                o.new_cve_severity_threshold.loc,
                            ))
                        },
                        lower,
                    ),
                ),
                (
                    "ReleaseAggregateCve",
                    "MaxCritical",
                    files::production_weaker(
                        |env| {
                            let (o, _) = model.release_aggregate_cve.for_environment(env);
                            Some((limit(o.max_critical.value), o.max_critical.loc))
                        },
                        lower,
                    ),
                ),
                (
                    "ReleaseAggregateCve",
                    "MaxHigh",
                    files::production_weaker(
                        |env| {
                            let (o, _) = model.release_aggregate_cve.for_environment(env);
                            Some((limit(o.max_high.value), o.max_high.loc))
                        },
                        lower,
                    ),
                ),
                (
                    "ReleaseAggregateCve",
                    "MaxMedium",
                    files::production_weaker(
                        |env| {
                            let (o, _) = model.release_aggregate_cve.for_environment(env);
                            Some((limit(o.max_medium.value), o.max_medium.loc))
                        },
                        lower,
                    ),
                ),
            ];
            for (gate, key, weaker) in checks {
                let Some(weaker) = weaker else {
                    continue;
                };
                out.push(files::weaker_finding(
                    Self::META.id,
                    Self::META.severity,
                    file,
                    &weaker,
                    gate,
                    key,
                ));
            }
        }
    }
}
