//! Helpers shared by integration tests.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The real `gatelint` binary run in `dir` with a scrubbed environment (only `PATH`, and
/// `NO_COLOR`), as a CI job or a hook runs it.
#[allow(dead_code, reason = "not every test crate runs the binary")]
pub fn gatelint(dir: &Path) -> assert_cmd::Command {
    let mut command = assert_cmd::Command::cargo_bin("gatelint").unwrap();
    command
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("NO_COLOR", "1");
    command
}

/// Writes `text` to `dir/name`, creating its directories; returns the path.
#[allow(dead_code, reason = "not every test crate writes files")]
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

#[allow(dead_code, reason = "not every test crate runs git")]
/// Runs the real `git` in `dir` with a throwaway identity and no user or system config.
pub fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A clone as `actions/checkout` makes it with `fetch-depth: 0`: `git init`, fetch every branch
/// of `upstream` into `refs/remotes/<remote>/*` for each of `remotes`, check out `origin/main`
/// as `main`. No other local branch.
#[allow(dead_code, reason = "not every test crate clones")]
pub fn checkout_clone(upstream: &Path, remotes: &[&str]) -> tempfile::TempDir {
    let clone = tempfile::tempdir().unwrap();
    let root = clone.path();
    git(root, &["init", "-q", "-b", "main"]);
    let url = format!("file://{}", upstream.display());
    for remote in remotes {
        git(root, &["remote", "add", remote, &url]);
        let refspec = format!("+refs/heads/*:refs/remotes/{remote}/*");
        git(root, &["fetch", "-q", remote, &refspec]);
    }
    git(
        root,
        &[
            "checkout",
            "-q",
            "--force",
            "-B",
            "main",
            "refs/remotes/origin/main",
        ],
    );
    clone
}
