//! SARIF 2.1.0 for GitHub code scanning.
//!
//! One run, categorised by `automationDetails.id`. URIs are repository-relative under
//! `%SRCROOT%`; regions count UTF-16 code units (`columnKind`). Each result carries a
//! `partialFingerprints` entry hashed from rule, path and JSON pointer (never line numbers), so an
//! alert survives edits elsewhere in the file. The output passes the official validator with
//! GitHub's ingestion rules (`tests/report_sarif_validator.rs`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::finding::{Finding, Location, Severity};
use crate::report::{INFORMATION_URI, Report, TOOL_NAME, VERSION};
use crate::rules::RuleMeta;
use crate::source::SourceFile;
use crate::span::ColumnUnit;

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const SARIF_VERSION: &str = "2.1.0";
/// The uri base every artifact location is relative to: the repository root.
pub const SRCROOT: &str = "%SRCROOT%";
/// The key of gatelint's own entry in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "gatelintFingerprint/v1";
/// The `automationDetails.id` of every run (GitHub's "category").
pub const AUTOMATION_ID: &str = "gatelint/";

/// Renders the report as a SARIF log, pretty-printed, with a trailing newline.
pub fn render(report: &Report) -> String {
    let log = Log::from_report(report);
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_else(|error| {
        // Serializing plain structs of strings and numbers cannot fail; say so if it ever does.
        serde_json::json!({ "error": format!("cannot serialize the report: {error}") }).to_string()
    });
    out.push('\n');
    out
}

/// SARIF's `level` for a severity.
impl From<Severity> for Level {
    fn from(severity: Severity) -> Self {
        match severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
            Severity::Note => Level::Note,
        }
    }
}

/// GitHub's `problem.severity` for a severity.
impl From<Severity> for ProblemSeverity {
    fn from(severity: Severity) -> Self {
        match severity {
            Severity::Error => ProblemSeverity::Error,
            Severity::Warning => ProblemSeverity::Warning,
            Severity::Note => ProblemSeverity::Recommendation,
        }
    }
}

#[derive(Serialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum Level {
    Error,
    Warning,
    Note,
}

#[derive(Serialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum ProblemSeverity {
    Error,
    Warning,
    Recommendation,
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    automation_details: AutomationDetails,
    original_uri_base_ids: BTreeMap<&'static str, OriginalUriBase>,
    artifacts: Vec<Artifact>,
    results: Vec<SarifResult>,
    column_kind: &'static str,
    /// The verdict diff's boundary regions, every one (the human report lists at most 20).
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<RunProperties<'a>>,
}

#[derive(Serialize)]
struct RunProperties<'a> {
    regions: &'a [crate::diff::verdicts::BoundaryRegion],
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: Level,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
    precision: &'static str,
    #[serde(rename = "problem.severity")]
    problem_severity: ProblemSeverity,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
}

#[derive(Serialize)]
struct AutomationDetails {
    id: &'static str,
}

