//! The bound configuration tree: what .NET's `ConfigurationBuilder` sees after every provider
//! (file) has been added. Keys compare case-insensitively, `:` inside a key is the hierarchy
//! separator (so a literal `"Policy:Gates"` key equals `Policy` → `Gates`), array items are
//! children named by their index, and a later file wins key by key.

use crate::parse::{Node, Value};
use crate::span::Span;

/// Where a configured value came from: the index of the file in the layered list and its span.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    pub file: u32,
    pub span: Span,
}

impl serde::Serialize for Loc {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut state = serializer.serialize_struct("Loc", 3)?;
        state.serialize_field("file", &self.file)?;
        state.serialize_field("start", &self.span.start)?;
        state.serialize_field("end", &self.span.end)?;
        state.end()
    }
}

/// A scalar as the configuration system stores it. .NET keeps every value as a string; the
/// original YAML/JSON type is kept so that binding can report a mismatch precisely.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
}

impl Scalar {
    /// The value as .NET binds a `double`/`decimal`: numbers, and strings in invariant format.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Scalar::Number(number) => Some(*number),
            Scalar::String(text) => text.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
            _ => None,
        }
    }

    /// The value as .NET binds a `bool`: `true`/`false` in any case.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Scalar::Bool(flag) => Some(*flag),
            Scalar::String(text) if text.trim().eq_ignore_ascii_case("true") => Some(true),
            Scalar::String(text) if text.trim().eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    pub fn as_text(&self) -> Option<String> {
        match self {
            Scalar::String(text) => Some(text.clone()),
            Scalar::Number(number) => Some(number.to_string()),
            Scalar::Bool(flag) => Some(flag.to_string()),
            Scalar::Null => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Scalar::Null)
    }
}

/// One key of the merged configuration.
#[derive(Clone, Debug, Default)]
pub struct ConfigNode {
    /// The key as last written (the lookup ignores case).
    pub key: String,
    pub key_loc: Option<Loc>,
    pub value: Option<(Scalar, Loc)>,
    /// In order of first appearance.
    pub children: Vec<ConfigNode>,
    /// Positions of the children by the hash of their ASCII-lowercased key, once there are many
    /// of them, so that a long list or a wide object is merged and read in linear time. Only the
    /// positions are stored (the keys are the children's), four bytes a child.
    lookup: Option<Box<hashbrown::HashTable<u32>>>,
}

/// Children beyond this many are found through [`ConfigNode::lookup`].
const LINEAR_CHILDREN: usize = 16;

/// The hash of `key` with ASCII letters lowered, as the lookup compares keys.
fn folded_hash(key: &str) -> u64 {
    use std::hash::Hasher as _;
    let mut hasher = std::hash::DefaultHasher::new();
    for byte in key.bytes() {
        hasher.write_u8(byte.to_ascii_lowercase());
    }
    hasher.finish()
}

impl ConfigNode {
    pub fn child(&self, key: &str) -> Option<&ConfigNode> {
        self.position(key)
            .and_then(|position| self.children.get(position))
    }

    fn position(&self, key: &str) -> Option<usize> {
        match &self.lookup {
            Some(lookup) => lookup
                .find(folded_hash(key), |&at| {
                    self.children
                        .get(at as usize)
                        .is_some_and(|child| child.key.eq_ignore_ascii_case(key))
                })
                .map(|&at| at as usize),
            None => self
                .children
                .iter()
                .position(|child| child.key.eq_ignore_ascii_case(key)),
        }
    }

    /// Indexes the child at `position` unless a child of the same key (ignoring case) is
    /// indexed already: the first of two case variants keeps its place.
    fn index(lookup: &mut hashbrown::HashTable<u32>, children: &[ConfigNode], position: usize) {
        let Some(key) = children.get(position).map(|child| child.key.as_str()) else {
            return;
        };
        let hash = folded_hash(key);
        let same = |&at: &u32| {
            children
                .get(at as usize)
                .is_some_and(|child| child.key.eq_ignore_ascii_case(key))
        };
        if lookup.find(hash, same).is_none() {
            let rehash = |&at: &u32| {
                children
                    .get(at as usize)
                    .map_or(0, |child| folded_hash(&child.key))
            };
            lookup.insert_unique(hash, position as u32, rehash);
        }
    }

    /// The node at a `:`-separated path.
    pub fn path(&self, path: &str) -> Option<&ConfigNode> {
        path.split(':')
            .try_fold(self, |node, segment| node.child(segment))
    }

