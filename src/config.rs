//! `gatelint.toml`: the project's own configuration, validated against its schema.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
    /// The working directory relative to the config's directory (`deploy` for a config found
    /// in the parent), when they differ: the config's path patterns are relative to its own
    /// directory, the paths gatelint shows to the working directory.
    #[serde(skip)]
    pub base: Option<Base>,
    /// How the file was chosen (or why there is none).
    #[serde(skip)]
    pub chosen: Chosen,
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
    /// `display` (a path as shown, relative to the working directory) relative to the config's
    /// directory, which is what its path patterns (`exclude`, `[[ignores]]`, `[[overrides]]`)
    /// are written against.
    pub fn rebase<'p>(&self, display: &'p str) -> std::borrow::Cow<'p, str> {
        let Some(base) = &self.base else {
            return std::borrow::Cow::Borrowed(display);
        };
        std::borrow::Cow::Owned(crate::discover::rebase(display, &base.prepend, &base.strip))
    }

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

/// Which configuration a run reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Choice {
    /// The nearest `gatelint.toml` at or above each path, up to the repository root.
    #[default]
    Discover,
    /// `--config FILE`.
    File(PathBuf),
    /// `--no-config`: the built-in defaults.
    Defaults,
}

/// The config file a run reads, and how it was chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Chosen {
    /// No file: `--no-config`, or none found.
    None { asked: bool },
    /// `--config FILE`.
    Explicit(PathBuf),
    /// The nearest `gatelint.toml` above the first of `paths`.
    Found { path: PathBuf, from: PathBuf },
}

impl Default for Chosen {
    fn default() -> Self {
        Chosen::None { asked: false }
    }
}

impl Chosen {
    /// The file and how it was chosen, as `-v` says it.
    pub fn describe(&self) -> String {
        match self {
            Chosen::None { asked: true } => "none (`--no-config`)".to_owned(),
            Chosen::None { asked: false } => {
                "none (no `gatelint.toml` at or above the paths, up to the repository root)"
                    .to_owned()
            }
            Chosen::Explicit(path) => {
                format!("`{}` (`--config`)", crate::discover::display_path(path))
            }
            Chosen::Found { path, from } => format!(
                "`{}` (the nearest `gatelint.toml` to `{}`)",
                crate::discover::display_path(path),
                crate::discover::display_path(from)
            ),
        }
    }

    pub fn path(&self) -> Option<&Path> {
        match self {
            Chosen::None { .. } => None,
            Chosen::Explicit(path) | Chosen::Found { path, .. } => Some(path),
        }
    }
}

/// Two paths of one run whose nearest configurations differ.
#[derive(Debug, thiserror::Error)]
#[error(
    "`{first}` and `{second}` have different configurations (`{first_config}`, `{second_config}`): run them separately or pass `--config`"
)]
pub struct Conflict {
    pub first: String,
    pub first_config: String,
    pub second: String,
    pub second_config: String,
}

