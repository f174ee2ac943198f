//! Sharded runs partition the cases and merge back to the unsharded result; `eval` explains.

use std::path::{Path, PathBuf};

use gatelint::replay::runner::{Shard, TestOptions, eval_command, merge_outcomes, test_command};
use gatelint::stellaops::semantics::SemanticsOptions;

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/eval/stellaops")
}

#[test]
fn shards_merge_to_the_whole() {
    let whole = test_command(
        &[data()],
        &TestOptions {
            keep_passed: true,
            ..TestOptions::default()
        },
    );
    let parts: Vec<_> = (1..=3)
        .map(|index| {
            let options = TestOptions {
                shard: Some(Shard { index, count: 3 }),
                keep_passed: true,
                ..TestOptions::default()
            };
            test_command(&[data()], &options)
        })
        .collect();
    assert_eq!(parts.iter().map(|p| p.total).sum::<usize>(), whole.total);
    let merged = merge_outcomes(parts);
    assert_eq!(merged.total, whole.total);
    assert_eq!(merged.suites.len(), whole.suites.len());
    for (a, b) in merged.suites.iter().zip(&whole.suites) {
        assert_eq!(a.cases, b.cases, "{}", a.path);
    }
    let json = serde_json::to_string(&whole).unwrap();
    let back: gatelint::replay::runner::TestOutcome = serde_json::from_str(&json).unwrap();
    assert_eq!(back.total, whole.total);
}

#[test]
fn eval_explains_one_decision() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("case.json");
    std::fs::write(
        &input,
        r#"{"environment":"production","requestedStatus":"not_affected","vexTrust":{"trustScore":0.79,"signatureVerified":true}}"#,
    )
    .unwrap();
    let outcome = eval_command(
        &gatelint::source::Reader::new(&[input.clone(), data()]),
        &[data().join("policies/sample.yaml")],
        &input,
        &[],
        &SemanticsOptions::default(),
    )
    .unwrap();
    assert_eq!(outcome.exit_code, 3);
    assert!(
        outcome.explanation.contains("VexTrust"),
        "{}",
        outcome.explanation
    );
    assert!(
        outcome.explanation.contains("minCompositeScore"),
        "{}",
        outcome.explanation
    );
    assert_eq!(outcome.to_json()["verdict"], "Blocked");
}
