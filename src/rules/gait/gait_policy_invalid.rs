use crate::declare_rule;
use crate::gait::lint::pointer_at;
use crate::gait::policy::PolicyErrorKind;
use crate::rules::{FileContext, Rule, Sink};
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Loads every Gait policy with Gait's own loader (normalisation, defaults, force-enabled
    /// sub-objects, cross-field checks) and reports each error the loader raises that the schema
    /// checks did not already report: a `freeze_window` without a timezone, an egress class that
    /// is not a network class, a `destructive_budget` without requests, an `effect` that
    /// contradicts its `action` alias, and the rest of Gait's validation catalogue. Gait stops
    /// at the first error; this rule reports one per independent section (header, `scripts`,
    /// `fail_closed`, `mcp_trust`, each rule).
    ///
    /// ## Why is this bad?
    /// Gait refuses to load the policy (`gait policy validate` and `gate eval` exit 6), so every
    /// gated tool call fails closed once the file is deployed.
    ///
    /// ## Example
    /// ```yaml title=".gait.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules:
    ///   - name: writes
    ///     effect: allow
    ///     action: require_approval
    ///     match: {tool_names: [tool.write]}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title=".gait.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules:
    ///   - name: writes
    ///     effect: require_approval
    ///     match: {tool_names: [tool.write]}
    /// ```
    pub struct GaitPolicyInvalid {
        id: "gait-policy-invalid",
        summary: "Gait's policy loader rejects this policy",
        severity: Error,
        since: "0.1.0",
        invalid_input: true,
        security_severity: "7.0",
    }
}

impl Rule for GaitPolicyInvalid {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        let root = cx.sections.first().map(|section| &section.node);
        for error in cx.gait_errors {
            let pointer = root.map(|root| pointer_at(root, error.span));
            if already_reported(cx, &error.kind, error.span, pointer.as_deref()) {
                continue;
            }
            let mut finding = Self::META.finding(
                cx.at(error.span, pointer.unwrap_or_default()),
                error.kind.to_string(),
            );
            if let Some(hint) = error.kind.hint() {
                finding = finding.with_help(hint);
            }
            out.push(finding);
        }
    }
}

/// Whether a parse or schema finding already says the same thing at the same place.
fn already_reported(
    cx: &FileContext<'_>,
    kind: &PolicyErrorKind,
    span: Span,
    pointer: Option<&str>,
) -> bool {
    let overlaps = |other: Span| {
        other == span
            || (other.start < span.end.max(span.start + 1)
                && span.start < other.end.max(other.start + 1))
    };
    let structural = matches!(
        kind,
        PolicyErrorKind::Syntax(_)
            | PolicyErrorKind::DuplicateKey(_)
            | PolicyErrorKind::UnknownField(_)
            | PolicyErrorKind::TypeMismatch { .. }
            | PolicyErrorKind::LegacyFields { .. }
    );
    if structural {
        return cx.parse_issues.iter().any(|issue| overlaps(issue.span))
            || cx.schema_issues.iter().any(|issue| overlaps(issue.span));
    }
    cx.schema_issues
        .iter()
        .any(|issue| issue.span == span || Some(issue.pointer.as_str()) == pointer)
}
