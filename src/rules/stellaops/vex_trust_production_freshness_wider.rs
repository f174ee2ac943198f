use crate::declare_rule;
use crate::project::strictness::extra_freshness;
use crate::project::{ProjectFile, files};
use crate::rules::{ProjectContext, Rule, Sink};
use crate::stellaops::model::{GateId, lookup};

declare_rule! {
    /// ## What it does
    /// Reports a VexTrust production `AcceptableFreshness` that accepts a freshness class which the
    /// staging or development thresholds do not accept.
    ///
    /// ## Why is this bad?
    /// Production must accept the fewest freshness classes. A `stale` or `superseded` statement
    /// that staging refuses but production accepts lowers risk on outdated evidence.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         AcceptableFreshness: [fresh, stale, superseded]
    ///       staging:
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
    ///       staging:
    ///         AcceptableFreshness: [fresh, stale]
    /// ```
    pub struct VexTrustProductionFreshnessWider {
        id: "vex-trust-production-freshness-wider",
        summary: "production accepts VEX freshness classes staging or development reject",
        severity: Error,
        since: "0.2.0",
    }
}

impl Rule for VexTrustProductionFreshnessWider {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            if !files::configured(model, GateId::VexTrust) {
                continue;
            }
            let gate = &model.vex_trust;
            let Some(production) = lookup(&gate.thresholds, "production") else {
                continue;
            };
            for other in ["staging", "development"] {
                let Some(reference) = lookup(&gate.thresholds, other) else {
                    continue;
                };
                let (mine, theirs) = (
                    &production.acceptable_freshness,
                    &reference.acceptable_freshness,
                );
                if !(ProjectFile::here(mine.loc) || ProjectFile::here(theirs.loc)) {
                    continue;
                }
                let extra = extra_freshness(&mine.value, &theirs.value);
                if extra.is_empty() {
                    continue;
                }
                out.push(Self::META.finding(
                    file.location(&[mine.loc, theirs.loc], "/VexTrust/production/AcceptableFreshness"),
                    format!(
                        "VexTrust production accepts `{}` freshness, which {other} rejects; production must accept no more than {other}",
                        extra.join("`, `")
                    ),
                ));
                break;
            }
        }
    }
}
