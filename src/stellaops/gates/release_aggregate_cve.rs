//! ReleaseAggregateCve (`release-aggregate-cve`, `Policy:Gates:ReleaseAggregateCve`): counts
//! CVEs by severity; a count above its limit blocks ("exceeded", strict), a count above 80% of
//! its limit warns.

use serde::Serialize;
use serde_json::json;

use super::{CveReach, cve_reach};
use crate::stellaops::bind::{Binder, PerEnvironment, Spanned, d};
use crate::stellaops::config::ConfigNode;
use crate::stellaops::gate_id::GateId;
use crate::stellaops::input::CaseInput;
use crate::stellaops::semantics::SemanticsOptions;
use crate::stellaops::verdict::{Detail, GateOutcome, GateResult};

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseAggregateCveOptions {
    pub enabled: Spanned<bool>,
    pub max_critical: Spanned<Option<i64>>,
    pub max_high: Spanned<Option<i64>>,
    pub max_medium: Spanned<Option<i64>>,
    pub max_low: Spanned<Option<i64>>,
    pub max_total: Spanned<Option<i64>>,
    pub count_suppressed: Spanned<bool>,
    pub only_count_reachable: Spanned<bool>,
}

impl Default for ReleaseAggregateCveOptions {
    fn default() -> Self {
        ReleaseAggregateCveOptions {
            enabled: d(true),
            max_critical: d(Some(0)),
            max_high: d(Some(3)),
            max_medium: d(Some(20)),
            max_low: d(None),
            max_total: d(None),
            count_suppressed: d(false),
            only_count_reachable: d(false),
        }
    }
}

impl ReleaseAggregateCveOptions {
    pub(in crate::stellaops) fn bind(
        &mut self,
        binder: &mut Binder<'_>,
        node: &ConfigNode,
        path: &str,
    ) {
        binder.set(&mut self.enabled, node, "Enabled", path);
        binder.set(&mut self.max_critical, node, "MaxCritical", path);
        binder.set(&mut self.max_high, node, "MaxHigh", path);
        binder.set(&mut self.max_medium, node, "MaxMedium", path);
        binder.set(&mut self.max_low, node, "MaxLow", path);
        binder.set(&mut self.max_total, node, "MaxTotal", path);
        binder.set(&mut self.count_suppressed, node, "CountSuppressed", path);
        binder.set(
            &mut self.only_count_reachable,
            node,
            "OnlyCountReachable",
            path,
        );
    }
}

const GATE: GateId = GateId::ReleaseAggregateCve;

pub fn evaluate(
    gate: &PerEnvironment<ReleaseAggregateCveOptions>,
    input: &CaseInput,
    options: &SemanticsOptions,
    detail: Detail,
) -> GateResult {
    let Some(cves) = &input.cves else {
        return GateResult::skip(GATE, "no CVE findings in the case");
    };
    let (gate, overridden) = gate.for_environment(&input.environment);
    if !gate.enabled.value {
        return GateResult::skip(
            GATE,
            format!(
                "ReleaseAggregateCve gate is disabled for environment '{}'",
                input.environment
            ),
        );
    }
    let (mut critical, mut high, mut medium, mut low, mut total) = (0i64, 0i64, 0i64, 0i64, 0i64);
    for cve in cves {
        if cve.suppressed == Some(true) && !gate.count_suppressed.value {
            continue;
        }
        if gate.only_count_reachable.value && cve_reach(cve) != CveReach::Reachable {
            continue;
        }
        total += 1;
        match cve.cvss {
            Some(score) if score >= 9.0 => critical += 1,
            Some(score) if score >= 7.0 => high += 1,
            Some(score) if score >= 4.0 => medium += 1,
            Some(score) if score >= 0.1 => low += 1,
            _ => {}
        }
    }
    let rows = [
        ("Critical", critical, gate.max_critical.value),
        ("High", high, gate.max_high.value),
        ("Medium", medium, gate.max_medium.value),
        ("Low", low, gate.max_low.value),
        ("Total", total, gate.max_total.value),
    ];
    let details = || {
        json!({
            "counts": { "critical": critical, "high": high, "medium": medium, "low": low, "total": total },
            "limits": { "maxCritical": gate.max_critical.value, "maxHigh": gate.max_high.value, "maxMedium": gate.max_medium.value, "maxLow": gate.max_low.value, "maxTotal": gate.max_total.value },
            "environmentOverride": overridden,
        })
    };
    let exceeded: Vec<String> = rows
        .iter()
        .filter_map(|(name, count, max)| {
            max.filter(|max| count > max)
                .map(|max| format!("{name} {count} > {max}"))
        })
        .collect();
    if !exceeded.is_empty() {
        return GateResult::new(
            GATE,
            GateOutcome::Block,
            format!("Release CVE limits exceeded: {}", exceeded.join(", ")),
        )
        .reason("aggregate_limit_exceeded")
        .details(detail, details);
    }
    let ratio = options.aggregate_warn_ratio;
    let approaching: Vec<String> = rows
        .iter()
        .filter_map(|(name, count, max)| {
            let max = (*max)?;
            let level = ratio * max as f64;
            let near = max > 0
                && if options.aggregate_warn_inclusive {
                    *count as f64 >= level
                } else {
                    *count as f64 > level
                };
            near.then(|| format!("{name} {count}/{max}"))
        })
        .collect();
    let counts = format!("Critical: {critical}, High: {high}, Medium: {medium}, Low: {low}");
    if !approaching.is_empty() {
        return GateResult::new(
            GATE,
            GateOutcome::Warn,
            format!(
                "Release CVE counts approach limits ({}% threshold): {}. {counts}",
                (ratio * 100.0).round(),
                approaching.join(", ")
            ),
        )
        .reason("aggregate_limit_approaching")
        .details(detail, details);
    }
    GateResult::new(
        GATE,
        GateOutcome::Pass,
        format!("Release CVE counts within limits. {counts}"),
    )
    .details(detail, details)
}
