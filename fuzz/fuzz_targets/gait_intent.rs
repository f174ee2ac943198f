//! The Gait intent decoder and gate on arbitrary intents, against a fixed valid policy: nothing
//! panics and a rejected intent's error points inside the input.
#![no_main]

use std::sync::LazyLock;

use gatelint::gait::gate;
use gatelint::gait::inputs::GateInputs;
use gatelint::gait::intent;
use gatelint::gait::policy::{self, Policy};
use gatelint::parse;
use libfuzzer_sys::fuzz_target;

static POLICY: LazyLock<Policy> = LazyLock::new(|| {
    policy::load_policy(include_str!("../../examples/gait/policy.yaml")).expect("a valid policy")
});

static INPUTS: LazyLock<GateInputs> = LazyLock::new(|| {
    GateInputs::at("2026-01-15T12:00:00Z".parse().expect("a timestamp"))
});

fuzz_target!(|bytes: &[u8]| {
    let (text, _) = parse::decode(bytes);
    match intent::load_intent(&text) {
        Ok(intent) => {
            let _ = intent.digest();
            let _ = gate::decide(&POLICY, intent, &INPUTS);
        }
        Err(error) => {
            assert!(error.span.start <= error.span.end, "{error:?}");
            assert!(error.span.end as usize <= text.len(), "{error:?}");
        }
    }
});
