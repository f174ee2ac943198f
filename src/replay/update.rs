//! `--update`: the edits that make a failing case's `expect` state what the evaluator decided.
//!
//! Only what failed is rewritten, and only in place: the `verdict`; the `gate`, `rule`,
//! `message` and `exit_code` a case already asserts; its `reasons`, set to the reasons decided.
//! An assertion the decision has nothing for (a `gate` where no gate decided, `reasons` where
//! none were given) is removed with its line. Each edit replaces the bytes of one value (or
//! removes one entry), so comments, layout and the quoting of everything else stay as written.
//! A value is written in the suite's own syntax: JSON in `.json`/`.jsonl` suites; in YAML a
//! plain scalar where that reads back as the same string, else a double-quoted one, and a
//! block sequence stays a block sequence.

use crate::finding::{Applicability, Edit, Fix};
use crate::parse::{Format, Node, Value, parse};
use crate::span::Span;

use super::outcome::{Actual, CaseResult, CaseStatus};
use super::suite::Expect;

/// For each case of `cases` (failed cases of the suite at `path`, whose text is `text`), the fix
/// that updates its expectation; `None` where there is nothing to update or the case's
/// `expect` cannot be found where the replay saw it.
pub fn expectation_fixes(path: &str, text: &str, cases: &[&CaseResult]) -> Vec<Option<Fix>> {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".jsonl") {
        return cases
            .iter()
            .map(|case| {
                let line = text.get(case.span().range())?;
                let document = parse(line, Format::Json);
                let root = document.root.as_ref().filter(|_| document.is_usable())?;
                let syntax = Syntax {
                    text: line,
                    json: true,
                    base: case.span_start,
                };
                case_fix(&syntax, root, case)
            })
            .collect();
    }
    let json = lower.ends_with(".json");
    let document = parse(text, if json { Format::Json } else { Format::Yaml });
    let nodes = document
        .root
        .as_ref()
        .filter(|_| document.is_usable())
        .and_then(|root| root.get("cases"))
        .and_then(Node::as_seq)
        .unwrap_or_default();
    let syntax = Syntax {
        text,
        json,
        base: 0,
    };
    cases
        .iter()
        .map(|case| {
            let node = nodes.get(case.index)?;
            // The replay and this parse must agree on where the case is.
            (node.span.start == case.span_start).then_some(())?;
            case_fix(&syntax, node, case)
        })
        .collect()
}

/// The text a case is in, and how its values are written.
struct Syntax<'t> {
    /// The text the node spans index (the whole suite, or one JSONL line).
    text: &'t str,
    json: bool,
    /// Where `text` starts in the file.
    base: u32,
}

