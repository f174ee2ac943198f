//! Reading Stella Ops policies and case inputs for a replay.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::error::{InputError, ReplayError};
use crate::parse::{Format, Node, parse};
use crate::source::Files;
use crate::stellaops::input::CaseInput;
use crate::stellaops::model::{self, StellaConfig};

/// The trees a run has already parsed, by absolute path: a replay builds its models from them
/// instead of reading and parsing the files again.
pub type Parsed<'a> = BTreeMap<PathBuf, &'a Node>;

/// Reads and layers Stella Ops configuration files (later wins).
pub fn load_stellaops(files: &dyn Files, paths: &[PathBuf]) -> Result<StellaConfig, ReplayError> {
    load_stellaops_parsed(files, None, paths)
}

/// [`load_stellaops`], taking each file's tree from `parsed` when the run has parsed it.
pub fn load_stellaops_parsed(
    files: &dyn Files,
    parsed: Option<&Parsed<'_>>,
    paths: &[PathBuf],
) -> Result<StellaConfig, ReplayError> {
    let mut owned = Vec::with_capacity(paths.len());
    let mut trees: Vec<(String, Option<&Node>)> = Vec::with_capacity(paths.len());
    for path in paths {
        let display = path.display().to_string();
        if let Some(node) = parsed.and_then(|parsed| parsed.get(&files.reader().absolute(path))) {
            trees.push((display, Some(*node)));
            continue;
        }
        let bytes = files.read(path)?;
        let (text, bad_utf8) = crate::parse::decode(&bytes);
        let format = if display.ends_with(".json") {
            Format::Json
        } else {
            Format::Yaml
        };
        let document = parse(&text, format);
        if bad_utf8.is_some() || !document.is_usable() {
            return Err(ReplayError::parse(
                display,
                &text,
                bad_utf8.iter().chain(&document.issues),
            ));
        }
        if let Some(root) = document.root {
            owned.push(root);
            trees.push((display, None));
        }
    }
    // Owned trees fill the places left open, in order.
    let mut owned = owned.iter();
    let layered: Vec<(&str, &Node)> = trees
        .iter()
        .filter_map(|(display, node)| {
            node.or_else(|| owned.next())
                .map(|node| (display.as_str(), node))
        })
        .collect();
    Ok(model::build(&layered))
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
