//! Approved-script registry entries that can never pre-approve a script (gait-reference
//! §3.10.1). Works on the spanned tree so every problem points at the field that causes it.
//!
//! Gait normalises an entry's `tool_sequence` (lower-trim, drop empties, de-duplicate, sort) and
//! compares the result with the script's step tool names *in step order*: only a sequence that
//! is already strictly ascending describes a script that can match. Scope items other than
//! `risk:`, `tool:`, `workspace_prefix:` and `endpoint:` never hold, and `tool:` is compared with
//! the intent's top-level tool, which normalisation forces to `script` for every script.

use jiff::Timestamp;

use super::canonical;
use super::policy::lower_trim;
use super::time::GoTime;
use crate::parse::Node;
use crate::span::Span;

/// Scope prefixes Gait knows; any other prefix makes the entry unmatchable.
const SCOPE_PREFIXES: [&str; 4] = ["risk:", "tool:", "workspace_prefix:", "endpoint:"];

/// How the replay uses a registry: against which policy, at which time.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RegistryUse {
    /// The policy replayed with the registry and its digest; `None` when it cannot be loaded.
    pub policy: Option<(String, String)>,
    /// The fixed evaluation time; `None` means the wall clock (nothing to check against).
    pub now: Option<Timestamp>,
}

/// One reason an entry can never match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub span: Span,
    pub pointer: String,
    pub message: String,
    pub help: String,
}

/// The entry nodes with their JSON pointers, as Gait's loader reads them.
fn entries(root: &Node) -> Vec<(String, &Node)> {
    if let Some(items) = root.as_seq() {
        return items
            .iter()
            .enumerate()
            .map(|(index, item)| (format!("/{index}"), item))
            .collect();
    }
    root.get("entries")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(index, item)| (format!("/entries/{index}"), item))
        .collect()
}

/// The problems a registry file has on its own (order, duplicates, scope, validity window).
pub fn intrinsic_problems(root: &Node) -> Vec<Problem> {
    let mut out = Vec::new();
    for (pointer, entry) in entries(root) {
        if entry.as_map().is_none() {
            continue;
        }
        sequence_problems(entry, &pointer, &mut out);
        scope_problems(entry, &pointer, &mut out);
        window_problem(entry, &pointer, &mut out);
    }
    out
}

/// The problems that depend on how the registry is replayed: an entry whose `policy_digest`
/// matches none of the replayed policies, or that has expired at every fixed evaluation time.
/// Nothing is reported when some use has an unknown policy or runs on the wall clock.
pub fn usage_problems(root: &Node, uses: &[RegistryUse]) -> Vec<Problem> {
    let mut out = Vec::new();
    if uses.is_empty() {
        return out;
    }
    let policies: Option<Vec<&(String, String)>> =
        uses.iter().map(|usage| usage.policy.as_ref()).collect();
    let times: Option<Vec<Timestamp>> = uses.iter().map(|usage| usage.now).collect();
    for (pointer, entry) in entries(root) {
        if entry.as_map().is_none() {
            continue;
        }
        if let Some(policies) = &policies {
            digest_problem(entry, &pointer, policies, &mut out);
        }
        // Expired at the earliest fixed time means expired in every replay of the registry.
        if let Some(earliest) = times.as_ref().and_then(|times| times.iter().min()) {
            expiry_problem(entry, &pointer, *earliest, &mut out);
        }
    }
    out
}

/// The normalised, non-empty items of a string list with their nodes.
fn items<'n>(entry: &'n Node, key: &str) -> Vec<(usize, String, &'n Node)> {
    entry
        .get(key)
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(index, node)| {
            let text = lower_trim(node.as_str()?);
            (!text.is_empty()).then_some((index, text, node))
        })
        .collect()
}

