//! Kill-switch state (`gait.gate.kill_switch_state`): entries that force `block` on matching
//! intents, checked against the evaluation time.

use jiff::Timestamp;
use serde_json::{Value as Json, json};

use super::intent::Intent;
use super::policy::{clean_path, lower_trim, uniq_sort};
use super::time::GoTime;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct KillSwitchEntry {
    pub entry_id: String,
    pub enabled: bool,
    pub agent_id: String,
    pub identity: String,
    pub tool_name: String,
    pub target_kind: String,
    pub target_value: String,
    pub environment: String,
    pub path_prefixes: Vec<String>,
    pub workspace_prefixes: Vec<String>,
    pub expires_at: Option<Timestamp>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct KillSwitchState {
    pub entries: Vec<KillSwitchEntry>,
}

/// Whether the kill switch stops the intent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KillSwitchStatus {
    #[default]
    Inactive,
    Active,
    /// The state was asked for but could not be read (fail-closed risk classes only).
    Unavailable,
}

impl KillSwitchStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            KillSwitchStatus::Inactive => "inactive",
            KillSwitchStatus::Active => "active",
            KillSwitchStatus::Unavailable => "unavailable",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct KillSwitchDecision {
    pub status: KillSwitchStatus,
    pub reason_code: String,
    pub reason_codes: Vec<String>,
    pub matched_entry_ids: Vec<String>,
    pub evaluated_at: String,
}

impl KillSwitchDecision {
    pub fn unavailable() -> Self {
        KillSwitchDecision {
            status: KillSwitchStatus::Unavailable,
            reason_code: "kill_switch_state_unavailable".into(),
            ..KillSwitchDecision::default()
        }
    }

    pub fn to_json(&self) -> Json {
        let mut map = serde_json::Map::new();
        map.insert("status".into(), json!(self.status.as_str()));
        if !self.reason_code.is_empty() {
            map.insert("reason_code".into(), json!(self.reason_code));
        }
        if !self.reason_codes.is_empty() {
            map.insert("reason_codes".into(), json!(self.reason_codes));
        }
        if !self.matched_entry_ids.is_empty() {
            map.insert("matched_entry_ids".into(), json!(self.matched_entry_ids));
        }
        if !self.evaluated_at.is_empty() {
            map.insert("evaluated_at".into(), json!(self.evaluated_at));
        }
        Json::Object(map)
    }
}

/// Why a kill-switch state file was rejected.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum KillSwitchError {
    #[error("kill switch state: {0}")]
    Invalid(String),
}

fn text(value: &Json, key: &str) -> String {
    value
        .get(key)
        .and_then(Json::as_str)
        .unwrap_or("")
        .trim()
        .to_owned()
}

