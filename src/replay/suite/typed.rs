//! Stella Ops JSONL cases read straight into the typed input, skipping the general `Value` path
//! when a line allows it.

use serde::Deserialize;

use super::Expect;
use crate::stellaops::input::CaseInput;

/// A suite's `defaults`, prepared once for reading Stella Ops cases straight into the typed
/// input (see [`stella_case`]).
#[derive(Clone, Debug, Default)]
pub struct Defaults {
    pub value: serde_json::Value,
    /// The defaults as a typed input; `None` when they do not read as one (every case then takes
    /// the general path, which reports the problem).
    typed: Option<CaseInput>,
    /// Bits (see [`CaseInput::field_bit`]) of the fields whose default is an object: a case that
    /// sets one needs the deep merge.
    nested: u32,
}

impl Defaults {
    pub fn new(value: &serde_json::Value) -> Defaults {
        let (typed, nested) = match value {
            serde_json::Value::Object(map) => {
                let nested = map
                    .iter()
                    .filter(|(_, value)| value.is_object())
                    .filter_map(|(key, _)| CaseInput::field_bit(key))
                    .fold(0, |bits, bit| bits | bit);
                (serde_json::from_value(value.clone()).ok(), nested)
            }
            // Anything but an object merges as "no defaults".
            _ => (Some(CaseInput::default()), 0),
        };
        Defaults {
            value: value.clone(),
            typed,
            nested,
        }
    }
}

/// A Stella Ops case read from its JSONL line straight into the typed input, with the defaults
/// merged field by field: the result equals `into_case` followed by deserialising the merged
/// input. `None` when the line needs that general path (it is not JSON, misses a part, repeats a
/// key, or sets a field whose default is an object); the general path then gives the same result
/// or the exact error.
pub fn stella_case(text: &str, defaults: &Defaults) -> Option<(Option<String>, CaseInput, Expect)> {
    let typed_defaults = defaults.typed.as_ref()?;
    // First pass: validates the whole line as strictly as parsing it into a `Value` would, and
    // records which input fields the case sets.
    let scan: LineScan = serde_json::from_str(text).ok()?;
    if !scan.plain || scan.input_fields & defaults.nested != 0 {
        return None;
    }
    let line: CaseLine = serde_json::from_str(text).ok()?;
    let input = line.input?.with_defaults(scan.input_fields, typed_defaults);
    if input.environment.is_empty() {
        return None;
    }
    Some((line.name, input, line.expect?))
}

#[derive(Deserialize)]
struct CaseLine {
    name: Option<String>,
    input: Option<CaseInput>,
    expect: Option<Expect>,
}

/// What the first pass learns of a case line.
struct LineScan {
    /// An object with `input` (an object) and `expect`, each key at most once.
    plain: bool,
    input_fields: u32,
}

impl<'de> Deserialize<'de> for LineScan {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(LineScanVisitor)
    }
}

struct LineScanVisitor;

impl<'de> serde::de::Visitor<'de> for LineScanVisitor {
    type Value = LineScan;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a case object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<LineScan, A::Error> {
        let (mut names, mut inputs, mut expects) = (0u32, 0u32, 0u32);
        let mut input_fields = None;
        while let Some(key) = map.next_key::<TopKey>()? {
            match key {
                TopKey::Name => {
                    names += 1;
                    map.next_value::<Validate>()?;
                }
                TopKey::Input => {
                    inputs += 1;
                    input_fields = map.next_value::<InputKeys>()?.0;
                }
                TopKey::Expect => {
                    expects += 1;
                    map.next_value::<Validate>()?;
                }
                TopKey::Other => {
                    map.next_value::<Validate>()?;
                }
            }
        }
        Ok(LineScan {
            plain: names <= 1 && inputs == 1 && expects == 1 && input_fields.is_some(),
            input_fields: input_fields.unwrap_or(0),
        })
    }
}

enum TopKey {
    Name,
    Input,
    Expect,
    Other,
}

