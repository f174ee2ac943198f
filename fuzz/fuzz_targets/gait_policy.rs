//! The Gait loader and evaluator on arbitrary policies.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    if let Ok(policy) = gatelint::gait::policy::load_policy(text) {
        let _ = policy.digest();
    }
});
