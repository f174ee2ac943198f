//! Loading: the header, defaults, force-enabled sub-objects, validation and rule ordering.

use std::borrow::Cow;

use super::duration::{format_go_duration, parse_go_duration};
use super::model::{
    CREDENTIAL_ACCESS_TYPES, CREDENTIAL_SOURCES, DISCOVERY_METHODS, Dataflow, ENDPOINT_CLASSES,
    Endpoint, FAIL_CLOSED_HIGH_RISK_FIELDS, FAIL_CLOSED_REQUIRED_FIELDS, FailClosed, FreezeWindow,
    FreezeWindowSpan, LEGACY_FIELDS, Match, McpTrust, POLICY_SCHEMA_ID, POLICY_SCHEMA_VERSION,
    Policy, PolicyError, PolicyErrorKind, RateLimit, Rule, Sandbox, Scripts, ToolAnnotations,
    Verdict,
};
use super::normalize::{
    clean_path_list, first_span_of, lower_enum_list, lower_trim_cow, lower_uniq_sort, slashed,
    uniq_sort,
};
use super::read::{Obj, present, scalar_text};
use super::shape::{FieldPath, ROOT_SHAPE, Shape, check_shape, err};
use crate::gait::canonical;
use crate::parse::{self, Format, IssueKind, Node};
use crate::span::Span;

/// Reads (through `files`) and loads the policy at `path`.
pub fn load_policy_file(
    files: &dyn crate::source::Files,
    path: &std::path::Path,
) -> Result<(Policy, String), PolicyError> {
    let bytes = files
        .read(path)
        .map_err(|error| err(PolicyErrorKind::Read(error.to_string()), Span::default()))?;
    let (text, bad_utf8) = parse::decode(&bytes);
    if let Some(issue) = bad_utf8 {
        return Err(err(
            PolicyErrorKind::Syntax("invalid utf-8".to_owned()),
            issue.span,
        ));
    }
    let policy = load_policy(&text)?;
    Ok((policy, text))
}

/// Loads a policy from YAML text.
pub fn load_policy(text: &str) -> Result<Policy, PolicyError> {
    let document = parse::parse(text, Format::Yaml);
    load_policy_tree(document.root.as_ref(), &document.issues).map_err(first_error)
}

/// The error Gait reports: the first one in file order.
fn first_error(errors: Vec<PolicyError>) -> PolicyError {
    errors.into_iter().next().unwrap_or_else(|| {
        err(
            PolicyErrorKind::Syntax("invalid policy".to_owned()),
            Span::default(),
        )
    })
}

/// Loads a policy from an already parsed tree and the issues its parse recorded.
///
/// Gait stops at the first error; this keeps going where the sections are independent (the
/// header, `scripts`, `fail_closed`, `mcp_trust`, each rule) so a linter can report them all.
/// The first error of the list is the one Gait reports. Structural errors (syntax, legacy
/// fields, duplicate keys, unknown keys, wrong types) stop the load at once, as in Gait.
pub fn load_policy_tree(
    root: Option<&Node>,
    issues: &[parse::ParseIssue],
) -> Result<Policy, Vec<PolicyError>> {
    if let Some(issue) = issues.iter().find(|issue| issue.is_fatal()) {
        let message = match &issue.kind {
            IssueKind::Syntax { message } => message.clone(),
            IssueKind::TooDeep => "document nests too deeply".to_owned(),
            IssueKind::AliasLimit => "too many alias expansions".to_owned(),
            IssueKind::TooLarge { bytes } => format!("document too large ({bytes} bytes)"),
            IssueKind::TooManyNodes => {
                format!("document too large (over {} nodes)", parse::MAX_NODES)
            }
            _ => "invalid document".to_owned(),
        };
        return Err(vec![err(PolicyErrorKind::Syntax(message), issue.span)]);
    }
    let Some(root) = root else {
        return load_from_root(None);
    };
    if let Some(entries) = root.as_map() {
        let mut legacy: Vec<&'static str> = Vec::new();
        let mut first_span = None;
        for (field, _, _) in LEGACY_FIELDS {
            if let Some(entry) = entries.iter().find(|entry| entry.key.text == *field) {
                legacy.push(field);
                first_span.get_or_insert(entry.key.span);
            }
        }
        if let Some(span) = first_span {
            return Err(vec![err(
                PolicyErrorKind::LegacyFields { fields: legacy },
                span,
            )]);
        }
    }
    if let Some(issue) = issues.iter().find_map(|issue| match &issue.kind {
        IssueKind::DuplicateKey { key, .. } => Some((key.clone(), issue.span)),
        IssueKind::MultipleDocuments | IssueKind::NonScalarKey => Some((String::new(), issue.span)),
        _ => None,
    }) {
        let (key, span) = issue;
        if key.is_empty() {
            return Err(vec![err(
                PolicyErrorKind::Syntax("unsupported document structure".to_owned()),
                span,
            )]);
        }
        return Err(vec![err(PolicyErrorKind::DuplicateKey(key), span)]);
    }
    check_shape(root, Shape::Obj(ROOT_SHAPE), &FieldPath::Root).map_err(|error| vec![error])?;
    load_from_root(Some(root))
}

