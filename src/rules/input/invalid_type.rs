use crate::declare_rule;
use crate::rules::{FileContext, Rule, Sink};
use crate::schema::IssueKind;

declare_rule! {
    /// ## What it does
    /// Reports a value whose type does not match the schema (a list where a number is expected, a
    /// string that is not a number where a threshold is expected).
    ///
    /// ## Why is this bad?
    /// A value of the wrong type fails to bind: the service refuses to start or keeps the default.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: yes please
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true
    /// ```
    pub struct InvalidType {
        id: "invalid-type",
        summary: "value has the wrong type",
        severity: Error,
        since: "0.1.0",
        invalid_input: true,
    }
}

impl Rule for InvalidType {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        for issue in cx.schema_issues {
            let IssueKind::WrongType = &issue.kind else {
                continue;
            };
            out.push(Self::META.finding(
                cx.at(issue.span, issue.pointer.clone()),
                issue.message.clone(),
            ));
        }
    }
}
