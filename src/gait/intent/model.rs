//! The decoded intent and its parts, and the error type.

use serde_json::{Map, Value as Json};

use crate::gait::time::GoTime;
use crate::span::Span;

/// Gait rejects scripts longer than this while normalising.
pub const MAX_SCRIPT_STEPS: usize = 64;

/// An intent that could not be read, decoded or normalised, and where.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{kind}")]
pub struct IntentError {
    pub kind: IntentErrorKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum IntentErrorKind {
    #[error("read intent: {0}")]
    Read(String),
    #[error("parse intent json: {0}")]
    Parse(String),
    #[error("normalize intent: {0}")]
    Normalize(String),
}

pub(super) fn parse_error(message: impl Into<String>, span: Span) -> IntentError {
    IntentError {
        kind: IntentErrorKind::Parse(message.into()),
        span,
    }
}

pub(super) fn invalid(message: impl Into<String>, span: Span) -> IntentError {
    IntentError {
        kind: IntentErrorKind::Normalize(message.into()),
        span,
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Target {
    pub kind: String,
    pub value: String,
    pub operation: String,
    pub sensitivity: String,
    pub endpoint_class: String,
    pub endpoint_domain: String,
    pub destructive: bool,
    pub discovery_method: String,
    pub read_only_hint: bool,
    pub destructive_hint: bool,
    pub idempotent_hint: bool,
    pub open_world_hint: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct ArgProvenance {
    pub arg_path: String,
    pub source: String,
    pub source_ref: String,
    pub integrity_digest: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SkillProvenance {
    pub skill_name: String,
    pub skill_version: String,
    pub source: String,
    pub publisher: String,
    pub digest: String,
    pub signature_key_id: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct DelegationLink {
    pub delegator_identity: String,
    pub delegate_identity: String,
    pub scope_class: String,
    pub token_ref: String,
    pub issued_at: Option<GoTime>,
    pub expires_at: Option<GoTime>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Delegation {
    pub requester_identity: String,
    pub scope_class: String,
    pub token_refs: Vec<String>,
    pub issued_at: Option<GoTime>,
    pub expires_at: Option<GoTime>,
    pub chain: Vec<DelegationLink>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct AgentIdentity {
    pub lifecycle_states: Vec<String>,
    pub owner: String,
    pub manifest_digest: String,
    pub publisher: String,
    pub source: String,
    pub issued_at: Option<GoTime>,
    pub approved_at: Option<GoTime>,
    pub expires_at: Option<GoTime>,
    pub revoked: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SandboxContext {
    pub network_mode: String,
    pub writable_paths: Vec<String>,
    pub read_only_roots: Vec<String>,
    pub env_exposure_mode: String,
    pub timeout_seconds: i64,
    pub filesystem_isolation: String,
    pub user_mode: String,
    pub evidence_ref: String,
    pub evidence_digest: String,
}

/// Plain string fields of the context, in Go's declaration order, by JSON name.
pub const CONTEXT_STRING_FIELDS: &[&str] = &[
    "identity",
    "workspace",
    "risk_class",
    "phase",
    "agent_id",
    "run_id",
    "workflow_id",
    "repo",
    "environment",
    "job_id",
    "session_id",
    "request_id",
    "credential_ref",
    "credential_source",
    "credential_access_type",
    "credential_issuer",
    "credential_subject",
    "credential_owner",
    "credential_target_binding",
    "credential_run_binding",
    "credential_job_binding",
    "approval_ref",
    "wrkr_inventory_ref",
    "agent_action_bom_ref",
    "environment_fingerprint",
    "context_set_digest",
    "context_evidence_mode",
];

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Context {
    /// Every plain string field by JSON name (see [`CONTEXT_STRING_FIELDS`]), normalised.
    pub fields: std::collections::BTreeMap<&'static str, String>,
    pub agent_identity: Option<AgentIdentity>,
    pub credential_ttl_seconds: i64,
    pub sandbox: Option<SandboxContext>,
    pub auth_context: Option<Map<String, Json>>,
    pub credential_scopes: Vec<String>,
    pub context_refs: Vec<String>,
}

impl Context {
    /// A string field by JSON name; empty when unset.
    pub fn get(&self, field: &str) -> &str {
        self.fields.get(field).map_or("", String::as_str)
    }

    pub(super) fn set(&mut self, field: &'static str, value: String) {
        if value.is_empty() {
            self.fields.remove(field);
        } else {
            self.fields.insert(field, value);
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Step {
    pub tool_name: String,
    pub args: Map<String, Json>,
    pub targets: Vec<Target>,
    pub arg_provenance: Vec<ArgProvenance>,
}

/// A normalised intent.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Intent {
    pub tool_name: String,
    pub args: Map<String, Json>,
    pub targets: Vec<Target>,
    pub arg_provenance: Vec<ArgProvenance>,
    pub script: Option<Vec<Step>>,
    pub skill_provenance: Option<SkillProvenance>,
    pub delegation: Option<Delegation>,
    pub context: Context,
    pub created_at: Option<GoTime>,
}
