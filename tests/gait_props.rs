//! Loading and evaluating arbitrary input never panics.

use gatelint::gait::command::{EvalOptions, eval_loaded};
use gatelint::gait::intent::load_intent;
use gatelint::gait::policy::load_policy;
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
}
