//! The one vocabulary every stage reports in: a finding has exactly one primary location and any
//! number of related ones.

use std::sync::Arc;

use crate::span::Span;

/// How serious a finding is. Ordered from least to most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "note" => Some(Severity::Note),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stable kebab-case rule id (`unknown-key`). Ids are never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleId(pub &'static str);

impl RuleId {
    pub fn as_str(self) -> &'static str {
        self.0
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// A place in one scanned file: a repository-relative path (always `/`-separated), a byte span,
/// and the JSON pointer of the node it names (empty for the whole document or a text position).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub path: Arc<str>,
    pub span: Span,
    pub pointer: String,
}

impl Location {
    pub fn new(path: Arc<str>, span: Span, pointer: impl Into<String>) -> Self {
        Location {
            path,
            span,
            pointer: pointer.into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

/// One diagnostic. Construct it with [`Finding::new`]; the primary location is required.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: RuleId,
    pub severity: Severity,
    pub message: String,
    pub primary: Location,
    pub related: Vec<Related>,
    /// A short suggestion shown under the snippet (`did you mean `MinCompositeScore`?`).
    pub help: Option<String>,
    /// The edit that resolves the finding, when the rule knows one.
    pub fix: Option<Fix>,
}

impl Finding {
    pub fn new(
        rule: RuleId,
        severity: Severity,
        primary: Location,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            rule,
            severity,
            message: message.into(),
            primary,
            related: Vec::new(),
            help: None,
            fix: None,
        }
    }

    #[must_use]
    pub fn with_related(mut self, location: Location, message: impl Into<String>) -> Self {
        self.related.push(Related {
            location,
            message: message.into(),
        });
        self
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Attaches the fix that resolves the finding (its edits are on the primary location's file).
    #[must_use]
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// [`Finding::with_fix`] when there is a fix.
    #[must_use]
    pub fn with_fix_if(mut self, fix: Option<Fix>) -> Self {
        if fix.is_some() {
            self.fix = fix;
        }
        self
    }

    /// The total order findings are reported in: path, position, rule, message.
    pub fn sort_key(&self) -> (&str, Span, &str, &str) {
        (
            &self.primary.path,
            self.primary.span,
            self.rule.0,
            &self.message,
        )
    }
}

/// Sorts findings into their one reporting order and drops exact duplicates.
pub fn sort_findings(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
}

/// How sure a fix is to keep what the file means, as ruff grades its fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// Keeps the file's meaning or restores the one the author evidently meant: applied by
    /// `check --fix`.
    Safe,
    /// Probably right, but it may change what the file means: applied only with
    /// `--unsafe-fixes`.
    Unsafe,
    /// Makes a fixture's expectation state what the policy now decides: applied only by
    /// `--update`, when the new decision is intended.
    Update,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::Update => "update",
        }
    }
}

/// Replaces the bytes of `span` in the original text with `content` (an empty span inserts, an
/// empty content deletes).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edit {
    pub span: Span,
    pub content: String,
}

impl Edit {
    pub fn replace(span: Span, content: impl Into<String>) -> Self {
        Edit {
            span,
            content: content.into(),
        }
    }

    pub fn delete(span: Span) -> Self {
        Edit::replace(span, "")
    }
}

/// Text edits on one file that resolve a finding. The edits are byte ranges on the text the
/// finding was found in, so applying them keeps every other byte (comments, layout) as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// Sorted by position, not overlapping.
    edits: Vec<Edit>,
    pub applicability: Applicability,
    /// What the fix does, in the imperative (`rename `A` to `B``).
    pub description: String,
}

impl Fix {
    /// A fix made of `edits`; `None` when two of them overlap.
    pub fn new(
        applicability: Applicability,
        description: impl Into<String>,
        mut edits: Vec<Edit>,
    ) -> Option<Fix> {
        edits.sort();
        let overlapping = edits
            .windows(2)
            .any(|pair| matches!(pair, [a, b] if a.span.end > b.span.start));
        (!overlapping && !edits.is_empty()).then(|| Fix {
            edits,
            applicability,
            description: description.into(),
        })
    }

    /// A fix of one edit.
    pub fn single(applicability: Applicability, description: impl Into<String>, edit: Edit) -> Fix {
        Fix {
            edits: vec![edit],
            applicability,
            description: description.into(),
        }
    }

