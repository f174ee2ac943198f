use crate::declare_rule;
use crate::parse::IssueKind;
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports YAML whose anchors and aliases expand to more than two million nodes (a "billion
    /// laughs" document), and stops reading it there.
    ///
    /// ## Why is this bad?
    /// Alias expansion grows exponentially: a few lines can ask a loader for gigabytes of memory. A
    /// policy file has no reason to do that.
    ///
    /// ## Example
    /// ```yaml title="policy.yaml"
    /// a: &a [x, x, x, x, x, x, x, x, x, x]
    /// b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
    /// c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
    /// d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
    /// e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
    /// f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
    /// g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
    /// rules: [*g]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="policy.yaml"
    /// rules: []
    /// default_verdict: block
    /// ```
    pub struct AliasLimit {
        id: "alias-limit",
        summary: "YAML aliases expand beyond the allowed size",
        severity: Error,
        since: "0.1.0",
        invalid_input: true,
    }
}

impl Rule for AliasLimit {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        for issue in cx.parse_issues {
            let IssueKind::AliasLimit = &issue.kind else {
                continue;
            };
            out.push(Self::META.finding(
                cx.at(issue.span, ""),
                format!(
                    "aliases expand to more than {} nodes; the file was not read further",
                    crate::parse::MAX_NODES
                ),
            ));
        }
    }
}
