use crate::declare_rule;
use crate::project::ProjectFile;
use crate::rules::{ProjectContext, Rule, Sink};
use crate::stellaops::model::EpssMode;

declare_rule! {
    /// ## What it does
    /// Reports `Mode: all` in the effective production options of the `EpssThreshold` gate.
    ///
    /// ## Why is this bad?
    /// With `all`, one low-EPSS CVE in the release lets any number of high-EPSS CVEs through —
    /// close to a bypass. `any` blocks as soon as one CVE exceeds the threshold.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// Policy:
    ///   Gates:
    ///     EpssThreshold:
    ///       Mode: all
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// Policy:
    ///   Gates:
    ///     EpssThreshold:
    ///       Mode: any
    /// ```
    pub struct EpssModeAllProduction {
        id: "epss-mode-all-production",
        summary: "the EPSS gate blocks production only when every CVE exceeds the threshold",
        severity: Warning,
        since: "0.2.0",
    }
}

impl Rule for EpssModeAllProduction {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            let (options, _) = model.epss_threshold.for_environment("production");
            if options.mode() != EpssMode::All || !ProjectFile::here(options.mode.loc) {
                continue;
            }
            out.push(Self::META.finding(
                file.location(&[options.mode.loc], "/EpssThreshold/production/Mode"),
                "`EpssThreshold` `Mode: all` blocks production only when every CVE exceeds the threshold",
            ));
        }
    }
}
