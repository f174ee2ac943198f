use crate::declare_rule;
use crate::parse::IssueKind;
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Warns about YAML `.inf` and `.nan` values.
    ///
    /// ## Why is this bad?
    /// JSON has no infinity or NaN; the value is read as a string, and a threshold written this way
    /// never binds as intended.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         MinCompositeScore: .nan
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         MinCompositeScore: 0.8
    /// ```
    pub struct NonFiniteNumber {
        id: "non-finite-number",
        summary: "`.inf` or `.nan` where a number is expected",
        severity: Warning,
        since: "0.1.0",
    }
}

impl Rule for NonFiniteNumber {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        for issue in cx.parse_issues {
            let IssueKind::NonFiniteNumber = &issue.kind else {
                continue;
            };
            out.push(Self::META.finding(
                cx.at(issue.span, ""),
                "non-finite number; it is read as a string, not as a number",
            ));
        }
    }
}
