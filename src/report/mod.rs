//! Reporters: each is a pure function of one [`Report`].
//!
//! Every output is deterministic: findings arrive sorted, maps are ordered, and nothing depends on
//! the clock, the machine or the absolute location of the checkout.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod statistics;

use std::collections::BTreeMap;
use std::sync::Arc;

pub use crate::diff::verdicts::DiffSummary;
use crate::exit::Exit;
use crate::finding::Location;
use crate::finding::{Finding, RuleId, Severity};
use crate::rules::RuleMeta;
use crate::source::SourceFile;
use crate::span::{ColumnUnit, OneBased, Position, Region};

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
    /// What the file was classified as; reporters print its stable [`FileKind::name`].
    pub kind: crate::classify::FileKind,
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
    /// Where the case is: the location a `fixture-mismatch` or `fixture-error` finding on it
    /// has, so reporters can tell a case already reported as a finding.
    pub location: Option<crate::finding::Location>,
    /// The case's 1-based line in its suite, when known.
    pub line: Option<u32>,
}

impl CaseOutcome {
    /// `suite:line`, or the suite alone.
    pub fn place(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}", self.suite),
            None => self.suite.to_string(),
        }
    }
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
    /// Passing cases replayed but not kept in `cases` (a large suite without JUnit output keeps
    /// only what failed); they still count.
    pub passed_omitted: usize,
    pub fail_on: Option<Severity>,
    pub exit: Exit,
    /// The verdict diff against a baseline (`diff`, `check --baseline-ref`).
    pub diff: Option<DiffSummary>,
    /// `check --fix`: how many findings the fixes resolved (`findings` are those that remain).
    pub fixed: Option<usize>,
    /// The configuration file the run read and how it was found, for `-v` (none: defaults).
    pub config: Option<String>,
    /// `--shard K/N`: which shard this is, and what `gatelint merge` needs to join the shards.
    pub shard: Option<ShardPart>,
}

/// One shard of a `--shard K/N` run: the JSON report carries it so that `gatelint merge` can
/// check it has every shard of one run and give the coverage advice no single shard can.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ShardPart {
    /// 1-based.
    pub index: u32,
    pub count: u32,
    /// What this shard's cases exercised of each replayed policy, with what the policy
    /// configures (the same in every shard).
    pub coverage: Vec<crate::replay::runner::Coverage>,
    /// The `unused-suppression` findings of this shard, which only shard 1 reports: a
    /// suppression is unused in the run only when no shard used it.
    pub unused_suppressions: Vec<Finding>,
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

/// The tool's name in every output.
pub const TOOL_NAME: &str = "gatelint";

/// Where the tool is documented.
pub const INFORMATION_URI: &str = "https://github.com/gatelint/gatelint";

/// How many findings of one rule (and failed cases) the human format shows by default.
pub const DEFAULT_MAX_SHOWN: usize = 50;

/// Presentation choices that only the human format uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Style {
    /// ANSI colours.
    pub color: bool,
    /// Findings shown per rule, and failed cases shown, before a count of the rest (0: all).
    pub max_shown: usize,
    /// `--statistics`: a count per rule instead of each finding (human and JSON).
    pub statistics: bool,
    /// `-q`: the findings alone, without notes, summary and exit lines.
    pub quiet: bool,
    /// Job-summary locations link to the reviewed commit (the Markdown format).
    pub links: Option<Arc<markdown::BlobLinks>>,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            color: false,
            max_shown: DEFAULT_MAX_SHOWN,
            statistics: false,
            quiet: false,
            links: None,
        }
    }
}

/// How urgently a reviewer needs a finding of `rule`: a loosened verdict first, then the
/// other regressions (a fixture that no longer holds, a tightened or re-ruled verdict), then the
/// rest; within each, the higher SARIF `security-severity` first.
pub fn importance(rule: &str) -> (u8, std::cmp::Reverse<u32>) {
    let meta = crate::rules::registry::find(rule);
    let tier = match meta {
        _ if rule == "verdict-loosened" => 0,
        Some(meta) if meta.regression => 1,
        _ => 2,
    };
    // `security-severity` is a decimal 0.0–10.0; tenths are enough to order by it.
    let security = meta
        .and_then(|meta| meta.security_severity)
        .and_then(|text| text.parse::<f64>().ok())
        .map_or(0, |value| (value * 10.0).round().clamp(0.0, 100.0) as u32);
    (tier, std::cmp::Reverse(security))
}

