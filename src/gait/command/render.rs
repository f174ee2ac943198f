//! A `gate eval` run for the edge: Gait's `--json` fields, the plain-text explanation, and the
//! decision fields replay and diffs compare.

use std::collections::BTreeMap;

use serde_json::{Value as Json, json};

use super::evaluation::{EvalError, Evaluation};
use crate::exit::Exit;
use crate::gait::gate::GateOutcome;
use crate::gait::policy::Verdict;
use crate::gait::ratelimit::LimitDecision;

/// How a run ends.
pub fn exit_of(evaluation: &Evaluation) -> Exit {
    match evaluation {
        Ok(outcome) => outcome.exit(),
        Err(error) => error.exit(),
    }
}

/// The core `--json` fields of a run (keys sorted, empty values omitted), or Gait's error
/// envelope.
pub fn render_json(evaluation: &Evaluation) -> Json {
    match evaluation {
        Ok(outcome) => outcome_json(outcome),
        Err(error) => error_json(error),
    }
}

fn error_json(error: &EvalError) -> Json {
    let exit = error.exit();
    let (code, hint) = match exit {
        Exit::Blocked => (
            "policy_blocked",
            "inspect reason_codes and adjust policy or intent",
        ),
        Exit::ApprovalRequired => (
            "approval_required",
            "provide a valid approval token and retry",
        ),
        Exit::Success | Exit::Internal | Exit::Regression | Exit::InvalidInput => {
            ("invalid_input", "check command usage and input schema")
        }
    };
    let mut envelope = json!({
        "ok": false,
        "error": error.to_string(),
        "error_code": code,
        "error_category": code,
        "retryable": false,
        "hint": error.hint().unwrap_or(hint),
    });
    if let (Some(migration), Some(map)) = (error.migration(), envelope.as_object_mut()) {
        map.insert("migration".to_owned(), migration);
    }
    envelope
}

/// Adds Gait's `<prefix>_scope/key/used/remaining` output fields (zero values omitted).
fn put_limit(out: &mut BTreeMap<&'static str, Json>, budget: bool, limit: &LimitDecision) {
    let [scope, key, used, remaining] = if budget {
        [
            "destructive_budget_scope",
            "destructive_budget_key",
            "destructive_budget_used",
            "destructive_budget_remaining",
        ]
    } else {
        [
            "rate_limit_scope",
            "rate_limit_key",
            "rate_limit_used",
            "rate_limit_remaining",
        ]
    };
    if !limit.scope.is_empty() {
        out.insert(scope, json!(limit.scope));
    }
    if !limit.key.is_empty() {
        out.insert(key, json!(limit.key));
    }
    if limit.used != 0 {
        out.insert(used, json!(limit.used));
    }
    if limit.remaining != 0 {
        out.insert(remaining, json!(limit.remaining));
    }
}

fn outcome_json(outcome: &GateOutcome) -> Json {
    let mut out: BTreeMap<&'static str, Json> = BTreeMap::new();
    if let Some(pattern) = &outcome.pre_approved {
        out.insert("pre_approved", json!(true));
        out.insert("pattern_id", json!(pattern));
    }
    if let Some(source) = &outcome.context_source {
        out.insert("context_source", json!(source));
    }
    if let Some(limit) = &outcome.rate_limit {
        put_limit(&mut out, false, limit);
    }
    if let Some(limit) = &outcome.destructive_budget {
        put_limit(&mut out, true, limit);
    }
    if let Some(delegation) = &outcome.delegation {
        out.insert("delegation_required", json!(true));
        if delegation.valid > 0 {
            out.insert("valid_delegations", json!(delegation.valid));
        }
        if let Some(reference) = &delegation.delegation_ref {
            out.insert("delegation_ref", json!(reference));
        }
    }
    if let Some(approvals) = &outcome.approvals {
        out.insert("required_approvals", json!(approvals.required));
        if approvals.valid > 0 {
            out.insert("valid_approvals", json!(approvals.valid));
        }
        if let Some(reference) = &approvals.approval_ref {
            out.insert("approval_ref", json!(reference));
        }
    }
    if let Some(simulation) = &outcome.simulation {
        out.insert("simulate_mode", json!(true));
        out.insert("simulated_verdict", json!(simulation.verdict.as_str()));
        out.insert("simulated_reason_codes", json!(simulation.reason_codes));
        if simulation.would_have_blocked {
            out.insert("would_have_blocked", json!(true));
        }
    }
    out.insert("ok", json!(true));
    out.insert("verdict", json!(outcome.verdict.as_str()));
    out.insert("policy_digest", json!(outcome.policy_digest));
    out.insert("intent_digest", json!(outcome.intent_digest));
    out.insert("phase", json!(outcome.phase));
    if !outcome.reason_codes.is_empty() {
        out.insert("reason_codes", json!(outcome.reason_codes));
    }
    if !outcome.violations.is_empty() {
        out.insert("violations", json!(outcome.violations));
    }
    if let Some(rule) = outcome.matched_rule() {
        out.insert("matched_rule", json!(rule));
    }
    if let Some(reason) = outcome.registry_reason {
        out.insert("registry_reason", json!(reason.as_str()));
    }
    if let Some(script) = &outcome.script {
        out.insert("script", json!(true));
        out.insert("step_count", json!(script.step_count));
        out.insert("script_hash", json!(script.script_hash));
        out.insert(
            "composite_risk_class",
            json!(script.composite_risk_class.as_str()),
        );
        out.insert(
            "step_verdicts",
            Json::Array(script.step_verdicts.iter().map(|s| s.to_json()).collect()),
        );
    }
    if let Some(freeze) = &outcome.freeze_window {
        out.insert("freeze_window", freeze.to_json());
    }
    if let Some(sandbox) = &outcome.sandbox {
        out.insert("sandbox", sandbox.to_json());
    }
    if let Some(kill) = &outcome.kill_switch {
        out.insert("kill_switch", kill.to_json());
    }
    if !outcome.warnings.is_empty() {
        let warnings: Vec<String> = outcome.warnings.iter().map(ToString::to_string).collect();
        out.insert("warnings", json!(warnings));
    }
    let map: serde_json::Map<String, Json> =
        out.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    Json::Object(map)
}

