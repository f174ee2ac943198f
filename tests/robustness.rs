//! No input makes parsing, classification, binding or validation panic or hang.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use gatelint::app::analyze_text;
use gatelint::gait::gate;
use gatelint::gait::inputs::GateInputs;
use gatelint::gait::intent;
use gatelint::gait::policy::{self, Policy};
use gatelint::parse::{self, Format, Node};
use gatelint::stellaops::chain;
use gatelint::stellaops::input::CaseInput;
use gatelint::stellaops::model;
use gatelint::stellaops::semantics::SemanticsOptions;
use proptest::prelude::*;
use serde_json::Value as Json;

/// The base layer of the `stellaops_model` fuzz target.
const STELLA_BASE: &str = include_str!("../testdata/eval/stellaops/policies/sample.yaml");
/// The policy of the `gait_intent` fuzz target.
const GAIT_POLICY: &str = include_str!("../examples/gait/policy.yaml");

/// Every `{file, start, end}` location in a serialised value lies inside the file it names.
fn locations_inside(value: &Json, lengths: &[usize]) -> Result<(), String> {
    match value {
        Json::Object(map) => {
            if let (Some(file), Some(start), Some(end)) = (
                map.get("file").and_then(Json::as_u64),
                map.get("start").and_then(Json::as_u64),
                map.get("end").and_then(Json::as_u64),
            ) {
                let inside = usize::try_from(file)
                    .ok()
                    .and_then(|file| lengths.get(file))
                    .is_some_and(|length| start <= end && end as usize <= *length);
                if !inside {
                    return Err(format!("location outside its file: {map:?}"));
                }
            }
            map.values()
                .try_for_each(|child| locations_inside(child, lengths))
        }
        Json::Array(items) => items
            .iter()
            .try_for_each(|child| locations_inside(child, lengths)),
        _ => Ok(()),
    }
}

/// The files layered into one model, in provider order.
type Layers<'a> = Vec<(&'a str, &'a Node)>;

/// The `stellaops_model` fuzz target's property: `text` parsed as YAML and as JSON is bound on
/// its own and over the sample base file, every location in the model is inside its file, and
/// the fixed case evaluates against each model.
fn stellaops_model_property(text: &str) -> Result<(), String> {
    let base = parse::parse(STELLA_BASE, Format::Yaml);
    let base_root = base.root.as_ref().unwrap();
    let case: CaseInput =
        serde_json::from_str(include_str!("../testdata/fuzz/stellaops-case.json")).unwrap();
    let options = SemanticsOptions::default();
    for format in [Format::Yaml, Format::Json] {
        let document = parse::parse(text, format);
        let Some(root) = document.root.as_ref() else {
            continue;
        };
        let layers: [(Layers<'_>, Vec<usize>); 2] = [
            (vec![("fuzz", root)], vec![text.len()]),
            (
                vec![("base.yaml", base_root), ("fuzz", root)],
                vec![STELLA_BASE.len(), text.len()],
            ),
        ];
        for (files, lengths) in layers {
            let config = model::build(&files);
            locations_inside(&serde_json::to_value(&config).unwrap(), &lengths)?;
            let _ = chain::evaluate(&config, &case, &options);
        }
    }
    Ok(())
}

/// The `gait_intent` fuzz target's property: `text` decoded as an intent either fails with an
/// error inside the text or is decided against the example policy.
fn gait_intent_property(policy: &Policy, text: &str) -> Result<(), String> {
    match intent::load_intent(text) {
        Ok(intent) => {
            let _ = intent.digest();
            let inputs = GateInputs::at("2026-01-15T12:00:00Z".parse().unwrap());
            let _ = gate::decide(policy, intent, &inputs);
            Ok(())
        }
        Err(error)
            if error.span.start <= error.span.end && error.span.end as usize <= text.len() =>
        {
            Ok(())
        }
        Err(error) => Err(format!("error span outside the intent: {error:?}")),
    }
}

/// Intent-shaped JSON: the intent's own keys with values of every shape.
fn intent_json() -> impl Strategy<Value = String> {
    let scalar = prop_oneof![
        Just("null".to_owned()),
        Just("true".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
        Just("1e400".to_owned()),
        Just("\"2026-01-15T12:00:00Z\"".to_owned()),
        prop::sample::select(vec![
            "tool.read",
            "tool.write",
            "tool.delete",
            "path",
            "url",
            "write",
            "delete",
            "fs.write",
            "user",
            "low",
            "high",
            "/srv/../etc",
            "$.path",
            "a=b",
            "ghp_x",
            "",
        ])
        .prop_map(|s| format!("{s:?}")),
    ];
    let key = prop::sample::select(vec![
        "tool_name",
        "args",
        "targets",
        "arg_provenance",
        "context",
        "created_at",
        "script",
        "steps",
        "kind",
        "value",
        "operation",
        "endpoint_class",
        "arg_path",
        "source",
        "identity",
        "workspace",
        "risk_class",
        "delegation",
        "chain",
        "skill_provenance",
        "sandbox",
        "agent_identity",
        "credential_ttl_seconds",
        "TOOL_NAME",
        "x",
    ]);
    let object = move |value: BoxedStrategy<String>, keys: usize| {
        prop::collection::vec((key.clone(), value), 0..keys).prop_map(|entries| {
            let body: Vec<String> = entries
                .into_iter()
                .map(|(k, v)| format!("{k:?}:{v}"))
                .collect();
            format!("{{{}}}", body.join(","))
        })
    };
    let nested = object.clone();
    let value = scalar
        .prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4)
                    .prop_map(|items| format!("[{}]", items.join(","))),
                nested(inner, 6),
            ]
        })
        .boxed();
    object(value, 10)
}

