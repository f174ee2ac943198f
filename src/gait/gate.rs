//! Gait's `gate eval` decision as one pure function: the evaluator, then the approved-script
//! registry, rate limits and destructive budgets, delegation and approval tokens, the broker
//! and simulate mode, in Gait's order. Every input — evidence, states, the evaluation time —
//! is a value in [`GateInputs`]; nothing here reads a file or the clock.

use super::destructive;
use super::eval::{self, Decision, EvalOptions, FreezeDecision, SandboxDecision, ScriptOutcome};
use super::inputs::{
    GateInputs, KeyReadError, RateLimitLoadError, ReadError, RegistryError, ScriptRegistry,
    StateError,
};
use super::intent::Intent;
use super::killswitch::KillSwitchDecision;
use super::policy::{self, DigestedPolicy, Policy, Verdict, uniq_sort};
use super::ratelimit::LimitDecision;
use super::tokens::{self, ApprovalContext, ApprovedScriptEntry};
use super::wrkr::WrkrError;
use crate::exit::Exit;

/// Why `registry_reason` says what it says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegistryReason {
    ApprovedScriptMatch,
    ApprovedScriptNotFound,
    NotScript,
}

impl RegistryReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RegistryReason::ApprovedScriptMatch => "approved_script_match",
            RegistryReason::ApprovedScriptNotFound => "approved_script_not_found",
            RegistryReason::NotScript => "not_script",
        }
    }
}

/// Something the evaluation went on without.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Warning {
    #[error("wrkr inventory unavailable; continuing without context enrichment")]
    WrkrUnavailable,
    #[error("approved script registry unavailable; continuing without fast-path pre-approval")]
    RegistryUnavailable,
    #[error("approved script fast-path disabled because registry verify key is not configured")]
    RegistryKeyMissing,
    #[error("approved script registry entry failed verification; fast-path disabled")]
    RegistryEntryUnverified,
    #[error(
        "approved script fast-path disabled because policy requires authenticated context evidence"
    )]
    RegistryContextEvidence,
}

impl Warning {
    /// Gait's warning for a registry that cannot be used by an intent that does not fail closed.
    fn registry(error: &RegistryError) -> Warning {
        match error {
            RegistryError::Unreadable(_) | RegistryError::Key(_) => Warning::RegistryUnavailable,
            RegistryError::KeyRequired => Warning::RegistryKeyMissing,
            RegistryError::Entry { .. } => Warning::RegistryEntryUnverified,
        }
    }
}

/// The approval check of a `require_approval` verdict.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApprovalSummary {
    /// At least 1.
    pub required: i64,
    /// Tokens that verified.
    pub valid: i64,
    /// The granting tokens' ids, uniq-sorted and joined by `,`, when the approval is granted.
    pub approval_ref: Option<String>,
}

/// The delegation requirement of the deciding rules.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DelegationSummary {
    /// Tokens that verified (0 when no evidence was supplied).
    pub valid: usize,
    /// The granting tokens' ids when evidence was supplied and granted.
    pub delegation_ref: Option<String>,
}

/// What simulate mode replaced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Simulation {
    /// The verdict that would have been enforced.
    pub verdict: Verdict,
    /// Its reason codes.
    pub reason_codes: Vec<String>,
    /// The verdict was `block` or `require_approval` (and became `allow`).
    pub would_have_blocked: bool,
}

