//! One gate per file: its options, how they bind, and the pure
//! `evaluate(gate options, input, semantics, detail) -> GateResult`.

pub mod beacon_rate;
pub mod confidence;
pub mod cve_delta;
pub mod epss_threshold;
pub mod evidence_completeness;
pub mod execution_evidence;
pub mod kev_blocker;
pub mod lattice_state;
pub mod reachability_requirement;
pub mod reachable_cve;
pub mod release_aggregate_cve;
pub mod source_quota;
pub mod uncertainty_tier;
pub mod unknowns_budget;
pub mod vex_trust;

use serde::Serialize;

use super::bind::{Spanned, d};
use super::input::CveInput;

/// The options of a gate whose only option is `Enabled`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SimpleGateOptions {
    pub enabled: Spanned<bool>,
}

impl Default for SimpleGateOptions {
    fn default() -> Self {
        SimpleGateOptions { enabled: d(true) }
    }
}

/// Reachability of one CVE finding as the CVE gates read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CveReach {
    Reachable,
    NotReachable,
    Unknown,
    Error,
}

pub(crate) fn cve_reach(cve: &CveInput) -> CveReach {
    match cve
        .reachability
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("reachable" | "partial") => CveReach::Reachable,
        Some("notreachable" | "not_reachable" | "unreachable") => CveReach::NotReachable,
        Some("error") => CveReach::Error,
        _ => CveReach::Unknown,
    }
}

/// Days from `from` to `to` (both dates), when both parse.
pub(crate) fn days_between(from: Option<&str>, to: Option<&str>) -> Option<i64> {
    let from = super::input::epoch_days(from?)?;
    let to = super::input::epoch_days(to?)?;
    Some(to - from)
}
