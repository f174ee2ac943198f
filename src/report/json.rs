//! The JSON format: a versioned, documented shape (`schemas/report.schema.json`), built from its
//! own DTOs so internal refactors cannot change it by accident. Bump [`FORMAT_VERSION`] on any
//! incompatible change.

use serde::Serialize;

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
                    kind: file.kind,
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
        }
    }
}
