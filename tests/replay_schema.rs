//! The fixture schema compiles and accepts every conformance suite.

use std::path::Path;

use gatelint::parse::{Format, parse};

#[test]
fn conformance_suites_validate_against_the_fixture_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("schemas/fixtures.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut checked = 0;
    for entry in std::fs::read_dir(root.join("testdata/eval/stellaops")).unwrap() {
        let path = entry.unwrap().path();
        if !path.to_string_lossy().ends_with(".fixtures.yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let json = parse(&text, Format::Yaml).root.unwrap().to_json();
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        checked += 1;
    }
    assert!(checked > 0);
}

#[test]
fn gait_state_options_are_described_by_the_fixture_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("schemas/fixtures.schema.json")).unwrap(),
    )
    .unwrap();
    let gait_input = serde_json::json!({"$defs": schema["$defs"], "$ref": "#/$defs/gaitInput"});
    let validator = jsonschema::validator_for(&gait_input).unwrap();
    let with = |options: serde_json::Value| serde_json::json!({"intent": "intent.json", "options": options});
    for good in [
        serde_json::json!({"rate_limit_state": "state/limits.json"}),
        serde_json::json!({"rate_limit_state": {}}),
        serde_json::json!({"rate_limit_state": {"schema_id": "gait.gate.rate_limit_state", "counters": [{"key": "minute|tool|2026-01-01T00:00:00Z|tool.write", "count": 2}, null]}}),
        serde_json::json!({"wrkr_inventory": "wrkr.json"}),
    ] {
        assert!(validator.is_valid(&with(good.clone())), "{good}");
    }
    for bad in [
        serde_json::json!({"rate_limit_state": 5}),
        serde_json::json!({"rate_limit_state": ""}),
        serde_json::json!({"rate_limit_state": {"counters": {}}}),
        serde_json::json!({"rate_limit_state": {"counters": [{"key": "k", "count": "1"}]}}),
        serde_json::json!({"rate_limit_state": {"counters": [{"key": "k", "count": 1.5}]}}),
        serde_json::json!({"wrkr_inventory": {"items": []}}),
    ] {
        assert!(!validator.is_valid(&with(bad.clone())), "{bad}");
    }
}
