//! Static questions about a loaded Gait policy that the lint rules ask: where a rule is written,
//! whether one rule's `match` admits every intent another admits (so the second can never be
//! selected), whether two rules can match the same intent, and which selector values Gait never
//! produces. Every answer follows Gait's `ruleMatches` (gait-reference §3.5) exactly: "covers"
//! is a sufficient condition, so a rule reported unreachable really is.

use std::collections::HashMap;

use super::policy::{Match, Policy, Rule};
use crate::parse::Node;
use crate::span::Span;

/// Target kinds an intent can carry (any other kind is rejected by intent normalisation).
pub const TARGET_KINDS: &[&str] = &[
    "path", "url", "host", "repo", "bucket", "table", "queue", "topic", "other",
];

/// Argument provenance sources an intent can carry.
pub const PROVENANCE_SOURCES: &[&str] = &["user", "tool_output", "external", "system"];

pub use super::destructive::selects_only as selects_destructive;

/// A loaded rule and where it is written.
#[derive(Clone, Copy, Debug)]
pub struct RuleSite<'a> {
    pub rule: &'a Rule,
    /// The rule's list item in the file.
    pub node: Option<&'a Node>,
    /// Its index in the file's `rules` list (file order, not evaluation order).
    pub index: usize,
}

impl<'a> RuleSite<'a> {
    /// JSON pointer of the rule, or of one of its keys.
    pub fn pointer(&self, key: &str) -> String {
        if key.is_empty() {
            format!("/rules/{}", self.index)
        } else {
            format!("/rules/{}/{key}", self.index)
        }
    }

    /// The span of `key` (a `/`-separated path below the rule), else of the rule's name, else
    /// of the rule.
    pub fn span_of(&self, key: &str) -> Span {
        self.node
            .and_then(|node| node_at(node, key))
            .or_else(|| self.node.and_then(|node| node.get("name")))
            .map_or(self.rule.span, |node| node.span)
    }

    /// The span of `key` if it is written.
    pub fn written(&self, key: &str) -> Option<Span> {
        self.node
            .and_then(|node| node_at(node, key))
            .map(|n| n.span)
    }

    /// The span of the key (not the value) of `key`, if written.
    pub fn key_span(&self, key: &str) -> Option<Span> {
        let (parent, last) = match key.rsplit_once('/') {
            Some((parent, last)) => (self.node.and_then(|node| node_at(node, parent))?, last),
            None => (self.node?, key),
        };
        parent.entry(last).map(|entry| entry.key.span)
    }

    /// The rule's span for a finding: its name value, else the whole item.
    pub fn name_span(&self) -> Span {
        self.span_of("name")
    }
}

/// The node at a `/`-separated path of mapping keys and list indexes below `node`.
pub fn node_at<'a>(node: &'a Node, path: &str) -> Option<&'a Node> {
    let mut current = node;
    for part in path.split('/').filter(|part| !part.is_empty()) {
        current = match part.parse::<usize>() {
            Ok(index) => current.as_seq()?.get(index)?,
            Err(_) => current.get(part)?,
        };
    }
    Some(current)
}

/// Every loaded rule (in evaluation order) with its place in the file.
pub fn rule_sites<'a>(root: Option<&'a Node>, policy: &'a Policy) -> Vec<RuleSite<'a>> {
    let items: &[Node] = root
        .and_then(|root| root.get("rules"))
        .and_then(Node::as_seq)
        .unwrap_or_default();
    let by_span: HashMap<Span, usize> = items
        .iter()
        .enumerate()
        .map(|(index, item)| (item.span, index))
        .collect();
    policy
        .rules
        .iter()
        .map(|rule| {
            let found = by_span
                .get(&rule.span)
                .and_then(|index| Some((*index, items.get(*index)?)));
            RuleSite {
                rule,
                node: found.map(|(_, node)| node),
                index: found.map_or(0, |(index, _)| index),
            }
        })
        .collect()
}

/// Rules indexed by the tools they select, so that "which rule may cover, or meet, this one"
/// looks only at rules that can share a tool with it, not at every rule.
#[derive(Debug, Default)]
pub struct ToolIndex<'a> {
    /// Every indexed position, ascending.
    all: Vec<usize>,
    /// Positions of the rules that select no tool (they admit every tool).
    any_tool: Vec<usize>,
    by_tool: HashMap<&'a str, Vec<usize>>,
}

