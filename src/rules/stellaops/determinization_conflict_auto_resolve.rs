use crate::declare_rule;
use crate::project::ProjectFile;
use crate::project::strictness::auto_resolves;
use crate::rules::{ProjectContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a determinization `ConflictHandling` action set to `AutoResolve`.
    ///
    /// ## Why is this bad?
    /// A contradiction (VEX says `not_affected` while reachability says reachable, static analysis
    /// against runtime evidence) is exactly the case that needs a human or a block. `AutoResolve`
    /// settles it silently, in production too — the conflict handling has no per-environment
    /// setting.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// Policy:
    ///   Determinization:
    ///     ConflictHandling:
    ///       VexReachabilityContradiction: AutoResolve
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// Policy:
    ///   Determinization:
    ///     ConflictHandling:
    ///       VexReachabilityContradiction: RequireManualReview
    /// ```
    pub struct DeterminizationConflictAutoResolve {
        id: "determinization-conflict-auto-resolve",
        summary: "contradictory evidence is resolved automatically",
        severity: Error,
        since: "0.2.0",
    }
}

impl Rule for DeterminizationConflictAutoResolve {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            let handling = &model.determinization.conflict_handling;
            for (name, action) in [
                (
                    "VexReachabilityContradiction",
                    &handling.vex_reachability_contradiction,
                ),
                (
                    "StaticRuntimeContradiction",
                    &handling.static_runtime_contradiction,
                ),
                ("VexStatusConflict", &handling.vex_status_conflict),
                ("BackportStatusConflict", &handling.backport_status_conflict),
            ] {
                if !auto_resolves(action.value) || !ProjectFile::here(action.loc) {
                    continue;
                }
                out.push(Self::META.finding(
                    file.location(&[action.loc], &format!("/Determinization/ConflictHandling/{name}")),
                    format!("`{name}: AutoResolve` settles contradictory evidence without review, in production too"),
                ));
            }
        }
    }
}
