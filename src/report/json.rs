//! The JSON format: a versioned, documented shape (`schemas/report.schema.json`), built from its
//! own DTOs so internal refactors cannot change it by accident. Bump [`FORMAT_VERSION`] on any
//! incompatible change.

use serde::Serialize;

use crate::diff::verdicts::{Decided, DiffSummary};
use crate::finding::{Finding, Location, Severity};
use crate::report::{CaseOutcome, Report, TOOL_NAME, VERSION, exit_name};
use crate::span::{ColumnUnit, Position};

/// The version of the JSON shape (not of the tool).
pub const FORMAT_VERSION: u32 = 1;

/// Renders the report as pretty-printed JSON with a trailing newline.
pub fn render(report: &Report) -> String {
    let dto = JsonReport::from_report(report);
    let mut out = serde_json::to_string_pretty(&dto).unwrap_or_else(|error| {
        // Serializing plain structs of strings and numbers cannot fail; say so if it ever does.
        serde_json::json!({ "error": format!("cannot serialize the report: {error}") }).to_string()
    });
    out.push('\n');
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    tool: Tool,
    command: &'a str,
    exit: ExitDto,
    fail_on: Option<&'static str>,
    summary: Summary,
    files: Vec<FileDto<'a>>,
    findings: Vec<FindingDto<'a>>,
    skipped: Vec<SkippedDto<'a>>,
    cases: Vec<CaseDto<'a>>,
    /// Every case whose decision changed against the baseline (with a baseline only).
    #[serde(skip_serializing_if = "Option::is_none")]
    changed: Option<Vec<ChangedDto<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<DiffDto<'a>>,
    /// `--shard K/N` only: which shard, and the coverage `gatelint merge` joins.
    #[serde(skip_serializing_if = "Option::is_none")]
    shard: Option<ShardDto<'a>>,
}

#[derive(Serialize)]
struct ShardDto<'a> {
    index: u32,
    count: u32,
    coverage: Vec<CoverageDto<'a>>,
    /// Where this shard found a suppression unused (shard 1 also reports these as findings).
    unused_suppressions: Vec<LocationDto<'a>>,
}

/// What one shard's cases exercised of one policy, and what the policy enables and configures
/// (names sorted).
#[derive(Serialize)]
struct CoverageDto<'a> {
    policy: &'a str,
    gates: &'a std::collections::BTreeSet<String>,
    environments: &'a std::collections::BTreeSet<String>,
    tenants: &'a std::collections::BTreeSet<String>,
    rules: &'a std::collections::BTreeSet<String>,
    enabled_gates: &'a std::collections::BTreeSet<String>,
    configured_environments: &'a std::collections::BTreeSet<String>,
    configured_tenants: &'a std::collections::BTreeSet<String>,
}

#[derive(Serialize)]
struct ChangedDto<'a> {
    suite: &'a str,
    case: &'a str,
    environment: &'a str,
    direction: &'static str,
    disallowed: bool,
    baseline: DecidedDto<'a>,
    candidate: DecidedDto<'a>,
}

#[derive(Serialize)]
struct DecidedDto<'a> {
    verdict: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    gate: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<&'a str>,
    reasons: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    violations: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

#[derive(Serialize)]
struct VerdictCountDto<'a> {
    verdict: &'a str,
    count: usize,
}

#[derive(Serialize)]
struct RegionDto<'a> {
    policy: &'a str,
    gate: &'a str,
    environment: &'a str,
    region: &'a str,
    baseline: &'a str,
    candidate: &'a str,
    direction: &'static str,
    disallowed: bool,
    witness: &'a serde_json::Value,
}

#[derive(Serialize)]
struct DiffDto<'a> {
    baseline: &'a str,
    candidate: &'a str,
    fail_on: &'static str,
    cases_total: usize,
    changed_cases: usize,
    disallowed: usize,
    baseline_verdicts: Vec<VerdictCountDto<'a>>,
    candidate_verdicts: Vec<VerdictCountDto<'a>>,
    recommendation: &'static str,
    summary: String,
    regions: Vec<RegionDto<'a>>,
    notes: &'a [String],
}

