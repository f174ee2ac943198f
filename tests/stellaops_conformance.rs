//! The one data-driven conformance harness: every suite under `testdata/eval/stellaops/` is
//! replayed and must match, plus the VexTrust monotonicity property and corpus compatibility.

use std::path::{Path, PathBuf};

use gatelint::parse::{Format, parse};
use gatelint::replay::runner::{TestOptions, test_command};
use gatelint::stellaops::chain::{self, PolicyVerdictStatus};
use gatelint::stellaops::input::{CaseInput, VexTrustInput};
use gatelint::stellaops::model;
use gatelint::stellaops::semantics::SemanticsOptions;
use proptest::prelude::*;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/eval/stellaops")
}

#[test]
fn conformance_suites_pass() {
    let outcome = test_command(&[data_dir()], &TestOptions::default());
    let mut report = String::new();
    for suite in &outcome.suites {
        if let Some(error) = &suite.error {
            report.push_str(&format!("{}: {error}\n", suite.path));
        }
        for case in &suite.cases {
            report.push_str(&format!(
                "{}:{} {}: {:?} {:?}\n",
                suite.path, case.line, case.name, case.mismatches, case.error
            ));
        }
    }
    assert!(report.is_empty(), "conformance failures:\n{report}");
    assert!(outcome.total >= 150, "only {} cases", outcome.total);
    assert_eq!(outcome.exit(), gatelint::exit::Exit::Success);
}

fn strictness(verdict: PolicyVerdictStatus) -> u8 {
    match verdict {
        PolicyVerdictStatus::Blocked => 2,
        PolicyVerdictStatus::Warned => 1,
        _ => 0,
    }
}

#[expect(
    clippy::unwrap_used,
    reason = "a test helper; a missing fixture should fail loudly"
)]
fn sample_config() -> model::StellaConfig {
    let text = std::fs::read_to_string(data_dir().join("policies/sample.yaml")).unwrap();
    let document = parse(&text, Format::Yaml);
    model::build(&[("sample.yaml", document.root.as_ref().unwrap())])
}

proptest! {
    #[test]
    fn raising_trust_never_makes_vex_trust_stricter(
        low in 0.0f64..1.0,
        raise in 0.0f64..1.0,
        verified in any::<bool>(),
        accuracy in proptest::option::of(0.0f64..1.0),
        freshness in proptest::sample::select(vec!["fresh", "stale", "superseded", "expired"]),
        env in proptest::sample::select(vec!["production", "staging", "development", "qa"]),
        tenant in proptest::option::of(proptest::sample::select(vec!["t", "other"])),
    ) {
        let config = sample_config();
        let high = (low + raise).min(1.0);
        let case = |score: f64| CaseInput {
            environment: env.to_owned(),
            tenant_id: tenant.map(str::to_owned),
            requested_status: Some("not_affected".to_owned()),
            vex_trust: Some(VexTrustInput {
                trust_score: Some(score),
                signature_verified: Some(verified),
                accuracy_rate: accuracy,
                freshness: Some(freshness.to_owned()),
                ..VexTrustInput::default()
            }),
            ..CaseInput::default()
        };
        let options = SemanticsOptions::default();
        let before = chain::evaluate(&config, &case(low), &options);
        let after = chain::evaluate(&config, &case(high), &options);
        prop_assert!(strictness(after.verdict) <= strictness(before.verdict));
    }
}

/// Every corpus file loads into the model without error (skipped when the corpus is absent).
#[test]
fn corpus_files_load_into_the_model() {
    let corpus = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/stellaops"
    ));
    if !corpus.is_dir() {
        eprintln!("note: {} is absent, skipping", corpus.display());
        return;
    }
    let mut stack = vec![corpus.to_path_buf()];
    let mut loaded = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let name = path.to_string_lossy().to_string();
            if name.ends_with(".md") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let format = if name.ends_with(".json") {
                Format::Json
            } else {
                Format::Yaml
            };
            let document = parse(&text, format);
            assert!(document.is_usable(), "{name} does not parse");
            let config = model::build(&[(name.as_str(), document.root.as_ref().unwrap())]);
            assert!(config.issues.is_empty(), "{name}: {:?}", config.issues);
            assert!(
                config.is_stellaops(),
                "{name} is not recognised as Stella Ops configuration"
            );
            loaded += 1;
        }
    }
    assert!(loaded > 0);
}
