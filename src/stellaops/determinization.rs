//! The Determinization gate (seed 003): anchored evidence rules 1–4, conflict detection, then the
//! standard rules 10–100 in priority order, with per-environment thresholds. `GuardedPass`
//! carries its `guardRails` object and the `uncertaintyScore`.

use serde_json::json;

use super::gate_id::GateId;
use super::input::{Anchor, CaseInput, Observation};
use super::model::{ConflictAction, StellaConfig};
use super::semantics::{QuarantineVerdict, SemanticsOptions};
pub use super::verdict::{Conflict, DeterminizationDetail, GuardRails, UncertaintyScore};
use super::verdict::{Detail, GateOutcome, GateResult, PolicyVerdictStatus, num};

const GATE: GateId = GateId::Determinization;

/// Every rule, in priority order (lower = earlier).
pub const RULES: [(u32, &str); 14] = [
    (1, "AnchoredAffectedWithRuntimeHardFail"),
    (2, "AnchoredVexNotAffectedAllow"),
    (3, "AnchoredBackportProofAllow"),
    (4, "AnchoredUnreachableAllow"),
    (10, "RuntimeEscalation"),
    (20, "EpssQuarantine"),
    (25, "ReachabilityQuarantine"),
    (30, "ProductionEntropyBlock"),
    (40, "StaleEvidenceDefer"),
    (50, "GuardedAllowNonProd"),
    (60, "UnreachableAllow"),
    (65, "VexNotAffectedAllow"),
    (70, "SufficientEvidenceAllow"),
    (80, "GuardedAllowModerateUncertainty"),
];

/// The rule that applies when nothing else matched.
pub const DEFAULT_RULE: (u32, &str) = (100, "DefaultDefer");

/// Conflict types of seed 003 §10.3; a detected conflict is reported as the matched rule.
pub const CONFLICTS: [&str; 5] = [
    "VexReachabilityContradiction",
    "StaticRuntimeContradiction",
    "VexStatusConflict",
    "BackportStatusConflict",
    "EpssRiskContradiction",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Reach {
    Reachable,
    Unreachable,
    Unknown,
}

fn reach(observation: &Observation) -> Reach {
    let Some(state) = observation
        .reachability
        .as_ref()
        .and_then(|r| r.state.as_deref())
    else {
        return Reach::Unknown;
    };
    let state: String = state
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    match state.as_str() {
        "reachable"
        | "observedreachable"
        | "confirmedreachable"
        | "staticreachable"
        | "staticallyreachable"
        | "runtimeobserved"
        | "partial"
        | "cr"
        | "sr"
        | "ro" => Reach::Reachable,
        "unreachable"
        | "notreachable"
        | "confirmedunreachable"
        | "staticunreachable"
        | "staticallyunreachable"
        | "runtimeunobserved"
        | "cu"
        | "su"
        | "ru" => Reach::Unreachable,
        _ => Reach::Unknown,
    }
}

fn status_is(status: Option<&str>, wanted: &str) -> bool {
    status.is_some_and(|s| s.trim().eq_ignore_ascii_case(wanted))
}

/// The signals present, missing, and their weights.
fn signals(
    observation: &Observation,
    options: &SemanticsOptions,
) -> Vec<(&'static str, f64, Option<f64>)> {
    let w = &options.determinization.signal_weights;
    let anchored_or = |anchor: Option<&Anchor>, otherwise: f64| {
        if Anchor::holds(anchor) {
            1.0
        } else {
            otherwise
        }
    };
    let vex = observation
        .vex
        .as_ref()
        .filter(|v| v.status.is_some())
        .map(|v| {
            let base = if v.issuer_trusted == Some(true) {
                0.8
            } else {
                0.4
            };
            anchored_or(v.anchor.as_ref(), base)
        });
    let reachability = observation
        .reachability
        .as_ref()
        .filter(|r| r.state.is_some())
        .map(|r| {
            anchored_or(
                r.anchor.as_ref(),
                r.confidence.unwrap_or(0.7).clamp(0.0, 1.0),
            )
        });
    let runtime = observation
        .runtime
        .as_ref()
        .filter(|r| r.observed_loaded.is_some())
        .map(|r| anchored_or(r.anchor.as_ref(), 0.7));
    let backport = observation
        .backport
        .as_ref()
        .filter(|b| b.detected.is_some())
        .map(|b| anchored_or(b.anchor.as_ref(), 0.7));
    let epss = (observation.epss.is_some() || observation.kev.is_some()).then_some(0.7);
    let sbom = observation
        .sbom_lineage
        .as_ref()
        .filter(|v| !v.is_null())
        .map(|_| 0.7);
    [
        ("vex", w.vex, vex),
        ("epss", w.epss, epss),
        ("reachability", w.reachability, reachability),
        ("runtime", w.runtime, runtime),
        ("backport", w.backport, backport),
        ("sbomLineage", w.sbom_lineage, sbom),
    ]
    .into_iter()
    .filter(|(_, weight, _)| *weight > 0.0)
    .collect()
}

fn tier(entropy: f64) -> &'static str {
    if entropy >= 0.7 {
        "High"
    } else if entropy >= 0.4 {
        "Medium"
    } else if entropy >= 0.1 {
        "Low"
    } else {
        "Negligible"
    }
}

