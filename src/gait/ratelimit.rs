//! Rate limits and destructive budgets (gait-reference §3.10.2, §3.10.3) against a read-only
//! counter state in the shape of Gait's `gate_rate_limits.json` (`gait.gate.rate_limit_state`).
//!
//! Gait increments a counter file on every `gate eval`; gatelint only reads one. The state says
//! how many requests were already made in the current bucket, the decision says whether one
//! more is allowed, and the incremented count lives only in the decision.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde_json::{Map, Value as Json};

use super::policy::RateLimit;

/// What Gait writes as `schema_id` (it does not check it on reading, and neither does gatelint).
pub const STATE_SCHEMA_ID: &str = "gait.gate.rate_limit_state";

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RateLimitStateError {
    #[error("parse rate limit state: {0}")]
    Invalid(String),
}

fn invalid(message: impl Into<String>) -> RateLimitStateError {
    RateLimitStateError::Invalid(message.into())
}

/// Counters by key `window|scope|bucketStartRFC3339|scopeKey`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RateLimitState {
    pub counters: BTreeMap<String, i64>,
}

/// The outcome of one limit check, as Gait reports it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LimitDecision {
    pub allowed: bool,
    pub limit: i64,
    /// The count after this request (allowed), or the stored count (exceeded).
    pub used: i64,
    pub remaining: i64,
    pub scope: String,
    /// The scope key (`tool`, `identity` or `tool|identity`), not the full counter key.
    pub key: String,
}

/// Go's `encoding/json` matches struct fields case-insensitively, the last matching key winning.
pub(super) fn go_field<'a>(map: &'a Map<String, Json>, name: &str) -> Option<&'a Json> {
    map.iter()
        .rev()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

fn go_string(
    map: &Map<String, Json>,
    name: &str,
    path: &str,
) -> Result<String, RateLimitStateError> {
    match go_field(map, name) {
        None | Some(Json::Null) => Ok(String::new()),
        Some(Json::String(text)) => Ok(text.clone()),
        Some(_) => Err(invalid(format!("`{path}{name}` must be a string"))),
    }
}

impl RateLimitState {
    /// Reads Gait's state document: `{schema_id, schema_version, counters: [{key, count}]}`.
    /// Like Gait, blank keys and counts ≤ 0 are dropped and a later duplicate key wins; unlike
    /// a hand-written map, the document must have Gait's field types.
    pub fn from_json(value: &Json) -> Result<Self, RateLimitStateError> {
        let map = match value {
            Json::Null => return Ok(RateLimitState::default()),
            Json::Object(map) => map,
            _ => return Err(invalid("the state must be an object")),
        };
        go_string(map, "schema_id", "")?;
        go_string(map, "schema_version", "")?;
        let mut counters = BTreeMap::new();
        let items = match go_field(map, "counters") {
            None | Some(Json::Null) => return Ok(RateLimitState { counters }),
            Some(Json::Array(items)) => items,
            Some(_) => return Err(invalid("`counters` must be an array")),
        };
        for (index, item) in items.iter().enumerate() {
            let counter = match item {
                Json::Null => continue,
                Json::Object(counter) => counter,
                _ => return Err(invalid(format!("`counters[{index}]` must be an object"))),
            };
            let path = format!("counters[{index}].");
            let key = go_string(counter, "key", &path)?;
            let count = match go_field(counter, "count") {
                None | Some(Json::Null) => 0,
                Some(Json::Number(number)) => number.as_i64().ok_or_else(|| {
                    invalid(format!(
                        "`{path}count` must be an integer, found `{number}`"
                    ))
                })?,
                Some(_) => return Err(invalid(format!("`{path}count` must be an integer"))),
            };
            let key = key.trim();
            if key.is_empty() || count <= 0 {
                continue;
            }
            counters.insert(key.to_owned(), count);
        }
        Ok(RateLimitState { counters })
    }

