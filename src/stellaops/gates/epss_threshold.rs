//! EpssThreshold (`epss-threshold`, `Policy:Gates:EpssThreshold`): blocks when CVEs' EPSS is
//! above `Threshold` (`any` or `all` of them), after the grace period for new CVEs.

use serde::Serialize;
use serde_json::json;

use super::{CveReach, cve_reach, days_between};
use crate::stellaops::bind::{Binder, PerEnvironment, Spanned, d};
use crate::stellaops::config::ConfigNode;
use crate::stellaops::gate_id::GateId;
use crate::stellaops::input::CaseInput;
use crate::stellaops::semantics::SemanticsOptions;
use crate::stellaops::verdict::{Detail, GateOutcome, GateResult, num};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum EpssMode {
    Any,
    All,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EpssThresholdOptions {
    pub enabled: Spanned<bool>,
    pub threshold: Spanned<f64>,
    pub mode: Spanned<String>,
    pub grace_period_days: Spanned<Option<i64>>,
    pub require_reachability: Spanned<bool>,
}

impl Default for EpssThresholdOptions {
    fn default() -> Self {
        EpssThresholdOptions {
            enabled: d(true),
            threshold: d(0.6),
            mode: d("any".to_owned()),
            grace_period_days: d(None),
            require_reachability: d(false),
        }
    }
}

impl EpssThresholdOptions {
    pub fn mode(&self) -> EpssMode {
        if self.mode.value.eq_ignore_ascii_case("all") {
            EpssMode::All
        } else {
            EpssMode::Any
        }
    }

    pub(in crate::stellaops) fn bind(
        &mut self,
        binder: &mut Binder<'_>,
        node: &ConfigNode,
        path: &str,
    ) {
        binder.set(&mut self.enabled, node, "Enabled", path);
        binder.set(&mut self.threshold, node, "Threshold", path);
        binder.set(&mut self.mode, node, "Mode", path);
        binder.set(&mut self.grace_period_days, node, "GracePeriodDays", path);
        binder.set(
            &mut self.require_reachability,
            node,
            "RequireReachability",
            path,
        );
    }
}

const GATE: GateId = GateId::EpssThreshold;

pub fn evaluate(
    gate: &PerEnvironment<EpssThresholdOptions>,
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
                "EpssThreshold gate is disabled for environment '{}'",
                input.environment
            ),
        );
    }
    let threshold = gate.threshold.value;
    let evaluated: Vec<(&str, f64)> = cves
        .iter()
        .filter(|cve| !gate.require_reachability.value || cve_reach(cve) == CveReach::Reachable)
        .filter(|cve| {
            let Some(grace) = gate.grace_period_days.value else {
                return true;
            };
            days_between(cve.published_date.as_deref(), input.now.as_deref())
                .is_none_or(|age| age >= grace)
        })
        .filter_map(|cve| cve.epss.map(|epss| (cve.id.as_str(), epss)))
        .collect();
    let exceeds = |epss: f64| {
        if options.epss_gate_block_inclusive {
            epss >= threshold
        } else {
            epss > threshold
        }
    };
    let above: Vec<&(&str, f64)> = evaluated
        .iter()
        .filter(|(_, epss)| exceeds(*epss))
        .collect();
    let details = || json!({ "threshold": threshold, "mode": gate.mode.value, "environmentOverride": overridden, "evaluated": evaluated.len() });
    let blocks = match gate.mode() {
        EpssMode::Any => !above.is_empty(),
        EpssMode::All => !evaluated.is_empty() && above.len() == evaluated.len(),
    };
    if blocks {
        let list: Vec<String> = above
            .iter()
            .map(|(id, epss)| format!("{id} (EPSS: {})", num(*epss)))
            .collect();
        return GateResult::new(
            GATE,
            GateOutcome::Block,
            format!("EPSS threshold exceeded: {}", list.join(", ")),
        )
        .reason("epss_threshold_exceeded")
        .details(detail, details);
    }
    let message = if above.is_empty() {
        format!(
            "EPSS threshold check passed. {} CVE(s) evaluated, all below threshold {}",
            evaluated.len(),
            num(threshold)
        )
    } else {
        format!(
            "EPSS threshold check passed. {} CVE(s) evaluated, {} above threshold {} (mode all)",
            evaluated.len(),
            above.len(),
            num(threshold)
        )
    };
    GateResult::new(GATE, GateOutcome::Pass, message).details(detail, details)
}