impl<'a> ToolIndex<'a> {
    /// Indexes `(position, matcher)` pairs given in ascending position.
    pub fn new(rules: impl IntoIterator<Item = (usize, &'a Match)>) -> Self {
        let mut index = ToolIndex::default();
        for (position, matcher) in rules {
            index.all.push(position);
            if matcher.tool_names.is_empty() {
                index.any_tool.push(position);
            }
            for tool in &matcher.tool_names {
                let positions = index.by_tool.entry(tool.as_str()).or_default();
                if positions.last() != Some(&position) {
                    positions.push(position);
                }
            }
        }
        index
    }

    /// Ascending positions of the rules whose tool selector admits every tool `matcher` admits
    /// (the only ones that can [`covers`] it): those that select no tool, and, when `matcher`
    /// names tools, those that name its first one.
    pub fn may_cover(&self, matcher: &Match) -> Vec<usize> {
        let named = matcher
            .tool_names
            .first()
            .and_then(|tool| self.by_tool.get(tool.as_str()));
        merge_positions([Some(&self.any_tool), named].into_iter().flatten())
    }

    /// Ascending positions of the rules whose tool selector can hold together with `matcher`'s
    /// (the only ones [`may_both_match`] can accept).
    pub fn may_meet(&self, matcher: &Match) -> Vec<usize> {
        if matcher.tool_names.is_empty() {
            return self.all.clone();
        }
        let named = matcher
            .tool_names
            .iter()
            .filter_map(|tool| self.by_tool.get(tool.as_str()));
        merge_positions(std::iter::once(&self.any_tool).chain(named))
    }
}

fn merge_positions<'l>(lists: impl IntoIterator<Item = &'l Vec<usize>>) -> Vec<usize> {
    let mut merged: Vec<usize> = lists.into_iter().flatten().copied().collect();
    merged.sort_unstable();
    merged.dedup();
    merged
}

/// The JSON pointer of the deepest node whose span is `span` (or contains it), for locations.
pub fn pointer_at(root: &Node, span: Span) -> String {
    let mut pointer = String::new();
    let mut current = root;
    'descend: loop {
        if current.span == span {
            break;
        }
        if let Some(entries) = current.as_map() {
            for entry in entries {
                let inside = |outer: Span| outer.start <= span.start && span.end <= outer.end;
                if entry.key.span == span {
                    pointer.push('/');
                    pointer.push_str(&escape(&entry.key.text));
                    break 'descend;
                }
                if inside(entry.value.span) {
                    pointer.push('/');
                    pointer.push_str(&escape(&entry.key.text));
                    current = &entry.value;
                    continue 'descend;
                }
            }
        } else if let Some(items) = current.as_seq() {
            for (index, item) in items.iter().enumerate() {
                if item.span.start <= span.start && span.end <= item.span.end {
                    pointer.push_str(&format!("/{index}"));
                    current = item;
                    continue 'descend;
                }
            }
        }
        break;
    }
    pointer
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// `inner ⊆ outer` for two normalised lists.
fn subset(inner: &[String], outer: &[String]) -> bool {
    inner.iter().all(|item| outer.contains(item))
}

/// A selector list of `a` that tests one target field is satisfied by every intent `b` admits
/// when `a` is empty, or some list of `b` on the same field is non-empty and inside it.
fn target_field_covered(a: &[String], b_lists: &[&[String]]) -> bool {
    a.is_empty()
        || b_lists
            .iter()
            .any(|list| !list.is_empty() && subset(list, a))
}

/// A plain selector of `a` (the intent's single value must be in the list).
fn value_covered(a: &[String], b: &[String]) -> bool {
    a.is_empty() || (!b.is_empty() && subset(b, a))
}

