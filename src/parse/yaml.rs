//! YAML 1.2 (core schema) into the spanned tree, built iteratively from parser events so that
//! nesting depth, alias expansion and node count stay bounded whatever the input.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

use super::{
    Document, Entry, IssueKind, Key, KeyIndex, MAX_ALIAS_BYTES, MAX_ALIAS_NODES, MAX_DEPTH,
    MAX_NODES, Node, ParseIssue, Value,
};
use crate::span::Span;

/// Parses `text`, whose first byte sits at `base` in the original file.
pub fn parse(text: &str, base: usize) -> Document {
    guarded(text, base, false)
}

/// [`parse`] with the full YAML parser only, never the fast reader of plain files (the
/// reference the fast reader is tested against).
pub fn parse_full(text: &str, base: usize) -> Document {
    guarded(text, base, true)
}

fn guarded(text: &str, base: usize, full: bool) -> Document {
    // The event parser is third-party code: a bug in it must become a finding, never a crash.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let builder = Builder::new(text, base);
        if full {
            builder.run_full()
        } else {
            builder.run()
        }
    }))
    .unwrap_or_else(|_| Document {
        root: None,
        issues: vec![ParseIssue {
            kind: IssueKind::Syntax {
                message: "the YAML parser could not read this file".to_owned(),
            },
            span: Span::at(base),
        }],
    })
}

/// What a node costs to hold: its nodes, and the bytes of its keys and strings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Weight {
    nodes: usize,
    bytes: usize,
}

impl Weight {
    const NODE: Weight = Weight { nodes: 1, bytes: 0 };

    fn text(text: &str) -> Weight {
        Weight {
            nodes: 1,
            bytes: text.len(),
        }
    }

    fn add(&mut self, other: Weight) {
        self.nodes = self.nodes.saturating_add(other.nodes);
        self.bytes = self.bytes.saturating_add(other.bytes);
    }
}

enum Frame {
    Seq {
        start: Span,
        anchor: usize,
        weight: Weight,
        items: Vec<Node>,
    },
    Map {
        start: Span,
        anchor: usize,
        weight: Weight,
        entries: Vec<Entry>,
        index: KeyIndex,
        pending_key: Option<Key>,
    },
}

struct Builder<'a> {
    text: &'a str,
    base: usize,
    /// Byte offset of every char index, when the text is not ASCII (the parser counts chars).
    char_offsets: Option<Vec<u32>>,
    stack: Vec<Frame>,
    /// Each anchored node, with its weight (what every alias of it adds).
    anchors: HashMap<usize, (Node, Weight)>,
    root: Option<Node>,
    issues: Vec<ParseIssue>,
    /// Every node built, aliases expanded included.
    nodes: usize,
    /// What alias expansions alone added.
    expanded: Weight,
    documents: usize,
}

