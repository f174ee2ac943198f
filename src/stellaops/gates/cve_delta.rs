//! CveDelta (`cve-delta`, `Policy:Gates:CveDelta`): CVEs new since the baseline block at or
//! above `NewCveSeverityThreshold` (inclusive, per the gate's doc table).

use serde_json::json;

use super::{CveReach, cve_reach, days_between};
use crate::stellaops::chain::{Detail, GateOutcome, GateResult, num};
use crate::stellaops::input::CaseInput;
use crate::stellaops::model::{GateId, StellaConfig};
use crate::stellaops::semantics::SemanticsOptions;

const GATE: GateId = GateId::CveDelta;

pub fn evaluate(
    config: &StellaConfig,
    input: &CaseInput,
    _options: &SemanticsOptions,
    detail: Detail,
) -> GateResult {
    let Some(cves) = &input.cves else {
        return GateResult::skip(GATE, "no CVE findings in the case");
    };
    let (gate, overridden) = config.cve_delta.for_environment(&input.environment);
    if !gate.enabled.value {
        return GateResult::skip(
            GATE,
            format!(
                "CveDelta gate is disabled for environment '{}'",
                input.environment
            ),
        );
    }
    let threshold = gate.new_cve_severity_threshold.value;
    let details = || json!({ "newCveSeverityThreshold": threshold, "onlyBlockReachable": gate.only_block_reachable.value, "environmentOverride": overridden });
    let empty = Vec::new();
    let baseline = match &input.baseline_cves {
        Some(baseline) => baseline,
        None if gate.allow_first_release.value => {
            return GateResult::new(
                GATE,
                GateOutcome::Pass,
                format!(
                    "CVE delta check passed. No baseline; first release allowed ({} CVE(s))",
                    cves.len()
                ),
            )
            .details(detail, details);
        }
        None => &empty,
    };
    let in_baseline = |id: &str| baseline.iter().any(|b| b.id == id);
    let new: Vec<_> = cves.iter().filter(|cve| !in_baseline(&cve.id)).collect();
    let unchanged: Vec<_> = cves.iter().filter(|cve| in_baseline(&cve.id)).collect();
    let fixed = baseline
        .iter()
        .filter(|b| !cves.iter().any(|cve| cve.id == b.id))
        .count();
    let blocking: Vec<String> = new
        .iter()
        .filter(|cve| !gate.only_block_reachable.value || cve_reach(cve) == CveReach::Reachable)
        .filter(|cve| cve.cvss.is_some_and(|cvss| cvss >= threshold))
        .map(|cve| format!("{} (CVSS: {})", cve.id, num(cve.cvss.unwrap_or_default())))
        .collect();
    if !blocking.is_empty() {
        return GateResult::new(
            GATE,
            GateOutcome::Block,
            format!(
                "CVE delta check failed. New CVE(s) at or above {}: {}",
                num(threshold),
                blocking.join(", ")
            ),
        )
        .reason("new_cve_above_threshold")
        .details(detail, details);
    }
    let mut message = format!(
        "CVE delta check passed. New: {}, Fixed: {fixed}, Unchanged: {}",
        new.len(),
        unchanged.len()
    );
    if !new.is_empty() {
        message.push_str(&format!(" ({} new low-severity allowed)", new.len()));
    }
    if let Some(sla) = gate.remediation_sla_days.value {
        let overdue: Vec<&str> = unchanged
            .iter()
            .filter(|cve| {
                days_between(cve.published_date.as_deref(), input.now.as_deref())
                    .is_some_and(|age| age > sla)
            })
            .map(|cve| cve.id.as_str())
            .collect();
        if !overdue.is_empty() {
            return GateResult::new(
                GATE,
                GateOutcome::Warn,
                format!(
                    "{message}. Warnings: remediation SLA of {sla} days exceeded: {}",
                    overdue.join(", ")
                ),
            )
            .reason("remediation_sla_exceeded")
            .details(detail, details);
        }
    }
    GateResult::new(GATE, GateOutcome::Pass, message).details(detail, details)
}
