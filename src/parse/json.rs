//! Strict JSON (RFC 8259) into the spanned tree. Hand-written so that every node keeps its byte
//! range, duplicate keys are seen, and depth is bounded.

use super::{
    Document, Entry, IssueKind, Key, KeyIndex, MAX_DEPTH, MAX_NODES, Node, ParseIssue, Value,
};
use crate::span::Span;

/// Parses one JSON document from `text`, whose first byte sits at `base` in the original file.
pub fn parse(text: &str, base: usize) -> Document {
    let mut parser = JsonParser {
        text,
        bytes: text.as_bytes(),
        at: 0,
        base,
        issues: Vec::new(),
        nodes: 0,
    };
    let root = parser.document();
    Document {
        root,
        issues: parser.issues,
    }
}

/// The tree [`parse`] gives for the JSON text of `value` (`value.to_string()`), but with every
/// span empty, built without printing the text and reading it back. `None` when that text could
/// reach one of the parser's limits ([`MAX_DEPTH`], [`MAX_NODES`], [`super::MAX_INPUT_BYTES`]):
/// the caller then parses the text, which reports exactly which. Printing a value gives a
/// document without syntax errors, duplicate keys or invalid text, and reading a printed
/// number back gives the number printed, so within the limits the trees are the same.
pub fn tree_of(value: &serde_json::Value) -> Option<Node> {
    let mut budget = Budget::default();
    let node = tree_at(value, 0, &mut budget)?;
    (budget.bytes <= super::MAX_INPUT_BYTES).then_some(node)
}

/// What the printed text of the values converted so far could hold at most.
#[derive(Default)]
struct Budget {
    /// Bytes: each string byte printed as a six-byte escape, each number in 32 bytes.
    bytes: usize,
    nodes: usize,
}

fn tree_at(value: &serde_json::Value, depth: usize, budget: &mut Budget) -> Option<Node> {
    use serde_json::Value as Json;
    budget.nodes += 1;
    if budget.nodes > MAX_NODES {
        return None;
    }
    let value = match value {
        Json::Null => {
            budget.bytes += 4;
            Value::Null
        }
        Json::Bool(flag) => {
            budget.bytes += 5;
            Value::Bool(*flag)
        }
        Json::Number(number) => {
            budget.bytes += 32;
            Value::Number(number.clone())
        }
        Json::String(text) => {
            budget.bytes += 2 + 6 * text.len();
            Value::String(text.clone())
        }
        Json::Array(items) => {
            if depth >= MAX_DEPTH {
                return None;
            }
            budget.bytes += 2 + items.len();
            Value::Seq(
                items
                    .iter()
                    .map(|item| tree_at(item, depth + 1, budget))
                    .collect::<Option<Vec<Node>>>()?,
            )
        }
        Json::Object(map) => {
            if depth >= MAX_DEPTH {
                return None;
            }
            budget.bytes += 2 + map.len();
            let mut entries = Vec::with_capacity(map.len());
            for (key, item) in map {
                budget.bytes += 3 + 6 * key.len();
                entries.push(Entry {
                    key: Key {
                        text: key.clone(),
                        span: Span::default(),
                    },
                    value: tree_at(item, depth + 1, budget)?,
                });
            }
            Value::Map(entries)
        }
    };
    Some(Node::new(Span::default(), value))
}

struct Failure {
    message: String,
    at: usize,
    kind: Option<IssueKind>,
}

type Parsed<T> = Result<T, Failure>;

struct JsonParser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    base: usize,
    issues: Vec<ParseIssue>,
    nodes: usize,
}