/// Arbitrary YAML-ish trees rendered as text.
fn yaml_tree() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_owned()),
        Just("true".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| n.to_string()),
        "[a-zA-Z_ .:#&*!|>-]{0,12}".prop_map(|s| format!("{s:?}")),
        "[a-zA-Z_]{1,10}",
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6)
                .prop_map(|items| format!("[{}]", items.join(", "))),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("PolicyGates".to_owned()),
                        Just("VexTrust".to_owned()),
                        Just("Thresholds".to_owned()),
                        Just("production".to_owned()),
                        Just("MinCompositeScore".to_owned()),
                        Just("rules".to_owned()),
                        Just("schema_id".to_owned()),
                        Just("gait.gate.policy".to_owned()),
                        "[a-zA-Z]{1,8}",
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|entries| {
                let body: Vec<String> = entries
                    .into_iter()
                    .map(|(k, v)| format!("{k:?}: {v}"))
                    .collect();
                format!("{{{}}}", body.join(", "))
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let (text, issue) = parse::decode(&bytes);
        for format in [Format::Yaml, Format::Json] {
            let document = parse::parse(&text, format);
            for found in &document.issues {
                prop_assert!(found.span.end as usize <= text.len());
            }
        }
        for name in ["appsettings.yaml", "policy.json", "x.fixtures.jsonl", "gatelint.toml", "intents.jsonl"] {
            let _ = analyze_text(name, &text, issue.clone(), true, false);
        }
    }

    #[test]
    fn arbitrary_trees_never_panic(tree in yaml_tree()) {
        for name in ["appsettings.yaml", "policy.yaml", "policy.json", "determinization.json"] {
            let outcome = analyze_text(name, &tree, None, true, false);
            for finding in &outcome.findings {
                prop_assert!(finding.primary.span.end as usize <= tree.len());
            }
        }
    }

    #[test]
    fn stellaops_model_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let (text, _) = parse::decode(&bytes);
        stellaops_model_property(&text).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn stellaops_model_on_arbitrary_gate_sections(tree in yaml_tree()) {
        for root in ["PolicyGates", "gates", "Policy: {Gates"] {
            let close = if root.contains('{') { "}" } else { "" };
            let text = format!("{{{root}: {{VexTrust: {tree}, minimumConfidence: {tree}, \
                EpssThreshold: {tree}}}{close}, Determinization: {tree}, trustLattice: {tree}}}");
            stellaops_model_property(&text).map_err(TestCaseError::fail)?;
        }
    }

    #[test]
    fn gait_intent_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let policy = policy::load_policy(GAIT_POLICY).unwrap();
        let (text, _) = parse::decode(&bytes);
        gait_intent_property(&policy, &text).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn gait_intent_on_intent_shaped_json(json in intent_json()) {
        let policy = policy::load_policy(GAIT_POLICY).unwrap();
        gait_intent_property(&policy, &json).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn wrapped_trees_bind_under_every_root(tree in yaml_tree()) {
        for root in ["PolicyGates", "Policy", "gates"] {
            let text = format!("{{{root}: {{VexTrust: {tree}, Gates: {tree}}}, version: '1'}}");
            let _ = analyze_text("appsettings.yaml", &text, None, true, false);
        }
        let text = format!("{{schema_id: gait.gate.policy, rules: [{{name: a, effect: block, match: {tree}}}]}}");
        let _ = analyze_text("policy.yaml", &text, None, true, false);
    }
}

/// Found by the `parse` fuzz target: a syntax error at the end of input pointed past it.
#[test]
fn errors_at_end_of_input_stay_inside_the_text() {
    for text in ["[", "{", "a: [1,", "{\"a\": "] {
        for format in [Format::Yaml, Format::Json] {
            let document = parse::parse(text, format);
            assert!(!document.issues.is_empty(), "{text:?}");
            for issue in &document.issues {
                assert!(issue.span.end as usize <= text.len(), "{text:?}: {issue:?}");
            }
        }
    }
}

#[test]
fn pathological_inputs_are_bounded() {
    let deep = format!(
        "PolicyGates: {}{}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let outcome = analyze_text("appsettings.yaml", &deep, None, true, false);
    assert!(
        outcome
            .findings
            .iter()
            .any(|f| f.rule.as_str() == "nesting-too-deep")
    );
    let wide = format!(
        "PolicyGates: {{{}}}",
        (0..50_000)
            .map(|i| format!("k{i}: {i}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = analyze_text("appsettings.yaml", &wide, None, true, false);
    let keys = (0..20_000)
        .map(|i| format!("\"k{}\": 1", i % 100))
        .collect::<Vec<_>>()
        .join(",");
    let dupes = format!("{{\"PolicyGates\": {{{keys}}}}}");
    let outcome = analyze_text("appsettings.json", &dupes, None, true, false);
    assert!(
        outcome
            .findings
            .iter()
            .any(|f| f.rule.as_str() == "duplicate-key")
    );
}

/// The location check of the `stellaops_model` property sees the model's locations: the sample
/// file's model passes against its own length and fails against a shorter one.
#[test]
fn model_locations_are_checked_against_their_file() {
    let document = parse::parse(STELLA_BASE, Format::Yaml);
    let config = model::build(&[("base.yaml", document.root.as_ref().unwrap())]);
    let value = serde_json::to_value(&config).unwrap();
    assert_eq!(locations_inside(&value, &[STELLA_BASE.len()]), Ok(()));
    assert!(locations_inside(&value, &[STELLA_BASE.len() / 2]).is_err());
}
