//! The Gait evaluator (gait-reference §3) as a pure function of a loaded policy, a normalised
//! intent and the options; the evaluation time is an input, never the clock.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use serde_json::{Value as Json, json};

use super::intent::{Intent, Step, Target};
use super::killswitch::{KillSwitchDecision, KillSwitchState};
use super::policy::{FreezeWindow, Policy, RateLimit, Rule, Sandbox, Verdict, uniq_sort};
use super::time::GoTime;
use super::wrkr::WrkrInventory;

/// What the evaluator needs besides the policy and the intent.
#[derive(Clone, Debug)]
pub struct EvalOptions {
    /// "Now" for freeze windows, agent expiry and the kill switch.
    pub evaluation_time: Timestamp,
    /// A loaded kill-switch state (gate eval `--kill-switch-state`).
    pub kill_switch: Option<KillSwitchState>,
    /// The kill-switch state was asked for but could not be loaded.
    pub kill_switch_unavailable: bool,
    /// A loaded Wrkr inventory (gate eval `--wrkr-inventory`): enriches `auth_context` of the
    /// single intent, or of each script step by the step's tool.
    pub wrkr: Option<WrkrInventory>,
}

impl EvalOptions {
    pub fn at(evaluation_time: Timestamp) -> Self {
        EvalOptions {
            evaluation_time,
            kill_switch: None,
            kill_switch_unavailable: false,
            wrkr: None,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct FreezeDecision {
    pub status: &'static str,
    pub effect: String,
    pub timezone: String,
    pub evaluated_at: String,
    pub window_name: String,
    pub window_start: String,
    pub window_end: String,
    pub reason: String,
    pub reason_code: String,
}

impl FreezeDecision {
    fn rank(&self) -> u8 {
        match self.status {
            "invalid" => 3,
            "active" => 2,
            _ => 1,
        }
    }

    pub fn to_json(&self) -> Json {
        let mut map = serde_json::Map::new();
        let mut put = |key: &str, value: &str| {
            if !value.is_empty() {
                map.insert(key.to_owned(), json!(value));
            }
        };
        put("status", self.status);
        put("effect", &self.effect);
        put("timezone", &self.timezone);
        put("evaluated_at", &self.evaluated_at);
        put("window_name", &self.window_name);
        put("window_start", &self.window_start);
        put("window_end", &self.window_end);
        put("reason", &self.reason);
        put("reason_code", &self.reason_code);
        Json::Object(map)
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SandboxDecision {
    pub status: &'static str,
    pub network_mode: String,
    pub env_exposure_mode: String,
    pub timeout_seconds: i64,
    pub filesystem_isolation: String,
    pub user_mode: String,
    pub evidence_ref: String,
    pub evidence_digest: String,
    pub reason_codes: Vec<String>,
}

impl SandboxDecision {
    fn rank(&self) -> u8 {
        match self.status {
            "missing" => 4,
            "disallowed" => 3,
            "invalid" => 2,
            _ => 1,
        }
    }

    pub fn to_json(&self) -> Json {
        let mut map = serde_json::Map::new();
        for (key, value) in [
            ("status", self.status),
            ("network_mode", self.network_mode.as_str()),
            ("env_exposure_mode", self.env_exposure_mode.as_str()),
            ("filesystem_isolation", self.filesystem_isolation.as_str()),
            ("user_mode", self.user_mode.as_str()),
            ("evidence_ref", self.evidence_ref.as_str()),
            ("evidence_digest", self.evidence_digest.as_str()),
        ] {
            if !value.is_empty() {
                map.insert(key.to_owned(), json!(value));
            }
        }
        if self.timeout_seconds > 0 {
            map.insert("timeout_seconds".into(), json!(self.timeout_seconds));
        }
        if !self.reason_codes.is_empty() {
            map.insert("reason_codes".into(), json!(self.reason_codes));
        }
        Json::Object(map)
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

#[derive(Clone, Debug, PartialEq)]
pub struct ScriptOutcome {
    pub step_count: usize,
    pub script_hash: String,
    pub composite_risk_class: &'static str,
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
pub fn evaluate(policy: &Policy, intent: &Intent, options: &EvalOptions) -> Decision {
    let mut decision = evaluate_policy(policy, intent, options);
    if options.kill_switch_unavailable {
        return decision;
    }
    if let Some(state) = &options.kill_switch {
        let kill = state.decide(intent, options.evaluation_time);
        if kill.status == "active" {
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

fn evaluate_policy(policy: &Policy, intent: &Intent, options: &EvalOptions) -> Decision {
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

#[derive(Clone, Debug, Default)]
struct RuleOutcome<'a> {
    rule: Option<&'a Rule>,
    effect: Verdict,
    reasons: Vec<String>,
    violations: Vec<String>,
    min_approvals: i64,
    freeze: Option<FreezeDecision>,
    sandbox: Option<SandboxDecision>,
}

fn evaluate_single(policy: &Policy, intent: &Intent, options: &EvalOptions) -> Decision {
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

fn strictest_limit<'a>(limits: impl Iterator<Item = &'a RateLimit>) -> RateLimit {
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

fn pick_freeze(decisions: impl Iterator<Item = FreezeDecision>) -> Option<FreezeDecision> {
    let effect_rank = |effect: &str| u8::from(effect == "block");
    decisions.reduce(|best, next| {
        let better = (next.rank(), effect_rank(&next.effect))
            .cmp(&(best.rank(), effect_rank(&best.effect)))
            .then_with(|| best.window_name.cmp(&next.window_name));
        if better.is_gt() { next } else { best }
    })
}

fn pick_sandbox(decisions: impl Iterator<Item = SandboxDecision>) -> Option<SandboxDecision> {
    decisions.reduce(|best, next| {
        let better = next
            .rank()
            .cmp(&best.rank())
            .then_with(|| best.evidence_digest.cmp(&next.evidence_digest));
        if better.is_gt() { next } else { best }
    })
}

// ---------------------------------------------------------------------------------------------
// Selectors (§3.5).

fn in_list(list: &[String], value: &str) -> bool {
    list.iter().any(|item| item == value)
}

fn some_target(intent: &Intent, list: &[String], field: impl Fn(&Target) -> &str) -> bool {
    list.is_empty()
        || intent
            .targets
            .iter()
            .any(|target| in_list(list, field(target)))
}

fn auth_value(intent: &Intent, key: &str) -> Option<String> {
    let value = intent.context.auth_context.as_ref()?.get(key)?.as_str()?;
    let value = value.trim().to_lowercase();
    (!value.is_empty()).then_some(value)
}

pub fn rule_matches(rule: &Rule, intent: &Intent) -> bool {
    let m = &rule.matcher;
    let context = &intent.context;
    if !m.tool_names.is_empty() && !in_list(&m.tool_names, &intent.tool_name) {
        return false;
    }
    if !m.risk_classes.is_empty() && !in_list(&m.risk_classes, context.get("risk_class")) {
        return false;
    }
    if !m.identities.is_empty() && !in_list(&m.identities, context.get("identity")) {
        return false;
    }
    if !m.workspace_prefixes.is_empty()
        && !m
            .workspace_prefixes
            .iter()
            .any(|prefix| context.get("workspace").starts_with(prefix.as_str()))
    {
        return false;
    }
    for (list, key) in [
        (&m.context_tool_names, "wrkr.tool_name"),
        (&m.context_data_classes, "wrkr.data_class"),
        (&m.context_endpoint_classes, "wrkr.endpoint_class"),
        (&m.context_autonomy_levels, "wrkr.autonomy_level"),
    ] {
        if !list.is_empty() && !auth_value(intent, key).is_some_and(|value| in_list(list, &value)) {
            return false;
        }
    }
    let target_checks = [
        some_target(intent, &m.target_kinds, |t| &t.kind),
        some_target(intent, &m.target_values, |t| &t.value),
        some_target(intent, &m.endpoint_classes, |t| &t.endpoint_class),
        some_target(intent, &m.discovery_methods, |t| &t.discovery_method),
        some_target(intent, &m.data_classes, |t| &t.sensitivity),
        some_target(intent, &m.destination_kinds, |t| &t.kind),
        some_target(intent, &m.destination_values, |t| &t.value),
        some_target(intent, &m.destination_operations, |t| &t.operation),
    ];
    if target_checks.contains(&false) {
        return false;
    }
    let hints = &m.tool_annotations;
    for (wanted, get) in [
        (
            hints.read_only_hint,
            (|t: &Target| t.read_only_hint) as fn(&Target) -> bool,
        ),
        (hints.destructive_hint, |t: &Target| t.destructive_hint),
        (hints.idempotent_hint, |t: &Target| t.idempotent_hint),
        (hints.open_world_hint, |t: &Target| t.open_world_hint),
    ] {
        if let Some(wanted) = wanted
            && !intent.targets.iter().any(|target| get(target) == wanted)
        {
            return false;
        }
    }
    if !m.skill_publishers.is_empty() || !m.skill_sources.is_empty() {
        let Some(skill) = &intent.skill_provenance else {
            return false;
        };
        if !m.skill_publishers.is_empty()
            && !in_list(&m.skill_publishers, &skill.publisher.to_lowercase())
        {
            return false;
        }
        if !m.skill_sources.is_empty() && !in_list(&m.skill_sources, &skill.source.to_lowercase()) {
            return false;
        }
    }
    if !m.provenance_sources.is_empty()
        && !intent
            .arg_provenance
            .iter()
            .any(|entry| in_list(&m.provenance_sources, &entry.source))
    {
        return false;
    }
    if m.uses_delegation() {
        let Some(delegation) = &intent.delegation else {
            return false;
        };
        if let Some(depth) = m.max_delegation_depth
            && i64::try_from(delegation.chain.len()).unwrap_or(i64::MAX) > depth
        {
            return false;
        }
        if !m.allowed_delegator_identities.is_empty()
            && !delegation
                .chain
                .iter()
                .any(|link| in_list(&m.allowed_delegator_identities, &link.delegator_identity))
        {
            return false;
        }
        if !m.allowed_delegate_identities.is_empty()
            && !in_list(
                &m.allowed_delegate_identities,
                &delegation.requester_identity,
            )
            && !delegation
                .chain
                .iter()
                .any(|link| in_list(&m.allowed_delegate_identities, &link.delegate_identity))
        {
            return false;
        }
        if !m.delegation_scopes.is_empty()
            && !in_list(&m.delegation_scopes, &delegation.scope_class)
            && !delegation
                .chain
                .iter()
                .any(|link| in_list(&m.delegation_scopes, &link.scope_class))
        {
            return false;
        }
    }
    true
}

// ---------------------------------------------------------------------------------------------
// Per matched rule (§3.6).

/// `matched_rule_<name>` as Gait sanitises it (Go JSON string escaping, then `-`/space → `_`).
pub fn fallback_reason(name: &str) -> String {
    let mut encoded = String::new();
    for ch in name.chars() {
        match ch {
            '"' => encoded.push_str("\\\""),
            '\\' => encoded.push_str("\\\\"),
            '<' => encoded.push_str("\\u003c"),
            '>' => encoded.push_str("\\u003e"),
            '&' => encoded.push_str("\\u0026"),
            '\u{2028}' => encoded.push_str("\\u2028"),
            '\u{2029}' => encoded.push_str("\\u2029"),
            '\n' => encoded.push_str("\\n"),
            '\r' => encoded.push_str("\\r"),
            '\t' => encoded.push_str("\\t"),
            ch if u32::from(ch) < 0x20 => encoded.push_str(&format!("\\u{:04x}", u32::from(ch))),
            ch => encoded.push(ch),
        }
    }
    format!(
        "matched_rule_{}",
        encoded.replace([' ', '-'], "_").to_lowercase()
    )
}

fn evaluate_rule<'a>(rule: &'a Rule, intent: &Intent, options: &EvalOptions) -> RuleOutcome<'a> {
    let mut outcome = RuleOutcome {
        rule: Some(rule),
        effect: rule.effect,
        reasons: if rule.reason_codes.is_empty() {
            vec![fallback_reason(&rule.name)]
        } else {
            rule.reason_codes.clone()
        },
        violations: rule.violations.clone(),
        ..RuleOutcome::default()
    };
    apply_dataflow(rule, intent, &mut outcome);
    apply_endpoint(rule, intent, &mut outcome);
    apply_context_evidence(rule, intent, &mut outcome);
    apply_agent(rule, intent, options, &mut outcome);
    apply_credential(rule, intent, &mut outcome);
    if rule.freeze_window.enabled {
        let freeze = freeze_decision(&rule.freeze_window, intent, options.evaluation_time);
        if freeze.status == "active" || freeze.status == "invalid" {
            let effect = if freeze.status == "active" && freeze.effect == "require_approval" {
                Verdict::RequireApproval
            } else {
                Verdict::Block
            };
            outcome.effect = outcome.effect.most_restrictive(effect);
            outcome.reasons.push(freeze.reason_code.clone());
            outcome.violations.push(freeze.reason_code.clone());
        }
        outcome.freeze = Some(freeze);
    }
    if rule.sandbox.enabled {
        let sandbox = sandbox_decision(&rule.sandbox, intent);
        if !sandbox.reason_codes.is_empty() {
            outcome.effect = Verdict::Block;
            outcome.reasons.extend(sandbox.reason_codes.iter().cloned());
            outcome
                .violations
                .extend(sandbox.reason_codes.iter().cloned());
        }
        outcome.sandbox = Some(sandbox);
    }
    let sandbox_valid_exec = outcome
        .sandbox
        .as_ref()
        .is_some_and(|sandbox| sandbox.status == "valid")
        && !intent.targets.is_empty()
        && intent
            .targets
            .iter()
            .all(|target| target.endpoint_class == "proc.exec");
    let destructive = !sandbox_valid_exec && intent.targets.iter().any(|t| t.destructive);
    if destructive {
        if intent.context.get("phase") == "plan" {
            outcome.effect = outcome.effect.most_restrictive(Verdict::DryRun);
            outcome.reasons.push("plan_phase_non_destructive".into());
        } else {
            outcome.effect = outcome.effect.most_restrictive(Verdict::RequireApproval);
            outcome
                .reasons
                .push("destructive_apply_requires_approval".into());
        }
    }
    outcome.min_approvals = if rule.min_approvals == 0 && outcome.effect == Verdict::RequireApproval
    {
        1
    } else {
        rule.min_approvals
    };
    outcome
}

fn apply_dataflow(rule: &Rule, intent: &Intent, outcome: &mut RuleOutcome<'_>) {
    let dataflow = &rule.dataflow;
    if !dataflow.enabled {
        return;
    }
    let tainted = intent
        .arg_provenance
        .iter()
        .any(|entry| in_list(&dataflow.tainted_sources, &entry.source));
    if !tainted {
        return;
    }
    let no_lists = dataflow.destination_kinds.is_empty()
        && dataflow.destination_values.is_empty()
        && dataflow.destination_operations.is_empty();
    let destination = intent.targets.iter().any(|target| {
        if no_lists {
            return ["host", "url", "bucket", "queue", "topic"].contains(&target.kind.as_str());
        }
        (dataflow.destination_kinds.is_empty()
            || in_list(&dataflow.destination_kinds, &target.kind))
            && (dataflow.destination_values.is_empty()
                || in_list(&dataflow.destination_values, &target.value))
            && (dataflow.destination_operations.is_empty()
                || in_list(&dataflow.destination_operations, &target.operation))
    });
    if !destination {
        return;
    }
    // Gait replaces the effect here; it does not take the most restrictive one.
    outcome.effect = Verdict::parse(&dataflow.action).unwrap_or(Verdict::Block);
    outcome.reasons.push(dataflow.reason_code.clone());
    outcome.violations.push(dataflow.violation.clone());
}

fn apply_endpoint(rule: &Rule, intent: &Intent, outcome: &mut RuleOutcome<'_>) {
    let endpoint = &rule.endpoint;
    if !endpoint.enabled {
        return;
    }
    let mut codes: Vec<&'static str> = Vec::new();
    for target in &intent.targets {
        if target.kind == "path" {
            let value = target.value.replace('\\', "/");
            if endpoint
                .path_denylist
                .iter()
                .any(|pattern| path_pattern_matches(pattern, &value))
            {
                codes.push("endpoint_path_denied");
            } else if !endpoint.path_allowlist.is_empty()
                && !endpoint
                    .path_allowlist
                    .iter()
                    .any(|pattern| path_pattern_matches(pattern, &value))
            {
                codes.push("endpoint_path_not_allowlisted");
            }
        }
        if !target.endpoint_domain.is_empty() {
            let domain = target.endpoint_domain.to_lowercase();
            if endpoint
                .domain_denylist
                .iter()
                .any(|pattern| domain_pattern_matches(pattern, &domain))
            {
                codes.push("endpoint_domain_denied");
            } else if !endpoint.domain_allowlist.is_empty()
                && !endpoint
                    .domain_allowlist
                    .iter()
                    .any(|pattern| domain_pattern_matches(pattern, &domain))
            {
                codes.push("endpoint_domain_not_allowlisted");
            }
        }
        if target.endpoint_class.starts_with("net.")
            && !endpoint.egress_classes.is_empty()
            && !in_list(&endpoint.egress_classes, &target.endpoint_class)
        {
            codes.push("endpoint_egress_class_not_allowed");
        }
    }
    let mut reasons: Vec<String> = codes.iter().map(|code| (*code).to_owned()).collect();
    let mut violations = reasons.clone();
    let mut effect = Verdict::parse(&endpoint.action).unwrap_or(Verdict::Block);
    if !endpoint.destructive_action.is_empty() && intent.targets.iter().any(|t| t.destructive) {
        let destructive = Verdict::parse(&endpoint.destructive_action).unwrap_or(Verdict::Block);
        effect = effect.most_restrictive(destructive);
        reasons.push("endpoint_destructive_operation".into());
        violations.push("destructive_operation".into());
    }
    if reasons.is_empty() {
        return;
    }
    reasons.push(endpoint.reason_code.clone());
    violations.push(endpoint.violation.clone());
    outcome.effect = outcome.effect.most_restrictive(effect);
    outcome.reasons.extend(reasons);
    outcome.violations.extend(violations);
}

/// Endpoint path patterns: exact, `prefix/**`, else a Go `path.Match` glob.
pub fn path_pattern_matches(pattern: &str, value: &str) -> bool {
    if pattern == value {
        return true;
    }
    if let Some(prefix) = pattern.strip_suffix("/**") {
        return value == prefix || value.starts_with(&format!("{prefix}/"));
    }
    go_path_match(pattern, value).unwrap_or(false)
}

/// Endpoint domain patterns: exact, `*.suffix`, else a Go `path.Match` glob.
pub fn domain_pattern_matches(pattern: &str, value: &str) -> bool {
    let pattern = pattern.to_lowercase();
    if pattern == value {
        return true;
    }
    if let Some(suffix) = pattern.strip_prefix("*.")
        && !suffix.contains(['*', '?', '['])
    {
        return value.ends_with(&format!(".{suffix}"));
    }
    go_path_match(&pattern, value).unwrap_or(false)
}

/// Go's `path.Match`: `None` for a malformed pattern.
pub fn go_path_match(pattern: &str, name: &str) -> Option<bool> {
    let pattern: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    validate_pattern(&pattern)?;
    Some(match_from(&pattern, &name))
}

fn validate_pattern(pattern: &[char]) -> Option<()> {
    let mut index = 0;
    while let Some(&ch) = pattern.get(index) {
        match ch {
            '\\' => {
                pattern.get(index + 1)?;
                index += 2;
            }
            '[' => {
                let (_, next) = parse_class(pattern, index, None)?;
                index = next;
            }
            _ => index += 1,
        }
    }
    Some(())
}

/// Parses a `[...]` class at `start`; with `ch` given, also tells whether it matches.
fn parse_class(pattern: &[char], start: usize, ch: Option<char>) -> Option<(bool, usize)> {
    let mut index = start + 1;
    let negated = pattern.get(index) == Some(&'^');
    if negated {
        index += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let current = *pattern.get(index)?;
        if current == ']' && !first {
            index += 1;
            break;
        }
        first = false;
        let low = read_class_char(pattern, &mut index)?;
        let mut high = low;
        if pattern.get(index) == Some(&'-') && pattern.get(index + 1) != Some(&']') {
            index += 1;
            high = read_class_char(pattern, &mut index)?;
        } else if pattern.get(index) == Some(&'-') {
            return None;
        }
        if let Some(ch) = ch
            && low <= ch
            && ch <= high
        {
            matched = true;
        }
    }
    Some((matched != negated, index))
}

fn read_class_char(pattern: &[char], index: &mut usize) -> Option<char> {
    let mut ch = *pattern.get(*index)?;
    if ch == '-' || ch == ']' {
        return None;
    }
    if ch == '\\' {
        *index += 1;
        ch = *pattern.get(*index)?;
    }
    *index += 1;
    Some(ch)
}

fn match_from(pattern: &[char], name: &[char]) -> bool {
    let Some((&first, rest)) = pattern.split_first() else {
        return name.is_empty();
    };
    match first {
        '*' => {
            for split in 0..=name.len() {
                let (head, tail) = name.split_at(split);
                if head.contains(&'/') {
                    return false;
                }
                if match_from(rest, tail) {
                    return true;
                }
            }
            false
        }
        '?' => match name.split_first() {
            Some((&ch, tail)) if ch != '/' => match_from(rest, tail),
            _ => false,
        },
        '[' => {
            let Some((&ch, tail)) = name.split_first() else {
                return false;
            };
            if ch == '/' {
                return false;
            }
            match parse_class(pattern, 0, Some(ch)) {
                Some((true, next)) => match_from(pattern.get(next..).unwrap_or(&[]), tail),
                _ => false,
            }
        }
        '\\' => match (rest.split_first(), name.split_first()) {
            (Some((&literal, rest)), Some((&ch, tail))) if literal == ch => match_from(rest, tail),
            _ => false,
        },
        literal => match name.split_first() {
            Some((&ch, tail)) if ch == literal => match_from(rest, tail),
            _ => false,
        },
    }
}

fn apply_context_evidence(rule: &Rule, intent: &Intent, outcome: &mut RuleOutcome<'_>) {
    if !rule.has_context_constraints() {
        return;
    }
    let context = &intent.context;
    let mut reasons = Vec::new();
    let mut violations = Vec::new();
    if context.get("context_set_digest").is_empty() {
        reasons.extend(["context_evidence_missing", "context_set_digest_missing"]);
        violations.push("missing_context_evidence");
    }
    if rule.required_context_evidence_mode == "required"
        && context.get("context_evidence_mode") != "required"
    {
        reasons.push("context_evidence_mode_mismatch");
        violations.push("context_evidence_mode_violation");
    }
    if rule.max_context_age_seconds > 0 {
        let age = context
            .auth_context
            .as_ref()
            .and_then(|auth| auth.get("context_age_seconds"))
            .and_then(|value| match value {
                Json::Number(number) => number.as_f64(),
                Json::String(text) => text.trim().parse::<f64>().ok(),
                _ => None,
            });
        #[expect(clippy::cast_precision_loss, reason = "ages are far below 2^53")]
        let max = rule.max_context_age_seconds as f64;
        if !age.is_some_and(|age| age >= 0.0 && age <= max) {
            reasons.push("context_freshness_exceeded");
            violations.push("context_freshness_violation");
        }
    }
    if reasons.is_empty() {
        return;
    }
    outcome.effect = Verdict::Block;
    outcome
        .reasons
        .extend(reasons.into_iter().map(String::from));
    outcome
        .violations
        .extend(violations.into_iter().map(String::from));
}

fn apply_agent(rule: &Rule, intent: &Intent, options: &EvalOptions, outcome: &mut RuleOutcome<'_>) {
    if !rule.has_agent_constraints() {
        return;
    }
    let context = &intent.context;
    let agent_id = context.get("agent_id");
    let identity = context.agent_identity.as_ref();
    let mut found: Vec<(&str, &str)> = Vec::new();
    if rule.require_declared_agent && (agent_id.is_empty() || identity.is_none()) {
        found.push(("agent_unknown", "agent_identity_missing"));
    }
    if in_list(&rule.denied_agent_ids, agent_id) && !agent_id.is_empty() {
        found.push(("agent_revoked", "agent_revoked"));
    }
    if identity.is_some_and(|agent| agent.revoked) {
        found.push(("agent_revoked", "agent_revoked"));
    }
    if !rule.allowed_agent_ids.is_empty()
        && (agent_id.is_empty() || !in_list(&rule.allowed_agent_ids, agent_id))
    {
        found.push(("agent_unknown", "agent_not_declared"));
    }
    if rule.require_agent_owner && identity.is_none_or(|agent| agent.owner.is_empty()) {
        found.push(("agent_owner_missing", "agent_owner_missing"));
    }
    if !rule.required_agent_lifecycle_states.is_empty() {
        let states = identity
            .map(|agent| agent.lifecycle_states.as_slice())
            .unwrap_or(&[]);
        if !rule
            .required_agent_lifecycle_states
            .iter()
            .all(|state| in_list(states, state))
        {
            found.push((
                "agent_lifecycle_state_invalid",
                "agent_lifecycle_state_invalid",
            ));
        }
    }
    if rule.require_unexpired_agent {
        let expired = identity
            .and_then(|agent| agent.expires_at)
            .is_none_or(|expires| expires.timestamp <= options.evaluation_time);
        if expired {
            found.push(("agent_expired", "agent_expired"));
        }
    }
    let manifest_mismatch = (!rule.required_agent_manifest_digest.is_empty()
        && identity
            .is_none_or(|agent| agent.manifest_digest != rule.required_agent_manifest_digest))
        || (!rule.allowed_agent_manifest_publishers.is_empty()
            && identity.is_none_or(|agent| {
                !in_list(
                    &rule.allowed_agent_manifest_publishers,
                    &agent.publisher.to_lowercase(),
                )
            }))
        || (!rule.allowed_agent_manifest_sources.is_empty()
            && identity
                .is_none_or(|agent| !in_list(&rule.allowed_agent_manifest_sources, &agent.source)));
    if manifest_mismatch {
        found.push(("agent_manifest_mismatch", "agent_manifest_mismatch"));
    }
    if found.is_empty() {
        return;
    }
    outcome.effect = Verdict::Block;
    for (reason, violation) in found {
        outcome.reasons.push(reason.into());
        outcome.violations.push(violation.into());
    }
}

const STANDING_ACCESS_TYPES: &[&str] = &[
    "",
    "cloud_admin",
    "inherited",
    "standing",
    "static",
    "unknown",
];

fn apply_credential(rule: &Rule, intent: &Intent, outcome: &mut RuleOutcome<'_>) {
    if !rule.has_credential_constraints() {
        return;
    }
    let context = &intent.context;
    let source = context.get("credential_source");
    let access = context.get("credential_access_type");
    let issuer = context.get("credential_issuer");
    let mut codes: Vec<&'static str> = Vec::new();
    if context.get("credential_ref").is_empty() {
        codes.push("credential_evidence_missing");
    }
    if source.is_empty() {
        codes.push("credential_source_unknown");
    }
    if access.is_empty() {
        codes.push("credential_access_type_unknown");
    }
    if rule.require_jit_credential {
        if access.is_empty() {
            codes.push("credential_evidence_missing");
        } else if access != "jit" {
            codes.push("credential_not_jit");
        }
    }
    if rule.block_standing_credentials && STANDING_ACCESS_TYPES.contains(&access) {
        codes.push("standing_credential_disallowed");
    }
    if !rule.allowed_credential_sources.is_empty()
        && !in_list(&rule.allowed_credential_sources, source)
    {
        codes.push("credential_source_disallowed");
    }
    if !rule.allowed_credential_issuers.is_empty()
        && !in_list(&rule.allowed_credential_issuers, issuer)
    {
        codes.push("credential_issuer_disallowed");
    }
    if !rule.allowed_credential_access_types.is_empty()
        && !in_list(&rule.allowed_credential_access_types, access)
    {
        codes.push("credential_access_type_disallowed");
    }
    if rule.max_credential_ttl_seconds > 0 {
        if context.credential_ttl_seconds <= 0 {
            codes.push("credential_evidence_missing");
        } else if context.credential_ttl_seconds > rule.max_credential_ttl_seconds {
            codes.push("credential_ttl_exceeded");
        }
    }
    let target_binding = context.get("credential_target_binding");
    if !target_binding.is_empty() && target_binding != intent.target_binding_digest() {
        codes.push("credential_target_binding_mismatch");
    }
    for (binding, actual, code) in [
        (
            "credential_run_binding",
            "run_id",
            "credential_run_binding_mismatch",
        ),
        (
            "credential_job_binding",
            "job_id",
            "credential_job_binding_mismatch",
        ),
    ] {
        let bound = context.get(binding);
        let actual = context.get(actual);
        if !bound.is_empty() && !actual.is_empty() && bound != actual {
            codes.push(code);
        }
    }
    if codes.is_empty() {
        return;
    }
    outcome.effect = Verdict::Block;
    for code in codes {
        outcome.reasons.push(code.into());
        outcome.violations.push(code.into());
    }
}

/// Parses a freeze-window bound (`YYYY-MM-DDTHH:MM:SS`) in `zone`.
fn parse_window_time(text: &str, zone: &TimeZone) -> Option<Timestamp> {
    let bytes = text.as_bytes();
    if bytes.len() != 19 {
        return None;
    }
    let digit_positions = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
    if !digit_positions
        .iter()
        .all(|&index| bytes.get(index).is_some_and(u8::is_ascii_digit))
    {
        return None;
    }
    if bytes.get(4) != Some(&b'-')
        || bytes.get(7) != Some(&b'-')
        || bytes.get(10) != Some(&b'T')
        || bytes.get(13) != Some(&b':')
        || bytes.get(16) != Some(&b':')
    {
        return None;
    }
    let number = |range: std::ops::Range<usize>| text.get(range)?.parse::<i16>().ok();
    let civil = DateTime::new(
        number(0..4)?,
        i8::try_from(number(5..7)?).ok()?,
        i8::try_from(number(8..10)?).ok()?,
        i8::try_from(number(11..13)?).ok()?,
        i8::try_from(number(14..16)?).ok()?,
        i8::try_from(number(17..19)?).ok()?,
        0,
    )
    .ok()?;
    Some(civil.to_zoned(zone.clone()).ok()?.timestamp())
}

fn load_zone(name: &str) -> Option<TimeZone> {
    // Go's `Local` is the host's zone; an evaluation never depends on the host, so it is UTC.
    if name == "UTC" || name == "Local" {
        return Some(TimeZone::UTC);
    }
    TimeZone::get(name).ok()
}

fn freeze_decision(freeze: &FreezeWindow, intent: &Intent, now: Timestamp) -> FreezeDecision {
    let mut decision = FreezeDecision {
        status: "inactive",
        effect: freeze.effect.clone(),
        timezone: freeze.timezone.clone(),
        evaluated_at: GoTime::utc(now).format_rfc3339_nano(),
        ..FreezeDecision::default()
    };
    let environment = intent.context.get("environment").to_lowercase();
    if !freeze.environments.is_empty() && !in_list(&freeze.environments, &environment) {
        return decision;
    }
    if !freeze.risk_classes.is_empty()
        && !in_list(&freeze.risk_classes, intent.context.get("risk_class"))
    {
        return decision;
    }
    let Some(zone) = load_zone(&freeze.timezone) else {
        decision.status = "invalid";
        decision.reason_code = "freeze_window_invalid_timezone".into();
        return decision;
    };
    for window in &freeze.windows {
        let (Some(start), Some(end)) = (
            parse_window_time(&window.start, &zone),
            parse_window_time(&window.end, &zone),
        ) else {
            decision.status = "invalid";
            decision.reason_code = "freeze_window_invalid_window".into();
            decision.window_name = window.name.clone();
            return decision;
        };
        if end <= start {
            decision.status = "invalid";
            decision.reason_code = "freeze_window_invalid_window".into();
            decision.window_name = window.name.clone();
            return decision;
        }
        if start <= now && now < end {
            decision.status = "active";
            decision.window_name = window.name.clone();
            decision.window_start = GoTime::utc(start).format_rfc3339_nano();
            decision.window_end = GoTime::utc(end).format_rfc3339_nano();
            decision.reason = if freeze.reason.is_empty() {
                window.name.clone()
            } else {
                freeze.reason.clone()
            };
            decision.reason_code = if freeze.effect == "require_approval" {
                "freeze_window_active_require_approval".into()
            } else {
                "freeze_window_active_block".into()
            };
            return decision;
        }
    }
    decision
}

fn sandbox_decision(policy: &Sandbox, intent: &Intent) -> SandboxDecision {
    let Some(sandbox) = &intent.context.sandbox else {
        return SandboxDecision {
            status: "missing",
            reason_codes: vec!["sandbox_metadata_missing".into()],
            ..SandboxDecision::default()
        };
    };
    let mut codes: Vec<String> = Vec::new();
    if sandbox.evidence_ref.is_empty() || sandbox.evidence_digest.is_empty() {
        codes.push("sandbox_evidence_missing".into());
    }
    for (name, value, allowed) in [
        (
            "network_mode",
            &sandbox.network_mode,
            &policy.allowed_network_modes,
        ),
        (
            "env_exposure_mode",
            &sandbox.env_exposure_mode,
            &policy.allowed_env_exposure_modes,
        ),
        (
            "filesystem_isolation",
            &sandbox.filesystem_isolation,
            &policy.allowed_filesystem_isolations,
        ),
        ("user_mode", &sandbox.user_mode, &policy.allowed_user_modes),
    ] {
        if value.is_empty() {
            codes.push(format!("sandbox_{name}_missing"));
        } else if !allowed.is_empty() && !in_list(allowed, value) {
            codes.push(format!("sandbox_{name}_disallowed"));
        }
    }
    if sandbox.timeout_seconds <= 0 {
        codes.push("sandbox_timeout_missing".into());
    } else if policy.max_timeout_seconds > 0 && sandbox.timeout_seconds > policy.max_timeout_seconds
    {
        codes.push("sandbox_timeout_exceeded".into());
    }
    if let Some(prefixes) = &policy.allowed_writable_path_prefixes {
        let allowed = |path: &str| {
            prefixes.iter().any(|prefix| {
                path == prefix || prefix == "/" || path.starts_with(&format!("{prefix}/"))
            })
        };
        if sandbox.writable_paths.iter().any(|path| !allowed(path)) {
            codes.push("sandbox_writable_path_disallowed".into());
        }
    }
    if let Some(roots) = &policy.required_read_only_roots
        && !roots
            .iter()
            .all(|root| in_list(&sandbox.read_only_roots, root))
    {
        codes.push("sandbox_read_only_root_missing".into());
    }
    let codes = uniq_sort(codes);
    let status = if codes.is_empty() {
        "valid"
    } else if codes.iter().any(|code| code.ends_with("_missing")) {
        "missing"
    } else if codes
        .iter()
        .any(|code| code.ends_with("_disallowed") || code.ends_with("_exceeded"))
    {
        "disallowed"
    } else {
        "invalid"
    };
    SandboxDecision {
        status,
        network_mode: sandbox.network_mode.clone(),
        env_exposure_mode: sandbox.env_exposure_mode.clone(),
        timeout_seconds: sandbox.timeout_seconds,
        filesystem_isolation: sandbox.filesystem_isolation.clone(),
        user_mode: sandbox.user_mode.clone(),
        evidence_ref: sandbox.evidence_ref.clone(),
        evidence_digest: sandbox.evidence_digest.clone(),
        reason_codes: codes,
    }
}

// ---------------------------------------------------------------------------------------------
// Scripts (§3.7).

fn step_risk(step: &Step) -> &'static str {
    let classes = |list: &[&str]| {
        step.targets
            .iter()
            .any(|target| list.contains(&target.endpoint_class.as_str()))
    };
    if classes(&["fs.delete", "proc.exec"]) || step.targets.iter().any(|t| t.destructive) {
        "high"
    } else if classes(&["fs.write", "net.http", "net.dns"]) {
        "medium"
    } else {
        "low"
    }
}

fn evaluate_script(
    policy: &Policy,
    intent: &Intent,
    steps: &[Step],
    options: &EvalOptions,
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

    let risks: Vec<&'static str> = steps.iter().map(step_risk).collect();
    let composite = if risks.contains(&"high") {
        "high"
    } else if risks.contains(&"medium") {
        "medium"
    } else {
        "low"
    };
    let count = steps.len();
    let max_steps = if policy.scripts.max_steps > 0 {
        usize::try_from(policy.scripts.max_steps).unwrap_or(usize::MAX)
    } else {
        super::intent::MAX_SCRIPT_STEPS
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_reason_sanitises_like_gait() {
        assert_eq!(
            fallback_reason("Block External Host-1"),
            "matched_rule_block_external_host_1"
        );
        assert_eq!(fallback_reason("a<b"), "matched_rule_a\\u003cb");
    }

    #[test]
    fn go_path_match_semantics() {
        assert_eq!(go_path_match("/tmp/*.txt", "/tmp/a.txt"), Some(true));
        assert_eq!(go_path_match("/tmp/*", "/tmp/a/b"), Some(false));
        assert_eq!(go_path_match("/tmp/[a-c]?", "/tmp/bz"), Some(true));
        assert_eq!(go_path_match("/tmp/[^a-c]", "/tmp/b"), Some(false));
        assert_eq!(go_path_match("/tmp/[", "/tmp/["), None);
        assert!(path_pattern_matches("/etc/**", "/etc"));
        assert!(path_pattern_matches("/etc/**", "/etc/hosts"));
        assert!(!path_pattern_matches("/etc/**", "/etcetera"));
        assert!(domain_pattern_matches("*.example.com", "api.example.com"));
        assert!(!domain_pattern_matches("*.example.com", "example.com"));
    }
}
