//! `merge`, reading: the shard reports parsed back from their JSON (the fields `merge` needs of
//! `schemas/report.schema.json`), and the check that together they are shards 1..N of one run.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::Deserialize;

use crate::diff::verdicts::{BoundaryRegion, Decided, Direction, Recommendation};
use crate::replay::runner::Coverage;
use crate::report;
use crate::report::json::FORMAT_VERSION;
use crate::source::Reader;

use super::merge_error::MergeError;

/// One shard report as read.
pub(super) struct ShardFile {
    pub(super) path: String,
    pub(super) report: ShardReport,
}

/// Reads every report and checks that together they are the shards 1..N of one run.
pub(super) fn read_shards(paths: &[PathBuf]) -> Result<Vec<ShardFile>, MergeError> {
    if paths.is_empty() {
        return Err(MergeError::NoReports);
    }
    let reader = Reader::new(paths);
    let mut shards: Vec<ShardFile> = Vec::new();
    for path in paths {
        let display = crate::discover::display_path(path);
        let text = reader.read_string(path).map_err(|error| MergeError::Read {
            path: display.clone(),
            message: error.to_string(),
        })?;
        shards.push(ShardFile {
            report: parse_report(&display, &text)?,
            path: display,
        });
    }
    shards.sort_by_key(|shard| shard.report.shard.as_ref().map_or(0, |part| part.index));
    let Some(first) = shards.first() else {
        return Err(MergeError::NoReports);
    };
    let count = first.report.shard.as_ref().map_or(0, |part| part.count);
    for (at, shard) in shards.iter().enumerate() {
        let Some(part) = &shard.report.shard else {
            continue;
        };
        let other = |what| MergeError::OtherRun {
            path: shard.path.clone(),
            index: part.index,
            count: part.count,
            first: first.path.clone(),
            what,
        };
        if part.count != count {
            return Err(other("the shard counts"));
        }
        if part.index == 0 || part.index > part.count {
            return Err(MergeError::NotReport {
                path: shard.path.clone(),
                message: format!(
                    "shard {}/{} is not a shard of {}",
                    part.index, part.count, part.count
                ),
            });
        }
        if shard.report.command != first.report.command {
            return Err(other("the commands"));
        }
        if shard.report.files != first.report.files {
            return Err(other("the scanned files"));
        }
        if shard.report.fail_on != first.report.fail_on {
            return Err(other("the `--fail-on` thresholds"));
        }
        let baseline = |report: &ShardReport| {
            report
                .diff
                .as_ref()
                .map(|diff| (diff.baseline.clone(), diff.candidate.clone()))
        };
        if baseline(&shard.report) != baseline(&first.report) {
            return Err(other("the baselines"));
        }
        if at > 0
            && let Some(previous) = shards.get(at - 1)
            && previous.report.shard.as_ref().map(|p| p.index) == Some(part.index)
        {
            return Err(MergeError::Duplicate {
                index: part.index,
                count,
                first: previous.path.clone(),
                second: shard.path.clone(),
            });
        }
    }
    let given: BTreeSet<u32> = shards
        .iter()
        .filter_map(|shard| shard.report.shard.as_ref().map(|part| part.index))
        .collect();
    let missing: Vec<u32> = (1..=count).filter(|index| !given.contains(index)).collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing {
            missing,
            count,
            given: given
                .iter()
                .map(|index| format!("{index}/{count}"))
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    Ok(shards)
}

/// Parses one report, refusing what is not a shard report of this gatelint.
fn parse_report(path: &str, text: &str) -> Result<ShardReport, MergeError> {
    let not_report = |message: String| MergeError::NotReport {
        path: path.to_owned(),
        message,
    };
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|error| not_report(error.to_string()))?;
    let tool = value.get("tool");
    if tool
        .and_then(|tool| tool.get("name"))
        .and_then(|name| name.as_str())
        != Some(report::TOOL_NAME)
    {
        return Err(not_report("it has no `tool.name: gatelint`".to_owned()));
    }
    let version = tool
        .and_then(|tool| tool.get("version"))
        .and_then(|version| version.as_str())
        .unwrap_or("?");
    let format = value.get("version").and_then(|format| format.as_u64());
    if version != report::VERSION || format != Some(u64::from(FORMAT_VERSION)) {
        return Err(MergeError::Version {
            path: path.to_owned(),
            tool: version.to_owned(),
            format: format.map_or_else(|| "?".to_owned(), |format| format.to_string()),
            ours: report::VERSION,
            our_format: FORMAT_VERSION,
        });
    }
    let report: ShardReport =
        serde_json::from_value(value).map_err(|error| not_report(error.to_string()))?;
    if report.shard.is_none() {
        return Err(MergeError::NotShard {
            path: path.to_owned(),
            command: report.command.clone(),
        });
    }
    Ok(report)
}

