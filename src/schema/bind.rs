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
    let plan = &compiled.binding;
    let binder = Binder {
        plan,
        case_insensitive: plan.case_insensitive,
    };
    binder.node(node, plan.start, &At::Base(base), issues, 0)
}

/// What the binder needs of a schema, compiled once: every subschema it can reach through
/// `properties`, `additionalProperties` and `items` (with `$ref`s followed), as an arena of
/// nodes with their property names ready for lookup.
#[derive(Debug)]
pub struct Plan {
    nodes: Vec<PlanNode>,
    start: usize,
    case_insensitive: bool,
}

#[derive(Debug, Default)]
struct PlanNode {
    /// Property names and their subschemas, in schema order.
    properties: Vec<(Box<str>, usize)>,
    /// Positions in `properties`, ordered by [`by_length`] (for binary search).
    by_name: Vec<usize>,
    additional: Additional,
    items: Option<usize>,
    lower_trim: bool,
    /// The string members of `enum`, when the schema has one.
    enumeration: Option<Vec<Box<str>>>,
    types: Types,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Additional {
    /// Absent or `true`: unknown keys bind as written.
    #[default]
    Open,
    /// `false`: unknown keys are reported and dropped.
    Closed,
    /// A subschema every unknown key's value binds against (a dictionary).
    Schema(usize),
}

#[derive(Debug, Default, Clone, Copy)]
struct Types {
    string: bool,
    boolean: bool,
    integer: bool,
    number: bool,
}

impl Plan {
    /// Compiles the binding plan of `start`, whose `$ref`s resolve in `document`.
    pub fn new(document: &Json, start: &Json, case_insensitive: bool) -> Plan {
        let mut builder = PlanBuilder {
            document,
            nodes: Vec::new(),
            seen: std::collections::HashMap::new(),
        };
        let start = builder.add(start);
        Plan {
            nodes: builder.nodes,
            start,
            case_insensitive,
        }
    }

    fn get(&self, index: usize) -> &PlanNode {
        static EMPTY: PlanNode = PlanNode {
            properties: Vec::new(),
            by_name: Vec::new(),
            additional: Additional::Open,
            items: None,
            lower_trim: false,
            enumeration: None,
            types: Types {
                string: false,
                boolean: false,
                integer: false,
                number: false,
            },
        };
        self.nodes.get(index).unwrap_or(&EMPTY)
    }
}

/// The lookup order of property names: by length, then bytes (most comparisons are decided
/// by the length alone).
fn by_length(a: &str, b: &str) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

impl PlanNode {
    /// The property named exactly `key`, else (case-insensitively bound schemas) the first one
    /// named like it ignoring ASCII case.
    fn property(&self, key: &str, case_insensitive: bool) -> Option<&(Box<str>, usize)> {
        let exact = self
            .by_name
            .binary_search_by(|&position| {
                self.properties
                    .get(position)
                    .map_or(std::cmp::Ordering::Less, |(name, _)| by_length(name, key))
            })
            .ok()
            .and_then(|found| self.by_name.get(found))
            .and_then(|&position| self.properties.get(position));
        exact.or_else(|| {
            case_insensitive
                .then(|| {
                    self.properties
                        .iter()
                        .find(|(name, _)| name.eq_ignore_ascii_case(key))
                })
                .flatten()
        })
    }
}

struct PlanBuilder<'d> {
    document: &'d Json,
    nodes: Vec<PlanNode>,
    /// Subschemas already compiled (by address), so shared and recursive `$ref`s compile once.
    seen: std::collections::HashMap<*const Json, usize>,
}

