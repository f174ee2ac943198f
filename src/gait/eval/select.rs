//! Rule selection (gait-reference §3.5): Gait's `ruleMatches`.

use crate::gait::intent::{Intent, Target};
use crate::gait::policy::Rule;

pub(super) fn in_list(list: &[String], value: &str) -> bool {
    list.iter().any(|item| item == value)
}

fn some_target(intent: &Intent, list: &[String], field: impl Fn(&Target) -> &str) -> bool {
    list.is_empty()
        || intent
            .targets
            .iter()
            .any(|target| in_list(list, field(target)))
}

fn auth_value(intent: &Intent, key: &str) -> Option<String> {
    let value = intent.context.auth_context.as_ref()?.get(key)?.as_str()?;
    let value = value.trim().to_lowercase();
    (!value.is_empty()).then_some(value)
}

pub fn rule_matches(rule: &Rule, intent: &Intent) -> bool {
    let m = &rule.matcher;
    let context = &intent.context;
    if !m.tool_names.is_empty() && !in_list(&m.tool_names, &intent.tool_name) {
        return false;
    }
    if !m.risk_classes.is_empty() && !in_list(&m.risk_classes, context.get("risk_class")) {
        return false;
    }
    if !m.identities.is_empty() && !in_list(&m.identities, context.get("identity")) {
        return false;
    }
    if !m.workspace_prefixes.is_empty()
        && !m
            .workspace_prefixes
            .iter()
            .any(|prefix| context.get("workspace").starts_with(prefix.as_str()))
    {
        return false;
    }
    for (list, key) in [
        (&m.context_tool_names, "wrkr.tool_name"),
        (&m.context_data_classes, "wrkr.data_class"),
        (&m.context_endpoint_classes, "wrkr.endpoint_class"),
        (&m.context_autonomy_levels, "wrkr.autonomy_level"),
    ] {
        if !list.is_empty() && !auth_value(intent, key).is_some_and(|value| in_list(list, &value)) {
            return false;
        }
    }
    let target_checks = [
        some_target(intent, &m.target_kinds, |t| &t.kind),
        some_target(intent, &m.target_values, |t| &t.value),
        some_target(intent, &m.endpoint_classes, |t| &t.endpoint_class),
        some_target(intent, &m.discovery_methods, |t| &t.discovery_method),
        some_target(intent, &m.data_classes, |t| &t.sensitivity),
        some_target(intent, &m.destination_kinds, |t| &t.kind),
        some_target(intent, &m.destination_values, |t| &t.value),
        some_target(intent, &m.destination_operations, |t| &t.operation),
    ];
    if target_checks.contains(&false) {
        return false;
    }
    let hints = &m.tool_annotations;
    for (wanted, get) in [
        (
            hints.read_only_hint,
            (|t: &Target| t.read_only_hint) as fn(&Target) -> bool,
        ),
        (hints.destructive_hint, |t: &Target| t.destructive_hint),
        (hints.idempotent_hint, |t: &Target| t.idempotent_hint),
        (hints.open_world_hint, |t: &Target| t.open_world_hint),
    ] {
        if let Some(wanted) = wanted
            && !intent.targets.iter().any(|target| get(target) == wanted)
        {
            return false;
        }
    }
    if !m.skill_publishers.is_empty() || !m.skill_sources.is_empty() {
        let Some(skill) = &intent.skill_provenance else {
            return false;
        };
        if !m.skill_publishers.is_empty()
            && !in_list(&m.skill_publishers, &skill.publisher.to_lowercase())
        {
            return false;
        }
        if !m.skill_sources.is_empty() && !in_list(&m.skill_sources, &skill.source.to_lowercase()) {
            return false;
        }
    }
    if !m.provenance_sources.is_empty()
        && !intent
            .arg_provenance
            .iter()
            .any(|entry| in_list(&m.provenance_sources, &entry.source))
    {
        return false;
    }
    if m.uses_delegation() {
        let Some(delegation) = &intent.delegation else {
            return false;
        };
        if let Some(depth) = m.max_delegation_depth
            && i64::try_from(delegation.chain.len()).unwrap_or(i64::MAX) > depth
        {
            return false;
        }
        if !m.allowed_delegator_identities.is_empty()
            && !delegation
                .chain
                .iter()
                .any(|link| in_list(&m.allowed_delegator_identities, &link.delegator_identity))
        {
            return false;
        }
        if !m.allowed_delegate_identities.is_empty()
            && !in_list(
                &m.allowed_delegate_identities,
                &delegation.requester_identity,
            )
            && !delegation
                .chain
                .iter()
                .any(|link| in_list(&m.allowed_delegate_identities, &link.delegate_identity))
        {
            return false;
        }
        if !m.delegation_scopes.is_empty()
            && !in_list(&m.delegation_scopes, &delegation.scope_class)
            && !delegation
                .chain
                .iter()
                .any(|link| in_list(&m.delegation_scopes, &link.scope_class))
        {
            return false;
        }
    }
    true
}
