//! Transition rules: the candidate version of a file against its baseline version, paired by
//! [`ProjectContext::pairs`](crate::rules::ProjectContext::pairs). [`changes`] holds the model
//! comparisons several of them share.

pub mod bypass_override_added;
pub mod changes;
pub mod gait_catch_all_rule_added;
pub mod gait_default_verdict_relaxed;
pub mod gait_destructive_tool_relaxed;
pub mod gait_enforce_without_dry_run;
pub mod gait_fail_closed_relaxed;
pub mod gate_disabled;
pub mod gate_enabled_blocking;
pub mod production_action_relaxed;
pub mod production_threshold_loosened;
pub mod shadow_phase_skipped;
