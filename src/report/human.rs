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

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::finding::{Finding, Location, Severity};
use crate::report::{CaseStatus, Report, Style, exit_line, plural, summary_line};
use crate::source::SourceFile;
use crate::span::ColumnUnit;

/// Tabs are shown as this many spaces, so the underline lines up whatever the terminal's tab stops.
const TAB_WIDTH: usize = 4;

/// A source line wider than this many columns is shown as a window of this width around the
/// span, `…` included.
const WINDOW_COLUMNS: usize = 120;

/// The verdict diff lists at most this many boundary regions; the rest are counted.
const MAX_REGION_LINES: usize = 20;

/// Marks text cut from either side of a window.
const ELLIPSIS: char = '…';

/// Renders the report for a terminal: ANSI colours with `style.color`, at most
/// `style.max_shown` findings of each rule and failed cases (0: all), then a count of the rest.
pub fn render(report: &Report, style: Style) -> String {
    let paint = Paint { color: style.color };
    let cap = if style.max_shown == 0 {
        usize::MAX
    } else {
        style.max_shown
    };
    let mut out = String::new();
    let mut shown: BTreeMap<&str, usize> = BTreeMap::new();
    let mut hidden: BTreeMap<&str, usize> = BTreeMap::new();
    if style.statistics {
        out.push_str(&crate::report::statistics::render_human(report));
    }
    let listed: &[Finding] = if style.statistics {
        &[]
    } else {
        &report.findings
    };
    for finding in listed {
        let count = shown.entry(finding.rule.as_str()).or_default();
        if *count >= cap {
            *hidden.entry(finding.rule.as_str()).or_default() += 1;
            continue;
        }
        *count += 1;
        render_finding(&mut out, report, finding, paint);
        out.push('\n');
    }
    let mut cases_shown = 0;
    let mut cases_hidden = 0;
    // A failure `check` already reported as a finding is not said again; the others (`test`
    // reports cases, not findings) get one line each, the mismatch in it.
    for case in &report.cases {
        if style.statistics || case.status != CaseStatus::Failed || report.case_reported(case) {
            continue;
        }
        if cases_shown >= cap {
            cases_hidden += 1;
            continue;
        }
        cases_shown += 1;
        let _ = write!(
            out,
            "{}: fixture case `{}` in `{}` failed",
            paint.severity(Severity::Error, "error"),
            clean(&case.name),
            clean(&case.place())
        );
        match (&case.message, &case.expected, &case.actual) {
            (Some(message), _, _) => {
                let _ = write!(out, ": {}", clean(message));
            }
            (None, Some(expected), Some(actual)) => {
                let _ = write!(
                    out,
                    ": expected `{}`, got `{}`",
                    clean(expected),
                    clean(actual)
                );
            }
            _ => {}
        }
        out.push('\n');
    }
    for (rule, count) in &hidden {
        let _ = writeln!(
            out,
            "{}: {} not shown (`--max-shown {}`; the JSON, SARIF and JUnit reports list all)",
            paint.severity(Severity::Note, "note"),
            plural(*count, &format!("more `{rule}` finding")),
            style.max_shown
        );
    }
    if cases_hidden > 0 {
        let _ = writeln!(
            out,
            "{}: {} not shown (`--max-shown {}`; the JSON and JUnit reports list all)",
            paint.severity(Severity::Note, "note"),
            plural(cases_hidden, "more failed fixture case"),
            style.max_shown
        );
    }
    if style.quiet {
        // `-q`: the findings and the cut-off notes, nothing that only summarises.
        return out;
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
    if let Some(fixed) = report.fixed {
        let _ = writeln!(
            out,
            "fixed {} ({} remaining)",
            plural(fixed, "finding"),
            report.findings.len()
        );
    } else if let Some(line) = fixable_line(report) {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "{}", exit_line(report));
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
    // The regions that fail the run first, then the loosening ones; at most
    // `MAX_REGION_LINES`, the rest counted.
    let mut regions: Vec<&crate::diff::verdicts::BoundaryRegion> = diff.regions.iter().collect();
    regions.sort_by_key(|region| {
        (
            !region.disallowed,
            region.direction != crate::diff::verdicts::Direction::Loosening,
        )
    });
    for region in regions.iter().take(MAX_REGION_LINES) {
        let severity = if region.disallowed {
            Severity::Error
        } else if region.direction == crate::diff::verdicts::Direction::Loosening {
            Severity::Warning
        } else {
            Severity::Note
        };
        let _ = writeln!(
            out,
            "  {} region {} {}: {}: {} → {}",
            paint.severity(severity, region.direction.as_str()),
            clean(&region.policy),
            clean(&region.gate),
            clean(&region.region),
            clean(&region.baseline),
            clean(&region.candidate)
        );
    }
    if regions.len() > MAX_REGION_LINES {
        let _ = writeln!(
            out,
            "  … {} not shown (the JSON and SARIF reports list all)",
            plural(regions.len() - MAX_REGION_LINES, "more region")
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
        .map_or(1, digits);
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
            "{} {} help: {}",
            spaces(width),
            paint.gutter("="),
            clean(help)
        );
    }
    if let Some(fix) = &finding.fix {
        let _ = writeln!(
            out,
            "{} {} fix: {} ({})",
            spaces(width),
            paint.gutter("="),
            clean(&fix.description),
            fix_flag(fix.applicability)
        );
    }
}

/// The flags that apply a fix of `applicability`.
fn fix_flag(applicability: crate::finding::Applicability) -> &'static str {
    match applicability {
        crate::finding::Applicability::Safe => "`--fix`",
        crate::finding::Applicability::Unsafe => "`--fix --unsafe-fixes`",
        crate::finding::Applicability::Update => "`--update`",
    }
}

