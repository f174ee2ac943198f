use crate::declare_rule;
use crate::project::ProjectFile;
use crate::rules::{ProjectContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports an enabled ExecutionEvidence gate with `MinHotSymbolCount` or `MinUniqueCallPaths`
    /// of zero or less.
    ///
    /// ## Why is this bad?
    /// The quality check passes with "hot symbols >= minimum". A minimum of 0 accepts an empty
    /// trace as execution evidence, so the gate only checks that the metadata flag is set.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   ExecutionEvidence:
    ///     Enabled: true
    ///     MinHotSymbolCount: 0
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   ExecutionEvidence:
    ///     Enabled: true
    ///     MinHotSymbolCount: 3
    /// ```
    pub struct ExecutionEvidenceVacuousMinimums {
        id: "execution-evidence-vacuous-minimums",
        summary: "ExecutionEvidence quality minimums accept any trace",
        severity: Warning,
        since: "0.2.0",
    }
}

impl Rule for ExecutionEvidenceVacuousMinimums {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            let gate = &model.execution_evidence;
            if !gate.enabled.value {
                continue;
            }
            for (name, value) in [
                ("MinHotSymbolCount", &gate.min_hot_symbol_count),
                ("MinUniqueCallPaths", &gate.min_unique_call_paths),
            ] {
                if value.value > 0 || !ProjectFile::here(value.loc) {
                    continue;
                }
                out.push(Self::META.finding(
                    file.location(&[value.loc], &format!("/ExecutionEvidence/{name}")),
                    format!(
                        "ExecutionEvidence `{name}: {}` accepts an empty trace as evidence",
                        value.value
                    ),
                ));
            }
        }
    }
}
