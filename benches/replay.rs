//! Replay throughput. `cargo bench --bench replay` generates a JSONL suite in a temporary
//! directory and replays it; `GATELINT_SUITE=path/to/x.fixtures.jsonl cargo bench --bench replay`
//! replays an existing one (e.g. the 1M-case suite of `scripts/gen-replay-suite.py`), which is
//! how peak RSS is measured with `/usr/bin/time -v`. Prints cases per second.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use gatelint::replay::runner::{TestOptions, test_command};

#[expect(clippy::unwrap_used, reason = "benchmark setup")]
fn generated_suite(cases: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("policy.yaml"),
        "PolicyGates:\n  VexTrust:\n    Thresholds:\n      production: { MinCompositeScore: 0.8 }\n",
    )
    .unwrap();
    let path = dir.path().join("bench.fixtures.jsonl");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(file, r#"{{"kind":"gatelint.fixtures/v1","policy":"policy.yaml","defaults":{{"requestedStatus":"not_affected"}}}}"#).unwrap();
    for i in 0..cases {
        let env = if i % 2 == 0 { "production" } else { "staging" };
        let score = (i % 100) as f64 / 100.0;
        writeln!(
            file,
            r#"{{"name":"case {i}","input":{{"environment":"{env}","vexTrust":{{"trustScore":{score},"signatureVerified":true,"accuracyRate":0.9,"freshness":"fresh"}}}},"expect":{{"verdict":"Pass"}}}}"#
        )
        .unwrap();
    }
    file.flush().unwrap();
    (dir, path)
}

fn main() {
    let (_guard, path) = match std::env::var_os("GATELINT_SUITE") {
        Some(path) => (None, PathBuf::from(path)),
        None => {
            let (dir, path) = generated_suite(200_000);
            (Some(dir), path)
        }
    };
    let start = Instant::now();
    let outcome = test_command(std::slice::from_ref(&path), &TestOptions::default());
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "replayed {} cases ({} passed, {} failed, {} errors) in {elapsed:.3}s: {:.0} cases/s",
        outcome.total,
        outcome.passed,
        outcome.failed,
        outcome.errors,
        outcome.total as f64 / elapsed.max(1e-9)
    );
}