impl Syntax<'_> {
    fn at(&self, span: Span) -> Span {
        Span {
            start: span.start.saturating_add(self.base),
            end: span.end.saturating_add(self.base),
        }
    }

    fn string(&self, value: &str, original: Option<&Node>) -> String {
        let quoted = original
            .and_then(|node| self.text.get(node.span.range()))
            .is_some_and(|written| written.starts_with(['"', '\'']));
        if self.json || quoted || !plain_safe(value) {
            serde_json::to_string(value).unwrap_or_else(|_| format!("\"{value}\""))
        } else {
            value.to_owned()
        }
    }

    /// `reasons` written over `original`: a block sequence stays one, at its indentation.
    fn list(&self, values: &[String], original: &Node) -> String {
        let items: Vec<String> = values
            .iter()
            .map(|value| {
                let first = original.as_seq().and_then(<[Node]>::first);
                self.string(value, first)
            })
            .collect();
        let written = self.text.get(original.span.range()).unwrap_or_default();
        if !self.json && written.starts_with('-') {
            let start = original.span.range().start;
            let line_start = self
                .text
                .get(..start)
                .and_then(|before| before.rfind('\n'))
                .map_or(0, |at| at + 1);
            let indent = self.text.get(line_start..start).unwrap_or_default();
            if indent.chars().all(|c| c == ' ') {
                return items
                    .iter()
                    .map(|item| format!("- {item}"))
                    .collect::<Vec<_>>()
                    .join(&format!("\n{indent}"));
            }
        }
        format!("[{}]", items.join(", "))
    }

    /// Removes one entry of the `expect` mapping: its whole line in a block mapping, the entry
    /// and one separating comma in a flow mapping. `None` when the entry shares its line with
    /// more than a comment.
    fn remove(&self, expect: &Node, key: &str) -> Option<Edit> {
        let entries = expect.as_map()?;
        let at = entries.iter().position(|entry| entry.key.text == key)?;
        let entry = entries.get(at)?;
        let bytes = self.text.as_bytes();
        let (key_start, value_end) = (entry.key.span.range().start, entry.value.span.range().end);
        let flow = self
            .text
            .get(expect.span.range())
            .is_some_and(|written| written.starts_with('{'));
        if flow {
            let before = self.text.get(..key_start)?.trim_end();
            let span = if before.ends_with(',') {
                Span::new(before.len() - 1, value_end)
            } else {
                // The first entry: through the comma after it and the space before the next.
                let after = self.text.get(value_end..)?;
                let comma = after.find(',')?;
                let rest = after.get(comma + 1..)?;
                let gap = rest.len() - rest.trim_start().len();
                Span::new(key_start, value_end + comma + 1 + gap)
            };
            return Some(Edit::delete(self.at(span)));
        }
        let line_start = self
            .text
            .get(..key_start)?
            .rfind('\n')
            .map_or(0, |at| at + 1);
        let indent = self.text.get(line_start..key_start)?;
        let line_end = self
            .text
            .get(value_end..)?
            .find('\n')
            .map_or(bytes.len(), |at| value_end + at + 1);
        let tail = self.text.get(value_end..line_end)?.trim();
        if !indent.chars().all(|c| c == ' ') || !(tail.is_empty() || tail.starts_with('#')) {
            return None;
        }
        Some(Edit::delete(self.at(Span::new(line_start, line_end))))
    }
}

/// Whether `value` written as a plain YAML scalar reads back as that string.
fn plain_safe(value: &str) -> bool {
    const RESERVED: [&str; 11] = [
        "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~", "",
    ];
    let mut chars = value.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !RESERVED.contains(&value.to_ascii_lowercase().as_str())
}

/// The fields a failed comparison names (`verdict`, `gate`, …).
fn failed_fields(case: &CaseResult) -> Vec<&str> {
    let mut fields: Vec<&str> = case
        .mismatches
        .iter()
        .filter_map(|mismatch| mismatch.split_once(':').map(|(field, _)| field.trim()))
        .collect();
    fields.dedup();
    fields
}

fn case_fix(syntax: &Syntax<'_>, case_node: &Node, case: &CaseResult) -> Option<Fix> {
    if case.status != CaseStatus::Failed {
        return None;
    }
    let (expected, actual) = (case.expected.as_ref()?, case.actual.as_ref()?);
    let expect = case_node.get("expect")?;
    if !matches!(expect.value, Value::Map(_)) {
        return None;
    }
    let mut edits = Vec::new();
    let mut said = Vec::new();
    for field in failed_fields(case) {
        let Some(entry) = expect.entry(field) else {
            continue;
        };
        let (edit, change) = field_edit(syntax, expect, field, &entry.value, expected, actual)?;
        edits.push(edit);
        said.push(change);
    }
    Fix::new(
        Applicability::Update,
        format!("update case `{}`: {}", case.name, said.join(", ")),
        edits,
    )
}

fn set(syntax: &Syntax<'_>, node: &Node, content: String) -> Edit {
    Edit::replace(syntax.at(node.span), content)
}

