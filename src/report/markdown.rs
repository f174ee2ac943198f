//! A GitHub job summary (`$GITHUB_STEP_SUMMARY`): a verdict, counts, the findings and the replayed
//! fixture cases as tables. GitHub rejects summaries over 1 MiB, so tables are capped and the
//! whole text is cut (with a note) below [`MAX_BYTES`].

use std::fmt::Write as _;

use crate::exit::Exit;
use crate::finding::Severity;
use crate::report::{CaseStatus, Report, exit_name, plural, summary_line};
use crate::span::ColumnUnit;

/// Hard limit on the summary's size, safely under GitHub's 1 MiB per step.
pub const MAX_BYTES: usize = 1024 * 1024 - 4096;
/// Rows shown in the findings table.
pub const MAX_FINDING_ROWS: usize = 200;
/// Rows shown in the fixture-case table.
pub const MAX_CASE_ROWS: usize = 200;
/// Longest message shown in a cell, in characters.
const MAX_CELL_CHARS: usize = 500;

/// The headline's mark and words: the most important news first — disallowed verdict changes
/// (by default, loosened production verdicts), then fixture regressions, then invalid input,
/// then blocking findings. Never "passed" above an error (`--exit-zero` says so instead).
fn headline(report: &Report) -> (&'static str, String) {
    let mut news = Vec::new();
    if let Some(diff) = &report.diff
        && diff.disallowed() > 0
    {
        news.push(plural(diff.disallowed(), "disallowed verdict change"));
    }
    let errors = |wanted: fn(&crate::rules::RuleMeta) -> bool| {
        report
            .findings
            .iter()
            .filter(|finding| finding.severity == Severity::Error)
            .filter(|finding| {
                report
                    .rules
                    .get(&finding.rule)
                    .is_some_and(|meta| wanted(meta))
            })
            .count()
    };
    // The verdict-diff rules are regressions too, counted above as verdict changes.
    let regressions = errors(|meta| {
        meta.regression && !meta.invalid_input && !meta.id.as_str().starts_with("verdict-")
    });
    let regressions = if regressions > 0 {
        regressions
    } else {
        report.case_counts().1
    };
    if regressions > 0 {
        news.push(plural(regressions, "fixture regression"));
    }
    if errors(|meta| meta.invalid_input) > 0 {
        news.push("invalid input".to_owned());
    }
    let errors_total = report.count(Severity::Error);
    if news.is_empty() && (report.exit == Exit::Blocked || errors_total > 0) {
        news.push("blocked by findings".to_owned());
    }
    match report.exit {
        Exit::Success if news.is_empty() => ("✅", "passed".to_owned()),
        Exit::Success => (
            "⚠️",
            format!("{} (not failing: `--exit-zero`)", news.join("; ")),
        ),
        Exit::ApprovalRequired => ("⚠️", "approval required".to_owned()),
        Exit::Internal => ("💥", "internal error".to_owned()),
        _ if news.is_empty() => ("❌", exit_name(report.exit).to_owned()),
        _ => ("❌", news.join("; ")),
    }
}

/// Renders the job summary.
pub fn render(report: &Report) -> String {
    cap(render_full(report), MAX_BYTES)
}

