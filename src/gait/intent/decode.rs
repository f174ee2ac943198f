//! Loading and normalising an intent: targets, provenance, delegation, context and sandbox.

use serde_json::{Map, Value as Json};

use super::fields::{
    array_field, bool_field, field, int_field, object_field, objects, string_field,
    string_list_field, time_field,
};
use super::model::{
    AgentIdentity, ArgProvenance, CONTEXT_STRING_FIELDS, Context, Delegation, DelegationLink,
    Intent, IntentError, IntentErrorKind, MAX_SCRIPT_STEPS, SandboxContext, SkillProvenance, Step,
    Target, invalid, parse_error,
};
use crate::gait::canonical;
use crate::gait::policy::{
    CREDENTIAL_ACCESS_TYPES, CREDENTIAL_SOURCES, DISCOVERY_METHODS, ENDPOINT_CLASSES, clean_path,
    looks_like_env_assignment, lower_trim, uniq_sort,
};
use crate::gait::time::GoTime;
use crate::parse::{self, Format, Node, Value};
use crate::span::Span;

/// Reads (through `files`), decodes and normalises the intent at `path`.
pub fn load_intent_file(
    files: &dyn crate::source::Files,
    path: &std::path::Path,
) -> Result<Intent, IntentError> {
    let bytes = files.read(path).map_err(|error| IntentError {
        kind: IntentErrorKind::Read(error.to_string()),
        span: Span::default(),
    })?;
    let (text, bad) = parse::decode(&bytes);
    if let Some(issue) = bad {
        return Err(parse_error("invalid utf-8", issue.span));
    }
    load_intent(&text)
}

/// Decodes and normalises one intent from JSON text.
pub fn load_intent(text: &str) -> Result<Intent, IntentError> {
    let document = parse::parse(text, Format::Json);
    if let Some(issue) = document.issues.iter().find(|issue| issue.is_fatal()) {
        let message = match &issue.kind {
            parse::IssueKind::Syntax { message } => message.clone(),
            other => format!("{other:?}").to_lowercase(),
        };
        return Err(parse_error(message, issue.span));
    }
    let Some(root) = document.root else {
        return Err(parse_error("empty document", Span::default()));
    };
    decode_intent(&root)
}

/// [`load_intent`] of `value`'s JSON text (`value.to_string()`), without printing the text and
/// parsing it back unless it could reach a parse limit. An error's span is then empty.
pub fn load_intent_value(value: &serde_json::Value) -> Result<Intent, IntentError> {
    match parse::json::tree_of(value) {
        Some(root) => decode_intent(&root),
        None => load_intent(&value.to_string()),
    }
}