/// The decision of one `gate eval`: what Gait prints as the core `--json` fields.
#[derive(Clone, Debug, PartialEq)]
pub struct GateOutcome {
    pub verdict: Verdict,
    /// Uniq-sorted.
    pub reason_codes: Vec<String>,
    /// Uniq-sorted.
    pub violations: Vec<String>,
    /// The deciding rules' names joined by `,`; empty on the default path.
    pub matched_rule: String,
    pub policy_digest: String,
    /// The digest of the prepared intent (context evidence stripped, Wrkr context applied).
    pub intent_digest: String,
    pub phase: String,
    /// Set when the verdict reached the approval check.
    pub approvals: Option<ApprovalSummary>,
    /// Set when a deciding rule requires delegation (and no registry entry pre-approved).
    pub delegation: Option<DelegationSummary>,
    /// The registry entry's `pattern_id` that pre-approved the script.
    pub pre_approved: Option<String>,
    pub registry_reason: Option<RegistryReason>,
    pub script: Option<ScriptOutcome>,
    pub freeze_window: Option<FreezeDecision>,
    pub sandbox: Option<SandboxDecision>,
    pub kill_switch: Option<KillSwitchDecision>,
    pub rate_limit: Option<LimitDecision>,
    pub destructive_budget: Option<LimitDecision>,
    /// The Wrkr inventory's label, when it had an entry for the intent's (or a step's) tool.
    pub context_source: Option<String>,
    pub simulation: Option<Simulation>,
    pub warnings: Vec<Warning>,
}

impl GateOutcome {
    /// The exit code Gait gives this decision.
    pub fn exit(&self) -> Exit {
        match self.verdict {
            Verdict::Block => Exit::Blocked,
            Verdict::RequireApproval => Exit::ApprovalRequired,
            Verdict::Allow | Verdict::DryRun => Exit::Success,
        }
    }

    /// The deciding rules, `None` on the default path.
    pub fn matched_rule(&self) -> Option<&str> {
        Some(self.matched_rule.as_str()).filter(|rule| !rule.is_empty())
    }
}

/// Why an evaluation stopped before a verdict.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum GateError {
    #[error(transparent)]
    KillSwitchState(StateError),
    #[error("wrkr inventory unavailable in fail-closed mode: {0}")]
    WrkrFailClosed(WrkrError),
    #[error(transparent)]
    RegistryFailClosed(RegistryError),
    /// The registry's verify key could not be read: invalid input whatever the risk, as Gait's
    /// `sign.LoadVerifyKey` error.
    #[error("approved script registry verify key: {0}")]
    RegistryKey(KeyReadError),
    #[error(transparent)]
    RateLimitState(RateLimitLoadError),
    #[error("{}", .0.of("approval token"))]
    ApprovalToken(ReadError),
    #[error("{}", .0.of("delegation token"))]
    DelegationToken(ReadError),
}

impl GateError {
    pub fn exit(&self) -> Exit {
        match self {
            GateError::WrkrFailClosed(_) | GateError::RegistryFailClosed(_) => Exit::Blocked,
            GateError::KillSwitchState(_)
            | GateError::RateLimitState(_)
            | GateError::RegistryKey(_)
            | GateError::ApprovalToken(_)
            | GateError::DelegationToken(_) => Exit::InvalidInput,
        }
    }
}

/// Whether a decision's outcome carries the digest of the prepared intent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum IntentDigest {
    /// Always computed and reported (`gate eval` prints it).
    #[default]
    Report,
    /// Computed only when a token is checked against it; otherwise the outcome's
    /// `intent_digest` is empty. Replay, which reads the verdict, reasons and rule only.
    WhenChecked,
}

/// `gate eval` on a loaded policy and a normalised intent.
pub fn decide(
    policy: &Policy,
    intent: Intent,
    inputs: &GateInputs,
) -> Result<GateOutcome, GateError> {
    decide_with(
        policy,
        policy.digest(),
        intent,
        inputs,
        IntentDigest::Report,
    )
}

/// [`decide`] under a policy whose digest is already computed.
pub fn decide_digested(
    policy: &DigestedPolicy,
    intent: Intent,
    inputs: &GateInputs,
    intent_digest: IntentDigest,
) -> Result<GateOutcome, GateError> {
    decide_with(
        policy.policy(),
        policy.digest().to_owned(),
        intent,
        inputs,
        intent_digest,
    )
}

