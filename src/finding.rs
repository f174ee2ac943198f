//! The one vocabulary every stage reports in: a finding has exactly one primary location and any
//! number of related ones.

use std::sync::Arc;

use crate::span::Span;

/// How serious a finding is. Ordered from least to most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "note" => Some(Severity::Note),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stable kebab-case rule id (`unknown-key`). Ids are never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleId(pub &'static str);

impl RuleId {
    pub fn as_str(self) -> &'static str {
        self.0
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// A place in one scanned file: a repository-relative path (always `/`-separated), a byte span,
/// and the JSON pointer of the node it names (empty for the whole document or a text position).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub path: Arc<str>,
    pub span: Span,
    pub pointer: String,
}

impl Location {
    pub fn new(path: Arc<str>, span: Span, pointer: impl Into<String>) -> Self {
        Location {
            path,
            span,
            pointer: pointer.into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

/// One diagnostic. Construct it with [`Finding::new`]; the primary location is required.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: RuleId,
    pub severity: Severity,
    pub message: String,
    pub primary: Location,
    pub related: Vec<Related>,
    /// A short suggestion shown under the snippet (`did you mean `MinCompositeScore`?`).
    pub help: Option<String>,
}

impl Finding {
    pub fn new(
        rule: RuleId,
        severity: Severity,
        primary: Location,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            rule,
            severity,
            message: message.into(),
            primary,
            related: Vec::new(),
            help: None,
        }
    }

    #[must_use]
    pub fn with_related(mut self, location: Location, message: impl Into<String>) -> Self {
        self.related.push(Related {
            location,
            message: message.into(),
        });
        self
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The total order findings are reported in: path, position, rule, message.
    pub fn sort_key(&self) -> (&str, Span, &str, &str) {
        (
            &self.primary.path,
            self.primary.span,
            self.rule.0,
            &self.message,
        )
    }
}

/// Sorts findings into their one reporting order and drops exact duplicates.
pub fn sort_findings(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
}
