//! The approved-script registries the replays read: their entries are checked against the
//! policies and evaluation times they are replayed with, and a registry outside the checked
//! paths (or too plain to be recognised by content) becomes a scanned file of its own, so its
//! findings can quote it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::FileOutcome;
use crate::classify::FileKind;
use crate::discover;
use crate::gait::registry::{self, RegistryUse};
use crate::parse::{self, Format};
use crate::report::ScannedFile;
use crate::rules::gait::gait_approved_script_never_matches::finding;
use crate::source::{Reader, SourceFile};

/// Adds the findings of every registry in `uses` to `outcomes`.
pub fn add_findings(
    reader: &Reader,
    uses: &BTreeMap<PathBuf, Vec<RegistryUse>>,
    outcomes: &mut Vec<FileOutcome>,
) {
    for (path, uses) in uses {
        let display = discover::normalize_display(path);
        let scanned = outcomes.iter().position(|outcome| {
            outcome
                .scanned
                .as_ref()
                .is_some_and(|scanned| *scanned.source.path == *display)
        });
        if let Some(at) = scanned
            && let Some(outcome) = outcomes.get_mut(at)
            && let Some(file) = &outcome.scanned
        {
            // A discovered registry already has its own findings; add what the use reveals.
            if file.kind != FileKind::GaitScriptRegistry {
                continue;
            }
            let Some(root) = parse::parse(&file.source.text, Format::Json).root else {
                continue;
            };
            let path = file.source.path.clone();
            outcome.findings.extend(
                registry::usage_problems(&root, uses)
                    .into_iter()
                    .map(|problem| finding(path.clone(), problem)),
            );
            continue;
        }
        let Some(outcome) = referenced_registry(reader, path, &display, uses) else {
            continue;
        };
        // An explicitly given file first reported as "not a policy-gate file" is now one.
        outcomes.retain(|other| {
            other
                .skipped
                .as_ref()
                .is_none_or(|skipped| skipped.path != display)
        });
        outcomes.push(outcome);
    }
}

/// A registry no discovery scanned: read it as Gait does (a missing or unreadable file is the
/// replay's business, not a finding here) and report every problem.
fn referenced_registry(
    reader: &Reader,
    path: &Path,
    display: &str,
    uses: &[RegistryUse],
) -> Option<FileOutcome> {
    let bytes = reader.read(path).ok()?;
    let (text, utf8_issue) = parse::decode(&bytes);
    if utf8_issue.is_some() {
        return None;
    }
    let document = parse::parse(&text, Format::Json);
    let root = document.root?;
    let source = SourceFile::new(display, text.as_str());
    let file: Arc<str> = source.path.clone();
    let findings = registry::intrinsic_problems(&root)
        .into_iter()
        .chain(registry::usage_problems(&root, uses))
        .map(|problem| finding(file.clone(), problem))
        .collect();
    Some(FileOutcome {
        scanned: Some(ScannedFile {
            source,
            kind: FileKind::GaitScriptRegistry,
        }),
        findings,
        ..FileOutcome::default()
    })
}