enum Flow {
    Continue,
    Stop,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, base: usize) -> Self {
        let char_offsets = (!text.is_ascii()).then(|| {
            let mut offsets: Vec<u32> = text
                .char_indices()
                .map(|(offset, _)| u32::try_from(offset).unwrap_or(u32::MAX))
                .collect();
            offsets.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
            offsets
        });
        Builder {
            text,
            base,
            char_offsets,
            stack: Vec::new(),
            anchors: HashMap::new(),
            root: None,
            issues: Vec::new(),
            nodes: 0,
            expanded: Weight::default(),
            documents: 0,
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        let offset = match &self.char_offsets {
            None => char_index.min(self.text.len()),
            Some(offsets) => offsets
                .get(char_index)
                .or(offsets.last())
                .map_or(0, |offset| *offset as usize),
        };
        offset + self.base
    }

    fn span(&self, span: saphyr_parser::Span) -> Span {
        Span::new(self.byte(span.start.index()), self.byte(span.end.index()))
    }

    fn issue(&mut self, kind: IssueKind, span: Span) {
        self.issues.push(ParseIssue { kind, span });
    }

    fn run(mut self) -> Document {
        if let Some(events) = super::yaml_fast::events(self.text) {
            for (event, span) in events {
                let span = Span::new(span.start + self.base, span.end + self.base);

                if let Flow::Stop = self.on_event(event, span) {
                    break;
                }
            }
            return Document {
                root: self.root,
                issues: self.issues,
            };
        }
        self.run_full()
    }

    /// Reads the text with the full YAML parser.
    fn run_full(mut self) -> Document {
        let mut parser = Parser::new_from_str(self.text);
        while let Some(next) = parser.next_event() {
            let (event, raw_span) = match next {
                Ok(pair) => pair,
                Err(error) => {
                    let at = self.byte(error.marker().index());
                    let message = error.info().to_owned();
                    // The scanner looks ahead and may meet its own nesting limit first.
                    let kind = if message.contains("recursion limit") {
                        IssueKind::TooDeep
                    } else {
                        IssueKind::Syntax { message }
                    };
                    self.issue(kind, Span::new(at, at + 1));
                    self.root = None;
                    break;
                }
            };
            let span = self.span(raw_span);
            if let Flow::Stop = self.on_event(event, span) {
                break;
            }
        }
        Document {
            root: self.root,
            issues: self.issues,
        }
    }

    fn on_event(&mut self, event: Event<'_>, span: Span) -> Flow {
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {
                Flow::Continue
            }
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    self.issue(IssueKind::MultipleDocuments, span);
                    return Flow::Stop;
                }
                Flow::Continue
            }
            Event::Alias(id) => {
                let Some((node, weight)) = self.anchors.get(&id) else {
                    self.issue(
                        IssueKind::Syntax {
                            message: "alias to an unknown anchor".to_owned(),
                        },
                        span,
                    );
                    return Flow::Stop;
                };
                let weight = *weight;
                self.nodes = self.nodes.saturating_add(weight.nodes);
                self.expanded.add(weight);
                if self.expanded.nodes > MAX_ALIAS_NODES || self.expanded.bytes > MAX_ALIAS_BYTES {
                    self.issue(IssueKind::AliasLimit, span);
                    self.root = None;
                    return Flow::Stop;
                }
                // Cloned only once the expansion is known to fit the budget.
                let mut node = node.clone();
                // The alias is reported where it is used, its content where it was defined.
                node.span = span;
                self.push(node, None, span, weight)
            }
            Event::Scalar(text, style, anchor, tag) => {
                if anchor == 0 && self.expects_key() {
                    // A key keeps only its text: resolving it matters only for the hazards
                    // resolution reports.
                    if resolves_plain(style, tag.as_deref()) && is_non_finite(&text) {
                        self.issue(IssueKind::NonFiniteNumber, span);
                    }
                    let key = Node::new(span, Value::Null);
                    let weight = Weight::text(&text);
                    self.nodes = self.nodes.saturating_add(1);
                    return self.push(key, Some(text), span, weight);
                }
                let value = self.resolve(&text, style, tag.as_deref(), span);
                let node = Node::new(span, value);
                let weight = Weight::text(&text);
                self.nodes = self.nodes.saturating_add(1);
                if anchor != 0 {
                    self.anchors.insert(anchor, (node.clone(), weight));
                }
                self.push(node, Some(text), span, weight)
            }
            Event::SequenceStart(anchor, _) => self.open(
                Frame::Seq {
                    start: span,
                    anchor,
                    weight: Weight::NODE,
                    items: Vec::new(),
                },
                span,
            ),
            Event::MappingStart(anchor, _) => self.open(
                Frame::Map {
                    start: span,
                    anchor,
                    weight: Weight::NODE,
                    entries: Vec::new(),
                    index: KeyIndex::default(),
                    pending_key: None,
                },
                span,
            ),
            Event::SequenceEnd | Event::MappingEnd => self.close(span),
        }
    }

    fn open(&mut self, frame: Frame, span: Span) -> Flow {
        if self.stack.len() >= MAX_DEPTH {
            self.issue(IssueKind::TooDeep, span);
            self.root = None;
            return Flow::Stop;
        }
        self.nodes = self.nodes.saturating_add(1);
        self.stack.push(frame);
        Flow::Continue
    }

    fn close(&mut self, end: Span) -> Flow {
        let Some(frame) = self.stack.pop() else {
            return Flow::Continue;
        };
        let (node, anchor, weight) = match frame {
            Frame::Seq {
                start,
                anchor,
                weight,
                items,
            } => {
                let last = items.last().map_or(start, |item| item.span);
                let span = start.cover(last).cover(closing(end, last));
                (Node::new(span, Value::Seq(items)), anchor, weight)
            }
            Frame::Map {
                start,
                anchor,
                weight,
                entries,
                ..
            } => {
                let last = entries.last().map_or(start, |entry| entry.value.span);
                let span = start.cover(last).cover(closing(end, last));
                (Node::new(span, Value::Map(entries)), anchor, weight)
            }
        };
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), weight));
        }
        let span = node.span;
        self.push(node, None, span, weight)
    }

    /// Whether the next node is a mapping key.
    fn expects_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame::Map {
                pending_key: None,
                ..
            })
        )
    }

    /// Adds `node`, of `weight`, to the collection being built (or makes it the root).
    fn push(
        &mut self,
        node: Node,
        raw_scalar: Option<Cow<'_, str>>,
        span: Span,
        weight: Weight,
    ) -> Flow {
        if self.nodes > MAX_NODES {
            self.issue(IssueKind::TooManyNodes, span);
            self.root = None;
            return Flow::Stop;
        }
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq {
                items,
                weight: parent,
                ..
            }) => {
                parent.add(weight);
                items.push(node);
            }
            Some(Frame::Map {
                entries,
                index,
                pending_key,
                weight: parent,
                ..
            }) => match pending_key.take() {
                None => {
                    parent.add(weight);
                    let text = match (raw_scalar, &node.value) {
                        (Some(raw), _) => raw.into_owned(),
                        (None, _) => {
                            self.issues.push(ParseIssue {
                                kind: IssueKind::NonScalarKey,
                                span: node.span,
                            });
                            // Still consume the value that follows, under a key no one can name.
                            String::new()
                        }
                    };
                    *pending_key = Some(Key {
                        text,
                        span: node.span,
                    });
                }
                Some(key) => {
                    parent.add(weight);
                    let entry = Entry { key, value: node };
                    match index.position(entries, &entry.key.text) {
                        Some(existing) => {
                            if let Some(slot) = entries.get_mut(existing) {
                                let first = slot.key.span;
                                let second = entry.key.span;
                                let key = entry.key.text.clone();
                                *slot = entry;
                                self.issues.push(ParseIssue {
                                    kind: IssueKind::DuplicateKey { key, first },
                                    span: second,
                                });
                            }
                        }
                        None => {
                            entries.push(entry);
                            index.pushed(entries);
                        }
                    }
                }
            },
        }
        Flow::Continue
    }

    fn resolve(&mut self, text: &str, style: ScalarStyle, tag: Option<&Tag>, span: Span) -> Value {
        if !resolves_plain(style, tag) {
            return match tag {
                Some(tag) if tag.is_yaml_core_schema() && tag.suffix == "null" => Value::Null,
                _ => Value::String(text.to_owned()),
            };
        }
        self.resolve_plain(text, span)
    }

    /// The YAML 1.2 core schema's resolution of a plain scalar.
    fn resolve_plain(&mut self, text: &str, span: Span) -> Value {
        match text {
            "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
            "true" | "True" | "TRUE" => return Value::Bool(true),
            "false" | "False" | "FALSE" => return Value::Bool(false),
            _ if is_non_finite(text) => {
                self.issue(IssueKind::NonFiniteNumber, span);
                return Value::String(text.to_owned());
            }
            _ => {}
        }
        if let Some(number) = resolve_int(text) {
            return Value::Number(number);
        }
        if is_core_float(text)
            && let Some(number) = text
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
        {
            return Value::Number(number);
        }
        Value::String(text.to_owned())
    }
}

