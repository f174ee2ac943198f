use crate::declare_rule;
use crate::finding::{Finding, Severity};
use crate::gait::lint::{ToolIndex, covers, rule_sites};
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a Gait rule that can never take part in a decision because a rule with a
    /// strictly lower `priority` matches every intent it matches. Gait evaluates only the first
    /// priority tier that has a matching rule, so the later rule is dead. The check follows
    /// Gait's selector semantics exactly (an empty `match` matches everything; each selector of
    /// the earlier rule must admit every value the later rule admits), so a reported rule really
    /// is unreachable. Rules of the same priority never shadow each other (the whole tier is
    /// evaluated). It is an error when the dead rule is stricter than the rule that wins.
    ///
    /// ## Why is this bad?
    /// The author believes the later rule applies: a `block` or `require_approval` written
    /// after a broader `allow` never fires.
    ///
    /// ## Example
    /// ```yaml title=".gait.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules:
    ///   - name: allow-writes
    ///     priority: 10
    ///     effect: allow
    ///     match:
    ///       tool_names: [tool.write]
    ///   - name: approve-prod-writes
    ///     priority: 20
    ///     effect: require_approval
    ///     match:
    ///       tool_names: [tool.write]
    ///       risk_classes: [high]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title=".gait.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules:
    ///   - name: approve-prod-writes
    ///     priority: 10
    ///     effect: require_approval
    ///     match:
    ///       tool_names: [tool.write]
    ///       risk_classes: [high]
    ///   - name: allow-writes
    ///     priority: 20
    ///     effect: allow
    ///     match:
    ///       tool_names: [tool.write]
    /// ```
    pub struct GaitShadowedRule {
        id: "gait-shadowed-rule",
        summary: "rule can never match because an earlier priority tier always matches first",
        severity: Error,
        since: "0.1.0",
        security_severity: "6.0",
    }
}

impl Rule for GaitShadowedRule {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        let (Some(policy), Some(root)) = (
            cx.gait_policy,
            cx.sections.first().map(|section| &section.node),
        ) else {
            return;
        };
        let sites = rule_sites(Some(root), policy);
        let tools = ToolIndex::new(
            sites
                .iter()
                .enumerate()
                .map(|(position, site)| (position, &site.rule.matcher)),
        );
        for later in &sites {
            let Some(earlier) = tools
                .may_cover(&later.rule.matcher)
                .into_iter()
                .filter_map(|position| sites.get(position))
                .find(|earlier| {
                    earlier.rule.priority < later.rule.priority
                        && covers(&earlier.rule.matcher, &later.rule.matcher)
                })
            else {
                continue;
            };
            let severity = if later.rule.effect > earlier.rule.effect {
                Severity::Error
            } else {
                Severity::Warning
            };
            out.push(
                Finding::new(
                    Self::META.id,
                    severity,
                    cx.at(later.name_span(), later.pointer("name")),
                    format!(
                        "rule `{}` (priority {}) can never match: `{}` (priority {}) matches every intent it matches and its tier is evaluated first",
                        later.rule.name, later.rule.priority, earlier.rule.name, earlier.rule.priority
                    ),
                )
                .with_related(
                    cx.at(earlier.name_span(), earlier.pointer("name")),
                    format!("`{}` always wins with `{}`", earlier.rule.name, earlier.rule.effect),
                )
                .with_help("give the narrower rule a strictly lower priority, or remove it"),
            );
        }
    }
}
