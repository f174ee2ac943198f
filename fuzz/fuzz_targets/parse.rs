//! Both parsers on arbitrary bytes: no panic, no hang, spans inside the input.
#![no_main]

use gatelint::parse::{self, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let (text, _) = parse::decode(bytes);
    for format in [Format::Yaml, Format::Json] {
        let document = parse::parse(&text, format);
        for issue in &document.issues {
            assert!(issue.span.end as usize <= text.len());
        }
    }
});
