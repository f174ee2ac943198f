use crate::declare_rule;
use crate::parse::IssueKind;
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a YAML or JSON syntax error at the position where the parser stopped.
    ///
    /// ## Why is this bad?
    /// A file that does not parse is not read at all by the service: its gates keep their defaults,
    /// or the service fails to start. Nothing else in the file can be checked until it parses.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true
    ///     Thresholds: {production: {MinCompositeScore: 0.8}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true
    ///     Thresholds: {production: {MinCompositeScore: 0.8}}
    /// ```
    pub struct SyntaxError {
        id: "syntax-error",
        summary: "file is not valid YAML or JSON",
        severity: Error,
        since: "0.1.0",
        invalid_input: true,
    }
}

impl Rule for SyntaxError {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        for issue in cx.parse_issues {
            let IssueKind::Syntax { message } = &issue.kind else {
                continue;
            };
            let mut finding = Self::META.finding(cx.at(issue.span, ""), message.clone());
            if line_has_tab_indent(cx, issue.span) {
                finding = finding.with_help("YAML does not allow tabs for indentation; use spaces");
            }
            out.push(finding);
        }
    }
}

/// Whether the line of `span` is indented with a tab (a common cause of YAML syntax errors).
fn line_has_tab_indent(cx: &FileContext<'_>, span: crate::span::Span) -> bool {
    let line = cx.source.lines().line_of(span.start);
    let range = cx.source.lines().line_range(&cx.source.text, line);
    let text = cx.source.text.get(range).unwrap_or("");
    text.chars()
        .take_while(|c| c.is_whitespace())
        .any(|c| c == '\t')
}