/// Decodes and normalises an intent from a parsed JSON tree.
pub fn decode_intent(root: &Node) -> Result<Intent, IntentError> {
    if root.as_map().is_none() {
        return Err(parse_error(
            format!("intent must be an object, found {}", root.type_name()),
            root.span,
        ));
    }
    let created_at = time_field(root, "created_at")?;
    let tool_span = field(root, "tool_name").map_or(root.span, |node| node.span);
    let mut tool_name = lower_trim(&string_field(root, "tool_name")?);
    let args = decode_args(field(root, "args"), "args")?;
    let mut targets = decode_targets(array_field(root, "targets")?)?;
    let mut arg_provenance = decode_provenance(array_field(root, "arg_provenance")?)?;

    let mut script = None;
    if let Some(script_node) = object_field(root, "script")? {
        let steps_node = array_field(script_node, "steps")?;
        let step_nodes = objects(steps_node, "script.steps")?;
        if step_nodes.is_empty() {
            return Err(invalid("script.steps must not be empty", script_node.span));
        }
        if step_nodes.len() > MAX_SCRIPT_STEPS {
            return Err(invalid(
                format!("script.steps exceeds max supported steps ({MAX_SCRIPT_STEPS})"),
                script_node.span,
            ));
        }
        let mut steps = Vec::new();
        for (index, step) in step_nodes.into_iter().enumerate() {
            let name = lower_trim(&string_field(step, "tool_name")?);
            if name.is_empty() {
                return Err(invalid(
                    format!("script.steps[{index}].tool_name is required"),
                    step.span,
                ));
            }
            let raw_targets = decode_targets(array_field(step, "targets")?)?;
            let step_args = decode_args(field(step, "args"), "args")?;
            steps.push(Step {
                targets: normalize_targets(raw_targets, &name, step.span)?,
                arg_provenance: normalize_provenance(
                    decode_provenance(array_field(step, "arg_provenance")?)?,
                    step.span,
                )?,
                args: step_args,
                tool_name: name,
            });
        }
        tool_name = "script".to_owned();
        if targets.is_empty() {
            targets = steps.iter().flat_map(|step| step.targets.clone()).collect();
        }
        if arg_provenance.is_empty() {
            arg_provenance = steps
                .iter()
                .flat_map(|step| step.arg_provenance.clone())
                .collect();
        }
        script = Some(steps);
    }
    if tool_name.is_empty() {
        return Err(invalid("tool_name is required", tool_span));
    }
    check_raw_credentials(
        &args,
        "args",
        field(root, "args").map_or(root.span, |n| n.span),
    )?;
    let targets = normalize_targets(targets, &tool_name, root.span)?;
    let arg_provenance = normalize_provenance(arg_provenance, root.span)?;
    let skill_provenance = match object_field(root, "skill_provenance")? {
        Some(node) => Some(decode_skill(node)?),
        None => None,
    };
    let context_node = object_field(root, "context")?;
    let context = decode_context(context_node, root.span)?;
    let delegation = match object_field(root, "delegation")? {
        Some(node) => Some(decode_delegation(node)?),
        None => None,
    };
    Ok(Intent {
        tool_name,
        args,
        targets,
        arg_provenance,
        script,
        skill_provenance,
        delegation,
        context,
        created_at,
    })
}

/// Deep-normalises a free JSON object: strings trimmed, keys trimmed (an empty key is an error).
fn decode_args(node: Option<&Node>, path: &str) -> Result<Map<String, Json>, IntentError> {
    let Some(node) = node.filter(|node| !matches!(node.value, Value::Null)) else {
        return Ok(Map::new());
    };
    if node.as_map().is_none() {
        return Err(parse_error(
            format!("`{path}` must be an object, found {}", node.type_name()),
            node.span,
        ));
    }
    match normalize_json(&node.to_json(), path)
        .map_err(|error| invalid(error.to_string(), node.span))?
    {
        Json::Object(map) => Ok(map),
        _ => Ok(Map::new()),
    }
}

/// An object key that is empty once trimmed, somewhere under the field at `path`.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{path} contains empty key")]
struct EmptyKey<'a> {
    path: &'a str,
}

/// Trims every string and key of an argument value.
fn normalize_json<'a>(value: &Json, path: &'a str) -> Result<Json, EmptyKey<'a>> {
    Ok(match value {
        Json::String(text) => Json::String(text.trim().to_owned()),
        Json::Array(items) => Json::Array(
            items
                .iter()
                .map(|item| normalize_json(item, path))
                .collect::<Result<_, _>>()?,
        ),
        Json::Object(map) => {
            let mut out = Map::new();
            for (key, item) in map {
                let key = key.trim();
                if key.is_empty() {
                    return Err(EmptyKey { path });
                }
                out.insert(key.to_owned(), normalize_json(item, path)?);
            }
            Json::Object(out)
        }
        other => other.clone(),
    })
}

const CREDENTIAL_KEY_SUFFIXES: &[&str] = &[
    "_ref",
    "_refs",
    "_digest",
    "_digests",
    "_hash",
    "_issuer",
    "_source",
    "_type",
    "_ttl",
    "_ttl_seconds",
    "_id",
    "_ids",
    "_name",
    "_names",
    "_scope",
    "_scopes",
];

