//! Signed Gait artifacts: approval tokens, delegation tokens (and chains) and approved-script
//! registry entries. Ed25519 over the raw SHA-256 of the JCS form of the token minus `signature`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use jiff::Timestamp;
use serde_json::{Map, Value as Json, json};

use super::canonical;
use super::intent::Intent;
use super::policy::{lower_trim, lower_uniq_sort};
use super::time::GoTime;

/// A public key read from Gait's key file format (standard base64 of the 32 raw bytes).
#[derive(Clone, Debug)]
pub struct PublicKey {
    key: VerifyingKey,
    /// Hex SHA-256 of the raw public key.
    pub key_id: String,
}

/// Why a key file could not be used.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum KeyError {
    #[error("public key is not valid base64")]
    Base64,
    #[error("public key must be 32 bytes, found {0}")]
    Length(usize),
    #[error("public key is not a valid ed25519 point")]
    Point,
}

impl PublicKey {
    pub fn from_base64(text: &str) -> Result<Self, KeyError> {
        let bytes = STANDARD.decode(text.trim()).map_err(|_| KeyError::Base64)?;
        let raw: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| KeyError::Length(bytes.len()))?;
        let key = VerifyingKey::from_bytes(&raw).map_err(|_| KeyError::Point)?;
        Ok(PublicKey {
            key,
            key_id: canonical::sha256_hex(&raw),
        })
    }
}

/// The signature block of a signed artifact.
#[derive(Clone, Debug, Default)]
struct SignatureBlock {
    alg: String,
    key_id: String,
    sig: String,
    signed_digest: String,
}

fn signature_of(raw: &Json) -> Option<SignatureBlock> {
    let block = raw.get("signature")?.as_object()?;
    let text = |key: &str| {
        block
            .get(key)
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_owned()
    };
    Some(SignatureBlock {
        alg: text("alg"),
        key_id: text("key_id"),
        sig: text("sig"),
        signed_digest: text("signed_digest"),
    })
}

/// Signature failures, in the order Gait checks them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureFailure {
    Missing,
    Invalid,
}

fn verify_signature(
    signable: &Json,
    signature: Option<&SignatureBlock>,
    key: Option<&PublicKey>,
) -> Result<(), SignatureFailure> {
    let Some(key) = key else {
        return Err(SignatureFailure::Invalid);
    };
    let Some(signature) = signature.filter(|block| !block.sig.is_empty()) else {
        return Err(SignatureFailure::Missing);
    };
    if signature.alg != "ed25519" {
        return Err(SignatureFailure::Invalid);
    }
    if !signature.key_id.is_empty() && signature.key_id != key.key_id {
        return Err(SignatureFailure::Invalid);
    }
    let digest = canonical::digest_bytes(signable);
    if signature.signed_digest != canonical::hex(&digest) {
        return Err(SignatureFailure::Invalid);
    }
    let bytes = STANDARD
        .decode(signature.sig.trim())
        .map_err(|_| SignatureFailure::Invalid)?;
    let raw: [u8; 64] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| SignatureFailure::Invalid)?;
    key.key
        .verify(&digest, &Signature::from_bytes(&raw))
        .map_err(|_| SignatureFailure::Invalid)
}

fn text(raw: &Json, key: &str) -> String {
    raw.get(key)
        .and_then(Json::as_str)
        .unwrap_or("")
        .trim()
        .to_owned()
}

