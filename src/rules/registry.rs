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
    &fixture_mismatch::FixtureMismatch,
    &fixture_error::FixtureError,
    &policy_not_exercised::PolicyNotExercised,
    &gate_not_exercised::GateNotExercised,
    &environment_not_exercised::EnvironmentNotExercised,
    &tenant_not_exercised::TenantNotExercised,
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
