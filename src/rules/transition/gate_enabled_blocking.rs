use super::changes;
use crate::declare_rule;
use crate::project::files;
use crate::rules::{Pair, ProjectContext, Rule, Sink};
use crate::stellaops::model::GateId;

declare_rule! {
    /// ## What it does
    /// Reports a gate that the baseline had disabled and the candidate enables with a blocking
    /// action in at least one environment (VexTrust, ExecutionEvidence, BeaconRate, the CVE gates,
    /// which always block). Needs a baseline.
    ///
    /// ## Why is this bad?
    /// A gate switched on straight into `Block` has never produced a decision on real traffic.
    /// Enable it in warn mode everywhere first ("Phase 2"), then block production.
    ///
    /// ## Example
    /// ```yaml title="baseline/appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: false
    /// ```
    ///
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="baseline/appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: false
    /// ```
    ///
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true
    ///     Thresholds:
    ///       production:
    ///         FailureAction: Warn
    ///       default:
    ///         FailureAction: Warn
    /// ```
    pub struct GateEnabledBlocking {
        id: "gate-enabled-blocking",
        summary: "a gate is enabled for the first time directly in blocking mode",
        severity: Error,
        since: "0.2.0",
        transition: true,
    }
}

impl Rule for GateEnabledBlocking {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for Pair {
            file,
            candidate: model,
            baseline: old,
        } in cx.stella_pairs()
        {
            for gate in GateId::ALL {
                if old.gate_enabled(gate) || !model.gate_enabled(gate) {
                    continue;
                }
                let Some((environment, class_default)) =
                    changes::blocking_environment(model, gate, cx.default_failure_action)
                else {
                    continue;
                };
                let hint = if class_default {
                    changes::CLASS_DEFAULT_HINT
                } else {
                    ""
                };
                out.push(Self::META.finding(
                    file.location(&[changes::enabled_loc(model, gate), files::gate_loc(model, gate)], &format!("/{}/Enabled", gate.name())),
                    format!(
                        "{} is enabled for the first time and blocks in {environment} at once (baseline: disabled); enable it in warn mode first{hint}",
                        gate.name()
                    ),
                ));
            }
        }
    }
}
