//! `gatelint.toml`: the project's own configuration, validated against its schema.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::finding::Severity;
use crate::parse::{Document, IssueKind, Node, ParseIssue, Value};
use crate::span::Span;

/// A config-level suppression: findings of `rule` in files matching `path` (and, when given,
/// at or below the JSON pointer `key`).
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct IgnoreEntry {
    pub path: String,
    pub rule: String,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

/// Per-path settings.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Override {
    pub path: String,
    #[serde(default)]
    pub select: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub struct Config {
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub fail_on: Option<String>,
    #[serde(default)]
    pub select: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    #[serde(default)]
    pub ignores: Vec<IgnoreEntry>,
    #[serde(default)]
    pub require_suppression_reason: bool,
    #[serde(default)]
    pub fixtures: Option<serde_json::Value>,
    #[serde(default)]
    pub stellaops: Option<serde_json::Value>,
    #[serde(default)]
    pub gait: Option<serde_json::Value>,
    #[serde(default)]
    pub overrides: Vec<Override>,
    #[serde(default)]
    pub diff: DiffConfig,
    /// The file this configuration was read from (none for the defaults).
    #[serde(skip)]
    pub origin: Option<Origin>,
}

/// Where a configuration was read from, so messages about its values can point into it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    /// The path as shown.
    pub path: String,
    pub text: String,
}

impl Origin {
    /// `path:line:column` of the first whole-word occurrence of `word` (a rule id, a key), or
    /// the path alone when it does not occur.
    pub fn locate(&self, word: &str) -> String {
        let Some(span) = locate_key(&self.text, word, Span::new(0, self.text.len())) else {
            return self.path.clone();
        };
        let index = crate::span::LineIndex::new(&self.text);
        let at = index.position(&self.text, span.start, crate::span::ColumnUnit::Chars);
        format!("{}:{}:{}", self.path, at.line.get(), at.column.get())
    }
}

/// `[diff]`: which verdict changes fail a diff, and how verdicts are ordered.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DiffConfig {
    /// `loosening-production` (default), `loosening`, `any` or `never`.
    #[serde(default)]
    pub fail_on: Option<String>,
    /// Verdict tiers, least strict first.
    #[serde(default)]
    pub verdict_order: Option<Vec<Vec<String>>>,
    /// Environment names that count as production.
    #[serde(default)]
    pub production: Option<Vec<String>>,
    /// Always run the exhaustive boundary diff.
    #[serde(default)]
    pub exhaustive: bool,
}

impl Config {
    pub fn severity_override(&self, rule: &str) -> Option<Severity> {
        self.severity
            .get(rule)
            .and_then(|name| Severity::parse(name))
    }
}

/// Reads TOML into the spanned tree (so schema findings point at the right line), recording a
/// syntax error as a parse issue.
pub fn parse_toml(text: &str) -> Document {
    match toml::from_str::<toml::Table>(text) {
        Ok(table) => Document {
            root: Some(from_toml(
                &toml::Value::Table(table),
                text,
                "",
                Span::new(0, text.len()),
            )),
            issues: Vec::new(),
        },
        Err(error) => {
            let span = error
                .span()
                .map_or(Span::at(0), |range| Span::new(range.start, range.end));
            Document {
                root: None,
                issues: vec![ParseIssue {
                    kind: IssueKind::Syntax {
                        message: error.message().to_owned(),
                    },
                    span,
                }],
            }
        }
    }
}

/// TOML values keep no positions once parsed; a key is located at its first `key =` or
/// `[table.key]` occurrence after its parent, which is exact for every config gatelint reads.
fn from_toml(value: &toml::Value, text: &str, key: &str, within: Span) -> Node {
    let span = locate_key(text, key, within).unwrap_or(within);
    let value = match value {
        toml::Value::String(text) => Value::String(text.clone()),
        toml::Value::Integer(number) => Value::Number((*number).into()),
        toml::Value::Float(number) => {
            serde_json::Number::from_f64(*number).map_or(Value::Null, Value::Number)
        }
        toml::Value::Boolean(flag) => Value::Bool(*flag),
        toml::Value::Datetime(datetime) => Value::String(datetime.to_string()),
        toml::Value::Array(items) => Value::Seq(
            items
                .iter()
                .map(|item| from_toml(item, text, "", span))
                .collect(),
        ),
        toml::Value::Table(table) => Value::Map(
            table
                .iter()
                .map(|(name, item)| {
                    let key_span =
                        locate_key(text, name, Span::new(span.start as usize, text.len()))
                            .unwrap_or(span);
                    crate::parse::Entry {
                        key: crate::parse::Key {
                            text: name.clone(),
                            span: key_span,
                        },
                        value: from_toml(item, text, name, span),
                    }
                })
                .collect(),
        ),
    };
    Node::new(span, value)
}

fn locate_key(text: &str, key: &str, within: Span) -> Option<Span> {
    if key.is_empty() {
        return None;
    }
    let haystack = text.get(within.start as usize..)?;
    let mut from = 0;
    while let Some(found) = haystack.get(from..)?.find(key) {
        let at = from + found;
        let before = haystack.get(..at)?.chars().last();
        let after = haystack.get(at + key.len()..)?.chars().next();
        let boundary_before = before.is_none_or(|c| !(c.is_alphanumeric() || c == '-' || c == '_'));
        let boundary_after = after.is_none_or(|c| !(c.is_alphanumeric() || c == '-' || c == '_'));
        if boundary_before && boundary_after {
            let start = within.start as usize + at;
            return Some(Span::new(start, start + key.len()));
        }
        from = at + key.len();
    }
    None
}

/// Why a validated config tree does not deserialise: the deserialiser's message.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct ConfigError(#[from] serde_json::Error);

/// Deserialises a validated config tree.
pub fn from_node(node: &Node) -> Result<Config, ConfigError> {
    Ok(serde_json::from_value(node.to_json())?)
}

/// The config file to use: `--config`, else `gatelint.toml` in the working directory.
pub fn default_path() -> Option<&'static Path> {
    let path = Path::new("gatelint.toml");
    path.is_file().then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_locates() {
        let text = "exclude = [\"vendor\"]\nfail-on = \"warning\"\n\n[severity]\nunknown-key = \"warning\"\n";
        let document = parse_toml(text);
        let root = document.root.unwrap();
        let config = from_node(&root).unwrap();
        assert_eq!(config.exclude, vec!["vendor"]);
        assert_eq!(
            config.severity_override("unknown-key"),
            Some(Severity::Warning)
        );
        let fail_on = root.entry("fail-on").unwrap();
        assert_eq!(&text[fail_on.key.span.range()], "fail-on");
    }

    #[test]
    fn syntax_errors_are_issues() {
        let document = parse_toml("fail-on = \n");
        assert!(document.root.is_none());
        assert_eq!(document.issues.len(), 1);
    }
}