impl<'a> From<&'a Decided> for DecidedDto<'a> {
    fn from(decided: &'a Decided) -> Self {
        DecidedDto {
            verdict: &decided.verdict,
            gate: decided.gate.as_deref(),
            rule: decided.rule.as_deref(),
            reasons: &decided.reasons,
            violations: &decided.violations,
            error: decided.error.as_deref(),
        }
    }
}

fn counts(map: &std::collections::BTreeMap<String, usize>) -> Vec<VerdictCountDto<'_>> {
    map.iter()
        .map(|(verdict, count)| VerdictCountDto {
            verdict,
            count: *count,
        })
        .collect()
}

impl<'a> DiffDto<'a> {
    fn new(diff: &'a DiffSummary) -> Self {
        DiffDto {
            baseline: &diff.baseline,
            candidate: &diff.candidate,
            fail_on: diff.fail_on.as_str(),
            cases_total: diff.total,
            changed_cases: diff.changed.len(),
            disallowed: diff.disallowed(),
            baseline_verdicts: counts(&diff.baseline_verdicts),
            candidate_verdicts: counts(&diff.candidate_verdicts),
            recommendation: diff.recommendation.as_str(),
            summary: diff.summary_line(),
            regions: diff
                .regions
                .iter()
                .map(|region| RegionDto {
                    policy: &region.policy,
                    gate: &region.gate,
                    environment: &region.environment,
                    region: &region.region,
                    baseline: &region.baseline,
                    candidate: &region.candidate,
                    direction: region.direction.as_str(),
                    disallowed: region.disallowed,
                    witness: &region.witness,
                })
                .collect(),
            notes: &diff.notes,
        }
    }
}

fn changed(diff: &DiffSummary) -> Vec<ChangedDto<'_>> {
    diff.changed
        .iter()
        .map(|case| ChangedDto {
            suite: &case.suite,
            case: &case.case,
            environment: &case.environment,
            direction: case.direction.as_str(),
            disallowed: case.disallowed,
            baseline: (&case.baseline).into(),
            candidate: (&case.candidate).into(),
        })
        .collect()
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct ExitDto {
    code: u8,
    name: &'static str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    findings: usize,
    errors: usize,
    warnings: usize,
    notes: usize,
    skipped: usize,
    cases: CaseSummary,
}

#[derive(Serialize)]
struct CaseSummary {
    total: usize,
    passed: usize,
    failed: usize,
    skipped: usize,
}

#[derive(Serialize)]
struct FileDto<'a> {
    path: &'a str,
    kind: &'a str,
}

#[derive(Serialize)]
struct FindingDto<'a> {
    rule: &'a str,
    severity: &'static str,
    message: &'a str,
    #[serde(flatten)]
    location: LocationDto<'a>,
    related: Vec<RelatedDto<'a>>,
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<FixDto<'a>>,
}

/// A finding's fix: edits on the finding's file, by position in the text as read.
#[derive(Serialize)]
struct FixDto<'a> {
    applicability: &'static str,
    description: &'a str,
    edits: Vec<EditDto<'a>>,
}

#[derive(Serialize)]
struct EditDto<'a> {
    start: PositionDto,
    end: PositionDto,
    content: &'a str,
}

#[derive(Serialize)]
struct LocationDto<'a> {
    path: &'a str,
    pointer: &'a str,
    start: PositionDto,
    end: PositionDto,
}

#[derive(Serialize)]
struct RelatedDto<'a> {
    #[serde(flatten)]
    location: LocationDto<'a>,
    message: &'a str,
}

/// 1-based line and column; columns count Unicode scalar values.
#[derive(Serialize)]
struct PositionDto {
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct SkippedDto<'a> {
    path: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct CaseDto<'a> {
    suite: &'a str,
    name: &'a str,
    status: &'static str,
    message: Option<&'a str>,
    expected: Option<&'a str>,
    actual: Option<&'a str>,
    /// The case's 1-based line in its suite, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
}