#[derive(Serialize)]
struct OriginalUriBase {
    description: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Artifact {
    location: ArtifactLocation,
    /// Size in bytes, for scanned files.
    #[serde(skip_serializing_if = "Option::is_none")]
    length: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_language: Option<&'static str>,
    roles: [&'static str; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: Level,
    message: Text,
    locations: Vec<SarifLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    /// The finding's fix (SARIF §3.55), when it corrects the file; an expectation update is
    /// not offered as one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Text,
    artifact_changes: Vec<ArtifactChange>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

impl<'a> Log<'a> {
    fn from_report(report: &'a Report) -> Self {
        let rules: Vec<&'static RuleMeta> = report.rules.values().copied().collect();
        let rule_index: BTreeMap<&str, usize> = rules
            .iter()
            .enumerate()
            .map(|(index, rule)| (rule.id.as_str(), index))
            .collect();

        // Every scanned file, plus any file a finding names that was not scanned (a config file).
        let mut paths: Vec<&str> = report.files.keys().map(|path| &**path).collect();
        for finding in &report.findings {
            paths.push(&finding.primary.path);
            paths.extend(
                finding
                    .related
                    .iter()
                    .map(|related| &*related.location.path),
            );
        }
        paths.sort_unstable();
        paths.dedup();
        let artifact_index: BTreeMap<&str, usize> = paths
            .iter()
            .enumerate()
            .map(|(index, path)| (*path, index))
            .collect();

        let mut occurrences: BTreeMap<String, usize> = BTreeMap::new();
        let results = report
            .findings
            .iter()
            .map(|finding| {
                let base = fingerprint(finding);
                let occurrence = occurrences.entry(base.clone()).or_insert(0);
                *occurrence += 1;
                let locate = |location: &Location| PhysicalLocation {
                    artifact_location: artifact_location(
                        &location.path,
                        artifact_index.get(&*location.path).copied(),
                    ),
                    region: region(report, location),
                };
                SarifResult {
                    rule_id: finding.rule.as_str(),
                    rule_index: rule_index.get(finding.rule.as_str()).copied(),
                    level: finding.severity.into(),
                    message: Text {
                        text: result_message(finding),
                    },
                    locations: vec![SarifLocation {
                        id: None,
                        physical_location: locate(&finding.primary),
                        message: None,
                    }],
                    related_locations: finding
                        .related
                        .iter()
                        .enumerate()
                        .map(|(id, related)| SarifLocation {
                            id: Some(id + 1),
                            physical_location: locate(&related.location),
                            message: Some(Text {
                                text: sentence(&related.message),
                            }),
                        })
                        .collect(),
                    partial_fingerprints: BTreeMap::from([(
                        FINGERPRINT_KEY,
                        format!("{base}:{occurrence}"),
                    )]),
                    fixes: sarif_fix(
                        report,
                        finding,
                        artifact_index.get(&*finding.primary.path).copied(),
                    )
                    .into_iter()
                    .collect(),
                }
            })
            .collect();

        Log {
            schema: SCHEMA_URI,
            version: SARIF_VERSION,
            runs: vec![Run {
                tool: Tool {
                    driver: Driver {
                        name: TOOL_NAME,
                        version: VERSION,
                        semantic_version: VERSION,
                        information_uri: INFORMATION_URI,
                        rules: rules.iter().map(|rule| Rule::from_meta(rule)).collect(),
                    },
                },
                automation_details: AutomationDetails { id: AUTOMATION_ID },
                original_uri_base_ids: BTreeMap::from([(
                    SRCROOT,
                    OriginalUriBase {
                        description: Text {
                            text: "The root of the repository gatelint checked.".to_owned(),
                        },
                    },
                )]),
                artifacts: paths
                    .iter()
                    .map(|path| {
                        let source = report.source(path);
                        Artifact {
                            location: artifact_location(path, None),
                            length: source.map(SourceFile::byte_len),
                            source_language: source_language(path),
                            roles: [if source.is_some() {
                                "analysisTarget"
                            } else {
                                "resultFile"
                            }],
                        }
                    })
                    .collect(),
                results,
                column_kind: "utf16CodeUnits",
                properties: report
                    .diff
                    .as_ref()
                    .filter(|diff| !diff.regions.is_empty())
                    .map(|diff| RunProperties {
                        regions: &diff.regions,
                    }),
            }],
        }
    }
}

impl Rule {
    fn from_meta(rule: &RuleMeta) -> Self {
        let documentation = rule.documentation();
        let mut tags = vec!["policy"];
        if rule.security_severity.is_some() {
            // GitHub treats a rule as a security rule only when it is tagged `security`.
            tags.push("security");
        }
        Rule {
            id: rule.id.as_str(),
            name: pascal_case(rule.id.as_str()),
            short_description: Text {
                text: sentence(rule.summary),
            },
            full_description: Text {
                text: sentence(&what_it_does(&documentation).unwrap_or(rule.summary.to_owned())),
            },
            help: Help {
                text: documentation.trim().to_owned(),
                markdown: documentation.trim().to_owned(),
            },
            help_uri: rule.help_uri(),
            default_configuration: Configuration {
                level: rule.severity.into(),
            },
            properties: RuleProperties {
                tags,
                precision: "very-high",
                problem_severity: rule.severity.into(),
                security_severity: rule.security_severity,
            },
        }
    }
}

fn artifact_location(path: &str, index: Option<usize>) -> ArtifactLocation {
    ArtifactLocation {
        uri: encode_uri_path(path),
        uri_base_id: SRCROOT,
        index,
    }
}

/// SARIF's `sourceLanguage` for the formats gatelint reads.
fn source_language(path: &str) -> Option<&'static str> {
    let extension = path.rsplit_once('.')?.1;
    match extension.to_ascii_lowercase().as_str() {
        "yaml" | "yml" => Some("yaml"),
        "json" | "jsonl" => Some("json"),
        "toml" => Some("toml"),
        _ => None,
    }
}

/// A finding's fix as SARIF: one change to the finding's file, each edit a replacement.
fn sarif_fix(report: &Report, finding: &Finding, index: Option<usize>) -> Option<SarifFix> {
    let fix = finding.fix.as_ref()?;
    if fix.applicability == crate::finding::Applicability::Update {
        return None;
    }
    let path = &finding.primary.path;
    Some(SarifFix {
        description: Text {
            text: sentence(&format!(
                "{} ({} fix)",
                fix.description,
                fix.applicability.as_str()
            )),
        },
        artifact_changes: vec![ArtifactChange {
            artifact_location: artifact_location(path, index),
            replacements: fix
                .edits()
                .iter()
                .map(|edit| Replacement {
                    deleted_region: region(report, &Location::new(path.clone(), edit.span, "")),
                    inserted_content: Text {
                        text: edit.content.clone(),
                    },
                })
                .collect(),
        }],
    })
}

fn region(report: &Report, location: &Location) -> Region {
    let region = report.region(location, ColumnUnit::Utf16);
    Region {
        start_line: region.start.line.get(),
        start_column: region.start.column.get(),
        end_line: region.end.line.get(),
        end_column: region.end.column.get(),
    }
}

/// The result message: the finding's message and its help, as sentences (SARIF asks for
/// messages that end with a period).
fn result_message(finding: &Finding) -> String {
    let mut text = sentence(&finding.message);
    if let Some(help) = &finding.help {
        text.push_str(" Help: ");
        text.push_str(&sentence(help));
    }
    text
}

/// `text` ending with a period (or another sentence end).
fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['.', '?', '!']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

/// The first paragraph of the rule's *What it does* section.
fn what_it_does(documentation: &str) -> Option<String> {
    let mut lines = documentation.lines().skip_while(|line| {
        !line
            .trim_start_matches('#')
            .trim()
            .eq_ignore_ascii_case("what it does")
    });
    lines.next()?;
    let paragraph: Vec<&str> = lines
        .skip_while(|line| line.trim().is_empty())
        .take_while(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(str::trim)
        .collect();
    (!paragraph.is_empty()).then(|| paragraph.join(" "))
}

/// `unknown-key` → `UnknownKey`.
pub fn pascal_case(id: &str) -> String {
    id.split(['-', '_'])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or(String::new(), |first| {
                first.to_uppercase().chain(chars).collect::<String>()
            })
        })
        .collect()
}

/// The stable part of a result's fingerprint: SHA-256 over rule, path and JSON pointer, separated
/// by NUL so no two different triples hash the same input. Line numbers are left out on purpose.
pub fn fingerprint(finding: &Finding) -> String {
    let mut hasher = Sha256::new();
    hasher.update(finding.rule.as_str().as_bytes());
    hasher.update([0]);
    hasher.update(finding.primary.path.as_bytes());
    hasher.update([0]);
    hasher.update(finding.primary.pointer.as_bytes());
    let digest = hasher.finalize();
    let mut hex = String::with_capacity(64);
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// Percent-encodes a relative `/`-separated path for a URI reference: unreserved characters and
/// `/` stay, everything else (spaces, `%`, `#`, `?`, non-ASCII bytes) is encoded.
fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_ignore_positions_but_not_pointers() {
        use crate::finding::{Location, RuleId};
        use crate::span::Span;
        let at = |span: Span, pointer: &str| {
            Finding::new(
                RuleId("unknown-key"),
                Severity::Error,
                Location::new(std::sync::Arc::from("a.yaml"), span, pointer),
                "m",
            )
        };
        let moved = fingerprint(&at(Span::new(40, 45), "/a/b"));
        assert_eq!(fingerprint(&at(Span::new(3, 8), "/a/b")), moved);
        assert_ne!(fingerprint(&at(Span::new(3, 8), "/a/c")), moved);
        assert_eq!(moved.len(), 64);
    }

    #[test]
    fn names_are_pascal_case() {
        assert_eq!(pascal_case("unknown-key"), "UnknownKey");
        assert_eq!(pascal_case("yaml-syntax"), "YamlSyntax");
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(encode_uri_path("a b/ü#1.yaml"), "a%20b/%C3%BC%231.yaml");
    }

    #[test]
    fn what_it_does_is_the_first_paragraph() {
        let docs = "## What it does\nChecks keys\nagainst the schema.\n\n## Why is this bad?\nx\n";
        assert_eq!(
            what_it_does(docs).as_deref(),
            Some("Checks keys against the schema.")
        );
    }
}
