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
