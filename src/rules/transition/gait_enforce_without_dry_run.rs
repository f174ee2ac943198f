use crate::declare_rule;
use crate::gait::policy::Verdict;
use crate::project::files;
use crate::project::strictness::verdict_rank;
use crate::rules::{Pair, ProjectContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a Gait rule (matched by name) whose baseline effect was `allow` (observe) and whose
    /// candidate effect is `block` or `require_approval`, and a `default_verdict` that goes from
    /// `allow` straight to enforcing. Needs a baseline.
    ///
    /// ## Why is this bad?
    /// Gait's rollout stages are observe (simulate), then dry-run (`dry_run` effects: decisions with
    /// `executed=false`), then enforce. Skipping dry-run enforces decisions nobody has seen on real
    /// tool calls.
    ///
    /// ## Example
    /// ```yaml title="baseline/policy.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: allow
    /// rules:
    ///   - name: block-writes
    ///     effect: allow
    ///     match:
    ///       tool_names: [tool.write]
    /// ```
    ///
    /// ```yaml title="policy.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: allow
    /// rules:
    ///   - name: block-writes
    ///     effect: block
    ///     match:
    ///       tool_names: [tool.write]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="baseline/policy.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: allow
    /// rules:
    ///   - name: block-writes
    ///     effect: dry_run
    ///     match:
    ///       tool_names: [tool.write]
    /// ```
    ///
    /// ```yaml title="policy.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: allow
    /// rules:
    ///   - name: block-writes
    ///     effect: block
    ///     match:
    ///       tool_names: [tool.write]
    /// ```
    pub struct GaitEnforceWithoutDryRun {
        id: "gait-enforce-without-dry-run",
        summary: "a Gait rule goes from observe to enforce without a dry-run stage",
        severity: Error,
        since: "0.2.0",
        transition: true,
    }
}

impl Rule for GaitEnforceWithoutDryRun {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for Pair {
            file,
            candidate: policy,
            baseline: old,
        } in cx.gait_pairs()
        {
            for rule in &policy.rules {
                let Some(before) = old.rules.iter().find(|r| r.name == rule.name) else {
                    continue;
                };
                if before.effect != Verdict::Allow
                    || verdict_rank(rule.effect) < verdict_rank(Verdict::RequireApproval)
                {
                    continue;
                }
                out.push(Self::META.finding(
                    files::gait_rule_key(file, rule, "effect"),
                    format!(
                        "rule `{}` goes from `allow` (observe) to `{}` without a `dry_run` stage (baseline effect: `allow`)",
                        rule.name,
                        rule.effect.as_str()
                    ),
                ));
            }
            if old.default_verdict == Verdict::Allow
                && verdict_rank(policy.default_verdict) >= verdict_rank(Verdict::RequireApproval)
            {
                out.push(Self::META.finding(
                    files::gait_key(file, "default_verdict"),
                    format!(
                        "`default_verdict` goes from `allow` to `{}` without a `dry_run` stage (baseline: `allow`)",
                        policy.default_verdict.as_str()
                    ),
                ));
            }
        }
    }
}
