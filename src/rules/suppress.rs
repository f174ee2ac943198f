//! Inline suppressions: `# gatelint: ignore[rule-id, other-id] reason`. A comment at the end of a
//! line covers findings on that line; a comment alone on its line covers the next line. A
//! finding is covered when any line it spans is.

use crate::finding::{Finding, RuleId};
use crate::rules::SuppressionContext;
use crate::source::SourceFile;
use crate::span::Span;

/// One parsed suppression comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// 0-based line the comment covers.
    pub line: usize,
    pub rules: Vec<String>,
    pub reason: String,
    /// The span of the comment itself.
    pub span: Span,
}

const MARKER: &str = "gatelint: ignore[";

/// Every suppression comment of a YAML file (JSON has no comments).
pub fn parse(source: &SourceFile) -> Vec<Suppression> {
    let mut out = Vec::new();
    if !source.text.contains(MARKER) {
        return out;
    }
    for line in 0..source.lines().line_count() {
        let range = source.lines().line_range(&source.text, line);
        let start = range.start;
        let Some(text) = source.text.get(range) else {
            continue;
        };
        let Some(hash) = comment_start(text) else {
            continue;
        };
        let Some(comment) = text.get(hash + 1..) else {
            continue;
        };
        let body = comment.trim_start();
        let Some(rest) = body.strip_prefix(MARKER) else {
            continue;
        };
        let Some(close) = rest.find(']') else {
            continue;
        };
        let rules = rest
            .get(..close)
            .unwrap_or("")
            .split(',')
            .map(|rule| rule.trim().to_owned())
            .filter(|rule| !rule.is_empty())
            .collect();
        let reason = rest.get(close + 1..).unwrap_or("").trim().to_owned();
        let standalone = text
            .get(..hash)
            .is_some_and(|before| before.trim().is_empty());
        out.push(Suppression {
            line: if standalone { line + 1 } else { line },
            rules,
            reason,
            span: Span::new(start + hash, start + text.len()),
        });
    }
    out
}

/// The byte offset of the `#` that starts a comment, skipping `#` inside quoted scalars.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (index, c) in line.char_indices() {
        match quote {
            Some(open) if c == open => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && (index == 0 || previous.is_whitespace()) => return Some(index),
            None => {}
        }
        previous = c;
    }
    None
}

/// Removes the findings of `source` that a suppression covers; the suppression rules then
/// report the suppressions themselves (one that covers nothing, one without a reason, an
/// error rather than a note when `require_reason`). `known` tells whether a rule id exists.
pub fn apply_with(
    source: &SourceFile,
    findings: Vec<Finding>,
    known: impl Fn(&str) -> bool,
    require_reason: bool,
) -> Vec<Finding> {
    let suppressions = parse(source);
    if suppressions.is_empty() {
        return findings;
    }
    let mut used = vec![false; suppressions.len()];
    let mut kept = Vec::with_capacity(findings.len());
    for finding in findings {
        match hit(source, &suppressions, &finding) {
            Some(index) if finding.rule != RuleId("unused-suppression") => {
                if let Some(flag) = used.get_mut(index) {
                    *flag = true;
                }
            }
            _ => kept.push(finding),
        }
    }
    kept.extend(crate::rules::check_suppressions(&SuppressionContext {
        source,
        suppressions: &suppressions,
        used: &used,
        known: &known,
        require_reason,
    }));
    kept
}

/// The first of `suppressions` that covers `finding` (on one of its lines, naming its rule).
fn hit(source: &SourceFile, suppressions: &[Suppression], finding: &Finding) -> Option<usize> {
    let first = source.lines().line_of(finding.primary.span.start);
    let last = source.lines().line_of(
        finding
            .primary
            .span
            .end
            .saturating_sub(1)
            .max(finding.primary.span.start),
    );
    suppressions.iter().position(|suppression| {
        (first..=last).contains(&suppression.line)
            && suppression
                .rules
                .iter()
                .any(|rule| rule == finding.rule.as_str() || rule == "all")
    })
}

/// The span of the inline suppression in `source` that covers `finding`, if one does (for a
/// finding made after the file's suppression pass, as `merge` makes the coverage advice).
pub fn covering(source: &SourceFile, finding: &Finding) -> Option<Span> {
    if finding.primary.path != source.path {
        return None;
    }
    let suppressions = parse(source);
    let index = hit(source, &suppressions, finding)?;
    suppressions.get(index).map(|suppression| suppression.span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_trailing_and_standalone_comments() {
        let source = SourceFile::new(
            "a.yaml",
            "a: 1 # gatelint: ignore[unknown-key, out-of-range] legacy\n# gatelint: ignore[duplicate-key]\nb: '#x # gatelint: ignore[no]'\n",
        );
        let parsed = parse(&source);
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].line, 0);
        assert_eq!(parsed[0].rules, vec!["unknown-key", "out-of-range"]);
        assert_eq!(parsed[0].reason, "legacy");
        assert_eq!(parsed[1].line, 2);
    }
}
