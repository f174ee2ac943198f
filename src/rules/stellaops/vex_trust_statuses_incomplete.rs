use crate::declare_rule;
use crate::project::ProjectFile;
use crate::rules::{ProjectContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a VexTrust `ApplyToStatuses` that leaves out `not_affected` or `fixed`.
    ///
    /// ## Why is this bad?
    /// The gate exists to check the trust of VEX statements that lower risk. A risk-reducing
    /// status missing from the list is accepted without any trust check.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     ApplyToStatuses: [fixed]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     ApplyToStatuses: [not_affected, fixed]
    /// ```
    pub struct VexTrustStatusesIncomplete {
        id: "vex-trust-statuses-incomplete",
        summary: "VexTrust does not guard every risk-reducing status",
        severity: Warning,
        since: "0.2.0",
    }
}

impl Rule for VexTrustStatusesIncomplete {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            let statuses = &model.vex_trust.apply_to_statuses;
            if !ProjectFile::here(statuses.loc) {
                continue;
            }
            let missing: Vec<&str> = ["not_affected", "fixed"]
                .into_iter()
                .filter(|status| {
                    !statuses
                        .value
                        .iter()
                        .any(|s| s.eq_ignore_ascii_case(status))
                })
                .collect();
            if missing.is_empty() {
                continue;
            }
            out.push(Self::META.finding(
                file.location(&[statuses.loc], "/VexTrust/ApplyToStatuses"),
                format!("VexTrust `ApplyToStatuses` leaves out `{}`; those statements are accepted unchecked", missing.join("`, `")),
            ));
        }
    }
}
