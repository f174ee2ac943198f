use super::outcome::{CaseStatus, TestOutcome};

/// JUnit XML: one `testsuite` per suite, one `testcase` per kept case.
pub fn junit_xml(outcome: &TestOutcome) -> String {
    use std::fmt::Write as _;
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"gatelint\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
        outcome.total, outcome.failed, outcome.errors
    );
    for suite in &outcome.suites {
        let _ = writeln!(
            xml,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
            escape(&suite.path),
            suite.total,
            suite.failed,
            suite.errors
        );
        for case in &suite.cases {
            let _ = write!(
                xml,
                "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" line=\"{}\"",
                escape(&suite.path),
                escape(&case.name),
                escape(&suite.path),
                case.line
            );
            match case.status {
                CaseStatus::Passed => xml.push_str("/>\n"),
                CaseStatus::Failed => {
                    let _ = writeln!(
                        xml,
                        ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                        escape(case.mismatches.first().map_or("", String::as_str)),
                        escape(&case.mismatches.join("\n"))
                    );
                }
                CaseStatus::Error => {
                    let _ = writeln!(
                        xml,
                        ">\n      <error message=\"{}\"/>\n    </testcase>",
                        escape(case.error.as_deref().unwrap_or(""))
                    );
                }
            }
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}
