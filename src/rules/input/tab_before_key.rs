use crate::declare_rule;
use crate::parse::IssueKind;
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports tabs before the first key of a YAML file that starts with blank lines.
    ///
    /// ## Why is this bad?
    /// YAML forbids tabs as indentation. Gait's policy parser (goccy/go-yaml) skips tabs in
    /// exactly this place and reads the key as a top-level key, so Gait loads the policy; most
    /// other YAML tools (editors, `yq`, schema validators) reject the file, and a tab anywhere
    /// else in it makes Gait reject it too. gatelint reads the file as Gait does and reports
    /// the tab.
    ///
    /// ## Example
    /// ```text
    /// (a blank first line)
    /// <TAB>default_verdict: allow
    /// rules: []
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// default_verdict: allow
    /// rules: []
    /// ```
    pub struct TabBeforeKey {
        id: "tab-before-key",
        summary: "a tab before the first key (Gait skips it, YAML forbids it)",
        severity: Warning,
        since: "0.1.0",
    }
}

impl Rule for TabBeforeKey {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        for issue in cx.parse_issues {
            let IssueKind::TabBeforeKey = &issue.kind else {
                continue;
            };
            out.push(Self::META.finding(
                cx.at(issue.span, ""),
                "tab before the first key: Gait's parser skips it, YAML forbids tabs as indentation",
            ));
        }
    }
}
