use crate::declare_rule;
use crate::rules::{FileContext, Rule, Sink};
use crate::schema::IssueKind;

declare_rule! {
    /// ## What it does
    /// Reports an enumerated option set to a value outside its documented set (`FailureAction:
    /// Deny`).
    ///
    /// ## Why is this bad?
    /// Unknown enum names fail at bind time or fall back to a default; either way the gate does not
    /// do what the file says.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         FailureAction: Deny
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         FailureAction: Block
    /// ```
    pub struct InvalidValue {
        id: "invalid-value",
        summary: "value is not one of the allowed values",
        severity: Error,
        since: "0.1.0",
        invalid_input: true,
    }
}

impl Rule for InvalidValue {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        for issue in cx.schema_issues {
            let IssueKind::InvalidEnum = &issue.kind else {
                continue;
            };
            out.push(Self::META.finding(
                cx.at(issue.span, issue.pointer.clone()),
                issue.message.clone(),
            ));
        }
    }
}
