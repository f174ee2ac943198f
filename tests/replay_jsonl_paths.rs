//! A JSONL suite reads its cases straight into the typed input; a YAML suite goes through JSON
//! values and the deep merge of `defaults`. Both must decide every case identically: each
//! conformance suite is replayed as YAML and as JSONL and the JSON results compared.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "test code")]

use std::io::Write as _;
use std::path::{Path, PathBuf};

use gatelint::replay::runner::{TestOptions, TestOutcome, test_command};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/eval/stellaops")
}

/// The YAML suite as JSONL, its file references made absolute.
fn to_jsonl(yaml: &Path, out: &Path) -> PathBuf {
    let text = std::fs::read_to_string(yaml).unwrap();
    let document = gatelint::parse::parse(&text, gatelint::parse::Format::Yaml);
    let mut json = document.root.unwrap().to_json();
    let dir = yaml.parent().unwrap();
    let absolute = |value: &serde_json::Value| match value {
        serde_json::Value::String(path) => serde_json::json!(dir.join(path).display().to_string()),
        serde_json::Value::Array(paths) => serde_json::json!(
            paths
                .iter()
                .map(|p| dir.join(p.as_str().unwrap()).display().to_string())
                .collect::<Vec<_>>()
        ),
        other => other.clone(),
    };
    let cases = json["cases"].as_array().cloned().unwrap_or_default();
    let object = json.as_object_mut().unwrap();
    object.remove("cases");
    for key in ["policy", "determinization"] {
        if let Some(value) = object.get(key) {
            let value = absolute(value);
            object.insert(key.to_owned(), value);
        }
    }
    let name = yaml
        .file_name()
        .unwrap()
        .to_string_lossy()
        .replace(".yaml", ".jsonl");
    let path = out.join(name);
    let mut file = std::fs::File::create(&path).unwrap();
    writeln!(file, "{}", serde_json::to_string(&json).unwrap()).unwrap();
    for case in cases {
        writeln!(file, "{}", serde_json::to_string(&case).unwrap()).unwrap();
    }
    path
}

/// The outcome as JSON, without what depends on the file layout (paths, lines, spans).
fn comparable(outcome: &TestOutcome) -> serde_json::Value {
    let mut json = serde_json::to_value(outcome).unwrap();
    for suite in json["suites"].as_array_mut().unwrap() {
        suite["path"] = serde_json::Value::Null;
        for case in suite["cases"].as_array_mut().unwrap() {
            for key in ["line", "span_start", "span_end"] {
                case[key] = serde_json::Value::Null;
            }
        }
    }
    json["coverage"] = serde_json::Value::Null;
    json
}

#[test]
fn jsonl_and_yaml_suites_decide_identically() {
    let out = tempfile::tempdir().unwrap();
    let options = TestOptions {
        keep_passed: true,
        ..TestOptions::default()
    };
    let mut suites = 0;
    for entry in std::fs::read_dir(data()).unwrap() {
        let yaml = entry.unwrap().path();
        if !yaml.to_string_lossy().ends_with(".fixtures.yaml") {
            continue;
        }
        let jsonl = to_jsonl(&yaml, out.path());
        let from_yaml = test_command(std::slice::from_ref(&yaml), &options);
        let from_jsonl = test_command(std::slice::from_ref(&jsonl), &options);
        assert!(from_yaml.total > 0, "{}", yaml.display());
        assert_eq!(
            comparable(&from_yaml),
            comparable(&from_jsonl),
            "{}",
            yaml.display()
        );
        let coverage = |o: &TestOutcome| {
            o.coverage
                .iter()
                .map(|c| {
                    (
                        c.gates.clone(),
                        c.environments.clone(),
                        c.tenants.clone(),
                        c.rules.clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            coverage(&from_yaml),
            coverage(&from_jsonl),
            "{}",
            yaml.display()
        );
        suites += 1;
    }
    assert!(suites >= 10);
}
