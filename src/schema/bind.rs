//! Reads a spanned tree the way the consuming service binds it, guided by the schema:
//! - under `"x-gatelint-keys": "case-insensitive"` (Stella Ops, .NET configuration binding) keys
//!   match their schema property ignoring case and are rewritten to the canonical spelling, enum
//!   strings match ignoring case, and strings that parse as numbers or booleans bind where the
//!   schema expects them;
//! - `"x-gatelint-normalize": "lower-trim"` values are lower-cased and trimmed (Gait);
//! - keys an object with `"additionalProperties": false` does not know are reported (with a
//!   suggestion) and dropped, so the validator reports only what is left;
//! - keys that differ only in case are reported where they would shadow each other.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::{Compiled, IssueKind, SchemaIssue, display_path};
use crate::parse::{Entry, Key, Node, Value, pointer};

/// Binds `node`, found at `base` in its document, against the start of `compiled`.
pub fn bind<'n>(
    node: &'n Node,
    compiled: &Compiled,
    base: &str,
    issues: &mut Vec<SchemaIssue>,
) -> Cow<'n, Node> {
    let binder = Binder {
        document: &compiled.document,
        case_insensitive: compiled.case_insensitive,
    };
    binder.node(node, &compiled.start, &At::Base(base), issues, 0)
}

/// Where a node sits, as a JSON pointer rendered only when an issue needs it.
#[derive(Clone, Copy)]
enum At<'p> {
    Base(&'p str),
    Key(&'p At<'p>, &'p str),
    Index(&'p At<'p>, usize),
}

impl At<'_> {
    fn pointer(&self) -> String {
        match self {
            At::Base(base) => (*base).to_owned(),
            At::Key(parent, key) => pointer::push(&parent.pointer(), key),
            At::Index(parent, index) => pointer::push(&parent.pointer(), &index.to_string()),
        }
    }
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

    fn node<'n>(
        &self,
        node: &'n Node,
        schema: &'a Json,
        at: &At<'_>,
        issues: &mut Vec<SchemaIssue>,
        depth: usize,
    ) -> Cow<'n, Node> {
        let schema = self.resolve(schema);
        if depth > MAX_BIND_DEPTH {
            return Cow::Borrowed(node);
        }
        match &node.value {
            Value::Map(entries) => match self.map(entries, schema, at, issues, depth) {
                Some(bound) => Cow::Owned(Node::new(node.span, Value::Map(bound))),
                None => Cow::Borrowed(node),
            },
            Value::Seq(items) => {
                let Some(item_schema) = schema.get("items") else {
                    return Cow::Borrowed(node);
                };
                let bound: Vec<Cow<'n, Node>> = items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| {
                        self.node(item, item_schema, &At::Index(at, index), issues, depth + 1)
                    })
                    .collect();
                if bound.iter().all(|item| matches!(item, Cow::Borrowed(_))) {
                    return Cow::Borrowed(node);
                }
                Cow::Owned(Node::new(
                    node.span,
                    Value::Seq(bound.into_iter().map(Cow::into_owned).collect()),
                ))
            }
            value => match self.scalar(value, schema) {
                Some(bound) => Cow::Owned(Node::new(node.span, bound)),
                None => Cow::Borrowed(node),
            },
        }
    }

    /// The bound entries, or `None` when binding changes nothing (the common case: the tree is
    /// then used as it is, with no copy).
    fn map(
        &self,
        entries: &[Entry],
        schema: &'a Json,
        at: &At<'_>,
        issues: &mut Vec<SchemaIssue>,
        depth: usize,
    ) -> Option<Vec<Entry>> {
        let properties = schema.get("properties").and_then(Json::as_object);
        let additional = schema.get("additionalProperties");
        let closed = additional == Some(&Json::Bool(false));
        let mut changed = false;
        let mut out: Vec<(Cow<'_, str>, &Entry, Cow<'_, Node>)> = Vec::with_capacity(entries.len());
        // Canonical (or, for dictionaries, folded) key → index in `out`.
        let mut seen: BTreeMap<Cow<'_, str>, usize> = BTreeMap::new();
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
            let (name, value_schema): (&str, Option<&Json>) = match property {
                Some((name, value_schema)) => (name.as_str(), Some(value_schema)),
                None => match additional {
                    Some(extra) if extra.is_object() => (entry.key.text.as_str(), Some(extra)),
                    _ if closed => {
                        let suggestion = properties.and_then(|properties| {
                            suggest(&entry.key.text, properties.keys().map(String::as_str))
                        });
                        let pointer = at.pointer();
                        let mut message = format!(
                            "unknown key `{}` in `{}`",
                            entry.key.text,
                            display_path(&pointer)
                        );
                        if self.case_insensitive {
                            message.push_str(" (it is silently ignored and the default applies)");
                        }
                        issues.push(SchemaIssue {
                            kind: IssueKind::UnknownKey { suggestion },
                            span: entry.key.span,
                            pointer: pointer::push(&pointer, &entry.key.text),
                            message,
                        });
                        changed = true;
                        continue;
                    }
                    _ => (entry.key.text.as_str(), None),
                },
            };
            if name != entry.key.text {
                changed = true;
            }
            let value = match value_schema {
                Some(value_schema) => self.node(
                    &entry.value,
                    value_schema,
                    &At::Key(at, name),
                    issues,
                    depth + 1,
                ),
                None => Cow::Borrowed(&entry.value),
            };
            if matches!(value, Cow::Owned(_)) {
                changed = true;
            }
            let fold: Cow<'_, str> =
                if self.case_insensitive && name.bytes().any(|b| b.is_ascii_uppercase()) {
                    Cow::Owned(name.to_ascii_lowercase())
                } else {
                    Cow::Borrowed(name)
                };
            match seen
                .get(&fold)
                .copied()
                .and_then(|index| out.get_mut(index))
            {
                Some(previous) => {
                    let pointer = at.pointer();
                    issues.push(SchemaIssue {
                        kind: IssueKind::CaseDuplicate {
                            first: previous.1.key.span,
                        },
                        span: entry.key.span,
                        pointer: pointer::push(&pointer, name),
                        message: format!(
                            "`{}` repeats `{}` with different case in `{}`; only the last one is bound",
                            entry.key.text,
                            previous.1.key.text,
                            display_path(&pointer)
                        ),
                    });
                    // .NET configuration: the last value wins.
                    *previous = (Cow::Borrowed(name), entry, value);
                    changed = true;
                }
                None => {
                    seen.insert(fold, out.len());
                    out.push((Cow::Borrowed(name), entry, value));
                }
            }
        }
        changed.then(|| {
            out.into_iter()
                .map(|(name, entry, value)| Entry {
                    key: Key {
                        text: name.into_owned(),
                        span: entry.key.span,
                    },
                    value: value.into_owned(),
                })
                .collect()
        })
    }

    /// The bound value of a scalar, or `None` when it binds as written.
    fn scalar(&self, value: &Value, schema: &Json) -> Option<Value> {
        let Value::String(text) = value else {
            return None;
        };
        if normalize_of(schema) == Some("lower-trim") {
            if text.trim().len() == text.len() && !text.chars().any(char::is_uppercase) {
                return None;
            }
            return Some(Value::String(text.trim().to_lowercase()));
        }
        if self.case_insensitive {
            return self
                .coerce(text, schema)
                .filter(|bound| !matches!(bound, Value::String(same) if same == text));
        }
        None
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
