//! Finds the files to check: walks the given paths (honouring `.gitignore` and the config's
//! excludes, never following symlinks), and keeps the files whose names can hold a policy-gate
//! configuration. What they are is decided from their content by `classify`.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

/// A file to read.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// `/`-separated path relative to the working directory (or as given), used in reports.
    pub display: String,
    /// Where to read it.
    pub path: PathBuf,
    /// Named on the command line (a pre-commit file argument) rather than found by a walk.
    pub explicit: bool,
    /// Why the walk could not read this entry (a directory it may not list), when it could not.
    pub unreadable: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("path `{0}` does not exist")]
    Missing(String),
    #[error("invalid exclude pattern `{pattern}`: {message}")]
    BadPattern { pattern: String, message: String },
}

/// Paths and patterns to leave out.
#[derive(Clone, Debug, Default)]
pub struct Excludes {
    set: Option<GlobSet>,
    /// Paths are matched as they read from the config's directory (see [`rebase`]).
    base: Option<(String, String)>,
}

/// `display` (relative to the working directory) as it reads from another directory: `prepend`
/// joined in front (the working directory as seen from that directory, `deploy`), then
/// `strip` taken off (that directory as seen from the working directory), `.`/`..` resolved.
pub fn rebase(display: &str, prepend: &str, strip: &str) -> String {
    let joined = normalize_display(&Path::new(prepend).join(display.trim_start_matches("./")));
    if strip.is_empty() {
        return joined;
    }
    joined
        .strip_prefix(strip)
        .and_then(|rest| rest.strip_prefix('/'))
        .map_or(joined.clone(), str::to_owned)
}

impl Excludes {
    pub fn new(patterns: &[String]) -> Result<Self, DiscoverError> {
        if patterns.is_empty() {
            return Ok(Excludes::default());
        }
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            let trimmed = pattern.trim_start_matches("./").trim_end_matches('/');
            for variant in [trimmed.to_owned(), format!("{trimmed}/**")] {
                let glob = Glob::new(&variant).map_err(|error| DiscoverError::BadPattern {
                    pattern: pattern.clone(),
                    message: error.kind().to_string(),
                })?;
                builder.add(glob);
            }
        }
        let set = builder.build().map_err(|error| DiscoverError::BadPattern {
            pattern: patterns.join(", "),
            message: error.kind().to_string(),
        })?;
        Ok(Excludes {
            set: Some(set),
            base: None,
        })
    }

    /// Matches paths as they read from another directory (see [`rebase`]).
    #[must_use]
    pub fn based(mut self, prepend: &str, strip: &str) -> Self {
        self.base = Some((prepend.to_owned(), strip.to_owned()));
        self
    }

    pub fn matches(&self, display: &str) -> bool {
        let Some(set) = &self.set else {
            return false;
        };
        match &self.base {
            Some((prepend, strip)) => set.is_match(rebase(display, prepend, strip)),
            None => set.is_match(display.trim_start_matches("./")),
        }
    }
}

/// Whether a file name can hold something gatelint reads.
pub fn interesting_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "gatelint.toml"
        || lower.ends_with(".yaml")
        || lower.ends_with(".yml")
        || lower.ends_with(".json")
        || lower.ends_with(".jsonl")
        || lower.ends_with(".yaml.sample")
        || lower.ends_with(".yml.sample")
        || lower.ends_with(".json.sample")
}

/// Everything under `paths`, sorted and de-duplicated. A named file is kept whatever its name
/// (classification decides); a directory is walked.
pub fn discover(paths: &[PathBuf], excludes: &Excludes) -> Result<Vec<Candidate>, DiscoverError> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::symlink_metadata(path)
            .map_err(|_| DiscoverError::Missing(path.display().to_string()))?;
        if meta.is_file() || (meta.file_type().is_symlink() && path.is_file()) {
            let display = display_path(path);
            if !excludes.matches(&display) {
                out.push(Candidate {
                    display,
                    path: path.clone(),
                    explicit: true,
                    unreadable: None,
                });
            }
            continue;
        }
        walk(path, excludes, &interesting_name, &mut out);
    }
    out.sort();
    out.dedup_by(|a, b| a.display == b.display);
    Ok(out)
}