fn render_full(report: &Report) -> String {
    let mut out = String::new();
    let (mark, verdict) = headline(report);
    let _ = writeln!(
        out,
        "## {mark} gatelint {}: {verdict}\n",
        escape_cell(report.command)
    );
    let _ = writeln!(
        out,
        "{} (exit code {}, `{}`).\n",
        summary_line(report),
        report.exit.code(),
        exit_name(report.exit)
    );

    out.push_str("| Severity | Count |\n|---|---:|\n");
    for severity in [Severity::Error, Severity::Warning, Severity::Note] {
        let _ = writeln!(out, "| {severity} | {} |", report.count(severity));
    }
    out.push('\n');

    if !report.findings.is_empty() {
        out.push_str(
            "### Findings\n\n| Severity | Rule | Location | Message |\n|---|---|---|---|\n",
        );
        for finding in report.findings.iter().take(MAX_FINDING_ROWS) {
            let start = report.region(&finding.primary, ColumnUnit::Chars).start;
            let mut message = finding.message.clone();
            if let Some(help) = &finding.help {
                message.push_str(" (help: ");
                message.push_str(help);
                message.push(')');
            }
            let _ = writeln!(
                out,
                "| {} | `{}` | {}:{} | {} |",
                finding.severity,
                finding.rule,
                escape_cell(&finding.primary.path),
                start.line,
                escape_cell(&message)
            );
        }
        more(&mut out, report.findings.len(), MAX_FINDING_ROWS);
    }

    if report.case_total() > 0 {
        let (passed, failed, skipped) = report.case_counts();
        let _ = writeln!(
            out,
            "### Fixture cases\n\n{}: {passed} passed, {failed} failed, {skipped} skipped.\n",
            plural(report.case_total(), "case")
        );
        out.push_str(
            "| Status | Suite | Case | Expected | Actual | Message |\n|---|---|---|---|---|---|\n",
        );
        // Failures first: they are what the reader came for.
        let mut cases: Vec<_> = report.cases.iter().collect();
        cases.sort_by_key(|case| match case.status {
            CaseStatus::Failed => 0,
            CaseStatus::Skipped => 1,
            CaseStatus::Passed => 2,
        });
        for case in cases.iter().take(MAX_CASE_ROWS) {
            let mark = match case.status {
                CaseStatus::Passed => "✅ passed",
                CaseStatus::Failed => "❌ failed",
                CaseStatus::Skipped => "⏭️ skipped",
            };
            let _ = writeln!(
                out,
                "| {mark} | {} | {} | {} | {} | {} |",
                escape_cell(&case.suite),
                escape_cell(&case.name),
                escape_cell(case.expected.as_deref().unwrap_or("")),
                escape_cell(case.actual.as_deref().unwrap_or("")),
                escape_cell(case.message.as_deref().unwrap_or(""))
            );
        }
        more(&mut out, report.cases.len(), MAX_CASE_ROWS);
    }

    if let Some(diff) = &report.diff {
        render_diff(&mut out, diff);
    }

    if !report.skipped.is_empty() {
        out.push_str("### Skipped paths\n\n| Path | Reason |\n|---|---|\n");
        for skipped in report.skipped.iter().take(MAX_CASE_ROWS) {
            let _ = writeln!(
                out,
                "| {} | {} |",
                escape_cell(&skipped.path),
                escape_cell(&skipped.reason)
            );
        }
        more(&mut out, report.skipped.len(), MAX_CASE_ROWS);
    }
    out
}

