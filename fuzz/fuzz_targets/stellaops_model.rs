//! The Stella Ops binder and gate chain on arbitrary configuration: the bytes are parsed as YAML
//! and as JSON, bound into the model on their own and layered over a fixed base file, and one
//! fixed case is evaluated against each model. Nothing panics and every location the model
//! reports lies inside the file it names.
#![no_main]

use std::sync::LazyLock;

use gatelint::parse::{self, Format, Node};
use gatelint::stellaops::chain;
use gatelint::stellaops::input::CaseInput;
use gatelint::stellaops::model;
use gatelint::stellaops::semantics::SemanticsOptions;
use libfuzzer_sys::fuzz_target;
use serde_json::Value as Json;

const BASE: &str = include_str!("../../testdata/eval/stellaops/policies/sample.yaml");

static BASE_ROOT: LazyLock<Node> = LazyLock::new(|| {
    parse::parse(BASE, Format::Yaml)
        .root
        .expect("the base file parses")
});

static CASE: LazyLock<CaseInput> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../testdata/fuzz/stellaops-case.json"))
        .expect("the case input decodes")
});

/// Every `{file, start, end}` location in the serialised model, checked against the lengths of
/// the layered files.
fn check_locations(value: &Json, lengths: &[usize]) {
    match value {
        Json::Object(map) => {
            if let (Some(file), Some(start), Some(end)) = (
                map.get("file").and_then(Json::as_u64),
                map.get("start").and_then(Json::as_u64),
                map.get("end").and_then(Json::as_u64),
            ) {
                let length = lengths.get(file as usize).expect("a layered file");
                assert!(start <= end && end as usize <= *length, "{map:?}");
            }
            map.values().for_each(|child| check_locations(child, lengths));
        }
        Json::Array(items) => items.iter().for_each(|child| check_locations(child, lengths)),
        _ => {}
    }
}

fuzz_target!(|bytes: &[u8]| {
    let (text, _) = parse::decode(bytes);
    let options = SemanticsOptions::default();
    for format in [Format::Yaml, Format::Json] {
        let document = parse::parse(&text, format);
        let Some(root) = document.root.as_ref() else {
            continue;
        };
        for (files, lengths) in [
            (vec![("fuzz", root)], vec![text.len()]),
            (
                vec![("base.yaml", &*BASE_ROOT), ("fuzz", root)],
                vec![BASE.len(), text.len()],
            ),
        ] {
            let config = model::build(&files);
            check_locations(&serde_json::to_value(&config).expect("serialises"), &lengths);
            let _ = chain::evaluate(&config, &CASE, &options);
        }
    }
});