/// `policy_digest` is `policy.digest()`.
fn decide_with(
    policy: &Policy,
    policy_digest: String,
    mut intent: Intent,
    inputs: &GateInputs,
    report: IntentDigest,
) -> Result<GateOutcome, GateError> {
    // A token file that is missing or not JSON is invalid input before anything is decided.
    if let Some(error) = inputs.approvals.unreadable.first() {
        return Err(GateError::ApprovalToken(error.clone()));
    }
    if let Some(error) = inputs.delegation.unreadable.first() {
        return Err(GateError::DelegationToken(error.clone()));
    }
    let now = inputs.evaluation_time;
    let risk = intent.context.get("risk_class");
    let fail_closed_risk = risk == "high" || risk == "critical";
    let mut warnings = Vec::new();
    let mut eval_options = EvalOptions::at(now);
    match &inputs.kill_switch {
        None => {}
        Some(Ok(state)) => eval_options.kill_switch = Some(state),
        Some(Err(_)) if fail_closed_risk => eval_options.kill_switch_unavailable = true,
        Some(Err(error)) => return Err(GateError::KillSwitchState(error.clone())),
    }
    match &inputs.wrkr {
        None => {}
        Some(Ok(inventory)) => eval_options.wrkr = Some(inventory),
        Some(Err(error)) if fail_closed_risk => {
            return Err(GateError::WrkrFailClosed(error.clone()));
        }
        Some(Err(_)) => warnings.push(Warning::WrkrUnavailable),
    }

    intent.strip_context_evidence();
    // The prepared intent carries the Wrkr context: it is what the digest (and so approval
    // tokens) and the kill switch see. Script steps are enriched one by one by the evaluator.
    if let Some(inventory) = eval_options.wrkr
        && !intent.is_script()
    {
        let tool = intent.tool_name.clone();
        inventory.apply(&mut intent, &tool);
    }
    // The intent is not changed from here on: its digest, when it is computed, is the same
    // whenever it is.
    let intent_digest = std::cell::OnceCell::new();
    let digest = || intent_digest.get_or_init(|| intent.digest()).as_str();

    let mut registry_reason = None;
    let mut pre_approved: Option<String> = None;
    if let Some(registry) = &inputs.script_registry {
        match usable_entries(registry, now) {
            Ok(entries) if entries.is_empty() => {}
            Ok(_) if requires_context_evidence(policy) => {
                warnings.push(Warning::RegistryContextEvidence);
            }
            Ok(entries) => match entries
                .iter()
                .find(|entry| entry.matches(&intent, &policy_digest, now))
            {
                Some(entry) => pre_approved = Some(entry.pattern_id.clone()),
                None if intent.is_script() => {
                    registry_reason = Some(RegistryReason::ApprovedScriptNotFound);
                }
                None => registry_reason = Some(RegistryReason::NotScript),
            },
            Err(RegistryError::Key(error)) => return Err(GateError::RegistryKey(error)),
            Err(error) if fail_closed_risk => return Err(GateError::RegistryFailClosed(error)),
            Err(error) => warnings.push(Warning::registry(&error)),
        }
    }

    let mut decision = if pre_approved.is_some() {
        registry_reason = Some(RegistryReason::ApprovedScriptMatch);
        pre_approved_decision(&intent)
    } else {
        eval::evaluate(policy, &intent, &eval_options)
    };
    let context_source = eval_options
        .wrkr
        .filter(|_| decision.wrkr_applied)
        .map(|inventory| inventory.label().to_owned());

    // Rate limit and destructive budget (§3.10.2/§3.10.3): after evaluation, whatever the
    // verdict, simulate or not.
    let rate_state = inputs
        .rate_limits
        .as_ref()
        .map_err(|error| GateError::RateLimitState(error.clone()))?;
    let identity = intent.context.get("identity").to_owned();
    let mut rate_limit = None;
    if decision.rate_limit.requests > 0 {
        let limit = rate_state.check(&decision.rate_limit, &intent.tool_name, &identity, now);
        if !limit.allowed {
            block(&mut decision, "rate_limit_exceeded");
        }
        rate_limit = Some(limit);
    }
    let mut destructive_budget = None;
    if decision.destructive_budget.requests > 0 && destructive::intent(&intent) {
        // Gait normalises the budget intent before keying it, and normalising a script intent
        // sets its tool to `script`: the `destructive_budget|` prefix is lost for scripts.
        let tool = if intent.is_script() {
            "script".to_owned()
        } else {
            format!("destructive_budget|{}", intent.tool_name)
        };
        let limit = rate_state.check(&decision.destructive_budget, &tool, &identity, now);
        if !limit.allowed {
            block(&mut decision, "destructive_budget_exceeded");
        }
        destructive_budget = Some(limit);
    }

    // Delegation evidence is checked when it is supplied; without any, the intent's claims stand
    // (as in `policy test`) and `delegation_required` says that tokens are still due.
    let mut delegation = None;
    if decision.require_delegation && pre_approved.is_none() {
        let mut summary = DelegationSummary::default();
        let evidence = &inputs.delegation;
        if evidence.tokens.is_empty() && evidence.unreadable.is_empty() && !evidence.from_intent {
            // As `gate eval`: a rule that requires delegation and no token blocks.
            decision.verdict = Verdict::Block;
            add_reasons(&mut decision, &["delegation_token_missing".to_owned()]);
            add_violation(&mut decision, "delegation_not_granted");
        } else if evidence.supplied {
            let outcome = tokens::check_delegation(
                &evidence.tokens,
                &intent,
                &decision.delegation_scopes,
                digest(),
                &policy_digest,
                now,
                evidence.key.as_ref(),
            );
            add_reasons(&mut decision, &outcome.reason_codes);
            summary.valid = outcome.valid_delegations;
            if outcome.granted {
                summary.delegation_ref = Some(outcome.delegation_ref);
            } else {
                decision.verdict = Verdict::Block;
                add_violation(&mut decision, "delegation_not_granted");
            }
        }
        delegation = Some(summary);
    }

    let mut approvals = None;
    if decision.verdict == Verdict::RequireApproval {
        let context = ApprovalContext {
            intent: &intent,
            // Without tokens no digest is compared.
            intent_digest: if inputs.approvals.tokens.is_empty() {
                ""
            } else {
                digest()
            },
            policy_digest: &policy_digest,
            now,
            key: inputs.approvals.key.as_ref(),
        };
        approvals = Some(check_approvals(
            &mut decision,
            &inputs.approvals.tokens,
            &context,
        ));
    }

    if decision.require_broker_credential && decision.verdict == Verdict::Allow {
        decision.verdict = Verdict::Block;
        add_reasons(&mut decision, &["broker_credential_required".to_owned()]);
        add_violation(&mut decision, "broker_credential_missing");
    }

    let mut simulation = None;
    if inputs.simulate {
        let would_have_blocked =
            matches!(decision.verdict, Verdict::Block | Verdict::RequireApproval);
        simulation = Some(Simulation {
            verdict: decision.verdict,
            reason_codes: decision.reason_codes.clone(),
            would_have_blocked,
        });
        let mut extra = vec!["simulate_mode_non_enforcing".to_owned()];
        if would_have_blocked {
            extra.push(format!("simulated_{}", decision.verdict.as_str()));
            decision.verdict = Verdict::Allow;
            decision.violations.clear();
        }
        add_reasons(&mut decision, &extra);
    }

    if report == IntentDigest::Report {
        digest();
    }
    let intent_digest = intent_digest.into_inner().unwrap_or_default();
    Ok(GateOutcome {
        verdict: decision.verdict,
        reason_codes: decision.reason_codes,
        violations: decision.violations,
        matched_rule: decision.matched_rule,
        policy_digest,
        intent_digest,
        phase: intent.context.get("phase").to_owned(),
        approvals,
        delegation,
        pre_approved,
        registry_reason,
        script: decision.script,
        freeze_window: decision.freeze_window,
        sandbox: decision.sandbox,
        kill_switch: decision.kill_switch,
        rate_limit,
        destructive_budget,
        context_source,
        simulation,
        warnings,
    })
}