fn prefixes(value: &Json, key: &str) -> Vec<String> {
    let items = value
        .get(key)
        .and_then(Json::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Json::as_str)
                .map(|item| item.trim())
                .filter(|item| !item.is_empty())
                .map(|item| {
                    let cleaned = clean_path(&item.replace('\\', "/"));
                    if item.ends_with('/') && cleaned != "/" {
                        format!("{cleaned}/")
                    } else {
                        cleaned
                    }
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    uniq_sort(items)
}

impl KillSwitchState {
    /// Parses a state document (times must be RFC 3339; `created_at`/`updated_at` required).
    pub fn from_json(value: &Json) -> Result<Self, KillSwitchError> {
        if !value.is_object() {
            return Err(KillSwitchError::Invalid("state must be an object".into()));
        }
        for key in ["created_at", "updated_at"] {
            if GoTime::parse_rfc3339(&text(value, key)).is_none() {
                return Err(KillSwitchError::Invalid(format!("{key} is required")));
            }
        }
        let mut entries = Vec::new();
        for (index, entry) in value
            .get("entries")
            .and_then(Json::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            if GoTime::parse_rfc3339(&text(entry, "created_at")).is_none() {
                return Err(KillSwitchError::Invalid(format!(
                    "entries[{index}].created_at is required"
                )));
            }
            let expires = text(entry, "expires_at");
            // Absent, empty or Go's zero time (what Gait's writer puts for "no expiry"): the
            // entry does not expire.
            let expires_at = if expires.is_empty() {
                None
            } else {
                Some(GoTime::parse_rfc3339(&expires).ok_or_else(|| {
                    KillSwitchError::Invalid(format!(
                        "entries[{index}].expires_at must be RFC 3339"
                    ))
                })?)
                .filter(|time| !time.is_zero())
                .map(|time| time.timestamp)
            };
            let parsed = KillSwitchEntry {
                entry_id: text(entry, "entry_id"),
                enabled: entry
                    .get("enabled")
                    .and_then(Json::as_bool)
                    .unwrap_or(false),
                agent_id: text(entry, "agent_id"),
                identity: text(entry, "identity"),
                tool_name: lower_trim(&text(entry, "tool_name")),
                target_kind: lower_trim(&text(entry, "target_kind")),
                target_value: text(entry, "target_value"),
                environment: lower_trim(&text(entry, "environment")),
                path_prefixes: prefixes(entry, "path_prefixes"),
                workspace_prefixes: prefixes(entry, "workspace_prefixes"),
                expires_at,
            };
            let has_selector = !parsed.entry_id.is_empty()
                || !parsed.agent_id.is_empty()
                || !parsed.identity.is_empty()
                || !parsed.tool_name.is_empty()
                || !parsed.target_kind.is_empty()
                || !parsed.target_value.is_empty()
                || !parsed.environment.is_empty()
                || !parsed.path_prefixes.is_empty()
                || !parsed.workspace_prefixes.is_empty();
            if !has_selector {
                return Err(KillSwitchError::Invalid(format!(
                    "entries[{index}] requires at least one selector"
                )));
            }
            entries.push(parsed);
        }
        Ok(KillSwitchState { entries })
    }

    /// Which entries stop `intent` at `now`.
    pub fn decide(&self, intent: &Intent, now: Timestamp) -> KillSwitchDecision {
        let mut reasons: Vec<String> = Vec::new();
        let mut ids = Vec::new();
        let mut first_specific = String::new();
        let targets: Vec<&super::intent::Target> = intent
            .targets
            .iter()
            .chain(
                intent
                    .script
                    .iter()
                    .flatten()
                    .flat_map(|step| step.targets.iter()),
            )
            .collect();
        for entry in &self.entries {
            if !entry.enabled || entry.expires_at.is_some_and(|expires| expires <= now) {
                continue;
            }
            let mut codes = vec!["kill_switch_active"];
            let context = &intent.context;
            if !entry.agent_id.is_empty() {
                if context.get("agent_id") != entry.agent_id {
                    continue;
                }
                codes.push("kill_switch_agent_id_active");
            }
            if !entry.identity.is_empty() {
                if context.get("identity") != entry.identity {
                    continue;
                }
                codes.push("kill_switch_identity_active");
            }
            if !entry.tool_name.is_empty() {
                if intent.tool_name.to_lowercase() != entry.tool_name {
                    continue;
                }
                codes.push("kill_switch_tool_name_active");
            }
            if !entry.environment.is_empty() {
                if context.get("environment").to_lowercase() != entry.environment {
                    continue;
                }
                codes.push("kill_switch_environment_active");
            }
            if !entry.target_kind.is_empty() || !entry.target_value.is_empty() {
                let hit = targets.iter().any(|target| {
                    (entry.target_kind.is_empty() || target.kind == entry.target_kind)
                        && (entry.target_value.is_empty() || target.value == entry.target_value)
                });
                if !hit {
                    continue;
                }
                codes.push("kill_switch_target_active");
            }
            if !entry.path_prefixes.is_empty() {
                let hit = targets.iter().any(|target| {
                    target.kind == "path"
                        && entry.path_prefixes.iter().any(|prefix| {
                            segment_prefix(prefix, &clean_path(&target.value.replace('\\', "/")))
                        })
                });
                if !hit {
                    continue;
                }
                codes.push("kill_switch_path_active");
            }
            if !entry.workspace_prefixes.is_empty() {
                let workspace = clean_path(context.get("workspace"));
                if !entry
                    .workspace_prefixes
                    .iter()
                    .any(|prefix| segment_prefix(prefix, &workspace))
                {
                    continue;
                }
                codes.push("kill_switch_workspace_active");
            }
            if first_specific.is_empty()
                && let Some(code) = codes.get(1)
            {
                first_specific = (*code).to_owned();
            }
            reasons.extend(codes.into_iter().map(String::from));
            if !entry.entry_id.is_empty() {
                ids.push(entry.entry_id.clone());
            }
        }
        if reasons.is_empty() {
            return KillSwitchDecision {
                status: KillSwitchStatus::Inactive,
                ..KillSwitchDecision::default()
            };
        }
        KillSwitchDecision {
            status: KillSwitchStatus::Active,
            reason_code: if first_specific.is_empty() {
                "kill_switch_active".into()
            } else {
                first_specific
            },
            reason_codes: uniq_sort(reasons),
            matched_entry_ids: uniq_sort(ids),
            evaluated_at: GoTime::utc(now).format_rfc3339_nano(),
        }
    }
}

/// Segment-aware prefix: `/a` covers `/a` and `/a/b`, not `/ab`; a prefix ending `/` is raw.
fn segment_prefix(prefix: &str, value: &str) -> bool {
    if prefix.ends_with('/') {
        return value.starts_with(prefix);
    }
    value == prefix || prefix == "/" || value.starts_with(&format!("{prefix}/"))
}
