use crate::declare_rule;
use crate::gait::lint::rule_sites;
use crate::gait::policy::Verdict;
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports an `endpoint.destructive_action` that is less restrictive than the endpoint's
    /// `action` (which defaults to `block`). Gait combines them with "most restrictive wins", so
    /// destructive targets get the `action`, never the `destructive_action`.
    ///
    /// ## Why is this bad?
    /// `destructive_action: require_approval` reads as "destructive calls need approval", but
    /// with the default `action: block` they are blocked outright; an approval workflow built on
    /// it never receives a request (Gait's shipped `base_high_risk.yaml` has this shape).
    ///
    /// ## Example
    /// ```yaml title=".gait.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules:
    ///   - name: guard-writes
    ///     effect: allow
    ///     match: {tool_names: [tool.write]}
    ///     endpoint:
    ///       path_allowlist: [/workspace/**]
    ///       destructive_action: require_approval
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title=".gait.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules:
    ///   - name: guard-writes
    ///     effect: allow
    ///     match: {tool_names: [tool.write]}
    ///     endpoint:
    ///       path_allowlist: [/workspace/**]
    ///       action: require_approval
    ///       destructive_action: require_approval
    /// ```
    pub struct GaitEndpointDestructiveNoop {
        id: "gait-endpoint-destructive-noop",
        summary: "endpoint destructive action is overridden by a stricter endpoint action",
        severity: Warning,
        since: "0.1.0",
    }
}

impl Rule for GaitEndpointDestructiveNoop {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        let (Some(policy), Some(root)) = (
            cx.gait_policy,
            cx.sections.first().map(|section| &section.node),
        ) else {
            return;
        };
        for site in rule_sites(Some(root), policy) {
            let endpoint = &site.rule.endpoint;
            let (Some(action), Some(destructive)) = (
                Verdict::parse(&endpoint.action),
                Verdict::parse(&endpoint.destructive_action),
            ) else {
                continue;
            };
            if !endpoint.enabled || destructive >= action {
                continue;
            }
            let defaulted = site.written("endpoint/action").is_none();
            let mut finding = Self::META.finding(
                cx.at(
                    site.span_of("endpoint/destructive_action"),
                    site.pointer("endpoint/destructive_action"),
                ),
                format!(
                    "`destructive_action: {destructive}` has no effect in rule `{}`: the endpoint action `{action}`{} is stricter and wins for destructive targets",
                    site.rule.name,
                    if defaulted { " (the default)" } else { "" }
                ),
            );
            if let Some(span) = site.written("endpoint/action") {
                finding = finding.with_related(
                    cx.at(span, site.pointer("endpoint/action")),
                    "the stricter endpoint action",
                );
            }
            out.push(finding.with_help(format!(
                "set `endpoint.action: {destructive}` too, or drop `destructive_action`"
            )));
        }
    }
}
