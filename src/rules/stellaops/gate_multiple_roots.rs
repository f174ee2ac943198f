use crate::classify::GateRoot;
use crate::declare_rule;
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a Stella Ops gate configured under two section roots of one file (`PolicyGates`
    /// and `Policy:Gates`, or either and the sample file's `gates`).
    ///
    /// ## Why is this bad?
    /// The running service binds each gate's options from one section only. The other copy is
    /// silently ignored, and which one is live depends on the gate — a reviewer cannot tell
    /// from the file which thresholds apply.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true
    /// Policy:
    ///   Gates:
    ///     VexTrust:
    ///       Enabled: false
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Enabled: true
    /// ```
    pub struct GateMultipleRoots {
        id: "gate-multiple-roots",
        summary: "a gate is configured under two section roots",
        severity: Error,
        since: "0.1.0",
        security_severity: "5.0",
    }
}

impl Rule for GateMultipleRoots {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        let mut seen: Vec<(String, GateRoot, crate::span::Span)> = Vec::new();
        for bound in cx.sections {
            let Some(root) = bound.section.root else {
                continue;
            };
            let gates = if root == GateRoot::Sample {
                bound.node.get("gates")
            } else {
                Some(bound.node.as_ref())
            };
            let Some(entries) = gates.and_then(|gates| gates.as_map()) else {
                continue;
            };
            for entry in entries {
                let gate = entry.key.text.to_ascii_lowercase();
                match seen.iter().find(|(name, other, _)| *name == gate && *other != root) {
                    Some((_, other, first)) => out.push(
                        Self::META
                            .finding(
                                cx.at(entry.key.span, ""),
                                format!(
                                    "gate `{}` is configured under `{}` and under `{}`; the service binds only one of them",
                                    entry.key.text,
                                    root.spelling(),
                                    other.spelling()
                                ),
                            )
                            .with_related(cx.at(*first, ""), "also configured here"),
                    ),
                    None => seen.push((gate, root, entry.key.span)),
                }
            }
        }
    }
}
