use crate::declare_rule;
use crate::project::ProjectFile;
use crate::rules::{ProjectContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports `AllowGracePeriod: true` written for the `KevBlocker` gate's effective production
    /// options.
    ///
    /// ## Why is this bad?
    /// CISA's known-exploited list means the CVE is exploited in the wild. The documentation's
    /// example turns the grace period off for production.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// Policy:
    ///   Gates:
    ///     KevBlocker:
    ///       AllowGracePeriod: true
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// Policy:
    ///   Gates:
    ///     KevBlocker:
    ///       AllowGracePeriod: true
    ///       Environments:
    ///         production:
    ///           AllowGracePeriod: false
    /// ```
    pub struct KevGracePeriodProduction {
        id: "kev-grace-period-production",
        summary: "KEV-listed CVEs get a grace period in production",
        severity: Warning,
        since: "0.2.0",
    }
}

impl Rule for KevGracePeriodProduction {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            let (options, _) = model.kev_blocker.for_environment("production");
            let grace = &options.allow_grace_period;
            if !grace.value || !ProjectFile::here(grace.loc) {
                continue;
            }
            out.push(Self::META.finding(
                file.location(&[grace.loc], "/KevBlocker/production/AllowGracePeriod"),
                format!(
                    "known-exploited CVEs get a {}-day grace period in production",
                    options.grace_period_days.value
                ),
            ));
        }
    }
}