/// A human explanation of a run: the verdict, the rule that decided it and why.
/// [`describe`], with an error in the policy or the intent led by its place,
/// `path:line:column`, so a terminal or an editor can jump to it.
pub fn describe_located(
    evaluation: &Evaluation,
    files: &dyn crate::source::Files,
    policy: &std::path::Path,
    intent: &std::path::Path,
) -> String {
    use crate::gait::intent::IntentErrorKind;
    use crate::gait::policy::PolicyErrorKind;
    let located = match evaluation {
        Err(EvalError::Policy(error)) if !matches!(error.kind, PolicyErrorKind::Read(_)) => {
            Some((policy, error.span))
        }
        Err(EvalError::Intent(error)) if !matches!(error.kind, IntentErrorKind::Read(_)) => {
            Some((intent, error.span))
        }
        _ => None,
    };
    if let (Some((path, span)), Err(error)) = (located, evaluation)
        && let Ok(text) = files.reader().read_string(path)
    {
        let index = crate::span::LineIndex::new(&text);
        let at = index.position(&text, span.start, crate::span::ColumnUnit::Chars);
        return format!(
            "error: {}:{}:{}: {error}\n",
            crate::source::display(path),
            at.line.get(),
            at.column.get()
        );
    }
    describe(evaluation)
}

/// The message of a failed run in the plain-text output. A read failure already names its file,
/// so Gait's `read policy:` / `read intent:` prefix (kept in `--json`, where Gait's text is the
/// contract) is dropped: every error line reads `error: <message>`.
fn human_error(error: &EvalError) -> String {
    use crate::gait::intent::IntentErrorKind;
    use crate::gait::policy::PolicyErrorKind;
    match error {
        EvalError::Policy(error) => match &error.kind {
            PolicyErrorKind::Read(message) => message.clone(),
            _ => error.to_string(),
        },
        EvalError::Intent(error) => match &error.kind {
            IntentErrorKind::Read(message) => message.clone(),
            _ => error.to_string(),
        },
        EvalError::Gate(error) => error.to_string(),
    }
}