    fn child_mut(&mut self, key: &str) -> &mut ConfigNode {
        let index = match self.position(key) {
            Some(index) => index,
            None => {
                let index = self.children.len();
                self.children.push(ConfigNode {
                    key: key.to_owned(),
                    ..ConfigNode::default()
                });
                match &mut self.lookup {
                    Some(lookup) => ConfigNode::index(lookup, &self.children, index),
                    None if self.children.len() > LINEAR_CHILDREN => {
                        // Built once; the first of two case-variant keys keeps its position.
                        let mut lookup =
                            hashbrown::HashTable::with_capacity(self.children.capacity());
                        for position in 0..self.children.len() {
                            ConfigNode::index(&mut lookup, &self.children, position);
                        }
                        self.lookup = Some(Box::new(lookup));
                    }
                    None => {}
                }
                index
            }
        };
        // INVARIANT: `index` is either a found position or the element just pushed.
        #[expect(
            clippy::indexing_slicing,
            reason = "the index was just found or pushed"
        )]
        &mut self.children[index]
    }

    /// Lays one file's tree over this one, key by key.
    pub fn overlay(&mut self, node: &Node, file: u32) {
        match &node.value {
            Value::Map(entries) => {
                self.children.reserve(entries.len());
                for entry in entries {
                    let loc = Loc {
                        file,
                        span: entry.key.span,
                    };
                    let target = entry
                        .key
                        .text
                        .split(':')
                        .filter(|segment| !segment.is_empty())
                        .fold(&mut *self, |parent, segment| {
                            let child = parent.child_mut(segment);
                            if child.key != segment {
                                child.key = segment.to_owned();
                            }
                            child
                        });
                    target.key_loc = Some(loc);
                    target.overlay(&entry.value, file);
                }
            }
            Value::Seq(items) => {
                self.children.reserve(items.len());
                for (index, item) in items.iter().enumerate() {
                    let child = self.child_mut(&index.to_string());
                    child.key_loc = Some(Loc {
                        file,
                        span: item.span,
                    });
                    child.overlay(item, file);
                }
            }
            scalar => {
                let value = match scalar {
                    Value::Bool(flag) => Scalar::Bool(*flag),
                    Value::Number(number) => Scalar::Number(number.as_f64().unwrap_or(f64::NAN)),
                    Value::String(text) => Scalar::String(text.clone()),
                    _ => Scalar::Null,
                };
                self.value = Some((
                    value,
                    Loc {
                        file,
                        span: node.span,
                    },
                ));
            }
        }
    }

    /// Array items (children named `0`, `1`, …) in index order, the way the binder reads a list.
    pub fn items(&self) -> Vec<&ConfigNode> {
        let mut items: Vec<(usize, &ConfigNode)> = self
            .children
            .iter()
            .filter_map(|child| child.key.parse::<usize>().ok().map(|index| (index, child)))
            .collect();
        items.sort_by_key(|(index, _)| *index);
        items.into_iter().map(|(_, child)| child).collect()
    }

    pub fn scalar(&self) -> Option<&Scalar> {
        self.value.as_ref().map(|(scalar, _)| scalar)
    }

    pub fn loc(&self) -> Option<Loc> {
        self.value.as_ref().map(|(_, loc)| *loc).or(self.key_loc)
    }
}

/// Merges layered files (later wins) into one configuration tree.
pub fn merge<'a>(roots: impl IntoIterator<Item = (u32, &'a Node)>) -> ConfigNode {
    let mut merged = ConfigNode::default();
    for (file, root) in roots {
        if root.as_map().is_some() {
            merged.overlay(root, file);
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Format, parse};

    fn tree(texts: &[&str]) -> ConfigNode {
        let docs: Vec<_> = texts.iter().map(|t| parse(t, Format::Yaml)).collect();
        merge(
            docs.iter()
                .enumerate()
                .filter_map(|(i, d)| d.root.as_ref().map(|r| (i as u32, r))),
        )
    }

    #[test]
    fn keys_merge_case_insensitively_and_later_wins() {
        let merged = tree(&[
            "PolicyGates:\n  VexTrust:\n    Enabled: false\n    MissingTrustBehavior: Block\n",
            "policygates:\n  vextrust:\n    enabled: true\n",
        ]);
        let gate = merged.path("PolicyGates:VexTrust").unwrap();
        assert_eq!(
            gate.child("Enabled").unwrap().scalar(),
            Some(&Scalar::Bool(true))
        );
        assert_eq!(
            gate.child("missingtrustbehavior").unwrap().scalar(),
            Some(&Scalar::String("Block".into()))
        );
    }

    #[test]
    fn colon_keys_are_hierarchy() {
        let merged = tree(&["{\"Policy:Gates\": {\"KevBlocker\": {\"Enabled\": false}}}"]);
        assert!(merged.path("policy:gates:kevblocker:enabled").is_some());
    }

    #[test]
    fn arrays_merge_by_index() {
        let merged = tree(&["a: [x, y, z]\n", "a: [w]\n"]);
        let items: Vec<_> = merged
            .child("a")
            .unwrap()
            .items()
            .iter()
            .map(|n| n.scalar().unwrap().as_text().unwrap())
            .collect();
        assert_eq!(items, ["w", "y", "z"]);
    }
}
