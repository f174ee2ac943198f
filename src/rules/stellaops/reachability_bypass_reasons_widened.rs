use crate::declare_rule;
use crate::project::ProjectFile;
use crate::rules::{ProjectContext, Rule, Sink};

const DOCUMENTED: [&str; 2] = ["component_not_present", "vulnerable_configuration_unused"];

declare_rule! {
    /// ## What it does
    /// Reports `reachabilityRequirement.bypassReasons` entries beyond the two documented
    /// justifications (`component_not_present`, `vulnerable_configuration_unused`).
    ///
    /// ## Why is this bad?
    /// Every bypass reason exempts a `not_affected` claim from the reachability proof. Adding
    /// justifications like `inline_mitigations_already_exist` turns the requirement into a
    /// formality.
    ///
    /// ## Example
    /// ```yaml title="policy-gates.yaml"
    /// version: "1.0"
    /// gates:
    ///   reachabilityRequirement:
    ///     bypassReasons:
    ///       - component_not_present
    ///       - inline_mitigations_already_exist
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="policy-gates.yaml"
    /// version: "1.0"
    /// gates:
    ///   reachabilityRequirement:
    ///     bypassReasons:
    ///       - component_not_present
    ///       - vulnerable_configuration_unused
    /// ```
    pub struct ReachabilityBypassReasonsWidened {
        id: "reachability-bypass-reasons-widened",
        summary: "reachability requirement accepts undocumented bypass reasons",
        severity: Warning,
        since: "0.2.0",
    }
}

impl Rule for ReachabilityBypassReasonsWidened {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for (file, model) in cx.stella() {
            let reasons = &model.reachability_requirement.bypass_reasons;
            if !ProjectFile::here(reasons.loc) {
                continue;
            }
            let extra: Vec<&str> = reasons
                .value
                .iter()
                .map(String::as_str)
                .filter(|reason| !DOCUMENTED.iter().any(|d| d.eq_ignore_ascii_case(reason)))
                .collect();
            if extra.is_empty() {
                continue;
            }
            out.push(Self::META.finding(
                file.location(&[reasons.loc], "/reachabilityRequirement/bypassReasons"),
                format!(
                    "`bypassReasons` adds `{}` beyond the documented justifications",
                    extra.join("`, `")
                ),
            ));
        }
    }
}
