//! Gait rules: one policy as Gait's loader reads it (rules, verdicts, matchers, registries).

pub mod gait_approved_script_never_matches;
pub mod gait_default_allow;
pub mod gait_destructive_allow;
pub mod gait_duplicate_rule_name;
pub mod gait_endpoint_destructive_noop;
pub mod gait_equal_priority_conflict;
pub mod gait_fail_closed_disabled;
pub mod gait_no_blocking_rule;
pub mod gait_pattern_never_matches;
pub mod gait_policy_invalid;
pub mod gait_rule_order_undefined;
pub mod gait_schema_drift;
pub mod gait_shadowed_rule;
pub mod gait_unknown_selector_value;

use crate::finding::{Applicability, Edit, Fix};
use crate::span::Span;

/// `gatelint fmt` on the policy, as one edit replacing the whole file with the formatter's
/// output (which keeps every comment and the policy digest; see [`crate::gait::fmt`]). `None`
/// when the file is not a Gait policy, does not load, or is formatted already.
pub fn format_fix(cx: &super::FileContext<'_>) -> Option<Fix> {
    if cx.classified.map(|classified| classified.kind)
        != Some(crate::classify::FileKind::GaitPolicy)
    {
        return None;
    }
    let text = &cx.source.text;
    let formatted = crate::gait::fmt::format_policy(text).ok()?;
    (formatted != **text).then(|| {
        Fix::single(
            Applicability::Safe,
            "format the policy as `gatelint fmt` does",
            Edit::replace(Span::new(0, text.len()), formatted),
        )
    })
}
