use crate::declare_rule;
use crate::project::strictness::action_rank;
use crate::project::{ProjectFile, files};
use crate::rules::{ProjectContext, Rule, Sink};
use crate::stellaops::model::{GateId, lookup};

declare_rule! {
    /// ## What it does
    /// Reports a VexTrust production `FailureAction` less strict than the staging or development
    /// one (`Block` in staging while production only warns).
    ///
    /// ## Why is this bad?
    /// The rollout guide enforces production first ("Phase 4: enable blocking in production only")
    /// and staging later. The reverse order blocks releases in staging and lets the same statements
    /// through in production.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         FailureAction: Warn
    ///       staging:
    ///         FailureAction: Block
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         FailureAction: Block
    ///       staging:
    ///         FailureAction: Block
    /// ```
    pub struct VexTrustProductionActionWeaker {
        id: "vex-trust-production-action-weaker",
        summary: "production only warns where staging or development blocks",
        severity: Error,
        since: "0.2.0",
    }
}

impl Rule for VexTrustProductionActionWeaker {
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
                let (mine, theirs) = (&production.failure_action, &reference.failure_action);
                if !(ProjectFile::here(mine.loc) || ProjectFile::here(theirs.loc))
                    || action_rank(mine.value) >= action_rank(theirs.value)
                {
                    continue;
                }
                let mut finding = Self::META.finding(
                    file.location(
                        &[mine.loc, theirs.loc],
                        "/VexTrust/production/FailureAction",
                    ),
                    format!(
                        "VexTrust production `FailureAction: {}` is weaker than {other}'s `{}`",
                        mine.value.as_str(),
                        theirs.value.as_str()
                    ),
                );
                if ProjectFile::here(mine.loc) && ProjectFile::here(theirs.loc) {
                    finding = finding
                        .with_related(file.location(&[theirs.loc], ""), format!("{other} value"));
                }
                out.push(finding);
                break;
            }
        }
    }
}
