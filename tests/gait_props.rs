//! Loading and evaluating arbitrary input never panics.

use gatelint::gait::command::{EvalOptions, StateSource, eval_loaded};
use gatelint::gait::intent::load_intent;
use gatelint::gait::policy::load_policy;
use gatelint::gait::ratelimit::RateLimitState;
use gatelint::gait::wrkr;
use proptest::prelude::*;

proptest! {
    #[test]
    fn policy_loader_never_panics(text in "\\PC{0,200}") {
        let _ = load_policy(&text);
    }

    #[test]
    fn intent_loader_never_panics(text in "\\PC{0,200}") {
        let _ = load_intent(&text);
    }

    #[test]
    fn evaluation_never_panics(tool in "[a-z.]{1,12}", kind in "(path|url|host|other|repo)", op in "[a-z]{0,8}", risk in "(low|high|critical)") {
        let policy = load_policy("default_verdict: block\nfail_closed: {enabled: true}\nrules:\n  - {name: a, effect: allow, match: {target_kinds: [path]}, endpoint: {path_denylist: ['/etc/[']}}\n");
        let intent = load_intent(&format!(
            r#"{{"tool_name":"{tool}","targets":[{{"kind":"{kind}","value":"/x","operation":"{op}"}}],"context":{{"identity":"a","workspace":"/w","risk_class":"{risk}"}}}}"#
        ));
        if let (Ok(policy), Ok(intent)) = (policy, intent) {
            let options = EvalOptions { evaluation_time: Some(jiff::Timestamp::UNIX_EPOCH), ..EvalOptions::default() };
            let (_, exit) = eval_loaded(&policy, intent, &options);
            prop_assert!([0, 3, 4].contains(&exit));
        }
    }

    #[test]
    fn state_and_inventory_readers_never_panic(text in "\\PC{0,200}") {
        let _ = wrkr::parse(&text);
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) {
            let _ = RateLimitState::from_json(&value);
        }
    }

    #[test]
    fn rate_limits_never_panic(
        count in any::<i64>(),
        requests in 1_i64..=i64::MAX,
        window in "(minute|hour)",
        scope in "(tool|identity|tool_identity)",
        second in -62_000_000_000_i64..250_000_000_000,
        simulate in any::<bool>(),
    ) {
        let policy = load_policy(&format!(
            "default_verdict: allow\nrules:\n  - {{name: a, effect: allow, rate_limit: {{requests: {requests}, window: {window}, scope: {scope}}}, destructive_budget: {{requests: {requests}}}}}\n"
        ));
        let intent = load_intent(r#"{"tool_name":"tool.rm","targets":[{"kind":"path","value":"/x","operation":"delete"}],"context":{"identity":"a","workspace":"/w","risk_class":"low"}}"#);
        if let (Ok(policy), Ok(intent), Ok(now)) = (policy, intent, jiff::Timestamp::from_second(second)) {
            let key = format!("{window}|{scope}|{}|a", gatelint::gait::ratelimit::bucket_start(&window, now));
            let options = EvalOptions {
                simulate,
                evaluation_time: Some(now),
                rate_limit_state: Some(StateSource::Inline(serde_json::json!({"counters": [{"key": key, "count": count}]}))),
                ..EvalOptions::default()
            };
            let (output, exit) = eval_loaded(&policy, intent, &options);
            prop_assert!([0, 3, 4].contains(&exit), "{output}");
        }
    }
}
