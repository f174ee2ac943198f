//! `check --fix` and `check --diff`: the one fixer. It takes the fixes of the findings `check`
//! reports (after suppressions, `--select`/`--ignore` and the config), applies them to each
//! file's text in report order, re-analyses the result and applies what is fixable then, until
//! nothing more applies or [`MAX_PASSES`] have run. A pass whose result no longer parses is
//! dropped. Edits are byte ranges on the text as read, so everything they do not touch —
//! comments, layout, quoting — stays as written.
//!
//! A file is fixed only when it was read through the [`Reader`], lies under a path the user
//! named (a suite's repository is readable, but only the scanned paths are written), still holds
//! the text that was analysed, and is UTF-8 (the text is written back as read). It is written
//! through the one writer ([`crate::source::writer::replace_regular`]: a new file beside it,
//! renamed over it; never through a link).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::finding::{Applicability, Finding, apply_fixes};
use crate::report::Report;
use crate::source::Reader;

use super::check::{CheckOptions, run_check};
use super::{ProjectRun, UsageError, analyze_unsuppressed, finish, load_config};

/// The most passes over one file: each applies what the last one left fixable.
pub const MAX_PASSES: usize = 10;

/// Rules whose new findings mean a fix broke the file: the pass is dropped.
const BROKEN: [&str; 5] = [
    "syntax-error",
    "duplicate-key",
    "case-duplicate-key",
    "multiple-documents",
    "non-scalar-key",
];

/// What `--fix`, `--unsafe-fixes` and `--diff` ask for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FixOptions {
    /// Apply the safe fixes (`--fix`, or `--diff` without `--update`).
    pub fixes: bool,
    /// Apply unsafe fixes too.
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff and write nothing.
    pub diff: bool,
    /// Apply the expectation updates of failed fixture cases (`--update`).
    pub update: bool,
}

impl FixOptions {
    /// Whether a fix of `applicability` is applied.
    pub fn takes(self, applicability: Applicability) -> bool {
        match applicability {
            Applicability::Safe => self.fixes,
            Applicability::Unsafe => self.fixes && self.unsafe_fixes,
            Applicability::Update => self.update,
        }
    }
}

/// The result of a fixing run.
#[derive(Debug)]
pub struct FixRun {
    /// `--fix`: the report of `check` on the fixed files (with [`Report::fixed`] set);
    /// `--diff`: the report the fixes were taken from.
    pub report: Report,
    /// `--diff`: the unified diff of every file a fix would change, in path order.
    pub diff: String,
    /// How many findings the fixes resolve (applied, or with `--diff` would apply).
    pub fixed: usize,
    /// Files a fix was found for but not applied to, with why (`path: reason`).
    pub refused: Vec<String>,
    /// The expectation updates applied (or with `--diff` that would be), as `path: what`.
    pub updated: Vec<String>,
}