/// A closing event's span counts only when it is a real closing bracket after the content (block
/// collections end at the next token, which belongs to someone else).
fn closing(end: Span, last: Span) -> Span {
    if end.len() == 1 && end.start >= last.end {
        end
    } else {
        last
    }
}

/// Whether a scalar of this style and tag resolves as a plain scalar of the core schema (an
/// untagged plain scalar, or one tagged with a core type other than `str` and `null`).
fn resolves_plain(style: ScalarStyle, tag: Option<&Tag>) -> bool {
    match tag {
        Some(tag) if tag.is_yaml_core_schema() => !matches!(tag.suffix.as_str(), "str" | "null"),
        Some(_) => false,
        None => style == ScalarStyle::Plain,
    }
}

/// The core schema's infinities and not-a-number (which JSON cannot hold).
fn is_non_finite(text: &str) -> bool {
    matches!(
        text,
        ".inf"
            | ".Inf"
            | ".INF"
            | "+.inf"
            | "+.Inf"
            | "+.INF"
            | "-.inf"
            | "-.Inf"
            | "-.INF"
            | ".nan"
            | ".NaN"
            | ".NAN"
    )
}

fn resolve_int(text: &str) -> Option<serde_json::Number> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, text.get(1..)?),
        b'+' => (false, text.get(1..)?),
        _ => (false, text),
    };
    let (radix, digits) = if let Some(hex) = digits.strip_prefix("0x") {
        (16, hex)
    } else if let Some(octal) = digits.strip_prefix("0o") {
        (8, octal)
    } else {
        (10, digits)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    if radix != 10 && text.starts_with(['-', '+']) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if negative {
        let value = i64::try_from(magnitude).ok()?.checked_neg()?;
        Some(serde_json::Number::from(value))
    } else {
        Some(serde_json::Number::from(magnitude))
    }
}

/// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_core_float(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut at = 0;
    if matches!(bytes.first(), Some(b'-' | b'+')) {
        at += 1;
    }
    let int_start = at;
    while bytes.get(at).is_some_and(u8::is_ascii_digit) {
        at += 1;
    }
    let int_digits = at - int_start;
    let mut frac_digits = 0;
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        let frac_start = at;
        while bytes.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
        frac_digits = at - frac_start;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(bytes.get(at), Some(b'-' | b'+')) {
            at += 1;
        }
        let exp_start = at;
        while bytes.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
        if at == exp_start {
            return false;
        }
    }
    at == bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Format, parse as parse_any};

    fn root(text: &str) -> Node {
        let document = parse_any(text, Format::Yaml);
        assert!(document.issues.is_empty(), "{:?}", document.issues);
        document
            .root
            .unwrap_or_else(|| Node::new(Span::at(0), Value::Null))
    }

    #[test]
    fn spans_cover_keys_and_values() {
        let text = "gates:\n  vexTrust:\n    enabled: true\n    score: 0.80\n";
        let node = root(text);
        let trust = node.get("gates").and_then(|gates| gates.entry("vexTrust"));
        let trust = trust.map(|entry| (&text[entry.key.span.range()], entry.value.span));
        assert_eq!(trust.map(|(key, _)| key), Some("vexTrust"));
        let score = node
            .get("gates")
            .and_then(|gates| gates.get("vexTrust"))
            .and_then(|trust| trust.get("score"));
        assert_eq!(score.map(|score| &text[score.span.range()]), Some("0.80"));
        assert_eq!(score.and_then(Node::as_f64), Some(0.8));
    }

    #[test]
    fn core_schema_scalars() {
        let node = root("a: ~\nb: True\nc: 0x1F\nd: '12'\ne: 1e3\nf: -7\ng: 1.5.2\n");
        let json = node.to_json();
        assert_eq!(
            json,
            serde_json::json!({"a": null, "b": true, "c": 31, "d": "12", "e": 1000.0, "f": -7, "g": "1.5.2"})
        );
    }

    #[test]
    fn non_ascii_spans_are_bytes() {
        let text = "name: \"é😀\"\nkey: v\n";
        let node = root(text);
        let entry = node.entry("key");
        assert_eq!(
            entry.map(|entry| &text[entry.key.span.range()]),
            Some("key")
        );
    }

    #[test]
    fn duplicate_keys_are_reported_and_last_wins() {
        let document = parse_any("a: 1\nb: 2\na: 3\n", Format::Yaml);
        assert!(matches!(
            document.issues.first().map(|issue| &issue.kind),
            Some(IssueKind::DuplicateKey { key, first }) if key == "a" && first.start == 0
        ));
        assert_eq!(
            document.root.map(|root| root.to_json()),
            Some(serde_json::json!({"a": 3, "b": 2}))
        );
    }

    #[test]
    fn alias_bombs_are_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..12 {
            let prev = level - 1;
            text.push_str(&format!(
                "a{level}: &a{level} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let document = parse_any(&text, Format::Yaml);
        assert!(
            document
                .issues
                .iter()
                .any(|issue| issue.kind == IssueKind::AliasLimit)
        );
    }

    #[test]
    fn an_aliased_long_string_is_bounded_by_bytes() {
        let long = "x".repeat(100_000);
        let mut text = format!("a: &s \"{long}\"\nb: [");
        for _ in 0..200 {
            text.push_str("*s, ");
        }
        text.push_str("*s]\n");
        let document = parse_any(&text, Format::Yaml);
        assert!(
            document
                .issues
                .iter()
                .any(|issue| issue.kind == IssueKind::AliasLimit),
            "{:?}",
            document.issues
        );
        // Under the byte budget, the same aliases expand.
        let text = format!("a: &s \"{long}\"\nb: [*s, *s, *s]\n");
        let document = parse_any(&text, Format::Yaml);
        assert!(document.is_usable(), "{:?}", document.issues);
    }

    #[test]
    fn nested_anchors_weigh_their_whole_content() {
        // Each level holds ten aliases of the level below: the anchors' weights multiply.
        let mut text = String::from("a0: &a0 {k: v}\n");
        for level in 1..7 {
            let prev = level - 1;
            let items = vec![format!("*a{prev}"); 10].join(", ");
            text.push_str(&format!("a{level}: &a{level} [{items}]\n"));
        }
        let document = parse_any(&text, Format::Yaml);
        assert!(
            document
                .issues
                .iter()
                .any(|issue| issue.kind == IssueKind::AliasLimit)
        );
    }

    #[test]
    fn many_plain_nodes_are_not_an_alias_bomb() {
        let mut text = String::new();
        for index in 0..1_000_000 {
            text.push_str(&format!("k{index}: 0\n"));
        }
        let document = parse_any(&text, Format::Yaml);
        let kinds: Vec<_> = document.issues.iter().map(|issue| &issue.kind).collect();
        assert_eq!(kinds, [&IssueKind::TooManyNodes]);
    }

    #[test]
    fn depth_is_bounded() {
        let text = "[".repeat(10_000);
        let document = parse_any(&text, Format::Yaml);
        assert!(!document.is_usable());
    }

    #[test]
    fn second_document_is_reported() {
        let document = parse_any("a: 1\n---\nb: 2\n", Format::Yaml);
        assert!(
            document
                .issues
                .iter()
                .any(|issue| issue.kind == IssueKind::MultipleDocuments)
        );
    }

    #[test]
    fn syntax_errors_have_positions() {
        let text = "a: 1\nb: [1, 2\n";
        let document = parse_any(text, Format::Yaml);
        let issue = document.issues.first();
        assert!(matches!(
            issue.map(|i| &i.kind),
            Some(IssueKind::Syntax { .. })
        ));
    }
}
