//! The strict decode: the shape every key of a policy must have (unknown keys and type
//! mismatches are errors, at any depth).

use super::model::{PolicyError, PolicyErrorKind};
use super::read::same_key;
use crate::parse::{Node, Value};
use crate::span::Span;

#[derive(Clone, Copy)]
pub(super) enum Shape {
    Str,
    Bool,
    Int,
    Float,
    StrList,
    Obj(&'static [(&'static str, Shape)]),
    List(&'static Shape),
}

const SCRIPTS_SHAPE: &[(&str, Shape)] = &[
    ("max_steps", Shape::Int),
    ("require_approval_above", Shape::Int),
    ("block_mixed_risk", Shape::Bool),
];
const FAIL_CLOSED_SHAPE: &[(&str, Shape)] = &[
    ("enabled", Shape::Bool),
    ("risk_classes", Shape::StrList),
    ("required_fields", Shape::StrList),
    ("required_high_risk_fields", Shape::StrList),
];
const MCP_TRUST_SHAPE: &[(&str, Shape)] = &[
    ("enabled", Shape::Bool),
    ("snapshot", Shape::Str),
    ("action", Shape::Str),
    ("required_risk_classes", Shape::StrList),
    ("min_score", Shape::Float),
    ("max_age", Shape::Str),
    ("publisher_allowlist", Shape::StrList),
    ("require_registry", Shape::Bool),
];
const ANNOTATIONS_SHAPE: &[(&str, Shape)] = &[
    ("readOnlyHint", Shape::Bool),
    ("destructiveHint", Shape::Bool),
    ("idempotentHint", Shape::Bool),
    ("openWorldHint", Shape::Bool),
];
const MATCH_SHAPE: &[(&str, Shape)] = &[
    ("tool_name", Shape::Str),
    ("tool_names", Shape::StrList),
    ("risk_classes", Shape::StrList),
    ("target_kinds", Shape::StrList),
    ("target_values", Shape::StrList),
    ("endpoint_class", Shape::StrList),
    ("endpoint_classes", Shape::StrList),
    ("discovery_method", Shape::StrList),
    ("tool_annotations", Shape::Obj(ANNOTATIONS_SHAPE)),
    ("skill_publishers", Shape::StrList),
    ("skill_sources", Shape::StrList),
    ("data_classes", Shape::StrList),
    ("destination_kinds", Shape::StrList),
    ("destination_values", Shape::StrList),
    ("destination_operations", Shape::StrList),
    ("provenance_sources", Shape::StrList),
    ("identities", Shape::StrList),
    ("workspace_prefixes", Shape::StrList),
    ("context_tool_names", Shape::StrList),
    ("context_data_classes", Shape::StrList),
    ("context_endpoint_classes", Shape::StrList),
    ("context_autonomy_levels", Shape::StrList),
    ("require_delegation", Shape::Bool),
    ("allowed_delegator_identities", Shape::StrList),
    ("allowed_delegate_identities", Shape::StrList),
    ("delegation_scopes", Shape::StrList),
    ("max_delegation_depth", Shape::Int),
];
const ENDPOINT_SHAPE: &[(&str, Shape)] = &[
    ("enabled", Shape::Bool),
    ("path_allowlist", Shape::StrList),
    ("path_denylist", Shape::StrList),
    ("domain_allowlist", Shape::StrList),
    ("domain_denylist", Shape::StrList),
    ("egress_classes", Shape::StrList),
    ("action", Shape::Str),
    ("destructive_action", Shape::Str),
    ("reason_code", Shape::Str),
    ("violation", Shape::Str),
];
const DATAFLOW_SHAPE: &[(&str, Shape)] = &[
    ("enabled", Shape::Bool),
    ("tainted_sources", Shape::StrList),
    ("destination_kinds", Shape::StrList),
    ("destination_values", Shape::StrList),
    ("destination_operations", Shape::StrList),
    ("action", Shape::Str),
    ("reason_code", Shape::Str),
    ("violation", Shape::Str),
];
const WINDOW_SHAPE: &[(&str, Shape)] = &[
    ("name", Shape::Str),
    ("start", Shape::Str),
    ("end", Shape::Str),
];
const FREEZE_SHAPE: &[(&str, Shape)] = &[
    ("enabled", Shape::Bool),
    ("timezone", Shape::Str),
    ("effect", Shape::Str),
    ("reason", Shape::Str),
    ("environments", Shape::StrList),
    ("risk_classes", Shape::StrList),
    ("windows", Shape::List(&Shape::Obj(WINDOW_SHAPE))),
];
const SANDBOX_SHAPE: &[(&str, Shape)] = &[
    ("enabled", Shape::Bool),
    ("allowed_network_modes", Shape::StrList),
    ("allowed_writable_path_prefixes", Shape::StrList),
    ("required_read_only_roots", Shape::StrList),
    ("allowed_env_exposure_modes", Shape::StrList),
    ("max_timeout_seconds", Shape::Int),
    ("allowed_filesystem_isolations", Shape::StrList),
    ("allowed_user_modes", Shape::StrList),
];
const RATE_SHAPE: &[(&str, Shape)] = &[
    ("requests", Shape::Int),
    ("window", Shape::Str),
    ("scope", Shape::Str),
];
const RULE_SHAPE: &[(&str, Shape)] = &[
    ("name", Shape::Str),
    ("priority", Shape::Int),
    ("effect", Shape::Str),
    ("action", Shape::Str),
    ("match", Shape::Obj(MATCH_SHAPE)),
    ("reason_codes", Shape::StrList),
    ("violations", Shape::StrList),
    ("min_approvals", Shape::Int),
    ("require_distinct_approvers", Shape::Bool),
    ("require_declared_agent", Shape::Bool),
    ("allowed_agent_ids", Shape::StrList),
    ("denied_agent_ids", Shape::StrList),
    ("required_agent_manifest_digest", Shape::Str),
    ("allowed_agent_manifest_publishers", Shape::StrList),
    ("allowed_agent_manifest_sources", Shape::StrList),
    ("required_agent_lifecycle_states", Shape::StrList),
    ("require_agent_owner", Shape::Bool),
    ("require_unexpired_agent", Shape::Bool),
    ("block_standing_credentials", Shape::Bool),
    ("allowed_credential_sources", Shape::StrList),
    ("allowed_credential_issuers", Shape::StrList),
    ("allowed_credential_access_types", Shape::StrList),
    ("max_credential_ttl_seconds", Shape::Int),
    ("require_jit_credential", Shape::Bool),
    ("require_context_evidence", Shape::Bool),
    ("required_context_evidence_mode", Shape::Str),
    ("max_context_age_seconds", Shape::Int),
    ("require_broker_credential", Shape::Bool),
    ("broker_reference", Shape::Str),
    ("broker_scopes", Shape::StrList),
    ("freeze_window", Shape::Obj(FREEZE_SHAPE)),
    ("sandbox", Shape::Obj(SANDBOX_SHAPE)),
    ("rate_limit", Shape::Obj(RATE_SHAPE)),
    ("destructive_budget", Shape::Obj(RATE_SHAPE)),
    ("dataflow", Shape::Obj(DATAFLOW_SHAPE)),
    ("endpoint", Shape::Obj(ENDPOINT_SHAPE)),
];
pub(super) const ROOT_SHAPE: &[(&str, Shape)] = &[
    ("schema_id", Shape::Str),
    ("schema_version", Shape::Str),
    ("default_verdict", Shape::Str),
    ("default_action", Shape::Str),
    ("scripts", Shape::Obj(SCRIPTS_SHAPE)),
    ("fail_closed", Shape::Obj(FAIL_CLOSED_SHAPE)),
    ("mcp_trust", Shape::Obj(MCP_TRUST_SHAPE)),
    ("rules", Shape::List(&Shape::Obj(RULE_SHAPE))),
];

