use super::decode::*;
use crate::gait::canonical;

const APPROVAL_INTENT: &str = r#"{"schema_id":"gait.gate.intent_request","schema_version":"1.0.0","created_at":"2026-02-18T00:00:00Z","producer_version":"0.0.0-dev","tool_name":"tool.write","args":{"path":"/tmp/approve-valid.txt"},"targets":[{"kind":"path","value":"/tmp/approve-valid.txt","operation":"write","endpoint_class":"fs.write"}],"arg_provenance":[{"arg_path":"$.path","source":"user"}],"context":{"identity":"agent.scenario","workspace":"/repo/gait","risk_class":"high","session_id":"sess-tier11"}}"#;

#[test]
fn approval_intent_digest_matches_gait() {
    let intent = load_intent(APPROVAL_INTENT).unwrap();
    assert_eq!(
        canonical::canonical_json(&intent.digest_payload()),
        r#"{"arg_provenance":[{"arg_path":"$.path","source":"user"}],"args":{"path":"/tmp/approve-valid.txt"},"context":{"identity":"agent.scenario","phase":"apply","risk_class":"high","session_id":"sess-tier11","workspace":"/repo/gait"},"targets":[{"discovery_method":"unknown","endpoint_class":"fs.write","kind":"path","operation":"write","value":"/tmp/approve-valid.txt"}],"tool_name":"tool.write"}"#
    );
    assert_eq!(
        intent.digest(),
        "4b53bb79e35105ac9170963ac6f84ed0ed15530c68f06a46fc1233c5ec766913"
    );
}

#[test]
fn go_decoding_quirks() {
    let intent = load_intent(
        r#"{"TOOL_NAME":"x","tool_name":" Tool.Read ","unknown":1,"context":{"Identity":"a","workspace":"C:\\w","risk_class":" HIGH "}}"#,
    )
    .unwrap();
    assert_eq!(intent.tool_name, "tool.read");
    assert_eq!(intent.context.get("workspace"), "C:/w");
    assert_eq!(intent.context.get("risk_class"), "high");
    assert_eq!(intent.context.get("identity"), "a");
}

#[test]
fn endpoint_inference_quirks() {
    assert_eq!(
        infer_endpoint_class("path", "", "tool.thread_delete"),
        "fs.read"
    );
    assert_eq!(infer_endpoint_class("other", "", "tool.prune"), "proc.exec");
    assert_eq!(infer_endpoint_class("path", "", "tool.info"), "other");
    assert_eq!(infer_endpoint_class("url", "lookup", "x"), "net.dns");
    assert_eq!(
        infer_domain("host", "https://API.example.com:443/x"),
        "api.example.com"
    );
    assert_eq!(
        infer_domain("url", "https://u@Example.org:8/p"),
        "example.org"
    );
    assert_eq!(infer_domain("url", "example.org/p"), "");
}

#[test]
fn raw_credentials_are_rejected() {
    let error = load_intent(
        r#"{"tool_name":"t","args":{"api_key":"sk-abc"},"context":{"identity":"a","workspace":"/w","risk_class":"low"}}"#,
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "normalize intent: args.api_key must not contain raw credential material; use credential references or digests instead"
    );
    assert!(load_intent(
        r#"{"tool_name":"t","args":{"api_key_ref":"sk-abc","token":"env:TOKEN"},"context":{"identity":"a","workspace":"/w","risk_class":"low"}}"#,
    )
    .is_ok());
}

#[test]
fn required_context_fields() {
    let error = load_intent(r#"{"tool_name":"t","context":{"identity":"a"}}"#).unwrap_err();
    assert!(error.to_string().contains("workspace is required"));
    let error = load_intent(r#"{"context":{"identity":"a","workspace":"/w","risk_class":"low"}}"#)
        .unwrap_err();
    assert_eq!(error.to_string(), "normalize intent: tool_name is required");
}

#[test]
fn an_empty_argument_key_is_a_normalisation_error() {
    let error = load_intent(r#"{"tool_name":"tool.write","args":{"path":{" ":1}}}"#).unwrap_err();
    assert_eq!(
        error.to_string(),
        "normalize intent: args contains empty key"
    );
}
