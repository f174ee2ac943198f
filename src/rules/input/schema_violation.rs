use crate::declare_rule;
use crate::rules::{FileContext, Rule, Sink};
use crate::schema::IssueKind;

declare_rule! {
    /// ## What it does
    /// Reports any other schema violation (a pattern, a length, a uniqueness constraint), naming the
    /// key path and what was expected.
    ///
    /// ## Why is this bad?
    /// The file does not describe a configuration the service accepts.
    ///
    /// ## Example
    /// ```text
    /// A Gait rule name that is empty after trimming, where the schema requires a non-empty string.
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// Give the value the shape the schema's description asks for.
    /// ```
    pub struct SchemaViolation {
        id: "schema-violation",
        summary: "value violates the schema",
        severity: Error,
        since: "0.1.0",
        invalid_input: true,
    }
}

impl Rule for SchemaViolation {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        for issue in cx.schema_issues {
            let IssueKind::Other = &issue.kind else {
                continue;
            };
            out.push(Self::META.finding(
                cx.at(issue.span, issue.pointer.clone()),
                issue.message.clone(),
            ));
        }
    }
}
