//! Reads a spanned tree the way the consuming service binds it, guided by the schema:
//! - under `"x-gatelint-keys": "case-insensitive"` (Stella Ops, .NET configuration binding) keys
//!   match their schema property ignoring case and are rewritten to the canonical spelling, enum
//!   strings match ignoring case, and strings that parse as numbers or booleans bind where the
//!   schema expects them;
//! - `"x-gatelint-normalize": "lower-trim"` values are lower-cased and trimmed (Gait);
//! - keys an object with `"additionalProperties": false` does not know are reported (with a
//!   suggestion) and dropped, so the validator reports only what is left;
//! - keys that differ only in case are reported where they would shadow each other.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::{Compiled, IssueKind, SchemaIssue, display_path};
use crate::parse::{Entry, Key, Node, Value, pointer};
use crate::span::Span;

/// Binds `node`, found at `base` in its document, against the start of `compiled`.
pub fn bind(node: &Node, compiled: &Compiled, base: &str, issues: &mut Vec<SchemaIssue>) -> Node {
    let binder = Binder {
        document: &compiled.document,
        case_insensitive: compiled.case_insensitive,
    };
    binder.node(node, &compiled.start, base, issues, 0)
}

struct Binder<'a> {
    document: &'a Json,
    case_insensitive: bool,
}

/// `$ref` chains longer than this are treated as unresolvable (a cycle).
const MAX_REF_HOPS: usize = 32;
/// Schema depth at which binding stops descending (the tree itself is depth-bounded already).
const MAX_BIND_DEPTH: usize = 160;

impl<'a> Binder<'a> {
    /// Follows `$ref`s to the schema that applies.
    fn resolve(&self, mut schema: &'a Json) -> &'a Json {
        for _ in 0..MAX_REF_HOPS {
            let Some(reference) = schema.get("$ref").and_then(Json::as_str) else {
                return schema;
            };
            let Some(fragment) = reference.strip_prefix('#') else {
                return schema;
            };
            match self.document.pointer(fragment) {
                Some(target) => schema = target,
                None => return schema,
            }
        }
        schema
    }

    fn node(
        &self,
        node: &Node,
        schema: &'a Json,
        at: &str,
        issues: &mut Vec<SchemaIssue>,
        depth: usize,
    ) -> Node {
        let schema = self.resolve(schema);
        if depth > MAX_BIND_DEPTH {
            return node.clone();
        }
        match &node.value {
            Value::Map(entries) => Node::new(
                node.span,
                Value::Map(self.map(entries, schema, at, issues, depth)),
            ),
            Value::Seq(items) => {
                let item_schema = schema.get("items");
                let bound = items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| match item_schema {
                        Some(item_schema) => self.node(
                            item,
                            item_schema,
                            &pointer::push(at, &index.to_string()),
                            issues,
                            depth + 1,
                        ),
                        None => item.clone(),
                    })
                    .collect();
                Node::new(node.span, Value::Seq(bound))
            }
            _ => Node::new(node.span, self.scalar(&node.value, schema)),
        }
    }

    fn map(
        &self,
        entries: &[Entry],
        schema: &'a Json,
        at: &str,
        issues: &mut Vec<SchemaIssue>,
        depth: usize,
    ) -> Vec<Entry> {
        let properties = schema.get("properties").and_then(Json::as_object);
        let additional = schema.get("additionalProperties");
        let closed = additional == Some(&Json::Bool(false));
        let mut out: Vec<Entry> = Vec::with_capacity(entries.len());
        // Canonical (or, for dictionaries, folded) key → index in `out`.
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for entry in entries {
            let property = properties.and_then(|properties| {
                properties
                    .get_key_value(entry.key.text.as_str())
                    .or_else(|| {
                        self.case_insensitive
                            .then(|| {
                                properties
                                    .iter()
                                    .find(|(name, _)| name.eq_ignore_ascii_case(&entry.key.text))
                            })
                            .flatten()
                    })
            });
            let (name, value_schema) = match property {
                Some((name, value_schema)) => (name.clone(), Some(value_schema)),
                None => match additional {
                    Some(extra) if extra.is_object() => (entry.key.text.clone(), Some(extra)),
                    _ if closed => {
                        let suggestion = properties.and_then(|properties| {
                            suggest(&entry.key.text, properties.keys().map(String::as_str))
                        });
                        let path = display_path(at);
                        let mut message = format!("unknown key `{}` in `{path}`", entry.key.text);
                        if self.case_insensitive {
                            message.push_str(" (it is silently ignored and the default applies)");
                        }
                        issues.push(SchemaIssue {
                            kind: IssueKind::UnknownKey { suggestion },
                            span: entry.key.span,
                            pointer: pointer::push(at, &entry.key.text),
                            message,
                        });
                        continue;
                    }
                    _ => (entry.key.text.clone(), None),
                },
            };
            let child_at = pointer::push(at, &name);
            let value = match value_schema {
                Some(value_schema) => {
                    self.node(&entry.value, value_schema, &child_at, issues, depth + 1)
                }
                None => entry.value.clone(),
            };
            let bound = Entry {
                key: Key {
                    text: name.clone(),
                    span: entry.key.span,
                },
                value,
            };
            let fold = if self.case_insensitive {
                name.to_ascii_lowercase()
            } else {
                name.clone()
            };
            match seen
                .get(&fold)
                .copied()
                .and_then(|index| out.get_mut(index))
            {
                Some(previous) => {
                    issues.push(SchemaIssue {
                        kind: IssueKind::CaseDuplicate {
                            first: previous.key.span,
                        },
                        span: entry.key.span,
                        pointer: child_at,
                        message: format!(
                            "`{}` repeats `{}` with different case in `{}`; only the last one is bound",
                            entry.key.text,
                            original_key(entries, previous.key.span),
                            display_path(at)
                        ),
                    });
                    // .NET configuration: the last value wins.
                    *previous = bound;
                }
                None => {
                    seen.insert(fold, out.len());
                    out.push(bound);
                }
            }
        }
        out
    }

