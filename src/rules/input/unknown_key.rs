use crate::declare_rule;
use crate::finding::{Applicability, Edit, Fix};
use crate::rules::{FileContext, Rule, Sink};
use crate::schema::IssueKind;
use crate::source::SourceFile;
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Reports every key the schema does not know, with the closest known key when there is one.
    /// Stella Ops keys are compared ignoring case, as .NET configuration binds them.
    ///
    /// ## Why is this bad?
    /// The Stella Ops service silently ignores unknown configuration keys: a typo such as
    /// `MinCompositScore` leaves the default threshold in force in production while the file looks
    /// right. Gait's loader rejects unknown keys, so the policy fails to load.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         MinCompositScore: 0.9
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Thresholds:
    ///       production:
    ///         MinCompositeScore: 0.9
    /// ```
    ///
    /// ## Fix
    /// Renames the key to the known key it is a typo of. The fix is safe when exactly one known
    /// key is that close (Stella Ops keys compared ignoring case), unsafe when others are close
    /// too but one is closest; there is none for a tie or when the mapping already holds the
    /// key it would be renamed to.
    pub struct UnknownKey {
        id: "unknown-key",
        summary: "key is not a known option",
        severity: Error,
        since: "0.1.0",
        invalid_input: true,
        security_severity: "7.5",
        fix: Sometimes,
    }
}

impl Rule for UnknownKey {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        for issue in cx.schema_issues {
            let IssueKind::UnknownKey { suggestion, rename } = &issue.kind else {
                continue;
            };
            let mut finding = Self::META.finding(
                cx.at(issue.span, issue.pointer.clone()),
                issue.message.clone(),
            );
            if let Some(hint) = legacy_gait_field(cx, &issue.pointer) {
                finding = finding.with_help(hint);
            } else if let Some(suggestion) = suggestion {
                finding = finding.with_help(format!("did you mean `{suggestion}`?"));
                if let Some(applicability) = rename
                    && let Some(fix) = rename_key(cx.source, issue.span, suggestion, *applicability)
                {
                    finding = finding.with_fix(fix);
                }
            }
            out.push(finding);
        }
    }
}

/// The edit renaming the key written at `span` to `name`, keeping its quotes; `None` when the
/// key is written in a way one replacement cannot keep (an escape, a multi-line key) or `name`
/// would need quoting where the key has none.
fn rename_key(
    source: &SourceFile,
    span: Span,
    name: &str,
    applicability: Applicability,
) -> Option<Fix> {
    let written = source.slice(span);
    let (inner, offset) = match written.as_bytes() {
        [quote @ (b'"' | b'\''), .., last] if last == quote && written.len() >= 2 => {
            (written.get(1..written.len() - 1)?, 1)
        }
        _ => (written, 0),
    };
    let plain = |text: &str| {
        !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    };
    if !plain(inner) || !plain(name) {
        return None;
    }
    let start = span.start as usize + offset;
    Some(Fix::single(
        applicability,
        format!("rename `{inner}` to `{name}`"),
        Edit::replace(Span::new(start, start + inner.len()), name),
    ))
}

/// Gait's loader names a replacement for each field of the retired policy proposal.
fn legacy_gait_field(cx: &FileContext<'_>, pointer: &str) -> Option<&'static str> {
    let kind = cx.classified.map(|classified| classified.kind);
    if kind != Some(crate::classify::FileKind::GaitPolicy) {
        return None;
    }
    Some(match pointer {
        "/version" => {
            "legacy policy field: use `schema_id: gait.gate.policy` and `schema_version: 1.0.0`"
        }
        "/name" => {
            "legacy policy field: remove the top-level name; rule names stay under `rules[].name`"
        }
        "/boundaries" => "legacy policy field: express boundaries as `rules` or `mcp_trust`",
        "/defaults" => "legacy policy field: use `default_verdict` and `fail_closed`",
        "/trust_sources" => {
            "legacy policy field: render external trust data to a local `mcp_trust.snapshot`"
        }
        "/unknown_server" => {
            "legacy policy field: enforce unknown servers through `mcp_trust.action` with snapshot coverage"
        }
        _ => return None,
    })
}