/// Every file under `root` whose name `keep` accepts: the one directory walker. It honours
/// `.gitignore`, skips `.git` and `node_modules`, and never follows a symbolic link, so nothing
/// outside the root is reached.
fn walk(root: &Path, excludes: &Excludes, keep: &dyn Fn(&str) -> bool, out: &mut Vec<Candidate>) {
    let walker = ignore::WalkBuilder::new(root)
        .follow_links(false)
        .hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .parents(true)
        .filter_entry(|entry| entry.file_name() != ".git" && entry.file_name() != "node_modules")
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                // A directory or file the walk may not read: reported, never silently skipped.
                let path = error_path(&error).unwrap_or_else(|| root.to_path_buf());
                let display = display_path(&path);
                if !excludes.matches(&display) {
                    out.push(Candidate {
                        display,
                        path,
                        explicit: false,
                        unreadable: Some(io_words(&error)),
                    });
                }
                continue;
            }
        };
        let Some(kind) = entry.file_type() else {
            continue;
        };
        // A link is never followed (its target, when it is in the tree, is found itself); a
        // FIFO, socket or device under a name gatelint reads is reported, not opened.
        if kind.is_dir() || kind.is_symlink() {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if !keep(&name) {
            continue;
        }
        let display = display_path(entry.path());
        if excludes.matches(&display) {
            continue;
        }
        out.push(Candidate {
            display,
            path: entry.path().to_path_buf(),
            explicit: false,
            unreadable: None,
        });
    }
}

/// The path an error of the walk is about.
fn error_path(error: &ignore::Error) -> Option<PathBuf> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

/// An error of the walk in words, without the path (the finding carries it).
fn io_words(error: &ignore::Error) -> String {
    match error {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => io_words(err),
        ignore::Error::Io(error) => error.to_string(),
        other => other.to_string(),
    }
}

/// A fixture suite's file name: `*.fixtures.{yaml,yml,json,jsonl}`.
pub fn is_suite_name(name: &str) -> bool {
    [
        ".fixtures.yaml",
        ".fixtures.yml",
        ".fixtures.json",
        ".fixtures.jsonl",
    ]
    .iter()
    .any(|suffix| name.ends_with(suffix))
}

/// The files of `paths` whose names `keep` accepts: named files as they are (whatever their
/// name), directories walked. Sorted, without duplicates.
pub fn files_named(
    paths: &[PathBuf],
    excludes: &Excludes,
    keep: &dyn Fn(&str) -> bool,
) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for path in paths {
        if std::fs::symlink_metadata(path).is_ok_and(|meta| meta.is_dir()) {
            walk(path, excludes, keep, &mut out);
        } else {
            out.push(Candidate {
                display: display_path(path),
                path: path.clone(),
                explicit: true,
                unreadable: None,
            });
        }
    }
    let mut found: Vec<PathBuf> = out.into_iter().map(|candidate| candidate.path).collect();
    found.sort();
    found.dedup();
    found
}

/// The fixture suites under `paths` (named files kept as they are).
pub fn suites(paths: &[PathBuf]) -> Vec<PathBuf> {
    files_named(paths, &Excludes::default(), &is_suite_name)
}

/// `*.json` files under `dir` (extension ignoring case): Gait's fixture discovery for
/// `policy simulate`.
pub fn json_files(dir: &Path) -> Vec<PathBuf> {
    files_named(
        std::slice::from_ref(&dir.to_path_buf()),
        &Excludes::default(),
        &|name| {
            Path::new(name)
                .extension()
                .is_some_and(|ext| ext.eq_ignore_ascii_case("json"))
        },
    )
}