/// The config file for a run over `paths` (none: the working directory). Discovery walks up
/// from each path (a file's directory) to the repository root — the first directory holding
/// `.git`, or the filesystem root — and takes the nearest `gatelint.toml`; every path must
/// find the same one.
pub fn choose(choice: &Choice, paths: &[PathBuf]) -> Result<Chosen, Conflict> {
    match choice {
        Choice::Defaults => return Ok(Chosen::None { asked: true }),
        Choice::File(path) => return Ok(Chosen::Explicit(path.clone())),
        Choice::Discover => {}
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let starts: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut chosen: Option<(PathBuf, Option<PathBuf>)> = None;
    for start in starts {
        let found = nearest(&cwd.join(&start)).map(|found| relative_to(&found, &cwd));
        match &chosen {
            None => chosen = Some((start, found)),
            Some((first, first_found)) if *first_found != found => {
                let shown = |found: &Option<PathBuf>| {
                    found
                        .as_deref()
                        .map_or_else(|| "defaults".to_owned(), crate::discover::display_path)
                };
                return Err(Conflict {
                    first: crate::discover::display_path(first),
                    first_config: shown(first_found),
                    second: crate::discover::display_path(&start),
                    second_config: shown(&found),
                });
            }
            Some(_) => {}
        }
    }
    Ok(match chosen {
        Some((from, Some(path))) => Chosen::Found { path, from },
        _ => Chosen::None { asked: false },
    })
}

/// The nearest `gatelint.toml` at or above `start` (absolute), not above the repository root.
fn nearest(start: &Path) -> Option<PathBuf> {
    let first = if start.is_file() {
        start.parent()?
    } else {
        start
    };
    for dir in first.ancestors() {
        let candidate = dir.join("gatelint.toml");
        if candidate.is_file() {
            return Some(candidate);
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

/// `path` (absolute) as the shortest relative path from `cwd` when it is at or above or below
/// it (`gatelint.toml`, `../../gatelint.toml`), else as it is.
fn relative_to(path: &Path, cwd: &Path) -> PathBuf {
    let path = normalize(path);
    let cwd = normalize(cwd);
    if let Ok(below) = path.strip_prefix(&cwd) {
        return below.to_path_buf();
    }
    let mut up = PathBuf::new();
    for ancestor in cwd.ancestors().skip(1) {
        up.push("..");
        if let Ok(rest) = path.strip_prefix(ancestor) {
            return up.join(rest);
        }
    }
    path
}

/// `.` and `..` resolved lexically in an absolute path.
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// How a path as shown (relative to the working directory) reads from the config's directory,
/// when the two differ: `deploy` is prepended (a config in the parent, read from `deploy/`), or
/// `deploy` is stripped (`deploy/gatelint.toml` read from the root).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Base {
    pub prepend: String,
    pub strip: String,
}

/// The [`Base`] of a config at `config` (a path relative to the working directory), when its
/// directory is not the working directory.
pub fn base_of(config: &Path) -> Option<Base> {
    use std::path::Component;
    let dir = config.parent()?;
    let parts: Vec<Component> = dir
        .components()
        .filter(|component| !matches!(component, Component::CurDir))
        .collect();
    if parts.is_empty() {
        return None;
    }
    let ups = parts
        .iter()
        .take_while(|component| matches!(component, Component::ParentDir))
        .count();
    let cwd = normalize(&std::env::current_dir().ok()?);
    let names: Vec<String> = cwd
        .components()
        .rev()
        .take(ups)
        .map(|component| component.as_os_str().to_string_lossy().into_owned())
        .collect();
    if names.len() != ups {
        return None;
    }
    let down: Vec<String> = parts
        .iter()
        .skip(ups)
        .map(|component| component.as_os_str().to_string_lossy().into_owned())
        .collect();
    if down
        .iter()
        .any(|name| name == ".." || name.starts_with('/'))
    {
        return None;
    }
    Some(Base {
        prepend: names.into_iter().rev().collect::<Vec<_>>().join("/"),
        strip: down.join("/"),
    })
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
    fn a_found_config_is_shown_relative_to_the_working_directory() {
        let shown = |path: &str, cwd: &str| relative_to(Path::new(path), Path::new(cwd));
        assert_eq!(
            shown("/r/gatelint.toml", "/r/deploy"),
            Path::new("../gatelint.toml")
        );
        assert_eq!(
            shown("/r/gatelint.toml", "/r/a/b"),
            Path::new("../../gatelint.toml")
        );
        assert_eq!(
            shown("/r/d/gatelint.toml", "/r"),
            Path::new("d/gatelint.toml")
        );
        assert_eq!(
            shown("/r/./gatelint.toml", "/r/x/.."),
            Path::new("gatelint.toml")
        );
    }

    #[test]
    fn syntax_errors_are_issues() {
        let document = parse_toml("fail-on = \n");
        assert!(document.root.is_none());
        assert_eq!(document.issues.len(), 1);
    }
}