/// Runs `check`, fixes what it found, and (`--fix`) runs `check` again on the result.
pub fn run_fix(options: &CheckOptions, fix: FixOptions) -> Result<FixRun, UsageError> {
    let report = run_check(options)?;
    let (config, _) = load_config(&options.config, &options.paths)?;
    let filter = super::filter::Filter::new(&options.select, &options.ignore, &config);
    let run = ProjectRun {
        validate_only: options.validate_only,
        require_reason: config.require_suppression_reason,
        default_failure_action: Some(super::semantics(&config).default_environment_failure_action),
        ..ProjectRun::default()
    };
    let paths = if options.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        options.paths.clone()
    };
    let reader = Reader::new(&paths);
    let roots: Vec<PathBuf> = paths.iter().map(|path| reader.absolute(path)).collect();
    let eligible = |finding: &Finding| {
        finding
            .fix
            .as_ref()
            .is_some_and(|candidate| fix.takes(candidate.applicability))
    };
    let mut by_file: BTreeMap<Arc<str>, Vec<&Finding>> = BTreeMap::new();
    for finding in report.findings.iter().filter(|finding| eligible(finding)) {
        by_file
            .entry(finding.primary.path.clone())
            .or_default()
            .push(finding);
    }

    let mut fixed = 0;
    let mut diff = String::new();
    let mut refused = Vec::new();
    let mut updated = Vec::new();
    for (path, findings) in by_file {
        let Some(source) = report.source(&path) else {
            continue;
        };
        let file = Path::new(&*path);
        let absolute = reader.absolute(file);
        if !roots.iter().any(|root| absolute.starts_with(root)) {
            refused.push(format!("{path}: outside the paths given"));
            continue;
        }
        // Read again through the reader: the file must still be what was analysed, as UTF-8.
        match reader.read(file) {
            Ok(bytes) if bytes == source.text.as_bytes() => {}
            Ok(_) => {
                refused.push(format!(
                    "{path}: not UTF-8, or changed since it was checked"
                ));
                continue;
            }
            Err(error) => {
                refused.push(format!("{path}: {}", error.reason()));
                continue;
            }
        }
        let original: &str = &source.text;
        let mut text = original.to_owned();
        let mut updates = Vec::new();
        let mut current: Vec<Finding> = findings.into_iter().cloned().collect();
        let mut broken = count_broken(&analyze(&path, original, &run));
        for _ in 0..MAX_PASSES {
            let applied = apply_fixes(
                &text,
                current
                    .iter()
                    .filter(|finding| eligible(finding))
                    .filter_map(|finding| finding.fix.as_ref()),
            );
            if applied.applied == 0 || applied.text == text {
                break;
            }
            let found = analyze(&path, &applied.text, &run);
            let now_broken = count_broken(&found);
            if now_broken > broken {
                refused.push(format!(
                    "{path}: a fix would make the file invalid; the fixes after it are left"
                ));
                break;
            }
            broken = now_broken;
            fixed += applied.applied;
            updates.extend(
                applied
                    .descriptions
                    .into_iter()
                    .filter(|(applicability, _)| *applicability == Applicability::Update)
                    .map(|(_, description)| format!("{path}: {description}")),
            );
            text = applied.text;
            current = filter.apply(found);
        }
        if text == original {
            continue;
        }
        if fix.diff {
            let lines = similar::TextDiff::from_lines(original, &text);
            diff.push_str(
                &lines
                    .unified_diff()
                    .context_radius(3)
                    .header(&path, &path)
                    .to_string(),
            );
            updated.append(&mut updates);
            continue;
        }
        // Checked again just before writing: no link anywhere below the root, a regular file.
        match write_back(&reader, file, &text) {
            Ok(()) => updated.append(&mut updates),
            Err(reason) => refused.push(format!("{path}: cannot write: {reason}")),
        }
    }
    if fix.diff {
        return Ok(FixRun {
            report,
            diff,
            fixed,
            refused,
            updated,
        });
    }
    let mut after = run_check(options)?;
    after.fixed = Some(fixed);
    Ok(FixRun {
        report: after,
        diff,
        fixed,
        refused,
        updated,
    })
}

/// Why a fixed or updated file was not written back.
#[derive(Debug, thiserror::Error)]
pub(super) enum WriteBackError {
    /// The reader's check refused the path (a link below the root, outside the roots, not a
    /// regular file).
    #[error("{}", .0.reason())]
    Refused(crate::source::ReadError),
    #[error(transparent)]
    Write(#[from] crate::source::writer::WriteError),
}

/// Writes `text` over the file a fix or an update was found in, checked again just before: no
/// link anywhere below the root, a regular file; through the one writer.
pub(super) fn write_back(reader: &Reader, file: &Path, text: &str) -> Result<(), WriteBackError> {
    let absolute = reader.check(file).map_err(WriteBackError::Refused)?;
    crate::source::writer::replace_regular(&absolute, text.as_bytes())?;
    Ok(())
}

/// The findings of one file's text, before `--select`, `--ignore` and the config apply.
fn analyze(path: &str, text: &str, run: &ProjectRun<'_>) -> Vec<Finding> {
    let outcome = analyze_unsuppressed(path, text, None, true, run.validate_only);
    let (mut outcomes, _) = finish(vec![outcome], run);
    outcomes
        .pop()
        .map(|outcome| outcome.findings)
        .unwrap_or_default()
}

fn count_broken(findings: &[Finding]) -> usize {
    findings
        .iter()
        .filter(|finding| BROKEN.contains(&finding.rule.as_str()))
        .count()
}
