//! The fast reader of plain YAML against the full parser: on every input it accepts, the tree
//! and issues must be the full parser's.
#![no_main]

use gatelint::parse::{self, yaml, yaml_fast};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let (text, _) = parse::decode(bytes);
    if yaml_fast::events(&text).is_some() {
        assert_eq!(yaml::parse(&text, 0), yaml::parse_full(&text, 0));
    }
});
