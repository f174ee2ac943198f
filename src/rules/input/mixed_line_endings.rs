use crate::declare_rule;
use crate::parse::IssueKind;
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Notes the first line whose ending (CRLF or LF) differs from the file's first line ending.
    ///
    /// ## Why is this bad?
    /// Mixed endings usually come from an editor or a merge; they make diffs noisy and block scalars
    /// carry stray carriage returns.
    ///
    /// ## Example
    /// ```text
    /// Lines 1–10 end in `\r\n`, line 11 (pasted from another file) ends in `\n`.
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// Normalise the file to one line ending (for example with `.gitattributes`: `*.yaml text eol=lf`).
    /// ```
    pub struct MixedLineEndings {
        id: "mixed-line-endings",
        summary: "file mixes CRLF and LF line endings",
        severity: Note,
        since: "0.1.0",
    }
}

impl Rule for MixedLineEndings {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        for issue in cx.parse_issues {
            let IssueKind::MixedLineEndings = &issue.kind else {
                continue;
            };
            out.push(Self::META.finding(
                cx.at(issue.span, ""),
                "line ending differs from the rest of the file (CRLF and LF mixed)",
            ));
        }
    }
}