/// Checks the approval tokens of a `require_approval` verdict and grants it when enough
/// (distinct) approvers signed.
fn check_approvals(
    decision: &mut Decision,
    tokens: &[Option<tokens::ApprovalToken>],
    context: &ApprovalContext<'_>,
) -> ApprovalSummary {
    let required = decision.min_approvals.max(1);
    let mut summary = ApprovalSummary {
        required,
        ..ApprovalSummary::default()
    };
    if tokens.is_empty() {
        add_reasons(decision, &["approval_token_missing".to_owned()]);
        add_violation(decision, "approval_not_granted");
        return summary;
    }
    let mut valid = Vec::new();
    let mut codes = Vec::new();
    for token in tokens {
        let checked = token
            .as_ref()
            .ok_or("approval_token_invalid")
            .and_then(|token| tokens::check_approval(token, context));
        match checked {
            Ok(token) => valid.push(token),
            Err(code) => codes.push(code.to_owned()),
        }
    }
    add_reasons(decision, &codes);
    let count = i64::try_from(valid.len()).unwrap_or(i64::MAX);
    summary.valid = count;
    let mut approvers: Vec<&str> = valid.iter().map(|t| t.approver_identity.as_str()).collect();
    approvers.sort_unstable();
    approvers.dedup();
    let approvers = i64::try_from(approvers.len()).unwrap_or(i64::MAX);
    if count < required {
        add_reasons(decision, &["approval_chain_insufficient".to_owned()]);
        add_violation(decision, "approval_not_granted");
    } else if decision.require_distinct_approvers && required > 1 && approvers < required {
        add_reasons(
            decision,
            &["approval_distinct_approvers_required".to_owned()],
        );
        add_violation(decision, "approval_not_granted");
    } else {
        decision.verdict = Verdict::Allow;
        add_reasons(decision, &["approval_granted".to_owned()]);
        let ids = uniq_sort(valid.iter().map(|t| t.token_id.as_str()));
        summary.approval_ref = Some(ids.join(","));
    }
    summary
}

