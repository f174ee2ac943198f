//! What one matched rule says about an intent (gait-reference §3.6).

use serde_json::Value as Json;

use super::EvalOptions;
use super::freeze::{FreezeDecision, FreezeStatus, freeze_decision};
use super::glob::{domain_pattern_matches, path_pattern_matches};
use super::sandbox::{SandboxDecision, SandboxStatus, sandbox_decision};
use super::select::in_list;
use crate::gait::destructive;
use crate::gait::intent::Intent;
use crate::gait::policy::{Rule, Verdict};

#[derive(Clone, Debug, Default)]
pub(super) struct RuleOutcome<'a> {
    pub(super) rule: Option<&'a Rule>,
    pub(super) effect: Verdict,
    pub(super) reasons: Vec<String>,
    pub(super) violations: Vec<String>,
    pub(super) min_approvals: i64,
    pub(super) freeze: Option<FreezeDecision>,
    pub(super) sandbox: Option<SandboxDecision>,
}

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

pub(super) fn evaluate_rule<'a>(
    rule: &'a Rule,
    intent: &Intent,
    options: &EvalOptions<'_>,
) -> RuleOutcome<'a> {
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
        if freeze.status != FreezeStatus::Inactive {
            let effect =
                if freeze.status == FreezeStatus::Active && freeze.effect == "require_approval" {
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
        .is_some_and(|sandbox| sandbox.status == SandboxStatus::Valid)
        && !intent.targets.is_empty()
        && intent
            .targets
            .iter()
            .all(|target| target.endpoint_class == "proc.exec");
    let destructive = !sandbox_valid_exec && destructive::any_target(&intent.targets);
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
    if !endpoint.destructive_action.is_empty() && destructive::any_target(&intent.targets) {
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

fn apply_agent(
    rule: &Rule,
    intent: &Intent,
    options: &EvalOptions<'_>,
    outcome: &mut RuleOutcome<'_>,
) {
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
}
