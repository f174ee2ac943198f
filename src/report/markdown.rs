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

/// Where a location in the job summary links to: the file at the commit under review, as
/// GitHub's own blob view shows it (`{server}/{repository}/blob/{sha}/{path}#L{line}`).
///
/// Built from the variables every GitHub Actions job has (`GITHUB_SERVER_URL`,
/// `GITHUB_REPOSITORY`, `GITHUB_SHA`), and `GITHUB_WORKSPACE` to turn a path relative to the
/// working directory into one relative to the repository root. Any variable missing or not of
/// the shape GitHub gives it: no links.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobLinks {
    /// `https://github.com/owner/repo/blob/<sha>/`.
    base: String,
    /// The working directory's path inside the repository (`deploy/`), or empty.
    prefix: String,
}

impl BlobLinks {
    /// Links from the environment (`var` looks one variable up); `cwd` is the working directory.
    pub fn from_env(
        var: impl Fn(&str) -> Option<String>,
        cwd: Option<&std::path::Path>,
    ) -> Option<BlobLinks> {
        let server = var("GITHUB_SERVER_URL")?;
        let repository = var("GITHUB_REPOSITORY")?;
        let sha = var("GITHUB_SHA")?;
        let server = server.trim_end_matches('/');
        let server_ok = (server.starts_with("https://") || server.starts_with("http://"))
            && server
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || b":/.-_".contains(&byte));
        let mut parts = repository.split('/');
        let repository_ok = matches!(
            (parts.next(), parts.next(), parts.next()),
            (Some(owner), Some(name), None) if [owner, name].iter().all(|part| {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|byte| byte.is_ascii_alphanumeric() || b".-_".contains(&byte))
            })
        );
        let sha_ok = (7..=64).contains(&sha.len()) && sha.bytes().all(|b| b.is_ascii_hexdigit());
        if !(server_ok && repository_ok && sha_ok) {
            return None;
        }
        let prefix = var("GITHUB_WORKSPACE")
            .zip(cwd)
            .and_then(|(workspace, cwd)| {
                let inside = cwd.strip_prefix(std::path::Path::new(&workspace)).ok()?;
                let parts: Option<Vec<&str>> = inside
                    .components()
                    .map(|component| match component {
                        std::path::Component::Normal(part) => part.to_str(),
                        _ => None,
                    })
                    .collect();
                let parts = parts?;
                Some(parts.iter().map(|part| format!("{part}/")).collect())
            })
            .unwrap_or_default();
        Some(BlobLinks {
            base: format!("{server}/{repository}/blob/{sha}/"),
            prefix,
        })
    }

    /// The URL of `path` (relative to the working directory) at `line`; `None` for a path that
    /// does not name a file inside the repository (absolute, or climbing out with `..`).
    fn url(&self, path: &str, line: u32) -> Option<String> {
        if path.starts_with('/') || path.split('/').any(|part| part == ".." || part.is_empty()) {
            return None;
        }
        let path = path.strip_prefix("./").unwrap_or(path);
        let mut url = self.base.clone();
        for byte in self.prefix.bytes().chain(path.bytes()) {
            if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
                url.push(char::from(byte));
            } else {
                let _ = write!(url, "%{byte:02X}");
            }
        }
        let _ = write!(url, "#L{line}");
        Some(url)
    }
}

/// Where changes are grouped for the reader: an environment, or for changes without one (Gait
/// intents without `context.environment`) the suite or policy they come from.
fn group_of(environment: &str, source: &str) -> String {
    if environment == "-" {
        format!("`{}`", code(source))
    } else {
        format!("environment `{}`", code(environment))
    }
}