fn field_edit(
    syntax: &Syntax<'_>,
    expect: &Node,
    field: &str,
    node: &Node,
    expected: &Expect,
    actual: &Actual,
) -> Option<(Edit, String)> {
    let optional = |was: &Option<String>, now: &Option<String>| match now {
        Some(now) => Some((
            set(syntax, node, syntax.string(now, Some(node))),
            format!("{field} `{}` → `{now}`", was.as_deref().unwrap_or_default()),
        )),
        None => Some((syntax.remove(expect, field)?, format!("{field} removed"))),
    };
    match field {
        "verdict" => Some((
            set(syntax, node, syntax.string(&actual.verdict, Some(node))),
            format!("verdict `{}` → `{}`", expected.verdict, actual.verdict),
        )),
        "gate" => optional(&expected.gate, &actual.gate),
        "rule" => optional(&expected.rule, &actual.rule),
        "message" => optional(&expected.message, &actual.message),
        "exit_code" => Some((
            set(syntax, node, actual.exit_code.to_string()),
            format!(
                "exit_code {} → {}",
                expected
                    .exit_code
                    .map(|code| code.to_string())
                    .unwrap_or_default(),
                actual.exit_code
            ),
        )),
        "reasons" if actual.reasons.is_empty() => {
            Some((syntax.remove(expect, field)?, "reasons removed".to_owned()))
        }
        "reasons" => Some((
            set(syntax, node, syntax.list(&actual.reasons, node)),
            format!("reasons [{}]", actual.reasons.join(", ")),
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::apply_fixes;

    fn failed(text: &str, index: usize, expected: Expect, actual: Actual) -> CaseResult {
        let suite = crate::replay::suite::parse_document("s.fixtures.yaml", text);
        let start = suite
            .ok()
            .and_then(|suite| suite.cases.get(index).map(|case| case.span.start))
            .unwrap_or_default();
        let mismatches = crate::replay::compare::compare(&expected, &actual);
        CaseResult {
            index,
            name: format!("c{index}"),
            line: 1,
            span_start: start,
            span_end: start,
            status: CaseStatus::Failed,
            expected: Some(expected),
            actual: Some(actual),
            mismatches,
            error: None,
        }
    }

    fn updated(path: &str, text: &str, case: &CaseResult) -> String {
        let fixes = expectation_fixes(path, text, &[case]);
        apply_fixes(text, fixes.iter().flatten()).text
    }

    fn blocked() -> Actual {
        Actual {
            verdict: "Blocked".into(),
            gate: Some("VexTrust".into()),
            reasons: vec!["composite_score".into(), "issuer_verified".into()],
            ..Actual::default()
        }
    }

    #[test]
    fn a_block_expectation_keeps_its_comments_and_layout() {
        let text = "kind: gatelint.fixtures/v1\ncases:\n  - name: c0\n    input: {}\n    expect:\n      verdict: Pass  # was fine\n      gate: Other\n      reasons:\n        - composite_score\n    # after\n";
        let expected = Expect {
            verdict: "Pass".into(),
            gate: Some("Other".into()),
            reasons: vec!["x".into()],
            ..Expect::default()
        };
        let case = failed(text, 0, expected, blocked());
        assert_eq!(
            updated("s.fixtures.yaml", text, &case),
            "kind: gatelint.fixtures/v1\ncases:\n  - name: c0\n    input: {}\n    expect:\n      verdict: Blocked  # was fine\n      gate: VexTrust\n      reasons:\n        - composite_score\n        - issuer_verified\n    # after\n"
        );
    }

    #[test]
    fn an_assertion_the_decision_lacks_is_removed_with_its_line() {
        let text = "kind: gatelint.fixtures/v1\ncases:\n  - name: c0\n    expect:\n      verdict: Blocked\n      gate: VexTrust\n      reasons: [x]\n";
        let expected = Expect {
            verdict: "Blocked".into(),
            gate: Some("VexTrust".into()),
            reasons: vec!["x".into()],
            ..Expect::default()
        };
        let actual = Actual {
            verdict: "Pass".into(),
            ..Actual::default()
        };
        let case = failed(text, 0, expected, actual);
        assert_eq!(
            updated("s.fixtures.yaml", text, &case),
            "kind: gatelint.fixtures/v1\ncases:\n  - name: c0\n    expect:\n      verdict: Pass\n"
        );
    }

    #[test]
    fn a_flow_expectation_stays_on_its_line() {
        let text = "kind: gatelint.fixtures/v1\ncases:\n  - {name: c0, expect: {gate: Other, verdict: Pass, message: 'a: b'}}\n";
        let expected = Expect {
            verdict: "Pass".into(),
            gate: Some("Other".into()),
            message: Some("a: b".into()),
            ..Expect::default()
        };
        let actual = Actual {
            verdict: "Warned".into(),
            message: Some("trust: low".into()),
            ..Actual::default()
        };
        let case = failed(text, 0, expected, actual);
        assert_eq!(
            updated("s.fixtures.yaml", text, &case),
            "kind: gatelint.fixtures/v1\ncases:\n  - {name: c0, expect: {verdict: Warned, message: \"trust: low\"}}\n"
        );
    }

    #[test]
    fn json_suites_get_json_values() {
        let text = "{\"cases\": [{\"name\": \"c0\", \"expect\": {\"verdict\": \"Pass\", \"reasons\": [\"x\"], \"exit_code\": 0}}]}";
        let expected = Expect {
            verdict: "Pass".into(),
            reasons: vec!["x".into()],
            exit_code: Some(0),
            ..Expect::default()
        };
        let mut actual = blocked();
        actual.exit_code = 3;
        let document = parse(text, Format::Json);
        let start = document
            .root
            .as_ref()
            .and_then(|root| root.get("cases"))
            .and_then(Node::as_seq)
            .and_then(<[Node]>::first)
            .map(|node| node.span.start)
            .unwrap_or_default();
        let mut case = failed(text, 0, expected, actual);
        case.span_start = start;
        assert_eq!(
            updated("s.fixtures.json", text, &case),
            "{\"cases\": [{\"name\": \"c0\", \"expect\": {\"verdict\": \"Blocked\", \"reasons\": [\"composite_score\", \"issuer_verified\"], \"exit_code\": 3}}]}"
        );
    }

    #[test]
    fn a_jsonl_case_is_edited_inside_its_line() {
        let header = "{\"kind\": \"gatelint.fixtures/v1\"}\n";
        let line = "{\"name\": \"c0\", \"expect\": {\"verdict\": \"Pass\"}}";
        let text = format!("{header}{line}\n");
        let expected = Expect {
            verdict: "Pass".into(),
            ..Expect::default()
        };
        let mut case = failed(&text, 0, expected, blocked());
        case.span_start = u32::try_from(header.len()).unwrap_or_default();
        case.span_end = u32::try_from(header.len() + line.len()).unwrap_or_default();
        assert_eq!(
            updated("s.fixtures.jsonl", &text, &case),
            format!("{header}{{\"name\": \"c0\", \"expect\": {{\"verdict\": \"Blocked\"}}}}\n")
        );
    }

    #[test]
    fn a_case_the_parse_does_not_find_where_the_replay_saw_it_is_left() {
        let text =
            "kind: gatelint.fixtures/v1\ncases:\n  - name: c0\n    expect: {verdict: Pass}\n";
        let expected = Expect {
            verdict: "Pass".into(),
            ..Expect::default()
        };
        let mut case = failed(text, 0, expected, blocked());
        case.span_start += 1;
        assert_eq!(
            expectation_fixes("s.fixtures.yaml", text, &[&case]),
            vec![None]
        );
    }

    #[test]
    fn plain_scalars_only_where_they_read_back_as_strings() {
        assert!(plain_safe("require_approval"));
        assert!(plain_safe("VexTrust"));
        for value in ["true", "No", "1abc", "a: b", "a #b", "", "~", "-x"] {
            assert!(!plain_safe(value), "{value}");
        }
    }
}