impl<'d> PlanBuilder<'d> {
    /// Follows `$ref`s to the schema that applies.
    fn resolve<'s>(&self, mut schema: &'s Json) -> &'s Json
    where
        'd: 's,
    {
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

    fn add(&mut self, schema: &Json) -> usize {
        let schema = self.resolve(schema);
        let key: *const Json = schema;
        if let Some(&index) = self.seen.get(&key) {
            return index;
        }
        let index = self.nodes.len();
        self.nodes.push(PlanNode::default());
        self.seen.insert(key, index);
        let mut node = PlanNode::default();
        if let Some(properties) = schema.get("properties").and_then(Json::as_object) {
            for (name, value) in properties {
                let child = self.add(value);
                node.properties.push((name.as_str().into(), child));
            }
        }
        let mut by_name: Vec<usize> = (0..node.properties.len()).collect();
        by_name.sort_by(|&a, &b| {
            let name = |position: usize| node.properties.get(position).map_or("", |(name, _)| name);
            by_length(name(a), name(b))
        });
        node.by_name = by_name;
        node.additional = match schema.get("additionalProperties") {
            Some(Json::Bool(false)) => Additional::Closed,
            Some(extra) if extra.is_object() => Additional::Schema(self.add(extra)),
            _ => Additional::Open,
        };
        node.items = schema.get("items").map(|items| self.add(items));
        node.lower_trim =
            schema.get("x-gatelint-normalize").and_then(Json::as_str) == Some("lower-trim");
        node.enumeration = schema.get("enum").and_then(Json::as_array).map(|options| {
            options
                .iter()
                .filter_map(Json::as_str)
                .map(Box::from)
                .collect()
        });
        let types = schema_types(schema);
        node.types = Types {
            string: types.contains(&"string"),
            boolean: types.contains(&"boolean"),
            integer: types.contains(&"integer"),
            number: types.contains(&"number"),
        };
        if let Some(slot) = self.nodes.get_mut(index) {
            *slot = node;
        }
        index
    }
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
    plan: &'a Plan,
    case_insensitive: bool,
}

/// `$ref` chains longer than this are treated as unresolvable (a cycle).
const MAX_REF_HOPS: usize = 32;
/// Schema depth at which binding stops descending (the tree itself is depth-bounded already).
const MAX_BIND_DEPTH: usize = 160;
/// Mappings up to this size look for case duplicates by scanning (no index is built).
const LINEAR_LIMIT: usize = 32;

/// One entry of a mapping being bound: canonical name, folded name, source entry, bound value.
type BoundEntry<'a, 'n> = (&'a str, Cow<'a, str>, &'n Entry, Cow<'n, Node>);

