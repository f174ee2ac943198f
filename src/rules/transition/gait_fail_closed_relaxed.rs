use crate::declare_rule;
use crate::project::files;
use crate::rules::{Pair, ProjectContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a Gait `fail_closed` block that the candidate disables or narrows against the
    /// baseline: `enabled` turned off (or the block removed), a risk class dropped from
    /// `risk_classes`, or a field dropped from `required_fields` or `required_high_risk_fields`.
    /// Each change is reported at the line that changed, whatever selectors the rules use.
    /// Needs a baseline (`--baseline-ref`, `gatelint diff`).
    ///
    /// ## Why is this bad?
    /// Fail-closed handling blocks a high-risk intent that lacks the evidence to be judged
    /// (targets, argument provenance, endpoint class) before any rule runs. Turning it off or
    /// narrowing it lets such intents through to the rules and the default verdict, which were
    /// written assuming they never arrive. `gait-fail-closed-disabled` only sees the candidate and
    /// only the risk classes rules select; this rule sees the change itself.
    ///
    /// ## Example
    /// ```yaml title="baseline/policy.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// fail_closed:
    ///   enabled: true
    ///   risk_classes: [critical, high]
    ///   required_fields: [targets, arg_provenance]
    /// rules:
    ///   - name: allow-reads
    ///     effect: allow
    ///     match:
    ///       tool_names: [tool.read]
    /// ```
    ///
    /// ```yaml title="policy.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// fail_closed:
    ///   enabled: false
    ///   risk_classes: [critical, high]
    ///   required_fields: [targets, arg_provenance]
    /// rules:
    ///   - name: allow-reads
    ///     effect: allow
    ///     match:
    ///       tool_names: [tool.read]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="baseline/policy.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// fail_closed:
    ///   enabled: true
    ///   risk_classes: [critical, high]
    ///   required_fields: [targets, arg_provenance]
    /// rules:
    ///   - name: allow-reads
    ///     effect: allow
    ///     match:
    ///       tool_names: [tool.read]
    /// ```
    ///
    /// ```yaml title="policy.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// fail_closed:
    ///   enabled: true
    ///   risk_classes: [critical, high]
    ///   required_fields: [targets, arg_provenance, endpoint_class]
    /// rules:
    ///   - name: allow-reads
    ///     effect: allow
    ///     match:
    ///       tool_names: [tool.read]
    /// ```
    pub struct GaitFailClosedRelaxed {
        id: "gait-fail-closed-relaxed",
        summary: "Gait fail-closed handling is disabled or narrowed against the baseline",
        severity: Error,
        since: "0.2.0",
        security_severity: "7.0",
        transition: true,
    }
}

impl Rule for GaitFailClosedRelaxed {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for Pair {
            file,
            candidate: policy,
            baseline: old,
        } in cx.gait_pairs()
        {
            let (before, after) = (&old.fail_closed, &policy.fail_closed);
            if !before.enabled {
                continue;
            }
            if !after.enabled {
                out.push(Self::META.finding(
                    files::gait_path(file, &["fail_closed", "enabled"]),
                    format!(
                        "fail-closed is disabled (baseline: enabled for risk classes {})",
                        listed(&before.risk_classes)
                    ),
                ));
                continue;
            }
            let lists = [
                (
                    "risk_classes",
                    &before.risk_classes,
                    &after.risk_classes,
                    "no longer covers risk",
                ),
                (
                    "required_fields",
                    &before.required_fields,
                    &after.required_fields,
                    "no longer requires",
                ),
                (
                    "required_high_risk_fields",
                    &before.required_high_risk_fields,
                    &after.required_high_risk_fields,
                    "no longer requires the high-risk",
                ),
            ];
            for (key, was, now, what) in lists {
                let dropped: Vec<String> = was
                    .iter()
                    .filter(|item| !now.contains(item))
                    .cloned()
                    .collect();
                if dropped.is_empty() {
                    continue;
                }
                let noun = if key == "risk_classes" {
                    " classes"
                } else {
                    " fields"
                };
                out.push(Self::META.finding(
                    files::gait_path(file, &["fail_closed", key]),
                    format!(
                        "fail-closed {what}{noun} {} (baseline `{key}`: {})",
                        listed(&dropped),
                        listed(was)
                    ),
                ));
            }
        }
    }
}

/// "`critical`, `high`", or "none".
fn listed(items: &[String]) -> String {
    if items.is_empty() {
        return "none".to_owned();
    }
    items
        .iter()
        .map(|item| format!("`{item}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
