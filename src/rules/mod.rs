//! Rules turn what the earlier stages found into findings. One rule per file; the rule's doc
//! comment is its documentation (sections *What it does*, *Why is this bad?*, *Example*, *Use
//! instead*), rendered to `rules/<id>.md` and shown by `gatelint rule <id>`.

pub mod registry;
pub mod suppress;

use crate::finding::{Finding, Location, RuleId, Severity};

/// What every rule declares about itself.
#[derive(Debug)]
pub struct RuleMeta {
    pub id: RuleId,
    pub summary: &'static str,
    pub severity: Severity,
    /// The version that introduced the rule.
    pub since: &'static str,
    /// The doc comment, as written (each line keeps its leading space).
    pub docs: &'static str,
    /// Extra SARIF `security-severity` (0.0–10.0) where the rule guards a security decision.
    pub security_severity: Option<&'static str>,
}

impl RuleMeta {
    /// The documentation with the doc-comment indentation removed.
    pub fn documentation(&self) -> String {
        let mut out = String::new();
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    /// A finding of this rule, with its default severity.
    pub fn finding(&self, location: Location, message: impl Into<String>) -> Finding {
        Finding::new(self.id, self.severity, location, message)
    }

    pub fn help_uri(&self) -> String {
        format!("{}/{}.md", DOCS_BASE, self.id)
    }
}

/// Where rule documentation is published.
pub const DOCS_BASE: &str = "https://github.com/gatelint/gatelint/blob/main/rules";

/// Declares a rule: its doc comment is its documentation.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub struct UnknownKey {
///         id: "unknown-key",
///         summary: "key is not a known option",
///         severity: Error,
///         since: "0.1.0",
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            id: $id:literal,
            summary: $summary:literal,
            severity: $severity:ident,
            since: $since:literal
            $(, security_severity: $security:literal)?
            $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub struct $name;

        impl $name {
            pub const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                id: $crate::finding::RuleId($id),
                summary: $summary,
                severity: $crate::finding::Severity::$severity,
                since: $since,
                docs: concat!($($doc, "\n"),*),
                security_severity: $crate::declare_rule!(@security $($security)?),
            };
        }
    };
    (@security) => { None };
    (@security $security:literal) => { Some($security) };
}

/// Collects the findings of one rule run.
pub type Sink = Vec<Finding>;
