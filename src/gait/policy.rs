//! Loading a `gait.gate.policy` file the way Gait's loader does: strict keys, normalisation,
//! defaults, force-enabled sub-objects, validation, rule ordering and the policy digest.
//!
//! Every error carries the byte span of the value (or key) that caused it.

use std::borrow::Cow;

use serde_json::{Value as Json, json};

use super::canonical;
use crate::parse::{self, Entry, Format, IssueKind, Node, Value};
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
const FAIL_CLOSED_REQUIRED_FIELDS: &[&str] = &[
    "targets",
    "arg_provenance",
    "endpoint_class",
    "delegation",
    "context_evidence",
];
const FAIL_CLOSED_HIGH_RISK_FIELDS: &[&str] = &[
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

// ---------------------------------------------------------------------------------------------
// Shape: the strict decode (unknown keys and type mismatches, at any depth).

#[derive(Clone, Copy)]
enum Shape {
    Str,
    Bool,
    Int,
    Float,
    StrList,
    Obj(&'static [(&'static str, Shape)]),
    List(&'static Shape),
}

const SCRIPTS_SHAPE: &[(&str, Shape)] = &[
    ("max_steps", Shape::Int),
    ("require_approval_above", Shape::Int),
    ("block_mixed_risk", Shape::Bool),
];
const FAIL_CLOSED_SHAPE: &[(&str, Shape)] = &[
    ("enabled", Shape::Bool),
    ("risk_classes", Shape::StrList),
    ("required_fields", Shape::StrList),
    ("required_high_risk_fields", Shape::StrList),
];
const MCP_TRUST_SHAPE: &[(&str, Shape)] = &[
    ("enabled", Shape::Bool),
    ("snapshot", Shape::Str),
    ("action", Shape::Str),
    ("required_risk_classes", Shape::StrList),
    ("min_score", Shape::Float),
    ("max_age", Shape::Str),
    ("publisher_allowlist", Shape::StrList),
    ("require_registry", Shape::Bool),
];
const ANNOTATIONS_SHAPE: &[(&str, Shape)] = &[
    ("readOnlyHint", Shape::Bool),
    ("destructiveHint", Shape::Bool),
    ("idempotentHint", Shape::Bool),
    ("openWorldHint", Shape::Bool),
];
const MATCH_SHAPE: &[(&str, Shape)] = &[
    ("tool_name", Shape::Str),
    ("tool_names", Shape::StrList),
    ("risk_classes", Shape::StrList),
    ("target_kinds", Shape::StrList),
    ("target_values", Shape::StrList),
    ("endpoint_class", Shape::StrList),
    ("endpoint_classes", Shape::StrList),
    ("discovery_method", Shape::StrList),
    ("tool_annotations", Shape::Obj(ANNOTATIONS_SHAPE)),
    ("skill_publishers", Shape::StrList),
    ("skill_sources", Shape::StrList),
    ("data_classes", Shape::StrList),
    ("destination_kinds", Shape::StrList),
    ("destination_values", Shape::StrList),
    ("destination_operations", Shape::StrList),
    ("provenance_sources", Shape::StrList),
    ("identities", Shape::StrList),
    ("workspace_prefixes", Shape::StrList),
    ("context_tool_names", Shape::StrList),
    ("context_data_classes", Shape::StrList),
    ("context_endpoint_classes", Shape::StrList),
    ("context_autonomy_levels", Shape::StrList),
    ("require_delegation", Shape::Bool),
    ("allowed_delegator_identities", Shape::StrList),
    ("allowed_delegate_identities", Shape::StrList),
    ("delegation_scopes", Shape::StrList),
    ("max_delegation_depth", Shape::Int),
];
const ENDPOINT_SHAPE: &[(&str, Shape)] = &[
    ("enabled", Shape::Bool),
    ("path_allowlist", Shape::StrList),
    ("path_denylist", Shape::StrList),
    ("domain_allowlist", Shape::StrList),
    ("domain_denylist", Shape::StrList),
    ("egress_classes", Shape::StrList),
    ("action", Shape::Str),
    ("destructive_action", Shape::Str),
    ("reason_code", Shape::Str),
    ("violation", Shape::Str),
];
const DATAFLOW_SHAPE: &[(&str, Shape)] = &[
    ("enabled", Shape::Bool),
    ("tainted_sources", Shape::StrList),
    ("destination_kinds", Shape::StrList),
    ("destination_values", Shape::StrList),
    ("destination_operations", Shape::StrList),
    ("action", Shape::Str),
    ("reason_code", Shape::Str),
    ("violation", Shape::Str),
];
const WINDOW_SHAPE: &[(&str, Shape)] = &[
    ("name", Shape::Str),
    ("start", Shape::Str),
    ("end", Shape::Str),
];
const FREEZE_SHAPE: &[(&str, Shape)] = &[
    ("enabled", Shape::Bool),
    ("timezone", Shape::Str),
    ("effect", Shape::Str),
    ("reason", Shape::Str),
    ("environments", Shape::StrList),
    ("risk_classes", Shape::StrList),
    ("windows", Shape::List(&Shape::Obj(WINDOW_SHAPE))),
];
const SANDBOX_SHAPE: &[(&str, Shape)] = &[
    ("enabled", Shape::Bool),
    ("allowed_network_modes", Shape::StrList),
    ("allowed_writable_path_prefixes", Shape::StrList),
    ("required_read_only_roots", Shape::StrList),
    ("allowed_env_exposure_modes", Shape::StrList),
    ("max_timeout_seconds", Shape::Int),
    ("allowed_filesystem_isolations", Shape::StrList),
    ("allowed_user_modes", Shape::StrList),
];
const RATE_SHAPE: &[(&str, Shape)] = &[
    ("requests", Shape::Int),
    ("window", Shape::Str),
    ("scope", Shape::Str),
];
const RULE_SHAPE: &[(&str, Shape)] = &[
    ("name", Shape::Str),
    ("priority", Shape::Int),
    ("effect", Shape::Str),
    ("action", Shape::Str),
    ("match", Shape::Obj(MATCH_SHAPE)),
    ("reason_codes", Shape::StrList),
    ("violations", Shape::StrList),
    ("min_approvals", Shape::Int),
    ("require_distinct_approvers", Shape::Bool),
    ("require_declared_agent", Shape::Bool),
    ("allowed_agent_ids", Shape::StrList),
    ("denied_agent_ids", Shape::StrList),
    ("required_agent_manifest_digest", Shape::Str),
    ("allowed_agent_manifest_publishers", Shape::StrList),
    ("allowed_agent_manifest_sources", Shape::StrList),
    ("required_agent_lifecycle_states", Shape::StrList),
    ("require_agent_owner", Shape::Bool),
    ("require_unexpired_agent", Shape::Bool),
    ("block_standing_credentials", Shape::Bool),
    ("allowed_credential_sources", Shape::StrList),
    ("allowed_credential_issuers", Shape::StrList),
    ("allowed_credential_access_types", Shape::StrList),
    ("max_credential_ttl_seconds", Shape::Int),
    ("require_jit_credential", Shape::Bool),
    ("require_context_evidence", Shape::Bool),
    ("required_context_evidence_mode", Shape::Str),
    ("max_context_age_seconds", Shape::Int),
    ("require_broker_credential", Shape::Bool),
    ("broker_reference", Shape::Str),
    ("broker_scopes", Shape::StrList),
    ("freeze_window", Shape::Obj(FREEZE_SHAPE)),
    ("sandbox", Shape::Obj(SANDBOX_SHAPE)),
    ("rate_limit", Shape::Obj(RATE_SHAPE)),
    ("destructive_budget", Shape::Obj(RATE_SHAPE)),
    ("dataflow", Shape::Obj(DATAFLOW_SHAPE)),
    ("endpoint", Shape::Obj(ENDPOINT_SHAPE)),
];
const ROOT_SHAPE: &[(&str, Shape)] = &[
    ("schema_id", Shape::Str),
    ("schema_version", Shape::Str),
    ("default_verdict", Shape::Str),
    ("default_action", Shape::Str),
    ("scripts", Shape::Obj(SCRIPTS_SHAPE)),
    ("fail_closed", Shape::Obj(FAIL_CLOSED_SHAPE)),
    ("mcp_trust", Shape::Obj(MCP_TRUST_SHAPE)),
    ("rules", Shape::List(&Shape::Obj(RULE_SHAPE))),
];

