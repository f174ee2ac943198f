//! What changed between the baseline and the candidate model of one file, in the terms the
//! transition rules report: gates going to `Block`, production thresholds loosened, actions
//! relaxed.

use crate::project::ProjectFile;
use crate::project::files::gate_loc;
use crate::project::strictness::{Direction, action_rank, extra_freshness, num};
use crate::stellaops::config::Loc;
use crate::stellaops::model::{Action, GateId, Spanned, StellaConfig, lookup};

/// A gate that blocks in an environment where the baseline did not warn or block.
#[derive(Clone, Debug)]
pub struct ToBlock {
    pub gate: &'static str,
    pub environment: String,
    /// What the baseline did there, as a phrase.
    pub baseline: String,
    pub loc: Option<Loc>,
    pub fallback: Option<Loc>,
    pub pointer: String,
    /// Whether the `Block` is the class `default` set's, configured nowhere.
    pub class_default: bool,
}

/// What a finding resting on the class `default` VexTrust set adds: that it does, and the
/// one-line fix.
pub const CLASS_DEFAULT_HINT: &str = "; this rests on the class `default` threshold set, which no file configures and `[stellaops] default_environment_failure_action` makes `Block`: set `Thresholds.default.FailureAction: Warn`";

/// Where `Enabled` is written for a gate.
pub fn enabled_loc(model: &StellaConfig, gate: GateId) -> Option<Loc> {
    production_enabled(model, gate).loc
}

/// Whether a gate is enabled for production, and where that is written.
pub fn production_enabled(model: &StellaConfig, gate: GateId) -> Spanned<bool> {
    let enabled = match gate {
        GateId::EpssThreshold => &model.epss_threshold.for_environment("production").0.enabled,
        GateId::KevBlocker => &model.kev_blocker.for_environment("production").0.enabled,
        GateId::ReachableCve => &model.reachable_cve.for_environment("production").0.enabled,
        GateId::CveDelta => &model.cve_delta.for_environment("production").0.enabled,
        GateId::ReleaseAggregateCve => {
            &model
                .release_aggregate_cve
                .for_environment("production")
                .0
                .enabled
        }
        GateId::VexTrust => &model.vex_trust.enabled,
        GateId::ExecutionEvidence => &model.execution_evidence.enabled,
        GateId::BeaconRate => &model.beacon_rate.enabled,
        GateId::Confidence => &model.confidence.enabled,
        GateId::Determinization => &model.determinization.enabled,
        GateId::EvidenceCompleteness => &model.evidence_completeness.enabled,
        GateId::LatticeState => &model.lattice_state.enabled,
        GateId::UncertaintyTier => &model.uncertainty_tier.enabled,
        GateId::UnknownsBudget => &model.unknowns_budget.enabled,
        GateId::SourceQuota => &model.source_quota.enabled,
        GateId::ReachabilityRequirement => &model.reachability_requirement.enabled,
    };
    enabled.clone()
}

