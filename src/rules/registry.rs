//! Every rule, in order. A test checks this list against the files in `src/rules/`.

use super::*;
use super::{Rule, RuleMeta};

/// All rules, in documentation order: input (syntax, schema) first, then structure.
pub static RULES: &[&dyn Rule] = &[
    &syntax_error::SyntaxError,
    &duplicate_key::DuplicateKey,
    &multiple_documents::MultipleDocuments,
    &alias_limit::AliasLimit,
    &nesting_too_deep::NestingTooDeep,
    &invalid_utf8::InvalidUtf8,
    &input_too_large::InputTooLarge,
    &non_scalar_key::NonScalarKey,
    &byte_order_mark::ByteOrderMark,
    &mixed_line_endings::MixedLineEndings,
    &non_finite_number::NonFiniteNumber,
    &unknown_key::UnknownKey,
    &case_duplicate_key::CaseDuplicateKey,
    &invalid_type::InvalidType,
    &invalid_value::InvalidValue,
    &out_of_range::OutOfRange,
    &missing_required_key::MissingRequiredKey,
    &schema_violation::SchemaViolation,
    &gate_multiple_roots::GateMultipleRoots,
    &gate_undocumented_root::GateUndocumentedRoot,
    &gait_policy_invalid::GaitPolicyInvalid,
    &gait_schema_drift::GaitSchemaDrift,
    &gait_default_allow::GaitDefaultAllow,
    &gait_no_blocking_rule::GaitNoBlockingRule,
    &gait_shadowed_rule::GaitShadowedRule,
    &gait_duplicate_rule_name::GaitDuplicateRuleName,
    &gait_rule_order_undefined::GaitRuleOrderUndefined,
    &gait_equal_priority_conflict::GaitEqualPriorityConflict,
    &gait_destructive_allow::GaitDestructiveAllow,
    &gait_fail_closed_disabled::GaitFailClosedDisabled,
    &gait_endpoint_destructive_noop::GaitEndpointDestructiveNoop,
    &gait_pattern_never_matches::GaitPatternNeverMatches,
    &gait_unknown_selector_value::GaitUnknownSelectorValue,
    &unused_suppression::UnusedSuppression,
    &require_suppression_reason::RequireSuppressionReason,
    &vex_trust_production_score_weaker::VexTrustProductionScoreWeaker,
    &vex_trust_production_accuracy_weaker::VexTrustProductionAccuracyWeaker,
    &determinization_production_confidence_weaker::DeterminizationProductionConfidenceWeaker,
    &determinization_production_entropy_weaker::DeterminizationProductionEntropyWeaker,
    &determinization_production_epss_weaker::DeterminizationProductionEpssWeaker,
    &confidence_production_weaker::ConfidenceProductionWeaker,
    &vex_trust_production_freshness_wider::VexTrustProductionFreshnessWider,
    &vex_trust_production_freshness_beyond_fresh::VexTrustProductionFreshnessBeyondFresh,
    &vex_trust_production_issuer_unverified::VexTrustProductionIssuerUnverified,
    &vex_trust_missing_trust_allow::VexTrustMissingTrustAllow,
    &vex_trust_production_action_weaker::VexTrustProductionActionWeaker,
    &vex_trust_production_warn_only::VexTrustProductionWarnOnly,
    &vex_trust_tenant_bypass::VexTrustTenantBypass,
    &vex_trust_tenant_override_weaker::VexTrustTenantOverrideWeaker,
    &vex_trust_default_weaker::VexTrustDefaultWeaker,
    &vex_trust_statuses_incomplete::VexTrustStatusesIncomplete,
    &gate_missing_production_thresholds::GateMissingProductionThresholds,
    &determinization_production_reachability_off::DeterminizationProductionReachabilityOff,
    &determinization_vex_trigger_disabled::DeterminizationVexTriggerDisabled,
    &determinization_epss_delta_too_large::DeterminizationEpssDeltaTooLarge,
    &determinization_conflict_auto_resolve::DeterminizationConflictAutoResolve,
    &execution_evidence_production_not_required::ExecutionEvidenceProductionNotRequired,
    &beacon_rate_production_not_required::BeaconRateProductionNotRequired,
    &execution_evidence_vacuous_minimums::ExecutionEvidenceVacuousMinimums,
    &beacon_rate_vacuous_minimums::BeaconRateVacuousMinimums,
    &cve_gate_production_weaker::CveGateProductionWeaker,
    &cve_gate_production_disabled::CveGateProductionDisabled,
    &epss_mode_all_production::EpssModeAllProduction,
    &kev_grace_period_production::KevGracePeriodProduction,
    &gate_order_differs::GateOrderDiffers,
    &trust_lattice_weights_sum::TrustLatticeWeightsSum,
    &reachability_bypass_reasons_widened::ReachabilityBypassReasonsWidened,
    &shadow_phase_skipped::ShadowPhaseSkipped,
    &gate_enabled_blocking::GateEnabledBlocking,
    &production_threshold_loosened::ProductionThresholdLoosened,
    &production_action_relaxed::ProductionActionRelaxed,
    &gate_disabled::GateDisabled,
    &bypass_override_added::BypassOverrideAdded,
    &gait_enforce_without_dry_run::GaitEnforceWithoutDryRun,
    &gait_default_verdict_relaxed::GaitDefaultVerdictRelaxed,
    &gait_destructive_tool_relaxed::GaitDestructiveToolRelaxed,
    &fixture_mismatch::FixtureMismatch,
    &fixture_error::FixtureError,
    &policy_not_exercised::PolicyNotExercised,
    &gate_not_exercised::GateNotExercised,
    &environment_not_exercised::EnvironmentNotExercised,
    &tenant_not_exercised::TenantNotExercised,
    &verdict_loosened::VerdictLoosened,
    &verdict_tightened::VerdictTightened,
];

pub fn find(id: &str) -> Option<&'static RuleMeta> {
    RULES
        .iter()
        .map(|rule| rule.meta())
        .find(|meta| meta.id.as_str() == id)
}

/// Metadata of every rule.
pub fn all() -> impl Iterator<Item = &'static RuleMeta> {
    RULES.iter().map(|rule| rule.meta())
}