    pub fn edits(&self) -> &[Edit] {
        &self.edits
    }
}

/// The text after some fixes, and how many of them were applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub text: String,
    pub applied: usize,
    /// What the applied fixes do, in the order given (a duplicate once).
    pub descriptions: Vec<(Applicability, String)>,
}

/// Applies `fixes` to `text` in the order given: a fix whose edits overlap an edit already
/// taken is skipped (a later pass, on the new text, may apply it), a fix with the same edits as
/// one already taken counts as applied with it, and a fix that does not fit the text (out of
/// range, or not on character boundaries) is skipped.
pub fn apply_fixes<'f>(text: &str, fixes: impl IntoIterator<Item = &'f Fix>) -> Applied {
    let mut taken: Vec<&'f Fix> = Vec::new();
    let mut applied = 0;
    for fix in fixes {
        if taken.iter().any(|other| other.edits == fix.edits) {
            applied += 1;
            continue;
        }
        let fits = fix.edits.iter().all(|edit| {
            edit.span.end as usize <= text.len()
                && text.is_char_boundary(edit.span.start as usize)
                && text.is_char_boundary(edit.span.end as usize)
        });
        let clashes = taken
            .iter()
            .flat_map(|other| &other.edits)
            .any(|edit| fix.edits.iter().any(|mine| overlaps(mine.span, edit.span)));
        if fits && !clashes {
            taken.push(fix);
            applied += 1;
        }
    }
    let mut edits: Vec<&Edit> = taken.iter().flat_map(|fix| &fix.edits).collect();
    edits.sort();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in edits {
        out.push_str(text.get(at..edit.span.start as usize).unwrap_or(""));
        out.push_str(&edit.content);
        at = edit.span.end as usize;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    let descriptions = taken
        .iter()
        .map(|fix| (fix.applicability, fix.description.clone()))
        .collect();
    Applied {
        text: out,
        applied,
        descriptions,
    }
}

/// Whether two edits cannot both apply: their ranges share a byte, or both insert at one
/// point (their order would be arbitrary), or one inserts strictly inside the other.
fn overlaps(a: Span, b: Span) -> bool {
    if a.is_empty() && b.is_empty() {
        return a.start == b.start;
    }
    if a.is_empty() {
        return a.start > b.start && a.start < b.end;
    }
    if b.is_empty() {
        return b.start > a.start && b.start < a.end;
    }
    a.start < b.end && b.start < a.end
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]
    use super::*;

    fn rename(start: usize, end: usize, to: &str) -> Fix {
        Fix::single(
            Applicability::Safe,
            "rename",
            Edit::replace(Span::new(start, end), to),
        )
    }

    #[test]
    fn applies_in_order_and_skips_overlaps() {
        let text = "abc: 1\ndef: 2\n";
        let first = rename(0, 3, "xyz");
        let clash = rename(1, 2, "Q");
        let second = rename(7, 10, "uvw");
        let out = apply_fixes(text, [&first, &clash, &second]);
        assert_eq!(out.text, "xyz: 1\nuvw: 2\n");
        assert_eq!(out.applied, 2);
    }

    #[test]
    fn identical_fixes_apply_once_and_count_each() {
        let text = "a\r\nb\n";
        let whole = Fix::single(
            Applicability::Safe,
            "format",
            Edit::replace(Span::new(0, text.len()), "a\nb\n"),
        );
        let out = apply_fixes(text, [&whole, &whole.clone()]);
        assert_eq!(out.text, "a\nb\n");
        assert_eq!(out.applied, 2);
    }

    #[test]
    fn refuses_fixes_off_the_text_and_overlapping_edits() {
        let out = apply_fixes("é", [&rename(1, 2, "e"), &rename(0, 9, "e")]);
        assert_eq!(
            out,
            Applied {
                text: "é".to_owned(),
                applied: 0,
                descriptions: Vec::new(),
            }
        );
        let edits = vec![Edit::delete(Span::new(0, 4)), Edit::delete(Span::new(2, 6))];
        assert!(Fix::new(Applicability::Safe, "x", edits).is_none());
        // Adjacent edits do not overlap; an insertion at a deletion's end does not either.
        assert!(!overlaps(Span::new(0, 3), Span::new(3, 5)));
        assert!(!overlaps(Span::new(0, 3), Span::at(3)));
        assert!(overlaps(Span::at(3), Span::at(3)));
    }
}
