//! No input makes parsing, classification, binding or validation panic or hang.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use gatelint::app::analyze_text;
use gatelint::parse::{self, Format};
use proptest::prelude::*;

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