fn list(raw: &Json, key: &str) -> Vec<String> {
    raw.get(key)
        .and_then(Json::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Json::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn time(raw: &Json, key: &str) -> Option<GoTime> {
    GoTime::parse_rfc3339(&text(raw, key))
}

fn int(raw: &Json, key: &str) -> Option<i64> {
    match raw.get(key) {
        None | Some(Json::Null) => Some(0),
        Some(value) => value.as_i64(),
    }
}

fn is_hex_or_empty(text: &str) -> bool {
    text.is_empty() || canonical::is_sha256_hex(text)
}

// ---------------------------------------------------------------------------------------------
// Approval tokens (§3.10.5).

#[derive(Clone, Debug)]
pub struct ApprovalToken {
    pub token_id: String,
    pub approver_identity: String,
    pub reason_code: String,
    pub intent_digest: String,
    pub policy_digest: String,
    pub delegation_binding_digest: String,
    pub scope: Vec<String>,
    pub max_targets: i64,
    pub max_ops: i64,
    pub expires_at: GoTime,
    signable: Json,
    signature: Option<SignatureBlock>,
}

impl ApprovalToken {
    /// The normalised document the signature covers (the token minus its `signature`).
    pub fn signable(&self) -> &Json {
        &self.signable
    }
}

impl ApprovalToken {
    /// Normalises a token document; `None` means `approval_token_invalid`.
    pub fn from_json(raw: &Json) -> Option<Self> {
        let schema_id = text(raw, "schema_id");
        let schema_version = text(raw, "schema_version");
        let created_at = time(raw, "created_at")?;
        let expires_at = time(raw, "expires_at")?;
        let token = ApprovalToken {
            token_id: text(raw, "token_id"),
            approver_identity: text(raw, "approver_identity"),
            reason_code: text(raw, "reason_code"),
            intent_digest: lower_trim(&text(raw, "intent_digest")),
            policy_digest: lower_trim(&text(raw, "policy_digest")),
            delegation_binding_digest: lower_trim(&text(raw, "delegation_binding_digest")),
            scope: lower_uniq_sort(list(raw, "scope")),
            max_targets: int(raw, "max_targets")?,
            max_ops: int(raw, "max_ops")?,
            expires_at,
            signable: Json::Null,
            signature: signature_of(raw),
        };
        if schema_id != "gait.gate.approval_token"
            || schema_version.is_empty()
            || token.token_id.is_empty()
            || token.approver_identity.is_empty()
            || token.reason_code.is_empty()
            || !canonical::is_sha256_hex(&token.intent_digest)
            || !canonical::is_sha256_hex(&token.policy_digest)
            || !is_hex_or_empty(&token.delegation_binding_digest)
            || token.scope.is_empty()
            || token.max_targets < 0
            || token.max_ops < 0
        {
            return None;
        }
        let mut signable = Map::new();
        signable.insert("schema_id".into(), json!(schema_id));
        signable.insert("schema_version".into(), json!(schema_version));
        signable.insert("created_at".into(), json!(created_at.format_rfc3339_nano()));
        signable.insert(
            "producer_version".into(),
            json!(text(raw, "producer_version")),
        );
        signable.insert("token_id".into(), json!(token.token_id));
        signable.insert("approver_identity".into(), json!(token.approver_identity));
        signable.insert("reason_code".into(), json!(token.reason_code));
        signable.insert("intent_digest".into(), json!(token.intent_digest));
        signable.insert("policy_digest".into(), json!(token.policy_digest));
        if !token.delegation_binding_digest.is_empty() {
            signable.insert(
                "delegation_binding_digest".into(),
                json!(token.delegation_binding_digest),
            );
        }
        signable.insert("scope".into(), json!(token.scope));
        if token.max_targets > 0 {
            signable.insert("max_targets".into(), json!(token.max_targets));
        }
        if token.max_ops > 0 {
            signable.insert("max_ops".into(), json!(token.max_ops));
        }
        signable.insert(
            "expires_at".into(),
            json!(token.expires_at.format_rfc3339_nano()),
        );
        Some(ApprovalToken {
            signable: Json::Object(signable),
            ..token
        })
    }
}

/// What an approval token is checked against.
pub struct ApprovalContext<'a> {
    pub intent: &'a Intent,
    pub intent_digest: &'a str,
    pub policy_digest: &'a str,
    pub now: Timestamp,
    pub key: Option<&'a PublicKey>,
}

/// The scope an approval must cover: `tool:<name>` (+ `phase:apply`, `destructive:apply`).
pub fn required_approval_scope(intent: &Intent) -> Vec<String> {
    let mut scope = vec![format!("tool:{}", intent.tool_name)];
    if intent.context.get("phase") == "apply" && super::destructive::intent(intent) {
        scope.push("phase:apply".into());
        scope.push("destructive:apply".into());
    }
    lower_uniq_sort(scope)
}

/// Checks one parsed approval token; `Err` is Gait's reason code.
pub fn check_approval<'t>(
    token: &'t ApprovalToken,
    context: &ApprovalContext<'_>,
) -> Result<&'t ApprovalToken, &'static str> {
    match verify_signature(&token.signable, token.signature.as_ref(), context.key) {
        Ok(()) => {}
        Err(SignatureFailure::Missing) => return Err("approval_token_signature_missing"),
        Err(SignatureFailure::Invalid) => return Err("approval_token_signature_invalid"),
    }
    if token.intent_digest != context.intent_digest {
        return Err("approval_token_intent_mismatch");
    }
    if token.policy_digest != context.policy_digest {
        return Err("approval_token_policy_mismatch");
    }
    if context.intent.delegation.is_some()
        && token.delegation_binding_digest != context.intent.delegation_binding_digest()
    {
        return Err("approval_token_delegation_binding_mismatch");
    }
    if context.now >= token.expires_at.timestamp {
        return Err("approval_token_expired");
    }
    let required = required_approval_scope(context.intent);
    if !token.scope.iter().any(|item| item == "*")
        && !required.iter().all(|item| token.scope.contains(item))
    {
        return Err("approval_token_scope_mismatch");
    }
    let steps = context.intent.script.as_deref().unwrap_or(&[]);
    let step_targets: usize = steps.iter().map(|step| step.targets.len()).sum();
    let target_count = if step_targets > 0 {
        step_targets
    } else {
        context.intent.targets.len()
    };
    let op_count = if !steps.is_empty() {
        steps.len()
    } else {
        context.intent.targets.len().max(1)
    };
    let count = |value: usize| i64::try_from(value).unwrap_or(i64::MAX);
    if token.max_targets > 0 && count(target_count) > token.max_targets {
        return Err("approval_token_max_targets_exceeded");
    }
    if token.max_ops > 0 && count(op_count) > token.max_ops {
        return Err("approval_token_max_ops_exceeded");
    }
    Ok(token)
}

