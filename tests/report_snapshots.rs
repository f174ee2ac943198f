//! Every reporter rendered on the same sample report, snapshot-tested; the JSON and SARIF outputs
//! validated against their schemas.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

mod report_sample;

use gatelint::report::{OutputFormat, Report, render};
use serde_json::Value;

fn schema(path: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(path).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, output: &str) {
    let instance: Value = serde_json::from_str(output).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{output}");
}

#[test]
fn human() {
    insta::assert_snapshot!(
        "human",
        render(
            &report_sample::sample(),
            OutputFormat::Human,
            gatelint::report::Style::default()
        )
    );
}

#[test]
fn human_in_colour() {
    let plain = render(
        &report_sample::sample(),
        OutputFormat::Human,
        gatelint::report::Style::default(),
    );
    let colour = render(
        &report_sample::sample(),
        OutputFormat::Human,
        gatelint::report::Style {
            color: true,
            ..Default::default()
        },
    );
    assert!(!plain.contains('\u{1b}'));
    assert!(colour.contains("\u{1b}[1;31merror[bad-enum]\u{1b}[0m"));
}

#[test]
fn human_empty() {
    insta::assert_snapshot!(
        "human_empty",
        render(
            &report_sample::empty(),
            OutputFormat::Human,
            gatelint::report::Style::default()
        )
    );
}

#[test]
fn json() {
    let output = render(
        &report_sample::sample(),
        OutputFormat::Json,
        gatelint::report::Style::default(),
    );
    insta::assert_snapshot!("json", output);
}

#[test]
fn json_matches_its_schema() {
    let validator = schema("schemas/report.schema.json");
    // A shard's report carries its shard section.
    let mut shard = report_sample::sample();
    shard.shard = Some(gatelint::report::ShardPart {
        index: 2,
        count: 3,
        coverage: vec![gatelint::replay::runner::Coverage {
            policy: "config/policy-gates.yaml".to_owned(),
            environments: ["production".to_owned()].into(),
            configured_environments: ["production".to_owned(), "staging".to_owned()].into(),
            ..Default::default()
        }],
        unused_suppressions: shard.findings.iter().take(1).cloned().collect(),
    });
    let rendered = render(
        &shard,
        OutputFormat::Json,
        gatelint::report::Style::default(),
    );
    let value: Value = serde_json::from_str(&rendered).unwrap();
    assert_eq!(value["shard"]["index"], 2, "{rendered}");
    assert_eq!(
        value["shard"]["coverage"][0]["configured_environments"][1],
        "staging"
    );
    assert_valid(&validator, &rendered);
    for report in [report_sample::sample(), report_sample::empty()] {
        assert_valid(
            &validator,
            &render(
                &report,
                OutputFormat::Json,
                gatelint::report::Style::default(),
            ),
        );
    }
}

#[test]
fn json_schema_rejects_a_wrong_shape() {
    let validator = schema("schemas/report.schema.json");
    let output = render(
        &report_sample::sample(),
        OutputFormat::Json,
        gatelint::report::Style::default(),
    );
    let mut value: Value = serde_json::from_str(&output).unwrap();
    value["findings"][0]["start"]["line"] = Value::from(0);
    assert!(!validator.is_valid(&value));
    value["findings"][0]["start"]["line"] = Value::from(1);
    value["findings"][0]["extra"] = Value::from(true);
    assert!(!validator.is_valid(&value));
}

#[test]
fn sarif() {
    insta::assert_snapshot!(
        "sarif",
        render(
            &report_sample::sample(),
            OutputFormat::Sarif,
            gatelint::report::Style::default()
        )
    );
}

#[test]
fn sarif_empty() {
    insta::assert_snapshot!(
        "sarif_empty",
        render(
            &report_sample::empty(),
            OutputFormat::Sarif,
            gatelint::report::Style::default()
        )
    );
}

#[test]
fn sarif_matches_the_official_schema() {
    let validator = schema("testdata/report/sarif-schema-2.1.0.json");
    for report in [report_sample::sample(), report_sample::empty()] {
        assert_valid(
            &validator,
            &render(
                &report,
                OutputFormat::Sarif,
                gatelint::report::Style::default(),
            ),
        );
    }
}

#[test]
fn sarif_columns_count_utf16_units() {
    let output = render(
        &report_sample::sample(),
        OutputFormat::Sarif,
        gatelint::report::Style::default(),
    );
    let log: Value = serde_json::from_str(&output).unwrap();
    let result = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|result| result["ruleId"] == "non-ascii-name")
        .unwrap();
    let region = &result["locations"][0]["physicalLocation"]["region"];
    // `"Prüfung 😀 für Käufer"` is 22 characters but 23 UTF-16 units (the emoji takes two).
    assert_eq!(region["startColumn"], 11);
    assert_eq!(region["endColumn"], 11 + 23);
}

#[test]
fn github() {
    insta::assert_snapshot!(
        "github",
        render(
            &report_sample::sample(),
            OutputFormat::Github,
            gatelint::report::Style::default()
        )
    );
}

#[test]
fn junit() {
    insta::assert_snapshot!(
        "junit",
        render(
            &report_sample::sample(),
            OutputFormat::Junit,
            gatelint::report::Style::default()
        )
    );
}

#[test]
fn markdown() {
    insta::assert_snapshot!(
        "markdown",
        render(
            &report_sample::sample(),
            OutputFormat::Markdown,
            gatelint::report::Style::default()
        )
    );
}

#[test]
fn markdown_stays_under_one_mebibyte() {
    let mut report = report_sample::sample();
    let finding = report.findings[0].clone();
    report.findings = (0..5000)
        .map(|n| {
            let mut finding = finding.clone();
            finding.message = format!("{n} {}", "x|y ".repeat(200));
            finding
        })
        .collect();
    let case = report.cases[1].clone();
    report.cases = (0..5000)
        .map(|n| {
            let mut case = case.clone();
            case.name = format!("case {n} {}", "long name ".repeat(100));
            case
        })
        .collect();
    let output = render(
        &report,
        OutputFormat::Markdown,
        gatelint::report::Style::default(),
    );
    assert!(output.len() < 1024 * 1024, "{}", output.len());
    assert!(output.contains("…and 4800 more"));
}

#[test]
fn outputs_are_deterministic_and_relative() {
    let report: Report = report_sample::sample();
    for format in OutputFormat::ALL {
        let first = render(&report, format, gatelint::report::Style::default());
        let second = render(
            &report_sample::sample(),
            format,
            gatelint::report::Style::default(),
        );
        assert_eq!(first, second, "{}", format.as_str());
        assert!(!first.contains("/work/"), "{}", format.as_str());
        assert!(!first.contains("file://"), "{}", format.as_str());
    }
}