fn quoted(items: &[&str]) -> String {
    items
        .iter()
        .map(|item| format!("`{item}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn sequence_problems(entry: &Node, pointer: &str, out: &mut Vec<Problem>) {
    let written = items(entry, "tool_sequence");
    if written.is_empty() {
        return;
    }
    let mut stored: Vec<&str> = written.iter().map(|(_, text, _)| text.as_str()).collect();
    stored.sort_unstable();
    stored.dedup();
    let as_written: Vec<&str> = written.iter().map(|(_, text, _)| text.as_str()).collect();
    let help = format!(
        "Gait stores `tool_sequence` sorted and de-duplicated ({}) and compares it with the \
         script's step tools in step order, so only a script running exactly those tools in \
         that order can match",
        quoted(&stored)
    );
    // A repeated tool is reported on its repetition, an order break on the first item out of
    // order; one finding per entry is enough to say the written sequence never matches.
    for (at, (index, text, node)) in written.iter().enumerate() {
        let earlier = written.get(..at).unwrap_or_default();
        if earlier.iter().any(|(_, seen, _)| seen == text) {
            out.push(Problem {
                span: node.span,
                pointer: format!("{pointer}/tool_sequence/{index}"),
                message: format!(
                    "`tool_sequence` repeats `{text}`: Gait de-duplicates it, so a script \
                     running {} can never match this entry",
                    quoted(&as_written)
                ),
                help,
            });
            return;
        }
        let Some((_, previous, _)) = at.checked_sub(1).and_then(|prev| written.get(prev)) else {
            continue;
        };
        if previous > text {
            out.push(Problem {
                span: node.span,
                pointer: format!("{pointer}/tool_sequence/{index}"),
                message: format!(
                    "`tool_sequence` is not in ascending order (`{text}` after `{previous}`): \
                     Gait sorts it, so a script running {} in that order can never match; only \
                     the order {} can",
                    quoted(&as_written),
                    quoted(&stored)
                ),
                help,
            });
            return;
        }
    }
}

fn scope_problems(entry: &Node, pointer: &str, out: &mut Vec<Problem>) {
    for (index, item, node) in items(entry, "scope") {
        let pointer = format!("{pointer}/scope/{index}");
        let Some(prefix) = SCOPE_PREFIXES
            .iter()
            .find(|prefix| item.starts_with(**prefix))
        else {
            out.push(Problem {
                span: node.span,
                pointer,
                message: format!(
                    "scope item `{item}` has a prefix Gait does not know: it never holds, so \
                     this entry never matches"
                ),
                help: "use `risk:<class>`, `tool:script`, `workspace_prefix:<path>` or \
                       `endpoint:<class>`"
                    .to_owned(),
            });
            continue;
        };
        let value = item.get(prefix.len()..).unwrap_or_default();
        if *prefix == "tool:" && value != "script" {
            out.push(Problem {
                span: node.span,
                pointer,
                message: format!(
                    "scope item `{item}` is compared with the intent's top-level tool, which is \
                     always `script` for a script: this entry never matches"
                ),
                help: "the step tools are already pinned by `tool_sequence`; drop the item or \
                       write `tool:script`"
                    .to_owned(),
            });
        }
    }
}

fn time_of<'n>(entry: &'n Node, key: &str) -> Option<(GoTime, &'n Node)> {
    let node = entry.get(key)?;
    Some((GoTime::parse_rfc3339(node.as_str()?.trim())?, node))
}

fn window_problem(entry: &Node, pointer: &str, out: &mut Vec<Problem>) {
    let Some((expires, node)) = time_of(entry, "expires_at") else {
        return;
    };
    let created = match entry
        .get("created_at")
        .and_then(Node::as_str)
        .map(str::trim)
    {
        None | Some("") => GoTime::parse_rfc3339("1980-01-01T00:00:00Z"),
        Some(text) => GoTime::parse_rfc3339(text),
    };
    let Some(created) = created else {
        return;
    };
    if expires.timestamp > created.timestamp {
        return;
    }
    out.push(Problem {
        span: node.span,
        pointer: format!("{pointer}/expires_at"),
        message: format!(
            "`expires_at` ({}) is not after `created_at` ({}): Gait rejects the entry, so it \
             never matches and the whole registry fails verification",
            expires.format_rfc3339_nano(),
            created.format_rfc3339_nano()
        ),
        help: "re-issue the entry with an expiry after its creation time".to_owned(),
    });
}

fn digest_problem(
    entry: &Node,
    pointer: &str,
    policies: &[&(String, String)],
    out: &mut Vec<Problem>,
) {
    let Some(node) = entry.get("policy_digest") else {
        return;
    };
    let Some(digest) = node.as_str().map(lower_trim) else {
        return;
    };
    // A malformed digest fails verification before any match; that is not this check's report.
    if !canonical::is_sha256_hex(&digest) || policies.iter().any(|(_, known)| *known == digest) {
        return;
    }
    let mut replayed: Vec<String> = policies
        .iter()
        .map(|(path, known)| format!("`{path}` with digest `{known}`"))
        .collect();
    replayed.sort();
    replayed.dedup();
    out.push(Problem {
        span: node.span,
        pointer: format!("{pointer}/policy_digest"),
        message: format!(
            "`policy_digest` matches none of the policies replayed with this registry ({}): \
             this entry never matches",
            replayed.join(", ")
        ),
        help: "Gait pre-approves a script only under the exact policy the entry was issued for; \
               re-issue the entry for the current policy digest"
            .to_owned(),
    });
}

fn expiry_problem(entry: &Node, pointer: &str, earliest: Timestamp, out: &mut Vec<Problem>) {
    let Some((expires, node)) = time_of(entry, "expires_at") else {
        return;
    };
    if earliest < expires.timestamp {
        return;
    }
    out.push(Problem {
        span: node.span,
        pointer: format!("{pointer}/expires_at"),
        message: format!(
            "the entry expires at {}, not after the fixed evaluation time {earliest}: it never \
             matches in the replay",
            expires.format_rfc3339_nano()
        ),
        help: "Gait also fails verification of the whole registry on an expired entry; \
               re-issue it or move the evaluation time"
            .to_owned(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Format, parse};

    fn problems(text: &str) -> Vec<String> {
        let root = parse(text, Format::Json).root.unwrap();
        intrinsic_problems(&root)
            .into_iter()
            .map(|problem| problem.pointer)
            .collect()
    }

    #[test]
    fn ascending_sequences_and_known_scopes_pass() {
        let text = r#"[{"schema_id":"gait.gate.approved_script_entry","tool_sequence":["tool.read","Tool.Write"],
            "scope":["risk:high","tool:script","workspace_prefix:/repo","endpoint:fs.read"],
            "created_at":"2026-01-01T00:00:00Z","expires_at":"2026-02-01T00:00:00Z"}]"#;
        assert!(problems(text).is_empty());
    }

    #[test]
    fn order_duplicates_scope_and_window_are_reported() {
        let text = r#"{"entries":[{"tool_sequence":["tool.write","tool.read"]},
            {"tool_sequence":["tool.read"," TOOL.READ "]},
            {"tool_sequence":["a"],"scope":["team:x","tool:tool.read"]},
            {"tool_sequence":["a"],"created_at":"2026-02-01T00:00:00Z","expires_at":"2026-02-01T00:00:00Z"}]}"#;
        assert_eq!(
            problems(text),
            [
                "/entries/0/tool_sequence/1",
                "/entries/1/tool_sequence/1",
                "/entries/2/scope/0",
                "/entries/2/scope/1",
                "/entries/3/expires_at",
            ]
        );
    }

    #[test]
    fn usage_problems_need_every_use_known() {
        let text = r#"[{"policy_digest":"aa00000000000000000000000000000000000000000000000000000000000000",
            "expires_at":"2026-02-01T00:00:00Z"}]"#;
        let root = parse(text, Format::Json).root.unwrap();
        let digest = "b".repeat(64);
        let at = |text: &str| text.parse::<Timestamp>().ok();
        let known = RegistryUse {
            policy: Some(("policy.yaml".into(), digest)),
            now: at("2026-03-01T00:00:00Z"),
        };
        assert_eq!(usage_problems(&root, std::slice::from_ref(&known)).len(), 2);
        let unknown = RegistryUse {
            policy: None,
            now: None,
        };
        assert!(usage_problems(&root, &[known, unknown]).is_empty());
        assert!(usage_problems(&root, &[]).is_empty());
    }
}
