//! Scripts (gait-reference §3.7): every step evaluated as a single intent, then aggregated.

use super::{
    Decision, EvalOptions, ScriptOutcome, ScriptRisk, StepVerdict, evaluate_single, strictest_limit,
};
use crate::gait::destructive;
use crate::gait::intent::{Intent, Step};
use crate::gait::policy::{Policy, Verdict, uniq_sort};

fn step_risk(step: &Step) -> ScriptRisk {
    let classes = |list: &[&str]| {
        step.targets
            .iter()
            .any(|target| list.contains(&target.endpoint_class.as_str()))
    };
    if classes(destructive::CLASSES) || destructive::any_target(&step.targets) {
        ScriptRisk::High
    } else if classes(&["fs.write", "net.http", "net.dns"]) {
        ScriptRisk::Medium
    } else {
        ScriptRisk::Low
    }
}

pub(super) fn evaluate_script(
    policy: &Policy,
    intent: &Intent,
    steps: &[Step],
    options: &EvalOptions<'_>,
) -> Decision {
    let mut decision = Decision::default();
    let mut step_verdicts = Vec::new();
    let mut matched = Vec::new();
    let mut reasons = Vec::new();
    let mut violations = Vec::new();
    let mut limits = Vec::new();
    let mut budgets = Vec::new();
    for (index, step) in steps.iter().enumerate() {
        let mut step_intent = Intent {
            tool_name: step.tool_name.clone(),
            args: step.args.clone(),
            targets: step.targets.clone(),
            arg_provenance: step.arg_provenance.clone(),
            script: None,
            ..intent.clone()
        };
        if let Some(wrkr) = &options.wrkr {
            decision.wrkr_applied |= wrkr.apply(&mut step_intent, &step.tool_name);
        }
        let outcome = evaluate_single(policy, &step_intent, options);
        decision.verdict = decision.verdict.most_restrictive(outcome.verdict);
        reasons.extend(outcome.reason_codes.iter().cloned());
        violations.extend(outcome.violations.iter().cloned());
        if !outcome.matched_rule.is_empty() {
            matched.push(outcome.matched_rule.clone());
        }
        decision.min_approvals = decision.min_approvals.max(outcome.min_approvals);
        decision.require_distinct_approvers |= outcome.require_distinct_approvers;
        decision.require_broker_credential |= outcome.require_broker_credential;
        decision.require_delegation |= outcome.require_delegation;
        decision
            .delegation_scopes
            .extend(outcome.delegation_scopes.iter().cloned());
        decision
            .broker_scopes
            .extend(outcome.broker_scopes.iter().cloned());
        if decision.broker_reference.is_empty() {
            decision.broker_reference = outcome.broker_reference.clone();
        }
        limits.push(outcome.rate_limit.clone());
        budgets.push(outcome.destructive_budget.clone());
        if decision.freeze_window.is_none() {
            decision.freeze_window = outcome.freeze_window.clone();
        }
        if decision.sandbox.is_none() {
            decision.sandbox = outcome.sandbox.clone();
        }
        step_verdicts.push(StepVerdict {
            index,
            tool_name: step.tool_name.clone(),
            verdict: outcome.verdict,
            reason_codes: outcome.reason_codes,
            violations: outcome.violations,
            matched_rule: outcome.matched_rule,
        });
    }
    decision.rate_limit = strictest_limit(limits.iter());
    decision.destructive_budget = strictest_limit(budgets.iter());
    decision.delegation_scopes = uniq_sort(&decision.delegation_scopes);
    decision.broker_scopes = uniq_sort(&decision.broker_scopes);
    decision.matched_rule = uniq_sort(&matched).join(",");

    let risks: Vec<ScriptRisk> = steps.iter().map(step_risk).collect();
    let composite = risks.iter().copied().max().unwrap_or(ScriptRisk::Low);
    let count = steps.len();
    let max_steps = if policy.scripts.max_steps > 0 {
        usize::try_from(policy.scripts.max_steps).unwrap_or(usize::MAX)
    } else {
        crate::gait::intent::MAX_SCRIPT_STEPS
    };
    if count > max_steps {
        decision.verdict = Verdict::Block;
        reasons.push("script_max_steps_exceeded".into());
        violations.push("script_max_steps_exceeded".into());
    }
    let above = usize::try_from(policy.scripts.require_approval_above).unwrap_or(0);
    if above > 0 && count > above {
        decision.verdict = decision.verdict.most_restrictive(Verdict::RequireApproval);
        reasons.push("script_step_threshold_approval".into());
        decision.min_approvals = decision.min_approvals.max(1);
    }
    let mut distinct = risks.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if policy.scripts.block_mixed_risk && distinct.len() > 1 {
        decision.verdict = Verdict::Block;
        reasons.push("script_mixed_risk_blocked".into());
        violations.push("script_mixed_risk".into());
    }
    if decision.verdict != Verdict::RequireApproval {
        decision.min_approvals = 0;
    }
    decision.reason_codes = uniq_sort(reasons);
    decision.violations = uniq_sort(violations);
    decision.script = Some(ScriptOutcome {
        step_count: count,
        script_hash: intent.script_hash(),
        composite_risk_class: composite,
        step_verdicts,
    });
    decision
}