/// `[*] 2 fixable with `--fix`, 1 with `--fix --unsafe-fixes`, 1 with `--update``, or `None`
/// when no finding has a fix.
fn fixable_line(report: &Report) -> Option<String> {
    use crate::finding::Applicability;
    let count = |wanted: Applicability| {
        report
            .findings
            .iter()
            .filter(|finding| {
                finding
                    .fix
                    .as_ref()
                    .is_some_and(|fix| fix.applicability == wanted)
            })
            .count()
    };
    let (safe, unsafe_, update) = (
        count(Applicability::Safe),
        count(Applicability::Unsafe),
        count(Applicability::Update),
    );
    let mut others = Vec::new();
    if unsafe_ > 0 {
        others.push(format!("{unsafe_} with `--fix --unsafe-fixes`"));
    }
    if update > 0 {
        others.push(format!("{update} with `--update`"));
    }
    match (safe, others.is_empty()) {
        (0, true) => None,
        (0, false) => Some(format!("[*] fixable: {}", others.join(", "))),
        (_, true) => Some(format!("[*] {safe} fixable with `--fix`")),
        (_, false) => Some(format!(
            "[*] {safe} fixable with `--fix`, {}",
            others.join(", ")
        )),
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
            "{}{} {}",
            spaces(width),
            paint.gutter(arrow),
            clean(&location.path)
        );
        return;
    };
    let start = source.region(location.span, ColumnUnit::Chars).start;
    if arrow == ":::" {
        let _ = writeln!(out, "{} {}", spaces(width), paint.gutter("|"));
    }
    let _ = writeln!(
        out,
        "{}{} {}:{}:{}",
        spaces(width),
        paint.gutter(arrow),
        clean(&location.path),
        start.line,
        start.column
    );
    let _ = writeln!(out, "{} {}", spaces(width), paint.gutter("|"));

    // A span over several lines (a whole fixture case, a section) shows its first line, then
    // `...`: the line that matters is the finding's related location, shown on its own.
    let (first, last) = line_span(source, location);
    let span = location.span.range();
    let line = first;
    let range = source.lines().line_range(&source.text, line);
    let text = source.text.get(range.clone()).unwrap_or("");
    let number = line + 1;

    // The part of this line the span covers.
    let from = span.start.max(range.start);
    let from = floor_char_boundary(text, from.min(range.end) - range.start);
    let to =
        floor_char_boundary(text, span.end.min(range.end).max(range.start) - range.start).max(from);
    let window = Window::around(text, from, to);
    let shown = window.display(text);
    let number = paint.gutter(&format!(
        "{}{number}",
        spaces(width.saturating_sub(digits(number)))
    ));
    if shown.is_empty() {
        let _ = writeln!(out, "{number} {}", paint.gutter("|"));
    } else {
        let _ = writeln!(out, "{number} {} {shown}", paint.gutter("|"));
    }

    let (pad, len) = window.underline(text, from, to);
    let underline: String = std::iter::repeat_n(marker.underline, len).collect();
    let underline = match marker.severity {
        Some(severity) => paint.severity(severity, &underline),
        None => paint.gutter(&underline),
    };
    let label = if label.is_empty() {
        String::new()
    } else {
        format!(" {}", clean(label))
    };
    let _ = writeln!(
        out,
        "{} {} {}{underline}{label}",
        spaces(width),
        paint.gutter("|"),
        spaces(pad)
    );
    if last > first {
        let _ = writeln!(out, "{}", paint.gutter("..."));
    }
}

/// The part of one source line a snippet shows: all of it when it fits in [`WINDOW_COLUMNS`],
/// otherwise a byte range on character boundaries around the span, with `…` for the cut text.
/// Only the window is ever expanded, so a finding on a 10 MB line prints a short line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Window {
    start: usize,
    end: usize,
    /// Text before `start` (after `end`) is cut and shown as `…`.
    cut_before: bool,
    cut_after: bool,
}

