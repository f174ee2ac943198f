use crate::declare_rule;
use crate::parse::IssueKind;
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Notes a UTF-8 byte order mark at the start of a file.
    ///
    /// ## Why is this bad?
    /// Most loaders skip it, but some tools (and diffs) do not, and it is invisible in editors.
    ///
    /// ## Example
    /// ```text
    /// A file whose first bytes are `EF BB BF` before `PolicyGates:`.
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// Save the file as UTF-8 without a byte order mark.
    /// ```
    pub struct ByteOrderMark {
        id: "byte-order-mark",
        summary: "file starts with a byte order mark",
        severity: Note,
        since: "0.1.0",
    }
}

impl Rule for ByteOrderMark {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        for issue in cx.parse_issues {
            let IssueKind::ByteOrderMark = &issue.kind else {
                continue;
            };
            out.push(Self::META.finding(
                cx.at(issue.span, ""),
                "file starts with a UTF-8 byte order mark",
            ));
        }
    }
}
