//! The Gait intent partition is exact: a random intent whose verdict differs between two
//! random policies lies in a reported class with the same change (none missed), and every
//! reported class's witness does change (none invented).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use gatelint::diff::gait_classes::{self, changed_classes, class_of, dimensions, verdict_of};
use gatelint::gait::policy::{Policy, load_policy_tree};
use gatelint::parse::{Format, parse};
use proptest::prelude::*;

const TOOLS: [&str; 3] = ["tool.write", "tool.read", "tool.delete"];
const RISKS: [&str; 3] = ["low", "high", "medium"];
const KINDS: [&str; 3] = ["path", "url", "repo"];
const ENDPOINTS: [&str; 3] = ["fs.write", "fs.read", "net.http"];
const EFFECTS: [&str; 4] = ["allow", "dry_run", "require_approval", "block"];

#[derive(Debug, Clone)]
struct RuleSpec {
    effect: usize,
    priority: u8,
    tool: Option<usize>,
    risk: Option<usize>,
    kind: Option<usize>,
    endpoint: Option<usize>,
}

fn rule() -> impl Strategy<Value = RuleSpec> {
    (
        0..4usize,
        0u8..5,
        proptest::option::of(0..3usize),
        proptest::option::of(0..3usize),
        proptest::option::of(0..3usize),
        proptest::option::of(0..3usize),
    )
        .prop_map(|(effect, priority, tool, risk, kind, endpoint)| RuleSpec {
            effect,
            priority,
            tool,
            risk,
            kind,
            endpoint,
        })
}

fn policy_text(default: usize, rules: &[RuleSpec]) -> String {
    let mut text = format!("default_verdict: {}\nrules:\n", EFFECTS[default]);
    for (index, rule) in rules.iter().enumerate() {
        text.push_str(&format!(
            "  - name: r{index}\n    priority: {}\n    effect: {}\n    match:\n",
            rule.priority, EFFECTS[rule.effect]
        ));
        let mut any = false;
        for (key, value) in [
            ("tool_names", rule.tool.map(|i| TOOLS[i])),
            ("risk_classes", rule.risk.map(|i| RISKS[i])),
            ("target_kinds", rule.kind.map(|i| KINDS[i])),
            ("endpoint_classes", rule.endpoint.map(|i| ENDPOINTS[i])),
        ] {
            if let Some(value) = value {
                text.push_str(&format!("      {key}: [{value}]\n"));
                any = true;
            }
        }
        if !any {
            text.push_str("      tool_names: [tool.write]\n");
        }
    }
    if rules.is_empty() {
        text.push_str("  []\n");
        text = text.replace("rules:\n  []\n", "rules: []\n");
    }
    text
}

fn load(text: &str) -> Option<Policy> {
    let document = parse(text, Format::Yaml);
    load_policy_tree(document.root.as_ref(), &document.issues).ok()
}

fn intent(
    tool: &str,
    risk: &str,
    kind: &str,
    endpoint: &str,
    environment: &str,
) -> serde_json::Value {
    let mut context =
        serde_json::json!({"identity": "agent", "workspace": "/w", "risk_class": risk});
    if !environment.is_empty() {
        context["environment"] = serde_json::json!(environment);
    }
    serde_json::json!({
        "schema_id": "gait.gate.intent_request",
        "schema_version": "1.0.0",
        "created_at": "2026-01-01T00:00:00Z",
        "producer_version": "test",
        "tool_name": tool,
        "args": {"path": "/w/f"},
        "targets": [{"kind": kind, "value": "/w/f", "operation": "write", "endpoint_class": endpoint}],
        "arg_provenance": [{"arg_path": "$.path", "source": "user"}],
        "context": context,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn partition_is_exact(
        old_default in 0..4usize,
        new_default in 0..4usize,
        old_rules in proptest::collection::vec(rule(), 0..3),
        new_rules in proptest::collection::vec(rule(), 0..3),
        samples in proptest::collection::vec((0..4usize, 0..4usize, 0..3usize, 0..3usize, 0..2usize), 12),
    ) {
        let (Some(old), Some(new)) = (
            load(&policy_text(old_default, &old_rules)),
            load(&policy_text(new_default, &new_rules)),
        ) else {
            return Ok(());
        };
        let changed = changed_classes(&old, &new);
        // None invented.
        for change in &changed {
            prop_assert_eq!(verdict_of(&old, &change.witness), change.baseline.clone());
            prop_assert_eq!(verdict_of(&new, &change.witness), change.candidate.clone());
            prop_assert_ne!(&change.baseline, &change.candidate);
        }
        // None missed: random intents, including values no policy names.
        let dims = dimensions(&[&old, &new]);
        for (tool, risk, kind, endpoint, environment) in samples {
            let tool = TOOLS.get(tool).copied().unwrap_or("tool.unnamed");
            let risk = RISKS.get(risk).copied().unwrap_or("critical");
            let kind = KINDS[kind];
            let endpoint = ENDPOINTS[endpoint];
            let environment = ["", "production"][environment];
            let sample = intent(tool, risk, kind, endpoint, environment);
            let before = verdict_of(&old, &sample);
            let after = verdict_of(&new, &sample);
            let class = class_of(&dims, [tool, risk, kind, endpoint, environment]);
            let reported = changed.iter().find(|change| change.class == class);
            if before == after {
                prop_assert!(reported.is_none(), "class {:?} reported but {} unchanged", class, sample);
            } else {
                let reported = reported.ok_or_else(|| TestCaseError::fail(format!("missed {class:?}: {before} → {after}")))?;
                prop_assert_eq!(&reported.baseline, &before);
                prop_assert_eq!(&reported.candidate, &after);
            }
        }
        let _ = gait_classes::OTHER;
    }
}