fn err(kind: PolicyErrorKind, span: Span) -> PolicyError {
    PolicyError { kind, span }
}

/// Where a node sits, for messages; rendered only when an error needs it, so checking a valid
/// policy allocates nothing.
#[derive(Clone, Copy)]
enum FieldPath<'a> {
    Root,
    Key(&'a FieldPath<'a>, &'a str),
    Index(&'a FieldPath<'a>, usize),
}

impl FieldPath<'_> {
    fn render(&self) -> String {
        match self {
            FieldPath::Root => String::new(),
            FieldPath::Key(parent, key) => {
                let parent = parent.render();
                if parent.is_empty() {
                    (*key).to_owned()
                } else {
                    format!("{parent}.{key}")
                }
            }
            FieldPath::Index(parent, index) => format!("{}[{index}]", parent.render()),
        }
    }
}

fn check_shape(node: &Node, shape: Shape, field: &FieldPath<'_>) -> Result<(), PolicyError> {
    if matches!(node.value, Value::Null) {
        return Ok(());
    }
    let mismatch = |expected: &'static str| {
        Err(err(
            PolicyErrorKind::TypeMismatch {
                field: field.render(),
                expected,
                found: node.type_name(),
            },
            node.span,
        ))
    };
    match shape {
        Shape::Str => match node.value {
            Value::String(_) | Value::Number(_) | Value::Bool(_) => Ok(()),
            _ => mismatch("a string"),
        },
        Shape::Bool => match node.value {
            Value::Bool(_) => Ok(()),
            _ => mismatch("a boolean"),
        },
        Shape::Int => match &node.value {
            Value::Number(number) if number.is_i64() => Ok(()),
            _ => mismatch("an integer"),
        },
        Shape::Float => match node.value {
            Value::Number(_) => Ok(()),
            _ => mismatch("a number"),
        },
        Shape::StrList => {
            let Some(items) = node.as_seq() else {
                return mismatch("a list of strings");
            };
            for (index, item) in items.iter().enumerate() {
                // Scalars pass without the call; anything else takes it for its error.
                if !matches!(
                    item.value,
                    Value::Null | Value::String(_) | Value::Number(_) | Value::Bool(_)
                ) {
                    check_shape(item, Shape::Str, &FieldPath::Index(field, index))?;
                }
            }
            Ok(())
        }
        Shape::List(inner) => {
            let Some(items) = node.as_seq() else {
                return mismatch("a list");
            };
            for (index, item) in items.iter().enumerate() {
                check_shape(item, *inner, &FieldPath::Index(field, index))?;
            }
            Ok(())
        }
        Shape::Obj(fields) => {
            let Some(entries) = node.as_map() else {
                return mismatch("a mapping");
            };
            for entry in entries {
                let Some((_, inner)) = fields
                    .iter()
                    .find(|(key, _)| same_key(key, &entry.key.text))
                else {
                    return Err(err(
                        PolicyErrorKind::UnknownField(entry.key.text.clone()),
                        entry.key.span,
                    ));
                };
                check_shape(
                    &entry.value,
                    *inner,
                    &FieldPath::Key(field, &entry.key.text),
                )?;
            }
            Ok(())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Reading values from a shape-checked tree.
//
// Values are borrowed from the tree; a `String` is made only for what the policy keeps.

/// A mapping node already checked against its shape, read leniently (absent = zero value).
#[derive(Clone, Copy)]
struct Obj<'a> {
    node: Option<&'a Node>,
    entries: &'a [Entry],
    /// A bit per [`key_bit`] of the keys present, gathered in one pass: most lookups are of
    /// optional keys that are absent, and this answers them without a scan.
    keys: u64,
    fallback: Span,
}

/// A cheap hash of a key into one of 64 bits.
fn key_bit(key: &str) -> u64 {
    let last = key.as_bytes().last().copied().unwrap_or(0);
    1 << ((key.len() + 7 * usize::from(last)) % 64)
}

/// Key equality that looks at the length and the first and last bytes before comparing the
/// whole text (keys of one mapping often share a length).
fn same_key(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.as_bytes().first() == b.as_bytes().first()
        && a.as_bytes().last() == b.as_bytes().last()
        && a == b
}

impl<'a> Obj<'a> {
    fn new(node: Option<&'a Node>, fallback: Span) -> Self {
        match node.and_then(|node| node.as_map().map(|entries| (node, entries))) {
            Some((node, entries)) => Obj {
                node: Some(node),
                entries,
                keys: entries
                    .iter()
                    .fold(0, |keys, entry| keys | key_bit(&entry.key.text)),
                fallback,
            },
            None => Obj {
                node: None,
                entries: &[],
                keys: 0,
                fallback,
            },
        }
    }

    fn span(&self) -> Span {
        self.node.map_or(self.fallback, |node| node.span)
    }

    fn get(&self, key: &str) -> Option<&'a Node> {
        if self.keys & key_bit(key) == 0 {
            return None;
        }
        self.entries
            .iter()
            .find(|entry| same_key(&entry.key.text, key))
            .map(|entry| &entry.value)
            .filter(|node| !matches!(node.value, Value::Null))
    }

    fn span_of(&self, key: &str) -> Span {
        self.get(key).map_or(self.span(), |node| node.span)
    }

    fn child(&self, key: &str) -> Obj<'a> {
        Obj::new(self.get(key), self.span())
    }

    /// The scalar text, borrowed when the tree holds it as a string.
    fn text(&self, key: &str) -> Cow<'a, str> {
        self.get(key).map_or(Cow::Borrowed(""), scalar_text)
    }

    /// The scalar text, trimmed.
    fn trimmed(&self, key: &str) -> String {
        self.text(key).trim().to_owned()
    }

    /// The scalar text, trimmed and lower-cased ([`lower_trim`]).
    fn lowered(&self, key: &str) -> String {
        lower_trim_cow(&self.text(key)).into_owned()
    }

    fn boolean(&self, key: &str) -> bool {
        self.get(key).and_then(Node::as_bool).unwrap_or(false)
    }

    fn int(&self, key: &str) -> i64 {
        self.opt_int(key).unwrap_or(0)
    }

    fn opt_int(&self, key: &str) -> Option<i64> {
        match &self.get(key)?.value {
            Value::Number(number) => number.as_i64(),
            _ => None,
        }
    }

    fn float(&self, key: &str) -> f64 {
        self.get(key).and_then(Node::as_f64).unwrap_or(0.0)
    }

    fn opt_bool(&self, key: &str) -> Option<bool> {
        self.get(key).and_then(Node::as_bool)
    }

    /// The list items (nulls included; see [`present`]).
    fn items(&self, key: &str) -> &'a [Node] {
        self.get(key).and_then(Node::as_seq).unwrap_or(&[])
    }

    /// The texts of the list's items, nulls skipped.
    fn texts(&self, key: &str) -> impl Iterator<Item = Cow<'a, str>> + use<'a> {
        present(self.items(key)).map(scalar_text)
    }

    /// [`uniq_sort`] of the list's texts.
    fn uniq_sorted(&self, key: &str) -> Vec<String> {
        uniq_sort(self.texts(key))
    }

    /// [`lower_uniq_sort`] of the list's texts.
    fn lower_uniq_sorted(&self, key: &str) -> Vec<String> {
        lower_uniq_sort(self.texts(key))
    }
}

/// The list items that are not null.
fn present<'a, I>(items: I) -> impl Iterator<Item = &'a Node> + Clone
where
    I: IntoIterator<Item = &'a Node>,
    I::IntoIter: Clone,
{
    items
        .into_iter()
        .filter(|item| !matches!(item.value, Value::Null))
}

