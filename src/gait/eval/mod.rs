//! The Gait evaluator (gait-reference §3) as a pure function of a loaded policy, a normalised
//! intent and the options; the evaluation time is an input, never the clock.
//!
//! `select` decides which rules match (§3.5), `rule` what one matched rule says (§3.6),
//! `freeze` and `sandbox` the two per-rule checks with their own reports, `script` the
//! aggregation over script steps (§3.7) and `glob` Go's `path.Match`.

mod freeze;
mod glob;
mod rule;
mod sandbox;
mod script;
mod select;

use jiff::Timestamp;
use serde_json::{Value as Json, json};

use super::intent::Intent;
use super::killswitch::{KillSwitchDecision, KillSwitchState, KillSwitchStatus};
use super::policy::{Policy, RateLimit, Rule, Verdict, uniq_sort};
use super::wrkr::WrkrInventory;

pub use freeze::{FreezeDecision, FreezeStatus};
pub use glob::go_path_match;
pub use sandbox::{SandboxDecision, SandboxStatus};

use freeze::pick_freeze;
use rule::{RuleOutcome, evaluate_rule};
use sandbox::pick_sandbox;
use script::evaluate_script;
use select::rule_matches;

/// What the evaluator needs besides the policy and the intent.
#[derive(Clone, Copy, Debug)]
pub struct EvalOptions<'a> {
    /// "Now" for freeze windows, agent expiry and the kill switch.
    pub evaluation_time: Timestamp,
    /// A loaded kill-switch state (gate eval `--kill-switch-state`).
    pub kill_switch: Option<&'a KillSwitchState>,
    /// The kill-switch state was asked for but could not be loaded.
    pub kill_switch_unavailable: bool,
    /// A loaded Wrkr inventory (gate eval `--wrkr-inventory`): enriches `auth_context` of the
    /// single intent, or of each script step by the step's tool.
    pub wrkr: Option<&'a WrkrInventory>,
}

