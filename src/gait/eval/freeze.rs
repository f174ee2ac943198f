//! Freeze windows (gait-reference §3.6): whether the evaluation time falls in a window.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use serde_json::{Value as Json, json};

use super::select::in_list;
use crate::gait::intent::Intent;
use crate::gait::policy::FreezeWindow;
use crate::gait::time::GoTime;

/// Whether a freeze window holds at the evaluation time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FreezeStatus {
    #[default]
    Inactive,
    Active,
    /// The time zone or a window is malformed: the rule blocks.
    Invalid,
}

impl FreezeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FreezeStatus::Inactive => "inactive",
            FreezeStatus::Active => "active",
            FreezeStatus::Invalid => "invalid",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct FreezeDecision {
    pub status: FreezeStatus,
    pub effect: String,
    pub timezone: String,
    pub evaluated_at: String,
    pub window_name: String,
    pub window_start: String,
    pub window_end: String,
    pub reason: String,
    pub reason_code: String,
}

impl FreezeDecision {
    pub(super) fn rank(&self) -> u8 {
        match self.status {
            FreezeStatus::Invalid => 3,
            FreezeStatus::Active => 2,
            FreezeStatus::Inactive => 1,
        }
    }

    pub fn to_json(&self) -> Json {
        let mut map = serde_json::Map::new();
        let mut put = |key: &str, value: &str| {
            if !value.is_empty() {
                map.insert(key.to_owned(), json!(value));
            }
        };
        put("status", self.status.as_str());
        put("effect", &self.effect);
        put("timezone", &self.timezone);
        put("evaluated_at", &self.evaluated_at);
        put("window_name", &self.window_name);
        put("window_start", &self.window_start);
        put("window_end", &self.window_end);
        put("reason", &self.reason);
        put("reason_code", &self.reason_code);
        Json::Object(map)
    }
}

pub(super) fn pick_freeze(
    decisions: impl Iterator<Item = FreezeDecision>,
) -> Option<FreezeDecision> {
    let effect_rank = |effect: &str| u8::from(effect == "block");
    decisions.reduce(|best, next| {
        let better = (next.rank(), effect_rank(&next.effect))
            .cmp(&(best.rank(), effect_rank(&best.effect)))
            .then_with(|| best.window_name.cmp(&next.window_name));
        if better.is_gt() { next } else { best }
    })
}

/// Parses a freeze-window bound (`YYYY-MM-DDTHH:MM:SS`) in `zone`.
fn parse_window_time(text: &str, zone: &TimeZone) -> Option<Timestamp> {
    let bytes = text.as_bytes();
    if bytes.len() != 19 {
        return None;
    }
    let digit_positions = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
    if !digit_positions
        .iter()
        .all(|&index| bytes.get(index).is_some_and(u8::is_ascii_digit))
    {
        return None;
    }
    if bytes.get(4) != Some(&b'-')
        || bytes.get(7) != Some(&b'-')
        || bytes.get(10) != Some(&b'T')
        || bytes.get(13) != Some(&b':')
        || bytes.get(16) != Some(&b':')
    {
        return None;
    }
    let number = |range: std::ops::Range<usize>| text.get(range)?.parse::<i16>().ok();
    let civil = DateTime::new(
        number(0..4)?,
        i8::try_from(number(5..7)?).ok()?,
        i8::try_from(number(8..10)?).ok()?,
        i8::try_from(number(11..13)?).ok()?,
        i8::try_from(number(14..16)?).ok()?,
        i8::try_from(number(17..19)?).ok()?,
        0,
    )
    .ok()?;
    Some(civil.to_zoned(zone.clone()).ok()?.timestamp())
}

fn load_zone(name: &str) -> Option<TimeZone> {
    // Go's `Local` is the host's zone; an evaluation never depends on the host, so it is UTC.
    if name == "UTC" || name == "Local" {
        return Some(TimeZone::UTC);
    }
    TimeZone::get(name).ok()
}

pub(super) fn freeze_decision(
    freeze: &FreezeWindow,
    intent: &Intent,
    now: Timestamp,
) -> FreezeDecision {
    let mut decision = FreezeDecision {
        status: FreezeStatus::Inactive,
        effect: freeze.effect.clone(),
        timezone: freeze.timezone.clone(),
        evaluated_at: GoTime::utc(now).format_rfc3339_nano(),
        ..FreezeDecision::default()
    };
    let environment = intent.context.get("environment").to_lowercase();
    if !freeze.environments.is_empty() && !in_list(&freeze.environments, &environment) {
        return decision;
    }
    if !freeze.risk_classes.is_empty()
        && !in_list(&freeze.risk_classes, intent.context.get("risk_class"))
    {
        return decision;
    }
    let Some(zone) = load_zone(&freeze.timezone) else {
        decision.status = FreezeStatus::Invalid;
        decision.reason_code = "freeze_window_invalid_timezone".into();
        return decision;
    };
    for window in &freeze.windows {
        let (Some(start), Some(end)) = (
            parse_window_time(&window.start, &zone),
            parse_window_time(&window.end, &zone),
        ) else {
            decision.status = FreezeStatus::Invalid;
            decision.reason_code = "freeze_window_invalid_window".into();
            decision.window_name = window.name.clone();
            return decision;
        };
        if end <= start {
            decision.status = FreezeStatus::Invalid;
            decision.reason_code = "freeze_window_invalid_window".into();
            decision.window_name = window.name.clone();
            return decision;
        }
        if start <= now && now < end {
            decision.status = FreezeStatus::Active;
            decision.window_name = window.name.clone();
            decision.window_start = GoTime::utc(start).format_rfc3339_nano();
            decision.window_end = GoTime::utc(end).format_rfc3339_nano();
            decision.reason = if freeze.reason.is_empty() {
                window.name.clone()
            } else {
                freeze.reason.clone()
            };
            decision.reason_code = if freeze.effect == "require_approval" {
                "freeze_window_active_require_approval".into()
            } else {
                "freeze_window_active_block".into()
            };
            return decision;
        }
    }
    decision
}