pub fn describe(evaluation: &Evaluation) -> String {
    let outcome = match evaluation {
        Ok(outcome) => outcome,
        Err(error) => return format!("error: {}\n", human_error(error)),
    };
    let mut out = String::new();
    out.push_str(&format!("verdict: {}\n", outcome.verdict.as_str()));
    match outcome.matched_rule() {
        Some(rule) => out.push_str(&format!("matched rule: {rule}\n")),
        None => out.push_str("matched rule: none (default verdict)\n"),
    }
    for (label, items) in [
        ("reason codes", &outcome.reason_codes),
        ("violations", &outcome.violations),
    ] {
        if !items.is_empty() {
            out.push_str(&format!("{label}: {}\n", items.join(", ")));
        }
    }
    if outcome.simulation.is_some() {
        out.push_str("simulate mode: not enforced\n");
    }
    for (label, limit) in [
        ("rate limit", &outcome.rate_limit),
        ("destructive budget", &outcome.destructive_budget),
    ] {
        let Some(limit) = limit.as_ref().filter(|limit| !limit.key.is_empty()) else {
            continue;
        };
        // Gait's output omits zero counts and negative ones never occur: read them as 0.
        let count = |value: i64| u64::try_from(value).unwrap_or(0);
        out.push_str(&format!(
            "{label}: {} used, {} remaining (counter `{}`)\n",
            count(limit.used),
            count(limit.remaining),
            limit.key
        ));
    }
    if let Some(source) = outcome
        .context_source
        .as_deref()
        .filter(|source| !source.is_empty())
    {
        out.push_str(&format!("context source: {source}\n"));
    }
    for warning in &outcome.warnings {
        out.push_str(&format!("warning: {warning}\n"));
    }
    for (label, digest) in [
        ("policy digest", &outcome.policy_digest),
        ("intent digest", &outcome.intent_digest),
    ] {
        if !digest.is_empty() {
            out.push_str(&format!("{label}: {digest}\n"));
        }
    }
    out
}

/// The decision fields of a run, as replay and diffs compare them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Decided {
    /// The verdict; a run without one (an error) counts as `block`, failing closed.
    pub verdict: Verdict,
    pub matched_rule: Option<String>,
    pub reason_codes: Vec<String>,
    pub violations: Vec<String>,
}

/// The decision fields of a run.
pub fn decided(evaluation: &Evaluation) -> Decided {
    match evaluation {
        Ok(outcome) => Decided {
            verdict: outcome.verdict,
            matched_rule: outcome.matched_rule().map(str::to_owned),
            reason_codes: outcome.reason_codes.clone(),
            violations: outcome.violations.clone(),
        },
        Err(_) => Decided {
            verdict: Verdict::Block,
            ..Decided::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gait::gate::Warning;

    fn outcome(verdict: Verdict) -> GateOutcome {
        GateOutcome {
            verdict,
            reason_codes: Vec::new(),
            violations: Vec::new(),
            matched_rule: String::new(),
            policy_digest: String::new(),
            intent_digest: String::new(),
            phase: String::new(),
            approvals: None,
            delegation: None,
            pre_approved: None,
            registry_reason: None,
            script: None,
            freeze_window: None,
            sandbox: None,
            kill_switch: None,
            rate_limit: None,
            destructive_budget: None,
            context_source: None,
            simulation: None,
            warnings: Vec::new(),
        }
    }

    #[test]
    fn describe_shows_counters_context_and_warnings() {
        let evaluation = Ok(GateOutcome {
            matched_rule: "limited".into(),
            reason_codes: vec!["rate_limit_exceeded".into()],
            violations: vec!["rate_limit_exceeded".into()],
            rate_limit: Some(LimitDecision {
                allowed: false,
                limit: 3,
                used: 3,
                remaining: 0,
                scope: "tool_identity".into(),
                key: "minute|tool_identity|2026-01-01T10:17:00Z|tool.write|alice".into(),
            }),
            context_source: Some("inventory.json".into()),
            warnings: vec![Warning::WrkrUnavailable],
            policy_digest: "ab".into(),
            ..outcome(Verdict::Block)
        });
        assert_eq!(
            describe(&evaluation),
            "verdict: block\n\
             matched rule: limited\n\
             reason codes: rate_limit_exceeded\n\
             violations: rate_limit_exceeded\n\
             rate limit: 3 used, 0 remaining (counter `minute|tool_identity|2026-01-01T10:17:00Z|tool.write|alice`)\n\
             context source: inventory.json\n\
             warning: wrkr inventory unavailable; continuing without context enrichment\n\
             policy digest: ab\n"
        );
    }

    #[test]
    fn describe_leaves_out_what_the_outcome_lacks() {
        assert_eq!(
            describe(&Ok(outcome(Verdict::Allow))),
            "verdict: allow\nmatched rule: none (default verdict)\n"
        );
    }

    #[test]
    fn an_error_decides_block_and_renders_gait_s_envelope() {
        let error: Evaluation = Err(EvalError::Gate(
            crate::gait::gate::GateError::WrkrFailClosed(crate::gait::wrkr::WrkrError::Parse(
                "`items` must be an array".into(),
            )),
        ));
        assert_eq!(decided(&error).verdict, Verdict::Block);
        assert_eq!(exit_of(&error), Exit::Blocked);
        let output = render_json(&error);
        assert_eq!(output["error_code"], "policy_blocked");
        assert_eq!(
            output["error"],
            "wrkr inventory unavailable in fail-closed mode: parse wrkr inventory: `items` must be an array"
        );
    }
}
