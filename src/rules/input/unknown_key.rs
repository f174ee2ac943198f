use crate::declare_rule;
use crate::rules::{FileContext, Rule, Sink};
use crate::schema::IssueKind;

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
    pub struct UnknownKey {
        id: "unknown-key",
        summary: "key is not a known option",
        severity: Error,
        since: "0.1.0",
        invalid_input: true,
        security_severity: "7.5",
    }
}

impl Rule for UnknownKey {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        for issue in cx.schema_issues {
            let IssueKind::UnknownKey { suggestion } = &issue.kind else {
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
            }
            out.push(finding);
        }
    }
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