/// Renders `report` in `format`; `style` affects the human format, and `statistics` the JSON
/// one too.
pub fn render(report: &Report, format: OutputFormat, style: Style) -> String {
    match format {
        OutputFormat::Human => human::render(report, style),
        OutputFormat::Json if style.statistics => statistics::render_json(report),
        OutputFormat::Json => json::render(report),
        OutputFormat::Sarif => sarif::render(report),
        OutputFormat::Github => github::render(report),
        OutputFormat::Junit => junit::render(report),
        OutputFormat::Markdown => markdown::render(report, style.links.as_deref()),
    }
}

impl Report {
    /// The resolved start and end of `location`. A location in a file the report does not hold
    /// (it should not happen) points at the start of that file rather than failing the report.
    pub fn region(&self, location: &Location, unit: ColumnUnit) -> Region {
        match self.source(&location.path) {
            Some(source) => source.region(location.span, unit),
            None => {
                let start = Position {
                    line: OneBased::ONE,
                    column: OneBased::ONE,
                };
                Region { start, end: start }
            }
        }
    }

    /// Counts of fixture cases: (passed, failed, skipped).
    pub fn case_counts(&self) -> (usize, usize, usize) {
        let count = |status| {
            self.cases
                .iter()
                .filter(|case| case.status == status)
                .count()
        };
        (
            count(CaseStatus::Passed) + self.passed_omitted,
            count(CaseStatus::Failed),
            count(CaseStatus::Skipped),
        )
    }

    /// Whether a failed case is already reported as a finding on its location (`check` turns
    /// each failure into a `fixture-mismatch` or `fixture-error`); reporters then say it once.
    pub fn case_reported(&self, case: &CaseOutcome) -> bool {
        case.location.as_ref().is_some_and(|location| {
            self.findings.iter().any(|finding| {
                finding.primary == *location
                    && matches!(finding.rule.as_str(), "fixture-mismatch" | "fixture-error")
            })
        })
    }

    /// Every replayed case, kept or not.
    pub fn case_total(&self) -> usize {
        self.cases.len() + self.passed_omitted
    }
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Passed => "passed",
            CaseStatus::Failed => "failed",
            CaseStatus::Skipped => "skipped",
        }
    }
}

/// `1 error`, `2 warnings`.
pub(crate) fn plural(count: usize, singular: &str) -> String {
    if count == 1 {
        format!("{count} {singular}")
    } else {
        format!("{count} {singular}s")
    }
}

/// What `-v` adds on standard error: the configuration used, what was scanned by kind, each
/// file and each skipped path.
pub fn verbose_notes(report: &Report) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    if let Some(config) = &report.config {
        let _ = writeln!(out, "gatelint: note: configuration: {config}");
    }
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for file in report.files.values() {
        *kinds.entry(file.kind.name()).or_default() += 1;
    }
    let by_kind: Vec<String> = kinds
        .iter()
        .map(|(kind, count)| format!("{count} {kind}"))
        .collect();
    let _ = write!(
        out,
        "gatelint: note: discovered {}",
        plural(report.files.len(), "file")
    );
    if !by_kind.is_empty() {
        let _ = write!(out, " ({})", by_kind.join(", "));
    }
    let _ = writeln!(out, ", skipped {}", report.skipped.len());
    for (path, file) in &report.files {
        let _ = writeln!(
            out,
            "gatelint: note: checked `{path}` as {}",
            file.kind.name()
        );
    }
    for skipped in &report.skipped {
        let _ = writeln!(
            out,
            "gatelint: note: skipped `{}`: {}",
            skipped.path, skipped.reason
        );
    }
    if report.case_total() > 0 {
        let _ = writeln!(
            out,
            "gatelint: note: replayed {}",
            plural(report.case_total(), "fixture case")
        );
    }
    out
}

/// The one-line summary every human-facing output shares: `3 errors, 1 warning in 4 files`, or
/// `no findings in 4 files`.
pub fn summary_line(report: &Report) -> String {
    let counts: Vec<String> = [
        (Severity::Error, "error"),
        (Severity::Warning, "warning"),
        (Severity::Note, "note"),
    ]
    .into_iter()
    .map(|(severity, word)| (report.count(severity), word))
    .filter(|(count, _)| *count > 0)
    .map(|(count, word)| plural(count, word))
    .collect();
    let files = plural(report.files.len(), "file");
    if counts.is_empty() {
        format!("no findings in {files}")
    } else {
        format!("{} in {files}", counts.join(", "))
    }
}