/// Keeps a section's value, or records its error.
fn keep<T>(result: Result<T, PolicyError>, errors: &mut Vec<PolicyError>) -> Option<T> {
    result.map_err(|error| errors.push(error)).ok()
}

struct Header {
    schema_id: String,
    schema_version: String,
    default_verdict: Verdict,
    default_action: String,
}

fn load_header(top: Obj<'_>) -> Result<Header, PolicyError> {
    let schema_id = top.trimmed("schema_id");
    let schema_id = if schema_id.is_empty() {
        POLICY_SCHEMA_ID.to_owned()
    } else {
        schema_id
    };
    if schema_id != POLICY_SCHEMA_ID {
        return Err(err(
            PolicyErrorKind::UnsupportedSchemaId(schema_id),
            top.span_of("schema_id"),
        ));
    }
    let schema_version = top.trimmed("schema_version");
    let schema_version = if schema_version.is_empty() {
        POLICY_SCHEMA_VERSION.to_owned()
    } else {
        schema_version
    };
    if schema_version != POLICY_SCHEMA_VERSION {
        return Err(err(
            PolicyErrorKind::UnsupportedSchemaVersion(schema_version),
            top.span_of("schema_version"),
        ));
    }

    let default_action = top.text("default_action");
    let verdict_raw = top.text("default_verdict");
    let verdict_text = lower_trim_cow(&verdict_raw);
    let action_text = lower_trim_cow(&default_action);
    if !verdict_text.is_empty() && !action_text.is_empty() && verdict_text != action_text {
        return Err(err(
            PolicyErrorKind::DefaultActionConflict,
            top.span_of("default_action"),
        ));
    }
    let (resolved, span) = if !verdict_text.is_empty() {
        (verdict_text, top.span_of("default_verdict"))
    } else if !action_text.is_empty() {
        (action_text, top.span_of("default_action"))
    } else {
        (Cow::Borrowed("require_approval"), top.span())
    };
    let Some(default_verdict) = Verdict::parse(&resolved) else {
        return Err(err(
            PolicyErrorKind::InvalidDefaultVerdict(resolved.into_owned()),
            span,
        ));
    };
    Ok(Header {
        schema_id,
        schema_version,
        default_verdict,
        default_action: default_action.into_owned(),
    })
}

fn load_scripts(scripts_obj: Obj<'_>) -> Result<Scripts, PolicyError> {
    let scripts = Scripts {
        max_steps: scripts_obj.int("max_steps"),
        require_approval_above: scripts_obj.int("require_approval_above"),
        block_mixed_risk: scripts_obj.boolean("block_mixed_risk"),
    };
    if scripts.max_steps < 0 {
        return Err(err(
            PolicyErrorKind::Negative("scripts.max_steps"),
            scripts_obj.span_of("max_steps"),
        ));
    }
    if scripts.require_approval_above < 0 {
        return Err(err(
            PolicyErrorKind::Negative("scripts.require_approval_above"),
            scripts_obj.span_of("require_approval_above"),
        ));
    }
    Ok(scripts)
}