impl Window {
    /// The window of `text` around the byte range `from..to` (both on character boundaries).
    /// The span's start is always inside; text before it gets up to half of what the span
    /// leaves of the window (an eighth of the window when the span fills it), and a window that
    /// reaches the end of the line is filled from the left.
    fn around(text: &str, from: usize, to: usize) -> Window {
        if display_width_within(text, WINDOW_COLUMNS).is_some() {
            return Window {
                start: 0,
                end: text.len(),
                cut_before: false,
                cut_after: false,
            };
        }
        // Room for the text once both ellipses are in.
        let budget = WINDOW_COLUMNS - 2;
        let before = text.get(..from).unwrap_or("");
        let covered = text.get(from..to).unwrap_or("");
        let covered_width = display_width_within(covered, budget).unwrap_or(budget);
        // A span as wide as the window still shows a little of what precedes it.
        let lead = if covered_width < budget {
            (budget - covered_width) / 2
        } else {
            budget / 8
        };
        let mut start = extend_left(before, before.len(), lead).0;
        let (length, used) = extend_right(text.get(start..).unwrap_or(""), budget);
        let end = start + length;
        if end == text.len() && used < budget {
            start = extend_left(before, start, budget - used).0;
        }
        Window {
            start,
            end,
            cut_before: start > 0,
            cut_after: end < text.len(),
        }
    }

    /// The window as shown, with its ellipses.
    fn display(self, text: &str) -> String {
        let mut out = String::new();
        if self.cut_before {
            out.push(ELLIPSIS);
        }
        out.push_str(&display(text.get(self.start..self.end).unwrap_or("")));
        if self.cut_after {
            out.push(ELLIPSIS);
        }
        out
    }

    /// Columns before the underline and its length (at least one) for the byte range `from..to`,
    /// both clipped to the window.
    fn underline(self, text: &str, from: usize, to: usize) -> (usize, usize) {
        let from = from.clamp(self.start, self.end);
        let to = to.clamp(from, self.end);
        let lead = usize::from(self.cut_before);
        let pad = lead + display_width(text.get(self.start..from).unwrap_or(""));
        let len = display_width(text.get(from..to).unwrap_or("")).max(1);
        (pad, len)
    }
}

/// The start of the widest suffix of `text[..end]` that takes at most `columns`, and its width.
fn extend_left(text: &str, end: usize, columns: usize) -> (usize, usize) {
    let mut start = end;
    let mut used = 0;
    for (index, c) in text.get(..end).unwrap_or("").char_indices().rev() {
        let width = char_width(c);
        if used + width > columns {
            break;
        }
        used += width;
        start = index;
    }
    (start, used)
}

/// The byte length of the widest prefix of `text` that takes at most `columns`, and its width.
fn extend_right(text: &str, columns: usize) -> (usize, usize) {
    let mut length = 0;
    let mut used = 0;
    for (index, c) in text.char_indices() {
        let width = char_width(c);
        if used + width > columns {
            break;
        }
        used += width;
        length = index + c.len_utf8();
    }
    (length, used)
}

/// The display width of `text` if it is at most `columns`; stops counting past it.
fn display_width_within(text: &str, columns: usize) -> Option<usize> {
    let mut used = 0;
    for c in text.chars() {
        used += char_width(c);
        if used > columns {
            return None;
        }
    }
    Some(used)
}

/// The largest character boundary of `text` at or before `offset`.
fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// `count` spaces. Padding is built, never a formatting width, which cannot exceed `u16::MAX`.
fn spaces(count: usize) -> String {
    " ".repeat(count)
}

