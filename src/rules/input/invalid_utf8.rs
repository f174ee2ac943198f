use crate::declare_rule;
use crate::parse::IssueKind;
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports the first byte sequence that is not UTF-8 (or, in a file that starts with a
    /// UTF-16 or UTF-32 byte-order mark, not text in that encoding). Such files are read as
    /// .NET's configuration reader reads them: decoded, then checked like any other.
    ///
    /// ## Why is this bad?
    /// YAML and JSON configuration must be UTF-8; loaders reject the file or replace characters,
    /// changing keys and values.
    ///
    /// ## Example
    /// ```text
    /// A file saved in Latin-1: `Name: Caf\xe9` (the byte `0xE9` alone is not UTF-8).
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// The same file saved as UTF-8: `Name: Café`.
    /// ```
    pub struct InvalidUtf8 {
        id: "invalid-utf8",
        summary: "file is not valid UTF-8",
        severity: Error,
        since: "0.1.0",
        invalid_input: true,
    }
}

impl Rule for InvalidUtf8 {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        for issue in cx.parse_issues {
            let IssueKind::InvalidText { encoding } = &issue.kind else {
                continue;
            };
            out.push(Self::META.finding(
                cx.at(issue.span, ""),
                format!(
                    "invalid {} sequence; the file cannot be read as YAML or JSON",
                    encoding.name()
                ),
            ));
        }
    }
}