fn load_from_root(root: Option<&Node>) -> Result<Policy, Vec<PolicyError>> {
    let top = Obj::new(root, Span::default());
    let mut errors = Vec::new();
    let header = keep(load_header(top), &mut errors);
    let scripts = keep(load_scripts(top.child("scripts")), &mut errors);
    let fail_closed = keep(load_fail_closed(top.child("fail_closed")), &mut errors);
    let mcp_trust = keep(load_mcp_trust(top.child("mcp_trust")), &mut errors);

    let items = top.items("rules");
    let mut rules = Vec::with_capacity(items.len());
    for item in items {
        if let Some(rule) = keep(
            load_rule(Obj::new(Some(item), item.span), item.span),
            &mut errors,
        ) {
            rules.push(rule);
        }
    }
    let (Some(header), Some(scripts), Some(fail_closed), Some(mcp_trust), true) =
        (header, scripts, fail_closed, mcp_trust, errors.is_empty())
    else {
        return Err(errors);
    };
    rules.sort_by(|a, b| (a.priority, &a.name).cmp(&(b.priority, &b.name)));

    Ok(Policy {
        schema_id: header.schema_id,
        schema_version: header.schema_version,
        default_verdict: header.default_verdict,
        default_action: header.default_action,
        scripts,
        fail_closed,
        mcp_trust,
        rules,
    })
}

fn load_fail_closed(obj: Obj<'_>) -> Result<FailClosed, PolicyError> {
    let enabled = obj.boolean("enabled");
    let mut risk_classes = obj.lower_uniq_sorted("risk_classes");
    if enabled && risk_classes.is_empty() {
        risk_classes = vec!["critical".to_owned(), "high".to_owned()];
    }
    let required_fields = lower_enum_list(
        present(obj.items("required_fields")),
        FAIL_CLOSED_REQUIRED_FIELDS,
        |value| PolicyErrorKind::UnsupportedFailClosedField {
            field: "required_field",
            value,
        },
    )?;
    let required_high_risk_fields = lower_enum_list(
        present(obj.items("required_high_risk_fields")),
        FAIL_CLOSED_HIGH_RISK_FIELDS,
        |value| PolicyErrorKind::UnsupportedFailClosedField {
            field: "required_high_risk_field",
            value,
        },
    )?;
    Ok(FailClosed {
        enabled,
        risk_classes,
        required_fields,
        required_high_risk_fields,
    })
}

fn load_mcp_trust(obj: Obj<'_>) -> Result<McpTrust, PolicyError> {
    let mut trust = McpTrust {
        enabled: obj.boolean("enabled"),
        snapshot: obj.trimmed("snapshot"),
        action: obj.lowered("action"),
        required_risk_classes: obj.lower_uniq_sorted("required_risk_classes"),
        min_score: obj.float("min_score"),
        max_age: obj.trimmed("max_age"),
        publisher_allowlist: obj.lower_uniq_sorted("publisher_allowlist"),
        require_registry: obj.boolean("require_registry"),
    };
    trust.enabled = trust.enabled
        || !trust.snapshot.is_empty()
        || !trust.action.is_empty()
        || !trust.required_risk_classes.is_empty()
        || trust.min_score > 0.0
        || !trust.max_age.is_empty()
        || !trust.publisher_allowlist.is_empty()
        || trust.require_registry;
    if !trust.enabled {
        return Ok(trust);
    }
    if trust.snapshot.is_empty() {
        return Err(err(PolicyErrorKind::McpTrustSnapshotRequired, obj.span()));
    }
    if trust.action.is_empty() {
        trust.action = "block".to_owned();
    }
    if trust.action != "block" && trust.action != "require_approval" {
        return Err(err(
            PolicyErrorKind::UnsupportedMcpTrustAction(trust.action.clone()),
            obj.span_of("action"),
        ));
    }
    if trust.required_risk_classes.is_empty() {
        trust.required_risk_classes = vec!["critical".to_owned(), "high".to_owned()];
    }
    if !(0.0..=1.0).contains(&trust.min_score) {
        return Err(err(
            PolicyErrorKind::McpTrustMinScore,
            obj.span_of("min_score"),
        ));
    }
    if !trust.max_age.is_empty() {
        match parse_go_duration(&trust.max_age) {
            Some(nanos) if nanos > 0 => trust.max_age = format_go_duration(nanos),
            _ => {
                return Err(err(
                    PolicyErrorKind::McpTrustMaxAge(trust.max_age.clone()),
                    obj.span_of("max_age"),
                ));
            }
        }
    }
    Ok(trust)
}

