//! The SARIF output passes the official validator (`@microsoft/sarif-multitool`) with the SARIF
//! and GitHub ingestion rules (`--rule-kind "Sarif;Gh"`), with no error or warning result.
//!
//! The validator is installed with npm into `target/sarif-multitool` (pinned version) unless it is
//! already there. The test skips, saying why, only when npm is not installed. The native binary is
//! called directly: the npm wrapper re-splits its arguments through a shell, which breaks
//! `Sarif;Gh`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

mod report_sample;

use std::path::{Path, PathBuf};
use std::process::Command;

use gatelint::report::{OutputFormat, render};
use serde_json::Value;

const MULTITOOL_VERSION: &str = "5.7.0";

fn install_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/sarif-multitool")
}

fn binary() -> PathBuf {
    install_dir().join("node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool")
}

/// The installed version, from the platform package's manifest.
fn installed_version() -> Option<String> {
    let manifest = install_dir().join("node_modules/@microsoft/sarif-multitool-linux/package.json");
    let text = std::fs::read_to_string(manifest).ok()?;
    let value: Value = serde_json::from_str(&text).ok()?;
    value["version"].as_str().map(str::to_owned)
}

/// The copy `.ci/run` installs at the repository root, when it is the pinned version.
fn ci_installed() -> Option<PathBuf> {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/@microsoft/sarif-multitool-linux");
    let text = std::fs::read_to_string(root.join("package.json")).ok()?;
    let value: Value = serde_json::from_str(&text).ok()?;
    let binary = root.join("Sarif.Multitool");
    (value["version"].as_str() == Some(MULTITOOL_VERSION) && binary.is_file()).then_some(binary)
}

/// Installs the pinned multitool unless present; `None` when npm is missing.
fn ensure_installed() -> Option<PathBuf> {
    if let Some(binary) = ci_installed() {
        return Some(binary);
    }
    if installed_version().as_deref() == Some(MULTITOOL_VERSION) && binary().is_file() {
        return Some(binary());
    }
    if Command::new("npm").arg("--version").output().is_err() {
        return None;
    }
    let dir = install_dir();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("package.json"), "{\"private\": true}\n").unwrap();
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--no-save"])
        .arg(format!("@microsoft/sarif-multitool@{MULTITOOL_VERSION}"))
        .current_dir(&dir)
        .status()
        .unwrap();
    assert!(status.success(), "npm install failed: {status}");
    let binary = binary();
    assert!(
        binary.is_file(),
        "{} is missing after npm install",
        binary.display()
    );
    // npm may not run the package's postinstall script (which sets the executable bit).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mut permissions = std::fs::metadata(&binary).unwrap().permissions();
        permissions.set_mode(permissions.mode() | 0o100);
        std::fs::set_permissions(&binary, permissions).unwrap();
    }
    Some(binary)
}

#[test]
fn sarif_passes_the_official_validator() {
    if !cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        eprintln!("skipped: the pinned validator binary is for x86_64 Linux");
        return;
    }
    let Some(binary) = ensure_installed() else {
        eprintln!("skipped: npm is not installed, so the SARIF validator cannot be installed");
        return;
    };
    let work = tempfile::tempdir().unwrap();
    // A real run over the demo repository, as the Action would upload it.
    let examples = Command::new(env!("CARGO_BIN_EXE_gatelint"))
        .args(["check", "examples", "--format", "sarif"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let examples = String::from_utf8(examples.stdout).unwrap();
    assert!(
        examples.contains("\"unknown-key\""),
        "the examples run found nothing"
    );
    // The typo's fix rides on its result: the validator checks SARIF's `fixes` shape too.
    assert!(
        examples.contains("\"fixes\"") && examples.contains("\"deletedRegion\""),
        "the examples run carries no fix"
    );
    for (name, sarif_text) in [
        (
            "sample",
            render(
                &report_sample::sample(),
                OutputFormat::Sarif,
                gatelint::report::Style::default(),
            ),
        ),
        (
            "empty",
            render(
                &report_sample::empty(),
                OutputFormat::Sarif,
                gatelint::report::Style::default(),
            ),
        ),
        ("examples", examples),
    ] {
        let sarif = work.path().join(format!("{name}.sarif"));
        let log = work.path().join(format!("{name}.validation.sarif"));
        std::fs::write(&sarif, sarif_text).unwrap();
        let output = Command::new(&binary)
            .arg("validate")
            .args(["--rule-kind", "Sarif;Gh"])
            .arg("--output")
            .arg(&log)
            .arg(&sarif)
            // The validator needs no ICU data for this; do not fail on hosts without libicu.
            .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
            .current_dir(work.path())
            .output()
            .unwrap();
        let text = std::fs::read_to_string(&log).unwrap_or_else(|error| {
            panic!(
                "no validation log ({error}); validator said:\n{}\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
        });
        let validation: Value = serde_json::from_str(&text).unwrap();
        let problems: Vec<String> = validation["runs"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|run| run["results"].as_array().cloned().unwrap_or_default())
            .filter(|result| {
                // SARIF's default level is `warning`.
                let level = result["level"].as_str().unwrap_or("warning");
                level == "error" || level == "warning"
            })
            .map(|result| {
                format!(
                    "{} {}: {}",
                    result["ruleId"], result["level"], result["message"]
                )
            })
            .collect();
        assert!(
            problems.is_empty(),
            "{name}: the validator reported:\n{}\n{}",
            problems.join("\n"),
            String::from_utf8_lossy(&output.stdout)
        );
        eprintln!(
            "{name}: validator passed ({})",
            String::from_utf8_lossy(&output.stdout).trim()
        );
    }
}
