//! The typed model of a bound Stella Ops configuration.
//!
//! Built from the merged [`ConfigNode`] tree the way .NET's `ConfigurationBinder` fills an
//! options class (see [`super::bind`]); per-environment overrides are laid over the base field by
//! field. Each gate's options and their binding live beside the gate in [`super::gates`]; this
//! module holds the whole configuration, the Determinization and trust-lattice sections, and the
//! builder. The builder never reports unknown keys (the schema stage does) and never fails.

use serde::Serialize;

pub use super::bind::{Action, BindIssue, PerEnvironment, Spanned, lookup};
use super::bind::{Binder, FromScalar, Upsert, d};
use super::config::{ConfigNode, Loc, Scalar};
pub use super::gate_id::{GateId, Root};
pub use super::gates::SimpleGateOptions;
pub use super::gates::beacon_rate::BeaconRateOptions;
pub use super::gates::confidence::ConfidenceOptions;
pub use super::gates::cve_delta::CveDeltaOptions;
pub use super::gates::epss_threshold::{EpssMode, EpssThresholdOptions};
pub use super::gates::execution_evidence::ExecutionEvidenceOptions;
pub use super::gates::kev_blocker::KevBlockerOptions;
pub use super::gates::reachability_requirement::ReachabilityRequirementOptions;
pub use super::gates::reachable_cve::ReachableCveOptions;
pub use super::gates::release_aggregate_cve::ReleaseAggregateCveOptions;
pub use super::gates::source_quota::SourceQuotaOptions;
pub use super::gates::unknowns_budget::UnknownsBudgetOptions;
pub use super::gates::vex_trust::{
    ResolvedThresholds, TenantOverride, ThresholdPatch, VexTrustOptions, VexTrustThresholds,
};
use crate::parse::Node;

// ---------------------------------------------------------------------------------------------
// Determinization configuration (seed 003 §12)

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ConflictAction {
    AutoResolve,
    RequireManualReview,
    RequestVendorClarification,
    Escalate,
    Block,
}

impl ConflictAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictAction::AutoResolve => "AutoResolve",
            ConflictAction::RequireManualReview => "RequireManualReview",
            ConflictAction::RequestVendorClarification => "RequestVendorClarification",
            ConflictAction::Escalate => "Escalate",
            ConflictAction::Block => "Block",
        }
    }
}

