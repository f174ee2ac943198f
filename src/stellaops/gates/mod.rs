//! One pure gate per file: `evaluate(config, input, options) -> GateResult`.

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

use super::input::CveInput;

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