/// `{value:P1}` as .NET formats it with the invariant culture: `30.0 %`.
fn percent(value: f64) -> String {
    format!("{:.1} %", value * 100.0)
}

struct Outcome {
    priority: u32,
    rule: String,
    status: PolicyVerdictStatus,
    reason: String,
    conflict: Option<Conflict>,
}

fn outcome(
    priority: u32,
    rule: &str,
    status: PolicyVerdictStatus,
    reason: String,
) -> Option<Outcome> {
    Some(Outcome {
        priority,
        rule: rule.to_owned(),
        status,
        reason,
        conflict: None,
    })
}

pub fn evaluate(
    config: &StellaConfig,
    input: &CaseInput,
    options: &SemanticsOptions,
    mode: Detail,
) -> GateResult {
    let Some(observation) = &input.observation else {
        return GateResult::skip(GATE, "no observation in the case");
    };
    let semantics = &options.determinization;
    let env = input.environment.as_str();
    let (thresholds, thresholds_entry) = config.determinization.thresholds(env);
    let production = thresholds_entry == "production";
    let max_entropy = thresholds.max_entropy.value;
    let min_confidence = thresholds.min_confidence.value;
    let epss_threshold = thresholds.epss_threshold.value;
    let require_reachability = thresholds.require_reachability.value;

    let signals = signals(observation, options);
    let total: f64 = signals.iter().map(|(_, weight, _)| weight).sum();
    let missing: Vec<String> = signals
        .iter()
        .filter(|(_, _, score)| score.is_none())
        .map(|(name, _, _)| (*name).to_owned())
        .collect();
    let computed_entropy = if total > 0.0 {
        signals
            .iter()
            .filter(|(_, _, s)| s.is_none())
            .map(|(_, w, _)| w)
            .sum::<f64>()
            / total
    } else {
        1.0
    };
    let computed_trust = if total > 0.0 {
        signals
            .iter()
            .map(|(_, w, s)| w * s.unwrap_or(0.0))
            .sum::<f64>()
            / total
    } else {
        0.0
    };
    let entropy = observation
        .entropy
        .unwrap_or(computed_entropy)
        .clamp(0.0, 1.0);
    let trust = observation.trust.unwrap_or(computed_trust).clamp(0.0, 1.0);
    let reach = reach(observation);
    let vex_status = observation.vex.as_ref().and_then(|v| v.status.as_deref());
    let vex_anchored = Anchor::holds(observation.vex.as_ref().and_then(|v| v.anchor.as_ref()));
    let runtime_loaded = observation.runtime.as_ref().and_then(|r| r.observed_loaded) == Some(true);
    let runtime_anchored =
        Anchor::holds(observation.runtime.as_ref().and_then(|r| r.anchor.as_ref()));
    let backport_detected = observation.backport.as_ref().and_then(|b| b.detected) == Some(true);
    let backport_anchored = Anchor::holds(
        observation
            .backport
            .as_ref()
            .and_then(|b| b.anchor.as_ref()),
    );
    let reach_anchored = Anchor::holds(
        observation
            .reachability
            .as_ref()
            .and_then(|r| r.anchor.as_ref()),
    );
    let reach_confidence = observation.reachability.as_ref().and_then(|r| r.confidence);
    let has_reachability = observation
        .reachability
        .as_ref()
        .is_some_and(|r| r.state.is_some());
    let quarantine = match semantics.quarantine_verdict {
        QuarantineVerdict::Blocked => PolicyVerdictStatus::Blocked,
        QuarantineVerdict::Deferred => PolicyVerdictStatus::Deferred,
    };
    let high_confidence = semantics.high_confidence.unwrap_or(min_confidence);

    let anchored = || -> Option<Outcome> {
        use PolicyVerdictStatus::{Blocked, Pass};
        if vex_anchored && status_is(vex_status, "affected") && runtime_loaded && runtime_anchored {
            return outcome(1, "AnchoredAffectedWithRuntimeHardFail", Blocked,
                "Anchored VEX affected and anchored runtime telemetry confirms the vulnerable code is loaded".to_owned());
        }
        if vex_anchored && (status_is(vex_status, "not_affected") || status_is(vex_status, "fixed"))
        {
            return outcome(
                2,
                "AnchoredVexNotAffectedAllow",
                Pass,
                format!("Anchored VEX {} statement", vex_status.unwrap_or_default()),
            );
        }
        if backport_detected && backport_anchored {
            return outcome(
                3,
                "AnchoredBackportProofAllow",
                Pass,
                "Anchored backport proof detected".to_owned(),
            );
        }
        if reach_anchored && reach == Reach::Unreachable {
            return outcome(
                4,
                "AnchoredUnreachableAllow",
                Pass,
                "Anchored reachability analysis shows the code unreachable".to_owned(),
            );
        }
        None
    };

    let conflicts = || -> Option<Outcome> {
        if !semantics.detect_conflicts {
            return None;
        }
        let handling = &config.determinization.conflict_handling;
        let provider_statuses: Vec<String> = observation
            .vex
            .as_ref()
            .map(|v| {
                v.provider_statuses
                    .iter()
                    .map(|s| s.trim().to_ascii_lowercase())
                    .collect()
            })
            .unwrap_or_default();
        let disagree = provider_statuses
            .windows(2)
            .any(|pair| pair.first() != pair.get(1))
            || provider_statuses
                .iter()
                .any(|s| vex_status.is_some_and(|v| !v.trim().eq_ignore_ascii_case(s)));
        let detected: [(bool, &str, ConflictAction, &str); 5] = [
            (
                status_is(vex_status, "not_affected") && reach == Reach::Reachable,
                "VexReachabilityContradiction",
                handling.vex_reachability_contradiction.value,
                "VEX not_affected contradicts confirmed reachability",
            ),
            (
                reach == Reach::Unreachable && runtime_loaded,
                "StaticRuntimeContradiction",
                handling.static_runtime_contradiction.value,
                "Static analysis says unreachable but runtime shows the code executed",
            ),
            (
                disagree,
                "VexStatusConflict",
                handling.vex_status_conflict.value,
                "VEX providers claim conflicting statuses",
            ),
            (
                backport_detected && status_is(vex_status, "affected"),
                "BackportStatusConflict",
                handling.backport_status_conflict.value,
                "Backport claimed while VEX says affected",
            ),
            (
                observation.kev == Some(true)
                    && observation.epss.is_some_and(|e| e < semantics.low_epss),
                "EpssRiskContradiction",
                ConflictAction::Escalate,
                "Low EPSS contradicts a KEV listing",
            ),
        ];
        let (_, kind, action, text) = detected
            .into_iter()
            .find(|(hit, _, action, _)| *hit && *action != ConflictAction::AutoResolve)?;
        let status = if action == ConflictAction::Block {
            PolicyVerdictStatus::Blocked
        } else {
            PolicyVerdictStatus::Escalated
        };
        Some(Outcome {
            priority: 5,
            rule: kind.to_owned(),
            status,
            reason: format!("Conflicting evidence ({kind}): {text}; {}", action.as_str()),
            conflict: Some(Conflict {
                conflict_type: kind.to_owned(),
                action: action.as_str().to_owned(),
            }),
        })
    };

    let uncertain = entropy > max_entropy
        || trust < min_confidence
        || (require_reachability && !has_reachability);
    let standard = || -> Option<Outcome> {
        use PolicyVerdictStatus::{Blocked, Deferred, Escalated, GuardedPass, Pass};
        if runtime_loaded {
            return outcome(
                10,
                "RuntimeEscalation",
                Escalated,
                "Runtime evidence shows vulnerable code loaded in memory".to_owned(),
            );
        }
        if let Some(epss) = observation.epss.filter(|epss| *epss >= epss_threshold) {
            return outcome(
                20,
                "EpssQuarantine",
                quarantine,
                format!(
                    "EPSS score {} exceeds threshold {}",
                    percent(epss),
                    percent(epss_threshold)
                ),
            );
        }
        if reach == Reach::Reachable {
            return outcome(
                25,
                "ReachabilityQuarantine",
                quarantine,
                "Vulnerable code is reachable via call graph analysis".to_owned(),
            );
        }
        if production && entropy > max_entropy {
            return outcome(
                30,
                "ProductionEntropyBlock",
                Blocked,
                format!(
                    "Entropy {} exceeds the production maximum {}",
                    num(entropy),
                    num(max_entropy)
                ),
            );
        }
        if let Some(age) = observation
            .evidence_age_days
            .filter(|age| *age > semantics.stale_evidence_days)
        {
            return outcome(
                40,
                "StaleEvidenceDefer",
                Deferred,
                format!(
                    "Evidence is stale ({} days old, limit {})",
                    num(age),
                    num(semantics.stale_evidence_days)
                ),
            );
        }
        if !production && uncertain {
            return outcome(
                50,
                "GuardedAllowNonProd",
                GuardedPass,
                format!("Uncertain observation allowed with guardrails in {env}"),
            );
        }
        if reach == Reach::Unreachable && reach_confidence.is_some_and(|c| c >= high_confidence) {
            return outcome(
                60,
                "UnreachableAllow",
                Pass,
                "Vulnerable code is unreachable with high confidence".to_owned(),
            );
        }
        if status_is(vex_status, "not_affected")
            && observation.vex.as_ref().and_then(|v| v.issuer_trusted) == Some(true)
        {
            return outcome(
                65,
                "VexNotAffectedAllow",
                Pass,
                "VEX not_affected from a trusted issuer".to_owned(),
            );
        }
        if entropy <= max_entropy
            && trust >= min_confidence
            && (!require_reachability || has_reachability)
        {
            return outcome(
                70,
                "SufficientEvidenceAllow",
                Pass,
                format!(
                    "Sufficient evidence: entropy {}, trust {}",
                    num(entropy),
                    num(trust)
                ),
            );
        }
        if entropy <= semantics.moderate_entropy_max && trust >= semantics.reasonable_trust_min {
            return outcome(
                80,
                "GuardedAllowModerateUncertainty",
                GuardedPass,
                format!("Moderate uncertainty allowed with guardrails in {env}"),
            );
        }
        None
    };

    let decided = anchored()
        .or_else(conflicts)
        .or_else(standard)
        .unwrap_or_else(|| Outcome {
            priority: DEFAULT_RULE.0,
            rule: DEFAULT_RULE.1.to_owned(),
            status: PolicyVerdictStatus::Deferred,
            reason: "No determinization rule matched; decision deferred".to_owned(),
            conflict: None,
        });

    let guard_rails = (decided.status == PolicyVerdictStatus::GuardedPass).then(|| GuardRails {
        enable_runtime_monitoring: true,
        review_interval: "7.00:00:00".to_owned(),
        epss_escalation_threshold: epss_threshold,
        escalating_reachability_states: vec![
            "Reachable".to_owned(),
            "ObservedReachable".to_owned(),
        ],
        max_guarded_duration: "30.00:00:00".to_owned(),
        policy_rationale: format!(
            "Auto-allowed: entropy={entropy:.2}, trust={trust:.2}, env={env}"
        ),
    });
    let observation_state = match (decided.status, &decided.conflict) {
        (_, Some(_)) => "Disputed",
        (
            PolicyVerdictStatus::GuardedPass
            | PolicyVerdictStatus::Deferred
            | PolicyVerdictStatus::Escalated,
            None,
        ) => "PendingDeterminization",
        _ => "Determined",
    };
    let mut next_actions = Vec::new();
    if matches!(
        decided.status,
        PolicyVerdictStatus::GuardedPass
            | PolicyVerdictStatus::Deferred
            | PolicyVerdictStatus::Escalated
    ) {
        for (signal, action) in [
            ("vex", "await_vex"),
            ("reachability", "run_reachability"),
            ("runtime", "enable_runtime"),
            ("backport", "verify_backport"),
        ] {
            if missing.iter().any(|m| m == signal) {
                next_actions.push(action.to_owned());
            }
        }
        if let Some(conflict) = &decided.conflict {
            let action = if conflict.conflict_type == "VexStatusConflict" {
                "trust_resolution"
            } else {
                "manual_review"
            };
            next_actions.push(action.to_owned());
        } else if decided.status == PolicyVerdictStatus::Escalated {
            next_actions.push("manual_review".to_owned());
        }
    }
    let thresholds_json = json!({
        "entry": thresholds_entry,
        "minConfidence": min_confidence,
        "maxEntropy": max_entropy,
        "epssThreshold": epss_threshold,
        "requireReachability": require_reachability,
    });
    let detail = DeterminizationDetail {
        status: decided.status,
        reason: decided.reason.clone(),
        matched_rule: decided.rule.clone(),
        priority: decided.priority,
        environment: env.to_owned(),
        thresholds: thresholds_json.clone(),
        trust,
        guard_rails,
        suggested_observation_state: observation_state.to_owned(),
        uncertainty_score: UncertaintyScore {
            entropy,
            completeness: 1.0 - entropy,
            tier: tier(entropy).to_owned(),
            missing_signals: missing,
        },
        conflict: decided.conflict,
        next_actions,
    };
    let gate_outcome = match decided.status {
        PolicyVerdictStatus::Pass | PolicyVerdictStatus::Ignored => GateOutcome::Pass,
        PolicyVerdictStatus::GuardedPass => GateOutcome::PassWithNote,
        PolicyVerdictStatus::Blocked => GateOutcome::Block,
        _ => GateOutcome::Warn,
    };
    let mut result = GateResult::new(GATE, gate_outcome, decided.reason)
        .verdict(decided.status)
        .reason(&decided.rule)
        .details(
            mode,
            || json!({ "thresholds": thresholds_json, "entropy": entropy, "trust": trust }),
        );
    if let Some(conflict) = &detail.conflict {
        result = result.reason("conflict").reason(&conflict.conflict_type);
    }
    result.rule = Some(decided.rule);
    result.determinization = Some(Box::new(detail));
    result
}
