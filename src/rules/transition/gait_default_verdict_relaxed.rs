use crate::declare_rule;
use crate::project::files;
use crate::project::strictness::verdict_rank;
use crate::rules::{Pair, ProjectContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a Gait `default_verdict` less restrictive than the baseline's (for example `block` →
    /// `allow`). Needs a baseline.
    ///
    /// ## Why is this bad?
    /// The default verdict decides every intent no rule matches — new tools included. Relaxing it
    /// widens what an agent may do without any rule having been written for it.
    ///
    /// ## Example
    /// ```yaml title="baseline/policy.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules:
    ///   - name: block-writes
    ///     effect: block
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
    /// default_verdict: block
    /// rules:
    ///   - name: block-writes
    ///     effect: block
    ///     match:
    ///       tool_names: [tool.write]
    /// ```
    ///
    /// ```yaml title="policy.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules:
    ///   - name: block-writes
    ///     effect: block
    ///     match:
    ///       tool_names: [tool.write]
    /// ```
    pub struct GaitDefaultVerdictRelaxed {
        id: "gait-default-verdict-relaxed",
        summary: "the Gait default verdict is relaxed",
        severity: Error,
        since: "0.2.0",
        transition: true,
    }
}

impl Rule for GaitDefaultVerdictRelaxed {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for Pair {
            file,
            candidate: policy,
            baseline: old,
        } in cx.gait_pairs()
        {
            if verdict_rank(policy.default_verdict) >= verdict_rank(old.default_verdict) {
                continue;
            }
            out.push(Self::META.finding(
                files::gait_key(file, "default_verdict"),
                format!(
                    "`default_verdict` relaxed to `{}` (baseline: `{}`)",
                    policy.default_verdict.as_str(),
                    old.default_verdict.as_str()
                ),
            ));
        }
    }
}
