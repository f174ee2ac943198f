//! `fmt` is idempotent, evaluates identically (same policy digest) and never loses comments,
//! on generated policies.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use gatelint::gait::fmt::format_policy;
use gatelint::gait::policy::load_policy;
use proptest::prelude::*;

fn effect() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "allow",
        "Block",
        "REQUIRE_APPROVAL",
        "dry_run",
        " block",
    ])
}

fn rule() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["a", "b", "c", "write", "delete"]),
        -2i64..4,
        effect(),
        prop::sample::select(vec!["tool.write", "tool.read", "tool.delete"]),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(name, priority, effect, tool, comment, trailing)| {
            let mut out = String::new();
            if comment {
                out.push_str(&format!("  # rule {name} {priority}\n"));
            }
            out.push_str(&format!("  - name: {name}\n    priority: {priority}\n"));
            let effect = if effect.starts_with(' ') {
                format!("\"{effect}\"")
            } else {
                effect.to_owned()
            };
            out.push_str(&format!("    effect: {effect}"));
            if trailing {
                out.push_str("   ");
            }
            out.push_str(&format!("\n    match:\n      tool_names: [{tool}]\n"));
            out
        })
}

fn policy() -> impl Strategy<Value = String> {
    (effect(), prop::collection::vec(rule(), 0..6), any::<bool>()).prop_map(
        |(default, rules, crlf)| {
            let mut out = format!(
                "# generated\nschema_id: gait.gate.policy\ndefault_verdict: {}\n",
                default.trim()
            );
            if !rules.is_empty() {
                out.push_str("rules:\n");
                for rule in rules {
                    out.push_str(&rule);
                }
            }
            if crlf { out.replace('\n', "\r\n") } else { out }
        },
    )
}

fn comments(text: &str) -> Vec<String> {
    let mut out: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|line| line.starts_with('#'))
        .map(str::to_owned)
        .collect();
    out.sort();
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn fmt_is_idempotent_and_preserves_meaning(text in policy()) {
        let original = load_policy(&text).unwrap();
        let once = format_policy(&text).unwrap();
        let twice = format_policy(&once).unwrap();
        prop_assert_eq!(&twice, &once);
        let formatted = load_policy(&once).unwrap();
        prop_assert_eq!(formatted.digest(), original.digest());
        prop_assert_eq!(comments(&once), comments(&text));
        prop_assert!(!once.contains('\r'));
    }

    #[test]
    fn flow_style_rules_end_up_in_evaluation_order(
        rules in prop::collection::vec(
            (prop::sample::select(vec!["a", "b", "c", "write"]), -2i64..4, effect(), any::<bool>()),
            0..6,
        ),
        multiline in any::<bool>(),
    ) {
        let separator = if multiline { ",\n  " } else { ", " };
        let items: Vec<String> = rules
            .iter()
            .map(|(name, priority, effect, explicit)| {
                let priority = if *explicit { format!(", priority: {priority}") } else { String::new() };
                format!("{{name: {name}{priority}, effect: \"{}\"}}", effect.trim())
            })
            .collect();
        let text = format!("default_verdict: block\nrules: [{}]\n", items.join(separator));
        let original = load_policy(&text).unwrap();
        let once = format_policy(&text).unwrap();
        prop_assert_eq!(format_policy(&once).unwrap(), once.clone());
        prop_assert_eq!(load_policy(&once).unwrap().digest(), original.digest());
        // The rules now appear in the file in the order Gait evaluates them.
        let mut expected = rules
            .iter()
            .enumerate()
            .map(|(index, (name, priority, _, explicit))| (if *explicit { *priority } else { 0 }, *name, index))
            .collect::<Vec<_>>();
        expected.sort();
        let names: Vec<&str> = expected.iter().map(|(_, name, _)| *name).collect();
        let written: Vec<&str> = once
            .match_indices("{name: ")
            .map(|(at, _)| once[at + 7..].split([',', '}']).next().unwrap())
            .collect();
        prop_assert_eq!(written, names);
    }
}