/// The headline's mark and words: the most important news first — disallowed verdict changes
/// (by default, loosened production verdicts) and where they are, then fixture regressions,
/// then invalid input, then blocking findings. Never "passed" above an error (`--exit-zero`
/// says so instead).
fn headline(report: &Report) -> (&'static str, String) {
    let mut news = Vec::new();
    if let Some(diff) = &report.diff
        && diff.disallowed() > 0
    {
        let mut places: Vec<String> = diff
            .changed
            .iter()
            .filter(|case| case.disallowed)
            .map(|case| group_of(&case.environment, &case.suite))
            .chain(
                diff.regions
                    .iter()
                    .filter(|region| region.disallowed)
                    .map(|region| group_of(&region.environment, &region.policy)),
            )
            .collect();
        places.sort();
        places.dedup();
        news.push(format!(
            "{} in {}",
            plural(diff.disallowed(), "disallowed verdict change"),
            places.join(", ")
        ));
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
    let invalid = errors(|meta| meta.invalid_input);
    if invalid > 0 {
        news.push(format!("invalid input ({})", plural(invalid, "error")));
    }
    let errors_total = report.count(Severity::Error);
    if news.is_empty() && (report.exit == Exit::Blocked || errors_total > 0) {
        news.push(format!(
            "blocked by findings ({})",
            plural(errors_total, "error")
        ));
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

/// One line per group with a changed verdict: how many loosened, tightened or changed
/// otherwise, loosenings first.
fn who(diff: &crate::report::DiffSummary) -> Option<String> {
    use crate::diff::verdicts::Direction;
    // Per group: loosened, tightened, changed otherwise, and how many the run disallows.
    let mut groups: std::collections::BTreeMap<String, [usize; 4]> =
        std::collections::BTreeMap::new();
    let slot = |direction: Direction| match direction {
        Direction::Loosening => 0,
        Direction::Tightening => 1,
        _ => 2,
    };
    let changes = diff
        .changed
        .iter()
        .map(|case| {
            (
                group_of(&case.environment, &case.suite),
                case.direction,
                case.disallowed,
            )
        })
        .chain(diff.regions.iter().map(|region| {
            (
                group_of(&region.environment, &region.policy),
                region.direction,
                region.disallowed,
            )
        }));
    for (group, direction, disallowed) in changes {
        let counts = groups.entry(group).or_default();
        if let Some(count) = counts.get_mut(slot(direction)) {
            *count += 1;
        }
        if let (true, Some(count)) = (disallowed, counts.get_mut(3)) {
            *count += 1;
        }
    }
    if groups.is_empty() {
        return None;
    }
    let mut lines = String::from("**What changed for whom:**\n\n");
    // Groups with changes the run disallows first (by default, loosened production verdicts),
    // then those with loosenings: they are what a reviewer must see.
    let mut ordered: Vec<_> = groups.into_iter().collect();
    ordered.sort_by_key(|(name, [loosened, _, _, disallowed])| {
        (
            std::cmp::Reverse(*disallowed),
            std::cmp::Reverse(*loosened),
            name.clone(),
        )
    });
    for (name, [loosened, tightened, other, _]) in ordered {
        let mut parts = Vec::new();
        if loosened > 0 {
            parts.push(format!("**{loosened} loosened**"));
        }
        if tightened > 0 {
            parts.push(format!("{tightened} tightened"));
        }
        if other > 0 {
            parts.push(format!("{other} changed otherwise"));
        }
        let _ = writeln!(lines, "- {name}: {}", parts.join(", "));
    }
    Some(lines)
}

/// Renders the job summary; `links` turns locations into links to the reviewed commit.
pub fn render(report: &Report, links: Option<&BlobLinks>) -> String {
    cap(render_full(report, links), MAX_BYTES)
}

fn render_full(report: &Report, links: Option<&BlobLinks>) -> String {
    let mut out = String::new();
    let (mark, verdict) = headline(report);
    let _ = writeln!(
        out,
        "## {mark} gatelint {}: {verdict}\n",
        escape_cell(report.command)
    );
    if let Some(who) = report.diff.as_ref().and_then(who) {
        let _ = writeln!(out, "{who}");
    }
    let _ = writeln!(
        out,
        "{} (exit code {}, `{}`).\n",
        escape_cell(&summary_line(report)),
        report.exit.code(),
        exit_name(report.exit)
    );

    if let Some(diff) = &report.diff {
        render_diff(&mut out, report, diff, links);
    }
    render_findings(&mut out, report, links);
    render_cases(&mut out, report, links);

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

/// `path:line`, as a link to the reviewed commit when there are links.
fn location(path: &str, line: u32, links: Option<&BlobLinks>) -> String {
    let text = escape_cell(&format!("{path}:{line}"));
    match links.and_then(|links| links.url(path, line)) {
        Some(url) => format!("[{text}]({url})"),
        None => text,
    }
}

/// Findings: counts by severity, then one row each, errors first and within a severity the
/// most important first (loosened verdicts, other regressions, then by security severity), so
/// a capped table keeps what matters.
fn render_findings(out: &mut String, report: &Report, links: Option<&BlobLinks>) {
    out.push_str("### Findings\n\n| Severity | Count |\n|---|---:|\n");
    for severity in [Severity::Error, Severity::Warning, Severity::Note] {
        let _ = writeln!(out, "| {severity} | {} |", report.count(severity));
    }
    out.push('\n');
    if report.findings.is_empty() {
        return;
    }
    let mut findings: Vec<_> = report.findings.iter().collect();
    // A stable sort: equal keys keep the report's order (path, then position).
    findings.sort_by_key(|finding| {
        (
            std::cmp::Reverse(finding.severity),
            crate::report::importance(finding.rule.as_str()),
        )
    });
    out.push_str("| Severity | Rule | Location | Message |\n|---|---|---|---|\n");
    for finding in findings.iter().take(MAX_FINDING_ROWS) {
        let start = report.region(&finding.primary, ColumnUnit::Chars).start;
        let mut message = finding.message.clone();
        if let Some(help) = &finding.help {
            message.push_str(" (help: ");
            message.push_str(help);
            message.push(')');
        }
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} |",
            finding.severity,
            code(finding.rule.as_str()),
            location(&finding.primary.path, start.line.get(), links),
            escape_cell(&message)
        );
    }
    more(out, findings.len(), MAX_FINDING_ROWS);
}

/// Fixture cases: the counts, the failed and skipped cases as a table, the passing ones only
/// inside a collapsed `<details>`.
fn render_cases(out: &mut String, report: &Report, links: Option<&BlobLinks>) {
    if report.case_total() == 0 {
        return;
    }
    let (passed, failed, skipped) = report.case_counts();
    let _ = writeln!(
        out,
        "### Fixture cases\n\n{}: {passed} passed, {failed} failed, {skipped} skipped.\n",
        plural(report.case_total(), "case")
    );
    let row = |out: &mut String, case: &crate::report::CaseOutcome| {
        let mark = match case.status {
            CaseStatus::Passed => "✅ passed",
            CaseStatus::Failed => "❌ failed",
            CaseStatus::Skipped => "⏭️ skipped",
        };
        let place = match case.line {
            Some(line) => location(&case.suite, line, links),
            None => escape_cell(&case.suite),
        };
        let _ = writeln!(
            out,
            "| {mark} | {place} | {} | {} | {} | {} |",
            escape_cell(&case.name),
            escape_cell(case.expected.as_deref().unwrap_or("")),
            escape_cell(case.actual.as_deref().unwrap_or("")),
            escape_cell(case.message.as_deref().unwrap_or(""))
        );
    };
    const HEADER: &str =
        "| Status | Location | Case | Expected | Actual | Message |\n|---|---|---|---|---|---|\n";
    let (passing, rest): (Vec<_>, Vec<_>) = report
        .cases
        .iter()
        .partition(|case| case.status == CaseStatus::Passed);
    if !rest.is_empty() {
        // Failures first: they are what the reader came for.
        let mut rest = rest;
        rest.sort_by_key(|case| case.status != CaseStatus::Failed);
        out.push_str(HEADER);
        for case in rest.iter().take(MAX_CASE_ROWS) {
            row(out, case);
        }
        more(out, rest.len(), MAX_CASE_ROWS);
    }
    if !passing.is_empty() {
        let _ = write!(
            out,
            "<details><summary>{} passed</summary>\n\n{HEADER}",
            plural(passed, "case")
        );
        for case in passing.iter().take(MAX_CASE_ROWS) {
            row(out, case);
        }
        let shown = passing.len().min(MAX_CASE_ROWS);
        if passed > shown {
            let _ = writeln!(out, "\n…and {} more", passed - shown);
        }
        out.push_str("\n</details>\n\n");
    }
}

/// A Mermaid bar chart of the verdict counts, baseline as bars and candidate as a line (GitHub
/// renders Mermaid blocks in job summaries).
fn chart(out: &mut String, verdicts: &[&String], diff: &crate::report::DiffSummary) {
    let label = |text: &str| -> String {
        text.chars()
            .filter(|c| c.is_alphanumeric() || "_- ".contains(*c))
            .collect()
    };
    let counts = |side: &std::collections::BTreeMap<String, usize>| -> String {
        verdicts
            .iter()
            .map(|verdict| side.get(*verdict).copied().unwrap_or(0).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let axis: Vec<String> = verdicts
        .iter()
        .map(|verdict| format!("\"{}\"", label(verdict)))
        .collect();
    let _ = writeln!(
        out,
        "```mermaid\nxychart-beta\n    title \"Verdicts: baseline (bars), candidate (line)\"\n    x-axis [{}]\n    y-axis \"cases\"\n    bar [{}]\n    line [{}]\n```\n",
        axis.join(", "),
        counts(&diff.baseline_verdicts),
        counts(&diff.candidate_verdicts)
    );
}

/// The verdict diff: counts per side (a chart and a table), then per environment (or, without
/// one, per suite or policy) the changed cases and the boundary regions.
fn render_diff(
    out: &mut String,
    report: &Report,
    diff: &crate::report::DiffSummary,
    links: Option<&BlobLinks>,
) {
    let _ = writeln!(
        out,
        "### Verdict diff\n\n`{}` → `{}`: {} replayed on both sides, {} changed, recommendation **{}**.\n",
        code(&diff.baseline),
        code(&diff.candidate),
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
        chart(out, &verdicts, diff);
        out.push_str("| Verdict | Baseline | Candidate |\n|---|---:|---:|\n");
        for verdict in &verdicts {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                escape_cell(verdict),
                diff.baseline_verdicts.get(*verdict).copied().unwrap_or(0),
                diff.candidate_verdicts.get(*verdict).copied().unwrap_or(0)
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
    let mut groups: Vec<String> = diff
        .changed
        .iter()
        .map(|case| group_of(&case.environment, &case.suite))
        .chain(
            diff.regions
                .iter()
                .map(|region| group_of(&region.environment, &region.policy)),
        )
        .collect();
    groups.sort();
    groups.dedup();
    for group in groups {
        let cases: Vec<_> = diff
            .changed
            .iter()
            .filter(|case| group_of(&case.environment, &case.suite) == group)
            .collect();
        if !cases.is_empty() {
            let _ = writeln!(
                out,
                "#### Changed cases: {group}\n\n| | Direction | Case | Location | Baseline | Candidate |\n|---|---|---|---|---|---|"
            );
            for case in cases.iter().take(MAX_CASE_ROWS) {
                let line = case.span.and_then(|span| {
                    report
                        .source(&case.suite)
                        .map(|source| source.region(span, ColumnUnit::Chars).start.line.get())
                });
                let place = match line {
                    Some(line) => location(&case.suite, line, links),
                    None => escape_cell(&case.suite),
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {place} | {} | {} |",
                    mark(case.direction, case.disallowed),
                    case.direction.as_str(),
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
            .filter(|region| group_of(&region.environment, &region.policy) == group)
            .collect();
        if !regions.is_empty() {
            let _ = writeln!(
                out,
                "#### Boundary regions: {group}\n\n| | Policy | Gate | Region | Baseline | Candidate |\n|---|---|---|---|---|---|"
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
///
/// Text between a pair of backticks (how messages quote keys and values) stays a code span,
/// shown as code: inside it nothing formats, so only `|` (which would still split the cell)
/// is escaped. A backtick without a partner is shown as one.
pub fn escape_cell(text: &str) -> String {
    let mut shortened: String = text.chars().take(MAX_CELL_CHARS).collect();
    if text.chars().nth(MAX_CELL_CHARS).is_some() {
        shortened.push('…');
    }
    let pieces: Vec<&str> = shortened.split('`').collect();
    // Pieces alternate outside, inside, outside…; an odd number of backticks leaves the last
    // one unpaired, and the text after it outside.
    let paired = (pieces.len() - 1) / 2 * 2;
    let mut out = String::with_capacity(shortened.len());
    for (index, piece) in pieces.iter().enumerate() {
        let inside = index % 2 == 1 && index <= paired;
        if index > 0 && !inside && index > paired {
            out.push_str("\\`");
        }
        if inside {
            let content = code(piece);
            if content.trim().is_empty() {
                // An empty span would read as a longer backtick run: show the backticks.
                let _ = write!(out, "\\`{}\\`", escape_plain(piece));
            } else {
                let _ = write!(out, "`{content}`");
            }
        } else {
            out.push_str(&escape_plain(piece));
        }
    }
    out
}

/// Text for inside a code span in a table cell: `|` escaped (GFM splits cells before it
/// parses spans), line breaks and other control characters shown as spaces, backticks (which
/// would end the span) as `'`.
fn code(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '`' => out.push('\''),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn escape_plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
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
            escape_cell("a|b *c* <x> [l](u)\nz & q"),
            "a\\|b \\*c\\* \\<x\\> \\[l\\]\\(u\\)<br>z &amp; q"
        );
    }

    #[test]
    fn quoted_code_stays_code() {
        assert_eq!(
            escape_cell("unknown key `MinCompositScore` (did you mean `MinCompositeScore`?)"),
            "unknown key `MinCompositScore` \\(did you mean `MinCompositeScore`?\\)"
        );
        // Inside a span only `|` is escaped; markup stays literal code.
        assert_eq!(escape_cell("`a|<b>*c*`"), "`a\\|<b>*c*`");
        // An unpaired backtick is shown, and the text after it is escaped as plain text.
        assert_eq!(escape_cell("`a` and ` *b*"), "`a` and \\` \\*b\\*");
        assert_eq!(escape_cell("`"), "\\`");
        // An empty span would open a longer run: its backticks are shown.
        assert_eq!(escape_cell("x `` y"), "x \\`\\` y");
        assert_eq!(escape_cell("`line\nbreak`"), "`line break`");
    }

    #[test]
    fn links_need_every_variable_in_its_shape() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| (*value).to_owned())
            }
        };
        let good: &[(&str, &str)] = &[
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_REPOSITORY", "acme/gates"),
            ("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567"),
            ("GITHUB_WORKSPACE", "/home/runner/work/gates/gates"),
        ];
        let links = BlobLinks::from_env(
            env(good),
            Some(std::path::Path::new("/home/runner/work/gates/gates/deploy")),
        )
        .expect("links");
        assert_eq!(
            links.url("policy gates.yaml", 7).as_deref(),
            Some(
                "https://github.com/acme/gates/blob/0123456789abcdef0123456789abcdef01234567/deploy/policy%20gates.yaml#L7"
            )
        );
        assert_eq!(links.url("../x.yaml", 1), None);
        assert_eq!(links.url("/etc/x.yaml", 1), None);
        let no_sha: &[(&str, &str)] = &good[..2];
        assert_eq!(BlobLinks::from_env(env(no_sha), None), None);
        let bad_repository: &[(&str, &str)] = &[
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_REPOSITORY", "acme/gates)[x](y"),
            ("GITHUB_SHA", "0123456789abcdef"),
        ];
        assert_eq!(BlobLinks::from_env(env(bad_repository), None), None);
        let bad_server: &[(&str, &str)] = &[
            ("GITHUB_SERVER_URL", "javascript:alert(1)"),
            ("GITHUB_REPOSITORY", "acme/gates"),
            ("GITHUB_SHA", "0123456789abcdef"),
        ];
        assert_eq!(BlobLinks::from_env(env(bad_server), None), None);
    }

    #[test]
    fn who_leads_with_disallowed_changes_then_loosenings() {
        use crate::diff::verdicts::{
            ChangedCase, Decided, DiffSummary, Direction, FailOnChange, Recommendation,
        };
        let change = |environment: &str, direction, disallowed| ChangedCase {
            suite: "s.fixtures.yaml".into(),
            case: "c".into(),
            span: None,
            index: 0,
            environment: environment.into(),
            direction,
            disallowed,
            baseline: Decided::default(),
            candidate: Decided::default(),
        };
        let diff = DiffSummary {
            baseline: "git:HEAD~1".into(),
            candidate: "working tree".into(),
            fail_on: FailOnChange::default(),
            total: 4,
            baseline_verdicts: std::collections::BTreeMap::new(),
            candidate_verdicts: std::collections::BTreeMap::new(),
            changed: vec![
                change("alpha", Direction::Tightening, false),
                change("beta", Direction::Loosening, false),
                change("live", Direction::Loosening, true),
                change("-", Direction::Tightening, false),
            ],
            regions: Vec::new(),
            recommendation: Recommendation::Observe,
            notes: Vec::new(),
        };
        assert_eq!(
            who(&diff).as_deref(),
            Some(
                "**What changed for whom:**\n\n- environment `live`: **1 loosened**\n- environment `beta`: **1 loosened**\n- `s.fixtures.yaml`: 1 tightened\n- environment `alpha`: 1 tightened\n"
            )
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