    /// Checks one more request against `limit` (`requests > 0`, window and scope normalised by
    /// the policy loader). `tool_name` is the intent's, or `destructive_budget|<tool>` for the
    /// destructive budget.
    pub fn check(
        &self,
        limit: &RateLimit,
        tool_name: &str,
        identity: &str,
        now: Timestamp,
    ) -> LimitDecision {
        let key = match limit.scope.as_str() {
            "tool" => tool_name.to_owned(),
            "identity" => identity.to_owned(),
            _ => format!("{tool_name}|{identity}"),
        };
        let counter_key = counter_key(&limit.window, &limit.scope, now, &key);
        let stored = self.counters.get(&counter_key).copied().unwrap_or(0);
        if stored >= limit.requests {
            return LimitDecision {
                allowed: false,
                limit: limit.requests,
                used: stored,
                remaining: 0,
                scope: limit.scope.clone(),
                key,
            };
        }
        let used = stored.saturating_add(1);
        LimitDecision {
            allowed: true,
            limit: limit.requests,
            used,
            remaining: limit.requests.saturating_sub(used),
            scope: limit.scope.clone(),
            key,
        }
    }
}

/// The start of the bucket holding `now`: UTC, truncated to the minute or the hour.
pub fn bucket_start(window: &str, now: Timestamp) -> Timestamp {
    let size = if window == "hour" { 3600 } else { 60 };
    let second = now.as_second();
    let start = second - second.rem_euclid(size);
    Timestamp::from_second(start).unwrap_or(now)
}

/// Gait's counter key: `window|scope|bucketStartRFC3339|scopeKey`.
pub fn counter_key(window: &str, scope: &str, now: Timestamp, scope_key: &str) -> String {
    format!("{window}|{scope}|{}|{scope_key}", bucket_start(window, now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn limit(requests: i64, window: &str, scope: &str) -> RateLimit {
        RateLimit {
            requests,
            window: window.into(),
            scope: scope.into(),
        }
    }

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap_or(Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn buckets_truncate_to_minute_and_hour() {
        let now = at("2026-03-04T10:17:42.5Z");
        assert_eq!(
            counter_key("minute", "tool", now, "tool.write"),
            "minute|tool|2026-03-04T10:17:00Z|tool.write"
        );
        assert_eq!(
            counter_key("hour", "tool_identity", now, "tool.write|alice"),
            "hour|tool_identity|2026-03-04T10:00:00Z|tool.write|alice"
        );
        assert_eq!(
            bucket_start("hour", at("1969-12-31T23:59:59Z")),
            at("1969-12-31T23:00:00Z")
        );
    }

    #[test]
    fn under_at_and_over_the_limit() {
        let key = "minute|tool_identity|2026-01-01T00:00:00Z|tool.write|alice";
        let state = |count: i64| {
            RateLimitState::from_json(&json!({"counters": [{"key": key, "count": count}]}))
                .unwrap_or_default()
        };
        let now = at("2026-01-01T00:00:30Z");
        let rule = limit(2, "minute", "tool_identity");
        let under = state(1).check(&rule, "tool.write", "alice", now);
        assert!(under.allowed);
        assert_eq!((under.used, under.remaining), (2, 0));
        let at_limit = state(2).check(&rule, "tool.write", "alice", now);
        assert!(!at_limit.allowed);
        assert_eq!((at_limit.used, at_limit.remaining), (2, 0));
        assert_eq!(at_limit.key, "tool.write|alice");
        let over = state(5).check(&rule, "tool.write", "alice", now);
        assert_eq!((over.allowed, over.used), (false, 5));
        // The next minute is a fresh bucket.
        let later = state(5).check(&rule, "tool.write", "alice", at("2026-01-01T00:01:00Z"));
        assert_eq!((later.allowed, later.used, later.remaining), (true, 1, 1));
    }

    #[test]
    fn state_document_is_read_like_gait() {
        let state = RateLimitState::from_json(&json!({
            "schema_id": STATE_SCHEMA_ID,
            "schema_version": "1.0.0",
            "counters": [
                {"key": "  a  ", "count": 1},
                {"KEY": "b", "Count": 0},
                null,
                {"key": "", "count": 4},
                {"key": "a", "count": 3}
            ]
        }))
        .unwrap_or_default();
        assert_eq!(
            state.counters.into_iter().collect::<Vec<_>>(),
            [("a".to_owned(), 3)]
        );
        assert_eq!(
            RateLimitState::from_json(&Json::Null),
            Ok(RateLimitState::default())
        );
        for bad in [
            json!([]),
            json!({"counters": {}}),
            json!({"counters": [1]}),
            json!({"counters": [{"key": 1, "count": 1}]}),
            json!({"counters": [{"key": "a", "count": 1.5}]}),
            json!({"counters": [{"key": "a", "count": "1"}]}),
            json!({"schema_id": 3}),
        ] {
            assert!(RateLimitState::from_json(&bad).is_err(), "{bad}");
        }
    }
}
