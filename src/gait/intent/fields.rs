//! Reading fields the way Go's `encoding/json` fills a struct: keys ignore case, the last
//! duplicate wins, unknown keys are ignored and `null` is absent.

use super::model::{IntentError, parse_error};
use crate::gait::time::GoTime;
use crate::parse::{Node, Value};

/// The value of `key` (case-insensitive, last wins); `null` counts as absent.
pub(super) fn field<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    node.get_ignore_case(key)
        .filter(|value| !matches!(value.value, Value::Null))
}

pub(super) fn string_field(node: &Node, key: &str) -> Result<String, IntentError> {
    match field(node, key) {
        None => Ok(String::new()),
        Some(value) => match &value.value {
            Value::String(text) => Ok(text.clone()),
            _ => Err(parse_error(
                format!("`{key}` must be a string, found {}", value.type_name()),
                value.span,
            )),
        },
    }
}

pub(super) fn bool_field(node: &Node, key: &str) -> Result<bool, IntentError> {
    match field(node, key) {
        None => Ok(false),
        Some(value) => value.as_bool().ok_or_else(|| {
            parse_error(
                format!("`{key}` must be a boolean, found {}", value.type_name()),
                value.span,
            )
        }),
    }
}

pub(super) fn int_field(node: &Node, key: &str) -> Result<i64, IntentError> {
    match field(node, key) {
        None => Ok(0),
        Some(value) => match &value.value {
            Value::Number(number) if number.is_i64() => Ok(number.as_i64().unwrap_or(0)),
            _ => Err(parse_error(
                format!("`{key}` must be an integer, found {}", value.type_name()),
                value.span,
            )),
        },
    }
}

pub(super) fn string_list_field(node: &Node, key: &str) -> Result<Vec<String>, IntentError> {
    let Some(value) = field(node, key) else {
        return Ok(Vec::new());
    };
    let Some(items) = value.as_seq() else {
        return Err(parse_error(
            format!("`{key}` must be an array, found {}", value.type_name()),
            value.span,
        ));
    };
    items
        .iter()
        .filter(|item| !matches!(item.value, Value::Null))
        .map(|item| {
            item.as_str().map(str::to_owned).ok_or_else(|| {
                parse_error(
                    format!("`{key}` items must be strings, found {}", item.type_name()),
                    item.span,
                )
            })
        })
        .collect()
}

pub(super) fn object_field<'a>(node: &'a Node, key: &str) -> Result<Option<&'a Node>, IntentError> {
    match field(node, key) {
        None => Ok(None),
        Some(value) if value.as_map().is_some() => Ok(Some(value)),
        Some(value) => Err(parse_error(
            format!("`{key}` must be an object, found {}", value.type_name()),
            value.span,
        )),
    }
}

pub(super) fn array_field<'a>(node: &'a Node, key: &str) -> Result<&'a [Node], IntentError> {
    match field(node, key) {
        None => Ok(&[]),
        Some(value) => value.as_seq().ok_or_else(|| {
            parse_error(
                format!("`{key}` must be an array, found {}", value.type_name()),
                value.span,
            )
        }),
    }
}

pub(super) fn time_field(node: &Node, key: &str) -> Result<Option<GoTime>, IntentError> {
    let Some(value) = field(node, key) else {
        return Ok(None);
    };
    let Some(text) = value.as_str() else {
        return Err(parse_error(
            format!("`{key}` must be an RFC 3339 time string"),
            value.span,
        ));
    };
    GoTime::parse_rfc3339(text).map(Some).ok_or_else(|| {
        parse_error(
            format!("`{key}` is not an RFC 3339 time: `{text}`"),
            value.span,
        )
    })
}

/// Elements of an array of objects; a non-object element is a decode error.
pub(super) fn objects<'a>(items: &'a [Node], key: &str) -> Result<Vec<&'a Node>, IntentError> {
    items
        .iter()
        .filter(|item| !matches!(item.value, Value::Null))
        .map(|item| {
            if item.as_map().is_some() {
                Ok(item)
            } else {
                Err(parse_error(
                    format!("`{key}` items must be objects, found {}", item.type_name()),
                    item.span,
                ))
            }
        })
        .collect()
}
