//! The terminal format: rustc-style snippets with the offending span underlined, then notes and a
//! summary line.
//!
//! ```text
//! error[unknown-key]: unknown key `MinCompositScore`
//!  --> policies/gates.yaml:3:5
//!   |
//! 3 |     MinCompositScore: 0.8
//!   |     ^^^^^^^^^^^^^^^^
//!   = help: did you mean `MinCompositeScore`?
//! ```

use std::fmt::Write as _;

use crate::finding::{Finding, Location, Severity};
use crate::report::{CaseStatus, Report, plural, summary_line};
use crate::source::SourceFile;
use crate::span::ColumnUnit;

/// Tabs are shown as this many spaces, so the underline lines up whatever the terminal's tab stops.
const TAB_WIDTH: usize = 4;

/// Spans longer than this many lines show their first and last lines with `...` in between.
const MAX_SPAN_LINES: usize = 6;

/// Renders the report for a terminal; `color` adds ANSI colours.
pub fn render(report: &Report, color: bool) -> String {
    let paint = Paint { color };
    let mut out = String::new();
    for finding in &report.findings {
        render_finding(&mut out, report, finding, paint);
        out.push('\n');
    }
    for case in &report.cases {
        if case.status != CaseStatus::Failed {
            continue;
        }
        let _ = write!(
            out,
            "{}: fixture case `{}` in `{}` failed",
            paint.severity(Severity::Error, "error"),
            clean(&case.name),
            clean(&case.suite)
        );
        if let Some(message) = &case.message {
            let _ = write!(out, ": {}", clean(message));
        }
        out.push('\n');
        if let (Some(expected), Some(actual)) = (&case.expected, &case.actual) {
            let _ = writeln!(
                out,
                "  expected `{}`, got `{}`",
                clean(expected),
                clean(actual)
            );
        }
    }
    for skipped in &report.skipped {
        let _ = writeln!(
            out,
            "{}: skipped `{}`: {}",
            paint.severity(Severity::Note, "note"),
            clean(&skipped.path),
            clean(&skipped.reason)
        );
    }
    if report.case_total() > 0 {
        let (passed, failed, skipped) = report.case_counts();
        let _ = writeln!(
            out,
            "{}: {passed} passed, {failed} failed, {skipped} skipped",
            plural(report.case_total(), "fixture case")
        );
    }
    if let Some(diff) = &report.diff {
        render_diff(&mut out, diff, paint);
    }
    // A replay-only run (`test`) scans no files; a line about zero files would only confuse.
    if !report.files.is_empty() || report.case_total() == 0 {
        let _ = writeln!(out, "{}", paint.bold(&summary_line(report)));
    }
    out
}

