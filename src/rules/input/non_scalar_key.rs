use crate::declare_rule;
use crate::parse::IssueKind;
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports YAML complex keys (a sequence or mapping used as a key).
    ///
    /// ## Why is this bad?
    /// Configuration binders and policy loaders only understand string keys; a complex key is either
    /// rejected or bound under a meaningless name.
    ///
    /// ## Example
    /// ```yaml title="policy.yaml"
    /// rules: []
    /// ? [a, b]
    /// : block
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="policy.yaml"
    /// rules: []
    /// default_verdict: block
    /// ```
    pub struct NonScalarKey {
        id: "non-scalar-key",
        summary: "a mapping key is not a plain value",
        severity: Error,
        since: "0.1.0",
        invalid_input: true,
    }
}

impl Rule for NonScalarKey {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        for issue in cx.parse_issues {
            let IssueKind::NonScalarKey = &issue.kind else {
                continue;
            };
            out.push(Self::META.finding(
                cx.at(issue.span, ""),
                "a sequence or mapping is used as a key; keys must be plain strings",
            ));
        }
    }
}
