//! The policy digest: SHA-256 over the JCS form of Gait's digest payload.

use serde_json::{Value as Json, json};

use super::model::{Match, Policy, Rule};
use crate::gait::canonical;

/// A loaded policy and its digest, computed once: every decision under the policy reads the
/// digest (approval and delegation tokens and registry entries are bound to it), and a suite
/// decides thousands of cases under one policy.
#[derive(Clone, Debug, PartialEq)]
pub struct DigestedPolicy {
    policy: Policy,
    digest: String,
}

impl DigestedPolicy {
    pub fn new(policy: Policy) -> DigestedPolicy {
        let digest = policy.digest();
        DigestedPolicy { policy, digest }
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// [`Policy::digest`] of [`Self::policy`].
    pub fn digest(&self) -> &str {
        &self.digest
    }
}

impl From<Policy> for DigestedPolicy {
    fn from(policy: Policy) -> DigestedPolicy {
        DigestedPolicy::new(policy)
    }
}

impl Policy {
    /// `policy_digest`: SHA-256 over the JCS form of Gait's digest payload.
    pub fn digest(&self) -> String {
        canonical::digest_hex(&self.digest_payload())
    }

    pub fn digest_payload(&self) -> Json {
        let mut payload = serde_json::Map::new();
        payload.insert("SchemaID".into(), json!(self.schema_id));
        payload.insert("SchemaVersion".into(), json!(self.schema_version));
        payload.insert(
            "DefaultVerdict".into(),
            json!(self.default_verdict.as_str()),
        );
        let mut fail_closed = serde_json::Map::new();
        fail_closed.insert("Enabled".into(), json!(self.fail_closed.enabled));
        fail_closed.insert("RiskClasses".into(), json!(self.fail_closed.risk_classes));
        fail_closed.insert(
            "RequiredFields".into(),
            json!(self.fail_closed.required_fields),
        );
        if !self.fail_closed.required_high_risk_fields.is_empty() {
            fail_closed.insert(
                "RequiredHighRiskFields".into(),
                json!(self.fail_closed.required_high_risk_fields),
            );
        }
        payload.insert("FailClosed".into(), Json::Object(fail_closed));
        let scripts = &self.scripts;
        if scripts.max_steps != 0 || scripts.require_approval_above != 0 || scripts.block_mixed_risk
        {
            payload.insert(
                "Scripts".into(),
                json!({
                    "MaxSteps": scripts.max_steps,
                    "RequireApprovalAbove": scripts.require_approval_above,
                    "BlockMixedRisk": scripts.block_mixed_risk,
                }),
            );
        }
        let trust = &self.mcp_trust;
        if trust.enabled {
            payload.insert(
                "MCPTrust".into(),
                json!({
                    "Enabled": trust.enabled,
                    "SnapshotPath": trust.snapshot,
                    "Action": trust.action,
                    "RequiredRiskClasses": trust.required_risk_classes,
                    "MinScore": trust.min_score,
                    "MaxAge": trust.max_age,
                    "PublisherAllowlist": trust.publisher_allowlist,
                    "RequireRegistry": trust.require_registry,
                }),
            );
        }
        payload.insert(
            "Rules".into(),
            Json::Array(self.rules.iter().map(rule_payload).collect()),
        );
        Json::Object(payload)
    }
}

fn insert_list(map: &mut serde_json::Map<String, Json>, key: &str, list: &[String]) {
    if !list.is_empty() {
        map.insert(key.to_owned(), json!(list));
    }
}

fn insert_str(map: &mut serde_json::Map<String, Json>, key: &str, text: &str) {
    if !text.is_empty() {
        map.insert(key.to_owned(), json!(text));
    }
}

fn insert_true(map: &mut serde_json::Map<String, Json>, key: &str, flag: bool) {
    if flag {
        map.insert(key.to_owned(), json!(true));
    }
}

fn insert_positive(map: &mut serde_json::Map<String, Json>, key: &str, value: i64) {
    if value > 0 {
        map.insert(key.to_owned(), json!(value));
    }
}

fn match_payload(matcher: &Match) -> Json {
    let mut map = serde_json::Map::new();
    map.insert("ToolNames".into(), json!(matcher.tool_names));
    map.insert("RiskClasses".into(), json!(matcher.risk_classes));
    map.insert("TargetKinds".into(), json!(matcher.target_kinds));
    map.insert("TargetValues".into(), json!(matcher.target_values));
    map.insert(
        "ProvenanceSources".into(),
        json!(matcher.provenance_sources),
    );
    map.insert("Identities".into(), json!(matcher.identities));
    map.insert(
        "WorkspacePrefixes".into(),
        json!(matcher.workspace_prefixes),
    );
    insert_list(&mut map, "EndpointClasses", &matcher.endpoint_classes);
    insert_list(&mut map, "DiscoveryMethods", &matcher.discovery_methods);
    let hints = &matcher.tool_annotations;
    if hints.is_set() {
        let mut annotations = serde_json::Map::new();
        for (key, value) in [
            ("ReadOnlyHint", hints.read_only_hint),
            ("DestructiveHint", hints.destructive_hint),
            ("IdempotentHint", hints.idempotent_hint),
            ("OpenWorldHint", hints.open_world_hint),
        ] {
            if let Some(value) = value {
                annotations.insert(key.to_owned(), json!(value));
            }
        }
        map.insert("ToolAnnotations".into(), Json::Object(annotations));
    }
    insert_list(&mut map, "SkillPublishers", &matcher.skill_publishers);
    insert_list(&mut map, "SkillSources", &matcher.skill_sources);
    insert_list(&mut map, "DataClasses", &matcher.data_classes);
    insert_list(&mut map, "DestinationKinds", &matcher.destination_kinds);
    insert_list(&mut map, "DestinationValues", &matcher.destination_values);
    insert_list(&mut map, "DestinationOps", &matcher.destination_operations);
    insert_list(&mut map, "ContextToolNames", &matcher.context_tool_names);
    insert_list(
        &mut map,
        "ContextDataClasses",
        &matcher.context_data_classes,
    );
    insert_list(
        &mut map,
        "ContextEndpointClasses",
        &matcher.context_endpoint_classes,
    );
    insert_list(
        &mut map,
        "ContextAutonomyLevels",
        &matcher.context_autonomy_levels,
    );
    insert_true(&mut map, "RequireDelegation", matcher.require_delegation);
    insert_list(
        &mut map,
        "AllowedDelegatorIdentities",
        &matcher.allowed_delegator_identities,
    );
    insert_list(
        &mut map,
        "AllowedDelegateIdentities",
        &matcher.allowed_delegate_identities,
    );
    insert_list(&mut map, "DelegationScopes", &matcher.delegation_scopes);
    if let Some(depth) = matcher.max_delegation_depth {
        map.insert("MaxDelegationDepth".into(), json!(depth));
    }
    Json::Object(map)
}

fn rule_payload(rule: &Rule) -> Json {
    let mut map = serde_json::Map::new();
    map.insert("Name".into(), json!(rule.name));
    map.insert("Priority".into(), json!(rule.priority));
    map.insert("Effect".into(), json!(rule.effect.as_str()));
    map.insert("ReasonCodes".into(), json!(rule.reason_codes));
    map.insert("Violations".into(), json!(rule.violations));
    map.insert("Match".into(), match_payload(&rule.matcher));
    insert_positive(&mut map, "MinApprovals", rule.min_approvals);
    insert_true(
        &mut map,
        "RequireDeclaredAgent",
        rule.require_declared_agent,
    );
    insert_list(&mut map, "AllowedAgentIDs", &rule.allowed_agent_ids);
    insert_list(&mut map, "DeniedAgentIDs", &rule.denied_agent_ids);
    insert_str(
        &mut map,
        "RequiredAgentManifestDigest",
        &rule.required_agent_manifest_digest,
    );
    insert_list(
        &mut map,
        "AllowedAgentManifestPublishers",
        &rule.allowed_agent_manifest_publishers,
    );
    insert_list(
        &mut map,
        "AllowedAgentManifestSources",
        &rule.allowed_agent_manifest_sources,
    );
    insert_list(
        &mut map,
        "RequiredAgentLifecycleStates",
        &rule.required_agent_lifecycle_states,
    );
    insert_true(&mut map, "RequireAgentOwner", rule.require_agent_owner);
    insert_true(
        &mut map,
        "RequireUnexpiredAgent",
        rule.require_unexpired_agent,
    );
    insert_true(
        &mut map,
        "BlockStandingCredentials",
        rule.block_standing_credentials,
    );
    insert_list(
        &mut map,
        "AllowedCredentialSources",
        &rule.allowed_credential_sources,
    );
    insert_list(
        &mut map,
        "AllowedCredentialIssuers",
        &rule.allowed_credential_issuers,
    );
    insert_list(
        &mut map,
        "AllowedCredentialAccessTypes",
        &rule.allowed_credential_access_types,
    );
    insert_positive(
        &mut map,
        "MaxCredentialTTLSeconds",
        rule.max_credential_ttl_seconds,
    );
    insert_true(
        &mut map,
        "RequireJITCredential",
        rule.require_jit_credential,
    );
    insert_true(
        &mut map,
        "RequireDistinctApprovers",
        rule.require_distinct_approvers,
    );
    insert_true(
        &mut map,
        "RequireContextEvidence",
        rule.require_context_evidence,
    );
    insert_str(
        &mut map,
        "RequiredContextEvidenceMode",
        &rule.required_context_evidence_mode,
    );
    insert_positive(
        &mut map,
        "MaxContextAgeSeconds",
        rule.max_context_age_seconds,
    );
    insert_true(
        &mut map,
        "RequireBrokerCredential",
        rule.require_broker_credential,
    );
    insert_str(&mut map, "BrokerReference", &rule.broker_reference);
    insert_list(&mut map, "BrokerScopes", &rule.broker_scopes);
    let freeze = &rule.freeze_window;
    if freeze.enabled {
        let windows: Vec<Json> = freeze
            .windows
            .iter()
            .map(|window| json!({"Name": window.name, "Start": window.start, "End": window.end}))
            .collect();
        map.insert(
            "FreezeWindow".into(),
            json!({
                "Enabled": true,
                "Timezone": freeze.timezone,
                "Effect": freeze.effect,
                "Reason": freeze.reason,
                "Environments": freeze.environments,
                "RiskClasses": freeze.risk_classes,
                "Windows": windows,
            }),
        );
    }
    let sandbox = &rule.sandbox;
    if sandbox.enabled {
        map.insert(
            "Sandbox".into(),
            json!({
                "Enabled": true,
                "AllowedNetworkModes": sandbox.allowed_network_modes,
                "AllowedWritablePathPrefixes": sandbox.allowed_writable_path_prefixes,
                "RequiredReadOnlyRoots": sandbox.required_read_only_roots,
                "AllowedEnvExposureModes": sandbox.allowed_env_exposure_modes,
                "MaxTimeoutSeconds": sandbox.max_timeout_seconds,
                "AllowedFilesystemIsolations": sandbox.allowed_filesystem_isolations,
                "AllowedUserModes": sandbox.allowed_user_modes,
            }),
        );
    }
    for (key, limit) in [
        ("RateLimit", &rule.rate_limit),
        ("DestructiveBudget", &rule.destructive_budget),
    ] {
        if limit.requests > 0 {
            map.insert(
                key.to_owned(),
                json!({"Requests": limit.requests, "Window": limit.window, "Scope": limit.scope}),
            );
        }
    }
    let dataflow = &rule.dataflow;
    if dataflow.enabled {
        let mut inner = serde_json::Map::new();
        inner.insert("Enabled".into(), json!(true));
        inner.insert("TaintedSources".into(), json!(dataflow.tainted_sources));
        inner.insert("Action".into(), json!(dataflow.action));
        inner.insert("ReasonCode".into(), json!(dataflow.reason_code));
        inner.insert("Violation".into(), json!(dataflow.violation));
        insert_list(&mut inner, "DestinationKinds", &dataflow.destination_kinds);
        insert_list(
            &mut inner,
            "DestinationValues",
            &dataflow.destination_values,
        );
        insert_list(
            &mut inner,
            "DestinationOperations",
            &dataflow.destination_operations,
        );
        map.insert("Dataflow".into(), Json::Object(inner));
    }
    let endpoint = &rule.endpoint;
    if endpoint.enabled {
        map.insert(
            "Endpoint".into(),
            json!({
                "Enabled": true,
                "PathAllowlist": endpoint.path_allowlist,
                "PathDenylist": endpoint.path_denylist,
                "DomainAllowlist": endpoint.domain_allowlist,
                "DomainDenylist": endpoint.domain_denylist,
                "EgressClasses": endpoint.egress_classes,
                "Action": endpoint.action,
                "DestructiveAction": endpoint.destructive_action,
                "ReasonCode": endpoint.reason_code,
                "Violation": endpoint.violation,
            }),
        );
    }
    Json::Object(map)
}
