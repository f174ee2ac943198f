//! Rollout precision: careful changes (adding a Warn phase) raise no error-level finding. The
//! per-rule fixture folders are run by `tests/gait_rules.rs`.

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
