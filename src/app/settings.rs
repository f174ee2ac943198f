//! `--show-settings`: the configuration a run would use, each value with where it came from
//! (the built-in default, `file:line` in the config, or the command line).

use std::path::PathBuf;

use serde_json::Value;

use crate::config::{self, Chosen, Config};
use crate::parse::Node;
use crate::span::{ColumnUnit, LineIndex};

use super::{UsageError, load_config};

/// A setting given on the command line: its key as `--show-settings` prints it (`select`,
/// `fail-on`, `diff.exhaustive`) and its values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandLineSetting {
    pub key: &'static str,
    pub values: Vec<String>,
}

/// How a setting's value is combined with the command line's.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Merge {
    /// The command line replaces the config (`fail-on`).
    Replace,
    /// The command line adds to the config (`select`, `ignore`).
    Union,
}

/// One line of the listing.
struct Line {
    key: String,
    value: String,
    from: String,
}

/// The listing `--show-settings` prints for a run over `paths`.
pub fn show_settings(
    choice: &config::Choice,
    paths: &[PathBuf],
    command_line: &[CommandLineSetting],
) -> Result<String, UsageError> {
    let (config, _) = load_config(choice, paths)?;
    let file = File::new(&config);
    let cli = |key: &str| {
        command_line
            .iter()
            .find(|setting| setting.key == key)
            .map(|setting| setting.values.clone())
    };
    let mut lines = vec![config_line(&config.chosen)];
    // What only the command line sets (paths, shard, …), in the order given.
    for setting in command_line {
        if KNOWN.iter().any(|(key, _)| *key == setting.key) {
            continue;
        }
        let many = ["paths", "fixtures", "policy"].contains(&setting.key);
        lines.push(Line {
            key: setting.key.to_owned(),
            value: if many {
                list(&setting.values)
            } else {
                list_or_one(&setting.values)
            },
            from: "command line".to_owned(),
        });
    }
    if cli("paths").is_none() && command_line.iter().all(|setting| setting.key != "baseline") {
        lines.push(Line {
            key: "paths".to_owned(),
            value: list(&[".".to_owned()]),
            from: "default".to_owned(),
        });
    }
    let defaults = crate::diff::verdicts::DiffPolicy::default();
    for (key, merge) in KNOWN {
        let from_file = file.value(key);
        let from_cli = cli(key);
        let line = match (from_cli, from_file, merge) {
            (Some(values), Some((value, at)), Merge::Union) => {
                let mut merged: Vec<Value> = values.iter().cloned().map(Value::String).collect();
                if let Value::Array(items) = value {
                    merged.extend(items);
                }
                Line {
                    key: (*key).to_owned(),
                    value: Value::Array(merged).to_string(),
                    from: format!("command line, then {at}"),
                }
            }
            (Some(values), _, _) => Line {
                key: (*key).to_owned(),
                value: if *merge == Merge::Union {
                    list(&values)
                } else {
                    list_or_one(&values)
                },
                from: "command line".to_owned(),
            },
            (None, Some((value, at)), _) => Line {
                key: (*key).to_owned(),
                value: value.to_string(),
                from: at,
            },
            (None, None, _) => Line {
                key: (*key).to_owned(),
                value: default_of(key, &defaults),
                from: "default".to_owned(),
            },
        };
        lines.push(line);
    }
    // Per-rule severities, one line each.
    let severities = file.table("severity");
    if severities.is_empty() {
        lines.push(Line {
            key: "severity".to_owned(),
            value: "{}".to_owned(),
            from: "default".to_owned(),
        });
    }
    for (rule, value, at) in severities {
        lines.push(Line {
            key: format!("severity.{rule}"),
            value: value.to_string(),
            from: at,
        });
    }
    Ok(render(&lines))
}

/// The settings listed, in order, and how the command line combines with each.
const KNOWN: &[(&str, Merge)] = &[
    ("select", Merge::Union),
    ("ignore", Merge::Union),
    ("fail-on", Merge::Replace),
    ("exit-zero", Merge::Replace),
    ("allow-empty", Merge::Replace),
    ("exclude", Merge::Replace),
    ("include", Merge::Replace),
    ("require-suppression-reason", Merge::Replace),
    ("ignores", Merge::Replace),
    ("overrides", Merge::Replace),
    ("diff.fail-on", Merge::Replace),
    ("diff.verdict-order", Merge::Replace),
    ("diff.production", Merge::Replace),
    ("diff.exhaustive", Merge::Replace),
    ("fixtures", Merge::Replace),
    ("stellaops", Merge::Replace),
    ("gait", Merge::Replace),
];