fn key_suggests_credential(key: &str) -> bool {
    let key = lower_trim(key);
    if CREDENTIAL_KEY_SUFFIXES
        .iter()
        .any(|suffix| key.ends_with(suffix))
    {
        return false;
    }
    let squashed = key.replace(['_', '-'], "");
    key.contains("token")
        || key.contains("secret")
        || squashed.contains("apikey")
        || squashed.contains("accesskey")
        || key.contains("password")
        || key.contains("credential")
}

fn looks_like_credential_material(text: &str) -> bool {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return false;
    }
    let lower = trimmed.to_lowercase();
    if ["env:", "stub:", "cmd:", "ref:", "sha256:"]
        .iter()
        .any(|prefix| lower.starts_with(prefix))
        || canonical::is_sha256_hex(trimmed)
    {
        return false;
    }
    if ["ghp_", "gho_", "github_pat_", "sk-", "AKIA", "ASIA"]
        .iter()
        .any(|prefix| trimmed.starts_with(prefix))
    {
        return true;
    }
    trimmed.chars().count() >= 16
        && !trimmed.chars().any(char::is_whitespace)
        && trimmed.chars().any(|ch| ch.is_ascii_alphabetic())
        && trimmed.chars().any(|ch| ch.is_ascii_digit())
}

/// Rejects raw secrets under credential-looking keys (keys visited in sorted order).
fn check_raw_credentials(
    map: &Map<String, Json>,
    path: &str,
    span: Span,
) -> Result<(), IntentError> {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    for key in keys {
        let Some(value) = map.get(key) else { continue };
        let child = format!("{path}.{key}");
        check_value(value, &child, key_suggests_credential(key), span)?;
    }
    Ok(())
}

fn check_value(value: &Json, path: &str, suggestive: bool, span: Span) -> Result<(), IntentError> {
    match value {
        Json::String(text) if suggestive && looks_like_credential_material(text) => Err(invalid(
            format!(
                "{path} must not contain raw credential material; use credential references or digests instead"
            ),
            span,
        )),
        Json::Object(map) => check_raw_credentials(map, path, span),
        Json::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                check_value(item, &format!("{path}[{index}]"), suggestive, span)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn decode_targets(items: &[Node]) -> Result<Vec<Target>, IntentError> {
    let mut out = Vec::new();
    for node in objects(items, "targets")? {
        out.push(decode_target(node)?);
    }
    Ok(out)
}

fn decode_target(node: &Node) -> Result<Target, IntentError> {
    Ok(Target {
        kind: string_field(node, "kind")?,
        value: string_field(node, "value")?,
        operation: string_field(node, "operation")?,
        sensitivity: string_field(node, "sensitivity")?,
        endpoint_class: string_field(node, "endpoint_class")?,
        endpoint_domain: string_field(node, "endpoint_domain")?,
        destructive: bool_field(node, "destructive")?,
        discovery_method: string_field(node, "discovery_method")?,
        read_only_hint: bool_field(node, "read_only_hint")?,
        destructive_hint: bool_field(node, "destructive_hint")?,
        idempotent_hint: bool_field(node, "idempotent_hint")?,
        open_world_hint: bool_field(node, "open_world_hint")?,
    })
}

const TARGET_KINDS: &[&str] = &[
    "path", "url", "host", "repo", "bucket", "table", "queue", "topic", "other",
];
const DESTRUCTIVE_OPERATIONS: &[&str] = crate::gait::destructive::OPERATIONS;

/// Gait's endpoint-class inference from (kind, operation, tool name).
#[expect(
    clippy::collapsible_match,
    reason = "one arm per target kind mirrors Gait's switch"
)]
pub(super) fn infer_endpoint_class(kind: &str, operation: &str, tool_name: &str) -> &'static str {
    let tool = tool_name.to_lowercase();
    let tool_leaf = tool.rsplit('/').next().unwrap_or(&tool).to_owned();
    let hint = |words: &[&str], on: &str| words.iter().any(|word| on.contains(word));
    match kind {
        "path" => {
            if [
                "read", "get", "list", "open", "cat", "head", "download", "stat",
            ]
            .contains(&operation)
            {
                "fs.read"
            } else if [
                "write", "append", "put", "create", "update", "save", "copy", "move", "rename",
            ]
            .contains(&operation)
            {
                "fs.write"
            } else if [
                "delete", "remove", "rm", "unlink", "rmdir", "drop", "truncate",
            ]
            .contains(&operation)
            {
                "fs.delete"
            } else if hint(&["read", "list", "fetch", "search"], &tool_leaf) {
                "fs.read"
            } else if hint(&["write", "update", "save", "create"], &tool_leaf) {
                "fs.write"
            } else if hint(&["delete", "remove", "rm", "drop"], &tool_leaf) {
                "fs.delete"
            } else {
                "other"
            }
        }
        "host" | "url" => {
            if ["dns", "resolve", "lookup"].contains(&operation) {
                "net.dns"
            } else {
                "net.http"
            }
        }
        "other" => {
            if ["exec", "spawn", "run", "shell", "command"].contains(&operation)
                || hint(&["exec", "shell", "command", "spawn", "run"], &tool)
            {
                "proc.exec"
            } else {
                "other"
            }
        }
        _ => "other",
    }
}

