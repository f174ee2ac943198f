use super::duration::*;
use super::load::*;
use super::model::*;
use super::normalize::*;
use crate::gait::canonical;

fn load(text: &str) -> Result<Policy, PolicyError> {
    load_policy(text)
}

#[test]
fn default_only_policy_digest_matches_gait() {
    let policy = load("default_verdict: require_approval\n").unwrap();
    assert_eq!(
        canonical::canonical_json(&policy.digest_payload()),
        r#"{"DefaultVerdict":"require_approval","FailClosed":{"Enabled":false,"RequiredFields":[],"RiskClasses":[]},"Rules":[],"SchemaID":"gait.gate.policy","SchemaVersion":"1.0.0"}"#
    );
    assert_eq!(
        policy.digest(),
        "07a528a879e4f0e0cd5a0e2ca801924746b47dac624862207ef21d4ec266f8f9"
    );
}

#[test]
fn one_rule_policy_digest_matches_gait() {
    let policy = load(
        "schema_id: gait.gate.policy\nschema_version: 1.0.0\ndefault_verdict: allow\nrules:\n  - name: require_write_approval\n    priority: 10\n    effect: require_approval\n    match:\n      tool_names: [tool.write]\n    reason_codes: [approval_required_write]\n",
    )
    .unwrap();
    assert_eq!(
        policy.digest(),
        "44ae19688443915c381be9f806b7fc9ddb2736d286c4e40464b7575a874e9420"
    );
}

#[test]
fn digest_ignores_order_comments_and_defaults() {
    let a = load("default_verdict: block\nrules:\n  - {name: b, effect: allow}\n  - {name: a, effect: BLOCK, priority: 0}\n").unwrap();
    let b = load("# c\nschema_id: gait.gate.policy\nrules:\n  - {name: a, action: block}\n  - {name: b, effect: allow}\ndefault_action: block\n").unwrap();
    assert_eq!(a.digest(), b.digest());
}

#[test]
fn unknown_and_legacy_fields_are_rejected_with_spans() {
    let text = "default_verdict: block\nrules:\n  - name: r\n    effect: block\n    match:\n      tool: x\n";
    let error = load(text).unwrap_err();
    assert_eq!(error.kind, PolicyErrorKind::UnknownField("tool".into()));
    assert_eq!(&text[error.span.range()], "tool");
    let error = load("version: 1\nname: x\n").unwrap_err();
    assert_eq!(
        error.to_string(),
        "parse policy yaml: legacy policy proposal fields are not supported [version, name]: version->schema_id|schema_version (set schema_id=gait.gate.policy and schema_version=1.0.0); name->remove the top-level policy name; rule names remain under rules[].name when needed"
    );
    let error = load("default_verdict: block\ndefault_verdict: allow\n").unwrap_err();
    assert!(matches!(error.kind, PolicyErrorKind::DuplicateKey(_)));
}

#[test]
fn normalises_and_orders_rules() {
    let policy = load(
        "rules:\n  - name: z\n    priority: 1\n    effect: ' Allow '\n    match: {tool_names: [' Tool.B ', tool.a, tool.a], endpoint_class: [FS.READ]}\n  - name: a\n    priority: 2\n    action: block\n    min_approvals: 2\n",
    )
    .unwrap();
    assert_eq!(policy.default_verdict, Verdict::RequireApproval);
    let first = &policy.rules[0];
    assert_eq!(first.name, "z");
    assert_eq!(first.effect, Verdict::Allow);
    assert_eq!(first.matcher.tool_names, vec!["tool.a", "tool.b"]);
    assert_eq!(first.matcher.endpoint_classes, vec!["fs.read"]);
    assert!(policy.rules[1].require_distinct_approvers);
}

