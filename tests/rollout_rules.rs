//! Per-rule fixture folders, discovered automatically: `testdata/rules/<rule-id>/` holds
//! `fail*.{yaml,json}` inputs that must produce the rule's finding and `pass*` inputs that must
//! not; `<name>.baseline.<ext>` beside an input is its baseline version (transition rules).
//! The findings of every input are snapshotted next to it (`snapshots/`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use std::path::Path;

use gatelint::app::analyze_pair;
use gatelint::finding::Severity;
use gatelint::rules::registry;

#[test]
fn rule_fixture_folders() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    let mut checked = 0;
    for dir in dirs {
        let id = dir.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            registry::find(&id).is_some(),
            "testdata/rules/{id}: no such rule"
        );
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.is_file())
            .collect();
        files.sort();
        let mut saw_fail = false;
        for path in files {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.contains(".baseline.") {
                continue;
            }
            let (stem, ext) = name.rsplit_once('.').unwrap();
            let baseline_path = dir.join(format!("{stem}.baseline.{ext}"));
            let baseline = std::fs::read_to_string(&baseline_path).ok();
            let text = std::fs::read_to_string(&path).unwrap();
            let display = format!("{id}/{name}");
            let outcome = analyze_pair(&display, &text, baseline.as_deref());
            let fired = outcome.findings.iter().any(|f| f.rule.as_str() == id);
            let expect = name.starts_with("fail");
            saw_fail |= expect;
            assert_eq!(
                fired, expect,
                "{display}: expected the finding {expect}; findings: {:#?}",
                outcome.findings
            );
            let source = outcome.scanned.as_ref().map(|s| s.source.clone());
            let lines: Vec<String> = outcome
                .findings
                .iter()
                .map(|finding| {
                    let at = source.as_ref().map_or_else(String::new, |source| {
                        let region =
                            source.region(finding.primary.span, gatelint::span::ColumnUnit::Chars);
                        format!("{}:{}", region.start.line.get(), region.start.column.get())
                    });
                    format!(
                        "{} {} {at} {}",
                        finding.severity, finding.rule, finding.message
                    )
                })
                .collect();
            insta::with_settings!({
                snapshot_path => dir.join("snapshots"),
                prepend_module_to_snapshot => false,
                omit_expression => true,
            }, {
                insta::assert_snapshot!(stem.replace('.', "_"), lines.join("\n"));
            });
            checked += 1;
        }
        assert!(saw_fail, "testdata/rules/{id} has no failing input");
    }
    assert!(checked >= 80, "only {checked} inputs");
}

#[test]
fn careful_changes_raise_no_error() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules/shadow-phase-skipped");
    let baseline =
        std::fs::read_to_string(dir.join("pass-adding-warn-phase.baseline.yaml")).unwrap();
    let text = std::fs::read_to_string(dir.join("pass-adding-warn-phase.yaml")).unwrap();
    let outcome = analyze_pair("appsettings.yaml", &text, Some(&baseline));
    let errors: Vec<_> = outcome
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}