// ---------------------------------------------------------------------------------------------
// Delegation tokens (§3.10.4).

#[derive(Clone, Debug)]
pub struct DelegationToken {
    pub token_id: String,
    pub delegator_identity: String,
    pub delegate_identity: String,
    pub scope: Vec<String>,
    pub scope_class: String,
    pub intent_digest: String,
    pub policy_digest: String,
    pub expires_at: GoTime,
    signable: Json,
    signature: Option<SignatureBlock>,
}

impl DelegationToken {
    /// The normalised document the signature covers (the token minus its `signature`).
    pub fn signable(&self) -> &Json {
        &self.signable
    }
}

impl DelegationToken {
    pub fn from_json(raw: &Json) -> Option<Self> {
        let schema_id = text(raw, "schema_id");
        let schema_version = text(raw, "schema_version");
        let created_at = time(raw, "created_at")?;
        let expires_at = time(raw, "expires_at")?;
        let token = DelegationToken {
            token_id: text(raw, "token_id"),
            delegator_identity: text(raw, "delegator_identity"),
            delegate_identity: text(raw, "delegate_identity"),
            scope: lower_uniq_sort(list(raw, "scope")),
            scope_class: lower_trim(&text(raw, "scope_class")),
            intent_digest: lower_trim(&text(raw, "intent_digest")),
            policy_digest: lower_trim(&text(raw, "policy_digest")),
            expires_at,
            signable: Json::Null,
            signature: signature_of(raw),
        };
        if schema_id != "gait.gate.delegation_token"
            || schema_version.is_empty()
            || created_at.is_zero()
            || expires_at.is_zero()
            || token.token_id.is_empty()
            || token.delegator_identity.is_empty()
            || token.delegate_identity.is_empty()
            || token.scope.is_empty()
            || !is_hex_or_empty(&token.intent_digest)
            || !is_hex_or_empty(&token.policy_digest)
        {
            return None;
        }
        let mut signable = Map::new();
        signable.insert("schema_id".into(), json!(schema_id));
        signable.insert("schema_version".into(), json!(schema_version));
        signable.insert("created_at".into(), json!(created_at.format_rfc3339_nano()));
        signable.insert(
            "producer_version".into(),
            json!(text(raw, "producer_version")),
        );
        signable.insert("token_id".into(), json!(token.token_id));
        signable.insert("delegator_identity".into(), json!(token.delegator_identity));
        signable.insert("delegate_identity".into(), json!(token.delegate_identity));
        signable.insert("scope".into(), json!(token.scope));
        for (key, value) in [
            ("scope_class", &token.scope_class),
            ("intent_digest", &token.intent_digest),
            ("policy_digest", &token.policy_digest),
        ] {
            if !value.is_empty() {
                signable.insert(key.into(), json!(value));
            }
        }
        signable.insert(
            "expires_at".into(),
            json!(token.expires_at.format_rfc3339_nano()),
        );
        Some(DelegationToken {
            signable: Json::Object(signable),
            ..token
        })
    }
}