fn block(decision: &mut Decision, code: &str) {
    decision.verdict = Verdict::Block;
    add_reasons(decision, &[code.to_owned()]);
    add_violation(decision, code);
}

fn add_reasons(decision: &mut Decision, codes: &[String]) {
    decision.reason_codes = uniq_sort(decision.reason_codes.iter().chain(codes.iter()));
}

fn add_violation(decision: &mut Decision, code: &str) {
    decision.violations = uniq_sort(decision.violations.iter().map(String::as_str).chain([code]));
}

fn pre_approved_decision(intent: &Intent) -> Decision {
    let steps = intent.script.as_deref().unwrap_or(&[]);
    Decision {
        verdict: Verdict::Allow,
        reason_codes: vec!["approved_script_match".into()],
        script: Some(ScriptOutcome {
            step_count: steps.len(),
            script_hash: intent.script_hash(),
            composite_risk_class: eval::ScriptRisk::Low,
            step_verdicts: steps
                .iter()
                .enumerate()
                .map(|(index, step)| eval::StepVerdict {
                    index,
                    tool_name: step.tool_name.clone(),
                    verdict: Verdict::Allow,
                    reason_codes: vec!["approved_script_match".into()],
                    violations: Vec::new(),
                    matched_rule: String::new(),
                })
                .collect(),
        }),
        ..Decision::default()
    }
}

/// Gait's `PolicyRequiresContextEvidence`: the approved-script fast path is disabled (with a
/// warning) when the policy requires authenticated context evidence.
fn requires_context_evidence(policy: &Policy) -> bool {
    policy
        .fail_closed
        .required_fields
        .iter()
        .any(|field| field == "context_evidence")
        || policy
            .rules
            .iter()
            .any(policy::Rule::has_context_constraints)
}

