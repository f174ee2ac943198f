use crate::declare_rule;
use crate::rules::{FileContext, Rule, Sink};
use crate::schema::IssueKind;

declare_rule! {
    /// ## What it does
    /// Reports numbers outside their documented range, such as a score or rate outside 0..1.
    ///
    /// ## Why is this bad?
    /// A trust score threshold of `80` (meant as 80%) can never be met and blocks everything; a
    /// negative limit disables a check.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         MinCompositeScore: 80
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
    pub struct OutOfRange {
        id: "out-of-range",
        summary: "number outside its documented range",
        severity: Error,
        since: "0.1.0",
        invalid_input: true,
    }
}

impl Rule for OutOfRange {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        for issue in cx.schema_issues {
            let IssueKind::OutOfRange = &issue.kind else {
                continue;
            };
            out.push(Self::META.finding(
                cx.at(issue.span, issue.pointer.clone()),
                issue.message.clone(),
            ));
        }
    }
}