fn scalar_text(node: &Node) -> Cow<'_, str> {
    match &node.value {
        Value::String(text) => Cow::Borrowed(text),
        Value::Number(number) => Cow::Owned(number.to_string()),
        Value::Bool(flag) => Cow::Borrowed(if *flag { "true" } else { "false" }),
        _ => Cow::Borrowed(""),
    }
}

// ---------------------------------------------------------------------------------------------
// Normalisation helpers shared with the intent.

pub fn lower_trim(text: &str) -> String {
    lower_trim_cow(text).into_owned()
}

/// [`lower_trim`] without a copy when the trimmed text has nothing to lower-case.
fn lower_trim_cow(text: &str) -> Cow<'_, str> {
    let trimmed = text.trim();
    if trimmed
        .bytes()
        .any(|byte| byte.is_ascii_uppercase() || !byte.is_ascii())
    {
        Cow::Owned(trimmed.to_lowercase())
    } else {
        Cow::Borrowed(trimmed)
    }
}

/// Sorts by bytes and drops repeats, skipping both when the items already are strictly ordered.
fn sort_dedup(items: &mut Vec<String>) {
    if !items.is_sorted_by(|a, b| a < b) {
        items.sort_unstable();
        items.dedup();
    }
}

/// Room for every item when the iterator knows how many there can be (a filtered slice does).
fn capacity_for(items: &impl Iterator) -> usize {
    let (low, high) = items.size_hint();
    high.unwrap_or(low)
}

/// Trim, drop empty, de-duplicate, sort by bytes.
pub fn uniq_sort<I, S>(items: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let items = items.into_iter();
    let mut out: Vec<String> = Vec::with_capacity(capacity_for(&items));
    for item in items {
        let trimmed = item.as_ref().trim();
        if !trimmed.is_empty() {
            out.push(trimmed.to_owned());
        }
    }
    sort_dedup(&mut out);
    out
}

pub fn lower_uniq_sort<I, S>(items: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let items = items.into_iter();
    let mut out: Vec<String> = Vec::with_capacity(capacity_for(&items));
    for item in items {
        match lower_trim_cow(item.as_ref()) {
            Cow::Borrowed(text) => {
                if !text.is_empty() {
                    out.push(text.to_owned());
                }
            }
            // Lower-casing may (in principle) expose new surrounding white space: trim again, as
            // `uniq_sort(lower_trim(..))` did.
            Cow::Owned(text) => {
                let trimmed = text.trim();
                if trimmed.len() == text.len() {
                    if !text.is_empty() {
                        out.push(text);
                    }
                } else if !trimmed.is_empty() {
                    out.push(trimmed.to_owned());
                }
            }
        }
    }
    sort_dedup(&mut out);
    out
}

/// Lower-uniq-sort the items' texts and check each against `allowed`; the error names the first
/// bad value (in sorted order) at the first item that normalises to it.
fn lower_enum_list<'a, I>(
    items: I,
    allowed: &[&str],
    on_bad: impl Fn(String) -> PolicyErrorKind,
) -> Result<Vec<String>, PolicyError>
where
    I: Iterator<Item = &'a Node> + Clone,
{
    let normalised = lower_uniq_sort(items.clone().map(scalar_text));
    let Some(bad) = normalised
        .iter()
        .find(|value| !allowed.contains(&value.as_str()))
    else {
        return Ok(normalised);
    };
    let span = first_span_of(items, bad).unwrap_or_default();
    Err(err(on_bad(bad.clone()), span))
}

/// The span of the first item whose [`lower_trim`] is `value`.
fn first_span_of<'a>(mut items: impl Iterator<Item = &'a Node>, value: &str) -> Option<Span> {
    items
        .find(|item| lower_trim_cow(&scalar_text(item)) == value)
        .map(|item| item.span)
}

/// Go's `path.Clean` for slash-separated paths.
pub fn clean_path(path: &str) -> String {
    if is_clean_path(path) {
        return path.to_owned();
    }
    clean_path_slowly(path)
}

fn clean_path_slowly(path: &str) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|last| *last != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

/// Whether `path.Clean` would return `path` unchanged, judged conservatively: `/`, or segments
/// that are neither empty, `.` nor `..` (after the leading `/` of a rooted path).
fn is_clean_path(path: &str) -> bool {
    if path == "/" {
        return true;
    }
    let relative = path.strip_prefix('/').unwrap_or(path);
    !relative.is_empty()
        && relative
            .split('/')
            .all(|part| !matches!(part, "" | "." | ".."))
}

/// Whether `text` looks like `NAME=value` (a raw environment assignment).
pub fn looks_like_env_assignment(text: &str) -> bool {
    let Some((name, _)) = text.split_once('=') else {
        return false;
    };
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
}

