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
