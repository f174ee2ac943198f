//! `gatelint eval`: one Stella Ops decision, explained.

use super::evaluator::{Evaluator, StellaOps};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::error::ReplayError;
use super::load::{load_stellaops, stellaops_input};
use crate::exit::Exit;
use crate::parse::{Format, parse};
use crate::source::Reader;
use crate::stellaops::chain::{self, Decision};
use crate::stellaops::semantics::SemanticsOptions;

/// `gatelint eval`: one decision, explained.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EvalOutcome {
    pub decision: Decision,
    /// Which gates ran, with what thresholds, and why.
    pub explanation: String,
    pub exit_code: i32,
}

impl EvalOutcome {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "verdict": self.decision.verdict.as_str(),
            "exitCode": self.exit_code,
            "decision": self.decision,
        })
    }
}

/// Evaluates one Stella Ops input file (a case input, or a case with `input`) against layered
/// policy files and optional determinization files.
pub fn eval_command(
    reader: &Reader,
    policy_paths: &[PathBuf],
    input_path: &Path,
    determinization: &[PathBuf],
    semantics: &SemanticsOptions,
) -> Result<EvalOutcome, ReplayError> {
    let layered: Vec<PathBuf> = policy_paths
        .iter()
        .chain(determinization)
        .cloned()
        .collect();
    let config = load_stellaops(reader, &layered)?;
    let display = input_path.display().to_string();
    let bytes = reader.read(input_path)?;
    let (text, bad_utf8) = crate::parse::decode(&bytes);
    if let Some(issue) = &bad_utf8 {
        return Err(ReplayError::parse(display, &text, [issue]));
    }
    let format = if display.ends_with(".json") {
        Format::Json
    } else {
        Format::Yaml
    };
    let document = parse(&text, format);
    let Some(root) = document
        .root
        .filter(|_| document.issues.iter().all(|i| !i.is_fatal()))
    else {
        return Err(ReplayError::parse(display, &text, &document.issues));
    };
    let mut json = root.to_json();
    if json.get("environment").is_none()
        && let Some(input) = json.get("input").cloned()
    {
        json = input;
    }
    let input = stellaops_input(&json).map_err(|source| ReplayError::Input {
        path: display,
        source,
    })?;
    let evaluator = StellaOps {
        semantics,
        detail: chain::Detail::Full,
    };
    let decision = evaluator.decide(&config, &input);
    Ok(EvalOutcome {
        explanation: chain::explain(&decision),
        exit_code: i32::from(Exit::from(decision.verdict).code()),
        decision,
    })
}
