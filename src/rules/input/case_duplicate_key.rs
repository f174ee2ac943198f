use crate::declare_rule;
use crate::finding::{Applicability, Edit, Fix};
use crate::rules::{FileContext, Rule, Sink};
use crate::schema::IssueKind;
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Reports a key repeated in one mapping with different letter case (`MinCompositeScore` and
    /// `minCompositeScore`, or environments `Production` and `production`).
    ///
    /// ## Why is this bad?
    /// .NET configuration keys are case-insensitive: both spellings bind to the same option and one
    /// silently overrides the other, depending on order.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true
    ///     enabled: false
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true
    /// ```
    ///
    /// ## Fix
    /// When both spellings bind the same value, the repeated entry is removed (a safe fix: the
    /// service binds the same configuration). When the values differ, which one was meant is
    /// for the author to decide, and there is no fix.
    pub struct CaseDuplicateKey {
        id: "case-duplicate-key",
        summary: "the same key twice with different case",
        severity: Error,
        since: "0.1.0",
        invalid_input: true,
        security_severity: "5.0",
        fix: Sometimes,
    }
}

impl Rule for CaseDuplicateKey {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        for issue in cx.schema_issues {
            let IssueKind::CaseDuplicate {
                first,
                entry,
                previous_end,
                same_value,
            } = &issue.kind
            else {
                continue;
            };
            let mut finding = Self::META
                .finding(
                    cx.at(issue.span, issue.pointer.clone()),
                    issue.message.clone(),
                )
                .with_related(cx.at(*first, issue.pointer.clone()), "first spelling here");
            if *same_value && let Some(span) = removal(&cx.source.text, *entry, *previous_end) {
                finding = finding.with_fix(Fix::single(
                    Applicability::Safe,
                    format!("remove the repeated `{}`", cx.source.slice(issue.span)),
                    Edit::delete(span),
                ));
            }
            out.push(finding);
        }
    }
}

/// The text to delete to remove `entry` from its mapping: its whole lines in a block mapping
/// (with a comment after the value), or the separator before it and the entry in a flow
/// mapping or JSON object. `None` when the entry shares its lines with other content.
fn removal(text: &str, entry: Span, previous_end: u32) -> Option<Span> {
    let (start, end) = (entry.start as usize, entry.end as usize);
    let between = text.get(previous_end as usize..start)?;
    let separator: String = between
        .lines()
        .map(|line| line.split_once('#').map_or(line, |(code, _)| code))
        .collect::<String>();
    match separator.trim() {
        "" => {
            // Block style: the entry's lines, from the start of the key's line to the end of the
            // value's line.
            let line_start = text.get(..start)?.rfind('\n').map_or(0, |at| at + 1);
            if !text.get(line_start..start)?.trim().is_empty() {
                return None;
            }
            let rest = text.get(end..)?;
            let line_end = if text.get(..end)?.ends_with('\n') {
                end
            } else {
                let tail_len = rest.find('\n').map_or(rest.len(), |at| at + 1);
                let tail = rest.get(..tail_len)?.trim();
                if !(tail.is_empty() || tail.starts_with('#')) {
                    return None;
                }
                end + tail_len
            };
            Some(Span::new(line_start, line_end))
        }
        "," if !between.contains('#') => Some(Span::new(previous_end as usize, end)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remove(text: &str, key: &str, previous: &str, value_end: &str) -> Option<String> {
        let start = text.rfind(key)?;
        let previous_end = text.find(previous)? + previous.len();
        let end = start + text.get(start..)?.find(value_end)? + value_end.len();
        let span = removal(text, Span::new(start, end), previous_end as u32)?;
        let mut out = text.to_owned();
        out.replace_range(span.range(), "");
        Some(out)
    }

    #[test]
    fn removes_block_lines_and_flow_entries() {
        assert_eq!(
            remove(
                "A:\n  Enabled: true\n  enabled: true # again\n  B: 1\n",
                "enabled",
                "true",
                "true"
            )
            .as_deref(),
            Some("A:\n  Enabled: true\n  B: 1\n")
        );
        assert_eq!(
            remove(
                "{\"Enabled\": true,\n \"enabled\": true\n}",
                "\"enabled\"",
                "true",
                "true"
            )
            .as_deref(),
            Some("{\"Enabled\": true\n}")
        );
        assert_eq!(
            remove("{Enabled: true, enabled: true}", "enabled", "true", "true").as_deref(),
            Some("{Enabled: true}")
        );
        // Another entry on the same line: not removed.
        assert_eq!(remove("A: 1\nB: 2\na: 1; C\n", "a: 1", "2", "1"), None);
    }
}
