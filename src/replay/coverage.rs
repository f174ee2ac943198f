//! What the fixtures exercised of each policy, and what the policy enables and configures.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::stellaops::model::{GateId, StellaConfig};

/// What the fixtures exercised of one policy file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    pub policy: String,
    pub gates: BTreeSet<String>,
    pub environments: BTreeSet<String>,
    pub tenants: BTreeSet<String>,
    pub rules: BTreeSet<String>,
    /// Gates enabled in the policy (explicitly or by default and configured).
    pub enabled_gates: BTreeSet<String>,
    /// Environment and tenant names the policy configures.
    pub configured_environments: BTreeSet<String>,
    pub configured_tenants: BTreeSet<String>,
}

impl Coverage {
    pub fn gates_not_exercised(&self) -> Vec<&str> {
        self.enabled_gates
            .difference(&self.gates)
            .map(String::as_str)
            .collect()
    }

    pub fn environments_not_exercised(&self) -> Vec<&str> {
        self.configured_environments
            .iter()
            .filter(|env| *env != "default" && !self.environments.contains(*env))
            .map(String::as_str)
            .collect()
    }

    pub fn tenants_not_exercised(&self) -> Vec<&str> {
        self.configured_tenants
            .difference(&self.tenants)
            .map(String::as_str)
            .collect()
    }

    /// Adds what `other` exercised and configures (the same policy, another part of the run).
    pub fn absorb(&mut self, other: &Coverage) {
        self.gates.extend(other.gates.iter().cloned());
        self.environments.extend(other.environments.iter().cloned());
        self.tenants.extend(other.tenants.iter().cloned());
        self.rules.extend(other.rules.iter().cloned());
        self.enabled_gates
            .extend(other.enabled_gates.iter().cloned());
        self.configured_environments
            .extend(other.configured_environments.iter().cloned());
        self.configured_tenants
            .extend(other.configured_tenants.iter().cloned());
    }
}

/// Inserts without allocating when the set already holds the text.
pub(super) fn insert_str(set: &mut BTreeSet<String>, text: &str) {
    if !set.contains(text) {
        set.insert(text.to_owned());
    }
}

/// Records what the policy enables and configures, for coverage.
pub(super) fn describe_policy(config: &StellaConfig, coverage: &mut Coverage) {
    for section in &config.sections {
        if config.gate_enabled(section.gate) {
            coverage
                .enabled_gates
                .insert(section.gate.name().to_owned());
        }
    }
    if config.determinization.configured && config.determinization.enabled.value {
        coverage
            .enabled_gates
            .insert(GateId::Determinization.name().to_owned());
    }
    let configured_vex = config.sections.iter().any(|s| s.gate == GateId::VexTrust);
    if configured_vex {
        for (env, set) in &config.vex_trust.thresholds {
            if set.min_composite_score.loc.is_some() || set.failure_action.loc.is_some() {
                coverage
                    .configured_environments
                    .insert(env.to_ascii_lowercase());
            }
        }
    }
    for tenant in &config.vex_trust.tenant_overrides {
        coverage.configured_tenants.insert(tenant.tenant.clone());
    }
    let cve_envs = config
        .epss_threshold
        .environments
        .iter()
        .map(|(e, _)| e)
        .chain(config.kev_blocker.environments.iter().map(|(e, _)| e))
        .chain(config.reachable_cve.environments.iter().map(|(e, _)| e))
        .chain(config.cve_delta.environments.iter().map(|(e, _)| e))
        .chain(
            config
                .release_aggregate_cve
                .environments
                .iter()
                .map(|(e, _)| e),
        );
    for env in cve_envs {
        coverage
            .configured_environments
            .insert(env.to_ascii_lowercase());
    }
}