impl JsonParser<'_> {
    fn document(&mut self) -> Option<Node> {
        let result = self.skip_ws().and_then(|()| {
            if self.at >= self.bytes.len() {
                return Err(self.fail("expected a JSON value, found end of input"));
            }
            let node = self.value(0)?;
            self.skip_ws()?;
            if self.at < self.bytes.len() {
                return Err(self.fail("unexpected content after the JSON value"));
            }
            Ok(node)
        });
        match result {
            Ok(node) => Some(node),
            Err(failure) => {
                let at = failure.at + self.base;
                let end = (at + 1).min(self.base + self.bytes.len()).max(at);
                self.issues.push(ParseIssue {
                    kind: failure.kind.unwrap_or(IssueKind::Syntax {
                        message: failure.message,
                    }),
                    span: Span::new(at, end),
                });
                None
            }
        }
    }

    fn fail(&self, message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            at: self.at,
            kind: None,
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(start + self.base, end + self.base)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_ws(&mut self) -> Parsed<()> {
        let rest = self.bytes.get(self.at..).unwrap_or_default();
        self.at += rest
            .iter()
            .position(|byte| !matches!(byte, b' ' | b'\t' | b'\n' | b'\r'))
            .unwrap_or(rest.len());
        if self.peek() == Some(b'/') {
            return Err(self.fail("comments are not allowed in JSON"));
        }
        Ok(())
    }

    fn value(&mut self, depth: usize) -> Parsed<Node> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(Failure {
                message: String::new(),
                at: self.at,
                kind: Some(IssueKind::TooManyNodes),
            });
        }
        let start = self.at;
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => {
                let text = self.string()?;
                Ok(Node::new(self.span(start, self.at), Value::String(text)))
            }
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'\'') => Err(self.fail("strings must use double quotes")),
            Some(_) => Err(self.fail(format!(
                "expected a JSON value, found `{}`",
                self.text
                    .get(self.at..)
                    .and_then(|rest| rest.chars().next())
                    .unwrap_or('?')
            ))),
            None => Err(self.fail("unexpected end of input")),
        }
    }

    fn enter(&self, depth: usize) -> Parsed<()> {
        if depth >= MAX_DEPTH {
            return Err(Failure {
                message: String::new(),
                at: self.at,
                kind: Some(IssueKind::TooDeep),
            });
        }
        Ok(())
    }

    fn object(&mut self, depth: usize) -> Parsed<Node> {
        self.enter(depth)?;
        let start = self.at;
        self.at += 1;
        let mut entries: Vec<Entry> = Vec::new();
        let mut index = KeyIndex::default();
        self.skip_ws()?;
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Node::new(self.span(start, self.at), Value::Map(entries)));
        }
        loop {
            self.skip_ws()?;
            let key_start = self.at;
            if self.peek() != Some(b'"') {
                return Err(self.fail(if self.peek() == Some(b'}') {
                    "trailing comma before `}`"
                } else {
                    "expected a string key"
                }));
            }
            let text = self.string()?;
            let key = Key {
                text,
                span: self.span(key_start, self.at),
            };
            self.skip_ws()?;
            if self.peek() != Some(b':') {
                return Err(self.fail("expected `:` after the key"));
            }
            self.at += 1;
            self.skip_ws()?;
            let value = self.value(depth + 1)?;
            let entry = Entry { key, value };
            match index.position(&entries, &entry.key.text) {
                Some(existing) => {
                    if let Some(slot) = entries.get_mut(existing) {
                        self.issues.push(ParseIssue {
                            kind: IssueKind::DuplicateKey {
                                key: entry.key.text.clone(),
                                first: slot.key.span,
                            },
                            span: entry.key.span,
                        });
                        *slot = entry;
                    }
                }
                None => {
                    entries.push(entry);
                    index.pushed(&entries);
                }
            }
            self.skip_ws()?;
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Node::new(self.span(start, self.at), Value::Map(entries)));
                }
                _ => return Err(self.fail("expected `,` or `}`")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Parsed<Node> {
        self.enter(depth)?;
        let start = self.at;
        self.at += 1;
        let mut items = Vec::new();
        self.skip_ws()?;
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Node::new(self.span(start, self.at), Value::Seq(items)));
        }
        loop {
            self.skip_ws()?;
            if self.peek() == Some(b']') {
                return Err(self.fail("trailing comma before `]`"));
            }
            items.push(self.value(depth + 1)?);
            self.skip_ws()?;
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Node::new(self.span(start, self.at), Value::Seq(items)));
                }
                _ => return Err(self.fail("expected `,` or `]`")),
            }
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Parsed<Node> {
        let start = self.at;
        if self.bytes.get(self.at..self.at + word.len()) == Some(word.as_bytes()) {
            self.at += word.len();
            Ok(Node::new(self.span(start, self.at), value))
        } else {
            Err(self.fail("invalid literal (expected `true`, `false` or `null`)"))
        }
    }

    fn number(&mut self) -> Parsed<Node> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.fail("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if !self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
                return Err(self.fail("expected digits after `.`"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
                return Err(self.fail("expected digits in the exponent"));
            }
            self.digits();
        }
        let raw = self.text.get(start..self.at).unwrap_or("0");
        if let Some(number) = small_integer(raw) {
            return Ok(Node::new(self.span(start, self.at), Value::Number(number)));
        }
        let number = raw.parse::<serde_json::Number>().ok().or_else(|| {
            raw.parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
        });
        match number {
            Some(number) => Ok(Node::new(self.span(start, self.at), Value::Number(number))),
            None => Err(Failure {
                message: format!("number `{raw}` is out of range"),
                at: start,
                kind: None,
            }),
        }
    }

    fn digits(&mut self) {
        let rest = self.bytes.get(self.at..).unwrap_or_default();
        self.at += rest
            .iter()
            .position(|byte| !byte.is_ascii_digit())
            .unwrap_or(rest.len());
    }

    /// Moves past the characters that stand for themselves in a string (up to a quote, a
    /// backslash, a control character or the end).
    fn skip_plain(&mut self) {
        let rest = self.bytes.get(self.at..).unwrap_or_default();
        self.at += rest
            .iter()
            .position(|&byte| byte == b'"' || byte == b'\\' || byte < 0x20)
            .unwrap_or(rest.len());
    }

    fn string(&mut self) -> Parsed<String> {
        self.at += 1;
        let run_start = self.at;
        self.skip_plain();
        // Most strings have no escape: one copy of the run, sized exactly.
        if self.peek() == Some(b'"') {
            let text = self.text.get(run_start..self.at).unwrap_or("").to_owned();
            self.at += 1;
            return Ok(text);
        }
        let mut out = String::from(self.text.get(run_start..self.at).unwrap_or(""));
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    self.escape(&mut out)?;
                }
                Some(_) => return Err(self.fail("control character in string (escape it)")),
                None => return Err(self.fail("unterminated string")),
            }
            let run_start = self.at;
            self.skip_plain();
            out.push_str(self.text.get(run_start..self.at).unwrap_or(""));
        }
    }

    fn escape(&mut self, out: &mut String) -> Parsed<()> {
        let Some(byte) = self.peek() else {
            return Err(self.fail("unterminated escape"));
        };
        self.at += 1;
        match byte {
            b'"' => out.push('"'),
            b'\\' => out.push('\\'),
            b'/' => out.push('/'),
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'u' => {
                let first = self.hex4()?;
                let code = if (0xD800..0xDC00).contains(&first) {
                    if self.bytes.get(self.at..self.at + 2) != Some(b"\\u") {
                        return Err(self.fail("unpaired surrogate in `\\u` escape"));
                    }
                    self.at += 2;
                    let second = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&second) {
                        return Err(self.fail("invalid low surrogate in `\\u` escape"));
                    }
                    0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                } else {
                    first
                };
                match char::from_u32(code) {
                    Some(c) => out.push(c),
                    None => return Err(self.fail("invalid `\\u` escape")),
                }
            }
            _ => {
                self.at -= 1;
                return Err(self.fail("invalid escape"));
            }
        }
        Ok(())
    }

    fn hex4(&mut self) -> Parsed<u32> {
        let digits = self
            .text
            .get(self.at..self.at + 4)
            .filter(|digits| digits.bytes().all(|byte| byte.is_ascii_hexdigit()))
            .ok_or_else(|| self.fail("expected four hex digits"))?;
        self.at += 4;
        u32::from_str_radix(digits, 16).map_err(|_| self.fail("expected four hex digits"))
    }
}