fn load_rule(obj: Obj<'_>, span: Span) -> Result<Rule, PolicyError> {
    let name = obj.trimmed("name");
    if name.is_empty() {
        return Err(err(PolicyErrorKind::RuleNameRequired, obj.span_of("name")));
    }
    let effect_raw = obj.text("effect");
    let action_raw = obj.text("action");
    let effect_text = lower_trim_cow(&effect_raw);
    let action_text = lower_trim_cow(&action_raw);
    if !effect_text.is_empty() && !action_text.is_empty() && effect_text != action_text {
        return Err(err(
            PolicyErrorKind::RuleActionConflict { rule: name },
            obj.span_of("action"),
        ));
    }
    let (effect_text, effect_span) = if effect_text.is_empty() {
        (action_text, obj.span_of("action"))
    } else {
        (effect_text, obj.span_of("effect"))
    };
    if effect_text.is_empty() {
        return Err(err(
            PolicyErrorKind::RuleEffectRequired { rule: name },
            obj.span(),
        ));
    }
    let Some(effect) = Verdict::parse(&effect_text) else {
        return Err(err(
            PolicyErrorKind::InvalidRuleEffect {
                rule: name,
                value: effect_text.into_owned(),
            },
            effect_span,
        ));
    };
    let rule_name = name.as_str();
    let unsupported = |field: &'static str| {
        move |value: String| PolicyErrorKind::UnsupportedValue {
            field,
            value,
            rule: rule_name.to_owned(),
        }
    };
    let negative = |field: &'static str, key: &str, at: &Obj<'_>| {
        err(
            PolicyErrorKind::NegativeInRule {
                field,
                rule: rule_name.to_owned(),
            },
            at.span_of(key),
        )
    };

    let matcher = load_match(obj.child("match"), rule_name)?;

    let min_approvals = obj.int("min_approvals");
    if min_approvals < 0 {
        return Err(negative("min_approvals", "min_approvals", &obj));
    }
    let required_agent_manifest_digest = obj.lowered("required_agent_manifest_digest");
    if !required_agent_manifest_digest.is_empty()
        && !canonical::is_sha256_hex(&required_agent_manifest_digest)
    {
        return Err(err(
            PolicyErrorKind::ManifestDigest {
                rule: rule_name.to_owned(),
            },
            obj.span_of("required_agent_manifest_digest"),
        ));
    }
    let allowed_credential_sources = lower_enum_list(
        present(obj.items("allowed_credential_sources")),
        CREDENTIAL_SOURCES,
        unsupported("allowed_credential_source"),
    )?;
    let allowed_credential_access_types = lower_enum_list(
        present(obj.items("allowed_credential_access_types")),
        CREDENTIAL_ACCESS_TYPES,
        unsupported("allowed_credential_access_type"),
    )?;
    let max_credential_ttl_seconds = obj.int("max_credential_ttl_seconds");
    if max_credential_ttl_seconds < 0 {
        return Err(negative(
            "max_credential_ttl_seconds",
            "max_credential_ttl_seconds",
            &obj,
        ));
    }
    let require_context_evidence = obj.boolean("require_context_evidence");
    let mut required_context_evidence_mode = obj.lowered("required_context_evidence_mode");
    if require_context_evidence && required_context_evidence_mode.is_empty() {
        required_context_evidence_mode = "required".to_owned();
    }
    if !required_context_evidence_mode.is_empty() && required_context_evidence_mode != "required" {
        return Err(err(
            PolicyErrorKind::ContextEvidenceMode {
                rule: rule_name.to_owned(),
            },
            obj.span_of("required_context_evidence_mode"),
        ));
    }
    let max_context_age_seconds = obj.int("max_context_age_seconds");
    if max_context_age_seconds < 0 {
        return Err(negative(
            "max_context_age_seconds",
            "max_context_age_seconds",
            &obj,
        ));
    }

    let freeze_window = load_freeze_window(obj.child("freeze_window"), rule_name)?;
    let sandbox = load_sandbox(obj.child("sandbox"), rule_name)?;
    let rate_limit = load_rate_limit(obj.child("rate_limit"), rule_name, "rate_limit", false)?;
    let destructive_budget = load_rate_limit(
        obj.child("destructive_budget"),
        rule_name,
        "destructive_budget",
        true,
    )?;
    let dataflow = load_dataflow(obj.child("dataflow"), rule_name)?;
    let endpoint = load_endpoint(obj.child("endpoint"), rule_name)?;

    Ok(Rule {
        name,
        priority: obj.int("priority"),
        effect,
        matcher,
        reason_codes: obj.uniq_sorted("reason_codes"),
        violations: obj.uniq_sorted("violations"),
        min_approvals,
        require_distinct_approvers: obj.boolean("require_distinct_approvers") || min_approvals > 1,
        require_declared_agent: obj.boolean("require_declared_agent"),
        allowed_agent_ids: obj.uniq_sorted("allowed_agent_ids"),
        denied_agent_ids: obj.uniq_sorted("denied_agent_ids"),
        required_agent_manifest_digest,
        allowed_agent_manifest_publishers: obj
            .lower_uniq_sorted("allowed_agent_manifest_publishers"),
        allowed_agent_manifest_sources: obj.lower_uniq_sorted("allowed_agent_manifest_sources"),
        required_agent_lifecycle_states: obj.lower_uniq_sorted("required_agent_lifecycle_states"),
        require_agent_owner: obj.boolean("require_agent_owner"),
        require_unexpired_agent: obj.boolean("require_unexpired_agent"),
        block_standing_credentials: obj.boolean("block_standing_credentials"),
        allowed_credential_sources,
        allowed_credential_issuers: obj.uniq_sorted("allowed_credential_issuers"),
        allowed_credential_access_types,
        max_credential_ttl_seconds,
        require_jit_credential: obj.boolean("require_jit_credential"),
        require_context_evidence,
        required_context_evidence_mode,
        max_context_age_seconds,
        require_broker_credential: obj.boolean("require_broker_credential"),
        broker_reference: obj.trimmed("broker_reference"),
        broker_scopes: obj.lower_uniq_sorted("broker_scopes"),
        freeze_window,
        sandbox,
        rate_limit,
        destructive_budget,
        dataflow,
        endpoint,
        span,
    })
}

