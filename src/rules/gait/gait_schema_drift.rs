use crate::declare_rule;
use crate::finding::{Finding, Severity};
use crate::gait::lint::rule_sites;
use crate::parse::Node;
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports values Gait's loader accepts but Gait's published JSON schema
    /// (`schemas/v1/gate/policy.schema.json`, the one editors use) rejects: enum values written
    /// in upper case or with surrounding spaces (the loader lower-trims them), a negative
    /// `priority`, and `min_approvals: 0`, `rate_limit.requests: 0` or
    /// `destructive_budget.requests: 0` (the loader reads 0 as "default" or "off").
    /// Case differences are notes; a negative priority is a warning.
    ///
    /// ## Why is this bad?
    /// The runtime and the editor disagree: the IDE flags a valid policy (so people learn to
    /// ignore its squiggles), or an author reads `priority: -1` as invalid and misses that it
    /// pre-empts every other rule.
    ///
    /// ## Example
    /// ```yaml title=".gait.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules:
    ///   - name: emergency-override
    ///     priority: -1
    ///     effect: require_approval
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title=".gait.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules:
    ///   - name: emergency-override
    ///     priority: 0
    ///     effect: require_approval
    /// ```
    ///
    /// ## Fix
    /// An enum value in upper case or with surrounding spaces is fixed by formatting the policy
    /// as `gatelint fmt` does (a safe fix: the formatter keeps every comment and the policy
    /// digest). The other findings have no fix.
    pub struct GaitSchemaDrift {
        id: "gait-schema-drift",
        summary: "value valid for Gait's loader but rejected by Gait's published schema",
        severity: Warning,
        since: "0.1.0",
        fix: Sometimes,
    }
}

/// Enum-like values Gait's schema lists in lower case (path below a rule).
const RULE_ENUMS: &[&str] = &[
    "effect",
    "action",
    "endpoint/action",
    "endpoint/destructive_action",
    "dataflow/action",
    "freeze_window/effect",
    "rate_limit/window",
    "rate_limit/scope",
    "destructive_budget/window",
    "destructive_budget/scope",
];

const ZERO_MEANS_OFF: &[&str] = &[
    "min_approvals",
    "rate_limit/requests",
    "destructive_budget/requests",
];

impl Rule for GaitSchemaDrift {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        let (Some(policy), Some(root)) = (
            cx.gait_policy,
            cx.sections.first().map(|section| &section.node),
        ) else {
            return;
        };
        for key in ["default_verdict", "default_action", "mcp_trust/action"] {
            let node = crate::gait::lint::node_at(root, key);
            if let Some(finding) = case_drift(cx, node, &format!("/{key}")) {
                out.push(finding);
            }
        }
        for site in rule_sites(Some(root), policy) {
            let Some(node) = site.node else {
                continue;
            };
            for key in RULE_ENUMS {
                let value = crate::gait::lint::node_at(node, key);
                if let Some(finding) = case_drift(cx, value, &site.pointer(key)) {
                    out.push(finding);
                }
            }
            if site.rule.priority < 0
                && let Some(span) = site.written("priority")
            {
                out.push(
                    Self::META
                        .finding(
                            cx.at(span, site.pointer("priority")),
                            format!(
                                "Gait's schema requires `priority` >= 0; the loader accepts `{}` and evaluates `{}` before every rule with priority 0 or more",
                                site.rule.priority, site.rule.name
                            ),
                        )
                        .with_help("use 0 and raise the other rules' priorities"),
                );
            }
            for key in ZERO_MEANS_OFF {
                let Some(value) = crate::gait::lint::node_at(node, key) else {
                    continue;
                };
                let zero = value.as_f64() == Some(0.0);
                if !zero {
                    continue;
                }
                out.push(
                    Finding::new(
                        Self::META.id,
                        Severity::Note,
                        cx.at(value.span, site.pointer(key)),
                        format!(
                            "Gait's schema requires `{}` >= 1; the loader reads 0 as unset",
                            key.replace('/', ".")
                        ),
                    )
                    .with_help("remove the key to keep the default"),
                );
            }
        }
    }
}

fn case_drift(cx: &FileContext<'_>, node: Option<&Node>, pointer: &str) -> Option<Finding> {
    let node = node?;
    node.as_str()?;
    // The bound tree holds normalised values; the file holds what the author wrote.
    let text = cx
        .source
        .slice(node.span)
        .trim()
        .trim_matches(|c| c == '"' || c == '\'');
    let normalised = text.trim().to_lowercase();
    if normalised == text || normalised.is_empty() {
        return None;
    }
    Some(
        Finding::new(
            GaitSchemaDrift::META.id,
            Severity::Note,
            cx.at(node.span, pointer),
            format!(
                "Gait's loader reads `{text}` as `{normalised}`, but Gait's published schema (and editors using it) reject it"
            ),
        )
        .with_help(format!("write `{normalised}`"))
        .with_fix_if(super::format_fix(cx)),
    )
}
