//! Approved-script registries read by replays: `check` and `test` check their entries against
//! the policies and evaluation times they are replayed with, and the corpus scenario registry
//! raises nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use std::path::{Path, PathBuf};

use gatelint::app::{CheckOptions, TestOptions, run_check, run_test};
use gatelint::classify::FileKind;
use gatelint::report::Report;

const RULE: &str = "gait-approved-script-never-matches";

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/rules")
        .join(RULE)
        .join("suite")
}

/// `(file name, pointer)` of each finding of the rule, with the file quoted in the report.
fn located(report: &Report) -> Vec<(String, String)> {
    report
        .findings
        .iter()
        .filter(|finding| finding.rule.as_str() == RULE)
        .map(|finding| {
            let path = finding.primary.path.to_string();
            let file = report
                .files
                .get(path.as_str())
                .expect("the registry is a scanned file");
            assert_eq!(file.kind, FileKind::GaitScriptRegistry);
            assert!(!file.source.slice(finding.primary.span).is_empty());
            let name = path.rsplit('/').next().unwrap().to_owned();
            (name, finding.primary.pointer.clone())
        })
        .collect()
}

fn expected() -> Vec<(String, String)> {
    vec![
        (
            "approved_scripts.json".into(),
            "/entries/1/policy_digest".into(),
        ),
        (
            "approved_scripts.json".into(),
            "/entries/2/expires_at".into(),
        ),
    ]
}

#[test]
fn check_reports_replayed_registry_entries() {
    let report = run_check(&CheckOptions {
        paths: vec![suite_dir()],
        ..CheckOptions::default()
    })
    .unwrap();
    assert_eq!(located(&report), expected());
}

#[test]
fn check_of_a_suite_alone_scans_the_registry_it_references() {
    let report = run_check(&CheckOptions {
        paths: vec![suite_dir().join("registry.fixtures.yaml")],
        ..CheckOptions::default()
    })
    .unwrap();
    assert_eq!(located(&report), expected());
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
}

#[test]
fn test_reports_replayed_registry_entries() {
    let report = run_test(&TestOptions {
        paths: vec![suite_dir()],
        keep_passed: true,
        ..TestOptions::default()
    })
    .unwrap();
    assert_eq!(located(&report), expected());
    assert_eq!(report.exit, gatelint::exit::Exit::Success);
}

#[test]
fn corpus_scenario_registries_raise_nothing() {
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/gait/scenarios");
    if !scenarios.is_dir() {
        eprintln!("note: ../shared/corpus is absent; skipping the corpus check");
        return;
    }
    let checked = run_check(&CheckOptions {
        paths: vec![scenarios.clone()],
        ..CheckOptions::default()
    })
    .unwrap();
    assert!(
        checked
            .files
            .values()
            .any(|file| file.kind == FileKind::GaitScriptRegistry),
        "the corpus registry was not scanned"
    );
    assert_eq!(located(&checked), Vec::<(String, String)>::new());
    let tested = run_test(&TestOptions {
        paths: vec![scenarios],
        ..TestOptions::default()
    })
    .unwrap();
    assert_eq!(
        tested.files.len(),
        1,
        "the corpus registry is read by one scenario"
    );
    assert_eq!(located(&tested), Vec::<(String, String)>::new());
}
