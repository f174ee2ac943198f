use crate::declare_rule;
use crate::parse::IssueKind;
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a second YAML document (`---`) in a configuration file.
    ///
    /// ## Why is this bad?
    /// Configuration loaders read only the first document of a stream; everything after the separator
    /// is silently ignored.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true
    /// ---
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: false
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true
    /// ```
    pub struct MultipleDocuments {
        id: "multiple-documents",
        summary: "file holds more than one YAML document",
        severity: Error,
        since: "0.1.0",
        invalid_input: true,
    }
}

impl Rule for MultipleDocuments {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        for issue in cx.parse_issues {
            let IssueKind::MultipleDocuments = &issue.kind else {
                continue;
            };
            out.push(Self::META.finding(
                cx.at(issue.span, ""),
                "a second YAML document starts here; loaders read only the first",
            ));
        }
    }
}