/// The last line of the human report: the exit code and every reason behind it, the one that
/// decides first — `exit 6: 1 file is invalid input (unknown-key); also 2 fixture regressions
/// (fixture-mismatch), which alone would exit 5`.
pub fn exit_line(report: &Report) -> String {
    let mut invalid_files = std::collections::BTreeSet::new();
    let mut invalid_rules = std::collections::BTreeSet::new();
    let mut regressions = (0usize, std::collections::BTreeSet::new());
    let mut blocking = (0usize, std::collections::BTreeSet::new());
    for finding in &report.findings {
        let meta = report.rules.get(&finding.rule);
        let id = finding.rule.as_str();
        if finding.severity == Severity::Error && meta.is_some_and(|meta| meta.invalid_input) {
            invalid_files.insert(finding.primary.path.clone());
            invalid_rules.insert(id);
        } else if finding.severity == Severity::Error && meta.is_some_and(|meta| meta.regression) {
            regressions.0 += 1;
            regressions.1.insert(id);
        } else if report
            .fail_on
            .is_some_and(|threshold| finding.severity >= threshold)
        {
            blocking.0 += 1;
            blocking.1.insert(id);
        }
    }
    let listed = |rules: &std::collections::BTreeSet<&str>| {
        rules.iter().copied().collect::<Vec<_>>().join(", ")
    };
    let mut reasons: Vec<(Exit, String)> = Vec::new();
    if !invalid_files.is_empty() {
        let verb = if invalid_files.len() == 1 {
            "is"
        } else {
            "are"
        };
        reasons.push((
            Exit::InvalidInput,
            format!(
                "{} {verb} invalid input ({})",
                plural(invalid_files.len(), "file"),
                listed(&invalid_rules)
            ),
        ));
    }
    if regressions.0 > 0 {
        reasons.push((
            Exit::Regression,
            format!(
                "{} ({})",
                plural(regressions.0, "regression"),
                listed(&regressions.1)
            ),
        ));
    } else if report.case_counts().1 > 0 {
        reasons.push((
            Exit::Regression,
            format!("{} failed", plural(report.case_counts().1, "fixture case")),
        ));
    }
    if let Some(diff) = &report.diff {
        let regions = diff
            .regions
            .iter()
            .filter(|region| region.disallowed)
            .count();
        if regions > 0 {
            reasons.push((
                Exit::Regression,
                format!(
                    "{} with a verdict change `[diff] fail-on = \"{}\"` disallows",
                    plural(regions, "boundary region"),
                    diff.fail_on.as_str()
                ),
            ));
        }
    }
    if blocking.0 > 0 {
        let threshold = report.fail_on.map_or("error", Severity::as_str);
        reasons.push((
            Exit::Blocked,
            format!(
                "{} at or above `{threshold}` ({})",
                plural(blocking.0, "finding"),
                listed(&blocking.1)
            ),
        ));
    }
    let code = report.exit.code();
    let Some(((first_exit, first), rest)) = reasons.split_first() else {
        return format!("exit {code}: {}", exit_name(report.exit));
    };
    let mut line = if *first_exit == report.exit {
        format!("exit {code}: {first}")
    } else {
        format!(
            "exit {code} ({}); without it: exit {}: {first}",
            if report.exit == Exit::Success {
                "`--exit-zero`"
            } else {
                exit_name(report.exit)
            },
            first_exit.code()
        )
    };
    for (exit, reason) in rest {
        line.push_str(&format!(
            "; also {reason}, which alone would exit {}",
            exit.code()
        ));
    }
    line
}

/// The stable name of an exit code, as the JSON report and the job summary show it.
pub fn exit_name(exit: Exit) -> &'static str {
    match exit {
        Exit::Success => "success",
        Exit::Internal => "internal-error",
        Exit::Blocked => "blocked",
        Exit::ApprovalRequired => "approval-required",
        Exit::Regression => "regression",
        Exit::InvalidInput => "invalid-input",
    }
}
