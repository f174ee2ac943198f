//! GitHub Actions workflow commands: one annotation per finding (and per failed fixture case),
//!
//! ```text
//! ::error file=gates.yaml,line=3,col=5,endLine=3,endColumn=21,title=unknown-key::unknown key `x`
//! ```
//!
//! GitHub shows at most 10 annotations of each level per step and drops the rest silently, so
//! gatelint emits at most [`MAX_PER_LEVEL`] of each level and then one `::notice` saying how many
//! were not shown. Columns count Unicode scalar values.

use std::fmt::Write as _;

use crate::finding::Severity;
use crate::report::{CaseStatus, Report, plural};
use crate::span::ColumnUnit;

/// GitHub's per-level, per-step limit on annotations.
pub const MAX_PER_LEVEL: usize = 10;

/// One workflow command before capping.
struct Annotation {
    severity: Severity,
    /// `(name, value)` pairs, unescaped; `title` is the last one.
    properties: Vec<(&'static str, String)>,
    message: String,
    /// Lower is shown first: see [`crate::report::importance`].
    rank: (u8, std::cmp::Reverse<u32>),
}

/// Renders the annotations, one workflow command per line.
///
/// Findings on the same span become one annotation (its level the highest of theirs, its
/// title every rule). Within each level the most important come first (see [`crate::report::importance`]),
/// so the budget goes to what a reviewer must see; the rest keep the report's order.
pub fn render(report: &Report) -> String {
    let mut annotations: Vec<Annotation> = Vec::new();
    let mut by_span: std::collections::HashMap<Vec<(&'static str, String)>, usize> =
        std::collections::HashMap::new();
    for finding in &report.findings {
        let region = report.region(&finding.primary, ColumnUnit::Chars);
        let mut message = finding.message.clone();
        if let Some(help) = &finding.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let place = vec![
            ("file", finding.primary.path.to_string()),
            ("line", region.start.line.to_string()),
            ("col", region.start.column.to_string()),
            ("endLine", region.end.line.to_string()),
            ("endColumn", region.end.column.to_string()),
        ];
        let rank = crate::report::importance(finding.rule.as_str());
        if let Some(merged) = by_span.get(&place).and_then(|&at| annotations.get_mut(at)) {
            merged.severity = merged.severity.max(finding.severity);
            // The more important finding leads the title and the message.
            let first = rank < merged.rank;
            merged.rank = merged.rank.min(rank);
            if let Some((_, title)) = merged.properties.last_mut() {
                *title = if first {
                    format!("{}, {title}", finding.rule)
                } else {
                    format!("{title}, {}", finding.rule)
                };
            }
            merged.message = if first {
                format!("{message}\n\n{}", merged.message)
            } else {
                format!("{}\n\n{message}", merged.message)
            };
            continue;
        }
        by_span.insert(place.clone(), annotations.len());
        let mut properties = place;
        properties.push(("title", finding.rule.to_string()));
        annotations.push(Annotation {
            severity: finding.severity,
            properties,
            message,
            rank,
        });
    }
    for case in &report.cases {
        // A failure `check` reported as a finding is annotated once, above.
        if case.status != CaseStatus::Failed || report.case_reported(case) {
            continue;
        }
        let mut message = format!("fixture case `{}` failed", case.name);
        if let Some(detail) = &case.message {
            message.push_str(": ");
            message.push_str(detail);
        }
        if let (Some(expected), Some(actual)) = (&case.expected, &case.actual) {
            let _ = write!(message, "\nexpected `{expected}`, got `{actual}`");
        }
        let mut properties = vec![("file", case.suite.to_string())];
        if let Some(line) = case.line {
            properties.push(("line", line.to_string()));
        }
        properties.push(("title", "fixture case failed".to_owned()));
        annotations.push(Annotation {
            severity: Severity::Error,
            properties,
            message,
            rank: crate::report::importance("fixture-mismatch"),
        });
    }
    // A stable sort: equal ranks keep the report's order.
    annotations.sort_by_key(|annotation| annotation.rank);
    render_capped(&annotations)
}

fn render_capped(annotations: &[Annotation]) -> String {
    let levels = [Severity::Error, Severity::Warning, Severity::Note];
    let total = |severity: Severity| {
        annotations
            .iter()
            .filter(|annotation| annotation.severity == severity)
            .count()
    };
    let overflow = levels
        .iter()
        .any(|severity| total(*severity) > MAX_PER_LEVEL);
    let mut out = String::new();
    let mut hidden = Vec::new();
    for severity in levels {
        // The summary is itself a notice: leave room for it among the ten notices.
        let cap = if overflow && severity == Severity::Note {
            MAX_PER_LEVEL - 1
        } else {
            MAX_PER_LEVEL
        };
        let all = annotations
            .iter()
            .filter(|annotation| annotation.severity == severity);
        for annotation in all.clone().take(cap) {
            write_command(&mut out, annotation);
        }
        let rest = all.count().saturating_sub(cap);
        if rest > 0 {
            hidden.push(plural(rest, severity.as_str()));
        }
    }
    if !hidden.is_empty() {
        let message = format!(
            "gatelint: {} not shown as annotations (GitHub shows at most {MAX_PER_LEVEL} per level); see the job summary or the SARIF report",
            hidden.join(", ")
        );
        let _ = writeln!(
            out,
            "::notice title={}::{}",
            escape_property("gatelint"),
            escape_data(&message)
        );
    }
    out
}

fn write_command(out: &mut String, annotation: &Annotation) {
    let command = match annotation.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let properties: Vec<String> = annotation
        .properties
        .iter()
        .map(|(name, value)| format!("{name}={}", escape_property(value)))
        .collect();
    let _ = writeln!(
        out,
        "::{command} {}::{}",
        properties.join(","),
        escape_data(&annotation.message)
    );
}

/// Escapes a command's message (the part after `::`), as the runner's `escapeData` does:
/// `%` first (so the escapes below are not themselves escaped), then CR and LF, which would
/// otherwise end the command.
pub fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            // Any other control character (ESC, DEL, C1) would reach the log raw, where a
            // terminal sequence in a file name could rewrite what the reader sees. The runner
            // decodes no other escape, so `%1B` stays visible text.
            c if c.is_control() => out.push_str(&format!("%{:02X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value (`file=…`, `title=…`), as the runner's `escapeProperty` does: the
/// data escapes plus `:` (which would end the properties) and `,` (which separates them).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_and_line_breaks() {
        assert_eq!(
            escape_data("100% sure\r\nnext: a,b"),
            "100%25 sure%0D%0Anext: a,b"
        );
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(escape_property("a:b,c%d\ne"), "a%3Ab%2Cc%25d%0Ae");
    }

    #[test]
    fn other_control_characters_are_shown_not_sent() {
        assert_eq!(escape_data("a\u{1b}[31mb\u{7f}\tc"), "a%1B[31mb%7F%09c");
        assert_eq!(escape_property("x\u{9b}y"), "x%9By");
    }

    #[test]
    fn percent_is_escaped_once() {
        assert_eq!(escape_data("%0A"), "%250A");
    }

    fn annotation(severity: Severity, n: usize) -> Annotation {
        Annotation {
            severity,
            properties: vec![("file", format!("f{n}.yaml"))],
            message: format!("m{n}"),
            rank: crate::report::importance("unknown-key"),
        }
    }

    #[test]
    fn at_most_ten_per_level_then_one_summary() {
        let mut annotations: Vec<Annotation> =
            (0..12).map(|n| annotation(Severity::Error, n)).collect();
        annotations.extend((0..3).map(|n| annotation(Severity::Warning, n)));
        annotations.extend((0..10).map(|n| annotation(Severity::Note, n)));
        let out = render_capped(&annotations);
        assert_eq!(out.matches("::error ").count(), 10);
        assert_eq!(out.matches("::warning ").count(), 3);
        assert_eq!(out.matches("::notice ").count(), 10);
        let last = out.lines().last().unwrap_or_default();
        assert!(last.contains("2 errors, 1 note not shown"), "{last}");
    }

    #[test]
    fn findings_on_one_span_are_one_annotation_ranked_by_importance() {
        use crate::exit::Exit;
        use crate::finding::{Finding, Location, RuleId};
        use crate::span::Span;
        let at = |start| Location::new("a.yaml".into(), Span::new(start, start + 1), "");
        let finding = |rule, severity, start| {
            Finding::new(RuleId(rule), severity, at(start), format!("{rule} here"))
        };
        let report = Report {
            command: "check",
            files: std::collections::BTreeMap::from([(
                std::sync::Arc::from("a.yaml"),
                crate::report::ScannedFile {
                    source: crate::source::SourceFile::new("a.yaml", "a: 1\nb: 2\nc: 3\n"),
                    kind: crate::classify::FileKind::StellaOps,
                },
            )]),
            findings: vec![
                finding("unknown-key", Severity::Warning, 0),
                finding("case-duplicate-key", Severity::Error, 0),
                finding("bad-enum", Severity::Error, 5),
                finding("verdict-loosened", Severity::Error, 9),
            ],
            rules: std::collections::BTreeMap::new(),
            skipped: Vec::new(),
            cases: Vec::new(),
            passed_omitted: 0,
            fail_on: None,
            exit: Exit::Success,
            diff: None,
            fixed: None,
            config: None,
            shard: None,
        };
        let out = render(&report);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3, "{out}");
        assert!(lines[0].contains("title=verdict-loosened::"), "{out}");
        // One span, two rules: one annotation at the higher level, both messages.
        assert!(
            lines.iter().any(|line| line.starts_with("::error ")
                && line.contains("title=unknown-key%2C case-duplicate-key::unknown-key here%0A%0Acase-duplicate-key here")),
            "{out}"
        );
        assert_eq!(out.matches("::warning").count(), 0, "{out}");
    }
}