impl FromScalar for ConflictAction {
    const EXPECTED: &'static str =
        "`AutoResolve`, `RequireManualReview`, `RequestVendorClarification`, `Escalate` or `Block`";
    fn from_scalar(scalar: &Scalar) -> Option<Self> {
        let Scalar::String(text) = scalar else {
            return None;
        };
        [
            ConflictAction::AutoResolve,
            ConflictAction::RequireManualReview,
            ConflictAction::RequestVendorClarification,
            ConflictAction::Escalate,
            ConflictAction::Block,
        ]
        .into_iter()
        .find(|action| action.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReanalysisTriggers {
    pub epss_delta_threshold: Spanned<f64>,
    pub trigger_on_threshold_crossing: Spanned<bool>,
    pub trigger_on_rekor_entry: Spanned<bool>,
    pub trigger_on_vex_status_change: Spanned<bool>,
    pub trigger_on_runtime_telemetry_change: Spanned<bool>,
    pub trigger_on_patch_proof_added: Spanned<bool>,
    pub trigger_on_dsse_validation_change: Spanned<bool>,
    pub trigger_on_tool_version_change: Spanned<bool>,
}

impl Default for ReanalysisTriggers {
    fn default() -> Self {
        ReanalysisTriggers {
            epss_delta_threshold: d(0.2),
            trigger_on_threshold_crossing: d(true),
            trigger_on_rekor_entry: d(true),
            trigger_on_vex_status_change: d(true),
            trigger_on_runtime_telemetry_change: d(true),
            trigger_on_patch_proof_added: d(true),
            trigger_on_dsse_validation_change: d(true),
            trigger_on_tool_version_change: d(false),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConflictHandling {
    pub vex_reachability_contradiction: Spanned<ConflictAction>,
    pub static_runtime_contradiction: Spanned<ConflictAction>,
    pub vex_status_conflict: Spanned<ConflictAction>,
    pub backport_status_conflict: Spanned<ConflictAction>,
    pub escalation_severity_threshold: Spanned<f64>,
    pub conflict_ttl_hours: Spanned<f64>,
}

impl Default for ConflictHandling {
    fn default() -> Self {
        ConflictHandling {
            vex_reachability_contradiction: d(ConflictAction::RequireManualReview),
            static_runtime_contradiction: d(ConflictAction::RequireManualReview),
            vex_status_conflict: d(ConflictAction::RequestVendorClarification),
            backport_status_conflict: d(ConflictAction::RequireManualReview),
            escalation_severity_threshold: d(0.85),
            conflict_ttl_hours: d(48.0),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentThresholds {
    pub min_confidence: Spanned<f64>,
    pub max_entropy: Spanned<f64>,
    pub epss_threshold: Spanned<f64>,
    pub require_reachability: Spanned<bool>,
}

impl EnvironmentThresholds {
    /// The preset for an environment; any other name gets the strict (production) preset.
    pub fn preset(environment: &str) -> EnvironmentThresholds {
        let (confidence, entropy, epss, reachability) =
            match environment.to_ascii_lowercase().as_str() {
                "staging" => (0.60, 0.5, 0.4, true),
                "development" => (0.40, 0.7, 0.6, false),
                _ => (0.75, 0.3, 0.3, true),
            };
        EnvironmentThresholds {
            min_confidence: d(confidence),
            max_entropy: d(entropy),
            epss_threshold: d(epss),
            require_reachability: d(reachability),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeterminizationConfig {
    /// Whether any determinization section was configured.
    pub configured: bool,
    pub enabled: Spanned<bool>,
    pub reanalysis_triggers: ReanalysisTriggers,
    pub conflict_handling: ConflictHandling,
    pub environment_thresholds: Vec<(String, EnvironmentThresholds)>,
}

impl Default for DeterminizationConfig {
    fn default() -> Self {
        DeterminizationConfig {
            configured: false,
            enabled: d(true),
            reanalysis_triggers: ReanalysisTriggers::default(),
            conflict_handling: ConflictHandling::default(),
            environment_thresholds: ["production", "staging", "development"]
                .into_iter()
                .map(|env| (env.to_owned(), EnvironmentThresholds::preset(env)))
                .collect(),
        }
    }
}

impl DeterminizationConfig {
    /// Thresholds for an environment (ignoring case); unknown names get the production preset.
    pub fn thresholds(&self, environment: &str) -> (EnvironmentThresholds, String) {
        match lookup(&self.environment_thresholds, environment) {
            Some(set) => (set.clone(), environment.to_ascii_lowercase()),
            None => (
                lookup(&self.environment_thresholds, "production")
                    .cloned()
                    .unwrap_or_else(|| EnvironmentThresholds::preset("production")),
                "production".to_owned(),
            ),
        }
    }

    fn bind(&mut self, binder: &mut Binder<'_>, node: &ConfigNode, path: &str) {
        self.configured = true;
        binder.set(&mut self.enabled, node, "Enabled", path);
        if let Some(t) = node.child("ReanalysisTriggers") {
            let p = format!("{path}:ReanalysisTriggers");
            let r = &mut self.reanalysis_triggers;
            binder.set(&mut r.epss_delta_threshold, t, "EpssDeltaThreshold", &p);
            binder.set(
                &mut r.trigger_on_threshold_crossing,
                t,
                "TriggerOnThresholdCrossing",
                &p,
            );
            binder.set(&mut r.trigger_on_rekor_entry, t, "TriggerOnRekorEntry", &p);
            binder.set(
                &mut r.trigger_on_vex_status_change,
                t,
                "TriggerOnVexStatusChange",
                &p,
            );
            binder.set(
                &mut r.trigger_on_runtime_telemetry_change,
                t,
                "TriggerOnRuntimeTelemetryChange",
                &p,
            );
            binder.set(
                &mut r.trigger_on_patch_proof_added,
                t,
                "TriggerOnPatchProofAdded",
                &p,
            );
            binder.set(
                &mut r.trigger_on_dsse_validation_change,
                t,
                "TriggerOnDsseValidationChange",
                &p,
            );
            binder.set(
                &mut r.trigger_on_tool_version_change,
                t,
                "TriggerOnToolVersionChange",
                &p,
            );
        }
        if let Some(c) = node.child("ConflictHandling") {
            let p = format!("{path}:ConflictHandling");
            let h = &mut self.conflict_handling;
            binder.set(
                &mut h.vex_reachability_contradiction,
                c,
                "VexReachabilityContradiction",
                &p,
            );
            binder.set(
                &mut h.static_runtime_contradiction,
                c,
                "StaticRuntimeContradiction",
                &p,
            );
            binder.set(&mut h.vex_status_conflict, c, "VexStatusConflict", &p);
            binder.set(
                &mut h.backport_status_conflict,
                c,
                "BackportStatusConflict",
                &p,
            );
            binder.set(
                &mut h.escalation_severity_threshold,
                c,
                "EscalationSeverityThreshold",
                &p,
            );
            binder.set(&mut h.conflict_ttl_hours, c, "ConflictTtlHours", &p);
        }
        if let Some(envs) = node.child("EnvironmentThresholds") {
            let mut sets = Upsert::new(&mut self.environment_thresholds);
            for env_node in &envs.children {
                let p = format!("{path}:EnvironmentThresholds:{}", env_node.key);
                let key = env_node.key.clone();
                let set = sets.slot(&key, || EnvironmentThresholds::preset(&key));
                binder.set(&mut set.min_confidence, env_node, "MinConfidence", &p);
                binder.set(&mut set.max_entropy, env_node, "MaxEntropy", &p);
                binder.set(&mut set.epss_threshold, env_node, "EpssThreshold", &p);
                binder.set(
                    &mut set.require_reachability,
                    env_node,
                    "RequireReachability",
                    &p,
                );
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrustLattice {
    pub provenance_weight: Spanned<f64>,
    pub coverage_weight: Spanned<f64>,
    pub replayability_weight: Spanned<f64>,
    pub freshness_half_life_days: Spanned<f64>,
    pub freshness_floor: Spanned<f64>,
    pub conflict_penalty: Spanned<f64>,
}

impl Default for TrustLattice {
    fn default() -> Self {
        TrustLattice {
            provenance_weight: d(0.45),
            coverage_weight: d(0.35),
            replayability_weight: d(0.20),
            freshness_half_life_days: d(90.0),
            freshness_floor: d(0.35),
            conflict_penalty: d(0.25),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The whole configuration

/// Which roots a gate was configured under (several is a finding for the rules stage).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GateSection {
    pub gate: GateId,
    pub roots: Vec<(Root, Option<Loc>)>,
    /// The root whose section is bound.
    pub bound: Root,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StellaConfig {
    /// The layered files, in provider order (index = [`Loc::file`]).
    pub files: Vec<String>,
    pub version: Option<Spanned<String>>,
    pub trust_lattice: Option<TrustLattice>,
    pub evidence_completeness: SimpleGateOptions,
    pub lattice_state: SimpleGateOptions,
    pub vex_trust: VexTrustOptions,
    pub uncertainty_tier: SimpleGateOptions,
    pub confidence: ConfidenceOptions,
    pub execution_evidence: ExecutionEvidenceOptions,
    pub beacon_rate: BeaconRateOptions,
    pub unknowns_budget: UnknownsBudgetOptions,
    pub source_quota: SourceQuotaOptions,
    pub reachability_requirement: ReachabilityRequirementOptions,
    pub epss_threshold: PerEnvironment<EpssThresholdOptions>,
    pub kev_blocker: PerEnvironment<KevBlockerOptions>,
    pub reachable_cve: PerEnvironment<ReachableCveOptions>,
    pub cve_delta: PerEnvironment<CveDeltaOptions>,
    pub release_aggregate_cve: PerEnvironment<ReleaseAggregateCveOptions>,
    pub determinization: DeterminizationConfig,
    /// Gates that were configured at all, with their roots.
    pub sections: Vec<GateSection>,
    pub issues: Vec<BindIssue>,
}

impl AsRef<VexTrustOptions> for StellaConfig {
    fn as_ref(&self) -> &VexTrustOptions {
        &self.vex_trust
    }
}

impl StellaConfig {
    /// Whether the gate's own `Enabled` option is on.
    pub fn gate_enabled(&self, gate: GateId) -> bool {
        match gate {
            GateId::EvidenceCompleteness => self.evidence_completeness.enabled.value,
            GateId::LatticeState => self.lattice_state.enabled.value,
            GateId::VexTrust => self.vex_trust.enabled.value,
            GateId::UncertaintyTier => self.uncertainty_tier.enabled.value,
            GateId::Confidence => self.confidence.enabled.value,
            GateId::ExecutionEvidence => self.execution_evidence.enabled.value,
            GateId::BeaconRate => self.beacon_rate.enabled.value,
            GateId::UnknownsBudget => self.unknowns_budget.enabled.value,
            GateId::SourceQuota => self.source_quota.enabled.value,
            GateId::ReachabilityRequirement => self.reachability_requirement.enabled.value,
            GateId::EpssThreshold => self.epss_threshold.base.enabled.value,
            GateId::KevBlocker => self.kev_blocker.base.enabled.value,
            GateId::ReachableCve => self.reachable_cve.base.enabled.value,
            GateId::CveDelta => self.cve_delta.base.enabled.value,
            GateId::ReleaseAggregateCve => self.release_aggregate_cve.base.enabled.value,
            GateId::Determinization => self.determinization.enabled.value,
        }
    }

    /// Whether the files hold any Stella Ops gate or determinization section.
    pub fn is_stellaops(&self) -> bool {
        !self.sections.is_empty() || self.determinization.configured || self.trust_lattice.is_some()
    }
}

/// The gate sections under each root of the merged tree.
fn gate_roots(tree: &ConfigNode) -> Vec<(Root, &ConfigNode)> {
    let mut roots = Vec::new();
    if let Some(node) = tree.child("PolicyGates") {
        roots.push((Root::PolicyGates, node));
    }
    if let Some(node) = tree.path("Policy:Gates") {
        roots.push((Root::PolicyColonGates, node));
    }
    if let Some(node) = tree.child("gates") {
        roots.push((Root::SampleGates, node));
    }
    roots
}

fn find_section<'a>(roots: &[(Root, &'a ConfigNode)], gate: GateId) -> Vec<(Root, &'a ConfigNode)> {
    let names = gate.section_names();
    let own = [gate.name()];
    let names: &[&str] = if names.is_empty() { &own } else { names };
    let mut found = Vec::new();
    for root in gate.root_preference() {
        for (candidate, node) in roots {
            if *candidate != root {
                continue;
            }
            if let Some(section) = names.iter().find_map(|name| node.child(name)) {
                found.push((root, section));
            }
        }
    }
    found
}

/// Builds the model from layered documents (provider order; later wins).
pub fn build(files: &[(&str, &Node)]) -> StellaConfig {
    let tree = super::config::merge(
        files
            .iter()
            .enumerate()
            .map(|(index, (_, node))| (u32::try_from(index).unwrap_or(u32::MAX), *node)),
    );
    let mut config = StellaConfig {
        files: files.iter().map(|(path, _)| (*path).to_owned()).collect(),
        ..StellaConfig::default()
    };
    let mut issues = Vec::new();
    {
        let mut binder = Binder {
            issues: &mut issues,
        };
        config.version = binder.read(&tree, "version", "");
        if let Some(node) = tree.child("trustLattice") {
            let mut lattice = TrustLattice::default();
            let p = "trustLattice";
            if let Some(w) = node.child("weights") {
                binder.set(
                    &mut lattice.provenance_weight,
                    w,
                    "provenance",
                    "trustLattice:weights",
                );
                binder.set(
                    &mut lattice.coverage_weight,
                    w,
                    "coverage",
                    "trustLattice:weights",
                );
                binder.set(
                    &mut lattice.replayability_weight,
                    w,
                    "replayability",
                    "trustLattice:weights",
                );
            }
            if let Some(f) = node.child("freshness") {
                binder.set(
                    &mut lattice.freshness_half_life_days,
                    f,
                    "halfLifeDays",
                    "trustLattice:freshness",
                );
                binder.set(
                    &mut lattice.freshness_floor,
                    f,
                    "floor",
                    "trustLattice:freshness",
                );
            }
            binder.set(&mut lattice.conflict_penalty, node, "conflictPenalty", p);
            config.trust_lattice = Some(lattice);
        }
        let roots = gate_roots(&tree);
        for gate in GateId::ALL {
            if gate == GateId::Determinization {
                continue;
            }
            let found = find_section(&roots, gate);
            let Some((bound, section)) = found.first().copied() else {
                continue;
            };
            config.sections.push(GateSection {
                gate,
                roots: found
                    .iter()
                    .map(|(root, node)| (*root, node.key_loc))
                    .collect(),
                bound,
            });
            let path = format!("{}:{}", bound.as_str(), section.key);
            let b = &mut binder;
            match gate {
                GateId::EvidenceCompleteness => b.set(
                    &mut config.evidence_completeness.enabled,
                    section,
                    "Enabled",
                    &path,
                ),
                GateId::LatticeState => {
                    b.set(&mut config.lattice_state.enabled, section, "Enabled", &path)
                }
                GateId::UncertaintyTier => b.set(
                    &mut config.uncertainty_tier.enabled,
                    section,
                    "Enabled",
                    &path,
                ),
                GateId::VexTrust => config.vex_trust.bind(b, section, &path),
                GateId::Confidence => config.confidence.bind(b, section, &path),
                GateId::ExecutionEvidence => config.execution_evidence.bind(b, section, &path),
                GateId::BeaconRate => config.beacon_rate.bind(b, section, &path),
                GateId::UnknownsBudget => config.unknowns_budget.bind(b, section, &path),
                GateId::SourceQuota => config.source_quota.bind(b, section, &path),
                GateId::ReachabilityRequirement => {
                    config.reachability_requirement.bind(b, section, &path)
                }
                GateId::EpssThreshold => {
                    config
                        .epss_threshold
                        .bind(b, section, &path, EpssThresholdOptions::bind)
                }
                GateId::KevBlocker => {
                    config
                        .kev_blocker
                        .bind(b, section, &path, KevBlockerOptions::bind)
                }
                GateId::ReachableCve => {
                    config
                        .reachable_cve
                        .bind(b, section, &path, ReachableCveOptions::bind)
                }
                GateId::CveDelta => config
                    .cve_delta
                    .bind(b, section, &path, CveDeltaOptions::bind),
                GateId::ReleaseAggregateCve => config.release_aggregate_cve.bind(
                    b,
                    section,
                    &path,
                    ReleaseAggregateCveOptions::bind,
                ),
                GateId::Determinization => {}
            }
        }
        // The documented JSON (top-level sections), then the appsettings spelling over it.
        let top_level = [
            "reanalysisTriggers",
            "conflictHandling",
            "environmentThresholds",
        ]
        .iter()
        .any(|key| tree.child(key).is_some());
        if top_level {
            config.determinization.bind(&mut binder, &tree, "");
        }
        if let Some(node) = tree.path("Policy:Determinization") {
            config
                .determinization
                .bind(&mut binder, node, "Policy:Determinization");
        }
    }
    config.issues = issues;
    config
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Format, parse};

    fn model(texts: &[&str]) -> StellaConfig {
        let docs: Vec<_> = texts
            .iter()
            .map(|t| {
                let format = if t.trim_start().starts_with('{') {
                    Format::Json
                } else {
                    Format::Yaml
                };
                parse(t, format)
            })
            .collect();
        let files: Vec<(&str, &Node)> = docs
            .iter()
            .map(|d| ("f", d.root.as_ref().unwrap()))
            .collect();
        build(&files)
    }

    #[test]
    fn sample_root_binds_camel_case() {
        let config = model(&[
            "version: \"1.0\"\ngates:\n  vexTrust:\n    thresholds:\n      production:\n        minCompositeScore: 0.9\n        minAccuracyRate: null\n",
        ]);
        let resolved = config.vex_trust.resolve("production", None, false);
        assert_eq!(resolved.thresholds.min_composite_score.value, 0.9);
        assert_eq!(resolved.thresholds.min_accuracy_rate.value, None);
        // untouched fields keep the class default
        assert_eq!(resolved.thresholds.failure_action.value, Action::Block);
    }

    #[test]
    fn layered_files_merge_field_by_field() {
        let config = model(&[
            "PolicyGates:\n  VexTrust:\n    Thresholds:\n      staging:\n        MinCompositeScore: 0.65\n",
            "PolicyGates:\n  VexTrust:\n    Thresholds:\n      staging:\n        FailureAction: Block\n",
        ]);
        let staging = config.vex_trust.resolve("staging", None, false).thresholds;
        assert_eq!(staging.min_composite_score.value, 0.65);
        assert_eq!(staging.failure_action.value, Action::Block);
    }

    #[test]
    fn tenant_override_laid_over_environment() {
        let config = model(&[
            "PolicyGates:\n  VexTrust:\n    TenantOverrides:\n      t1:\n        production:\n          MinCompositeScore: 0.7\n",
        ]);
        let resolved = config.vex_trust.resolve("production", Some("T1"), false);
        assert_eq!(resolved.thresholds.min_composite_score.value, 0.7);
        assert!(resolved.thresholds.require_issuer_verified.value);
        assert_eq!(resolved.tenant.as_deref(), Some("T1"));
    }

    #[test]
    fn cve_environment_overrides_are_partial() {
        let config = model(&[
            r#"{"Policy":{"Gates":{"EpssThreshold":{"Threshold":0.5,"Environments":{"production":{"Mode":"all"}}}}}}"#,
        ]);
        let (prod, overridden) = config.epss_threshold.for_environment("Production");
        assert!(overridden);
        assert_eq!(prod.threshold.value, 0.5);
        assert_eq!(prod.mode(), EpssMode::All);
    }

    #[test]
    fn bad_types_keep_defaults_and_are_recorded() {
        let config = model(&[
            "PolicyGates:\n  VexTrust:\n    Enabled: [1]\n    MissingTrustBehavior: Sometimes\n    Thresholds: 3\n",
        ]);
        assert!(config.vex_trust.enabled.value);
        assert_eq!(config.vex_trust.missing_trust_behavior.value, Action::Warn);
        assert!(!config.issues.is_empty());
    }

    #[test]
    fn determinization_appsettings_spelling() {
        let config = model(&[
            "Policy:\n  Determinization:\n    EnvironmentThresholds:\n      Production:\n        MaxEntropy: 0.25\n",
        ]);
        assert!(config.determinization.configured);
        let (prod, _) = config.determinization.thresholds("production");
        assert_eq!(prod.max_entropy.value, 0.25);
        assert_eq!(prod.epss_threshold.value, 0.3);
    }
}
