use crate::declare_rule;
use crate::finding::Location;
use crate::rules::{Rule, Sink, SuppressionContext};

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

impl Rule for UnusedSuppression {
    fn check_suppressions(&self, cx: &SuppressionContext<'_>, out: &mut Sink) {
        for (suppression, used) in cx.suppressions.iter().zip(cx.used) {
            if *used {
                continue;
            }
            let location = Location::new(cx.source.path.clone(), suppression.span, "");
            let unknown: Vec<&str> = suppression
                .rules
                .iter()
                .map(String::as_str)
                .filter(|rule| *rule != "all" && !(cx.known)(rule))
                .collect();
            let message = if unknown.is_empty() {
                format!(
                    "suppression of `{}` matches no finding on its line",
                    suppression.rules.join(", ")
                )
            } else {
                let mut message =
                    format!("suppression names unknown rule `{}`", unknown.join(", "));
                if let [id] = unknown.as_slice()
                    && let Some(suggestion) = crate::rules::registry::suggest(id)
                {
                    message.push_str(&format!("; did you mean `{suggestion}`?"));
                }
                message
            };
            out.push(Self::META.finding(location, message));
        }
    }
}
