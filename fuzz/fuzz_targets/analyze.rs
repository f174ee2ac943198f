//! The whole per-file pipeline (classify, bind, validate, rules) on arbitrary text under every
//! file name that selects a different path.
#![no_main]

use gatelint::app::analyze_text;
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 6] = [
    "appsettings.yaml",
    "policy.yaml",
    "determinization.json",
    "release.fixtures.yaml",
    "intents.jsonl",
    "gatelint.toml",
];

fuzz_target!(|bytes: &[u8]| {
    let (text, issue) = gatelint::parse::decode(bytes);
    for name in NAMES {
        let outcome = analyze_text(name, &text, issue.clone(), true, false);
        for finding in &outcome.findings {
            assert!(finding.primary.span.end as usize <= text.len());
        }
    }
});
