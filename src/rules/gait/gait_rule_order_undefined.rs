use crate::declare_rule;
use std::collections::HashMap;

use crate::gait::lint::{RuleSite, rule_sites};
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports two different Gait rules with the same `priority` and the same `name`. Gait sorts
    /// rules by `(priority, name)` with Go's unstable `sort.Slice`, so their relative order is
    /// implementation-defined.
    ///
    /// ## Why is this bad?
    /// The policy digest hashes the rules in sorted order: it can change between Gait builds
    /// or runs, invalidating approval tokens and approved-script entries bound to it, and the
    /// two rules cannot be told apart in `matched_rule`.
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
    ///     priority: 10
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
    ///     priority: 10
    ///     effect: allow
    ///     match: {tool_names: [tool.append]}
    /// ```
    pub struct GaitRuleOrderUndefined {
        id: "gait-rule-order-undefined",
        summary: "rules with identical priority and name have an implementation-defined order",
        severity: Warning,
        since: "0.1.0",
    }
}

impl Rule for GaitRuleOrderUndefined {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        let (Some(policy), Some(root)) = (
            cx.gait_policy,
            cx.sections.first().map(|section| &section.node),
        ) else {
            return;
        };
        let mut sites = rule_sites(Some(root), policy);
        sites.sort_by_key(|site| site.index);
        let same_content = |a: &crate::gait::policy::Rule, b: &crate::gait::policy::Rule| {
            let mut a = a.clone();
            a.span = b.span;
            a == *b
        };
        // For each name and priority, the first rule and the first whose content differs from
        // it: the first earlier rule that differs from a later one is always one of the two.
        let mut firsts: HashMap<(&str, i64), (&RuleSite, Option<&RuleSite>)> = HashMap::new();
        for later in &sites {
            let key = (later.rule.name.as_str(), later.rule.priority);
            let Some((first, second)) = firsts.get_mut(&key) else {
                firsts.insert(key, (later, None));
                continue;
            };
            let differing = if same_content(first.rule, later.rule) {
                *second
            } else {
                if second.is_none() {
                    *second = Some(later);
                }
                Some(*first)
            };
            let Some(first) = differing else {
                continue;
            };
            out.push(
                Self::META
                    .finding(
                        cx.at(later.name_span(), later.pointer("name")),
                        format!(
                            "rules `{}` at priority {} differ but sort equal: Gait's order for them, and so the policy digest, is implementation-defined",
                            later.rule.name, later.rule.priority
                        ),
                    )
                    .with_related(cx.at(first.name_span(), first.pointer("name")), "the other rule")
                    .with_help("rename one of the rules"),
            );
        }
    }
}
