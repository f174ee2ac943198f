use crate::declare_rule;
use crate::gait::policy::Verdict;
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a Gait policy whose `default_verdict` (or its alias `default_action`) is `allow`.
    ///
    /// ## Why is this bad?
    /// Every intent no rule matches is allowed, and Gait applies no destructive or plan/apply
    /// escalation on the default path: a new tool, a renamed tool or a typo in a selector lets
    /// destructive calls through without approval. Gait's `oss-prod` profile rejects it and
    /// `gait check` reports it (`policy.default_allow`).
    ///
    /// ## Example
    /// ```yaml title=".gait.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: allow
    /// rules:
    ///   - name: block-delete
    ///     effect: block
    ///     match:
    ///       endpoint_classes: [fs.delete]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title=".gait.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: require_approval
    /// rules:
    ///   - name: allow-read
    ///     effect: allow
    ///     match:
    ///       endpoint_classes: [fs.read]
    /// ```
    pub struct GaitDefaultAllow {
        id: "gait-default-allow",
        summary: "intents no rule matches are allowed",
        severity: Error,
        since: "0.1.0",
        security_severity: "7.5",
    }
}

impl Rule for GaitDefaultAllow {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        let (Some(policy), Some(root)) = (
            cx.gait_policy,
            cx.sections.first().map(|section| &section.node),
        ) else {
            return;
        };
        if policy.default_verdict != Verdict::Allow {
            return;
        }
        let key = if root
            .get("default_verdict")
            .is_some_and(|node| node.as_str().is_some_and(|text| !text.trim().is_empty()))
        {
            "default_verdict"
        } else {
            "default_action"
        };
        let Some(node) = root.get(key) else {
            return;
        };
        out.push(
            Self::META
                .finding(
                    cx.at(node.span, format!("/{key}")),
                    "`default_verdict: allow` lets every intent no rule matches through, destructive ones included (no escalation on the default path)",
                )
                .with_help("use `require_approval` or `block` and allow known tools with explicit rules"),
        );
    }
}