// The JSON report as `merge` reads it back (`schemas/report.schema.json`); fields it does not
// need are left out, so they may grow.

#[derive(Deserialize)]
pub(super) struct ShardReport {
    pub(super) command: String,
    pub(super) exit: ExitIn,
    pub(super) summary: SummaryIn,
    pub(super) fail_on: Option<String>,
    pub(super) files: Vec<FileIn>,
    pub(super) findings: Vec<FindingIn>,
    pub(super) skipped: Vec<SkippedIn>,
    pub(super) cases: Vec<CaseIn>,
    #[serde(default)]
    pub(super) changed: Option<Vec<ChangedIn>>,
    #[serde(default)]
    pub(super) diff: Option<DiffIn>,
    #[serde(default)]
    pub(super) shard: Option<ShardIn>,
}

#[derive(Deserialize)]
pub(super) struct SummaryIn {
    pub(super) cases: CaseCountIn,
}

#[derive(Deserialize)]
pub(super) struct CaseCountIn {
    pub(super) total: usize,
}

#[derive(Deserialize)]
pub(super) struct ExitIn {
    pub(super) code: u8,
}

#[derive(Deserialize, PartialEq)]
pub(super) struct FileIn {
    pub(super) path: String,
    pub(super) kind: String,
}

#[derive(Deserialize)]
pub(super) struct FindingIn {
    pub(super) rule: String,
    pub(super) severity: String,
    pub(super) message: String,
    #[serde(flatten)]
    pub(super) location: LocationIn,
    #[serde(default)]
    pub(super) related: Vec<RelatedIn>,
    pub(super) help: Option<String>,
    #[serde(default)]
    pub(super) fix: Option<FixIn>,
}

#[derive(Deserialize)]
pub(super) struct LocationIn {
    pub(super) path: String,
    pub(super) pointer: String,
    pub(super) start: PositionIn,
    pub(super) end: PositionIn,
}

#[derive(Deserialize)]
pub(super) struct PositionIn {
    pub(super) line: u32,
    pub(super) column: u32,
}

#[derive(Deserialize)]
pub(super) struct RelatedIn {
    #[serde(flatten)]
    pub(super) location: LocationIn,
    pub(super) message: String,
}

#[derive(Deserialize)]
pub(super) struct FixIn {
    pub(super) applicability: String,
    pub(super) description: String,
    pub(super) edits: Vec<EditIn>,
}

#[derive(Deserialize)]
pub(super) struct EditIn {
    pub(super) start: PositionIn,
    pub(super) end: PositionIn,
    pub(super) content: String,
}

#[derive(Deserialize)]
pub(super) struct SkippedIn {
    pub(super) path: String,
    pub(super) reason: String,
}

#[derive(Deserialize)]
pub(super) struct CaseIn {
    pub(super) suite: String,
    pub(super) name: String,
    pub(super) status: String,
    pub(super) message: Option<String>,
    pub(super) expected: Option<String>,
    pub(super) actual: Option<String>,
    #[serde(default)]
    pub(super) line: Option<u32>,
}

#[derive(Deserialize, PartialEq)]
pub(super) struct ChangedIn {
    pub(super) suite: String,
    pub(super) case: String,
    pub(super) environment: String,
    pub(super) direction: Direction,
    pub(super) disallowed: bool,
    pub(super) baseline: Decided,
    pub(super) candidate: Decided,
}

#[derive(Deserialize, PartialEq)]
pub(super) struct VerdictCountIn {
    pub(super) verdict: String,
    pub(super) count: usize,
}

#[derive(Deserialize, PartialEq)]
pub(super) struct DiffIn {
    pub(super) baseline: String,
    pub(super) candidate: String,
    pub(super) fail_on: String,
    pub(super) cases_total: usize,
    pub(super) baseline_verdicts: Vec<VerdictCountIn>,
    pub(super) candidate_verdicts: Vec<VerdictCountIn>,
    pub(super) recommendation: Recommendation,
    pub(super) regions: Vec<BoundaryRegion>,
    pub(super) notes: Vec<String>,
}

#[derive(Deserialize)]
pub(super) struct ShardIn {
    pub(super) index: u32,
    pub(super) count: u32,
    pub(super) coverage: Vec<Coverage>,
    #[serde(default)]
    pub(super) unused_suppressions: Vec<LocationIn>,
}
