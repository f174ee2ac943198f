//! CveDelta (`cve-delta`, `Policy:Gates:CveDelta`): CVEs new since the baseline block at or
//! above `NewCveSeverityThreshold` (inclusive, per the gate's doc table).

use serde::Serialize;
use serde_json::json;

use super::{CveReach, cve_reach, days_between};
use crate::stellaops::bind::{Binder, PerEnvironment, Spanned, d};
use crate::stellaops::config::ConfigNode;
use crate::stellaops::gate_id::GateId;
use crate::stellaops::input::CaseInput;
use crate::stellaops::semantics::SemanticsOptions;
use crate::stellaops::verdict::{Detail, GateOutcome, GateResult, num};

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CveDeltaOptions {
    pub enabled: Spanned<bool>,
    pub new_cve_severity_threshold: Spanned<f64>,
    pub only_block_reachable: Spanned<bool>,
    pub remediation_sla_days: Spanned<Option<i64>>,
    pub allow_first_release: Spanned<bool>,
}

impl Default for CveDeltaOptions {
    fn default() -> Self {
        CveDeltaOptions {
            enabled: d(true),
            new_cve_severity_threshold: d(7.0),
            only_block_reachable: d(false),
            remediation_sla_days: d(None),
            allow_first_release: d(true),
        }
    }
}

impl CveDeltaOptions {
    pub(in crate::stellaops) fn bind(
        &mut self,
        binder: &mut Binder<'_>,
        node: &ConfigNode,
        path: &str,
    ) {
        binder.set(&mut self.enabled, node, "Enabled", path);
        binder.set(
            &mut self.new_cve_severity_threshold,
            node,
            "NewCveSeverityThreshold",
            path,
        );
        binder.set(
            &mut self.only_block_reachable,
            node,
            "OnlyBlockReachable",
            path,
        );
        binder.set(
            &mut self.remediation_sla_days,
            node,
            "RemediationSlaDays",
            path,
        );
        binder.set(
            &mut self.allow_first_release,
            node,
            "AllowFirstRelease",
            path,
        );
    }
}

const GATE: GateId = GateId::CveDelta;

pub fn evaluate(
    gate: &PerEnvironment<CveDeltaOptions>,
    input: &CaseInput,
    _options: &SemanticsOptions,
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
