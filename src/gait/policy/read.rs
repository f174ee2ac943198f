//! Reading values from a shape-checked tree. Values are borrowed from the tree; a `String`
//! is made only for what the policy keeps.

use std::borrow::Cow;

use super::normalize::{lower_trim_cow, lower_uniq_sort, uniq_sort};
use crate::parse::{Entry, Node, Value};
use crate::span::Span;

/// A mapping node already checked against its shape, read leniently (absent = zero value).
#[derive(Clone, Copy)]
pub(super) struct Obj<'a> {
    node: Option<&'a Node>,
    entries: &'a [Entry],
    /// A bit per [`key_bit`] of the keys present, gathered in one pass: most lookups are of
    /// optional keys that are absent, and this answers them without a scan.
    keys: u64,
    fallback: Span,
}

/// A cheap hash of a key into one of 64 bits.
fn key_bit(key: &str) -> u64 {
    let last = key.as_bytes().last().copied().unwrap_or(0);
    1 << ((key.len() + 7 * usize::from(last)) % 64)
}

/// Key equality that looks at the length and the first and last bytes before comparing the
/// whole text (keys of one mapping often share a length).
pub(super) fn same_key(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.as_bytes().first() == b.as_bytes().first()
        && a.as_bytes().last() == b.as_bytes().last()
        && a == b
}

impl<'a> Obj<'a> {
    pub(super) fn new(node: Option<&'a Node>, fallback: Span) -> Self {
        match node.and_then(|node| node.as_map().map(|entries| (node, entries))) {
            Some((node, entries)) => Obj {
                node: Some(node),
                entries,
                keys: entries
                    .iter()
                    .fold(0, |keys, entry| keys | key_bit(&entry.key.text)),
                fallback,
            },
            None => Obj {
                node: None,
                entries: &[],
                keys: 0,
                fallback,
            },
        }
    }

    pub(super) fn span(&self) -> Span {
        self.node.map_or(self.fallback, |node| node.span)
    }

    pub(super) fn get(&self, key: &str) -> Option<&'a Node> {
        if self.keys & key_bit(key) == 0 {
            return None;
        }
        self.entries
            .iter()
            .find(|entry| same_key(&entry.key.text, key))
            .map(|entry| &entry.value)
            .filter(|node| !matches!(node.value, Value::Null))
    }

    pub(super) fn span_of(&self, key: &str) -> Span {
        self.get(key).map_or(self.span(), |node| node.span)
    }

    pub(super) fn child(&self, key: &str) -> Obj<'a> {
        Obj::new(self.get(key), self.span())
    }

    /// The scalar text, borrowed when the tree holds it as a string.
    pub(super) fn text(&self, key: &str) -> Cow<'a, str> {
        self.get(key).map_or(Cow::Borrowed(""), scalar_text)
    }

    /// The scalar text, trimmed.
    pub(super) fn trimmed(&self, key: &str) -> String {
        self.text(key).trim().to_owned()
    }

    /// The scalar text, trimmed and lower-cased ([`lower_trim`]).
    pub(super) fn lowered(&self, key: &str) -> String {
        lower_trim_cow(&self.text(key)).into_owned()
    }

    pub(super) fn boolean(&self, key: &str) -> bool {
        self.get(key).and_then(Node::as_bool).unwrap_or(false)
    }

    pub(super) fn int(&self, key: &str) -> i64 {
        self.opt_int(key).unwrap_or(0)
    }

    pub(super) fn opt_int(&self, key: &str) -> Option<i64> {
        match &self.get(key)?.value {
            Value::Number(number) => number.as_i64(),
            _ => None,
        }
    }

    pub(super) fn float(&self, key: &str) -> f64 {
        self.get(key).and_then(Node::as_f64).unwrap_or(0.0)
    }

    pub(super) fn opt_bool(&self, key: &str) -> Option<bool> {
        self.get(key).and_then(Node::as_bool)
    }

    /// The list items (nulls included; see [`present`]).
    pub(super) fn items(&self, key: &str) -> &'a [Node] {
        self.get(key).and_then(Node::as_seq).unwrap_or(&[])
    }

    /// The texts of the list's items, nulls skipped.
    pub(super) fn texts(&self, key: &str) -> impl Iterator<Item = Cow<'a, str>> + use<'a> {
        present(self.items(key)).map(scalar_text)
    }

    /// [`uniq_sort`] of the list's texts.
    pub(super) fn uniq_sorted(&self, key: &str) -> Vec<String> {
        uniq_sort(self.texts(key))
    }

    /// [`lower_uniq_sort`] of the list's texts.
    pub(super) fn lower_uniq_sorted(&self, key: &str) -> Vec<String> {
        lower_uniq_sort(self.texts(key))
    }
}

/// The list items that are not null.
pub(super) fn present<'a, I>(items: I) -> impl Iterator<Item = &'a Node> + Clone
where
    I: IntoIterator<Item = &'a Node>,
    I::IntoIter: Clone,
{
    items
        .into_iter()
        .filter(|item| !matches!(item.value, Value::Null))
}

pub(super) fn scalar_text(node: &Node) -> Cow<'_, str> {
    match &node.value {
        Value::String(text) => Cow::Borrowed(text),
        Value::Number(number) => Cow::Owned(number.to_string()),
        Value::Bool(flag) => Cow::Borrowed(if *flag { "true" } else { "false" }),
        _ => Cow::Borrowed(""),
    }
}