/// The number `raw` stands for when it is a plain integer of at most 18 digits (every such value
/// fits an `i64`), read without going through `serde_json`'s parser. `-0` is left to that
/// parser, which reads it as a float.
fn small_integer(raw: &str) -> Option<serde_json::Number> {
    let (negative, digits) = match raw.strip_prefix('-') {
        Some(digits) => (true, digits),
        None => (false, raw),
    };
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let value = digits
        .bytes()
        .fold(0_i64, |value, digit| value * 10 + i64::from(digit - b'0'));
    match (negative, value) {
        (false, value) => Some(serde_json::Number::from(value)),
        (true, 0) => None,
        (true, value) => Some(serde_json::Number::from(-value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn without_spans(node: &Node) -> Node {
        let value = match &node.value {
            Value::Seq(items) => Value::Seq(items.iter().map(without_spans).collect()),
            Value::Map(entries) => Value::Map(
                entries
                    .iter()
                    .map(|entry| Entry {
                        key: Key {
                            text: entry.key.text.clone(),
                            span: Span::default(),
                        },
                        value: without_spans(&entry.value),
                    })
                    .collect(),
            ),
            other => other.clone(),
        };
        Node::new(Span::default(), value)
    }

    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value as Json;
        let leaf = prop_oneof![
            Just(Json::Null),
            any::<bool>().prop_map(Json::Bool),
            any::<i64>().prop_map(Json::from),
            any::<u64>().prop_map(Json::from),
            any::<f64>().prop_map(Json::from),
            "[a-z\"\\\u{0}-\u{1f}\u{e9}\u{2028}\u{1f600}]{0,6}".prop_map(Json::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
                proptest::collection::vec(("[a-c\u{e9}]{0,3}", inner), 0..6).prop_map(|entries| {
                    serde_json::Value::Object(entries.into_iter().collect())
                }),
            ]
        })
    }

    proptest! {
        #[test]
        fn a_value_s_tree_is_the_tree_of_its_text(value in json_value()) {
            let text = value.to_string();
            let document = parse(&text, 0);
            prop_assert!(document.issues.is_empty(), "{:?}", document.issues);
            let parsed = document.root.as_ref().map(without_spans);
            prop_assert_eq!(tree_of(&value), parsed);
        }
    }

    #[test]
    fn a_value_has_a_tree_exactly_when_its_text_is_within_the_depth_limit() {
        let mut outcomes = Vec::new();
        for levels in [MAX_DEPTH - 2, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1] {
            for leaf in [
                serde_json::json!(1),
                serde_json::json!([]),
                serde_json::json!({}),
            ] {
                let mut value = leaf;
                for level in 0..levels {
                    value = if level % 2 == 0 {
                        serde_json::json!([value])
                    } else {
                        serde_json::json!({"a": value})
                    };
                }
                let fatal = parse(&value.to_string(), 0)
                    .issues
                    .iter()
                    .any(ParseIssue::is_fatal);
                assert_eq!(tree_of(&value).is_none(), fatal, "{levels} levels");
                outcomes.push(fatal);
            }
        }
        assert!(outcomes.contains(&true) && outcomes.contains(&false));
    }

    #[test]
    fn parses_with_spans() {
        let text = "{\n  \"a\": [1, 2.5, \"x\\u00e9\"],\n  \"b\": {\"c\": null}\n}";
        let document = parse(text, 0);
        let root = document
            .root
            .unwrap_or_else(|| Node::new(Span::at(0), Value::Null));
        assert_eq!(
            root.to_json(),
            serde_json::json!({"a": [1, 2.5, "xé"], "b": {"c": null}})
        );
        let b = root.entry("b").map(|entry| &text[entry.key.span.range()]);
        assert_eq!(b, Some("\"b\""));
    }

    #[test]
    fn errors_point_at_the_problem() {
        let text = "{\"a\": 1,\n \"b\": tru}";
        let document = parse(text, 0);
        let issue = document.issues.first().map(|issue| issue.span.start);
        assert_eq!(issue, Some(text.find("tru").unwrap_or(0) as u32));
    }

    #[test]
    fn small_integers_read_as_serde_json_reads_them() {
        for raw in [
            "0",
            "7",
            "-7",
            "-0",
            "10",
            "420",
            "999999999999999999",
            "-999999999999999999",
            "1000000000000000000",
            "9223372036854775807",
            "-9223372036854775808",
            "18446744073709551615",
            "18446744073709551616",
            "1.5",
            "1e3",
            "-0.0",
        ] {
            let document = parse(raw, 0);
            let expected = raw.parse::<serde_json::Number>().ok().or_else(|| {
                raw.parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
            });
            let found = match document.root.map(|root| root.value) {
                Some(Value::Number(number)) => Some(number),
                _ => None,
            };
            assert_eq!(found, expected, "{raw}");
            assert_eq!(
                found.map(|number| (number.is_u64(), number.is_i64(), number.to_string())),
                expected.map(|number| (number.is_u64(), number.is_i64(), number.to_string())),
                "{raw}"
            );
        }
    }

    #[test]
    fn strings_with_and_without_escapes() {
        let text = r#"["plain", "", "a\"b", "x\u00e9y\n", "tail\\"]"#;
        let root = parse(text, 0).root.map(|root| root.to_json());
        assert_eq!(
            root,
            Some(serde_json::json!(["plain", "", "a\"b", "xéy\n", "tail\\"]))
        );
        for bad in ["\"abc", "\"a\u{1}b\"", "\"a\\", "\"a\\q\"", "  /"] {
            assert!(parse(bad, 0).root.is_none(), "{bad}");
        }
    }

    #[test]
    fn duplicates_and_depth() {
        let document = parse("{\"a\":1,\"a\":2}", 0);
        assert!(matches!(
            document.issues.first().map(|i| &i.kind),
            Some(IssueKind::DuplicateKey { .. })
        ));
        let deep = "[".repeat(100_000);
        let document = parse(&deep, 0);
        assert!(matches!(
            document.issues.first().map(|i| &i.kind),
            Some(IssueKind::TooDeep)
        ));
    }
}
