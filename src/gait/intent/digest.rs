//! Digest payloads (Go JSON with `omitempty`) and the digests Gait binds approvals to.

use serde_json::{Map, Value as Json, json};

use super::model::{ArgProvenance, Context, Delegation, Intent, Step, Target};
use crate::gait::canonical;
use crate::gait::time::GoTime;

fn put_str(map: &mut Map<String, Json>, key: &str, value: &str) {
    if !value.is_empty() {
        map.insert(key.to_owned(), json!(value));
    }
}

fn put_true(map: &mut Map<String, Json>, key: &str, value: bool) {
    if value {
        map.insert(key.to_owned(), json!(true));
    }
}

fn put_list(map: &mut Map<String, Json>, key: &str, value: &[String]) {
    if !value.is_empty() {
        map.insert(key.to_owned(), json!(value));
    }
}

/// A Go `time.Time` is never omitted: the zero time is `0001-01-01T00:00:00Z`.
fn put_time(map: &mut Map<String, Json>, key: &str, value: &Option<GoTime>) {
    let text = value
        .as_ref()
        .map_or_else(|| GoTime::ZERO_TEXT.to_owned(), GoTime::format_rfc3339_nano);
    map.insert(key.to_owned(), json!(text));
}

fn target_json(target: &Target) -> Json {
    let mut map = Map::new();
    map.insert("kind".into(), json!(target.kind));
    map.insert("value".into(), json!(target.value));
    put_str(&mut map, "operation", &target.operation);
    put_str(&mut map, "sensitivity", &target.sensitivity);
    put_str(&mut map, "endpoint_class", &target.endpoint_class);
    put_str(&mut map, "endpoint_domain", &target.endpoint_domain);
    put_true(&mut map, "destructive", target.destructive);
    map.insert("discovery_method".into(), json!(target.discovery_method));
    put_true(&mut map, "read_only_hint", target.read_only_hint);
    put_true(&mut map, "destructive_hint", target.destructive_hint);
    put_true(&mut map, "idempotent_hint", target.idempotent_hint);
    put_true(&mut map, "open_world_hint", target.open_world_hint);
    Json::Object(map)
}

fn provenance_json(entry: &ArgProvenance) -> Json {
    let mut map = Map::new();
    map.insert("arg_path".into(), json!(entry.arg_path));
    map.insert("source".into(), json!(entry.source));
    put_str(&mut map, "source_ref", &entry.source_ref);
    put_str(&mut map, "integrity_digest", &entry.integrity_digest);
    Json::Object(map)
}

fn delegation_json(delegation: &Delegation) -> Json {
    let mut map = Map::new();
    map.insert(
        "requester_identity".into(),
        json!(delegation.requester_identity),
    );
    put_str(&mut map, "scope_class", &delegation.scope_class);
    put_list(&mut map, "token_refs", &delegation.token_refs);
    put_time(&mut map, "issued_at", &delegation.issued_at);
    put_time(&mut map, "expires_at", &delegation.expires_at);
    if !delegation.chain.is_empty() {
        let chain: Vec<Json> = delegation
            .chain
            .iter()
            .map(|link| {
                let mut entry = Map::new();
                entry.insert("delegator_identity".into(), json!(link.delegator_identity));
                entry.insert("delegate_identity".into(), json!(link.delegate_identity));
                put_str(&mut entry, "scope_class", &link.scope_class);
                put_str(&mut entry, "token_ref", &link.token_ref);
                put_time(&mut entry, "issued_at", &link.issued_at);
                put_time(&mut entry, "expires_at", &link.expires_at);
                Json::Object(entry)
            })
            .collect();
        map.insert("chain".into(), Json::Array(chain));
    }
    Json::Object(map)
}

