use crate::declare_rule;
use crate::parse::IssueKind;
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a file larger than 16 MiB (or one that would produce more than two million nodes); it
    /// is not parsed.
    ///
    /// ## Why is this bad?
    /// Policy-gate configuration is small. A file this large is generated or misplaced, and reading
    /// it whole would take memory without bound.
    ///
    /// ## Example
    /// ```text
    /// A 40 MiB `appsettings.json` produced by a build step and committed by mistake.
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// Keep generated files out of the scanned tree (add them to `.gitignore` or to `exclude` in `gatelint.toml`).
    /// ```
    pub struct InputTooLarge {
        id: "input-too-large",
        summary: "file is too large to check",
        severity: Error,
        since: "0.1.0",
        invalid_input: true,
    }
}

impl Rule for InputTooLarge {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        for issue in cx.parse_issues {
            let IssueKind::TooLarge { bytes } = &issue.kind else {
                continue;
            };
            out.push(Self::META.finding(
                cx.at(issue.span, ""),
                format!("file of {bytes} bytes is too large to check"),
            ));
        }
    }
}
