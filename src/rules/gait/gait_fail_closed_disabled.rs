use crate::declare_rule;
use crate::gait::lint::rule_sites;
use crate::rules::{FileContext, Rule, Sink};
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Reports a Gait policy with rules for `high` or `critical` risk classes whose
    /// `fail_closed` is missing, disabled, or does not list those risk classes.
    ///
    /// ## Why is this bad?
    /// Without fail-closed, a high-risk intent that lacks the evidence the rules rely on
    /// (targets, argument provenance, endpoint class) is evaluated as if that evidence were
    /// benign, and the selectors that would have blocked it simply do not match. Gait's rollout
    /// guide requires fail-closed for high-risk and production profiles.
    ///
    /// ## Example
    /// ```yaml title=".gait.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules:
    ///   - name: approve-high-risk
    ///     effect: require_approval
    ///     match: {risk_classes: [high]}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title=".gait.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// fail_closed:
    ///   enabled: true
    ///   risk_classes: [critical, high]
    ///   required_fields: [targets, arg_provenance]
    /// rules:
    ///   - name: approve-high-risk
    ///     effect: require_approval
    ///     match: {risk_classes: [high]}
    /// ```
    pub struct GaitFailClosedDisabled {
        id: "gait-fail-closed-disabled",
        summary: "fail-closed is disabled or missing for high or critical risk classes",
        severity: Error,
        since: "0.1.0",
        security_severity: "7.0",
    }
}

const HIGH_RISK: [&str; 2] = ["critical", "high"];

impl Rule for GaitFailClosedDisabled {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        let (Some(policy), Some(root)) = (
            cx.gait_policy,
            cx.sections.first().map(|section| &section.node),
        ) else {
            return;
        };
        let fail_closed = &policy.fail_closed;
        let sites = rule_sites(Some(root), policy);
        let mut uncovered: Vec<&str> = Vec::new();
        let mut first_site = None;
        for site in &sites {
            for class in &site.rule.matcher.risk_classes {
                if !HIGH_RISK.contains(&class.as_str()) {
                    continue;
                }
                let covered = fail_closed.enabled && fail_closed.risk_classes.contains(class);
                if covered || uncovered.contains(&class.as_str()) {
                    continue;
                }
                uncovered.push(class);
                first_site.get_or_insert(*site);
            }
        }
        let Some(site) = first_site else {
            return;
        };
        let written = root.entry("fail_closed");
        let (span, pointer, state) = match written {
            Some(entry) if fail_closed.enabled => (
                root.get("fail_closed")
                    .and_then(|node| node.get("risk_classes"))
                    .map_or(entry.key.span, |node| node.span),
                "/fail_closed/risk_classes",
                "does not cover",
            ),
            Some(entry) => (
                entry
                    .value
                    .entry("enabled")
                    .map_or(entry.key.span, |enabled| enabled.value.span),
                "/fail_closed/enabled",
                "is disabled for",
            ),
            None => (
                root.as_map()
                    .and_then(|entries| entries.first())
                    .map_or(Span::default(), |entry| entry.key.span),
                "",
                "is missing for",
            ),
        };
        out.push(
            Self::META
                .finding(
                    cx.at(span, pointer),
                    format!(
                        "fail-closed {state} risk classes `{}` that rules gate",
                        uncovered.join("`, `")
                    ),
                )
                .with_related(
                    cx.at(site.span_of("match/risk_classes"), site.pointer("match/risk_classes")),
                    format!("rule `{}` gates these risk classes", site.rule.name),
                )
                .with_help("set `fail_closed: {enabled: true, risk_classes: [critical, high], required_fields: [targets, arg_provenance]}`"),
        );
    }
}
