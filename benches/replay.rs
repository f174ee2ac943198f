//! Replay benchmarks (divan): per-case evaluation of representative Stella Ops cases, reading a
//! JSONL case line into the typed input, and whole-suite replay throughput.
//!
//! `cargo bench --bench replay` runs them all; `cargo bench --bench replay -- evaluate` one group.
//! Whole-process figures (the 1M-case suite, peak RSS) are measured on the release binary with
//! `/usr/bin/time -v`; see docs/benchmarks.md.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark setup")]

use std::io::Write as _;
use std::path::{Path, PathBuf};

use divan::Bencher;
use divan::counter::ItemsCount;
use gatelint::replay::runner::{TestOptions, load_stellaops, test_command};
use gatelint::replay::suite::{Defaults, stella_case};
use gatelint::stellaops::chain::{self, Detail};
use gatelint::stellaops::input::CaseInput;
use gatelint::stellaops::model::StellaConfig;
use gatelint::stellaops::semantics::SemanticsOptions;

fn main() {
    divan::main();
}

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/eval/stellaops/policies")
}

/// (name, policy files, input) of the per-case benchmarks, from the conformance suites.
const CASES: [(&str, &[&str], &str); 5] = [
    (
        "vex_trust_pass",
        &["sample.yaml"],
        r#"{"environment":"production","requestedStatus":"not_affected","vexTrust":{"trustScore":0.85,"signatureVerified":true,"accuracyRate":0.9,"freshness":"fresh"}}"#,
    ),
    (
        "vex_trust_block",
        &["sample.yaml"],
        r#"{"environment":"production","requestedStatus":"not_affected","vexTrust":{"trustScore":0.79,"signatureVerified":true,"accuracyRate":0.9,"freshness":"fresh"}}"#,
    ),
    (
        "determinization_guarded_pass",
        &["sample.yaml", "determinization.json"],
        r#"{"environment":"staging","observation":{"epss":0.01,"vex":{"status":"under_investigation"},"reachability":{"state":"Unreachable","confidence":0.5},"runtime":{"observedLoaded":false},"backport":{"detected":false},"entropy":0.45,"trust":0.38}}"#,
    ),
    (
        "cve_gates_pass",
        &["cve-gates.json"],
        r#"{"environment":"staging-like","cves":[{"id":"CVE-2024-1","epss":0.1,"cvss":5.0},{"id":"CVE-2024-2","epss":0.2,"cvss":4.0}]}"#,
    ),
    (
        "cve_gates_epss_block",
        &["cve-gates.json"],
        r#"{"environment":"staging-like","cves":[{"id":"CVE-2024-1234","epss":0.72},{"id":"CVE-2024-5678","epss":0.85}]}"#,
    ),
];

fn case(name: &str) -> (StellaConfig, CaseInput) {
    let (_, policies, input) = CASES.iter().find(|(n, _, _)| *n == name).unwrap();
    let paths: Vec<PathBuf> = policies.iter().map(|p| data().join(p)).collect();
    (
        load_stellaops(&gatelint::source::Reader::new(&paths), &paths).unwrap(),
        serde_json::from_str(input).unwrap(),
    )
}

const NAMES: [&str; 5] = [
    "vex_trust_pass",
    "vex_trust_block",
    "determinization_guarded_pass",
    "cve_gates_pass",
    "cve_gates_epss_block",
];

/// One case through the gate chain as replay runs it (no gate details).
#[divan::bench(args = NAMES)]
fn evaluate(bencher: Bencher, name: &str) {
    let (config, input) = case(name);
    let options = SemanticsOptions::default();
    bencher.bench(|| {
        chain::evaluate_with(
            divan::black_box(&config),
            divan::black_box(&input),
            &options,
            Detail::Omit,
        )
    });
}

/// One case through the gate chain as `eval` runs it (gate details built for the explanation).
#[divan::bench(args = NAMES)]
fn evaluate_explained(bencher: Bencher, name: &str) {
    let (config, input) = case(name);
    let options = SemanticsOptions::default();
    bencher.bench(|| {
        chain::evaluate(
            divan::black_box(&config),
            divan::black_box(&input),
            &options,
        )
    });
}

/// One JSONL case line of `scripts/gen-replay-suite.py` read into the typed input, defaults merged.
#[divan::bench]
fn read_case_line(bencher: Bencher) {
    let defaults = Defaults::new(&serde_json::json!({
        "requestedStatus": "not_affected",
        "metadata": {"has_execution_evidence": "true", "execution_evidence_hot_symbol_count": "5", "execution_evidence_unique_call_paths": "2"}
    }));
    let line = r#"{"name":"case 42","input":{"environment":"production","vexTrust":{"trustScore":0.42,"signatureVerified":true,"accuracyRate":0.9,"freshness":"fresh"}},"expect":{"verdict":"Blocked"}}"#;
    bencher.bench(|| stella_case(divan::black_box(line), &defaults).unwrap());
}

const SUITE_CASES: usize = 20_000;

/// A JSONL suite like `scripts/gen-replay-suite.py` writes.
fn generated_suite(cases: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("policy.yaml"),
        "PolicyGates:\n  VexTrust:\n    Enabled: true\n    Thresholds:\n      production: { MinCompositeScore: 0.80, RequireIssuerVerified: true, MinAccuracyRate: 0.85, AcceptableFreshness: [fresh], FailureAction: Block }\n      staging: { MinCompositeScore: 0.60, RequireIssuerVerified: true, AcceptableFreshness: [fresh, stale], FailureAction: Warn }\n    MissingTrustBehavior: Warn\n  ExecutionEvidence: { Enabled: true, MissingEvidenceAction: Warn, RequiredEnvironments: [production] }\n",
    )
    .unwrap();
    let path = dir.path().join("bench.fixtures.jsonl");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(file, r#"{{"kind":"gatelint.fixtures/v1","policy":"policy.yaml","defaults":{{"requestedStatus":"not_affected","metadata":{{"has_execution_evidence":"true","execution_evidence_hot_symbol_count":"5","execution_evidence_unique_call_paths":"2"}}}}}}"#).unwrap();
    for i in 0..cases {
        let (env, threshold) = if i % 2 == 0 {
            ("production", 80)
        } else {
            ("staging", 60)
        };
        let score = i % 100;
        let verdict = match (score >= threshold, env) {
            (true, _) => "Pass",
            (false, "production") => "Blocked",
            (false, _) => "Warned",
        };
        writeln!(
            file,
            r#"{{"name":"case {i}","input":{{"environment":"{env}","vexTrust":{{"trustScore":{},"signatureVerified":true,"accuracyRate":0.9,"freshness":"fresh"}}}},"expect":{{"verdict":"{verdict}"}}}}"#,
            score as f64 / 100.0
        )
        .unwrap();
    }
    file.flush().unwrap();
    (dir, path)
}

/// A 20k-case JSONL suite replayed end to end (read, evaluate, compare); counts cases.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn replay_suite(bencher: Bencher) {
    let (_dir, path) = generated_suite(SUITE_CASES);
    let paths = [path];
    bencher.counter(ItemsCount::new(SUITE_CASES)).bench(|| {
        let outcome = test_command(&paths, &TestOptions::default());
        assert_eq!(outcome.passed, SUITE_CASES);
        outcome
    });
}
