//! Go `time.Time` as Gait reads and writes it: RFC 3339 in, RFC 3339 with nanoseconds (trailing
//! zeros trimmed, the original offset kept) out.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GoTime {
    pub timestamp: Timestamp,
    /// The UTC offset the time was written with, in seconds.
    pub offset_seconds: i32,
}

impl GoTime {
    /// Go's zero `time.Time`, as `encoding/json` prints it.
    pub const ZERO_TEXT: &'static str = "0001-01-01T00:00:00Z";

    pub fn utc(timestamp: Timestamp) -> Self {
        GoTime {
            timestamp,
            offset_seconds: 0,
        }
    }

    /// Go's `Time.IsZero`: the instant `0001-01-01T00:00:00Z`, whatever offset wrote it (what
    /// `encoding/json` writes for an unset time, so "absent").
    pub fn is_zero(&self) -> bool {
        GoTime::parse_rfc3339(Self::ZERO_TEXT).is_some_and(|zero| zero.timestamp == self.timestamp)
    }

    pub fn to_utc(self) -> Self {
        GoTime::utc(self.timestamp)
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` as Go's `time.RFC3339` layout does.
    pub fn parse_rfc3339(text: &str) -> Option<GoTime> {
        let bytes = text.as_bytes();
        let digits = |range: std::ops::Range<usize>| -> Option<i64> {
            let part = text.get(range)?;
            if part.is_empty() || !part.bytes().all(|byte| byte.is_ascii_digit()) {
                return None;
            }
            part.parse().ok()
        };
        let separator = |index: usize, expected: u8| bytes.get(index) == Some(&expected);
        if !(separator(4, b'-')
            && separator(7, b'-')
            && separator(10, b'T')
            && separator(13, b':')
            && separator(16, b':'))
        {
            return None;
        }
        let year = i16::try_from(digits(0..4)?).ok()?;
        let month = i8::try_from(digits(5..7)?).ok()?;
        let day = i8::try_from(digits(8..10)?).ok()?;
        let hour = i8::try_from(digits(11..13)?).ok()?;
        let minute = i8::try_from(digits(14..16)?).ok()?;
        let second = i8::try_from(digits(17..19)?).ok()?;
        let mut rest = text.get(19..)?;
        let mut nanos: i32 = 0;
        if let Some(fraction) = rest.strip_prefix('.') {
            let end = fraction
                .find(|ch: char| !ch.is_ascii_digit())
                .unwrap_or(fraction.len());
            let (digits_text, tail) = fraction.split_at(end);
            if digits_text.is_empty() {
                return None;
            }
            let mut padded: String = digits_text.chars().take(9).collect();
            while padded.len() < 9 {
                padded.push('0');
            }
            nanos = padded.parse().ok()?;
            rest = tail;
        }
        let offset_seconds = if rest == "Z" {
            0
        } else {
            let sign = match rest.as_bytes().first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return None,
            };
            if rest.len() != 6 || rest.as_bytes().get(3) != Some(&b':') {
                return None;
            }
            let hours: i32 = rest.get(1..3)?.parse().ok()?;
            let minutes: i32 = rest.get(4..6)?.parse().ok()?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            sign * (hours * 3600 + minutes * 60)
        };
        let civil = DateTime::new(year, month, day, hour, minute, second, nanos).ok()?;
        let offset = Offset::from_seconds(offset_seconds).ok()?;
        let timestamp = civil.to_zoned(TimeZone::fixed(offset)).ok()?.timestamp();
        Some(GoTime {
            timestamp,
            offset_seconds,
        })
    }

    /// Go's `time.RFC3339Nano` formatting.
    pub fn format_rfc3339_nano(&self) -> String {
        let offset = Offset::from_seconds(self.offset_seconds).unwrap_or(Offset::UTC);
        let civil = offset.to_datetime(self.timestamp);
        let mut out = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            civil.year(),
            civil.month(),
            civil.day(),
            civil.hour(),
            civil.minute(),
            civil.second()
        );
        let nanos = civil.subsec_nanosecond();
        if nanos > 0 {
            let fraction = format!("{nanos:09}");
            out.push('.');
            out.push_str(fraction.trim_end_matches('0'));
        }
        if self.offset_seconds == 0 {
            out.push('Z');
        } else {
            let sign = if self.offset_seconds < 0 { '-' } else { '+' };
            let total = self.offset_seconds.unsigned_abs();
            out.push_str(&format!(
                "{sign}{:02}:{:02}",
                total / 3600,
                (total % 3600) / 60
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_like_go() {
        for (input, output) in [
            ("2026-02-18T19:13:04.95397Z", "2026-02-18T19:13:04.95397Z"),
            ("2026-02-18T19:13:04.950000Z", "2026-02-18T19:13:04.95Z"),
            ("2026-02-18T19:13:04+00:00", "2026-02-18T19:13:04Z"),
            ("2026-02-18T19:13:04-05:30", "2026-02-18T19:13:04-05:30"),
        ] {
            assert_eq!(
                GoTime::parse_rfc3339(input).unwrap().format_rfc3339_nano(),
                output
            );
        }
        assert!(GoTime::parse_rfc3339("2026-02-30T00:00:00Z").is_none());
        assert!(GoTime::parse_rfc3339(GoTime::ZERO_TEXT).unwrap().is_zero());
        assert!(
            GoTime::parse_rfc3339("0001-01-01T01:00:00+01:00")
                .unwrap()
                .is_zero()
        );
        assert!(
            !GoTime::parse_rfc3339("0001-01-01T00:00:01Z")
                .unwrap()
                .is_zero()
        );
        assert!(GoTime::parse_rfc3339("2026-02-18 00:00:00Z").is_none());
    }
}
