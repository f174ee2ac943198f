use crate::declare_rule;
use crate::project::ProjectFile;
use crate::rules::{ProjectContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports an enabled ExecutionEvidence gate whose `RequiredEnvironments` does not list `production`.
    ///
    /// ## Why is this bad?
    /// ExecutionEvidence passes with "not required for environment" in every environment outside
    /// `RequiredEnvironments`. Without `production` the gate — blocking or not — never applies where
    /// it matters.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   ExecutionEvidence:
    ///     Enabled: true
    ///     MissingEvidenceAction: Block
    ///     RequiredEnvironments: [staging]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   ExecutionEvidence:
    ///     Enabled: true
    ///     MissingEvidenceAction: Block
    ///     RequiredEnvironments: [production, staging]
    /// ```
    pub struct ExecutionEvidenceProductionNotRequired {
        id: "execution-evidence-production-not-required",
        summary: "ExecutionEvidence is enabled but does not apply to production",
        severity: Error,
        since: "0.2.0",
    }
}

impl Rule for ExecutionEvidenceProductionNotRequired {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            let gate = &model.execution_evidence;
            let environments = &gate.required_environments;
            if !gate.enabled.value
                || !ProjectFile::here(environments.loc)
                || environments
                    .value
                    .iter()
                    .any(|env| env.eq_ignore_ascii_case("production"))
            {
                continue;
            }
            out.push(Self::META.finding(
                file.location(&[environments.loc], "/ExecutionEvidence/RequiredEnvironments"),
                format!(
                    "ExecutionEvidence is enabled (`MissingEvidenceAction: {}`) but `RequiredEnvironments` leaves out `production`",
                    gate.missing_evidence_action.value.as_str()
                ),
            ));
        }
    }
}
