use crate::declare_rule;
use crate::rules::{FileContext, Rule, Sink};
use crate::schema::IssueKind;

declare_rule! {
    /// ## What it does
    /// Reports a key repeated in one mapping with different letter case (`MinCompositeScore` and
    /// `minCompositeScore`, or environments `Production` and `production`).
    ///
    /// ## Why is this bad?
    /// .NET configuration keys are case-insensitive: both spellings bind to the same option and one
    /// silently overrides the other, depending on order.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true
    ///     enabled: false
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true
    /// ```
    pub struct CaseDuplicateKey {
        id: "case-duplicate-key",
        summary: "the same key twice with different case",
        severity: Error,
        since: "0.1.0",
        invalid_input: true,
        security_severity: "5.0",
    }
}

impl Rule for CaseDuplicateKey {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        for issue in cx.schema_issues {
            let IssueKind::CaseDuplicate { first } = &issue.kind else {
                continue;
            };
            out.push(
                Self::META
                    .finding(
                        cx.at(issue.span, issue.pointer.clone()),
                        issue.message.clone(),
                    )
                    .with_related(cx.at(*first, issue.pointer.clone()), "first spelling here"),
            );
        }
    }
}
