use crate::declare_rule;
use std::collections::HashMap;

use crate::gait::lint::{ToolIndex, may_both_match, rule_sites};
use crate::gait::policy::Match;
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports two Gait rules with the same `priority` and different effects that can match the
    /// same intent. Two rules can only be told apart when a single-valued selector (tool name,
    /// risk class, identity, workspace, Wrkr context, skill) has disjoint values; selectors on
    /// targets or provenance can be satisfied by different entries of one intent.
    ///
    /// ## Why is this bad?
    /// Gait evaluates the whole tier and keeps the most restrictive effect: the less restrictive
    /// rule's reason codes and violations are dropped, whatever the file order or the names.
    /// Gait's authoring guide asks for a strictly lower priority when one rule must win, and for
    /// an overlap fixture otherwise.
    ///
    /// ## Example
    /// ```yaml title=".gait.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules:
    ///   - name: allow-write
    ///     priority: 10
    ///     effect: allow
    ///     match: {tool_names: [tool.write]}
    ///   - name: approve-high-risk
    ///     priority: 10
    ///     effect: require_approval
    ///     match: {risk_classes: [high]}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title=".gait.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules:
    ///   - name: approve-high-risk
    ///     priority: 5
    ///     effect: require_approval
    ///     match: {risk_classes: [high]}
    ///   - name: allow-write
    ///     priority: 10
    ///     effect: allow
    ///     match: {tool_names: [tool.write]}
    /// ```
    pub struct GaitEqualPriorityConflict {
        id: "gait-equal-priority-conflict",
        summary: "rules of equal priority with conflicting effects can match the same intent",
        severity: Warning,
        since: "0.1.0",
    }
}

impl Rule for GaitEqualPriorityConflict {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        let (Some(policy), Some(root)) = (
            cx.gait_policy,
            cx.sections.first().map(|section| &section.node),
        ) else {
            return;
        };
        let sites = rule_sites(Some(root), policy);
        // The rules of each priority, indexed by the tools they select.
        let mut tiers: HashMap<i64, Vec<(usize, &Match)>> = HashMap::new();
        for (position, site) in sites.iter().enumerate() {
            tiers
                .entry(site.rule.priority)
                .or_default()
                .push((position, &site.rule.matcher));
        }
        let tiers: HashMap<i64, ToolIndex> = tiers
            .into_iter()
            .map(|(priority, rules)| (priority, ToolIndex::new(rules)))
            .collect();
        for (position, weaker) in sites.iter().enumerate() {
            // One finding per weaker rule, pointing at the first stricter rule it meets.
            let candidates = tiers
                .get(&weaker.rule.priority)
                .map(|tier| tier.may_meet(&weaker.rule.matcher))
                .unwrap_or_default();
            let Some(stricter) = candidates.into_iter().find_map(|other| {
                let site = sites.get(other)?;
                (other != position
                    && site.rule.effect > weaker.rule.effect
                    && may_both_match(&site.rule.matcher, &weaker.rule.matcher))
                .then_some(site)
            }) else {
                continue;
            };
            out.push(
                Self::META
                    .finding(
                        cx.at(weaker.span_of("effect"), weaker.pointer("effect")),
                        format!(
                            "`{}` ({}) and `{}` ({}) share priority {} and can match the same intent: the verdict is then `{}` and `{}`'s reason codes are dropped",
                            weaker.rule.name,
                            weaker.rule.effect,
                            stricter.rule.name,
                            stricter.rule.effect,
                            weaker.rule.priority,
                            stricter.rule.effect,
                            weaker.rule.name
                        ),
                    )
                    .with_related(
                        cx.at(stricter.span_of("effect"), stricter.pointer("effect")),
                        format!("`{}` wins with `{}`", stricter.rule.name, stricter.rule.effect),
                    )
                    .with_help("give the rule that must win a strictly lower priority, or make the selectors disjoint"),
            );
        }
    }
}