/// The verdict diff in the manner of Gait's `policy simulate`: per-verdict counts per side,
/// each changed case with why it changed, the boundary regions, the recommendation.
fn render_diff(out: &mut String, diff: &crate::report::DiffSummary, paint: Paint) {
    let counts = |map: &std::collections::BTreeMap<String, usize>| {
        map.iter()
            .map(|(verdict, count)| format!("{}={count}", clean(verdict)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let _ = writeln!(
        out,
        "verdict diff `{}` → `{}`: {} replayed on both sides",
        clean(&diff.baseline),
        clean(&diff.candidate),
        plural(diff.total, "case")
    );
    let _ = writeln!(out, "  baseline:  {}", counts(&diff.baseline_verdicts));
    let _ = writeln!(out, "  candidate: {}", counts(&diff.candidate_verdicts));
    for case in &diff.changed {
        let severity = if case.disallowed {
            Severity::Error
        } else if case.direction == crate::diff::verdicts::Direction::Loosening {
            Severity::Warning
        } else {
            Severity::Note
        };
        let _ = writeln!(
            out,
            "  {} {} `{}` ({}): {} → {}",
            paint.severity(severity, case.direction.as_str()),
            clean(&case.suite),
            clean(&case.case),
            clean(&case.environment),
            clean(&case.baseline.verdict),
            clean(&case.candidate.verdict)
        );
        let _ = writeln!(out, "      baseline:  {}", clean(&case.baseline.explain()));
        let _ = writeln!(out, "      candidate: {}", clean(&case.candidate.explain()));
    }
    for region in &diff.regions {
        let _ = writeln!(
            out,
            "  {} region {} {}: {}: {} → {}",
            region.direction.as_str(),
            clean(&region.policy),
            clean(&region.gate),
            clean(&region.region),
            clean(&region.baseline),
            clean(&region.candidate)
        );
    }
    for note in &diff.notes {
        let _ = writeln!(
            out,
            "{}: {}",
            paint.severity(Severity::Note, "note"),
            clean(note)
        );
    }
    let _ = writeln!(out, "{}", paint.bold(&diff.summary_line()));
}

fn render_finding(out: &mut String, report: &Report, finding: &Finding, paint: Paint) {
    let severity = finding.severity;
    let _ = writeln!(
        out,
        "{}{}",
        paint.severity(severity, &format!("{severity}[{}]", finding.rule)),
        paint.bold(&format!(": {}", clean(&finding.message)))
    );
    let width = std::iter::once(&finding.primary)
        .chain(finding.related.iter().map(|related| &related.location))
        .map(|location| last_line(report, location))
        .max()
        .unwrap_or(1)
        .to_string()
        .len();
    let primary = Marker {
        underline: '^',
        severity: Some(severity),
    };
    render_location(
        out,
        report,
        &finding.primary,
        "-->",
        primary,
        "",
        width,
        paint,
    );
    for related in &finding.related {
        let marker = Marker {
            underline: '-',
            severity: None,
        };
        render_location(
            out,
            report,
            &related.location,
            ":::",
            marker,
            &related.message,
            width,
            paint,
        );
    }
    if let Some(help) = &finding.help {
        let _ = writeln!(
            out,
            "{:width$} {} help: {}",
            "",
            paint.gutter("="),
            clean(help)
        );
    }
}

#[derive(Clone, Copy)]
struct Marker {
    underline: char,
    /// The primary location is underlined in its finding's colour, related ones in the gutter's.
    severity: Option<Severity>,
}

/// The 1-based last line a location's snippet shows.
fn last_line(report: &Report, location: &Location) -> usize {
    match report.source(&location.path) {
        Some(source) => line_span(source, location).1 + 1,
        None => 1,
    }
}

/// The 0-based first and last line of a location. A span ending just after a line break ends on
/// the line of the break, not on the next (empty) one.
fn line_span(source: &SourceFile, location: &Location) -> (usize, usize) {
    let span = location.span;
    let first = source.lines().line_of(span.start);
    let mut last = source.lines().line_of(span.end);
    if last > first && !span.is_empty() {
        let last_start = source.lines().line_range(&source.text, last).start;
        if last_start == span.end as usize {
            last -= 1;
        }
    }
    (first, last)
}

#[expect(
    clippy::too_many_arguments,
    reason = "a private helper; the parameters are the snippet's parts"
)]
fn render_location(
    out: &mut String,
    report: &Report,
    location: &Location,
    arrow: &str,
    marker: Marker,
    label: &str,
    width: usize,
    paint: Paint,
) {
    let Some(source) = report.source(&location.path) else {
        let _ = writeln!(
            out,
            "{:width$}{} {}",
            "",
            paint.gutter(arrow),
            clean(&location.path)
        );
        return;
    };
    let start = source.region(location.span, ColumnUnit::Chars).start;
    if arrow == ":::" {
        let _ = writeln!(out, "{:width$} {}", "", paint.gutter("|"));
    }
    let _ = writeln!(
        out,
        "{:width$}{} {}:{}:{}",
        "",
        paint.gutter(arrow),
        clean(&location.path),
        start.line,
        start.column
    );
    let _ = writeln!(out, "{:width$} {}", "", paint.gutter("|"));

    let (first, last) = line_span(source, location);
    let span = location.span.range();
    for line in first..=last {
        let count = last - first + 1;
        if count > MAX_SPAN_LINES && line == first + 2 {
            let _ = writeln!(out, "{}", paint.gutter("..."));
        }
        if count > MAX_SPAN_LINES && line > first + 1 && line + 2 <= last {
            continue;
        }
        let range = source.lines().line_range(&source.text, line);
        let text = source.text.get(range.clone()).unwrap_or("");
        let number = line + 1;
        let shown = display(text);
        if shown.is_empty() {
            let _ = writeln!(
                out,
                "{} {}",
                paint.gutter(&format!("{number:>width$}")),
                paint.gutter("|")
            );
        } else {
            let _ = writeln!(
                out,
                "{} {} {shown}",
                paint.gutter(&format!("{number:>width$}")),
                paint.gutter("|")
            );
        }

        // The part of this line the span covers. Continuation lines start at their first
        // non-blank character: underlining indentation says nothing.
        let mut from = span.start.max(range.start);
        if line != first {
            let indent = text.len() - text.trim_start().len();
            from = range.start + indent;
        }
        let from = from.min(range.end);
        let to = span.end.min(range.end).max(from);
        let before = text.get(..from - range.start).unwrap_or("");
        let covered = text.get(from - range.start..to - range.start).unwrap_or("");
        if line != first && covered.is_empty() {
            continue;
        }
        let pad = display_width(before);
        let len = display_width(covered).max(1);
        let underline: String = std::iter::repeat_n(marker.underline, len).collect();
        let underline = match marker.severity {
            Some(severity) => paint.severity(severity, &underline),
            None => paint.gutter(&underline),
        };
        let label = if line == last && !label.is_empty() {
            format!(" {}", clean(label))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "{:width$} {} {:pad$}{underline}{label}",
            "",
            paint.gutter("|"),
            ""
        );
    }
}

/// A source line as shown: tabs expanded, control characters replaced so a hostile file cannot
/// drive the terminal.
fn display(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => out.extend(std::iter::repeat_n(' ', TAB_WIDTH)),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Columns `text` takes once displayed. Counts characters: wide (East Asian) characters may
/// shift the underline by a column, which is acceptable for a terminal hint.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| if c == '\t' { TAB_WIDTH } else { 1 })
        .sum()
}

/// User text on one line, without control characters.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[derive(Clone, Copy)]
struct Paint {
    color: bool,
}

impl Paint {
    fn wrap(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn severity(self, severity: Severity, text: &str) -> String {
        let code = match severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Note => "1;32",
        };
        self.wrap(code, text)
    }

    fn gutter(self, text: &str) -> String {
        self.wrap("1;34", text)
    }

    fn bold(self, text: &str) -> String {
        self.wrap("1", text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::collections::BTreeMap;
    use std::sync::Arc;

    use crate::exit::Exit;
    use crate::report::ScannedFile;
    use crate::span::Span;

    fn report_with(path: &str, text: &str, span: Span) -> Report {
        let finding = Finding::new(
            crate::finding::RuleId("sample"),
            Severity::Warning,
            Location::new(Arc::from(path), span, ""),
            "sample",
        );
        Report {
            command: "check",
            files: BTreeMap::from([(
                Arc::from(path),
                ScannedFile {
                    source: SourceFile::new(path, text),
                    kind: crate::classify::FileKind::StellaOps,
                },
            )]),
            findings: vec![finding],
            rules: BTreeMap::new(),
            skipped: Vec::new(),
            cases: Vec::new(),
            passed_omitted: 0,
            fail_on: None,
            exit: Exit::Success,
            diff: None,
        }
    }

    #[test]
    fn long_spans_are_elided_and_crlf_is_not_shown() {
        let text = "a:\r\n  b: 1\r\n  c: 2\r\n  d: 3\r\n  e: 4\r\n  f: 5\r\n  g: 6\r\n  h: 7\r\n";
        let end = text.find("h: 7").unwrap_or_default() + 4;
        let out = render(&report_with("x.yaml", text, Span::new(0, end)), false);
        assert!(out.contains("...\n"), "{out}");
        assert!(out.contains("2 |   b: 1\n"), "{out}");
        assert!(!out.contains("4 |"), "{out}");
        assert!(out.contains("8 |   h: 7\n  |   ^^^^\n"), "{out}");
        assert!(!out.contains('\r'));
    }

    #[test]
    fn span_ending_after_a_line_break_stays_on_its_line() {
        let text = "key: value\nnext: 1\n";
        let out = render(&report_with("x.yaml", text, Span::new(0, 11)), false);
        assert!(out.contains("1 | key: value\n  | ^^^^^^^^^^\n"), "{out}");
        assert!(!out.contains("2 |"), "{out}");
    }

    #[test]
    fn tabs_and_controls_are_made_visible() {
        assert_eq!(display("\tkey:\u{1b}x"), "    key:\u{FFFD}x");
        assert_eq!(display_width("\té"), TAB_WIDTH + 1);
    }
}