/// Whether every intent that `b` matches is also matched by `a` (a sufficient condition,
/// selector by selector, following Gait's `ruleMatches`).
pub fn covers(a: &Match, b: &Match) -> bool {
    let prefixes_covered = a.workspace_prefixes.is_empty()
        || (!b.workspace_prefixes.is_empty()
            && b.workspace_prefixes.iter().all(|pb| {
                a.workspace_prefixes
                    .iter()
                    .any(|pa| pb.starts_with(pa.as_str()))
            }));
    let hints_covered = [
        (
            a.tool_annotations.read_only_hint,
            b.tool_annotations.read_only_hint,
        ),
        (
            a.tool_annotations.destructive_hint,
            b.tool_annotations.destructive_hint,
        ),
        (
            a.tool_annotations.idempotent_hint,
            b.tool_annotations.idempotent_hint,
        ),
        (
            a.tool_annotations.open_world_hint,
            b.tool_annotations.open_world_hint,
        ),
    ]
    .iter()
    .all(|(wanted, given)| wanted.is_none() || wanted == given);
    let skills_covered = value_covered(&a.skill_publishers, &b.skill_publishers)
        && value_covered(&a.skill_sources, &b.skill_sources);
    let delegation_covered = !a.uses_delegation()
        || (b.uses_delegation()
            && a.max_delegation_depth.is_none_or(|depth_a| {
                b.max_delegation_depth
                    .is_some_and(|depth_b| depth_b <= depth_a)
            })
            && value_covered(
                &a.allowed_delegator_identities,
                &b.allowed_delegator_identities,
            )
            && value_covered(
                &a.allowed_delegate_identities,
                &b.allowed_delegate_identities,
            )
            && value_covered(&a.delegation_scopes, &b.delegation_scopes));
    value_covered(&a.tool_names, &b.tool_names)
        && value_covered(&a.risk_classes, &b.risk_classes)
        && value_covered(&a.identities, &b.identities)
        && prefixes_covered
        && value_covered(&a.context_tool_names, &b.context_tool_names)
        && value_covered(&a.context_data_classes, &b.context_data_classes)
        && value_covered(&a.context_endpoint_classes, &b.context_endpoint_classes)
        && value_covered(&a.context_autonomy_levels, &b.context_autonomy_levels)
        && target_field_covered(&a.target_kinds, &[&b.target_kinds, &b.destination_kinds])
        && target_field_covered(
            &a.destination_kinds,
            &[&b.target_kinds, &b.destination_kinds],
        )
        && target_field_covered(&a.target_values, &[&b.target_values, &b.destination_values])
        && target_field_covered(
            &a.destination_values,
            &[&b.target_values, &b.destination_values],
        )
        && target_field_covered(&a.endpoint_classes, &[&b.endpoint_classes])
        && target_field_covered(&a.discovery_methods, &[&b.discovery_methods])
        && target_field_covered(&a.data_classes, &[&b.data_classes])
        && target_field_covered(&a.destination_operations, &[&b.destination_operations])
        && hints_covered
        && skills_covered
        && value_covered(&a.provenance_sources, &b.provenance_sources)
        && delegation_covered
}

/// Two single-valued selectors can both hold for one intent.
fn values_meet(a: &[String], b: &[String]) -> bool {
    a.is_empty() || b.is_empty() || a.iter().any(|item| b.contains(item))
}

/// Whether some intent may match both `a` and `b`. Selectors that test "some target" or "some
/// provenance entry" can be satisfied by different entries, so only single-valued selectors
/// (tool, risk class, identity, workspace, Wrkr context, skill) can rule an overlap out.
pub fn may_both_match(a: &Match, b: &Match) -> bool {
    let prefixes_meet = a.workspace_prefixes.is_empty()
        || b.workspace_prefixes.is_empty()
        || a.workspace_prefixes.iter().any(|pa| {
            b.workspace_prefixes
                .iter()
                .any(|pb| pa.starts_with(pb.as_str()) || pb.starts_with(pa.as_str()))
        });
    values_meet(&a.tool_names, &b.tool_names)
        && values_meet(&a.risk_classes, &b.risk_classes)
        && values_meet(&a.identities, &b.identities)
        && prefixes_meet
        && values_meet(&a.context_tool_names, &b.context_tool_names)
        && values_meet(&a.context_data_classes, &b.context_data_classes)
        && values_meet(&a.context_endpoint_classes, &b.context_endpoint_classes)
        && values_meet(&a.context_autonomy_levels, &b.context_autonomy_levels)
        && values_meet(&a.skill_publishers, &b.skill_publishers)
        && values_meet(&a.skill_sources, &b.skill_sources)
}
