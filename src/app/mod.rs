//! The orchestrator: the one place that knows every stage.

mod analyze;
mod check;
mod diff_run;
mod eval;
mod filter;
mod fix;
mod gait_replay;
mod merge;
mod merge_error;
mod merge_read;
mod replay;
mod script_registry;
mod settings;
mod test;
mod verdict_diff;

pub use analyze::{
    FileOutcome, ProjectRun, Reference, analyze_pair, analyze_text, analyze_unsuppressed,
    baseline_files, finish,
};
pub use check::{CheckOptions, run_check};
pub use diff_run::{DiffOptions, run_diff};
pub use eval::{EvalError, run_stellaops_eval};
pub use filter::FailOn;
pub use fix::{FixOptions, FixRun, MAX_PASSES, run_fix};
pub use merge::{MergeOptions, run_merge};
pub use merge_error::MergeError;
pub use settings::{CommandLineSetting, show_settings};
pub use test::{TestOptions, UpdateRun, run_test, run_test_update};
pub use verdict_diff::DiffError;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{self, Config};
use crate::discover;
use crate::finding::Severity;
use crate::parse;
use crate::rules::{RuleMeta, registry};
use crate::schema;
use crate::source::Reader;

/// Errors that end a run before any report (bad usage, unreadable config): exit 6.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    #[error(transparent)]
    Discover(#[from] discover::DiscoverError),
    #[error("{}", unknown_rule(.location.as_deref(), .id, .suggestion.as_deref()))]
    UnknownRule {
        id: String,
        suggestion: Option<String>,
        /// `path:line:column` when the id was read from the configuration.
        location: Option<String>,
    },
    #[error(
        "nothing to check under `{0}` (no Stella Ops, Gait or fixture files found; pass --allow-empty to accept)"
    )]
    NothingToCheck(String),
    #[error("nothing to test under `{0}` (no fixture suites or Gait scenario directories found)")]
    NothingToTest(String),
    #[error("cannot read config `{path}`: {message}")]
    Config { path: String, message: String },
    /// A value of the config that cannot be used, at `path:line:column`.
    #[error("{location}: {message}")]
    ConfigValue { location: String, message: String },
    #[error(transparent)]
    ConfigConflict(#[from] config::Conflict),
    #[error(transparent)]
    Schema(#[from] schema::SchemaBug),
    #[error(transparent)]
    Baseline(#[from] crate::diff::git::GitError),
    #[error("the baseline at `{reference}` is invalid input: {location}: {message} ({rule})")]
    BaselineInvalid {
        reference: String,
        location: String,
        message: String,
        rule: String,
    },
    #[error("{0}")]
    Diff(String),
    #[error(transparent)]
    Replay(#[from] verdict_diff::DiffError),
    #[error(transparent)]
    Merge(#[from] merge_error::MergeError),
}

/// Resolves the configuration of a run over `paths`: `--config`, `--no-config`, else the nearest
/// `gatelint.toml` at or above the paths (see [`config::choose`]).
pub fn load_config(
    choice: &config::Choice,
    paths: &[PathBuf],
) -> Result<(Config, Option<FileOutcome>), UsageError> {
    let chosen = config::choose(choice, paths)?;
    let Some(path) = chosen.path().map(Path::to_path_buf) else {
        return Ok((
            Config {
                chosen,
                ..Config::default()
            },
            None,
        ));
    };
    let path = path.as_path();
    let display = discover::display_path(path);
    let reader = Reader::new(std::slice::from_ref(&path.to_path_buf()));
    let bytes = reader.read(path).map_err(|error| UsageError::Config {
        path: display.clone(),
        message: error.to_string(),
    })?;
    let (text, utf8) = parse::decode(&bytes);
    let mut outcome = analyze_text(&display, &text, utf8, true, true);
    if outcome.scanned.is_none() {
        // A config under another name: analyse it as a config all the same.
        outcome = analyze_text("gatelint.toml", &text, None, true, true);
        if let Some(scanned) = &mut outcome.scanned {
            scanned.source.path = Arc::from(display.as_str());
        }
        for finding in &mut outcome.findings {
            finding.primary.path = Arc::from(display.as_str());
        }
    }
    let invalid = outcome
        .findings
        .iter()
        .any(|finding| finding.severity == Severity::Error);
    let mut config = if invalid {
        Config::default()
    } else {
        let document = config::parse_toml(&text);
        document
            .root
            .as_ref()
            .map(config::from_node)
            .transpose()
            .map_err(|error| UsageError::Config {
                path: display.clone(),
                message: error.to_string(),
            })?
            .unwrap_or_default()
    };
    config.origin = Some(config::Origin {
        path: display.clone(),
        text: text.to_string(),
    });
    config.base = config::base_of(path);
    config.chosen = chosen;
    check_excludes(&display, &text)?;
    // `[stellaops]` is read where the semantics are needed; a value it cannot take must not
    // fall back to the defaults unnoticed (fail closed).
    if let Some(table) = &config.stellaops
        && let Err(error) =
            serde_json::from_value::<crate::stellaops::semantics::SemanticsOptions>(table.clone())
    {
        return Err(UsageError::Config {
            path: display,
            message: format!("[stellaops]: {error}"),
        });
    }
    Ok((config, Some(outcome)))
}

/// Each `exclude` pattern of the config must compile: a bad one is reported where it is
/// written.
fn check_excludes(display: &str, text: &str) -> Result<(), UsageError> {
    let document = config::parse_toml(text);
    let Some(patterns) = document
        .root
        .as_ref()
        .and_then(|root| root.get("exclude"))
        .and_then(parse::Node::as_seq)
    else {
        return Ok(());
    };
    for node in patterns {
        let Some(pattern) = node.as_str() else {
            continue;
        };
        if let Err(error) = discover::Excludes::new(&[pattern.to_owned()]) {
            // The TOML reader places list items at their key: the pattern is the first string
            // of that text after it.
            let from = node.span.start as usize;
            let offset = text
                .get(from..)
                .and_then(|rest| rest.find(pattern))
                .map_or(from, |found| from + found);
            let index = crate::span::LineIndex::new(text);
            let at = index.position(
                text,
                u32::try_from(offset).unwrap_or(u32::MAX),
                crate::span::ColumnUnit::Chars,
            );
            return Err(UsageError::ConfigValue {
                location: format!("{display}:{}:{}", at.line.get(), at.column.get()),
                message: error.to_string(),
            });
        }
    }
    Ok(())
}

/// `unknown rule `x`; did you mean `y`?`, after the place in the config it was read from.
fn unknown_rule(location: Option<&str>, id: &str, suggestion: Option<&str>) -> String {
    let mut message = String::new();
    if let Some(location) = location {
        message.push_str(location);
        message.push_str(": ");
    }
    message.push_str(&format!("unknown rule `{id}`"));
    if let Some(suggestion) = suggestion {
        message.push_str(&format!("; did you mean `{suggestion}`?"));
    }
    message
}

/// Checks rule ids given on the command line (`origin` none) or in the configuration.
pub(super) fn check_rule_ids(
    ids: &[String],
    origin: Option<&config::Origin>,
) -> Result<(), UsageError> {
    for id in ids {
        if id == "all" || registry::find(id).is_some() {
            continue;
        }
        return Err(UsageError::UnknownRule {
            id: id.clone(),
            suggestion: registry::suggest(id),
            location: origin.map(|origin| origin.locate(id)),
        });
    }
    Ok(())
}

/// Rule metadata by id, for `gatelint rule ID`.
pub fn rule(id: &str) -> Result<&'static RuleMeta, UsageError> {
    registry::find(id).ok_or_else(|| UsageError::UnknownRule {
        id: id.to_owned(),
        suggestion: registry::suggest(id),
        location: None,
    })
}

/// Whether a finding says its file is invalid input (an error of an `invalid_input` rule).
pub(super) fn is_invalid_input(finding: &crate::finding::Finding) -> bool {
    finding.severity == Severity::Error
        && registry::find(finding.rule.as_str()).is_some_and(|meta| meta.invalid_input)
}

/// The error of a baseline version (at git `reference`) that is invalid input. A baseline that
/// does not parse or bind decides nothing: comparing against it would report changes (or
/// none) that are not there. Fail closed, at the baseline's line.
pub(super) fn invalid_baseline(reference: &str, outcome: &FileOutcome) -> Option<UsageError> {
    let scanned = outcome.scanned.as_ref()?;
    let finding = outcome
        .findings
        .iter()
        .find(|finding| is_invalid_input(finding))?;
    let start = scanned
        .source
        .region(finding.primary.span, crate::span::ColumnUnit::Chars)
        .start;
    Some(UsageError::BaselineInvalid {
        location: format!("{}:{}:{}", scanned.source.path, start.line, start.column),
        reference: reference.to_owned(),
        message: finding.message.clone(),
        rule: finding.rule.to_string(),
    })
}

/// Semantics options from the config's `[stellaops]` table.
pub(crate) fn semantics(config: &Config) -> crate::stellaops::semantics::SemanticsOptions {
    config
        .stellaops
        .clone()
        .and_then(|table| serde_json::from_value(table).ok())
        .unwrap_or_default()
}
