use crate::declare_rule;
use crate::finding::{Location, Severity};
use crate::rules::{Rule, Sink, SuppressionContext};

declare_rule! {
    /// ## What it does
    /// Reports a `# gatelint: ignore[rule-id]` comment that gives no reason after the closing
    /// bracket. A note by default; `require-suppression-reason = true` in `gatelint.toml`
    /// makes it an error.
    ///
    /// ## Why is this bad?
    /// A suppression silences a safety check. Without a reason, the next reviewer cannot tell
    /// a deliberate exception from a shortcut, nor when it may be removed.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     MinCompositScore: 0.8 # gatelint: ignore[unknown-key]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     MinCompositScore: 0.8 # gatelint: ignore[unknown-key] read by our fork, see OPS-12
    /// ```
    pub struct RequireSuppressionReason {
        id: "require-suppression-reason",
        summary: "a suppression comment gives no reason",
        severity: Note,
        since: "0.2.0",
    }
}

impl Rule for RequireSuppressionReason {
    fn check_suppressions(&self, cx: &SuppressionContext<'_>, out: &mut Sink) {
        for suppression in cx.suppressions {
            if !suppression.reason.is_empty() {
                continue;
            }
            let mut finding = Self::META.finding(
                Location::new(cx.source.path.clone(), suppression.span, ""),
                format!(
                    "suppression of `{}` gives no reason",
                    suppression.rules.join(", ")
                ),
            );
            if cx.require_reason {
                finding.severity = Severity::Error;
            }
            out.push(finding);
        }
    }
}
