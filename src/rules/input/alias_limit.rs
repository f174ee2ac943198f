use crate::declare_rule;
use crate::parse::IssueKind;
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports YAML whose aliases, expanded, add more than 250,000 nodes or 8 MiB of keys and
    /// strings (a "billion laughs" document, or one long string aliased many times), and stops
    /// reading it there. Only what aliases add counts: a large file without aliases is never
    /// reported here.
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
                    "aliases expand to more than {} nodes or {} MiB of text; the file was not read further",
                    crate::parse::MAX_ALIAS_NODES,
                    crate::parse::MAX_ALIAS_BYTES / (1024 * 1024)
                ),
            ));
        }
    }
}