/// The domain Gait infers for `host` and `url` targets.
pub(super) fn infer_domain(kind: &str, value: &str) -> String {
    match kind {
        "host" => {
            let rest = value
                .strip_prefix("http://")
                .or_else(|| value.strip_prefix("https://"))
                .unwrap_or(value);
            let rest = rest.split('/').next().unwrap_or("");
            rest.split(':').next().unwrap_or("").to_lowercase()
        }
        "url" => url_hostname(value).to_lowercase(),
        _ => String::new(),
    }
}

/// Go's `url.Parse(value).Hostname()` for the common shapes (empty when there is no authority).
fn url_hostname(value: &str) -> String {
    let Some((scheme, rest)) = value.split_once("://") else {
        return String::new();
    };
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "+-.".contains(ch))
    {
        return String::new();
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    if let Some(inner) = host.strip_prefix('[') {
        return inner.split(']').next().unwrap_or("").to_owned();
    }
    host.split(':').next().unwrap_or("").to_owned()
}

fn target_sort_key(target: &Target) -> impl Ord + '_ {
    (
        (
            &target.kind,
            &target.value,
            &target.operation,
            &target.sensitivity,
            &target.endpoint_class,
            &target.endpoint_domain,
        ),
        (
            target.destructive,
            &target.discovery_method,
            target.read_only_hint,
            target.destructive_hint,
            target.idempotent_hint,
            target.open_world_hint,
        ),
    )
}

