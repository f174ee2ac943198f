use std::sync::Arc;

use crate::classify::FileKind;
use crate::declare_rule;
use crate::finding::{Finding, Location};
use crate::gait::registry::{self, Problem};
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports approved-script registry entries (`gait.gate.approved_script_entry`, read by
    /// `--approved-script-registry`) that can never pre-approve a script, on the field that
    /// causes it:
    /// - a `tool_sequence` that is not strictly ascending after lower-casing and trimming, or
    ///   that repeats a tool: Gait stores the sequence sorted and de-duplicated but compares it
    ///   with the script's step tools in step order, so the script it was written for never
    ///   matches (the message names the only order that can);
    /// - a `scope` item whose prefix is not `risk:`, `tool:`, `workspace_prefix:` or
    ///   `endpoint:`, and a `tool:<name>` item other than `tool:script` (it is compared with the
    ///   intent's top-level tool, which is `script` for every script);
    /// - an `expires_at` not after `created_at` (Gait rejects the entry, and with it the whole
    ///   registry).
    ///
    /// When fixture suites (`options.approved_script_registry`) or Gait scenarios
    /// (`approved_script_registry` in `flags.yaml`) replay the registry, also:
    /// - a `policy_digest` that matches none of the policies the registry is replayed with;
    /// - an entry already expired at the earliest fixed evaluation time (not checked when a
    ///   replay runs on the wall clock).
    ///
    /// A registry file is checked when `check` discovers it, and whenever a replayed suite or
    /// scenario references it, even outside the checked paths.
    ///
    /// ## Why is this bad?
    /// The approved-script fast path is the reason the registry exists: a matching entry skips
    /// policy evaluation for a known script. An entry that can never match silently sends that
    /// script through full evaluation (approvals, blocks) while its author believes it is
    /// pre-approved — and an invalid or expired entry makes Gait fail verification of the whole
    /// registry (exit 3 for high-risk intents).
    ///
    /// ## Example
    /// ```json title="approved_scripts.json"
    /// {"entries": [{
    ///   "schema_id": "gait.gate.approved_script_entry",
    ///   "schema_version": "1.0.0",
    ///   "policy_digest": "44ae19688443915c381be9f806b7fc9ddb2736d286c4e40464b7575a874e9420",
    ///   "script_hash": "a0dce61c1eb7a0dce61c1eb7a0dce61c1eb7a0dce61c1eb7a0dce61c1eb7a0dc",
    ///   "tool_sequence": ["tool.write", "tool.read"],
    ///   "approver_identity": "secops",
    ///   "created_at": "2026-02-20T00:00:00Z",
    ///   "expires_at": "2026-03-20T00:00:00Z"
    /// }]}
    /// ```
    ///
    /// ## Use instead
    /// ```json title="approved_scripts.json"
    /// {"entries": [{
    ///   "schema_id": "gait.gate.approved_script_entry",
    ///   "schema_version": "1.0.0",
    ///   "policy_digest": "44ae19688443915c381be9f806b7fc9ddb2736d286c4e40464b7575a874e9420",
    ///   "script_hash": "a0dce61c1eb7a0dce61c1eb7a0dce61c1eb7a0dce61c1eb7a0dce61c1eb7a0dc",
    ///   "tool_sequence": ["tool.read", "tool.write"],
    ///   "scope": ["risk:high", "tool:script"],
    ///   "approver_identity": "secops",
    ///   "created_at": "2026-02-20T00:00:00Z",
    ///   "expires_at": "2026-03-20T00:00:00Z"
    /// }]}
    /// ```
    pub struct GaitApprovedScriptNeverMatches {
        id: "gait-approved-script-never-matches",
        summary: "approved-script registry entry can never match",
        severity: Warning,
        since: "0.1.0",
    }
}

impl Rule for GaitApprovedScriptNeverMatches {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        let Some(root) = cx.tree else {
            return;
        };
        if cx.classified.map(|classified| classified.kind) != Some(FileKind::GaitScriptRegistry) {
            return;
        }
        out.extend(
            registry::intrinsic_problems(root)
                .into_iter()
                .map(|problem| finding(cx.source.path.clone(), problem)),
        );
    }
}

/// The finding for one problem of the registry at `path` (also used by the replay passes,
/// which see how the registry is used).
pub fn finding(path: Arc<str>, problem: Problem) -> Finding {
    GaitApprovedScriptNeverMatches::META
        .finding(
            Location::new(path, problem.span, problem.pointer),
            problem.message,
        )
        .with_help(problem.help)
}