/// The verdict diff: counts per side, changed cases as one table per environment, then the
/// boundary regions per environment.
fn render_diff(out: &mut String, diff: &crate::report::DiffSummary) {
    let _ = writeln!(
        out,
        "### Verdict diff\n\n`{}` → `{}`: {} replayed on both sides, {} changed, recommendation **{}**.\n",
        escape_cell(&diff.baseline),
        escape_cell(&diff.candidate),
        plural(diff.total, "case"),
        diff.changed.len(),
        diff.recommendation.as_str()
    );
    let mut verdicts: Vec<&String> = diff
        .baseline_verdicts
        .keys()
        .chain(diff.candidate_verdicts.keys())
        .collect();
    verdicts.sort();
    verdicts.dedup();
    if !verdicts.is_empty() {
        out.push_str("| Verdict | Baseline | Candidate |\n|---|---:|---:|\n");
        for verdict in verdicts {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                escape_cell(verdict),
                diff.baseline_verdicts.get(verdict).copied().unwrap_or(0),
                diff.candidate_verdicts.get(verdict).copied().unwrap_or(0)
            );
        }
        out.push('\n');
    }
    let mark = |direction: crate::diff::verdicts::Direction, disallowed: bool| match (
        direction, disallowed,
    ) {
        (_, true) => "❌",
        (crate::diff::verdicts::Direction::Loosening, false) => "⚠️",
        _ => "ℹ️",
    };
    for environment in diff.environments() {
        let cases: Vec<_> = diff
            .changed
            .iter()
            .filter(|case| case.environment == environment)
            .collect();
        if !cases.is_empty() {
            let _ = writeln!(
                out,
                "#### Changed cases: environment `{}`\n\n| | Direction | Suite | Case | Baseline | Candidate |\n|---|---|---|---|---|---|",
                escape_cell(environment)
            );
            for case in cases.iter().take(MAX_CASE_ROWS) {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} |",
                    mark(case.direction, case.disallowed),
                    case.direction.as_str(),
                    escape_cell(&case.suite),
                    escape_cell(&case.case),
                    escape_cell(&case.baseline.explain()),
                    escape_cell(&case.candidate.explain())
                );
            }
            more(out, cases.len(), MAX_CASE_ROWS);
        }
        let regions: Vec<_> = diff
            .regions
            .iter()
            .filter(|region| region.environment == environment)
            .collect();
        if !regions.is_empty() {
            let _ = writeln!(
                out,
                "#### Boundary regions: environment `{}`\n\n| | Policy | Gate | Region | Baseline | Candidate |\n|---|---|---|---|---|---|",
                escape_cell(environment)
            );
            for region in regions.iter().take(MAX_CASE_ROWS) {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} |",
                    mark(region.direction, region.disallowed),
                    escape_cell(&region.policy),
                    escape_cell(&region.gate),
                    escape_cell(&region.region),
                    escape_cell(&region.baseline),
                    escape_cell(&region.candidate)
                );
            }
            more(out, regions.len(), MAX_CASE_ROWS);
        }
    }
    for note in &diff.notes {
        let _ = writeln!(out, "> {}\n", escape_cell(note));
    }
}

fn more(out: &mut String, total: usize, shown: usize) {
    if total > shown {
        let _ = writeln!(out, "\n…and {} more", total - shown);
    }
    out.push('\n');
}

/// Cuts `text` at a line boundary so that it and the note fit in `limit` bytes.
fn cap(text: String, limit: usize) -> String {
    if text.len() <= limit {
        return text;
    }
    let note = format!(
        "\n> **Note:** this summary was truncated to stay under {} KiB; the JSON or SARIF report has every finding.\n",
        limit / 1024
    );
    let mut end = limit.saturating_sub(note.len());
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = text.get(..end).unwrap_or("");
    let head = head
        .rfind('\n')
        .map_or(head, |newline| head.get(..=newline).unwrap_or(head));
    format!("{head}{note}")
}

/// Makes user text safe inside a table cell: `|` would split the cell, line breaks would end the
/// row, and Markdown or HTML punctuation would format, link or inject markup. Every ASCII
/// punctuation character that means something to GitHub Flavored Markdown is backslash-escaped;
/// `&` becomes `&amp;` so entities are shown literally; long text is shortened.
pub fn escape_cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (count, c) in text.chars().enumerate() {
        if count == MAX_CELL_CHARS {
            out.push('…');
            break;
        }
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '!' | '{' | '}'
            | '(' | ')' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            '\r' => {}
            '\n' => out.push_str("<br>"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_escape_pipes_and_markup() {
        assert_eq!(
            escape_cell("a|b *c* <x> [l](u)\nz & `q`"),
            "a\\|b \\*c\\* \\<x\\> \\[l\\]\\(u\\)<br>z &amp; \\`q\\`"
        );
    }

    #[test]
    fn cap_cuts_at_a_line_and_adds_a_note() {
        let text = "line one\n".repeat(1000);
        let capped = cap(text, 2048);
        assert!(capped.len() <= 2048);
        assert!(capped.contains("truncated"));
        assert!(capped.starts_with("line one\nline one\n"));
    }
}