/// `text` with backslashes turned into slashes, borrowed when it has none.
fn slashed(text: &str) -> Cow<'_, str> {
    if text.contains('\\') {
        Cow::Owned(text.replace('\\', "/"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Sandbox path lists: trim, clean, slash-convert, drop `.`, reject env assignments, sort.
/// An empty result is `None` (Go keeps a nil slice).
fn clean_path_list<'a>(
    items: impl Iterator<Item = &'a Node>,
    on_env: impl Fn(String) -> PolicyErrorKind,
) -> Result<Option<Vec<String>>, PolicyError> {
    let mut out = Vec::with_capacity(capacity_for(&items));
    for item in items {
        let text = scalar_text(item);
        let trimmed = text.trim();
        if trimmed.is_empty() {
            continue;
        }
        if looks_like_env_assignment(trimmed) {
            return Err(err(on_env(trimmed.to_owned()), item.span));
        }
        let cleaned = clean_path(&slashed(trimmed));
        if cleaned == "." {
            continue;
        }
        out.push(cleaned);
    }
    sort_dedup(&mut out);
    Ok(if out.is_empty() { None } else { Some(out) })
}

// ---------------------------------------------------------------------------------------------
// Loading.

/// Reads and loads the policy at `path`.
pub fn load_policy_file(path: &std::path::Path) -> Result<(Policy, String), PolicyError> {
    let bytes = std::fs::read(path).map_err(|error| {
        err(
            PolicyErrorKind::Read(format!("`{}`: {}", path.display(), error)),
            Span::default(),
        )
    })?;
    let (text, bad_utf8) = parse::decode(&bytes);
    if let Some(issue) = bad_utf8 {
        return Err(err(
            PolicyErrorKind::Syntax("invalid utf-8".to_owned()),
            issue.span,
        ));
    }
    let policy = load_policy(&text)?;
    Ok((policy, text))
}

/// Loads a policy from YAML text.
pub fn load_policy(text: &str) -> Result<Policy, PolicyError> {
    let document = parse::parse(text, Format::Yaml);
    load_policy_tree(document.root.as_ref(), &document.issues).map_err(first_error)
}

/// The error Gait reports: the first one in file order.
fn first_error(errors: Vec<PolicyError>) -> PolicyError {
    errors.into_iter().next().unwrap_or_else(|| {
        err(
            PolicyErrorKind::Syntax("invalid policy".to_owned()),
            Span::default(),
        )
    })
}

/// Loads a policy from an already parsed tree and the issues its parse recorded.
///
/// Gait stops at the first error; this keeps going where the sections are independent (the
/// header, `scripts`, `fail_closed`, `mcp_trust`, each rule) so a linter can report them all.
/// The first error of the list is the one Gait reports. Structural errors (syntax, legacy
/// fields, duplicate keys, unknown keys, wrong types) stop the load at once, as in Gait.
pub fn load_policy_tree(
    root: Option<&Node>,
    issues: &[parse::ParseIssue],
) -> Result<Policy, Vec<PolicyError>> {
    if let Some(issue) = issues.iter().find(|issue| issue.is_fatal()) {
        let message = match &issue.kind {
            IssueKind::Syntax { message } => message.clone(),
            IssueKind::TooDeep => "document nests too deeply".to_owned(),
            IssueKind::AliasLimit => "too many alias expansions".to_owned(),
            IssueKind::TooLarge { bytes } => format!("document too large ({bytes} bytes)"),
            _ => "invalid document".to_owned(),
        };
        return Err(vec![err(PolicyErrorKind::Syntax(message), issue.span)]);
    }
    let Some(root) = root else {
        return load_from_root(None);
    };
    if let Some(entries) = root.as_map() {
        let mut legacy: Vec<&'static str> = Vec::new();
        let mut first_span = None;
        for (field, _, _) in LEGACY_FIELDS {
            if let Some(entry) = entries.iter().find(|entry| entry.key.text == *field) {
                legacy.push(field);
                first_span.get_or_insert(entry.key.span);
            }
        }
        if let Some(span) = first_span {
            return Err(vec![err(
                PolicyErrorKind::LegacyFields { fields: legacy },
                span,
            )]);
        }
    }
    if let Some(issue) = issues.iter().find_map(|issue| match &issue.kind {
        IssueKind::DuplicateKey { key, .. } => Some((key.clone(), issue.span)),
        IssueKind::MultipleDocuments | IssueKind::NonScalarKey => Some((String::new(), issue.span)),
        _ => None,
    }) {
        let (key, span) = issue;
        if key.is_empty() {
            return Err(vec![err(
                PolicyErrorKind::Syntax("unsupported document structure".to_owned()),
                span,
            )]);
        }
        return Err(vec![err(PolicyErrorKind::DuplicateKey(key), span)]);
    }
    check_shape(root, Shape::Obj(ROOT_SHAPE), &FieldPath::Root).map_err(|error| vec![error])?;
    load_from_root(Some(root))
}

/// Keeps a section's value, or records its error.
fn keep<T>(result: Result<T, PolicyError>, errors: &mut Vec<PolicyError>) -> Option<T> {
    result.map_err(|error| errors.push(error)).ok()
}

struct Header {
    schema_id: String,
    schema_version: String,
    default_verdict: Verdict,
    default_action: String,
}

fn load_header(top: Obj<'_>) -> Result<Header, PolicyError> {
    let schema_id = top.trimmed("schema_id");
    let schema_id = if schema_id.is_empty() {
        POLICY_SCHEMA_ID.to_owned()
    } else {
        schema_id
    };
    if schema_id != POLICY_SCHEMA_ID {
        return Err(err(
            PolicyErrorKind::UnsupportedSchemaId(schema_id),
            top.span_of("schema_id"),
        ));
    }
    let schema_version = top.trimmed("schema_version");
    let schema_version = if schema_version.is_empty() {
        POLICY_SCHEMA_VERSION.to_owned()
    } else {
        schema_version
    };
    if schema_version != POLICY_SCHEMA_VERSION {
        return Err(err(
            PolicyErrorKind::UnsupportedSchemaVersion(schema_version),
            top.span_of("schema_version"),
        ));
    }

    let default_action = top.text("default_action");
    let verdict_raw = top.text("default_verdict");
    let verdict_text = lower_trim_cow(&verdict_raw);
    let action_text = lower_trim_cow(&default_action);
    if !verdict_text.is_empty() && !action_text.is_empty() && verdict_text != action_text {
        return Err(err(
            PolicyErrorKind::DefaultActionConflict,
            top.span_of("default_action"),
        ));
    }
    let (resolved, span) = if !verdict_text.is_empty() {
        (verdict_text, top.span_of("default_verdict"))
    } else if !action_text.is_empty() {
        (action_text, top.span_of("default_action"))
    } else {
        (Cow::Borrowed("require_approval"), top.span())
    };
    let Some(default_verdict) = Verdict::parse(&resolved) else {
        return Err(err(
            PolicyErrorKind::InvalidDefaultVerdict(resolved.into_owned()),
            span,
        ));
    };
    Ok(Header {
        schema_id,
        schema_version,
        default_verdict,
        default_action: default_action.into_owned(),
    })
}

fn load_scripts(scripts_obj: Obj<'_>) -> Result<Scripts, PolicyError> {
    let scripts = Scripts {
        max_steps: scripts_obj.int("max_steps"),
        require_approval_above: scripts_obj.int("require_approval_above"),
        block_mixed_risk: scripts_obj.boolean("block_mixed_risk"),
    };
    if scripts.max_steps < 0 {
        return Err(err(
            PolicyErrorKind::Negative("scripts.max_steps"),
            scripts_obj.span_of("max_steps"),
        ));
    }
    if scripts.require_approval_above < 0 {
        return Err(err(
            PolicyErrorKind::Negative("scripts.require_approval_above"),
            scripts_obj.span_of("require_approval_above"),
        ));
    }
    Ok(scripts)
}

fn load_from_root(root: Option<&Node>) -> Result<Policy, Vec<PolicyError>> {
    let top = Obj::new(root, Span::default());
    let mut errors = Vec::new();
    let header = keep(load_header(top), &mut errors);
    let scripts = keep(load_scripts(top.child("scripts")), &mut errors);
    let fail_closed = keep(load_fail_closed(top.child("fail_closed")), &mut errors);
    let mcp_trust = keep(load_mcp_trust(top.child("mcp_trust")), &mut errors);

    let items = top.items("rules");
    let mut rules = Vec::with_capacity(items.len());
    for item in items {
        if let Some(rule) = keep(
            load_rule(Obj::new(Some(item), item.span), item.span),
            &mut errors,
        ) {
            rules.push(rule);
        }
    }
    let (Some(header), Some(scripts), Some(fail_closed), Some(mcp_trust), true) =
        (header, scripts, fail_closed, mcp_trust, errors.is_empty())
    else {
        return Err(errors);
    };
    rules.sort_by(|a, b| (a.priority, &a.name).cmp(&(b.priority, &b.name)));

    Ok(Policy {
        schema_id: header.schema_id,
        schema_version: header.schema_version,
        default_verdict: header.default_verdict,
        default_action: header.default_action,
        scripts,
        fail_closed,
        mcp_trust,
        rules,
    })
}

fn load_fail_closed(obj: Obj<'_>) -> Result<FailClosed, PolicyError> {
    let enabled = obj.boolean("enabled");
    let mut risk_classes = obj.lower_uniq_sorted("risk_classes");
    if enabled && risk_classes.is_empty() {
        risk_classes = vec!["critical".to_owned(), "high".to_owned()];
    }
    let required_fields = lower_enum_list(
        present(obj.items("required_fields")),
        FAIL_CLOSED_REQUIRED_FIELDS,
        |value| PolicyErrorKind::UnsupportedFailClosedField {
            field: "required_field",
            value,
        },
    )?;
    let required_high_risk_fields = lower_enum_list(
        present(obj.items("required_high_risk_fields")),
        FAIL_CLOSED_HIGH_RISK_FIELDS,
        |value| PolicyErrorKind::UnsupportedFailClosedField {
            field: "required_high_risk_field",
            value,
        },
    )?;
    Ok(FailClosed {
        enabled,
        risk_classes,
        required_fields,
        required_high_risk_fields,
    })
}

fn load_mcp_trust(obj: Obj<'_>) -> Result<McpTrust, PolicyError> {
    let mut trust = McpTrust {
        enabled: obj.boolean("enabled"),
        snapshot: obj.trimmed("snapshot"),
        action: obj.lowered("action"),
        required_risk_classes: obj.lower_uniq_sorted("required_risk_classes"),
        min_score: obj.float("min_score"),
        max_age: obj.trimmed("max_age"),
        publisher_allowlist: obj.lower_uniq_sorted("publisher_allowlist"),
        require_registry: obj.boolean("require_registry"),
    };
    trust.enabled = trust.enabled
        || !trust.snapshot.is_empty()
        || !trust.action.is_empty()
        || !trust.required_risk_classes.is_empty()
        || trust.min_score > 0.0
        || !trust.max_age.is_empty()
        || !trust.publisher_allowlist.is_empty()
        || trust.require_registry;
    if !trust.enabled {
        return Ok(trust);
    }
    if trust.snapshot.is_empty() {
        return Err(err(PolicyErrorKind::McpTrustSnapshotRequired, obj.span()));
    }
    if trust.action.is_empty() {
        trust.action = "block".to_owned();
    }
    if trust.action != "block" && trust.action != "require_approval" {
        return Err(err(
            PolicyErrorKind::UnsupportedMcpTrustAction(trust.action.clone()),
            obj.span_of("action"),
        ));
    }
    if trust.required_risk_classes.is_empty() {
        trust.required_risk_classes = vec!["critical".to_owned(), "high".to_owned()];
    }
    if !(0.0..=1.0).contains(&trust.min_score) {
        return Err(err(
            PolicyErrorKind::McpTrustMinScore,
            obj.span_of("min_score"),
        ));
    }
    if !trust.max_age.is_empty() {
        match parse_go_duration(&trust.max_age) {
            Some(nanos) if nanos > 0 => trust.max_age = format_go_duration(nanos),
            _ => {
                return Err(err(
                    PolicyErrorKind::McpTrustMaxAge(trust.max_age.clone()),
                    obj.span_of("max_age"),
                ));
            }
        }
    }
    Ok(trust)
}

fn load_rule(obj: Obj<'_>, span: Span) -> Result<Rule, PolicyError> {
    let name = obj.trimmed("name");
    if name.is_empty() {
        return Err(err(PolicyErrorKind::RuleNameRequired, obj.span_of("name")));
    }
    let effect_raw = obj.text("effect");
    let action_raw = obj.text("action");
    let effect_text = lower_trim_cow(&effect_raw);
    let action_text = lower_trim_cow(&action_raw);
    if !effect_text.is_empty() && !action_text.is_empty() && effect_text != action_text {
        return Err(err(
            PolicyErrorKind::RuleActionConflict { rule: name },
            obj.span_of("action"),
        ));
    }
    let (effect_text, effect_span) = if effect_text.is_empty() {
        (action_text, obj.span_of("action"))
    } else {
        (effect_text, obj.span_of("effect"))
    };
    if effect_text.is_empty() {
        return Err(err(
            PolicyErrorKind::RuleEffectRequired { rule: name },
            obj.span(),
        ));
    }
    let Some(effect) = Verdict::parse(&effect_text) else {
        return Err(err(
            PolicyErrorKind::InvalidRuleEffect {
                rule: name,
                value: effect_text.into_owned(),
            },
            effect_span,
        ));
    };
    let rule_name = name.as_str();
    let unsupported = |field: &'static str| {
        move |value: String| PolicyErrorKind::UnsupportedValue {
            field,
            value,
            rule: rule_name.to_owned(),
        }
    };
    let negative = |field: &'static str, key: &str, at: &Obj<'_>| {
        err(
            PolicyErrorKind::NegativeInRule {
                field,
                rule: rule_name.to_owned(),
            },
            at.span_of(key),
        )
    };

    let matcher = load_match(obj.child("match"), rule_name)?;

    let min_approvals = obj.int("min_approvals");
    if min_approvals < 0 {
        return Err(negative("min_approvals", "min_approvals", &obj));
    }
    let required_agent_manifest_digest = obj.lowered("required_agent_manifest_digest");
    if !required_agent_manifest_digest.is_empty()
        && !canonical::is_sha256_hex(&required_agent_manifest_digest)
    {
        return Err(err(
            PolicyErrorKind::ManifestDigest {
                rule: rule_name.to_owned(),
            },
            obj.span_of("required_agent_manifest_digest"),
        ));
    }
    let allowed_credential_sources = lower_enum_list(
        present(obj.items("allowed_credential_sources")),
        CREDENTIAL_SOURCES,
        unsupported("allowed_credential_source"),
    )?;
    let allowed_credential_access_types = lower_enum_list(
        present(obj.items("allowed_credential_access_types")),
        CREDENTIAL_ACCESS_TYPES,
        unsupported("allowed_credential_access_type"),
    )?;
    let max_credential_ttl_seconds = obj.int("max_credential_ttl_seconds");
    if max_credential_ttl_seconds < 0 {
        return Err(negative(
            "max_credential_ttl_seconds",
            "max_credential_ttl_seconds",
            &obj,
        ));
    }
    let require_context_evidence = obj.boolean("require_context_evidence");
    let mut required_context_evidence_mode = obj.lowered("required_context_evidence_mode");
    if require_context_evidence && required_context_evidence_mode.is_empty() {
        required_context_evidence_mode = "required".to_owned();
    }
    if !required_context_evidence_mode.is_empty() && required_context_evidence_mode != "required" {
        return Err(err(
            PolicyErrorKind::ContextEvidenceMode {
                rule: rule_name.to_owned(),
            },
            obj.span_of("required_context_evidence_mode"),
        ));
    }
    let max_context_age_seconds = obj.int("max_context_age_seconds");
    if max_context_age_seconds < 0 {
        return Err(negative(
            "max_context_age_seconds",
            "max_context_age_seconds",
            &obj,
        ));
    }

    let freeze_window = load_freeze_window(obj.child("freeze_window"), rule_name)?;
    let sandbox = load_sandbox(obj.child("sandbox"), rule_name)?;
    let rate_limit = load_rate_limit(obj.child("rate_limit"), rule_name, "rate_limit", false)?;
    let destructive_budget = load_rate_limit(
        obj.child("destructive_budget"),
        rule_name,
        "destructive_budget",
        true,
    )?;
    let dataflow = load_dataflow(obj.child("dataflow"), rule_name)?;
    let endpoint = load_endpoint(obj.child("endpoint"), rule_name)?;

    Ok(Rule {
        name,
        priority: obj.int("priority"),
        effect,
        matcher,
        reason_codes: obj.uniq_sorted("reason_codes"),
        violations: obj.uniq_sorted("violations"),
        min_approvals,
        require_distinct_approvers: obj.boolean("require_distinct_approvers") || min_approvals > 1,
        require_declared_agent: obj.boolean("require_declared_agent"),
        allowed_agent_ids: obj.uniq_sorted("allowed_agent_ids"),
        denied_agent_ids: obj.uniq_sorted("denied_agent_ids"),
        required_agent_manifest_digest,
        allowed_agent_manifest_publishers: obj
            .lower_uniq_sorted("allowed_agent_manifest_publishers"),
        allowed_agent_manifest_sources: obj.lower_uniq_sorted("allowed_agent_manifest_sources"),
        required_agent_lifecycle_states: obj.lower_uniq_sorted("required_agent_lifecycle_states"),
        require_agent_owner: obj.boolean("require_agent_owner"),
        require_unexpired_agent: obj.boolean("require_unexpired_agent"),
        block_standing_credentials: obj.boolean("block_standing_credentials"),
        allowed_credential_sources,
        allowed_credential_issuers: obj.uniq_sorted("allowed_credential_issuers"),
        allowed_credential_access_types,
        max_credential_ttl_seconds,
        require_jit_credential: obj.boolean("require_jit_credential"),
        require_context_evidence,
        required_context_evidence_mode,
        max_context_age_seconds,
        require_broker_credential: obj.boolean("require_broker_credential"),
        broker_reference: obj.trimmed("broker_reference"),
        broker_scopes: obj.lower_uniq_sorted("broker_scopes"),
        freeze_window,
        sandbox,
        rate_limit,
        destructive_budget,
        dataflow,
        endpoint,
        span,
    })
}

fn load_match(obj: Obj<'_>, rule: &str) -> Result<Match, PolicyError> {
    let unsupported = |field: &'static str| {
        move |value: String| PolicyErrorKind::UnsupportedValue {
            field,
            value,
            rule: rule.to_owned(),
        }
    };
    // The `tool_name` alias joins the list (blank values drop out when normalised).
    let tool_names = lower_uniq_sort(
        present(obj.items("tool_names").iter().chain(obj.get("tool_name"))).map(scalar_text),
    );
    let classes = obj
        .items("endpoint_class")
        .iter()
        .chain(obj.items("endpoint_classes"));
    let endpoint_classes = lower_enum_list(
        present(classes),
        ENDPOINT_CLASSES,
        unsupported("match endpoint_class"),
    )?;
    let discovery_methods = lower_enum_list(
        present(obj.items("discovery_method")),
        DISCOVERY_METHODS,
        unsupported("match discovery_method"),
    )?;
    let annotations = obj.child("tool_annotations");
    let max_delegation_depth = obj.opt_int("max_delegation_depth");
    if max_delegation_depth.is_some_and(|depth| depth < 0) {
        return Err(err(
            PolicyErrorKind::NegativeInRule {
                field: "match.max_delegation_depth",
                rule: rule.to_owned(),
            },
            obj.span_of("max_delegation_depth"),
        ));
    }
    let lus = |key: &str| obj.lower_uniq_sorted(key);
    let us = |key: &str| obj.uniq_sorted(key);
    Ok(Match {
        tool_names,
        risk_classes: lus("risk_classes"),
        target_kinds: lus("target_kinds"),
        target_values: us("target_values"),
        endpoint_classes,
        discovery_methods,
        tool_annotations: ToolAnnotations {
            read_only_hint: annotations.opt_bool("readOnlyHint"),
            destructive_hint: annotations.opt_bool("destructiveHint"),
            idempotent_hint: annotations.opt_bool("idempotentHint"),
            open_world_hint: annotations.opt_bool("openWorldHint"),
        },
        skill_publishers: lus("skill_publishers"),
        skill_sources: lus("skill_sources"),
        data_classes: lus("data_classes"),
        destination_kinds: lus("destination_kinds"),
        destination_values: us("destination_values"),
        destination_operations: lus("destination_operations"),
        provenance_sources: lus("provenance_sources"),
        identities: us("identities"),
        workspace_prefixes: us("workspace_prefixes"),
        context_tool_names: lus("context_tool_names"),
        context_data_classes: lus("context_data_classes"),
        context_endpoint_classes: lus("context_endpoint_classes"),
        context_autonomy_levels: lus("context_autonomy_levels"),
        require_delegation: obj.boolean("require_delegation"),
        allowed_delegator_identities: us("allowed_delegator_identities"),
        allowed_delegate_identities: us("allowed_delegate_identities"),
        delegation_scopes: lus("delegation_scopes"),
        max_delegation_depth,
    })
}