pub(super) fn err(kind: PolicyErrorKind, span: Span) -> PolicyError {
    PolicyError { kind, span }
}

/// Where a node sits, for messages; rendered only when an error needs it, so checking a valid
/// policy allocates nothing.
#[derive(Clone, Copy)]
pub(super) enum FieldPath<'a> {
    Root,
    Key(&'a FieldPath<'a>, &'a str),
    Index(&'a FieldPath<'a>, usize),
}

impl FieldPath<'_> {
    fn render(&self) -> String {
        match self {
            FieldPath::Root => String::new(),
            FieldPath::Key(parent, key) => {
                let parent = parent.render();
                if parent.is_empty() {
                    (*key).to_owned()
                } else {
                    format!("{parent}.{key}")
                }
            }
            FieldPath::Index(parent, index) => format!("{}[{index}]", parent.render()),
        }
    }
}

pub(super) fn check_shape(
    node: &Node,
    shape: Shape,
    field: &FieldPath<'_>,
) -> Result<(), PolicyError> {
    if matches!(node.value, Value::Null) {
        return Ok(());
    }
    let mismatch = |expected: &'static str| {
        Err(err(
            PolicyErrorKind::TypeMismatch {
                field: field.render(),
                expected,
                found: node.type_name(),
            },
            node.span,
        ))
    };
    match shape {
        Shape::Str => match node.value {
            Value::String(_) | Value::Number(_) | Value::Bool(_) => Ok(()),
            _ => mismatch("a string"),
        },
        Shape::Bool => match node.value {
            Value::Bool(_) => Ok(()),
            _ => mismatch("a boolean"),
        },
        Shape::Int => match &node.value {
            Value::Number(number) if number.is_i64() => Ok(()),
            _ => mismatch("an integer"),
        },
        Shape::Float => match node.value {
            Value::Number(_) => Ok(()),
            _ => mismatch("a number"),
        },
        Shape::StrList => {
            let Some(items) = node.as_seq() else {
                return mismatch("a list of strings");
            };
            for (index, item) in items.iter().enumerate() {
                // Scalars pass without the call; anything else takes it for its error.
                if !matches!(
                    item.value,
                    Value::Null | Value::String(_) | Value::Number(_) | Value::Bool(_)
                ) {
                    check_shape(item, Shape::Str, &FieldPath::Index(field, index))?;
                }
            }
            Ok(())
        }
        Shape::List(inner) => {
            let Some(items) = node.as_seq() else {
                return mismatch("a list");
            };
            for (index, item) in items.iter().enumerate() {
                check_shape(item, *inner, &FieldPath::Index(field, index))?;
            }
            Ok(())
        }
        Shape::Obj(fields) => {
            let Some(entries) = node.as_map() else {
                return mismatch("a mapping");
            };
            for entry in entries {
                let Some((_, inner)) = fields
                    .iter()
                    .find(|(key, _)| same_key(key, &entry.key.text))
                else {
                    return Err(err(
                        PolicyErrorKind::UnknownField(entry.key.text.clone()),
                        entry.key.span,
                    ));
                };
                check_shape(
                    &entry.value,
                    *inner,
                    &FieldPath::Key(field, &entry.key.text),
                )?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    //! The shape table and `schemas/gait-policy.schema.json` describe the same keys, at the same
    //! places, with the same kinds.

    use serde_json::{Value as Json, json};

    use super::{ROOT_SHAPE, Shape};

    const SCHEMA: &str = include_str!("../../../schemas/gait-policy.schema.json");

    /// Follows a local `$ref` (`#/$defs/<name>`).
    fn resolve<'a>(schema: &'a Json, node: &'a Json) -> &'a Json {
        match node.get("$ref").and_then(Json::as_str) {
            Some(reference) => {
                let name = reference.strip_prefix("#/$defs/").unwrap();
                &schema["$defs"][name]
            }
            None => node,
        }
    }

    fn kind(shape: Shape) -> &'static str {
        match shape {
            Shape::Str => "string",
            Shape::Bool => "boolean",
            Shape::Int => "integer",
            Shape::Float => "number",
            Shape::StrList | Shape::List(_) => "array",
            Shape::Obj(_) => "object",
        }
    }

    /// Every difference between a shape table and the schema object at `path`.
    fn compare(
        schema: &Json,
        table: &[(&str, Shape)],
        object: &Json,
        path: &str,
        out: &mut Vec<String>,
    ) {
        let object = resolve(schema, object);
        let empty = serde_json::Map::new();
        let properties = object["properties"].as_object().unwrap_or(&empty);
        for (key, shape) in table {
            let here = format!("{path}.{key}");
            let Some(property) = properties.get(*key) else {
                out.push(format!("`{here}` is in the shape table, not in the schema"));
                continue;
            };
            let property = resolve(schema, property);
            if property["type"] != json!(kind(*shape)) {
                out.push(format!(
                    "`{here}`: the shape table says {}, the schema {}",
                    kind(*shape),
                    property["type"]
                ));
            }
            match shape {
                Shape::Obj(inner) => compare(schema, inner, property, &here, out),
                Shape::List(Shape::Obj(inner)) => {
                    compare(schema, inner, &property["items"], &format!("{here}[]"), out);
                }
                Shape::StrList => {
                    let items = resolve(schema, &property["items"]);
                    if items["type"] != json!("string") {
                        out.push(format!("`{here}`: the schema's items are not strings"));
                    }
                }
                _ => {}
            }
        }
        for key in properties.keys() {
            if !table.iter().any(|(known, _)| known == key) {
                out.push(format!(
                    "`{path}.{key}` is in the schema, not in the shape table"
                ));
            }
        }
    }

    fn differences(schema: &Json) -> Vec<String> {
        let mut out = Vec::new();
        compare(schema, ROOT_SHAPE, schema, "", &mut out);
        out
    }

    #[test]
    fn the_shape_table_matches_the_schema() {
        let schema: Json = serde_json::from_str(SCHEMA).unwrap();
        let out = differences(&schema);
        assert!(out.is_empty(), "{}", out.join("\n"));
    }

    #[test]
    fn a_key_only_the_schema_knows_is_seen() {
        let mut schema: Json = serde_json::from_str(SCHEMA).unwrap();
        schema["$defs"]["Sandbox"]["properties"]["extra_key"] = json!({ "type": "string" });
        schema["properties"]["extra_top"] = json!({ "type": "boolean" });
        assert_eq!(
            differences(&schema),
            [
                "`.rules[].sandbox.extra_key` is in the schema, not in the shape table",
                "`.extra_top` is in the schema, not in the shape table",
            ]
        );
    }

    #[test]
    fn a_key_only_the_shape_table_knows_is_seen() {
        let mut schema: Json = serde_json::from_str(SCHEMA).unwrap();
        schema["$defs"]["Match"]["properties"]
            .as_object_mut()
            .unwrap()
            .remove("identities");
        assert_eq!(
            differences(&schema),
            ["`.rules[].match.identities` is in the shape table, not in the schema"]
        );
    }
}
