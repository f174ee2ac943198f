//! Fixture suites (product.md §4): a YAML/JSON document with a header and `cases`, or a JSONL
//! stream whose first line is the header and every further line one case.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::parse::{Format, Node, parse};
use crate::span::Span;

mod typed;

pub use typed::{Defaults, stella_case};

const KIND: &str = "gatelint.fixtures/v1";

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
    pub expect: Result<Expect, CaseError>,
    /// 1-based line of the case.
    pub line: u32,
    /// Byte span of the case (document suites) or of its line (JSONL).
    pub span: Span,
}

/// Why a case has no expectation to judge it by.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum CaseError {
    #[error("`expect` is required")]
    MissingExpect,
    /// The deserialiser's message.
    #[error("expect: {0}")]
    Expect(String),
    #[error("line {line} is not JSON: {message}")]
    NotJson { line: u32, message: String },
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
fn deep_merge(defaults: &serde_json::Value, input: serde_json::Value) -> serde_json::Value {
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
    mut json: serde_json::Value,
    defaults: &serde_json::Value,
    index: usize,
    line: u32,
    span: Span,
) -> Case {
    let name = json
        .get("name")
        .and_then(|n| n.as_str())
        .map_or_else(|| format!("case {}", index + 1), str::to_owned);
    // The case is consumed here: its input and expectation are moved out, not copied.
    let mut take = |key: &str| json.as_object_mut().and_then(|case| case.remove(key));
    let input = take("input").unwrap_or(serde_json::Value::Null);
    let expect = match take("expect") {
        Some(expect) => {
            serde_json::from_value::<Expect>(expect).map_err(|e| CaseError::Expect(e.to_string()))
        }
        None => Err(CaseError::MissingExpect),
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
    fn from_reader(path: &str, reader: R) -> Result<Self, SuiteError> {
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
                expect: Err(CaseError::NotJson {
                    line: self.line,
                    message: error.to_string(),
                }),
                line: self.line,
                span: self.span,
            },
        }
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