impl<'de> Deserialize<'de> for TopKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl serde::de::Visitor<'_> for KeyVisitor {
            type Value = TopKey;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<TopKey, E> {
                Ok(match key {
                    "name" => TopKey::Name,
                    "input" => TopKey::Input,
                    "expect" => TopKey::Expect,
                    _ => TopKey::Other,
                })
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// The field bits of an input object (`None`: the input is not an object).
struct InputKeys(Option<u32>);

impl<'de> Deserialize<'de> for InputKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct InputVisitor;
        impl<'de> serde::de::Visitor<'de> for InputVisitor {
            type Value = InputKeys;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<InputKeys, A::Error> {
                let mut bits = 0;
                while let Some(FieldKey(bit)) = map.next_key::<FieldKey>()? {
                    bits |= bit;
                    map.next_value::<Validate>()?;
                }
                Ok(InputKeys(Some(bits)))
            }
            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<InputKeys, E> {
                Ok(InputKeys(None))
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<InputKeys, E> {
                Ok(InputKeys(None))
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<InputKeys, E> {
                Ok(InputKeys(None))
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<InputKeys, E> {
                Ok(InputKeys(None))
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<InputKeys, E> {
                Ok(InputKeys(None))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<InputKeys, E> {
                Ok(InputKeys(None))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<InputKeys, A::Error> {
                while seq.next_element::<Validate>()?.is_some() {}
                Ok(InputKeys(None))
            }
        }
        deserializer.deserialize_any(InputVisitor)
    }
}

/// An input key's field bit (0: not a field).
struct FieldKey(u32);

impl<'de> Deserialize<'de> for FieldKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl serde::de::Visitor<'_> for KeyVisitor {
            type Value = FieldKey;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<FieldKey, E> {
                Ok(FieldKey(CaseInput::field_bit(key).unwrap_or(0)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Any JSON value, checked as strictly as reading it into a `Value` (numbers in range, string
/// escapes valid) without keeping it.
struct Validate;

impl<'de> Deserialize<'de> for Validate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValidateVisitor)
    }
}

struct ValidateVisitor;

impl<'de> serde::de::Visitor<'de> for ValidateVisitor {
    type Value = Validate;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Validate, E> {
        Ok(Validate)
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Validate, E> {
        Ok(Validate)
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Validate, E> {
        Ok(Validate)
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Validate, E> {
        Ok(Validate)
    }
    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Validate, E> {
        Ok(Validate)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Validate, E> {
        Ok(Validate)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Validate, A::Error> {
        while seq.next_element::<Validate>()?.is_some() {}
        Ok(Validate)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Validate, A::Error> {
        while map.next_key::<Validate>()?.is_some() {
            map.next_value::<Validate>()?;
        }
        Ok(Validate)
    }
}

#[cfg(test)]
mod tests {
    use super::super::RawLine;
    use super::*;
    use crate::span::Span;

    #[test]
    fn typed_case_matches_the_general_path_or_declines() {
        let defaults = Defaults::new(&serde_json::json!({
            "requestedStatus": "not_affected",
            "metadata": {"a": "1"},
            "vexTrust": {"signatureVerified": true}
        }));
        let lines = [
            r#"{"name":"a","input":{"environment":"production","confidence":1},"expect":{"verdict":"Pass"}}"#,
            r#"{"input":{"environment":"staging","requestedStatus":null},"expect":{"verdict":"Pass"}}"#,
            r#"{"name":"b","input":{"environment":"x","vexTrust":{"trustScore":0.5}},"expect":{"verdict":"Pass"}}"#,
            r#"{"name":"c","input":["production"],"expect":{"verdict":"Pass"}}"#,
            r#"{"name":"d","input":{"environment":"x"},"expect":{"verdict":"Pass"},"junk":1e400}"#,
            r#"{"name":"e","input":{"environment":"x"},"expect":{"verdict":"Pass"},"junk":"\ud800"}"#,
            r#"{"name":"f","input":{"environment":"x","environment":"y"},"expect":{"verdict":"Pass"}}"#,
            r#"{"name":"g","input":{"environment":""},"expect":{"verdict":"Pass"}}"#,
            r#"{"name":7,"input":{"environment":"x"},"expect":{"verdict":"Pass"}}"#,
            r#"{"name":"h","input":{"environment":"x","metadata":{"b":2}},"expect":{"verdict":"Pass"}}"#,
            r#"{"name":"i","input":{"environment":"x","other":{"z":1}},"expect":{"verdict":"Blocked","gate":"VexTrust"}}"#,
            r#"{"name":"j","input":{"environment":"x"}}"#,
            r#"[1,2]"#,
            r#"{"name":"k","input":{"environment":"x","observation":{"epss":{"score":0.5},"vex":{"anchor":true}}},"expect":{"verdict":"Pass"}}"#,
            r#"{"name":"l","input":{"environment":"x"},"expect":{"verdict":"Pass","bogus":1}}"#,
            r#"{"name":"m","input":{"environment":"x"},"expect":{"verdict":"Pass"},"name":"n"}"#,
        ];
        let mut typed = Vec::new();
        for (index, line) in lines.iter().enumerate() {
            let raw = RawLine {
                index,
                line: 1,
                span: Span::new(0, line.len()),
                text: (*line).to_owned(),
            };
            let general = raw.into_case(&defaults.value);
            let Some((name, input, expect)) = stella_case(line, &defaults) else {
                continue;
            };
            typed.push(index);
            assert_eq!(
                name.unwrap_or_else(|| format!("case {}", index + 1)),
                general.name
            );
            assert_eq!(general.expect, Ok(expect), "{line}");
            assert_eq!(
                crate::replay::load::stellaops_input(&general.input),
                Ok(input),
                "{line}"
            );
        }
        assert_eq!(typed, [0, 1, 10, 13]);
    }
}