fn load_match(obj: Obj<'_>, rule: &str) -> Result<Match, PolicyError> {
    let unsupported = |field: &'static str| {
        move |value: String| PolicyErrorKind::UnsupportedValue {
            field,
            value,
            rule: rule.to_owned(),
        }
    };
    // The `tool_name` alias joins the list (blank values drop out when normalised).
    let tool_names = lower_uniq_sort(
        present(obj.items("tool_names").iter().chain(obj.get("tool_name"))).map(scalar_text),
    );
    let classes = obj
        .items("endpoint_class")
        .iter()
        .chain(obj.items("endpoint_classes"));
    let endpoint_classes = lower_enum_list(
        present(classes),
        ENDPOINT_CLASSES,
        unsupported("match endpoint_class"),
    )?;
    let discovery_methods = lower_enum_list(
        present(obj.items("discovery_method")),
        DISCOVERY_METHODS,
        unsupported("match discovery_method"),
    )?;
    let annotations = obj.child("tool_annotations");
    let max_delegation_depth = obj.opt_int("max_delegation_depth");
    if max_delegation_depth.is_some_and(|depth| depth < 0) {
        return Err(err(
            PolicyErrorKind::NegativeInRule {
                field: "match.max_delegation_depth",
                rule: rule.to_owned(),
            },
            obj.span_of("max_delegation_depth"),
        ));
    }
    let lus = |key: &str| obj.lower_uniq_sorted(key);
    let us = |key: &str| obj.uniq_sorted(key);
    Ok(Match {
        tool_names,
        risk_classes: lus("risk_classes"),
        target_kinds: lus("target_kinds"),
        target_values: us("target_values"),
        endpoint_classes,
        discovery_methods,
        tool_annotations: ToolAnnotations {
            read_only_hint: annotations.opt_bool("readOnlyHint"),
            destructive_hint: annotations.opt_bool("destructiveHint"),
            idempotent_hint: annotations.opt_bool("idempotentHint"),
            open_world_hint: annotations.opt_bool("openWorldHint"),
        },
        skill_publishers: lus("skill_publishers"),
        skill_sources: lus("skill_sources"),
        data_classes: lus("data_classes"),
        destination_kinds: lus("destination_kinds"),
        destination_values: us("destination_values"),
        destination_operations: lus("destination_operations"),
        provenance_sources: lus("provenance_sources"),
        identities: us("identities"),
        workspace_prefixes: us("workspace_prefixes"),
        context_tool_names: lus("context_tool_names"),
        context_data_classes: lus("context_data_classes"),
        context_endpoint_classes: lus("context_endpoint_classes"),
        context_autonomy_levels: lus("context_autonomy_levels"),
        require_delegation: obj.boolean("require_delegation"),
        allowed_delegator_identities: us("allowed_delegator_identities"),
        allowed_delegate_identities: us("allowed_delegate_identities"),
        delegation_scopes: lus("delegation_scopes"),
        max_delegation_depth,
    })
}