impl EvalOptions<'_> {
    pub fn at(evaluation_time: Timestamp) -> Self {
        EvalOptions {
            evaluation_time,
            kill_switch: None,
            kill_switch_unavailable: false,
            wrkr: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct StepVerdict {
    pub index: usize,
    pub tool_name: String,
    pub verdict: Verdict,
    pub reason_codes: Vec<String>,
    pub violations: Vec<String>,
    pub matched_rule: String,
}

impl StepVerdict {
    pub fn to_json(&self) -> Json {
        let mut map = serde_json::Map::new();
        map.insert("index".into(), json!(self.index));
        map.insert("tool_name".into(), json!(self.tool_name));
        map.insert("verdict".into(), json!(self.verdict.as_str()));
        if !self.reason_codes.is_empty() {
            map.insert("reason_codes".into(), json!(self.reason_codes));
        }
        if !self.violations.is_empty() {
            map.insert("violations".into(), json!(self.violations));
        }
        if !self.matched_rule.is_empty() {
            map.insert("matched_rule".into(), json!(self.matched_rule));
        }
        Json::Object(map)
    }
}

/// A script step's risk, and the script's composite risk (the highest of its steps').
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ScriptRisk {
    Low,
    Medium,
    High,
}

impl ScriptRisk {
    pub fn as_str(self) -> &'static str {
        match self {
            ScriptRisk::Low => "low",
            ScriptRisk::Medium => "medium",
            ScriptRisk::High => "high",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ScriptOutcome {
    pub step_count: usize,
    pub script_hash: String,
    pub composite_risk_class: ScriptRisk,
    pub step_verdicts: Vec<StepVerdict>,
}

/// The result of evaluating one intent against one policy.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Decision {
    pub verdict: Verdict,
    /// Uniq-sorted.
    pub reason_codes: Vec<String>,
    /// Uniq-sorted.
    pub violations: Vec<String>,
    /// The deciding tier's rule names, uniq-sorted and joined by `,`; empty on the default path.
    pub matched_rule: String,
    pub min_approvals: i64,
    pub require_distinct_approvers: bool,
    pub require_broker_credential: bool,
    pub broker_reference: String,
    pub broker_scopes: Vec<String>,
    pub require_delegation: bool,
    pub delegation_scopes: Vec<String>,
    pub rate_limit: RateLimit,
    pub destructive_budget: RateLimit,
    pub freeze_window: Option<FreezeDecision>,
    pub sandbox: Option<SandboxDecision>,
    pub script: Option<ScriptOutcome>,
    pub kill_switch: Option<KillSwitchDecision>,
    /// Fail-closed decided the verdict before any rule ran.
    pub fail_closed: bool,
    /// The Wrkr inventory had an entry for the intent's tool (or a script step's tool).
    pub wrkr_applied: bool,
}

/// Evaluates a normalised (and prepared) intent.
pub fn evaluate(policy: &Policy, intent: &Intent, options: &EvalOptions<'_>) -> Decision {
    let mut decision = evaluate_policy(policy, intent, options);
    if options.kill_switch_unavailable {
        return decision;
    }
    if let Some(state) = &options.kill_switch {
        let kill = state.decide(intent, options.evaluation_time);
        if kill.status == KillSwitchStatus::Active {
            decision.verdict = Verdict::Block;
            decision.reason_codes =
                uniq_sort(decision.reason_codes.iter().chain(kill.reason_codes.iter()));
            decision.violations = uniq_sort(
                decision
                    .violations
                    .iter()
                    .map(String::as_str)
                    .chain(["kill_switch_active"]),
            );
        }
        decision.kill_switch = Some(kill);
    }
    decision
}

fn evaluate_policy(policy: &Policy, intent: &Intent, options: &EvalOptions<'_>) -> Decision {
    if let Some(decision) = fail_closed(policy, intent) {
        return decision;
    }
    if options.kill_switch_unavailable {
        let risk = intent.context.get("risk_class");
        if risk == "high" || risk == "critical" {
            return Decision {
                verdict: Verdict::Block,
                reason_codes: vec!["kill_switch_state_unavailable".into()],
                violations: vec!["kill_switch_state_unavailable".into()],
                kill_switch: Some(KillSwitchDecision::unavailable()),
                ..Decision::default()
            };
        }
    }
    match (&intent.script, &options.wrkr) {
        (Some(steps), _) => evaluate_script(policy, intent, steps, options),
        (None, Some(wrkr)) => {
            let mut enriched = intent.clone();
            let applied = wrkr.apply(&mut enriched, &intent.tool_name);
            let mut decision = evaluate_single(policy, &enriched, options);
            decision.wrkr_applied = applied;
            decision
        }
        (None, None) => evaluate_single(policy, intent, options),
    }
}

// ---------------------------------------------------------------------------------------------
// Fail-closed (§3.3).

fn fail_closed(policy: &Policy, intent: &Intent) -> Option<Decision> {
    let config = &policy.fail_closed;
    let risk = intent.context.get("risk_class");
    if !config.enabled || !config.risk_classes.iter().any(|class| class == risk) {
        return None;
    }
    let mut reasons: Vec<String> = Vec::new();
    let mut violations: Vec<String> = Vec::new();
    let unknown_class = intent
        .targets
        .iter()
        .any(|target| target.endpoint_class.is_empty() || target.endpoint_class == "other");
    for field in &config.required_fields {
        let missing = match field.as_str() {
            "targets" => intent.targets.is_empty(),
            "arg_provenance" => intent.arg_provenance.is_empty(),
            "endpoint_class" => unknown_class,
            "delegation" => intent.delegation.is_none(),
            "context_evidence" => intent.context.get("context_set_digest").is_empty(),
            _ => false,
        };
        if !missing {
            continue;
        }
        if field == "context_evidence" {
            reasons.push("context_evidence_missing".into());
            violations.push("missing_context_evidence".into());
        } else {
            reasons.push(format!("fail_closed_missing_{field}"));
            violations.push(format!("missing_{field}"));
        }
    }
    for field in &config.required_high_risk_fields {
        let missing = match field.as_str() {
            "agent_identity" => intent.context.agent_identity.is_none(),
            "credential_ttl_seconds" => intent.context.credential_ttl_seconds <= 0,
            other => intent.context.get(other).is_empty(),
        };
        if missing {
            reasons.push(format!("fail_closed_missing_{field}"));
            violations.push(format!("missing_{field}"));
        }
    }
    if unknown_class {
        reasons.push("fail_closed_endpoint_class_unknown".into());
        violations.push("endpoint_class_unknown".into());
    }
    if reasons.is_empty() {
        return None;
    }
    Some(Decision {
        verdict: Verdict::Block,
        reason_codes: uniq_sort(reasons),
        violations: uniq_sort(violations),
        fail_closed: true,
        ..Decision::default()
    })
}

// ---------------------------------------------------------------------------------------------
// Single intent (§3.4).

pub(super) fn evaluate_single(
    policy: &Policy,
    intent: &Intent,
    options: &EvalOptions<'_>,
) -> Decision {
    let mut tier: Vec<&Rule> = Vec::new();
    for rule in &policy.rules {
        if let Some(first) = tier.first()
            && first.priority != rule.priority
        {
            // The tier is fixed by the first match; a different priority ends it only if it
            // matches too, and any later rule has a priority at least as large.
            break;
        }
        if rule_matches(rule, intent) {
            tier.push(rule);
        }
    }
    if tier.is_empty() {
        let verdict = policy.default_verdict;
        return Decision {
            verdict,
            reason_codes: vec![format!("default_{}", verdict.as_str())],
            min_approvals: i64::from(verdict == Verdict::RequireApproval),
            ..Decision::default()
        };
    }
    let outcomes: Vec<RuleOutcome<'_>> = tier
        .iter()
        .map(|rule| evaluate_rule(rule, intent, options))
        .collect();
    let verdict = outcomes.iter().fold(Verdict::Allow, |acc, outcome| {
        acc.most_restrictive(outcome.effect)
    });
    let winners: Vec<&RuleOutcome<'_>> = outcomes
        .iter()
        .filter(|outcome| outcome.effect == verdict)
        .collect();
    let winning_rules = || winners.iter().filter_map(|outcome| outcome.rule);
    let mut decision = Decision {
        verdict,
        reason_codes: uniq_sort(winners.iter().flat_map(|outcome| outcome.reasons.iter())),
        violations: uniq_sort(winners.iter().flat_map(|outcome| outcome.violations.iter())),
        matched_rule: uniq_sort(tier.iter().map(|rule| rule.name.as_str())).join(","),
        ..Decision::default()
    };
    if verdict == Verdict::RequireApproval {
        decision.min_approvals = winners
            .iter()
            .map(|outcome| outcome.min_approvals)
            .max()
            .unwrap_or(0);
    }
    decision.require_distinct_approvers =
        winning_rules().any(|rule| rule.require_distinct_approvers);
    decision.require_broker_credential = winning_rules().any(|rule| rule.require_broker_credential);
    decision.require_delegation = winning_rules().any(|rule| rule.matcher.require_delegation);
    decision.delegation_scopes =
        uniq_sort(winning_rules().flat_map(|rule| rule.matcher.delegation_scopes.iter()));
    decision.broker_scopes = uniq_sort(winning_rules().flat_map(|rule| rule.broker_scopes.iter()));
    decision.broker_reference =
        uniq_sort(winning_rules().map(|rule| rule.broker_reference.as_str())).join(",");
    decision.rate_limit = strictest_limit(winning_rules().map(|rule| &rule.rate_limit));
    decision.destructive_budget =
        strictest_limit(winning_rules().map(|rule| &rule.destructive_budget));
    decision.freeze_window = pick_freeze(winners.iter().filter_map(|o| o.freeze.clone()));
    decision.sandbox = pick_sandbox(winners.iter().filter_map(|o| o.sandbox.clone()));
    decision
}

pub(super) fn strictest_limit<'a>(limits: impl Iterator<Item = &'a RateLimit>) -> RateLimit {
    let window_rank = |window: &str| u8::from(window != "minute");
    limits
        .filter(|limit| limit.requests > 0)
        .min_by(|a, b| {
            (a.requests, window_rank(&a.window), &a.scope).cmp(&(
                b.requests,
                window_rank(&b.window),
                &b.scope,
            ))
        })
        .cloned()
        .unwrap_or_default()
}
