use super::changes;
use crate::declare_rule;
use crate::project::ProjectFile;
use crate::rules::{Pair, ProjectContext, Rule, Sink};
use crate::stellaops::model::GateId;

declare_rule! {
    /// ## What it does
    /// Reports a gate enabled in the baseline and disabled in the candidate (`Enabled: false`, or a
    /// CVE gate's `Environments.production.Enabled: false`). Needs a baseline.
    ///
    /// ## Why is this bad?
    /// Disabling a gate removes every check it makes in every environment it covered. It is the
    /// rollout guide's "immediate disable" — an incident action that a pull request should state
    /// explicitly.
    ///
    /// ## Example
    /// ```yaml title="baseline/appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true
    /// ```
    ///
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: false
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="baseline/appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true
    /// ```
    ///
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true
    /// ```
    pub struct GateDisabled {
        id: "gate-disabled",
        summary: "a gate the baseline enabled is disabled",
        severity: Error,
        since: "0.2.0",
        transition: true,
    }
}

impl Rule for GateDisabled {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for Pair {
            file,
            candidate: model,
            baseline: old,
        } in cx.stella_pairs()
        {
            for gate in GateId::ALL {
                let loc = changes::production_enabled(model, gate);
                let before = changes::production_enabled(old, gate);
                if !before.value || loc.value || !ProjectFile::here(loc.loc) {
                    continue;
                }
                out.push(Self::META.finding(
                    file.location(&[loc.loc], &format!("/{}/Enabled", gate.name())),
                    format!(
                        "{} is disabled for production (baseline: enabled)",
                        gate.name()
                    ),
                ));
            }
        }
    }
}
