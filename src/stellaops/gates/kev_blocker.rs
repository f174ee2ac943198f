//! KevBlocker (`kev-blocker`, `Policy:Gates:KevBlocker`): blocks CVEs listed in CISA KEV, after
//! an optional grace period from their addition; past their due date they block regardless;
//! within the grace period a due date closer than `WarnDaysBeforeDue` warns.

use serde::Serialize;
use serde_json::json;

use super::{CveReach, cve_reach, days_between};
use crate::stellaops::bind::{Binder, PerEnvironment, Spanned, d};
use crate::stellaops::config::ConfigNode;
use crate::stellaops::gate_id::GateId;
use crate::stellaops::input::{CaseInput, CveInput};
use crate::stellaops::semantics::SemanticsOptions;
use crate::stellaops::verdict::{Detail, GateOutcome, GateResult};

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KevBlockerOptions {
    pub enabled: Spanned<bool>,
    pub allow_grace_period: Spanned<bool>,
    pub grace_period_days: Spanned<i64>,
    pub block_past_due_date: Spanned<bool>,
    pub warn_before_due_date: Spanned<bool>,
    pub warn_days_before_due: Spanned<i64>,
    pub require_reachability: Spanned<bool>,
}

impl Default for KevBlockerOptions {
    fn default() -> Self {
        KevBlockerOptions {
            enabled: d(true),
            allow_grace_period: d(true),
            grace_period_days: d(14),
            block_past_due_date: d(true),
            warn_before_due_date: d(true),
            warn_days_before_due: d(7),
            require_reachability: d(false),
        }
    }
}

impl KevBlockerOptions {
    pub(in crate::stellaops) fn bind(
        &mut self,
        binder: &mut Binder<'_>,
        node: &ConfigNode,
        path: &str,
    ) {
        binder.set(&mut self.enabled, node, "Enabled", path);
        binder.set(&mut self.allow_grace_period, node, "AllowGracePeriod", path);
        binder.set(&mut self.grace_period_days, node, "GracePeriodDays", path);
        binder.set(
            &mut self.block_past_due_date,
            node,
            "BlockPastDueDate",
            path,
        );
        binder.set(
            &mut self.warn_before_due_date,
            node,
            "WarnBeforeDueDate",
            path,
        );
        binder.set(
            &mut self.warn_days_before_due,
            node,
            "WarnDaysBeforeDue",
            path,
        );
        binder.set(
            &mut self.require_reachability,
            node,
            "RequireReachability",
            path,
        );
    }
}

const GATE: GateId = GateId::KevBlocker;

fn describe(cve: &CveInput, remaining: Option<i64>) -> String {
    let due = cve
        .kev_due_date
        .as_deref()
        .map(|d| d.get(..10).unwrap_or(d));
    match (due, remaining) {
        (Some(due), Some(days)) if days < 0 => format!("{} (due: {due}, overdue)", cve.id),
        (Some(due), Some(days)) => format!("{} (due: {due}, {days} days remaining)", cve.id),
        (Some(due), None) => format!("{} (due: {due})", cve.id),
        (None, _) => cve.id.clone(),
    }
}

pub fn evaluate(
    gate: &PerEnvironment<KevBlockerOptions>,
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
                "KevBlocker gate is disabled for environment '{}'",
                input.environment
            ),
        );
    }
    let now = input.now.as_deref();
    let mut blocking = Vec::new();
    let mut warning = Vec::new();
    let mut in_grace = 0usize;
    for cve in cves.iter().filter(|cve| cve.kev == Some(true)) {
        if gate.require_reachability.value && cve_reach(cve) != CveReach::Reachable {
            continue;
        }
        let remaining = days_between(now, cve.kev_due_date.as_deref());
        let overdue = remaining.is_some_and(|days| days < 0);
        let grace = gate.allow_grace_period.value
            && days_between(cve.kev_added_date.as_deref(), now)
                .is_some_and(|age| age < gate.grace_period_days.value);
        if !grace || (overdue && gate.block_past_due_date.value) {
            blocking.push(describe(cve, remaining));
            continue;
        }
        in_grace += 1;
        if gate.warn_before_due_date.value
            && remaining.is_some_and(|days| days <= gate.warn_days_before_due.value)
        {
            warning.push(describe(cve, remaining));
        }
    }
    let details = || {
        json!({
            "allowGracePeriod": gate.allow_grace_period.value, "gracePeriodDays": gate.grace_period_days.value,
            "blockPastDueDate": gate.block_past_due_date.value, "warnDaysBeforeDue": gate.warn_days_before_due.value,
            "environmentOverride": overridden,
        })
    };
    if !blocking.is_empty() {
        return GateResult::new(
            GATE,
            GateOutcome::Block,
            format!("KEV entries found: {}", blocking.join(", ")),
        )
        .reason("kev_entry")
        .details(detail, details);
    }
    if !warning.is_empty() {
        return GateResult::new(
            GATE,
            GateOutcome::Warn,
            format!(
                "KEV blocker warning: due dates approaching: {}",
                warning.join(", ")
            ),
        )
        .reason("kev_due_date_approaching")
        .details(detail, details);
    }
    if in_grace > 0 {
        return GateResult::new(
            GATE,
            GateOutcome::PassWithNote,
            format!("KEV blocker check passed. {in_grace} KEV entries within grace period"),
        )
        .details(detail, details);
    }
    GateResult::new(
        GATE,
        GateOutcome::Pass,
        format!(
            "KEV blocker check passed. No KEV entries found in {} CVE findings",
            cves.len()
        ),
    )
    .details(detail, details)
}
