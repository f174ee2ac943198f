//! JUnit XML for fixture replay: one `<testsuite>` per fixture suite (sorted by path), one
//! `<testcase>` per case (in suite order), with `<failure>` or `<skipped>` children. No `time` or
//! `timestamp` attributes: the output must be identical across runs.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::report::{CaseOutcome, CaseStatus, Report, TOOL_NAME};

/// Renders the fixture cases as a JUnit XML document.
pub fn render(report: &Report) -> String {
    let mut suites: BTreeMap<&str, Vec<&CaseOutcome>> = BTreeMap::new();
    for case in &report.cases {
        suites.entry(&case.suite).or_default().push(case);
    }
    let (_, failed, skipped) = report.case_counts();

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{failed}\" errors=\"0\" skipped=\"{skipped}\">",
        attribute(TOOL_NAME),
        report.cases.len()
    );
    for (suite, cases) in &suites {
        let count = |status| cases.iter().filter(|case| case.status == status).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">",
            attribute(suite),
            cases.len(),
            count(CaseStatus::Failed),
            count(CaseStatus::Skipped)
        );
        for case in cases {
            render_case(&mut out, case);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn render_case(out: &mut String, case: &CaseOutcome) {
    let _ = write!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\"",
        attribute(&case.name),
        attribute(&case.suite)
    );
    match case.status {
        CaseStatus::Passed => out.push_str("/>\n"),
        CaseStatus::Skipped => {
            out.push_str(">\n");
            match &case.message {
                Some(message) => {
                    let _ = writeln!(out, "      <skipped message=\"{}\"/>", attribute(message));
                }
                None => out.push_str("      <skipped/>\n"),
            }
            out.push_str("    </testcase>\n");
        }
        CaseStatus::Failed => {
            out.push_str(">\n");
            let message = case
                .message
                .as_deref()
                .unwrap_or("fixture expectation failed");
            let mut body = String::new();
            if let Some(expected) = &case.expected {
                let _ = writeln!(body, "expected: {expected}");
            }
            if let Some(actual) = &case.actual {
                let _ = writeln!(body, "actual: {actual}");
            }
            body.push_str(message);
            let _ = writeln!(
                out,
                "      <failure message=\"{}\" type=\"mismatch\">{}</failure>",
                attribute(message),
                text(&body)
            );
            out.push_str("    </testcase>\n");
        }
    }
}

/// Escapes character data. Characters XML 1.0 cannot carry at all (most C0 controls, lone
/// surrogates cannot occur in `str`, U+FFFE/U+FFFF) become U+FFFD.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(legal(c)),
        }
    }
    out
}

/// Escapes an attribute value (always written between double quotes). Tabs and line breaks are
/// written as character references so attribute-value normalisation does not turn them into
/// spaces.
fn attribute(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(legal(c)),
        }
    }
    out
}

fn legal(c: char) -> char {
    match c {
        '\t' | '\n' | '\r' => c,
        '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => '\u{FFFD}',
        c => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_illegal_characters() {
        assert_eq!(text("a<b & c>\u{1}"), "a&lt;b &amp; c&gt;\u{FFFD}");
        assert_eq!(attribute("\"x\"\n'y'"), "&quot;x&quot;&#10;&apos;y&apos;");
    }
}
