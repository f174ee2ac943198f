//! Reading Stella Ops policies and case inputs for a replay.

use std::path::PathBuf;

use super::error::{InputError, ReplayError};
use crate::parse::{Format, parse};
use crate::source::Files;
use crate::stellaops::input::CaseInput;
use crate::stellaops::model::{self, StellaConfig};

/// Reads and layers Stella Ops configuration files (later wins).
pub fn load_stellaops(files: &dyn Files, paths: &[PathBuf]) -> Result<StellaConfig, ReplayError> {
    let mut documents = Vec::with_capacity(paths.len());
    for path in paths {
        let display = path.display().to_string();
        let bytes = files.read(path)?;
        let (text, bad_utf8) = crate::parse::decode(&bytes);
        let format = if display.ends_with(".json") {
            Format::Json
        } else {
            Format::Yaml
        };
        let document = parse(&text, format);
        if bad_utf8.is_some() || !document.is_usable() {
            return Err(ReplayError::Parse { path: display });
        }
        if let Some(root) = document.root {
            documents.push((display, root));
        }
    }
    let files: Vec<(&str, &crate::parse::Node)> =
        documents.iter().map(|(p, r)| (p.as_str(), r)).collect();
    Ok(model::build(&files))
}

/// Deserialises a Stella Ops case input.
pub(super) fn stellaops_input(json: &serde_json::Value) -> Result<CaseInput, InputError> {
    if json
        .get("environment")
        .and_then(|e| e.as_str())
        .is_none_or(str::is_empty)
    {
        return Err(InputError::MissingEnvironment);
    }
    serde_json::from_value(json.clone()).map_err(|error| InputError::Invalid(error.to_string()))
}