    fn scalar(&self, value: &Value, schema: &Json) -> Value {
        let mut value = value.clone();
        if let Value::String(text) = &value {
            if normalize_of(schema) == Some("lower-trim") {
                value = Value::String(text.trim().to_lowercase());
            } else if self.case_insensitive {
                value = self.coerce(text, schema).unwrap_or(value);
            }
        }
        value
    }

    /// .NET binds configuration values from strings: `"0.8"` to a number, `"True"` to a boolean,
    /// `"block"` to the enum member `Block`.
    fn coerce(&self, text: &str, schema: &Json) -> Option<Value> {
        if let Some(options) = schema.get("enum").and_then(Json::as_array) {
            return options
                .iter()
                .filter_map(Json::as_str)
                .find(|option| option.eq_ignore_ascii_case(text))
                .map(|option| Value::String(option.to_owned()));
        }
        let types = schema_types(schema);
        if types.contains(&"string") {
            return None;
        }
        let trimmed = text.trim();
        if types.contains(&"boolean") {
            if trimmed.eq_ignore_ascii_case("true") {
                return Some(Value::Bool(true));
            }
            if trimmed.eq_ignore_ascii_case("false") {
                return Some(Value::Bool(false));
            }
        }
        if types.contains(&"integer")
            && let Ok(number) = trimmed.parse::<i64>()
        {
            return Some(Value::Number(number.into()));
        }
        if types.contains(&"number")
            && let Some(number) = trimmed
                .parse::<f64>()
                .ok()
                .filter(|number| number.is_finite())
                .and_then(serde_json::Number::from_f64)
        {
            return Some(Value::Number(number));
        }
        None
    }
}

fn normalize_of(schema: &Json) -> Option<&str> {
    schema.get("x-gatelint-normalize").and_then(Json::as_str)
}

fn schema_types(schema: &Json) -> Vec<&str> {
    match schema.get("type") {
        Some(Json::String(kind)) => vec![kind.as_str()],
        Some(Json::Array(kinds)) => kinds.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    }
}

fn original_key(entries: &[Entry], span: Span) -> &str {
    entries
        .iter()
        .find(|entry| entry.key.span == span)
        .map_or("", |entry| entry.key.text.as_str())
}

/// The known name closest to `key`, if it is close enough to be a plausible typo.
pub fn suggest<'n>(key: &str, names: impl Iterator<Item = &'n str>) -> Option<String> {
    let folded = key.to_ascii_lowercase();
    names
        .map(|name| {
            let distance = strsim::damerau_levenshtein(&folded, &name.to_ascii_lowercase());
            (distance, name)
        })
        .filter(|(distance, name)| {
            let limit = (name.len().max(key.len()) / 3).clamp(1, 4);
            *distance <= limit
        })
        .min()
        .map(|(_, name)| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        let names = [
            "MinCompositeScore",
            "RequireIssuerVerified",
            "FailureAction",
        ];
        assert_eq!(
            suggest("MinCompositScore", names.iter().copied()).as_deref(),
            Some("MinCompositeScore")
        );
        assert_eq!(
            suggest("FailAction", names.iter().copied()).as_deref(),
            Some("FailureAction")
        );
        assert_eq!(suggest("Logging", names.iter().copied()), None);
    }
}
