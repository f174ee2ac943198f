use crate::declare_rule;
use crate::parse::IssueKind;
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports YAML or JSON nested more than 128 levels deep, and stops reading the file there.
    ///
    /// ## Why is this bad?
    /// No policy needs that depth; such input is a mistake or an attempt to exhaust a parser's stack.
    ///
    /// ## Example
    /// ```json title="appsettings.json"
    /// {"PolicyGates": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}
    /// ```
    ///
    /// ## Use instead
    /// ```json title="appsettings.json"
    /// {"PolicyGates": {"VexTrust": {"Enabled": true}}}
    /// ```
    pub struct NestingTooDeep {
        id: "nesting-too-deep",
        summary: "containers are nested too deeply",
        severity: Error,
        since: "0.1.0",
        invalid_input: true,
    }
}

impl Rule for NestingTooDeep {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        for issue in cx.parse_issues {
            let IssueKind::TooDeep = &issue.kind else {
                continue;
            };
            out.push(Self::META.finding(
                cx.at(issue.span, ""),
                format!(
                    "nesting deeper than {} levels; the file was not read further",
                    crate::parse::MAX_DEPTH
                ),
            ));
        }
    }
}