fn default_of(key: &str, defaults: &crate::diff::verdicts::DiffPolicy) -> String {
    match key {
        "fail-on" => "\"error\"".to_owned(),
        "exit-zero" | "allow-empty" | "require-suppression-reason" | "diff.exhaustive" => {
            "false".to_owned()
        }
        "diff.fail-on" => Value::String(defaults.fail_on.as_str().to_owned()).to_string(),
        "diff.verdict-order" => serde_json::to_string(&defaults.order.tiers).unwrap_or_default(),
        "diff.production" => serde_json::to_string(&defaults.production).unwrap_or_default(),
        "fixtures" | "stellaops" | "gait" => "{}".to_owned(),
        _ => "[]".to_owned(),
    }
}

fn config_line(chosen: &Chosen) -> Line {
    let (value, from) = match chosen {
        Chosen::None { asked: true } => {
            ("none".to_owned(), "command line (`--no-config`)".to_owned())
        }
        Chosen::None { asked: false } => (
            "none".to_owned(),
            "default (no `gatelint.toml` at or above the paths, up to the repository root)"
                .to_owned(),
        ),
        Chosen::Explicit(path) => (
            Value::String(crate::discover::display_path(path)).to_string(),
            "command line (`--config`)".to_owned(),
        ),
        Chosen::Found { path, from } => (
            Value::String(crate::discover::display_path(path)).to_string(),
            format!(
                "the nearest `gatelint.toml` to `{}`",
                crate::discover::display_path(from)
            ),
        ),
    };
    Line {
        key: "config".to_owned(),
        value,
        from,
    }
}

fn list(values: &[String]) -> String {
    Value::Array(values.iter().cloned().map(Value::String).collect()).to_string()
}

fn list_or_one(values: &[String]) -> String {
    match values {
        [one] if one == "true" => one.clone(),
        [one] => Value::String(one.clone()).to_string(),
        _ => list(values),
    }
}

/// Settings longer than this are not padded: one long list would push every comment off the
/// screen.
const ALIGN_WITHIN: usize = 56;

/// `key = value  # from`, the comments aligned.
fn render(lines: &[Line]) -> String {
    let width = lines
        .iter()
        .map(|line| line.key.len() + 3 + line.value.chars().count())
        .filter(|width| *width <= ALIGN_WITHIN)
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for line in lines {
        let setting = format!("{} = {}", line.key, line.value);
        out.push_str(&format!("{setting:width$}  # {}\n", line.from));
    }
    out
}

/// The config file's tree, to say on which line each value is.
struct File<'c> {
    config: &'c Config,
    root: Option<Node>,
}

impl<'c> File<'c> {
    fn new(config: &'c Config) -> File<'c> {
        let root = config
            .origin
            .as_ref()
            .and_then(|origin| config::parse_toml(&origin.text).root);
        File { config, root }
    }

    /// `path:line` of a byte offset in the config.
    fn at(&self, offset: u32) -> String {
        let Some(origin) = &self.config.origin else {
            return "default".to_owned();
        };
        let index = LineIndex::new(&origin.text);
        let line = index
            .position(&origin.text, offset, ColumnUnit::Chars)
            .line
            .get();
        format!("{}:{line}", origin.path)
    }

    /// The value of `key` (`diff.fail-on`: `fail-on` in `[diff]`) and where it is written.
    fn value(&self, key: &str) -> Option<(Value, String)> {
        let mut node = self.root.as_ref()?;
        let mut parts = key.split('.').peekable();
        while let Some(part) = parts.next() {
            let entry = node.entry(part)?;
            if parts.peek().is_none() {
                return Some((entry.value.to_json(), self.at(entry.key.span.start)));
            }
            node = &entry.value;
        }
        None
    }

    /// The entries of the table `key`, each with where it is written.
    fn table(&self, key: &str) -> Vec<(String, Value, String)> {
        let Some(node) = self.root.as_ref().and_then(|root| root.get(key)) else {
            return Vec::new();
        };
        let Some(entries) = node.as_map() else {
            return Vec::new();
        };
        entries
            .iter()
            .map(|entry| {
                (
                    entry.key.text.clone(),
                    entry.value.to_json(),
                    self.at(entry.key.span.start),
                )
            })
            .collect()
    }
}