fn is_block_or_approval(text: &str) -> bool {
    text == "block" || text == "require_approval"
}

fn load_endpoint(obj: Obj<'_>, rule: &str) -> Result<Endpoint, PolicyError> {
    let paths = |key: &str| {
        uniq_sort(obj.texts(key).map(|text| match slashed(&text) {
            Cow::Borrowed(_) => text,
            Cow::Owned(replaced) => Cow::Owned(replaced),
        }))
    };
    let mut endpoint = Endpoint {
        enabled: obj.boolean("enabled"),
        path_allowlist: paths("path_allowlist"),
        path_denylist: paths("path_denylist"),
        domain_allowlist: obj.lower_uniq_sorted("domain_allowlist"),
        domain_denylist: obj.lower_uniq_sorted("domain_denylist"),
        egress_classes: Vec::new(),
        action: obj.lowered("action"),
        destructive_action: obj.lowered("destructive_action"),
        reason_code: obj.trimmed("reason_code"),
        violation: obj.trimmed("violation"),
    };
    let egress = obj.items("egress_classes");
    endpoint.egress_classes = lower_enum_list(present(egress), ENDPOINT_CLASSES, |value| {
        PolicyErrorKind::UnsupportedValue {
            field: "endpoint.egress_class",
            value,
            rule: rule.to_owned(),
        }
    })?;
    if let Some(class) = endpoint
        .egress_classes
        .iter()
        .find(|class| !class.starts_with("net."))
    {
        let span = first_span_of(present(egress), class).unwrap_or(obj.span());
        return Err(err(
            PolicyErrorKind::EgressNotNetwork {
                rule: rule.to_owned(),
            },
            span,
        ));
    }
    endpoint.enabled = endpoint.enabled
        || !endpoint.path_allowlist.is_empty()
        || !endpoint.path_denylist.is_empty()
        || !endpoint.domain_allowlist.is_empty()
        || !endpoint.domain_denylist.is_empty()
        || !endpoint.egress_classes.is_empty()
        || !endpoint.destructive_action.is_empty();
    if !endpoint.enabled {
        return Ok(endpoint);
    }
    if endpoint.action.is_empty() {
        endpoint.action = "block".to_owned();
    }
    if !is_block_or_approval(&endpoint.action) {
        return Err(err(
            PolicyErrorKind::UnsupportedValue {
                field: "endpoint.action",
                value: endpoint.action.clone(),
                rule: rule.to_owned(),
            },
            obj.span_of("action"),
        ));
    }
    if !endpoint.destructive_action.is_empty()
        && !is_block_or_approval(&endpoint.destructive_action)
    {
        return Err(err(
            PolicyErrorKind::UnsupportedValue {
                field: "endpoint.destructive_action",
                value: endpoint.destructive_action.clone(),
                rule: rule.to_owned(),
            },
            obj.span_of("destructive_action"),
        ));
    }
    if endpoint.reason_code.is_empty() {
        endpoint.reason_code = "endpoint_constraint_violation".to_owned();
    }
    if endpoint.violation.is_empty() {
        endpoint.violation = "endpoint_constraint_violation".to_owned();
    }
    Ok(endpoint)
}

