use crate::declare_rule;
use crate::rules::{FileContext, Rule, Sink};
use crate::schema::IssueKind;

declare_rule! {
    /// ## What it does
    /// Reports an object that lacks a key its schema requires (a Gait rule without `name`).
    ///
    /// ## Why is this bad?
    /// The loader rejects the file, or the object cannot mean anything without the key.
    ///
    /// ## Example
    /// ```yaml title="policy.yaml"
    /// schema_id: gait.gate.policy
    /// rules:
    ///   - effect: block
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="policy.yaml"
    /// schema_id: gait.gate.policy
    /// rules:
    ///   - name: block-all
    ///     effect: block
    /// ```
    pub struct MissingRequiredKey {
        id: "missing-required-key",
        summary: "a required key is missing",
        severity: Error,
        since: "0.1.0",
        invalid_input: true,
    }
}

impl Rule for MissingRequiredKey {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        for issue in cx.schema_issues {
            let IssueKind::MissingRequired { .. } = &issue.kind else {
                continue;
            };
            out.push(Self::META.finding(
                cx.at(issue.span, issue.pointer.clone()),
                issue.message.clone(),
            ));
        }
    }
}
