use crate::declare_rule;
use std::collections::HashMap;

use crate::gait::lint::{RuleSite, rule_sites};
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports Gait rules that share a `name` (Gait does not reject duplicates).
    ///
    /// ## Why is this bad?
    /// `matched_rule`, reason codes (`matched_rule_<name>`) and broker receipt checks identify
    /// rules by name, so a decision cannot be traced to the rule that made it, and same-named
    /// rules of equal priority are ordered by Go's unstable sort.
    ///
    /// ## Example
    /// ```yaml title=".gait.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules:
    ///   - name: writes
    ///     priority: 10
    ///     effect: require_approval
    ///     match: {tool_names: [tool.write]}
    ///   - name: writes
    ///     priority: 20
    ///     effect: allow
    ///     match: {tool_names: [tool.append]}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title=".gait.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules:
    ///   - name: approve-writes
    ///     priority: 10
    ///     effect: require_approval
    ///     match: {tool_names: [tool.write]}
    ///   - name: allow-appends
    ///     priority: 20
    ///     effect: allow
    ///     match: {tool_names: [tool.append]}
    /// ```
    pub struct GaitDuplicateRuleName {
        id: "gait-duplicate-rule-name",
        summary: "two Gait rules share a name",
        severity: Warning,
        since: "0.1.0",
    }
}

impl Rule for GaitDuplicateRuleName {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        let (Some(policy), Some(root)) = (
            cx.gait_policy,
            cx.sections.first().map(|section| &section.node),
        ) else {
            return;
        };
        let mut sites = rule_sites(Some(root), policy);
        sites.sort_by_key(|site| site.index);
        let mut first_by_name: HashMap<&str, &RuleSite> = HashMap::new();
        for later in &sites {
            let first = *first_by_name
                .entry(later.rule.name.as_str())
                .or_insert(later);
            if std::ptr::eq(first, later) {
                continue;
            }
            out.push(
                Self::META
                    .finding(
                        cx.at(later.name_span(), later.pointer("name")),
                        format!("rule name `{}` is already used", later.rule.name),
                    )
                    .with_related(
                        cx.at(first.name_span(), first.pointer("name")),
                        "first used here",
                    )
                    .with_help("give every rule a unique name"),
            );
        }
    }
}