#[test]
fn semantic_errors() {
    let cases: &[(&str, &str)] = &[
        ("schema_id: x\n", "unsupported policy schema_id `x`"),
        (
            "default_verdict: maybe\n",
            "invalid default_verdict `maybe`",
        ),
        (
            "default_verdict: block\ndefault_action: allow\n",
            "default_action must match default_verdict when both are set",
        ),
        ("rules:\n  - effect: allow\n", "rule name is required"),
        ("rules:\n  - name: r\n", "rule effect is required for `r`"),
        (
            "rules:\n  - {name: r, effect: allow, match: {endpoint_classes: [net.ftp]}}\n",
            "unsupported match endpoint_class `net.ftp` for `r`",
        ),
        (
            "rules:\n  - {name: r, effect: allow, endpoint: {egress_classes: [fs.read]}}\n",
            "endpoint.egress_class must be network class for `r`",
        ),
        (
            "rules:\n  - {name: r, effect: allow, freeze_window: {enabled: false, windows: [{start: a, end: b}]}}\n",
            "freeze_window.timezone is required for `r`",
        ),
        (
            "rules:\n  - {name: r, effect: allow, destructive_budget: {window: hour}}\n",
            "destructive_budget.requests must be >= 1 for `r`",
        ),
        (
            "rules:\n  - {name: r, effect: allow, sandbox: {allowed_writable_path_prefixes: [HOME=/x]}}\n",
            "sandbox.allowed_writable_path_prefixes must not contain raw env assignment `HOME=/x` for `r`",
        ),
        (
            "fail_closed: {required_fields: [nope]}\n",
            "unsupported fail_closed required_field `nope`",
        ),
        (
            "mcp_trust: {min_score: 0.5}\n",
            "mcp_trust.snapshot is required when mcp_trust is configured",
        ),
    ];
    for (text, message) in cases {
        assert_eq!(load(text).unwrap_err().to_string(), *message, "{text}");
    }
}

#[test]
fn rate_limit_without_requests_is_ignored() {
    let policy =
        load("rules:\n  - {name: r, effect: allow, rate_limit: {window: decade}}\n").unwrap();
    assert_eq!(policy.rules[0].rate_limit.requests, 0);
}

#[test]
fn go_durations() {
    assert_eq!(
        parse_go_duration("24h").map(format_go_duration).as_deref(),
        Some("24h0m0s")
    );
    assert_eq!(
        parse_go_duration("90m").map(format_go_duration).as_deref(),
        Some("1h30m0s")
    );
    assert_eq!(
        parse_go_duration("1.5s").map(format_go_duration).as_deref(),
        Some("1.5s")
    );
    assert_eq!(parse_go_duration("1d"), None);
}

#[test]
fn clean_paths_like_go() {
    assert_eq!(clean_path("/a/b/../c/./"), "/a/c");
    assert_eq!(clean_path("a/../.."), "..");
    assert_eq!(clean_path("/.."), "/");
    for path in [
        "", "/", "//", "a", "/a", "a/", "/a/b", "a//b", "./a", "a/.", "..", "/..", "a/..b",
        ".a/b.", "...", "/a/b/",
    ] {
        let cleaned = clean_path_slowly(path);
        assert_eq!(clean_path(path), cleaned, "{path}");
        if is_clean_path(path) {
            assert_eq!(cleaned, path);
        }
    }
}

#[test]
fn normalising_borrows_only_what_needs_no_change() {
    assert_eq!(lower_trim("  MiXed "), "mixed");
    assert_eq!(lower_trim(" \u{c9}t\u{c9} "), "\u{e9}t\u{e9}");
    assert_eq!(lower_trim("plain"), "plain");
    assert_eq!(
        lower_uniq_sort(["b", " A ", "a", "", "  ", "\u{130}x"]),
        vec!["a", "b", "i\u{307}x"]
    );
    assert_eq!(uniq_sort(["b", " a", "a ", "c", ""]), vec!["a", "b", "c"]);
    assert_eq!(uniq_sort(["a", "b"]), vec!["a", "b"]);
}