fn context_json(context: &Context) -> Json {
    let mut map = Map::new();
    for (key, value) in &context.fields {
        put_str(&mut map, key, value);
    }
    if let Some(agent) = &context.agent_identity {
        let mut inner = Map::new();
        put_list(&mut inner, "lifecycle_states", &agent.lifecycle_states);
        put_str(&mut inner, "owner", &agent.owner);
        put_str(&mut inner, "manifest_digest", &agent.manifest_digest);
        put_str(&mut inner, "publisher", &agent.publisher);
        put_str(&mut inner, "source", &agent.source);
        put_time(&mut inner, "issued_at", &agent.issued_at);
        put_time(&mut inner, "approved_at", &agent.approved_at);
        put_time(&mut inner, "expires_at", &agent.expires_at);
        put_true(&mut inner, "revoked", agent.revoked);
        map.insert("agent_identity".into(), Json::Object(inner));
    }
    if context.credential_ttl_seconds > 0 {
        map.insert(
            "credential_ttl_seconds".into(),
            json!(context.credential_ttl_seconds),
        );
    }
    if let Some(sandbox) = &context.sandbox {
        let mut inner = Map::new();
        put_str(&mut inner, "network_mode", &sandbox.network_mode);
        put_list(&mut inner, "writable_paths", &sandbox.writable_paths);
        put_list(&mut inner, "read_only_roots", &sandbox.read_only_roots);
        put_str(&mut inner, "env_exposure_mode", &sandbox.env_exposure_mode);
        if sandbox.timeout_seconds > 0 {
            inner.insert("timeout_seconds".into(), json!(sandbox.timeout_seconds));
        }
        put_str(
            &mut inner,
            "filesystem_isolation",
            &sandbox.filesystem_isolation,
        );
        put_str(&mut inner, "user_mode", &sandbox.user_mode);
        put_str(&mut inner, "evidence_ref", &sandbox.evidence_ref);
        put_str(&mut inner, "evidence_digest", &sandbox.evidence_digest);
        map.insert("sandbox".into(), Json::Object(inner));
    }
    if let Some(auth) = &context.auth_context
        && !auth.is_empty()
    {
        map.insert("auth_context".into(), Json::Object(auth.clone()));
    }
    put_list(&mut map, "credential_scopes", &context.credential_scopes);
    put_list(&mut map, "context_refs", &context.context_refs);
    Json::Object(map)
}

fn step_json(step: &Step) -> Json {
    let mut map = Map::new();
    map.insert("tool_name".into(), json!(step.tool_name));
    map.insert("args".into(), Json::Object(step.args.clone()));
    if !step.targets.is_empty() {
        map.insert(
            "targets".into(),
            Json::Array(step.targets.iter().map(target_json).collect()),
        );
    }
    if !step.arg_provenance.is_empty() {
        map.insert(
            "arg_provenance".into(),
            Json::Array(step.arg_provenance.iter().map(provenance_json).collect()),
        );
    }
    Json::Object(map)
}

impl Intent {
    pub fn script_json(&self) -> Option<Json> {
        let steps = self.script.as_ref()?;
        Some(json!({"steps": steps.iter().map(step_json).collect::<Vec<_>>()}))
    }

    /// `script_hash`; empty when the intent is not a script.
    pub fn script_hash(&self) -> String {
        self.script_json()
            .map(|script| canonical::digest_hex(&script))
            .unwrap_or_default()
    }

    /// The JSON object Gait hashes for `intent_digest`.
    pub fn digest_payload(&self) -> Json {
        let mut map = Map::new();
        map.insert("tool_name".into(), json!(self.tool_name));
        map.insert("args".into(), Json::Object(self.args.clone()));
        if let Some(script) = self.script_json() {
            map.insert("script_hash".into(), json!(canonical::digest_hex(&script)));
            map.insert("script".into(), script);
        }
        map.insert(
            "targets".into(),
            Json::Array(self.targets.iter().map(target_json).collect()),
        );
        if !self.arg_provenance.is_empty() {
            map.insert(
                "arg_provenance".into(),
                Json::Array(self.arg_provenance.iter().map(provenance_json).collect()),
            );
        }
        if let Some(skill) = &self.skill_provenance {
            let mut inner = Map::new();
            put_str(&mut inner, "skill_name", &skill.skill_name);
            put_str(&mut inner, "skill_version", &skill.skill_version);
            put_str(&mut inner, "source", &skill.source);
            put_str(&mut inner, "publisher", &skill.publisher);
            put_str(&mut inner, "digest", &skill.digest);
            put_str(&mut inner, "signature_key_id", &skill.signature_key_id);
            map.insert("skill_provenance".into(), Json::Object(inner));
        }
        if let Some(delegation) = &self.delegation {
            map.insert("delegation".into(), delegation_json(delegation));
        }
        map.insert("context".into(), context_json(&self.context));
        Json::Object(map)
    }

    /// `intent_digest`.
    pub fn digest(&self) -> String {
        canonical::digest_hex(&self.digest_payload())
    }

    /// The delegation binding digest approval tokens carry (empty without delegation).
    pub fn delegation_binding_digest(&self) -> String {
        self.delegation
            .as_ref()
            .map(|delegation| canonical::digest_hex(&delegation_json(delegation)))
            .unwrap_or_default()
    }

    /// The credential target-binding digest: JCS SHA-256 of the normalised targets.
    pub fn target_binding_digest(&self) -> String {
        canonical::digest_hex(&Json::Array(self.targets.iter().map(target_json).collect()))
    }

    /// Without a verified context envelope, context-evidence claims are dropped before evaluation.
    pub fn strip_context_evidence(&mut self) {
        self.context.set("context_set_digest", String::new());
        self.context.set("context_evidence_mode", String::new());
        self.context.context_refs.clear();
        if let Some(auth) = &mut self.context.auth_context {
            auth.remove("context_age_seconds");
            if auth.is_empty() {
                self.context.auth_context = None;
            }
        }
    }

    pub fn is_script(&self) -> bool {
        self.script.is_some()
    }
}
