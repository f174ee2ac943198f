//! RFC 8785 (JCS) canonical JSON and the SHA-256 digests Gait computes over it.
//!
//! Gait encodes a Go value to JSON, canonicalises it with JCS and hashes the bytes. Numbers pass
//! through an IEEE-754 double on the way (JCS parses them as ECMAScript numbers), so every number
//! is printed in ECMAScript shortest form here too.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The JCS serialisation of `value`.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The raw SHA-256 of the JCS form of `value`.
pub fn digest_bytes(value: &Value) -> [u8; 32] {
    Sha256::digest(canonical_json(value).as_bytes()).into()
}

/// Lower-case hex SHA-256 of the JCS form of `value`.
pub fn digest_hex(value: &Value) -> String {
    hex(&digest_bytes(value))
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        for nibble in [byte >> 4, byte & 0x0f] {
            out.push(char::from(
                DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'0'),
            ));
        }
    }
    out
}

/// Whether `text` is exactly 64 lower- or upper-case hex digits.
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|byte| byte.is_ascii_hexdigit())
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => out.push_str(&format_number(number)),
        Value::String(text) => write_string(out, text),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            // JCS orders keys by their UTF-16 code units, not by UTF-8 bytes.
            entries.sort_by(|(a, _), (b, _)| utf16_cmp(a, b));
            out.push('{');
            for (index, (key, item)) in entries.into_iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_string(out, key);
                out.push(':');
                write_value(out, item);
            }
            out.push('}');
        }
    }
}

/// ECMAScript `Number.prototype.toString` of the double nearest to `number`.
pub fn format_number(number: &serde_json::Number) -> String {
    let float = number.as_f64().unwrap_or(0.0);
    if float == 0.0 {
        return "0".to_owned();
    }
    let mut buffer = ryu_js::Buffer::new();
    buffer.format(float).to_owned()
}

/// `a` and `b` ordered by their UTF-16 code units. UTF-8 bytes order as code points do, and
/// code points as UTF-16 units do except between a supplementary character and one of
/// U+E000–U+FFFF, so the bytes decide unless a non-ASCII byte is where the two first differ.
fn utf16_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let differ = a.bytes().zip(b.bytes()).find(|(x, y)| x != y);
    match differ {
        Some((x, y)) if x.is_ascii() && y.is_ascii() => x.cmp(&y),
        // One is a prefix of the other: the shorter first, in any encoding.
        None => a.len().cmp(&b.len()),
        Some(_) => a.encode_utf16().cmp(b.encode_utf16()),
    }
}

fn write_string(out: &mut String, text: &str) {
    out.push('"');
    // Runs of characters that need no escape are copied whole.
    let mut rest = text;
    while let Some(at) = rest.find(|ch: char| ch == '"' || ch == '\\' || u32::from(ch) < 0x20) {
        let (plain, tail) = rest.split_at(at);
        out.push_str(plain);
        let mut chars = tail.chars();
        if let Some(ch) = chars.next() {
            escape_char(out, ch);
        }
        rest = chars.as_str();
    }
    out.push_str(rest);
    out.push('"');
}

fn escape_char(out: &mut String, ch: char) {
    match ch {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\u{08}' => out.push_str("\\b"),
        '\u{09}' => out.push_str("\\t"),
        '\u{0a}' => out.push_str("\\n"),
        '\u{0c}' => out.push_str("\\f"),
        '\u{0d}' => out.push_str("\\r"),
        ch if u32::from(ch) < 0x20 => {
            out.push_str(&format!("\\u{:04x}", u32::from(ch)));
        }
        ch => out.push(ch),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// A string from a small alphabet that mixes ASCII, the escapes, U+E000–U+FFFF and
    /// supplementary characters, so that prefixes and first differences land everywhere.
    fn mixed() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            proptest::sample::select(vec![
                'a',
                'b',
                '"',
                '\\',
                '\u{1}',
                '\n',
                '\u{7f}',
                '\u{e9}',
                '\u{2028}',
                '\u{e000}',
                '\u{ff61}',
                '\u{10000}',
                '\u{1f600}',
            ]),
            0..6,
        )
        .prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #[test]
        fn key_order_is_utf16_order(a in mixed(), b in mixed()) {
            prop_assert_eq!(utf16_cmp(&a, &b), a.encode_utf16().cmp(b.encode_utf16()));
        }

        #[test]
        fn strings_are_escaped_char_by_char(text in mixed()) {
            let mut expected = String::from("\"");
            for ch in text.chars() {
                escape_char(&mut expected, ch);
            }
            expected.push('"');
            let mut out = String::new();
            write_string(&mut out, &text);
            prop_assert_eq!(out, expected);
        }
    }

    #[test]
    fn hex_is_lower_case_two_digits_a_byte() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa0, 0xff, 0x5c]), "000fa0ff5c");
    }

    #[test]
    fn sorts_keys_by_utf16_and_prints_es6_numbers() {
        let value = json!({"b": 1.0, "a": [1e21, 0.1, -0.0, 100], "\u{e9}": "x", "\u{1f600}": true, "\u{ff61}": null});
        assert_eq!(
            canonical_json(&value),
            "{\"a\":[1e+21,0.1,0,100],\"b\":1,\"\u{e9}\":\"x\",\"\u{1f600}\":true,\"\u{ff61}\":null}"
        );
    }

    #[test]
    fn escapes_only_what_jcs_requires() {
        let value = json!("<a&b>\u{1}\n\"\\\u{2028}");
        assert_eq!(
            canonical_json(&value),
            "\"<a&b>\\u0001\\n\\\"\\\\\u{2028}\""
        );
    }
}