/// One hop a delegation token must cover.
#[derive(Clone, Debug, PartialEq)]
pub struct RequiredLink {
    pub delegator_identity: String,
    pub delegate_identity: String,
}

/// The result of checking delegation evidence for an intent.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DelegationOutcome {
    pub granted: bool,
    pub reason_codes: Vec<String>,
    pub valid_delegations: usize,
    pub delegation_ref: String,
}

fn check_delegation_token<'t>(
    token: Option<&'t DelegationToken>,
    link: Option<&RequiredLink>,
    required_scopes: &[String],
    intent_digest: &str,
    policy_digest: &str,
    now: Timestamp,
    key: Option<&PublicKey>,
) -> Result<&'t DelegationToken, &'static str> {
    let token = token.ok_or("delegation_token_invalid")?;
    match verify_signature(&token.signable, token.signature.as_ref(), key) {
        Ok(()) => {}
        Err(SignatureFailure::Missing) => return Err("delegation_token_signature_missing"),
        Err(SignatureFailure::Invalid) => return Err("delegation_token_signature_invalid"),
    }
    if now >= token.expires_at.timestamp {
        return Err("delegation_token_expired");
    }
    if let Some(link) = link {
        if !link.delegator_identity.is_empty()
            && token.delegator_identity != link.delegator_identity
        {
            return Err("delegation_token_delegator_mismatch");
        }
        if token.delegate_identity != link.delegate_identity {
            return Err("delegation_token_delegate_mismatch");
        }
    }
    if !token.intent_digest.is_empty() && token.intent_digest != intent_digest {
        return Err("delegation_token_intent_mismatch");
    }
    if !token.policy_digest.is_empty() && token.policy_digest != policy_digest {
        return Err("delegation_token_policy_mismatch");
    }
    let covers = token.scope.iter().any(|item| item == "*")
        || required_scopes.is_empty()
        || required_scopes
            .iter()
            .any(|scope| token.scope.contains(scope) || *scope == token.scope_class);
    if !covers {
        return Err("delegation_token_scope_mismatch");
    }
    Ok(token)
}