fn load_dataflow(obj: Obj<'_>, rule: &str) -> Result<Dataflow, PolicyError> {
    let mut dataflow = Dataflow {
        enabled: obj.boolean("enabled"),
        tainted_sources: obj.lower_uniq_sorted("tainted_sources"),
        destination_kinds: obj.lower_uniq_sorted("destination_kinds"),
        destination_values: obj.uniq_sorted("destination_values"),
        destination_operations: obj.lower_uniq_sorted("destination_operations"),
        action: obj.lowered("action"),
        reason_code: obj.trimmed("reason_code"),
        violation: obj.trimmed("violation"),
    };
    dataflow.enabled = dataflow.enabled
        || !dataflow.tainted_sources.is_empty()
        || !dataflow.destination_kinds.is_empty()
        || !dataflow.destination_values.is_empty()
        || !dataflow.destination_operations.is_empty();
    if !dataflow.enabled {
        return Ok(dataflow);
    }
    if dataflow.tainted_sources.is_empty() {
        dataflow.tainted_sources = vec!["external".to_owned(), "tool_output".to_owned()];
    }
    if dataflow.action.is_empty() {
        dataflow.action = "require_approval".to_owned();
    }
    if !is_block_or_approval(&dataflow.action) {
        return Err(err(
            PolicyErrorKind::UnsupportedValue {
                field: "dataflow.action",
                value: dataflow.action.clone(),
                rule: rule.to_owned(),
            },
            obj.span_of("action"),
        ));
    }
    if dataflow.reason_code.is_empty() {
        dataflow.reason_code = "dataflow_tainted_destination".to_owned();
    }
    if dataflow.violation.is_empty() {
        dataflow.violation = "tainted_dataflow".to_owned();
    }
    Ok(dataflow)
}

