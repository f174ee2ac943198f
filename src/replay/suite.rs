//! Fixture suites (product.md §4): a YAML/JSON document with a header and `cases`, or a JSONL
//! stream whose first line is the header and every further line one case.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::parse::{Format, Node, parse};
use crate::span::Span;
use crate::stellaops::input::CaseInput;

pub const KIND: &str = "gatelint.fixtures/v1";

/// A string or a list of strings (`policy: a.yaml` or `policy: [base.yaml, prod.yaml]`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            OneOrMany::None => Vec::new(),
            OneOrMany::One(one) => vec![one.clone()],
            OneOrMany::Many(many) => many.clone(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SuiteHeader {
    pub kind: String,
    pub policy: OneOrMany,
    pub determinization: OneOrMany,
    pub defaults: serde_json::Value,
    /// `stellaops` or `gait`; detected from the policy when absent.
    pub ecosystem: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Expect {
    pub verdict: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
}

/// One case, with where it sits in its suite.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    /// 0-based position in the suite.
    pub index: usize,
    pub name: String,
    /// The input with the suite's `defaults` merged under it.
    pub input: serde_json::Value,
    pub expect: Result<Expect, String>,
    /// 1-based line of the case.
    pub line: u32,
    /// Byte span of the case (document suites) or of its line (JSONL).
    pub span: Span,
}

#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum SuiteError {
    #[error("cannot read `{path}`: {message}")]
    Read { path: String, message: String },
    #[error(transparent)]
    Refused(#[from] crate::source::ReadError),
    #[error("`{path}` is not a valid fixture suite: {message}")]
    Invalid { path: String, message: String },
}

/// Whether a path names a fixture suite.
pub fn is_suite_path(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    crate::discover::is_suite_name(name)
}

pub fn is_jsonl(path: &Path) -> bool {
    path.to_string_lossy().ends_with(".jsonl")
}

/// Merges `defaults` under `input`: objects recursively, anything else (`null` included) the
/// case wins.
pub fn deep_merge(defaults: &serde_json::Value, input: serde_json::Value) -> serde_json::Value {
    match (defaults, input) {
        (serde_json::Value::Object(base), serde_json::Value::Object(over)) => {
            let mut merged = base.clone();
            for (key, value) in over {
                let combined = match merged.get(&key) {
                    Some(existing) => deep_merge(existing, value),
                    None => value,
                };
                merged.insert(key, combined);
            }
            serde_json::Value::Object(merged)
        }
        // An explicit `null` in the case wins too: it removes the default.
        (_, input) => input,
    }
}

fn line_of(text: &str, offset: u32) -> u32 {
    let end = (offset as usize).min(text.len());
    let newlines = text
        .as_bytes()
        .get(..end)
        .map_or(0, |b| b.iter().filter(|c| **c == b'\n').count());
    u32::try_from(newlines).unwrap_or(u32::MAX - 1) + 1
}

/// A whole YAML/JSON suite, read into memory.
#[derive(Clone, Debug, PartialEq)]
pub struct DocumentSuite {
    pub header: SuiteHeader,
    pub cases: Vec<Case>,
}

fn header_from(json: &serde_json::Value, path: &str) -> Result<SuiteHeader, SuiteError> {
    let header: SuiteHeader =
        serde_json::from_value(json.clone()).map_err(|error| SuiteError::Invalid {
            path: path.to_owned(),
            message: format!("header: {error}"),
        })?;
    if header.kind != KIND {
        return Err(SuiteError::Invalid {
            path: path.to_owned(),
            message: format!("`kind` should be `{KIND}`"),
        });
    }
    Ok(header)
}

fn case_from(
    json: serde_json::Value,
    defaults: &serde_json::Value,
    index: usize,
    line: u32,
    span: Span,
) -> Case {
    let name = json
        .get("name")
        .and_then(|n| n.as_str())
        .map_or_else(|| format!("case {}", index + 1), str::to_owned);
    let input = json
        .get("input")
        .cloned()
        .unwrap_or(serde_json::Value::Null);
    let expect = match json.get("expect") {
        Some(expect) => {
            serde_json::from_value::<Expect>(expect.clone()).map_err(|e| format!("expect: {e}"))
        }
        None => Err("`expect` is required".to_owned()),
    };
    Case {
        index,
        name,
        input: deep_merge(defaults, input),
        expect,
        line,
        span,
    }
}

/// Parses a YAML or JSON suite.
pub fn parse_document(path: &str, text: &str) -> Result<DocumentSuite, SuiteError> {
    let format = if path.ends_with(".json") {
        Format::Json
    } else {
        Format::Yaml
    };
    let document = parse(text, format);
    let invalid = |message: String| SuiteError::Invalid {
        path: path.to_owned(),
        message,
    };
    if !document.is_usable() {
        return Err(invalid("the file does not parse".to_owned()));
    }
    let Some(root) = document.root else {
        return Err(invalid("the file is empty".to_owned()));
    };
    let header = header_from(&root.to_json(), path)?;
    let cases_node = root.get("cases").and_then(Node::as_seq).unwrap_or_default();
    let mut names = std::collections::BTreeSet::new();
    let mut cases = Vec::with_capacity(cases_node.len());
    for (index, node) in cases_node.iter().enumerate() {
        let case = case_from(
            node.to_json(),
            &header.defaults,
            index,
            line_of(text, node.span.start),
            node.span,
        );
        if !names.insert(case.name.clone()) {
            return Err(invalid(format!("case name `{}` is used twice", case.name)));
        }
        cases.push(case);
    }
    Ok(DocumentSuite { header, cases })
}

/// A JSONL suite read line by line: the header now, the cases on demand.
pub struct JsonlSuite<R> {
    pub header: SuiteHeader,
    lines: std::io::Lines<R>,
    line: u32,
    offset: usize,
    index: usize,
}

impl JsonlSuite<std::io::BufReader<std::fs::File>> {
    /// Opens a suite through `reader` (confined, no link, a regular file) to stream it.
    pub fn open(reader: &crate::source::Reader, path: &Path) -> Result<Self, SuiteError> {
        let display = path.display().to_string();
        let (file, _) = reader.open(path)?;
        JsonlSuite::from_reader(&display, std::io::BufReader::with_capacity(1 << 16, file))
    }
}

impl<R: BufRead> JsonlSuite<R> {
    pub fn from_reader(path: &str, reader: R) -> Result<Self, SuiteError> {
        let mut lines = reader.lines();
        let mut line = 0u32;
        let mut offset = 0usize;
        loop {
            line += 1;
            let Some(text) = lines.next() else {
                return Err(SuiteError::Invalid {
                    path: path.to_owned(),
                    message: "the header line is missing".to_owned(),
                });
            };
            let text = text.map_err(|error| SuiteError::Read {
                path: path.to_owned(),
                message: error.to_string(),
            })?;
            offset += text.len() + 1;
            if text.trim().is_empty() {
                continue;
            }
            let json: serde_json::Value =
                serde_json::from_str(&text).map_err(|error| SuiteError::Invalid {
                    path: path.to_owned(),
                    message: format!("line {line}: {error}"),
                })?;
            let header = header_from(&json, path)?;
            return Ok(JsonlSuite {
                header,
                lines,
                line,
                offset,
                index: 0,
            });
        }
    }

    /// The next batch of at most `max` raw case lines: (index, line, span, text).
    pub fn next_batch(&mut self, max: usize) -> Result<Vec<RawLine>, SuiteError> {
        let mut batch = Vec::with_capacity(max);
        while batch.len() < max {
            let Some(text) = self.lines.next() else {
                break;
            };
            let text = text.map_err(|error| SuiteError::Read {
                path: String::new(),
                message: error.to_string(),
            })?;
            self.line += 1;
            let start = self.offset;
            self.offset += text.len() + 1;
            if text.trim().is_empty() {
                continue;
            }
            batch.push(RawLine {
                index: self.index,
                line: self.line,
                span: Span::new(start, start + text.len()),
                text,
            });
            self.index += 1;
        }
        Ok(batch)
    }
}

/// One unparsed JSONL case line.
#[derive(Clone, Debug)]
pub struct RawLine {
    pub index: usize,
    pub line: u32,
    pub span: Span,
    pub text: String,
}

impl RawLine {
    pub fn into_case(self, defaults: &serde_json::Value) -> Case {
        match serde_json::from_str::<serde_json::Value>(&self.text) {
            Ok(json) => case_from(json, defaults, self.index, self.line, self.span),
            Err(error) => Case {
                index: self.index,
                name: format!("line {}", self.line),
                input: serde_json::Value::Null,
                expect: Err(format!("line {} is not JSON: {error}", self.line)),
                line: self.line,
                span: self.span,
            },
        }
    }
}

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

/// Resolves the suite's file references relative to the suite's directory.
pub fn resolve(suite_path: &Path, references: &[String]) -> Vec<PathBuf> {
    let dir = suite_path.parent().unwrap_or_else(|| Path::new(""));
    references
        .iter()
        .map(|reference| dir.join(reference))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_merge_deeply() {
        let merged = deep_merge(
            &serde_json::json!({"environment": "production", "vexTrust": {"signatureVerified": true}}),
            serde_json::json!({"vexTrust": {"trustScore": 0.8}}),
        );
        assert_eq!(
            merged,
            serde_json::json!({"environment": "production", "vexTrust": {"signatureVerified": true, "trustScore": 0.8}})
        );
    }

    #[test]
    fn document_suite_keeps_case_lines() {
        let text = "kind: gatelint.fixtures/v1\npolicy: p.yaml\ncases:\n  - name: a\n    input: {environment: x}\n    expect: {verdict: Pass}\n  - name: b\n    input: {}\n    expect: {verdict: Blocked}\n";
        let suite = parse_document("s.fixtures.yaml", text).unwrap();
        assert_eq!(suite.cases.len(), 2);
        assert_eq!(suite.cases[0].line, 4);
        assert_eq!(suite.cases[1].line, 7);
        assert_eq!(suite.header.policy.to_vec(), ["p.yaml"]);
    }

    #[test]
    fn duplicate_case_names_are_rejected() {
        let text = "kind: gatelint.fixtures/v1\ncases:\n  - {name: a, input: {}, expect: {verdict: Pass}}\n  - {name: a, input: {}, expect: {verdict: Pass}}\n";
        assert!(parse_document("s.fixtures.yaml", text).is_err());
    }

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
                crate::replay::runner::stellaops_input(&general.input),
                Ok(input),
                "{line}"
            );
        }
        assert_eq!(typed, [0, 1, 10, 13]);
    }

    #[test]
    fn jsonl_streams_lines() {
        let text = "{\"kind\":\"gatelint.fixtures/v1\",\"defaults\":{\"environment\":\"staging\"}}\n{\"name\":\"a\",\"input\":{},\"expect\":{\"verdict\":\"Pass\"}}\n\n{\"name\":\"b\",\"input\":{},\"expect\":{\"verdict\":\"Pass\"}}\n";
        let mut suite =
            JsonlSuite::from_reader("x.fixtures.jsonl", std::io::Cursor::new(text)).unwrap();
        let batch = suite.next_batch(10).unwrap();
        assert_eq!(batch.len(), 2);
        assert_eq!(batch[1].line, 4);
        let case = batch[0].clone().into_case(&suite.header.defaults);
        assert_eq!(case.input["environment"], "staging");
    }
}
