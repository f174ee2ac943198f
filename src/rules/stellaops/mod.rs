//! Stella Ops rules: one configuration's gates, thresholds and determinization options, each
//! compared across its environments and tenants.

pub mod beacon_rate_production_not_required;
pub mod beacon_rate_vacuous_minimums;
pub mod confidence_production_weaker;
pub mod cve_gate_production_disabled;
pub mod cve_gate_production_weaker;
pub mod determinization_conflict_auto_resolve;
pub mod determinization_epss_delta_too_large;
pub mod determinization_production_confidence_weaker;
pub mod determinization_production_entropy_weaker;
pub mod determinization_production_epss_weaker;
pub mod determinization_production_reachability_off;
pub mod determinization_vex_trigger_disabled;
pub mod epss_mode_all_production;
pub mod execution_evidence_production_not_required;
pub mod execution_evidence_vacuous_minimums;
pub mod gate_missing_production_thresholds;
pub mod gate_multiple_roots;
pub mod gate_order_differs;
pub mod gate_undocumented_root;
pub mod kev_grace_period_production;
pub mod reachability_bypass_reasons_widened;
pub mod trust_lattice_weights_sum;
pub mod vex_trust_default_weaker;
pub mod vex_trust_missing_trust_allow;
pub mod vex_trust_production_accuracy_weaker;
pub mod vex_trust_production_action_weaker;
pub mod vex_trust_production_freshness_beyond_fresh;
pub mod vex_trust_production_freshness_wider;
pub mod vex_trust_production_issuer_unverified;
pub mod vex_trust_production_score_weaker;
pub mod vex_trust_production_warn_only;
pub mod vex_trust_statuses_incomplete;
pub mod vex_trust_tenant_bypass;
pub mod vex_trust_tenant_override_weaker;

use crate::project::files;
use crate::project::strictness::Direction;
use crate::rules::{ProjectContext, RuleMeta, Sink};
use crate::stellaops::config::Loc;
use crate::stellaops::model::{EnvironmentThresholds, lookup};

/// The determinization rules that compare one `EnvironmentThresholds` value of production with
/// staging's and development's: reports every configured file whose production value is
/// weaker in `direction`.
pub(crate) fn determinization_threshold_weaker(
    meta: &RuleMeta,
    cx: &ProjectContext<'_>,
    out: &mut Sink,
    key: &str,
    direction: Direction,
    value: impl Fn(&EnvironmentThresholds) -> (f64, Option<Loc>),
) {
    for (file, model) in cx.stella() {
        let det = &model.determinization;
        if !det.configured {
            continue;
        }
        let Some(weaker) = files::production_weaker(
            |env| lookup(&det.environment_thresholds, env).map(&value),
            direction,
        ) else {
            continue;
        };
        out.push(files::weaker_finding(
            meta.id,
            meta.severity,
            file,
            &weaker,
            "Determinization",
            key,
        ));
    }
}
