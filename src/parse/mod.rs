//! One spanned tree for YAML and JSON: every node keeps the byte range it was read from, and
//! everything that makes an input hazardous (syntax errors, duplicate keys, several documents,
//! alias bombs, excessive depth, invalid UTF-8) is recorded as a [`ParseIssue`] instead of failing.

pub mod json;
pub mod pointer;
pub mod yaml;
pub mod yaml_fast;

pub use crate::source::text::Encoding;
use crate::span::Span;

/// Inputs larger than this are not parsed (a finding says so).
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;
/// Containers nested deeper than this are cut off (a finding says so).
pub const MAX_DEPTH: usize = 128;
/// Upper bound on nodes one document may produce, aliases expanded included.
pub const MAX_NODES: usize = 2_000_000;
/// Upper bound on the nodes YAML alias expansions may add to one document.
pub const MAX_ALIAS_NODES: usize = 250_000;
/// Upper bound on the bytes of keys and strings YAML alias expansions may add to one document.
pub const MAX_ALIAS_BYTES: usize = 8 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Key,
    pub value: Node,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub text: String,
    pub span: Span,
}

impl Node {
    pub fn new(span: Span, value: Value) -> Self {
        Node { span, value }
    }

    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(flag) => Some(flag),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match &self.value {
            Value::Number(number) => number.as_f64(),
            _ => None,
        }
    }

    /// The entry whose key equals `key` exactly.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|entry| &entry.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.iter().find(|entry| entry.key.text == key)
    }

    /// The entry whose key equals `key` ignoring ASCII case, as .NET configuration binds.
    pub fn entry_ignore_case(&self, key: &str) -> Option<&Entry> {
        self.as_map()?
            .iter()
            .rev()
            .find(|entry| entry.key.text.eq_ignore_ascii_case(key))
    }

    pub fn get_ignore_case(&self, key: &str) -> Option<&Node> {
        self.entry_ignore_case(key).map(|entry| &entry.value)
    }

    /// A short name of the node's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Seq(_) => "array",
            Value::Map(_) => "object",
        }
    }

    /// The plain JSON value of this tree (spans dropped, duplicate keys already resolved).
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(flag) => serde_json::Value::Bool(*flag),
            Value::Number(number) => serde_json::Value::Number(number.clone()),
            Value::String(text) => serde_json::Value::String(text.clone()),
            Value::Seq(items) => {
                serde_json::Value::Array(items.iter().map(Node::to_json).collect())
            }
            Value::Map(entries) => serde_json::Value::Object(
                entries
                    .iter()
                    .map(|entry| (entry.key.text.clone(), entry.value.to_json()))
                    .collect(),
            ),
        }
    }
}

/// Finds keys already in a mapping being built: a linear scan while the mapping is small (most
/// are), a hash index once it grows, so duplicate detection stays linear on huge mappings.
/// The index stores positions only (the keys are the entries'), four bytes an entry.
#[derive(Debug, Default)]
pub(crate) struct KeyIndex {
    map: Option<hashbrown::HashTable<u32>>,
}

impl KeyIndex {
    const LINEAR: usize = 16;

    fn hash(key: &str) -> u64 {
        use std::hash::{Hash as _, Hasher as _};
        let mut hasher = std::hash::DefaultHasher::new();
        key.hash(&mut hasher);
        hasher.finish()
    }

    fn insert(map: &mut hashbrown::HashTable<u32>, entries: &[Entry], index: usize) {
        let Some(key) = entries.get(index).map(|entry| entry.key.text.as_str()) else {
            return;
        };
        let rehash = |&at: &u32| {
            entries
                .get(at as usize)
                .map_or(0, |entry| KeyIndex::hash(&entry.key.text))
        };
        map.insert_unique(KeyIndex::hash(key), index as u32, rehash);
    }

    /// The index in `entries` of the entry named `key`.
    pub(crate) fn position(&mut self, entries: &[Entry], key: &str) -> Option<usize> {
        if self.map.is_none() {
            if entries.len() < Self::LINEAR {
                return entries.iter().position(|entry| entry.key.text == key);
            }
            let mut map = hashbrown::HashTable::with_capacity(entries.len() * 2);
            for index in 0..entries.len() {
                KeyIndex::insert(&mut map, entries, index);
            }
            self.map = Some(map);
        }
        let found = self.map.as_ref()?.find(KeyIndex::hash(key), |&at| {
            entries
                .get(at as usize)
                .is_some_and(|entry| entry.key.text == key)
        });
        found.map(|&at| at as usize)
    }