/// The registry's entries once every one verified, as Gait's `gate eval` reads them: the first
/// entry that fails verification disables the whole registry.
fn usable_entries(
    registry: &Result<ScriptRegistry, RegistryError>,
    now: jiff::Timestamp,
) -> Result<Vec<&ApprovedScriptEntry>, RegistryError> {
    let registry = registry.as_ref().map_err(Clone::clone)?;
    registry
        .entries
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            entry
                .verify(&registry.key, now)
                .map(|()| entry)
                .map_err(|error| RegistryError::Entry { index, error })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gait::intent::load_intent;
    use crate::gait::killswitch::KillSwitchState;
    use crate::gait::policy::load_policy;
    use crate::gait::ratelimit::RateLimitState;
    use serde_json::json;

    const POLICY: &str = "default_verdict: allow\nrules:\n  - name: limited\n    priority: 1\n    effect: allow\n    match: {tool_names: [tool.write]}\n    rate_limit: {requests: 2, window: minute, scope: tool_identity}\n";

    const INTENT: &str = r#"{"tool_name":"tool.write","targets":[{"kind":"path","value":"/w/a","operation":"write"}],"context":{"identity":"alice","workspace":"/w","risk_class":"low"}}"#;

    fn at(text: &str) -> jiff::Timestamp {
        text.parse().unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }

    /// Everything comes from memory: the policy and intent text, the counters, the kill switch
    /// and the time. The same inputs give the same outcome, and moving only the time moves the
    /// rate-limit bucket.
    #[test]
    fn decides_from_inputs_in_memory() {
        let policy = load_policy(POLICY).unwrap();
        let intent = || load_intent(INTENT).unwrap();
        let counters = json!({"counters": [
            {"key": "minute|tool_identity|2026-01-01T10:17:00Z|tool.write|alice", "count": 2}
        ]});
        let mut inputs = GateInputs::at(at("2026-01-01T10:17:30Z"));
        inputs.rate_limits = Ok(RateLimitState::from_json(&counters).unwrap());

        let spent = decide(&policy, intent(), &inputs).unwrap();
        assert_eq!(spent.verdict, Verdict::Block);
        assert_eq!(spent.exit(), Exit::Blocked);
        assert_eq!(spent.matched_rule(), Some("limited"));
        assert!(
            spent
                .reason_codes
                .contains(&"rate_limit_exceeded".to_owned())
        );
        assert_eq!(spent.rate_limit.as_ref().map(|l| l.used), Some(2));
        assert_eq!(decide(&policy, intent(), &inputs).as_ref(), Ok(&spent));

        inputs.evaluation_time = at("2026-01-01T10:18:00Z");
        let fresh = decide(&policy, intent(), &inputs).unwrap();
        assert_eq!(fresh.verdict, Verdict::Allow);
        assert_eq!(
            fresh.rate_limit.as_ref().map(|l| (l.used, l.remaining)),
            Some((1, 1))
        );

        inputs.kill_switch = Some(Ok(KillSwitchState::from_json(&json!({
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
            "entries": [{"entry_id": "k1", "enabled": true, "identity": "alice",
                         "created_at": "2026-01-01T00:00:00Z"}]
        }))
        .unwrap()));
        inputs.simulate = true;
        let stopped = decide(&policy, intent(), &inputs).unwrap();
        assert_eq!(stopped.verdict, Verdict::Allow);
        assert_eq!(
            stopped
                .simulation
                .as_ref()
                .map(|s| (s.verdict, s.would_have_blocked)),
            Some((Verdict::Block, true))
        );
        assert!(stopped.reason_codes.contains(&"simulated_block".to_owned()));
    }

    #[test]
    fn unreadable_inputs_fail_close_or_warn_by_risk() {
        let policy = load_policy(POLICY).unwrap();
        let unreadable = || {
            Some(Err(WrkrError::Read(
                "`inventory.json` is a directory".into(),
            )))
        };
        let mut inputs = GateInputs::at(at("2026-01-01T00:00:00Z"));
        inputs.wrkr = unreadable();
        let low = decide(&policy, load_intent(INTENT).unwrap(), &inputs).unwrap();
        assert_eq!(low.warnings, vec![Warning::WrkrUnavailable]);
        let high = load_intent(&INTENT.replace("\"low\"", "\"high\"")).unwrap();
        let error = decide(&policy, high, &inputs).unwrap_err();
        assert_eq!(error.exit(), Exit::Blocked);
    }
}
