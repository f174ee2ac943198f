use crate::declare_rule;
use crate::gait::policy::Verdict;
use crate::rules::{FileContext, Rule, Sink};
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Reports a Gait policy in which no rule has an effect other than `allow` and the default
    /// verdict is `allow` or `dry_run`: nothing in it can ever block an intent or ask for
    /// approval (only Gait's built-in destructive escalation can). Mirrors `gait check`'s
    /// "no non-allow rules" finding.
    ///
    /// ## Why is this bad?
    /// The gate is decorative; a policy meant to enforce anything has at least one `block` or
    /// `require_approval` rule or default.
    ///
    /// ## Example
    /// ```yaml title=".gait.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: dry_run
    /// rules:
    ///   - name: allow-read
    ///     effect: allow
    ///     match: {tool_names: [tool.read]}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title=".gait.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: dry_run
    /// rules:
    ///   - name: allow-read
    ///     effect: allow
    ///     match: {tool_names: [tool.read]}
    ///   - name: block-delete
    ///     effect: block
    ///     match: {endpoint_classes: [fs.delete]}
    /// ```
    pub struct GaitNoBlockingRule {
        id: "gait-no-blocking-rule",
        summary: "nothing in the Gait policy ever blocks or requires approval",
        severity: Warning,
        since: "0.1.0",
    }
}

impl Rule for GaitNoBlockingRule {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        let (Some(policy), Some(root)) = (
            cx.gait_policy,
            cx.sections.first().map(|section| &section.node),
        ) else {
            return;
        };
        if policy.default_verdict > Verdict::DryRun
            || policy
                .rules
                .iter()
                .any(|rule| rule.effect > Verdict::DryRun)
        {
            return;
        }
        let (span, pointer) = match root.entry("rules") {
            Some(entry) => (entry.key.span, "/rules"),
            None => (
                root.as_map()
                    .and_then(|entries| entries.first())
                    .map_or(Span::default(), |entry| entry.key.span),
                "",
            ),
        };
        out.push(
            Self::META
                .finding(
                    cx.at(span, pointer),
                    format!(
                        "no rule blocks or requires approval and the default verdict is `{}`",
                        policy.default_verdict
                    ),
                )
                .with_help("add `block` or `require_approval` rules, or a stricter default"),
        );
    }
}