    /// Records the entry just pushed, the last of `entries`.
    pub(crate) fn pushed(&mut self, entries: &[Entry]) {
        if let Some(map) = &mut self.map {
            KeyIndex::insert(map, entries, entries.len().saturating_sub(1));
        }
    }
}

/// What made an input hazardous. The span is where it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IssueKind {
    Syntax {
        message: String,
    },
    DuplicateKey {
        key: String,
        first: Span,
    },
    MultipleDocuments,
    /// YAML aliases expand beyond [`MAX_ALIAS_NODES`] or [`MAX_ALIAS_BYTES`].
    AliasLimit,
    /// The document holds more than [`MAX_NODES`] nodes.
    TooManyNodes,
    TooDeep,
    /// A byte sequence that is not text in the file's encoding.
    InvalidText {
        encoding: Encoding,
    },
    TooLarge {
        bytes: usize,
    },
    NonScalarKey,
    ByteOrderMark,
    MixedLineEndings,
    /// A number that JSON cannot represent (`.inf`, `.nan`) was read as a string.
    NonFiniteNumber,
    /// Tabs before the first key of a YAML document that starts with blank lines: YAML forbids
    /// them, Gait's parser (goccy/go-yaml) skips them, and the tree is read as Gait reads it.
    TabBeforeKey,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseIssue {
    pub kind: IssueKind,
    pub span: Span,
}

impl IssueKind {
    /// The issue in words, for messages that carry no rule (the rules word their own).
    pub fn describe(&self) -> String {
        match self {
            IssueKind::Syntax { message } => format!("syntax error: {message}"),
            IssueKind::DuplicateKey { key, .. } => format!("duplicate key `{key}`"),
            IssueKind::MultipleDocuments => "more than one YAML document".to_owned(),
            IssueKind::AliasLimit => "YAML aliases expand beyond the allowed size".to_owned(),
            IssueKind::TooManyNodes => format!("more than {MAX_NODES} values"),
            IssueKind::TooDeep => format!("nested deeper than {MAX_DEPTH} levels"),
            IssueKind::InvalidText { encoding } => format!("invalid {}", encoding.name()),
            IssueKind::TooLarge { bytes } => {
                format!("{bytes} bytes, over the {MAX_INPUT_BYTES}-byte limit")
            }
            IssueKind::NonScalarKey => "a mapping key that is not a scalar".to_owned(),
            IssueKind::ByteOrderMark => "a byte-order mark".to_owned(),
            IssueKind::MixedLineEndings => "mixed line endings".to_owned(),
            IssueKind::NonFiniteNumber => "a number JSON cannot hold".to_owned(),
            IssueKind::TabBeforeKey => "a tab before the first key".to_owned(),
        }
    }
}

impl ParseIssue {
    /// `line:column: words` of this issue in `text`.
    pub fn located(&self, text: &str) -> String {
        let index = crate::span::LineIndex::new(text);
        let at = index.position(text, self.span.start, crate::span::ColumnUnit::Chars);
        format!(
            "{}:{}: {}",
            at.line.get(),
            at.column.get(),
            self.kind.describe()
        )
    }

    /// Whether the tree is unusable for validation after this issue.
    pub fn is_fatal(&self) -> bool {
        matches!(
            self.kind,
            IssueKind::Syntax { .. }
                | IssueKind::AliasLimit
                | IssueKind::TooManyNodes
                | IssueKind::TooDeep
                | IssueKind::InvalidText { .. }
                | IssueKind::TooLarge { .. }
        )
    }
}

/// The result of parsing one document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Document {
    pub root: Option<Node>,
    pub issues: Vec<ParseIssue>,
}

impl Document {
    pub fn is_usable(&self) -> bool {
        self.root.is_some() && !self.issues.iter().any(ParseIssue::is_fatal)
    }
}