/// Decimal digits of `number`.
fn digits(number: usize) -> usize {
    number.checked_ilog10().map_or(1, |log| log as usize + 1)
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
    text.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    if c == '\t' { TAB_WIDTH } else { 1 }
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
            fixed: None,
            config: None,
            shard: None,
        }
    }

    #[test]
    fn a_multi_line_span_shows_its_first_line_and_crlf_is_not_shown() {
        let text = "a:\r\n  b: 1\r\n  c: 2\r\n  d: 3\r\n  e: 4\r\n  f: 5\r\n  g: 6\r\n  h: 7\r\n";
        let end = text.find("h: 7").unwrap_or_default() + 4;
        let out = render(
            &report_with("x.yaml", text, Span::new(0, end)),
            Style::default(),
        );
        assert!(out.contains("1 | a:\n  | ^^\n...\n"), "{out}");
        assert!(!out.contains("2 |"), "{out}");
        assert!(!out.contains("8 |"), "{out}");
        assert!(!out.contains('\r'));
    }

    #[test]
    fn span_ending_after_a_line_break_stays_on_its_line() {
        let text = "key: value\nnext: 1\n";
        let out = render(
            &report_with("x.yaml", text, Span::new(0, 11)),
            Style::default(),
        );
        assert!(out.contains("1 | key: value\n  | ^^^^^^^^^^\n"), "{out}");
        assert!(!out.contains("2 |"), "{out}");
    }

    /// The snippet's source line and underline line of a one-line rendering.
    fn snippet(out: &str) -> (&str, &str) {
        let mut lines = out.lines().skip_while(|line| !line.starts_with("1 |"));
        let source = lines.next().unwrap_or_default();
        let underline = lines.next().unwrap_or_default();
        (source, underline)
    }

    /// The source text the underline of `out` sits under.
    fn underlined(out: &str) -> String {
        let (source, underline) = snippet(out);
        source
            .chars()
            .zip(underline.chars())
            .filter(|(_, mark)| *mark == '^')
            .map(|(c, _)| c)
            .collect()
    }

    #[test]
    fn a_long_line_is_a_window_around_the_span() {
        let text = format!(
            "{}\"MinCompositScore\": 1,{}",
            "é".repeat(70_000),
            "x".repeat(500)
        );
        let start = text.find('"').unwrap_or_default();
        let span = Span::new(start, start + "\"MinCompositScore\"".len());
        let out = render(&report_with("x.json", &text, span), Style::default());
        assert!(out.contains("x.json:1:70001"), "{out}");
        let (source, underline) = snippet(&out);
        assert!(source.starts_with("1 | …é"), "{out}");
        assert!(source.ends_with("x…"), "{out}");
        assert!(source.chars().count() <= 4 + WINDOW_COLUMNS, "{out}");
        assert!(underline.chars().count() <= 4 + WINDOW_COLUMNS, "{out}");
        assert_eq!(underlined(&out), "\"MinCompositScore\"");
    }

    #[test]
    fn a_window_at_either_end_of_a_line_has_one_ellipsis() {
        let text = format!("key: 1 {}", "y".repeat(1_000));
        let out = render(
            &report_with("x.yaml", &text, Span::new(0, 3)),
            Style::default(),
        );
        let (source, _) = snippet(&out);
        assert!(source.starts_with("1 | key: 1 y"), "{out}");
        assert!(source.ends_with('…'), "{out}");
        assert_eq!(source.chars().count(), 4 + WINDOW_COLUMNS - 1);
        assert_eq!(underlined(&out), "key");

        let text = format!("{}\tlast", "z".repeat(1_000));
        let start = text.len() - "last".len();
        let out = render(
            &report_with("x.yaml", &text, Span::new(start, text.len())),
            Style::default(),
        );
        let (source, _) = snippet(&out);
        assert!(source.starts_with("1 | …z"), "{out}");
        assert!(source.ends_with("z    last"), "{out}");
        assert_eq!(source.chars().count(), 4 + WINDOW_COLUMNS - 1);
        assert_eq!(underlined(&out), "last");
    }

    #[test]
    fn a_span_wider_than_the_window_is_underlined_to_its_edge() {
        let text = format!("a{}b", "😀".repeat(100_000));
        let out = render(
            &report_with("x.json", &text, Span::new(1, text.len())),
            Style::default(),
        );
        let (source, underline) = snippet(&out);
        assert!(source.starts_with("1 | a😀"), "{out}");
        assert!(source.ends_with("😀…"), "{out}");
        assert_eq!(underlined(&out), "😀".repeat(WINDOW_COLUMNS - 2 - 1));
        assert!(underline.chars().count() <= 4 + WINDOW_COLUMNS);
    }

    #[test]
    fn a_line_that_fits_is_shown_whole() {
        let text = "k".repeat(WINDOW_COLUMNS);
        let out = render(
            &report_with("x.yaml", &text, Span::new(110, 111)),
            Style::default(),
        );
        assert!(out.contains(&format!("1 | {text}\n")), "{out}");
        assert!(!out.contains('…'), "{out}");
    }

    #[test]
    fn a_window_never_splits_a_character() {
        let text = "ü".repeat(1_000);
        for offset in [0, 1, 2, 999, 1_000, 1_001, 1_999, 2_000] {
            let span = Span::new(offset, offset + 1);
            let out = render(&report_with("x.json", &text, span), Style::default());
            let (source, underline) = snippet(&out);
            assert!(source.chars().count() <= 4 + WINDOW_COLUMNS, "{out}");
            assert!(underline.contains('^'), "{out}");
        }
    }

    #[test]
    fn tabs_and_controls_are_made_visible() {
        assert_eq!(display("\tkey:\u{1b}x"), "    key:\u{FFFD}x");
        assert_eq!(display_width("\té"), TAB_WIDTH + 1);
    }
}
