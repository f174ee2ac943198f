use crate::declare_rule;
use crate::rules::Rule;

declare_rule! {
    /// ## What it does
    /// Warns about a `# gatelint: ignore[rule-id]` comment that suppresses nothing: no finding
    /// of that rule starts on its line (or on the line below a comment that stands alone).
    ///
    /// ## Why is this bad?
    /// A stale suppression hides the next real finding at that place, and tells readers a
    /// problem exists where there is none.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true # gatelint: ignore[unknown-key] legacy spelling
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true
    /// ```
    pub struct UnusedSuppression {
        id: "unused-suppression",
        summary: "a suppression comment suppresses nothing",
        severity: Warning,
        since: "0.1.0",
    }
}

/// Reported by the suppression pass, which sees every finding of the file at once.
impl Rule for UnusedSuppression {}
