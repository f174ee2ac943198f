use crate::declare_rule;
use crate::finding::{Finding, Severity};
use crate::gait::lint::covers;
use crate::gait::policy::Match;
use crate::rules::{Pair, ProjectContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a Gait rule that matches every intent (no selector, or an empty `match`) and did
    /// not at the baseline: a new rule, or one whose selectors were all removed. It is reported at
    /// the rule's own line. An error when its effect is less restrictive than the baseline's
    /// `default_verdict` or than a rule of a later tier it now pre-empts; a warning otherwise.
    /// Needs a baseline (`--baseline-ref`, `gatelint diff`).
    ///
    /// ## Why is this bad?
    /// A rule that matches everything decides every intent no earlier tier decides: every rule
    /// of a later tier and the `default_verdict` stop applying at once. `gait-shadowed-rule`
    /// reports the rules it silences, one by one; this rule reports the change that silenced
    /// them.
    ///
    /// ## Example
    /// ```yaml title="baseline/policy.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules:
    ///   - name: block-deletes
    ///     priority: 10
    ///     effect: block
    ///     match:
    ///       tool_names: [tool.delete]
    /// ```
    ///
    /// ```yaml title="policy.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules:
    ///   - name: allow-everything
    ///     priority: 1
    ///     effect: allow
    ///   - name: block-deletes
    ///     priority: 10
    ///     effect: block
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
    ///   - name: block-deletes
    ///     priority: 10
    ///     effect: block
    ///     match:
    ///       tool_names: [tool.delete]
    /// ```
    ///
    /// ```yaml title="policy.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules:
    ///   - name: allow-reads
    ///     priority: 1
    ///     effect: allow
    ///     match:
    ///       tool_names: [tool.read]
    ///   - name: block-deletes
    ///     priority: 10
    ///     effect: block
    ///     match:
    ///       tool_names: [tool.delete]
    /// ```
    pub struct GaitCatchAllRuleAdded {
        id: "gait-catch-all-rule-added",
        summary: "a Gait rule now matches every intent",
        severity: Error,
        since: "0.2.0",
        transition: true,
    }
}

/// Whether a rule's selectors admit every intent.
fn matches_every_intent(matcher: &Match) -> bool {
    covers(matcher, &Match::default())
}

impl Rule for GaitCatchAllRuleAdded {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for Pair {
            file,
            candidate: policy,
            baseline: old,
        } in cx.gait_pairs()
        {
            for rule in &policy.rules {
                if !matches_every_intent(&rule.matcher)
                    || old.rules.iter().any(|before| {
                        before.name == rule.name && matches_every_intent(&before.matcher)
                    })
                {
                    continue;
                }
                let later: Vec<&str> = policy
                    .rules
                    .iter()
                    .filter(|other| other.priority > rule.priority)
                    .map(|other| other.name.as_str())
                    .collect();
                let looser = rule.effect < old.default_verdict
                    || policy
                        .rules
                        .iter()
                        .any(|other| other.priority > rule.priority && other.effect > rule.effect);
                let severity = if looser {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                let silenced = match later.len() {
                    0 => "`default_verdict` no longer applies".to_owned(),
                    1 => format!(
                        "rule `{}` and `default_verdict` no longer apply",
                        later.join("")
                    ),
                    count => {
                        format!(
                            "{count} rules of later tiers and `default_verdict` no longer apply"
                        )
                    }
                };
                out.push(Finding::new(
                    Self::META.id,
                    severity,
                    crate::project::files::gait_rule_key(file, rule, "name"),
                    format!(
                        "rule `{}` (priority {}) matches every intent: it decides `{}` for every intent no earlier tier decides, so {silenced} (default: `{}`)",
                        rule.name,
                        rule.priority,
                        rule.effect.as_str(),
                        policy.default_verdict.as_str()
                    ),
                ));
            }
        }
    }
}