fn is_block_or_approval(text: &str) -> bool {
    text == "block" || text == "require_approval"
}

fn load_endpoint(obj: Obj<'_>, rule: &str) -> Result<Endpoint, PolicyError> {
    let paths = |key: &str| {
        uniq_sort(obj.texts(key).map(|text| match slashed(&text) {
            Cow::Borrowed(_) => text,
            Cow::Owned(replaced) => Cow::Owned(replaced),
        }))
    };
    let mut endpoint = Endpoint {
        enabled: obj.boolean("enabled"),
        path_allowlist: paths("path_allowlist"),
        path_denylist: paths("path_denylist"),
        domain_allowlist: obj.lower_uniq_sorted("domain_allowlist"),
        domain_denylist: obj.lower_uniq_sorted("domain_denylist"),
        egress_classes: Vec::new(),
        action: obj.lowered("action"),
        destructive_action: obj.lowered("destructive_action"),
        reason_code: obj.trimmed("reason_code"),
        violation: obj.trimmed("violation"),
    };
    let egress = obj.items("egress_classes");
    endpoint.egress_classes = lower_enum_list(present(egress), ENDPOINT_CLASSES, |value| {
        PolicyErrorKind::UnsupportedValue {
            field: "endpoint.egress_class",
            value,
            rule: rule.to_owned(),
        }
    })?;
    if let Some(class) = endpoint
        .egress_classes
        .iter()
        .find(|class| !class.starts_with("net."))
    {
        let span = first_span_of(present(egress), class).unwrap_or(obj.span());
        return Err(err(
            PolicyErrorKind::EgressNotNetwork {
                rule: rule.to_owned(),
            },
            span,
        ));
    }
    endpoint.enabled = endpoint.enabled
        || !endpoint.path_allowlist.is_empty()
        || !endpoint.path_denylist.is_empty()
        || !endpoint.domain_allowlist.is_empty()
        || !endpoint.domain_denylist.is_empty()
        || !endpoint.egress_classes.is_empty()
        || !endpoint.destructive_action.is_empty();
    if !endpoint.enabled {
        return Ok(endpoint);
    }
    if endpoint.action.is_empty() {
        endpoint.action = "block".to_owned();
    }
    if !is_block_or_approval(&endpoint.action) {
        return Err(err(
            PolicyErrorKind::UnsupportedValue {
                field: "endpoint.action",
                value: endpoint.action.clone(),
                rule: rule.to_owned(),
            },
            obj.span_of("action"),
        ));
    }
    if !endpoint.destructive_action.is_empty()
        && !is_block_or_approval(&endpoint.destructive_action)
    {
        return Err(err(
            PolicyErrorKind::UnsupportedValue {
                field: "endpoint.destructive_action",
                value: endpoint.destructive_action.clone(),
                rule: rule.to_owned(),
            },
            obj.span_of("destructive_action"),
        ));
    }
    if endpoint.reason_code.is_empty() {
        endpoint.reason_code = "endpoint_constraint_violation".to_owned();
    }
    if endpoint.violation.is_empty() {
        endpoint.violation = "endpoint_constraint_violation".to_owned();
    }
    Ok(endpoint)
}

