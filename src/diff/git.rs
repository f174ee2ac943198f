//! Baseline files from git: the version of each scanned file at a commit, read with the real
//! `git` binary (`git show REF:path`). No merge-base is computed, so a shallow clone works as
//! long as REF's commit is present. Nothing from the repository is executed: hooks, fsmonitor,
//! textconv and external diff drivers are switched off, and no pager runs.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

/// Why the baseline could not be read (invalid input: exit 6).
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("cannot run `git`: {0}")]
    Spawn(String),
    #[error(
        "baseline ref `{0}` is not a commit in this clone (fetch it first, e.g. `git fetch --depth=1 origin {0}`, or check out with `fetch-depth: 0`)"
    )]
    UnknownRef(String),
    #[error(
        "baseline ref `{reference}` is ambiguous: it names no local commit, branch or tag, and the remote-tracking branches {candidates} all match; name one of them"
    )]
    AmbiguousRef {
        reference: String,
        candidates: String,
    },
    #[error("`{0}` is not inside a git work tree")]
    NotARepository(String),
    #[error("git failed reading `{path}` at `{reference}`: {message}")]
    Read {
        reference: String,
        path: String,
        message: String,
    },
}

/// A `git` command that runs nothing from the repository.
fn git(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .current_dir(dir)
        .args([
            "--no-pager",
            "-c",
            "core.hooksPath=/dev/null",
            "-c",
            "core.fsmonitor=false",
            "-c",
            "diff.external=",
            "-c",
            "core.pager=cat",
            "-c",
            "protocol.allow=never",
        ])
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env_remove("GIT_EXTERNAL_DIFF")
        .stdin(Stdio::null());
    command
}

fn run(dir: &Path, args: &[&str]) -> Result<(bool, Vec<u8>, String), GitError> {
    let output = git(dir)
        .args(args)
        .output()
        .map_err(|error| GitError::Spawn(error.to_string()))?;
    Ok((
        output.status.success(),
        output.stdout,
        String::from_utf8_lossy(&output.stderr).trim().to_owned(),
    ))
}

/// The commit a baseline ref names, and how it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// What to read the baseline at: the ref as given, or the remote-tracking branch it was
    /// guessed to mean (`origin/production`).
    pub name: String,
    /// The full commit id.
    pub commit: String,
    /// Whether `name` is a remote-tracking branch guessed from the ref given.
    pub guessed: bool,
}

/// The commit at `reference`, as `git rev-parse` resolves it (a commit, a local branch or tag,
/// `remote/branch`); failing that, as `git checkout NAME` guesses, the one remote-tracking
/// branch `<remote>/NAME`. After `actions/checkout` only remote-tracking branches exist, so a
/// workflow that names `production` finds `origin/production`.
pub fn resolve(dir: &Path, reference: &str) -> Result<Resolved, GitError> {
    if reference.starts_with('-') || reference.is_empty() {
        return Err(GitError::UnknownRef(reference.to_owned()));
    }
    let (inside, _, _) = run(dir, &["rev-parse", "--is-inside-work-tree"])?;
    if !inside {
        return Err(GitError::NotARepository(dir.display().to_string()));
    }
    if let Some(commit) = commit_of(dir, reference)? {
        return Ok(Resolved {
            name: reference.to_owned(),
            commit,
            guessed: false,
        });
    }
    let (_, remotes, _) = run(dir, &["remote"])?;
    let mut found = Vec::new();
    for remote in String::from_utf8_lossy(&remotes).lines() {
        let remote = remote.trim();
        if remote.is_empty() {
            continue;
        }
        let name = format!("{remote}/{reference}");
        if let Some(commit) = commit_of(dir, &format!("refs/remotes/{name}"))? {
            found.push(Resolved {
                name,
                commit,
                guessed: true,
            });
        }
    }
    match found.len() {
        0 => Err(GitError::UnknownRef(reference.to_owned())),
        1 => Ok(found.remove(0)),
        _ => Err(GitError::AmbiguousRef {
            reference: reference.to_owned(),
            candidates: found
                .iter()
                .map(|found| format!("`{}`", found.name))
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// The commit `reference` names, if it names one.
fn commit_of(dir: &Path, reference: &str) -> Result<Option<String>, GitError> {
    let (ok, commit, _) = run(
        dir,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &format!("{reference}^{{commit}}"),
        ],
    )?;
    Ok(ok.then(|| String::from_utf8_lossy(&commit).trim().to_owned()))
}

/// The text of each of `paths` (relative to `dir`, `/`-separated) at `reference`; a path absent
/// at the baseline maps to `None`. `reference` is resolved as [`resolve`] does.
pub fn read_baseline(
    dir: &Path,
    reference: &str,
    paths: &[String],
) -> Result<BTreeMap<String, Option<String>>, GitError> {
    let commit = resolve(dir, reference)?.commit;
    let (_, prefix, _) = run(dir, &["rev-parse", "--show-prefix"])?;
    let prefix = String::from_utf8_lossy(&prefix).trim().to_owned();
    let (_, top, _) = run(dir, &["rev-parse", "--show-toplevel"])?;
    let top = std::path::PathBuf::from(String::from_utf8_lossy(&top).trim());
    let mut out = BTreeMap::new();
    for path in paths {
        let relative = path.strip_prefix("./").unwrap_or(path);
        let full = format!("{prefix}{relative}");
        let (listed, names, message) = run(
            &top,
            &["ls-tree", "--name-only", "-z", &commit, "--", &full],
        )?;
        if !listed {
            return Err(GitError::Read {
                reference: reference.to_owned(),
                path: path.clone(),
                message,
            });
        }
        if names.is_empty() {
            out.insert(path.clone(), None);
            continue;
        }
        let (shown, bytes, message) = run(
            &top,
            &["show", "--no-textconv", &format!("{commit}:{full}")],
        )?;
        if !shown {
            return Err(GitError::Read {
                reference: reference.to_owned(),
                path: path.clone(),
                message,
            });
        }
        out.insert(
            path.clone(),
            Some(String::from_utf8_lossy(&bytes).into_owned()),
        );
    }
    Ok(out)
}
