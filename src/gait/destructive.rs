//! What "destructive" means for Gait, in one place: the target classes and operations intent
//! normalisation marks destructive (gait-reference §3.2), the intents the destructive budget and
//! approval scopes count, the rules that only select such intents, and the rules whose
//! selectors name destructive tools (the diff's question).

use super::intent::{Intent, Target};
use super::policy::{Match, Rule};

/// Endpoint classes Gait treats as destructive on their own.
pub const CLASSES: &[&str] = &["fs.delete", "proc.exec"];

/// Target operations Gait treats as destructive on their own.
pub const OPERATIONS: &[&str] = &[
    "delete", "remove", "rm", "unlink", "rmdir", "drop", "truncate", "exec", "spawn",
];

/// Words that mark a tool name as destructive. Tool names are free text, so this is a wider,
/// heuristic vocabulary than [`OPERATIONS`] (`destroy`, `shell`), used only to judge policy
/// changes, never to evaluate an intent.
pub const TOOL_NAME_WORDS: &[&str] =
    &["delete", "exec", "drop", "destroy", "rm", "shell", "remove"];

/// Whether an endpoint class is destructive on its own.
pub fn is_class(class: &str) -> bool {
    CLASSES.contains(&class)
}

/// Whether a target operation is destructive on its own.
pub fn is_operation(operation: &str) -> bool {
    OPERATIONS.contains(&operation)
}

/// Whether any of the (normalised) targets is destructive.
pub fn any_target(targets: &[Target]) -> bool {
    targets.iter().any(|target| target.destructive)
}

/// Whether the prepared intent or any of its script steps has a destructive target.
pub fn intent(intent: &Intent) -> bool {
    any_target(&intent.targets)
        || intent
            .script
            .iter()
            .flatten()
            .any(|step| any_target(&step.targets))
}

/// Whether a rule's `match` can only select intents with a destructive target (so Gait's
/// destructive escalation applies to every intent it matches).
pub fn selects_only(matcher: &Match) -> bool {
    let classes = &matcher.endpoint_classes;
    let operations = &matcher.destination_operations;
    (!classes.is_empty() && classes.iter().all(|class| is_class(class)))
        || (!operations.is_empty() && operations.iter().all(|operation| is_operation(operation)))
        || matcher.tool_annotations.destructive_hint == Some(true)
}

/// Whether a rule's selectors name destructive tool calls: a destructive word in a tool name, a
/// destructive endpoint class, or a high or critical risk class.
pub fn names_destructive_tools(rule: &Rule) -> bool {
    let matcher = &rule.matcher;
    matcher.tool_names.iter().any(|name| {
        let lower = name.to_ascii_lowercase();
        lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|part| TOOL_NAME_WORDS.contains(&part))
    }) || matcher.endpoint_classes.iter().any(|class| is_class(class))
        || matcher.risk_classes.iter().any(|class| {
            class.eq_ignore_ascii_case("high") || class.eq_ignore_ascii_case("critical")
        })
}
