//! Every rule, in order. A test checks this list against the rule files under `src/rules/`.

use super::*;
use super::{Rule, RuleMeta};

/// All rules, in documentation order: input (syntax, schema) first, then structure.
pub static RULES: &[&dyn Rule] = &[
    &input::syntax_error::SyntaxError,
    &input::duplicate_key::DuplicateKey,
    &input::multiple_documents::MultipleDocuments,
    &input::alias_limit::AliasLimit,
    &input::nesting_too_deep::NestingTooDeep,
    &input::invalid_utf8::InvalidUtf8,
    &input::input_too_large::InputTooLarge,
    &input::non_scalar_key::NonScalarKey,
    &input::byte_order_mark::ByteOrderMark,
    &input::mixed_line_endings::MixedLineEndings,
    &input::tab_before_key::TabBeforeKey,
    &input::non_finite_number::NonFiniteNumber,
    &input::unknown_key::UnknownKey,
    &input::case_duplicate_key::CaseDuplicateKey,
    &input::invalid_type::InvalidType,
    &input::invalid_value::InvalidValue,
    &input::out_of_range::OutOfRange,
    &input::missing_required_key::MissingRequiredKey,
    &input::schema_violation::SchemaViolation,
    &input::unreadable_file::UnreadableFile,
    &input::text_encoding::TextEncoding,
    &stellaops::gate_multiple_roots::GateMultipleRoots,
    &stellaops::gate_undocumented_root::GateUndocumentedRoot,
    &gait::gait_policy_invalid::GaitPolicyInvalid,
    &gait::gait_schema_drift::GaitSchemaDrift,
    &gait::gait_default_allow::GaitDefaultAllow,
    &gait::gait_no_blocking_rule::GaitNoBlockingRule,
    &gait::gait_shadowed_rule::GaitShadowedRule,
    &gait::gait_duplicate_rule_name::GaitDuplicateRuleName,
    &gait::gait_rule_order_undefined::GaitRuleOrderUndefined,
    &gait::gait_equal_priority_conflict::GaitEqualPriorityConflict,
    &gait::gait_destructive_allow::GaitDestructiveAllow,
    &gait::gait_fail_closed_disabled::GaitFailClosedDisabled,
    &gait::gait_endpoint_destructive_noop::GaitEndpointDestructiveNoop,
    &gait::gait_pattern_never_matches::GaitPatternNeverMatches,
    &gait::gait_approved_script_never_matches::GaitApprovedScriptNeverMatches,
    &gait::gait_unknown_selector_value::GaitUnknownSelectorValue,
    &suppression::unused_suppression::UnusedSuppression,
    &suppression::require_suppression_reason::RequireSuppressionReason,
    &stellaops::vex_trust_production_score_weaker::VexTrustProductionScoreWeaker,
    &stellaops::vex_trust_production_accuracy_weaker::VexTrustProductionAccuracyWeaker,
    &stellaops::determinization_production_confidence_weaker::DeterminizationProductionConfidenceWeaker,
    &stellaops::determinization_production_entropy_weaker::DeterminizationProductionEntropyWeaker,
    &stellaops::determinization_production_epss_weaker::DeterminizationProductionEpssWeaker,
    &stellaops::confidence_production_weaker::ConfidenceProductionWeaker,
    &stellaops::vex_trust_production_freshness_wider::VexTrustProductionFreshnessWider,
    &stellaops::vex_trust_production_freshness_beyond_fresh::VexTrustProductionFreshnessBeyondFresh,
    &stellaops::vex_trust_production_issuer_unverified::VexTrustProductionIssuerUnverified,
    &stellaops::vex_trust_missing_trust_allow::VexTrustMissingTrustAllow,
    &stellaops::vex_trust_production_action_weaker::VexTrustProductionActionWeaker,
    &stellaops::vex_trust_production_warn_only::VexTrustProductionWarnOnly,
    &stellaops::vex_trust_tenant_bypass::VexTrustTenantBypass,
    &stellaops::vex_trust_tenant_override_weaker::VexTrustTenantOverrideWeaker,
    &stellaops::vex_trust_default_weaker::VexTrustDefaultWeaker,
    &stellaops::vex_trust_statuses_incomplete::VexTrustStatusesIncomplete,
    &stellaops::gate_missing_production_thresholds::GateMissingProductionThresholds,
    &stellaops::determinization_production_reachability_off::DeterminizationProductionReachabilityOff,
    &stellaops::determinization_vex_trigger_disabled::DeterminizationVexTriggerDisabled,
    &stellaops::determinization_epss_delta_too_large::DeterminizationEpssDeltaTooLarge,
    &stellaops::determinization_conflict_auto_resolve::DeterminizationConflictAutoResolve,
    &stellaops::execution_evidence_production_not_required::ExecutionEvidenceProductionNotRequired,
    &stellaops::beacon_rate_production_not_required::BeaconRateProductionNotRequired,
    &stellaops::execution_evidence_vacuous_minimums::ExecutionEvidenceVacuousMinimums,
    &stellaops::beacon_rate_vacuous_minimums::BeaconRateVacuousMinimums,
    &stellaops::cve_gate_production_weaker::CveGateProductionWeaker,
    &stellaops::cve_gate_production_disabled::CveGateProductionDisabled,
    &stellaops::epss_mode_all_production::EpssModeAllProduction,
    &stellaops::kev_grace_period_production::KevGracePeriodProduction,
    &stellaops::gate_order_differs::GateOrderDiffers,
    &stellaops::trust_lattice_weights_sum::TrustLatticeWeightsSum,
    &stellaops::reachability_bypass_reasons_widened::ReachabilityBypassReasonsWidened,
    &transition::shadow_phase_skipped::ShadowPhaseSkipped,
    &transition::gate_enabled_blocking::GateEnabledBlocking,
    &transition::production_threshold_loosened::ProductionThresholdLoosened,
    &transition::production_action_relaxed::ProductionActionRelaxed,
    &transition::gate_disabled::GateDisabled,
    &transition::bypass_override_added::BypassOverrideAdded,
    &transition::gait_enforce_without_dry_run::GaitEnforceWithoutDryRun,
    &transition::gait_default_verdict_relaxed::GaitDefaultVerdictRelaxed,
    &transition::gait_destructive_tool_relaxed::GaitDestructiveToolRelaxed,
    &transition::gait_fail_closed_relaxed::GaitFailClosedRelaxed,
    &transition::gait_catch_all_rule_added::GaitCatchAllRuleAdded,
    &replay::fixture_mismatch::FixtureMismatch,
    &replay::fixture_error::FixtureError,
    &replay::fixture_suite_empty::FixtureSuiteEmpty,
    &replay::policy_not_exercised::PolicyNotExercised,
    &replay::gate_not_exercised::GateNotExercised,
    &replay::environment_not_exercised::EnvironmentNotExercised,
    &replay::fixture_environment_unconfigured::FixtureEnvironmentUnconfigured,
    &replay::tenant_not_exercised::TenantNotExercised,
    &replay::verdict_loosened::VerdictLoosened,
    &replay::verdict_tightened::VerdictTightened,
    &replay::verdict_rule_changed::VerdictRuleChanged,
];

pub fn find(id: &str) -> Option<&'static RuleMeta> {
    RULES
        .iter()
        .map(|rule| rule.meta())
        .find(|meta| meta.id.as_str() == id)
}

/// The rule id closest to `id`, when it is close enough to be a typo of it.
pub fn suggest(id: &str) -> Option<String> {
    crate::schema::suggest(id, all().map(|meta| meta.id.as_str()))
}

/// Metadata of every rule.
pub fn all() -> impl Iterator<Item = &'static RuleMeta> {
    RULES.iter().map(|rule| rule.meta())
}
