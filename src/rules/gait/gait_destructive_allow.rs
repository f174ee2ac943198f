use crate::declare_rule;
use crate::finding::{Finding, Severity};
use crate::gait::lint::{rule_sites, selects_destructive};
use crate::gait::policy::Verdict;
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports Gait `allow` rules for destructive tools (`fs.delete` or `proc.exec` endpoint
    /// classes, destructive operations, `destructiveHint: true`). With a `sandbox` block, Gait
    /// treats `proc.exec` targets with valid sandbox evidence as non-destructive, so the rule
    /// allows command execution with no approval at all: an error. Otherwise Gait's
    /// destructive escalation turns the `allow` into `require_approval` (apply phase) or
    /// `dry_run` (plan phase), so the written effect misleads: a warning.
    ///
    /// ## Why is this bad?
    /// Deleting files or running commands is the class of action approval exists for. An
    /// `allow` that only holds thanks to an implicit escalation breaks silently when the rule
    /// gains a sandbox block or the intent's targets change.
    ///
    /// ## Example
    /// ```yaml title=".gait.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules:
    ///   - name: allow-shell
    ///     effect: allow
    ///     match: {endpoint_classes: [proc.exec]}
    ///     sandbox:
    ///       allowed_network_modes: [disabled]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title=".gait.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules:
    ///   - name: approve-shell
    ///     effect: require_approval
    ///     match: {endpoint_classes: [proc.exec]}
    ///     sandbox:
    ///       allowed_network_modes: [disabled]
    /// ```
    pub struct GaitDestructiveAllow {
        id: "gait-destructive-allow",
        summary: "destructive tools allowed without approval",
        severity: Error,
        since: "0.1.0",
        security_severity: "8.0",
    }
}

impl Rule for GaitDestructiveAllow {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        let (Some(policy), Some(root)) = (
            cx.gait_policy,
            cx.sections.first().map(|section| &section.node),
        ) else {
            return;
        };
        for site in rule_sites(Some(root), policy) {
            let rule = site.rule;
            if rule.effect != Verdict::Allow || !selects_destructive(&rule.matcher) {
                continue;
            }
            let exec = rule
                .matcher
                .endpoint_classes
                .iter()
                .any(|class| class == "proc.exec");
            let (severity, message) = if rule.sandbox.enabled && exec {
                (
                    Severity::Error,
                    format!(
                        "rule `{}` allows command execution without approval: with valid sandbox evidence Gait does not treat `proc.exec` as destructive",
                        rule.name
                    ),
                )
            } else {
                (
                    Severity::Warning,
                    format!(
                        "rule `{}` allows destructive tools: Gait escalates it to `require_approval` in apply phase and `dry_run` in plan phase, not `allow`",
                        rule.name
                    ),
                )
            };
            out.push(
                Finding::new(
                    Self::META.id,
                    severity,
                    cx.at(site.span_of("effect"), site.pointer("effect")),
                    message,
                )
                .with_related(
                    cx.at(site.span_of("match"), site.pointer("match")),
                    "selects destructive targets",
                )
                .with_help("write `effect: require_approval` for destructive tools"),
            );
        }
    }
}
