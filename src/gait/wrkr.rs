//! Wrkr inventory context (gait-reference §3.1 step 7): tool metadata that `gate eval
//! --wrkr-inventory` copies into `auth_context["wrkr.*"]` before rules are matched.
//!
//! The file is what Gait's `LoadWrkrInventory` reads: either `{"items": [...]}` or a bare array,
//! each item `{tool_name, data_class, endpoint_class, autonomy_level}` (strings, lower-trimmed;
//! items without a tool name are skipped; a later item for the same tool wins).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value as Json};

use super::intent::Intent;

pub const TOOL_NAME_KEY: &str = "wrkr.tool_name";
pub const DATA_CLASS_KEY: &str = "wrkr.data_class";
pub const ENDPOINT_CLASS_KEY: &str = "wrkr.endpoint_class";
pub const AUTONOMY_LEVEL_KEY: &str = "wrkr.autonomy_level";

/// The `context_source` label Gait uses when the inventory has no path.
pub const DEFAULT_SOURCE: &str = "wrkr_inventory";

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WrkrError {
    #[error("stat wrkr inventory: {0}")]
    Stat(String),
    #[error("read wrkr inventory: {0}")]
    Read(String),
    #[error("parse wrkr inventory: {0}")]
    Parse(String),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WrkrTool {
    pub tool_name: String,
    pub data_class: String,
    pub endpoint_class: String,
    pub autonomy_level: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WrkrInventory {
    /// The cleaned path the inventory was read from: the `context_source` label.
    pub source: String,
    /// Entries by lower-trimmed tool name.
    pub tools: BTreeMap<String, WrkrTool>,
}

fn lower_trim(text: &str) -> String {
    text.trim().to_lowercase()
}

fn go_string(item: &Map<String, Json>, name: &str, index: usize) -> Result<String, WrkrError> {
    let value = super::ratelimit::go_field(item, name);
    match value {
        None | Some(Json::Null) => Ok(String::new()),
        Some(Json::String(text)) => Ok(text.clone()),
        Some(_) => Err(WrkrError::Parse(format!(
            "`items[{index}].{name}` must be a string"
        ))),
    }
}

impl WrkrInventory {
    /// An inventory from the text of the file at `path` (read by the caller).
    pub fn from_text(path: &Path, content: &str) -> Result<Self, WrkrError> {
        let text = path.to_string_lossy();
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(WrkrError::Stat("wrkr inventory path is required".into()));
        }
        let clean = super::policy::clean_path(&trimmed.replace('\\', "/"));
        let tools = parse(content)?;
        Ok(WrkrInventory {
            source: clean,
            tools,
        })
    }

    /// Sets the four `wrkr.*` keys of `auth_context` from the entry for `tool_name`; whether
    /// there was one.
    pub fn apply(&self, intent: &mut Intent, tool_name: &str) -> bool {
        let Some(tool) = self.tools.get(&lower_trim(tool_name)) else {
            return false;
        };
        let auth = intent.context.auth_context.get_or_insert_with(Map::new);
        for (key, value) in [
            (TOOL_NAME_KEY, &tool.tool_name),
            (DATA_CLASS_KEY, &tool.data_class),
            (ENDPOINT_CLASS_KEY, &tool.endpoint_class),
            (AUTONOMY_LEVEL_KEY, &tool.autonomy_level),
        ] {
            auth.insert(key.to_owned(), Json::String(value.clone()));
        }
        true
    }

    /// The `context_source` label.
    pub fn label(&self) -> &str {
        if self.source.trim().is_empty() {
            DEFAULT_SOURCE
        } else {
            self.source.trim()
        }
    }
}

/// Parses inventory JSON as Gait does: an object with an `items` array (exact spelling; `null`
/// is an error) or anything else decoded as an array of items (a bare `null` means none).
pub fn parse(content: &str) -> Result<BTreeMap<String, WrkrTool>, WrkrError> {
    let document: Json =
        serde_json::from_str(content).map_err(|error| WrkrError::Parse(error.to_string()))?;
    let items: &[Json] = match &document {
        Json::Object(map) => match map.get("items") {
            Some(Json::Array(items)) => items,
            // `null` is not an empty inventory: Gait rejects it, so high risk fails closed.
            Some(_) => return Err(WrkrError::Parse("`items` must be an array".into())),
            None => {
                return Err(WrkrError::Parse(
                    "an inventory object needs an `items` array".into(),
                ));
            }
        },
        Json::Array(items) => items,
        Json::Null => &[],
        _ => {
            return Err(WrkrError::Parse(
                "an inventory is an array of items or an object with `items`".into(),
            ));
        }
    };
    let mut tools = BTreeMap::new();
    for (index, item) in items.iter().enumerate() {
        let item = match item {
            Json::Null => continue,
            Json::Object(item) => item,
            _ => {
                return Err(WrkrError::Parse(format!(
                    "`items[{index}]` must be an object"
                )));
            }
        };
        let tool = WrkrTool {
            tool_name: lower_trim(&go_string(item, "tool_name", index)?),
            data_class: lower_trim(&go_string(item, "data_class", index)?),
            endpoint_class: lower_trim(&go_string(item, "endpoint_class", index)?),
            autonomy_level: lower_trim(&go_string(item, "autonomy_level", index)?),
        };
        if tool.tool_name.is_empty() {
            continue;
        }
        tools.insert(tool.tool_name.clone(), tool);
    }
    Ok(tools)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_and_bare_array_normalise_alike() {
        let wrapped = parse(
            r#"{"items": [{"tool_name": " TOOL.Read ", "data_class": " PII ", "endpoint_class": " FS.Read ", "autonomy_level": " Assist "}]}"#,
        )
        .unwrap();
        let bare = parse(
            r#"[{"Tool_Name": "tool.read", "data_class": "pii", "endpoint_class": "fs.read", "autonomy_level": "assist"}]"#,
        )
        .unwrap();
        assert_eq!(wrapped, bare);
        let tool = &wrapped["tool.read"];
        assert_eq!(
            (
                tool.data_class.as_str(),
                tool.endpoint_class.as_str(),
                tool.autonomy_level.as_str()
            ),
            ("pii", "fs.read", "assist")
        );
    }

    #[test]
    fn empty_forms_and_skipped_items() {
        for text in [
            r#"{"items": []}"#,
            "[]",
            "null",
            r#"[null, {"data_class": "x"}]"#,
        ] {
            assert_eq!(parse(text), Ok(BTreeMap::new()), "{text}");
        }
        let later = parse(
            r#"[{"tool_name": "a", "data_class": "x"}, {"tool_name": "A", "data_class": "y"}]"#,
        )
        .unwrap();
        assert_eq!(later["a"].data_class, "y");
    }

    #[test]
    fn malformed_inventories_are_errors() {
        for text in [
            "",
            "{not-json}",
            "{}",
            r#"{"tools": []}"#,
            r#"{"items": {}}"#,
            r#"{"items": null}"#,
            r#"{"items": [1]}"#,
            r#"[{"tool_name": 5}]"#,
            r#""tool.read""#,
        ] {
            assert!(matches!(parse(text), Err(WrkrError::Parse(_))), "{text}");
        }
    }
}
