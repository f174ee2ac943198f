//! JSON pointers (RFC 6901) to and from the spanned tree.

use std::collections::HashMap;

use super::{Node, Value};
use crate::span::Span;

/// Appends one reference token to `pointer`, escaping `~` and `/`.
pub fn push(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            _ => out.push(c),
        }
    }
    out
}

/// The unescaped reference tokens of `pointer`.
pub fn tokens(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer
        .split('/')
        .skip(1)
        .map(|token| token.replace("~1", "/").replace("~0", "~"))
}

/// Where a pointer leads.
#[derive(Clone, Copy, Debug)]
pub struct Target<'a> {
    pub node: &'a Node,
    /// The span of the key naming the node, when the node is a mapping value.
    pub key: Option<Span>,
}

/// The node `pointer` names, or `None` when the path does not exist.
pub fn resolve<'a>(root: &'a Node, pointer: &str) -> Option<Target<'a>> {
    let mut target = Target {
        node: root,
        key: None,
    };
    for token in tokens(pointer) {
        target = step(target.node, &token)?;
    }
    Some(target)
}

/// The deepest node on `pointer`'s path that exists (for errors about things that are missing).
pub fn resolve_nearest<'a>(root: &'a Node, pointer: &str) -> Target<'a> {
    let mut target = Target {
        node: root,
        key: None,
    };
    for token in tokens(pointer) {
        match step(target.node, &token) {
            Some(next) => target = next,
            None => break,
        }
    }
    target
}

/// Resolves many pointers into one tree: a wide mapping's keys are indexed the first time a
/// pointer passes through it, so each step costs the same however many entries it has.
#[derive(Debug, Default)]
pub struct Resolver<'a> {
    /// Per mapping (by address), each key's last position.
    indexed: HashMap<usize, HashMap<&'a str, usize>>,
}

/// Mappings up to this many entries are searched, not indexed.
const SEARCHED_ENTRIES: usize = 32;

impl<'a> Resolver<'a> {
    /// [`resolve_nearest`], through the index.
    pub fn resolve_nearest(&mut self, root: &'a Node, pointer: &str) -> Target<'a> {
        let mut target = Target {
            node: root,
            key: None,
        };
        for token in tokens(pointer) {
            match self.step(target.node, &token) {
                Some(next) => target = next,
                None => break,
            }
        }
        target
    }

    fn step(&mut self, node: &'a Node, token: &str) -> Option<Target<'a>> {
        match &node.value {
            Value::Map(entries) if entries.len() > SEARCHED_ENTRIES => {
                let index = self
                    .indexed
                    .entry(std::ptr::from_ref(node) as usize)
                    .or_insert_with(|| {
                        entries
                            .iter()
                            .enumerate()
                            .map(|(position, entry)| (entry.key.text.as_str(), position))
                            .collect()
                    });
                let entry = entries.get(*index.get(token)?)?;
                Some(Target {
                    node: &entry.value,
                    key: Some(entry.key.span),
                })
            }
            _ => step(node, token),
        }
    }
}

fn step<'a>(node: &'a Node, token: &str) -> Option<Target<'a>> {
    match &node.value {
        Value::Map(entries) => entries
            .iter()
            .rev()
            .find(|entry| entry.key.text == token)
            .map(|entry| Target {
                node: &entry.value,
                key: Some(entry.key.span),
            }),
        Value::Seq(items) => {
            let index: usize = token.parse().ok()?;
            items.get(index).map(|node| Target { node, key: None })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Format, parse};

    #[test]
    fn round_trips_escaped_tokens() {
        let pointer = push(&push("", "a/b"), "c~d");
        assert_eq!(pointer, "/a~1b/c~0d");
        assert_eq!(tokens(&pointer).collect::<Vec<_>>(), vec!["a/b", "c~d"]);
    }

    #[test]
    fn resolves_to_spans() {
        let text = "rules:\n  - name: a\n    effect: block\n";
        let document = parse(text, Format::Yaml);
        let Some(root) = document.root else {
            return;
        };
        let target = resolve(&root, "/rules/0/effect");
        assert_eq!(
            target.map(|target| &text[target.node.span.range()]),
            Some("block")
        );
        assert_eq!(
            target
                .and_then(|target| target.key)
                .map(|key| &text[key.range()]),
            Some("effect")
        );
        assert!(resolve(&root, "/rules/3").is_none());
        assert_eq!(
            &text[resolve_nearest(&root, "/rules/0/missing").node.span.range()],
            "name: a\n    effect: block"
        );
    }
}
