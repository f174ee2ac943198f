//! Replay benchmarks (divan): per-case evaluation of representative Stella Ops cases, reading a
//! JSONL case line into the typed input, whole-suite replay throughput, and per-intent Gait
//! evaluation under `examples/gait/policy.yaml` (loaded and digested once).
//!
//! `cargo bench --bench replay` runs them all; `cargo bench --bench replay -- evaluate` one group,
//! `cargo bench --bench replay -- gait` the Gait ones.
//! Whole-process figures (the 1M-case suite, peak RSS) are measured on the release binary with
//! `/usr/bin/time -v`; see docs/benchmarks.md.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark setup")]

use std::io::Write as _;
use std::path::{Path, PathBuf};

use divan::Bencher;
use divan::counter::ItemsCount;
use gatelint::gait::command::{self, EvalOptions};
use gatelint::gait::gate::IntentDigest;
use gatelint::gait::intent::{self, Intent};
use gatelint::gait::policy::{self, DigestedPolicy};
use gatelint::replay::runner::{Evaluator, Gait};
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

/// The three intent shapes of `scripts/gen-gait-suite.py`, with the verdict each gets under
/// `examples/gait/policy.yaml`.
const GAIT_INTENTS: [(&str, &str, &str); 3] = [
    (
        "read_allow",
        r#"{"schema_id":"gait.gate.intent_request","schema_version":"1.0.0","producer_version":"release-agent/1.4.0","created_at":"2026-03-01T00:00:00Z","tool_name":"tool.read","args":{"path":"/srv/release/notes/0/NOTES.md"},"targets":[{"kind":"path","value":"/srv/release/notes/0/NOTES.md","operation":"read","endpoint_class":"fs.read"}],"arg_provenance":[{"arg_path":"$.path","source":"user"}],"context":{"identity":"release-agent-0","workspace":"/srv/release","risk_class":"low"}}"#,
        "allow",
    ),
    (
        "delete_block",
        r#"{"schema_id":"gait.gate.intent_request","schema_version":"1.0.0","producer_version":"release-agent/1.4.0","created_at":"2026-03-01T00:00:01Z","tool_name":"tool.delete","args":{"path":"/srv/release/artifacts/0"},"targets":[{"kind":"path","value":"/srv/release/artifacts/0","operation":"delete","endpoint_class":"fs.delete","destructive":true}],"arg_provenance":[{"arg_path":"$.path","source":"user"}],"context":{"identity":"release-agent-1","workspace":"/srv/release","risk_class":"high"}}"#,
        "block",
    ),
    (
        "write_require_approval",
        r###"{"schema_id":"gait.gate.intent_request","schema_version":"1.0.0","producer_version":"release-agent/1.4.0","created_at":"2026-03-01T00:00:02Z","tool_name":"tool.write","args":{"path":"/srv/release/CHANGELOG-0.md","content":"## 2.0.0\n- release 0\n"},"targets":[{"kind":"path","value":"/srv/release/CHANGELOG-0.md","operation":"write","endpoint_class":"fs.write"}],"arg_provenance":[{"arg_path":"$.path","source":"user"},{"arg_path":"$.content","source":"user"}],"context":{"identity":"release-agent-2","workspace":"/srv/release","risk_class":"medium"}}"###,
        "require_approval",
    ),
];

/// The Gait evaluator as replay runs it (no intent digest unless a token needs it).
const REPLAY_GAIT: Gait = Gait {
    intent_digest: IntentDigest::WhenChecked,
};

const GAIT_NAMES: [&str; 3] = ["read_allow", "delete_block", "write_require_approval"];

/// `examples/gait/policy.yaml`, loaded, validated and digested once; the intent's JSON text;
/// the options a replay case with `evaluation_time` gets; the verdict it must reach.
fn gait_case(name: &str) -> (DigestedPolicy, &'static str, EvalOptions, &'static str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/gait/policy.yaml");
    let policy = policy::load_policy(&std::fs::read_to_string(path).unwrap()).unwrap();
    let (_, text, verdict) = GAIT_INTENTS.iter().find(|(n, _, _)| *n == name).unwrap();
    let options = EvalOptions {
        evaluation_time: Some("2026-03-01T00:01:00Z".parse().unwrap()),
        delegation_from_intent: true,
        ..EvalOptions::default()
    };
    (DigestedPolicy::new(policy), text, options, verdict)
}

/// One normalised intent decided under the loaded policy (the gate alone: inputs, prepared
/// intent and its digest, rules, approvals). The intent is cloned outside the timing.
#[divan::bench(args = GAIT_NAMES)]
fn gait_decide(bencher: Bencher, name: &str) {
    let (policy, text, options, verdict) = gait_case(name);
    let files = gatelint::source::Reader::new(&[]);
    let intent: Intent = intent::load_intent(text).unwrap();
    let now = options.evaluation_time.unwrap();
    let decided = REPLAY_GAIT.decide(
        &policy,
        (intent.clone(), &command::read_inputs(&files, &options, now)),
    );
    assert_eq!(decided.unwrap().verdict.as_str(), verdict);
    bencher
        .with_inputs(|| intent.clone())
        .bench_local_values(|intent| {
            let inputs = command::read_inputs(&files, &options, now);
            REPLAY_GAIT.decide(divan::black_box(&policy), (intent, &inputs))
        });
}

/// One inline intent of a replay case, from its JSON value to the decision, as a Gait suite
/// replays it: the intent read and normalised, the inputs read, the gate decided.
#[divan::bench(args = GAIT_NAMES)]
fn gait_intent(bencher: Bencher, name: &str) {
    let (policy, text, options, verdict) = gait_case(name);
    let files = gatelint::source::Reader::new(&[]);
    let value: serde_json::Value = serde_json::from_str(text).unwrap();
    let now = options.evaluation_time.unwrap();
    bencher.bench_local(|| {
        let intent = intent::load_intent_value(divan::black_box(&value)).unwrap();
        let inputs = command::read_inputs(&files, &options, now);
        let decided = REPLAY_GAIT.decide(&policy, (intent, &inputs)).unwrap();
        assert_eq!(decided.verdict.as_str(), verdict);
        decided
    });
}