fn load_freeze_window(obj: Obj<'_>, rule: &str) -> Result<FreezeWindow, PolicyError> {
    let mut windows = Vec::new();
    let window_nodes = obj.get("windows").and_then(Node::as_seq).unwrap_or(&[]);
    for (index, node) in window_nodes.iter().enumerate() {
        let window = Obj::new(Some(node), node.span);
        let name = window.trimmed("name");
        let start = window.trimmed("start");
        let end = window.trimmed("end");
        if start.is_empty() || end.is_empty() {
            return Err(err(
                PolicyErrorKind::FreezeWindowBounds {
                    rule: rule.to_owned(),
                },
                node.span,
            ));
        }
        windows.push(FreezeWindowSpan {
            name: if name.is_empty() {
                format!("window-{}", index + 1)
            } else {
                name
            },
            start,
            end,
        });
    }
    let mut freeze = FreezeWindow {
        enabled: obj.boolean("enabled"),
        timezone: obj.trimmed("timezone"),
        effect: obj.lowered("effect"),
        reason: obj.trimmed("reason"),
        environments: obj.lower_uniq_sorted("environments"),
        risk_classes: obj.lower_uniq_sorted("risk_classes"),
        windows,
    };
    // Any field set enables the block, even next to `enabled: false`.
    freeze.enabled = freeze.enabled
        || !freeze.timezone.is_empty()
        || !freeze.effect.is_empty()
        || !freeze.reason.is_empty()
        || !freeze.environments.is_empty()
        || !freeze.risk_classes.is_empty()
        || !window_nodes.is_empty();
    if !freeze.enabled {
        return Ok(freeze);
    }
    if freeze.timezone.is_empty() {
        return Err(err(
            PolicyErrorKind::FreezeTimezoneRequired {
                rule: rule.to_owned(),
            },
            obj.span(),
        ));
    }
    if freeze.effect.is_empty() {
        freeze.effect = "block".to_owned();
    }
    if !is_block_or_approval(&freeze.effect) {
        return Err(err(
            PolicyErrorKind::UnsupportedValue {
                field: "freeze_window.effect",
                value: freeze.effect.clone(),
                rule: rule.to_owned(),
            },
            obj.span_of("effect"),
        ));
    }
    if freeze.windows.is_empty() {
        return Err(err(
            PolicyErrorKind::FreezeWindowsRequired {
                rule: rule.to_owned(),
            },
            obj.span(),
        ));
    }
    Ok(freeze)
}

fn load_sandbox(obj: Obj<'_>, rule: &str) -> Result<Sandbox, PolicyError> {
    let unsupported = |field: &'static str| {
        move |value: String| PolicyErrorKind::UnsupportedValue {
            field,
            value,
            rule: rule.to_owned(),
        }
    };
    let env = |field: &'static str| {
        move |value: String| PolicyErrorKind::RawEnvAssignment {
            field,
            value,
            rule: rule.to_owned(),
        }
    };
    let sandbox = Sandbox {
        enabled: obj.boolean("enabled"),
        allowed_network_modes: lower_enum_list(
            present(obj.items("allowed_network_modes")),
            &["disabled", "egress_allowlist", "full"],
            unsupported("sandbox.allowed_network_mode"),
        )?,
        allowed_writable_path_prefixes: clean_path_list(
            present(obj.items("allowed_writable_path_prefixes")),
            env("sandbox.allowed_writable_path_prefixes"),
        )?,
        required_read_only_roots: clean_path_list(
            present(obj.items("required_read_only_roots")),
            env("sandbox.required_read_only_roots"),
        )?,
        allowed_env_exposure_modes: lower_enum_list(
            present(obj.items("allowed_env_exposure_modes")),
            &["none", "allowlist", "full"],
            unsupported("sandbox.allowed_env_exposure_mode"),
        )?,
        max_timeout_seconds: obj.int("max_timeout_seconds"),
        allowed_filesystem_isolations: lower_enum_list(
            present(obj.items("allowed_filesystem_isolations")),
            &["none", "workspace", "container"],
            unsupported("sandbox.allowed_filesystem_isolation"),
        )?,
        allowed_user_modes: lower_enum_list(
            present(obj.items("allowed_user_modes")),
            &["default", "root", "unprivileged"],
            unsupported("sandbox.allowed_user_mode"),
        )?,
    };
    if sandbox.max_timeout_seconds < 0 {
        return Err(err(
            PolicyErrorKind::NegativeInRule {
                field: "sandbox.max_timeout_seconds",
                rule: rule.to_owned(),
            },
            obj.span_of("max_timeout_seconds"),
        ));
    }
    let enabled = sandbox.enabled
        || !sandbox.allowed_network_modes.is_empty()
        || sandbox.allowed_writable_path_prefixes.is_some()
        || sandbox.required_read_only_roots.is_some()
        || !sandbox.allowed_env_exposure_modes.is_empty()
        || sandbox.max_timeout_seconds > 0
        || !sandbox.allowed_filesystem_isolations.is_empty()
        || !sandbox.allowed_user_modes.is_empty();
    Ok(Sandbox { enabled, ..sandbox })
}

fn load_rate_limit(
    obj: Obj<'_>,
    rule: &str,
    field: &'static str,
    budget: bool,
) -> Result<RateLimit, PolicyError> {
    let mut limit = RateLimit {
        requests: obj.int("requests"),
        window: obj.lowered("window"),
        scope: obj.lowered("scope"),
    };
    if limit.requests < 0 {
        return Err(err(
            PolicyErrorKind::NegativeInRule {
                field: if budget {
                    "destructive_budget.requests"
                } else {
                    "rate_limit.requests"
                },
                rule: rule.to_owned(),
            },
            obj.span_of("requests"),
        ));
    }
    let configured = if budget {
        limit.requests > 0 || !limit.window.is_empty() || !limit.scope.is_empty()
    } else {
        limit.requests > 0
    };
    if !configured {
        return Ok(if budget { RateLimit::default() } else { limit });
    }
    if budget && limit.requests < 1 {
        return Err(err(
            PolicyErrorKind::DestructiveBudgetRequests {
                rule: rule.to_owned(),
            },
            obj.span(),
        ));
    }
    if limit.window.is_empty() {
        limit.window = "minute".to_owned();
    }
    if limit.scope.is_empty() {
        limit.scope = "tool_identity".to_owned();
    }
    if limit.window != "minute" && limit.window != "hour" {
        return Err(err(
            PolicyErrorKind::UnsupportedValue {
                field: if budget {
                    "destructive_budget.window"
                } else {
                    "rate_limit.window"
                },
                value: limit.window.clone(),
                rule: rule.to_owned(),
            },
            obj.span_of("window"),
        ));
    }
    if !["tool", "identity", "tool_identity"].contains(&limit.scope.as_str()) {
        return Err(err(
            PolicyErrorKind::UnsupportedValue {
                field: if budget {
                    "destructive_budget.scope"
                } else {
                    "rate_limit.scope"
                },
                value: limit.scope.clone(),
                rule: rule.to_owned(),
            },
            obj.span_of("scope"),
        ));
    }
    let _ = field;
    Ok(limit)
}

// ---------------------------------------------------------------------------------------------
// Go durations (mcp_trust.max_age).

/// Parses a Go `time.ParseDuration` string into nanoseconds.
pub fn parse_go_duration(text: &str) -> Option<i128> {
    let (negative, mut rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let number_end = rest
            .find(|ch: char| !(ch.is_ascii_digit() || ch == '.'))
            .unwrap_or(rest.len());
        let (number, tail) = rest.split_at(number_end);
        if number.is_empty() || number == "." {
            return None;
        }
        let value: f64 = number.parse().ok()?;
        let unit_end = tail
            .find(|ch: char| ch.is_ascii_digit() || ch == '.')
            .unwrap_or(tail.len());
        let (unit, next) = tail.split_at(unit_end);
        let scale: f64 = match unit {
            "ns" => 1.0,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        total += value * scale;
        rest = next;
    }
    if total > 9.2e18 {
        return None;
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "bounded above; Go's durations are int64 nanoseconds"
    )]
    let nanos = total.round() as i128;
    Some(if negative { -nanos } else { nanos })
}

/// Go's `time.Duration.String` for a positive duration.
pub fn format_go_duration(nanos: i128) -> String {
    if nanos < 1_000_000_000 {
        return if nanos < 1_000 {
            format!("{nanos}ns")
        } else if nanos < 1_000_000 {
            format!("{}\u{b5}s", trim_fraction(nanos, 1_000))
        } else {
            format!("{}ms", trim_fraction(nanos, 1_000_000))
        };
    }
    let hours = nanos / 3_600_000_000_000;
    let minutes = (nanos / 60_000_000_000) % 60;
    let seconds = nanos % 60_000_000_000;
    let seconds = trim_fraction(seconds, 1_000_000_000);
    if hours > 0 {
        format!("{hours}h{minutes}m{seconds}s")
    } else if minutes > 0 {
        format!("{minutes}m{seconds}s")
    } else {
        format!("{seconds}s")
    }
}

