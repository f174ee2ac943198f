//! Choices the public Stella Ops documentation leaves open, each with its alternative.
//! Every field is documented in `docs/semantics/stellaops.md`; the integrator loads this struct
//! from the `[stellaops]` table of `gatelint.toml`.

use serde::{Deserialize, Serialize};

use super::bind::Action;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SemanticsOptions {
    /// `MissingTrustBehavior` when the configuration does not set it.
    pub missing_trust_behavior_default: Action,
    /// `FailureAction` of the class-default `default` threshold set.
    pub default_environment_failure_action: Action,
    /// How a tenant override combines with the environment's thresholds.
    pub tenant_override_merge: TenantMerge,
    /// Whether an absent `accuracyRate`/`freshness` in the trust data fails its check (`true`) or
    /// leaves the check unperformed (`false`).
    pub absent_trust_fields_fail: bool,
    /// Outcome of `not_affected` with lattice state `SU`/`RU` and no `justification`.
    pub lattice_missing_justification: Action,
    /// Outcome of `affected` with uncertainty tier `T1` ("review required").
    pub uncertainty_affected_t1: ReviewOutcome,
    /// Outcome of ExecutionEvidence when evidence exists but its trace quality is insufficient.
    pub execution_evidence_insufficient_quality: QualityOutcome,
    /// Whether a confidence equal to the `minimumConfidence` threshold passes.
    pub confidence_inclusive: bool,
    /// Whether an EPSS equal to the EpssThreshold gate's `Threshold` blocks.
    pub epss_gate_block_inclusive: bool,
    /// Whether a CVSS equal to ReachableCve's `SeverityThreshold` blocks.
    pub reachable_cve_block_inclusive: bool,
    /// Share of a ReleaseAggregateCve limit at which a warning starts.
    pub aggregate_warn_ratio: f64,
    /// Whether a count exactly at `aggregate_warn_ratio` of its limit warns.
    pub aggregate_warn_inclusive: bool,
    pub determinization: DeterminizationSemantics,
}

impl Default for SemanticsOptions {
    fn default() -> Self {
        SemanticsOptions {
            missing_trust_behavior_default: Action::Warn,
            default_environment_failure_action: Action::Warn,
            tenant_override_merge: TenantMerge::Field,
            absent_trust_fields_fail: false,
            lattice_missing_justification: Action::Warn,
            uncertainty_affected_t1: ReviewOutcome::Warn,
            execution_evidence_insufficient_quality: QualityOutcome::Block,
            confidence_inclusive: true,
            epss_gate_block_inclusive: false,
            reachable_cve_block_inclusive: false,
            aggregate_warn_ratio: 0.8,
            aggregate_warn_inclusive: false,
            determinization: DeterminizationSemantics::default(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenantMerge {
    /// Fields the tenant sets replace the environment's; the others stay.
    Field,
    /// The tenant's set replaces the environment's; unset fields take the class `default`.
    Replace,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewOutcome {
    Warn,
    Escalate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QualityOutcome {
    Block,
    MissingEvidenceAction,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuarantineVerdict {
    Blocked,
    Deferred,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SignalWeights {
    pub vex: f64,
    pub epss: f64,
    pub reachability: f64,
    pub runtime: f64,
    pub backport: f64,
    pub sbom_lineage: f64,
}

impl Default for SignalWeights {
    fn default() -> Self {
        SignalWeights {
            vex: 0.25,
            epss: 0.15,
            reachability: 0.25,
            runtime: 0.15,
            backport: 0.10,
            sbom_lineage: 0.10,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeterminizationSemantics {
    /// Weights of the signals; entropy is the weighted share of the missing ones.
    pub signal_weights: SignalWeights,
    /// Evidence older than this many days is stale (strict `>`).
    pub stale_evidence_days: f64,
    /// "High confidence" for UnreachableAllow; `None`: the environment's `MinConfidence`.
    pub high_confidence: Option<f64>,
    /// "Moderate uncertainty" for rule 80: entropy at most this.
    pub moderate_entropy_max: f64,
    /// "Reasonable trust" for rule 80: trust at least this.
    pub reasonable_trust_min: f64,
    /// The verdict of the quarantine rules (20, 25).
    pub quarantine_verdict: QuarantineVerdict,
    /// Whether conflict detection runs (between the anchored and the standard rules).
    pub detect_conflicts: bool,
    /// EPSS below this together with KEV is an `EpssRiskContradiction`.
    pub low_epss: f64,
}

impl Default for DeterminizationSemantics {
    fn default() -> Self {
        DeterminizationSemantics {
            signal_weights: SignalWeights::default(),
            stale_evidence_days: 14.0,
            high_confidence: None,
            moderate_entropy_max: 0.6,
            reasonable_trust_min: 0.5,
            quarantine_verdict: QuarantineVerdict::Blocked,
            detect_conflicts: true,
            low_epss: 0.1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_from_toml_with_defaults() {
        let options: SemanticsOptions = toml::from_str(
            "missing_trust_behavior_default = \"Block\"\n[determinization]\nstale_evidence_days = 7.0\n",
        )
        .unwrap();
        assert_eq!(options.missing_trust_behavior_default, Action::Block);
        assert_eq!(options.determinization.stale_evidence_days, 7.0);
        assert!(options.confidence_inclusive);
    }
}
