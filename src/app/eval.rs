//! `eval --input`: one Stella Ops decision, explained.

use std::path::{Path, PathBuf};

use crate::classify::FileKind;
use crate::discover::{self, Candidate};
use crate::finding::Severity;
use crate::rules::registry;
use crate::source::{ReadError, Reader};

use super::analyze::analyze_candidate;
use super::{UsageError, load_config, semantics};

/// Why `eval --input` gave no decision (exit 6).
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(transparent)]
    Usage(#[from] UsageError),
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("`{path}` is {found}, not a Stella Ops configuration; {hint}")]
    NotStellaOps {
        path: String,
        found: String,
        hint: &'static str,
    },
    #[error("{location}: {message} ({rule})")]
    Invalid {
        location: String,
        message: String,
        rule: String,
    },
    #[error(transparent)]
    Replay(#[from] crate::replay::runner::ReplayError),
}

/// `eval --input`: one Stella Ops decision, explained. Every policy file must be a valid Stella
/// Ops gate or determinization configuration: anything else would evaluate the built-in
/// defaults without a word.
pub fn run_stellaops_eval(
    policies: &[PathBuf],
    input: &Path,
    determinization: &[PathBuf],
    config: &crate::config::Choice,
) -> Result<crate::replay::runner::EvalOutcome, EvalError> {
    let (config, _) = load_config(config, policies)?;
    let named: Vec<PathBuf> = policies
        .iter()
        .chain(determinization)
        .cloned()
        .chain(std::iter::once(input.to_path_buf()))
        .collect();
    let reader = Reader::new(&named);
    for path in policies.iter().chain(determinization) {
        let display = discover::display_path(path);
        let candidate = Candidate {
            display: display.clone(),
            path: path.clone(),
            explicit: true,
            unreadable: None,
        };
        reader.check(path)?;
        let outcome = analyze_candidate(&candidate, &reader, true);
        let kind = outcome.scanned.as_ref().map(|scanned| scanned.kind);
        match kind {
            Some(FileKind::StellaOps | FileKind::Determinization) => {}
            Some(kind) => {
                return Err(EvalError::NotStellaOps {
                    path: display,
                    found: FileKind::describe(kind.name()),
                    hint: if kind == FileKind::GaitPolicy {
                        "evaluate a Gait intent with `--intent`"
                    } else {
                        "`--policy` names Stella Ops gate configurations (`policy-gates.yaml`, appsettings)"
                    },
                });
            }
            None => {
                let reason = outcome
                    .skipped
                    .map(|skipped| skipped.reason)
                    .unwrap_or_else(|| "not a policy-gate file".to_owned());
                return Err(EvalError::NotStellaOps {
                    path: display,
                    found: format!(
                        "not a policy-gate file ({reason}: no Stella Ops gate, determinization or `Policy:Gates` settings)"
                    ),
                    hint: "`--policy` names Stella Ops gate configurations (`policy-gates.yaml`, appsettings)",
                });
            }
        }
        if let (Some(scanned), Some(finding)) = (
            &outcome.scanned,
            outcome.findings.iter().find(|finding| {
                finding.severity == Severity::Error
                    && registry::find(finding.rule.as_str()).is_some_and(|meta| meta.invalid_input)
            }),
        ) {
            let start = scanned
                .source
                .region(finding.primary.span, crate::span::ColumnUnit::Chars)
                .start;
            return Err(EvalError::Invalid {
                location: format!("{display}:{}:{}", start.line, start.column),
                message: finding.message.clone(),
                rule: finding.rule.to_string(),
            });
        }
    }
    crate::replay::runner::eval_command(
        &reader,
        policies,
        input,
        determinization,
        &semantics(&config),
    )
    .map_err(EvalError::from)
}
