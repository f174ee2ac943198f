use crate::declare_rule;
use crate::parse::IssueKind;
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a key written twice in one mapping, pointing at the second occurrence and naming the
    /// first.
    ///
    /// ## Why is this bad?
    /// Parsers disagree on duplicates: some keep the first value, most keep the last, strict loaders
    /// (Gait's) reject the file. Either way one of the two values is silently lost, and a reviewer
    /// reading the first one is misled.
    ///
    /// ## Example
    /// ```yaml title="policy.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// default_verdict: allow
    /// rules: []
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="policy.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules: []
    /// ```
    pub struct DuplicateKey {
        id: "duplicate-key",
        summary: "a key appears twice in the same mapping",
        severity: Error,
        since: "0.1.0",
        invalid_input: true,
    }
}

impl Rule for DuplicateKey {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        for issue in cx.parse_issues {
            let IssueKind::DuplicateKey { key, first } = &issue.kind else {
                continue;
            };
            out.push(
                Self::META
                    .finding(
                        cx.at(issue.span, ""),
                        format!("duplicate key `{key}`; only one of the values is used"),
                    )
                    .with_related(cx.at(*first, ""), format!("`{key}` first appears here")),
            );
        }
    }
}