/// Environments a VexTrust configuration names, plus the three documented ones.
fn vex_environments(model: &StellaConfig) -> Vec<String> {
    let mut out: Vec<String> = model
        .vex_trust
        .thresholds
        .iter()
        .map(|(env, _)| env.to_ascii_lowercase())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The first environment in which an enabled gate blocks (for the gates that can warn instead,
/// the configured action; the CVE gates always block), and whether that rests on the class
/// `default` VexTrust set, whose action is `class_default` where no file configures it.
pub fn blocking_environment(
    model: &StellaConfig,
    gate: GateId,
    class_default: Action,
) -> Option<(String, bool)> {
    let plain = |environment: String| Some((environment, false));
    match gate {
        GateId::VexTrust => ["production", "staging", "development", "default"]
            .into_iter()
            .find_map(|env| {
                let resolved = model.vex_trust.resolve(env, None, false);
                (resolved.failure_action(class_default) == Action::Block)
                    .then(|| (env.to_owned(), resolved.rests_on_class_default()))
            }),
        GateId::ExecutionEvidence => {
            if model.execution_evidence.missing_evidence_action.value != Action::Block {
                return None;
            }
            plain(
                model
                    .execution_evidence
                    .required_environments
                    .value
                    .join(", "),
            )
        }
        GateId::BeaconRate => {
            if model.beacon_rate.below_threshold_action.value != Action::Block
                && model.beacon_rate.missing_beacon_action.value != Action::Block
            {
                return None;
            }
            plain(model.beacon_rate.required_environments.value.join(", "))
        }
        gate if gate.is_cve_gate() => plain("every environment".to_owned()),
        _ => None,
    }
}

/// Gates that block somewhere in `new` where `old` neither warned nor blocked; `class_default`
/// is the class `default` VexTrust set's action where no file configures it.
pub fn to_block(old: &StellaConfig, new: &StellaConfig, class_default: Action) -> Vec<ToBlock> {
    let mut out = Vec::new();
    if new.vex_trust.enabled.value {
        let mut environments = vex_environments(new);
        for env in vex_environments(old) {
            if !environments.contains(&env) {
                environments.push(env);
            }
        }
        for env in environments {
            let resolved = new.vex_trust.resolve(&env, None, false);
            if resolved.failure_action(class_default) != Action::Block {
                continue;
            }
            let before = old
                .vex_trust
                .resolve(&env, None, false)
                .failure_action(class_default);
            let baseline = if !old.vex_trust.enabled.value {
                "had the gate disabled".to_owned()
            } else if before == Action::Warn || before == Action::Block {
                continue;
            } else {
                format!("used `{}` there", before.as_str())
            };
            let class_default = resolved.rests_on_class_default();
            let now = resolved.thresholds;
            out.push(ToBlock {
                gate: "VexTrust",
                environment: env.clone(),
                baseline,
                loc: now.failure_action.loc,
                fallback: new
                    .vex_trust
                    .enabled
                    .loc
                    .or(gate_loc(new, GateId::VexTrust)),
                pointer: format!("/VexTrust/Thresholds/{env}/FailureAction"),
                class_default,
            });
        }
    }
    let runtime = [
        (
            "ExecutionEvidence",
            "MissingEvidenceAction",
            GateId::ExecutionEvidence,
            &new.execution_evidence.enabled,
            &new.execution_evidence.missing_evidence_action,
            &old.execution_evidence.enabled,
            &old.execution_evidence.missing_evidence_action,
        ),
        (
            "BeaconRate",
            "BelowThresholdAction",
            GateId::BeaconRate,
            &new.beacon_rate.enabled,
            &new.beacon_rate.below_threshold_action,
            &old.beacon_rate.enabled,
            &old.beacon_rate.below_threshold_action,
        ),
    ];
    for (gate, key, id, enabled, action, old_enabled, old_action) in runtime {
        if !enabled.value || action.value != Action::Block {
            continue;
        }
        let baseline = if !old_enabled.value {
            "had the gate disabled".to_owned()
        } else if old_action.value == Action::Allow {
            "used `Allow`".to_owned()
        } else {
            continue;
        };
        out.push(ToBlock {
            gate,
            environment: "its required environments".to_owned(),
            baseline,
            loc: action.loc,
            fallback: enabled.loc.or(gate_loc(new, id)),
            pointer: format!("/{gate}/{key}"),
            class_default: false,
        });
    }
    out
}

/// A production value the candidate loosens.
#[derive(Clone, Debug)]
pub struct Loosened {
    pub what: String,
    pub candidate: String,
    pub baseline: String,
    pub loc: Option<Loc>,
    pub pointer: String,
}

fn number(
    out: &mut Vec<Loosened>,
    what: &str,
    pointer: &str,
    direction: Direction,
    old: f64,
    new: &Spanned<f64>,
) {
    if direction.weaker(new.value, old) {
        out.push(Loosened {
            what: format!("`{what}`"),
            candidate: num(new.value),
            baseline: num(old),
            loc: new.loc,
            pointer: pointer.to_owned(),
        });
    }
}

fn optional(value: Option<i64>) -> String {
    value.map_or_else(|| "unlimited".to_owned(), |v| v.to_string())
}

/// Production values loosened from `old` to `new`.
pub fn loosened(old: &StellaConfig, new: &StellaConfig) -> Vec<Loosened> {
    let mut out = Vec::new();
    let higher = Direction::HigherIsStricter;
    let lower = Direction::LowerIsStricter;
    let (a, b) = (
        old.vex_trust.resolve("production", None, false).thresholds,
        new.vex_trust.resolve("production", None, false).thresholds,
    );
    if new.vex_trust.enabled.value {
        number(
            &mut out,
            "VexTrust MinCompositeScore",
            "/VexTrust/Thresholds/production/MinCompositeScore",
            higher,
            a.min_composite_score.value,
            &b.min_composite_score,
        );
        let (old_rate, new_rate) = (
            a.min_accuracy_rate.value.unwrap_or(0.0),
            b.min_accuracy_rate.value.unwrap_or(0.0),
        );
        if new_rate < old_rate {
            out.push(Loosened {
                what: "`VexTrust MinAccuracyRate`".to_owned(),
                candidate: b
                    .min_accuracy_rate
                    .value
                    .map_or_else(|| "null (no check)".to_owned(), num),
                baseline: num(old_rate),
                loc: b.min_accuracy_rate.loc,
                pointer: "/VexTrust/Thresholds/production/MinAccuracyRate".to_owned(),
            });
        }
        let extra = extra_freshness(&b.acceptable_freshness.value, &a.acceptable_freshness.value);
        if !extra.is_empty() {
            out.push(Loosened {
                what: "`VexTrust AcceptableFreshness`".to_owned(),
                candidate: format!("[{}]", b.acceptable_freshness.value.join(", ")),
                baseline: format!("[{}]", a.acceptable_freshness.value.join(", ")),
                loc: b.acceptable_freshness.loc,
                pointer: "/VexTrust/Thresholds/production/AcceptableFreshness".to_owned(),
            });
        }
        if a.require_issuer_verified.value && !b.require_issuer_verified.value {
            out.push(Loosened {
                what: "`VexTrust RequireIssuerVerified`".to_owned(),
                candidate: "false".to_owned(),
                baseline: "true".to_owned(),
                loc: b.require_issuer_verified.loc,
                pointer: "/VexTrust/Thresholds/production/RequireIssuerVerified".to_owned(),
            });
        }
        let (old_missing, new_missing) = (
            &old.vex_trust.missing_trust_behavior,
            &new.vex_trust.missing_trust_behavior,
        );
        if action_rank(new_missing.value) < action_rank(old_missing.value) {
            out.push(Loosened {
                what: "`VexTrust MissingTrustBehavior`".to_owned(),
                candidate: new_missing.value.as_str().to_owned(),
                baseline: old_missing.value.as_str().to_owned(),
                loc: new_missing.loc,
                pointer: "/VexTrust/MissingTrustBehavior".to_owned(),
            });
        }
    }
    if let (Some(old_conf), Some(new_conf)) = (
        lookup(&old.confidence.thresholds, "production"),
        lookup(&new.confidence.thresholds, "production"),
    ) {
        number(
            &mut out,
            "Confidence threshold",
            "/Confidence/thresholds/production",
            higher,
            old_conf.value,
            new_conf,
        );
    }
    if new.determinization.configured {
        let (a, _) = old.determinization.thresholds("production");
        let (b, _) = new.determinization.thresholds("production");
        let p = "/Determinization/EnvironmentThresholds/production";
        number(
            &mut out,
            "determinization MinConfidence",
            &format!("{p}/MinConfidence"),
            higher,
            a.min_confidence.value,
            &b.min_confidence,
        );
        number(
            &mut out,
            "determinization MaxEntropy",
            &format!("{p}/MaxEntropy"),
            lower,
            a.max_entropy.value,
            &b.max_entropy,
        );
        number(
            &mut out,
            "determinization EpssThreshold",
            &format!("{p}/EpssThreshold"),
            lower,
            a.epss_threshold.value,
            &b.epss_threshold,
        );
        if a.require_reachability.value && !b.require_reachability.value {
            out.push(Loosened {
                what: "determinization `RequireReachability`".to_owned(),
                candidate: "false".to_owned(),
                baseline: "true".to_owned(),
                loc: b.require_reachability.loc,
                pointer: format!("{p}/RequireReachability"),
            });
        }
    }
    let (a, b) = (
        old.epss_threshold.for_environment("production").0,
        new.epss_threshold.for_environment("production").0,
    );
    number(
        &mut out,
        "EpssThreshold Threshold",
        "/EpssThreshold/Threshold",
        lower,
        a.threshold.value,
        &b.threshold,
    );
    let (a, b) = (
        old.reachable_cve.for_environment("production").0,
        new.reachable_cve.for_environment("production").0,
    );
    number(
        &mut out,
        "ReachableCve SeverityThreshold",
        "/ReachableCve/SeverityThreshold",
        lower,
        a.severity_threshold.value,
        &b.severity_threshold,
    );
    let (a, b) = (
        old.cve_delta.for_environment("production").0,
        new.cve_delta.for_environment("production").0,
    );
    number(
        &mut out,
        "CveDelta NewCveSeverityThreshold",
        "/CveDelta/NewCveSeverityThreshold",
        lower,
        a.new_cve_severity_threshold.value,
        &b.new_cve_severity_threshold,
    );
    let (a, b) = (
        old.release_aggregate_cve.for_environment("production").0,
        new.release_aggregate_cve.for_environment("production").0,
    );
    let limit = |value: Option<i64>| value.map_or(f64::INFINITY, |v| v as f64);
    for (key, before, after) in [
        ("MaxCritical", &a.max_critical, &b.max_critical),
        ("MaxHigh", &a.max_high, &b.max_high),
        ("MaxMedium", &a.max_medium, &b.max_medium),
        ("MaxLow", &a.max_low, &b.max_low),
        ("MaxTotal", &a.max_total, &b.max_total),
    ] {
        if limit(after.value) > limit(before.value) {
            out.push(Loosened {
                what: format!("`ReleaseAggregateCve {key}`"),
                candidate: optional(after.value),
                baseline: optional(before.value),
                loc: after.loc,
                pointer: format!("/ReleaseAggregateCve/{key}"),
            });
        }
    }
    out
}

/// A production failure action relaxed from the baseline.
#[derive(Clone, Debug)]
pub struct Relaxed {
    pub gate: &'static str,
    pub key: &'static str,
    pub candidate: &'static str,
    pub baseline: &'static str,
    pub loc: Option<Loc>,
    pub fallback: Option<Loc>,
    pub pointer: String,
}

/// Production failure actions relaxed from `old` to `new` (gates enabled on both sides).
pub fn actions_relaxed(old: &StellaConfig, new: &StellaConfig) -> Vec<Relaxed> {
    let mut out = Vec::new();
    if old.vex_trust.enabled.value && new.vex_trust.enabled.value {
        let a = old.vex_trust.resolve("production", None, false).thresholds;
        let b = new.vex_trust.resolve("production", None, false).thresholds;
        if action_rank(b.failure_action.value) < action_rank(a.failure_action.value)
            && ProjectFile::here(b.failure_action.loc)
        {
            out.push(Relaxed {
                gate: "VexTrust",
                key: "FailureAction",
                candidate: b.failure_action.value.as_str(),
                baseline: a.failure_action.value.as_str(),
                loc: b.failure_action.loc,
                fallback: gate_loc(new, GateId::VexTrust),
                pointer: "/VexTrust/Thresholds/production/FailureAction".to_owned(),
            });
        }
    }
    let runtime = [
        (
            "ExecutionEvidence",
            "MissingEvidenceAction",
            &old.execution_evidence.enabled,
            &old.execution_evidence.missing_evidence_action,
            &new.execution_evidence.enabled,
            &new.execution_evidence.missing_evidence_action,
            &new.execution_evidence.required_environments.value,
        ),
        (
            "BeaconRate",
            "BelowThresholdAction",
            &old.beacon_rate.enabled,
            &old.beacon_rate.below_threshold_action,
            &new.beacon_rate.enabled,
            &new.beacon_rate.below_threshold_action,
            &new.beacon_rate.required_environments.value,
        ),
    ];
    for (gate, key, old_enabled, old_action, new_enabled, new_action, environments) in runtime {
        let production = environments
            .iter()
            .any(|env| env.eq_ignore_ascii_case("production"));
        if !(old_enabled.value && new_enabled.value && production)
            || action_rank(new_action.value) >= action_rank(old_action.value)
            || !ProjectFile::here(new_action.loc)
        {
            continue;
        }
        out.push(Relaxed {
            gate,
            key,
            candidate: new_action.value.as_str(),
            baseline: old_action.value.as_str(),
            loc: new_action.loc,
            fallback: None,
            pointer: format!("/{gate}/{key}"),
        });
    }
    out
}