/// Gait scenario directories under `root`: the directories holding `expected.yaml` or
/// `expected-verdicts.jsonl`. `root` itself when it is one.
pub fn scenario_dirs(root: &Path) -> Vec<PathBuf> {
    let is_expectation = |name: &str| name == "expected.yaml" || name == "expected-verdicts.jsonl";
    let mut out = Vec::new();
    walk(root, &Excludes::default(), &is_expectation, &mut out);
    let mut dirs: Vec<PathBuf> = out
        .into_iter()
        .filter_map(|candidate| candidate.path.parent().map(Path::to_path_buf))
        .collect();
    dirs.sort();
    dirs.dedup();
    if dirs.iter().any(|dir| dir == root) {
        return vec![root.to_path_buf()];
    }
    dirs
}

/// A `/`-separated display form of `path`, relative to the working directory when it lies
/// below it (reports never carry an absolute path they can avoid).
pub fn display_path(path: &Path) -> String {
    crate::source::display(path)
}

/// The display form of a path a file refers to (`suite_dir/../policy.yaml`), with `.` and `..`
/// resolved lexically so it matches the discovered path of the same file.
pub fn normalize_display(path: &Path) -> String {
    use std::path::Component;
    let mut parts: Vec<String> = Vec::new();
    let mut absolute = false;
    for component in path.components() {
        match component {
            Component::RootDir => absolute = true,
            Component::CurDir | Component::Prefix(_) => {}
            Component::ParentDir => {
                if parts.last().is_some_and(|last| last != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..".to_owned());
                }
            }
            Component::Normal(name) => parts.push(name.to_string_lossy().into_owned()),
        }
    }
    let joined = parts.join("/");
    if absolute {
        display_path(Path::new(&format!("/{joined}")))
    } else if joined.is_empty() {
        ".".to_owned()
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn normalizes_references() {
        assert_eq!(
            super::normalize_display(std::path::Path::new("a/b/../c/./d.yaml")),
            "a/c/d.yaml"
        );
        assert_eq!(
            super::normalize_display(std::path::Path::new("./../x.yaml")),
            "../x.yaml"
        );
    }

    use super::*;

    #[test]
    fn rebase_reads_a_path_from_another_directory() {
        assert_eq!(
            rebase("vendor/a.yaml", "deploy", ""),
            "deploy/vendor/a.yaml"
        );
        assert_eq!(rebase("./vendor/a.yaml", "a/b", ""), "a/b/vendor/a.yaml");
        assert_eq!(rebase("../shared/a.yaml", "deploy", ""), "shared/a.yaml");
        assert_eq!(
            rebase("deploy/vendor/a.yaml", "", "deploy"),
            "vendor/a.yaml"
        );
        assert_eq!(rebase("other/a.yaml", "", "deploy"), "other/a.yaml");
    }

    #[test]
    fn based_excludes_match_from_the_config_directory() {
        let excludes = Excludes::new(&["deploy/vendor".to_owned()])
            .unwrap()
            .based("deploy", "");
        assert!(excludes.matches("vendor/a.yaml"));
        assert!(!excludes.matches("live/a.yaml"));
    }

    #[test]
    fn names() {
        assert!(interesting_name("policy-gates.yaml.sample"));
        assert!(interesting_name("appsettings.Production.json"));
        assert!(interesting_name("intents.jsonl"));
        assert!(interesting_name("gatelint.toml"));
        assert!(!interesting_name("Cargo.toml"));
        assert!(!interesting_name("main.rs"));
    }

    #[test]
    fn excludes_match_directories_and_globs() {
        let excludes =
            Excludes::new(&["vendor".to_owned(), "**/*.bak.yaml".to_owned()]).unwrap_or_default();
        assert!(excludes.matches("vendor/a.yaml"));
        assert!(excludes.matches("x/y.bak.yaml"));
        assert!(!excludes.matches("src/a.yaml"));
    }
}