/// Gait's delegation-chain validation: every required hop consumes the first unused token that
/// validates for it. `tokens` are the readable documents, `None` for one that is not a token.
pub fn check_delegation(
    tokens: &[Option<DelegationToken>],
    intent: &Intent,
    required_scopes: &[String],
    intent_digest: &str,
    policy_digest: &str,
    now: Timestamp,
    key: Option<&PublicKey>,
) -> DelegationOutcome {
    if tokens.is_empty() {
        return DelegationOutcome {
            reason_codes: vec!["delegation_token_missing".into()],
            ..DelegationOutcome::default()
        };
    }
    let links: Vec<RequiredLink> = match &intent.delegation {
        Some(delegation) if !delegation.chain.is_empty() => delegation
            .chain
            .iter()
            .map(|link| RequiredLink {
                delegator_identity: link.delegator_identity.clone(),
                delegate_identity: link.delegate_identity.clone(),
            })
            .collect(),
        Some(delegation) => vec![RequiredLink {
            delegator_identity: String::new(),
            delegate_identity: delegation.requester_identity.clone(),
        }],
        None => vec![RequiredLink {
            delegator_identity: String::new(),
            delegate_identity: intent.context.get("identity").to_owned(),
        }],
    };
    let mut used = vec![false; tokens.len()];
    let mut valid_ids = Vec::new();
    let mut first_unmatched: Option<&RequiredLink> = None;
    let mut reasons: Vec<String> = Vec::new();
    for link in &links {
        let mut matched = false;
        for (index, token) in tokens.iter().enumerate() {
            if used.get(index).copied().unwrap_or(true) {
                continue;
            }
            if let Ok(valid) = check_delegation_token(
                token.as_ref(),
                Some(link),
                required_scopes,
                intent_digest,
                policy_digest,
                now,
                key,
            ) {
                if let Some(slot) = used.get_mut(index) {
                    *slot = true;
                }
                valid_ids.push(valid.token_id.clone());
                matched = true;
                break;
            }
        }
        if !matched {
            first_unmatched.get_or_insert(link);
            reasons.push("delegation_token_missing".into());
        }
    }
    valid_ids.sort();
    valid_ids.dedup();
    if first_unmatched.is_none() {
        return DelegationOutcome {
            granted: true,
            reason_codes: vec!["delegation_granted".into()],
            valid_delegations: valid_ids.len(),
            delegation_ref: valid_ids.join(","),
        };
    }
    for (index, token) in tokens.iter().enumerate() {
        if used.get(index).copied().unwrap_or(true) {
            continue;
        }
        let code = check_delegation_token(
            token.as_ref(),
            first_unmatched,
            required_scopes,
            intent_digest,
            policy_digest,
            now,
            key,
        )
        .err()
        .unwrap_or("delegation_token_chain_mismatch");
        reasons.push(code.into());
    }
    reasons.push("delegation_chain_insufficient".into());
    reasons.sort();
    reasons.dedup();
    DelegationOutcome {
        granted: false,
        reason_codes: reasons,
        valid_delegations: valid_ids.len(),
        delegation_ref: String::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Approved-script registry (§3.10.1).

#[derive(Clone, Debug)]
pub struct ApprovedScriptEntry {
    pub pattern_id: String,
    pub policy_digest: String,
    pub script_hash: String,
    pub tool_sequence: Vec<String>,
    pub scope: Vec<String>,
    pub approver_identity: String,
    pub expires_at: GoTime,
    signable: Json,
    signature: Option<SignatureBlock>,
}

/// Why an approved-script registry entry is not usable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("unsupported approved script schema_id `{0}`")]
    SchemaId(String),
    #[error("unsupported approved script schema_version `{0}`")]
    SchemaVersion(String),
    #[error("approved script entry created_at is invalid")]
    CreatedAt,
    #[error("approved script entry pattern_id is required")]
    PatternId,
    #[error("approved script entry expires_at is required")]
    ExpiresAtRequired,
    #[error("approved script entry digests must be sha256 hex")]
    Digests,
    #[error("approved script entry tool_sequence is required")]
    ToolSequence,
    #[error("approved script entry approver_identity is required")]
    Approver,
    #[error("approved script entry expires_at must be after created_at")]
    ExpiresBeforeCreated,
    #[error("approved script entry is expired")]
    Expired,
    #[error("approved script entry signature verification failed")]
    Signature,
}

impl ApprovedScriptEntry {
    /// The normalised document the signature covers (the token minus its `signature`).
    pub fn signable(&self) -> &Json {
        &self.signable
    }
}

impl ApprovedScriptEntry {
    /// Gait's `NormalizeApprovedScriptEntry`, in its order of checks.
    pub fn from_json(raw: &Json) -> Result<Self, EntryError> {
        let or_default = |key: &str, default: &str| {
            let value = text(raw, key);
            if value.is_empty() {
                default.to_owned()
            } else {
                value
            }
        };
        let schema_id = or_default("schema_id", "gait.gate.approved_script_entry");
        if schema_id != "gait.gate.approved_script_entry" {
            return Err(EntryError::SchemaId(schema_id));
        }
        let schema_version = or_default("schema_version", "1.0.0");
        if schema_version != "1.0.0" {
            return Err(EntryError::SchemaVersion(schema_version));
        }
        // Go decodes the times before normalising; an unset time is the zero time.
        let created_at = match text(raw, "created_at").as_str() {
            "" => None,
            other => Some(GoTime::parse_rfc3339(other).ok_or(EntryError::CreatedAt)?),
        }
        .filter(|time| !time.is_zero())
        .map_or_else(
            || GoTime::parse_rfc3339("1980-01-01T00:00:00Z"),
            |time| Some(time.to_utc()),
        )
        .ok_or(EntryError::CreatedAt)?;
        let expires_at = match text(raw, "expires_at").as_str() {
            "" => None,
            other => Some(GoTime::parse_rfc3339(other).ok_or(EntryError::ExpiresAtRequired)?),
        }
        .filter(|time| !time.is_zero())
        .map(GoTime::to_utc);
        let pattern_id = text(raw, "pattern_id");
        if pattern_id.is_empty() {
            return Err(EntryError::PatternId);
        }
        let policy_digest = lower_trim(&text(raw, "policy_digest"));
        let script_hash = lower_trim(&text(raw, "script_hash"));
        if !canonical::is_sha256_hex(&policy_digest) || !canonical::is_sha256_hex(&script_hash) {
            return Err(EntryError::Digests);
        }
        let tool_sequence = lower_uniq_sort(list(raw, "tool_sequence"));
        if tool_sequence.is_empty() {
            return Err(EntryError::ToolSequence);
        }
        let approver_identity = text(raw, "approver_identity");
        if approver_identity.is_empty() {
            return Err(EntryError::Approver);
        }
        let expires_at = expires_at
            .filter(|expires| expires.timestamp > created_at.timestamp)
            .ok_or(EntryError::ExpiresBeforeCreated)?;
        let scope = lower_uniq_sort(list(raw, "scope"));
        let mut signable = Map::new();
        signable.insert("schema_id".into(), json!(schema_id));
        signable.insert("schema_version".into(), json!(schema_version));
        signable.insert("created_at".into(), json!(created_at.format_rfc3339_nano()));
        signable.insert(
            "producer_version".into(),
            json!(text(raw, "producer_version")),
        );
        signable.insert("pattern_id".into(), json!(pattern_id));
        signable.insert("policy_digest".into(), json!(policy_digest));
        signable.insert("script_hash".into(), json!(script_hash));
        signable.insert("tool_sequence".into(), json!(tool_sequence));
        if !scope.is_empty() {
            signable.insert("scope".into(), json!(scope));
        }
        signable.insert("approver_identity".into(), json!(approver_identity));
        signable.insert("expires_at".into(), json!(expires_at.format_rfc3339_nano()));
        Ok(ApprovedScriptEntry {
            pattern_id,
            policy_digest,
            script_hash,
            tool_sequence,
            scope,
            approver_identity,
            expires_at,
            signable: Json::Object(signable),
            signature: signature_of(raw),
        })
    }

    /// Expiry first, then the signature, as Gait checks them.
    pub fn verify(&self, key: &PublicKey, now: Timestamp) -> Result<(), EntryError> {
        if now >= self.expires_at.timestamp {
            return Err(EntryError::Expired);
        }
        verify_signature(&self.signable, self.signature.as_ref(), Some(key))
            .map_err(|_| EntryError::Signature)
    }

    /// Whether this entry pre-approves `intent` under `policy_digest`.
    pub fn matches(&self, intent: &Intent, policy_digest: &str, now: Timestamp) -> bool {
        let Some(steps) = &intent.script else {
            return false;
        };
        if self.policy_digest != policy_digest
            || self.script_hash != intent.script_hash()
            || now >= self.expires_at.timestamp
        {
            return false;
        }
        let sequence: Vec<&str> = steps.iter().map(|step| step.tool_name.as_str()).collect();
        if sequence
            != self
                .tool_sequence
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
        {
            return false;
        }
        self.scope.iter().all(|item| {
            if let Some(risk) = item.strip_prefix("risk:") {
                intent.context.get("risk_class") == risk
            } else if let Some(tool) = item.strip_prefix("tool:") {
                intent.tool_name == tool
            } else if let Some(prefix) = item.strip_prefix("workspace_prefix:") {
                // As Gait: the workspace is cleaned, the prefix is not, so `workspace_prefix:/`
                // (whose `prefix/` is `//`) holds only for the workspace `/` itself.
                let workspace = super::policy::clean_path(intent.context.get("workspace"));
                workspace == prefix || workspace.starts_with(&format!("{prefix}/"))
            } else if let Some(class) = item.strip_prefix("endpoint:") {
                steps
                    .iter()
                    .any(|step| step.targets.iter().any(|t| t.endpoint_class == class))
            } else {
                false
            }
        })
    }
}

/// A registry whose `entries` is not an array.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("parse approved script registry: `entries` must be an array")]
pub struct EntriesNotArray;

/// Reads registry entries from `{"entries":[…]}` or a bare array. An `entries` that is not an
/// array (`null` included) is an error, as in Gait: `null` is not an empty registry.
pub fn registry_entries(document: &Json) -> Result<Vec<Json>, EntriesNotArray> {
    match document {
        Json::Array(items) => Ok(items.clone()),
        Json::Object(map) => match map.get("entries") {
            None => Ok(Vec::new()),
            Some(Json::Array(items)) => Ok(items.clone()),
            Some(_) => Err(EntriesNotArray),
        },
        _ => Ok(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gait::gate::{self, IntentDigest};
    use crate::gait::inputs::{ApprovalEvidence, GateInputs};
    use crate::gait::intent::load_intent;
    use crate::gait::policy::{DigestedPolicy, Verdict, load_policy};
    use ed25519_dalek::{Signer, SigningKey};

    /// `workspace_prefix:/` holds only for the workspace `/` (Gait compares the cleaned workspace
    /// with the uncleaned prefix and `prefix + "/"`, here `//`); `workspace_prefix:/repo` for
    /// `/repo` and below.
    #[test]
    fn workspace_prefix_scope_is_gaits() {
        let intent_at = |workspace: &str| {
            load_intent(&format!(
                r#"{{"tool_name":"script","script":{{"steps":[{{"tool_name":"tool.read"}}]}},"context":{{"identity":"a","workspace":"{workspace}","risk_class":"low"}}}}"#
            ))
            .unwrap()
        };
        let digest = "a".repeat(64);
        let entry_for = |intent: &Intent, prefix: &str| {
            ApprovedScriptEntry::from_json(&json!({
                "pattern_id": "p",
                "policy_digest": digest,
                "script_hash": intent.script_hash(),
                "tool_sequence": ["tool.read"],
                "scope": [format!("workspace_prefix:{prefix}")],
                "approver_identity": "secops",
                "expires_at": "2027-01-01T00:00:00Z",
            }))
            .unwrap()
        };
        let now: Timestamp = "2026-06-01T00:00:00Z".parse().unwrap();
        for (workspace, prefix, holds) in [
            ("/", "/", true),
            ("/repo", "/", false),
            ("/repo/app", "/", false),
            ("/repo", "/repo", true),
            ("/repo/app", "/repo", true),
            ("/repository", "/repo", false),
            ("/repo/app", "/repo/", false),
        ] {
            let intent = intent_at(workspace);
            let entry = entry_for(&intent, prefix);
            assert_eq!(
                entry.matches(&intent, &digest, now),
                holds,
                "workspace `{workspace}`, prefix `{prefix}`"
            );
        }
    }

    /// A signed approval token for the intent is checked against the intent's digest, whether
    /// or not the outcome reports the digest.
    #[test]
    fn a_signed_approval_grants_in_either_digest_mode() {
        let policy = load_policy(
            "default_verdict: block\nrules:\n  - name: write\n    effect: require_approval\n    match: {tool_names: [tool.write]}\n",
        )
        .unwrap();
        let policy = DigestedPolicy::new(policy);
        let intent = load_intent(r#"{"tool_name":"tool.write","args":{},"targets":[{"kind":"path","value":"/r/a","operation":"write"}],"context":{"identity":"a","workspace":"/r","risk_class":"low"}}"#).unwrap();
        let signing = SigningKey::from_bytes(&[7; 32]);
        let key =
            PublicKey::from_base64(&STANDARD.encode(signing.verifying_key().as_bytes())).unwrap();
        let mut raw = json!({
            "schema_id": "gait.gate.approval_token",
            "schema_version": "1.0.0",
            "created_at": "2026-01-01T00:00:00Z",
            "token_id": "t1",
            "approver_identity": "reviewer",
            "reason_code": "ok",
            "intent_digest": intent.digest(),
            "policy_digest": policy.digest(),
            "scope": ["tool:tool.write"],
            "max_targets": 0,
            "max_ops": 0,
            "expires_at": "2027-01-01T00:00:00Z",
        });
        let unsigned = ApprovalToken::from_json(&raw).unwrap();
        let digest = canonical::digest_bytes(&unsigned.signable);
        raw["signature"] = json!({
            "alg": "ed25519",
            "key_id": key.key_id,
            "signed_digest": canonical::hex(&digest),
            "sig": STANDARD.encode(signing.sign(&digest).to_bytes()),
        });
        let mut inputs = GateInputs::at("2026-06-01T00:00:00Z".parse().unwrap());
        inputs.approvals = ApprovalEvidence {
            tokens: vec![ApprovalToken::from_json(&raw)],
            unreadable: Vec::new(),
            key: Some(key),
        };
        for mode in [IntentDigest::Report, IntentDigest::WhenChecked] {
            let outcome = gate::decide_digested(&policy, intent.clone(), &inputs, mode).unwrap();
            assert_eq!(outcome.verdict, Verdict::Allow, "{mode:?}: {outcome:?}");
            assert!(
                outcome
                    .reason_codes
                    .contains(&"approval_granted".to_owned())
            );
            assert_eq!(outcome.intent_digest, intent.digest());
        }
        // Without tokens the digest is computed only when it is reported.
        inputs.approvals = ApprovalEvidence::default();
        let quiet =
            gate::decide_digested(&policy, intent.clone(), &inputs, IntentDigest::WhenChecked)
                .unwrap();
        assert_eq!(quiet.verdict, Verdict::RequireApproval);
        assert_eq!(quiet.intent_digest, "");
    }
}
