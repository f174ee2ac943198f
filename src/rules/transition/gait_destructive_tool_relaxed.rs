use crate::declare_rule;
use crate::project::strictness::verdict_rank;
use crate::rules::{Pair, ProjectContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a Gait rule that covers destructive tool calls (tool names with `delete`, `exec`,
    /// `drop`, `destroy`, `rm`, `shell`; endpoint classes `fs.delete`, `proc.exec`; risk classes
    /// `high`, `critical`) whose effect is less restrictive than in the baseline. Needs a baseline.
    ///
    /// ## Why is this bad?
    /// Destructive operations are the ones the rollout guide puts behind approval (Stage 3) or the
    /// plan/apply boundary. Relaxing them — `require_approval` → `allow` — removes the human from
    /// irreversible actions.
    ///
    /// ## Example
    /// ```yaml title="baseline/policy.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules:
    ///   - name: deletes-need-approval
    ///     effect: require_approval
    ///     match:
    ///       tool_names: [tool.delete]
    /// ```
    ///
    /// ```yaml title="policy.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules:
    ///   - name: deletes-need-approval
    ///     effect: allow
    ///     match:
    ///       tool_names: [tool.delete]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="baseline/policy.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules:
    ///   - name: deletes-need-approval
    ///     effect: require_approval
    ///     match:
    ///       tool_names: [tool.delete]
    /// ```
    ///
    /// ```yaml title="policy.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules:
    ///   - name: deletes-need-approval
    ///     effect: block
    ///     match:
    ///       tool_names: [tool.delete]
    /// ```
    pub struct GaitDestructiveToolRelaxed {
        id: "gait-destructive-tool-relaxed",
        summary: "a rule covering a destructive tool is relaxed",
        severity: Error,
        since: "0.2.0",
        transition: true,
    }
}

impl Rule for GaitDestructiveToolRelaxed {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for Pair {
            file,
            candidate: policy,
            baseline: old,
        } in cx.gait_pairs()
        {
            for rule in &policy.rules {
                if !destructive(rule) {
                    continue;
                }
                let Some(before) = old.rules.iter().find(|r| r.name == rule.name) else {
                    continue;
                };
                if verdict_rank(rule.effect) >= verdict_rank(before.effect) {
                    continue;
                }
                out.push(Self::META.finding(
                    crate::project::files::gait_rule_key(file, rule, "effect"),
                    format!(
                        "destructive rule `{}` relaxed to `{}` (baseline: `{}`)",
                        rule.name,
                        rule.effect.as_str(),
                        before.effect.as_str()
                    ),
                ));
            }
        }
    }
}

/// Whether a Gait rule covers destructive tool calls.
fn destructive(rule: &crate::gait::policy::Rule) -> bool {
    crate::gait::destructive::names_destructive_tools(rule)
}
