//! Sandbox metadata checks (gait-reference §3.6).

use serde_json::{Value as Json, json};

use super::select::in_list;
use crate::gait::intent::Intent;
use crate::gait::policy::{Sandbox, uniq_sort};

/// How the intent's sandbox metadata measures up to the rule's sandbox policy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SandboxStatus {
    Valid,
    /// Metadata or a required field is absent.
    #[default]
    Missing,
    /// A value is outside the allowed ones or over a limit.
    Disallowed,
    Invalid,
}

impl SandboxStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SandboxStatus::Valid => "valid",
            SandboxStatus::Missing => "missing",
            SandboxStatus::Disallowed => "disallowed",
            SandboxStatus::Invalid => "invalid",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SandboxDecision {
    pub status: SandboxStatus,
    pub network_mode: String,
    pub env_exposure_mode: String,
    pub timeout_seconds: i64,
    pub filesystem_isolation: String,
    pub user_mode: String,
    pub evidence_ref: String,
    pub evidence_digest: String,
    pub reason_codes: Vec<String>,
}

impl SandboxDecision {
    fn rank(&self) -> u8 {
        match self.status {
            SandboxStatus::Missing => 4,
            SandboxStatus::Disallowed => 3,
            SandboxStatus::Invalid => 2,
            SandboxStatus::Valid => 1,
        }
    }

    pub fn to_json(&self) -> Json {
        let mut map = serde_json::Map::new();
        for (key, value) in [
            ("status", self.status.as_str()),
            ("network_mode", self.network_mode.as_str()),
            ("env_exposure_mode", self.env_exposure_mode.as_str()),
            ("filesystem_isolation", self.filesystem_isolation.as_str()),
            ("user_mode", self.user_mode.as_str()),
            ("evidence_ref", self.evidence_ref.as_str()),
            ("evidence_digest", self.evidence_digest.as_str()),
        ] {
            if !value.is_empty() {
                map.insert(key.to_owned(), json!(value));
            }
        }
        if self.timeout_seconds > 0 {
            map.insert("timeout_seconds".into(), json!(self.timeout_seconds));
        }
        if !self.reason_codes.is_empty() {
            map.insert("reason_codes".into(), json!(self.reason_codes));
        }
        Json::Object(map)
    }
}

pub(super) fn pick_sandbox(
    decisions: impl Iterator<Item = SandboxDecision>,
) -> Option<SandboxDecision> {
    decisions.reduce(|best, next| {
        let better = next
            .rank()
            .cmp(&best.rank())
            .then_with(|| best.evidence_digest.cmp(&next.evidence_digest));
        if better.is_gt() { next } else { best }
    })
}

pub(super) fn sandbox_decision(policy: &Sandbox, intent: &Intent) -> SandboxDecision {
    let Some(sandbox) = &intent.context.sandbox else {
        return SandboxDecision {
            status: SandboxStatus::Missing,
            reason_codes: vec!["sandbox_metadata_missing".into()],
            ..SandboxDecision::default()
        };
    };
    let mut codes: Vec<String> = Vec::new();
    if sandbox.evidence_ref.is_empty() || sandbox.evidence_digest.is_empty() {
        codes.push("sandbox_evidence_missing".into());
    }
    for (name, value, allowed) in [
        (
            "network_mode",
            &sandbox.network_mode,
            &policy.allowed_network_modes,
        ),
        (
            "env_exposure_mode",
            &sandbox.env_exposure_mode,
            &policy.allowed_env_exposure_modes,
        ),
        (
            "filesystem_isolation",
            &sandbox.filesystem_isolation,
            &policy.allowed_filesystem_isolations,
        ),
        ("user_mode", &sandbox.user_mode, &policy.allowed_user_modes),
    ] {
        if value.is_empty() {
            codes.push(format!("sandbox_{name}_missing"));
        } else if !allowed.is_empty() && !in_list(allowed, value) {
            codes.push(format!("sandbox_{name}_disallowed"));
        }
    }
    if sandbox.timeout_seconds <= 0 {
        codes.push("sandbox_timeout_missing".into());
    } else if policy.max_timeout_seconds > 0 && sandbox.timeout_seconds > policy.max_timeout_seconds
    {
        codes.push("sandbox_timeout_exceeded".into());
    }
    if let Some(prefixes) = &policy.allowed_writable_path_prefixes {
        let allowed = |path: &str| {
            prefixes.iter().any(|prefix| {
                path == prefix || prefix == "/" || path.starts_with(&format!("{prefix}/"))
            })
        };
        if sandbox.writable_paths.iter().any(|path| !allowed(path)) {
            codes.push("sandbox_writable_path_disallowed".into());
        }
    }
    if let Some(roots) = &policy.required_read_only_roots
        && !roots
            .iter()
            .all(|root| in_list(&sandbox.read_only_roots, root))
    {
        codes.push("sandbox_read_only_root_missing".into());
    }
    let codes = uniq_sort(codes);
    let status = if codes.is_empty() {
        SandboxStatus::Valid
    } else if codes.iter().any(|code| code.ends_with("_missing")) {
        SandboxStatus::Missing
    } else if codes
        .iter()
        .any(|code| code.ends_with("_disallowed") || code.ends_with("_exceeded"))
    {
        SandboxStatus::Disallowed
    } else {
        SandboxStatus::Invalid
    };
    SandboxDecision {
        status,
        network_mode: sandbox.network_mode.clone(),
        env_exposure_mode: sandbox.env_exposure_mode.clone(),
        timeout_seconds: sandbox.timeout_seconds,
        filesystem_isolation: sandbox.filesystem_isolation.clone(),
        user_mode: sandbox.user_mode.clone(),
        evidence_ref: sandbox.evidence_ref.clone(),
        evidence_digest: sandbox.evidence_digest.clone(),
        reason_codes: codes,
    }
}