/// Decodes bytes as text (see [`crate::source::text::decode`]); a bad sequence is an issue.
pub fn decode(bytes: &[u8]) -> (String, Option<ParseIssue>) {
    let (text, bad) = crate::source::text::decode(bytes);
    let issue = bad.map(|bad| ParseIssue {
        kind: IssueKind::InvalidText {
            encoding: bad.encoding,
        },
        span: bad.span,
    });
    (text, issue)
}

/// Parses `text` as `format`, recording text-level hazards (BOM, mixed line endings) too.
pub fn parse(text: &str, format: Format) -> Document {
    if text.len() > MAX_INPUT_BYTES {
        return Document {
            root: None,
            issues: vec![ParseIssue {
                kind: IssueKind::TooLarge { bytes: text.len() },
                span: Span::at(0),
            }],
        };
    }
    let (body, base) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, text.len() - rest.len()),
        None => (text, 0),
    };
    let mut document = match format {
        Format::Yaml => parse_yaml(body, base),
        Format::Json => json::parse(body, base),
    };
    if base > 0 {
        document.issues.push(ParseIssue {
            kind: IssueKind::ByteOrderMark,
            span: Span::new(0, base),
        });
    }
    if let Some(span) = mixed_line_endings(text) {
        document.issues.push(ParseIssue {
            kind: IssueKind::MixedLineEndings,
            span,
        });
    }
    // An error at the end of input points one past it; every span stays inside the text.
    let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
    for issue in &mut document.issues {
        issue.span.end = issue.span.end.min(len);
        issue.span.start = issue.span.start.min(issue.span.end);
    }
    document
}

/// YAML, read as Gait's parser (goccy/go-yaml) reads tabs before the first key: see
/// [`tab_before_first_key`].
fn parse_yaml(body: &str, base: usize) -> Document {
    let Some((text, tabs)) = tab_before_first_key(body) else {
        return yaml::parse(body, base);
    };
    let mut document = yaml::parse(&text, base);
    if document.issues.iter().any(ParseIssue::is_fatal) {
        return yaml::parse(body, base);
    }
    document.issues.push(ParseIssue {
        kind: IssueKind::TabBeforeKey,
        span: Span::new(base + tabs.start, base + tabs.end),
    });
    document
}

/// goccy/go-yaml skips the tabs that open the first content line of a document when only blank
/// lines come before it (`"\n\tdefault_verdict: allow\nrules: …"` is read as if the tab were
/// not there; YAML and gatelint's parser reject a tab used as indentation). Returns the text with
/// the tabs moved, as spaces, to the start of the blank lines — the same length, so every later
/// byte keeps its offset — and the byte range of the tabs.
fn tab_before_first_key(body: &str) -> Option<(String, std::ops::Range<usize>)> {
    let blank = body.len() - body.trim_start_matches(['\r', '\n']).len();
    let blank_lines = body.get(..blank)?;
    if blank == 0 || blank_lines.ends_with('\r') {
        return None;
    }
    let rest = body.get(blank..)?;
    let tabs = rest.len() - rest.trim_start_matches('\t').len();
    let after = rest.get(tabs..)?.chars().next()?;
    if tabs == 0 || after.is_whitespace() || after == '#' {
        return None;
    }
    let mut text = String::with_capacity(body.len());
    text.push_str(&" ".repeat(tabs));
    text.push_str(blank_lines);
    text.push_str(rest.get(tabs..)?);
    Some((text, blank..blank + tabs))
}

/// The first line ending that differs from the file's first one.
fn mixed_line_endings(text: &str) -> Option<Span> {
    if !text.contains('\r') {
        return None;
    }
    let bytes = text.as_bytes();
    let mut first_crlf: Option<bool> = None;
    for (index, byte) in bytes.iter().enumerate() {
        if *byte != b'\n' {
            continue;
        }
        let crlf = index > 0 && bytes.get(index - 1) == Some(&b'\r');
        match first_crlf {
            None => first_crlf = Some(crlf),
            Some(expected) if expected != crlf => {
                let start = if crlf { index - 1 } else { index };
                return Some(Span::new(start, index + 1));
            }
            Some(_) => {}
        }
    }
    None
}