impl<'a> Binder<'a> {
    fn node<'n>(
        &self,
        node: &'n Node,
        schema: usize,
        at: &At<'_>,
        issues: &mut Vec<SchemaIssue>,
        depth: usize,
    ) -> Cow<'n, Node> {
        if depth > MAX_BIND_DEPTH {
            return Cow::Borrowed(node);
        }
        let plan = self.plan.get(schema);
        match &node.value {
            Value::Map(entries) => match self.map(entries, plan, at, issues, depth) {
                Some(bound) => Cow::Owned(Node::new(node.span, Value::Map(bound))),
                None => Cow::Borrowed(node),
            },
            Value::Seq(items) => {
                let Some(item_schema) = plan.items else {
                    return Cow::Borrowed(node);
                };
                let mut bound: Option<Vec<Node>> = None;
                for (index, item) in items.iter().enumerate() {
                    let item_bound =
                        self.node(item, item_schema, &At::Index(at, index), issues, depth + 1);
                    match (&mut bound, item_bound) {
                        (Some(done), item_bound) => done.push(item_bound.into_owned()),
                        (None, Cow::Borrowed(_)) => {}
                        (None, Cow::Owned(changed)) => {
                            let mut done = Vec::with_capacity(items.len());
                            done.extend(items.iter().take(index).cloned());
                            done.push(changed);
                            bound = Some(done);
                        }
                    }
                }
                match bound {
                    Some(items) => Cow::Owned(Node::new(node.span, Value::Seq(items))),
                    None => Cow::Borrowed(node),
                }
            }
            value => match self.scalar(value, plan) {
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
        plan: &'a PlanNode,
        at: &At<'_>,
        issues: &mut Vec<SchemaIssue>,
        depth: usize,
    ) -> Option<Vec<Entry>> {
        if !self.case_insensitive {
            return self.map_exact(entries, plan, at, issues, depth);
        }
        let mut changed = false;
        let mut out: Vec<BoundEntry<'_, '_>> = Vec::with_capacity(entries.len());
        // Canonical (or, for dictionaries, folded) key → index in `out`, for large mappings.
        let mut seen: Option<BTreeMap<Cow<'_, str>, usize>> =
            (entries.len() > LINEAR_LIMIT).then(BTreeMap::new);
        for (index, entry) in entries.iter().enumerate() {
            let property = plan.property(&entry.key.text, self.case_insensitive);
            let (name, value_schema): (&str, Option<usize>) = match property {
                Some((name, value_schema)) => (name, Some(*value_schema)),
                None => match plan.additional {
                    Additional::Schema(extra) => (entry.key.text.as_str(), Some(extra)),
                    Additional::Closed => {
                        self.unknown_key(entry, entries, plan, at, issues);
                        changed = true;
                        continue;
                    }
                    Additional::Open => (entry.key.text.as_str(), None),
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
            let earlier = match &seen {
                Some(seen) => seen.get(&fold).copied(),
                None => out.iter().position(|(_, folded, _, _)| *folded == fold),
            };
            match earlier.and_then(|index| out.get_mut(index)) {
                Some(previous) => {
                    let pointer = at.pointer();
                    let previous_end = index
                        .checked_sub(1)
                        .and_then(|before| entries.get(before))
                        .map_or(entry.key.span.start, |before| before.value.span.end);
                    issues.push(SchemaIssue {
                        kind: IssueKind::CaseDuplicate {
                            first: previous.2.key.span,
                            entry: entry.key.span.cover(entry.value.span),
                            previous_end,
                            same_value: same_value(&previous.3, &value),
                        },
                        span: entry.key.span,
                        pointer: pointer::push(&pointer, name),
                        message: format!(
                            "`{}` repeats `{}` with different case in `{}`; only the last one is bound",
                            entry.key.text,
                            previous.2.key.text,
                            display_path(&pointer)
                        ),
                    });
                    // .NET configuration: the last value wins.
                    *previous = (name, fold, entry, value);
                    changed = true;
                }
                None => {
                    if let Some(seen) = &mut seen {
                        seen.insert(fold.clone(), out.len());
                    }
                    out.push((name, fold, entry, value));
                }
            }
        }
        changed.then(|| {
            out.into_iter()
                .map(|(name, _, entry, value)| Entry {
                    key: Key {
                        text: name.to_owned(),
                        span: entry.key.span,
                    },
                    value: value.into_owned(),
                })
                .collect()
        })
    }

    /// [`Binder::map`] where keys bind as written: every key keeps its name and no two collide
    /// (the parsers keep one entry per key), so the entries are copied only from the first one
    /// binding changes.
    fn map_exact(
        &self,
        entries: &[Entry],
        plan: &'a PlanNode,
        at: &At<'_>,
        issues: &mut Vec<SchemaIssue>,
        depth: usize,
    ) -> Option<Vec<Entry>> {
        let mut bound: Option<Vec<Entry>> = None;
        for (index, entry) in entries.iter().enumerate() {
            let value_schema = match plan.property(&entry.key.text, false) {
                Some((_, value_schema)) => Some(*value_schema),
                None => match plan.additional {
                    Additional::Schema(extra) => Some(extra),
                    Additional::Closed => {
                        self.unknown_key(entry, entries, plan, at, issues);
                        bound.get_or_insert_with(|| entries.iter().take(index).cloned().collect());
                        continue;
                    }
                    Additional::Open => None,
                },
            };
            let value = match value_schema {
                Some(value_schema) => self.node(
                    &entry.value,
                    value_schema,
                    &At::Key(at, &entry.key.text),
                    issues,
                    depth + 1,
                ),
                None => Cow::Borrowed(&entry.value),
            };
            match (&mut bound, value) {
                (None, Cow::Borrowed(_)) => {}
                (Some(done), value) => done.push(Entry {
                    key: entry.key.clone(),
                    value: value.into_owned(),
                }),
                (None, Cow::Owned(value)) => {
                    let mut done = Vec::with_capacity(entries.len());
                    done.extend(entries.iter().take(index).cloned());
                    done.push(Entry {
                        key: entry.key.clone(),
                        value,
                    });
                    bound = Some(done);
                }
            }
        }
        bound
    }

    /// Reports a key an object closed by `additionalProperties: false` does not know.
    fn unknown_key(
        &self,
        entry: &Entry,
        siblings: &[Entry],
        plan: &PlanNode,
        at: &At<'_>,
        issues: &mut Vec<SchemaIssue>,
    ) {
        let close = close_names(
            &entry.key.text,
            plan.properties.iter().map(|(name, _)| &**name),
        );
        let suggestion = close.first().map(|(_, name)| (*name).to_owned());
        let tied = matches!(close.as_slice(), [(a, _), (b, _), ..] if a == b);
        let taken = suggestion.as_deref().is_some_and(|name| {
            siblings.iter().any(|sibling| {
                sibling.key.text == name
                    || (self.case_insensitive && sibling.key.text.eq_ignore_ascii_case(name))
            })
        });
        let rename = match close.len() {
            _ if tied || taken => None,
            0 => None,
            1 => Some(crate::finding::Applicability::Safe),
            _ => Some(crate::finding::Applicability::Unsafe),
        };
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
            kind: IssueKind::UnknownKey { suggestion, rename },
            span: entry.key.span,
            pointer: pointer::push(&pointer, &entry.key.text),
            message,
        });
    }

    /// The bound value of a scalar, or `None` when it binds as written.
    fn scalar(&self, value: &Value, plan: &PlanNode) -> Option<Value> {
        let Value::String(text) = value else {
            return None;
        };
        if plan.lower_trim {
            if text.trim().len() == text.len() && !text.chars().any(char::is_uppercase) {
                return None;
            }
            return Some(Value::String(text.trim().to_lowercase()));
        }
        if self.case_insensitive {
            return self
                .coerce(text, plan)
                .filter(|bound| !matches!(bound, Value::String(same) if same == text));
        }
        None
    }

    /// .NET binds configuration values from strings: `"0.8"` to a number, `"True"` to a boolean,
    /// `"block"` to the enum member `Block`.
    fn coerce(&self, text: &str, plan: &PlanNode) -> Option<Value> {
        if let Some(options) = &plan.enumeration {
            return options
                .iter()
                .find(|option| option.eq_ignore_ascii_case(text))
                .map(|option| Value::String(option.to_string()));
        }
        let types = plan.types;
        if types.string {
            return None;
        }
        let trimmed = text.trim();
        if types.boolean {
            if trimmed.eq_ignore_ascii_case("true") {
                return Some(Value::Bool(true));
            }
            if trimmed.eq_ignore_ascii_case("false") {
                return Some(Value::Bool(false));
            }
        }
        if types.integer
            && let Ok(number) = trimmed.parse::<i64>()
        {
            return Some(Value::Number(number.into()));
        }
        if types.number
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

fn schema_types(schema: &Json) -> Vec<&str> {
    match schema.get("type") {
        Some(Json::String(kind)) => vec![kind.as_str()],
        Some(Json::Array(kinds)) => kinds.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The known name closest to `key`, if it is close enough to be a plausible typo.
pub fn suggest<'n>(key: &str, names: impl Iterator<Item = &'n str>) -> Option<String> {
    close_names(key, names)
        .first()
        .map(|(_, name)| (*name).to_owned())
}

/// Every known name close enough to `key` to be a plausible typo of it, with its edit
/// distance (ignoring ASCII case), closest first (then by name).
pub fn close_names<'n>(key: &str, names: impl Iterator<Item = &'n str>) -> Vec<(usize, &'n str)> {
    let folded = key.to_ascii_lowercase();
    let mut close: Vec<(usize, &str)> = names
        .map(|name| {
            let distance = strsim::damerau_levenshtein(&folded, &name.to_ascii_lowercase());
            (distance, name)
        })
        .filter(|(distance, name)| {
            let limit = (name.len().max(key.len()) / 3).clamp(1, 4);
            *distance <= limit
        })
        .collect();
    close.sort_unstable();
    close.dedup();
    close
}

/// Whether two bound values are the same, wherever they are written.
fn same_value(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Seq(a), Value::Seq(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same_value(a, b))
        }
        (Value::Map(a), Value::Map(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|(a, b)| a.key.text == b.key.text && same_value(&a.value, &b.value))
        }
        (a, b) => a == b,
    }
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