fn load_dataflow(obj: Obj<'_>, rule: &str) -> Result<Dataflow, PolicyError> {
    let mut dataflow = Dataflow {
        enabled: obj.boolean("enabled"),
        tainted_sources: obj.lower_uniq_sorted("tainted_sources"),
        destination_kinds: obj.lower_uniq_sorted("destination_kinds"),
        destination_values: obj.uniq_sorted("destination_values"),
        destination_operations: obj.lower_uniq_sorted("destination_operations"),
        action: obj.lowered("action"),
        reason_code: obj.trimmed("reason_code"),
        violation: obj.trimmed("violation"),
    };
    dataflow.enabled = dataflow.enabled
        || !dataflow.tainted_sources.is_empty()
        || !dataflow.destination_kinds.is_empty()
        || !dataflow.destination_values.is_empty()
        || !dataflow.destination_operations.is_empty();
    if !dataflow.enabled {
        return Ok(dataflow);
    }
    if dataflow.tainted_sources.is_empty() {
        dataflow.tainted_sources = vec!["external".to_owned(), "tool_output".to_owned()];
    }
    if dataflow.action.is_empty() {
        dataflow.action = "require_approval".to_owned();
    }
    if !is_block_or_approval(&dataflow.action) {
        return Err(err(
            PolicyErrorKind::UnsupportedValue {
                field: "dataflow.action",
                value: dataflow.action.clone(),
                rule: rule.to_owned(),
            },
            obj.span_of("action"),
        ));
    }
    if dataflow.reason_code.is_empty() {
        dataflow.reason_code = "dataflow_tainted_destination".to_owned();
    }
    if dataflow.violation.is_empty() {
        dataflow.violation = "tainted_dataflow".to_owned();
    }
    Ok(dataflow)
}

fn load_freeze_window(obj: Obj<'_>, rule: &str) -> Result<FreezeWindow, PolicyError> {
    let mut windows = Vec::new();
    let window_nodes = obj.get("windows").and_then(Node::as_seq).unwrap_or(&[]);
    for (index, node) in window_nodes.iter().enumerate() {
        let window = Obj::new(Some(node), node.span);
        let name = window.trimmed("name");
        let start = window.trimmed("start");
        let end = window.trimmed("end");
        if start.is_empty() || end.is_empty() {
            return Err(err(
                PolicyErrorKind::FreezeWindowBounds {
                    rule: rule.to_owned(),
                },
                node.span,
            ));
        }
        windows.push(FreezeWindowSpan {
            name: if name.is_empty() {
                format!("window-{}", index + 1)
            } else {
                name
            },
            start,
            end,
        });
    }
    let mut freeze = FreezeWindow {
        enabled: obj.boolean("enabled"),
        timezone: obj.trimmed("timezone"),
        effect: obj.lowered("effect"),
        reason: obj.trimmed("reason"),
        environments: obj.lower_uniq_sorted("environments"),
        risk_classes: obj.lower_uniq_sorted("risk_classes"),
        windows,
    };
    // Any field set enables the block, even next to `enabled: false`.
    freeze.enabled = freeze.enabled
        || !freeze.timezone.is_empty()
        || !freeze.effect.is_empty()
        || !freeze.reason.is_empty()
        || !freeze.environments.is_empty()
        || !freeze.risk_classes.is_empty()
        || !window_nodes.is_empty();
    if !freeze.enabled {
        return Ok(freeze);
    }
    if freeze.timezone.is_empty() {
        return Err(err(
            PolicyErrorKind::FreezeTimezoneRequired {
                rule: rule.to_owned(),
            },
            obj.span(),
        ));
    }
    if freeze.effect.is_empty() {
        freeze.effect = "block".to_owned();
    }
    if !is_block_or_approval(&freeze.effect) {
        return Err(err(
            PolicyErrorKind::UnsupportedValue {
                field: "freeze_window.effect",
                value: freeze.effect.clone(),
                rule: rule.to_owned(),
            },
            obj.span_of("effect"),
        ));
    }
    if freeze.windows.is_empty() {
        return Err(err(
            PolicyErrorKind::FreezeWindowsRequired {
                rule: rule.to_owned(),
            },
            obj.span(),
        ));
    }
    Ok(freeze)
}

