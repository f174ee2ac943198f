//! ReachableCve (`reachable-cve`, `Policy:Gates:ReachableCve`): only reachable CVEs count;
//! one above `SeverityThreshold` blocks. `Partial` counts as reachable, `Unknown` per
//! `TreatUnknownAsReachable`.

use serde::Serialize;
use serde_json::json;

use super::{CveReach, cve_reach};
use crate::stellaops::bind::{Binder, PerEnvironment, Spanned, d};
use crate::stellaops::config::ConfigNode;
use crate::stellaops::gate_id::GateId;
use crate::stellaops::input::CaseInput;
use crate::stellaops::semantics::SemanticsOptions;
use crate::stellaops::verdict::{Detail, GateOutcome, GateResult, num};

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReachableCveOptions {
    pub enabled: Spanned<bool>,
    pub severity_threshold: Spanned<f64>,
    pub require_complete_reachability: Spanned<bool>,
    pub treat_unknown_as_reachable: Spanned<bool>,
    pub block_on_reachability_error: Spanned<bool>,
}

impl Default for ReachableCveOptions {
    fn default() -> Self {
        ReachableCveOptions {
            enabled: d(true),
            severity_threshold: d(7.0),
            require_complete_reachability: d(false),
            treat_unknown_as_reachable: d(false),
            block_on_reachability_error: d(false),
        }
    }
}

impl ReachableCveOptions {
    pub(in crate::stellaops) fn bind(
        &mut self,
        binder: &mut Binder<'_>,
        node: &ConfigNode,
        path: &str,
    ) {
        binder.set(&mut self.enabled, node, "Enabled", path);
        binder.set(
            &mut self.severity_threshold,
            node,
            "SeverityThreshold",
            path,
        );
        binder.set(
            &mut self.require_complete_reachability,
            node,
            "RequireCompleteReachability",
            path,
        );
        binder.set(
            &mut self.treat_unknown_as_reachable,
            node,
            "TreatUnknownAsReachable",
            path,
        );
        binder.set(
            &mut self.block_on_reachability_error,
            node,
            "BlockOnReachabilityError",
            path,
        );
    }
}

const GATE: GateId = GateId::ReachableCve;

pub fn evaluate(
    gate: &PerEnvironment<ReachableCveOptions>,
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
                "ReachableCve gate is disabled for environment '{}'",
                input.environment
            ),
        );
    }
    let threshold = gate.severity_threshold.value;
    let details = || json!({ "severityThreshold": threshold, "treatUnknownAsReachable": gate.treat_unknown_as_reachable.value, "environmentOverride": overridden });
    let mut reachable = Vec::new();
    let mut problems = Vec::new();
    for cve in cves {
        let reach = cve_reach(cve);
        if reach == CveReach::Error && gate.block_on_reachability_error.value {
            problems.push(format!("{} (reachability error)", cve.id));
            continue;
        }
        if matches!(reach, CveReach::Unknown | CveReach::Error)
            && gate.require_complete_reachability.value
        {
            problems.push(format!("{} (reachability incomplete)", cve.id));
            continue;
        }
        let counts = match reach {
            CveReach::Reachable => true,
            CveReach::NotReachable => false,
            CveReach::Unknown | CveReach::Error => gate.treat_unknown_as_reachable.value,
        };
        if counts {
            reachable.push(cve);
        }
    }
    let above: Vec<String> = reachable
        .iter()
        .filter_map(|cve| {
            let cvss = cve.cvss?;
            let exceeds = if options.reachable_cve_block_inclusive {
                cvss >= threshold
            } else {
                cvss > threshold
            };
            exceeds.then(|| format!("{} (CVSS: {})", cve.id, num(cvss)))
        })
        .collect();
    if !problems.is_empty() || !above.is_empty() {
        let mut parts = above.clone();
        parts.extend(problems);
        return GateResult::new(
            GATE,
            GateOutcome::Block,
            format!(
                "Reachable CVE check failed. Above threshold {}: {}",
                num(threshold),
                parts.join(", ")
            ),
        )
        .reason("reachable_cve_above_threshold")
        .details(detail, details);
    }
    GateResult::new(
        GATE,
        GateOutcome::Pass,
        format!(
            "Reachable CVE check passed. {} CVE(s) found, {} reachable, none above threshold {}",
            cves.len(),
            reachable.len(),
            num(threshold)
        ),
    )
    .details(detail, details)
}