fn normalize_targets(
    targets: Vec<Target>,
    tool_name: &str,
    span: Span,
) -> Result<Vec<Target>, IntentError> {
    let mut out: Vec<Target> = Vec::new();
    for raw in targets {
        let kind = lower_trim(&raw.kind);
        let value = raw.value.trim().to_owned();
        if kind.is_empty() || value.is_empty() {
            return Err(invalid("targets require kind and value", span));
        }
        if !TARGET_KINDS.contains(&kind.as_str()) {
            return Err(invalid(format!("unsupported target kind: {kind}"), span));
        }
        let operation = lower_trim(&raw.operation);
        let mut endpoint_class = lower_trim(&raw.endpoint_class);
        if endpoint_class.is_empty() {
            endpoint_class = infer_endpoint_class(&kind, &operation, tool_name).to_owned();
        }
        if !ENDPOINT_CLASSES.contains(&endpoint_class.as_str()) {
            return Err(invalid(
                format!("unsupported endpoint class: {endpoint_class}"),
                span,
            ));
        }
        let mut endpoint_domain = lower_trim(&raw.endpoint_domain);
        if endpoint_domain.is_empty() {
            endpoint_domain = infer_domain(&kind, &value);
        }
        let mut discovery_method = lower_trim(&raw.discovery_method).replace(['-', ' '], "_");
        if discovery_method.is_empty() {
            discovery_method = "unknown".to_owned();
        }
        if !DISCOVERY_METHODS.contains(&discovery_method.as_str()) {
            return Err(invalid(
                format!("unsupported discovery method: {discovery_method}"),
                span,
            ));
        }
        let destructive = raw.destructive
            || raw.destructive_hint
            || endpoint_class == "fs.delete"
            || endpoint_class == "proc.exec"
            || DESTRUCTIVE_OPERATIONS.contains(&operation.as_str());
        out.push(Target {
            kind,
            value,
            operation,
            sensitivity: lower_trim(&raw.sensitivity),
            endpoint_class,
            endpoint_domain,
            destructive,
            discovery_method,
            read_only_hint: raw.read_only_hint,
            destructive_hint: raw.destructive_hint,
            idempotent_hint: raw.idempotent_hint,
            open_world_hint: raw.open_world_hint,
        });
    }
    out.sort_by(|a, b| target_sort_key(a).cmp(&target_sort_key(b)));
    out.dedup();
    Ok(out)
}

fn decode_provenance(items: &[Node]) -> Result<Vec<ArgProvenance>, IntentError> {
    let mut out = Vec::new();
    for node in objects(items, "arg_provenance")? {
        out.push(ArgProvenance {
            arg_path: string_field(node, "arg_path")?,
            source: string_field(node, "source")?,
            source_ref: string_field(node, "source_ref")?,
            integrity_digest: string_field(node, "integrity_digest")?,
        });
    }
    Ok(out)
}

const PROVENANCE_SOURCES: &[&str] = &["user", "tool_output", "external", "system"];