fn load_sandbox(obj: Obj<'_>, rule: &str) -> Result<Sandbox, PolicyError> {
    let unsupported = |field: &'static str| {
        move |value: String| PolicyErrorKind::UnsupportedValue {
            field,
            value,
            rule: rule.to_owned(),
        }
    };
    let env = |field: &'static str| {
        move |value: String| PolicyErrorKind::RawEnvAssignment {
            field,
            value,
            rule: rule.to_owned(),
        }
    };
    let sandbox = Sandbox {
        enabled: obj.boolean("enabled"),
        allowed_network_modes: lower_enum_list(
            present(obj.items("allowed_network_modes")),
            &["disabled", "egress_allowlist", "full"],
            unsupported("sandbox.allowed_network_mode"),
        )?,
        allowed_writable_path_prefixes: clean_path_list(
            present(obj.items("allowed_writable_path_prefixes")),
            env("sandbox.allowed_writable_path_prefixes"),
        )?,
        required_read_only_roots: clean_path_list(
            present(obj.items("required_read_only_roots")),
            env("sandbox.required_read_only_roots"),
        )?,
        allowed_env_exposure_modes: lower_enum_list(
            present(obj.items("allowed_env_exposure_modes")),
            &["none", "allowlist", "full"],
            unsupported("sandbox.allowed_env_exposure_mode"),
        )?,
        max_timeout_seconds: obj.int("max_timeout_seconds"),
        allowed_filesystem_isolations: lower_enum_list(
            present(obj.items("allowed_filesystem_isolations")),
            &["none", "workspace", "container"],
            unsupported("sandbox.allowed_filesystem_isolation"),
        )?,
        allowed_user_modes: lower_enum_list(
            present(obj.items("allowed_user_modes")),
            &["default", "root", "unprivileged"],
            unsupported("sandbox.allowed_user_mode"),
        )?,
    };
    if sandbox.max_timeout_seconds < 0 {
        return Err(err(
            PolicyErrorKind::NegativeInRule {
                field: "sandbox.max_timeout_seconds",
                rule: rule.to_owned(),
            },
            obj.span_of("max_timeout_seconds"),
        ));
    }
    let enabled = sandbox.enabled
        || !sandbox.allowed_network_modes.is_empty()
        || sandbox.allowed_writable_path_prefixes.is_some()
        || sandbox.required_read_only_roots.is_some()
        || !sandbox.allowed_env_exposure_modes.is_empty()
        || sandbox.max_timeout_seconds > 0
        || !sandbox.allowed_filesystem_isolations.is_empty()
        || !sandbox.allowed_user_modes.is_empty();
    Ok(Sandbox { enabled, ..sandbox })
}

fn load_rate_limit(
    obj: Obj<'_>,
    rule: &str,
    field: &'static str,
    budget: bool,
) -> Result<RateLimit, PolicyError> {
    let mut limit = RateLimit {
        requests: obj.int("requests"),
        window: obj.lowered("window"),
        scope: obj.lowered("scope"),
    };
    if limit.requests < 0 {
        return Err(err(
            PolicyErrorKind::NegativeInRule {
                field: if budget {
                    "destructive_budget.requests"
                } else {
                    "rate_limit.requests"
                },
                rule: rule.to_owned(),
            },
            obj.span_of("requests"),
        ));
    }
    let configured = if budget {
        limit.requests > 0 || !limit.window.is_empty() || !limit.scope.is_empty()
    } else {
        limit.requests > 0
    };
    if !configured {
        return Ok(if budget { RateLimit::default() } else { limit });
    }
    if budget && limit.requests < 1 {
        return Err(err(
            PolicyErrorKind::DestructiveBudgetRequests {
                rule: rule.to_owned(),
            },
            obj.span(),
        ));
    }
    if limit.window.is_empty() {
        limit.window = "minute".to_owned();
    }
    if limit.scope.is_empty() {
        limit.scope = "tool_identity".to_owned();
    }
    if limit.window != "minute" && limit.window != "hour" {
        return Err(err(
            PolicyErrorKind::UnsupportedValue {
                field: if budget {
                    "destructive_budget.window"
                } else {
                    "rate_limit.window"
                },
                value: limit.window.clone(),
                rule: rule.to_owned(),
            },
            obj.span_of("window"),
        ));
    }
    if !["tool", "identity", "tool_identity"].contains(&limit.scope.as_str()) {
        return Err(err(
            PolicyErrorKind::UnsupportedValue {
                field: if budget {
                    "destructive_budget.scope"
                } else {
                    "rate_limit.scope"
                },
                value: limit.scope.clone(),
                rule: rule.to_owned(),
            },
            obj.span_of("scope"),
        ));
    }
    let _ = field;
    Ok(limit)
}
