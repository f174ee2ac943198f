//! Per-rule fixtures: every file under `testdata/rules/<rule-id>/` is checked; files named
//! `fail*` must produce a finding of that rule, files named `pass*` must not, and the findings
//! of each file are snapshotted next to it. The corpus Gait policies must all load.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use gatelint::app::{analyze_pair, analyze_text};
use gatelint::classify::FileKind;
use gatelint::rules::registry;
use gatelint::span::{ColumnUnit, Span};

fn render(text: &str, findings: &[gatelint::finding::Finding]) -> String {
    let source = gatelint::source::SourceFile::new("fixture", text);
    let at = |span: Span| {
        let region = source.region(span, ColumnUnit::Chars);
        format!("{}:{}", region.start.line.get(), region.start.column.get())
    };
    let mut out = String::new();
    for finding in findings {
        writeln!(
            out,
            "{} {} {} {}: {}",
            at(finding.primary.span),
            finding.severity,
            finding.rule,
            finding.primary.pointer,
            finding.message
        )
        .unwrap();
        for related in &finding.related {
            writeln!(
                out,
                "    related {} {}: {}",
                at(related.location.span),
                related.location.pointer,
                related.message
            )
            .unwrap();
        }
        if let Some(help) = &finding.help {
            writeln!(out, "    help: {help}").unwrap();
        }
    }
    out
}

#[test]
fn rule_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules");
    let mut checked = 0;
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let id = dir.file_name().unwrap().to_string_lossy().into_owned();
        assert!(registry::find(&id).is_some(), "`{id}` is not a rule");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            // JSON fixtures are approved-script registries (Gait reads them only as JSON).
            .filter(|path| {
                path.extension()
                    .is_some_and(|ext| ext == "yaml" || ext == "json")
            })
            .collect();
        files.sort();
        for file in files {
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            // `<stem>.baseline.yaml` is the baseline version of `<stem>.yaml` (transition rules).
            if name.contains(".baseline.") {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            let stem = name
                .strip_suffix(".yaml")
                .or_else(|| name.strip_suffix(".json"))
                .unwrap_or(&name);
            let baseline = std::fs::read_to_string(dir.join(format!("{stem}.baseline.yaml"))).ok();
            let outcome = analyze_pair(&name, &text, baseline.as_deref());
            let fired = outcome.findings.iter().any(|f| f.rule.as_str() == id);
            let expect = name.starts_with("fail");
            assert_eq!(
                fired,
                expect,
                "{id}/{name}: expected the rule {}to fire; findings: {:#?}",
                if expect { "" } else { "not " },
                outcome.findings
            );
            let mut settings = insta::Settings::clone_current();
            settings.set_snapshot_path(dir.join("snapshots"));
            settings.set_prepend_module_to_snapshot(false);
            settings.bind(|| {
                insta::assert_snapshot!(name.clone(), render(&text, &outcome.findings));
            });
            checked += 1;
        }
    }
    assert!(checked >= 26, "only {checked} fixtures ran");
}

fn corpus_policies() -> Option<Vec<PathBuf>> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/gait");
    if !corpus.is_dir() {
        return None;
    }
    let mut out = Vec::new();
    for entry in ignore::WalkBuilder::new(&corpus)
        .hidden(false)
        .require_git(false)
        .build()
        .flatten()
    {
        let path = entry.path();
        let text = path.to_string_lossy();
        let in_examples = text.contains("/examples/") && text.ends_with(".yaml");
        let scenario = text.contains("/scenarios/") && text.ends_with("/policy.yaml");
        if in_examples || scenario {
            out.push(path.to_path_buf());
        }
    }
    out.sort();
    Some(out)
}

#[test]
fn corpus_gait_policies_load() {
    let Some(paths) = corpus_policies() else {
        eprintln!("note: ../shared/corpus is absent; skipping the corpus check");
        return;
    };
    let mut policies = 0;
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let outcome = analyze_text(&path.to_string_lossy(), &text, None, true, false);
        if outcome
            .scanned
            .as_ref()
            .is_none_or(|s| s.kind != FileKind::GaitPolicy)
        {
            continue;
        }
        policies += 1;
        let invalid: Vec<_> = outcome
            .findings
            .iter()
            .filter(|f| f.rule.as_str() == "gait-policy-invalid")
            .collect();
        assert!(invalid.is_empty(), "{}: {invalid:#?}", path.display());
    }
    assert!(policies > 10, "only {policies} corpus policies found");
}