impl<'a> JsonReport<'a> {
    fn from_report(report: &'a Report) -> Self {
        let (passed, failed, skipped) = report.case_counts();
        JsonReport {
            version: FORMAT_VERSION,
            tool: Tool {
                name: TOOL_NAME,
                version: VERSION,
            },
            command: report.command,
            exit: ExitDto {
                code: report.exit.code(),
                name: exit_name(report.exit),
            },
            fail_on: report.fail_on.map(Severity::as_str),
            summary: Summary {
                files: report.files.len(),
                findings: report.findings.len(),
                errors: report.count(Severity::Error),
                warnings: report.count(Severity::Warning),
                notes: report.count(Severity::Note),
                skipped: report.skipped.len(),
                cases: CaseSummary {
                    total: report.case_total(),
                    passed,
                    failed,
                    skipped,
                },
            },
            files: report
                .files
                .iter()
                .map(|(path, file)| FileDto {
                    path,
                    kind: file.kind.name(),
                })
                .collect(),
            findings: report
                .findings
                .iter()
                .map(|finding| FindingDto::new(report, finding))
                .collect(),
            skipped: report
                .skipped
                .iter()
                .map(|skipped| SkippedDto {
                    path: &skipped.path,
                    reason: &skipped.reason,
                })
                .collect(),
            cases: report.cases.iter().map(CaseDto::from).collect(),
            changed: report.diff.as_ref().map(changed),
            diff: report.diff.as_ref().map(DiffDto::new),
            shard: report.shard.as_ref().map(|shard| ShardDto {
                index: shard.index,
                count: shard.count,
                coverage: shard
                    .coverage
                    .iter()
                    .map(|coverage| CoverageDto {
                        policy: &coverage.policy,
                        gates: &coverage.gates,
                        environments: &coverage.environments,
                        tenants: &coverage.tenants,
                        rules: &coverage.rules,
                        enabled_gates: &coverage.enabled_gates,
                        configured_environments: &coverage.configured_environments,
                        configured_tenants: &coverage.configured_tenants,
                    })
                    .collect(),
                unused_suppressions: shard
                    .unused_suppressions
                    .iter()
                    .map(|finding| LocationDto::new(report, &finding.primary))
                    .collect(),
            }),
        }
    }
}

impl<'a> FindingDto<'a> {
    fn new(report: &'a Report, finding: &'a Finding) -> Self {
        FindingDto {
            rule: finding.rule.as_str(),
            severity: finding.severity.as_str(),
            message: &finding.message,
            location: LocationDto::new(report, &finding.primary),
            related: finding
                .related
                .iter()
                .map(|related| RelatedDto {
                    location: LocationDto::new(report, &related.location),
                    message: &related.message,
                })
                .collect(),
            help: finding.help.as_deref(),
            fix: finding.fix.as_ref().map(|fix| FixDto {
                applicability: fix.applicability.as_str(),
                description: &fix.description,
                edits: fix
                    .edits()
                    .iter()
                    .map(|edit| {
                        let region = report.region(
                            &Location::new(finding.primary.path.clone(), edit.span, ""),
                            ColumnUnit::Chars,
                        );
                        EditDto {
                            start: region.start.into(),
                            end: region.end.into(),
                            content: &edit.content,
                        }
                    })
                    .collect(),
            }),
        }
    }
}

impl<'a> LocationDto<'a> {
    fn new(report: &Report, location: &'a Location) -> Self {
        let region = report.region(location, ColumnUnit::Chars);
        LocationDto {
            path: &location.path,
            pointer: &location.pointer,
            start: region.start.into(),
            end: region.end.into(),
        }
    }
}

impl From<Position> for PositionDto {
    fn from(position: Position) -> Self {
        PositionDto {
            line: position.line.get(),
            column: position.column.get(),
        }
    }
}

impl<'a> From<&'a CaseOutcome> for CaseDto<'a> {
    fn from(case: &'a CaseOutcome) -> Self {
        CaseDto {
            suite: &case.suite,
            name: &case.name,
            status: case.status.as_str(),
            message: case.message.as_deref(),
            expected: case.expected.as_deref(),
            actual: case.actual.as_deref(),
            line: case.line,
        }
    }
}
