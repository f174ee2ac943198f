use crate::classify::GateRoot;
use crate::declare_rule;
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Warns when a Stella Ops gate sits under a section root its documentation does not use:
    /// the CVE gates (`EpssThreshold`, `KevBlocker`, `ReachableCve`, `CveDelta`,
    /// `ReleaseAggregateCve`) are documented under `Policy:Gates`; `ExecutionEvidence` and
    /// `BeaconRate` under `PolicyGates`. `VexTrust` is documented under both.
    ///
    /// ## Why is this bad?
    /// Each gate family binds its options from its own section. Options written under the
    /// other root are silently ignored, so the gate runs on its defaults.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   KevBlocker:
    ///     Enabled: true
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// Policy:
    ///   Gates:
    ///     KevBlocker:
    ///       Enabled: true
    /// ```
    pub struct GateUndocumentedRoot {
        id: "gate-undocumented-root",
        summary: "a gate is configured under a section root not documented for it",
        severity: Warning,
        since: "0.1.0",
    }
}

const POLICY_COLON_GATES: [&str; 5] = [
    "EpssThreshold",
    "KevBlocker",
    "ReachableCve",
    "CveDelta",
    "ReleaseAggregateCve",
];
const POLICY_GATES: [&str; 2] = ["ExecutionEvidence", "BeaconRate"];

impl Rule for GateUndocumentedRoot {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        for bound in cx.sections {
            let Some(root) = bound.section.root else {
                continue;
            };
            if root == GateRoot::Sample {
                continue;
            }
            let Some(entries) = bound.node.as_map() else {
                continue;
            };
            for entry in entries {
                let name = entry.key.text.as_str();
                let documented = if POLICY_COLON_GATES.contains(&name) {
                    GateRoot::PolicyColonGates
                } else if POLICY_GATES.contains(&name) {
                    GateRoot::PolicyGates
                } else {
                    continue;
                };
                if documented == root {
                    continue;
                }
                out.push(
                    Self::META
                        .finding(
                            cx.at(entry.key.span, ""),
                            format!(
                                "gate `{name}` is documented under `{}`, not `{}`; options here may be ignored",
                                documented.spelling(),
                                root.spelling()
                            ),
                        )
                        .with_help(format!("move it under `{}`", documented.spelling())),
                );
            }
        }
    }
}
