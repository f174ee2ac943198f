use crate::declare_rule;
use crate::rules::Rule;

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

/// Reported by the suppression pass, which parses the comments.
impl Rule for RequireSuppressionReason {}
