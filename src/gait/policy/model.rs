//! The loaded policy: verdicts, rules and their parts, the error type, and the closed
//! vocabularies Gait validates against.

use crate::span::Span;

pub const POLICY_SCHEMA_ID: &str = "gait.gate.policy";
pub const POLICY_SCHEMA_VERSION: &str = "1.0.0";

/// A gate verdict, ordered from least to most restrictive.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    #[default]
    Allow,
    DryRun,
    RequireApproval,
    Block,
}

impl Verdict {
    pub fn parse(text: &str) -> Option<Verdict> {
        match text {
            "allow" => Some(Verdict::Allow),
            "dry_run" => Some(Verdict::DryRun),
            "require_approval" => Some(Verdict::RequireApproval),
            "block" => Some(Verdict::Block),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allow => "allow",
            Verdict::DryRun => "dry_run",
            Verdict::RequireApproval => "require_approval",
            Verdict::Block => "block",
        }
    }

    /// Gait's `mostRestrictive(self, other)`.
    pub fn most_restrictive(self, other: Verdict) -> Verdict {
        if other > self { other } else { self }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A policy that failed to load, and where.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{kind}")]
pub struct PolicyError {
    pub kind: PolicyErrorKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PolicyErrorKind {
    #[error("read policy: {0}")]
    Read(String),
    #[error("parse policy yaml: {0}")]
    Syntax(String),
    #[error(
        "parse policy yaml: legacy policy proposal fields are not supported [{}]: {}",
        .fields.join(", "),
        legacy_details(.fields)
    )]
    LegacyFields { fields: Vec<&'static str> },
    #[error("parse policy yaml: duplicate key `{0}`")]
    DuplicateKey(String),
    #[error("parse policy yaml: unknown field `{0}`")]
    UnknownField(String),
    #[error("parse policy yaml: `{field}` must be {expected}, found {found}")]
    TypeMismatch {
        field: String,
        expected: &'static str,
        found: &'static str,
    },
    #[error("unsupported policy schema_id `{0}`")]
    UnsupportedSchemaId(String),
    #[error("unsupported policy schema_version `{0}`")]
    UnsupportedSchemaVersion(String),
    #[error("invalid default_verdict `{0}`")]
    InvalidDefaultVerdict(String),
    #[error("default_action must match default_verdict when both are set")]
    DefaultActionConflict,
    #[error("unsupported fail_closed {field} `{value}`")]
    UnsupportedFailClosedField { field: &'static str, value: String },
    #[error("mcp_trust.snapshot is required when mcp_trust is configured")]
    McpTrustSnapshotRequired,
    #[error("unsupported mcp_trust.action `{0}`")]
    UnsupportedMcpTrustAction(String),
    #[error("mcp_trust.min_score must be between 0 and 1")]
    McpTrustMinScore,
    #[error("mcp_trust.max_age must be a positive duration, found `{0}`")]
    McpTrustMaxAge(String),
    #[error("{0} must be >= 0")]
    Negative(&'static str),
    #[error("rule name is required")]
    RuleNameRequired,
    #[error("rule effect is required for `{rule}`")]
    RuleEffectRequired { rule: String },
    #[error("rule action must match effect for `{rule}`")]
    RuleActionConflict { rule: String },
    #[error("invalid rule effect `{value}` for `{rule}`")]
    InvalidRuleEffect { rule: String, value: String },
    #[error("unsupported {field} `{value}` for `{rule}`")]
    UnsupportedValue {
        field: &'static str,
        value: String,
        rule: String,
    },
    #[error("{field} must be >= 0 for `{rule}`")]
    NegativeInRule { field: &'static str, rule: String },
    #[error("required_agent_manifest_digest must be sha256 hex for `{rule}`")]
    ManifestDigest { rule: String },
    #[error("required_context_evidence_mode must be required for `{rule}`")]
    ContextEvidenceMode { rule: String },
    #[error("freeze_window.timezone is required for `{rule}`")]
    FreezeTimezoneRequired { rule: String },
    #[error("freeze_window.windows is required for `{rule}`")]
    FreezeWindowsRequired { rule: String },
    #[error("freeze_window window start and end are required for `{rule}`")]
    FreezeWindowBounds { rule: String },
    #[error("{field} must not contain raw env assignment `{value}` for `{rule}`")]
    RawEnvAssignment {
        field: &'static str,
        value: String,
        rule: String,
    },
    #[error("destructive_budget.requests must be >= 1 for `{rule}`")]
    DestructiveBudgetRequests { rule: String },
    #[error("endpoint.egress_class must be network class for `{rule}`")]
    EgressNotNetwork { rule: String },
}

impl PolicyErrorKind {
    /// The migration hint Gait prints for legacy proposal fields.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            PolicyErrorKind::LegacyFields { .. } => Some(
                "use the repo-root `.gait.yaml` contract: `schema_id`, `schema_version`, `default_verdict`, optional `fail_closed`, optional `mcp_trust`, and `rules`",
            ),
            _ => None,
        }
    }
}

impl PolicyErrorKind {
    /// Gait's `migration` object of the JSON error envelope for legacy proposal fields:
    /// `{kind: policy_fields, deprecated_fields, field_replacements}`.
    pub fn migration(&self) -> Option<serde_json::Value> {
        let PolicyErrorKind::LegacyFields { fields } = self else {
            return None;
        };
        let replacements: Vec<serde_json::Value> = LEGACY_FIELDS
            .iter()
            .filter(|(field, _, _)| fields.contains(field))
            .map(|(field, replacements, note)| {
                let mut entry = serde_json::Map::new();
                entry.insert("field".into(), serde_json::json!(field));
                if !replacements.is_empty() {
                    entry.insert("replacement_fields".into(), serde_json::json!(replacements));
                }
                if !note.is_empty() {
                    entry.insert("note".into(), serde_json::json!(note));
                }
                serde_json::Value::Object(entry)
            })
            .collect();
        Some(serde_json::json!({
            "kind": "policy_fields",
            "deprecated_fields": fields,
            "field_replacements": replacements,
        }))
    }
}

/// Legacy top-level fields in Gait's fixed order, with their replacements and notes.
pub const LEGACY_FIELDS: &[(&str, &[&str], &str)] = &[
    (
        "version",
        &["schema_id", "schema_version"],
        "set schema_id=gait.gate.policy and schema_version=1.0.0",
    ),
    (
        "name",
        &[],
        "remove the top-level policy name; rule names remain under rules[].name when needed",
    ),
    ("boundaries", &["rules", "mcp_trust"], ""),
    ("defaults", &["default_verdict", "fail_closed"], ""),
    (
        "trust_sources",
        &["mcp_trust.snapshot"],
        "render external trust data to a local snapshot before evaluation",
    ),
    (
        "unknown_server",
        &["mcp_trust.action"],
        "enforce unknown servers through local snapshot coverage and a fail-closed action",
    ),
];

fn legacy_details(fields: &[&'static str]) -> String {
    let mut parts = Vec::new();
    for (field, replacements, note) in LEGACY_FIELDS {
        if !fields.contains(field) {
            continue;
        }
        let mut part = (*field).to_owned();
        if !replacements.is_empty() {
            part.push_str("->");
            part.push_str(&replacements.join("|"));
        } else {
            part.push_str("->");
            part.push_str(note);
            parts.push(part);
            continue;
        }
        if !note.is_empty() {
            part.push_str(&format!(" ({note})"));
        }
        parts.push(part);
    }
    parts.join("; ")
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scripts {
    pub max_steps: i64,
    pub require_approval_above: i64,
    pub block_mixed_risk: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct FailClosed {
    pub enabled: bool,
    pub risk_classes: Vec<String>,
    pub required_fields: Vec<String>,
    pub required_high_risk_fields: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct McpTrust {
    pub enabled: bool,
    pub snapshot: String,
    pub action: String,
    pub required_risk_classes: Vec<String>,
    pub min_score: f64,
    pub max_age: String,
    pub publisher_allowlist: Vec<String>,
    pub require_registry: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ToolAnnotations {
    pub read_only_hint: Option<bool>,
    pub destructive_hint: Option<bool>,
    pub idempotent_hint: Option<bool>,
    pub open_world_hint: Option<bool>,
}

impl ToolAnnotations {
    pub fn is_set(&self) -> bool {
        self.read_only_hint.is_some()
            || self.destructive_hint.is_some()
            || self.idempotent_hint.is_some()
            || self.open_world_hint.is_some()
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Match {
    pub tool_names: Vec<String>,
    pub risk_classes: Vec<String>,
    pub target_kinds: Vec<String>,
    pub target_values: Vec<String>,
    pub endpoint_classes: Vec<String>,
    pub discovery_methods: Vec<String>,
    pub tool_annotations: ToolAnnotations,
    pub skill_publishers: Vec<String>,
    pub skill_sources: Vec<String>,
    pub data_classes: Vec<String>,
    pub destination_kinds: Vec<String>,
    pub destination_values: Vec<String>,
    pub destination_operations: Vec<String>,
    pub provenance_sources: Vec<String>,
    pub identities: Vec<String>,
    pub workspace_prefixes: Vec<String>,
    pub context_tool_names: Vec<String>,
    pub context_data_classes: Vec<String>,
    pub context_endpoint_classes: Vec<String>,
    pub context_autonomy_levels: Vec<String>,
    pub require_delegation: bool,
    pub allowed_delegator_identities: Vec<String>,
    pub allowed_delegate_identities: Vec<String>,
    pub delegation_scopes: Vec<String>,
    pub max_delegation_depth: Option<i64>,
}

impl Match {
    /// Whether any delegation selector is set (then the intent must carry delegation).
    pub fn uses_delegation(&self) -> bool {
        self.require_delegation
            || !self.allowed_delegator_identities.is_empty()
            || !self.allowed_delegate_identities.is_empty()
            || !self.delegation_scopes.is_empty()
            || self.max_delegation_depth.is_some()
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Endpoint {
    pub enabled: bool,
    pub path_allowlist: Vec<String>,
    pub path_denylist: Vec<String>,
    pub domain_allowlist: Vec<String>,
    pub domain_denylist: Vec<String>,
    pub egress_classes: Vec<String>,
    pub action: String,
    pub destructive_action: String,
    pub reason_code: String,
    pub violation: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dataflow {
    pub enabled: bool,
    pub tainted_sources: Vec<String>,
    pub destination_kinds: Vec<String>,
    pub destination_values: Vec<String>,
    pub destination_operations: Vec<String>,
    pub action: String,
    pub reason_code: String,
    pub violation: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct FreezeWindowSpan {
    pub name: String,
    pub start: String,
    pub end: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct FreezeWindow {
    pub enabled: bool,
    pub timezone: String,
    pub effect: String,
    pub reason: String,
    pub environments: Vec<String>,
    pub risk_classes: Vec<String>,
    pub windows: Vec<FreezeWindowSpan>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sandbox {
    pub enabled: bool,
    pub allowed_network_modes: Vec<String>,
    /// `None` when empty: Gait keeps a nil slice here, which the digest encodes as `null`.
    pub allowed_writable_path_prefixes: Option<Vec<String>>,
    pub required_read_only_roots: Option<Vec<String>>,
    pub allowed_env_exposure_modes: Vec<String>,
    pub max_timeout_seconds: i64,
    pub allowed_filesystem_isolations: Vec<String>,
    pub allowed_user_modes: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: i64,
    pub window: String,
    pub scope: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rule {
    pub name: String,
    pub priority: i64,
    pub effect: Verdict,
    pub matcher: Match,
    pub reason_codes: Vec<String>,
    pub violations: Vec<String>,
    pub min_approvals: i64,
    pub require_distinct_approvers: bool,
    pub require_declared_agent: bool,
    pub allowed_agent_ids: Vec<String>,
    pub denied_agent_ids: Vec<String>,
    pub required_agent_manifest_digest: String,
    pub allowed_agent_manifest_publishers: Vec<String>,
    pub allowed_agent_manifest_sources: Vec<String>,
    pub required_agent_lifecycle_states: Vec<String>,
    pub require_agent_owner: bool,
    pub require_unexpired_agent: bool,
    pub block_standing_credentials: bool,
    pub allowed_credential_sources: Vec<String>,
    pub allowed_credential_issuers: Vec<String>,
    pub allowed_credential_access_types: Vec<String>,
    pub max_credential_ttl_seconds: i64,
    pub require_jit_credential: bool,
    pub require_context_evidence: bool,
    pub required_context_evidence_mode: String,
    pub max_context_age_seconds: i64,
    pub require_broker_credential: bool,
    pub broker_reference: String,
    pub broker_scopes: Vec<String>,
    pub freeze_window: FreezeWindow,
    pub sandbox: Sandbox,
    pub rate_limit: RateLimit,
    pub destructive_budget: RateLimit,
    pub dataflow: Dataflow,
    pub endpoint: Endpoint,
    /// Where the rule is written (its list item).
    pub span: Span,
}

impl Rule {
    pub fn has_agent_constraints(&self) -> bool {
        self.require_declared_agent
            || !self.allowed_agent_ids.is_empty()
            || !self.denied_agent_ids.is_empty()
            || !self.required_agent_manifest_digest.is_empty()
            || !self.allowed_agent_manifest_publishers.is_empty()
            || !self.allowed_agent_manifest_sources.is_empty()
            || !self.required_agent_lifecycle_states.is_empty()
            || self.require_agent_owner
            || self.require_unexpired_agent
    }

    pub fn has_credential_constraints(&self) -> bool {
        self.block_standing_credentials
            || !self.allowed_credential_sources.is_empty()
            || !self.allowed_credential_issuers.is_empty()
            || !self.allowed_credential_access_types.is_empty()
            || self.max_credential_ttl_seconds > 0
            || self.require_jit_credential
    }

    pub fn has_context_constraints(&self) -> bool {
        self.require_context_evidence
            || self.required_context_evidence_mode == "required"
            || self.max_context_age_seconds > 0
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    pub schema_id: String,
    pub schema_version: String,
    pub default_verdict: Verdict,
    /// The `default_action` alias as written (it only matters for formatting).
    pub default_action: String,
    pub scripts: Scripts,
    pub fail_closed: FailClosed,
    pub mcp_trust: McpTrust,
    /// Sorted by `(priority, name)`.
    pub rules: Vec<Rule>,
}

pub const ENDPOINT_CLASSES: &[&str] = &[
    "fs.read",
    "fs.write",
    "fs.delete",
    "proc.exec",
    "net.http",
    "net.dns",
    "ui.click",
    "ui.type",
    "ui.navigate",
    "other",
];
pub const DISCOVERY_METHODS: &[&str] = &[
    "webmcp",
    "dynamic_mcp",
    "a2a",
    "mcp",
    "static_mcp",
    "manual",
    "unknown",
];
pub const CREDENTIAL_SOURCES: &[&str] = &[
    "aws_iam_user",
    "aws_sts",
    "azure_federated",
    "command",
    "env",
    "gcp_sts",
    "github_oidc",
    "github_pat",
    "kubernetes_service_account",
    "stub",
    "unknown",
    "vault_dynamic",
];
pub const CREDENTIAL_ACCESS_TYPES: &[&str] = &[
    "cloud_admin",
    "inherited",
    "jit",
    "standing",
    "static",
    "unknown",
];
pub(super) const FAIL_CLOSED_REQUIRED_FIELDS: &[&str] = &[
    "targets",
    "arg_provenance",
    "endpoint_class",
    "delegation",
    "context_evidence",
];
pub(super) const FAIL_CLOSED_HIGH_RISK_FIELDS: &[&str] = &[
    "agent_id",
    "agent_identity",
    "run_id",
    "workflow_id",
    "repo",
    "environment",
    "credential_ref",
    "credential_source",
    "credential_access_type",
    "credential_issuer",
    "credential_ttl_seconds",
    "approval_ref",
    "wrkr_inventory_ref",
    "agent_action_bom_ref",
];