fn normalize_provenance(
    items: Vec<ArgProvenance>,
    span: Span,
) -> Result<Vec<ArgProvenance>, IntentError> {
    let mut out = Vec::new();
    for raw in items {
        let entry = ArgProvenance {
            arg_path: raw.arg_path.trim().to_owned(),
            source: lower_trim(&raw.source),
            source_ref: raw.source_ref.trim().to_owned(),
            integrity_digest: lower_trim(&raw.integrity_digest),
        };
        if entry.arg_path.is_empty() || entry.source.is_empty() {
            return Err(invalid("arg provenance requires arg_path and source", span));
        }
        if !PROVENANCE_SOURCES.contains(&entry.source.as_str()) {
            return Err(invalid(
                format!("unsupported provenance source: {}", entry.source),
                span,
            ));
        }
        if !entry.integrity_digest.is_empty() && !canonical::is_sha256_hex(&entry.integrity_digest)
        {
            return Err(invalid(
                "arg provenance integrity_digest must be sha256 hex",
                span,
            ));
        }
        out.push(entry);
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn decode_skill(node: &Node) -> Result<SkillProvenance, IntentError> {
    let skill = SkillProvenance {
        skill_name: string_field(node, "skill_name")?.trim().to_owned(),
        skill_version: string_field(node, "skill_version")?.trim().to_owned(),
        source: lower_trim(&string_field(node, "source")?),
        publisher: string_field(node, "publisher")?.trim().to_owned(),
        digest: lower_trim(&string_field(node, "digest")?),
        signature_key_id: string_field(node, "signature_key_id")?.trim().to_owned(),
    };
    if skill.skill_name.is_empty() || skill.source.is_empty() || skill.publisher.is_empty() {
        return Err(invalid(
            "skill_provenance requires skill_name, source and publisher",
            node.span,
        ));
    }
    if !skill.digest.is_empty() && !canonical::is_sha256_hex(&skill.digest) {
        return Err(invalid(
            "skill_provenance.digest must be sha256 hex",
            node.span,
        ));
    }
    Ok(skill)
}

fn utc(time: Option<GoTime>) -> Option<GoTime> {
    time.map(GoTime::to_utc)
}

fn decode_delegation(node: &Node) -> Result<Delegation, IntentError> {
    let requester_identity = string_field(node, "requester_identity")?.trim().to_owned();
    if requester_identity.is_empty() {
        return Err(invalid(
            "delegation.requester_identity is required",
            node.span,
        ));
    }
    let mut chain = Vec::new();
    for (index, link) in objects(array_field(node, "chain")?, "delegation.chain")?
        .into_iter()
        .enumerate()
    {
        let entry = DelegationLink {
            delegator_identity: string_field(link, "delegator_identity")?.trim().to_owned(),
            delegate_identity: string_field(link, "delegate_identity")?.trim().to_owned(),
            scope_class: lower_trim(&string_field(link, "scope_class")?),
            token_ref: string_field(link, "token_ref")?.trim().to_owned(),
            issued_at: utc(time_field(link, "issued_at")?),
            expires_at: utc(time_field(link, "expires_at")?),
        };
        if entry.delegator_identity.is_empty() || entry.delegate_identity.is_empty() {
            return Err(invalid(
                format!(
                    "delegation.chain[{index}] requires delegator_identity and delegate_identity"
                ),
                link.span,
            ));
        }
        if let Some(previous) = chain
            .last()
            .map(|prev: &DelegationLink| &prev.delegate_identity)
            && *previous != entry.delegator_identity
        {
            return Err(invalid(
                format!(
                    "delegation.chain[{index}] delegator_identity must match delegation.chain[{}].delegate_identity",
                    index.saturating_sub(1)
                ),
                link.span,
            ));
        }
        if let (Some(issued), Some(expires)) = (&entry.issued_at, &entry.expires_at)
            && expires.timestamp <= issued.timestamp
        {
            return Err(invalid(
                format!("delegation.chain[{index}] expires_at must be after issued_at"),
                link.span,
            ));
        }
        chain.push(entry);
    }
    if let Some(last) = chain.last()
        && last.delegate_identity != requester_identity
    {
        return Err(invalid(
            "delegation.chain last delegate_identity must match requester_identity",
            node.span,
        ));
    }
    let delegation = Delegation {
        requester_identity,
        scope_class: lower_trim(&string_field(node, "scope_class")?),
        token_refs: uniq_sort(string_list_field(node, "token_refs")?),
        issued_at: utc(time_field(node, "issued_at")?),
        expires_at: utc(time_field(node, "expires_at")?),
        chain,
    };
    if let (Some(issued), Some(expires)) = (&delegation.issued_at, &delegation.expires_at)
        && expires.timestamp <= issued.timestamp
    {
        return Err(invalid(
            "delegation.expires_at must be after issued_at",
            node.span,
        ));
    }
    Ok(delegation)
}

fn decode_context(node: Option<&Node>, fallback: Span) -> Result<Context, IntentError> {
    let mut context = Context::default();
    let span = node.map_or(fallback, |node| node.span);
    if let Some(node) = node {
        for key in CONTEXT_STRING_FIELDS {
            let value = string_field(node, key)?;
            context.set(key, value.trim().to_owned());
        }
        context.credential_ttl_seconds = int_field(node, "credential_ttl_seconds")?;
        context.credential_scopes = uniq_sort(string_list_field(node, "credential_scopes")?);
        context.context_refs = uniq_sort(string_list_field(node, "context_refs")?);
        if let Some(agent) = object_field(node, "agent_identity")? {
            context.agent_identity = Some(decode_agent_identity(agent)?);
        }
        if let Some(sandbox) = object_field(node, "sandbox")? {
            context.sandbox = decode_sandbox(sandbox)?;
        }
        let auth = decode_args(field(node, "auth_context"), "auth_context")?;
        if !auth.is_empty() {
            let auth_span = field(node, "auth_context").map_or(span, |n| n.span);
            check_raw_credentials(&auth, "auth_context", auth_span)?;
            context.auth_context = Some(auth);
        }
    }
    for (key, value) in [
        ("risk_class", lower_trim(context.get("risk_class"))),
        ("phase", lower_trim(context.get("phase"))),
        (
            "credential_source",
            lower_trim(context.get("credential_source")),
        ),
        (
            "credential_access_type",
            lower_trim(context.get("credential_access_type")),
        ),
        (
            "context_set_digest",
            lower_trim(context.get("context_set_digest")),
        ),
        (
            "context_evidence_mode",
            lower_trim(context.get("context_evidence_mode")),
        ),
        ("workspace", context.get("workspace").replace('\\', "/")),
    ] {
        context.set(key, value);
    }
    if context.get("identity").is_empty() {
        return Err(invalid("context.identity is required", span));
    }
    if context.get("workspace").is_empty() {
        return Err(invalid("context.workspace is required", span));
    }
    if context.get("risk_class").is_empty() {
        return Err(invalid("context.risk_class is required", span));
    }
    if context.get("phase").is_empty() {
        context.set("phase", "apply".to_owned());
    }
    if !["plan", "apply"].contains(&context.get("phase")) {
        return Err(invalid(
            format!("unsupported context.phase: {}", context.get("phase")),
            span,
        ));
    }
    let source = context.get("credential_source");
    if !source.is_empty() && !CREDENTIAL_SOURCES.contains(&source) {
        return Err(invalid(
            format!("unsupported context.credential_source: {source}"),
            span,
        ));
    }
    let access = context.get("credential_access_type");
    if !access.is_empty() && !CREDENTIAL_ACCESS_TYPES.contains(&access) {
        return Err(invalid(
            format!("unsupported context.credential_access_type: {access}"),
            span,
        ));
    }
    if context.credential_ttl_seconds < 0 {
        return Err(invalid("context.credential_ttl_seconds must be >= 0", span));
    }
    let digest = context.get("context_set_digest");
    if !digest.is_empty() && !canonical::is_sha256_hex(digest) {
        return Err(invalid(
            "context.context_set_digest must be sha256 hex",
            span,
        ));
    }
    let mode = context.get("context_evidence_mode");
    if !mode.is_empty() && mode != "best_effort" && mode != "required" {
        return Err(invalid(
            format!("unsupported context.context_evidence_mode: {mode}"),
            span,
        ));
    }
    Ok(context)
}

fn decode_agent_identity(node: &Node) -> Result<AgentIdentity, IntentError> {
    let agent = AgentIdentity {
        lifecycle_states: uniq_sort(string_list_field(node, "lifecycle_states")?),
        owner: string_field(node, "owner")?.trim().to_owned(),
        manifest_digest: lower_trim(&string_field(node, "manifest_digest")?),
        publisher: string_field(node, "publisher")?.trim().to_owned(),
        source: lower_trim(&string_field(node, "source")?),
        issued_at: utc(time_field(node, "issued_at")?),
        approved_at: utc(time_field(node, "approved_at")?),
        expires_at: utc(time_field(node, "expires_at")?),
        revoked: bool_field(node, "revoked")?,
    };
    if !agent.manifest_digest.is_empty() && !canonical::is_sha256_hex(&agent.manifest_digest) {
        return Err(invalid(
            "context.agent_identity.manifest_digest must be sha256 hex",
            node.span,
        ));
    }
    let stamp = |time: &Option<GoTime>| time.as_ref().map(|time| time.timestamp);
    if let (Some(issued), Some(approved)) = (stamp(&agent.issued_at), stamp(&agent.approved_at))
        && approved < issued
    {
        return Err(invalid(
            "context.agent_identity.approved_at must not be before issued_at",
            node.span,
        ));
    }
    if let Some(expires) = stamp(&agent.expires_at) {
        let after_issue = stamp(&agent.issued_at).is_none_or(|issued| expires > issued);
        let after_approval = stamp(&agent.approved_at).is_none_or(|approved| expires > approved);
        if !after_issue || !after_approval {
            return Err(invalid(
                "context.agent_identity.expires_at must be after issued_at and approved_at",
                node.span,
            ));
        }
    }
    Ok(agent)
}

fn clean_context_paths(
    items: Vec<String>,
    field: &str,
    span: Span,
) -> Result<Vec<String>, IntentError> {
    let mut out = Vec::new();
    for item in items {
        let trimmed = item.trim();
        if trimmed.is_empty() {
            continue;
        }
        if looks_like_env_assignment(trimmed) {
            return Err(invalid(
                format!("context.sandbox.{field} must not contain raw env assignments"),
                span,
            ));
        }
        let cleaned = clean_path(&trimmed.replace('\\', "/"));
        if cleaned != "." {
            out.push(cleaned);
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn decode_sandbox(node: &Node) -> Result<Option<SandboxContext>, IntentError> {
    let span = node.span;
    let sandbox = SandboxContext {
        network_mode: lower_trim(&string_field(node, "network_mode")?),
        writable_paths: clean_context_paths(
            string_list_field(node, "writable_paths")?,
            "writable_paths",
            span,
        )?,
        read_only_roots: clean_context_paths(
            string_list_field(node, "read_only_roots")?,
            "read_only_roots",
            span,
        )?,
        env_exposure_mode: lower_trim(&string_field(node, "env_exposure_mode")?),
        timeout_seconds: int_field(node, "timeout_seconds")?,
        filesystem_isolation: lower_trim(&string_field(node, "filesystem_isolation")?),
        user_mode: lower_trim(&string_field(node, "user_mode")?),
        evidence_ref: string_field(node, "evidence_ref")?.trim().to_owned(),
        evidence_digest: lower_trim(&string_field(node, "evidence_digest")?),
    };
    for (name, value, allowed) in [
        (
            "network_mode",
            &sandbox.network_mode,
            &["disabled", "egress_allowlist", "full"][..],
        ),
        (
            "env_exposure_mode",
            &sandbox.env_exposure_mode,
            &["none", "allowlist", "full"][..],
        ),
        (
            "filesystem_isolation",
            &sandbox.filesystem_isolation,
            &["none", "workspace", "container"][..],
        ),
        (
            "user_mode",
            &sandbox.user_mode,
            &["default", "root", "unprivileged"][..],
        ),
    ] {
        if !value.is_empty() && !allowed.contains(&value.as_str()) {
            return Err(invalid(
                format!("unsupported context.sandbox.{name}: {value}"),
                span,
            ));
        }
    }
    if sandbox.timeout_seconds < 0 {
        return Err(invalid(
            "context.sandbox.timeout_seconds must be >= 0",
            span,
        ));
    }
    if !sandbox.evidence_digest.is_empty() && !canonical::is_sha256_hex(&sandbox.evidence_digest) {
        return Err(invalid(
            "context.sandbox.evidence_digest must be sha256 hex",
            span,
        ));
    }
    let reference = &sandbox.evidence_ref;
    if !reference.is_empty() {
        let lower = reference.to_lowercase();
        let prefixed = ["ref:", "receipt:", "proof:", "sandbox:", "sha256:"]
            .iter()
            .any(|prefix| lower.starts_with(prefix));
        if looks_like_env_assignment(reference)
            || (!prefixed && looks_like_credential_material(reference))
        {
            return Err(invalid(
                "context.sandbox.evidence_ref must not contain raw secret material",
                span,
            ));
        }
    }
    if sandbox == SandboxContext::default() {
        return Ok(None);
    }
    Ok(Some(sandbox))
}