fn trim_fraction(value: i128, unit: i128) -> String {
    let whole = value / unit;
    let fraction = value % unit;
    if fraction == 0 {
        return whole.to_string();
    }
    let width = unit.to_string().len() - 1;
    let digits = format!("{fraction:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

// ---------------------------------------------------------------------------------------------
// Digest.

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

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Policy, PolicyError> {
        load_policy(text)
    }

    #[test]
    fn default_only_policy_digest_matches_gait() {
        let policy = load("default_verdict: require_approval\n").unwrap();
        assert_eq!(
            canonical::canonical_json(&policy.digest_payload()),
            r#"{"DefaultVerdict":"require_approval","FailClosed":{"Enabled":false,"RequiredFields":[],"RiskClasses":[]},"Rules":[],"SchemaID":"gait.gate.policy","SchemaVersion":"1.0.0"}"#
        );
        assert_eq!(
            policy.digest(),
            "07a528a879e4f0e0cd5a0e2ca801924746b47dac624862207ef21d4ec266f8f9"
        );
    }

    #[test]
    fn one_rule_policy_digest_matches_gait() {
        let policy = load(
            "schema_id: gait.gate.policy\nschema_version: 1.0.0\ndefault_verdict: allow\nrules:\n  - name: require_write_approval\n    priority: 10\n    effect: require_approval\n    match:\n      tool_names: [tool.write]\n    reason_codes: [approval_required_write]\n",
        )
        .unwrap();
        assert_eq!(
            policy.digest(),
            "44ae19688443915c381be9f806b7fc9ddb2736d286c4e40464b7575a874e9420"
        );
    }

    #[test]
    fn digest_ignores_order_comments_and_defaults() {
        let a = load("default_verdict: block\nrules:\n  - {name: b, effect: allow}\n  - {name: a, effect: BLOCK, priority: 0}\n").unwrap();
        let b = load("# c\nschema_id: gait.gate.policy\nrules:\n  - {name: a, action: block}\n  - {name: b, effect: allow}\ndefault_action: block\n").unwrap();
        assert_eq!(a.digest(), b.digest());
    }

    #[test]
    fn unknown_and_legacy_fields_are_rejected_with_spans() {
        let text = "default_verdict: block\nrules:\n  - name: r\n    effect: block\n    match:\n      tool: x\n";
        let error = load(text).unwrap_err();
        assert_eq!(error.kind, PolicyErrorKind::UnknownField("tool".into()));
        assert_eq!(&text[error.span.range()], "tool");
        let error = load("version: 1\nname: x\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "parse policy yaml: legacy policy proposal fields are not supported [version, name]: version->schema_id|schema_version (set schema_id=gait.gate.policy and schema_version=1.0.0); name->remove the top-level policy name; rule names remain under rules[].name when needed"
        );
        let error = load("default_verdict: block\ndefault_verdict: allow\n").unwrap_err();
        assert!(matches!(error.kind, PolicyErrorKind::DuplicateKey(_)));
    }

    #[test]
    fn normalises_and_orders_rules() {
        let policy = load(
            "rules:\n  - name: z\n    priority: 1\n    effect: ' Allow '\n    match: {tool_names: [' Tool.B ', tool.a, tool.a], endpoint_class: [FS.READ]}\n  - name: a\n    priority: 2\n    action: block\n    min_approvals: 2\n",
        )
        .unwrap();
        assert_eq!(policy.default_verdict, Verdict::RequireApproval);
        let first = &policy.rules[0];
        assert_eq!(first.name, "z");
        assert_eq!(first.effect, Verdict::Allow);
        assert_eq!(first.matcher.tool_names, vec!["tool.a", "tool.b"]);
        assert_eq!(first.matcher.endpoint_classes, vec!["fs.read"]);
        assert!(policy.rules[1].require_distinct_approvers);
    }

    #[test]
    fn semantic_errors() {
        let cases: &[(&str, &str)] = &[
            ("schema_id: x\n", "unsupported policy schema_id `x`"),
            (
                "default_verdict: maybe\n",
                "invalid default_verdict `maybe`",
            ),
            (
                "default_verdict: block\ndefault_action: allow\n",
                "default_action must match default_verdict when both are set",
            ),
            ("rules:\n  - effect: allow\n", "rule name is required"),
            ("rules:\n  - name: r\n", "rule effect is required for `r`"),
            (
                "rules:\n  - {name: r, effect: allow, match: {endpoint_classes: [net.ftp]}}\n",
                "unsupported match endpoint_class `net.ftp` for `r`",
            ),
            (
                "rules:\n  - {name: r, effect: allow, endpoint: {egress_classes: [fs.read]}}\n",
                "endpoint.egress_class must be network class for `r`",
            ),
            (
                "rules:\n  - {name: r, effect: allow, freeze_window: {enabled: false, windows: [{start: a, end: b}]}}\n",
                "freeze_window.timezone is required for `r`",
            ),
            (
                "rules:\n  - {name: r, effect: allow, destructive_budget: {window: hour}}\n",
                "destructive_budget.requests must be >= 1 for `r`",
            ),
            (
                "rules:\n  - {name: r, effect: allow, sandbox: {allowed_writable_path_prefixes: [HOME=/x]}}\n",
                "sandbox.allowed_writable_path_prefixes must not contain raw env assignment `HOME=/x` for `r`",
            ),
            (
                "fail_closed: {required_fields: [nope]}\n",
                "unsupported fail_closed required_field `nope`",
            ),
            (
                "mcp_trust: {min_score: 0.5}\n",
                "mcp_trust.snapshot is required when mcp_trust is configured",
            ),
        ];
        for (text, message) in cases {
            assert_eq!(load(text).unwrap_err().to_string(), *message, "{text}");
        }
    }

    #[test]
    fn rate_limit_without_requests_is_ignored() {
        let policy =
            load("rules:\n  - {name: r, effect: allow, rate_limit: {window: decade}}\n").unwrap();
        assert_eq!(policy.rules[0].rate_limit.requests, 0);
    }

    #[test]
    fn go_durations() {
        assert_eq!(
            parse_go_duration("24h").map(format_go_duration).as_deref(),
            Some("24h0m0s")
        );
        assert_eq!(
            parse_go_duration("90m").map(format_go_duration).as_deref(),
            Some("1h30m0s")
        );
        assert_eq!(
            parse_go_duration("1.5s").map(format_go_duration).as_deref(),
            Some("1.5s")
        );
        assert_eq!(parse_go_duration("1d"), None);
    }

    #[test]
    fn clean_paths_like_go() {
        assert_eq!(clean_path("/a/b/../c/./"), "/a/c");
        assert_eq!(clean_path("a/../.."), "..");
        assert_eq!(clean_path("/.."), "/");
        for path in [
            "", "/", "//", "a", "/a", "a/", "/a/b", "a//b", "./a", "a/.", "..", "/..", "a/..b",
            ".a/b.", "...", "/a/b/",
        ] {
            let cleaned = clean_path_slowly(path);
            assert_eq!(clean_path(path), cleaned, "{path}");
            if is_clean_path(path) {
                assert_eq!(cleaned, path);
            }
        }
    }

    #[test]
    fn normalising_borrows_only_what_needs_no_change() {
        assert_eq!(lower_trim("  MiXed "), "mixed");
        assert_eq!(lower_trim(" \u{c9}t\u{c9} "), "\u{e9}t\u{e9}");
        assert_eq!(lower_trim("plain"), "plain");
        assert_eq!(
            lower_uniq_sort(["b", " A ", "a", "", "  ", "\u{130}x"]),
            vec!["a", "b", "i\u{307}x"]
        );
        assert_eq!(uniq_sort(["b", " a", "a ", "c", ""]), vec!["a", "b", "c"]);
        assert_eq!(uniq_sort(["a", "b"]), vec!["a", "b"]);
    }
}
