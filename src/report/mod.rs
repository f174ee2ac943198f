//! Reporters: each is a pure function of one [`Report`].

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::exit::Exit;
use crate::finding::{Finding, RuleId, Severity};
use crate::rules::RuleMeta;
use crate::source::SourceFile;

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OutputFormat {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
    Markdown,
}

impl OutputFormat {
    pub const ALL: [OutputFormat; 6] = [
        OutputFormat::Human,
        OutputFormat::Json,
        OutputFormat::Sarif,
        OutputFormat::Github,
        OutputFormat::Junit,
        OutputFormat::Markdown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::Human => "human",
            OutputFormat::Json => "json",
            OutputFormat::Sarif => "sarif",
            OutputFormat::Github => "github",
            OutputFormat::Junit => "junit",
            OutputFormat::Markdown => "markdown",
        }
    }
}

/// A scanned file and what it was classified as.
#[derive(Clone, Debug)]
pub struct ScannedFile {
    pub source: SourceFile,
    /// The file kind's stable name (`stellaops-gates`, `gait-policy`, …).
    pub kind: &'static str,
}

/// A path given on the command line that is not a policy file (pre-commit passes every staged
/// file that matches the hook's pattern): skipped with a note, never a failure.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// One replayed fixture case.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseOutcome {
    /// The suite's repository-relative path.
    pub suite: Arc<str>,
    pub name: String,
    pub status: CaseStatus,
    /// Why it failed or was skipped.
    pub message: Option<String>,
    /// Expected and actual verdicts, when they were compared.
    pub expected: Option<String>,
    pub actual: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseStatus {
    Passed,
    Failed,
    Skipped,
}

/// Everything a run has to say. Findings are sorted (see [`crate::finding::sort_findings`]).
#[derive(Clone, Debug)]
pub struct Report {
    pub command: &'static str,
    pub files: BTreeMap<Arc<str>, ScannedFile>,
    pub findings: Vec<Finding>,
    /// Metadata of every rule that can appear in `findings`, by id.
    pub rules: BTreeMap<RuleId, &'static RuleMeta>,
    pub skipped: Vec<Skipped>,
    pub cases: Vec<CaseOutcome>,
    pub fail_on: Option<Severity>,
    pub exit: Exit,
}

impl Report {
    pub fn source(&self, path: &str) -> Option<&SourceFile> {
        self.files.get(path).map(|file| &file.source)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|finding| finding.severity == severity)
            .count()
    }
}

/// The version reported in every output.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

// TEMPORARY-RENDER
pub fn render(report: &Report, _format: OutputFormat, _color: bool) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let region = report
            .source(&f.primary.path)
            .map(|s| s.region(f.primary.span, crate::span::ColumnUnit::Chars));
        out.push_str(&format!(
            "{}:{}:{} {} [{}] {} {:?}\n",
            f.primary.path,
            region.map(|r| r.start.line.get()).unwrap_or(0),
            region.map(|r| r.start.column.get()).unwrap_or(0),
            f.severity,
            f.rule,
            f.message,
            f.help
        ));
    }
    for s in &report.skipped {
        out.push_str(&format!("skipped {} {}\n", s.path, s.reason));
    }
    for (p, f) in &report.files {
        out.push_str(&format!("file {} {}\n", p, f.kind));
    }
    out.push_str(&format!("{} files\n", report.files.len()));
    out
}
